//! The small world a certificate is compiled in: two sources (a fixed wrapper and the
//! alliance's template), the certificate's data, its images and QR code, and the embedded fonts.
//! Nothing else can be read: no file system, no packages, no network.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::template::{Template, TemplateError, path_id, place};
use crate::{ATTACHED_CREDENTIAL_NAME, Printable, RenderError, qr_code_svg};

/// The wrapper every template is included by: it names the document, and attaches the signed
/// credential whatever the template does, so that every printed certificate can be verified.
const MAIN: &str = r#"#let certificate = json("/certificate.json")
#let printed = certificate.printed_on.split("-").map(int)
#set document(
  title: certificate.title + " — " + certificate.learner.name,
  author: certificate.awarding_bodies.map(b => b.name),
  keywords: ("micro-credential", certificate.credential_id),
  date: datetime(year: printed.at(0), month: printed.at(1), day: printed.at(2)),
)
#include "/template.typ"
#pdf.attach(
  "ATTACHED",
  read("/credential.json", encoding: none),
  relationship: "data",
  mime-type: "application/json",
  description: "The signed credential this certificate prints (W3C Verifiable Credential, Open Badges 3.0): verify it with any verifier.",
)
"#;

/// How many compilations a memoized result survives unused. Certificates share little beyond
/// what `SHARED` holds, and a large memo cache costs more to search than it saves (measured
/// with `benches/certificates.rs`: keeping everything made laying out about 40 % slower).
const MEMO_GENERATIONS: usize = 1;

/// Fonts and the standard library: loaded once, shared by every compilation.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    // Libertinus Serif (Latin with every EU diacritic, Greek, Cyrillic), New Computer Modern
    // and DejaVu Sans Mono, compiled in: a certificate never depends on the machine's fonts.
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(
            path_id("/main.typ"),
            MAIN.replace("ATTACHED", ATTACHED_CREDENTIAL_NAME),
        ),
    }
});

struct CertificateWorld<'a> {
    template: &'a Source,
    files: HashMap<FileId, Bytes>,
}

impl World for CertificateWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        SHARED.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == SHARED.main.id() {
            Ok(SHARED.main.clone())
        } else if id == self.template.id() {
            Ok(self.template.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            return Ok(bytes.clone());
        }
        match self.source(id) {
            Ok(source) => Ok(Bytes::from_string(source.text().to_owned())),
            Err(_) => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Output must not depend on the clock: templates print `certificate.printed_on`.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

pub(crate) fn compile(
    template: &Template,
    printable: &Printable<'_>,
) -> Result<PagedDocument, RenderError> {
    let data =
        serde_json::to_vec(printable.certificate).map_err(|e| RenderError::Data(e.to_string()))?;
    let qr = qr_code_svg(&printable.certificate.verification_url)?;
    let mut files = HashMap::new();
    files.insert(path_id("/certificate.json"), Bytes::new(data));
    files.insert(
        path_id("/credential.json"),
        Bytes::new(printable.signed_credential.to_vec()),
    );
    files.insert(path_id("/qr.svg"), Bytes::from_string(qr));
    for image in printable.images {
        let plain = !image.name.is_empty()
            && image
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !plain {
            return Err(RenderError::Data(format!(
                "image name {:?}: only letters, digits and '-'",
                image.name
            )));
        }
        files.insert(path_id(&image.path()), Bytes::new(image.bytes.clone()));
    }
    let world = CertificateWorld {
        template: &template.source,
        files,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    // Typst memoizes across compilations: drop what the last one did not use, so that a server
    // printing all day does not grow.
    typst::comemo::evict(MEMO_GENERATIONS);
    warned
        .output
        .map_err(|errors| RenderError::Template(template_error(&template.source, &errors)))
}

fn template_error(source: &Source, diagnostics: &[SourceDiagnostic]) -> TemplateError {
    TemplateError {
        problems: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let mut message = d.message.to_string();
                for hint in &d.hints {
                    message.push_str(&format!(" (hint: {})", hint.v));
                }
                place(source, d.span, message)
            })
            .collect(),
    }
}

/// Refuses a layout with a glyph no font has (it would print as an empty box): names on
/// certificates must come out exactly as they were signed.
pub(crate) fn refuse_missing_glyphs(document: &PagedDocument) -> Result<(), RenderError> {
    fn walk(frame: &Frame) -> Result<(), RenderError> {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame)?,
                FrameItem::Text(text) => {
                    let missing: String = text
                        .glyphs
                        .iter()
                        .filter(|g| g.id == 0)
                        .filter_map(|g| text.text.get(g.range()))
                        .collect();
                    if !missing.trim().is_empty() {
                        return Err(RenderError::MissingGlyphs {
                            characters: missing,
                            text: text.text.to_string(),
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
    for page in document.pages() {
        walk(&page.frame)?;
    }
    Ok(())
}

pub(crate) fn write_pdf(document: &PagedDocument) -> Result<Vec<u8>, RenderError> {
    let standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_3u])
        .map_err(|e| RenderError::Pdf(e.message().to_string()))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Auto,
        creator: typst::foundations::Smart::Custom(Some("microcred".into())),
        standards,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        RenderError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
