//! Hostile files and bodies cost milliseconds and megabytes, never the server: the results
//! readers (CSV, XLSX) and verification, with the attacks that once worked as regressions and
//! arbitrary inputs as properties (the fuzz targets in `fuzz/` run the same entry points for
//! longer).

use proptest::prelude::*;
use serde_json::{Value, json};

use microcred_app::results::{MAX_XLSX_COLUMNS, ResultsReader, read_xlsx};
use microcred_credentials::data_integrity::MAX_PROOFS;
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::verify::{Context, Verdict, verify_credential};

const HEADER: [&str; 5] = [
    "learner",
    "given_names",
    "family_names",
    "element",
    "completed_on",
];

fn workbook(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "s1",
        "Ana",
        "Nowak",
        "wut:sustainable-business-models",
        "2026-06-12",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    extra(sheet);
    workbook.save_to_buffer().unwrap()
}

/// The central directory entry of `part` in a ZIP archive: (offset of its uncompressed size).
fn declared_size_offset(zip: &[u8], part: &str) -> usize {
    let end = zip.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let read16 = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]) as usize;
    let read32 = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
    let mut at = read32(end + 16);
    loop {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02", "a central directory entry");
        let name_length = read16(at + 28);
        let name = &zip[at + 46..at + 46 + name_length];
        if name == part.as_bytes() {
            return at + 24;
        }
        at += 46 + name_length + read16(at + 30) + read16(at + 32);
    }
}

#[test]
fn a_sparse_cell_far_away_is_refused_at_once() {
    // One cell at XFD1048576: read as a grid, that was 512 GiB.
    let bytes = workbook(|sheet| {
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
    });
    assert!(bytes.len() < 10_000);
    let error = read_xlsx("sparse.xlsx", &bytes).unwrap_err();
    assert!(error.message.contains("XFD1048576"), "{error}");
    assert!(
        error
            .message
            .contains(&format!("at most {MAX_XLSX_COLUMNS} columns")),
        "{error}"
    );
}

#[test]
fn a_far_away_row_within_the_columns_costs_nothing() {
    let bytes = workbook(|sheet| {
        for (c, v) in [
            "s2",
            "Jan",
            "Kowalski",
            "wut:sustainable-business-models",
            "2026-06-13",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(1_048_575, c as u16, *v).unwrap();
        }
    });
    let rows = read_xlsx("far.xlsx", &bytes).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].as_ref().unwrap().row, 1_048_576);
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let mut bytes = workbook(|_| {});
    // The sheet declares 600 MB once inflated (what a bomb declares, or the reader stops there).
    let at = declared_size_offset(&bytes, "xl/worksheets/sheet1.xml");
    bytes[at..at + 4].copy_from_slice(&600_000_000u32.to_le_bytes());
    let error = read_xlsx("bomb.xlsx", &bytes).unwrap_err();
    assert!(error.message.contains("600000000 bytes"), "{error}");
    assert!(error.message.contains("over the limit"), "{error}");
}

#[test]
fn a_workbook_of_many_parts_is_refused_before_its_directory_is_read() {
    let mut bytes = workbook(|_| {});
    let end = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    bytes[end + 10..end + 12].copy_from_slice(&60_000u16.to_le_bytes());
    let error = read_xlsx("parts.xlsx", &bytes).unwrap_err();
    assert!(error.message.contains("parts"), "{error}");
}

#[test]
fn shared_strings_declared_by_the_billion_are_refused() {
    let bytes = workbook(|_| {});
    // Rewrite the declared count inside sharedStrings.xml: the reader reserves room for it.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut content).unwrap();
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(content).unwrap();
            let start = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = start + text[start..].find('"').unwrap();
            content = format!("{}999999999999{}", &text[..start], &text[end..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &content).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    let error = read_xlsx("strings.xlsx", &bytes).unwrap_err();
    assert!(error.message.contains("shared strings"), "{error}");
}

fn resolver_context(resolver: &DidResolver) -> Context<'_> {
    Context {
        trust: None,
        status_lists: &[],
        resolver,
        now: DateTime::from_unix(1_782_000_000),
    }
}

