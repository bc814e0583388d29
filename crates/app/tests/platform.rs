//! The platform's whole life, at the level of its use cases, on both databases: set up an
//! alliance, write, submit, advise on and approve a specification, import results, issue,
//! verify, suspend, revoke, correct; and who may not do what.
//!
//! PostgreSQL runs when `MICROCRED_TEST_POSTGRES` names a server (required under `CI=true`).

use std::path::Path;

use microcred_app::Checker;
use microcred_app::platform::auth::NewAccount;
use microcred_app::platform::catalogue::{Decision, Recommendation};
use microcred_app::platform::invitations::Acceptance;
use microcred_app::platform::issuance::CredentialQuery;
use microcred_app::platform::{Config, Platform, PlatformError};
use microcred_app::results::ResultsReader;
use microcred_credentials::verify::Verdict;
use microcred_model::Alliance;
use microcred_model::CredentialState;
use microcred_model::{Grant, Role};
use microcred_store::accounts::Account;
use microcred_store::{Store, testing};

const SPEC: &str = "enhance-certificate-sustainable-entrepreneurship";

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

struct World {
    platform: Platform,
    admin: Account,
    teacher: Account,
    jury: Account,
    task_group: Account,
    board: Account,
    wut: Account,
    tub: Account,
}

async fn account(platform: &Platform, admin: &Account, email: &str, grants: Vec<Grant>) -> Account {
    platform
        .create_account(
            Some(admin),
            NewAccount {
                email: email.into(),
                name: email.into(),
                password: Some("a long password".into()),
                grants,
                learner_id: None,
            },
        )
        .await
        .unwrap()
}

fn grant(role: Role, university: Option<&str>) -> Vec<Grant> {
    vec![Grant {
        role,
        university: university.map(str::to_owned),
    }]
}

async fn world(store: Store) -> World {
    world_with(store, true).await
}

async fn world_with(store: Store, suspension: bool) -> World {
    let checker = Checker::new(None).unwrap();
    let platform = Platform::new(
        store,
        Config {
            public_url: "https://enhance.example".into(),
            key_encryption_key: [9; 32],
            suspension,
            sign_in: Default::default(),
        },
        checker,
    );
    let admin = platform
        .create_account(
            None,
            NewAccount {
                email: "admin@enhance.example".into(),
                name: "Admin".into(),
                password: Some("a long password".into()),
                grants: grant(Role::AllianceAdmin, None),
                learner_id: None,
            },
        )
        .await
        .unwrap();
    let alliance: Alliance =
        serde_json::from_value(serde_json::json!({ "name": { "en": "ENHANCE" } })).unwrap();
    platform.set_alliance(Some(&admin), alliance).await.unwrap();
    let loaded = Checker::new(None)
        .unwrap()
        .load(&root().join(format!("examples/{SPEC}.toml")))
        .unwrap();
    for university in &loaded.catalogue.universities {
        platform
            .add_university(&admin, university.clone())
            .await
            .unwrap();
    }
    for element in &loaded.catalogue.course_elements {
        platform
            .put_course_element(&admin, element.clone())
            .await
            .unwrap();
    }
    World {
        teacher: account(
            &platform,
            &admin,
            "teacher@wut.example",
            grant(Role::Teacher, Some("wut")),
        )
        .await,
        jury: account(
            &platform,
            &admin,
            "jury@enhance.example",
            grant(Role::Jury, None),
        )
        .await,
        task_group: account(
            &platform,
            &admin,
            "tg@enhance.example",
            grant(Role::TaskGroup, None),
        )
        .await,
        board: account(
            &platform,
            &admin,
            "board@enhance.example",
            grant(Role::Board, None),
        )
        .await,
        wut: account(
            &platform,
            &admin,
            "registrar@wut.example",
            grant(Role::Registrar, Some("wut")),
        )
        .await,
        tub: account(
            &platform,
            &admin,
            "registrar@tub.example",
            grant(Role::Registrar, Some("tub")),
        )
        .await,
        platform,
        admin,
    }
}

fn results(
    text: &str,
) -> Vec<Result<microcred_app::results::ResultRow, microcred_app::results::RowProblem>> {
    ResultsReader::new("results.csv", text.as_bytes())
        .unwrap()
        .collect()
}

