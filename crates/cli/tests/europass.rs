//! Europass EDCs end to end through the CLI: a seal made with `keys generate --seal`, both
//! formats issued from one award, the EDC verified by microcred (with what it says), by Node's
//! own X.509 and crypto, and found conforming by pySHACL against the ELM 3.2 shapes — as the
//! EU's official samples are, which shows the SHACL check itself works; damage fails.
//!
//! Needs `interop/` (npm packages and the Python venv, as `.ci/run` installs them) and
//! `../shared/fixtures`: skipped where absent, failing under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

mod common;

use common::openssl;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn available(what: &str, present: bool) -> bool {
    if !present {
        assert!(!ci(), "{what} is missing (CI installs it)");
        eprintln!("skipped: {what} is absent");
    }
    present
}

fn fixtures() -> PathBuf {
    root().join("../shared/fixtures")
}

fn microcred(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_microcred"))
        .current_dir(dir)
        .env_remove("MICROCRED_KEY_PASSPHRASE")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("microcred runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(output: std::process::Output) -> Vec<Value> {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn shacl(files: &[&Path]) -> Vec<Value> {
    lines(
        Command::new(root().join("interop/.venv/bin/python"))
            .arg(root().join("interop/shacl.py"))
            .arg(fixtures())
            .args(files)
            .output()
            .expect("python runs"),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("microcred-edc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const RESULTS: &str = "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,grade,overall_grade\n\
s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-12,5.0,4.5\n\
s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,,tub:innovation-lab,2026-06-26,1.7,\n";

/// Issues the ENHANCE certificate in both formats; returns the report's entry.
fn issue_both(dir: &Path) -> Value {
    assert!(
        microcred(dir, &["keys", "generate", "--out", "key.json"])
            .status
            .success()
    );
    let sealed = microcred(
        dir,
        &[
            "keys",
            "generate",
            "--seal",
            "--organization",
            "Warsaw University of Technology",
            "--country",
            "PL",
            "--organization-identifier",
            "VATPL-5250005834",
            "--out",
            "seal.json",
        ],
    );
    assert!(sealed.status.success(), "{}", text(&sealed.stderr));
    assert!(text(&sealed.stdout).contains("self-signed, for trying out only"));
    std::fs::write(dir.join("results.csv"), RESULTS).unwrap();
    let spec = root().join("examples/enhance-certificate-sustainable-entrepreneurship.toml");
    let out = microcred(
        dir,
        &[
            "issue",
            "--spec",
            spec.to_str().unwrap(),
            "--results",
            "results.csv",
            "--key",
            "key.json",
            "--seal-key",
            "seal.json",
            "--credential-format",
            "both",
            "--out",
            "issued",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["issued"][0].clone()
}

#[test]
fn an_issued_edc_verifies_conforms_to_the_elm_shapes_and_node_checks_its_seal() {
    let python = root().join("interop/.venv/bin/python");
    let pyshacl = Command::new(&python)
        .args(["-c", "import pyshacl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available("pySHACL in interop/.venv", pyshacl)
        || !available("../shared/fixtures", fixtures().join("elm-3.2").is_dir())
        || !available(
            "the interop npm packages",
            root().join("interop/node_modules").is_dir(),
        )
    {
        return;
    }
    let dir = temp_dir("both");
    let issued = issue_both(&dir);
    let ob3 = dir.join(issued["file"].as_str().unwrap());
    let edc = dir.join(issued["edc_file"].as_str().expect("an EDC was written"));
    assert!(ob3.to_str().unwrap().ends_with(".json") && ob3.is_file());
    assert!(edc.to_str().unwrap().ends_with(".edc.json"));
    let size = std::fs::metadata(&edc).unwrap().len();
    assert!(
        size < 2 * 1024 * 1024,
        "the EDC ({size} bytes) stays readable by verifiers"
    );

    // microcred: valid, sealed, what it says.
    let verified = microcred(&dir, &["credential", "verify", edc.to_str().unwrap()]);
    let shown = text(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{shown}");
    for expected in [
        "VERIFIED",
        "JAdES B-B seal (ES256)",
        "Zoë Łukasiewicz-Παπαδοπούλου",
        "Warsaw University of Technology (Poland)",
        "6 ECTS (160 hours)",
        "EQF level 7",
        "4.5 (Polish scale 2.0–5.0 (WUT))",
        "Sustainable business models (Warsaw University of Technology, 3 ECTS)",
    ] {
        assert!(
            shown.contains(expected),
            "{expected} missing from:\n{shown}"
        );
    }

    // With a trust list naming the self-signed seal: trusted, and said to be self-signed.
    let seal: Value =
        serde_json::from_slice(&std::fs::read(dir.join("seal.json")).unwrap()).unwrap();
    let trust = json!({
        "name": "ENHANCE",
        "issuers": [],
        "sealAuthorities": [{ "name": "WUT trial seal", "certificate": seal["certificates"][0] }],
    });
    std::fs::write(dir.join("trust.json"), trust.to_string()).unwrap();
    let trusted = microcred(
        &dir,
        &[
            "credential",
            "verify",
            "--trust",
            "trust.json",
            edc.to_str().unwrap(),
        ],
    );
    let shown = text(&trusted.stdout);
    assert_eq!(trusted.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("a self-signed seal, not an eIDAS e-seal"),
        "{shown}"
    );
    // A trust list without it: the seal holds, the sealer is unknown.
    std::fs::write(
        dir.join("other-trust.json"),
        json!({ "name": "ENHANCE", "issuers": [] }).to_string(),
    )
    .unwrap();
    let untrusted = microcred(
        &dir,
        &[
            "credential",
            "verify",
            "--trust",
            "other-trust.json",
            edc.to_str().unwrap(),
        ],
    );
    assert_eq!(untrusted.status.code(), Some(1));
    assert!(
        text(&untrusted.stdout).contains("Unknown issuer"),
        "{}",
        text(&untrusted.stdout)
    );

    // pySHACL: our EDC and the official sealed samples conform; a payload without `issued`
    // (as the EU's pre-seal samples are) does not.
    let document: Value = serde_json::from_slice(&std::fs::read(&edc).unwrap()).unwrap();
    let mut payload: Value = serde_json::from_str(document["payload"].as_str().unwrap()).unwrap();
    payload.as_object_mut().unwrap().remove("issued");
    let broken = dir.join("no-issued.json");
    std::fs::write(&broken, payload.to_string()).unwrap();
    let samples = fixtures().join("elm-3.2/samples");
    let official = samples.join("Sample-MC-Annex1-signed.jsonld");
    let participation = samples.join("Sample-CertOfPart-signed.jsonld");
    let results = shacl(&[&edc, &official, &participation, &broken]);
    for result in &results[..3] {
        assert_eq!(result["conforms"], true, "{result:#}");
    }
    assert_eq!(results[3]["conforms"], false);
    assert!(
        results[3]["violations"].to_string().contains("issued"),
        "{}",
        results[3]
    );

    // Node's X.509 and crypto: the seal holds with the certificate it carries.
    let node = lines(
        Command::new("node")
            .arg(root().join("interop/interop.mjs"))
            .arg("verify-jades")
            .arg(&edc)
            .output()
            .expect("node runs"),
    );
    assert_eq!(node[0]["verified"], true, "{}", node[0]);
    assert_eq!(node[0]["alg"], "ES256");
    assert_eq!(node[0]["selfSigned"], true);
    assert_eq!(node[0]["validAtSigningTime"], true);

    // A changed payload byte: tampered, for microcred and for Node.
    let mut changed = document.clone();
    changed["payload"] = document["payload"]
        .as_str()
        .unwrap()
        .replacen("Zoë", "Zoe", 1)
        .into();
    let tampered = dir.join("tampered.edc.json");
    std::fs::write(&tampered, serde_json::to_vec(&changed).unwrap()).unwrap();
    let out = microcred(&dir, &["credential", "verify", tampered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("Not authentic"),
        "{}",
        text(&out.stdout)
    );
    let node = lines(
        Command::new("node")
            .arg(root().join("interop/interop.mjs"))
            .arg("verify-jades")
            .arg(&tampered)
            .output()
            .expect("node runs"),
    );
    assert_eq!(node[0]["verified"], false);
}

#[test]
fn an_edc_needs_a_seal_and_bad_seal_files_are_clear_errors() {
    let dir = temp_dir("errors");
    assert!(
        microcred(&dir, &["keys", "generate", "--out", "key.json"])
            .status
            .success()
    );
    std::fs::write(dir.join("results.csv"), RESULTS).unwrap();
    let spec = root().join("examples/enhance-certificate-sustainable-entrepreneurship.toml");
    let out = microcred(
        &dir,
        &[
            "issue",
            "--spec",
            spec.to_str().unwrap(),
            "--results",
            "results.csv",
            "--key",
            "key.json",
            "--credential-format",
            "edc",
            "--out",
            "issued",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("has no e-seal"),
        "{}",
        text(&out.stderr)
    );

    // A PEM import whose private key cannot be read (a key that is not its certificate's is
    // refused the same way: crates/edc/tests/seals.rs).
    assert!(
        microcred(&dir, &["keys", "generate", "--seal", "--out", "seal.json"])
            .status
            .success()
    );
    let seal: Value =
        serde_json::from_slice(&std::fs::read(dir.join("seal.json")).unwrap()).unwrap();
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        seal["certificates"][0].as_str().unwrap()
    );
    std::fs::write(dir.join("cert.pem"), pem).unwrap();
    // Damaged SEC1 PEM, as OpenSSL writes EC keys.
    std::fs::write(
        dir.join("other.pem"),
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIGJ+zYmlzqW9Ls4hM5JP0ZQ6cQ6Z1x3n0E3Vv3x8c5mRoAoGCCqGSM49\nAwEHoUQDQgAE2b6x1pWm0v5oC3lD3kQmX6sQ0Gx9Gz8p8Qh3Zl0m0o7Xc1B0m4Yq\nx7Jm6Qh2sVb8Gf0n2Lw1Xc6Qy4pXJ9m7aA==\n-----END EC PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = microcred(
        &dir,
        &[
            "keys",
            "import-seal",
            "--private-key",
            "other.pem",
            "--certificates",
            "cert.pem",
            "--issuer",
            "did:web:example.edu",
            "--out",
            "imported.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let said = text(&out.stderr);
    assert!(
        said.contains("other.pem") && said.contains("EC private key"),
        "{said}"
    );
    assert!(!dir.join("imported.json").exists(), "nothing half-written");

    // Not a certificate at all.
    std::fs::write(
        dir.join("junk.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let out = microcred(
        &dir,
        &[
            "keys",
            "import-seal",
            "--private-key",
            "other.pem",
            "--certificates",
            "junk.pem",
            "--issuer",
            "did:web:example.edu",
            "--out",
            "imported.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("junk.pem"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_rsa_e_seal_from_openssl_imports_from_pkcs12_and_pem_and_seals_rs256() {
    let present = Command::new("openssl").arg("version").output().is_ok();
    if !available("openssl", present) {
        return;
    }
    let dir = temp_dir("openssl");
    // An RSA e-seal as a trust service provider would deliver it (self-signed here).
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "30",
            "-subj",
            "/C=PL/O=Politechnika Warszawska/CN=WUT e-seal/organizationIdentifier=VATPL-5250005834",
            "-addext",
            "keyUsage=critical,nonRepudiation",
        ],
    );
    openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "key.pem",
            "-in",
            "cert.pem",
            "-out",
            "seal.p12",
            "-passout",
            "pass:correct horse",
        ],
    );
    let import = |password: &str, out: &str| {
        Command::new(env!("CARGO_BIN_EXE_microcred"))
            .current_dir(&dir)
            .env_remove("MICROCRED_KEY_PASSPHRASE")
            .env("MICROCRED_PKCS12_PASSWORD", password)
            .args([
                "keys",
                "import-seal",
                "--pkcs12",
                "seal.p12",
                "--issuer",
                "did:web:pw.edu.pl",
                "--out",
                out,
            ])
            .output()
            .unwrap()
    };
    let wrong = import("wrong", "wrong.json");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        text(&wrong.stderr).contains("password is wrong"),
        "{}",
        text(&wrong.stderr)
    );
    assert!(!dir.join("wrong.json").exists());
    let right = import("correct horse", "seal.json");
    assert!(right.status.success(), "{}", text(&right.stderr));
    assert!(
        text(&right.stdout).contains("WUT e-seal"),
        "{}",
        text(&right.stdout)
    );

    // Installed on a platform for WUT, by its administrator: it seals WUT's EDCs from now on.
    let data = dir.join("platform");
    let demo = microcred(
        &dir,
        &["demo", "--no-serve", "--data", data.to_str().unwrap()],
    );
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let installed = Command::new(env!("CARGO_BIN_EXE_microcred"))
        .current_dir(&dir)
        .env("MICROCRED_PKCS12_PASSWORD", "correct horse")
        .args([
            "import",
            "seal",
            "--for",
            "wut",
            "--pkcs12",
            "seal.p12",
            "--as",
            "admin@enhance.example",
            "--data",
            data.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(installed.status.success(), "{}", text(&installed.stderr));
    let said = text(&installed.stdout);
    assert!(
        said.contains("#seal-2 for wut") && said.contains("WUT e-seal"),
        "{said}"
    );
    // A registrar may not.
    let refused = Command::new(env!("CARGO_BIN_EXE_microcred"))
        .current_dir(&dir)
        .env("MICROCRED_PKCS12_PASSWORD", "correct horse")
        .args([
            "import",
            "seal",
            "--for",
            "wut",
            "--pkcs12",
            "seal.p12",
            "--as",
            "registrar@wut.example",
            "--data",
            data.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stdout));

    // The same e-seal from its PEM files.
    let pem = microcred(
        &dir,
        &[
            "keys",
            "import-seal",
            "--private-key",
            "key.pem",
            "--certificates",
            "cert.pem",
            "--issuer",
            "did:web:pw.edu.pl",
            "--out",
            "seal-from-pem.json",
        ],
    );
    assert!(pem.status.success(), "{}", text(&pem.stderr));

    // Sealing with it: an RS256 EDC that microcred verifies.
    std::fs::write(dir.join("results.csv"), RESULTS).unwrap();
    let spec = root().join("examples/enhance-certificate-sustainable-entrepreneurship.toml");
    let out = microcred(
        &dir,
        &[
            "issue",
            "--spec",
            spec.to_str().unwrap(),
            "--results",
            "results.csv",
            "--key",
            "seal.json",
            "--credential-format",
            "edc",
            "--out",
            "issued",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let edc = dir.join(report["issued"][0]["edc_file"].as_str().unwrap());
    let verified = microcred(&dir, &["credential", "verify", edc.to_str().unwrap()]);
    let shown = text(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{shown}");
    assert!(shown.contains("JAdES B-B seal (RS256)"), "{shown}");
    let document: Value = serde_json::from_slice(&std::fs::read(&edc).unwrap()).unwrap();
    let payload: Value = serde_json::from_str(document["payload"].as_str().unwrap()).unwrap();
    assert_eq!(
        payload["issuer"]["eIDASIdentifier"]["notation"],
        "VATPL-5250005834"
    );
}
