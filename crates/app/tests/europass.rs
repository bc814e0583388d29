//! The platform issues Europass EDCs beside Open Badges, on both databases: the demo's
//! members have (self-signed) e-seals, so every credential has a sealed EDC that the platform's
//! verifier finds valid — the seal trusted because the trust list names the member's seal —
//! and that says the credential is revoked once it is. An alliance without EDCs, or an issuer
//! without an e-seal, issues Open Badges only.

use microcred_app::Checker;
use microcred_app::edc::{EDC_FORMAT, issuing_formats};
use microcred_app::platform::{Config, Platform, PlatformError};
use microcred_credentials::verify::Verdict;
use microcred_store::{Store, testing};

fn platform(store: Store, europass: bool) -> Platform {
    Platform::new(
        store,
        Config {
            public_url: "http://edc.example".into(),
            key_encryption_key: [9; 32],
            suspension: true,
            sign_in: Default::default(),
        },
        Checker::new(None).unwrap(),
    )
    .with_formats(issuing_formats(
        europass,
        Some("http://edc.example/verify".into()),
    ))
}

fn shacl_conforms(edc: &serde_json::Value, name: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join("interop/.venv/bin/python");
    let fixtures = root.join("../shared/fixtures");
    let ready = std::process::Command::new(&python)
        .args(["-c", "import pyshacl"])
        .output()
        .is_ok_and(|o| o.status.success())
        && fixtures.join("elm-3.2").is_dir();
    if !ready {
        assert!(
            std::env::var("CI").is_err(),
            "pySHACL (interop/.venv) and ../shared/fixtures are needed under CI"
        );
        eprintln!("skipped: pySHACL or ../shared/fixtures is absent");
        return;
    }
    let file = std::env::temp_dir().join(format!(
        "microcred-platform-edc-{name}-{}.json",
        std::process::id()
    ));
    std::fs::write(&file, serde_json::to_vec(edc).unwrap()).unwrap();
    let out = std::process::Command::new(&python)
        .arg(root.join("interop/shacl.py"))
        .arg(&fixtures)
        .arg(&file)
        .output()
        .unwrap();
    let result: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(result["conforms"], true, "{result:#}");
    let _ = std::fs::remove_file(&file);
}

