//! The repositories on both databases: what is stored comes back, unique keys hold under
//! concurrent writers, workflow transitions happen once, results are replaced not duplicated.
//!
//! PostgreSQL runs when `MICROCRED_TEST_POSTGRES` names a server (required under `CI=true`).

use microcred_model::CredentialState;
use microcred_model::ReviewState;
use microcred_model::{Grant, Role};
use microcred_model::{Learner, Specification, StudentId, University, UniversityId};
use microcred_store::accounts::{self, Account, TokenKind};
use microcred_store::credentials::{self, CredentialDocument, CredentialRecord};
use microcred_store::results::{self, ResultRecord};
use microcred_store::specifications::{self};
use microcred_store::{Store, StoreError, audit, learners, new_id, status, testing, universities};

fn university(id: &str) -> University {
    serde_json::from_value(serde_json::json!({
        "id": id, "legal_name": { "en": format!("University {id}") }, "country": "PL"
    }))
    .unwrap()
}

fn learner(given: &str, student: Option<(&str, &str)>) -> Learner {
    Learner {
        given_names: given.into(),
        family_names: "Łukasiewicz-Παπαδοπούλου".into(),
        date_of_birth: None,
        nationality: Vec::new(),
        student_ids: student
            .map(|(u, v)| StudentId {
                university: UniversityId::new(u).unwrap(),
                value: v.into(),
            })
            .into_iter()
            .collect(),
        email: Some(format!("{given}@example.eu")),
        home_university: None,
    }
}

fn credential(id: &str, learner: &str) -> CredentialRecord {
    CredentialRecord {
        id: id.into(),
        specification_id: "spec".into(),
        version: 1,
        learner_id: learner.into(),
        issuer: "wut".into(),
        state: CredentialState::Active,
        current: true,
        format: "ob3-di".into(),
        document: serde_json::json!({ "id": id }),
        alternatives: Vec::new(),
        date_of_issuing: "2026-06-26".into(),
        issued_at: 1,
        replaces: None,
        reason: String::new(),
        changed_at: 1,
        grade: None,
    }
}

