//! Learners: one person across the alliance's universities, found by a student id at a
//! university or by e-mail; two records of one person are merged explicitly, never guessed.

use microcred_model::{Learner, StudentId};
use sqlx::{AnyConnection, Row};

use crate::{
    StoreError, composed, from_json, now, placeholders, rows_per_statement, to_json, value_rows,
};

#[derive(Clone, Debug, PartialEq)]
/// A learner as stored.
pub struct LearnerRecord {
    /// Its id on the platform.
    pub id: String,
    /// Who the learner is.
    pub learner: Learner,
}

fn read(row: &sqlx::any::AnyRow) -> Result<LearnerRecord, StoreError> {
    Ok(LearnerRecord {
        id: row.try_get("id")?,
        learner: from_json("learner", &row.try_get::<String, _>("document")?)?,
    })
}

async fn claim_student_ids(
    c: &mut AnyConnection,
    id: &str,
    student_ids: &[StudentId],
) -> Result<(), StoreError> {
    for student in student_ids {
        let owner = sqlx::query(
            "SELECT learner_id FROM learner_student_ids WHERE university_id = $1 AND student_id = $2",
        )
        .bind(student.university.as_str())
        .bind(&student.value)
        .fetch_optional(&mut *c)
        .await?;
        match owner {
            Some(row) => {
                let other: String = row.try_get(0)?;
                if other != id {
                    return Err(StoreError::Conflict(format!(
                        "student id {} at {} (it belongs to learner {other})",
                        student.value, student.university
                    )));
                }
            }
            None => {
                sqlx::query(
                    "INSERT INTO learner_student_ids (university_id, student_id, learner_id) VALUES ($1, $2, $3)",
                )
                .bind(student.university.as_str())
                .bind(&student.value)
                .bind(id)
                .execute(&mut *c)
                .await?;
            }
        }
    }
    Ok(())
}

/// Adds a learner; `Conflict` if one of its student ids belongs to another learner.
pub async fn insert(c: &mut AnyConnection, id: &str, learner: &Learner) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO learners (id, document, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(id)
    .bind(to_json(learner))
    .bind(learner.email.as_deref().map(str::to_lowercase))
    .bind(now())
    .execute(&mut *c)
    .await?;
    claim_student_ids(c, id, &learner.student_ids).await
}

/// Replaces a learner's identification (names, date of birth, …), adding its new student ids.
pub async fn update(c: &mut AnyConnection, id: &str, learner: &Learner) -> Result<(), StoreError> {
    claim_student_ids(c, id, &learner.student_ids).await?;
    sqlx::query("UPDATE learners SET document = $1, email = $2, updated_at = $3 WHERE id = $4")
        .bind(to_json(learner))
        .bind(learner.email.as_deref().map(str::to_lowercase))
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// A learner by id; a merged record leads to the one it was merged into.
pub async fn get(c: &mut AnyConnection, id: &str) -> Result<Option<LearnerRecord>, StoreError> {
    let mut id = id.to_owned();
    for _ in 0..8 {
        let row = sqlx::query("SELECT id, document, merged_into FROM learners WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *c)
            .await?;
        let Some(row) = row else { return Ok(None) };
        match row.try_get::<Option<String>, _>("merged_into")? {
            Some(into) => id = into,
            None => return Ok(Some(read(&row)?)),
        }
    }
    Err(StoreError::Corrupt(format!("learner merges loop at {id}")))
}

/// The learner a university knows by this student id.
pub async fn by_student_id(
    c: &mut AnyConnection,
    university: &str,
    student_id: &str,
) -> Result<Option<LearnerRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT learner_id FROM learner_student_ids WHERE university_id = $1 AND student_id = $2",
    )
    .bind(university)
    .bind(student_id)
    .fetch_optional(&mut *c)
    .await?;
    match row {
        Some(row) => get(c, &row.try_get::<String, _>(0)?).await,
        None => Ok(None),
    }
}

/// Who, among these student ids and e-mails, is already known: (university, student id) →
/// learner and e-mail → learner (the oldest, for an e-mail several learners share). One query
/// for each kind, however many are asked.
pub async fn find_many(
    c: &mut AnyConnection,
    student_ids: &[(String, String)],
    emails: &[String],
) -> Result<
    (
        std::collections::HashMap<(String, String), String>,
        std::collections::HashMap<String, String>,
    ),
    StoreError,
