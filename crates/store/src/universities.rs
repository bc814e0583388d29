//! The alliance, its member universities, their logos, signatories and grading schemes.

use microcred_model::{Alliance, University};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::{StoreError, from_json, new_id, now, to_json};

/// The alliance as the platform runs it: its description and its own DID.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AllianceRecord {
    pub alliance: Alliance,
    pub did: String,
}

pub async fn alliance(c: &mut AnyConnection) -> Result<Option<AllianceRecord>, StoreError> {
    let row = sqlx::query("SELECT document FROM alliance WHERE id = 'alliance'")
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| from_json("alliance", &r.try_get::<String, _>(0)?))
        .transpose()
}

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
    pub university: University,
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

pub async fn get(c: &mut AnyConnection, id: &str) -> Result<Option<UniversityRecord>, StoreError> {
    sqlx::query("SELECT document, did FROM universities WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| read(&r))
        .transpose()
}

pub async fn list(c: &mut AnyConnection) -> Result<Vec<UniversityRecord>, StoreError> {
    sqlx::query("SELECT document, did FROM universities ORDER BY id")
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// A person who signs printed certificates for a university (ENHANCE §7.4: an eligible person).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    pub id: String,
    pub university_id: String,
    pub name: String,
    /// e.g. "Vice-Rector for Education".
    pub role: String,
    pub active: bool,
}

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
    };
    sqlx::query(
        "INSERT INTO signatories (id, university_id, name, role, active, created_at) VALUES ($1, $2, $3, $4, 1, $5)",
    )
    .bind(&signatory.id)
    .bind(university_id)
    .bind(name)
    .bind(role)
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(signatory)
}

pub async fn signatories(
    c: &mut AnyConnection,
    university_id: &str,
) -> Result<Vec<Signatory>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, university_id, name, role, active FROM signatories WHERE university_id = $1 ORDER BY created_at, id",
    )
    .bind(university_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Signatory {
                id: r.try_get("id")?,
                university_id: r.try_get("university_id")?,
                name: r.try_get("name")?,
                role: r.try_get("role")?,
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .collect()
}

/// A university's grading scheme, as the university describes it (JSON).
pub async fn set_grading_scheme(
    c: &mut AnyConnection,
    university_id: &str,
    id: &str,
    document: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO grading_schemes (id, university_id, document, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(university_id)
    .bind(to_json(document))
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(())
}

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

/// A logo of the alliance or of a university, as it was uploaded (already checked).
#[derive(Clone, Debug, PartialEq)]
pub struct Logo {
    /// The university's id, or `alliance`.
    pub owner: String,
    pub media_type: String,
    pub image: Vec<u8>,
    pub width: i64,
    pub height: i64,
    pub updated_at: i64,
}

/// Sets an owner's logo, replacing the one before.
pub async fn set_logo(c: &mut AnyConnection, logo: &Logo) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO logos (owner, media_type, image, width, height, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (owner) DO UPDATE SET media_type = excluded.media_type, image = excluded.image, width = excluded.width, height = excluded.height, updated_at = excluded.updated_at",
    )
    .bind(&logo.owner)
    .bind(&logo.media_type)
    .bind(&logo.image)
    .bind(logo.width)
    .bind(logo.height)
    .bind(logo.updated_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn logo(c: &mut AnyConnection, owner: &str) -> Result<Option<Logo>, StoreError> {
    let row = sqlx::query(
        "SELECT owner, media_type, image, width, height, updated_at FROM logos WHERE owner = $1",
    )
    .bind(owner)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(Logo {
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

/// The owners that have a logo.
pub async fn owners_with_logos(c: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query("SELECT owner FROM logos ORDER BY owner")
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
