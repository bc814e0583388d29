//! The renderer on its own: every EU script prints, faults are refused with their place, the
//! attached credential comes back byte for byte. (Text extraction and QR decoding by
//! independent tools are tested on real credentials in `crates/cli/tests/certificates.rs`.)

use microcred_render::{
    AttachmentError, Certificate, ElementLine, Laid, Printable, RenderError, Template,
    attached_credential, lay_out,
};

/// A line of each of the EU's 24 official languages: Latin with every diacritic they use,
/// Greek and Cyrillic.
const EU_LANGUAGES: &[&str] = &[
    "bg: Мико-удостоверение за Ъглов Щъркел Юнашки Ябълков Жълт",
    "cs: Příliš žluťoučký kůň úpěl ďábelské ódy",
    "da: Blåbærsyltetøj og æblegrød på Ærø",
    "de: Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich",
    "el: Ξεσκεπάζω την ψυχοφθόρα βδελυγμία · Ϊ ϋ ΐ",
    "en: The quick brown fox jumps over the lazy dog",
    "es: El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia y frío, añoraba",
    "et: Põdur Zagrebi tšellomängija-följetonist Ciqo külmetas",
    "fi: Törkylempijävongahdus Åland",
    "fr: Voix ambiguë d'un cœur qui au zéphyr préfère les jattes de kiwis, Ÿ Æ",
    "ga: Ḟuascail Íosa Úrṁac na hÓiġe Beannaiṫe pór Éaḃa agus Áḋaiṁ",
    "hr: Gojazni đačić s biciklom drži hmelj i finu vatu uz džep nošnje",
    "hu: Árvíztűrő tükörfúrógép Őrült Űr",
    "it: Quel vituperabile xenofobo zelante assaggia il whisky ed esclama: alleluja! È",
    "lt: Įlinkdama fechtuotojo špaga sublykčiojusi pragręžė apvalų arbūzą, ų ė ū",
    "lv: Glāžšķūņa rūķīši dzērumā čiepj Baha koncertflīģeļu vākus",
    "mt: Ċuċ ħmieġ ż-żgħażagħ, Għ Ħ Ż",
    "nl: Pa's wijze lynx bezag vroom het fikse aquaduct, ĳ",
    "pl: Zażółć gęślą jaźń, Łukasiewicz",
    "pt: Luís argüia à Júlia que «brações, fé, chá, óxido, pôr, zângão» eram palavras do português",
    "ro: Fumegând hipnotic sașiul azvârle mreaja în bețiș, Ș Ț ș ț",
    "sk: Kŕdeľ šťastných ďatľov učí pri ústí Váhu mĺkveho koňa obhrýzať kôru a žrať čerstvé mäso, ľ ĺ ŕ ô",
    "sl: Besni dirkač iz formule žuga cehu poštarjev",
    "sv: Flygande bäckasiner söka hwila på mjuka tuvor, Å Ä Ö",
];

fn lay(certificate: &Certificate, signed: &[u8]) -> Result<Laid, RenderError> {
    lay_out(
        &Template::default_template(),
        &Printable {
            certificate,
            images: &[],
            signed_credential: signed,
        },
    )
}

#[test]
fn every_eu_languages_script_is_printed_with_an_embedded_font() {
    let mut certificate = Certificate::sample();
    certificate.elements = EU_LANGUAGES
        .iter()
        .enumerate()
        .map(|(i, line)| ElementLine {
            number: i as u8 + 1,
            key: "further-information".into(),
            name: "Sample".into(),
            value: (*line).into(),
            detail: (*line).into(),
        })
        .collect();
    let laid = lay(&certificate, b"{}").expect("every character has a glyph");
    assert_eq!(laid.page_count(), 2);
    let pdf = laid.pdf().unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn a_character_no_embedded_font_has_is_refused_not_printed_as_a_box() {
    let mut certificate = Certificate::sample();
    certificate.learner.name = "王小明".into(); // Han: no embedded font has it
    match lay(&certificate, b"{}") {
        Err(RenderError::MissingGlyphs { characters, .. }) => {
            assert!(characters.contains('王'), "{characters}")
        }
        other => panic!("expected missing glyphs, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn the_attached_credential_comes_back_byte_for_byte() {
    let signed =
        r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"Zoë Ł"}"#.as_bytes();
    let pdf = lay(&Certificate::sample(), signed).unwrap().pdf().unwrap();
    assert_eq!(attached_credential(&pdf).unwrap(), signed);
}

#[test]
fn a_file_without_an_attached_credential_is_told_apart() {
    assert!(matches!(
        attached_credential(b"{\"not\": \"a pdf\"}"),
        Err(AttachmentError::NotPdf(_))
    ));
    // A PDF (one empty page, written by hand) with no attachment.
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for object in [
        "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
    ] {
        offsets.push(pdf.len());
        pdf.extend_from_slice(object.as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    assert_eq!(attached_credential(&pdf), Err(AttachmentError::Missing));
}

#[test]
fn a_template_with_a_fault_is_refused_with_its_line_and_column() {
    let syntax = Template::new("#let accent = rgb(\"#1d3b6e\"\n= Title\n").unwrap_err();
    assert_eq!(syntax.problems[0].line, 1, "{syntax}");

    // Parses, but names a field certificates do not have.
    let template =
        Template::new("#let c = json(\"/certificate.json\")\n\nDear #c.learner.nickname\n")
            .unwrap();
    match template.check() {
        Err(RenderError::Template(error)) => {
            let problem = &error.problems[0];
            assert_eq!((problem.line, problem.column), (3, 17), "{error}");
            assert!(problem.message.contains("nickname"), "{error}");
        }
        other => panic!("expected a template error, got {other:?}"),
    }
    // The shipped template passes its own check.
    Template::default_template().check().unwrap();
}

#[test]
fn a_template_reads_nothing_but_what_it_is_given() {
    let template = Template::new("#read(\"/etc/passwd\")\n").unwrap();
    let error = template.check().unwrap_err().to_string();
    assert!(error.contains("not found"), "{error}");
}

#[test]
fn pages_outside_the_certificate_are_refused() {
    let laid = lay(&Certificate::sample(), b"{}").unwrap();
    assert!(matches!(
        laid.png(0, 1.0),
        Err(RenderError::NoSuchPage(0, 2))
    ));
    assert!(matches!(
        laid.png(3, 1.0),
        Err(RenderError::NoSuchPage(3, 2))
    ));
    let png = laid.png(2, 1.0).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

/// The badge emblem lays out with any certificate's data (the sample has long names in three
/// scripts) as one PNG and one SVG image; its title and awarding bodies are drawn in it.
#[test]
fn the_badge_template_makes_one_image_as_png_and_svg() {
    let mut certificate = Certificate::sample();
    certificate.title = EU_LANGUAGES[4].into();
    let laid = lay_out(
        &Template::badge(),
        &Printable {
            certificate: &certificate,
            images: &[],
            signed_credential: b"{}",
        },
    )
    .unwrap();
    assert_eq!(laid.page_count(), 1);
    let png = laid.png(1, 4.0).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let svg = laid.svg(1).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    // 80 mm square: 226.77 pt.
    assert!(svg.contains("226.7"), "{}", &svg[..200.min(svg.len())]);
    assert!(matches!(laid.svg(2), Err(RenderError::NoSuchPage(2, 1))));
}
