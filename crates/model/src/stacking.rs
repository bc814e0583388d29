//! Stacking: a larger credential awarded for micro-credentials (ENHANCE §7.15: a unit of
//! learning "is obviously stackable, i.e. can be recognised as a partial fulfilment of
//! requirement for a 'larger' credential/qualification").
//!
//! A stacked specification's rule ([`Stacking`]) groups its components in pools — mandatory
//! ones (`min_count` absent: all of them) and electives (at least N of a list, with minimum and
//! maximum ECTS) — with an optional minimum total of ECTS and a validity window (a component
//! counts for `valid_for` after its award). A component is a micro-credential of the alliance
//! (its specification) or a *recognised external component*: another issuer's
//! micro-credential, named by issuer and achievement. Each component is listed once, so it
//! counts in one pool only.
//!
//! [`Stacking::evaluate`] is **the one evaluation of a learner's progress**: what counts, in
//! which pool, what is missing, why a held credential does not count (revoked, suspended,
//! expired, outside the window, not verified), and the day the rule was first satisfied — the
//! award's date of issuing (ENHANCE §7.5: "the date when all requirements … are satisfied"),
//! i.e. the day the last component needed was awarded. Its result is the stored trace of an
//! award.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::CountryCode;
use crate::date::{Date, Period};
use crate::grade_conversion::{
    ConversionPolicy, DEFAULT_MIN_TABLE_SIZE, GradingContext, convert_between,
};
use crate::ids::SpecificationId;
use crate::quantity::{EctsCredits, format_hundredths};
use crate::text::LocalizedText;

/// Pools at most in one rule, and components at most in one pool: a rule is read by people.
pub const MAX_POOLS: usize = 20;
/// Components at most in one pool.
pub const MAX_COMPONENTS: usize = 100;

/// The rule of a stacked specification: pools of components, a minimum total of ECTS, a
/// validity window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stacking {
    /// The pools, mandatory ones first by custom; a component is in one pool only.
    pub pools: Vec<Pool>,
    /// The least ECTS the counted components add up to (each pool counts up to its
    /// `max_ects`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_total_ects: Option<EctsCredits>,
    /// How long after its award a component counts, e.g. `P5Y`; forever when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_for: Option<Period>,
    /// The least grade a graded component must reach once converted to the scheme of the
    /// university that grades the stacked credential (its lead university).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_grade: Option<MinGrade>,
}

/// A stacking rule's minimum grade (ENHANCE §7.14: a grade "interpreted in the context of a
/// degree programme offered at some other university" is converted, e.g. with EGRACONS). A
/// component's grade is converted from its awarding university's scheme by the two
/// universities' grade distribution tables; a pass/fail component counts on its pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinGrade {
    /// The grade, in the lead university's scheme, e.g. `4.0` (Polish) or `2.7` (German).
    pub grade: String,
    /// Which overlapping grade a conversion takes: `lowest` (the default: never more than the
    /// evidence supports), `highest` or `largest-overlap`.
    #[serde(default = "lowest")]
    pub policy: ConversionPolicy,
    /// The least number of grades a distribution table must count to be used, else a broader
    /// one is (100 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_table_size: Option<u64>,
}

/// A component's grade as a rule's minimum reads it: as awarded, and converted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentGrade {
    /// The grade as awarded.
    pub original: String,
    /// The awarding university's scheme.
    pub original_scheme: String,
    /// The grade in the stacked credential's scheme (`pass` for a pass/fail component).
    pub converted: String,
    /// The stacked credential's scheme.
    pub scheme: String,
    /// The distribution tables the conversion used, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
}

/// How a held component's grade stands against a rule's minimum grade.
#[derive(Clone, Debug, PartialEq)]
pub enum GradeStanding {
    /// Its converted grade is at least the minimum, or it was graded pass/fail.
    Meets(ComponentGrade),
    /// Its converted grade is below the minimum.
    TooLow(ComponentGrade),
    /// Its grade cannot be converted (no grade recorded, no scheme, no table large enough).
    Unconvertible(String),
}

fn lowest() -> ConversionPolicy {
    ConversionPolicy::Lowest
}

impl MinGrade {
    /// How a component's `grade`, awarded in `from`, stands against this minimum in `to` (the
    /// one place a stacked rule's grades are converted and compared).
    pub fn standing(
        &self,
        grade: Option<&str>,
        from: Option<GradingContext<'_>>,
        to: GradingContext<'_>,
    ) -> GradeStanding {
        // A component awarded without a grade (on its pass) counts on its pass, as a
        // pass/fail one does: there is nothing to convert.
        let Some(grade) = grade else {
            return GradeStanding::Meets(ComponentGrade {
                original: "pass".into(),
                original_scheme: "not graded".into(),
                converted: "pass".into(),
                scheme: to.scheme.name.clone(),
                tables: Vec::new(),
            });
        };
        let Some(from) = from else {
            return GradeStanding::Unconvertible(
                "its university has no typed grading scheme".into(),
            );
        };
        let converted = match convert_between(
            grade,
            from,
            to,
            self.policy,
            self.min_table_size.unwrap_or(DEFAULT_MIN_TABLE_SIZE),
        ) {
            Ok(converted) => converted,
            Err(e) => return GradeStanding::Unconvertible(e.to_string()),
        };
        let counted = ComponentGrade {
            original: converted.original,
            original_scheme: converted.original_scheme,
            converted: converted.grade,
            scheme: converted.scheme,
            tables: converted.tables,
        };
        if from.scheme.is_pass_fail() || to.scheme.is_pass_fail() {
            return GradeStanding::Meets(counted);
        }
        match to.scheme.compare(&counted.converted, &self.grade) {
            Some(std::cmp::Ordering::Less) => GradeStanding::TooLow(counted),
            Some(_) => GradeStanding::Meets(counted),
            None => GradeStanding::Unconvertible(format!(
                "the minimum grade `{}` is not a grade of {}",
                self.grade, to.scheme.name
            )),
        }
    }
}