#[tokio::test]
async fn universities_accounts_and_tokens_round_trip() {
    for (backend, store) in testing::stores().await {
        let mut c = store.connection().await.unwrap();
        universities::insert(&mut c, &university("wut"), "did:web:a.eu:u:wut")
            .await
            .unwrap();
        let again = universities::insert(&mut c, &university("wut"), "did:web:a.eu:u:wut").await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{backend}");
        let got = universities::get(&mut c, "wut").await.unwrap().unwrap();
        assert_eq!(got.university.id.as_str(), "wut", "{backend}");

        let account = Account {
            id: new_id(),
            email: "Registrar@WUT.example".into(),
            name: "Registrar".into(),
            password_hash: Some("hash".into()),
            learner_id: None,
            disabled: false,
            grants: vec![Grant {
                role: Role::Registrar,
                university: Some("wut".into()),
            }],
        };
        accounts::insert(&mut c, &account).await.unwrap();
        let found = accounts::by_email(&mut c, "registrar@wut.example")
            .await
            .unwrap()
            .unwrap();
        assert!(
            found.has_for(Role::Registrar, "wut") && !found.has_for(Role::Registrar, "tub"),
            "{backend}"
        );
        accounts::insert_token(&mut c, "h1", &account.id, TokenKind::Api, "ci", None)
            .await
            .unwrap();
        assert!(
            accounts::account_for_token(&mut c, "h1")
                .await
                .unwrap()
                .is_some(),
            "{backend}"
        );
        accounts::revoke_token(&mut c, "h1").await.unwrap();
        assert!(
            accounts::account_for_token(&mut c, "h1")
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        accounts::insert_token(&mut c, "h2", &account.id, TokenKind::Session, "", Some(1))
            .await
            .unwrap();
        assert!(
            accounts::account_for_token(&mut c, "h2")
                .await
                .unwrap()
                .is_none(),
            "expired, {backend}"
        );
    }
}

#[tokio::test]
async fn a_version_moves_through_the_workflow_once() {
    for (backend, store) in testing::stores().await {
        let mut c = store.connection().await.unwrap();
        let spec: Specification =
            serde_json::from_value(serde_json::json!({ "id": "spec" })).unwrap();
        specifications::create(&mut c, &spec, "teacher")
            .await
            .unwrap();
        assert!(matches!(
            specifications::create(&mut c, &spec, "t").await,
            Err(StoreError::Conflict(_))
        ));
        specifications::transition(
            &mut c,
            "spec",
            1,
            &[ReviewState::Draft],
            ReviewState::Submitted,
            None,
            "t",
        )
        .await
        .unwrap();
        let twice = specifications::transition(
            &mut c,
            "spec",
            1,
            &[ReviewState::Draft],
            ReviewState::Submitted,
            None,
            "t",
        )
        .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{backend}");
        assert!(
            specifications::update_draft(&mut c, "spec", 1, &spec, "t")
                .await
                .is_err(),
            "{backend}"
        );
        specifications::transition(
            &mut c,
            "spec",
            1,
            &[ReviewState::Submitted],
            ReviewState::Published,
            None,
            "b",
        )
        .await
        .unwrap();
        let next = specifications::new_version(&mut c, &spec, "t")
            .await
            .unwrap();
        assert_eq!(
            (next.version, next.state),
            (2, ReviewState::Draft),
            "{backend}"
        );
        assert_eq!(
            specifications::catalogue(&mut c).await.unwrap()[0].version,
            1,
            "{backend}"
        );
        assert_eq!(
            specifications::published(&mut c, "spec")
                .await
                .unwrap()
                .unwrap()
                .version,
            1
        );
        assert_eq!(
            specifications::versions(&mut c, "spec")
                .await
                .unwrap()
                .len(),
            2
        );
    }
}

#[tokio::test]
async fn results_are_replaced_not_duplicated_and_eligibility_is_one_query() {
    for (backend, store) in testing::stores().await {
        let mut c = store.connection().await.unwrap();
        for (id, name) in [("l1", "Zoë"), ("l2", "Jan")] {
            learners::insert(&mut c, id, &learner(name, None))
                .await
                .unwrap();
        }
        let result = |learner: &str, element: &str, passed: bool| ResultRecord {
            learner_id: learner.into(),
            element_id: element.into(),
            completed_on: "2026-06-12".into(),
            passed,
            grade: Some("4.0".into()),
            overall_grade: None,
            import_id: None,
            recorded_by: "registrar".into(),
        };
        let batch = vec![
            result("l1", "a", true),
            result("l1", "b", true),
            result("l2", "a", true),
            result("l2", "b", false),
        ];
        results::upsert(&mut c, &batch).await.unwrap();
        results::upsert(&mut c, &batch).await.unwrap();
        assert_eq!(
            results::of_learner(&mut c, "l1").await.unwrap().len(),
            2,
            "{backend}"
        );
        let elements = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            results::learners_who_passed_all(&mut c, &elements, "", 10)
                .await
                .unwrap(),
            ["l1"]
        );
        results::upsert(&mut c, &[result("l2", "b", true)])
            .await
            .unwrap();
        assert_eq!(
            results::learners_who_passed_all(&mut c, &elements, "", 10)
                .await
                .unwrap(),
            ["l1", "l2"]
        );
        assert_eq!(
            results::learners_who_passed_all(&mut c, &elements, "l1", 10)
                .await
                .unwrap(),
            ["l2"]
        );
    }
}

#[tokio::test]
async fn learners_are_found_by_student_id_and_merged_explicitly() {
    for (backend, store) in testing::stores().await {
        let mut c = store.connection().await.unwrap();
        learners::insert(&mut c, "a", &learner("Zoë", Some(("wut", "301234"))))
            .await
            .unwrap();
        learners::insert(&mut c, "b", &learner("Zoe", Some(("tub", "77"))))
            .await
            .unwrap();
        let taken = learners::insert(&mut c, "c", &learner("Other", Some(("wut", "301234")))).await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))), "{backend}");
        assert_eq!(
            learners::by_student_id(&mut c, "tub", "77")
                .await
                .unwrap()
                .unwrap()
                .id,
            "b"
        );
        let merged = learners::merge(&mut c, "a", "b").await.unwrap();
        assert_eq!(merged.learner.student_ids.len(), 2, "{backend}");
        assert_eq!(
            learners::by_student_id(&mut c, "tub", "77")
                .await
                .unwrap()
                .unwrap()
                .id,
            "a"
        );
        assert_eq!(
            learners::get(&mut c, "b").await.unwrap().unwrap().id,
            "a",
            "{backend}"
        );
    }
}