> {
    let mut by_student = std::collections::HashMap::new();
    let mut by_email = std::collections::HashMap::new();
    // One university at a time, so that the lookup walks the primary key (university_id,
    // student_id): SQLite scans the whole table for a list of (university, student) pairs.
    let mut by_university: std::collections::BTreeMap<&str, Vec<&str>> =
        std::collections::BTreeMap::new();
    for (university, student) in student_ids {
        by_university
            .entry(university.as_str())
            .or_default()
            .push(student.as_str());
    }
    for (university, students) in by_university {
        for chunk in students.chunks(rows_per_statement(1)) {
            let sql = format!(
                "SELECT student_id, learner_id FROM learner_student_ids WHERE university_id = $1 AND student_id IN ({})",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(composed(sql)).bind(university);
            for student in chunk {
                query = query.bind(*student);
            }
            for row in query.fetch_all(&mut *c).await? {
                by_student.insert((university.to_owned(), row.try_get(0)?), row.try_get(1)?);
            }
        }
    }
    for chunk in emails.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT email, id FROM learners WHERE merged_into IS NULL AND email IN ({}) ORDER BY created_at DESC, id DESC",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(composed(sql));
        for email in chunk {
            query = query.bind(email.to_lowercase());
        }
        for row in query.fetch_all(&mut *c).await? {
            // Oldest last, so it wins.
            by_email.insert(row.try_get::<String, _>(0)?, row.try_get(1)?);
        }
    }
    Ok((by_student, by_email))
}

/// Adds new learners in as few statements as fit (their student ids must be free).
pub async fn insert_many(
    c: &mut AnyConnection,
    learners: &[(String, Learner)],
) -> Result<(), StoreError> {
    let at = now();
    for chunk in learners.chunks(rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO learners (id, document, email, created_at, updated_at) VALUES {}",
            value_rows(chunk.len(), 5, 1, "")
        );
        let mut query = sqlx::query(composed(sql));
        for (id, learner) in chunk {
            query = query
                .bind(id)
                .bind(to_json(learner))
                .bind(learner.email.as_deref().map(str::to_lowercase))
                .bind(at)
                .bind(at);
        }
        query.execute(&mut *c).await?;
        let ids: Vec<(&str, &StudentId)> = chunk
            .iter()
            .flat_map(|(id, l)| l.student_ids.iter().map(move |s| (id.as_str(), s)))
            .collect();
        for ids in ids.chunks(rows_per_statement(3)) {
            let sql = format!(
                "INSERT INTO learner_student_ids (university_id, student_id, learner_id) VALUES {}",
                value_rows(ids.len(), 3, 1, "")
            );
            let mut query = sqlx::query(composed(sql));
            for (id, student) in ids {
                query = query
                    .bind(student.university.as_str())
                    .bind(&student.value)
                    .bind(*id);
            }
            query.execute(&mut *c).await.map_err(|e| {
                let error = StoreError::from(e);
                if error.is_conflict() {
                    StoreError::Conflict("a student id of these learners".into())
                } else {
                    error
                }
            })?;
        }
    }
    Ok(())
}

/// Learners by id (merged ones are not followed: ask for the ids `get` gives).
pub async fn get_many(
    c: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<LearnerRecord>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT id, document FROM learners WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(composed(sql));
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *c).await? {
            out.push(read(&row)?);
        }
    }
    Ok(out)
}

