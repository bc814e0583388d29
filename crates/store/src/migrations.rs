//! The schema, as numbered migrations applied in order, each in its own transaction. SQL both
//! databases understand; `{serial}` and `{bytes}` are the words that differ. Add migrations,
//! never edit one that has shipped.

use sqlx::Executor;

use crate::{Backend, Store, StoreError, now};

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "the platform: alliance, universities, keys, accounts, catalogue, review, learners, results, credentials, status lists, audit",
        r#"
CREATE TABLE alliance (
    id TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE universities (
    id TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    did TEXT NOT NULL UNIQUE,
    updated_at BIGINT NOT NULL
);
CREATE TABLE signatories (
    id TEXT PRIMARY KEY,
    university_id TEXT NOT NULL REFERENCES universities(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE TABLE grading_schemes (
    id TEXT PRIMARY KEY,
    university_id TEXT NOT NULL REFERENCES universities(id),
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    did TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE INDEX signing_keys_owner ON signing_keys(owner);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    learner_id TEXT,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE account_roles (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL,
    university_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, role, university_id)
);
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE TABLE course_elements (
    id TEXT PRIMARY KEY,
    university_id TEXT NOT NULL REFERENCES universities(id),
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE specifications (
    id TEXT PRIMARY KEY,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE specification_versions (
    specification_id TEXT NOT NULL REFERENCES specifications(id),
    version BIGINT NOT NULL,
    state TEXT NOT NULL,
    document TEXT NOT NULL,
    findings TEXT NOT NULL DEFAULT '[]',
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (specification_id, version)
);
CREATE INDEX specification_versions_state ON specification_versions(state);
CREATE TABLE review_events (
    seq {serial},
    specification_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    by_account TEXT NOT NULL,
    by_role TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX review_events_specification ON review_events(specification_id, version);
CREATE TABLE learners (
    id TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    email TEXT,
    merged_into TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX learners_email ON learners(email);
CREATE TABLE learner_student_ids (
    university_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    learner_id TEXT NOT NULL REFERENCES learners(id),
    PRIMARY KEY (university_id, student_id)
);
CREATE INDEX learner_student_ids_learner ON learner_student_ids(learner_id);
CREATE TABLE results (
    learner_id TEXT NOT NULL REFERENCES learners(id),
    element_id TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    passed BIGINT NOT NULL,
    grade TEXT,
    overall_grade TEXT,
    import_id TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (learner_id, element_id, completed_on)
);
CREATE INDEX results_element ON results(element_id, learner_id);
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    by_account TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    rows_ok BIGINT NOT NULL DEFAULT 0,
    rows_bad BIGINT NOT NULL DEFAULT 0,
    problems TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE import_learner_keys (
    import_id TEXT NOT NULL,
    learner_key TEXT NOT NULL,
    learner_id TEXT NOT NULL,
    PRIMARY KEY (import_id, learner_key)
);
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    specification_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    learner_id TEXT NOT NULL,
    issuer TEXT NOT NULL,
    state TEXT NOT NULL,
    is_current BIGINT NOT NULL DEFAULT 1,
    document TEXT NOT NULL,
    date_of_issuing TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    replaces TEXT,
    reason TEXT NOT NULL DEFAULT '',
    changed_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX credentials_once ON credentials(specification_id, learner_id) WHERE is_current = 1;
CREATE INDEX credentials_learner ON credentials(learner_id);
CREATE TABLE status_lists (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    purpose TEXT NOT NULL,
    url TEXT NOT NULL UNIQUE,
    bits TEXT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0,
    allocated TEXT NOT NULL,
    signed TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX status_lists_owner ON status_lists(owner, purpose);
CREATE TABLE status_entries (
    list_id TEXT NOT NULL REFERENCES status_lists(id),
    entry BIGINT NOT NULL,
    credential_id TEXT NOT NULL,
    PRIMARY KEY (list_id, entry)
);
CREATE INDEX status_entries_credential ON status_entries(credential_id);
CREATE TABLE logos (
    owner TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    image {bytes} NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE audit_log (
    seq {serial},
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
"#,
    ),
    (
        2,
        "printed certificates: signatories' signature images, the alliance's certificate template",
        r#"
CREATE TABLE signatures (
    owner TEXT PRIMARY KEY REFERENCES signatories(id),
    media_type TEXT NOT NULL,
    image {bytes} NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE certificate_templates (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
"#,
    ),
    (
        3,
        "signatories leave office: a certificate prints who signed when it was issued",
        r#"
ALTER TABLE signatories ADD COLUMN retired_at BIGINT;
"#,
    ),
    (
        4,
        "work the web pages hand over between requests, shared by every server: results files held for confirmation, issuing runs and their progress",
        r#"
CREATE TABLE held_files (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes {bytes} NOT NULL,
    held_at BIGINT NOT NULL
);
CREATE INDEX held_files_owner ON held_files(owner, held_at);
CREATE TABLE issuing_runs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    specification_id TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    finished BIGINT NOT NULL DEFAULT 0,
    issued BIGINT NOT NULL DEFAULT 0,
    already_held BIGINT NOT NULL DEFAULT 0,
    not_eligible BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
"#,
    ),
    (
        5,
        "failed sign-ins, per account and per source address",
        r#"
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
"#,
    ),
    (
        6,
        "invitations: a learner binds an account to themself by accepting one",
        r#"
CREATE TABLE learner_invitations (
    token_hash TEXT PRIMARY KEY,
    learner_id TEXT NOT NULL REFERENCES learners(id),
    invited_by TEXT NOT NULL REFERENCES accounts(id),
    university_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_by TEXT,
    accepted_at BIGINT
);
CREATE INDEX learner_invitations_learner ON learner_invitations(learner_id);
"#,
    ),
    (
        7,
        "formats and algorithms: keys carry their algorithm (and certificate chain), a credential holds one document per format",
        r#"
ALTER TABLE signing_keys ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'Ed25519';
ALTER TABLE signing_keys ADD COLUMN certificate_chain TEXT;
ALTER TABLE credentials ADD COLUMN format TEXT NOT NULL DEFAULT 'ob3-di';
CREATE TABLE credential_documents (
    credential_id TEXT NOT NULL REFERENCES credentials(id),
    format TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (credential_id, format)
);
"#,
    ),
    (
        8,
        "stacking: learners' external credentials with their verification, stacked credentials' traces and components",
        r#"
CREATE TABLE external_credentials (
    id TEXT PRIMARY KEY,
    learner_id TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    document TEXT NOT NULL,
    format TEXT NOT NULL,
    issuer_names TEXT NOT NULL,
    issuer_label TEXT NOT NULL,
    achievement TEXT NOT NULL,
    title TEXT NOT NULL,
    awarded_on TEXT NOT NULL,
    valid_until TEXT,
    ects_hundredths BIGINT,
    verdict TEXT NOT NULL,
    report TEXT NOT NULL,
    verified_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX external_credentials_learner ON external_credentials(learner_id);
CREATE TABLE stacked_awards (
    credential_id TEXT PRIMARY KEY REFERENCES credentials(id),
    specification_id TEXT NOT NULL,
    learner_id TEXT NOT NULL,
    trace TEXT NOT NULL,
    review TEXT NOT NULL DEFAULT '',
    review_since BIGINT
);
CREATE TABLE stacked_components (
    stacked_id TEXT NOT NULL REFERENCES credentials(id),
    component_id TEXT NOT NULL,
    PRIMARY KEY (stacked_id, component_id)
);
CREATE INDEX stacked_components_component ON stacked_components(component_id);
"#,
    ),
    (
        9,
        "grade distribution tables: a university's passing grades counted per ISCED-F field and cycle",
        r#"
CREATE TABLE grade_tables (
    university_id TEXT NOT NULL REFERENCES universities(id),
    scheme_id TEXT NOT NULL,
    field TEXT NOT NULL,
    cycle TEXT NOT NULL,
    period TEXT NOT NULL,
    grades TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (university_id, scheme_id, field, cycle)
);
"#,
    ),
    (
        10,
        "credentials keep the grade they state (a stacked rule's minimum grade reads it without the document)",
        "ALTER TABLE credentials ADD COLUMN grade TEXT;",
    ),
];

/// Applies the migrations not yet applied, up to `up_to` (every one when `None`).
pub(crate) async fn run(store: &Store, up_to: Option<i64>) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    connection
        .execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
    drop(connection);
    for (version, description, sql) in MIGRATIONS
        .iter()
        .filter(|(v, _, _)| up_to.is_none_or(|last| *v <= last))
    {
        let mut tx = store.begin().await?;
        if store.backend() == Backend::Postgres {
            // Two servers starting at once: the second waits, then finds the work done.
            tx.execute("SELECT pg_advisory_xact_lock(7071966)").await?;
        }
        let applied: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_some() {
            continue;
        }
        let serial = match store.backend() {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        let bytes = match store.backend() {
            Backend::Sqlite => "BLOB",
            Backend::Postgres => "BYTEA",
        };
        let sql = sql.replace("{serial}", serial).replace("{bytes}", bytes);
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            tx.execute(sqlx::AssertSqlSafe(statement.to_owned()))
                .await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(*version)
        .bind(*description)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
