//! What stacking keeps: the external credentials learners (or registrars) recorded, with their
//! verification; each stacked credential's evaluation trace and the components it was awarded
//! for, so that a component revoked later finds the stacked credentials resting on it.

use sqlx::{AnyConnection, Row};

use crate::{StoreError, composed, now, placeholders, rows_per_statement};

/// An external credential as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalCredentialRecord {
    /// `urn:uuid:…`, the platform's id for it.
    pub id: String,
    /// The learner it was recorded for.
    pub learner_id: String,
    /// The account that uploaded it.
    pub uploaded_by: String,
    /// The document exactly as received (JSON text, a VC-JWT, …).
    pub document: String,
    /// What it is, as the verifier named it (e.g. `Open Badges 3.0 (Data Integrity)`).
    pub format: String,
    /// Every name the verification established for its issuer (DID, URL, seal organisation).
    pub issuer_names: Vec<String>,
    /// The issuer's name, for people.
    pub issuer_label: String,
    /// The achievement's (or qualification's) id.
    pub achievement: String,
    /// The achievement's name.
    pub title: String,
    /// The day it was awarded, `YYYY-MM-DD`.
    pub awarded_on: String,
    /// Its last valid day, if it expires.
    pub valid_until: Option<String>,
    /// The ECTS it states, in hundredths.
    pub ects_hundredths: Option<i64>,
    /// The verification's verdict (`verified`, `unknown-issuer`, …).
    pub verdict: String,
    /// The verification report, as JSON.
    pub report: String,
    /// When it was last verified (seconds since 1970).
    pub verified_at: i64,
    /// When it was recorded.
    pub created_at: i64,
}

const EXTERNAL_COLUMNS: &str = "id, learner_id, uploaded_by, document, format, issuer_names, issuer_label, achievement, title, awarded_on, valid_until, ects_hundredths, verdict, report, verified_at, created_at";

