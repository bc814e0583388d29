//! The platform's whole life through its HTTP API, on both databases: an administrator sets up
//! the alliance and a university; a teacher writes a specification and submits it; the jury and
//! the task group advise; the board approves; registrars import results (CSV and XLSX) and
//! issue; the credential verifies with us and with @digitalbazaar/vc; it is revoked, and both
//! then say so. And bad requests get 4xx problem documents, never a 500; the web pages refuse
//! forms other sites send and send strangers to sign in.
//!
//! PostgreSQL runs when `MICROCRED_TEST_POSTGRES` names a server (required under `CI=true`);
//! @digitalbazaar/vc when `interop/node_modules` is installed (required under `CI=true`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use microcred_app::Checker;
use microcred_app::platform::auth::{NewAccount, SignInLimits};
use microcred_app::platform::{Config, Platform};
use microcred_model::{Grant, Role};
use microcred_store::{Store, testing};

const SPEC: &str = "enhance-certificate-sustainable-entrepreneurship";
const PASSWORD: &str = "a long password";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Starts a server on a free port over a fresh database with one administrator.
fn start(backend: &'static str) -> Option<String> {
    start_with(backend, SignInLimits::default())
}

fn start_with(backend: &'static str, sign_in: SignInLimits) -> Option<String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let store: Store = match backend {
                "sqlite" => testing::sqlite().await,
                _ => match testing::postgres().await {
                    Some(store) => store,
                    None => {
                        sender.send(None).unwrap();
                        return;
                    }
                },
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address: SocketAddr = listener.local_addr().unwrap();
            let base = format!("http://{address}");
            let platform = Platform::new(
                store,
                Config {
                    public_url: base.clone(),
                    key_encryption_key: [3; 32],
                    suspension: true,
                    sign_in,
                },
                Checker::new(None).unwrap(),
            );
            platform
                .create_account(
                    None,
                    NewAccount {
                        email: "admin@enhance.example".into(),
                        name: "Admin".into(),
                        password: Some(PASSWORD.into()),
                        grants: vec![Grant {
                            role: Role::AllianceAdmin,
                            university: None,
                        }],
                        learner_id: None,
                    },
                )
                .await
                .unwrap();
            sender.send(Some(base)).unwrap();
            microcred_server::serve(listener, platform).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

struct Client {
    base: String,
    agent: ureq::Agent,
}

/// A response: status and JSON body (or the text as a JSON string), and its bytes.
struct Reply {
    status: u16,
    body: Value,
    bytes: Vec<u8>,
    content_type: String,
}

impl Client {
    fn new(base: &str) -> Client {
        // The server closes a connection that waits 10 s for a request's head: a client keeps
        // idle connections for less, or it may send a request down a closed one.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_idle_age(std::time::Duration::from_secs(5))
            .build()
            .into();
        Client {
            base: base.to_owned(),
            agent,
        }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = match body {
            Some((kind, bytes)) => {
                let request = request.header("content-type", kind).body(bytes).unwrap();
                self.agent.run(request)
            }
            None => self.agent.run(request.body(()).unwrap()),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = response.into_body().read_to_vec().unwrap_or_default();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        assert!(status < 500, "{method} {path}: {status} {body}");
        Reply {
            status,
            body,
            bytes,
            content_type,
        }
    }

    fn json(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(
            method,
            path,
            token,
            Some(("application/json", serde_json::to_vec(body).unwrap())),
        )
    }

    fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send("GET", path, token, None)
    }

    fn sign_in(&self, email: &str) -> String {
        let reply = self.json(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["token"].as_str().unwrap().to_owned()
    }
}

/// The demo's logo of WUT: a real PNG.
fn demo_logo() -> Vec<u8> {
    std::fs::read(root().join("crates/app/src/platform/demo-logos/wut.png")).unwrap()
}

fn expect(reply: &Reply, status: u16) -> &Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    &reply.body
}

fn example() -> (Value, Vec<Value>, Vec<Value>) {
    let loaded = Checker::new(None)
        .unwrap()
        .load(&root().join(format!("examples/{SPEC}.toml")))
        .unwrap();
    let spec = serde_json::to_value(&loaded.specification).unwrap();
    let universities = loaded
        .catalogue
        .universities
        .iter()
        .filter(|u| ["wut", "tub"].contains(&u.id.as_str()))
        .map(|u| serde_json::to_value(u).unwrap())
        .collect();
    let elements = loaded
        .catalogue
        .course_elements
        .iter()
        .filter(|e| ["wut", "tub"].contains(&e.university.as_str()))
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    (spec, universities, elements)
}

fn interop() -> Option<PathBuf> {
    let installed = root()
        .join("interop/node_modules/@digitalbazaar/vc")
        .is_dir();
    if installed {
        Some(root().join("interop/interop.mjs"))
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("interop/node_modules is missing: run `npm ci --prefix interop`");
    } else {
        eprintln!("@digitalbazaar/vc not tried: run `npm ci --prefix interop`");
        None
    }
}

/// What the Open Badges 3.0 JSON Schema (from the shared fixtures) finds wrong with a
/// credential, by ajv in `interop/`.
fn ob3_schema_errors(dir: &Path, credential: &Value) -> Option<Vec<String>> {
    let script = interop()?;
    let schema =
        root().join("../shared/fixtures/openbadges/ob_v3p0_achievementcredential_schema.json");
    if !schema.is_file() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "the fixtures are missing: {} (CI needs ../shared)",
            schema.display()
        );
        eprintln!(
            "OB 3.0 JSON Schema not tried: {} is absent",
            schema.display()
        );
        return None;
    }
    let file = dir.join("schema-credential.json");
    std::fs::write(&file, serde_json::to_vec(credential).unwrap()).unwrap();
    let output = Command::new("node")
        .arg(script)
        .arg("schema")
        .arg(schema)
        .arg(&file)
        .output()
        .expect("node runs");
    let result: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    Some(
        result["errors"]
            .as_array()
            .map(|e| e.iter().map(|e| e.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default(),
    )
}

fn digitalbazaar_verifies(
    dir: &Path,
    credential: &Value,
    did_document: &Value,
    lists: &[Value],
) -> Option<bool> {
    let script = interop()?;
    for (name, value) in [("credential.json", credential), ("did.json", did_document)] {
        std::fs::write(dir.join(name), serde_json::to_vec(value).unwrap()).unwrap();
    }
    let mut command = Command::new("node");
    command
        .arg(script)
        .args(["verify-dbz", "--did-document"])
        .arg(dir.join("did.json"));
    for (i, list) in lists.iter().enumerate() {
        let file = dir.join(format!("list-{i}.json"));
        std::fs::write(&file, serde_json::to_vec(list).unwrap()).unwrap();
        command.arg("--status").arg(file);
    }
    let output = command
        .arg(dir.join("credential.json"))
        .output()
        .expect("node runs");
    let line = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(line.lines().next().unwrap_or("{}")).unwrap();
    eprintln!("@digitalbazaar/vc: {result}");
    Some(result["verified"] == true)
}

fn whole_life(backend: &'static str) {
    let Some(base) = start(backend) else { return };
    let http = Client::new(&base);
    let (spec, universities, elements) = example();
    let dir = std::env::temp_dir().join(format!("microcred-api-{backend}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // The administrator sets up the alliance, its universities, elements and accounts.
    let admin = http.sign_in("admin@enhance.example");
    expect(
        &http.json(
            "PUT",
            "/api/v1/alliance",
            Some(&admin),
            &json!({ "name": { "en": "ENHANCE" } }),
        ),
        200,
    );
    for university in &universities {
        let reply = http.json("POST", "/api/v1/universities", Some(&admin), university);
        assert!(
            expect(&reply, 201)["did"]
                .as_str()
                .unwrap()
                .starts_with("did:web:127.0.0.1%3A")
        );
    }
    for element in &elements {
        let id = element["id"].as_str().unwrap();
        expect(
            &http.json(
                "PUT",
                &format!("/api/v1/course-elements/{id}"),
                Some(&admin),
                element,
            ),
            200,
        );
    }
    for (email, role, university) in [
        ("teacher@wut.example", "teacher", Some("wut")),
        ("registrar@wut.example", "registrar", Some("wut")),
        ("registrar@tub.example", "registrar", Some("tub")),
        ("jury@enhance.example", "jury", None),
        ("tg@enhance.example", "task-group", None),
        ("board@enhance.example", "board", None),
    ] {
        let grant = match university {
            Some(u) => json!({ "role": role, "university": u }),
            None => json!({ "role": role }),
        };
        expect(
            &http.json(
                "POST",
                "/api/v1/accounts",
                Some(&admin),
                &json!({ "email": email, "name": email, "password": PASSWORD, "grants": [grant] }),
            ),
            201,
        );
    }
    let teacher = http.sign_in("teacher@wut.example");
    let wut = http.sign_in("registrar@wut.example");
    let tub = http.sign_in("registrar@tub.example");

    // WUT's registrar gives it a logo; TU Berlin's may not; anyone may fetch it.
    let logo = demo_logo();
    let put_logo = |token: &str| {
        http.send(
            "PUT",
            "/api/v1/universities/wut/logo",
            Some(token),
            Some(("image/png", logo.clone())),
        )
    };
    expect(&put_logo(&tub), 403);
    let set = expect(&put_logo(&wut), 200).clone();
    assert_eq!((&set["width"], &set["height"]), (&json!(128), &json!(128)));
    let fetched = http.get("/u/wut/logo", None);
    assert_eq!(
        (fetched.status, fetched.content_type.as_str()),
        (200, "image/png")
    );
    assert_eq!(fetched.bytes, logo);
    let logo_url = format!("{base}/u/wut/logo");
    assert_eq!(
        expect(&http.get("/api/v1/universities/wut", None), 200)["logo"],
        logo_url.as_str()
    );
    expect(&http.get("/u/tub/logo", None), 404);

    let jury = http.sign_in("jury@enhance.example");
    let task_group = http.sign_in("tg@enhance.example");
    let board = http.sign_in("board@enhance.example");

    // Review: create → submit → advice → approve.
    expect(
        &http.json("POST", "/api/v1/specifications", Some(&teacher), &spec),
        201,
    );
    expect(
        &http.json(
            "POST",
            &format!("/api/v1/specifications/{SPEC}/submit"),
            Some(&teacher),
            &json!({ "comment": "ready" }),
        ),
        200,
    );
    expect(
        &http.json(
            "POST",
            &format!("/api/v1/specifications/{SPEC}/advice"),
            Some(&jury),
            &json!({ "recommendation": "approve" }),
        ),
        204,
    );
    expect(
        &http.json(
            "POST",
            &format!("/api/v1/specifications/{SPEC}/advice"),
            Some(&task_group),
            &json!({ "recommendation": "approve", "comment": "fine" }),
        ),
        204,
    );
    expect(
        &http.json(
            "POST",
            &format!("/api/v1/specifications/{SPEC}/decision"),
            Some(&teacher),
            &json!({ "decision": "approve" }),
        ),
        403,
    );
    let published = http.json(
        "POST",
        &format!("/api/v1/specifications/{SPEC}/decision"),
        Some(&board),
        &json!({ "decision": "approve" }),
    );
    assert_eq!(expect(&published, 200)["state"], "published");
    let history = http.get(
        &format!("/api/v1/specifications/{SPEC}/history"),
        Some(&board),
    );
    assert_eq!(expect(&history, 200)["events"].as_array().unwrap().len(), 5);
    assert_eq!(
        http.get("/api/v1/catalogue?q=entrepreneurship&eqf=7", None)
            .body["specifications"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Results: WUT as CSV (with a bad row and a row of TU Berlin's, both refused), TU Berlin as JSON rows.
    let csv = "learner,given_names,family_names,date_of_birth,nationality,email,student_id,element,completed_on,overall_grade\n\
        zoe,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,zoe@learner.example,301234,wut:sustainable-business-models,2026-06-12,4.5\n\
        jan,Jan,Kowalski,2000-13-02,PL,jan@learner.example,301235,wut:sustainable-business-models,2026-06-12,\n\
        zoe,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,zoe@learner.example,77001,tub:innovation-lab,2026-06-26,\n";
    let import = http.send(
        "POST",
        "/api/v1/results/import?name=wut.csv",
        Some(&wut),
        Some(("text/csv", csv.as_bytes().to_vec())),
    );
    let report = expect(&import, 201);
    assert_eq!(
        (
            report["rows_stored"].as_u64(),
            report["rows_refused"].as_u64()
        ),
        (Some(1), Some(2)),
        "{report}"
    );
    assert_eq!(report["problems"][0]["row"], 3);
    let rows = json!([{ "learner": "zoe", "given_names": "Zoë", "family_names": "Łukasiewicz-Παπαδοπούλου", "email": "zoe@learner.example", "student_id": "77001", "element": "tub:innovation-lab", "completed_on": "2026-06-26" }]);
    let report = http.json("POST", "/api/v1/results", Some(&tub), &rows);
    assert_eq!(expect(&report, 201)["rows_stored"], 1);

    // Issue (twice: the second issues nothing new).
    let issued = http.json(
        "POST",
        &format!("/api/v1/specifications/{SPEC}/issue"),
        Some(&wut),
        &json!({}),
    );
    let issued = expect(&issued, 200).clone();
    assert_eq!(issued["issued"].as_array().unwrap().len(), 1, "{issued}");
    assert_eq!(
        (&issued["issued_count"], &issued["complete"]),
        (&json!(1), &json!(true))
    );
    let again = http.send(
        "POST",
        &format!("/api/v1/specifications/{SPEC}/issue"),
        Some(&wut),
        None,
    );
    let again = expect(&again, 200);
    assert_eq!(again["issued"].as_array().unwrap().len(), 0);
    assert_eq!(again["already_held_count"], 1, "{again}");
    let id = issued["issued"][0]["credential"]
        .as_str()
        .unwrap()
        .to_owned();
    let download = http.get(
        &format!("/api/v1/credentials/{id}/credential.json"),
        Some(&wut),
    );
    assert_eq!(download.content_type, "application/vc+ld+json");
    let credential = expect(&download, 200).clone();
    assert_eq!(
        credential["credentialSubject"]["name"],
        "Zoë Łukasiewicz-Παπαδοπούλου"
    );
    assert_eq!(
        credential["issuer"]["image"],
        json!({ "id": logo_url, "type": "Image", "caption": "Logo of Warsaw University of Technology" }),
        "the issuer's logo is named in what it signs"
    );

    // Verify: ours (public endpoint and VC API) and @digitalbazaar/vc's.
    let ours = http.json("POST", "/api/v1/verify", None, &credential);
    assert_eq!(expect(&ours, 200)["verdict"], "valid", "{}", ours.body);
    let vc_api = http.json(
        "POST",
        "/credentials/verify",
        None,
        &json!({ "verifiableCredential": credential }),
    );
    assert_eq!(expect(&vc_api, 200)["verified"], true);
    let did = expect(&http.get("/u/wut/did.json", None), 200).clone();
    let lists = || -> Vec<Value> {
        credential["credentialStatus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                let url = entry["statusListCredential"].as_str().unwrap();
                expect(&http.get(url.trim_start_matches(&base), None), 200).clone()
            })
            .collect()
    };
    if let Some(verified) = digitalbazaar_verifies(&dir, &credential, &did, &lists()) {
        assert!(verified, "@digitalbazaar/vc refuses what we issued");
    }
    // With suspension on, two status entries: VC 2.0 allows the list, the OB 3.0 JSON Schema
    // (one status at most) does not, and that is all it finds (README: strict conformance).
    if let Some(errors) = ob3_schema_errors(&dir, &credential) {
        assert_eq!(errors, ["/credentialStatus must be object"]);
        let mut one_status = credential.clone();
        one_status["credentialStatus"] = credential["credentialStatus"][0].clone();
        assert_eq!(
            ob3_schema_errors(&dir, &one_status).unwrap(),
            Vec::<String>::new()
        );
    }

    // The printed certificate: WUT's signatory with a signature image, the PDF with the signed
    // credential attached, PNG pages; TU Berlin's registrar does not see it.
    let signatory = http.json(
        "POST",
        "/api/v1/universities/wut/signatories",
        Some(&admin),
        &json!({ "name": "Prof. Maria Nowak", "role": "Vice-Rector for Education" }),
    );
    let signatory = expect(&signatory, 201)["id"].as_str().unwrap().to_owned();
    let signature =
        std::fs::read(root().join("crates/app/src/platform/demo-logos/signature-wut.png")).unwrap();
    let path = format!("/api/v1/universities/wut/signatories/{signatory}/signature");
    expect(
        &http.send(
            "PUT",
            &path,
            Some(&tub),
            Some(("image/png", signature.clone())),
        ),
        403,
    );
    let wrong = format!("/api/v1/universities/tub/signatories/{signatory}/signature");
    expect(
        &http.send(
            "PUT",
            &wrong,
            Some(&admin),
            Some(("image/png", signature.clone())),
        ),
        404,
    );
    expect(
        &http.send(
            "PUT",
            &path,
            Some(&wut),
            Some(("image/png", b"GIF89a".to_vec())),
        ),
        422,
    );
    expect(
        &http.send("PUT", &path, Some(&wut), Some(("image/png", signature))),
        200,
    );
    let pdf = http.get(
        &format!("/api/v1/credentials/{id}/certificate.pdf"),
        Some(&wut),
    );
    assert_eq!(
        (pdf.status, pdf.content_type.as_str()),
        (200, "application/pdf")
    );
    let attached = microcred_render::attached_credential(&pdf.bytes).unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&attached).unwrap(),
        credential
    );
    expect(
        &http.get(
            &format!("/api/v1/credentials/{id}/certificate.pdf"),
            Some(&tub),
        ),
        404,
    );
    let page = http.get(
        &format!("/api/v1/credentials/{id}/certificate.png?page=2&language=de"),
        Some(&wut),
    );
    assert_eq!(
        (page.status, page.content_type.as_str()),
        (200, "image/png")
    );
    assert!(page.bytes.starts_with(b"\x89PNG"));
    // The badge images carry the signed credential as issued, and verify as an upload; the
    // learner's page offers them; other universities' registrars do not see them.
    for (extension, media_type) in [("png", "image/png"), ("svg", "image/svg+xml")] {
        let path = format!("/api/v1/credentials/{id}/badge.{extension}");
        let badge = http.get(&path, Some(&wut));
        assert_eq!(
            (badge.status, badge.content_type.as_str()),
            (200, media_type)
        );
        assert_eq!(
            microcred_credentials::baked::unbake(&badge.bytes).unwrap(),
            credential
        );
        let verified = http.send(
            "POST",
            "/api/v1/verify",
            None,
            Some((media_type, badge.bytes.clone())),
        );
        assert_eq!(
            expect(&verified, 200)["verdict"],
            "valid",
            "{}",
            verified.body
        );
        expect(&http.get(&path, Some(&tub)), 404);
        expect(&http.get(&format!("{path}?page=2"), Some(&wut)), 422);
    }
    let beyond = http.get(
        &format!("/api/v1/credentials/{id}/certificate.png?page=3"),
        Some(&wut),
    );
    assert_eq!(expect(&beyond, 422)["errors"][0]["path"], "page");
    expect(
        &http.get(
            &format!("/api/v1/credentials/{id}/certificate.png?page=two"),
            Some(&wut),
        ),
        422,
    );
    expect(
        &http.get(
            &format!("/api/v1/credentials/{id}/certificate.pdf?language=Deutsch"),
            Some(&wut),
        ),
        422,
    );

    // The signatory leaves office: an administrator says so, once.
    let retire = format!("/api/v1/universities/wut/signatories/{signatory}/retire");
    expect(&http.send("POST", &retire, Some(&wut), None), 403);
    let retired = expect(&http.send("POST", &retire, Some(&admin), None), 200).clone();
    assert_eq!(retired["active"], false);
    assert!(retired["until"].as_i64().unwrap() >= retired["since"].as_i64().unwrap());
    expect(&http.send("POST", &retire, Some(&admin), None), 409);
    let other = "/api/v1/universities/tub/signatories/nobody/retire";
    expect(&http.send("POST", other, Some(&admin), None), 404);

    // The alliance's own template: refused with the place of its fault, then set, then reset.
    let template = "/api/v1/alliance/certificate-template";
    let broken = "#let c = json(\"/certificate.json\")\n#c.learner.nickname\n";
    let refused = http.send(
        "PUT",
        template,
        Some(&admin),
        Some(("text/plain", broken.as_bytes().to_vec())),
    );
    let refused = expect(&refused, 422);
    assert_eq!(
        refused["errors"][0]["path"], "template, line 2, column 12",
        "{refused}"
    );
    expect(
        &http.send(
            "PUT",
            template,
            Some(&wut),
            Some(("text/plain", b"x".to_vec())),
        ),
        403,
    );
    let own = microcred_render::DEFAULT_TEMPLATE.replace("#1d3b6e", "#6e1d3b");
    expect(
        &http.send(
            "PUT",
            template,
            Some(&admin),
            Some(("text/plain", own.as_bytes().to_vec())),
        ),
        200,
    );
    assert_eq!(http.get(template, Some(&wut)).body, Value::String(own));
    expect(
        &http.get(
            &format!("/api/v1/credentials/{id}/certificate.pdf"),
            Some(&wut),
        ),
        200,
    );
    expect(&http.send("DELETE", template, Some(&admin), None), 204);
    assert_eq!(
        http.get(template, Some(&wut)).body,
        Value::String(microcred_render::DEFAULT_TEMPLATE.into())
    );

    // Revoke: TU Berlin may not (to it, WUT's credential is not there); WUT may; then every
    // verifier says it is revoked.
    expect(
        &http.json(
            "POST",
            &format!("/api/v1/credentials/{id}/revoke"),
            Some(&tub),
            &json!({ "reason": "no" }),
        ),
        404,
    );
    expect(
        &http.json(
            "POST",
            &format!("/api/v1/credentials/{id}/revoke"),
            Some(&wut),
            &json!({ "reason": "issued in error" }),
        ),
        200,
    );
    let ours = http.json("POST", "/api/v1/verify", None, &credential);
    assert_eq!(expect(&ours, 200)["verdict"], "revoked");
    let vc_api = http.json(
        "POST",
        "/credentials/verify",
        None,
        &json!({ "verifiableCredential": credential }),
    );
    assert_eq!(expect(&vc_api, 400)["verified"], false, "{}", vc_api.body);
    if let Some(verified) = digitalbazaar_verifies(&dir, &credential, &did, &lists()) {
        assert!(!verified, "@digitalbazaar/vc does not see the revocation");
    }
    let revoked = http.get(
        &format!("/api/v1/credentials/{id}/certificate.pdf"),
        Some(&wut),
    );
    assert!(
        expect(&revoked, 409)["title"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );
    let audit = http.get(
        &format!("/api/v1/audit?subject=credential:{id}"),
        Some(&admin),
    );
    let actions: Vec<&str> = expect(&audit, 200)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["credential.revoked", "credential.issued"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_whole_life_through_the_api_on_sqlite() {
    whole_life("sqlite");
}

#[test]
fn the_whole_life_through_the_api_on_postgres() {
    whole_life("postgres");
}

#[test]
fn bad_requests_get_problem_documents_never_a_500() {
    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let admin = http.sign_in("admin@enhance.example");
    let (_, universities, _) = example();
    expect(
        &http.json(
            "POST",
            "/api/v1/universities",
            Some(&admin),
            &universities[0],
        ),
        201,
    );

    let cases: Vec<(Reply, u16, &str)> = vec![
        (
            http.send(
                "POST",
                "/api/v1/universities",
                Some(&admin),
                Some(("application/json", b"{\"id\": ".to_vec())),
            ),
            400,
            "not JSON",
        ),
        (
            http.json(
                "POST",
                "/api/v1/universities",
                Some(&admin),
                &json!({ "id": "x", "legal_name": { "en": "X" }, "country": "ZZ" }),
            ),
            422,
            "country",
        ),
        (
            http.json(
                "POST",
                "/api/v1/universities",
                Some(&admin),
                &json!({ "id": 5 }),
            ),
            422,
            "id",
        ),
        (
            http.send(
                "POST",
                "/api/v1/universities",
                Some(&admin),
                Some(("text/plain", b"hello".to_vec())),
            ),
            415,
            "JSON",
        ),
        (
            http.json("POST", "/api/v1/universities", None, &universities[0]),
            401,
            "sign in",
        ),
        (
            http.json(
                "POST",
                "/api/v1/universities",
                Some("not-a-token"),
                &universities[0],
            ),
            401,
            "sign in",
        ),
        (
            http.json(
                "POST",
                "/api/v1/universities",
                Some(&admin),
                &universities[0],
            ),
            409,
            "already",
        ),
        (
            http.get("/api/v1/universities/nowhere", None),
            404,
            "not found",
        ),
        (
            http.get("/api/v1/specifications/nothing", Some(&admin)),
            404,
            "not found",
        ),
        (http.get("/status/nothing", None), 404, "not found"),
        (
            http.json(
                "POST",
                "/api/v1/specifications/nothing/decision",
                Some(&admin),
                &json!({ "decision": "maybe" }),
            ),
            422,
            "decision",
        ),
        (
            http.json(
                "POST",
                "/api/v1/session",
                None,
                &json!({ "email": "admin@enhance.example", "password": "wrong" }),
            ),
            403,
            "wrong",
        ),
        (
            http.json(
                "POST",
                "/credentials/issue",
                Some(&admin),
                &json!({ "credential": { "@context": [4], "type": "VerifiableCredential" } }),
            ),
            422,
            "@context",
        ),
        (
            http.json(
                "POST",
                "/credentials/issue",
                Some(&admin),
                &json!({ "nothing": true }),
            ),
            400,
            "credential",
        ),
        (
            http.json(
                "POST",
                "/credentials/verify",
                None,
                &json!({ "verifiableCredential": "a string" }),
            ),
            400,
            "verifiableCredential",
        ),
        (http.get("/no/such/route", None), 404, "nothing at"),
        (
            http.send(
                "PUT",
                "/api/v1/universities/wut/logo",
                Some(&admin),
                Some((
                    "image/svg+xml",
                    b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
                )),
            ),
            422,
            "SVG",
        ),
        (
            http.send(
                "PUT",
                "/api/v1/universities/wut/logo",
                Some(&admin),
                Some(("image/jpeg", demo_logo())),
            ),
            422,
            "image/png",
        ),
        (
            http.send(
                "PUT",
                "/api/v1/universities/wut/logo",
                Some(&admin),
                Some(("image/png", [demo_logo(), vec![0; 600 * 1024]].concat())),
            ),
            422,
            "at most",
        ),
        (
            http.send(
                "PUT",
                "/api/v1/universities/nowhere/logo",
                Some(&admin),
                Some(("image/png", demo_logo())),
            ),
            404,
            "nowhere",
        ),
        (http.get("/alliance/logo", None), 404, "logo"),
    ];
    for (reply, status, needle) in cases {
        assert_eq!(reply.status, status, "{}", reply.body);
        assert_eq!(
            reply.content_type, "application/problem+json",
            "{}",
            reply.body
        );
        assert_eq!(reply.body["status"], status);
        assert!(
            reply.body.to_string().contains(needle),
            "`{needle}` not in {}",
            reply.body
        );
    }
    // Problems name the field.
    let reply = http.json(
        "POST",
        "/api/v1/universities",
        Some(&admin),
        &json!({ "id": "x", "legal_name": { "en": "X" }, "country": "ZZ" }),
    );
    assert_eq!(reply.body["errors"][0]["path"], "country");
}

/// A body over the limit is refused before it is read whole (tested on the router itself: over
/// a socket the client may still be writing when the 413 arrives).
#[test]
fn oversized_bodies_are_refused_with_413() {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = testing::sqlite().await;
        let platform = Platform::new(
            store,
            Config {
                public_url: "http://127.0.0.1".into(),
                key_encryption_key: [3; 32],
                suspension: true,
                sign_in: Default::default(),
            },
            Checker::new(None).unwrap(),
        );
        // The API's JSON (answered as a problem), an anonymous page form (once read whole up
        // to 64 MiB), the verification page's upload (answered as an error page): each within
        // its own limit.
        for (uri, kind, bytes, says) in [
            (
                "/api/v1/verify",
                "application/json",
                3 * 1024 * 1024,
                "over 2097152 bytes",
            ),
            (
                "/sign-in",
                "application/x-www-form-urlencoded",
                3 * 1024 * 1024,
                "",
            ),
            ("/verify", "multipart/form-data; boundary=x", 9 << 20, ""),
        ] {
            let request = axum::http::Request::builder()
                .method("POST")
                .uri(uri)
                .header("content-type", kind)
                .header("sec-fetch-site", "same-origin")
                .body(axum::body::Body::from(vec![b' '; bytes]))
                .unwrap();
            let response = microcred_server::router(platform.clone())
                .oneshot(request)
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 413, "{uri}");
            let body = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            if !uri.starts_with("/api/") {
                // A page: the error page a browser shows.
                assert!(String::from_utf8_lossy(&body).contains("<html"), "{uri}");
                continue;
            }
            let body: Value = serde_json::from_slice(&body)
                .unwrap_or_else(|_| panic!("{uri}: {}", String::from_utf8_lossy(&body)));
            assert_eq!(body["status"], 413, "{uri}: {body}");
            assert!(
                body["title"].as_str().unwrap().contains(says),
                "{uri}: {body}"
            );
        }
    });
}

#[test]
fn the_openapi_document_lists_every_route_and_is_served() {
    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let document = expect(&http.get("/api/v1/openapi.json", None), 200).clone();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    for endpoint in microcred_server::api::endpoints() {
        let method = endpoint.method.as_str().to_lowercase();
        let operation = &paths[endpoint.path][&method];
        assert!(
            operation.is_object(),
            "{} {} is not documented",
            endpoint.method,
            endpoint.path
        );
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty())
        );
    }
    // Every reference resolves.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap();
        let name = target.trim_start_matches("#/components/schemas/");
        assert!(
            document["components"]["schemas"][name].is_object(),
            "{target} does not resolve"
        );
    }
}

