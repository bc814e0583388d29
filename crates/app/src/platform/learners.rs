//! Learners and their results. A learner is one person across the alliance: found by a
//! student id at a university or by e-mail, created when new; two records of one person are
//! merged only when a registrar says so. Results come one by one (API) or as files (CSV,
//! XLSX), in batches: each batch is committed whole, so a crash loses nothing acknowledged, and
//! importing again replaces instead of duplicating.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use microcred_model::Role;
use microcred_model::grading::GradingScheme;
use microcred_model::{Learner, StudentId, UniversityId};
use microcred_store::accounts::Account;
use microcred_store::learners::{self, LearnerRecord};
use microcred_store::results::{self, ResultRecord};
use microcred_store::{audit, catalogue, held_files, new_id, now};

use super::authz::{self, Action};
use super::grading::university_grading;
use super::views::{LearnerView, ResultView};
use super::{Platform, PlatformError, Result};
use crate::results::{ResultRow, ResultRows, ResultsFormat, ResultsReader, RowProblem, read_xlsx};

/// Rows committed together.
pub const IMPORT_BATCH: usize = 500;
/// Rows (or credentials) after which the database's statistics are refreshed, and again at
/// each doubling (see `Store::analyze`).
pub const ANALYZE_AFTER: u64 = 5_000;

/// What an import did, row by row.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    /// The import's id.
    pub import_id: String,
    /// Rows stored.
    pub rows_stored: u64,
    /// Rows refused.
    pub rows_refused: u64,
    /// Learners new to the platform.
    pub learners_created: u64,
    /// Each refused row, with its number and reason.
    pub problems: Vec<RowProblem>,
}

/// What a results file would store, read without storing anything: its first rows and every
/// problem (the first [`PREVIEW_PROBLEMS`] of them listed).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ResultsPreview {
    /// Rows read.
    pub rows_total: u64,
    /// Rows that would be refused.
    pub rows_refused: u64,
    /// Learners the rows name.
    pub learners: u64,
    /// The first rows that would be stored.
    pub first_rows: Vec<PreviewRow>,
    /// Why rows would be refused (the first ones).
    pub problems: Vec<RowProblem>,
}

/// A row of a preview, as a registrar reads it.
#[derive(Clone, Debug, Serialize)]
pub struct PreviewRow {
    /// Its number in the file.
    pub row: u64,
    /// The learner's key.
    pub learner: String,
    /// The learner's name.
    pub name: String,
    /// The course element.
    pub element: String,
    /// When.
    pub completed_on: String,
    /// Whether passed.
    pub passed: bool,
    /// The element's grade.
    pub grade: String,
}

/// How long an uploaded results file waits for the registrar to confirm it after its preview.
pub const HOLD_SECONDS: i64 = 30 * 60;
/// Results files held for one registrar at most (the oldest go first).
const HELD_PER_ACCOUNT: i64 = 4;

/// Problems listed by a preview at most (all are counted).
pub const PREVIEW_PROBLEMS: usize = 1_000;

/// Whether `actor` may record `row`: its course element is in the catalogue and belongs to a
/// university they are registrar of (an administrator records any).
/// What recording a row needs to know: each course element's university, and each
/// university's grading scheme (where it registered one: the only typed one).
struct Recordable {
    elements: HashMap<String, String>,
    schemes: HashMap<String, GradingScheme>,
}

fn may_record(
    actor: &Account,
    known: &Recordable,
    row: ResultRow,
) -> Result<ResultRow, RowProblem> {
    match known.elements.get(row.element.as_str()) {
        None => Err(RowProblem {
            row: row.row,
            column: Some("element".into()),
            message: format!("`{}` is not a course element of the catalogue", row.element),
        }),
        Some(university) if !authz::allows(actor, Action::RecordResults { university }) => {
            Err(RowProblem {
                row: row.row,
                column: Some("element".into()),
                message: format!(
                    "`{}` belongs to `{university}`, whose results only its registrars record",
                    row.element
                ),
            })
        }
        Some(university) => match known.schemes.get(university) {
            Some(scheme) => in_scheme(row, scheme),
            None => Ok(row),
        },
    }
}

