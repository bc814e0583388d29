//! Any bytes, read as a CSV results file: a header is accepted or refused with a reason, and
//! every row is read or refused with its row number; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcred_app::results::ResultsReader;

fuzz_target!(|data: &[u8]| {
    if let Ok(reader) = ResultsReader::new("fuzz.csv", data) {
        for row in reader {
            if let Err(problem) = row {
                assert!(problem.row >= 1);
            }
        }
    }
});
