//! `microcred render` and `microcred credential verify certificate.pdf` on a credential issued
//! here, checked by independent tools: Poppler's `pdftotext` and `pdfdetach` (Debian
//! `poppler-utils`) read the text and the attachment, ZBar's `zbarimg` (`zbar-tools`) reads the
//! QR code. Where a tool is missing the test says so and skips; under CI (`CI=true`) it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

use common::{issue, microcred, repository, text};

fn scratch(name: &str) -> PathBuf {
    common::scratch("certificates", name)
}

/// An independent tool, or `None` (skip) outside CI.
fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{name} is needed (Debian package {package}): .ci/run installs it");
        }
        eprintln!("skipped: {name} is not installed (Debian package {package})");
    }
    found
}

const VERIFY_PAGE: &str = "https://enhance.example/verify";

/// Where the QR code of `credential` leads.
fn verification_url(credential: &Path) -> String {
    let value: Value = serde_json::from_slice(&std::fs::read(credential).unwrap()).unwrap();
    format!("{VERIFY_PAGE}?credential={}", value["id"].as_str().unwrap())
}

/// Issues Zoë's credential (did:key) into `dir`; its file.
fn issued(dir: &Path) -> PathBuf {
    let report = issue(dir);
    dir.join(report["issued"][0]["file"].as_str().unwrap())
}

fn render(dir: &Path, credential: &Path, extra: &[&str]) -> Output {
    let logos = repository().join("crates/app/src/platform/demo-logos");
    let credential = credential.display().to_string();
    let logo = logos.join("wut.png").display().to_string();
    let alliance_logo = logos.join("alliance.png").display().to_string();
    let signature = logos.join("signature-wut.png").display().to_string();
    let mut args = vec![
        "render",
        &credential,
        "--verify-page",
        VERIFY_PAGE,
        "--logo",
        &logo,
        "--alliance-name",
        "ENHANCE – European University of Technology",
        "--alliance-logo",
        &alliance_logo,
        "--signatory",
        "Prof. Maria Nowak, Vice-Rector for Education",
        "--signature",
        &signature,
    ];
    args.extend_from_slice(extra);
    microcred(dir, &args)
}

#[test]
fn the_certificate_pdf_has_every_element_as_text_and_the_credential_attached() {
    let dir = scratch("pdf");
    let credential = issued(&dir);
    let out = render(&dir, &credential, &["--out", "certificate.pdf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pdf = dir.join("certificate.pdf");

    // What we read back ourselves verifies: the very credential that was issued.
    let verified = microcred(&dir, &["credential", "verify", "certificate.pdf"]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}{}",
        text(&verified.stdout),
        text(&verified.stderr)
    );
    assert!(text(&verified.stdout).contains("VERIFIED"));

    let Some(pdftotext) = tool("pdftotext", "poppler-utils") else {
        return;
    };
    let extracted = Command::new(pdftotext).arg(&pdf).arg("-").output().unwrap();
    let extracted = text(&extracted.stdout);
    for expected in [
        "MICRO-CREDENTIAL · CERTIFICATE OF ACADEMIC ACHIEVEMENT",
        "It is not a degree or a diploma",
        "Zoë Łukasiewicz-Παπαδοπούλου",
        "ENHANCE Certificate in Sustainable Entrepreneurship and",
        "Warsaw University of Technology",
        "Prof. Maria Nowak",
        "Vice-Rector for Education",
        "6 ECTS (160 hours)",
        "EQF level 7, QF-EHEA second cycle",
        "4.5 (Polish scale 2.0–5.0 (WUT))",
        "Sustainable business models",
        "Innovation lab: from idea to venture",
        "Supplement",
    ] {
        assert!(
            extracted.contains(expected),
            "{expected:?} missing from:\n{extracted}"
        );
    }
    // The link, which a line break may split.
    let joined: String = extracted.split_whitespace().collect();
    let link = verification_url(&credential);
    assert!(joined.contains(&link), "{link} missing from:\n{extracted}");
    // The 16 elements, by their names in the EU standard (pdftotext may break a long name).
    let flat = extracted.split_whitespace().collect::<Vec<_>>().join(" ");
    for name in [
        "Identification of the learner",
        "Title of the micro-credential",
        "Country(ies)/Region(s) of the issuer",
        "Awarding body(ies)",
        "Date of issuing",
        "Notional workload needed to achieve the learning outcomes",
        "Level (and cycle) of the learning experience",
        "Learning outcomes",
        "Form of participation in the learning activity",
        "Prerequisites needed to enrol in the learning activity",
        "Type of assessment",
        "Supervision and identity verification during assessment",
        "Type of quality assurance",
        "Grade achieved",
        "Integration/stackability options",
        "Further information",
    ] {
        assert!(
            flat.contains(name),
            "element {name:?} missing from:\n{extracted}"
        );
    }

    // Poppler finds the attachment too, and it is the issued file's credential.
    let Some(pdfdetach) = tool("pdfdetach", "poppler-utils") else {
        return;
    };
    let listed = Command::new(&pdfdetach)
        .arg("-list")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        text(&listed.stdout).contains("credential.json"),
        "{}",
        text(&listed.stdout)
    );
    let saved = dir.join("detached.json");
    let detached = Command::new(&pdfdetach)
        .args(["-savefile", "credential.json", "-o"])
        .arg(&saved)
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(detached.status.success(), "{}", text(&detached.stderr));
    let attached: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    let original: Value = serde_json::from_slice(&std::fs::read(&credential).unwrap()).unwrap();
    assert_eq!(attached, original);
}

