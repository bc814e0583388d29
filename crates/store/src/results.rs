//! Learners' results in course elements, and the imports that brought them.
//!
//! A result is keyed by (learner, element, day): storing it again replaces it, so an import that
//! is run again, or resumed after a crash, never duplicates anything.

use sqlx::{AnyConnection, Row};

use crate::{
    StoreError, composed, from_json, now, placeholders, rows_per_statement, to_json, value_rows,
};

#[derive(Clone, Debug, PartialEq, Eq)]
/// A learner's result on one course element, as stored.
pub struct ResultRecord {
    /// The learner.
    pub learner_id: String,
    /// The course element.
    pub element_id: String,
    /// `YYYY-MM-DD`
    pub completed_on: String,
    /// Whether it was passed.
    pub passed: bool,
    /// The element's grade.
    pub grade: Option<String>,
    /// The micro-credential's overall grade recorded with it.
    pub overall_grade: Option<String>,
    /// The import it came from.
    pub import_id: Option<String>,
    /// The account that recorded it.
    pub recorded_by: String,
}

/// Stores results in as few statements as fit; a result already there for the same learner,
/// element and day is replaced.
pub async fn upsert(c: &mut AnyConnection, results: &[ResultRecord]) -> Result<(), StoreError> {
    let at = now();
    for chunk in results.chunks(rows_per_statement(9)) {
        let mut sql = format!(
            "INSERT INTO results (learner_id, element_id, completed_on, passed, grade, overall_grade, import_id, recorded_by, recorded_at) VALUES {}",
            value_rows(chunk.len(), 9, 1, "")
        );
        sql.push_str(
            " ON CONFLICT (learner_id, element_id, completed_on) DO UPDATE SET passed = excluded.passed, grade = excluded.grade, overall_grade = excluded.overall_grade, import_id = excluded.import_id, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        );
        let mut query = sqlx::query(composed(sql));
        for r in chunk {
            query = query
                .bind(&r.learner_id)
                .bind(&r.element_id)
                .bind(&r.completed_on)
                .bind(i64::from(r.passed))
                .bind(&r.grade)
                .bind(&r.overall_grade)
                .bind(&r.import_id)
                .bind(&r.recorded_by)
                .bind(at);
        }
        query.execute(&mut *c).await?;
    }
    Ok(())
}

fn read(row: &sqlx::any::AnyRow) -> Result<ResultRecord, StoreError> {
    Ok(ResultRecord {
        learner_id: row.try_get("learner_id")?,
        element_id: row.try_get("element_id")?,
        completed_on: row.try_get("completed_on")?,
        passed: row.try_get::<i64, _>("passed")? != 0,
        grade: row.try_get("grade")?,
        overall_grade: row.try_get("overall_grade")?,
        import_id: row.try_get("import_id")?,
        recorded_by: row.try_get("recorded_by")?,
    })
}

const COLUMNS: &str =
    "learner_id, element_id, completed_on, passed, grade, overall_grade, import_id, recorded_by";

/// A learner's results, by element and day.
pub async fn of_learner(
    c: &mut AnyConnection,
    learner_id: &str,
) -> Result<Vec<ResultRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM results WHERE learner_id = $1 ORDER BY completed_on, element_id"
    )))
    .bind(learner_id)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}

/// The learners who passed every one of `elements` (the eligible ones), after `after`, at most
/// `limit`, in id order: the issuing use case pages through them.
pub async fn learners_who_passed_all(
    c: &mut AnyConnection,
    elements: &[String],
    after: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let Some((first, others)) = elements.split_first() else {
        return Ok(Vec::new());
    };
    // The page is read along the index (element_id, learner_id) of the first element, and each
    // other element is looked up by primary key: a page costs its size, not the table's.
    let others: String = (0..others.len())
        .map(|i| {
            format!(
                " AND EXISTS (SELECT 1 FROM results o WHERE o.learner_id = r.learner_id AND o.element_id = ${} AND o.passed = 1)",
                i + 4
            )
        })
        .collect();
    let sql = format!(
        "SELECT DISTINCT r.learner_id FROM results r WHERE r.element_id = $3 AND r.learner_id > $1 AND r.passed = 1{others} ORDER BY r.learner_id LIMIT $2"
    );
    let mut query = sqlx::query(composed(sql))
        .bind(after)
        .bind(limit)
        .bind(first);
    for element in &elements[1..] {
        query = query.bind(element);
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Results of these learners in these elements, for issuing in bulk without a query per learner.
pub async fn of_learners(
    c: &mut AnyConnection,
    learners: &[String],
    elements: &[String],
) -> Result<Vec<ResultRecord>, StoreError> {
    if learners.is_empty() || elements.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for learners in learners.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT {COLUMNS} FROM results WHERE learner_id IN ({}) AND element_id IN ({})",
            placeholders(1, learners.len()),
            placeholders(learners.len() + 1, elements.len())
        );
        let mut query = sqlx::query(composed(sql));
        for l in learners {
            query = query.bind(l);
        }
        for e in elements {
            query = query.bind(e);
        }
        for row in query.fetch_all(&mut *c).await? {
            out.push(read(&row)?);
        }
    }
    Ok(out)
}

