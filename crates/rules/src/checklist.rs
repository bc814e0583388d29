//! Answers a profile's checklist (EuroTeQ's six questions for teachers) from an evaluation.

use serde::Serialize;

use crate::engine::{Evaluation, RuleOutcome};
use crate::profile::Profile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
/// A checklist question's answer, from the rules behind it.
pub enum Answer {
    /// Every rule behind it holds.
    Yes,
    /// A required rule behind it fails.
    No,
    /// Only a recommendation behind it fails.
    RecommendedButNotMet,
}

impl Answer {
    /// The answer in words.
    pub fn words(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::RecommendedButNotMet => "recommended but not met",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
/// A checklist question answered for a specification.
pub struct ChecklistAnswer {
    /// Its number in the checklist, from 1.
    pub number: usize,
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: Answer,
    /// Why: the findings that make it "no", or what was seen that makes it "yes".
    pub why: Vec<String>,
}

/// Answers each question of `profile`'s checklist: "yes" when all its rules held.
pub fn answer_checklist(profile: &Profile, evaluation: &Evaluation) -> Vec<ChecklistAnswer> {
    profile
        .checklist
        .iter()
        .enumerate()
        .map(|(i, question)| {
            let ids: Vec<String> = question
                .rules
                .iter()
                .map(|r| format!("{}/{r}", profile.id))
                .collect();
            let failures: Vec<String> = evaluation
                .findings
                .iter()
                .filter(|f| ids.contains(&f.rule))
                .map(|f| f.message.clone())
                .collect();
            let (answer, why) = if failures.is_empty() {
                let held = ids
                    .iter()
                    .filter_map(|id| match evaluation.outcome(id) {
                        Some(RuleOutcome::Held(Some(text))) => Some(text.clone()),
                        _ => None,
                    })
                    .collect();
                (Answer::Yes, held)
            } else if question.recommended {
                (Answer::RecommendedButNotMet, failures)
            } else {
                (Answer::No, failures)
            };
            ChecklistAnswer {
                number: i + 1,
                question: question.question.clone(),
                answer,
                why,
            }
        })
        .collect()
}
