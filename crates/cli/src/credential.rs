//! `microcred credential …`

use crate::output::outln;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};

use microcred_app::certificate::read_credential_file;
use microcred_app::fetch::KeyHosts;
use microcred_app::keys::read_key_file;
use microcred_app::verify::Verifier;
use microcred_app::{parse_json, read_bytes};
use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof, proof_as_array};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::vc::{Strictness, validate_credential};
use microcred_credentials::verify::{MAX_CREDENTIAL_BYTES, Report, Status};

use crate::keys::PASSPHRASE_VARIABLE;
use crate::{OutputFormat, exit};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Suite {
    /// JSON-LD canonicalised with RDFC-1.0: the suite Open Badges 3.0 certifies.
    #[default]
    #[value(name = "eddsa-rdfc-2022")]
    EddsaRdfc2022,
    /// JSON canonicalised with JCS (RFC 8785).
    #[value(name = "eddsa-jcs-2022")]
    EddsaJcs2022,
}

impl Suite {
    pub fn cryptosuite(self) -> Cryptosuite {
        match self {
            Suite::EddsaRdfc2022 => Cryptosuite::EddsaRdfc2022,
            Suite::EddsaJcs2022 => Cryptosuite::EddsaJcs2022,
        }
    }
}

#[derive(Subcommand)]
pub enum CredentialCommand {
    /// Sign a credential (adds a Data Integrity proof; a second signature makes a proof set).
    Sign {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The issuer's key file (sealed ones open with MICROCRED_KEY_PASSPHRASE).
        #[arg(long, value_name = "KEY_FILE")]
        key: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        suite: Suite,
        /// Write the signed credential here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify credentials: proofs, issuer, validity, status, schema. A FILE is a credential
    /// (JSON) or a printed certificate (PDF) with its credential attached. Exit 0 when all are
    /// verified, 1 when some are not, 2 when a file cannot be read.
    Verify {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The alliance's trust list (JSON): the issuers accepted, with their DID documents.
        #[arg(long, value_name = "FILE")]
        trust: Option<PathBuf>,
        /// A status list credential the credentials point to (repeatable).
        #[arg(long = "status", value_name = "FILE")]
        status: Vec<PathBuf>,
        /// A controller document: a did:web issuer's DID document, an https issuer's
        /// controller document or verification method (repeatable).
        #[arg(
            long = "controller-document",
            visible_alias = "did-document",
            value_name = "FILE"
        )]
        did_documents: Vec<PathBuf>,
        /// Fetch the keys (controller documents) of did:web and https issuers that are not
        /// given, from the hosts of the trust list's issuers.
        #[arg(long, requires = "trust")]
        fetch_keys: bool,
        /// Fetch keys from any https host the credentials name (a credential from anyone can
        /// then make microcred fetch a URL: ask for it knowingly).
        #[arg(long, conflicts_with = "fetch_keys")]
        fetch_keys_from_any_host: bool,
        /// Fetch status lists not given with --status, from the URLs where the trust list says
        /// a trusted issuer publishes them (nothing else is fetched).
        #[arg(long, requires = "trust")]
        fetch_status: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

pub fn run(command: CredentialCommand) -> u8 {
    match command {
        CredentialCommand::Sign {
            file,
            key,
            suite,
            out,
        } => sign(file, key, suite, out),
        CredentialCommand::Verify {
            files,
            trust,
            status,
            did_documents,
            fetch_keys,
            fetch_keys_from_any_host,
            fetch_status,
            format,
        } => {
            let key_hosts = if fetch_keys_from_any_host {
                KeyHosts::Any
            } else if fetch_keys {
                KeyHosts::Trusted
            } else {
                KeyHosts::None
            };
            verify(
                files,
                trust,
                status,
                did_documents,
                key_hosts,
                fetch_status,
                format,
            )
        }
    }
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::UNREADABLE
}

fn sign(file: PathBuf, key: PathBuf, suite: Suite, out: Option<PathBuf>) -> u8 {
    let passphrase = std::env::var(PASSPHRASE_VARIABLE).ok();
    let key = match read_key_file(&key, passphrase.as_deref()) {
        Ok(key) => key,
        Err(e) => return fail(e),
    };
    let credential: Value =
        match read_bytes(&file, MAX_CREDENTIAL_BYTES).and_then(|b| parse_json(&file, &b)) {
            Ok(value) => value,
            Err(e) => return fail(e),
        };
    if let Err(problems) = validate_credential(&credential, Strictness::Verify) {
        for problem in problems {
            eprintln!("error: {}: {problem}", file.display());
        }
        return exit::UNREADABLE;
    }
    let issuer = match credential.get("issuer") {
        Some(Value::String(id)) => id.as_str(),
        Some(issuer) => issuer.get("id").and_then(Value::as_str).unwrap_or(""),
        None => "",
    };
    if issuer != key.controller {
        return fail(format!(
            "{}: the credential's issuer is `{issuer}`, but the key belongs to `{}`: a verifier would not take it as the issuer's signature",
            file.display(),
            key.controller
        ));
    }
    let options = ProofOptions::assertion(
        suite.cryptosuite(),
        key.verification_method.clone(),
        DateTime::now().to_string(),
    );
    let mut signed = match add_proof(&credential, &key.key, &options) {
        Ok(signed) => signed,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    if is_open_badge(&signed) {
        proof_as_array(&mut signed);
    }
    let text = serde_json::to_string_pretty(&signed).unwrap_or_default();
    match out {
        Some(path) => match std::fs::write(&path, text + "\n") {
            Ok(()) => {
                eprintln!("signed {} → {}", file.display(), path.display());
                exit::OK
            }
            Err(e) => fail(format!("{}: {e}", path.display())),
        },
        None => {
            outln!("{text}");
            exit::OK
        }
    }
}

fn is_open_badge(credential: &Value) -> bool {
    credential
        .get("type")
        .is_some_and(|t| t.to_string().contains("OpenBadgeCredential"))
}

fn verify(
    files: Vec<PathBuf>,
    trust: Option<PathBuf>,
    status: Vec<PathBuf>,
    did_documents: Vec<PathBuf>,
    key_hosts: KeyHosts,
    fetch_status: bool,
    format: OutputFormat,
) -> u8 {
    let mut verifier = match Verifier::new(trust.as_deref(), &status) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    for path in &did_documents {
        if let Err(e) = verifier.add_did_document(path) {
            return fail(e);
        }
    }
    let now = DateTime::now();
    let mut code = exit::OK;
    let mut results = Vec::new();
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for path in &files {
        // A JSON credential, or a printed certificate with the credential attached.
        let read = read_credential_file(path);
        match read {
            Ok(credential) => {
                let mut notes = if key_hosts == KeyHosts::None {
                    Vec::new()
                } else {
                    verifier.fetch_keys(&credential, key_hosts)
                };
                if fetch_status {
                    notes.extend(verifier.fetch_status_lists(&credential));
                }
                if microcred_app::bundle::is_presentation(&credential) {
                    let verified = verify_bundle(
                        &verifier,
                        &path.display().to_string(),
                        &credential,
                        now,
                        format,
                        colour,
                        &mut results,
                    );
                    if !verified && code == exit::OK {
                        code = exit::FINDINGS;
                    }
                    continue;
                }
                let report = verifier.verify(&credential, now);
                if !report.verified && code == exit::OK {
                    code = exit::FINDINGS;
                }
                match format {
                    OutputFormat::Human => print_human(
                        &path.display().to_string(),
                        &credential,
                        &report,
                        &notes,
                        colour,
                    ),
                    OutputFormat::Json => results.push(json!({
                        "path": path.display().to_string(),
                        "verified": report.verified,
                        "verdict": report.verdict,
                        "checks": report.checks,
                        "notes": notes,
                    })),
                }
            }
            Err(e) => {
                code = exit::UNREADABLE;
                match format {
                    OutputFormat::Human => eprintln!("error: {e}"),
                    OutputFormat::Json => results.push(json!({
                        "path": path.display().to_string(),
                        "verified": false,
                        "error": e.to_string(),
                    })),
                }
            }
        }
    }
    if format == OutputFormat::Json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({ "credentials": results })).unwrap_or_default()
        );
    }
    code
}

