//! Stacked credentials on the platform (ENHANCE §7.15): learners' progress towards each
//! published stacked specification, the external credentials they (or a registrar) record,
//! verified on arrival and again before they count, and stacked credentials up for review when
//! a component they rest on is revoked.
//!
//! What counts and why is the model's (`Stacking::evaluate`); this module gathers what the
//! learner holds — the alliance's credentials of the rule's specifications, with their state,
//! and the recorded external credentials with their verification — and stores the outcome.
//! Issuing a stacked credential is [`Platform::issue`]'s, like any other (`issuance/`).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use microcred_credentials::open_badges::ComponentEvidence;
use microcred_credentials::trust::{SealAuthority, TrustList, TrustedIssuer};
use microcred_credentials::vc::{ComponentDocument, component_digest};
use microcred_credentials::verify::Verdict;
use microcred_model::grade_conversion::GradingContext;
use microcred_model::stacking::{
    Component, HeldComponent, HeldKind, StackProgress, Stacking, Standing,
};
use microcred_model::stacking::{ComponentGrade, ComponentStatus, GradeStanding, MinGrade};
use microcred_model::vocabulary::QfEheaCycle;
use microcred_model::{CredentialState, Date, EctsCredits, IscedF, Specification};
use microcred_store::accounts::Account;
use microcred_store::specifications::{self, VersionRecord};
use microcred_store::stacking::{self as store, ExternalCredentialRecord};
use microcred_store::{Connection, credentials, new_id, now};

use super::alliance::ALLIANCE;
use super::authz::{self, Action};
use super::grading::{UniversityGrading, university_grading};
use super::learners::readable_learner;
use super::{Platform, PlatformError, Result};

/// The largest external credential accepted, as text.
pub const MAX_EXTERNAL_BYTES: usize = 1 << 20;

/// A learner's progress towards one stacked specification.
#[derive(Clone, Debug, Serialize)]
pub struct StackingProgressView {
    /// The stacked specification.
    pub specification: String,
    /// Its published version.
    pub version: i64,
    /// Its title.
    pub title: String,
    /// The learner's stacked credential for it, when issued.
    pub credential: Option<String>,
    /// Each component's name, by its label in [`StackProgress::pools`].
    pub names: HashMap<String, String>,
    /// Each pool's title, by its id (the id where it has none).
    pub pool_titles: HashMap<String, String>,
    /// The evaluation, today.
    pub progress: StackProgress,
}

/// An external credential as recorded, for its learner and registrars.
#[derive(Clone, Debug, Serialize)]
pub struct ExternalCredentialView {
    /// The platform's id for it.
    pub id: String,
    /// The learner.
    pub learner: String,
    /// What it awards.
    pub title: String,
    /// Who issued it.
    pub issuer: String,
    /// Every name its issuer was established by.
    pub issuer_names: Vec<String>,
    /// The achievement's id.
    pub achievement: String,
    /// The day it was awarded.
    pub awarded_on: String,
    /// Its last valid day, if it expires.
    pub valid_until: Option<String>,
    /// The ECTS it states.
    pub ects: Option<f64>,
    /// What it is.
    pub format: String,
    /// The last verification's verdict (`valid`, `unknown-issuer`, …).
    pub verdict: String,
    /// The last verification report.
    pub report: Value,
    /// When it was last verified (seconds since 1970).
    pub verified_at: i64,
    /// The stacked credentials' components it matches (`specification` ids), if any.
    pub recognised_for: Vec<String>,
    /// Stacked credentials awarded because it was recorded (when it completed a rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awarded: Vec<super::issuance::StackedIssued>,
}

/// A stacked credential's stored evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct StackedAwardView {
    /// The stacked credential.
    pub credential: String,
    /// Its specification.
    pub specification: String,
    /// Its learner.
    pub learner: String,
    /// The evaluation it was issued on.
    pub trace: Value,
    /// The components it rests on.
    pub components: Vec<String>,
    /// Why it is up for review, if it is.
    pub review: Option<String>,
}

impl From<store::StackedAward> for StackedAwardView {
    fn from(a: store::StackedAward) -> Self {
        StackedAwardView {
            credential: a.credential_id,
            specification: a.specification_id,
            learner: a.learner_id,
            trace: serde_json::from_str(&a.trace).unwrap_or(Value::Null),
            components: a.components,
            review: (!a.review.is_empty()).then_some(a.review),
        }
    }
}

fn view(r: ExternalCredentialRecord, stacked: &[VersionRecord]) -> ExternalCredentialView {
    let recognised_for = stacked
        .iter()
        .filter(|v| {
            v.specification.stacking.as_ref().is_some_and(|s| {
                s.components().any(|(_, c)| {
                    matches!(c, Component::External(e)
                        if e.achievement == r.achievement && r.issuer_names.contains(&e.issuer))
                })
            })
        })
        .map(|v| v.specification_id.clone())
        .collect();
    ExternalCredentialView {
        id: r.id,
        learner: r.learner_id,
        title: r.title,
        issuer: r.issuer_label,
        issuer_names: r.issuer_names,
        achievement: r.achievement,
        awarded_on: r.awarded_on,
        valid_until: r.valid_until,
        ects: r.ects_hundredths.map(|h| h as f64 / 100.0),
        format: r.format,
        verdict: r.verdict,
        report: serde_json::from_str(&r.report).unwrap_or(Value::Null),
        verified_at: r.verified_at,
        recognised_for,
        awarded: Vec::new(),
    }
}

/// What a rule still asks for, in words, its pools named by their titles (`titles`, by id).
pub fn shortfall_text(
    shortfall: &microcred_model::stacking::Shortfall,
    titles: &HashMap<String, String>,
) -> String {
    titles
        .iter()
        .fold(shortfall.to_string(), |text, (id, title)| {
            text.replace(&format!("`{id}`"), title)
        })
}