#[test]
fn what_is_not_a_signed_credential_is_malformed_not_tampered() {
    let resolver = DidResolver::new();
    for body in [json!({}), json!(123), Value::Null, json!([]), json!("text")] {
        let report = verify_credential(&body, &resolver_context(&resolver));
        assert_eq!(report.verdict, Verdict::Malformed, "{body}");
    }
}

#[test]
fn thousands_of_copies_of_a_proof_cost_one_look() {
    let proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "verificationMethod": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKFkDE3pcpp2C1bdR"
    });
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "credentialSubject": { "id": "did:example:learner" },
        "proof": vec![proof; 6000]
    });
    let resolver = DidResolver::new();
    // What it costs is measured in BENCHMARKS.md ("Hostile requests"), not timed here.
    let report = verify_credential(&credential, &resolver_context(&resolver));
    assert!(!report.verified);
    assert_eq!(report.verdict, Verdict::Malformed);
    let proof_check = report.checks.iter().find(|c| c.name == "proof").unwrap();
    assert!(
        proof_check
            .detail
            .contains(&format!("at most {MAX_PROOFS}")),
        "{}",
        proof_check.detail
    );
    assert_ne!(report.verdict, Verdict::Tampered);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_csv_reads_or_is_refused_with_its_row(text in "[a-z_,\"\\n\\r 0-9:.-]{0,400}") {
        let text = format!("{}\n{text}", HEADER.join(","));
        if let Ok(reader) = ResultsReader::new("any.csv", text.as_bytes()) {
            for row in reader {
                if let Err(problem) = row {
                    prop_assert!(problem.row >= 1);
                }
            }
        }
    }

    #[test]
    fn any_bytes_as_a_workbook_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend(bytes);
        let _ = read_xlsx("any.xlsx", &zip);
    }

    #[test]
    fn a_workbook_with_bytes_changed_is_read_or_refused(
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)
    ) {
        let mut bytes = workbook(|_| {});
        for (at, byte) in changes {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = read_xlsx("changed.xlsx", &bytes);
    }

    #[test]
    fn any_json_gets_a_verdict_and_tampered_only_with_a_proof(
        keys in proptest::collection::vec("[a-zA-Z@]{1,12}", 0..6),
        values in proptest::collection::vec(any::<i32>(), 0..6)
    ) {
        let mut body = serde_json::Map::new();
        for (k, v) in keys.iter().zip(values.iter()) {
            body.insert(k.clone(), json!(v));
        }
        let body = Value::Object(body);
        let resolver = DidResolver::new();
        let report = verify_credential(&body, &resolver_context(&resolver));
        if body.get("proof").is_none() {
            prop_assert_ne!(report.verdict, Verdict::Tampered);
        }
    }
}

/// A workbook written part by part, with `sheet` as its one worksheet's XML (what no
/// spreadsheet program writes, but anyone can send).
fn raw_workbook(sheet: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let ns = "http://schemas.openxmlformats.org";
    for (name, text) in [
        (
            "[Content_Types].xml",
            format!(
                r#"<Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="results" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#
            ),
        ),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_cell_reference_too_long_for_the_spreadsheet_reader_is_a_bad_file() {
    // Found by fuzzing: nine letters overflow the reader's column arithmetic.
    let sheet = |first: &str| {
        let header = [
            "learner",
            "given_names",
            "family_names",
            "element",
            "completed_on",
        ];
        let cells: String = header
            .iter()
            .zip([first, "B1", "C1", "D1", "E1"])
            .map(|(text, at)| format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#))
            .collect();
        format!(r#"<row r="1">{cells}</row>"#)
    };
    let good = raw_workbook(&sheet("A1"));
    if let Err(e) = read_xlsx("good.xlsx", &good) {
        panic!("{e}");
    }
    let bytes = raw_workbook(&sheet("AAAAAAAAA1"));
    let error = read_xlsx("overflow.xlsx", &bytes).unwrap_err();
    assert_eq!(error.file, "overflow.xlsx");
}
