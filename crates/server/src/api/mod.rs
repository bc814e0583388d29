//! The endpoints, each declared once: its route, handler and what the OpenAPI document says of
//! it. The router and the document are both made from [`endpoints`], so they cannot disagree.

mod accounts;
mod alliance;
mod catalogue;
mod certificates;
mod credentials;
mod learners;
mod public;
mod stacking;
mod vc_api;

use axum::http::Method;
use axum::routing::MethodRouter;
use serde_json::{Value, json};

use crate::AppState;

/// The body limit of the results import (files are larger than JSON bodies).
pub fn learners_import_limit() -> usize {
    learners::MAX_IMPORT_BYTES
}

/// Who may call an endpoint (for the document; each use case checks it itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    Account,
    /// Accounts holding one of these roles.
    Roles(&'static [&'static str]),
}

/// One endpoint: what the router serves and the OpenAPI document describes.
pub struct Endpoint {
    /// Its HTTP method.
    pub method: Method,
    /// Its path, with `{parameters}`.
    pub path: &'static str,
    /// What it does, in a line.
    pub summary: &'static str,
    /// Its group in the document.
    pub tag: &'static str,
    /// Who may call it.
    pub access: Access,
    /// The request body's JSON Schema, if it takes one.
    pub body: Option<Value>,
    /// The media types of the bodies it reads (JSON unless said).
    pub media_types: &'static [&'static str],
    /// The success status and what it returns.
    pub success: (u16, &'static str),
    /// The handler.
    pub router: MethodRouter<AppState>,
}

impl Endpoint {
    fn new(
        method: Method,
        path: &'static str,
        router: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        Endpoint {
            method,
            path,
            summary,
            tag: "",
            access: Access::Public,
            body: None,
            media_types: &["application/json"],
            success: (200, "OK"),
            router,
        }
    }

    fn tag(mut self, tag: &'static str) -> Endpoint {
        self.tag = tag;
        self
    }

    fn access(mut self, access: Access) -> Endpoint {
        self.access = access;
        self
    }

    /// Reads bodies of these media types instead of JSON.
    fn reads(mut self, media_types: &'static [&'static str]) -> Endpoint {
        self.media_types = media_types;
        self
    }

    fn body(mut self, schema: Value) -> Endpoint {
        self.body = Some(schema);
        self
    }

    fn success(mut self, status: u16, description: &'static str) -> Endpoint {
        self.success = (status, description);
        self
    }
}

fn get(path: &'static str, router: MethodRouter<AppState>, summary: &'static str) -> Endpoint {
    Endpoint::new(Method::GET, path, router, summary)
}

fn post(path: &'static str, router: MethodRouter<AppState>, summary: &'static str) -> Endpoint {
    Endpoint::new(Method::POST, path, router, summary)
}

fn put(path: &'static str, router: MethodRouter<AppState>, summary: &'static str) -> Endpoint {
    Endpoint::new(Method::PUT, path, router, summary)
}

fn delete(path: &'static str, router: MethodRouter<AppState>, summary: &'static str) -> Endpoint {
    Endpoint::new(Method::DELETE, path, router, summary)
}

/// A JSON object schema with the given required string properties.
fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

const ADMIN: Access = Access::Roles(&["alliance-admin"]);
const REGISTRAR: Access = Access::Roles(&["registrar", "alliance-admin"]);
const TEACHER: Access = Access::Roles(&["teacher", "alliance-admin"]);

