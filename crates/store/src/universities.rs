//! The alliance, its member universities, their logos, signatories and grading schemes.

use microcred_model::{Alliance, University};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::{StoreError, composed, from_json, new_id, now, to_json};

/// The alliance as the platform runs it: its description and its own DID.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AllianceRecord {
    /// What the settings say of the alliance.
    pub alliance: Alliance,
    /// The alliance's own DID.
    pub did: String,
}

/// The alliance, once set up.
pub async fn alliance(c: &mut AnyConnection) -> Result<Option<AllianceRecord>, StoreError> {
    let row = sqlx::query("SELECT document FROM alliance WHERE id = 'alliance'")
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| from_json("alliance", &r.try_get::<String, _>(0)?))
        .transpose()
}

/// Sets the alliance's description and DID.
pub async fn set_alliance(
    c: &mut AnyConnection,
    record: &AllianceRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO alliance (id, document, updated_at) VALUES ('alliance', $1, $2)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at",
    )
    .bind(to_json(record))
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A member university and the DID it signs with.
#[derive(Clone, Debug, PartialEq)]
pub struct UniversityRecord {
    /// What the catalogue says of it.
    pub university: University,
    /// Its DID.
    pub did: String,
}

fn read(row: &sqlx::any::AnyRow) -> Result<UniversityRecord, StoreError> {
    Ok(UniversityRecord {
        university: from_json("university", &row.try_get::<String, _>("document")?)?,
        did: row.try_get("did")?,
    })
}

/// Adds a university; `Conflict` if its id or DID is taken.
pub async fn insert(
    c: &mut AnyConnection,
    university: &University,
    did: &str,
) -> Result<(), StoreError> {
    let result = sqlx::query(
        "INSERT INTO universities (id, document, did, updated_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(university.id.as_str())
    .bind(to_json(university))
    .bind(did)
    .bind(now())
    .execute(&mut *c)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) => {
            let error = StoreError::from(e);
            if error.is_conflict() {
                Err(StoreError::Conflict(format!(
                    "university `{}`",
                    university.id
                )))
            } else {
                Err(error)
            }
        }
    }
}

/// Replaces a university's description (its id and DID stay).
pub async fn update(c: &mut AnyConnection, university: &University) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE universities SET document = $1, updated_at = $2 WHERE id = $3")
        .bind(to_json(university))
        .bind(now())
        .bind(university.id.as_str())
        .execute(&mut *c)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!(
            "university `{}`",
            university.id
        )));
    }
    Ok(())
}