#[tokio::test]
async fn a_specification_is_reviewed_published_issued_verified_revoked_and_corrected() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let p = &w.platform;
        let spec = Checker::new(None)
            .unwrap()
            .load(&root().join(format!("examples/{SPEC}.toml")))
            .unwrap()
            .specification;

        // Review: draft → submitted → advice → approved (published).
        p.create_specification(&w.teacher, spec.clone())
            .await
            .unwrap();
        assert!(
            matches!(
                p.decide(&w.board, SPEC, Decision::Approve, "").await,
                Err(PlatformError::Conflict(_))
            ),
            "{backend}: not yet submitted"
        );
        assert!(
            matches!(
                p.submit(&w.jury, SPEC, "").await,
                Err(PlatformError::Forbidden(_))
            ),
            "{backend}"
        );
        p.submit(&w.teacher, SPEC, "ready").await.unwrap();
        assert!(
            matches!(
                p.update_specification(&w.teacher, spec.clone()).await,
                Err(PlatformError::Conflict(_))
            ),
            "{backend}: under review"
        );
        p.advise(
            &w.jury,
            SPEC,
            Recommendation::Approve,
            "a meaningful combination",
        )
        .await
        .unwrap();
        p.advise(&w.task_group, SPEC, Recommendation::Approve, "")
            .await
            .unwrap();
        assert!(matches!(
            p.decide(&w.teacher, SPEC, Decision::Approve, "").await,
            Err(PlatformError::Forbidden(_))
        ));
        let published = p
            .decide(&w.board, SPEC, Decision::Approve, "")
            .await
            .unwrap();
        assert_eq!(published.state.name(), "published", "{backend}");
        let history: Vec<String> = p
            .history(&w.board, SPEC)
            .await
            .unwrap()
            .iter()
            .map(|e| e.kind.clone())
            .collect();
        assert_eq!(
            history,
            ["created", "submitted", "advice", "advice", "decision"],
            "{backend}"
        );
        assert_eq!(p.catalogue(&Default::default()).await.unwrap().len(), 1);

        // Results: each registrar records their own university's; the other's rows are refused.
        let csv = "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,grade,overall_grade\n\
            s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-12,5.0,4.5\n\
            s2,Jan,Kowalski,2000-01-02,PL,301235,wut:sustainable-business-models,2026-06-10,4.0,4.0\n\
            s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,77001,tub:innovation-lab,2026-06-26,1.7,1.3\n";
        let wut = p
            .import_results(&w.wut, "wut.csv", results(csv), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            (wut.rows_stored, wut.rows_refused, wut.learners_created),
            (2, 1, 2),
            "{backend}"
        );
        assert!(
            wut.problems[0].message.contains("belongs to `tub`"),
            "{backend}: {:?}",
            wut.problems
        );
        // TUB knows Zoë by her TUB student id only: a new record, merged later by a registrar.
        let tub = p
            .import_results(&w.tub, "tub.csv", results(csv), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            (tub.rows_stored, tub.rows_refused, tub.learners_created),
            (1, 2, 1),
            "{backend}"
        );
        let zoe = p
            .find_learners(&w.wut, Some("wut"), Some("301234"), None)
            .await
            .unwrap()
            .remove(0);
        let zoe_at_tub = p
            .find_learners(&w.tub, Some("tub"), Some("77001"), None)
            .await
            .unwrap()
            .remove(0);
        assert_ne!(zoe.id, zoe_at_tub.id);
        // One university's registrar does not see, and cannot merge, the other's learner.
        assert!(matches!(
            p.merge_learners(&w.wut, &zoe.id, &zoe_at_tub.id).await,
            Err(PlatformError::NotFound(_))
        ));
        p.merge_learners(&w.admin, &zoe.id, &zoe_at_tub.id)
            .await
            .unwrap();
        // Importing the same file again stores the same rows again, duplicating nothing.
        p.import_results(&w.wut, "wut.csv", results(csv), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            p.learner_results(&w.wut, &zoe.id).await.unwrap().len(),
            2,
            "{backend}"
        );

        // Issue: WUT awards (most workload, tie broken for the lead); TUB's registrar may not.
        assert!(
            matches!(
                p.issue(&w.tub, SPEC, None, &mut |_, _| {}).await,
                Err(PlatformError::Forbidden(_))
            ),
            "{backend}"
        );
        let outcome = p.issue(&w.wut, SPEC, None, &mut |_, _| {}).await.unwrap();
        assert_eq!(outcome.issued.len(), 1, "{backend}: {outcome:?}");
        assert_eq!(outcome.issued[0].learner, zoe.id);
        let named = p
            .issue(
                &w.wut,
                SPEC,
                Some(vec![
                    zoe.id.clone(),
                    outcome
                        .not_eligible
                        .first()
                        .map(|n| n.learner.clone())
                        .unwrap_or_default(),
                ]),
                &mut |_, _| {},
            )
            .await
            .unwrap();
        assert_eq!(
            named.already_held,
            std::slice::from_ref(&zoe.id),
            "{backend}: issuing twice issues once"
        );
        let credential_id = outcome.issued[0].credential.clone();
        let record = p.credential(&w.wut, &credential_id).await.unwrap();
        assert_eq!(record.date_of_issuing, "2026-06-26", "{backend}");
        assert_eq!(
            record.document["credentialSubject"]["result"][0]["value"], "4.5",
            "{backend}: the awarding WUT's grade, not TU Berlin's later one in its own scheme"
        );
        assert_eq!(
            record.document["issuer"]["id"],
            "did:web:enhance.example:u:wut"
        );

        // Verify, suspend, reinstate, revoke.
        let (report, statements) = p.verify(&record.document).await.unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{backend}: {report:?}");
        assert!(statements.iter().any(|s| s.value.contains("Zoë")));
        assert!(
            matches!(
                p.revoke(&w.tub, &credential_id, "no").await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}"
        );
        assert!(matches!(
            p.revoke(&w.wut, &credential_id, " ").await,
            Err(PlatformError::Invalid { .. })
        ));
        p.suspend(&w.wut, &credential_id, "under investigation")
            .await
            .unwrap();
        assert_eq!(
            p.verify(&record.document).await.unwrap().0.verdict,
            Verdict::Suspended,
            "{backend}"
        );
        p.reinstate(&w.wut, &credential_id, "cleared")
            .await
            .unwrap();
        assert_eq!(
            p.verify(&record.document).await.unwrap().0.verdict,
            Verdict::Valid,
            "{backend}"
        );

        // Correct: a new credential, the old one revoked with the reason.
        let corrected = p
            .correct(&w.wut, &credential_id, "name misspelt")
            .await
            .unwrap();
        let new_id = corrected.issued[0].credential.clone();
        let old = p.credential(&w.wut, &credential_id).await.unwrap();
        assert_eq!(
            (old.state, old.current),
            (CredentialState::Revoked, false),
            "{backend}"
        );
        assert_eq!(
            p.verify(&old.document).await.unwrap().0.verdict,
            Verdict::Revoked,
            "{backend}"
        );
        let new = p.credential(&w.wut, &new_id).await.unwrap();
        assert_eq!(new.replaces.as_deref(), Some(credential_id.as_str()));
        assert_eq!(
            p.verify(&new.document).await.unwrap().0.verdict,
            Verdict::Valid,
            "{backend}"
        );

        // Key rotation: old credentials still verify; new ones are signed with the new key.
        p.rotate_key(&w.admin, "wut").await.unwrap();
        assert_eq!(
            p.verify(&new.document).await.unwrap().0.verdict,
            Verdict::Valid,
            "{backend}: after rotation"
        );
        p.revoke(&w.wut, &new_id, "issued in error").await.unwrap();
        assert_eq!(
            p.verify(&new.document).await.unwrap().0.verdict,
            Verdict::Revoked,
            "{backend}"
        );
        // A revoked credential stays revoked: "correcting" it would hand out an active one.
        let refused = p.correct(&w.wut, &new_id, "try again").await.unwrap_err();
        assert!(
            matches!(refused, PlatformError::Conflict(ref m) if m.contains("revoked")),
            "{backend}: {refused}"
        );

        // A learner sees their own credentials, and no one else's.
        let learner = p
            .learner_account(
                &w.admin,
                &zoe.id,
                "zoe@example.eu",
                Some("a long password".into()),
            )
            .await
            .unwrap();
        let mine = p
            .credentials(&learner, CredentialQuery::default())
            .await
            .unwrap();
        assert_eq!(mine.len(), 2, "{backend}: the revoked and the corrected");
        let jan = p
            .find_learners(&w.wut, Some("wut"), Some("301235"), None)
            .await
            .unwrap()
            .remove(0);
        let jan_account = p
            .learner_account(&w.admin, &jan.id, "jan@example.eu", None)
            .await
            .unwrap();
        assert!(
            p.credentials(&jan_account, CredentialQuery::default())
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            matches!(
                p.credential(&jan_account, &new_id).await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}"
        );
        assert!(
            matches!(
                p.learner(&jan_account, &zoe.id).await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_specification_with_errors_cannot_be_submitted() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let p = &w.platform;
        let bad = Checker::new(None)
            .unwrap()
            .load(&root().join("examples/non-conforming/certificate-too-small.toml"))
            .unwrap()
            .specification;
        p.create_specification(&w.teacher, bad.clone())
            .await
            .unwrap();
        match p.submit(&w.teacher, bad.id.as_str(), "").await {
            Err(PlatformError::Invalid { problems, .. }) => {
                assert!(
                    problems.iter().any(|p| p.path == "workload.ects"
                        && p.message.contains("ENHANCE template §7.6")),
                    "{backend}: {problems:?}"
                );
            }
            other => panic!("{backend}: {other:?}"),
        }
        assert_eq!(
            p.specification(&w.board, bad.id.as_str())
                .await
                .unwrap()
                .state
                .name(),
            "draft"
        );
    }
}

/// Rows for `n` learners passing both elements of the certificate: WUT's rows then TU Berlin's.
fn many_results(n: usize) -> (String, String) {
    let header =
        "learner,given_names,family_names,email,student_id,element,completed_on,overall_grade\n";
    let mut wut = String::from(header);
    let mut tub = String::from(header);
    for i in 0..n {
        wut.push_str(&format!("l{i},Learner,Number {i},l{i}@learner.example,{},wut:sustainable-business-models,2026-06-12,4.0\n", 100_000 + i));
        tub.push_str(&format!(
            "l{i},Learner,Number {i},l{i}@learner.example,{},tub:innovation-lab,2026-06-20,\n",
            500_000 + i
        ));
    }
    (wut, tub)
}

