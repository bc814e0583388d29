//! What the command-line tests share: running `microcred` in a scratch folder with a clean
//! environment, and issuing the example credential.
#![allow(dead_code)] // each test file uses some of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// An empty folder of its own for the test `name` of `suite`.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("microcred-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// `microcred ARGS` in `dir`, with none of the environment variables it reads.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_microcred"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    for variable in [
        "MICROCRED_ALLIANCE",
        "MICROCRED_KEY_PASSPHRASE",
        "DATABASE_URL",
        "MICROCRED_DATA",
        "MICROCRED_KEY_ENCRYPTION_KEY",
        "MICROCRED_ADMIN_PASSWORD",
    ] {
        command.env_remove(variable);
    }
    command
}

pub fn microcred(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("microcred runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `openssl ARGS` in `dir`, which must succeed.
pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        text(&out.stderr)
    );
}

pub fn spec() -> String {
    repository()
        .join("examples/enhance-certificate-sustainable-entrepreneurship.toml")
        .display()
        .to_string()
}

/// Zoë completes both course elements; Jan only one.
pub const RESULTS: &str = "learner,given_names,family_names,date_of_birth,nationality,element,completed_on,overall_grade\n\
    s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,wut:sustainable-business-models,2026-06-12,4.5\n\
    s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,tub:innovation-lab,2026-06-26,\n\
    s2,Jan,Kowalski,,PL,wut:sustainable-business-models,2026-06-12,\n";

/// A new key and `RESULTS` in `dir`, issued into `dir/out`; the JSON report.
pub fn issue(dir: &Path) -> Value {
    assert!(
        microcred(dir, &["keys", "generate", "--out", "key.json"])
            .status
            .success()
    );
    std::fs::write(dir.join("results.csv"), RESULTS).unwrap();
    issue_again(dir)
}

/// Issues from the results and key already in `dir`, into `dir/out`; the JSON report.
pub fn issue_again(dir: &Path) -> Value {
    let out = microcred(
        dir,
        &[
            "issue",
            "--spec",
            &spec(),
            "--results",
            "results.csv",
            "--key",
            "key.json",
            "--out",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}