/// A group of components with its own minimum: all of them, or at least `min_count`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// Its name in the rule, e.g. `basic` or `advanced`.
    pub id: String,
    /// What the pool is, for learners, e.g. "Basic courses".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
    /// The micro-credentials that count in this pool.
    pub components: Vec<Component>,
    /// At least this many components; every component of the pool when absent (a mandatory
    /// pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u32>,
    /// The least ECTS the pool's counted components add up to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ects: Option<EctsCredits>,
    /// The most ECTS of this pool that count towards the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ects: Option<EctsCredits>,
}

/// A component: written `{ specification = "…" }` for one of the alliance's micro-credentials,
/// `{ external = { issuer = "…", achievement = "…", title.en = "…" } }` for another issuer's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    /// A micro-credential of the alliance, by its specification's id.
    Specification(SpecificationId),
    /// A recognised external component.
    External(ExternalComponent),
}

/// A micro-credential another institution issues, recognised as a component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalComponent {
    /// Who issues it, as its credentials name their issuer: a DID or URL, or, for a sealed
    /// Europass credential, the organisation identifier of its seal certificate (e.g.
    /// `VATDE-123456789`).
    pub issuer: String,
    /// What it awards, as its credentials name it: the Open Badges achievement's `id`, or the
    /// Europass qualification's.
    pub achievement: String,
    /// Its name, for people.
    pub title: LocalizedText,
    /// The ECTS it is recognised for (else what the credential states).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ects: Option<EctsCredits>,
    /// The issuer's country: a Europass credential names every awarding body with its
    /// location, so without it the component is stated there as a note only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Where the issuer publishes its status lists (URL prefixes, e.g.
    /// `https://credentials.example/status/`): the platform fetches a component's status list
    /// from these only; elsewhere its status cannot be checked, and the report says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_lists: Vec<String>,
    /// For a Europass issuer whose e-seal leads to a certification authority the alliance's
    /// trust list does not name: that authority's X.509 certificate (PEM, or base64 DER),
    /// trusted for this issuer's credentials only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_authority: Option<String>,
}

impl Component {
    /// How the component is named in traces and messages: the specification's id, or
    /// `issuer achievement`.
    pub fn label(&self) -> String {
        match self {
            Component::Specification(id) => id.to_string(),
            Component::External(e) => format!("{} {}", e.issuer, e.achievement),
        }
    }

    fn matches(&self, held: &HeldKind) -> bool {
        match (self, held) {
            (Component::Specification(id), HeldKind::Specification(other)) => id == other,
            (
                Component::External(e),
                HeldKind::External {
                    issuers,
                    achievement,
                },
            ) => e.achievement == *achievement && issuers.contains(&e.issuer),
            _ => false,
        }
    }
}