#[tokio::test]
async fn one_current_credential_even_when_issued_concurrently() {
    for (backend, store) in testing::stores().await {
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let outcome =
                    credentials::insert(&mut tx, &credential(&format!("urn:uuid:{i}"), "l1")).await;
                tx.commit().await.unwrap();
                outcome
            }));
        }
        let mut stored = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => stored += 1,
                Err(e) => assert!(e.is_conflict(), "{backend}: {e}"),
            }
        }
        assert_eq!(stored, 1, "{backend}");
        let mut c = store.connection().await.unwrap();
        let current = credentials::current(&mut c, "spec", "l1")
            .await
            .unwrap()
            .unwrap();
        credentials::set_state(
            &mut c,
            &current.id,
            &[CredentialState::Active],
            CredentialState::Revoked,
            "error",
        )
        .await
        .unwrap();
        let again = credentials::set_state(
            &mut c,
            &current.id,
            &[CredentialState::Active],
            CredentialState::Revoked,
            "x",
        )
        .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{backend}");
        credentials::retire_for_correction(&mut c, &current.id, "corrected")
            .await
            .unwrap();
        // A credential issued in two formats keeps one document per format.
        let mut two = credential("urn:uuid:new", "l1");
        two.alternatives = vec![CredentialDocument {
            format: "test-jcs".into(),
            document: serde_json::json!({ "id": "urn:uuid:new", "other": true }),
        }];
        credentials::insert(&mut c, &two).await.unwrap();
        assert_eq!(
            credentials::holders(&mut c, "spec", &["l1".into(), "l2".into()])
                .await
                .unwrap(),
            ["l1"]
        );
        let read = credentials::get(&mut c, "urn:uuid:new").await.unwrap();
        assert_eq!(read.as_ref(), Some(&two), "{backend}");
        // Lists carry the first format's document only.
        let listed = credentials::list(
            &mut c,
            &credentials::Filter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let listed = listed.iter().find(|r| r.id == "urn:uuid:new").unwrap();
        assert!(listed.alternatives.is_empty(), "{backend}");
        assert_eq!(listed.format, "ob3-di");
    }
}

#[tokio::test]
async fn logos_keep_their_bytes_and_are_replaced() {
    for (backend, store) in testing::stores().await {
        let mut c = store.connection().await.unwrap();
        let mut logo = universities::StoredImage {
            owner: "wut".into(),
            media_type: "image/png".into(),
            image: vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 13, 10],
            width: 64,
            height: 32,
            updated_at: 1,
        };
        universities::set_image(&mut c, universities::ImageKind::Logo, &logo)
            .await
            .unwrap();
        assert_eq!(
            universities::image(&mut c, universities::ImageKind::Logo, "wut")
                .await
                .unwrap()
                .as_ref(),
            Some(&logo),
            "{backend}"
        );
        logo.image = vec![0xff, 0xd8, 0xff, 0];
        logo.media_type = "image/jpeg".into();
        universities::set_image(&mut c, universities::ImageKind::Logo, &logo)
            .await
            .unwrap();
        assert_eq!(
            universities::image(&mut c, universities::ImageKind::Logo, "wut")
                .await
                .unwrap()
                .unwrap()
                .image,
            logo.image,
            "{backend}"
        );
        assert_eq!(
            universities::owners_with_logos(&mut c).await.unwrap(),
            ["wut"]
        );
        assert!(
            universities::image(&mut c, universities::ImageKind::Logo, "tub")
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn status_entries_are_allocated_once_and_changes_are_audited() {
    for (backend, store) in testing::stores().await {
        let mut c = store.connection().await.unwrap();
        let list = status::StatusListRecord {
            id: "wut-revocation-1".into(),
            owner: "wut".into(),
            purpose: "revocation".into(),
            url: "https://a.eu/status/wut-revocation-1".into(),
            bits: "u…".into(),
            used: 0,
            allocated: "u…".into(),
            signed: None,
        };
        status::insert(&mut c, &list).await.unwrap();
        status::allocate(
            &mut c,
            &list.id,
            &[(5, "urn:uuid:1".into()), (9, "urn:uuid:2".into())],
            "u-five-and-nine",
        )
        .await
        .unwrap();
        let taken =
            status::allocate(&mut c, &list.id, &[(5, "urn:uuid:3".into())], "u-again").await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))), "{backend}");
        let stored = status::get(&mut c, &list.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.used, stored.allocated.as_str()),
            (2, "u-five-and-nine")
        );
        assert_eq!(
            status::with_room(&mut c, "wut", "revocation", 3)
                .await
                .unwrap()
                .unwrap()
                .used,
            2
        );
        assert!(
            status::with_room(&mut c, "wut", "revocation", 2)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            status::entries_of(&mut c, "urn:uuid:2").await.unwrap()[0].1,
            9
        );

        audit::append(
            &mut c,
            "registrar",
            "credential.revoked",
            "credential:urn:uuid:1",
            &serde_json::json!({"reason": "error"}),
        )
        .await
        .unwrap();
        audit::append(
            &mut c,
            "registrar",
            "credential.issued",
            "credential:urn:uuid:2",
            &serde_json::json!({}),
        )
        .await
        .unwrap();
        let log = audit::list(&mut c, None, 10).await.unwrap();
        assert_eq!(
            log[0].action, "credential.issued",
            "{backend}: newest first"
        );
        assert_eq!(
            audit::list(&mut c, Some("credential:urn:uuid:1"), 10)
                .await
                .unwrap()[0]
                .details["reason"],
            "error"
        );
    }
}

