//! `microcred profiles …`

use crate::output::outln;
use clap::Subcommand;
use serde_json::json;

use microcred_app::Checker;
use microcred_rules::{FACT_NAMES, Profile, Scope, Test};

use crate::render::Style;
use crate::{OutputFormat, exit};

#[derive(Subcommand)]
pub enum ProfilesCommand {
    /// List the rule profiles known (built-in and the alliance's own).
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Show a profile's rules with their sources.
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// List the fields rules can test.
    Fields,
}

pub fn run(command: ProfilesCommand, checker: &Checker) -> u8 {
    let style = Style::for_stdout();
    match command {
        ProfilesCommand::List {
            format: OutputFormat::Json,
        } => {
            let list: Vec<_> = checker
                .profiles()
                .all()
                .iter()
                .map(|p| json!({ "id": p.id, "name": p.name, "version": p.version, "document": p.document, "rules": p.rules.len() }))
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(&list).expect("serializes")
            );
            exit::OK
        }
        ProfilesCommand::List {
            format: OutputFormat::Human,
        } => {
            for p in checker.profiles().all() {
                outln!(
                    "{:<16} {} (v{}, {} rules)",
                    style.bold(&p.id),
                    p.name,
                    p.version,
                    p.rules.len()
                );
                outln!("{:<16} {}", "", style.dim(&p.document));
            }
            exit::OK
        }
        ProfilesCommand::Show { id, format } => {
            let profile = match checker.profiles().require(&id) {
                Ok(profile) => profile,
                Err(unknown) => {
                    eprintln!("error: {unknown}");
                    return exit::UNREADABLE;
                }
            };
            match format {
                OutputFormat::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(profile).expect("serializes")
                ),
                OutputFormat::Human => show(profile, style),
            }
            exit::OK
        }
        ProfilesCommand::Fields => {
            for (name, kind, scope, description) in FACT_NAMES {
                let scope = if *scope == Scope::Credential {
                    " (awarded credential)"
                } else {
                    ""
                };
                outln!(
                    "{:<36} {:<7} {description}{scope}",
                    name,
                    format!("{kind:?}").to_lowercase()
                );
            }
            exit::OK
        }
    }
}

fn show(profile: &Profile, style: Style) {
    outln!(
        "{} {} (version {})",
        style.bold(&profile.id),
        profile.name,
        profile.version
    );
    outln!("{}", profile.document);
    if !profile.description.is_empty() {
        outln!("{}", profile.description.trim());
    }
    outln!();
    for rule in &profile.rules {
        let scope = if rule.scope == Scope::Credential {
            ", awarded credential"
        } else {
            ""
        };
        outln!(
            "{} {} — element {} {}{scope}",
            style.severity(rule.severity.word()),
            style.bold(&format!("{}/{}", profile.id, rule.id)),
            rule.element.number(),
            rule.element.name()
        );
        let conditions: Vec<String> = rule.when.iter().map(describe).collect();
        if !conditions.is_empty() {
            outln!("    when   {}", conditions.join(" and "));
        }
        outln!("    checks {}", describe(&rule.check));
        outln!("    source {}", rule.source);
        if let Some(quote) = &rule.quote {
            outln!("    quote  \u{201c}{quote}\u{201d}");
        }
        if let Some(other) = &rule.contradiction {
            outln!(
                "    contradicted by {} — checks {}",
                other.source,
                describe(&other.check)
            );
        }
        outln!();
    }
    for (i, question) in profile.checklist.iter().enumerate() {
        let kind = if question.recommended {
            " (recommended)"
        } else {
            ""
        };
        outln!(
            "checklist {}{kind}: {} — answered by {}",
            i + 1,
            question.question,
            question.rules.join(", ")
        );
    }
}

/// A test in words: `workload.ects ≥ 3`.
fn describe(test: &Test) -> String {
    let number = |n: f64| microcred_rules::facts::format_number(n);
    match test {
        Test::Present {
            field: Some(field), ..
        } => format!("{field} is given"),
        Test::Present { any_of, .. } => format!("one of {} is given", any_of.join(", ")),
        Test::Absent { field } => format!("{field} is not given"),
        Test::Range {
            field,
            min,
            max,
            below,
        } => {
            let mut parts = Vec::new();
            if let Some(min) = min {
                parts.push(format!("{field} ≥ {}", number(*min)));
            }
            if let Some(max) = max {
                parts.push(format!("{field} ≤ {}", number(*max)));
            }
            if let Some(below) = below {
                parts.push(format!("{field} < {}", number(*below)));
            }
            parts.join(" and ")
        }
        Test::Count { field, min, max } => match (min, max) {
            (Some(min), Some(max)) => format!("{field} has {min} to {max} items"),
            (Some(min), None) => format!("{field} has at least {min} item(s)"),
            (None, Some(max)) => format!("{field} has at most {max} item(s)"),
            (None, None) => format!("{field} is a list"),
        },
        Test::OneOf { field, values } => format!("{field} is one of {}", values.join(", ")),
        Test::NoneOf { field, values } => format!("{field} is none of {}", values.join(", ")),
        Test::Contains { field, values } => format!("{field} includes {}", values.join(" or ")),
        Test::Equals { field, value } => format!("{field} is {value}"),
        Test::Compare { field, op, other } => format!("{field} is {} {other}", op.words()),
    }
}
