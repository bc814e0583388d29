//! Universities' grading schemes (typed: [`GradingScheme`]) and grade distribution tables per
//! ISCED-F field and cycle (the ECTS Users' Guide's reference tables, imported from CSV), and
//! the one reading of "which scheme and tables grade this university's micro-credentials" that
//! issuing and stacking share.

use serde_json::Value;

use microcred_model::grade_conversion::{GradingContext, ReferenceTable};
use microcred_model::grading::GradingScheme;
use microcred_store::accounts::Account;
use microcred_store::universities::{self, GradeTableRecord};
use microcred_store::{Connection, audit};

use super::alliance::self_exists;
use super::authz::{self, Action};
use super::{Platform, PlatformError, Problem, Result};
use crate::grades::parse_reference_tables;

/// A grading scheme as a university registered it: typed, or (stored before schemes were
/// typed) a document that is none, with why.
#[derive(Clone, Debug)]
pub struct RegisteredScheme {
    /// Its id.
    pub id: String,
    /// The scheme, or why the stored document is none.
    pub scheme: std::result::Result<GradingScheme, String>,
    /// The document as stored.
    pub document: Value,
}

/// What grades a university's micro-credentials: its scheme and its reference tables.
#[derive(Clone, Debug)]
pub struct UniversityGrading {
    /// The university.
    pub university: String,
    /// The scheme's id.
    pub scheme_id: String,
    /// The scheme.
    pub scheme: GradingScheme,
    /// Its grade distribution tables in that scheme.
    pub tables: Vec<ReferenceTable>,
}