/// The university with this id.
pub async fn get(c: &mut AnyConnection, id: &str) -> Result<Option<UniversityRecord>, StoreError> {
    sqlx::query("SELECT document, did FROM universities WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| read(&r))
        .transpose()
}

/// Every member university.
pub async fn list(c: &mut AnyConnection) -> Result<Vec<UniversityRecord>, StoreError> {
    sqlx::query("SELECT document, did FROM universities ORDER BY id")
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// A person who signs printed certificates for a university (ENHANCE §7.4: an eligible person).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signatory {
    /// Its id.
    pub id: String,
    /// The university it signs for.
    pub university_id: String,
    /// The person's name.
    pub name: String,
    /// e.g. "Vice-Rector for Education".
    pub role: String,
    /// False once retired: no longer signs new certificates.
    pub active: bool,
    /// In office from (seconds since 1970) …
    pub since: i64,
    /// … until, once retired.
    pub until: Option<i64>,
}

impl Signatory {
    /// Whether they were in office at `at` (seconds since 1970).
    pub fn in_office_at(&self, at: i64) -> bool {
        self.since <= at && self.until.is_none_or(|until| at < until)
    }
}

/// Adds a signatory in office from now.
pub async fn add_signatory(
    c: &mut AnyConnection,
    university_id: &str,
    name: &str,
    role: &str,
) -> Result<Signatory, StoreError> {
    let signatory = Signatory {
        id: new_id(),
        university_id: university_id.to_owned(),
        name: name.to_owned(),
        role: role.to_owned(),
        active: true,
        since: now(),
        until: None,
    };
    sqlx::query(
        "INSERT INTO signatories (id, university_id, name, role, active, created_at) VALUES ($1, $2, $3, $4, 1, $5)",
    )
    .bind(&signatory.id)
    .bind(university_id)
    .bind(name)
    .bind(role)
    .bind(signatory.since)
    .execute(&mut *c)
    .await?;
    Ok(signatory)
}

/// A signatory leaves office: certificates issued before `at` still print them, later ones
/// their successor. False if there is no such active signatory.
pub async fn retire_signatory(
    c: &mut AnyConnection,
    id: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE signatories SET active = 0, retired_at = $1 WHERE id = $2 AND active = 1",
    )
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

const SIGNATORY_COLUMNS: &str = "id, university_id, name, role, active, created_at, retired_at";

fn read_signatory(r: &sqlx::any::AnyRow) -> Result<Signatory, StoreError> {
    Ok(Signatory {
        id: r.try_get("id")?,
        university_id: r.try_get("university_id")?,
        name: r.try_get("name")?,
        role: r.try_get("role")?,
        active: r.try_get::<i64, _>("active")? != 0,
        since: r.try_get("created_at")?,
        until: r.try_get("retired_at")?,
    })
}

/// A university's signatories, those in office first.
pub async fn signatories(
    c: &mut AnyConnection,
    university_id: &str,
) -> Result<Vec<Signatory>, StoreError> {
    let rows = sqlx::query(composed(format!(
        "SELECT {SIGNATORY_COLUMNS} FROM signatories WHERE university_id = $1 ORDER BY created_at, id"
    )))
    .bind(university_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(read_signatory).collect()
}

/// The signatory with this id.
pub async fn signatory(c: &mut AnyConnection, id: &str) -> Result<Option<Signatory>, StoreError> {
    let row = sqlx::query(composed(format!(
        "SELECT {SIGNATORY_COLUMNS} FROM signatories WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(read_signatory).transpose()
}

/// Sets a university's grading scheme, as the university describes it (JSON); false when the
/// id is another university's scheme (which stays as it was).
pub async fn set_grading_scheme(
    c: &mut AnyConnection,
    university_id: &str,
    id: &str,
    document: &serde_json::Value,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO grading_schemes (id, university_id, document, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
         WHERE grading_schemes.university_id = excluded.university_id",
    )
    .bind(id)
    .bind(university_id)
    .bind(to_json(document))
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A university's grading schemes.
pub async fn grading_schemes(
    c: &mut AnyConnection,
    university_id: &str,
) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, document FROM grading_schemes WHERE university_id = $1 ORDER BY id",
    )
    .bind(university_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                from_json("grading scheme", &r.try_get::<String, _>("document")?)?,
            ))
        })
        .collect()
}

/// A grade distribution table as stored: a university's passing grades of one scheme counted
/// for one ISCED-F field (empty: every field) and one cycle (empty: every cycle).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeTableRecord {
    /// The grading scheme's id.
    pub scheme_id: String,
    /// The ISCED-F code, or empty.
    pub field: String,
    /// The QF-EHEA cycle's name, or empty.
    pub cycle: String,
    /// The period counted, as the university writes it (may be empty).
    pub period: String,
    /// Each grade with its count, lowest pass first.
    pub grades: Vec<(String, u64)>,
}

/// Replaces a university's grade distribution tables of one scheme by `tables`, all at once.
pub async fn replace_grade_tables(
    c: &mut AnyConnection,
    university_id: &str,
    scheme_id: &str,
    tables: &[GradeTableRecord],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM grade_tables WHERE university_id = $1 AND scheme_id = $2")
        .bind(university_id)
        .bind(scheme_id)
        .execute(&mut *c)
        .await?;
    let at = now();
    for table in tables {
        sqlx::query(
            "INSERT INTO grade_tables (university_id, scheme_id, field, cycle, period, grades, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(university_id)
        .bind(scheme_id)
        .bind(&table.field)
        .bind(&table.cycle)
        .bind(&table.period)
        .bind(to_json(&table.grades))
        .bind(at)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// A university's grade distribution tables, of every scheme.
pub async fn grade_tables(
    c: &mut AnyConnection,
    university_id: &str,
) -> Result<Vec<GradeTableRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT scheme_id, field, cycle, period, grades FROM grade_tables
         WHERE university_id = $1 ORDER BY scheme_id, field, cycle",
    )
    .bind(university_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(GradeTableRecord {
                scheme_id: r.try_get("scheme_id")?,
                field: r.try_get("field")?,
                cycle: r.try_get("cycle")?,
                period: r.try_get("period")?,
                grades: from_json("grade table", &r.try_get::<String, _>("grades")?)?,
            })
        })
        .collect()
}

