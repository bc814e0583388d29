//! `microcred keys`, `credential sign`, `credential verify` and `issue` as people and scripts
//! run them: exit codes, reports, and bad input refused with its reason, never a panic.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

mod common;

use common::{RESULTS, issue, issue_again, microcred, repository, spec, text};

fn scratch(name: &str) -> PathBuf {
    common::scratch("credentials", name)
}

fn microcred_with(dir: &Path, args: &[&str], passphrase: Option<&str>) -> Output {
    let mut command = common::command(dir, args);
    if let Some(p) = passphrase {
        command.env("MICROCRED_KEY_PASSPHRASE", p);
    }
    command.output().expect("microcred runs")
}

/// `microcred credential verify --format json ARGS…`: the exit code and the JSON report.
fn verify_json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = microcred(
        dir,
        &[&["credential", "verify", "--format", "json"], args].concat(),
    );
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), report)
}

#[test]
fn issue_writes_one_credential_per_eligible_learner_and_the_same_one_again() {
    let dir = scratch("issue");
    let report = issue(&dir);
    assert_eq!(report["issued"].as_array().unwrap().len(), 1);
    assert_eq!(report["issued"][0]["learner"], "s1");
    assert_eq!(report["issued"][0]["date_of_issuing"], "2026-06-26");
    assert_eq!(report["not_eligible"][0]["learner"], "s2");
    assert_eq!(
        report["not_eligible"][0]["missing"],
        json!(["tub:innovation-lab"])
    );
    let first = report["issued"][0]["credential_id"].clone();

    // Issuing again gives the same credential id and file, never a second credential.
    let again = issue_again(&dir);
    assert_eq!(again["issued"][0]["credential_id"], first);
    let files = std::fs::read_dir(dir.join("out")).unwrap().count();
    assert_eq!(files, 2, "one credential and report.json");

    let file = report["issued"][0]["file"].as_str().unwrap();
    let verified = microcred(&dir, &["credential", "verify", file]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stdout)
    );
    let shown = text(&verified.stdout);
    for expected in [
        "VERIFIED",
        "Zoë Łukasiewicz-Παπαδοπούλου",
        "Warsaw University of Technology (Poland)",
        "6 ECTS (160 hours)",
        "EQF level 7",
        "4.5 (Polish scale 2.0–5.0 (WUT))",
    ] {
        assert!(
            shown.contains(expected),
            "{expected} missing from:\n{shown}"
        );
    }
}

