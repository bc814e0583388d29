//! Issued credentials, as signed, with their state. At most one current credential per learner
//! and specification (a unique index): issuing twice, even at the same moment, never makes two.

use sqlx::{AnyConnection, Row};

use microcred_model::CredentialState;

use crate::{
    StoreError, composed, from_json, now, placeholders, rows_per_statement, to_json, value_rows,
};

#[derive(Clone, Debug, PartialEq)]
/// An issued credential as stored.
pub struct CredentialRecord {
    /// `urn:uuid:…`, as in the credential.
    pub id: String,
    /// The specification it awards.
    pub specification_id: String,
    /// The specification's version.
    pub version: i64,
    /// The learner it was awarded to.
    pub learner_id: String,
    /// The issuing university's id, or `alliance`.
    pub issuer: String,
    /// Active, suspended or revoked.
    pub state: CredentialState,
    /// False once a correction replaced it.
    pub current: bool,
    /// The format of `document` (`ob3-di`): the first the credential was issued in.
    pub format: String,
    /// The signed credential.
    pub document: serde_json::Value,
    /// The same credential in the other formats it was issued in, one document each. Read by
    /// [`get`]; lists leave them out.
    pub alternatives: Vec<CredentialDocument>,
    /// The day the last requirement was met, `YYYY-MM-DD`.
    pub date_of_issuing: String,
    /// When it was issued (seconds since 1970).
    pub issued_at: i64,
    /// The credential this one corrects.
    pub replaces: Option<String>,
    /// Why it was revoked, suspended or replaced.
    pub reason: String,
    /// When its state last changed.
    pub changed_at: i64,
    /// The grade it states, as its grading university's scheme writes it (none for one
    /// awarded without a grade, and for credentials issued before grades were kept here: read
    /// their document).
    pub grade: Option<String>,
}

/// One signed document of a credential, in one format.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialDocument {
    /// Its format's name (`microcred_credentials::formats`).
    pub format: String,
    /// The signed document.
    pub document: serde_json::Value,
}

const COLUMNS: &str = "id, specification_id, version, learner_id, issuer, state, is_current, format, document, date_of_issuing, issued_at, replaces, reason, changed_at, grade";
/// Columns per credential row.
const WIDTH: usize = 15;

fn read(row: &sqlx::any::AnyRow) -> Result<CredentialRecord, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(CredentialRecord {
        id: row.try_get("id")?,
        specification_id: row.try_get("specification_id")?,
        version: row.try_get("version")?,
        learner_id: row.try_get("learner_id")?,
        issuer: row.try_get("issuer")?,
        state: CredentialState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown credential state `{state}`")))?,
        current: row.try_get::<i64, _>("is_current")? != 0,
        format: row.try_get("format")?,
        document: from_json("credential", &row.try_get::<String, _>("document")?)?,
        alternatives: Vec::new(),
        date_of_issuing: row.try_get("date_of_issuing")?,
        issued_at: row.try_get("issued_at")?,
        replaces: row.try_get("replaces")?,
        reason: row.try_get("reason")?,
        changed_at: row.try_get("changed_at")?,
        grade: row.try_get("grade")?,
    })
}