/// A fault in a stacking rule, at a field path under `stacking`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleProblem {
    /// Where, e.g. `stacking.pools[1].components[0]`.
    pub field: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Stacking {
    /// Every component with its pool's index, in the rule's order.
    pub fn components(&self) -> impl Iterator<Item = (usize, &Component)> {
        self.pools
            .iter()
            .enumerate()
            .flat_map(|(p, pool)| pool.components.iter().map(move |c| (p, c)))
    }

    /// The specifications of the alliance the rule stacks.
    pub fn specifications(&self) -> impl Iterator<Item = &SpecificationId> {
        self.components().filter_map(|(_, c)| match c {
            Component::Specification(id) => Some(id),
            Component::External(_) => None,
        })
    }

    /// What makes the rule impossible or ambiguous, each at its field: no pools, a pool
    /// without components, a component listed twice (it counts in one pool only), a minimum
    /// above what a pool has, a minimum ECTS above the maximum.
    pub fn problems(&self) -> Vec<RuleProblem> {
        let mut problems = Vec::new();
        let mut at = |field: String, message: String| problems.push(RuleProblem { field, message });
        if self.pools.is_empty() {
            at(
                "stacking.pools".into(),
                "a stacked credential needs at least one pool of components".into(),
            );
        }
        if self.pools.len() > MAX_POOLS {
            at(
                "stacking.pools".into(),
                format!("at most {MAX_POOLS} pools, found {}", self.pools.len()),
            );
        }
        let mut pool_ids = HashSet::new();
        let mut seen: Vec<(&Component, String)> = Vec::new();
        for (p, pool) in self.pools.iter().enumerate() {
            let path = format!("stacking.pools[{p}]");
            if pool.id.trim().is_empty() {
                at(
                    format!("{path}.id"),
                    "a pool needs an id, e.g. `electives`".into(),
                );
            } else if !pool_ids.insert(pool.id.as_str()) {
                at(
                    format!("{path}.id"),
                    format!("pool `{}` is defined twice", pool.id),
                );
            }
            if pool.components.is_empty() {
                at(
                    format!("{path}.components"),
                    format!("pool `{}` has no components", pool.id),
                );
            }
            if pool.components.len() > MAX_COMPONENTS {
                at(
                    format!("{path}.components"),
                    format!(
                        "at most {MAX_COMPONENTS} components in a pool, found {}",
                        pool.components.len()
                    ),
                );
            }
            for (c, component) in pool.components.iter().enumerate() {
                let here = format!("{path}.components[{c}]");
                if let Component::External(e) = component {
                    for (l, prefix) in e.status_lists.iter().enumerate() {
                        if !(prefix.starts_with("https://") || prefix.starts_with("http://")) {
                            at(
                                format!("{here}.external.status_lists[{l}]"),
                                format!(
                                    "`{prefix}` is not a web address: write where the status lists are published, e.g. https://credentials.example/status/"
                                ),
                            );
                        }
                    }
                }
                if let Some((_, first)) = seen.iter().find(|(other, _)| other.same(component)) {
                    at(
                        here,
                        format!(
                            "`{}` is listed twice (also at {first}): a component counts in one pool only",
                            component.label()
                        ),
                    );
                } else {
                    seen.push((component, here));
                }
            }
            match pool.min_count {
                Some(0) => at(
                    format!("{path}.min_count"),
                    "a minimum of 0 components is no requirement: leave the pool out, or ask for at least 1".into(),
                ),
                Some(n) if n as usize > pool.components.len() => at(
                    format!("{path}.min_count"),
                    format!(
                        "pool `{}` asks for at least {n} components but lists {}",
                        pool.id,
                        pool.components.len()
                    ),
                ),
                _ => {}
            }
            if let (Some(min), Some(max)) = (pool.min_ects, pool.max_ects)
                && min > max
            {
                at(
                    format!("{path}.min_ects"),
                    format!(
                        "pool `{}` asks for at least {min} ECTS but counts at most {max}",
                        pool.id
                    ),
                );
            }
        }
        problems
    }

    /// A learner's progress on `on` with the credentials they hold (`held`: the alliance's
    /// credentials of the rule's specifications and the external credentials recorded for
    /// them; others are ignored).
    pub fn evaluate(&self, held: &[HeldComponent], on: Date) -> StackProgress {
        let earliest = self.valid_for.and_then(|period| on.minus(period));
        let mut pools: Vec<PoolProgress> = Vec::with_capacity(self.pools.len());
        // Counted components: (pool, day awarded, ECTS in hundredths).
        let mut counted: Vec<(usize, Date, u64)> = Vec::new();
        for (p, pool) in self.pools.iter().enumerate() {
            let mut components = Vec::with_capacity(pool.components.len());
            for component in &pool.components {
                let candidates: Vec<&HeldComponent> =
                    held.iter().filter(|h| component.matches(&h.kind)).collect();
                let judged = candidates
                    .iter()
                    .map(|h| (h, h.why_not_counted(on, earliest)));
                // The earliest counting credential, else the latest one that does not count.
                let counting = judged
                    .clone()
                    .filter(|(_, why)| why.is_none())
                    .min_by_key(|(h, _)| h.awarded_on);
                let status = match counting {
                    Some((h, _)) => {
                        let ects = match component {
                            Component::External(e) => e.ects.or(h.ects),
                            Component::Specification(_) => h.ects,
                        };
                        let hundredths = ects.map_or(0, |e| u64::from(e.hundredths()));
                        counted.push((p, h.awarded_on, hundredths));
                        ComponentStatus::Counted {
                            credential: h.credential.clone(),
                            awarded_on: h.awarded_on,
                            ects: ects.map(|e| e.as_f64()),
                            grade: match &h.grade {
                                Some(GradeStanding::Meets(grade)) => Some(grade.clone()),
                                _ => None,
                            },
                        }
                    }
                    None => match judged
                        .filter_map(|(h, why)| why.map(|w| (h, w)))
                        .max_by_key(|(h, _)| h.awarded_on)
                    {
                        Some((h, reason)) => ComponentStatus::NotCounted {
                            credential: h.credential.clone(),
                            awarded_on: h.awarded_on,
                            reason,
                        },
                        None => ComponentStatus::Missing,
                    },
                };
                components.push(ComponentProgress {
                    component: component.label(),
                    status,
                });
            }
            pools.push(PoolProgress {
                pool: pool.id.clone(),
                required: pool.required(),
                counted: 0,
                ects: 0.0,
                min_ects: pool.min_ects.map(|e| e.as_f64()),
                max_ects: pool.max_ects.map(|e| e.as_f64()),
                satisfied: false,
                components,
            });
        }
        // The day the rule was first satisfied: add counted components in the order they were
        // awarded; the one completing the rule gives the day.
        counted.sort_by_key(|(_, day, _)| *day);
        let mut tally = Tally::new(self.pools.len());
        let mut satisfied_on = None;
        for (pool, day, ects) in &counted {
            tally.add(*pool, *ects);
            if satisfied_on.is_none() && self.shortfalls(&tally).is_empty() {
                satisfied_on = Some(*day);
            }
        }
        // An empty rule is never satisfied (`problems` refuses it anyway).
        if self.pools.is_empty() {
            satisfied_on = None;
        }
        let shortfalls = self.shortfalls(&tally);
        for (p, progress) in pools.iter_mut().enumerate() {
            progress.counted = tally.count[p];
            progress.ects = tally.ects[p] as f64 / 100.0;
            progress.satisfied = !shortfalls
                .iter()
                .any(|s| s.pool() == Some(&self.pools[p].id));
        }
        StackProgress {
            evaluated_on: on,
            counts_from: earliest,
            satisfied_on,
            counted_ects: self.total(&tally) as f64 / 100.0,
            min_total_ects: self.min_total_ects.map(|e| e.as_f64()),
            pools,
            shortfalls,
        }
    }

    /// The ECTS counted in all (hundredths): each pool up to its maximum.
    fn total(&self, tally: &Tally) -> u64 {
        self.pools
            .iter()
            .zip(&tally.ects)
            .map(|(pool, ects)| match pool.max_ects {
                Some(max) => (*ects).min(u64::from(max.hundredths())),
                None => *ects,
            })
            .sum()
    }

    fn shortfalls(&self, tally: &Tally) -> Vec<Shortfall> {
        let mut out = Vec::new();
        for (p, pool) in self.pools.iter().enumerate() {
            if tally.count[p] < pool.required() {
                out.push(Shortfall::Components {
                    pool: pool.id.clone(),
                    counted: tally.count[p],
                    required: pool.required(),
                });
            }
            if let Some(min) = pool.min_ects
                && tally.ects[p] < u64::from(min.hundredths())
            {
                out.push(Shortfall::PoolEcts {
                    pool: pool.id.clone(),
                    counted: tally.ects[p] as f64 / 100.0,
                    required: min.as_f64(),
                });
            }
        }
        if let Some(min) = self.min_total_ects {
            let total = self.total(tally);
            if total < u64::from(min.hundredths()) {
                out.push(Shortfall::TotalEcts {
                    counted: total as f64 / 100.0,
                    required: min.as_f64(),
                });
            }
        }
        out
    }
}