/// The served document is valid OpenAPI 3.1 to an independent validator
/// (`openapi-spec-validator`, installed into `interop/.venv` by `.ci/run`).
#[test]
fn the_openapi_document_is_valid_to_an_independent_validator() {
    let validator = root().join("interop/.venv/bin/openapi-spec-validator");
    if !validator.is_file() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{} is missing: see .ci/run",
            validator.display()
        );
        eprintln!(
            "OpenAPI validator not tried: {} is absent",
            validator.display()
        );
        return;
    }
    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let document = expect(&http.get("/api/v1/openapi.json", None), 200).clone();
    let file = std::env::temp_dir().join(format!("microcred-openapi-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&document).unwrap()).unwrap();
    let output = Command::new(validator)
        .arg(&file)
        .output()
        .expect("the validator runs");
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains(": OK"), "{said}");
}

/// A request refused before its body arrives whole leaves the connection usable: the server
/// reads the declared body before answering, so the client's next request on the same
/// connection is answered (hyper would otherwise close it with bytes unread).
#[test]
fn a_refused_request_keeps_its_connection_alive() {
    use std::io::{Read, Write};
    let Some(base) = start("sqlite") else { return };
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let body = br#"{"id":"wut","legal_name":{"en":"Warsaw"},"country":"PL"}"#;
    // Not signed in: refused with 401. The body comes in two parts, the second one late.
    write!(
        stream,
        "POST /api/v1/universities HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..10]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    stream.write_all(&body[10..]).unwrap();
    write!(stream, "GET /healthz HTTP/1.1\r\nhost: {address}\r\n\r\n").unwrap();
    let mut answers = String::new();
    let mut buffer = [0u8; 4096];
    while answers.matches("HTTP/1.1 ").count() < 2 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answers.push_str(&String::from_utf8_lossy(&buffer[..n])),
        }
    }
    assert!(answers.starts_with("HTTP/1.1 401"), "{answers}");
    assert!(
        answers.contains("HTTP/1.1 200"),
        "the second request was answered on the same connection: {answers}"
    );
}

