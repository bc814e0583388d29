//! Any bytes, as the body of `POST /api/v1/verify` or the VC API's verify endpoints: read as
//! JSON (bounded), then verified as a credential and as a presentation holding it. A verdict
//! comes back every time, "tampered" never for something that is not even a signed object.
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::verify::{
    Context, MAX_CREDENTIAL_BYTES, Verdict, verify_credential, verify_presentation,
};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_CREDENTIAL_BYTES {
        return;
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let resolver = DidResolver::new();
    let context = Context {
        trust: None,
        status_lists: &[],
        resolver: &resolver,
        now: DateTime::from_unix(1_782_000_000),
    };
    let report = verify_credential(&body, &context);
    if body.get("proof").is_none() {
        assert_ne!(report.verdict, Verdict::Tampered);
    }
    let _ = verify_presentation(&body, Some("challenge"), None, &context);
});