impl Component {
    /// The same component, whatever its external title or ECTS say.
    fn same(&self, other: &Component) -> bool {
        match (self, other) {
            (Component::Specification(a), Component::Specification(b)) => a == b,
            (Component::External(a), Component::External(b)) => {
                a.issuer == b.issuer && a.achievement == b.achievement
            }
            _ => false,
        }
    }
}

impl Pool {
    /// How many components must count: `min_count`, or all of them.
    pub fn required(&self) -> usize {
        self.min_count.map_or(self.components.len(), |n| n as usize)
    }
}

/// Counts and ECTS (hundredths) per pool.
struct Tally {
    count: Vec<usize>,
    ects: Vec<u64>,
}

impl Tally {
    fn new(pools: usize) -> Tally {
        Tally {
            count: vec![0; pools],
            ects: vec![0; pools],
        }
    }
    fn add(&mut self, pool: usize, ects: u64) {
        self.count[pool] += 1;
        self.ects[pool] += ects;
    }
}

/// A credential a learner holds that may count as a component, as the platform knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldComponent {
    /// The credential's id (an issued credential, or a recorded external one).
    pub credential: String,
    /// What it awards.
    pub kind: HeldKind,
    /// The day it was awarded (its date of issuing).
    pub awarded_on: Date,
    /// The ECTS it states.
    pub ects: Option<EctsCredits>,
    /// Whether it stands.
    pub standing: Standing,
    /// How its grade stands against the rule's minimum grade (none when the rule has none).
    pub grade: Option<GradeStanding>,
}

/// What a held credential awards.
#[derive(Clone, Debug, PartialEq)]
pub enum HeldKind {
    /// A micro-credential of the alliance.
    Specification(SpecificationId),
    /// Another issuer's: every name its verification established for the issuer (DID, URL,
    /// seal organisation identifier) and the achievement's id.
    External {
        /// The issuer's names.
        issuers: Vec<String>,
        /// The achievement's (or qualification's) id.
        achievement: String,
    },
}

/// Whether a held credential stands, as its issuer's records or its verification say.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// Valid, perhaps until a day (its `validUntil`).
    Valid {
        /// The last day it is valid, if it expires.
        until: Option<Date>,
    },
    /// Revoked by its issuer.
    Revoked,
    /// Suspended by its issuer.
    Suspended,
    /// Its verification did not succeed (untrusted issuer, bad signature, status unknown…).
    NotVerified {
        /// The verification's verdict, in words.
        verdict: String,
    },
}

