//! The platform at scale: imports N learners' results from a CSV file (two course elements
//! each, so 2·N rows) and issues and stores the N credentials of the demo's published
//! certificate, through the same use cases the API and `microcred import results` run.
//!
//!     cargo bench -p microcred-app --bench platform_scale -- LEARNERS [DATABASE_URL]
//!
//! Set MICROCRED_BENCH_KEEP=1 to keep the temporary folder (its SQLite database) for study.
//! Without DATABASE_URL it uses SQLite in a temporary folder; with it, the (empty) PostgreSQL
//! database it names. One size per process, so that the peak memory (VmHWM) is this size's:
//! `scripts/bench-platform.sh` runs 10,000 and 100,000 on both databases and prints the table
//! of BENCHMARKS.md.

use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use microcred_app::platform::setup::Setup;
use microcred_app::results::ResultsReader;

const SPECIFICATION: &str = "enhance-certificate-sustainable-entrepreneurship";

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

/// Writes the results file: each learner passed both course elements of the certificate.
fn write_results(path: &Path, learners: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "learner,given_names,family_names,date_of_birth,nationality,email,student_id,element,completed_on,grade,overall_grade"
    )?;
    for i in 0..learners {
        let email = format!("learner{i}@bench.example");
        let born = format!("{}-{:02}-{:02}", 1990 + i % 15, 1 + i % 12, 1 + i % 28);
        writeln!(
            out,
            "{email},Given{i},Family{i},{born},PL,{email},W{i:07},wut:sustainable-business-models,2026-06-{:02},4.5,4.5",
            1 + i % 28
        )?;
        writeln!(
            out,
            "{email},Given{i},Family{i},{born},PL,{email},T{i:07},tub:innovation-lab,2026-07-{:02},1.3,",
            1 + i % 28
        )?;
    }
    out.flush()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let learners: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let database_url = args.get(1).cloned();
    let folder = std::env::temp_dir().join(format!("microcred-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let csv = folder.join("results.csv");
    write_results(&csv, learners).expect("the results file is written");
    let csv_bytes = std::fs::metadata(&csv).map_or(0, |m| m.len());

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
        let admin = platform
            .account_by_email("admin@enhance.example")
            .await
            .expect("the administrator");
        let (_, before) = memory();

        let start = Instant::now();
        let reader = ResultsReader::new(
            "results.csv",
            BufReader::new(std::fs::File::open(&csv).expect("the results file")),
        )
        .expect("the header is read");
        let report = platform
            .import_results(&admin, "results.csv", reader, &mut |_| {})
            .await
            .expect("the import runs");
        let import = start.elapsed().as_secs_f64();
        assert_eq!(report.rows_stored, 2 * learners as u64, "{report:?}");
        let (import_peak, _) = memory();

        let start = Instant::now();
        let outcome = platform
            .issue(&admin, SPECIFICATION, None, &mut |_, _| {})
            .await
            .expect("the issuance runs");
        let issue = start.elapsed().as_secs_f64();
        assert_eq!(outcome.issued_count, learners as u64, "every learner is issued to once");
        let (peak, _) = memory();

        let backend = if database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let database_bytes = std::fs::metadata(folder.join("data/microcred.db")).map_or(0, |m| m.len());
        println!(
            "| {backend} | {learners} | {rows} rows, {csv_mib:.1} MiB | {import:.1} s | {rows_per_s:.0} | {issue:.1} s | {per_s:.0} | {import_peak:.0} MiB | {peak:.0} MiB | {before:.0} MiB |",
            rows = 2 * learners,
            csv_mib = csv_bytes as f64 / 1048576.0,
            rows_per_s = (2 * learners) as f64 / import,
            per_s = outcome.issued_count as f64 / issue,
        );
        if database_bytes > 0 {
            eprintln!("SQLite file: {:.0} MiB", database_bytes as f64 / 1048576.0);
        }
        platform.store().close().await;
    });
    if std::env::var_os("MICROCRED_BENCH_KEEP").is_some() {
        eprintln!("kept: {}", folder.display());
    } else {
        let _ = std::fs::remove_dir_all(&folder);
    }
}
