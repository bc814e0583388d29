//! Printed micro-credentials: an issued credential as an A4 PDF (with the signed credential
//! attached, fonts embedded, text extractable) and as PNG page images, laid out by a Typst
//! template that an alliance may replace without recompiling anything.
//!
//! This crate knows nothing of the platform: it takes a [`Certificate`] (what to print, built by
//! the app from the signed credential), the images it names, the signed credential's bytes, and
//! a [`Template`]. Typst is heavy to build, which is why it lives here alone.

mod attachment;
mod certificate;
mod template;
mod world;

pub use attachment::{AttachmentError, MAX_ATTACHMENT_BYTES, attached_credential};
pub use certificate::{
    Certificate, CourseElementLine, ElementLine, Grade, Image, ImageFormat, LearnerLines, Party,
    SignatoryLine,
};
pub use template::{
    BADGE_TEMPLATE, DEFAULT_TEMPLATE, MAX_TEMPLATE_BYTES, Template, TemplateError, TemplateProblem,
};

use typst_layout::PagedDocument;

/// The attached file's name inside the PDF, where `attached_credential` looks for it.
pub const ATTACHED_CREDENTIAL_NAME: &str = "credential.json";

/// Resolution of PNG pages: 2 pixels per point is 144 dpi, 1191 × 1684 pixels for A4, enough
/// for the QR code to be read from a screen or a scan.
pub const DEFAULT_PIXELS_PER_POINT: f32 = 2.0;

/// What is printed, and everything it shows.
#[derive(Clone, Debug)]
pub struct Printable<'a> {
    /// The certificate.
    pub certificate: &'a Certificate,
    /// The images the certificate names (logos, signatures), by their name.
    pub images: &'a [Image],
    /// The signed credential, attached to the PDF as it was issued.
    pub signed_credential: &'a [u8],
}

#[derive(Debug, thiserror::Error)]
/// Why a certificate cannot be printed.
pub enum RenderError {
    /// The template does not compile for this certificate (a fault of the template).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Some text has characters no embedded font can show: the page would print boxes.
    #[error(
        "no embedded font has a glyph for {characters:?} (in {text:?}); add a font that covers them to the template"
    )]
    MissingGlyphs {
        /// The characters without a glyph.
        characters: String,
        /// The text they are in.
        text: String,
    },
    /// The PDF writer refused the laid-out document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the PNG page could not be written: {0}")]
    /// The PNG writer refused a page.
    Png(String),
    /// The verification URL is too long for a QR code.
    #[error("the verification link cannot be made a QR code: {0}")]
    QrCode(String),
    #[error("the certificate cannot be handed to the template: {0}")]
    /// The certificate's data cannot be given to the template.
    Data(String),
    #[error("page {0} does not exist (the certificate has {1})")]
    /// A page past the last was asked for (asked, pages there are).
    NoSuchPage(usize, usize),
}

/// A laid-out certificate, ready to be written as PDF or PNG pages.
pub struct Laid {
    document: PagedDocument,
}

impl Laid {
    /// How many pages it has.
    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }

    /// The PDF: PDF/A-3u (archival, every glyph mapped to Unicode so text can be copied and
    /// searched), with the signed credential as an associated file.
    pub fn pdf(&self) -> Result<Vec<u8>, RenderError> {
        world::write_pdf(&self.document)
    }

    /// One page (counted from 1) as a PNG image.
    pub fn png(&self, page: usize, pixels_per_point: f32) -> Result<Vec<u8>, RenderError> {
        let pages = self.document.pages();
        let index = page
            .checked_sub(1)
            .filter(|i| *i < pages.len())
            .ok_or(RenderError::NoSuchPage(page, pages.len()))?;
        let options = typst_render::RenderOptions {
            pixel_per_pt: f64::from(pixels_per_point).into(),
            render_bleed: false,
        };
        typst_render::render(&pages[index], &options)
            .encode_png()
            .map_err(|e| RenderError::Png(e.to_string()))
    }
}

impl Laid {
    /// One page (counted from 1) as an SVG image, text as outlines (it looks the same
    /// everywhere, with no font to install).
    pub fn svg(&self, page: usize) -> Result<String, RenderError> {
        let pages = self.document.pages();
        let index = page
            .checked_sub(1)
            .filter(|i| *i < pages.len())
            .ok_or(RenderError::NoSuchPage(page, pages.len()))?;
        let options = typst_svg::SvgOptions {
            render_bleed: false,
            pretty: false,
        };
        Ok(typst_svg::svg(&pages[index], &options))
    }
}

/// Lays a certificate out with a template.
pub fn lay_out(template: &Template, printable: &Printable<'_>) -> Result<Laid, RenderError> {
    let document = world::compile(template, printable)?;
    world::refuse_missing_glyphs(&document)?;
    Ok(Laid { document })
}

/// The certificate as a PDF.
pub fn render_pdf(template: &Template, printable: &Printable<'_>) -> Result<Vec<u8>, RenderError> {
    lay_out(template, printable)?.pdf()
}

/// The QR code of a link, as SVG: dark modules on white, with the quiet zone scanners need.
pub fn qr_code_svg(link: &str) -> Result<String, RenderError> {
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| RenderError::QrCode(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .build())
}