#[test]
fn the_qr_code_on_the_png_page_opens_the_verification_page() {
    let dir = scratch("png");
    let credential = issued(&dir);
    let out = render(
        &dir,
        &credential,
        &["--format", "png", "--out", "certificate.png"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("certificate-2.png"),
        "the supplement is page two"
    );
    let page = std::fs::read(dir.join("certificate.png")).unwrap();
    assert!(page.starts_with(b"\x89PNG"));

    let Some(zbarimg) = tool("zbarimg", "zbar-tools") else {
        return;
    };
    let decoded = Command::new(zbarimg)
        .args(["--quiet", "--raw"])
        .arg(dir.join("certificate.png"))
        .output()
        .unwrap();
    assert_eq!(
        text(&decoded.stdout).trim(),
        verification_url(&credential),
        "{}",
        text(&decoded.stderr)
    );
}

#[test]
fn a_tampered_attachment_or_a_foreign_pdf_is_not_verified() {
    let dir = scratch("tampered");
    let credential = issued(&dir);
    // The learner edits the grade in the credential, then prints it.
    let mut changed: Value = serde_json::from_slice(&std::fs::read(&credential).unwrap()).unwrap();
    changed["credentialSubject"]["result"][0]["value"] = "5.0".into();
    std::fs::write(
        dir.join("changed.json"),
        serde_json::to_vec(&changed).unwrap(),
    )
    .unwrap();
    let out = render(&dir, &dir.join("changed.json"), &["--out", "changed.pdf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let verified = microcred(&dir, &["credential", "verify", "changed.pdf"]);
    assert_eq!(
        verified.status.code(),
        Some(1),
        "{}",
        text(&verified.stdout)
    );
    assert!(text(&verified.stdout).contains("NOT VERIFIED"));

    // A PDF with no credential attached: unreadable, and it says why.
    std::fs::write(dir.join("foreign.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let foreign = microcred(&dir, &["credential", "verify", "foreign.pdf"]);
    assert_eq!(foreign.status.code(), Some(2));
    assert!(
        text(&foreign.stderr).contains("foreign.pdf"),
        "{}",
        text(&foreign.stderr)
    );
}

#[test]
fn render_refuses_what_it_cannot_print_with_the_reason() {
    let dir = scratch("refused");
    let credential = issued(&dir);
    // A template with a fault: its file, line and column.
    std::fs::write(
        dir.join("bad.typ"),
        "#let c = json(\"/certificate.json\")\n#c.nothing\n",
    )
    .unwrap();
    let out = render(
        &dir,
        &credential,
        &["--template", "bad.typ", "--out", "x.pdf"],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(
        said.contains("line 2, column 4") && said.contains("nothing"),
        "{said}"
    );
    assert!(!dir.join("x.pdf").exists());

    // Not a credential.
    std::fs::write(dir.join("other.json"), "{\"hello\": 1}").unwrap();
    let out = render(&dir, &dir.join("other.json"), &["--out", "y.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("only Open Badges 3.0 micro-credentials"),
        "{}",
        text(&out.stderr)
    );

    // A logo that is not an image.
    let out = microcred(
        &dir,
        &[
            "render",
            &credential.display().to_string(),
            "--verify-page",
            VERIFY_PAGE,
            "--logo",
            "results.csv",
            "--out",
            "z.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("neither a PNG nor a JPEG"),
        "{}",
        text(&out.stderr)
    );
}
