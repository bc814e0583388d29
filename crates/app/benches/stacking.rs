//! Stacking at scale: N learners holding components of a stacked credential of 7 components
//! (3 mandatory, at least 2 of 4 electives, a minimum grade), evaluated by the registrar's
//! overview — every holder of a component, 500 at a time: what they hold is read, each grade
//! converted from WUT's scale to RWTH's by the two universities' tables, the model's rule
//! evaluates it — and one learner's progress (what a learner's page and an award read).
//!
//!     cargo bench -p microcred-app --bench stacking -- LEARNERS [DATABASE_URL]
//!
//! The components' credentials are stored directly (signing 7·N credentials is the issuing
//! benchmark's business, `platform_scale`): each learner holds 4 to 7 of them, so that some
//! meet the rule and some are one short. Without DATABASE_URL it uses SQLite in a temporary
//! folder; with it, the (empty) PostgreSQL database it names. One size per process, so that
//! the peak memory (VmHWM) is this size's: `scripts/bench-stacking.sh` runs 10,000 and
//! 100,000 on both databases and prints the table of BENCHMARKS.md.

use std::time::Instant;

use microcred_app::platform::catalogue::Decision;
use microcred_app::platform::setup::Setup;
use microcred_model::CredentialState;
use microcred_store::credentials::{CredentialRecord, insert_many};

const COMPONENTS: usize = 7;

/// The process's peak and current resident memory in MiB, from /proc (Linux).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn component(i: usize) -> String {
    format!("bench-component-{i}")
}

/// The stacked specification: the demo label's elements, with a rule of 7 components.
fn stacked() -> microcred_model::Specification {
    let text = include_str!("../../../examples/enhance-label-data-literacy.toml");
    let catalogue = include_str!("../../../examples/catalogues/enhance.toml");
    let parsed = microcred_specfile::parse_specification(microcred_specfile::SourceFile::new(
        "label.toml",
        text.to_owned(),
    ))
    .expect("the label parses");
    let catalogue = microcred_specfile::parse_catalogue(microcred_specfile::SourceFile::new(
        "catalogues/enhance.toml",
        catalogue.to_owned(),
    ))
    .expect("the catalogue parses");
    let mut spec = microcred_specfile::resolve(parsed, vec![catalogue])
        .expect("the label resolves")
        .specification;
    spec.id = "bench-stacked".parse().expect("an id");
    spec.stacking = serde_json::from_value(serde_json::json!({
        "valid_for": "P5Y",
        // Each component's grade (WUT's scale) converted to RWTH's by the demo's tables.
        "min_grade": { "grade": "3.7" },
        "pools": [
            { "id": "core", "components": (0..3).map(|i| serde_json::json!({ "specification": component(i) })).collect::<Vec<_>>() },
            { "id": "electives", "min_count": 2, "components": (3..COMPONENTS).map(|i| serde_json::json!({ "specification": component(i) })).collect::<Vec<_>>() }
        ]
    }))
    .expect("a rule");
    spec
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let learners: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let database_url = args.get(1).cloned();
    let folder = std::env::temp_dir().join(format!("microcred-bench-stack-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let setup = Setup {
            data: folder.join("data"),
            database_url: database_url.clone(),
            public_url: "http://127.0.0.1:8080".into(),
            settings: None,
        };
        let (platform, _) = setup.open().await.expect("the platform opens");
        platform.demo().await.expect("the demo alliance is set up");
        let account = |email: &'static str| {
            let platform = platform.clone();
            async move { platform.account_by_email(email).await.expect("a demo account") }
        };
        let (admin, teacher, board) = (
            account("admin@enhance.example").await,
            account("teacher@wut.example").await,
            account("board@enhance.example").await,
        );
        platform
            .create_specification(&teacher, stacked())
            .await
            .expect("the stacked specification is written");
        platform.submit(&teacher, "bench-stacked", "").await.expect("submitted");
        platform
            .decide(&board, "bench-stacked", Decision::Approve, "")
            .await
            .expect("published");

        // Learner i holds the 3 mandatory components and 1 to 4 electives (i % 4 + 1).
        let start = Instant::now();
        let mut tx = platform.store().begin().await.expect("a transaction");
        let mut batch = Vec::new();
        let mut people = Vec::new();
        let mut stored = 0usize;
        for i in 0..learners {
            people.push((
                format!("bench-learner-{i:07}"),
                serde_json::from_value::<microcred_model::Learner>(serde_json::json!({
                    "given_names": format!("Given{i}"),
                    "family_names": format!("Family{i}"),
                    "email": format!("learner{i}@bench.example"),
                }))
                .expect("a learner"),
            ));
            let electives = i % 4 + 1;
            for c in (0..3).chain(3..3 + electives) {
                batch.push(CredentialRecord {
                    id: format!("urn:uuid:{}", microcred_store::new_id()),
                    specification_id: component(c),
                    version: 1,
                    learner_id: format!("bench-learner-{i:07}"),
                    issuer: "wut".into(),
                    state: CredentialState::Active,
                    current: true,
                    format: "ob3-di".into(),
                    document: serde_json::json!({}),
                    alternatives: Vec::new(),
                    date_of_issuing: format!("2026-{:02}-{:02}", 1 + c % 12, 1 + i % 28),
                    issued_at: 0,
                    replaces: None,
                    reason: String::new(),
                    changed_at: 0,
                    grade: Some(["4.0", "4.5", "3.5", "5.0"][(i + c) % 4].into()),
                });
            }
            if batch.len() >= 5_000 {
                microcred_store::learners::insert_many(&mut tx, &people)
                    .await
                    .expect("learners stored");
                people.clear();
                insert_many(&mut tx, &batch).await.expect("stored");
                stored += batch.len();
                batch.clear();
            }
        }
        microcred_store::learners::insert_many(&mut tx, &people)
            .await
            .expect("learners stored");
        insert_many(&mut tx, &batch).await.expect("stored");
        stored += batch.len();
        microcred_store::commit(tx).await.expect("committed");
        platform.store().analyze().await.expect("statistics");
        let seeding = start.elapsed().as_secs_f64();
        let (_, before) = memory();

        let start = Instant::now();
        let overview = platform
            .stacking_overview(&admin)
            .await
            .expect("the overview is made");
        let evaluation = start.elapsed().as_secs_f64();
        let bench = overview
            .iter()
            .find(|o| o.specification == "bench-stacked")
            .expect("the stacked specification is overseen");
        // Every holder of a component, and the demo's learners with an external credential.
        assert!(bench.evaluated >= learners as u64, "every holder is evaluated");
        assert!(!bench.due.is_empty() && !bench.close.is_empty());
        let (peak, _) = memory();

        // One learner's progress, as their page and an award read it: the mean of 200.
        let start = Instant::now();
        let runs = 200;
        for r in 0..runs {
            let learner = format!("bench-learner-{:07}", (r * 7919) % learners);
            let progress = platform
                .stacking_progress(&admin, &learner)
                .await
                .expect("the learner's progress");
            assert!(progress.iter().any(|p| p.specification == "bench-stacked"));
        }
        let one = start.elapsed().as_secs_f64() / runs as f64 * 1000.0;

        let backend = if database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        println!(
            "| {backend} | {learners} | {stored} | {seeding:.1} s | {evaluation:.1} s | {per_s:.0} | {one:.2} ms | {peak:.0} MiB | {before:.0} MiB |",
            per_s = learners as f64 / evaluation,
        );
        platform.store().close().await;
    });
    let _ = std::fs::remove_dir_all(&folder);
}