async fn published(w: &World) {
    let spec = Checker::new(None)
        .unwrap()
        .load(&root().join(format!("examples/{SPEC}.toml")))
        .unwrap()
        .specification;
    w.platform
        .create_specification(&w.teacher, spec)
        .await
        .unwrap();
    w.platform.submit(&w.teacher, SPEC, "").await.unwrap();
    w.platform
        .decide(&w.board, SPEC, Decision::Approve, "")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn issuing_at_the_same_moment_from_four_requests_issues_once() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        published(&w).await;
        let (wut, tub) = many_results(40);
        w.platform
            .import_results(&w.wut, "wut.csv", results(&wut), &mut |_| {})
            .await
            .unwrap();
        w.platform
            .import_results(&w.tub, "tub.csv", results(&tub), &mut |_| {})
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let platform = w.platform.clone();
            let registrar = w.wut.clone();
            tasks.push(tokio::spawn(async move {
                platform.issue(&registrar, SPEC, None, &mut |_, _| {}).await
            }));
        }
        let mut issued = 0;
        let mut held = 0;
        for task in tasks {
            let outcome = task.await.unwrap().unwrap();
            issued += outcome.issued.len();
            held += outcome.already_held.len();
        }
        assert_eq!(issued, 40, "{backend}: each learner once");
        assert_eq!(
            held, 120,
            "{backend}: the other three requests found them issued"
        );
        let all = w
            .platform
            .credentials(
                &w.admin,
                CredentialQuery {
                    specification: Some(SPEC.into()),
                    limit: 1000,
                    ..CredentialQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 40, "{backend}");
    }
}

#[tokio::test]
async fn an_import_cut_short_keeps_its_committed_batches_and_resuming_duplicates_nothing() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let (wut, _) = many_results(1200);
        let rows = results(&wut);
        // The import dies (here: panics) after the first batch of 500 rows was committed.
        let platform = w.platform.clone();
        let registrar = w.wut.clone();
        let cut: Vec<_> = rows.clone().into_iter().take(700).collect();
        let crashed = tokio::spawn(async move {
            let rows = cut.into_iter().enumerate().map(|(i, row)| {
                assert!(i < 650, "the process dies here");
                row
            });
            platform
                .import_results(&registrar, "wut.csv", rows, &mut |_| {})
                .await
        })
        .await;
        assert!(crashed.is_err(), "{backend}: the import was cut short");
        let stored = |platform: Platform, _admin: Account| async move {
            let mut c = platform.store().connection().await.unwrap();
            microcred_store::results::count(&mut c).await.unwrap()
        };
        assert_eq!(
            stored(w.platform.clone(), w.admin.clone()).await,
            500,
            "{backend}: the acknowledged batch is there"
        );
        // Resuming with the whole file stores the rest and duplicates nothing.
        let report = w
            .platform
            .import_results(&w.wut, "wut.csv", rows, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.rows_stored, 1200, "{backend}");
        assert_eq!(
            report.learners_created, 700,
            "{backend}: the first 500 were known"
        );
        assert_eq!(
            stored(w.platform.clone(), w.admin.clone()).await,
            1200,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_file_keyed_only_by_learner_finds_its_learners_when_imported_again() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let file = "learner,given_names,family_names,element,completed_on\n\
                    30001,Jan,Kowalski,wut:sustainable-business-models,2026-06-12\n\
                    lena@learner.example,Lena,Müller,wut:sustainable-business-models,2026-06-13\n";
        let first = w
            .platform
            .import_results(&w.wut, "keys.csv", results(file), &mut |_| {})
            .await
            .unwrap();
        let again = w
            .platform
            .import_results(&w.wut, "keys.csv", results(file), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            (
                first.learners_created,
                again.learners_created,
                again.rows_stored
            ),
            (2, 0, 2),
            "{backend}: the student id and the e-mail found them"
        );
        let found = w
            .platform
            .find_learners(&w.wut, None, None, Some("lena@learner.example"))
            .await;
        assert!(found.is_ok_and(|l| l.len() == 1), "{backend}");
    }
}

#[tokio::test]
async fn one_learner_key_in_different_batches_stays_one_learner() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        // k1's rows are 501 rows apart (batches hold 500), with a student id at each university
        // and no e-mail: only the file's key says they are one person.
        let mut file =
            String::from("learner,given_names,family_names,student_id,element,completed_on\n");
        file.push_str("k1,Ada,Lovelace,W1,wut:sustainable-business-models,2026-06-12\n");
        for i in 0..500 {
            file.push_str(&format!(
                "f{i},Filler,Number {i},F{i},wut:sustainable-business-models,2026-06-12\n"
            ));
        }
        file.push_str("k1,Ada,Lovelace,T1,tub:innovation-lab,2026-06-20\n");
        let report = w
            .platform
            .import_results(&w.admin, "alliance.csv", results(&file), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            (report.rows_stored, report.learners_created),
            (502, 501),
            "{backend}: {report:?}"
        );
    }
}

#[tokio::test]
async fn without_suspension_a_credential_has_one_status_entry_and_cannot_be_suspended() {
    let w = world_with(testing::sqlite().await, false).await;
    published(&w).await;
    let (wut, tub) = many_results(1);
    for (registrar, file) in [(&w.wut, &wut), (&w.tub, &tub)] {
        w.platform
            .import_results(registrar, "results.csv", results(file), &mut |_| {})
            .await
            .unwrap();
    }
    let outcome = w
        .platform
        .issue(&w.wut, SPEC, None, &mut |_, _| {})
        .await
        .unwrap();
    let id = outcome.issued[0].credential.clone();
    let record = w.platform.credential(&w.wut, &id).await.unwrap();
    let status = &record.document["credentialStatus"];
    assert!(status.is_object(), "one entry, not a list: {status}");
    assert_eq!(status["statusPurpose"], "revocation");
    let refused = w.platform.suspend(&w.wut, &id, "an inquiry").await;
    assert!(
        matches!(&refused, Err(PlatformError::Conflict(why)) if why.contains("revoke it instead")),
        "{refused:?}"
    );
    assert_eq!(
        w.platform.credential(&w.wut, &id).await.unwrap().state,
        microcred_model::CredentialState::Active,
        "nothing changed"
    );
    w.platform
        .revoke(&w.wut, &id, "issued in error")
        .await
        .unwrap();
}