/// Every endpoint of the platform.
pub fn endpoints() -> Vec<Endpoint> {
    use axum::routing;
    let reason = object(&["reason"], json!({ "reason": { "type": "string" } }));
    vec![
        get("/api/v1", routing::get(public::index), "What the API offers, with links").tag("public"),
        get("/api/v1/openapi.json", routing::get(public::openapi), "This document").tag("public"),
        get("/healthz", routing::get(public::health), "Whether the server and its database answer").tag("public"),
        post("/api/v1/session", routing::post(accounts::sign_in), "Sign in: a session token (also set as a cookie)")
            .tag("accounts")
            .body(object(&["email", "password"], json!({ "email": { "type": "string" }, "password": { "type": "string" } })))
            .success(201, "The session"),
        delete("/api/v1/session", routing::delete(accounts::sign_out), "Sign out").tag("accounts").access(Access::Account).success(204, "Signed out"),
        get("/api/v1/me", routing::get(accounts::me), "The signed-in account").tag("accounts").access(Access::Account),
        post("/api/v1/me/tokens", routing::post(accounts::create_token), "A new API token for programs acting for you (shown once)")
            .tag("accounts")
            .access(Access::Account)
            .body(object(&["name"], json!({ "name": { "type": "string" } })))
            .success(201, "The token"),
        get("/api/v1/accounts", routing::get(accounts::list), "Every account").tag("accounts").access(ADMIN),
        post("/api/v1/accounts", routing::post(accounts::create), "Create an account with its roles")
            .tag("accounts")
            .access(ADMIN)
            .body(object(&["email", "name"], json!({ "email": { "type": "string" }, "name": { "type": "string" }, "password": { "type": "string" }, "grants": { "type": "array", "items": object(&["role"], json!({ "role": { "type": "string" }, "university": { "type": "string" } })) } })))
            .success(201, "The account"),
        get("/api/v1/audit", routing::get(accounts::audit), "The audit log, newest first (?subject=, ?limit=)").tag("accounts").access(ADMIN),
        put("/api/v1/alliance", routing::put(alliance::set_alliance), "Describe the alliance").tag("alliance").access(ADMIN).body(json!({ "type": "object" })),
        get("/api/v1/trust-list", routing::get(alliance::trust_list), "The alliance's trust list: its members' DIDs and documents").tag("alliance"),
        get("/api/v1/universities", routing::get(alliance::universities), "The member universities").tag("alliance"),
        post("/api/v1/universities", routing::post(alliance::add_university), "Add a member university (with a DID and a signing key)")
            .tag("alliance")
            .access(ADMIN)
            .body(json!({ "$ref": "#/components/schemas/University" }))
            .success(201, "The university and its DID"),
        get("/api/v1/universities/{id}", routing::get(alliance::university), "A member university").tag("alliance"),
        put("/api/v1/universities/{id}", routing::put(alliance::update_university), "Change a university's description").tag("alliance").access(ADMIN).body(json!({ "$ref": "#/components/schemas/University" })),
        put("/api/v1/universities/{id}/logo", routing::put(alliance::set_university_logo), "Set a university's logo: a PNG or JPEG body (Content-Type image/png or image/jpeg), at most 512 KiB and 4096 pixels a side")
            .tag("alliance")
            .access(REGISTRAR)
            .body(json!({ "type": "string", "format": "binary" })),
        put("/api/v1/alliance/logo", routing::put(alliance::set_alliance_logo), "Set the alliance's logo (as a university's)")
            .tag("alliance")
            .access(ADMIN)
            .body(json!({ "type": "string", "format": "binary" })),
        get("/api/v1/universities/{id}/keys", routing::get(alliance::keys), "A university's public keys, retired ones too").tag("alliance"),
        post("/api/v1/universities/{id}/keys", routing::post(alliance::rotate_key), "Rotate a university's signing key").tag("alliance").access(ADMIN).success(201, "The new key"),
        get("/api/v1/universities/{id}/signatories", routing::get(alliance::signatories), "Who signs printed certificates").tag("alliance"),
        post("/api/v1/universities/{id}/signatories", routing::post(alliance::add_signatory), "Add a signatory")
            .tag("alliance")
            .access(ADMIN)
            .body(object(&["name", "role"], json!({ "name": { "type": "string" }, "role": { "type": "string" } })))
            .success(201, "The signatory"),
        post("/api/v1/universities/{id}/signatories/{signatory}/retire", routing::post(alliance::retire_signatory), "A signatory leaves office: new certificates are signed by the next active one, those issued before still print them")
            .tag("alliance")
            .access(ADMIN)
            .success(200, "The signatory, with the end of their office"),
        put("/api/v1/universities/{id}/signatories/{signatory}/signature", routing::put(certificates::set_signature), "Set a signatory's signature image, printed above their name: a PNG or JPEG body, as a logo (it is never served)")
            .tag("certificates")
            .access(REGISTRAR)
            .body(json!({ "type": "string", "format": "binary" })),
        get("/api/v1/alliance/certificate-template", routing::get(certificates::template), "The certificate template (Typst source): the alliance's own, or the built-in one").tag("certificates").access(Access::Account),
        put("/api/v1/alliance/certificate-template", routing::put(certificates::set_template), "Set the alliance's certificate template (Typst source, UTF-8); a sample certificate is laid out with it first, and its errors come back with line and column")
            .tag("certificates")
            .access(ADMIN)
            .body(json!({ "type": "string" })),
        delete("/api/v1/alliance/certificate-template", routing::delete(certificates::reset_template), "Go back to the built-in certificate template").tag("certificates").access(ADMIN).success(204, "Reset"),
        get("/api/v1/universities/{id}/grading-schemes", routing::get(alliance::grading_schemes), "A university's grading schemes").tag("alliance"),
        put("/api/v1/universities/{id}/grading-schemes/{scheme}", routing::put(alliance::set_grading_scheme), "Set a grading scheme: `{\"name\", \"grades\": {\"kind\": \"listed\", \"grades\": [best first], \"lowest_pass\"}}`, or `{\"kind\": \"range\", \"best\", \"worst\", \"lowest_pass\", \"decimals\"}`, or `{\"kind\": \"pass-fail\"}`").tag("alliance").access(REGISTRAR).body(json!({ "type": "object" })),
        get("/api/v1/grading-schemes/presets", routing::get(alliance::grading_scheme_presets), "Common grading schemes (PL, DE, FR, IT, NL, ES, A–F, pass/fail) to start from").tag("alliance"),
        get("/api/v1/universities/{id}/grade-tables", routing::get(alliance::grade_tables), "A university's grade distribution tables, per ISCED-F field and cycle").tag("alliance"),
        put("/api/v1/universities/{id}/grade-tables/{scheme}", routing::put(alliance::import_grade_tables), "Replace a university's grade distribution tables of one scheme: CSV `field,cycle,grade,count` (field: ISCED-F code or empty for the whole university; cycle: short-cycle, first, second, third or empty), ?period=")
            .tag("alliance")
            .access(REGISTRAR)
            .body(json!({ "type": "string" }))
            .reads(&["text/csv"]),
        get("/api/v1/course-elements", routing::get(catalogue::course_elements), "Course elements (?university=)").tag("catalogue"),
        put("/api/v1/course-elements/{id}", routing::put(catalogue::put_course_element), "Add or change a course element")
            .tag("catalogue")
            .access(Access::Roles(&["teacher", "registrar", "alliance-admin"]))
            .body(json!({ "$ref": "#/components/schemas/CourseElement" })),
        get("/api/v1/catalogue", routing::get(catalogue::catalogue), "Published specifications (?q=, typology, min_ects, max_ects, eqf, mode, language, university, subject)").tag("catalogue"),
        get("/api/v1/catalogue/{id}", routing::get(catalogue::published), "A published specification").tag("catalogue"),
        get("/api/v1/specifications", routing::get(catalogue::specifications), "Every specification's newest version").tag("review").access(Access::Account),
        post("/api/v1/specifications", routing::post(catalogue::create_specification), "Create a specification (a draft)")
            .tag("review")
            .access(TEACHER)
            .body(json!({ "$ref": "#/components/schemas/Specification" }))
            .success(201, "The draft"),
        get("/api/v1/specifications/{id}", routing::get(catalogue::specification), "A specification's newest version").tag("review").access(Access::Account),
        put("/api/v1/specifications/{id}", routing::put(catalogue::update_specification), "Change a specification (a published one gets a new version)")
            .tag("review")
            .access(TEACHER)
            .body(json!({ "$ref": "#/components/schemas/Specification" })),
        get("/api/v1/specifications/{id}/versions", routing::get(catalogue::versions), "Every version").tag("review").access(Access::Account),
        get("/api/v1/specifications/{id}/versions/{version}", routing::get(catalogue::version), "One version").tag("review").access(Access::Account),
        get("/api/v1/specifications/{id}/history", routing::get(catalogue::history), "Who did what, when and why").tag("review").access(Access::Account),
        post("/api/v1/specifications/{id}/check", routing::post(catalogue::check), "The rules' findings for the newest version").tag("review").access(Access::Account),
        post("/api/v1/specifications/{id}/submit", routing::post(catalogue::submit), "Submit for review (refused while an obligation is not met)")
            .tag("review")
            .access(TEACHER)
            .body(object(&[], json!({ "comment": { "type": "string" } }))),
        post("/api/v1/specifications/{id}/advice", routing::post(catalogue::advise), "Preliminary advice of the jury or the task group")
            .tag("review")
            .access(Access::Roles(&["jury", "task-group"]))
            .body(object(&["recommendation"], json!({ "recommendation": { "enum": ["approve", "reject", "changes"] }, "comment": { "type": "string" } })))
            .success(204, "Recorded"),
        post("/api/v1/specifications/{id}/decision", routing::post(catalogue::decide), "The board's decision")
            .tag("review")
            .access(Access::Roles(&["board"]))
            .body(object(&["decision"], json!({ "decision": { "enum": ["approve", "reject", "request-changes"] }, "reason": { "type": "string" } }))),
        post("/api/v1/specifications/{id}/retire", routing::post(catalogue::retire), "Retire the published version").tag("review").access(Access::Roles(&["board"])).body(reason.clone()),
        get("/api/v1/review-queue", routing::get(catalogue::queue), "Versions waiting for advice or a decision").tag("review").access(Access::Roles(&["jury", "task-group", "board", "alliance-admin"])),
        get("/api/v1/learners", routing::get(learners::find), "Learners (?university=&student_id=, or ?email=)").tag("learners").access(REGISTRAR),
        get("/api/v1/learners/{id}", routing::get(learners::learner), "A learner").tag("learners").access(Access::Account),
        get("/api/v1/learners/{id}/results", routing::get(learners::results), "A learner's results").tag("learners").access(Access::Account),
        get("/api/v1/learners/{id}/stacking", routing::get(stacking::progress), "A learner's progress towards every published stacked credential: per pool, what counts, what does not and why, what is missing, and the day the rule was met").tag("stacking").access(Access::Account),
        get("/api/v1/learners/{id}/external-credentials", routing::get(stacking::external_credentials), "The external credentials recorded for a learner, with their last verification").tag("stacking").access(Access::Account),
        post("/api/v1/learners/{id}/external-credentials", routing::post(stacking::record_external), "Record another institution's credential for a learner (the learner, or a registrar of their university): verified now against the members and the issuers stacked credentials recognise, stored with the verdict and report")
            .tag("stacking")
            .access(Access::Account)
            .body(object(&["credential"], json!({ "credential": { "description": "the credential: its JSON, or a VC-JWT as a string" } })))
            .success(201, "The recorded credential, its verdict, and the stacked credentials it counts for"),
        post("/api/v1/learners/{id}/merge", routing::post(learners::merge), "Merge another record of the same person into this one")
            .tag("learners")
            .access(REGISTRAR)
            .body(object(&["other"], json!({ "other": { "type": "string" } }))),
        post("/api/v1/learners/{id}/account", routing::post(learners::account), "An account for the learner")
            .tag("learners")
            .access(REGISTRAR)
            .body(object(&["email"], json!({ "email": { "type": "string" }, "password": { "type": "string" } })))
            .success(201, "The account"),
        post("/api/v1/learners/{id}/invitations", routing::post(learners::invite), "An invitation for the learner to make their own account: a link to hand them (shown once)")
            .tag("learners")
            .access(REGISTRAR)
            .success(201, "The invitation's link and when it expires"),
        get("/api/v1/invitations/{token}", routing::get(accounts::invitation), "An invitation, as its holder sees it").tag("accounts"),
        post("/api/v1/invitations/{token}", routing::post(accounts::accept_invitation), "Accept an invitation: a new account (body), or the signed-in one (no body), takes the learner's credentials")
            .tag("accounts")
            .body(object(&["email", "password"], json!({ "email": { "type": "string" }, "password": { "type": "string" } })))
            .success(201, "The session of the account that accepted"),
        post("/api/v1/results", routing::post(learners::record), "Record results (rows as in a results file)")
            .tag("learners")
            .access(REGISTRAR)
            .body(json!({ "type": "array", "items": { "$ref": "#/components/schemas/ResultRow" } }))
            .success(201, "What was stored, row by row"),
        post("/api/v1/results/import", routing::post(learners::import), "Import a results file: CSV (text/csv) or XLSX (?name=file)")
            .tag("learners")
            .access(REGISTRAR)
            .body(json!({ "type": "string", "format": "binary" }))
            .reads(&["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
            .success(201, "What was stored, row by row"),
        post("/api/v1/specifications/{id}/issue", routing::post(credentials::issue), "Issue to the given learners, or to every eligible one")
            .tag("credentials")
            .access(REGISTRAR)
            .body(object(&[], json!({ "learners": { "type": "array", "items": { "type": "string" } } })))
            .success(200, "Counts of issued, already held and not eligible learners, and the first 1,000 of each (complete: false when cut)"),
        get("/api/v1/credentials", routing::get(credentials::list), "Credentials you may see (?specification=, learner=, issuer=, limit=, offset=)").tag("credentials").access(Access::Account),
        get("/api/v1/credentials/{id}", routing::get(credentials::credential), "A credential and its state").tag("credentials").access(Access::Account),
        get("/api/v1/credentials/{id}/credential.json", routing::get(credentials::download), "The signed credential, to download").tag("credentials").access(Access::Account),
        get("/api/v1/credentials/{id}/credential.edc.json", routing::get(credentials::download_edc), "The credential as a Europass EDC (ELM 3.2) sealed with JAdES, to download; 404 where it was issued without one (its issuer had no e-seal)").tag("credentials").access(Access::Account),
        get("/api/v1/credentials/{id}/certificate.pdf", routing::get(certificates::certificate_pdf), "The printed certificate: A4 PDF/A-3 with the signed credential attached (?language=en|de)").tag("certificates").access(Access::Account),
        get("/api/v1/credentials/{id}/certificate.png", routing::get(certificates::certificate_png), "One page of the printed certificate as PNG, 144 dpi (?page=1, ?language=); X-Page-Count says how many").tag("certificates").access(Access::Account),
        get("/api/v1/credentials/{id}/badge.png", routing::get(certificates::badge_png), "The badge image as PNG with the signed credential baked in (Open Badges 3.0 baking; active credentials only)").tag("certificates").access(Access::Account),
        get("/api/v1/credentials/{id}/badge.svg", routing::get(certificates::badge_svg), "The badge image as SVG with the signed credential baked in (Open Badges 3.0 baking; active credentials only)").tag("certificates").access(Access::Account),
        get("/api/v1/credentials/{id}/stacking", routing::get(stacking::stacked_award), "A stacked credential's stored evaluation (the trace it was issued on), its components, and whether it is up for review; `stacked: null` for a credential that is not stacked").tag("stacking").access(Access::Account),
        get("/api/v1/credentials/{id}/bundle.json", routing::get(stacking::bundle), "The credential with its components, as one Verifiable Presentation (a stacked credential names each by its digest; a credential that is not stacked comes alone): `microcred credential verify` checks it").tag("stacking").access(Access::Account),
        post("/api/v1/credentials/{id}/keep", routing::post(stacking::keep), "Keep a stacked credential up for review (a component was revoked): it stands, with the reason").tag("stacking").access(REGISTRAR).body(reason.clone()),
        get("/api/v1/stacking/review", routing::get(stacking::in_review), "Stacked credentials up for review because a component was revoked, suspended or corrected (your universities' or, for the administrator, all)").tag("stacking").access(REGISTRAR),
        post("/api/v1/credentials/{id}/revoke", routing::post(credentials::revoke), "Revoke, with the reason").tag("credentials").access(REGISTRAR).body(reason.clone()),
        post("/api/v1/credentials/{id}/suspend", routing::post(credentials::suspend), "Suspend, with the reason").tag("credentials").access(REGISTRAR).body(reason.clone()),
        post("/api/v1/credentials/{id}/reinstate", routing::post(credentials::reinstate), "Lift a suspension").tag("credentials").access(REGISTRAR).body(reason.clone()),
        post("/api/v1/credentials/{id}/correct", routing::post(credentials::correct), "Issue again from corrected data; the old one is revoked").tag("credentials").access(REGISTRAR).body(reason),
        post("/api/v1/verify", routing::post(public::verify), "Verify a credential (anyone): a verdict, the checks, and what it says. JSON (a credential, a sealed EDC, or a VC-JWT as a string), a VC-JWT (application/jwt, application/vc+jwt), or a baked badge (image/png, image/svg+xml)")
            .tag("public")
            .body(json!({ "description": "the credential" }))
            .reads(&["application/json", "application/jwt", "application/vc+jwt", "image/png", "image/svg+xml"]),
        post("/api/v1/grades/convert-between", routing::post(public::convert_between), "Convert a grade of one member university to another's scale by their published grade distribution tables (anyone): `{\"grade\", \"from\", \"to\", \"field\"?, \"cycle\"?, \"policy\"?, \"min_table_size\"?}`; the tables used are named, falling back from the field to broader ones and the whole university")
            .tag("public")
            .body(json!({ "type": "object" })),
        post("/api/v1/grades/convert", routing::post(public::convert_grade), "Convert a grade to another university's scale by two grade distribution tables (anyone; ECTS Users' Guide, EGRACONS): the suggested grade, the overlapping target grades and their bands")
            .tag("public")
            .body(object(&["grade", "from", "to"], json!({
                "grade": { "type": "string", "description": "the grade, as the source table names it" },
                "from": { "type": "array", "description": "the source table, lowest pass first", "items": object(&["grade", "count"], json!({ "grade": { "type": "string" }, "count": { "type": "integer", "minimum": 0 } })) },
                "to": { "type": "array", "description": "the target table, lowest pass first", "items": object(&["grade", "count"], json!({ "grade": { "type": "string" }, "count": { "type": "integer", "minimum": 0 } })) },
                "policy": { "type": "string", "enum": ["lowest", "highest", "largest-overlap"], "default": "largest-overlap" }
            }))),
        get("/status/{id}", routing::get(public::status_list), "A status list credential").tag("public"),
        get("/.well-known/did.json", routing::get(public::alliance_did), "The alliance's DID document").tag("public"),
        get("/u/{id}/did.json", routing::get(public::university_did), "A university's DID document").tag("public"),
        get("/u/{id}/logo", routing::get(public::university_logo), "A university's logo").tag("public"),
        get("/alliance/logo", routing::get(public::alliance_logo), "The alliance's logo").tag("public"),
        get("/catalogue/{id}/{version}", routing::get(public::achievement), "A published specification version: the achievement credentials name").tag("public"),
        get("/contexts/microcred-v1.jsonld", routing::get(public::context), "microcred's JSON-LD context for the EU elements").tag("public"),
        post("/credentials/issue", routing::post(vc_api::issue), "VC API: sign a credential as its issuer")
            .tag("vc-api")
            .access(REGISTRAR)
            .body(object(&["credential"], json!({ "credential": { "type": "object" }, "options": { "type": "object" } })))
            .success(201, "{\"verifiableCredential\": …}"),
        post("/credentials/verify", routing::post(vc_api::verify_credential), "VC API: verify a credential (400 when not verified)")
            .tag("vc-api")
            .body(object(&["verifiableCredential"], json!({ "verifiableCredential": { "type": "object" }, "options": { "type": "object" } }))),
        post("/presentations/verify", routing::post(vc_api::verify_presentation), "VC API: verify a presentation and its credentials (400 when not verified)")
            .tag("vc-api")
            .body(object(&["verifiablePresentation"], json!({ "verifiablePresentation": { "type": "object" }, "options": { "type": "object" } }))),
    ]
}