async fn the_demo_issues_edcs_that_verify_and_revoke(store: Store, backend: &str) {
    let platform = platform(store, true);
    let demo = platform.demo().await.unwrap();
    let id = demo
        .example_credential
        .expect("the demo issues Zoë's credential");
    let registrar = platform
        .account_by_email("registrar@wut.example")
        .await
        .unwrap();
    let zoe = platform
        .account_by_email("zoe@learner.example")
        .await
        .unwrap();

    // Registrars and the learner see both documents.
    let view = platform.credential(&registrar, &id).await.unwrap();
    assert_eq!(view.format, "ob3-di");
    assert!(
        view.alternatives.iter().any(|d| d.format == EDC_FORMAT),
        "{:?}",
        view.alternatives
            .iter()
            .map(|d| &d.format)
            .collect::<Vec<_>>()
    );
    let edc = platform
        .credential_document(&zoe, &id, EDC_FORMAT)
        .await
        .unwrap();
    assert!(
        edc["payload"]
            .as_str()
            .unwrap()
            .contains("EuropeanDigitalCredential")
    );

    // Her grade stands in WUT's table for business (ISCED-F 0413, second cycle): the EDC says
    // where (shortened grading) and how the grades fall (result distribution); the Open Badge
    // states WUT's scheme with its pass mark.
    let payload = edc["payload"].as_str().unwrap();
    for part in [
        "shortenedGrading",
        "percentageLower",
        "resultDistribution",
        "ResultCategory",
    ] {
        assert!(payload.contains(part), "{backend}: {part}");
    }
    let description = &view.document["credentialSubject"]["achievement"]["resultDescription"][0];
    assert_eq!(description["requiredValue"], "3.0", "{description:#}");
    assert_eq!(
        description["allowedValue"],
        serde_json::json!(["2.0", "3.0", "3.5", "4.0", "4.5", "5.0"])
    );

    // pySHACL finds it conforming too, status entry and all (the offline EDC, without status,
    // is checked in crates/cli/tests/europass.rs).
    shacl_conforms(&edc, backend);

    // Verified by the platform (as the verify page and POST /api/v1/verify do).
    let (report, statements) = platform.verify(&edc).await.unwrap();
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    let issuer = report.check("issuer").unwrap();
    assert!(
        issuer.detail.contains("self-signed seal"),
        "{}",
        issuer.detail
    );
    let status = report.check("status").unwrap();
    assert!(
        status.detail.contains("revocation: not set"),
        "{}",
        status.detail
    );
    assert!(
        statements
            .iter()
            .any(|s| s.label == "Awarded to" && s.value.contains("Zoë")),
        "{statements:?}"
    );

    // Lena's ENHANCE Label in data literacy: its EDC names each component as a part, awarded
    // by its own issuer on its own day, and conforms too.
    let rwth = platform
        .account_by_email("registrar@rwth.example")
        .await
        .unwrap();
    let labels = platform
        .credentials(
            &rwth,
            microcred_app::platform::issuance::CredentialQuery {
                specification: Some("enhance-label-data-literacy".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(labels.len(), 3, "{backend}");
    let label = platform
        .credential_document(&rwth, &labels[0].id, EDC_FORMAT)
        .await
        .unwrap();
    let payload = label["payload"].as_str().unwrap();
    for part in [
        "Statistical Data Analysis",
        "Data Visualisation",
        "hasPart",
        "awardingDate",
    ] {
        assert!(payload.contains(part), "{backend}: {part}");
    }
    shacl_conforms(&label, &format!("{backend}-label"));
    // The label's rule asks for 3.7 in RWTH's scale: each graded component's grade is stated
    // as awarded and converted.
    let open_badge = platform.credential(&rwth, &labels[0].id).await.unwrap();
    let evidence = open_badge.document["evidence"].to_string();
    assert!(evidence.contains("converted to"), "{evidence}");
    let (report, _) = platform.verify(&label).await.unwrap();
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");

    // A Europass credential is read as a component like an Open Badge: recorded for Zoë (as
    // another institution's would be), its issuer is named by its id and the eIDAS identifier
    // its seal was checked against, the qualification it awards, the day, the credits.
    let zoe_learner = zoe.learner_id.clone().expect("Zoë is a learner");
    let recorded = platform
        .record_external_credential(&zoe, &zoe_learner, &edc.to_string())
        .await
        .unwrap();
    assert_eq!(recorded.verdict, "valid", "{:#}", recorded.report);
    assert!(
        recorded.format.contains("edc")
            || recorded.format.contains("EDC")
            || recorded.format.contains("europass"),
        "{}",
        recorded.format
    );
    assert!(
        recorded.issuer_names.len() >= 2,
        "{:?}",
        recorded.issuer_names
    );
    assert_eq!(
        recorded.achievement,
        view.document["credentialSubject"]["achievement"]["id"]
    );
    assert_eq!(recorded.awarded_on, view.date_of_issuing);
    assert_eq!(recorded.ects, Some(6.0));
    assert!(
        recorded.title.contains("Sustainable Entrepreneurship"),
        "{}",
        recorded.title
    );

    // Revoking the credential revokes its EDC: the same status entry.
    platform
        .revoke(&registrar, &id, "issued in error")
        .await
        .unwrap();
    let (report, _) = platform.verify(&edc).await.unwrap();
    assert_eq!(report.verdict, Verdict::Revoked, "{report:#?}");

    // Another learner cannot fetch it.
    let jan = platform.account_by_email("jan@learner.example").await;
    if let Ok(jan) = jan {
        assert!(matches!(
            platform.credential_document(&jan, &id, EDC_FORMAT).await,
            Err(PlatformError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn the_demo_issues_edcs_that_verify_and_revoke_on_sqlite() {
    the_demo_issues_edcs_that_verify_and_revoke(testing::sqlite().await, "sqlite").await;
}

#[tokio::test]
async fn the_demo_issues_edcs_that_verify_and_revoke_on_postgres() {
    if let Some(store) = testing::postgres().await {
        the_demo_issues_edcs_that_verify_and_revoke(store, "postgres").await;
    }
}

#[tokio::test]
async fn an_alliance_without_europass_issues_open_badges_only() {
    let platform = platform(testing::sqlite().await, false);
    let demo = platform.demo().await.unwrap();
    let id = demo.example_credential.unwrap();
    let registrar = platform
        .account_by_email("registrar@wut.example")
        .await
        .unwrap();
    let view = platform.credential(&registrar, &id).await.unwrap();
    assert!(view.alternatives.is_empty());
    let missing = platform
        .credential_document(&registrar, &id, EDC_FORMAT)
        .await
        .unwrap_err();
    assert!(matches!(missing, PlatformError::NotFound(_)), "{missing:?}");
}

/// A Europass credential from outside the alliance: another alliance's platform (its own
/// self-signed seals) issued Zoë's credential. Recorded here it is not trusted (its seal leads
/// to no authority this alliance names); once a published stacked rule recognises its issuer
/// and names the authority its seals lead to, recording it again verifies it and it counts.
#[tokio::test]
async fn an_outside_europass_issuer_is_trusted_by_the_seal_authority_its_rule_names() {
    use microcred_app::platform::catalogue::Decision;

    let other = Platform::new(
        testing::sqlite().await,
        Config {
            public_url: "http://other-alliance.example".into(),
            key_encryption_key: [7; 32],
            suspension: true,
            sign_in: Default::default(),
        },
        Checker::new(None).unwrap(),
    )
    .with_formats(issuing_formats(
        true,
        Some("http://other-alliance.example/verify".into()),
    ));
    let credential = other.demo().await.unwrap().example_credential.unwrap();
    let registrar = other
        .account_by_email("registrar@wut.example")
        .await
        .unwrap();
    let edc = other
        .credential_document(&registrar, &credential, EDC_FORMAT)
        .await
        .unwrap();
    let authority = other
        .trust_list()
        .await
        .unwrap()
        .seal_authorities
        .into_iter()
        .find(|a| a.name.starts_with("wut "))
        .expect("the other WUT's e-seal")
        .certificate;

    let platform = platform(testing::sqlite().await, true);
    platform.demo().await.unwrap();
    let zoe = platform
        .account_by_email("zoe@learner.example")
        .await
        .unwrap();
    let learner = zoe.learner_id.clone().unwrap();
    let untrusted = platform
        .record_external_credential(&zoe, &learner, &edc.to_string())
        .await
        .unwrap();
    assert_eq!(
        untrusted.verdict, "unknown-issuer",
        "{:#}",
        untrusted.report
    );

    let vc = microcred_app::verify::credential_inside(&edc);
    let issuer = vc["issuer"]["id"].as_str().unwrap().to_owned();
    let achievement = vc["credentialSubject"]["hasClaim"][0]["specifiedBy"]["id"]
        .as_str()
        .or_else(|| vc["credentialSubject"]["hasClaim"]["specifiedBy"]["id"].as_str())
        .unwrap()
        .to_owned();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut spec = Checker::new(None)
        .unwrap()
        .load(&root.join("examples/enhance-label-data-literacy.toml"))
        .unwrap()
        .specification;
    spec.id = "enhance-label-recognised".parse().unwrap();
    let rule = |authority: &str| {
        serde_json::from_value(serde_json::json!({
            "pools": [{ "id": "recognised", "components": [{ "external": {
                "issuer": issuer, "achievement": achievement,
                "title": { "en": "Sustainable entrepreneurship (another alliance)" },
                "country": "PL", "seal_authority": authority } }] }]
        }))
        .unwrap()
    };
    let teacher = platform
        .account_by_email("teacher@wut.example")
        .await
        .unwrap();
    let board = platform
        .account_by_email("board@enhance.example")
        .await
        .unwrap();
    // A seal authority that is no certificate is an error of the draft, found before review.
    spec.stacking = Some(rule("not a certificate"));
    let check = platform.check_draft(&spec).await.unwrap();
    assert!(
        check
            .findings
            .iter()
            .any(|f| f.field == "stacking.pools[0].components[0].external.seal_authority"),
        "{:?}",
        check.findings
    );
    spec.stacking = Some(rule(&authority));
    platform.create_specification(&teacher, spec).await.unwrap();
    platform
        .submit(&teacher, "enhance-label-recognised", "")
        .await
        .unwrap();
    platform
        .decide(&board, "enhance-label-recognised", Decision::Approve, "")
        .await
        .unwrap();
    let trusted = platform
        .record_external_credential(&zoe, &learner, &edc.to_string())
        .await
        .unwrap();
    assert_eq!(trusted.verdict, "valid", "{:#}", trusted.report);
    assert_eq!(trusted.recognised_for, ["enhance-label-recognised"]);
}