/// Learners with this e-mail (more than one if records were not merged yet).
pub async fn by_email(
    c: &mut AnyConnection,
    email: &str,
) -> Result<Vec<LearnerRecord>, StoreError> {
    sqlx::query("SELECT id, document FROM learners WHERE email = $1 AND merged_into IS NULL ORDER BY created_at, id")
        .bind(email.to_lowercase())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// Learners by id, a page at a time.
pub async fn list(
    c: &mut AnyConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<LearnerRecord>, StoreError> {
    sqlx::query("SELECT id, document FROM learners WHERE merged_into IS NULL ORDER BY id LIMIT $1 OFFSET $2")
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// The learners a university knows: a student id there, a result for one of its course
/// elements, or a credential it issued.
pub async fn list_at_university(
    c: &mut AnyConnection,
    university: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<LearnerRecord>, StoreError> {
    sqlx::query(
        "SELECT id, document FROM learners WHERE merged_into IS NULL AND id IN (
             SELECT learner_id FROM learner_student_ids WHERE university_id = $1
             UNION SELECT r.learner_id FROM results r JOIN course_elements e ON e.id = r.element_id WHERE e.university_id = $1
             UNION SELECT learner_id FROM credentials WHERE issuer = $1)
         ORDER BY id LIMIT $2 OFFSET $3",
    )
    .bind(university)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}

/// The universities a learner is known at (see [`list_at_university`]), sorted.
pub async fn universities_of(
    c: &mut AnyConnection,
    learner_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT university_id FROM learner_student_ids WHERE learner_id = $1
         UNION SELECT e.university_id FROM results r JOIN course_elements e ON e.id = r.element_id WHERE r.learner_id = $1
         UNION SELECT issuer FROM credentials WHERE learner_id = $1",
    )
    .bind(learner_id)
    .fetch_all(&mut *c)
    .await?;
    let mut universities = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    universities.sort();
    universities.dedup();
    Ok(universities)
}

/// Merges learner `other` into `keep`: student ids, results and credentials move to `keep`,
/// whose identification gains `other`'s student ids and nationalities. `other` leads to `keep`.
pub async fn merge(
    c: &mut AnyConnection,
    keep: &str,
    other: &str,
) -> Result<LearnerRecord, StoreError> {
    if keep == other {
        return Err(StoreError::Conflict(
            "a learner cannot be merged into itself".into(),
        ));
    }
    let kept = get(c, keep)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("learner {keep}")))?;
    let merged = get(c, other)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("learner {other}")))?;
    if kept.id == merged.id {
        return Err(StoreError::Conflict(format!(
            "learners {keep} and {other} are already one"
        )));
    }
    let both = sqlx::query(
        "SELECT a.specification_id FROM credentials a JOIN credentials b ON a.specification_id = b.specification_id WHERE a.learner_id = $1 AND b.learner_id = $2 AND a.is_current = 1 AND b.is_current = 1",
    )
    .bind(&kept.id)
    .bind(&merged.id)
    .fetch_optional(&mut *c)
    .await?;
    if let Some(row) = both {
        let specification: String = row.try_get(0)?;
        return Err(StoreError::Conflict(format!(
            "both learners hold a credential for `{specification}`: revoke one (as a correction) before merging"
        )));
    }
    let mut learner = kept.learner.clone();
    for id in merged.learner.student_ids {
        if !learner.student_ids.contains(&id) {
            learner.student_ids.push(id);
        }
    }
    for code in merged.learner.nationality {
        if !learner.nationality.contains(&code) {
            learner.nationality.push(code);
        }
    }
    if learner.date_of_birth.is_none() {
        learner.date_of_birth = merged.learner.date_of_birth;
    }
    if learner.email.is_none() {
        learner.email = merged.learner.email;
    }
    sqlx::query("UPDATE learner_student_ids SET learner_id = $1 WHERE learner_id = $2")
        .bind(&kept.id)
        .bind(&merged.id)
        .execute(&mut *c)
        .await?;
    // A result both have for the same element and day stays as the kept learner has it.
    sqlx::query(
        "UPDATE results SET learner_id = $1 WHERE learner_id = $2 AND NOT EXISTS (SELECT 1 FROM results r WHERE r.learner_id = $1 AND r.element_id = results.element_id AND r.completed_on = results.completed_on)",
    )
    .bind(&kept.id)
    .bind(&merged.id)
    .execute(&mut *c)
    .await?;
    sqlx::query("DELETE FROM results WHERE learner_id = $1")
        .bind(&merged.id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE credentials SET learner_id = $1 WHERE learner_id = $2")
        .bind(&kept.id)
        .bind(&merged.id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE accounts SET learner_id = $1 WHERE learner_id = $2")
        .bind(&kept.id)
        .bind(&merged.id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE learners SET merged_into = $1, updated_at = $2 WHERE id = $3")
        .bind(&kept.id)
        .bind(now())
        .bind(&merged.id)
        .execute(&mut *c)
        .await?;
    update(c, &kept.id, &learner).await?;
    Ok(LearnerRecord {
        id: kept.id,
        learner,
    })
}