#[test]
fn issue_reports_bad_rows_with_their_numbers_and_refuses_a_specification_with_errors() {
    let dir = scratch("issue-bad");
    assert!(
        microcred(&dir, &["keys", "generate", "--out", "key.json"])
            .status
            .success()
    );
    std::fs::write(
        dir.join("results.csv"),
        format!(
            "{RESULTS}s3,Ana,Silva,1999-13-01,PT,wut:sustainable-business-models,2026-06-12,\n"
        ),
    )
    .unwrap();
    let out = microcred(
        &dir,
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
        ],
    );
    assert_eq!(out.status.code(), Some(1), "bad rows exit 1");
    let shown = text(&out.stdout);
    assert!(
        shown.contains("row 5, column `date_of_birth`: `1999-13-01` is not a date"),
        "{shown}"
    );
    assert!(shown.contains("1 credential issued"), "{shown}");

    let wrong_header = dir.join("header.csv");
    std::fs::write(
        &wrong_header,
        "learner,given_names,family_name,element,completed_on\n",
    )
    .unwrap();
    let out = microcred(
        &dir,
        &[
            "issue",
            "--spec",
            &spec(),
            "--results",
            "header.csv",
            "--key",
            "key.json",
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `family_names`"),
        "{}",
        text(&out.stderr)
    );

    let bad_spec = repository().join("examples/non-conforming/certificate-too-small.toml");
    let out = microcred(
        &dir,
        &[
            "issue",
            "--spec",
            bad_spec.to_str().unwrap(),
            "--results",
            "results.csv",
            "--key",
            "key.json",
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not meet its rules"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn keys_are_sealed_under_a_passphrase_and_never_overwritten() {
    let dir = scratch("keys");
    let out = microcred_with(
        &dir,
        &["keys", "generate", "--out", "sealed.json"],
        Some("correct horse"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file: Value =
        serde_json::from_slice(&std::fs::read(dir.join("sealed.json")).unwrap()).unwrap();
    assert!(file.get("secretKeyMultibase").is_none());
    assert!(file["sealedSecretKey"]["kdf"]["algorithm"] == "argon2id");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("sealed.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = microcred(&dir, &["keys", "generate", "--out", "sealed.json"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("never overwrites a key"));

    // Signing needs the passphrase.
    let did = file["controller"].as_str().unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:learner", "name": "Zoë" }
    });
    std::fs::write(dir.join("vc.json"), credential.to_string()).unwrap();
    let no = microcred(
        &dir,
        &["credential", "sign", "vc.json", "--key", "sealed.json"],
    );
    assert_eq!(no.status.code(), Some(2));
    assert!(
        text(&no.stderr).contains("give its passphrase"),
        "{}",
        text(&no.stderr)
    );
    let wrong = microcred_with(
        &dir,
        &["credential", "sign", "vc.json", "--key", "sealed.json"],
        Some("wrong"),
    );
    assert_eq!(wrong.status.code(), Some(2));
    let yes = microcred_with(
        &dir,
        &[
            "credential",
            "sign",
            "vc.json",
            "--key",
            "sealed.json",
            "--out",
            "signed.json",
        ],
        Some("correct horse"),
    );
    assert_eq!(yes.status.code(), Some(0), "{}", text(&yes.stderr));
    let verified = microcred(
        &dir,
        &["credential", "verify", "--format", "json", "signed.json"],
    );
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stdout)
    );

    // A did:web key publishes its DID document.
    let out = microcred(
        &dir,
        &[
            "keys",
            "generate",
            "--out",
            "web.json",
            "--did-web",
            "did:web:enhance.example:u:wut",
        ],
    );
    assert!(out.status.success());
    let document = microcred(&dir, &["keys", "did-document", "web.json"]);
    let document: Value = serde_json::from_slice(&document.stdout).unwrap();
    assert_eq!(document["id"], "did:web:enhance.example:u:wut");
    assert_eq!(
        document["assertionMethod"][0],
        "did:web:enhance.example:u:wut#key-1"
    );
}

#[test]
fn verify_reports_in_json_with_exit_codes_0_1_2() {
    let dir = scratch("verify");
    let report = issue(&dir);
    let good = report["issued"][0]["file"].as_str().unwrap().to_owned();
    let signed: Value = serde_json::from_slice(&std::fs::read(dir.join(&good)).unwrap()).unwrap();
    let mut forged = signed.clone();
    forged["credentialSubject"]["achievement"]["creditsAvailable"] = json!(60.0);
    std::fs::write(dir.join("forged.json"), forged.to_string()).unwrap();
    std::fs::write(dir.join("not-json.json"), "{ not json").unwrap();

    let (code, json) = verify_json(&dir, &[&good, "forged.json"]);
    assert_eq!(code, Some(1));
    let results = json["credentials"].as_array().unwrap();
    assert_eq!(results[0]["verified"], true);
    assert_eq!(results[1]["verified"], false);
    assert_eq!(results[1]["verdict"], "tampered");
    for check in results[0]["checks"].as_array().unwrap() {
        assert!(check["name"].is_string() && check["detail"].is_string());
        assert!(["ok", "failed", "skipped"].contains(&check["status"].as_str().unwrap()));
    }

    let (code, json) = verify_json(&dir, &[&good, "not-json.json"]);
    assert_eq!(code, Some(2));
    assert!(
        json["credentials"][1]["error"]
            .as_str()
            .unwrap()
            .contains("not-json.json:1:3"),
        "{json}"
    );

    // A trust list that does not list the issuer: distinct from a broken signature.
    std::fs::write(
        dir.join("trust.json"),
        json!({ "name": "ENHANCE", "issuers": [{ "id": "did:web:enhance.example", "name": "Someone else" }] }).to_string(),
    )
    .unwrap();
    let (code, json) = verify_json(&dir, &["--trust", "trust.json", &good]);
    assert_eq!(code, Some(1));
    assert_eq!(json["credentials"][0]["verdict"], "unknown-issuer");
}

/// Hostile credentials: each refused with its reason, in bounded time, without a panic.
#[test]
fn hostile_credentials_are_refused_not_crashed_on() {
    let dir = scratch("hostile");
    let report = issue(&dir);
    let good = report["issued"][0]["file"].as_str().unwrap().to_owned();
    let signed: Value = serde_json::from_slice(&std::fs::read(dir.join(&good)).unwrap()).unwrap();

    let big = format!("{{\"padding\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    std::fs::write(dir.join("big.json"), big).unwrap();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.join("deep.json"), deep).unwrap();
    std::fs::write(dir.join("utf8.json"), b"{\"name\": \"\xff\xfe\"}").unwrap();
    let mut unknown = signed.clone();
    unknown["@context"][2] = "https://evil.example/context".into();
    std::fs::write(dir.join("unknown-context.json"), unknown.to_string()).unwrap();
    let mut multibase = signed.clone();
    multibase["proof"][0]["proofValue"] = "z0OIl-not-base58".into();
    std::fs::write(dir.join("multibase.json"), multibase.to_string()).unwrap();
    let mut not_object = signed.clone();
    not_object["proof"] = json!(["a proof?"]);
    std::fs::write(dir.join("proof-not-object.json"), not_object.to_string()).unwrap();
    let mut method = signed.clone();
    method["proof"][0]["verificationMethod"] = "did:key:zNotAKey#zNotAKey".into();
    std::fs::write(dir.join("method.json"), method.to_string()).unwrap();

    let start = std::time::Instant::now();
    for (file, code, needle) in [
        ("big.json", 2, "is over 2097152 bytes"),
        ("deep.json", 2, "recursion limit exceeded"),
        ("utf8.json", 2, "invalid unicode"),
        (
            "unknown-context.json",
            1,
            "unknown JSON-LD context `https://evil.example/context`",
        ),
        ("multibase.json", 1, "not a base58btc multibase signature"),
        ("proof-not-object.json", 1, "a proof is not a JSON object"),
        ("method.json", 1, "the verification method cannot be used"),
    ] {
        let (exit, json) = verify_json(&dir, &[file]);
        assert_eq!(exit, Some(code), "{file}: {json}");
        let all = json.to_string();
        assert!(all.contains(needle), "{file}: `{needle}` not in {all}");
    }
    assert!(
        start.elapsed().as_secs() < 30,
        "hostile inputs took {:?}",
        start.elapsed()
    );
}

#[test]
fn status_lists_are_fetched_only_from_where_the_trust_list_allows() {
    use microcred_credentials::data_integrity::{
        Cryptosuite, ProofOptions, add_proof, proof_as_array,
    };
    use microcred_credentials::datetime::DateTime;
    use microcred_credentials::key_file::KeyFile;
    use microcred_credentials::status_list::{
        Bitstring, StatusPurpose, status_entry, status_list_credential,
    };

    let dir = scratch("fetch");
    let report = issue(&dir);
    let key: KeyFile =
        serde_json::from_slice(&std::fs::read(dir.join("key.json")).unwrap()).unwrap();
    let issuer = key.issuer_key(None).unwrap();
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        issuer.verification_method.clone(),
        DateTime::now().to_string(),
    );
    // A revocation list with entry 99 set, served on loopback at the URL it names itself by.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let url = format!("{base}/status/1");
    let mut bits = Bitstring::new(0);
    bits.set(99, true).unwrap();
    let list = status_list_credential(
        &url,
        &issuer.controller,
        StatusPurpose::Revocation,
        &bits,
        DateTime::now(),
    );
    let body = add_proof(&list, issuer.key.as_ref(), &options)
        .unwrap()
        .to_string();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(2) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let n = stream.read(&mut buffer).unwrap_or(0);
            let _ = tx.send(String::from_utf8_lossy(&buffer[..n]).into_owned());
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    let file = report["issued"][0]["file"].as_str().unwrap();
    let mut credential: Value =
        serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
    credential.as_object_mut().unwrap().remove("proof");
    credential["credentialStatus"] = status_entry(&url, 99, StatusPurpose::Revocation);
    let mut signed = add_proof(&credential, issuer.key.as_ref(), &options).unwrap();
    proof_as_array(&mut signed);
    std::fs::write(dir.join("revocable.json"), signed.to_string()).unwrap();

    let trust = |prefix: &str| {
        json!({ "name": "ENHANCE", "issuers": [{ "id": issuer.controller, "name": "WUT", "statusLists": [prefix] }] })
            .to_string()
    };
    std::fs::write(
        dir.join("elsewhere.json"),
        trust("https://enhance.example/status/"),
    )
    .unwrap();
    let (_, json) = verify_json(
        &dir,
        &[
            "--trust",
            "elsewhere.json",
            "--fetch-status",
            "revocable.json",
        ],
    );
    assert_eq!(json["credentials"][0]["verdict"], "valid", "{json}");
    assert_eq!(
        json["credentials"][0]["checks"][4]["status"], "skipped",
        "{json}"
    );
    assert!(
        json["credentials"][0]["notes"][0]
            .as_str()
            .unwrap()
            .contains("was not fetched"),
        "{json}"
    );
    assert!(
        rx.try_recv().is_err(),
        "nothing was fetched from a URL the trust list does not allow"
    );

    std::fs::write(dir.join("here.json"), trust(&format!("{base}/status/"))).unwrap();
    let (code, json) = verify_json(
        &dir,
        &["--trust", "here.json", "--fetch-status", "revocable.json"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(json["credentials"][0]["verdict"], "revoked", "{json}");
    assert!(rx.recv().unwrap().starts_with("GET /status/1 "));
}

/// A VC-JWT as a text file and baked into PNG and SVG badges verifies from the command line;
/// a key over https that is not given is `key-unavailable` (exit 1), never tampered.
#[test]
fn vc_jwts_and_baked_badges_verify_and_missing_keys_are_not_tampering() {
    use microcred_credentials::baked::{bake_png, bake_svg};
    use microcred_credentials::keys::SigningKey;
    use microcred_credentials::vc_jwt::{JwtForm, sign_vc_jwt};

    let dir = scratch("vc-jwt");
    let key = SigningKey::from_bytes(&[5; 32]);
    let did = key.public_key().did_key();
    let credential = |issuer: &str| {
        json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:learner" },
        })
    };
    let token = sign_vc_jwt(&credential(&did), &key, &did, JwtForm::Vc11);
    std::fs::write(dir.join("badge.jwt"), &token).unwrap();
    let png = bake_png(
        &std::fs::read(repository().join("crates/app/src/platform/demo-logos/wut.png")).unwrap(),
        &Value::String(token.clone()),
    )
    .unwrap();
    std::fs::write(dir.join("badge.png"), png).unwrap();
    let svg = bake_svg(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>"#,
        &Value::String(token),
    )
    .unwrap();
    std::fs::write(dir.join("badge.svg"), svg).unwrap();
    let (code, report) = verify_json(&dir, &["badge.jwt", "badge.png", "badge.svg"]);
    assert_eq!(code, Some(0), "{report:#}");
    for one in report["credentials"].as_array().unwrap() {
        assert_eq!(one["verdict"], "valid", "{one:#}");
    }

    let https = "https://issuer.example/controller";
    let token = sign_vc_jwt(
        &credential(https),
        &key,
        &format!("{https}#key-1"),
        JwtForm::Vc11,
    );
    std::fs::write(dir.join("remote.jwt"), token).unwrap();
    let (code, report) = verify_json(&dir, &["remote.jwt"]);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["credentials"][0]["verdict"], "key-unavailable");
    // Given as a file, the controller document makes it verify.
    std::fs::write(
        dir.join("controller.json"),
        json!({
            "id": https,
            "verificationMethod": [{ "id": format!("{https}#key-1"), "type": "Multikey",
                "controller": https, "publicKeyMultibase": key.public_key().to_multibase() }],
            "assertionMethod": [format!("{https}#key-1")],
        })
        .to_string(),
    )
    .unwrap();
    let (code, report) = verify_json(
        &dir,
        &["remote.jwt", "--controller-document", "controller.json"],
    );
    assert_eq!(code, Some(0), "{report:#}");
}