#[test]
fn pages_refuse_forms_from_other_sites_and_send_strangers_to_sign_in() {
    let Some(base) = start("sqlite") else { return };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let location = |r: &ureq::http::Response<ureq::Body>| {
        r.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    // A page that needs an account sends a stranger to sign in, and back afterwards.
    let page = agent
        .get(format!("{base}/registrar/import"))
        .call()
        .unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(location(&page), "/sign-in?next=%2Fregistrar%2Fimport");

    // Signing in sets an HttpOnly, SameSite cookie, and never goes on to another site.
    let signed_in = agent
        .post(format!("{base}/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send("email=admin%40enhance.example&password=a+long+password&next=https%3A%2F%2Fevil.example%2F")
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/home");
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();

    // A form another site makes the browser send is refused, and changes nothing.
    let form = "id=chalmers&legal_name=Chalmers&country=SE";
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let refused = agent
            .post(format!("{base}/admin/universities"))
            .header("cookie", &session)
            .header("content-type", "application/x-www-form-urlencoded")
            .header(header, value)
            .send(form)
            .unwrap();
        assert_eq!(refused.status(), 403, "{header}: {value}");
        let text = refused.into_body().read_to_string().unwrap();
        assert!(text.contains("another site"), "{text}");
    }
    let members = agent
        .get(format!("{base}/api/v1/universities"))
        .call()
        .unwrap();
    let members: Value =
        serde_json::from_str(&members.into_body().read_to_string().unwrap()).unwrap();
    assert_eq!(members["universities"], json!([]), "nothing was added");

    // From the page itself, it is done.
    let added = agent
        .post(format!("{base}/admin/universities"))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .send(form)
        .unwrap();
    assert_eq!(added.status(), 303);
    assert_eq!(location(&added), "/admin?done=university_added");
}

/// An agent that reports every status and follows no redirect.
fn raw_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Wrong passwords lock an e-mail for a while (429 + Retry-After) whether or not an account has
/// it, with the same words either way; the right password does not open it early; and many
/// failures from one address lock that address for every e-mail.
#[test]
fn repeated_wrong_passwords_lock_the_e_mail_and_then_the_address() {
    let limits = SignInLimits {
        slow_after: 100,
        lock_after: 3,
        address_lock_after: 8,
        ..SignInLimits::default()
    };
    let Some(base) = start_with("sqlite", limits) else {
        return;
    };
    let agent = raw_agent();
    let attempt = |email: &str, password: &str| {
        let mut response = agent
            .post(format!("{base}/api/v1/session"))
            .header("content-type", "application/json")
            .send(json!({ "email": email, "password": password }).to_string())
            .unwrap();
        let retry_after = header(&response, "retry-after");
        let kind = header(&response, "content-type");
        let body: Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!(kind, "application/problem+json", "{body}");
        (response.status().as_u16(), retry_after, body)
    };

    let mut locked_answers = Vec::new();
    for email in ["admin@enhance.example", "nobody@enhance.example"] {
        for n in 1..=3 {
            let (status, _, body) = attempt(email, "wrong password");
            assert_eq!(status, 403, "{email} attempt {n}: {body}");
        }
        let (status, retry_after, body) = attempt(email, "wrong password");
        assert_eq!(status, 429, "{email}: {body}");
        let seconds: u64 = retry_after.parse().unwrap();
        assert!((1..=15 * 60).contains(&seconds), "Retry-After {seconds}");
        assert!(body.to_string().contains("try again in"), "{body}");
        locked_answers.push(body);
    }
    assert_eq!(
        locked_answers[0], locked_answers[1],
        "a locked answer must not tell whether the account exists"
    );
    let (status, _, _) = attempt("admin@enhance.example", PASSWORD);
    assert_eq!(status, 429, "the right password waits for the lock too");

    // Six failures from this address so far; two more on a third e-mail lock the address.
    for _ in 0..2 {
        let (status, _, body) = attempt("someone@enhance.example", "wrong password");
        assert_eq!(status, 403, "{body}");
    }
    let (status, _, body) = attempt("another@enhance.example", "wrong password");
    assert_eq!(
        status, 429,
        "the address is locked for every e-mail: {body}"
    );
}

/// The API takes a session cookie only for requests from this site: a form or script on
/// another site cannot change anything with the learner's or registrar's cookie. A bearer
/// token (which no other site can make a browser send) is unaffected.
#[test]
fn the_api_refuses_changes_another_site_makes_with_the_session_cookie() {
    let Some(base) = start("sqlite") else { return };
    let agent = raw_agent();
    let signed_in = agent
        .post(format!("{base}/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send("email=admin%40enhance.example&password=a+long+password")
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = header(&signed_in, "set-cookie");
    let session = cookie.split(';').next().unwrap().to_owned();
    let (_, universities, _) = example();
    let body = universities[0].to_string();

    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let mut refused = agent
            .post(format!("{base}/api/v1/universities"))
            .header("cookie", &session)
            .header("content-type", "application/json")
            .header(name, value)
            .send(&body)
            .unwrap();
        assert_eq!(refused.status(), 403, "{name}: {value}");
        assert_eq!(header(&refused, "content-type"), "application/problem+json");
        let text = refused.body_mut().read_to_string().unwrap();
        assert!(text.contains("another site"), "{text}");
    }
    // Even an empty form-encoded POST (what the probe used to rotate a key) is refused.
    let refused = agent
        .post(format!("{base}/api/v1/universities/wut/keys"))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .send("")
        .unwrap();
    assert_eq!(refused.status(), 403);

    // Reading with the cookie from anywhere is harmless; so is a change from this site.
    let read = agent
        .get(format!("{base}/api/v1/universities"))
        .header("cookie", &session)
        .header("sec-fetch-site", "cross-site")
        .call()
        .unwrap();
    assert_eq!(read.status(), 200);
    let added = agent
        .post(format!("{base}/api/v1/universities"))
        .header("cookie", &session)
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin")
        .send(&body)
        .unwrap();
    assert_eq!(added.status(), 201);

    // A bearer token is not a browser's ambient credential: its origin does not matter.
    let http = Client::new(&base);
    let token = http.sign_in("admin@enhance.example");
    let added = agent
        .post(format!("{base}/api/v1/universities"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .send(universities[1].to_string())
        .unwrap();
    assert_eq!(added.status(), 201);
}

/// What the probe sent that was answered badly: an undecodable path, non-credentials, a
/// credential with thousands of copies of its proof. Each gets a clear 4xx or an honest
/// verdict, as problem+json where it is an error.
#[test]
fn hostile_requests_get_clear_answers() {
    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let admin = http.sign_in("admin@enhance.example");

    let reply = http.get("/api/v1/credentials/%FF%FE", Some(&admin));
    assert!((400..500).contains(&reply.status), "{}", reply.body);
    assert_eq!(
        reply.content_type, "application/problem+json",
        "{}",
        reply.body
    );

    for not_a_credential in ["{}", "123", "null", "[]", "\"text\""] {
        let reply = http.send(
            "POST",
            "/api/v1/verify",
            None,
            Some(("application/json", not_a_credential.as_bytes().to_vec())),
        );
        let verdict = reply.body["verdict"].as_str().map(str::to_owned);
        assert!(
            verdict.as_deref() == Some("malformed") || (400..500).contains(&reply.status),
            "{not_a_credential}: {} {}",
            reply.status,
            reply.body
        );
        assert_ne!(verdict.as_deref(), Some("tampered"), "{not_a_credential}");
    }

    // One proof copied 6,000 times: refused at once as malformed, never checked 6,000 times.
    let proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "verificationMethod": "did:key:z6MkjdfiWh4ALjRmyFKxdMMJdQYFa9SEJGgCU2p5h3ZE8cMf#z6MkjdfiWh4ALjRmyFKxdMMJdQYFa9SEJGgCU2p5h3ZE8cMf",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKods5D2UAUL5n2Brbx"
    });
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:key:z6MkjdfiWh4ALjRmyFKxdMMJdQYFa9SEJGgCU2p5h3ZE8cMf",
        "credentialSubject": { "id": "did:example:learner" },
        "proof": vec![proof; 6000],
    });
    let reply = http.json("POST", "/api/v1/verify", None, &credential);
    assert_eq!(reply.body["verdict"], "malformed", "{}", reply.body);
    assert!(
        reply.body.to_string().contains("proofs"),
        "the answer names the limit: {}",
        reply.body
    );
}

/// A client that starts a request and never finishes its head is dropped after the header
/// timeout: half-sent requests do not hold connections open.
#[test]
fn a_half_sent_request_is_dropped() {
    use std::io::{Read, Write};
    let Some(base) = start("sqlite") else { return };
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let limit = microcred_server::HEADER_READ_TIMEOUT + std::time::Duration::from_secs(10);
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut answer = Vec::new();
    // The server closes the connection (perhaps after a 408); it does not wait for the rest.
    let read = stream.read_to_end(&mut answer);
    assert!(
        read.is_ok(),
        "the connection was still open after {limit:?}: {read:?}"
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
}

/// The VC API as the W3C suites call it: a VC 1.1 credential issued by a did:key signer (the
/// alliance's own key), a revocation entry on every VC 2.0 credential issued, trust reported
/// apart from verification; and `/api/v1/verify` reading VC-JWTs and baked badges.
#[test]
fn the_vc_api_issues_for_did_key_and_reports_trust_apart() {
    use base64::Engine as _;
    use microcred_credentials::baked::bake_png;
    use microcred_credentials::keys::SigningKey;
    use microcred_credentials::vc_jwt::{JwtForm, sign_vc_jwt};

    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let admin = http.sign_in("admin@enhance.example");
    expect(
        &http.json(
            "PUT",
            "/api/v1/alliance",
            Some(&admin),
            &json!({ "name": { "en": "ENHANCE" } }),
        ),
        200,
    );
    let did_document = expect(&http.get("/.well-known/did.json", None), 200).clone();
    let multibase = did_document["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .to_owned();
    let did_key = format!("did:key:{multibase}");
    let subject = json!({ "id": "did:example:learner", "name": "Zoë" });
    // VC 1.1's context defines no `name` for a subject: a term no context defines is refused.
    let subject_v1 = json!({ "id": "did:example:learner" });

    // VC 1.1, issued by the alliance's key as a did:key: signed as given, no status entry.
    let v1 = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did_key,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": subject_v1,
    });
    let issued = http.json(
        "POST",
        "/credentials/issue",
        Some(&admin),
        &json!({ "credential": v1 }),
    );
    let signed = expect(&issued, 201)["verifiableCredential"].clone();
    assert_eq!(
        signed["proof"]["verificationMethod"],
        format!("{did_key}#{multibase}")
    );
    assert!(signed.get("credentialStatus").is_none());
    let verified = http.json(
        "POST",
        "/credentials/verify",
        None,
        &json!({ "verifiableCredential": signed }),
    );
    assert_eq!(
        expect(&verified, 200)["verified"],
        true,
        "{}",
        verified.body
    );

    // VC 2.0 with a suspension entry asked for: both entries, in the alliance's lists.
    let v2 = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did_key,
        "credentialSubject": subject,
    });
    let issued = http.json(
        "POST",
        "/credentials/issue",
        Some(&admin),
        &json!({ "credential": v2, "options": {
            "credentialStatus": { "type": "BitstringStatusListEntry", "statusPurpose": "suspension" } } }),
    );
    let signed = expect(&issued, 201)["verifiableCredential"].clone();
    let entries = signed["credentialStatus"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{signed}");
    assert_eq!(entries[0]["statusPurpose"], "revocation");
    assert_eq!(entries[1]["statusPurpose"], "suspension");
    // The lists are signed by the alliance's key, which is the did:key issuer: the status holds.
    let vc_api = http.json(
        "POST",
        "/credentials/verify",
        None,
        &json!({ "verifiableCredential": signed }),
    );
    let body = expect(&vc_api, 200);
    assert_eq!(body["verified"], true, "{body}");
    assert!(
        body["checks"]
            .as_array()
            .unwrap()
            .contains(&json!("status")),
        "{body}"
    );
    // The trust list names the alliance's did:web, not its key as a did:key: the strict
    // verification says so.
    let ours = http.json("POST", "/api/v1/verify", None, &signed);
    assert_eq!(
        expect(&ours, 200)["verdict"],
        "unknown-issuer",
        "{}",
        ours.body
    );

    // A credential from outside the alliance: verified by the VC API, with trust apart; the
    // platform's own verification stays strict.
    let stranger = SigningKey::from_bytes(&[42; 32]);
    let stranger_did = stranger.public_key().did_key();
    let foreign = microcred_credentials::data_integrity::add_proof(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": stranger_did,
            "credentialSubject": subject,
        }),
        &stranger,
        &microcred_credentials::data_integrity::ProofOptions::assertion(
            microcred_credentials::data_integrity::Cryptosuite::EddsaRdfc2022,
            stranger.public_key().did_key_verification_method(),
            "2026-01-01T00:00:00Z",
        ),
    )
    .unwrap();
    let vc_api = http.json(
        "POST",
        "/credentials/verify",
        None,
        &json!({ "verifiableCredential": foreign }),
    );
    let body = expect(&vc_api, 200);
    assert_eq!(body["verified"], true, "{body}");
    assert_eq!(body["trust"]["trusted"], false, "{body}");
    assert_eq!(body["errors"], json!([]));
    let strict = http.json("POST", "/api/v1/verify", None, &foreign);
    assert_eq!(expect(&strict, 200)["verdict"], "unknown-issuer");
    let mut tampered = foreign.clone();
    tampered["credentialSubject"]["name"] = "Someone".into();
    let vc_api = http.json(
        "POST",
        "/credentials/verify",
        None,
        &json!({ "verifiableCredential": tampered }),
    );
    assert_eq!(expect(&vc_api, 400)["verdict"], "tampered");

    // A VC-JWT, as text and baked into a PNG, read by /api/v1/verify.
    let jwt = sign_vc_jwt(
        &json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": stranger_did,
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": subject_v1,
        }),
        &stranger,
        &stranger_did,
        JwtForm::Vc11,
    );
    let as_text = http.send(
        "POST",
        "/api/v1/verify",
        None,
        Some(("application/jwt", jwt.clone().into_bytes())),
    );
    let body = expect(&as_text, 200);
    assert_eq!(body["verdict"], "unknown-issuer", "{body}");
    assert!(
        body["checks"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("EdDSA JWS signature")
    );
    let png = bake_png(&demo_logo(), &Value::String(jwt.clone())).unwrap();
    let baked = http.send("POST", "/api/v1/verify", None, Some(("image/png", png)));
    assert_eq!(expect(&baked, 200)["verdict"], "unknown-issuer");
    let mut forged: Vec<&str> = jwt.split('.').collect();
    let other = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(json!({"iss": stranger_did, "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:other"}}}).to_string());
    forged[1] = &other;
    let forged = http.send(
        "POST",
        "/api/v1/verify",
        None,
        Some(("application/vc+jwt", forged.join(".").into_bytes())),
    );
    assert_eq!(expect(&forged, 200)["verdict"], "tampered");
    let junk = http.send(
        "POST",
        "/api/v1/verify",
        None,
        Some(("image/png", b"\x89PNG\r\n\x1a\nnot really".to_vec())),
    );
    assert!(
        expect(&junk, 422)["title"]
            .as_str()
            .unwrap()
            .contains("PNG")
    );
}

