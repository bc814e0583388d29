//! `microcred demo`, `setup`, `import results` and `serve` as an operator runs them.

use std::path::PathBuf;

mod common;

use common::{microcred, text};

fn scratch(name: &str) -> PathBuf {
    common::scratch("platform", name)
}

#[test]
fn the_demo_sets_up_once_and_imports_go_through_a_registrar() {
    let dir = scratch("demo");
    let out = microcred(&dir, &["demo", "--no-serve", "--data", "data"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for expected in [
        "WUT, TU Berlin and RWTH",
        "registrar@wut.example",
        "microcred-demo",
        "/api/v1/openapi.json",
    ] {
        assert!(shown.contains(expected), "{expected} missing from {shown}");
    }
    assert!(dir.join("data/microcred.db").is_file());
    assert!(dir.join("data/key-encryption.key").is_file());
    let again = microcred(&dir, &["demo", "--no-serve", "--data", "data"]);
    assert!(
        text(&again.stdout).contains("already set up"),
        "{}",
        text(&again.stdout)
    );

    std::fs::write(
        dir.join("more.csv"),
        "learner,given_names,family_names,email,element,completed_on\n\
         x1,Ada,Lovelace,ada@learner.example,wut:sustainable-business-models,2026-06-12\n\
         x2,Bad,Date,bad@learner.example,wut:sustainable-business-models,2026-02-30\n\
         x3,Not,Ours,not@learner.example,tub:innovation-lab,2026-06-12\n",
    )
    .unwrap();
    let out = microcred(
        &dir,
        &[
            "import",
            "results",
            "more.csv",
            "--as",
            "registrar@wut.example",
            "--data",
            "data",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("1 rows stored (1 new learners), 2 refused"),
        "{shown}"
    );
    assert!(shown.contains("row 3, column `completed_on`"), "{shown}");
    assert!(shown.contains("belongs to `tub`"), "{shown}");
    let out = microcred(
        &dir,
        &[
            "import",
            "results",
            "more.csv",
            "--as",
            "nobody@example.eu",
            "--data",
            "data",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn setup_makes_the_first_administrator_once() {
    let dir = scratch("setup");
    let out = microcred(
        &dir,
        &[
            "setup",
            "--data",
            "data",
            "--alliance-name",
            "EuroTeQ",
            "--admin",
            "admin@euroteq.example",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("password (shown once"),
        "{}",
        text(&out.stdout)
    );
    let again = microcred(
        &dir,
        &[
            "setup",
            "--data",
            "data",
            "--alliance-name",
            "EuroTeQ",
            "--admin",
            "other@euroteq.example",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("already set up"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn serve_refuses_a_taken_address_clearly() {
    let dir = scratch("serve");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let out = microcred(&dir, &["serve", "--data", "data", "--listen", &address]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("cannot listen on {address}")),
        "{}",
        text(&out.stderr)
    );
}
