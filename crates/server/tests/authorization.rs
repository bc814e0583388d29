//! The authorization matrix: every endpoint of the API and every page, asked by every kind of
//! caller, about a record of their own university, of another, or of none, and about a record
//! that does not exist; the answer each gets is written in `src/access.toml`. A route without an
//! entry there fails this test, as does an entry without a route. Run on SQLite and, when
//! `MICROCRED_TEST_POSTGRES` names a server, on PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Request, header};
use serde::Deserialize;
use serde_json::{Value, json};
use tower::ServiceExt;

use microcred_app::Checker;
use microcred_app::platform::auth::NewAccount;
use microcred_app::platform::issuance::CredentialQuery;
use microcred_app::platform::{Config, Platform};
use microcred_model::CredentialState;
use microcred_model::{Grant, Role};
use microcred_store::accounts::Account;
use microcred_store::testing;

const PASSWORD: &str = microcred_app::platform::demo::PASSWORD;
const PUBLISHED: &str = "enhance-certificate-sustainable-entrepreneurship";
const CALLERS: [&str; 12] = [
    "anon",
    "norole",
    "learner",
    "learner-other",
    "teacher",
    "teacher-other",
    "registrar",
    "registrar-other",
    "jury",
    "task-group",
    "board",
    "admin",
];
const LOGO: &[u8] = include_bytes!("../../app/src/platform/demo-logos/wut.png");

#[derive(Deserialize)]
struct Matrix {
    route: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    route: String,
    #[serde(default)]
    ids: BTreeMap<String, String>,
    body: Option<String>,
    query: Option<String>,
    #[serde(default)]
    fresh_session: bool,
    own: Option<String>,
    all: Option<String>,
    missing: Option<String>,
    missing_all: Option<String>,
}

fn answers(line: &Option<String>, all: &Option<String>, route: &str, what: &str) -> Vec<String> {
    match (line, all) {
        (Some(line), None) => {
            let codes: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            assert_eq!(
                codes.len(),
                CALLERS.len(),
                "{route}: `{what}` needs one answer per caller"
            );
            codes
        }
        (None, Some(code)) => vec![code.clone(); CALLERS.len()],
        _ => panic!("{route}: give `{what}` or its `_all` form, not both or neither"),
    }
}

/// What the platform holds for the matrix: the demo alliance, plus accounts for the callers the
/// demo lacks, and the records the routes are asked about.
struct World {
    platform: Platform,
    tokens: BTreeMap<&'static str, Option<String>>,
    emails: BTreeMap<&'static str, &'static str>,
    records: BTreeMap<&'static str, String>,
    documents: BTreeMap<&'static str, Value>,
}

async fn account(platform: &Platform, admin: &Account, email: &str, grants: Vec<Grant>) {
    platform
        .create_account(
            Some(admin),
            NewAccount {
                email: email.into(),
                name: email.into(),
                password: Some(PASSWORD.into()),
                grants,
                learner_id: None,
            },
        )
        .await
        .unwrap();
}

fn grant(role: Role, university: Option<&str>) -> Vec<Grant> {
    vec![Grant {
        role,
        university: university.map(str::to_owned),
    }]
}

