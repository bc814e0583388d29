//! `microcred issue`: signed credentials for every eligible learner of a results file.

use crate::output::outln;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use microcred_app::Checker;
use microcred_app::issue::{IssueFormats, IssueOptions, issue_from_results};
use microcred_app::keys::{add_seal, read_key_file};
use microcred_app::results::open_results_file;
use microcred_credentials::datetime::DateTime;
use microcred_rules::Severity;

use crate::credential::Suite;
use crate::keys::PASSPHRASE_VARIABLE;
use crate::{OutputFormat, exit};

#[derive(Args)]
pub struct IssueArgs {
    /// The micro-credential's specification (TOML or JSON); it must meet its rules.
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Learners' results, one row per learner and course element: a CSV file or an XLSX
    /// workbook (columns: see README).
    #[arg(long, value_name = "FILE")]
    results: PathBuf,
    /// The awarding body's key file; for a joint award one per awarding university, in the
    /// order the specification's elements name them. For `--credential-format edc`, its seal
    /// key file (`keys generate --seal`, `keys import-seal`).
    #[arg(long = "key", required = true, value_name = "KEY_FILE")]
    keys: Vec<PathBuf>,
    /// With `--credential-format both`: each awarding body's seal key file, in the order of
    /// `--key`.
    #[arg(long = "seal-key", value_name = "SEAL_KEY_FILE")]
    seal_keys: Vec<PathBuf>,
    /// Which credentials to write: Open Badges 3.0 (`<id>.json`), a Europass EDC sealed with
    /// JAdES (`<id>.edc.json`), or both from the same award.
    #[arg(long, value_enum, default_value_t)]
    credential_format: CredentialFormatChoice,
    /// The folder to write the credentials and report.json into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    suite: Suite,
    /// Where the alliance publishes its catalogue (achievement ids become URLs under it).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
}

/// The formats `issue` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CredentialFormatChoice {
    /// Open Badges 3.0 (W3C VC 2.0, Data Integrity).
    #[default]
    Ob3,
    /// Europass EDC (ELM 3.2), sealed with JAdES.
    Edc,
    /// Both.
    Both,
}

impl CredentialFormatChoice {
    fn formats(self) -> IssueFormats {
        match self {
            CredentialFormatChoice::Ob3 => IssueFormats::OpenBadges,
            CredentialFormatChoice::Edc => IssueFormats::Edc,
            CredentialFormatChoice::Both => IssueFormats::Both,
        }
    }
}

pub fn run(args: IssueArgs, checker: &Checker) -> u8 {
    let report = match checker.check(&args.spec, &[]) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::UNREADABLE;
        }
    };
    let errors = report
        .findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "error: {} does not meet its rules ({errors} error{}): run `microcred spec check {}` and fix them before issuing",
            args.spec.display(),
            if errors == 1 { "" } else { "s" },
            args.spec.display()
        );
        return exit::FINDINGS;
    }
    let passphrase = std::env::var(PASSPHRASE_VARIABLE).ok();
    let mut keys = Vec::new();
    for path in &args.keys {
        match read_key_file(path, passphrase.as_deref()) {
            Ok(key) => keys.push(key),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
        }
    }
    if !args.seal_keys.is_empty() && args.seal_keys.len() != keys.len() {
        eprintln!(
            "error: give one --seal-key per --key ({} keys, {} seal keys)",
            keys.len(),
            args.seal_keys.len()
        );
        return exit::UNREADABLE;
    }
    for (key, path) in keys.iter_mut().zip(&args.seal_keys) {
        if let Err(e) = add_seal(key, path, passphrase.as_deref()) {
            eprintln!("error: {e}");
            return exit::UNREADABLE;
        }
    }
    let results = match open_results_file(&args.results) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::UNREADABLE;
        }
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} learners ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("issuing");
    let options = IssueOptions {
        formats: args.credential_format.formats(),
        template: microcred_render::Template::default_template(),
        suite: args.suite.cryptosuite(),
        now: DateTime::now(),
        base_url: args.base_url.clone(),
    };
    let alliance = checker.alliance();
    let outcome = issue_from_results(
        &report.specification,
        alliance,
        results,
        &keys,
        &options,
        &args.out,
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    );
    bar.finish_and_clear();
    let issued = match outcome {
        Ok(issued) => issued,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::UNREADABLE;
        }
    };
    match args.format {
        OutputFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&issued).unwrap_or_default()
        ),
        OutputFormat::Human => {
            outln!(
                "{}: {} credential{} issued into {} (report: {})",
                issued.specification,
                issued.issued.len(),
                if issued.issued.len() == 1 { "" } else { "s" },
                args.out.display(),
                args.out.join("report.json").display()
            );
            for learner in &issued.not_eligible {
                outln!("  not eligible: {} ({})", learner.learner, learner.reason);
            }
            for problem in &issued.bad_rows {
                outln!("  {}: {problem}", args.results.display());
            }
        }
    }
    if issued.bad_rows.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
