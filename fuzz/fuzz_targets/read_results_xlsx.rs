//! Any bytes, read as an XLSX results workbook (a ZIP archive): read within the limits or
//! refused with a reason, in bounded memory; never a panic or an abort. The corpus should hold
//! real workbooks (`crates/app/tests/platform.rs` writes some) so that mutations reach the XML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcred_app::results::{MAX_XLSX_ROWS, read_xlsx};

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = read_xlsx("fuzz.xlsx", data) {
        assert!(rows.len() as u64 <= MAX_XLSX_ROWS);
    }
});