#[tokio::test]
async fn results_import_from_an_xlsx_workbook() {
    let store = testing::sqlite().await;
    let w = world(store).await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "learner",
        "given_names",
        "family_names",
        "date_of_birth",
        "student_id",
        "element",
        "completed_on",
        "overall_grade",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 6, 12).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, (given, family, student)) in [
        ("Zoë", "Łukasiewicz-Παπαδοπούλου", 301234.0),
        ("Jan", "Kowalski", 301235.0),
    ]
    .iter()
    .enumerate()
    {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, format!("s{row}")).unwrap();
        sheet.write_string(row, 1, *given).unwrap();
        sheet.write_string(row, 2, *family).unwrap();
        sheet.write_string(row, 3, "2001-04-12").unwrap();
        sheet.write_number(row, 4, *student).unwrap();
        sheet
            .write_string(row, 5, "wut:sustainable-business-models")
            .unwrap();
        sheet
            .write_datetime_with_format(row, 6, &date, &format)
            .unwrap();
        sheet.write_number(row, 7, 4.5).unwrap();
    }
    sheet.write_string(3, 0, "s3").unwrap();
    sheet.write_string(3, 1, "No").unwrap();
    sheet.write_string(3, 2, "Date").unwrap();
    sheet
        .write_string(3, 5, "wut:sustainable-business-models")
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let rows = microcred_app::results::read_xlsx("results.xlsx", &bytes).unwrap();
    let report = w
        .platform
        .import_results(&w.wut, "results.xlsx", rows, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((report.rows_stored, report.rows_refused), (2, 1));
    assert_eq!(report.problems[0].row, 4, "spreadsheet row numbers");
    assert_eq!(report.problems[0].column.as_deref(), Some("completed_on"));
    let zoe = w
        .platform
        .find_learners(&w.wut, Some("wut"), Some("301234"), None)
        .await
        .unwrap();
    assert_eq!(zoe.len(), 1, "the student id kept all its digits");
    let results = w
        .platform
        .learner_results(&w.wut, &zoe[0].id)
        .await
        .unwrap();
    assert_eq!(
        (
            results[0].completed_on.as_str(),
            results[0].overall_grade.as_deref()
        ),
        ("2026-06-12", Some("4.5"))
    );
    assert!(microcred_app::results::read_xlsx("x.xlsx", b"not a workbook").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_web_pages_hand_over_is_shared_by_every_server() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        published(&w).await;
        // A second server over the same database, as behind a load balancer.
        let other = Platform::new(
            w.platform.store().clone(),
            Config {
                public_url: "https://enhance.example".into(),
                key_encryption_key: [9; 32],
                suspension: true,
                sign_in: Default::default(),
            },
            Checker::new(None).unwrap(),
        );
        let (wut, tub) = many_results(30);
        let held = w
            .platform
            .hold_results_file(&w.wut, "wut.csv", wut.as_bytes())
            .await
            .unwrap();
        assert!(
            matches!(
                other.take_results_file(&w.tub, &held).await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}: another registrar's file"
        );
        let (name, bytes) = other.take_results_file(&w.wut, &held).await.unwrap();
        assert_eq!(
            (name.as_str(), bytes.as_slice()),
            ("wut.csv", wut.as_bytes()),
            "{backend}"
        );
        assert!(
            matches!(
                other.take_results_file(&w.wut, &held).await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}: stored once"
        );
        other
            .import_results(
                &w.wut,
                &name,
                results(std::str::from_utf8(&bytes).unwrap()),
                &mut |_| {},
            )
            .await
            .unwrap();
        w.platform
            .import_results(&w.tub, "tub.csv", results(&tub), &mut |_| {})
            .await
            .unwrap();

        assert!(
            matches!(
                w.platform.issue_in_background(&w.teacher, SPEC).await,
                Err(PlatformError::Forbidden(_))
            ),
            "{backend}: only a registrar of an awarding body starts a run"
        );
        let run = w.platform.issue_in_background(&w.wut, SPEC).await.unwrap();
        assert!(
            matches!(
                other.issuing_run(&w.tub, &run).await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}: a run is its starter's"
        );
        let started = std::time::Instant::now();
        let finished = loop {
            let seen = other.issuing_run(&w.wut, &run).await.unwrap();
            if seen.finished {
                break seen;
            }
            assert!(
                started.elapsed().as_secs() < 60,
                "{backend}: the run never finished"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(
            (finished.issued, finished.error.as_str()),
            (30, ""),
            "{backend}: {finished:?}"
        );
    }
}

/// A learner comes to their own account by an invitation a registrar of their university
/// makes: accepted once, by a new account or the one they are signed in with; another
/// university's registrar cannot invite them, nor can an account bound to someone else accept.
#[tokio::test]
async fn a_learner_makes_their_own_account_from_an_invitation() {
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let p = &w.platform;
        let csv = "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,grade\n\
            s1,Zoë,Łukasiewicz,2001-04-12,PL,301234,wut:sustainable-business-models,2026-06-12,5.0\n\
            s2,Jan,Kowalski,2000-01-02,PL,301235,wut:sustainable-business-models,2026-06-10,4.0\n";
        p.import_results(&w.wut, "wut.csv", results(csv), &mut |_| {})
            .await
            .unwrap();
        let registrar = &w.wut;
        let find = |student: &'static str| async move {
            p.find_learners(registrar, Some("wut"), Some(student), None)
                .await
                .unwrap()[0]
                .id
                .clone()
        };
        let (zoe, jan) = (find("301234").await, find("301235").await);

        // Only where the learner is known: TU Berlin's registrar does not find Zoë.
        assert!(
            matches!(
                p.invite_learner(&w.tub, &zoe).await,
                Err(PlatformError::NotFound(_))
            ),
            "{backend}"
        );
        let invitation = p.invite_learner(&w.wut, &zoe).await.unwrap();
        assert!(
            invitation
                .link
                .starts_with("https://enhance.example/invitations/"),
            "{}",
            invitation.link
        );
        let token = invitation.link.rsplit('/').next().unwrap().to_owned();
        let view = p.invitation(&token).await.unwrap();
        assert_eq!(
            (view.given_names.as_str(), view.closed.clone()),
            ("Zoë", None),
            "{backend}"
        );
        assert!(view.invited_by.contains("Warsaw"), "{}", view.invited_by);
        assert!(matches!(
            p.invitation("not-a-token").await,
            Err(PlatformError::NotFound(_))
        ));

        // A short password is refused, and the invitation stays open.
        let short = p
            .accept_invitation(
                &token,
                Acceptance::NewAccount {
                    email: "zoe@example.eu",
                    password: "short",
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(short, PlatformError::Invalid { .. }), "{short}");
        let session = p
            .accept_invitation(
                &token,
                Acceptance::NewAccount {
                    email: "zoe@example.eu",
                    password: "a long password",
                },
            )
            .await
            .unwrap();
        assert_eq!(session.account.learner_id.as_deref(), Some(zoe.as_str()));
        let signed_in = p.authenticate(&session.token).await.unwrap();
        assert_eq!(signed_in.email, "zoe@example.eu");
        assert_eq!(
            p.learner(&signed_in, &zoe).await.unwrap().id,
            zoe,
            "{backend}: she reads her own record"
        );
        assert!(matches!(
            p.learner(&signed_in, &jan).await,
            Err(PlatformError::NotFound(_))
        ));
        // Once only.
        let again = p
            .accept_invitation(
                &token,
                Acceptance::NewAccount {
                    email: "mallory@example.eu",
                    password: "a long password",
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(again, PlatformError::Conflict(ref m) if m.contains("already accepted")),
            "{again}"
        );
        assert!(p.invitation(&token).await.unwrap().closed.is_some());

        // Jan takes his credentials into the account he already has; Zoë's account cannot
        // take someone else's.
        let jans_account = account(p, &w.admin, "jan@example.eu", Vec::new()).await;
        let for_jan = p.invite_learner(&w.admin, &jan).await.unwrap();
        let jan_token = for_jan.link.rsplit('/').next().unwrap().to_owned();
        let refused = p
            .accept_invitation(&jan_token, Acceptance::SignedIn(&signed_in))
            .await
            .unwrap_err();
        assert!(matches!(refused, PlatformError::Conflict(_)), "{refused}");
        let bound = p
            .accept_invitation(&jan_token, Acceptance::SignedIn(&jans_account))
            .await
            .unwrap();
        assert_eq!(bound.account.learner_id.as_deref(), Some(jan.as_str()));
        assert!(
            bound.account.grants.iter().any(|g| g.role == Role::Learner),
            "{backend}"
        );
    }
}

/// An issuing run whose server stopped (no heartbeat for 30 s) reads "interrupted", so the
/// registrar issues again instead of watching it for minutes; a live one does not.
#[tokio::test]
async fn a_run_whose_server_stopped_reads_interrupted() {
    for (backend, store) in testing::stores().await {
        let w = world(store.clone()).await;
        let mut c = store.connection().await.unwrap();
        let now = microcred_store::now();
        for (id, heartbeat) in [("stopped", now - 31), ("alive", now - 1)] {
            microcred_store::issuing_runs::start(&mut c, id, &w.wut.id, SPEC, heartbeat, 0)
                .await
                .unwrap();
        }
        let stopped = w.platform.issuing_run(&w.wut, "stopped").await.unwrap();
        assert!(
            stopped.finished && stopped.error.starts_with("interrupted"),
            "{backend}: {stopped:?}"
        );
        let alive = w.platform.issuing_run(&w.wut, "alive").await.unwrap();
        assert!(!alive.finished, "{backend}: {alive:?}");
        // Someone else's run is not found.
        assert!(matches!(
            w.platform.issuing_run(&w.tub, "alive").await,
            Err(PlatformError::NotFound(_))
        ));
    }
}

/// A database another writer holds locked answers "busy" (503 + Retry-After in the API) after
/// a bounded wait, not an error that reads like a fault; the next write, once it is free, works.
#[tokio::test]
async fn a_locked_database_is_busy_not_broken() {
    let store = testing::sqlite().await;
    let w = world(store.clone()).await;
    let holder = store.begin().await.unwrap();
    let refused = w
        .platform
        .add_signatory(&w.admin, "wut", "Dr. Waiting", "Dean")
        .await
        .unwrap_err();
    assert!(matches!(refused, PlatformError::Busy(_)), "{refused}");
    drop(holder);
    w.platform
        .add_signatory(&w.admin, "wut", "Dr. Waiting", "Dean")
        .await
        .unwrap();
}

/// The offline `microcred issue` and the platform decide the same award from the same
/// specification and results: eligibility, date of issuing, awarding body, grade and credits.
#[tokio::test]
async fn issuing_offline_and_on_the_platform_awards_the_same() {
    use microcred_app::issue::{IssueOptions, issue_from_results};
    use microcred_credentials::data_integrity::Cryptosuite;
    use microcred_credentials::datetime::DateTime;
    use microcred_credentials::keys::SigningKey;

    // Zoë passes both elements; WUT (the awarding university) graded her twice, TU Berlin once
    // in its own scheme, later; a failed retake's grade does not count. Jan misses one element.
    let csv = "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,result,overall_grade\n\
        s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-01,passed,3.5\n\
        s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-12,passed,4.5\n\
        s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-29,failed,2.0\n\
        s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,tub:innovation-lab,2026-06-26,passed,1.3\n\
        s2,Jan,Kowalski,2000-01-02,PL,301235,wut:sustainable-business-models,2026-06-10,passed,4.0\n";

    // Offline.
    let resolved = Checker::new(None)
        .unwrap()
        .load(&root().join(format!("examples/{SPEC}.toml")))
        .unwrap();
    let key = microcred_credentials::key_file::KeyFile::new(
        &SigningKey::from_bytes(&[7; 32]),
        None,
        None,
    )
    .unwrap()
    .issuer_key(None)
    .unwrap();
    let out = std::env::temp_dir().join(format!("microcred-award-{}", std::process::id()));
    let offline = issue_from_results(
        &resolved,
        None,
        ResultsReader::new("results.csv", csv.as_bytes()).unwrap(),
        &[key],
        &IssueOptions {
            suite: Cryptosuite::EddsaRdfc2022,
            formats: microcred_app::issue::IssueFormats::OpenBadges,
            template: microcred_render::Template::default_template(),
            now: DateTime::now(),
            base_url: None,
        },
        &out,
        &mut |_, _| {},
    )
    .unwrap();
    assert!(offline.bad_rows.is_empty(), "{:?}", offline.bad_rows);
    assert_eq!(offline.issued.len(), 1);
    assert_eq!(offline.not_eligible.len(), 1);
    let offline_document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&offline.issued[0].file).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&out);

    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        published(&w).await;
        let p = &w.platform;
        p.import_results(&w.admin, "results.csv", results(csv), &mut |_| {})
            .await
            .unwrap();
        let online = p.issue(&w.wut, SPEC, None, &mut |_, _| {}).await.unwrap();
        assert_eq!(online.issued.len(), 1, "{backend}: {online:?}");
        let record = p
            .credential(&w.wut, &online.issued[0].credential)
            .await
            .unwrap();
        // Jan, named: not eligible on both paths, for the same reason.
        let jan = p
            .find_learners(&w.wut, Some("wut"), Some("301235"), None)
            .await
            .unwrap()
            .remove(0);
        let named = p
            .issue(&w.wut, SPEC, Some(vec![jan.id]), &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(
            named.not_eligible[0].reason, offline.not_eligible[0].reason,
            "{backend}"
        );
        assert_eq!(
            named.not_eligible[0].missing,
            ["tub:innovation-lab"],
            "{backend}"
        );

        assert_eq!(record.date_of_issuing, offline.issued[0].date_of_issuing);
        assert_eq!(record.date_of_issuing, "2026-06-26");
        let award = |d: &serde_json::Value| {
            serde_json::json!({
                "validFrom": d["validFrom"],
                "awardedDate": d["awardedDate"],
                "grade": d["credentialSubject"]["result"][0]["value"],
                "creditsEarned": d["credentialSubject"]["creditsEarned"],
                "issuerName": d["issuer"]["name"],
                "issuerCountry": d["issuer"]["address"],
                "name": d["credentialSubject"]["name"],
                // The awarding bodies (their DIDs differ: a did:key offline, did:web here).
                "signatures": d["proof"].as_array().map(Vec::len),
                "awardingBodies": d["credentialSubject"]["achievement"]["euMicroCredential"]["awardingBody"].as_array().map(Vec::len),
            })
        };
        assert_eq!(
            award(&record.document),
            award(&offline_document),
            "{backend}"
        );
        assert_eq!(
            record.document["credentialSubject"]["result"][0]["value"], "4.5",
            "{backend}: WUT's latest passed grade"
        );
    }
}