impl HeldComponent {
    fn why_not_counted(&self, on: Date, earliest: Option<Date>) -> Option<NotCounted> {
        match &self.standing {
            Standing::Revoked => Some(NotCounted::Revoked),
            Standing::Suspended => Some(NotCounted::Suspended),
            Standing::NotVerified { verdict } => Some(NotCounted::NotVerified {
                verdict: verdict.clone(),
            }),
            Standing::Valid { until: Some(until) } if *until < on => {
                Some(NotCounted::Expired { on: *until })
            }
            Standing::Valid { .. } if self.awarded_on > on => Some(NotCounted::NotYetAwarded),
            Standing::Valid { .. } => match earliest {
                Some(earliest) if self.awarded_on < earliest => {
                    Some(NotCounted::OutsideWindow { earliest })
                }
                _ => match &self.grade {
                    Some(GradeStanding::TooLow(grade)) => Some(NotCounted::GradeTooLow {
                        grade: grade.clone(),
                    }),
                    Some(GradeStanding::Unconvertible(why)) => {
                        Some(NotCounted::GradeNotConverted {
                            reason: why.clone(),
                        })
                    }
                    Some(GradeStanding::Meets(_)) | None => None,
                },
            },
        }
    }
}

/// A learner's progress towards a stacked credential on a day: stored as the trace of an award.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StackProgress {
    /// The day evaluated.
    pub evaluated_on: Date,
    /// Components awarded before this day no longer count (the validity window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts_from: Option<Date>,
    /// The day the rule was first satisfied: the date of issuing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied_on: Option<Date>,
    /// The ECTS counted in all.
    pub counted_ects: f64,
    /// The least total the rule asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_total_ects: Option<f64>,
    /// Each pool's progress.
    pub pools: Vec<PoolProgress>,
    /// What is still missing (none when satisfied).
    pub shortfalls: Vec<Shortfall>,
}

impl StackProgress {
    /// Whether the rule is satisfied.
    pub fn satisfied(&self) -> bool {
        self.satisfied_on.is_some()
    }

    /// The credentials counted, in the rule's order.
    pub fn counted(&self) -> impl Iterator<Item = &str> {
        self.pools
            .iter()
            .flat_map(|p| &p.components)
            .filter_map(|c| match &c.status {
                ComponentStatus::Counted { credential, .. } => Some(credential.as_str()),
                _ => None,
            })
    }

    /// Components counted, and components the rule asks for in all (for a progress bar).
    pub fn components_done(&self) -> (usize, usize) {
        self.pools.iter().fold((0, 0), |(done, asked), p| {
            (done + p.counted.min(p.required), asked + p.required)
        })
    }
}

/// One pool's progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoolProgress {
    /// The pool's id.
    pub pool: String,
    /// Components it needs counted.
    pub required: usize,
    /// Components counted.
    pub counted: usize,
    /// ECTS counted in the pool (before its maximum).
    pub ects: f64,
    /// Its minimum ECTS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ects: Option<f64>,
    /// Its maximum ECTS towards the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ects: Option<f64>,
    /// Whether the pool's own minimums are met.
    pub satisfied: bool,
    /// Each component, in the rule's order.
    pub components: Vec<ComponentProgress>,
}

/// One component's place in a learner's progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentProgress {
    /// The component, as [`Component::label`] names it.
    pub component: String,
    /// Whether it counts.
    #[serde(flatten)]
    pub status: ComponentStatus,
}

/// Whether a component counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ComponentStatus {
    /// A credential counts for it.
    Counted {
        /// The credential.
        credential: String,
        /// The day it was awarded.
        awarded_on: Date,
        /// The ECTS it counts for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ects: Option<f64>,
        /// Its grade, as awarded and converted, where the rule asks for a minimum grade.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<ComponentGrade>,
    },
    /// The learner holds a credential for it that does not count.
    NotCounted {
        /// The credential.
        credential: String,
        /// The day it was awarded.
        awarded_on: Date,
        /// Why it does not count.
        reason: NotCounted,
    },
    /// No credential for it is held.
    Missing,
}