/// A row's grades as its element's university's scheme writes them (the grade and the overall
/// grade are in that university's scheme: ENHANCE §7.14); a grade that is none of the scheme's,
/// or a passed row's grade that does not pass, is refused at its column.
fn in_scheme(mut row: ResultRow, scheme: &GradingScheme) -> Result<ResultRow, RowProblem> {
    let (number, passed) = (row.row, row.passed);
    for (column, grade) in [
        ("grade", &mut row.grade),
        ("overall_grade", &mut row.overall_grade),
    ] {
        let Some(given) = grade.as_deref() else {
            continue;
        };
        let problem = |message: String| RowProblem {
            row: number,
            column: Some(column.into()),
            message,
        };
        let written = scheme.grade(given).map_err(|e| problem(e.to_string()))?;
        if passed && !scheme.passes(&written) {
            return Err(problem(format!(
                "the row says passed, but `{written}` does not pass in {} (its lowest pass is {})",
                scheme.name,
                scheme.lowest_pass()
            )));
        }
        *grade = Some(written);
    }
    Ok(row)
}

fn views(records: Vec<LearnerRecord>) -> Vec<LearnerView> {
    records.into_iter().map(Into::into).collect()
}

impl Platform {
    /// The rows of an uploaded results file, recognised as `format` (see
    /// [`ResultsFormat::recognise`]): CSV is streamed as it is stored; an XLSX workbook is
    /// read within its limits off the async workers. A file that cannot be read is `Invalid`,
    /// saying why.
    pub async fn results_file<'a>(
        &self,
        name: &str,
        format: ResultsFormat,
        bytes: &'a [u8],
    ) -> Result<ResultRows<'a>> {
        let unreadable =
            |e: crate::results::ResultsFileError| PlatformError::invalid(e.to_string(), Vec::new());
        match format {
            ResultsFormat::Xlsx => {
                let (name, bytes) = (name.to_owned(), bytes.to_vec());
                let rows = self
                    .heavy("spreadsheet reading", move || read_xlsx(&name, &bytes))
                    .await?
                    .map_err(unreadable)?;
                Ok(ResultRows::Xlsx(rows.into_iter()))
            }
            ResultsFormat::Csv => Ok(ResultRows::Csv(
                ResultsReader::new(name, bytes).map_err(unreadable)?,
            )),
        }
    }

    /// The course elements of the catalogue and their universities.
    async fn element_universities(&self) -> Result<Recordable> {
        let mut c = self.store.connection().await?;
        let elements: HashMap<String, String> = catalogue::elements(&mut c, None)
            .await?
            .into_iter()
            .map(|e| (e.id.to_string(), e.university.to_string()))
            .collect();
        let mut schemes = HashMap::new();
        for university in elements.values() {
            if schemes.contains_key(university) {
                continue;
            }
            if let Some(grading) = university_grading(&mut c, university, None).await? {
                schemes.insert(university.clone(), grading.scheme);
            }
        }
        Ok(Recordable { elements, schemes })
    }

    /// Holds an uploaded results file until the registrar confirms it (see
    /// [`Platform::preview_results`]): its id names it in the confirmation. Kept in the
    /// database, so that any server can take the confirmation.
    pub async fn hold_results_file(
        &self,
        actor: &Account,
        name: &str,
        bytes: &[u8],
    ) -> Result<String> {
        authz::may(actor, Action::ImportResults)?;
        let id = new_id();
        let at = now();
        let file = held_files::HeldFile {
            id: &id,
            owner: &actor.id,
            name,
            bytes,
            held_at: at,
        };
        let mut tx = self.store.begin().await?;
        held_files::hold(&mut tx, &file, at - HOLD_SECONDS, HELD_PER_ACCOUNT).await?;
        microcred_store::commit(tx).await?;
        Ok(id)
    }

    /// Takes back a results file this account holds (its name and bytes), once.
    pub async fn take_results_file(&self, actor: &Account, id: &str) -> Result<(String, Vec<u8>)> {
        let mut c = self.store.connection().await?;
        held_files::take(&mut c, id, &actor.id, now() - HOLD_SECONDS)
            .await?
            .ok_or_else(|| {
                PlatformError::NotFound(format!(
                    "results file {id} (files are held {} minutes, and stored once)",
                    HOLD_SECONDS / 60
                ))
            })
    }

    /// Reads results as [`Platform::import_results`] would, storing nothing: what a registrar
    /// sees before confirming an upload. `shown` rows are kept to show.
    pub async fn preview_results(
        &self,
        actor: &Account,
        rows: impl IntoIterator<Item = Result<ResultRow, RowProblem>>,
        shown: usize,
    ) -> Result<ResultsPreview> {
        authz::may(actor, Action::ImportResults)?;
        let known = self.element_universities().await?;
        let mut preview = ResultsPreview::default();
        let mut learners = std::collections::HashSet::new();
        for row in rows {
            preview.rows_total += 1;
            match row.and_then(|row| may_record(actor, &known, row)) {
                Err(problem) => {
                    preview.rows_refused += 1;
                    if preview.problems.len() < PREVIEW_PROBLEMS {
                        preview.problems.push(problem);
                    }
                }
                Ok(row) => {
                    learners.insert(row.learner.clone());
                    if preview.first_rows.len() < shown {
                        preview.first_rows.push(PreviewRow {
                            row: row.row,
                            name: format!("{} {}", row.given_names, row.family_names),
                            learner: row.learner,
                            element: row.element.to_string(),
                            completed_on: row.completed_on.to_string(),
                            passed: row.passed,
                            grade: row.grade.unwrap_or_default(),
                        });
                    }
                }
            }
        }
        preview.learners = learners.len() as u64;
        Ok(preview)
    }

    /// Stores results: rows as a CSV or XLSX file has them, or as the API receives them.
    /// Rows for course elements of universities the actor is not registrar of are refused
    /// (each with its reason); the others are stored. `progress(rows done)` follows the work.
    pub async fn import_results(
        &self,
        actor: &Account,
        file_name: &str,
        rows: impl IntoIterator<Item = Result<ResultRow, RowProblem>>,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ImportReport> {
        authz::may(actor, Action::ImportResults)?;
        let known = self.element_universities().await?;
        let import_id = new_id();
        {
            let mut c = self.store.connection().await?;
            results::start_import(&mut c, &import_id, file_name, &actor.id).await?;
        }
        let mut report = ImportReport {
            import_id: import_id.clone(),
            ..ImportReport::default()
        };
        let mut batch: Vec<ResultRow> = Vec::with_capacity(IMPORT_BATCH);
        let mut done = 0u64;
        // Statistics are refreshed each time the import doubles, so plans follow the growth.
        let mut next_analyze = ANALYZE_AFTER;
        for row in rows {
            done += 1;
            match row.and_then(|row| may_record(actor, &known, row)) {
                Err(problem) => report.problems.push(problem),
                Ok(row) => batch.push(row),
            }
            if batch.len() >= IMPORT_BATCH {
                self.store_batch(actor, &import_id, &known.elements, &mut batch, &mut report)
                    .await?;
                if report.rows_stored >= next_analyze {
                    self.store.analyze().await?;
                    next_analyze *= 2;
                }
                progress(done);
            }
        }
        self.store_batch(actor, &import_id, &known.elements, &mut batch, &mut report)
            .await?;
        progress(done);
        report.rows_refused = report.problems.len() as u64;
        let mut tx = self.store.begin().await?;
        results::finish_import(
            &mut tx,
            &import_id,
            &serde_json::to_value(&report.problems).unwrap_or(Value::Null),
        )
        .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "results.imported",
            &format!("import:{import_id}"),
            &serde_json::json!({ "file": file_name, "stored": report.rows_stored, "refused": report.rows_refused }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        if report.rows_stored >= ANALYZE_AFTER {
            self.store.analyze().await?;
        }
        Ok(report)
    }

    /// Stores one batch in one transaction: finds or creates its learners (by the keys earlier
    /// batches of the file resolved, then by student id and e-mail: one query each), then
    /// upserts its results.
    async fn store_batch(
        &self,
        actor: &Account,
        import_id: &str,
        elements: &HashMap<String, String>,
        batch: &mut Vec<ResultRow>,
        report: &mut ImportReport,
    ) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(batch);
        let university_of = |row: &ResultRow| {
            elements
                .get(row.element.as_str())
                .cloned()
                .unwrap_or_default()
        };
        let mut tx = self.store.begin().await?;
        let mut keys: Vec<&str> = rows.iter().map(|r| r.learner.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        // The file's learner key → the learner it was resolved to.
        let mut resolved = results::learner_keys(&mut tx, import_id, &keys).await?;
        let mut new_keys: Vec<(String, String)> = Vec::new();
        let student_ids: Vec<(String, String)> = rows
            .iter()
            .filter(|r| !resolved.contains_key(&r.learner))
            .filter_map(|r| r.student_id.clone().map(|s| (university_of(r), s)))
            .collect();
        let emails: Vec<String> = rows
            .iter()
            .filter(|r| !resolved.contains_key(&r.learner))
            .filter_map(|r| r.email.clone())
            .collect();
        let (by_student, by_email) = learners::find_many(&mut tx, &student_ids, &emails).await?;
        let mut created: Vec<(String, Learner)> = Vec::new();
        let mut new_ids: HashMap<String, usize> = HashMap::new();
        for row in &rows {
            if resolved.contains_key(&row.learner) {
                continue;
            }
            let known = row
                .student_id
                .as_ref()
                .and_then(|s| by_student.get(&(university_of(row), s.clone())))
                .or_else(|| {
                    row.email
                        .as_ref()
                        .and_then(|e| by_email.get(&e.to_lowercase()))
                });
            match known {
                Some(id) => {
                    resolved.insert(row.learner.clone(), id.clone());
                    new_keys.push((row.learner.clone(), id.clone()));
                }
                None => {
                    let id = new_id();
                    let student_ids = row
                        .student_id
                        .as_ref()
                        .and_then(|s| {
                            UniversityId::new(university_of(row))
                                .ok()
                                .map(|university| StudentId {
                                    university,
                                    value: s.clone(),
                                })
                        })
                        .into_iter()
                        .collect();
                    new_ids.insert(row.learner.clone(), created.len());
                    created.push((
                        id.clone(),
                        Learner {
                            given_names: row.given_names.clone(),
                            family_names: row.family_names.clone(),
                            date_of_birth: row.date_of_birth,
                            nationality: row.nationality.clone(),
                            student_ids,
                            email: row.email.clone(),
                            home_university: row.home_university.clone(),
                        },
                    ));
                    resolved.insert(row.learner.clone(), id.clone());
                    new_keys.push((row.learner.clone(), id));
                }
            }
        }
        // A new learner's later rows in this batch add their student ids at other universities,
        // and their home university where the first row did not say it.
        for row in &rows {
            if let (Some(&i), Some(home)) = (new_ids.get(&row.learner), &row.home_university)
                && created[i].1.home_university.is_none()
            {
                created[i].1.home_university = Some(home.clone());
            }
            if let (Some(&i), Some(student)) = (new_ids.get(&row.learner), &row.student_id)
                && let Ok(university) = UniversityId::new(university_of(row))
            {
                let id = StudentId {
                    university,
                    value: student.clone(),
                };
                if !created[i].1.student_ids.contains(&id) {
                    created[i].1.student_ids.push(id);
                }
            }
        }
        learners::insert_many(&mut tx, &created).await?;
        // A home university a file records for a learner known before, who had none, is kept.
        let mut homes: Vec<(String, UniversityId)> = Vec::new();
        for row in &rows {
            if let Some(home) = &row.home_university
                && !new_ids.contains_key(&row.learner)
                && let Some(id) = resolved.get(&row.learner)
                && !homes.iter().any(|(known, _)| known == id)
            {
                homes.push((id.clone(), home.clone()));
            }
        }
        if !homes.is_empty() {
            let ids: Vec<String> = homes.iter().map(|(id, _)| id.clone()).collect();
            for mut record in learners::get_many(&mut tx, &ids).await? {
                if record.learner.home_university.is_none()
                    && let Some((_, home)) = homes.iter().find(|(id, _)| *id == record.id)
                {
                    record.learner.home_university = Some(home.clone());
                    learners::update(&mut tx, &record.id, &record.learner).await?;
                }
            }
        }
        results::remember_learner_keys(&mut tx, import_id, &new_keys).await?;
        let records: Vec<ResultRecord> = rows
            .iter()
            .map(|row| ResultRecord {
                learner_id: resolved[&row.learner].clone(),
                element_id: row.element.to_string(),
                completed_on: row.completed_on.to_string(),
                passed: row.passed,
                grade: row.grade.clone(),
                overall_grade: row.overall_grade.clone(),
                import_id: Some(import_id.to_owned()),
                recorded_by: actor.id.clone(),
            })
            .collect();
        results::upsert(&mut tx, &records).await?;
        results::count_import(&mut tx, import_id, records.len() as i64, 0).await?;
        microcred_store::commit(tx).await?;
        report.rows_stored += records.len() as u64;
        report.learners_created += created.len() as u64;
        Ok(())
    }

    /// A learner, for the learner themself, a registrar of a university they are known at, or
    /// an administrator.
    pub async fn learner(&self, actor: &Account, id: &str) -> Result<LearnerView> {
        let mut c = self.store.connection().await?;
        Ok(readable_learner(&mut c, actor, id).await?.0.into())
    }

    /// Learners by student id at a university, or by e-mail.
    pub async fn find_learners(
        &self,
        actor: &Account,
        university: Option<&str>,
        student_id: Option<&str>,
        email: Option<&str>,
    ) -> Result<Vec<LearnerView>> {
        authz::may(actor, Action::FindLearners)?;
        let mut c = self.store.connection().await?;
        let found = if let (Some(u), Some(s)) = (university, student_id) {
            learners::by_student_id(&mut c, u, s)
                .await?
                .into_iter()
                .collect()
        } else if let Some(email) = email {
            learners::by_email(&mut c, email).await?
        } else if actor.has(Role::AllianceAdmin) {
            return Ok(views(learners::list(&mut c, 200, 0).await?));
        } else {
            // A registrar lists the learners of their own universities: each is theirs to see.
            let mut all = Vec::new();
            for grant in actor.grants.iter().filter(|g| g.role == Role::Registrar) {
                if let Some(u) = &grant.university {
                    all.extend(learners::list_at_university(&mut c, u, 200, 0).await?);
                }
            }
            all.sort_by(|a, b| a.id.cmp(&b.id));
            all.dedup_by(|a, b| a.id == b.id);
            return Ok(views(all));
        };
        let mut readable = Vec::with_capacity(found.len());
        for record in found {
            let universities = learners::universities_of(&mut c, &record.id).await?;
            if authz::allows(
                actor,
                Action::ReadLearner {
                    learner: &record.id,
                    universities: &universities,
                },
            ) {
                readable.push(record);
            }
        }
        Ok(views(readable))
    }

    /// A learner's results, for whoever may read the learner.
    pub async fn learner_results(&self, actor: &Account, id: &str) -> Result<Vec<ResultView>> {
        let learner = self.learner(actor, id).await?;
        let mut c = self.store.connection().await?;
        Ok(results::of_learner(&mut c, &learner.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Merges learner `other` into `keep` (the same person recorded twice), as a registrar
    /// says; refused when both hold a credential for the same specification.
    pub async fn merge_learners(
        &self,
        actor: &Account,
        keep: &str,
        other: &str,
    ) -> Result<LearnerView> {
        let mut tx = self.store.begin().await?;
        let mut involved = Vec::new();
        for id in [keep, other] {
            involved.extend(readable_learner(&mut tx, actor, id).await?.1);
        }
        involved.sort();
        involved.dedup();
        authz::may(
            actor,
            Action::MergeLearners {
                universities: &involved,
            },
        )?;
        let merged = learners::merge(&mut tx, keep, other).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "learner.merged",
            &format!("learner:{keep}"),
            &serde_json::json!({ "merged": other }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(merged.into())
    }

    /// Creates an account for a learner, to see and share their credentials (the
    /// administrator: an account bound to a learner reads all their credentials, from every
    /// university, so no single university's registrar may make one).
    pub async fn learner_account(
        &self,
        actor: &Account,
        learner_id: &str,
        email: &str,
        password: Option<String>,
    ) -> Result<Account> {
        let learner = self.learner(actor, learner_id).await?;
        authz::may(actor, Action::BindLearnerAccount)?;
        self.insert_account(
            &actor.id,
            super::auth::NewAccount {
                email: email.to_owned(),
                name: learner.learner.full_name(),
                password,
                grants: vec![microcred_model::Grant {
                    role: Role::Learner,
                    university: None,
                }],
                learner_id: Some(learner.id),
            },
        )
        .await
    }
}

/// A learner and the universities they are known at, for whoever may see them (see
/// [`Action::ReadLearner`]). Someone else's learner is "not found": whether a person is a
/// learner of the alliance is not for every registrar to learn.
pub(super) async fn readable_learner(
    c: &mut microcred_store::Connection,
    actor: &Account,
    id: &str,
) -> Result<(LearnerRecord, Vec<String>)> {
    let missing = || PlatformError::NotFound(format!("learner {id}"));
    let record = learners::get(c, id).await?.ok_or_else(missing)?;
    let universities = learners::universities_of(c, &record.id).await?;
    let read = Action::ReadLearner {
        learner: &record.id,
        universities: &universities,
    };
    if !authz::allows(actor, read) {
        return Err(missing());
    }
    Ok((record, universities))
}
