//! `microcred spec …`

use crate::output::outln;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use microcred_app::{Checker, SpecificationReport};
use microcred_rules::{Answer, Scope, Severity, answer_checklist, evaluate};
use microcred_specfile::{Location, ParseError};

use crate::render::{Style, diagnostic};
use crate::{OutputFormat, exit};

#[derive(Subcommand)]
pub enum SpecCommand {
    /// Check specification files; exit 0 when no errors, 1 when errors, 2 when a file is unreadable.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// A profile id or profile file to apply (repeatable); overrides the file's and the alliance's.
        #[arg(long = "profile", value_name = "ID|FILE")]
        profiles: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Answer EuroTeQ's six questions for teachers for a specification.
    Checklist {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The profile whose checklist to answer.
        #[arg(long, default_value = "euroteq-2022", value_name = "ID|FILE")]
        profile: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Print the JSON Schema of specification files (or catalogue files), for editors.
    Schema {
        #[arg(long)]
        catalogue: bool,
    },
}

pub fn run(command: SpecCommand, mut checker: Checker) -> u8 {
    match command {
        SpecCommand::Check {
            files,
            profiles,
            format,
        } => {
            let profiles = match add_profile_files(&mut checker, profiles) {
                Ok(ids) => ids,
                Err(message) => return usage_error(&message),
            };
            check(&checker, &files, &profiles, format)
        }
        SpecCommand::Checklist {
            file,
            profile,
            format,
        } => {
            let profile = match add_profile_files(&mut checker, vec![profile]) {
                Ok(mut ids) => ids.remove(0),
                Err(message) => return usage_error(&message),
            };
            checklist(&checker, &file, &profile, format)
        }
        SpecCommand::Schema { catalogue } => {
            let schema = if catalogue {
                microcred_specfile::catalogue_file_schema()
            } else {
                microcred_specfile::specification_file_schema()
            };
            outln!(
                "{}",
                serde_json::to_string_pretty(&schema).expect("a schema serializes")
            );
            exit::OK
        }
    }
}

fn usage_error(message: &str) -> u8 {
    eprintln!("error: {message}");
    exit::UNREADABLE
}

/// `--profile` takes an id or a profile file; files are loaded and replaced by their id.
fn add_profile_files(checker: &mut Checker, profiles: Vec<String>) -> Result<Vec<String>, String> {
    profiles
        .into_iter()
        .map(|profile| {
            if profile.ends_with(".toml") {
                checker
                    .add_profile_file(std::path::Path::new(&profile))
                    .map_err(|e| e.to_string())
            } else {
                checker
                    .profiles()
                    .require(&profile)
                    .map(|p| p.id.clone())
                    .map_err(|e| e.to_string())
            }
        })
        .collect()
}

fn check(checker: &Checker, files: &[PathBuf], profiles: &[String], format: OutputFormat) -> u8 {
    let reports: Vec<(String, Result<SpecificationReport, ParseError>)> = files
        .iter()
        .map(|f| (f.display().to_string(), checker.check(f, profiles)))
        .collect();
    let unreadable = reports.iter().any(|(_, r)| r.is_err());
    let errors = reports.iter().any(|(_, r)| {
        r.as_ref()
            .is_ok_and(|r| r.evaluation.count(Severity::Error) > 0)
    });
    match format {
        OutputFormat::Json => {
            let files: Vec<_> = reports
                .iter()
                .map(|(path, report)| match report {
                    Ok(report) => json!({ "path": path, "profiles": report.profiles, "findings": report.findings }),
                    Err(error) => json!({ "path": path, "error": error, "findings": [] }),
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(&json!({ "files": files }))
                    .expect("a report serializes")
            );
        }
        OutputFormat::Human => print_human(&reports),
    }
    if unreadable {
        exit::UNREADABLE
    } else if errors {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn print_human(reports: &[(String, Result<SpecificationReport, ParseError>)]) {
    let style = Style::for_stdout();
    let mut out = String::new();
    let (mut errors, mut warnings, mut notes, mut unreadable) = (0, 0, 0, 0);
    for (_, report) in reports {
        match report {
            Err(error) => {
                unreadable += 1;
                print_parse_error(&mut out, style, error);
            }
            Ok(report) => {
                for located in &report.findings {
                    let finding = &located.finding;
                    let word = finding.severity.word();
                    let heading = format!(
                        "{}{} {}",
                        style.severity(word),
                        style.bold(&format!("[{}]:", finding.rule)),
                        finding.message
                    );
                    let element = finding.element;
                    let necessity = if element.mandatory() {
                        "mandatory"
                    } else {
                        "optional"
                    };
                    let notes = vec![
                        format!(
                            "element {}: {} ({necessity})",
                            element.number(),
                            element.name()
                        ),
                        format!("source: {}", finding.source),
                    ];
                    let source = report.specification.file(&located.location.file);
                    diagnostic(&mut out, style, &heading, &located.location, source, &notes);
                }
                errors += report.evaluation.count(Severity::Error);
                warnings += report.evaluation.count(Severity::Warning);
                notes += report.evaluation.count(Severity::Note);
                let summary = format!(
                    "{}: {} checked against {}",
                    report.specification.source().name(),
                    report.specification.specification.id,
                    report.profiles.join(", ")
                );
                out.push_str(&style.dim(&summary));
                out.push_str("\n\n");
            }
        }
    }
    let files = reports.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&style.bold(&format!(
        "{}, {}, {} in {}{}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(notes, "note"),
        plural(files, "file"),
        if unreadable > 0 {
            format!("; {} could not be read", plural(unreadable, "file"))
        } else {
            String::new()
        }
    )));
    outln!("{out}");
}

fn print_parse_error(out: &mut String, style: Style, error: &ParseError) {
    let heading = format!(
        "{}{} {}",
        style.severity("error"),
        style.bold(":"),
        error.message
    );
    let location = Location {
        file: error.file.clone(),
        line: error.line,
        column: error.column,
        field: error.field.clone().unwrap_or_default(),
        present: true,
        span: 0..0,
    };
    // Re-read the line for the quote; the file may be unreadable, then no quote.
    let source = std::fs::read(&error.file).ok().and_then(|bytes| {
        microcred_specfile::SourceFile::from_bytes(error.file.clone(), bytes).ok()
    });
    let mut location = location;
    if let Some(source) = &source {
        let offset = line_offset(source, error.line, error.column);
        let token_end = source.text()[offset..]
            .find(|c: char| c.is_whitespace() || c == ',' || c == ']' || c == '}')
            .map_or(source.text().len(), |n| offset + n.max(1));
        location.span = offset..token_end;
    }
    let notes: Vec<String> = error.help.iter().map(|h| format!("help: {h}")).collect();
    diagnostic(out, style, &heading, &location, source.as_ref(), &notes);
}

/// The byte offset of a 1-based line and character column.
fn line_offset(source: &microcred_specfile::SourceFile, line: usize, column: usize) -> usize {
    let start: usize = source
        .text()
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &source.text()[start.min(source.text().len())..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

fn checklist(
    checker: &Checker,
    file: &std::path::Path,
    profile_id: &str,
    format: OutputFormat,
) -> u8 {
    let style = Style::for_stdout();
    let specification = match checker.load(file) {
        Ok(s) => s,
        Err(error) => {
            let mut out = String::new();
            print_parse_error(&mut out, style, &error);
            eprint!("{out}");
            return exit::UNREADABLE;
        }
    };
    let profile = checker
        .profiles()
        .get(profile_id)
        .expect("profile ids were checked");
    if profile.checklist.is_empty() {
        return usage_error(&format!("profile `{profile_id}` has no checklist"));
    }
    let facts = microcred_rules::Facts::of_specification(
        &specification.specification,
        &specification.catalogue,
        None,
    );
    let evaluation = evaluate(&[profile], &facts, Scope::Specification);
    let answers = answer_checklist(profile, &evaluation);
    match format {
        OutputFormat::Json => {
            let report = json!({ "path": file.display().to_string(), "profile": profile.id, "answers": answers });
            outln!(
                "{}",
                serde_json::to_string_pretty(&report).expect("answers serialize")
            );
        }
        OutputFormat::Human => {
            outln!(
                "{} — {}",
                style.bold(&format!("{} checklist", profile.name)),
                file.display()
            );
            outln!("{}\n", style.dim(&profile.document));
            for answer in &answers {
                let word = match answer.answer {
                    Answer::Yes => style.paint("1;32", "yes"),
                    Answer::No => style.paint("1;31", "no"),
                    Answer::RecommendedButNotMet => style.paint("1;33", "recommended but not met"),
                };
                outln!("{}. {}\n   {word}", answer.number, answer.question);
                for why in &answer.why {
                    outln!("   - {why}");
                }
                outln!();
            }
        }
    }
    if answers.iter().any(|a| a.answer == Answer::No) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}