fn pool_titles(stacking: &Stacking) -> HashMap<String, String> {
    stacking
        .pools
        .iter()
        .map(|p| {
            let title = p.title.as_ref().map_or(p.id.clone(), |t| t.en().to_owned());
            (p.id.clone(), title)
        })
        .collect()
}

/// The published stacked specifications.
pub(super) async fn stacked_specifications(c: &mut Connection) -> Result<Vec<VersionRecord>> {
    Ok(specifications::catalogue(c)
        .await?
        .into_iter()
        .filter(|v| v.specification.stacking.is_some())
        .collect())
}

/// What an external credential says of itself, read from its JSON (the VC inside a VC-JWT):
/// issuer names, achievement, title, dates and credits. Read after its verification.
struct ExternalFacts {
    issuer_names: Vec<String>,
    issuer_label: String,
    achievement: String,
    title: String,
    awarded_on: String,
    valid_until: Option<String>,
    ects_hundredths: Option<i64>,
}

fn external_facts(vc: &Value) -> std::result::Result<ExternalFacts, String> {
    if vc
        .get("credentialSubject")
        .and_then(|s| s.get("hasClaim"))
        .is_some()
        || vc["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "EuropeanDigitalCredential"))
    {
        return edc_facts(vc);
    }
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let issuer = &vc["issuer"];
    let issuer_id = text(issuer)
        .or_else(|| text(&issuer["id"]))
        .ok_or("it names no issuer (`issuer`)")?;
    let subject = match &vc["credentialSubject"] {
        Value::Array(list) => list.first().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    let achievement = &subject["achievement"];
    let achievement_id = text(&achievement["id"])
        .ok_or("it names no achievement (`credentialSubject.achievement.id`)")?;
    let day = |v: &Value| text(v).and_then(|t| t.get(..10).map(str::to_owned));
    let awarded_on = day(&vc["awardedDate"])
        .or_else(|| day(&vc["validFrom"]))
        .or_else(|| day(&vc["issuanceDate"]))
        .filter(|d| d.parse::<Date>().is_ok())
        .ok_or("it has no date of award (`awardedDate`, `validFrom` or `issuanceDate`)")?;
    let valid_until = day(&vc["validUntil"])
        .or_else(|| day(&vc["expirationDate"]))
        .filter(|d| d.parse::<Date>().is_ok());
    let credits = subject["creditsEarned"]
        .as_f64()
        .or_else(|| achievement["creditsAvailable"].as_f64());
    let ects_hundredths = credits
        .map(|c| (c * 100.0).round())
        .filter(|h| *h > 0.0 && *h <= f64::from(EctsCredits::MAX * 100))
        .map(|h| h as i64);
    let mut issuer_names = vec![issuer_id.clone()];
    if let Some(url) = text(&issuer["url"]) {
        issuer_names.push(url);
    }
    Ok(ExternalFacts {
        issuer_label: text(&issuer["name"]).unwrap_or(issuer_id),
        issuer_names,
        achievement: achievement_id,
        title: text(&achievement["name"])
            .or_else(|| text(&vc["name"]))
            .unwrap_or_default(),
        awarded_on,
        valid_until,
        ects_hundredths,
    })
}

/// How a held credential of the alliance stands.
fn standing(state: &str) -> Standing {
    match CredentialState::parse(state) {
        Some(CredentialState::Revoked) => Standing::Revoked,
        Some(CredentialState::Suspended) => Standing::Suspended,
        _ => Standing::Valid { until: None },
    }
}

/// How a recorded external credential stands after its last verification.
fn external_standing(r: &ExternalCredentialRecord) -> Standing {
    let until = r.valid_until.as_deref().and_then(|d| d.parse().ok());
    match r.verdict.as_str() {
        // Expiry is the model's to judge, on the day evaluated.
        "valid" | "expired" => Standing::Valid { until },
        "revoked" => Standing::Revoked,
        "suspended" => Standing::Suspended,
        other => Standing::NotVerified {
            verdict: other.replace('-', " "),
        },
    }
}

/// What an evaluation reads once, however many learners it pages through: the facts of the
/// specification versions the components' credentials were issued for (the ECTS, and for a
/// minimum grade the field, cycle and grading), and each stacked rule's grade check.
#[derive(Default)]
pub(super) struct VersionCredits {
    versions: HashMap<(String, i64), Option<VersionFacts>>,
    grade_checks: HashMap<String, Option<GradeCheck>>,
}

#[derive(Clone)]
struct VersionFacts {
    ects: Option<EctsCredits>,
    field: Option<IscedF>,
    cycle: Option<QfEheaCycle>,
    /// The scheme its grading names.
    grading: Option<String>,
    /// Its lead university (who grades an award by the alliance).
    lead: Option<String>,
}

impl VersionCredits {
    async fn facts(
        &mut self,
        c: &mut Connection,
        id: &str,
        version: i64,
    ) -> Result<Option<VersionFacts>> {
        if let Some(facts) = self.versions.get(&(id.to_owned(), version)) {
            return Ok(facts.clone());
        }
        let facts = specifications::version(c, id, version).await?.map(|v| {
            let spec = v.specification;
            VersionFacts {
                ects: spec.workload.ects,
                field: spec.further_information.isced_f.clone(),
                cycle: spec.level.qf_ehea_cycle,
                grading: spec.grading.map(|g| g.scheme),
                lead: spec.awarding.and_then(|a| a.lead).map(|l| l.to_string()),
            }
        });
        self.versions
            .insert((id.to_owned(), version), facts.clone());
        Ok(facts)
    }
}

/// Who graded a component: its grading university, the scheme its specification names, and
/// the specification's field and cycle.
struct GradeSource {
    university: String,
    named: Option<String>,
    field: Option<IscedF>,
    cycle: Option<QfEheaCycle>,
}

/// A stacked rule's minimum grade with the scheme and tables it is read in, prepared once for
/// an evaluation: the stacked specification's lead university grades it (ENHANCE §7.14).
struct GradeCheck {
    min: MinGrade,
    /// The lead university's grading, the stacked specification's field and cycle; or why
    /// there is none.
    target: std::result::Result<(UniversityGrading, Option<IscedF>, Option<QfEheaCycle>), String>,
    /// Each component university's grading, by (university, scheme named).
    sources: HashMap<(String, Option<String>), Option<UniversityGrading>>,
    /// Standings worked out: the same grade of the same university, field and cycle stands
    /// the same way (a page of learners repeats a few grades many times).
    known: HashMap<GradeKey, GradeStanding>,
}

/// What a grade's standing depends on besides the rule: the source university, the scheme
/// named, the field, the cycle, the grade.
type GradeKey = (
    String,
    Option<String>,
    Option<String>,
    Option<QfEheaCycle>,
    String,
);

impl GradeCheck {
    async fn new(c: &mut Connection, stacked: &Specification) -> Result<Option<GradeCheck>> {
        let Some(min) = stacked.stacking.as_ref().and_then(|s| s.min_grade.clone()) else {
            return Ok(None);
        };
        let lead = stacked.awarding.as_ref().and_then(|a| a.lead.clone());
        let target = match lead {
            None => Err("the stacked credential names no lead university to grade it".to_owned()),
            Some(lead) => match university_grading(
                c,
                lead.as_str(),
                stacked.grading.as_ref().map(|g| g.scheme.as_str()),
            )
            .await?
            {
                Some(grading) => Ok((
                    grading,
                    stacked.further_information.isced_f.clone(),
                    stacked.level.qf_ehea_cycle,
                )),
                None => Err(format!(
                    "{lead} has no typed grading scheme for the minimum grade"
                )),
            },
        };
        Ok(Some(GradeCheck {
            min,
            target,
            sources: HashMap::new(),
            known: HashMap::new(),
        }))
    }

    /// How a component's grade stands: `source` is its grading university with the scheme its
    /// specification names, its field and cycle (none for another issuer's credential).
    async fn standing(
        &mut self,
        c: &mut Connection,
        grade: Option<String>,
        source: Option<GradeSource>,
    ) -> Result<GradeStanding> {
        let (target, field, cycle) = match &self.target {
            Ok(target) => target,
            Err(why) => return Ok(GradeStanding::Unconvertible(why.clone())),
        };
        let to = GradingContext {
            university: &target.university,
            scheme: &target.scheme,
            tables: &target.tables,
            field: field.as_ref(),
            cycle: *cycle,
        };
        let Some(GradeSource {
            university,
            named,
            field: source_field,
            cycle: source_cycle,
        }) = source
        else {
            return Ok(match grade {
                None => self.min.standing(None, None, to),
                Some(_) => GradeStanding::Unconvertible(
                    "its issuer's grading scheme is not known here".into(),
                ),
            });
        };
        let known_key: Option<GradeKey> = grade.as_ref().map(|g| {
            (
                university.clone(),
                named.clone(),
                source_field.as_ref().map(|f| f.as_str().to_owned()),
                source_cycle,
                g.clone(),
            )
        });
        if let Some(standing) = known_key.as_ref().and_then(|k| self.known.get(k)) {
            return Ok(standing.clone());
        }
        let key = (university.clone(), named.clone());
        if !self.sources.contains_key(&key) {
            let grading = university_grading(c, &university, named.as_deref()).await?;
            self.sources.insert(key.clone(), grading);
        }
        let from = self
            .sources
            .get(&key)
            .and_then(Option::as_ref)
            .map(|g| GradingContext {
                university: &g.university,
                scheme: &g.scheme,
                tables: &g.tables,
                field: source_field.as_ref(),
                cycle: source_cycle,
            });
        let standing = self.min.standing(grade.as_deref(), from, to);
        if let Some(k) = known_key {
            self.known.insert(k, standing.clone());
        }
        Ok(standing)
    }
}

/// The grade a credential states, if any (any format microcred reads).
fn stated_grade(document: &Value) -> Option<String> {
    let grade = crate::verify::read_any_statement(document).grade;
    (!grade.is_empty()).then_some(grade)
}

/// What a Europass credential (the EDC its seal covers) says of itself: its issuer by id and
/// by the eIDAS identifier its seal was checked against, the qualification its first claim is
/// specified by, the day it was awarded, its expiry and credit points (ELM 3.2).
fn edc_facts(edc: &Value) -> std::result::Result<ExternalFacts, String> {
    // A language map's English text, else its first; a plain string as it is.
    fn words(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Object(map) => map
                .get("en")
                .or_else(|| map.values().next())
                .and_then(words),
            Value::Array(items) => items.first().and_then(words),
            _ => None,
        }
    }
    let first = |v: &Value| match v {
        Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    let day = |v: &Value| {
        v.as_str()
            .and_then(|t| t.get(..10))
            .filter(|d| d.parse::<Date>().is_ok())
            .map(str::to_owned)
    };
    let issuer = &edc["issuer"];
    let issuer_id = issuer["id"]
        .as_str()
        .ok_or("it names no issuer (`issuer.id`)")?
        .to_owned();
    let claim = first(&edc["credentialSubject"]["hasClaim"]);
    let specified = first(&claim["specifiedBy"]);
    let achievement = specified["id"]
        .as_str()
        .ok_or("its claim names no qualification (`hasClaim.specifiedBy.id`)")?
        .to_owned();
    let awarded_on = day(&first(&claim["awardedBy"])["awardingDate"])
        .or_else(|| day(&edc["issued"]))
        .or_else(|| day(&edc["validFrom"]))
        .ok_or("it has no date of award (`awardedBy.awardingDate`, `issued` or `validFrom`)")?;
    let mut issuer_names = vec![issuer_id.clone()];
    if let Some(eidas) = issuer["eIDASIdentifier"]["notation"].as_str() {
        issuer_names.push(eidas.to_owned());
    }
    let ects_hundredths = first(&specified["creditPoint"])["point"]
        .as_str()
        .and_then(|p| p.parse::<f64>().ok())
        .map(|c| (c * 100.0).round())
        .filter(|h| *h > 0.0 && *h <= f64::from(EctsCredits::MAX * 100))
        .map(|h| h as i64);
    Ok(ExternalFacts {
        issuer_label: words(&issuer["legalName"]).unwrap_or_else(|| issuer_id.clone()),
        issuer_names,
        title: words(&claim["title"])
            .or_else(|| words(&specified["title"]))
            .unwrap_or_default(),
        achievement,
        awarded_on,
        valid_until: day(&edc["expirationDate"]).or_else(|| day(&edc["validUntil"])),
        ects_hundredths,
    })
}

/// What `learners` hold towards `stacked`'s rule: the alliance's credentials of its
/// specifications and their recorded external credentials, with their grades' standing where
/// the rule asks for a minimum grade.
pub(super) async fn held_components(
    c: &mut Connection,
    learners: &[String],
    stacked: &Specification,
    credits: &mut VersionCredits,
) -> Result<HashMap<String, Vec<HeldComponent>>> {
    let mut held: HashMap<String, Vec<HeldComponent>> = HashMap::new();
    let Some(stacking) = &stacked.stacking else {
        return Ok(held);
    };
    let rule = stacked.id.to_string();
    if !credits.grade_checks.contains_key(&rule) {
        let check = GradeCheck::new(c, stacked).await?;
        credits.grade_checks.insert(rule.clone(), check);
    }
    // Taken out while the page is read (it needs `credits` too), put back after.
    let mut grades = credits.grade_checks.remove(&rule).flatten();
    let specs: Vec<String> = stacking.specifications().map(ToString::to_string).collect();
    for r in store::held_credentials(c, learners, &specs).await? {
        let (Ok(kind), Ok(awarded_on)) = (r.specification_id.parse(), r.date_of_issuing.parse())
        else {
            continue;
        };
        let facts = credits.facts(c, &r.specification_id, r.version).await?;
        let grade = match &mut grades {
            Some(check) => {
                // The grade kept with the credential; a credential issued before grades were
                // kept says it in its document only.
                let grade = match &r.grade {
                    Some(grade) => Some(grade.clone()),
                    None => credentials::get(c, &r.id)
                        .await?
                        .and_then(|d| stated_grade(&d.document)),
                };
                let grader = match (r.issuer.as_str(), facts.as_ref()) {
                    (ALLIANCE, Some(f)) => f.lead.clone(),
                    (ALLIANCE, None) => None,
                    (university, _) => Some(university.to_owned()),
                };
                let source = grader.map(|university| GradeSource {
                    university,
                    named: facts.as_ref().and_then(|f| f.grading.clone()),
                    field: facts.as_ref().and_then(|f| f.field.clone()),
                    cycle: facts.as_ref().and_then(|f| f.cycle),
                });
                Some(check.standing(c, grade, source).await?)
            }
            None => None,
        };
        held.entry(r.learner_id.clone())
            .or_default()
            .push(HeldComponent {
                credential: r.id,
                kind: HeldKind::Specification(kind),
                awarded_on,
                ects: facts.and_then(|f| f.ects),
                standing: standing(&r.state),
                grade,
            });
    }
    if stacking
        .components()
        .any(|(_, c)| matches!(c, Component::External(_)))
    {
        for r in store::externals_of(c, learners).await? {
            let Ok(awarded_on) = r.awarded_on.parse() else {
                continue;
            };
            let standing = external_standing(&r);
            let grade = match &mut grades {
                Some(check) => {
                    // As it was read when recorded.
                    let document = parse_external(&r.document).ok();
                    let grade = document.as_ref().and_then(stated_grade);
                    Some(check.standing(c, grade, None).await?)
                }
                None => None,
            };
            held.entry(r.learner_id.clone())
                .or_default()
                .push(HeldComponent {
                    credential: r.id.clone(),
                    kind: HeldKind::External {
                        issuers: r.issuer_names.clone(),
                        achievement: r.achievement.clone(),
                    },
                    awarded_on,
                    ects: r
                        .ects_hundredths
                        .and_then(|h| EctsCredits::from_hundredths(u32::try_from(h).ok()?).ok()),
                    standing,
                    grade,
                });
        }
    }
    credits.grade_checks.insert(rule, grades);
    Ok(held)
}

/// The day progress is evaluated on: today (UTC).
pub(super) fn today() -> Date {
    let day = microcred_credentials::datetime::DateTime::now().to_string();
    day.get(..10)
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| Date::new(2026, 1, 1).expect("a date"))
}

impl Platform {
    /// A learner's progress towards every published stacked specification, for whoever may
    /// read the learner.
    pub async fn stacking_progress(
        &self,
        actor: &Account,
        learner: &str,
    ) -> Result<Vec<StackingProgressView>> {
        let mut c = self.store.connection().await?;
        let (record, _) = readable_learner(&mut c, actor, learner).await?;
        let mut credits = VersionCredits::default();
        let mut out = Vec::new();
        let learner_ids = vec![record.id.clone()];
        for version in stacked_specifications(&mut c).await? {
            let Some(stacking) = &version.specification.stacking else {
                continue;
            };
            let mut held =
                held_components(&mut c, &learner_ids, &version.specification, &mut credits).await?;
            let progress = stacking.evaluate(&held.remove(&record.id).unwrap_or_default(), today());
            let credential = credentials::current(&mut c, &version.specification_id, &record.id)
                .await?
                .map(|r| r.id);
            let mut names = HashMap::new();
            for (_, component) in stacking.components() {
                let name = match component {
                    Component::Specification(id) => specifications::published(&mut c, id.as_str())
                        .await?
                        .and_then(|v| v.specification.title.map(|t| t.en().to_owned()))
                        .unwrap_or_else(|| id.to_string()),
                    Component::External(e) => e.title.en().to_owned(),
                };
                names.insert(component.label(), name);
            }
            let pool_titles = pool_titles(stacking);
            out.push(StackingProgressView {
                pool_titles,
                specification: version.specification_id.clone(),
                version: version.version,
                title: version
                    .specification
                    .title
                    .as_ref()
                    .map(|t| t.en().to_owned())
                    .unwrap_or_else(|| version.specification_id.clone()),
                credential,
                names,
                progress,
            });
        }
        Ok(out)
    }

    /// The trust list external components are verified against: the members, and every
    /// issuer a published stacked specification recognises.
    async fn component_trust(&self, c: &mut Connection) -> Result<TrustList> {
        let mut trust = self.trust_list().await?;
        for version in stacked_specifications(c).await? {
            for (_, component) in version
                .specification
                .stacking
                .iter()
                .flat_map(|s| s.components())
            {
                let Component::External(e) = component else {
                    continue;
                };
                if trust.issuer(&e.issuer).is_none() {
                    trust.issuers.push(TrustedIssuer {
                        id: e.issuer.clone(),
                        name: format!("the issuer of “{}”", e.title.en()),
                        did_document: None,
                        status_lists: e.status_lists.clone(),
                    });
                }
                // A seal authority named for a Europass issuer; one that is no certificate
                // is left out (the draft check refuses it), so it cannot stop verification.
                if let Some(certificate) = &e.seal_authority
                    && crate::verify::seal_certificate(certificate).is_ok()
                    && !trust
                        .seal_authorities
                        .iter()
                        .any(|a| a.certificate == *certificate)
                {
                    trust.seal_authorities.push(SealAuthority {
                        name: format!("the e-seal authority of {} (a stacked rule)", e.issuer),
                        certificate: certificate.clone(),
                    });
                }
            }
        }
        Ok(trust)
    }

    /// Verifies an external credential (as [`parse_external`] reads it) against `trust`, the
    /// members and the recognised issuers ([`Platform::component_trust`]): (verdict, report).
    async fn verify_external(
        &self,
        trust: &TrustList,
        document: &Value,
    ) -> Result<(Verdict, Value)> {
        let trust = trust.clone();
        // Its status lists, from where a stacked rule says its issuer publishes them (bounded
        // GETs, off the async workers); elsewhere the report says they could not be checked.
        let (fetch_document, fetch_trust) = (document.clone(), trust.clone());
        let (lists, _) = tokio::task::spawn_blocking(move || {
            crate::verify::fetch_status_lists(&fetch_document, &fetch_trust, &[])
        })
        .await
        .map_err(|e| PlatformError::Internal(format!("fetching status lists: {e}")))?;
        let report = self.verify_with(document, trust, lists).await?;
        let json = serde_json::to_value(&report)
            .map_err(|e| PlatformError::Internal(format!("a report: {e}")))?;
        Ok((report.verdict, json))
    }

    /// Records an external credential for `learner` (the learner, a registrar of a university
    /// they are known at, or the administrator): verified now, stored with the verdict and the
    /// report whatever they are, so that the learner sees why it does or does not count.
    pub async fn record_external_credential(
        &self,
        actor: &Account,
        learner: &str,
        text: &str,
    ) -> Result<ExternalCredentialView> {
        let mut c = self.store.connection().await?;
        let (record, universities) = readable_learner(&mut c, actor, learner).await?;
        authz::may(
            actor,
            Action::RecordExternalCredential {
                learner: &record.id,
                universities: &universities,
            },
        )?;
        if text.len() > MAX_EXTERNAL_BYTES {
            return Err(PlatformError::invalid(
                "the credential is too large",
                vec![super::Problem::new(
                    "credential",
                    format!("at most {MAX_EXTERNAL_BYTES} bytes"),
                )],
            ));
        }
        let document = parse_external(text)?;
        let vc = crate::verify::credential_inside(&document);
        let facts = external_facts(&vc).map_err(|why| {
            PlatformError::invalid(
                "not a micro-credential microcred can stack",
                vec![super::Problem::new("credential", why)],
            )
        })?;
        let trust = self.component_trust(&mut c).await?;
        let (verdict, report) = self.verify_external(&trust, &document).await?;
        let at = now();
        let stored = ExternalCredentialRecord {
            id: format!("urn:uuid:{}", new_id()),
            learner_id: record.id.clone(),
            uploaded_by: actor.id.clone(),
            document: text.trim().to_owned(),
            format: format_name(&document),
            issuer_names: facts.issuer_names,
            issuer_label: facts.issuer_label,
            achievement: facts.achievement,
            title: facts.title,
            awarded_on: facts.awarded_on,
            valid_until: facts.valid_until,
            ects_hundredths: facts.ects_hundredths,
            verdict: verdict_name(verdict),
            report: report.to_string(),
            verified_at: at,
            created_at: at,
        };
        let mut tx = self.store.begin().await?;
        store::insert_external(&mut tx, &stored).await?;
        microcred_store::audit::append(
            &mut tx,
            &actor.id,
            "external-credential.recorded",
            &format!("learner:{}", record.id),
            &serde_json::json!({ "id": stored.id, "issuer": stored.issuer_names, "achievement": stored.achievement, "verdict": stored.verdict }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        drop(c);
        let awarded = if verdict == Verdict::Valid {
            let completed = Completed::External {
                issuers: stored.issuer_names.clone(),
                achievement: stored.achievement.clone(),
            };
            self.award_stacked(&completed, std::slice::from_ref(&stored.learner_id))
                .await
        } else {
            Vec::new()
        };
        let mut c = self.store.connection().await?;
        let stacked = stacked_specifications(&mut c).await?;
        let mut recorded = view(stored, &stacked);
        recorded.awarded = awarded;
        Ok(recorded)
    }

    /// The external credentials recorded for a learner, for whoever may read the learner.
    pub async fn external_credentials(
        &self,
        actor: &Account,
        learner: &str,
    ) -> Result<Vec<ExternalCredentialView>> {
        let mut c = self.store.connection().await?;
        let (record, _) = readable_learner(&mut c, actor, learner).await?;
        let stacked = stacked_specifications(&mut c).await?;
        Ok(store::externals_of(&mut c, &[record.id])
            .await?
            .into_iter()
            .map(|r| view(r, &stacked))
            .collect())
    }

    /// Verifies `learners`' external credentials again and stores the outcome: before they
    /// count for an award, a credential revoked or a key withdrawn since must show.
    pub(super) async fn reverify_externals(
        &self,
        c: &mut Connection,
        learners: &[String],
    ) -> Result<()> {
        let externals = store::externals_of(c, learners).await?;
        if externals.is_empty() {
            return Ok(());
        }
        // The trust list is made once for all of them.
        let trust = self.component_trust(c).await?;
        for r in externals {
            let (verdict, report) = match parse_external(&r.document) {
                Ok(document) => self.verify_external(&trust, &document).await?,
                // Stored only after it was read: it still reads.
                Err(e) => return Err(PlatformError::Internal(format!("{}: {e}", r.id))),
            };
            store::reverified(c, &r.id, &verdict_name(verdict), &report.to_string()).await?;
        }
        Ok(())
    }

    /// A stacked credential's stored evaluation, for whoever may read the credential.
    pub async fn stacked_award(
        &self,
        actor: &Account,
        credential: &str,
    ) -> Result<StackedAwardView> {
        let record = self.credential(actor, credential).await?;
        let mut c = self.store.connection().await?;
        store::stacked(&mut c, &record.id)
            .await?
            .map(Into::into)
            .ok_or_else(|| PlatformError::NotFound(format!("a stacked credential {credential}")))
    }

    /// A credential with its components, as one presentation to hand over (`crate::bundle`):
    /// for whoever may read the credential. A credential that is not stacked comes alone.
    pub async fn bundle(&self, actor: &Account, credential: &str) -> Result<Value> {
        let record = self.credential(actor, credential).await?;
        let mut c = self.store.connection().await?;
        let mut components = Vec::new();
        if let Some(award) = store::stacked(&mut c, &record.id).await? {
            for id in &award.components {
                if let Some(own) = credentials::get(&mut c, id).await? {
                    components.push(own.document);
                } else if let Some(external) = store::external(&mut c, id).await? {
                    components.push(
                        serde_json::from_str(&external.document)
                            .unwrap_or(Value::String(external.document)),
                    );
                }
            }
        }
        Ok(crate::bundle::bundle(&record.document, &components))
    }

    /// Stacked credentials up for review (a component revoked since), for the registrars of
    /// their issuers and the administrator.
    pub async fn stacked_in_review(&self, actor: &Account) -> Result<Vec<StackedAwardView>> {
        authz::may(actor, Action::FindLearners)?;
        let issuers = match authz::credential_scope(actor) {
            authz::CredentialScope::All => None,
            authz::CredentialScope::Issuers(universities) => Some(universities),
            authz::CredentialScope::Learner(_) | authz::CredentialScope::Nothing => {
                Some(Vec::new())
            }
        };
        let mut c = self.store.connection().await?;
        Ok(store::in_review(&mut c, issuers.as_deref())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The evidence a stacked credential states for its counted components: each document's
    /// digest, name, issuer and day of award.
    pub(super) async fn component_evidence(
        &self,
        c: &mut Connection,
        stacking: &Stacking,
        progress: &StackProgress,
    ) -> Result<Vec<ComponentEvidence>> {
        let mut out = Vec::new();
        let grades: HashMap<&str, &ComponentGrade> = progress
            .pools
            .iter()
            .flat_map(|p| &p.components)
            .filter_map(|c| match &c.status {
                ComponentStatus::Counted {
                    credential,
                    grade: Some(grade),
                    ..
                } => Some((credential.as_str(), grade)),
                _ => None,
            })
            .collect();
        for id in progress.counted() {
            let grade = grades.get(id).map(|g| (*g).clone());
            if let Some(record) = credentials::get(c, id).await? {
                let document = &record.document;
                out.push(ComponentEvidence {
                    id: record.id.clone(),
                    name: document["name"].as_str().unwrap_or_default().to_owned(),
                    issuer: document["issuer"]["name"]
                        .as_str()
                        .unwrap_or(&record.issuer)
                        .to_owned(),
                    issuer_id: document["issuer"]["id"]
                        .as_str()
                        .or(document["issuer"].as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    university: record
                        .issuer
                        .parse()
                        .ok()
                        .filter(|_| record.issuer != super::alliance::ALLIANCE),
                    country: None,
                    awarded_on: record.date_of_issuing.parse().map_err(|_| {
                        PlatformError::Internal(format!("credential {id}: no date"))
                    })?,
                    digest_multibase: component_digest(&ComponentDocument::Json(document)),
                    grade,
                });
            } else if let Some(record) = store::external(c, id).await? {
                let json: Option<Value> = serde_json::from_str(&record.document).ok();
                let digest = match &json {
                    Some(value) => component_digest(&ComponentDocument::Json(value)),
                    None => component_digest(&ComponentDocument::Compact(&record.document)),
                };
                out.push(ComponentEvidence {
                    id: record.id.clone(),
                    name: record.title.clone(),
                    issuer: record.issuer_label.clone(),
                    issuer_id: record.issuer_names.first().cloned().unwrap_or_default(),
                    university: None,
                    country: stacking.components().find_map(|(_, c)| match c {
                        Component::External(e)
                            if e.achievement == record.achievement
                                && record.issuer_names.contains(&e.issuer) =>
                        {
                            e.country
                        }
                        _ => None,
                    }),
                    awarded_on: record.awarded_on.parse().map_err(|_| {
                        PlatformError::Internal(format!("credential {id}: no date"))
                    })?,
                    digest_multibase: digest,
                    grade,
                });
            }
        }
        Ok(out)
    }
}

/// Learners listed per kind on a registrar's overview.
pub const OVERVIEW_LISTED: usize = 200;

/// A learner on a registrar's overview of a stacked credential.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// The learner.
    pub learner: String,
    /// Their name.
    pub name: String,
    /// Components counted, and needed.
    pub done: (usize, usize),
    /// The day the rule was met, when it was.
    pub satisfied_on: Option<Date>,
    /// What is missing, in words.
    pub missing: Vec<String>,
}

/// A stacked specification as its awarding university's registrar oversees it.
#[derive(Clone, Debug, Serialize)]
pub struct StackingOverview {
    /// The stacked specification.
    pub specification: String,
    /// Its title.
    pub title: String,
    /// Learners who meet the rule and hold no stacked credential yet (the first 200).
    pub due: Vec<Candidate>,
    /// Learners one component short (the first 200).
    pub close: Vec<Candidate>,
    /// Learners evaluated (every holder of a component).
    pub evaluated: u64,
}

impl Platform {
    /// For each stacked specification `actor` may issue: the learners due (the rule met, no
    /// credential yet) and close (one component short), evaluated today from what they hold.
    pub async fn stacking_overview(&self, actor: &Account) -> Result<Vec<StackingOverview>> {
        authz::may(actor, Action::ImportResults)?;
        let mut c = self.store.connection().await?;
        let catalogue = microcred_store::catalogue::catalogue(&mut c).await?;
        let mut credits = VersionCredits::default();
        let mut out = Vec::new();
        for version in stacked_specifications(&mut c).await? {
            let Some(stacking) = &version.specification.stacking else {
                continue;
            };
            let Ok(rule) = super::issuance::award_rule_of(&version, &catalogue) else {
                continue;
            };
            if super::issuance::may_issue(actor, rule.possible_awarding_bodies()).is_err() {
                continue;
            }
            let specs: Vec<String> = stacking.specifications().map(ToString::to_string).collect();
            let titles = pool_titles(stacking);
            let mut overview = StackingOverview {
                specification: version.specification_id.clone(),
                title: version
                    .specification
                    .title
                    .as_ref()
                    .map_or(version.specification_id.clone(), |t| t.en().to_owned()),
                due: Vec::new(),
                close: Vec::new(),
                evaluated: 0,
            };
            let today = today();
            let mut after = String::new();
            loop {
                let page = store::learners_with_components(&mut c, &specs, &after, 500).await?;
                let Some(last) = page.last().cloned() else {
                    break;
                };
                let holders: std::collections::HashSet<String> =
                    credentials::holders(&mut c, &version.specification_id, &page)
                        .await?
                        .into_iter()
                        .collect();
                let mut held =
                    held_components(&mut c, &page, &version.specification, &mut credits).await?;
                let mut listed = Vec::new();
                for learner in page.iter().filter(|l| !holders.contains(*l)) {
                    overview.evaluated += 1;
                    let progress =
                        stacking.evaluate(&held.remove(learner).unwrap_or_default(), today);
                    let done = progress.components_done();
                    let candidate = Candidate {
                        learner: learner.clone(),
                        name: String::new(),
                        done,
                        satisfied_on: progress.satisfied_on,
                        missing: progress
                            .shortfalls
                            .iter()
                            .map(|s| shortfall_text(s, &titles))
                            .collect(),
                    };
                    if progress.satisfied() && overview.due.len() < OVERVIEW_LISTED {
                        overview.due.push(candidate);
                        listed.push(learner.clone());
                    } else if !progress.satisfied()
                        && done.0 + 1 >= done.1
                        && overview.close.len() < OVERVIEW_LISTED
                    {
                        overview.close.push(candidate);
                        listed.push(learner.clone());
                    }
                }
                let names: HashMap<String, String> =
                    microcred_store::learners::get_many(&mut c, &listed)
                        .await?
                        .into_iter()
                        .map(|r| (r.id, r.learner.full_name()))
                        .collect();
                for candidate in overview.due.iter_mut().chain(overview.close.iter_mut()) {
                    if let Some(name) = names.get(&candidate.learner) {
                        candidate.name = name.clone();
                    }
                }
                after = last;
            }
            out.push(overview);
        }
        Ok(out)
    }
}

/// What completed a learner's holdings: a new credential of the alliance, or a recorded
/// external credential that verified.
#[derive(Clone, Debug)]
pub enum Completed {
    /// A credential of this specification was issued.
    Specification(String),
    /// An external credential of this issuer (its names) and achievement was recorded.
    External {
        /// The issuer's names.
        issuers: Vec<String>,
        /// The achievement.
        achievement: String,
    },
}

/// The platform's own principal for stacked credentials awarded automatically: a registrar of
/// exactly the awarding universities of one stacked specification, and nothing else, named in
/// the audit log. The board approved the rule; the platform applies it.
fn stacking_principal(universities: &[String]) -> Account {
    Account {
        id: "system:stacking".into(),
        email: String::new(),
        name: "automatic award of stacked credentials".into(),
        password_hash: None,
        learner_id: None,
        disabled: false,
        grants: universities
            .iter()
            .map(|u| microcred_model::Grant {
                role: microcred_model::Role::Registrar,
                university: Some(u.clone()),
            })
            .collect(),
    }
}

impl Platform {
    /// Awards the stacked credentials that `completed` may have completed for `learners`
    /// (only those learners: recomputing is incremental), issued by the platform for each
    /// stacked specification's awarding universities. A failure is logged and reported as
    /// nothing awarded: the credential that triggered it stays issued, and the registrar's
    /// overview still lists the learner as due.
    pub async fn award_stacked(
        &self,
        completed: &Completed,
        learners: &[String],
    ) -> Vec<super::issuance::StackedIssued> {
        let mut awarded = Vec::new();
        if learners.is_empty() {
            return awarded;
        }
        let stacked = match self.store.connection().await {
            Ok(mut c) => stacked_specifications(&mut c).await,
            Err(e) => Err(e.into()),
        };
        let Ok(stacked) = stacked else {
            tracing::warn!("stacked credentials not awarded: the specifications could not be read");
            return awarded;
        };
        for version in stacked {
            let Some(stacking) = &version.specification.stacking else {
                continue;
            };
            let concerned = stacking.components().any(|(_, c)| match (c, completed) {
                (Component::Specification(id), Completed::Specification(s)) => id.as_str() == s,
                (
                    Component::External(e),
                    Completed::External {
                        issuers,
                        achievement,
                    },
                ) => e.achievement == *achievement && issuers.contains(&e.issuer),
                _ => false,
            });
            if !concerned {
                continue;
            }
            let universities: Vec<String> = match &version.specification.awarding {
                Some(policy)
                    if policy.rule == microcred_model::vocabulary::AwardingRule::LeadUniversity =>
                {
                    policy.lead.iter().map(ToString::to_string).collect()
                }
                _ => Vec::new(),
            };
            if universities.is_empty() {
                // Awarded by the alliance: its administrator issues (the overview lists them).
                continue;
            }
            let principal = stacking_principal(&universities);
            match self
                .issue_only(
                    &principal,
                    &version.specification_id,
                    Some(learners.to_vec()),
                    &mut |_, _| {},
                )
                .await
            {
                Ok(outcome) => awarded.extend(outcome.issued.into_iter().map(|i| {
                    super::issuance::StackedIssued {
                        specification: version.specification_id.clone(),
                        learner: i.learner,
                        credential: i.credential,
                    }
                })),
                Err(e) => tracing::warn!(
                    specification = %version.specification_id,
                    "stacked credentials not awarded automatically: {e}"
                ),
            }
        }
        awarded
    }
}

/// Puts the stacked credentials resting on `component` up for review: a registrar decides
/// whether they stand (never silently revoked, never silently kept).
pub(super) async fn review_stacked_on(
    tx: &mut microcred_store::Tx,
    actor: &Account,
    component: &str,
    why: &str,
) -> Result<()> {
    let reason = format!("component {component} was {why}");
    for id in store::review_resting_on(tx, component, &reason).await? {
        microcred_store::audit::append(
            tx,
            &actor.id,
            "credential.review",
            &format!("credential:{id}"),
            &serde_json::json!({ "component": component, "reason": reason }),
        )
        .await?;
    }
    Ok(())
}

fn parse_external(text: &str) -> Result<Value> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        crate::json_file::parse_json(std::path::Path::new("credential"), trimmed.as_bytes())
            .map_err(|e| {
                PlatformError::invalid(
                    "the credential is not JSON microcred can read",
                    vec![super::Problem::new("credential", e.to_string())],
                )
            })
    } else if trimmed.split('.').count() == 3 && !trimmed.contains(char::is_whitespace) {
        Ok(Value::String(trimmed.to_owned()))
    } else {
        Err(PlatformError::invalid(
            "not a credential",
            vec![super::Problem::new(
                "credential",
                "give a credential's JSON or a VC-JWT",
            )],
        ))
    }
}

fn format_name(document: &Value) -> String {
    match document {
        Value::String(_) => "VC-JWT".into(),
        other if microcred_edc::verify::is_edc(other) => "Europass EDC (sealed)".into(),
        other if microcred_credentials::open_badges::is_open_badge(other) => {
            "Open Badges 3.0".into()
        }
        _ => "Verifiable Credential".into(),
    }
}

fn verdict_name(verdict: Verdict) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{verdict:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_credential_says_who_issued_what_and_when() {
        let facts = external_facts(&serde_json::json!({
            "issuer": { "id": "did:key:z6Mk", "name": "University of Helsinki", "url": "https://helsinki.example" },
            "validFrom": "2025-09-15T10:00:00Z",
            "credentialSubject": { "achievement": { "id": "https://a.example/ai", "name": "Elements of AI", "creditsAvailable": 2 } }
        }))
        .unwrap();
        assert_eq!(
            facts.issuer_names,
            ["did:key:z6Mk", "https://helsinki.example"]
        );
        assert_eq!(
            (facts.awarded_on.as_str(), facts.ects_hundredths),
            ("2025-09-15", Some(200))
        );
        assert_eq!(facts.title, "Elements of AI");
        let why = external_facts(&serde_json::json!({ "issuer": "did:key:z6Mk" })).err();
        assert_eq!(
            why.as_deref(),
            Some("it names no achievement (`credentialSubject.achievement.id`)")
        );
    }
}
