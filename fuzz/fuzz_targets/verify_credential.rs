//! Any bytes, read as a credential: verification (JSON-LD in safe mode, canonicalization,
//! proofs, status, schema) must finish without panicking and give a verdict; a credential that
//! is verified must have every check pass or be skipped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::verify::{Context, MAX_CREDENTIAL_BYTES, Status, verify_credential};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_CREDENTIAL_BYTES {
        return;
    }
    let Ok(credential) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let resolver = DidResolver::new();
    let report = verify_credential(
        &credential,
        &Context {
            trust: None,
            status_lists: &[],
            resolver: &resolver,
            now: DateTime::from_unix(1_782_000_000),
        },
    );
    if report.verified {
        assert!(report.checks.iter().all(|c| c.status != Status::Failed));
    }
});