/// Why a held credential does not count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum NotCounted {
    /// Its issuer revoked it.
    Revoked,
    /// Its issuer suspended it.
    Suspended,
    /// It expired on that day.
    Expired {
        /// Its last valid day.
        on: Date,
    },
    /// It was awarded before the validity window opens.
    OutsideWindow {
        /// The earliest day of award that counts.
        earliest: Date,
    },
    /// It is dated after the day evaluated.
    NotYetAwarded,
    /// Its verification did not succeed.
    NotVerified {
        /// The verdict.
        verdict: String,
    },
    /// Its grade, converted, is below the rule's minimum.
    GradeTooLow {
        /// The grade as awarded and converted.
        grade: ComponentGrade,
    },
    /// Its grade could not be converted to check the rule's minimum.
    GradeNotConverted {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for NotCounted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotCounted::Revoked => f.write_str("revoked by its issuer"),
            NotCounted::Suspended => f.write_str("suspended by its issuer"),
            NotCounted::Expired { on } => write!(f, "expired on {on}"),
            NotCounted::OutsideWindow { earliest } => write!(
                f,
                "awarded too long ago: only components awarded on or after {earliest} count"
            ),
            NotCounted::NotYetAwarded => f.write_str("dated after the day evaluated"),
            NotCounted::NotVerified { verdict } => write!(f, "not verified: {verdict}"),
            NotCounted::GradeTooLow { grade } => write!(
                f,
                "grade too low: {} ({}) converts to {} ({}), below the minimum",
                grade.original, grade.original_scheme, grade.converted, grade.scheme
            ),
            NotCounted::GradeNotConverted { reason } => {
                write!(
                    f,
                    "its grade cannot be checked against the minimum: {reason}"
                )
            }
        }
    }
}

/// Something the rule still asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "missing", rename_all = "kebab-case")]
pub enum Shortfall {
    /// Too few components counted in a pool.
    Components {
        /// The pool.
        pool: String,
        /// Counted.
        counted: usize,
        /// Needed.
        required: usize,
    },
    /// Too few ECTS in a pool.
    PoolEcts {
        /// The pool.
        pool: String,
        /// Counted.
        counted: f64,
        /// Needed.
        required: f64,
    },
    /// Too few ECTS in all.
    TotalEcts {
        /// Counted (each pool up to its maximum).
        counted: f64,
        /// Needed.
        required: f64,
    },
}

impl Shortfall {
    fn pool(&self) -> Option<&String> {
        match self {
            Shortfall::Components { pool, .. } | Shortfall::PoolEcts { pool, .. } => Some(pool),
            Shortfall::TotalEcts { .. } => None,
        }
    }
}