/// How many results are stored.
pub async fn count(c: &mut AnyConnection) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) FROM results")
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get(0)?)
}

/// An import of a results file, and what became of its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRecord {
    /// Its id.
    pub id: String,
    /// The file's name.
    pub file_name: String,
    /// The account that imported it.
    pub by_account: String,
    /// When it started.
    pub started_at: i64,
    /// When it finished, if it did.
    pub finished_at: Option<i64>,
    /// Rows stored.
    pub rows_ok: i64,
    /// Rows refused.
    pub rows_bad: i64,
    /// Why rows were refused (the first ones).
    pub problems: serde_json::Value,
}

/// Records that an import started.
pub async fn start_import(
    c: &mut AnyConnection,
    id: &str,
    file_name: &str,
    by: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO imports (id, file_name, by_account, started_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(file_name)
    .bind(by)
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The learners an import has already resolved these keys of its file to (the file's
/// `learner` column), so that one learner's rows in different batches stay one person without
/// the import holding every key in memory.
pub async fn learner_keys(
    c: &mut AnyConnection,
    import_id: &str,
    keys: &[&str],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    let mut found = std::collections::HashMap::new();
    for chunk in keys.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT learner_key, learner_id FROM import_learner_keys WHERE import_id = $1 AND learner_key IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(composed(sql)).bind(import_id);
        for key in chunk {
            query = query.bind(*key);
        }
        for row in query.fetch_all(&mut *c).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

/// Remembers which learner each new key of an import's file was resolved to.
pub async fn remember_learner_keys(
    c: &mut AnyConnection,
    import_id: &str,
    keys: &[(String, String)],
) -> Result<(), StoreError> {
    for chunk in keys.chunks(rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO import_learner_keys (import_id, learner_key, learner_id) VALUES {}",
            value_rows(chunk.len(), 2, 2, "$1, ")
        );
        let mut query = sqlx::query(composed(sql)).bind(import_id);
        for (key, learner) in chunk {
            query = query.bind(key).bind(learner);
        }
        query.execute(&mut *c).await?;
    }
    Ok(())
}

/// Adds to an import's counts (called as each batch is committed).
pub async fn count_import(
    c: &mut AnyConnection,
    id: &str,
    ok: i64,
    bad: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE imports SET rows_ok = rows_ok + $1, rows_bad = rows_bad + $2 WHERE id = $3",
    )
    .bind(ok)
    .bind(bad)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Records how an import ended.
pub async fn finish_import(
    c: &mut AnyConnection,
    id: &str,
    problems: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE imports SET finished_at = $1, problems = $2 WHERE id = $3")
        .bind(now())
        .bind(to_json(problems))
        .bind(id)
        .execute(&mut *c)
        .await?;
    // The keys served while the file was read; the results now name their learners.
    sqlx::query("DELETE FROM import_learner_keys WHERE import_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// An import.
pub async fn import(c: &mut AnyConnection, id: &str) -> Result<Option<ImportRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT id, file_name, by_account, started_at, finished_at, rows_ok, rows_bad, problems FROM imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(ImportRecord {
            id: r.try_get("id")?,
            file_name: r.try_get("file_name")?,
            by_account: r.try_get("by_account")?,
            started_at: r.try_get("started_at")?,
            finished_at: r.try_get("finished_at")?,
            rows_ok: r.try_get("rows_ok")?,
            rows_bad: r.try_get("rows_bad")?,
            problems: from_json("import problems", &r.try_get::<String, _>("problems")?)?,
        })
    })
    .transpose()
}