async fn world(store: microcred_store::Store) -> World {
    let platform = Platform::new(
        store,
        Config {
            public_url: "http://matrix.example".into(),
            key_encryption_key: [7; 32],
            suspension: true,
            sign_in: Default::default(),
        },
        Checker::new(None).unwrap(),
    )
    .with_formats(microcred_app::edc::issuing_formats(
        true,
        Some("http://matrix.example/verify".into()),
    ));
    platform.demo().await.unwrap();
    let admin = platform
        .account_by_email("admin@enhance.example")
        .await
        .unwrap();
    let wut = platform
        .account_by_email("registrar@wut.example")
        .await
        .unwrap();
    account(
        &platform,
        &admin,
        "teacher@rwth.example",
        grant(Role::Teacher, Some("rwth")),
    )
    .await;
    account(&platform, &admin, "nobody@enhance.example", Vec::new()).await;
    let learner_id = |email: &'static str| {
        let platform = platform.clone();
        let admin = admin.clone();
        async move {
            platform
                .find_learners(&admin, None, None, Some(email))
                .await
                .unwrap()[0]
                .id
                .clone()
        }
    };
    let jan = learner_id("jan@learner.example").await;
    platform
        .learner_account(&admin, &jan, "jan@learner.example", Some(PASSWORD.into()))
        .await
        .unwrap();
    let zoe = learner_id("zoe@learner.example").await;
    let lena = learner_id("lena@learner.example").await;

    // Two records of one person, known at WUT only.
    let rows = "learner,given_names,family_names,element,completed_on,student_id,email\n\
                a,Ana,Matrix,wut:sustainable-business-models,2026-06-10,990001,ana.a@matrix.example\n\
                b,Ana,Matrix,wut:sustainable-business-models,2026-06-11,990002,ana.b@matrix.example\n";
    let reader = microcred_app::results::ResultsReader::new("merge.csv", rows.as_bytes()).unwrap();
    platform
        .import_results(&wut, "merge.csv", reader, &mut |_| {})
        .await
        .unwrap();
    let student = |id: &'static str| {
        let platform = platform.clone();
        let admin = admin.clone();
        async move {
            platform
                .find_learners(&admin, Some("wut"), Some(id), None)
                .await
                .unwrap()[0]
                .id
                .clone()
        }
    };
    let merge_keep = student("990001").await;
    let merge_other = student("990002").await;

    let specifications = platform.specifications(&admin).await.unwrap();
    let in_state = |state: &str| {
        specifications
            .iter()
            .find(|v| v.state.name() == state)
            .unwrap_or_else(|| panic!("the demo has a {state} specification"))
            .clone()
    };
    let draft = in_state("draft");
    let submitted = in_state("submitted");

    let credentials = platform
        .credentials(
            &admin,
            CredentialQuery {
                specification: Some(PUBLISHED.into()),
                limit: 1000,
                ..CredentialQuery::default()
            },
        )
        .await
        .unwrap();
    let zoes = credentials
        .iter()
        .find(|c| c.learner_id == zoe)
        .unwrap()
        .clone();
    let active: Vec<String> = credentials
        .iter()
        .filter(|c| {
            c.state == CredentialState::Active && c.learner_id != zoe && c.learner_id != jan
        })
        .map(|c| c.id.clone())
        .collect();
    assert!(active.len() >= 4, "the demo issues enough credentials");
    let suspended = credentials
        .iter()
        .find(|c| c.state == CredentialState::Suspended)
        .unwrap()
        .id
        .clone();
    let status_list = zoes.document["credentialStatus"]
        .as_array()
        .and_then(|s| s.first())
        .or(zoes.document.get("credentialStatus"))
        .and_then(|s| s["statusListCredential"].as_str())
        .and_then(|url| url.rsplit('/').next())
        .unwrap()
        .to_owned();

    let signatory = platform.signatories("wut").await.unwrap()[0].id.clone();
    let retire = platform
        .add_signatory(&admin, "wut", "Dr. Api", "Dean")
        .await
        .unwrap()
        .id;
    let retire_page = platform
        .add_signatory(&admin, "wut", "Dr. Page", "Dean")
        .await
        .unwrap()
        .id;
    let run = platform.issue_in_background(&wut, PUBLISHED).await.unwrap();
    let held = platform
        .hold_results_file(&wut, "held.csv", rows.as_bytes())
        .await
        .unwrap();
    let element = platform.course_elements(Some("wut")).await.unwrap()[0].clone();
    let university = platform.university("wut").await.unwrap().university;
    let template = platform.certificate_template().await.unwrap();
    let invitation_token = |link: String| link.rsplit('/').next().unwrap().to_owned();
    let invitation = invitation_token(platform.invite_learner(&wut, &zoe).await.unwrap().link);
    let invitation_page = invitation_token(platform.invite_learner(&wut, &zoe).await.unwrap().link);

    let mut records = BTreeMap::new();
    for (name, value) in [
        ("university", "wut".to_owned()),
        ("element", element.id.to_string()),
        ("published", PUBLISHED.to_owned()),
        ("draft", draft.specification_id.clone()),
        ("submitted", submitted.specification_id.clone()),
        ("version", "1".to_owned()),
        ("version_v", "v1".to_owned()),
        ("learner", zoe.clone()),
        ("learner_unbound", lena),
        ("merge_keep", merge_keep),
        ("merge_other", merge_other),
        ("credential", zoes.id.clone()),
        ("revocable", active[0].clone()),
        ("suspendable", active[1].clone()),
        ("correctable", active[2].clone()),
        ("page_suspendable", active[3].clone()),
        ("reinstatable", suspended),
        ("status_list", status_list),
        ("signatory", signatory),
        ("signatory_retire", retire),
        ("signatory_retire_page", retire_page),
        ("scheme", "wut-grades".to_owned()),
        ("profile", "eu-2022".to_owned()),
        ("asset", "app.css".to_owned()),
        ("run", run),
        ("held_upload", held),
        ("template", template),
        ("invitation", invitation),
        ("invitation_page", invitation_page),
    ] {
        records.insert(name, value);
    }
    let mut documents = BTreeMap::new();
    documents.insert("element", serde_json::to_value(&element).unwrap());
    documents.insert("draft", serde_json::to_value(&draft.specification).unwrap());
    documents.insert("university", serde_json::to_value(&university).unwrap());
    documents.insert("credential", zoes.document.clone());
    documents.insert(
        "wut_did",
        Value::String(platform.config().university_did("wut")),
    );

    let emails = BTreeMap::from([
        ("norole", "nobody@enhance.example"),
        ("learner", "zoe@learner.example"),
        ("learner-other", "jan@learner.example"),
        ("teacher", "teacher@wut.example"),
        ("teacher-other", "teacher@rwth.example"),
        ("registrar", "registrar@wut.example"),
        ("registrar-other", "registrar@rwth.example"),
        ("jury", "jury@enhance.example"),
        ("task-group", "task-group@enhance.example"),
        ("board", "board@enhance.example"),
        ("admin", "admin@enhance.example"),
    ]);
    let mut tokens = BTreeMap::new();
    tokens.insert("anon", None);
    for (caller, email) in &emails {
        let session = platform.sign_in(email, PASSWORD, None).await.unwrap();
        tokens.insert(*caller, Some(session.token));
    }
    World {
        platform,
        tokens,
        emails,
        records,
        documents,
    }
}

