//! Course elements: what member universities offer, from which specifications are composed.

use microcred_model::{Catalogue, CourseElement};
use sqlx::{AnyConnection, Row};

use crate::{StoreError, from_json, now, to_json, universities};

/// Adds or replaces a course element.
pub async fn upsert_element(
    c: &mut AnyConnection,
    element: &CourseElement,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO course_elements (id, university_id, document, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET university_id = excluded.university_id, document = excluded.document, updated_at = excluded.updated_at",
    )
    .bind(element.id.as_str())
    .bind(element.university.as_str())
    .bind(to_json(element))
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The course element with this id.
pub async fn element(c: &mut AnyConnection, id: &str) -> Result<Option<CourseElement>, StoreError> {
    sqlx::query("SELECT document FROM course_elements WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| from_json("course element", &r.try_get::<String, _>(0)?))
        .transpose()
}

/// Course elements, of one university or all, by id.
pub async fn elements(
    c: &mut AnyConnection,
    university: Option<&str>,
) -> Result<Vec<CourseElement>, StoreError> {
    let rows = match university {
        Some(u) => {
            sqlx::query("SELECT document FROM course_elements WHERE university_id = $1 ORDER BY id")
                .bind(u)
                .fetch_all(&mut *c)
                .await?
        }
        None => {
            sqlx::query("SELECT document FROM course_elements ORDER BY id")
                .fetch_all(&mut *c)
                .await?
        }
    };
    rows.iter()
        .map(|r| from_json("course element", &r.try_get::<String, _>(0)?))
        .collect()
}

/// The whole catalogue: every university and course element, as specifications resolve them.
pub async fn catalogue(c: &mut AnyConnection) -> Result<Catalogue, StoreError> {
    Ok(Catalogue {
        universities: universities::list(c)
            .await?
            .into_iter()
            .map(|u| u.university)
            .collect(),
        course_elements: elements(c, None).await?,
    })
}
