//! Signing and verifying an Open Badges 3.0 micro-credential (the ENHANCE certificate example,
//! issued to one learner), on one core and on all cores, beside @digitalbazaar/vc doing the
//! same on the same machine in the same run.
//!
//!     cargo bench -p microcred-app --bench sign_verify [-- SECONDS]
//!
//! Needs `interop/node_modules` (`npm ci --prefix interop`) for the peer; without it, only
//! microcred's figures are printed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use microcred_app::Checker;
use microcred_app::issue::{IssueOptions, issue_from_results};
use microcred_app::results::ResultsReader;
use microcred_credentials::data_integrity::{
    Cryptosuite, Expectations, ProofOptions, add_proof, verify_proofs,
};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::key_file::KeyFile;
use microcred_credentials::keys::SigningKey;
use microcred_credentials::verify::{Context, verify_credential};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Operations per second of `work`, run on `threads` threads for `seconds`.
fn rate(threads: usize, seconds: f64, work: &(dyn Fn() + Sync)) -> f64 {
    for _ in 0..50 {
        work(); // warm the context cache of this thread, as a running server's would be
    }
    let limit = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let total: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    for _ in 0..50 {
                        work();
                    }
                    let mut n = 0u64;
                    while start.elapsed() < limit {
                        work();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    total as f64 / start.elapsed().as_secs_f64()
}

/// The unsigned credential and the key, made by the issuing use case from the example.
fn credential(dir: &Path) -> (Value, SigningKey, KeyFile) {
    let key = SigningKey::from_bytes(&[7; 32]);
    let key_file = KeyFile::new(&key, None, None).expect("key file");
    let issuer = key_file.issuer_key(None).expect("issuer key");
    let checker = Checker::new(None).expect("checker");
    let spec = checker
        .load(&root().join("examples/enhance-certificate-sustainable-entrepreneurship.toml"))
        .expect("the example specification");
    let results = "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,overall_grade\n\
        s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,301234,wut:sustainable-business-models,2026-06-12,4.5\n\
        s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,,tub:innovation-lab,2026-06-26,\n";
    let reader = ResultsReader::new("bench.csv", results.as_bytes()).expect("results");
    let options = IssueOptions {
        suite: Cryptosuite::EddsaRdfc2022,
        formats: microcred_app::issue::IssueFormats::OpenBadges,
        template: microcred_render::Template::default_template(),
        now: DateTime::now(),
        base_url: None,
    };
    let report = issue_from_results(
        &spec,
        None,
        reader,
        &[issuer],
        &options,
        dir,
        &mut |_, _| {},
    )
    .expect("issued");
    let file = &report.issued[0].file;
    let mut signed: Value =
        serde_json::from_slice(&std::fs::read(file).expect("read")).expect("json");
    signed.as_object_mut().map(|o| o.remove("proof"));
    (signed, key, key_file)
}

fn main() {
    let seconds: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3.0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = std::env::temp_dir().join(format!("microcred-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let (unsigned, key, key_file) = credential(&dir);
    let method = key.public_key().did_key_verification_method();
    let resolver = DidResolver::new();
    println!(
        "Open Badges 3.0 micro-credential: {} bytes of JSON unsigned; {seconds} s per figure; {cores} cores",
        unsigned.to_string().len()
    );
    println!();
    println!(
        "| operation | suite | microcred, 1 core | microcred, {cores} cores | @digitalbazaar/vc, 1 core | @digitalbazaar/vc, {cores} processes | ratio (1 core) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");

    let peer = peer_rates(&dir, &unsigned, &key_file, seconds, cores);
    for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022] {
        let options = ProofOptions::assertion(suite, method.clone(), "2026-06-26T10:00:00Z");
        let signed = add_proof(&unsigned, &key, &options).expect("signs");
        let sign = || {
            add_proof(&unsigned, &key, &options).expect("signs");
        };
        let verify = || {
            let checks =
                verify_proofs(&signed, &resolver, &Expectations::assertion()).expect("verifies");
            assert!(checks.iter().all(|c| c.result.is_ok()));
        };
        let report = || {
            let context = Context {
                trust: None,
                status_lists: &[],
                resolver: &resolver,
                now: DateTime::now(),
            };
            assert!(verify_credential(&signed, &context).verified);
        };
        let rdfc = suite == Cryptosuite::EddsaRdfc2022;
        for (operation, work, peer_rate) in [
            ("sign", &sign as &(dyn Fn() + Sync), peer.map(|p| p.0)),
            ("verify the proof", &verify, None),
            ("verify (whole report)", &report, peer.map(|p| p.1)),
        ] {
            let one = rate(1, seconds, work);
            let all = rate(cores, seconds, work);
            let (peer_one, peer_all) = match (rdfc, peer_rate) {
                (true, Some((one, all))) => (format!("{one:.0}/s"), format!("{all:.0}/s")),
                (true, None) if operation == "verify the proof" => ("—".into(), "—".into()),
                (true, None) => ("not run".into(), "not run".into()),
                (false, _) => ("—".into(), "—".into()),
            };
            let ratio = match (rdfc, peer_rate) {
                (true, Some((peer_one, _))) => format!("{:.1}×", one / peer_one),
                _ => "—".into(),
            };
            println!(
                "| {operation} | {} | {one:.0}/s ({:.0} µs) | {all:.0}/s | {peer_one} | {peer_all} | {ratio} |",
                suite.name(),
                1e6 / one
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

type PeerRates = ((f64, f64), (f64, f64));

/// @digitalbazaar/vc's sign and verify rates, one process and one per core; `None` without node.
fn peer_rates(
    dir: &Path,
    unsigned: &Value,
    key_file: &KeyFile,
    seconds: f64,
    cores: usize,
) -> Option<PeerRates> {
    let script = root().join("interop/interop.mjs");
    if !root()
        .join("interop/node_modules/@digitalbazaar/vc")
        .is_dir()
    {
        eprintln!("(@digitalbazaar/vc not installed: run `npm ci --prefix interop` to compare)");
        return None;
    }
    let credential = dir.join("bench-credential.json");
    let key = dir.join("bench-key.json");
    std::fs::write(&credential, unsigned.to_string()).ok()?;
    std::fs::write(&key, serde_json::to_string(key_file).ok()?).ok()?;
    let spawn = |processes: usize| -> Option<(f64, f64)> {
        let children: Vec<std::process::Child> = (0..processes)
            .map(|_| {
                Command::new("node")
                    .arg(&script)
                    .args([
                        "bench",
                        credential.to_str().unwrap_or_default(),
                        key.to_str().unwrap_or_default(),
                        &seconds.to_string(),
                    ])
                    .stdout(std::process::Stdio::piped())
                    .spawn()
            })
            .collect::<Result<_, _>>()
            .ok()?;
        let mut sign = 0.0;
        let mut verify = 0.0;
        for child in children {
            let output = child.wait_with_output().ok()?;
            let figures: Value = serde_json::from_slice(&output.stdout).ok()?;
            sign += figures["signPerSecond"].as_f64()?;
            verify += figures["verifyPerSecond"].as_f64()?;
        }
        Some((sign, verify))
    };
    let (sign_one, verify_one) = spawn(1)?;
    let (sign_all, verify_all) = spawn(cores)?;
    Some(((sign_one, sign_all), (verify_one, verify_all)))
}
