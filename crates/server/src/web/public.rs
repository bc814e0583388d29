//! Pages for everyone: the catalogue, a specification in plain language, verification, and
//! signing in.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use microcred_app::grades::{ConversionPolicy, GradeError, band_text, convert_typed_grade};
use microcred_app::platform::Account;
use microcred_app::platform::auth::Session;
use microcred_app::platform::catalogue::CatalogueQuery;
use microcred_app::platform::grading::BetweenUniversities;
use microcred_app::platform::views::SpecificationVersionView;
use microcred_app::platform::views::UniversityView;
use microcred_app::platform::{PlatformError, Problem};
use microcred_credentials::statement::MicroCredentialStatement;
use microcred_credentials::verify::{Report, Status};
use microcred_model::grade_conversion::Conversion;
use microcred_model::vocabulary::{Mode, QfEheaCycle, Typology};
use microcred_model::{CourseElement, StandardElement};

use super::filters;
use super::forms::{FormData, Upload, same_origin};
use super::messages::msg;
use super::{Chrome, PageError, PageResult, form_page, page, see_other};
use crate::AppState;
use crate::auth::{MaybeActor, SourceAddress, session_cookie};

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    chrome: Chrome,
    query: FormData,
    results: Vec<SpecificationVersionView>,
    universities: Vec<UniversityView>,
    typologies: &'static [&'static str],
    modes: &'static [&'static str],
}

/// The catalogue of published specifications, searched and filtered.
pub async fn catalogue(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let form = FormData::parse(raw.unwrap_or_default().as_bytes());
    let mut problems = Vec::new();
    let number = |name: &str, problems: &mut Vec<Problem>| -> Option<f64> {
        let text = form.text(name);
        if text.is_empty() {
            return None;
        }
        text.replace(',', ".").parse().ok().or_else(|| {
            problems.push(Problem::new(name, format!("`{text}` is not a number")));
            None
        })
    };
    let query = CatalogueQuery {
        q: Some(form.text("q").to_owned()).filter(|s| !s.is_empty()),
        typology: serde_json::from_value::<Typology>(form.text("typology").into()).ok(),
        min_ects: number("min_ects", &mut problems),
        max_ects: number("max_ects", &mut problems),
        eqf: number("eqf", &mut problems).map(|n| n as u8),
        mode: Some(form.text("mode").to_owned()).filter(|s| !s.is_empty()),
        language: Some(form.text("language").to_lowercase()).filter(|s| !s.is_empty()),
        university: Some(form.text("university").to_owned()).filter(|s| !s.is_empty()),
        subject: Some(form.text("subject").to_owned()).filter(|s| !s.is_empty()),
    };
    if !problems.is_empty() {
        let mut error = PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("catalogue.bad_filter"),
        );
        error.problems = problems;
        return Err(error);
    }
    let results = state.platform.catalogue(&query).await?;
    let universities = state.platform.universities().await?;
    page(&CataloguePage {
        chrome: Chrome::new(account, msg("catalogue.title")).notice(Some(form.text("done"))),
        query: form,
        results,
        universities,
        typologies: Typology::names(),
        modes: Mode::names(),
    })
}

#[derive(Template)]
#[template(path = "specification.html")]
struct SpecificationPage {
    chrome: Chrome,
    record: SpecificationVersionView,
    elements: Vec<(StandardElement, String)>,
    course_elements: Vec<(CourseElement, String)>,
}

/// A published specification: its 16 elements in plain language, its course elements.
pub async fn specification(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    Path(id): Path<String>,
) -> PageResult {
    let record = state.platform.published(&id).await?;
    let plain = state
        .platform
        .plain_specification(&record.specification)
        .await?;
    page(&SpecificationPage {
        chrome: Chrome::new(
            account,
            record
                .specification
                .title
                .as_ref()
                .map_or(id.clone(), |t| t.en().to_owned()),
        ),
        record,
        elements: plain.elements,
        course_elements: plain.course_elements,
    })
}