/// `POST /api/v1/grades/convert` (anyone) gives what `microcred grades convert` gives: the
/// worked example's C becomes C or B by policy; bad tables and unknown grades are 422 naming
/// what is wrong.
#[test]
fn grades_convert_by_distribution_tables_for_anyone() {
    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let table = |rows: &[(&str, u64)]| -> Value {
        rows.iter()
            .map(|(g, c)| json!({ "grade": g, "count": c }))
            .collect()
    };
    let from = table(&[("E", 92), ("D", 98), ("C", 135), ("B", 37), ("A", 7)]);
    let to = table(&[("E", 10), ("D", 25), ("C", 30), ("B", 25), ("A", 10)]);
    for (policy, expected) in [("lowest", "C"), ("highest", "B"), ("largest-overlap", "B")] {
        let reply = http.json(
            "POST",
            "/api/v1/grades/convert",
            None,
            &json!({ "grade": "C", "from": from, "to": to, "policy": policy }),
        );
        let answer = expect(&reply, 200);
        assert_eq!(answer["grade"], expected, "{answer:#}");
        assert_eq!(answer["source"]["band"], json!([51.49, 88.08]));
        assert_eq!(answer["candidates"][1]["overlap"], 23.08);
    }
    let default = http.json(
        "POST",
        "/api/v1/grades/convert",
        None,
        &json!({ "grade": "C", "from": from, "to": to }),
    );
    assert_eq!(expect(&default, 200)["policy"], "largest-overlap");
    for (body, path) in [
        (json!({ "grade": "F", "from": from, "to": to }), "grade"),
        (json!({ "grade": "C", "from": from, "to": [] }), "to"),
        (
            json!({ "grade": "C", "from": table(&[("C", 1), ("C", 2)]), "to": to }),
            "from",
        ),
        (
            json!({ "grade": "C", "from": from, "to": to, "policy": "median" }),
            "policy",
        ),
    ] {
        let reply = http.json("POST", "/api/v1/grades/convert", None, &body);
        assert_eq!(
            expect(&reply, 422)["errors"][0]["path"],
            path,
            "{}",
            reply.body
        );
    }
    expect(
        &http.json(
            "POST",
            "/api/v1/grades/convert",
            None,
            &json!({ "grade": "C", "from": from, "to": to, "extra": 1 }),
        ),
        422,
    );
}

