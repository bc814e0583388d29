//! Any bytes, read as a TOML or JSON specification: parsing, resolution and every profile's
//! rules must finish without panicking, and errors must point inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcred_rules::{Facts, Profiles, Scope, evaluate};
use microcred_specfile::{SourceFile, parse_specification, resolve};

fuzz_target!(|data: &[u8]| {
    let Some((&format, bytes)) = data.split_first() else { return };
    let name = if format % 2 == 0 { "fuzz.toml" } else { "fuzz.json" };
    let source = match SourceFile::from_bytes(name, bytes.to_vec()) {
        Ok(source) => source,
        Err(error) => {
            assert!(error.line >= 1 && error.column >= 1);
            return;
        }
    };
    let lines = source.text().split('\n').count();
    match parse_specification(source).and_then(|parsed| resolve(parsed, vec![])) {
        Err(error) => assert!(error.line >= 1 && error.line <= lines && error.column >= 1, "{error}"),
        Ok(resolved) => {
            let profiles = Profiles::builtin();
            let all: Vec<_> = profiles.all().iter().collect();
            let facts = Facts::of_specification(&resolved.specification, &resolved.catalogue, None);
            for finding in evaluate(&all, &facts, Scope::Specification).findings {
                let at = resolved.locate(&finding.field);
                assert!(at.line >= 1 && at.line <= lines);
            }
        }
    }
});