/// A second credential format plugs in as a module: here one defined by this test (the same
/// Open Badges credential with `eddsa-jcs-2022` proofs). Issuing stores one document per
/// format, each with the credential's status entries, and each verifies.
#[tokio::test]
async fn a_second_format_is_issued_beside_the_first() {
    use std::sync::Arc;

    use microcred_credentials::data_integrity::{
        Cryptosuite, ProofOptions, add_proof, proof_as_array,
    };
    use microcred_credentials::datetime::DateTime;
    use microcred_credentials::formats::{CredentialFormat, FormatError, OpenBadgesDataIntegrity};
    use microcred_credentials::key_file::IssuerKey;
    use microcred_credentials::open_badges::{AwardedMicroCredential, open_badge_credential};

    #[derive(Debug)]
    struct JcsForTests;

    impl CredentialFormat for JcsForTests {
        fn name(&self) -> &'static str {
            "test-jcs"
        }
        fn media_type(&self) -> &'static str {
            "application/vc+ld+json"
        }
        fn unsigned(
            &self,
            awarded: &AwardedMicroCredential<'_>,
        ) -> Result<serde_json::Value, FormatError> {
            Ok(open_badge_credential(awarded)?)
        }
        fn sign(
            &self,
            unsigned: &serde_json::Value,
            signers: &[IssuerKey],
            created: DateTime,
        ) -> Result<serde_json::Value, FormatError> {
            let mut signed = unsigned.clone();
            for key in signers {
                let options = ProofOptions::assertion(
                    Cryptosuite::EddsaJcs2022,
                    key.verification_method.clone(),
                    created.to_string(),
                );
                signed = add_proof(&signed, &key.key, &options)?;
            }
            proof_as_array(&mut signed);
            Ok(signed)
        }
    }

    for (backend, store) in testing::stores().await {
        let mut w = world(store).await;
        w.platform = w.platform.clone().with_formats(vec![
            Arc::new(OpenBadgesDataIntegrity::default()),
            Arc::new(JcsForTests),
        ]);
        published(&w).await;
        let p = &w.platform;
        let (wut, tub) = many_results(1);
        p.import_results(&w.wut, "wut.csv", results(&wut), &mut |_| {})
            .await
            .unwrap();
        p.import_results(&w.tub, "tub.csv", results(&tub), &mut |_| {})
            .await
            .unwrap();
        let outcome = p.issue(&w.wut, SPEC, None, &mut |_, _| {}).await.unwrap();
        assert_eq!(outcome.issued.len(), 1, "{backend}: {outcome:?}");
        let record = p
            .credential(&w.wut, &outcome.issued[0].credential)
            .await
            .unwrap();
        assert_eq!(record.format, "ob3-di", "{backend}");
        assert_eq!(record.alternatives.len(), 1, "{backend}");
        let second = &record.alternatives[0];
        assert_eq!(second.format, "test-jcs");
        assert_eq!(
            second.document["proof"][0]["cryptosuite"], "eddsa-jcs-2022",
            "{backend}"
        );
        assert_eq!(
            second.document["credentialStatus"], record.document["credentialStatus"],
            "{backend}: one credential, one status"
        );
        for document in [&record.document, &second.document] {
            let (report, _) = p.verify(document).await.unwrap();
            assert_eq!(report.verdict, Verdict::Valid, "{backend}: {report:?}");
        }
        // Revoking the credential revokes it in every format.
        p.revoke(&w.wut, &record.id, "issued in error")
            .await
            .unwrap();
        let (report, _) = p.verify(&second.document).await.unwrap();
        assert_eq!(report.verdict, Verdict::Revoked, "{backend}: {report:?}");
    }
}