/// Which images: logos (of the alliance or a university) or handwritten signatures (of a
/// signatory), both printed on certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    /// Owner: a university's id, or `alliance`.
    Logo,
    /// Owner: a signatory's id.
    Signature,
}

/// A PNG or JPEG image as it was uploaded (already checked).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredImage {
    /// Whose: a university's id, `alliance`, or a signatory's id.
    pub owner: String,
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Its bytes.
    pub image: Vec<u8>,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// When it was set.
    pub updated_at: i64,
}

/// Sets an owner's image, replacing the one before.
pub async fn set_image(
    c: &mut AnyConnection,
    kind: ImageKind,
    image: &StoredImage,
) -> Result<(), StoreError> {
    let sql = match kind {
        ImageKind::Logo => {
            "INSERT INTO logos (owner, media_type, image, width, height, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (owner) DO UPDATE SET media_type = excluded.media_type, image = excluded.image, width = excluded.width, height = excluded.height, updated_at = excluded.updated_at"
        }
        ImageKind::Signature => {
            "INSERT INTO signatures (owner, media_type, image, width, height, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (owner) DO UPDATE SET media_type = excluded.media_type, image = excluded.image, width = excluded.width, height = excluded.height, updated_at = excluded.updated_at"
        }
    };
    sqlx::query(sql)
        .bind(&image.owner)
        .bind(&image.media_type)
        .bind(&image.image)
        .bind(image.width)
        .bind(image.height)
        .bind(image.updated_at)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// An owner's logo or signature image.
pub async fn image(
    c: &mut AnyConnection,
    kind: ImageKind,
    owner: &str,
) -> Result<Option<StoredImage>, StoreError> {
    let sql = match kind {
        ImageKind::Logo => {
            "SELECT owner, media_type, image, width, height, updated_at FROM logos WHERE owner = $1"
        }
        ImageKind::Signature => {
            "SELECT owner, media_type, image, width, height, updated_at FROM signatures WHERE owner = $1"
        }
    };
    let row = sqlx::query(sql).bind(owner).fetch_optional(&mut *c).await?;
    row.map(|r| {
        Ok(StoredImage {
            owner: r.try_get("owner")?,
            media_type: r.try_get("media_type")?,
            image: r.try_get("image")?,
            width: r.try_get("width")?,
            height: r.try_get("height")?,
            updated_at: r.try_get("updated_at")?,
        })
    })
    .transpose()
}

/// The alliance's certificate template (Typst source), if it has its own.
pub async fn certificate_template(c: &mut AnyConnection) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT source FROM certificate_templates WHERE id = 'alliance'")
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| Ok(r.try_get("source")?)).transpose()
}

/// Sets the alliance's certificate template (already checked); `None` goes back to the default.
pub async fn set_certificate_template(
    c: &mut AnyConnection,
    source: Option<&str>,
) -> Result<(), StoreError> {
    match source {
        Some(source) => {
            sqlx::query(
                "INSERT INTO certificate_templates (id, source, updated_at) VALUES ('alliance', $1, $2)
                 ON CONFLICT (id) DO UPDATE SET source = excluded.source, updated_at = excluded.updated_at",
            )
            .bind(source)
            .bind(now())
            .execute(&mut *c)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM certificate_templates WHERE id = 'alliance'")
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// The owners that have a logo.
pub async fn owners_with_logos(c: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query("SELECT owner FROM logos ORDER BY owner")
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