#[tokio::test]
async fn migrations_are_applied_once() {
    let store = testing::sqlite().await;
    drop(store);
    if let Some(url) = testing::postgres_url().await {
        let first = Store::connect(&url).await.unwrap();
        let second = Store::connect(&url).await.unwrap();
        first.close().await;
        second.close().await;
    }
}

/// A connection released while still inside a transaction (its rollback failed: the database
/// was read-only or busy for a moment) is closed, not pooled: every later transaction starts.
#[tokio::test]
async fn a_connection_left_inside_a_transaction_is_not_pooled_again() {
    use sqlx::Connection as _;
    for (backend, store) in testing::stores().await {
        {
            let mut c = store.connection().await.unwrap();
            let stuck = c.begin().await.unwrap();
            // As if its rollback had failed: the transaction is never ended.
            std::mem::forget(stuck);
            assert!(c.is_in_transaction(), "{backend}");
        }
        // More transactions, one after another, than the pool holds connections.
        for n in 0..20 {
            let tx = store
                .begin()
                .await
                .unwrap_or_else(|e| panic!("{backend}: transaction {n}: {e}"));
            microcred_store::commit(tx).await.unwrap();
        }
    }
}

/// Migration 7 keeps what was stored before it: a key without an algorithm is an Ed25519 key,
/// a credential without a format is the Open Badges document it always was, unchanged.
#[tokio::test]
async fn credentials_and_keys_stored_before_formats_read_the_same_after() {
    for (backend, store) in testing::stores_at(6).await {
        let mut c = store.connection().await.unwrap();
        let document = serde_json::json!({ "id": "urn:uuid:old", "proof": [{ "cryptosuite": "eddsa-rdfc-2022" }] });
        sqlx::query(
            "INSERT INTO signing_keys (id, owner, did, public_key, sealed_secret, created_at) VALUES ('did:web:a.eu:u:wut#key-1', 'wut', 'did:web:a.eu:u:wut', 'z6Mk', '{}', 1)",
        )
        .execute(&mut *c)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO credentials (id, specification_id, version, learner_id, issuer, state, is_current, document, date_of_issuing, issued_at, reason, changed_at) VALUES ('urn:uuid:old', 'spec', 1, 'l1', 'wut', 'active', 1, $1, '2026-06-26', 1, '', 1)",
        )
        .bind(document.to_string())
        .execute(&mut *c)
        .await
        .unwrap();
        drop(c);
        testing::migrate(&store).await;
        let mut c = store.connection().await.unwrap();
        let old = credentials::get(&mut c, "urn:uuid:old")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(old.format, "ob3-di", "{backend}");
        assert_eq!(
            old.document, document,
            "{backend}: the signed bytes are untouched"
        );
        assert!(old.alternatives.is_empty());
        let key = microcred_store::keys::active(&mut c, "wut")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (key.algorithm.as_str(), key.certificate_chain),
            ("Ed25519", None),
            "{backend}"
        );
    }
}