impl Platform {
    /// Sets a university's grading scheme (typed: listed grades, a range, or pass/fail); a
    /// document that is no scheme is refused with the field at fault.
    pub async fn set_grading_scheme(
        &self,
        actor: &Account,
        university: &str,
        id: &str,
        document: &Value,
    ) -> Result<GradingScheme> {
        authz::may(actor, Action::DescribeUniversity { university })?;
        let scheme: GradingScheme = serde_path_to_error::deserialize(document).map_err(|e| {
            PlatformError::invalid(
                "the grading scheme cannot be used",
                vec![Problem::new(e.path().to_string(), e.inner().to_string())],
            )
        })?;
        if id.is_empty()
            || id.len() > 64
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(PlatformError::invalid(
                "the grading scheme's id cannot be used",
                vec![Problem::new("id", "letters, digits and `-`, at most 64")],
            ));
        }
        let mut tx = self.store.begin().await?;
        self_exists(&mut tx, university).await?;
        let stored =
            serde_json::to_value(&scheme).map_err(|e| PlatformError::Internal(e.to_string()))?;
        if !universities::set_grading_scheme(&mut tx, university, id, &stored).await? {
            return Err(PlatformError::Conflict(format!(
                "grading scheme `{id}` belongs to another university: choose another id"
            )));
        }
        audit::append(
            &mut tx,
            &actor.id,
            "grading-scheme.set",
            &format!("university:{university}"),
            &serde_json::json!({ "scheme": id }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(scheme)
    }

    /// A university's grading schemes, by id.
    pub async fn grading_schemes(&self, university: &str) -> Result<Vec<RegisteredScheme>> {
        let mut c = self.store.connection().await?;
        self_exists(&mut c, university).await?;
        registered_schemes(&mut c, university).await
    }

    /// Replaces a university's grade distribution tables of one of its schemes by those of a
    /// CSV file (`field,cycle,grade,count`), all at once; a fault is named with its line.
    pub async fn import_grade_tables(
        &self,
        actor: &Account,
        university: &str,
        scheme_id: &str,
        period: Option<&str>,
        file: &str,
        bytes: &[u8],
    ) -> Result<Vec<ReferenceTable>> {
        authz::may(actor, Action::DescribeUniversity { university })?;
        let mut tx = self.store.begin().await?;
        self_exists(&mut tx, university).await?;
        let scheme = registered_schemes(&mut tx, university)
            .await?
            .into_iter()
            .find(|s| s.id == scheme_id)
            .ok_or_else(|| {
                PlatformError::NotFound(format!("grading scheme `{scheme_id}` of `{university}`"))
            })?
            .scheme
            .map_err(|why| {
                PlatformError::Conflict(format!(
                    "grading scheme `{scheme_id}` is not typed ({why}): set it again first"
                ))
            })?;
        let period = period.map(str::trim).filter(|p| !p.is_empty());
        if period.is_some_and(|p| p.len() > 100) {
            return Err(PlatformError::invalid(
                "the period is too long",
                vec![Problem::new(
                    "period",
                    "at most 100 bytes, e.g. 2022/23–2024/25",
                )],
            ));
        }
        let tables = parse_reference_tables(file, bytes, &scheme, period).map_err(|e| {
            PlatformError::invalid(
                "the grade distribution tables cannot be used",
                vec![Problem::new(
                    if e.line > 0 {
                        format!("{}:{}", e.file, e.line)
                    } else {
                        e.file.clone()
                    },
                    e.message.clone(),
                )],
            )
        })?;
        let records: Vec<GradeTableRecord> = tables
            .iter()
            .map(|t| GradeTableRecord {
                scheme_id: scheme_id.to_owned(),
                field: t
                    .scope
                    .field
                    .as_ref()
                    .map(|f| f.as_str().to_owned())
                    .unwrap_or_default(),
                cycle: t
                    .scope
                    .cycle
                    .map(|c| c.name().to_owned())
                    .unwrap_or_default(),
                period: t.period.clone().unwrap_or_default(),
                grades: t
                    .distribution
                    .grades()
                    .map(|(g, c)| (g.to_owned(), c))
                    .collect(),
            })
            .collect();
        universities::replace_grade_tables(&mut tx, university, scheme_id, &records).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "grade-tables.import",
            &format!("university:{university}"),
            &serde_json::json!({ "scheme": scheme_id, "tables": records.len() }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(tables)
    }

    /// A university's grade distribution tables, with the id of the scheme each is in.
    pub async fn grade_tables(&self, university: &str) -> Result<Vec<(String, ReferenceTable)>> {
        let mut c = self.store.connection().await?;
        self_exists(&mut c, university).await?;
        let schemes = registered_schemes(&mut c, university).await?;
        let records = universities::grade_tables(&mut c, university).await?;
        Ok(records
            .into_iter()
            .filter_map(|record| {
                let scheme = schemes.iter().find(|s| s.id == record.scheme_id)?;
                let table = reference_table(scheme.scheme.as_ref().ok()?, record.clone())?;
                Some((record.scheme_id, table))
            })
            .collect())
    }
}

async fn registered_schemes(c: &mut Connection, university: &str) -> Result<Vec<RegisteredScheme>> {
    Ok(universities::grading_schemes(c, university)
        .await?
        .into_iter()
        .map(|(id, document)| RegisteredScheme {
            scheme: serde_json::from_value(document.clone()).map_err(|e| e.to_string()),
            id,
            document,
        })
        .collect())
}

/// A stored table read back (a table a scheme change made unreadable is left out).
fn reference_table(scheme: &GradingScheme, record: GradeTableRecord) -> Option<ReferenceTable> {
    use microcred_model::grade_conversion::{GradeDistribution, TableScope};
    Some(ReferenceTable {
        scope: TableScope {
            field: match record.field.as_str() {
                "" => None,
                code => Some(code.to_owned().try_into().ok()?),
            },
            cycle: match record.cycle.as_str() {
                "" => None,
                name => Some(microcred_model::vocabulary::QfEheaCycle::parse(name)?),
            },
        },
        period: Some(record.period).filter(|p| !p.is_empty()),
        distribution: GradeDistribution::in_scheme(scheme, record.grades).ok()?,
    })
}

/// What grades `university`'s micro-credentials: its scheme whose id the specification's
/// grading names, else its only typed scheme; none when it has none (or several and the
/// specification names none of them). Issuing and stacking both ask this.
pub(crate) async fn university_grading(
    c: &mut Connection,
    university: &str,
    named: Option<&str>,
) -> Result<Option<UniversityGrading>> {
    let typed: Vec<(String, GradingScheme)> = registered_schemes(c, university)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.id, s.scheme.ok()?)))
        .collect();
    let chosen = match named.and_then(|n| typed.iter().find(|(id, _)| id == n)) {
        Some(found) => Some(found.clone()),
        None if typed.len() == 1 => typed.into_iter().next(),
        None => None,
    };
    let Some((scheme_id, scheme)) = chosen else {
        return Ok(None);
    };
    let tables = universities::grade_tables(c, university)
        .await?
        .into_iter()
        .filter(|r| r.scheme_id == scheme_id)
        .filter_map(|r| reference_table(&scheme, r))
        .collect();
    Ok(Some(UniversityGrading {
        university: university.to_owned(),
        scheme_id,
        scheme,
        tables,
    }))
}

