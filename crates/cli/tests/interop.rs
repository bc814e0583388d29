//! Interoperability with independent implementations: credentials `microcred issue` signs
//! verify with @digitalbazaar/vc and @digitalcredentials/verifier-core and meet the official
//! Open Badges 3.0 JSON Schema; credentials @digitalbazaar/vc signs verify with `microcred
//! credential verify`; revocation through a Bitstring Status List is read the same by both;
//! tampered copies (a changed value, an added property, an added `@foo` key) fail everywhere.
//!
//! Needs the npm packages of `interop/` (`npm ci --prefix interop`, done by `.ci/run`) and
//! `../shared` (the OB 3.0 schema): skipped where they are absent, failing under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

mod common;

use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::key_file::KeyFile;
use microcred_credentials::status_list::{
    Bitstring, StatusPurpose, status_entry, status_list_credential,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The interop script, if its packages are installed.
fn interop() -> Option<PathBuf> {
    let script = root().join("interop/interop.mjs");
    let installed = root()
        .join("interop/node_modules/@digitalbazaar/vc")
        .is_dir();
    let node = Command::new("node").arg("--version").output().is_ok();
    if installed && node {
        Some(script)
    } else if ci() {
        panic!("the interop packages are missing: run `npm ci --prefix interop` (CI needs them)");
    } else {
        eprintln!(
            "skipped: interop/node_modules or node is absent (run `npm ci --prefix interop`)"
        );
        None
    }
}

fn ob3_schema() -> Option<PathBuf> {
    let schema =
        root().join("../shared/fixtures/openbadges/ob_v3p0_achievementcredential_schema.json");
    if schema.is_file() {
        Some(schema)
    } else if ci() {
        panic!(
            "the fixtures are missing: {} (CI needs ../shared)",
            schema.display()
        );
    } else {
        eprintln!("skipped: {} is absent", schema.display());
        None
    }
}

fn node(script: &Path, args: &[&str]) -> Vec<Value> {
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "node {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("microcred-interop-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// Issues the ENHANCE certificate to two learners with `microcred issue`; returns the files.
fn issue(dir: &Path) -> Vec<PathBuf> {
    assert!(
        microcred(dir, &["keys", "generate", "--out", "key.json"])
            .status
            .success()
    );
    std::fs::write(
        dir.join("results.csv"),
        "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,grade,overall_grade\n\
         s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-12,5.0,4.5\n\
         s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,,tub:innovation-lab,2026-06-26,1.7,\n\
         s2,Jan,Kowalski,2000-01-02,PL,301235,wut:sustainable-business-models,2026-06-10,4.0,4.0\n\
         s2,Jan,Kowalski,2000-01-02,PL,,tub:innovation-lab,2026-06-20,2.0,\n",
    )
    .unwrap();
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
            "--out",
            "issued",
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<PathBuf> = report["issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| dir.join(i["file"].as_str().unwrap()))
        .collect();
    assert_eq!(files.len(), 2);
    files
}

/// Three tampered copies of a signed credential, written beside it.
fn tampered(dir: &Path, signed: &Value) -> Vec<PathBuf> {
    let mut changed = signed.clone();
    changed["credentialSubject"]["name"] = "Mallory Forger".into();
    let mut added = signed.clone();
    added["credentialSubject"]["nickname"] = "added after signing".into();
    let mut keyword = signed.clone();
    keyword["credentialSubject"]["@foo"] = "bar".into();
    let mut files = Vec::new();
    for (name, value) in [("changed", changed), ("added", added), ("keyword", keyword)] {
        let path = dir.join(format!("tampered-{name}.json"));
        write_json(&path, &value);
        files.push(path);
    }
    files
}

fn paths(files: &[PathBuf]) -> Vec<&str> {
    files.iter().map(|f| f.to_str().unwrap()).collect()
}

#[test]
fn credentials_we_issue_verify_with_independent_verifiers_and_meet_the_ob3_schema() {
    let Some(script) = interop() else { return };
    let Some(schema) = ob3_schema() else { return };
    let dir = temp_dir("ours");
    let files = issue(&dir);

    for result in node(&script, &[&["verify-dbz"], &paths(&files)[..]].concat()) {
        assert_eq!(result["verified"], true, "@digitalbazaar/vc: {result}");
    }
    let dcc_args = [
        &["verify-dcc", "--schema", schema.to_str().unwrap()],
        &paths(&files)[..],
    ]
    .concat();
    for result in node(&script, &dcc_args) {
        assert_eq!(result["verified"], true, "verifier-core: {result}");
        assert_eq!(
            result["schemaCheck"],
            json!([true]),
            "verifier-core schema: {result}"
        );
    }
    let schema_args = [&["schema", schema.to_str().unwrap()], &paths(&files)[..]].concat();
    for result in node(&script, &schema_args) {
        assert_eq!(result["valid"], true, "OB 3.0 JSON Schema: {result}");
    }

    let signed: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let forged = tampered(&dir, &signed);
    for result in node(&script, &[&["verify-dbz"], &paths(&forged)[..]].concat()) {
        assert_eq!(
            result["verified"], false,
            "@digitalbazaar/vc accepted {result}"
        );
    }
    for result in node(&script, &[&["verify-dcc"], &paths(&forged)[..]].concat()) {
        assert_eq!(result["verified"], false, "verifier-core accepted {result}");
    }
    let ours = microcred(
        &dir,
        &[
            &["credential", "verify", "--format", "json"],
            &paths(&forged)[..],
        ]
        .concat(),
    );
    assert_eq!(ours.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&ours.stdout).unwrap();
    for result in report["credentials"].as_array().unwrap() {
        assert_eq!(result["verified"], false, "{result}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn credentials_digitalbazaar_signs_verify_with_ours() {
    let Some(script) = interop() else { return };
    let dir = temp_dir("theirs");
    let files = issue(&dir);
    let mut unsigned: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    unsigned.as_object_mut().unwrap().remove("proof");
    write_json(&dir.join("unsigned.json"), &unsigned);
    node(
        &script,
        &[
            "sign-dbz",
            dir.join("key.json").to_str().unwrap(),
            dir.join("unsigned.json").to_str().unwrap(),
            dir.join("theirs.json").to_str().unwrap(),
        ],
    );

    let out = microcred(
        &dir,
        &["credential", "verify", "--format", "json", "theirs.json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    let checks = &report["credentials"][0]["checks"];
    assert_eq!(checks[1]["name"], "proof");
    assert_eq!(checks[1]["status"], "ok", "{checks}");

    let theirs: Value =
        serde_json::from_slice(&std::fs::read(dir.join("theirs.json")).unwrap()).unwrap();
    let forged = tampered(&dir, &theirs);
    let out = microcred(
        &dir,
        &[
            &["credential", "verify", "--format", "json"],
            &paths(&forged)[..],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdicts: Vec<&str> = report["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    // A changed value is a signature checked and failed; a term no context defines (or a
    // made-up keyword) stops canonicalization before any signature is checked: malformed.
    assert_eq!(verdicts, ["tampered", "malformed", "malformed"], "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn revocation_through_a_status_list_reads_the_same_in_both() {
    let Some(script) = interop() else { return };
    let dir = temp_dir("status");
    let files = issue(&dir);
    let key_file: KeyFile =
        serde_json::from_slice(&std::fs::read(dir.join("key.json")).unwrap()).unwrap();
    let issuer = key_file.issuer_key(None).unwrap();
    let url = "https://enhance.example/status/revocation/1";
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        issuer.verification_method.clone(),
        DateTime::now().to_string(),
    );

    // Re-sign the credential with a status entry at index 4242.
    let mut credential: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    credential.as_object_mut().unwrap().remove("proof");
    credential["credentialStatus"] = status_entry(url, 4242, StatusPurpose::Revocation);
    let mut signed = add_proof(&credential, &issuer.key, &options).unwrap();
    microcred_credentials::data_integrity::proof_as_array(&mut signed);
    write_json(&dir.join("with-status.json"), &signed);

    for (revoked, verdict) in [(false, "valid"), (true, "revoked")] {
        let mut bits = Bitstring::new(0);
        bits.set(4242, revoked).unwrap();
        let list = status_list_credential(
            url,
            &issuer.controller,
            StatusPurpose::Revocation,
            &bits,
            DateTime::now(),
        );
        let list = add_proof(&list, &issuer.key, &options).unwrap();
        write_json(&dir.join("list.json"), &list);

        let ours = microcred(
            &dir,
            &[
                "credential",
                "verify",
                "--format",
                "json",
                "--status",
                "list.json",
                "with-status.json",
            ],
        );
        let report: Value = serde_json::from_slice(&ours.stdout).unwrap();
        assert_eq!(report["credentials"][0]["verdict"], verdict, "{report}");
        let theirs = node(
            &script,
            &[
                "verify-dbz",
                "--status",
                dir.join("list.json").to_str().unwrap(),
                dir.join("with-status.json").to_str().unwrap(),
            ],
        );
        assert_eq!(
            theirs[0]["verified"], !revoked,
            "@digitalbazaar/vc: {}",
            theirs[0]
        );
        let dcc = node(
            &script,
            &[
                "verify-dcc",
                "--status",
                dir.join("list.json").to_str().unwrap(),
                dir.join("with-status.json").to_str().unwrap(),
            ],
        );
        assert_eq!(dcc[0]["verified"], !revoked, "verifier-core: {}", dcc[0]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// microcred's P-256 signer (the seals of Europass credentials, JOSE `ES256`) is checked by
/// Node's crypto, which shares no code with it; a changed message fails there too.
#[test]
fn es256_signatures_verify_with_node() {
    use microcred_credentials::signer::{P256Key, Signer};
    let Some(script) = interop() else {
        return;
    };
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let key = P256Key::generate().unwrap();
    let message = "eyJhbGciOiJFUzI1NiJ9.the payload".as_bytes();
    let signature = key.sign(message);
    let public = hex(&key.public_key_sec1());
    let answer = node(
        &script,
        &["verify-es256", &public, &hex(message), &hex(&signature)],
    );
    assert_eq!(answer[0]["verified"], true, "{answer:?}");
    let answer = node(
        &script,
        &[
            "verify-es256",
            &public,
            &hex(b"another payload"),
            &hex(&signature),
        ],
    );
    assert_eq!(answer[0]["verified"], false, "{answer:?}");
}

/// VC-JWTs microcred signs — EdDSA, ES256 and RS256, in the VC 1.1 (`vc` claim) and VC 2.0
/// (`vc+jwt`) forms — verify with Node's crypto, which shares no code with microcred; a token
/// whose payload was changed does not.
#[test]
fn vc_jwts_verify_with_node() {
    use microcred_credentials::keys::SigningKey;
    use microcred_credentials::signer::{P256Key, RsaKey, Signer};
    use microcred_credentials::vc_jwt::{JwtForm, sign_vc_jwt};
    let Some(script) = interop() else {
        return;
    };
    let dir = temp_dir("vc-jwt-node");
    // SubjectPublicKeyInfo DER: the fixed prefix of each algorithm, then the key.
    let ed25519 = SigningKey::from_bytes(&[9; 32]);
    let ed25519_spki = [
        &b"\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00"[..],
        &ed25519.public_key().to_bytes(),
    ]
    .concat();
    let p256 = P256Key::generate().unwrap();
    let p256_spki = [
        &b"\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\x03\x42\x00"[..],
        &p256.public_key_sec1(),
    ]
    .concat();
    openssl_rsa_key(&dir);
    let rsa = RsaKey::from_pkcs8_der(&std::fs::read(dir.join("rsa.der")).unwrap()).unwrap();
    let rsa_spki = rsa.public_key_spki_der().unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b8f6a52-4f0c-4c1e-9d64-3a4c2b1d9e70",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-10T00:00:00Z",
        "credentialSubject": { "id": "did:example:learner", "name": "Zoë Łukasiewicz" }
    });
    let signers: [(&str, &dyn Signer, &[u8]); 3] = [
        ("EdDSA", &ed25519, &ed25519_spki),
        ("ES256", &p256, &p256_spki),
        ("RS256", &rsa, &rsa_spki),
    ];
    for (alg, signer, spki) in signers {
        let key = dir.join(format!("{alg}.spki"));
        std::fs::write(&key, spki).unwrap();
        let mut files = Vec::new();
        for (form, name) in [(JwtForm::Vc11, "vc11"), (JwtForm::Vc20, "vc20")] {
            let token = sign_vc_jwt(&credential, signer, "did:example:issuer#key-1", form);
            let file = dir.join(format!("{alg}-{name}.jwt"));
            std::fs::write(&file, &token).unwrap();
            files.push(file.display().to_string());
            // The same token with one character of its payload changed.
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            let flipped = if parts[1].ends_with('A') { 'B' } else { 'A' };
            parts[1].pop();
            parts[1].push(flipped);
            let changed = dir.join(format!("{alg}-{name}-changed.jwt"));
            std::fs::write(&changed, parts.join(".")).unwrap();
            files.push(changed.display().to_string());
        }
        let mut args = vec!["verify-jwt", key.to_str().unwrap()];
        args.extend(files.iter().map(String::as_str));
        let answers = node(&script, &args);
        assert_eq!(answers.len(), 4, "{answers:?}");
        for answer in &answers {
            let changed = answer["file"].as_str().unwrap().ends_with("-changed.jwt");
            assert_eq!(answer["verified"], !changed, "{answer}");
            if !changed {
                assert_eq!(answer["alg"], alg, "{answer}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 2048-bit RSA key made by openssl, as PKCS#8 DER in `dir/rsa.der`.
fn openssl_rsa_key(dir: &Path) {
    // genpkey writes PKCS#8 as PEM (as DER it writes PKCS#1), hence the second step.
    common::openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa.pem",
        ],
    );
    common::openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "rsa.pem", "-outform", "DER", "-out", "rsa.der",
        ],
    );
}