/// Awarded by the learner's home university (ENHANCE §7.4 a, which other alliances may adopt):
/// each registrar issues to their own university's students, with their own key; a learner
/// with no student id at a delivering university is told why nothing is issued.
#[tokio::test]
async fn the_home_university_awards_its_own_students() {
    use microcred_model::vocabulary::AwardingRule;

    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let p = &w.platform;
        let mut spec = Checker::new(None)
            .unwrap()
            .load(&root().join(format!("examples/{SPEC}.toml")))
            .unwrap()
            .specification;
        spec.id = "home-awarded".parse().unwrap();
        // ENHANCE's own profile rejects this policy (§7.4); the EU standard does not.
        spec.profiles = vec!["eu-2022".into()];
        if let Some(awarding) = spec.awarding.as_mut() {
            awarding.rule = AwardingRule::HomeUniversity;
            awarding.tie_break = None;
        }
        p.create_specification(&w.teacher, spec).await.unwrap();
        p.submit(&w.teacher, "home-awarded", "").await.unwrap();
        p.decide(&w.board, "home-awarded", Decision::Approve, "")
            .await
            .unwrap();
        // Jan is a guest at WUT (a WUT student id too), enrolled at TU Berlin; Ana's home
        // university is not recorded.
        let csv = "learner,given_names,family_names,email,student_id,home_university,element,completed_on,overall_grade\n\
            zoe,Zoë,Kowalska,zoe@learner.example,301234,wut,wut:sustainable-business-models,2026-06-12,4.5\n\
            zoe,Zoë,Kowalska,zoe@learner.example,,,tub:innovation-lab,2026-06-20,\n\
            jan,Jan,Schmidt,jan@learner.example,g-9,,wut:sustainable-business-models,2026-06-12,4.0\n\
            jan,Jan,Schmidt,jan@learner.example,77001,tub,tub:innovation-lab,2026-06-22,1.3\n\
            ana,Ana,Silva,ana@learner.example,,,wut:sustainable-business-models,2026-06-12,\n\
            ana,Ana,Silva,ana@learner.example,,,tub:innovation-lab,2026-06-20,\n";
        p.import_results(&w.admin, "results.csv", results(csv), &mut |_| {})
            .await
            .unwrap();
        let by_wut = p
            .issue(&w.wut, "home-awarded", None, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(by_wut.issued_count, 1, "{backend}: {by_wut:?}");
        let reasons: Vec<&str> = by_wut
            .not_eligible
            .iter()
            .map(|n| n.reason.as_str())
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("home university `tub`: its registrar issues it")),
            "{backend}: {reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("no home university among")),
            "{backend}: {reasons:?}"
        );
        let zoe = p
            .credential(&w.wut, &by_wut.issued[0].credential)
            .await
            .unwrap();
        assert_eq!(zoe.issuer, "wut");
        assert_eq!(zoe.date_of_issuing, "2026-06-20");
        assert_eq!(
            zoe.document["credentialSubject"]["result"][0]["value"],
            "4.5"
        );
        let by_tub = p
            .issue(&w.tub, "home-awarded", None, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(by_tub.issued_count, 1, "{backend}: {by_tub:?}");
        let jan = p
            .credential(&w.tub, &by_tub.issued[0].credential)
            .await
            .unwrap();
        assert_eq!(jan.issuer, "tub");
        assert_eq!(
            jan.document["issuer"]["id"], "did:web:enhance.example:u:tub",
            "{backend}"
        );
        // TU Berlin's grade: the awarding university's scheme.
        assert_eq!(
            jan.document["credentialSubject"]["result"][0]["value"],
            "1.3"
        );
        let (report, _) = p.verify(&jan.document).await.unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{backend}: {report:?}");
    }
}