fn ects(n: f64) -> String {
    format_hundredths((n * 100.0).round() as u64)
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shortfall::Components {
                pool,
                counted,
                required,
            } => write!(
                f,
                "`{pool}`: {counted} of the {required} components needed count"
            ),
            Shortfall::PoolEcts {
                pool,
                counted,
                required,
            } => write!(
                f,
                "`{pool}`: {} of the {} ECTS needed count",
                ects(*counted),
                ects(*required)
            ),
            Shortfall::TotalEcts { counted, required } => write!(
                f,
                "{} of the {} ECTS needed in all count",
                ects(*counted),
                ects(*required)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// RWTH's Micro-Bachelor in Data Literacy (ENHANCE Annex 1): 3 basic + 4 advanced courses,
    /// here with the advanced ones chosen from six, one of them another university's.
    fn data_literacy() -> Stacking {
        serde_json::from_value(serde_json::json!({
            "pools": [
                { "id": "basic", "components": [
                    { "specification": "dl-basic-1" }, { "specification": "dl-basic-2" },
                    { "specification": "dl-basic-3" } ] },
                { "id": "advanced", "min_count": 4, "min_ects": 12, "max_ects": 20, "components": [
                    { "specification": "dl-adv-1" }, { "specification": "dl-adv-2" },
                    { "specification": "dl-adv-3" }, { "specification": "dl-adv-4" },
                    { "specification": "dl-adv-5" },
                    { "external": { "issuer": "did:web:eth.example", "achievement": "https://eth.example/a/ethics",
                      "title": { "en": "Data ethics" }, "ects": 4 } } ] }
            ],
            "min_total_ects": 30,
            "valid_for": "P5Y"
        }))
        .unwrap()
    }

    fn held(spec: &str, on: &str, ects: u32) -> HeldComponent {
        HeldComponent {
            credential: format!("urn:{spec}:{on}"),
            kind: HeldKind::Specification(spec.parse().unwrap()),
            awarded_on: day(on),
            ects: Some(EctsCredits::from_hundredths(ects * 100).unwrap()),
            standing: Standing::Valid { until: None },
            grade: None,
        }
    }

    #[test]
    fn the_rule_is_satisfied_on_the_day_the_last_component_needed_was_awarded() {
        let rule = data_literacy();
        assert_eq!(rule.problems(), vec![]);
        let mut wallet = vec![
            held("dl-basic-1", "2025-01-10", 5),
            held("dl-basic-2", "2025-02-10", 5),
            held("dl-basic-3", "2025-06-30", 5),
            held("dl-adv-1", "2025-03-01", 4),
            held("dl-adv-2", "2025-04-01", 4),
            held("dl-adv-3", "2025-05-01", 4),
        ];
        let progress = rule.evaluate(&wallet, day("2026-01-01"));
        assert!(!progress.satisfied());
        assert_eq!(
            progress
                .shortfalls
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "`advanced`: 3 of the 4 components needed count",
                "27 of the 30 ECTS needed in all count"
            ]
        );
        assert_eq!(progress.components_done(), (6, 7));
        assert!(progress.pools[0].satisfied && !progress.pools[1].satisfied);
        // The external component, recognised for 4 ECTS (its credential says 2).
        wallet.push(HeldComponent {
            credential: "urn:eth".into(),
            kind: HeldKind::External {
                issuers: vec!["did:web:eth.example".into()],
                achievement: "https://eth.example/a/ethics".into(),
            },
            awarded_on: day("2025-09-15"),
            ects: Some(EctsCredits::from_hundredths(200).unwrap()),
            standing: Standing::Valid { until: None },
            grade: None,
        });
        let progress = rule.evaluate(&wallet, day("2026-01-01"));
        assert_eq!(progress.shortfalls, vec![]);
        assert_eq!(progress.satisfied_on, Some(day("2025-09-15")));
        assert_eq!(progress.counted_ects, 31.0);
        assert_eq!(progress.counted().count(), 7);
        // A fifth advanced course, earlier, completes the rule earlier: the date of issuing is
        // the day the rule was first met, not the last credential's.
        wallet.push(held("dl-adv-4", "2025-08-01", 4));
        let progress = rule.evaluate(&wallet, day("2026-01-01"));
        assert_eq!(progress.satisfied_on, Some(day("2025-08-01")));
        // The advanced pool counts at most 20 ECTS towards the total.
        assert_eq!(progress.pools[1].ects, 20.0);
        assert_eq!(progress.counted_ects, 35.0);
        wallet.push(held("dl-adv-5", "2025-08-02", 4));
        let progress = rule.evaluate(&wallet, day("2026-01-01"));
        assert_eq!(
            (progress.pools[1].ects, progress.counted_ects),
            (24.0, 35.0)
        );
    }

    #[test]
    fn revoked_expired_old_and_unverified_credentials_do_not_count_and_say_why() {
        let rule = data_literacy();
        let mut basic = held("dl-basic-1", "2020-01-10", 5);
        let on = day("2026-01-01");
        let status = |held: &[HeldComponent]| {
            rule.evaluate(held, on).pools[0].components[0]
                .status
                .clone()
        };
        let reason = |held: &[HeldComponent]| match status(held) {
            ComponentStatus::NotCounted { reason, .. } => reason.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            reason(std::slice::from_ref(&basic)),
            "awarded too long ago: only components awarded on or after 2021-01-01 count"
        );
        basic.awarded_on = day("2024-01-10");
        basic.standing = Standing::Revoked;
        assert_eq!(
            reason(std::slice::from_ref(&basic)),
            "revoked by its issuer"
        );
        basic.standing = Standing::Valid {
            until: Some(day("2025-12-31")),
        };
        assert_eq!(
            reason(std::slice::from_ref(&basic)),
            "expired on 2025-12-31"
        );
        basic.standing = Standing::NotVerified {
            verdict: "unknown issuer".into(),
        };
        assert_eq!(
            reason(std::slice::from_ref(&basic)),
            "not verified: unknown issuer"
        );
        // A later valid credential for the same component counts instead.
        let again = held("dl-basic-1", "2025-03-03", 5);
        assert!(matches!(
            status(&[basic.clone(), again]),
            ComponentStatus::Counted { awarded_on, .. } if awarded_on == day("2025-03-03")
        ));
        assert_eq!(status(&[]), ComponentStatus::Missing);
        // An external credential of another issuer with the same achievement id is not it.
        let impostor = HeldComponent {
            credential: "urn:x".into(),
            kind: HeldKind::External {
                issuers: vec!["did:web:elsewhere.example".into()],
                achievement: "https://eth.example/a/ethics".into(),
            },
            awarded_on: day("2025-01-01"),
            ects: None,
            standing: Standing::Valid { until: None },
            grade: None,
        };
        assert_eq!(
            rule.evaluate(&[impostor], on).pools[1].components[5].status,
            ComponentStatus::Missing
        );
    }

    #[test]
    fn impossible_and_ambiguous_rules_are_refused_at_their_field() {
        let mut rule = data_literacy();
        rule.pools[1].components[0] = rule.pools[0].components[1].clone();
        rule.pools[1].min_count = Some(9);
        rule.pools[1].min_ects = Some(EctsCredits::from_hundredths(2500).unwrap());
        rule.pools[0].id = "advanced".into();
        let problems: Vec<(String, String)> = rule
            .problems()
            .into_iter()
            .map(|p| (p.field, p.message))
            .collect();
        assert_eq!(
            problems,
            [
                ("stacking.pools[1].id".to_owned(), "pool `advanced` is defined twice".to_owned()),
                (
                    "stacking.pools[1].components[0]".into(),
                    "`dl-basic-2` is listed twice (also at stacking.pools[0].components[1]): a component counts in one pool only".into()
                ),
                (
                    "stacking.pools[1].min_count".into(),
                    "pool `advanced` asks for at least 9 components but lists 6".into()
                ),
                (
                    "stacking.pools[1].min_ects".into(),
                    "pool `advanced` asks for at least 25 ECTS but counts at most 20".into()
                ),
            ]
        );
        let mut external = data_literacy();
        if let Component::External(e) = &mut external.pools[1].components[5] {
            e.status_lists = vec!["credentials.example/status".into()];
        }
        assert_eq!(
            external.problems()[0].field,
            "stacking.pools[1].components[5].external.status_lists[0]"
        );
        let empty = Stacking {
            pools: vec![],
            min_total_ects: None,
            valid_for: None,
            min_grade: None,
        };
        assert_eq!(empty.problems().len(), 1);
        assert!(!empty.evaluate(&[], day("2026-01-01")).satisfied());
    }

    #[test]
    fn a_trace_reads_back_as_written() {
        let rule = data_literacy();
        let progress = rule.evaluate(&[held("dl-basic-1", "2025-01-10", 5)], day("2026-01-01"));
        let json = serde_json::to_value(&progress).unwrap();
        assert_eq!(json["pools"][0]["components"][0]["status"], "counted");
        assert_eq!(json["pools"][0]["components"][1]["status"], "missing");
        assert_eq!(json["shortfalls"][0]["missing"], "components");
        let back: StackProgress = serde_json::from_value(json).unwrap();
        assert_eq!(back, progress);
    }

    #[test]
    fn a_component_below_the_minimum_grade_does_not_count_and_the_trace_keeps_both_grades() {
        use crate::grade_conversion::{GradeDistribution, ReferenceTable, TableScope};
        use crate::grading::GradingScheme;
        let pl = GradingScheme::preset("pl").unwrap();
        let de = GradingScheme::preset("de").unwrap();
        let pass_fail = GradingScheme::preset("pass-fail").unwrap();
        let table = |scheme: &GradingScheme, rows: &[(&str, u64)]| {
            vec![ReferenceTable {
                scope: TableScope::default(),
                period: None,
                distribution: GradeDistribution::in_scheme(
                    scheme,
                    rows.iter().map(|(g, c)| ((*g).to_owned(), *c)),
                )
                .unwrap(),
            }]
        };
        let wut = table(
            &pl,
            &[
                ("3.0", 92),
                ("3.5", 98),
                ("4.0", 135),
                ("4.5", 37),
                ("5.0", 7),
            ],
        );
        let rwth = table(
            &de,
            &[
                ("4.0", 10),
                ("3.0", 25),
                ("2.0", 30),
                ("1.3", 25),
                ("1.0", 10),
            ],
        );
        let side = |university, scheme, tables| GradingContext {
            university,
            scheme,
            tables,
            field: None,
            cycle: None,
        };
        let min: MinGrade = serde_json::from_value(serde_json::json!({ "grade": "2.0" })).unwrap();
        assert_eq!(min.policy, ConversionPolicy::Lowest);
        let to = side("rwth", &de, &rwth);
        // WUT 4.0 (51–88 %) overlaps RWTH 2.0 (35–65 %) and 1.3 (65–90 %): lowest is 2.0.
        let meets = min.standing(Some("4.0"), Some(side("wut", &pl, &wut)), to);
        let GradeStanding::Meets(grade) = &meets else {
            panic!("{meets:?}")
        };
        assert_eq!(
            (grade.original.as_str(), grade.converted.as_str()),
            ("4.0", "2.0")
        );
        let low = min.standing(Some("3.5"), Some(side("wut", &pl, &wut)), to);
        assert!(matches!(low, GradeStanding::TooLow(_)), "{low:?}");
        let pass = min.standing(Some("pass"), Some(side("x", &pass_fail, &[])), to);
        assert!(matches!(pass, GradeStanding::Meets(_)), "{pass:?}");
        let ungraded = min.standing(None, None, to);
        assert!(
            matches!(&ungraded, GradeStanding::Meets(g) if g.converted == "pass"),
            "{ungraded:?}"
        );
        let unknown = min.standing(Some("4.0"), None, to);
        assert_eq!(
            unknown,
            GradeStanding::Unconvertible("its university has no typed grading scheme".into())
        );
        let no_table = min.standing(Some("4.0"), Some(side("wut", &pl, &[])), to);
        assert!(matches!(no_table, GradeStanding::Unconvertible(_)));

        let rule = data_literacy();
        let mut wallet: Vec<HeldComponent> = ["dl-basic-1", "dl-basic-2", "dl-basic-3"]
            .iter()
            .map(|s| held(s, "2025-01-10", 5))
            .collect();
        wallet[0].grade = Some(meets.clone());
        wallet[1].grade = Some(low);
        let progress = rule.evaluate(&wallet, day("2026-01-01"));
        let basic = &progress.pools[0].components;
        assert!(matches!(
            &basic[0].status,
            ComponentStatus::Counted { grade: Some(g), .. } if g.converted == "2.0"
        ));
        let ComponentStatus::NotCounted { reason, .. } = &basic[1].status else {
            panic!("{:?}", basic[1])
        };
        assert_eq!(
            reason.to_string(),
            "grade too low: 3.5 (Polish scale 2.0–5.0) converts to 3.0 (German scale 1.0–5.0), below the minimum"
        );
        let trace = serde_json::to_value(&progress).unwrap();
        assert_eq!(
            trace["pools"][0]["components"][0]["grade"]["original"],
            "4.0"
        );
        assert_eq!(
            serde_json::from_value::<StackProgress>(trace).unwrap(),
            progress
        );
    }
}