fn read_external(row: &sqlx::any::AnyRow) -> Result<ExternalCredentialRecord, StoreError> {
    Ok(ExternalCredentialRecord {
        id: row.try_get("id")?,
        learner_id: row.try_get("learner_id")?,
        uploaded_by: row.try_get("uploaded_by")?,
        document: row.try_get("document")?,
        format: row.try_get("format")?,
        issuer_names: crate::from_json("issuer names", &row.try_get::<String, _>("issuer_names")?)?,
        issuer_label: row.try_get("issuer_label")?,
        achievement: row.try_get("achievement")?,
        title: row.try_get("title")?,
        awarded_on: row.try_get("awarded_on")?,
        valid_until: row.try_get("valid_until")?,
        ects_hundredths: row.try_get("ects_hundredths")?,
        verdict: row.try_get("verdict")?,
        report: row.try_get("report")?,
        verified_at: row.try_get("verified_at")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Records an external credential.
pub async fn insert_external(
    c: &mut AnyConnection,
    r: &ExternalCredentialRecord,
) -> Result<(), StoreError> {
    sqlx::query(composed(format!(
        "INSERT INTO external_credentials ({EXTERNAL_COLUMNS}) VALUES ({})",
        placeholders(1, 16)
    )))
    .bind(&r.id)
    .bind(&r.learner_id)
    .bind(&r.uploaded_by)
    .bind(&r.document)
    .bind(&r.format)
    .bind(crate::to_json(&r.issuer_names))
    .bind(&r.issuer_label)
    .bind(&r.achievement)
    .bind(&r.title)
    .bind(&r.awarded_on)
    .bind(&r.valid_until)
    .bind(r.ects_hundredths)
    .bind(&r.verdict)
    .bind(&r.report)
    .bind(r.verified_at)
    .bind(r.created_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// One external credential.
pub async fn external(
    c: &mut AnyConnection,
    id: &str,
) -> Result<Option<ExternalCredentialRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {EXTERNAL_COLUMNS} FROM external_credentials WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read_external(&r))
    .transpose()
}

/// The external credentials recorded for `learners`, oldest first.
pub async fn externals_of(
    c: &mut AnyConnection,
    learners: &[String],
) -> Result<Vec<ExternalCredentialRecord>, StoreError> {
    let mut out = Vec::new();
    for chunk in learners.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT {EXTERNAL_COLUMNS} FROM external_credentials WHERE learner_id IN ({}) ORDER BY created_at, id",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(composed(sql));
        for l in chunk {
            query = query.bind(l);
        }
        for row in query.fetch_all(&mut *c).await? {
            out.push(read_external(&row)?);
        }
    }
    Ok(out)
}

/// Stores a new verification of an external credential.
pub async fn reverified(
    c: &mut AnyConnection,
    id: &str,
    verdict: &str,
    report: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE external_credentials SET verdict = $1, report = $2, verified_at = $3 WHERE id = $4",
    )
    .bind(verdict)
    .bind(report)
    .bind(now())
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Deletes an external credential no stacked credential rests on; false if one does (or it
/// is not there).
pub async fn delete_external(c: &mut AnyConnection, id: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM external_credentials WHERE id = $1 AND id NOT IN (SELECT component_id FROM stacked_components)",
    )
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A learner's credential of one of the alliance's specifications, without its documents.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldCredential {
    /// Its id.
    pub id: String,
    /// The learner.
    pub learner_id: String,
    /// The specification it awards.
    pub specification_id: String,
    /// The specification's version.
    pub version: i64,
    /// Active, suspended or revoked.
    pub state: String,
    /// Its date of issuing, `YYYY-MM-DD`.
    pub date_of_issuing: String,
    /// The issuing university's id, or `alliance`.
    pub issuer: String,
    /// The grade it states, where it was kept (see [`crate::credentials::CredentialRecord`]).
    pub grade: Option<String>,
}

/// The current credentials `learners` hold of `specifications`.
pub async fn held_credentials(
    c: &mut AnyConnection,
    learners: &[String],
    specifications: &[String],
) -> Result<Vec<HeldCredential>, StoreError> {
    let mut out = Vec::new();
    if specifications.is_empty() {
        return Ok(out);
    }
    let per_statement = rows_per_statement(1)
        .saturating_sub(specifications.len())
        .max(1);
    for chunk in learners.chunks(per_statement) {
        let sql = format!(
            "SELECT id, learner_id, specification_id, version, state, date_of_issuing, issuer, grade FROM credentials WHERE is_current = 1 AND specification_id IN ({}) AND learner_id IN ({}) ORDER BY learner_id, date_of_issuing, id",
            placeholders(1, specifications.len()),
            placeholders(1 + specifications.len(), chunk.len())
        );
        let mut query = sqlx::query(composed(sql));
        for s in specifications {
            query = query.bind(s);
        }
        for l in chunk {
            query = query.bind(l);
        }
        for row in query.fetch_all(&mut *c).await? {
            out.push(HeldCredential {
                id: row.try_get("id")?,
                learner_id: row.try_get("learner_id")?,
                specification_id: row.try_get("specification_id")?,
                version: row.try_get("version")?,
                state: row.try_get("state")?,
                date_of_issuing: row.try_get("date_of_issuing")?,
                issuer: row.try_get("issuer")?,
                grade: row.try_get("grade")?,
            });
        }
    }
    Ok(out)
}

/// Learners holding a current credential of one of `specifications` or an external credential,
/// after `after` in id order, `limit` at a time: the learners worth evaluating for a stacked
/// credential (the rule decides; this only narrows). A query per specification and one for
/// external credentials, each read in learner order from an index and stopped at `limit` (a
/// union of them was sorted whole for every page, which made paging through 100,000 learners
/// quadratic), merged here.
pub async fn learners_with_components(
    c: &mut AnyConnection,
    specifications: &[String],
    after: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let mut holders: Vec<String> = Vec::new();
    // One query per specification, each read from the one-current-credential index in learner
    // order: a single query over all of them is read whole by SQLite's planner.
    for specification in specifications {
        let rows = sqlx::query(
            "SELECT learner_id FROM credentials WHERE specification_id = $1 AND is_current = 1 AND learner_id > $2 ORDER BY learner_id LIMIT $3",
        )
        .bind(specification)
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
        for row in rows {
            holders.push(row.try_get(0)?);
        }
    }
    let external = sqlx::query(
        "SELECT DISTINCT learner_id FROM external_credentials WHERE learner_id > $1 ORDER BY learner_id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    for row in external {
        holders.push(row.try_get(0)?);
    }
    holders.sort();
    holders.dedup();
    holders.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(holders)
}

/// Stores a stacked credential's trace and the components it was awarded for.
pub async fn insert_stacked(
    c: &mut AnyConnection,
    credential_id: &str,
    specification_id: &str,
    learner_id: &str,
    trace: &str,
    components: &[String],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO stacked_awards (credential_id, specification_id, learner_id, trace) VALUES ($1, $2, $3, $4)",
    )
    .bind(credential_id)
    .bind(specification_id)
    .bind(learner_id)
    .bind(trace)
    .execute(&mut *c)
    .await?;
    for component in components {
        sqlx::query("INSERT INTO stacked_components (stacked_id, component_id) VALUES ($1, $2)")
            .bind(credential_id)
            .bind(component)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// A stacked credential's stored evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct StackedAward {
    /// The stacked credential.
    pub credential_id: String,
    /// Its specification.
    pub specification_id: String,
    /// Its learner.
    pub learner_id: String,
    /// The evaluation trace, as JSON.
    pub trace: String,
    /// Why it is up for review (a component revoked…), empty when it is not.
    pub review: String,
    /// Since when.
    pub review_since: Option<i64>,
    /// The components it was awarded for.
    pub components: Vec<String>,
}

/// A stacked credential's stored evaluation, if it is one.
pub async fn stacked(
    c: &mut AnyConnection,
    credential_id: &str,
) -> Result<Option<StackedAward>, StoreError> {
    let Some(row) = sqlx::query(
        "SELECT credential_id, specification_id, learner_id, trace, review, review_since FROM stacked_awards WHERE credential_id = $1",
    )
    .bind(credential_id)
    .fetch_optional(&mut *c)
    .await?
    else {
        return Ok(None);
    };
    let components = sqlx::query(
        "SELECT component_id FROM stacked_components WHERE stacked_id = $1 ORDER BY component_id",
    )
    .bind(credential_id)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    Ok(Some(StackedAward {
        credential_id: row.try_get("credential_id")?,
        specification_id: row.try_get("specification_id")?,
        learner_id: row.try_get("learner_id")?,
        trace: row.try_get("trace")?,
        review: row.try_get("review")?,
        review_since: row.try_get("review_since")?,
        components,
    }))
}

/// Puts the stacked credentials resting on `component` up for review with `reason` (those not
/// already up for review); returns their ids.
pub async fn review_resting_on(
    c: &mut AnyConnection,
    component: &str,
    reason: &str,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = sqlx::query(
        "SELECT a.credential_id FROM stacked_awards a JOIN stacked_components s ON s.stacked_id = a.credential_id WHERE s.component_id = $1 AND a.review = '' ORDER BY a.credential_id",
    )
    .bind(component)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    for id in &ids {
        sqlx::query(
            "UPDATE stacked_awards SET review = $1, review_since = $2 WHERE credential_id = $3",
        )
        .bind(reason)
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    }
    Ok(ids)
}

/// Ends a stacked credential's review (the registrar kept or revoked it).
pub async fn end_review(c: &mut AnyConnection, credential_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE stacked_awards SET review = '', review_since = NULL WHERE credential_id = $1",
    )
    .bind(credential_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Stacked credentials up for review issued by one of `issuers` (university ids or
/// `alliance`; every one when `None`), oldest review first, the first 1,000.
pub async fn in_review(
    c: &mut AnyConnection,
    issuers: Option<&[String]>,
) -> Result<Vec<StackedAward>, StoreError> {
    let (condition, values): (String, Vec<String>) = match issuers {
        Some([]) => return Ok(Vec::new()),
        Some(owners) => (
            format!(
                "AND a.credential_id IN (SELECT id FROM credentials WHERE issuer IN ({}))",
                placeholders(1, owners.len())
            ),
            owners.to_vec(),
        ),
        None => (String::new(), Vec::new()),
    };
    let sql = format!(
        "SELECT a.credential_id FROM stacked_awards a WHERE a.review <> '' {condition} ORDER BY a.review_since, a.credential_id LIMIT 1000"
    );
    let mut query = sqlx::query(composed(sql));
    for v in &values {
        query = query.bind(v);
    }
    let ids: Vec<String> = query
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(award) = stacked(c, &id).await? {
            out.push(award);
        }
    }
    Ok(out)
}