/// A stacked credential (ENHANCE §7.15): the certificate in sustainable entrepreneurship plus
/// one recognised external micro-credential. Progress, an external credential verified and
/// recorded, the stacked credential issued on the day its rule was met with evidence and
/// digests of its components and its trace, and a component revoked putting it up for review.
#[tokio::test]
async fn a_stacked_credential_is_awarded_for_its_components_and_reviewed_when_one_is_revoked() {
    use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
    use microcred_credentials::keys::SigningKey;
    use microcred_credentials::vc::{ComponentDocument, component_digest};

    let helsinki = SigningKey::generate().unwrap();
    let external_issuer = helsinki.public_key().did_key();
    let achievement = "https://helsinki.example/achievements/elements-of-ai";
    let external = |subject_name: &str| {
        let unsigned = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:6a0e2d4c-35a8-4e11-9d55-0f4d1b7e7c01",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Elements of AI",
            "issuer": { "id": external_issuer, "type": ["Profile"], "name": "University of Helsinki" },
            "validFrom": "2026-07-20T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [{ "type": "IdentityObject", "hashed": false,
                    "identityHash": "l0@learner.example", "identityType": "emailAddress" }],
                "name": subject_name,
                "achievement": {
                    "id": achievement, "type": ["Achievement"], "name": "Elements of AI",
                    "description": "An introduction to artificial intelligence.",
                    "criteria": { "narrative": "Pass the exercises." },
                    "creditsAvailable": 2
                }
            }
        });
        let options = ProofOptions::assertion(
            Cryptosuite::EddsaRdfc2022,
            helsinki.public_key().did_key_verification_method(),
            "2026-07-20T00:00:00Z",
        );
        add_proof(&unsigned, &helsinki, &options).unwrap()
    };
    const LABEL: &str = "enhance-label-data-literacy";
    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let p = &w.platform;
        published(&w).await;
        let mut label = Checker::new(None)
            .unwrap()
            .load(&root().join(format!("examples/{LABEL}.toml")))
            .unwrap()
            .specification;
        label.awarding =
            serde_json::from_value(serde_json::json!({ "rule": "lead-university", "lead": "wut" }))
                .unwrap();
        label.stacking = serde_json::from_value(serde_json::json!({
            "min_total_ects": 8,
            "valid_for": "P5Y",
            "pools": [
                { "id": "core", "components": [{ "specification": SPEC }] },
                { "id": "electives", "min_count": 1, "components": [
                    { "external": { "issuer": external_issuer, "achievement": achievement,
                      "title": { "en": "Elements of AI" }, "ects": 2 } } ] }
            ]
        }))
        .unwrap();
        p.create_specification(&w.teacher, label).await.unwrap();
        p.submit(&w.teacher, LABEL, "").await.unwrap();
        p.decide(&w.board, LABEL, Decision::Approve, "")
            .await
            .unwrap();

        // Zoë earns the certificate (its last result on 2026-06-20).
        let (wut, tub) = many_results(1);
        p.import_results(&w.wut, "wut.csv", results(&wut), &mut |_| {})
            .await
            .unwrap();
        p.import_results(&w.tub, "tub.csv", results(&tub), &mut |_| {})
            .await
            .unwrap();
        let component = p.issue(&w.wut, SPEC, None, &mut |_, _| {}).await.unwrap();
        let learner = component.issued[0].learner.clone();
        let component_id = component.issued[0].credential.clone();

        let progress = p.stacking_progress(&w.wut, &learner).await.unwrap();
        let label_progress = &progress[0].progress;
        assert!(!label_progress.satisfied(), "{backend}: {label_progress:?}");
        assert_eq!(label_progress.components_done(), (1, 2), "{backend}");
        let outcome = p.issue(&w.wut, LABEL, None, &mut |_, _| {}).await.unwrap();
        assert_eq!(outcome.issued_count, 0, "{backend}: {outcome:?}");
        assert!(
            outcome.not_eligible[0]
                .reason
                .contains("`electives`: 0 of the 1"),
            "{backend}: {outcome:?}"
        );
        // Nobody else records Zoë's credentials; a stranger's document is refused with why.
        assert!(matches!(
            p.record_external_credential(&w.tub, &learner, "{}").await,
            Err(PlatformError::Invalid { .. }) | Err(PlatformError::NotFound(_))
        ));
        let document = external("Zoë");
        let recorded = p
            .record_external_credential(&w.wut, &learner, &document.to_string())
            .await
            .unwrap();
        assert_eq!(
            recorded.verdict, "valid",
            "{backend}: {:?}",
            recorded.report
        );
        assert_eq!(recorded.recognised_for, [LABEL], "{backend}");
        // It completes the rule: the label is awarded at once, by the platform for WUT.
        assert_eq!(recorded.awarded.len(), 1, "{backend}: {recorded:?}");
        let stacked_id = recorded.awarded[0].credential.clone();
        // A changed copy is recorded as tampered and does not count.
        let mut changed = document.clone();
        changed["credentialSubject"]["achievement"]["creditsAvailable"] = 20.into();
        let tampered = p
            .record_external_credential(&w.wut, &learner, &changed.to_string())
            .await
            .unwrap();
        assert_eq!(tampered.verdict, "tampered", "{backend}");

        let progress = p.stacking_progress(&w.wut, &learner).await.unwrap();
        let label_progress = &progress[0].progress;
        assert_eq!(
            label_progress.satisfied_on,
            Some("2026-07-20".parse().unwrap()),
            "{backend}: {label_progress:?}"
        );
        assert_eq!(label_progress.counted_ects, 8.0, "{backend}");

        let outcome = p.issue(&w.wut, LABEL, None, &mut |_, _| {}).await.unwrap();
        assert_eq!(
            (outcome.issued_count, outcome.already_held_count),
            (0, 1),
            "{backend}: {outcome:?}"
        );
        let stacked = p.credential(&w.wut, &stacked_id).await.unwrap();
        assert_eq!(stacked.date_of_issuing, "2026-07-20", "{backend}");
        let evidence = stacked.document["evidence"].as_array().unwrap();
        assert_eq!(evidence.len(), 2, "{backend}");
        let related = stacked.document["relatedResource"].as_array().unwrap();
        let own = p.credential(&w.wut, &component_id).await.unwrap();
        assert_eq!(related[0]["id"], component_id.as_str());
        assert_eq!(
            related[0]["digestMultibase"],
            component_digest(&ComponentDocument::Json(&own.document)).as_str(),
            "{backend}"
        );
        assert_eq!(
            related[1]["digestMultibase"],
            component_digest(&ComponentDocument::Json(&document)).as_str(),
            "{backend}: the external component as received"
        );
        let (report, _) = p.verify(&stacked.document).await.unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{backend}: {report:?}");
        // Alone, it says what it rests on and that those were not checked here.
        let components = report.check("components").unwrap();
        assert!(
            components.detail.contains("2 component(s)")
                && components.detail.contains("Elements of AI"),
            "{backend}: {}",
            components.detail
        );
        let trace = p.stacked_award(&w.wut, &stacked_id).await.unwrap();
        assert_eq!(trace.components.len(), 2, "{backend}");
        assert_eq!(trace.trace["satisfied_on"], "2026-07-20", "{backend}");
        assert_eq!(trace.review, None);

        // The learner's bundle: the label and its two components in one presentation, which a
        // verifier with the trust list and the status lists checks whole; a changed component
        // is found out by its digest.
        let bundle = p.bundle(&w.wut, &stacked_id).await.unwrap();
        assert_eq!(bundle["verifiableCredential"].as_array().unwrap().len(), 3);
        let dir =
            std::env::temp_dir().join(format!("microcred-bundle-{backend}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut trust = serde_json::to_value(p.trust_list().await.unwrap()).unwrap();
        trust["issuers"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "id": external_issuer, "name": "University of Helsinki"
            }));
        std::fs::write(dir.join("trust.json"), trust.to_string()).unwrap();
        let mut lists = Vec::new();
        for credential in bundle["verifiableCredential"].as_array().unwrap() {
            for entry in credential["credentialStatus"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let url = entry["statusListCredential"].as_str().unwrap();
                let path = dir.join(format!("list-{}.json", lists.len()));
                let list = p
                    .status_list(url.rsplit('/').next().unwrap())
                    .await
                    .unwrap();
                std::fs::write(&path, list.to_string()).unwrap();
                lists.push(path);
            }
        }
        let verifier =
            microcred_app::verify::Verifier::new(Some(&dir.join("trust.json")), &lists).unwrap();
        let now = microcred_credentials::datetime::DateTime::now();
        let checked =
            microcred_app::bundle::verify_bundle(&bundle, |c| verifier.verify(c, now)).unwrap();
        assert!(checked.verified, "{backend}: {checked:?}");
        assert_eq!(checked.components.len(), 2, "{backend}");
        let mut swapped = bundle.clone();
        swapped["verifiableCredential"][2]["credentialSubject"]["name"] = "Someone Else".into();
        let checked =
            microcred_app::bundle::verify_bundle(&swapped, |c| verifier.verify(c, now)).unwrap();
        assert!(
            !checked.verified && !checked.components[1].present,
            "{backend}"
        );
        std::fs::remove_dir_all(&dir).ok();

        // Revoking the component puts the stacked credential up for review; keeping it ends it.
        assert!(p.stacked_in_review(&w.wut).await.unwrap().is_empty());
        p.revoke(&w.wut, &component_id, "issued in error")
            .await
            .unwrap();
        let review = p.stacked_in_review(&w.wut).await.unwrap();
        assert_eq!(review.len(), 1, "{backend}");
        assert_eq!(review[0].credential, stacked_id);
        assert!(
            review[0].review.as_deref().unwrap().contains("revoked"),
            "{backend}"
        );
        assert!(
            p.stacked_in_review(&w.tub).await.unwrap().is_empty(),
            "{backend}"
        );
        let progress = p.stacking_progress(&w.wut, &learner).await.unwrap();
        assert!(
            !progress[0].progress.satisfied(),
            "{backend}: a revoked component stops counting"
        );
        p.keep_stacked(&w.wut, &stacked_id, "the board recognised a replacement")
            .await
            .unwrap();
        assert!(
            p.stacked_in_review(&w.wut).await.unwrap().is_empty(),
            "{backend}"
        );
    }
}

