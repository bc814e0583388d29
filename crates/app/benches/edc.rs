//! Europass EDCs beside Open Badges 3.0, for the same award (the ENHANCE certificate example):
//! issuing (award, projection, for the EDC its rendered page and the JAdES seal, the file
//! written), sealing alone, and verifying (the whole report), with ES256 and RS256 seals.
//!
//!     cargo bench -p microcred-app --bench edc [-- SECONDS]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use microcred_app::Checker;
use microcred_app::issue::{IssueFormats, IssueOptions, issue_from_results};
use microcred_app::results::ResultsReader;
use microcred_credentials::data_integrity::Cryptosuite;
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::key_file::{IssuerKey, KeyFile};
use microcred_credentials::keys::SigningKey;
use microcred_credentials::signer::{P256Key, RsaKey};
use microcred_credentials::verify::Context;
use microcred_edc::key_file::{SealKeyFile, Signing};
use microcred_edc::seal::{SealKey, seal};
use microcred_edc::verify::verify_edc;
use microcred_edc::x509::{SealSubject, p256_spki_der, self_signed};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Operations per second of `work` on one thread for `seconds`, after a warm-up.
fn rate(seconds: f64, work: &mut dyn FnMut() -> usize) -> f64 {
    for _ in 0..3 {
        work();
    }
    let limit = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < limit {
        n += work();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

const LEARNERS: usize = 10;

fn results() -> String {
    let mut rows = String::from(
        "learner,given_names,family_names,date_of_birth,nationality,student_id,element,completed_on,overall_grade\n",
    );
    for i in 0..LEARNERS {
        rows.push_str(&format!(
            "s{i},Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,30{i},wut:sustainable-business-models,2026-06-12,4.5\n\
             s{i},Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,,tub:innovation-lab,2026-06-26,\n"
        ));
    }
    rows
}

fn seal_key(rsa: bool) -> (IssuerKey, SealKey) {
    let subject = SealSubject {
        organization: "Warsaw University of Technology".into(),
        country: "PL".into(),
        organization_identifier: Some("VATPL-5250005834".into()),
    };
    let key = if rsa {
        use rsa::pkcs8::EncodePrivateKey;
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("an RSA key");
        Signing::Rsa(Box::new(
            RsaKey::from_pkcs8_der(private.to_pkcs8_der().expect("der").as_bytes()).expect("rsa"),
        ))
    } else {
        Signing::P256(P256Key::generate().expect("a P-256 key"))
    };
    let certificate = match &key {
        Signing::P256(k) => self_signed(
            k,
            &p256_spki_der(&k.public_key_sec1()).expect("spki"),
            &subject,
            30,
        ),
        Signing::Rsa(k) => self_signed(
            k.as_ref(),
            &k.public_key_spki_der().expect("spki"),
            &subject,
            30,
        ),
    }
    .expect("a certificate");
    let file = SealKeyFile::new(&key, &[certificate], "did:web:pw.edu.pl", None).expect("file");
    let issuer = file.issuer_key(None).expect("issuer key");
    let e_seal = issuer.e_seal.clone().expect("an e-seal");
    let chain = file.chain().expect("chain");
    (issuer, SealKey::new(e_seal.key, chain).expect("seal key"))
}

fn main() {
    let seconds: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3.0);
    let dir = std::env::temp_dir().join(format!("microcred-bench-edc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let checker = Checker::new(None).expect("checker");
    let spec = checker
        .load(&root().join("examples/enhance-certificate-sustainable-entrepreneurship.toml"))
        .expect("the example specification");
    let results = results();
    let ob3_key = KeyFile::new(&SigningKey::from_bytes(&[7; 32]), None, None)
        .expect("key file")
        .issuer_key(None)
        .expect("key");
    let issue = |formats: IssueFormats, key: &IssuerKey| -> (usize, PathBuf) {
        let options = IssueOptions {
            suite: Cryptosuite::EddsaRdfc2022,
            formats,
            template: microcred_render::Template::default_template(),
            now: DateTime::now(),
            base_url: None,
        };
        let reader = ResultsReader::new("bench.csv", results.as_bytes()).expect("results");
        let report = issue_from_results(
            &spec,
            None,
            reader,
            std::slice::from_ref(key),
            &options,
            &dir,
            &mut |_, _| {},
        )
        .expect("issued");
        let issued = &report.issued[0];
        (
            report.issued.len(),
            issued.edc_file.clone().unwrap_or(issued.file.clone()),
        )
    };
    println!("{seconds} s per figure, one core; {LEARNERS} learners per issuing run");
    println!();
    println!(
        "| operation | Open Badges 3.0 (eddsa-rdfc-2022) | EDC, ES256 seal | EDC, RS256 seal |"
    );
    println!("|---|---:|---:|---:|");

    let ob3_issue = rate(seconds, &mut || issue(IssueFormats::OpenBadges, &ob3_key).0);
    let mut edc = Vec::new();
    for rsa in [false, true] {
        let (issuer, key) = seal_key(rsa);
        let (_, file) = issue(IssueFormats::Edc, &issuer);
        let sealed: Value =
            serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
        let payload = sealed["payload"].as_str().expect("payload").to_owned();
        let issuing = rate(seconds, &mut || issue(IssueFormats::Edc, &issuer).0);
        let sealing = rate(seconds, &mut || {
            seal(&payload, &key, DateTime::now()).expect("sealed");
            1
        });
        let resolver = DidResolver::new();
        let anchors = key.chain().to_vec();
        let verifying = rate(seconds, &mut || {
            let context = Context {
                trust: None,
                status_lists: &[],
                resolver: &resolver,
                now: DateTime::now(),
            };
            assert!(verify_edc(&sealed, &context, &anchors).verified);
            1
        });
        edc.push((
            issuing,
            sealing,
            verifying,
            payload.len(),
            sealed.to_string().len(),
        ));
    }
    let line = |name: &str, ob3: String, es: f64, rs: f64| {
        println!(
            "| {name} | {ob3} | {es:.0}/s ({:.2} ms) | {rs:.0}/s ({:.2} ms) |",
            1e3 / es,
            1e3 / rs
        );
    };
    line(
        "issue (award, document, page image, signature, file)",
        format!("{ob3_issue:.0}/s ({:.2} ms)", 1e3 / ob3_issue),
        edc[0].0,
        edc[1].0,
    );
    line(
        "seal the payload (JAdES B-B)",
        "—".into(),
        edc[0].1,
        edc[1].1,
    );
    line(
        "verify (whole report)",
        "see above".into(),
        edc[0].2,
        edc[1].2,
    );
    println!();
    println!(
        "EDC payload {} bytes ({} sealed), of which the page image is most",
        edc[0].3, edc[0].4
    );
    let _ = std::fs::remove_dir_all(&dir);
}
