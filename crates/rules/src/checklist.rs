//! Answers a profile's checklist (EuroTeQ's six questions for teachers) from an evaluation.

use serde::Serialize;

use crate::engine::{Evaluation, RuleOutcome};
use crate::profile::Profile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Yes,
    No,
    RecommendedButNotMet,
}

impl Answer {
    pub fn words(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::RecommendedButNotMet => "recommended but not met",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistAnswer {
    pub number: usize,
    pub question: String,
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