/// An external component's status list is fetched from where the stacked rule says its issuer
/// publishes them (here a loopback server): a revoked one is recorded as revoked and does not
/// count, one not revoked verifies.
#[tokio::test]
async fn an_external_component_s_status_is_fetched_from_where_its_rule_allows() {
    use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
    use microcred_credentials::datetime::DateTime;
    use microcred_credentials::keys::SigningKey;
    use microcred_credentials::status_list::{
        Bitstring, StatusPurpose, status_entry, status_list_credential,
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let issuer_key = SigningKey::generate().unwrap();
    let issuer = issuer_key.public_key().did_key();
    let method = issuer_key.public_key().did_key_verification_method();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let prefix = format!("http://{}/status/", listener.local_addr().unwrap());
    let list_url = format!("{prefix}1");
    let mut bits = Bitstring::new(131_072);
    bits.set(5, true).unwrap();
    let list = status_list_credential(
        &list_url,
        &issuer,
        StatusPurpose::Revocation,
        &bits,
        DateTime::now(),
    );
    let options =
        |day: &str| ProofOptions::assertion(Cryptosuite::EddsaRdfc2022, method.clone(), day);
    let signed_list = add_proof(&list, &issuer_key, &options("2026-07-01T00:00:00Z"))
        .unwrap()
        .to_string();
    // A server that answers every request with the status list, as a publisher would.
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = signed_list.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    let achievement = "https://other.example/achievements/ethics";
    let credential = |index: usize| {
        let unsigned = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:6a0e2d4c-35a8-4e11-9d55-0f4d1b7e7c{index:02}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Data ethics",
            "issuer": { "id": issuer, "type": ["Profile"], "name": "Other University" },
            "validFrom": "2026-07-20T00:00:00Z",
            "credentialStatus": status_entry(&list_url, index, StatusPurpose::Revocation),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [{ "type": "IdentityObject", "hashed": false,
                    "identityHash": "l0@learner.example", "identityType": "emailAddress" }],
                "achievement": { "id": achievement, "type": ["Achievement"], "name": "Data ethics",
                    "description": "Ethics of data.", "criteria": { "narrative": "Pass." } }
            }
        });
        add_proof(&unsigned, &issuer_key, &options("2026-07-20T00:00:00Z")).unwrap()
    };

    for (backend, store) in testing::stores().await {
        let w = world(store).await;
        let p = &w.platform;
        let mut label = Checker::new(None)
            .unwrap()
            .load(&root().join("examples/enhance-label-data-literacy.toml"))
            .unwrap()
            .specification;
        label.awarding =
            serde_json::from_value(serde_json::json!({ "rule": "lead-university", "lead": "wut" }))
                .unwrap();
        label.stacking = serde_json::from_value(serde_json::json!({
            "pools": [{ "id": "all", "components": [
                { "external": { "issuer": issuer, "achievement": achievement,
                  "title": { "en": "Data ethics" }, "status_lists": [prefix] } } ] }]
        }))
        .unwrap();
        p.create_specification(&w.teacher, label).await.unwrap();
        p.submit(&w.teacher, "enhance-label-data-literacy", "")
            .await
            .unwrap();
        p.decide(
            &w.board,
            "enhance-label-data-literacy",
            Decision::Approve,
            "",
        )
        .await
        .unwrap();
        let (wut, _) = many_results(1);
        p.import_results(&w.wut, "wut.csv", results(&wut), &mut |_| {})
            .await
            .unwrap();
        let learner = p
            .find_learners(&w.wut, None, None, Some("l0@learner.example"))
            .await
            .unwrap()[0]
            .id
            .clone();

        let revoked = p
            .record_external_credential(&w.wut, &learner, &credential(5).to_string())
            .await
            .unwrap();
        assert_eq!(
            revoked.verdict, "revoked",
            "{backend}: {:?}",
            revoked.report
        );
        assert!(revoked.awarded.is_empty(), "{backend}");
        let progress = p.stacking_progress(&w.wut, &learner).await.unwrap();
        assert!(!progress[0].progress.satisfied(), "{backend}");

        let valid = p
            .record_external_credential(&w.wut, &learner, &credential(6).to_string())
            .await
            .unwrap();
        assert_eq!(valid.verdict, "valid", "{backend}: {:?}", valid.report);
        let status = valid.report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "status")
            .unwrap()
            .clone();
        assert_eq!(status["status"], "ok", "{backend}: {status}");
        assert_eq!(
            valid.awarded.len(),
            1,
            "{backend}: the label, awarded at once"
        );
    }
}

/// With WUT's grading scheme registered (Polish, 2.0–5.0), results are recorded in it: `4,5` is
/// stored as `4.5`; a grade that is none of the scheme's, or a passed row's failing grade, is
/// refused at its row and column; a failed row may carry the failing grade. TU Berlin, which
/// registered none, keeps its grades as written.
#[tokio::test]
async fn results_are_recorded_in_the_universitys_grading_scheme() {
    let w = world(testing::sqlite().await).await;
    let scheme =
        serde_json::to_value(microcred_model::grading::GradingScheme::preset("pl").unwrap())
            .unwrap();
    w.platform
        .set_grading_scheme(&w.wut, "wut", "wut-grades", &scheme)
        .await
        .unwrap();
    // TU Berlin's registrar may not set WUT's scheme.
    assert!(matches!(
        w.platform
            .set_grading_scheme(&w.tub, "wut", "wut-grades", &scheme)
            .await,
        Err(PlatformError::Forbidden(_))
    ));
    let csv = "learner,given_names,family_names,student_id,element,completed_on,result,overall_grade\n\
        s1,Zoë,Nowak,301234,wut:sustainable-business-models,2026-06-12,passed,\"4,5\"\n\
        s2,Jan,Kowalski,301235,wut:sustainable-business-models,2026-06-12,passed,2.5\n\
        s3,Ola,Wiśniewska,301236,wut:sustainable-business-models,2026-06-12,passed,2.0\n\
        s3,Ola,Wiśniewska,301236,wut:sustainable-business-models,2026-06-01,failed,2.0\n";
    let report = w
        .platform
        .import_results(&w.wut, "results.csv", results(csv), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.rows_stored, 2, "{:?}", report.problems);
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2);
    assert!(
        problems[0].starts_with(
            "row 3, column `overall_grade`: `2.5` is not a grade of Polish scale 2.0–5.0"
        ),
        "{problems:?}"
    );
    assert_eq!(
        problems[1],
        "row 4, column `overall_grade`: the row says passed, but `2.0` does not pass in Polish scale 2.0–5.0 (its lowest pass is 3.0)"
    );
    let zoe = w
        .platform
        .find_learners(&w.wut, Some("wut"), Some("301234"), None)
        .await
        .unwrap();
    let recorded = w
        .platform
        .learner_results(&w.wut, &zoe[0].id)
        .await
        .unwrap();
    assert_eq!(recorded[0].overall_grade.as_deref(), Some("4.5"));
    let tub = "learner,given_names,family_names,student_id,element,completed_on,overall_grade\n\
        t1,Zoë,Nowak,T-1,tub:innovation-lab,2026-06-26,\"1,3\"\n";
    let report = w
        .platform
        .import_results(&w.tub, "results.csv", results(tub), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.rows_stored, 1, "{:?}", report.problems);
}
