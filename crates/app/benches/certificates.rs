//! Printing: 1,000 different signed micro-credentials (the ENHANCE certificate example, issued
//! here to 1,000 learners) as certificate PDFs — read from the credential, laid out with the
//! built-in template, logos and a signature, written as PDF/A-3 with the credential attached —
//! on one thread and on one per core (Typst lays pages out on its own thread pool as well);
//! then PNG pages.
//!
//!     cargo bench -p microcred-app --bench certificates [-- COUNT]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use microcred_app::Checker;
use microcred_app::certificate::{
    Presentation, PrintImage, PrintedParty, PrintedSignatory, lay_out_certificate,
};
use microcred_app::issue::{IssueOptions, issue_from_results};
use microcred_app::results::ResultsReader;
use microcred_credentials::data_integrity::Cryptosuite;
use microcred_credentials::datetime::DateTime;
use microcred_credentials::key_file::KeyFile;
use microcred_credentials::keys::SigningKey;
use microcred_render::{DEFAULT_PIXELS_PER_POINT, Template};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `count` signed credentials, each to another learner.
fn credentials(dir: &Path, count: usize) -> Vec<Vec<u8>> {
    let key = SigningKey::from_bytes(&[7; 32]);
    let issuer = KeyFile::new(&key, None, None)
        .expect("key file")
        .issuer_key(None)
        .expect("issuer key");
    let spec = Checker::new(None)
        .expect("checker")
        .load(&root().join("examples/enhance-certificate-sustainable-entrepreneurship.toml"))
        .expect("the example specification");
    let mut results = String::from(
        "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,overall_grade\n",
    );
    for i in 0..count {
        results.push_str(&format!(
            "s{i},Zoë {i},Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,{},wut:sustainable-business-models,2026-06-12,4.5\n\
             s{i},Zoë {i},Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,,tub:innovation-lab,2026-06-26,\n",
            300000 + i
        ));
    }
    let reader = ResultsReader::new("bench.csv", results.as_bytes()).expect("results");
    let options = IssueOptions {
        suite: Cryptosuite::EddsaRdfc2022,
        formats: microcred_app::issue::IssueFormats::OpenBadges,
        template: microcred_render::Template::default_template(),
        now: DateTime::now(),
        base_url: Some("https://enhance.example".into()),
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
    report
        .issued
        .iter()
        .map(|c| std::fs::read(&c.file).expect("read"))
        .collect()
}

fn image(name: &str) -> Option<PrintImage> {
    Some(PrintImage {
        media_type: "image/png".into(),
        bytes: std::fs::read(root().join("crates/app/src/platform/demo-logos").join(name))
            .expect("demo image"),
    })
}

/// Certificates per second on `threads` threads, each printing its share of `work`.
fn rate(threads: usize, count: usize, work: &(dyn Fn(usize) + Sync)) -> f64 {
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    work(i);
                }
            });
        }
    });
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = std::env::temp_dir().join(format!("microcred-bench-print-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let signed = credentials(&dir, count);
    let template = Template::default_template();
    let presentation = Presentation {
        language: "en".into(),
        verification_url: String::new(),
        issuer_logo: image("wut.png"),
        co_awarding: Vec::new(),
        alliance: Some(PrintedParty {
            name: "ENHANCE – European University of Technology".into(),
            country: String::new(),
            logo: image("alliance.png"),
        }),
        signatories: vec![PrintedSignatory {
            name: "Prof. Maria Nowak".into(),
            role: "Vice-Rector for Education".into(),
            university: "Warsaw University of Technology".into(),
            signature: image("signature-wut.png"),
        }],
    };
    let bytes = AtomicUsize::new(0);
    let pdf = |i: usize| {
        let mut presentation = presentation.clone();
        presentation.verification_url = format!("https://enhance.example/verify?credential={i}");
        let laid = lay_out_certificate(&template, &signed[i], &presentation).expect("laid out");
        let pdf = laid.pdf().expect("pdf");
        bytes.fetch_add(pdf.len(), Ordering::Relaxed);
    };
    let png = |i: usize| {
        let mut presentation = presentation.clone();
        presentation.verification_url = format!("https://enhance.example/verify?credential={i}");
        let laid = lay_out_certificate(&template, &signed[i], &presentation).expect("laid out");
        laid.png(1, DEFAULT_PIXELS_PER_POINT).expect("png");
    };
    // The first certificate loads the fonts and the standard library: not part of the figures.
    pdf(0);
    bytes.store(0, Ordering::Relaxed);

    println!("{count} different certificates (2 A4 pages each), {cores} cores");
    println!();
    println!("| output | 1 thread | {cores} threads |");
    println!("|---|---:|---:|");
    let one = rate(1, count, &pdf);
    let average = bytes.load(Ordering::Relaxed) / count;
    let all = rate(cores, count, &pdf);
    println!("| PDF (PDF/A-3u, credential attached), certificates/s | {one:.0} | {all:.0} |");
    let layout = |i: usize| {
        lay_out_certificate(&template, &signed[i], &presentation).expect("laid out");
    };
    let one_layout = rate(1, count, &layout);
    println!("| of which laying out only, certificates/s | {one_layout:.0} | |");
    let pages = count.min(200);
    let one_png = rate(1, pages, &png);
    let all_png = rate(cores, pages, &png);
    println!("| PNG page one at 144 dpi, pages/s ({pages}) | {one_png:.0} | {all_png:.0} |");
    println!();
    println!("average PDF size: {} KiB", average / 1024);
    let _ = std::fs::remove_dir_all(&dir);
}