/// A grade of one member university to convert to another's scheme (anyone may ask:
/// universities publish their grade distribution tables).
#[derive(Clone, Debug)]
pub struct BetweenUniversities {
    /// The grade, in the source university's scheme.
    pub grade: String,
    /// The university that awarded it.
    pub from: String,
    /// The university whose scheme it is converted to.
    pub to: String,
    /// The ISCED-F field of what was graded (both tables are taken for it, falling back to
    /// broader fields and the whole university).
    pub field: Option<microcred_model::IscedF>,
    /// Its cycle.
    pub cycle: Option<microcred_model::vocabulary::QfEheaCycle>,
    /// Which overlapping grade is suggested.
    pub policy: microcred_model::grade_conversion::ConversionPolicy,
    /// The least number of grades a table must count (else a broader one is taken).
    pub min_table_size: Option<u64>,
}

impl Platform {
    /// Converts a grade between two member universities' schemes by their published tables,
    /// with the fall-backs of the ECTS Users' Guide; the answer names the tables used.
    pub async fn convert_between_universities(
        &self,
        request: &BetweenUniversities,
    ) -> Result<(
        microcred_model::grade_conversion::ConvertedGrade,
        microcred_model::grade_conversion::ConversionPolicy,
    )> {
        use microcred_model::grade_conversion::{
            ConvertError, DEFAULT_MIN_TABLE_SIZE, convert_between,
        };
        let mut c = self.store.connection().await?;
        let mut grading = Vec::with_capacity(2);
        for (field, university) in [("from", &request.from), ("to", &request.to)] {
            self_exists(&mut c, university).await?;
            grading.push(university_grading(&mut c, university, None).await?.ok_or_else(|| {
                PlatformError::invalid(
                    "the grade cannot be converted",
                    vec![Problem::new(
                        field,
                        format!("`{university}` has published no grading scheme (or more than one)"),
                    )],
                )
            })?);
        }
        let (from, to) = (&grading[0], &grading[1]);
        let min_size = request.min_table_size.unwrap_or(DEFAULT_MIN_TABLE_SIZE);
        convert_between(
            &request.grade,
            side_of(from, request),
            side_of(to, request),
            request.policy,
            min_size,
        )
        .map(|converted| (converted, request.policy))
        .map_err(|e| {
            let field = match &e {
                ConvertError::Grade(_) => "grade",
                ConvertError::NoTable(no) if no.university == request.from => "from",
                ConvertError::NoTable(_) => "to",
            };
            PlatformError::invalid(
                "the grade cannot be converted",
                vec![Problem::new(field, e.to_string())],
            )
        })
    }
}

fn side_of<'a>(
    grading: &'a UniversityGrading,
    request: &'a BetweenUniversities,
) -> GradingContext<'a> {
    GradingContext {
        university: grading.university.as_str(),
        scheme: &grading.scheme,
        tables: &grading.tables,
        field: request.field.as_ref(),
        cycle: request.cycle,
    }
}