/// What the verification page shows: the verdict, each check, and the credential's
/// statements, read from what was signed.
pub struct Verification {
    pub verified: bool,
    /// Whether the statements are shown: only what a trusted issuer's signature covers
    /// ([`microcred_credentials::verify::Verdict::statement_is_authentic`]).
    pub authentic: bool,
    /// `valid`, `revoked`, `tampered`, … (the verdict's name).
    pub verdict: String,
    pub sentence: String,
    /// (check, ok|failed|skipped, detail).
    pub checks: Vec<(String, String, String)>,
    pub elements: Vec<(StandardElement, String)>,
    pub title: String,
    pub learner: String,
    pub issuer: String,
    pub document: String,
}

impl Verification {
    fn new(report: &Report, credential: &Value) -> Verification {
        let authentic = report.verdict.statement_is_authentic();
        let statement = if authentic {
            microcred_app::verify::read_any_statement(credential)
        } else {
            MicroCredentialStatement::default()
        };
        Verification {
            verified: report.verified,
            authentic,
            verdict: serde_json::to_value(report.verdict)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            sentence: report.verdict.sentence().to_owned(),
            checks: report
                .checks
                .iter()
                .map(|c| {
                    let status = match c.status {
                        Status::Ok => "ok",
                        Status::Failed => "failed",
                        Status::Skipped => "skipped",
                    };
                    (c.name.to_owned(), status.to_owned(), c.detail.clone())
                })
                .collect(),
            elements: statement
                .elements()
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            title: statement.title.clone(),
            learner: statement.learner_name.clone(),
            issuer: statement.issuer_name.clone(),
            document: if authentic {
                serde_json::to_string_pretty(credential).unwrap_or_default()
            } else {
                String::new()
            },
        }
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    chrome: Chrome,
    pasted: String,
    result: Option<Verification>,
    problem: String,
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    credential: Option<String>,
}

/// The verification page: a form, or (from a shared link or a QR code) a credential's result.
pub async fn verify_form(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    Query(query): Query<VerifyQuery>,
) -> PageResult {
    let mut result = None;
    let mut problem = String::new();
    if let Some(id) = query.credential.filter(|id| !id.is_empty()) {
        match state.platform.shared_credential(&id).await {
            Ok(credential) => {
                let (report, _) = state.platform.verify(&credential).await?;
                result = Some(Verification::new(&report, &credential));
            }
            Err(PlatformError::NotFound(_)) => problem = msg("verify.unknown_link").to_owned(),
            Err(other) => return Err(other.into()),
        }
    }
    page(&VerifyPage {
        chrome: Chrome::new(account, msg("verify.title")),
        pasted: String::new(),
        result,
        problem,
    })
}

/// A pasted or uploaded credential (JSON, a VC-JWT, a baked badge image, or a printed
/// certificate's PDF), verified.
pub async fn verify_upload(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    upload: Upload,
) -> PageResult {
    let (read, pasted) = upload.credential(msg("verify.nothing"));
    let (result, problem) = match read {
        Ok(credential) => {
            let (report, _) = state.platform.verify(&credential).await?;
            (Some(Verification::new(&report, &credential)), String::new())
        }
        Err(why) => (None, why),
    };
    let usable = result.is_some();
    form_page(
        &VerifyPage {
            chrome: Chrome::new(account, msg("verify.title")),
            pasted,
            result,
            problem,
        },
        usable,
    )
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    email: String,
    next: String,
    problem: String,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

pub async fn sign_in_form(
    MaybeActor(account): MaybeActor,
    Query(query): Query<SignInQuery>,
) -> PageResult {
    page(&SignInPage {
        chrome: Chrome::new(account, msg("sign_in.title")),
        email: String::new(),
        next: query.next.unwrap_or_default(),
        problem: String::new(),
    })
}

/// Only a path on this site is followed after signing in (never another site). `next` is
/// read as a browser reads a link on one of our pages (WHATWG URL parsing, which drops tabs and
/// newlines and reads `\\` as `/`), and followed only if it stays on this origin.
fn local_path(next: &str) -> String {
    const HOME: &str = "/home";
    let Ok(base) = url::Url::parse("http://microcred.invalid/") else {
        return HOME.to_owned();
    };
    if !next.starts_with('/') {
        return HOME.to_owned();
    }
    match base.join(next) {
        Ok(url) if url.origin() == base.origin() => {
            let mut path = url.path().to_owned();
            if let Some(query) = url.query() {
                path.push('?');
                path.push_str(query);
            }
            path
        }
        _ => HOME.to_owned(),
    }
}

/// A browser that has just signed in (or made its account) is sent on to `to` with its
/// session cookie.
pub(super) fn signed_in_to(state: &AppState, session: &Session, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Some(value) = session_cookie(state.platform.config(), session) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub async fn sign_in(
    State(state): State<AppState>,
    SourceAddress(source): SourceAddress,
    form: FormData,
) -> PageResult {
    let email = form.text("email");
    match state
        .platform
        .sign_in(email, form.text("password"), source.as_deref())
        .await
    {
        Ok(session) => Ok(signed_in_to(
            &state,
            &session,
            &local_path(form.text("next")),
        )),
        Err(PlatformError::Unauthenticated | PlatformError::Forbidden(_)) => {
            let mut response = page(&SignInPage {
                chrome: Chrome::new(None, msg("sign_in.title")),
                email: email.to_owned(),
                next: form.text("next").to_owned(),
                problem: msg("sign_in.refused").to_owned(),
            })?;
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(response)
        }
        Err(PlatformError::TooManyAttempts {
            message,
            retry_after,
        }) => {
            let mut response = page(&SignInPage {
                chrome: Chrome::new(None, msg("sign_in.title")),
                email: email.to_owned(),
                next: form.text("next").to_owned(),
                problem: message,
            })?;
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> PageResult {
    let (parts, _) = request.into_parts();
    same_origin(&parts.headers)?;
    if let Some(token) = crate::auth::token(&parts) {
        state.platform.sign_out(&token).await?;
    }
    let mut response = see_other("/", "signed_out")?;
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("microcred_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

#[cfg(test)]
mod redirect_tests {
    use super::local_path;

    #[test]
    fn sign_in_follows_only_paths_on_this_site() {
        assert_eq!(local_path("/registrar/import?x=1"), "/registrar/import?x=1");
        assert_eq!(local_path("/my/credentials"), "/my/credentials");
        for hostile in [
            "//evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            " //evil.example",
            "",
        ] {
            assert_eq!(local_path(hostile), "/home", "{hostile:?}");
        }
    }
}

/// A converted grade, as the page shows it.
struct GradeResult {
    source_grade: String,
    grade: String,
    policy: String,
    source_band: String,
    /// Grade, band, shared points, whether suggested.
    candidates: Vec<(String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "grades.html")]
struct GradesPage {
    chrome: Chrome,
    grade: String,
    from: String,
    to: String,
    policy: String,
    /// Value, label, whether chosen.
    policies: Vec<(&'static str, &'static str, bool)>,
    result: Option<GradeResult>,
    problem: String,
    /// The member universities (id, name) for the conversion by published tables.
    universities: Vec<(String, String)>,
    /// That form's fields: grade, from, to, field, cycle.
    between: [String; 5],
    /// The cycles (value, chosen).
    cycles: Vec<(&'static str, bool)>,
    between_result: Option<BetweenResult>,
    between_problem: String,
}

/// A grade converted between two member universities, as the page shows it.
struct BetweenResult {
    original: String,
    original_scheme: String,
    grade: String,
    scheme: String,
    /// Grade, band, shared points, whether suggested.
    candidates: Vec<(String, String, String, bool)>,
    tables: Vec<String>,
}

impl GradesPage {
    fn new(account: Option<Account>, form: Option<&FormData>) -> GradesPage {
        let field = |name: &str| form.map(|f| f.text(name).to_owned()).unwrap_or_default();
        let policy = ConversionPolicy::parse(&field("policy")).unwrap_or_default();
        let cycle = field("cycle");
        GradesPage {
            universities: Vec::new(),
            between: [
                field("between_grade"),
                field("between_from"),
                field("between_to"),
                field("field"),
                cycle.clone(),
            ],
            cycles: QfEheaCycle::names()
                .iter()
                .map(|name| (*name, *name == cycle))
                .collect(),
            between_result: None,
            between_problem: String::new(),
            chrome: Chrome::new(account, msg("grades.title")),
            grade: field("grade"),
            from: field("from"),
            to: field("to"),
            policy: policy.name().to_owned(),
            policies: [
                (
                    ConversionPolicy::LargestOverlap,
                    msg("grades.policy_largest"),
                ),
                (ConversionPolicy::Lowest, msg("grades.policy_lowest")),
                (ConversionPolicy::Highest, msg("grades.policy_highest")),
            ]
            .into_iter()
            .map(|(p, label)| (p.name(), label, p == policy))
            .collect(),
            result: None,
            problem: String::new(),
        }
    }
}

/// The grade conversion page (anyone).
pub async fn grades_form(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
) -> PageResult {
    let mut view = GradesPage::new(account, None);
    view.universities = member_names(&state).await?;
    page(&view)
}

async fn member_names(state: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(state
        .platform
        .universities()
        .await?
        .into_iter()
        .map(|u| {
            (
                u.university.id.to_string(),
                u.university.legal_name.en().to_owned(),
            )
        })
        .collect())
}

/// A conversion's overlapping grades as the page's table shows them: grade, band, shared
/// points, whether suggested.
fn candidate_rows(c: &Conversion) -> Vec<(String, String, String, bool)> {
    c.candidates
        .iter()
        .map(|candidate| {
            (
                candidate.grade.clone(),
                band_text(candidate.band),
                format!("{:.2}", candidate.overlap),
                candidate.grade == c.grade,
            )
        })
        .collect()
}

/// A grade converted between two member universities by their published tables.
pub async fn grades_between(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    form: FormData,
) -> PageResult {
    let mut view = GradesPage::new(account, Some(&form));
    view.universities = member_names(&state).await?;
    let policy = ConversionPolicy::parse(&view.policy).unwrap_or_default();
    let [grade, from, to, field, cycle] = view.between.clone();
    let field = match field.trim() {
        "" => Ok(None),
        code => microcred_model::IscedF::try_from(code.to_owned()).map(Some),
    };
    let request = field.map(|field| BetweenUniversities {
        grade,
        from,
        to,
        field,
        cycle: QfEheaCycle::parse(&cycle),
        policy,
        min_table_size: None,
    });
    let outcome = match request {
        Err(why) => Err(why),
        Ok(request) if request.grade.trim().is_empty() => {
            Err(msg("grades.missing_grade").to_owned())
        }
        Ok(request) => match state.platform.convert_between_universities(&request).await {
            Ok(done) => Ok(done),
            Err(PlatformError::Invalid { problems, title }) => {
                Err(problems.first().map_or(title, |p| p.message.clone()))
            }
            Err(PlatformError::NotFound(what)) => Err(format!("{what} not found")),
            Err(e) => return Err(e.into()),
        },
    };
    match outcome {
        Ok((converted, _)) => {
            let candidates = converted
                .conversion
                .as_ref()
                .map(candidate_rows)
                .unwrap_or_default();
            view.between_result = Some(BetweenResult {
                original: converted.original,
                original_scheme: converted.original_scheme,
                grade: converted.grade,
                scheme: converted.scheme,
                candidates,
                tables: converted.tables,
            });
        }
        Err(problem) => view.between_problem = problem,
    }
    form_page(&view, view.between_result.is_some())
}

/// A grade converted by the two tables typed or pasted, or what is wrong with them.
pub async fn grades_convert(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    form: FormData,
) -> PageResult {
    let mut view = GradesPage::new(account, Some(&form));
    view.universities = member_names(&state).await?;
    let policy = ConversionPolicy::parse(&view.policy).unwrap_or_default();
    if view.grade.is_empty() || view.from.is_empty() || view.to.is_empty() {
        view.problem = msg("grades.missing").to_owned();
    } else {
        match convert_typed_grade(
            &view.grade,
            (msg("grades.from"), &view.from),
            (msg("grades.to"), &view.to),
            policy,
        ) {
            Ok(converted) => {
                let c = &converted.conversion;
                view.result = Some(GradeResult {
                    source_grade: c.source_grade.clone(),
                    grade: c.grade.clone(),
                    policy: c.policy.name().to_owned(),
                    source_band: band_text(c.source_band),
                    candidates: candidate_rows(c),
                });
            }
            Err(GradeError::Table(t)) if t.line > 0 => {
                view.problem = format!("{}, line {}: {}", t.file, t.line, t.message);
            }
            Err(e) => view.problem = e.to_string(),
        }
    }
    form_page(&view, view.result.is_some())
}