fn form(pairs: &[(&str, &str)]) -> (String, Vec<u8>) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    (
        "application/x-www-form-urlencoded".into(),
        body.into_bytes(),
    )
}

fn multipart(field: &str, file_name: &str, kind: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "matrixboundary7";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {kind}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart body of several fields: (name, file name — empty for a text field —, type, bytes).
fn multipart_fields(fields: &[(&str, &str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "matrixboundary7";
    let mut body = Vec::new();
    for (name, file_name, kind, bytes) in fields {
        let disposition = if file_name.is_empty() {
            format!("form-data; name=\"{name}\"")
        } else {
            format!("form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {kind}")
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn json_body(value: Value) -> (String, Vec<u8>) {
    (
        "application/json".into(),
        serde_json::to_vec(&value).unwrap(),
    )
}

const RESULTS_CSV: &str = "learner,given_names,family_names,element,completed_on,student_id\n\
                           m1,Mia,Matrix,wut:sustainable-business-models,2026-06-12,990003\n";

/// The body a route is sent, by its name in `access.toml`; `ids` are the path's ids as asked.
fn body(world: &World, name: &str, ids: &BTreeMap<String, String>) -> (String, Vec<u8>) {
    let with_id = |document: &str| {
        let mut value = world.documents[document].clone();
        value["id"] = Value::String(ids["id"].clone());
        value
    };
    match name {
        "sign_in" => json_body(json!({ "email": "jury@enhance.example", "password": PASSWORD })),
        "token" => json_body(json!({ "name": "matrix" })),
        "account" => json_body(json!({ "email": "matrix-account@example.eu", "name": "Matrix" })),
        "alliance" => {
            json_body(json!({ "name": { "en": "ENHANCE – European University of Technology" } }))
        }
        "university_new" => {
            let mut value = world.documents["university"].clone();
            value["id"] = json!("matrixu");
            json_body(value)
        }
        "university" => json_body(with_id("university")),
        "png" => ("image/png".into(), LOGO.to_vec()),
        "signatory" => json_body(json!({ "name": "Dr. Matrix", "role": "Dean" })),
        "template" => (
            "text/plain".into(),
            world.records["template"].clone().into_bytes(),
        ),
        "scheme" => json_body(json!({
            "name": "WUT scale",
            "grades": { "kind": "listed", "grades": ["5.0", "4.5", "4.0", "3.5", "3.0", "2.0"], "lowest_pass": "3.0" }
        })),
        "grade_tables" => (
            "text/csv".into(),
            b"field,cycle,grade,count\n,,3.0,200\n,,4.0,150\n,,5.0,50\n".to_vec(),
        ),
        "element" => json_body(with_id("element")),
        "specification_new" => {
            let mut value = world.documents["draft"].clone();
            value["id"] = json!("matrix-new-specification");
            json_body(value)
        }
        "draft" => json_body(with_id("draft")),
        "comment" => json_body(json!({ "comment": "matrix" })),
        "advice" => json_body(json!({ "recommendation": "changes", "comment": "matrix" })),
        "decision" => json_body(json!({ "decision": "request-changes", "reason": "matrix" })),
        "reason" => json_body(json!({ "reason": "matrix" })),
        "merge" => json_body(json!({ "other": world.records["merge_other"] })),
        "learner_account" => json_body(json!({ "email": "matrix-learner@example.eu" })),
        "accept_invitation" => json_body(
            json!({ "email": "invited-learner@example.eu", "password": "a long password" }),
        ),
        "rows" => json_body(json!([{
            "learner": "m2", "given_names": "Max", "family_names": "Matrix",
            "element": "wut:sustainable-business-models", "completed_on": "2026-06-12",
            "student_id": "990004"
        }])),
        "csv" => ("text/csv".into(), RESULTS_CSV.as_bytes().to_vec()),
        "issue" => json_body(json!({})),
        "credential_document" => json_body(world.documents["credential"].clone()),
        "external_credential" => {
            json_body(json!({ "credential": world.documents["credential"].clone() }))
        }
        "convert_between" => json_body(json!({
            "grade": "4.5", "from": "wut", "to": "tub", "field": "0542", "cycle": "first"
        })),
        "grade_conversion" => json_body(json!({
            "grade": "C",
            "from": [{ "grade": "E", "count": 92 }, { "grade": "C", "count": 135 }],
            "to": [{ "grade": "E", "count": 10 }, { "grade": "A", "count": 10 }]
        })),
        "vc_issue" => json_body(json!({ "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": world.documents["wut_did"],
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:matrix" }
        } })),
        "vc_verify" => json_body(json!({ "verifiableCredential": world.documents["credential"] })),
        "vp_verify" => json_body(json!({ "verifiablePresentation": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"]
        } })),
        "verify_upload" => multipart(
            "file",
            "credential.json",
            "application/json",
            &serde_json::to_vec(&world.documents["credential"]).unwrap(),
        ),
        "external_upload" => multipart(
            "file",
            "credential.json",
            "application/json",
            &serde_json::to_vec(&world.documents["credential"]).unwrap(),
        ),
        "sign_in_form" => form(&[("email", "jury@enhance.example"), ("password", PASSWORD)]),
        "grade_form" => form(&[
            ("grade", "C"),
            ("from", "E,92\nC,135"),
            ("to", "E,10\nA,10"),
        ]),
        "grade_between_form" => form(&[
            ("between_grade", "4.5"),
            ("between_from", "wut"),
            ("between_to", "tub"),
            ("field", "0542"),
            ("cycle", "first"),
        ]),
        "specification_form" => form(&[("action", "check"), ("id", "matrix-form-specification")]),
        "comment_form" => form(&[("comment", "matrix")]),
        "reason_form" => form(&[("reason", "matrix")]),
        "advice_form" => form(&[("recommendation", "changes"), ("comment", "matrix")]),
        "decision_form" => form(&[("decision", "request-changes"), ("reason", "matrix")]),
        "results_upload" => multipart("file", "results.csv", "text/csv", RESULTS_CSV.as_bytes()),
        "empty_form" => form(&[]),
        "accept_invitation_form" => form(&[
            ("email", "invited-on-page@example.eu"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ]),
        "issue_form" => form(&[("specification", PUBLISHED)]),
        "suspend_form" => form(&[("action", "suspend"), ("reason", "matrix")]),
        "university_form" => form(&[
            ("id", "matrixp"),
            ("legal_name", "Matrix University"),
            ("country", "PL"),
        ]),
        "signatory_form" => form(&[("name", "Dr. Form"), ("role", "Dean")]),
        "logo_upload" => multipart("logo", "logo.png", "image/png", LOGO),
        "grading_scheme_form" => form(&[("preset", "pl")]),
        "external_registrar_upload" => multipart_fields(&[
            ("learner", "", "text/plain", b"zoe@learner.example"),
            (
                "file",
                "credential.json",
                "application/json",
                &serde_json::to_vec(&world.documents["credential"]).unwrap(),
            ),
        ]),
        "grade_tables_upload" => multipart_fields(&[
            ("scheme", "", "text/plain", b"wut-grades"),
            (
                "file",
                "tables.csv",
                "text/csv",
                b"field,cycle,grade,count\n,,3.0,200\n,,4.0,150\n,,5.0,50\n",
            ),
        ]),
        "signature_upload" => multipart("signature", "signature.png", "image/png", LOGO),
        other => panic!("access.toml names a body `{other}` this test does not know"),
    }
}

/// The answer as `access.toml` writes it.
fn classify(status: u16, location: Option<&str>) -> String {
    match status {
        401 => "401".into(),
        302 | 303 | 307 if location.is_some_and(|l| l.starts_with("/sign-in")) => "in".into(),
        200..=399 | 409 | 422 => "ok".into(),
        other => other.to_string(),
    }
}

async fn ask(
    world: &World,
    caller: &str,
    entry: &Entry,
    ids: &BTreeMap<String, String>,
) -> (u16, String) {
    let (method, template) = entry.route.split_once(' ').unwrap();
    let mut path = template.to_owned();
    for (name, value) in ids {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    if let Some(query) = &entry.query {
        path = format!("{path}?{query}");
    }
    let mut token = world.tokens[caller].clone();
    if entry.fresh_session && token.is_some() {
        let session = world
            .platform
            .sign_in(world.emails[caller], PASSWORD, None)
            .await
            .unwrap();
        token = Some(session.token);
    }
    let mut request = Request::builder().method(method).uri(&path);
    if let Some(token) = &token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match &entry.body {
        Some(name) => {
            let (kind, bytes) = body(world, name, ids);
            request
                .header(header::CONTENT_TYPE, kind)
                .header(header::CONTENT_LENGTH, bytes.len())
                .body(Body::from(bytes))
        }
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = microcred_server::router(world.platform.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(2000)]).into_owned();
    // A problem's title, or a page's.
    let text = match (text.find("\"title\":\""), text.find("<title>")) {
        (Some(at), _) => text[at + 9..].split('"').next().unwrap_or("").to_owned(),
        (None, Some(at)) => text[at + 7..].split('<').next().unwrap_or("").to_owned(),
        _ => text.chars().take(120).collect(),
    };
    (
        status,
        format!("{} {}", classify(status, location.as_deref()), text),
    )
}

fn matrix() -> Matrix {
    toml::from_str(include_str!("../src/access.toml")).expect("src/access.toml reads")
}

/// Every route the server has, as `METHOD /path`.
fn routes() -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for endpoint in microcred_server::api::endpoints() {
        all.insert(format!("{} {}", endpoint.method, endpoint.path));
    }
    for page in microcred_server::web::pages() {
        all.insert(format!("{} {}", page.method, page.path));
    }
    all
}

#[test]
fn every_route_has_its_answers_written_down() {
    let written: BTreeSet<String> = matrix().route.iter().map(|e| e.route.clone()).collect();
    let routes = routes();
    let missing: Vec<&String> = routes.difference(&written).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in src/access.toml: {missing:?}"
    );
    let stale: Vec<&String> = written.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "entries in src/access.toml without a route: {stale:?}"
    );
    for entry in matrix().route {
        let params = entry.route.matches('{').count();
        assert_eq!(
            params,
            entry.ids.len(),
            "{}: name a record for each id",
            entry.route
        );
        answers(&entry.own, &entry.all, &entry.route, "own");
        if params > 0 {
            answers(&entry.missing, &entry.missing_all, &entry.route, "missing");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_caller_gets_the_answer_written_for_every_route() {
    for (backend, store) in testing::stores().await {
        let world = world(store).await;
        let mut cases = 0;
        let mut wrong = Vec::new();
        for entry in matrix().route {
            let mut asks = vec![("own", answers(&entry.own, &entry.all, &entry.route, "own"))];
            if !entry.ids.is_empty() {
                asks.push((
                    "missing",
                    answers(&entry.missing, &entry.missing_all, &entry.route, "missing"),
                ));
            }
            for (record, expected) in asks {
                let ids: BTreeMap<String, String> = entry
                    .ids
                    .iter()
                    .map(|(name, record_name)| {
                        let value = match (record, record_name.as_str()) {
                            ("own", name) => world.records[name].clone(),
                            (_, "version") => "99".into(),
                            (_, "version_v") => "v99".into(),
                            (_, name) => format!("missing-{name}"),
                        };
                        (name.clone(), value)
                    })
                    .collect();
                // Those refused first: a refusal must leave the record as it was for the rest.
                let mut order: Vec<usize> = (0..CALLERS.len()).collect();
                order.sort_by_key(|&i| expected[i] == "ok");
                for i in order {
                    let caller = CALLERS[i];
                    let (status, answer) = ask(&world, caller, &entry, &ids).await;
                    cases += 1;
                    assert!(
                        status < 500,
                        "{backend}: {} ({record}) as {caller}: {status} {answer}",
                        entry.route
                    );
                    let got = answer.split(' ').next().unwrap_or_default();
                    if got != expected[i] {
                        wrong.push(format!(
                            "{} ({record}) as {caller}: expected {}, got {answer}",
                            entry.route, expected[i]
                        ));
                    }
                }
            }
        }
        println!(
            "{backend}: {cases} authorization cases over {} routes",
            matrix().route.len()
        );
        assert!(
            wrong.is_empty(),
            "{backend}: {} answers differ from src/access.toml:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}