/// Typed grading schemes and grade distribution tables through the API: a registrar (here the
/// administrator) sets a scheme from a preset, a scheme that is none is refused at its field;
/// tables come from CSV with faults named by line; anyone converts between the two
/// universities by their published tables, the fall-back to a broader table named.
#[test]
fn grading_schemes_tables_and_conversion_between_universities() {
    let Some(base) = start("sqlite") else { return };
    let http = Client::new(&base);
    let (_, universities, _) = example();
    let admin = http.sign_in("admin@enhance.example");
    expect(
        &http.json(
            "PUT",
            "/api/v1/alliance",
            Some(&admin),
            &json!({ "name": { "en": "ENHANCE" } }),
        ),
        200,
    );
    for university in &universities {
        expect(
            &http.json("POST", "/api/v1/universities", Some(&admin), university),
            201,
        );
    }
    let presets = expect(&http.get("/api/v1/grading-schemes/presets", None), 200).clone();
    let preset = |id: &str| {
        presets["presets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["scheme"]
            .clone()
    };
    for (university, scheme, preset_id) in
        [("wut", "wut-grades", "pl"), ("tub", "tub-grades", "de")]
    {
        let set = http.json(
            "PUT",
            &format!("/api/v1/universities/{university}/grading-schemes/{scheme}"),
            Some(&admin),
            &preset(preset_id),
        );
        assert!(
            expect(&set, 200)["description"]
                .as_str()
                .unwrap()
                .contains("lowest pass"),
            "{}",
            set.body
        );
    }
    let bad = http.json(
        "PUT",
        "/api/v1/universities/wut/grading-schemes/other",
        Some(&admin),
        &json!({ "name": "x", "grades": { "kind": "listed", "grades": ["A", "B"], "lowest_pass": "C" } }),
    );
    assert!(
        expect(&bad, 422)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the lowest pass `C` is not one of the grades"),
        "{}",
        bad.body
    );
    let listed = expect(
        &http.get("/api/v1/universities/wut/grading-schemes", None),
        200,
    )
    .clone();
    assert_eq!(listed["gradingSchemes"].as_array().unwrap().len(), 1);

    let csv = |body: &str| Some(("text/csv", body.as_bytes().to_vec()));
    let wut_tables = "field,cycle,grade,count\n,,3.0,92\n,,3.5,98\n,,4.0,135\n,,4.5,37\n,,5.0,7\n0542,first,4.0,3\n0542,first,3.0,2\n";
    let imported = http.send(
        "PUT",
        "/api/v1/universities/wut/grade-tables/wut-grades?period=2022%E2%80%932025",
        Some(&admin),
        csv(wut_tables),
    );
    assert_eq!(
        expect(&imported, 200)["gradeTables"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let faulty = http.send(
        "PUT",
        "/api/v1/universities/tub/grade-tables/tub-grades",
        Some(&admin),
        csv("field,cycle,grade,count\n,,4.0,10\n,,5.0,3\n"),
    );
    let problem = expect(&faulty, 422)["errors"][0].clone();
    assert_eq!(problem["path"], "body:3", "{problem}");
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("does not pass")
    );
    expect(
        &http.send(
            "PUT",
            "/api/v1/universities/tub/grade-tables/tub-grades",
            Some(&admin),
            csv("field,cycle,grade,count\n,,4.0,10\n,,3.0,25\n,,2.0,30\n,,1.3,25\n,,1.0,10\n"),
        ),
        200,
    );
    let tables = expect(
        &http.get("/api/v1/universities/wut/grade-tables", None),
        200,
    )
    .clone();
    assert_eq!(tables["gradeTables"][0]["total"], 369);
    assert_eq!(tables["gradeTables"][0]["period"], "2022–2025");

    // WUT's 4.0 in statistics (first cycle): WUT's field table counts 5 grades, fewer than 100,
    // so the whole university's is used; its band 51.49–88.08 % overlaps TU Berlin's 2.0 and 1.3.
    let converted = http.json(
        "POST",
        "/api/v1/grades/convert-between",
        None,
        &json!({ "grade": "4,0", "from": "wut", "to": "tub", "field": "0542", "cycle": "first", "policy": "lowest" }),
    );
    let answer = expect(&converted, 200);
    assert_eq!(answer["original"], "4.0");
    assert_eq!(answer["grade"], "2.0", "{answer:#}");
    assert_eq!(answer["candidates"].as_array().unwrap().len(), 2);
    let used = answer["tables"][0].as_str().unwrap();
    assert!(
        used.contains("the whole university")
            && used.contains("ISCED-F 0542, first cycle passed over: 5 grades"),
        "{used}"
    );
    for (body, path) in [
        (
            json!({ "grade": "2.0", "from": "wut", "to": "tub" }),
            "grade",
        ),
        (
            json!({ "grade": "6.0", "from": "wut", "to": "tub" }),
            "grade",
        ),
        (
            json!({ "grade": "4.0", "from": "wut", "to": "tub", "min_table_size": 1000 }),
            "from",
        ),
    ] {
        let reply = http.json("POST", "/api/v1/grades/convert-between", None, &body);
        assert_eq!(
            expect(&reply, 422)["errors"][0]["path"],
            path,
            "{}",
            reply.body
        );
    }
    expect(
        &http.json(
            "POST",
            "/api/v1/grades/convert-between",
            None,
            &json!({ "grade": "4.0", "from": "nowhere", "to": "tub" }),
        ),
        404,
    );
}