/// Stores a newly issued credential; `Conflict` if the learner already holds a current one
/// for this specification.
pub async fn insert(c: &mut AnyConnection, record: &CredentialRecord) -> Result<(), StoreError> {
    let inserted = sqlx::query(composed(format!(
        "INSERT INTO credentials ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    )))
    .bind(&record.id)
    .bind(&record.specification_id)
    .bind(record.version)
    .bind(&record.learner_id)
    .bind(&record.issuer)
    .bind(record.state.name())
    .bind(i64::from(record.current))
    .bind(&record.format)
    .bind(to_json(&record.document))
    .bind(&record.date_of_issuing)
    .bind(record.issued_at)
    .bind(&record.replaces)
    .bind(&record.reason)
    .bind(record.changed_at)
    .bind(&record.grade)
    .execute(&mut *c)
    .await;
    match inserted {
        Ok(_) => insert_alternatives(c, std::slice::from_ref(record)).await,
        Err(e) => {
            let error = StoreError::from(e);
            Err(if error.is_conflict() {
                StoreError::Conflict(format!(
                    "a current credential of learner {} for `{}`",
                    record.learner_id, record.specification_id
                ))
            } else {
                error
            })
        }
    }
}

/// Stores newly issued credentials in as few statements as fit. The caller has made sure none
/// is held already (the unique index would refuse the whole statement).
pub async fn insert_many(
    c: &mut AnyConnection,
    records: &[CredentialRecord],
) -> Result<(), StoreError> {
    for chunk in records.chunks(rows_per_statement(WIDTH)) {
        let sql = format!(
            "INSERT INTO credentials ({COLUMNS}) VALUES {}",
            value_rows(chunk.len(), WIDTH, 1, "")
        );
        let mut query = sqlx::query(composed(sql));
        for record in chunk {
            query = query
                .bind(&record.id)
                .bind(&record.specification_id)
                .bind(record.version)
                .bind(&record.learner_id)
                .bind(&record.issuer)
                .bind(record.state.name())
                .bind(i64::from(record.current))
                .bind(&record.format)
                .bind(to_json(&record.document))
                .bind(&record.date_of_issuing)
                .bind(record.issued_at)
                .bind(&record.replaces)
                .bind(&record.reason)
                .bind(record.changed_at)
                .bind(&record.grade);
        }
        query.execute(&mut *c).await.map_err(|e| {
            let error = StoreError::from(e);
            if error.is_conflict() {
                StoreError::Conflict("a current credential of one of these learners".into())
            } else {
                error
            }
        })?;
    }
    insert_alternatives(c, records).await
}

/// Stores the credentials' documents in their other formats.
async fn insert_alternatives(
    c: &mut AnyConnection,
    records: &[CredentialRecord],
) -> Result<(), StoreError> {
    let rows: Vec<(&str, &CredentialDocument)> = records
        .iter()
        .flat_map(|r| r.alternatives.iter().map(move |d| (r.id.as_str(), d)))
        .collect();
    for chunk in rows.chunks(rows_per_statement(3)) {
        let sql = format!(
            "INSERT INTO credential_documents (credential_id, format, document) VALUES {}",
            value_rows(chunk.len(), 3, 1, "")
        );
        let mut query = sqlx::query(composed(sql));
        for (id, document) in chunk {
            query = query
                .bind(*id)
                .bind(&document.format)
                .bind(to_json(&document.document));
        }
        query.execute(&mut *c).await?;
    }
    Ok(())
}

/// A credential with its documents in every format it was issued in.
pub async fn get(c: &mut AnyConnection, id: &str) -> Result<Option<CredentialRecord>, StoreError> {
    let Some(mut record) = get_row(c, id).await? else {
        return Ok(None);
    };
    record.alternatives = sqlx::query(
        "SELECT format, document FROM credential_documents WHERE credential_id = $1 ORDER BY format",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|row| {
        Ok(CredentialDocument {
            format: row.try_get("format")?,
            document: from_json("credential", &row.try_get::<String, _>("document")?)?,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    Ok(Some(record))
}

async fn get_row(c: &mut AnyConnection, id: &str) -> Result<Option<CredentialRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM credentials WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// The learner's current credential for a specification, if any.
pub async fn current(
    c: &mut AnyConnection,
    specification_id: &str,
    learner_id: &str,
) -> Result<Option<CredentialRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM credentials WHERE specification_id = $1 AND learner_id = $2 AND is_current = 1"
    )))
    .bind(specification_id)
    .bind(learner_id)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// Which of `learners` already hold a current credential for the specification.
pub async fn holders(
    c: &mut AnyConnection,
    specification_id: &str,
    learners: &[String],
) -> Result<Vec<String>, StoreError> {
    if learners.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for learners in learners.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT learner_id FROM credentials WHERE specification_id = $1 AND is_current = 1 AND learner_id IN ({})",
            placeholders(2, learners.len())
        );
        let mut query = sqlx::query(composed(sql)).bind(specification_id);
        for l in learners {
            query = query.bind(l);
        }
        for row in query.fetch_all(&mut *c).await? {
            out.push(row.try_get(0)?);
        }
    }
    Ok(out)
}

/// A filter for listing credentials.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// One learner's.
    pub learner: Option<String>,
    /// One specification's.
    pub specification: Option<String>,
    /// One issuer's.
    pub issuer: Option<String>,
    /// At most this many.
    pub limit: i64,
    /// After skipping this many.
    pub offset: i64,
}

/// Credentials matching the filter, newest first (their leading documents only).
pub async fn list(
    c: &mut AnyConnection,
    filter: &Filter,
) -> Result<Vec<CredentialRecord>, StoreError> {
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    for (column, value) in [
        ("learner_id", &filter.learner),
        ("specification_id", &filter.specification),
        ("issuer", &filter.issuer),
    ] {
        if let Some(v) = value {
            values.push(v.clone());
            conditions.push(format!("{column} = ${}", values.len()));
        }
    }
    let condition = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM credentials {condition} ORDER BY issued_at DESC, id LIMIT ${} OFFSET ${}",
        values.len() + 1,
        values.len() + 2
    );
    let mut query = sqlx::query(composed(sql));
    for v in &values {
        query = query.bind(v);
    }
    query
        .bind(filter.limit.max(1))
        .bind(filter.offset.max(0))
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// Changes a credential's state, with the reason; `Conflict` if it is not in one of `from`.
pub async fn set_state(
    c: &mut AnyConnection,
    id: &str,
    from: &[CredentialState],
    to: CredentialState,
    reason: &str,
) -> Result<(), StoreError> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.name())).collect();
    let done = sqlx::query(composed(format!(
        "UPDATE credentials SET state = $1, reason = $2, changed_at = $3 WHERE id = $4 AND state IN ({})",
        allowed.join(", ")
    )))
    .bind(to.name())
    .bind(reason)
    .bind(now())
    .bind(id)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "credential {id} is not {}",
            from.iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    Ok(())
}

/// Marks a credential as replaced by a correction (it stays, revoked, but is no longer current).
pub async fn retire_for_correction(
    c: &mut AnyConnection,
    id: &str,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE credentials SET state = 'revoked', is_current = 0, reason = $1, changed_at = $2 WHERE id = $3")
        .bind(reason)
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// How many credentials there are, by state.
pub async fn count(c: &mut AnyConnection) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query("SELECT state, COUNT(*) FROM credentials GROUP BY state ORDER BY state")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