/// A bundle (a stacked credential with its components, as a presentation): the stacked
/// credential's report, then each component — in the bundle unchanged, and verified. True
/// when everything verified.
#[allow(clippy::too_many_arguments)]
fn verify_bundle(
    verifier: &Verifier,
    path: &str,
    presentation: &Value,
    now: DateTime,
    format: OutputFormat,
    colour: bool,
    results: &mut Vec<Value>,
) -> bool {
    let report =
        match microcred_app::bundle::verify_bundle(presentation, |c| verifier.verify(c, now)) {
            Ok(report) => report,
            Err(e) => {
                match format {
                    OutputFormat::Human => eprintln!("error: {path}: {e}"),
                    OutputFormat::Json => results
                        .push(json!({ "path": path, "verified": false, "error": e.to_string() })),
                }
                return false;
            }
        };
    match format {
        OutputFormat::Human => {
            let stacked = presentation["verifiableCredential"]
                .get(0)
                .cloned()
                .unwrap_or(Value::Null);
            print_human(path, &stacked, &report.stacked, &[], colour);
            outln!(
                "  Components ({} referenced{}):",
                report.components.len(),
                if report.unreferenced > 0 {
                    format!("; {} other credentials in the bundle", report.unreferenced)
                } else {
                    String::new()
                }
            );
            for (status, line) in report.component_lines() {
                let mark = match status {
                    Status::Ok => "ok     ",
                    Status::Failed => "FAILED ",
                    Status::Skipped => "skipped",
                };
                outln!("    {mark} {line}");
            }
            outln!(
                "  The bundle: {}",
                if report.verified {
                    "VERIFIED — the stacked credential and every component it names"
                } else {
                    "NOT VERIFIED"
                }
            );
            outln!();
        }
        OutputFormat::Json => results.push(json!({
            "path": path,
            "verified": report.verified,
            "verdict": report.stacked.verdict,
            "checks": report.stacked.checks,
            "components": report.components,
            "unreferenced": report.unreferenced,
        })),
    }
    report.verified
}

fn print_human(path: &str, credential: &Value, report: &Report, notes: &[String], colour: bool) {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let headline = if report.verified {
        paint("1;32", "VERIFIED")
    } else {
        paint("1;31", "NOT VERIFIED")
    };
    outln!("{path}: {headline} — {}", report.verdict.sentence());
    for check in &report.checks {
        let mark = match check.status {
            Status::Ok => paint("32", "ok     "),
            Status::Failed => paint("31", "FAILED "),
            Status::Skipped => paint("33", "skipped"),
        };
        outln!("  {mark} {:<9} {}", check.name, check.detail);
    }
    for note in notes {
        outln!("  note: {note}");
    }
    let statements = microcred_app::verify::describe_any(credential);
    if !statements.is_empty() {
        if report.verdict.statement_is_authentic() {
            outln!("  What the credential says (as signed):");
        } else {
            outln!("  What the file claims (no trusted signature: do not rely on it):");
        }
        let width = statements
            .iter()
            .map(|s| s.label.chars().count() + 1)
            .max()
            .unwrap_or(0);
        for statement in statements {
            outln!(
                "    {:<width$} {}",
                format!("{}:", statement.label),
                statement.value
            );
        }
    }
    outln!();
}
