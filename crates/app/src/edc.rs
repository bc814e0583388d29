//! Europass EDCs from the award pipeline: the pages an EDC displays, laid out by the same
//! certificate template as the printed PDF, and the EDC format set up with them.

use std::sync::Arc;

use serde_json::Value;

use microcred_edc::credential::{DisplayPage, PageImage};
use microcred_edc::format::{DisplayPages, EuropeanDigitalCredentialFormat};
use microcred_model::LanguageCode;
use microcred_render::Template;

use crate::certificate::{Presentation, default_verification_url, lay_out_certificate};

/// The name of the Europass format, as stored with each document.
pub const EDC_FORMAT: &str = microcred_edc::format::EDC_JADES;

/// The resolution of an EDC's page images: 1 pixel per point (an A4 page is 595 × 842
/// pixels), sharp enough on screen and small inside the credential (a verifier reads at most
/// 2 MiB).
const EDC_PIXELS_PER_POINT: f32 = 1.0;

/// Lays out the certificate's first page in a language with a template.
#[derive(Debug)]
pub struct CertificatePages {
    template: Template,
    /// Where the page's QR code leads, before `?credential=…`; else the issuer's web host.
    verification_base: Option<String>,
}

impl CertificatePages {
    /// Pages laid out with `template`, their QR codes opening `verification_base` (e.g.
    /// `https://enhance.eu/verify`) where given.
    pub fn new(template: Template, verification_base: Option<String>) -> CertificatePages {
        CertificatePages {
            template,
            verification_base,
        }
    }
}

impl DisplayPages for CertificatePages {
    fn page(&self, statement: &Value, language: LanguageCode) -> Result<DisplayPage, String> {
        let id = statement.get("id").and_then(Value::as_str).unwrap_or("");
        let verification_url = match &self.verification_base {
            Some(base) => format!("{base}?credential={id}"),
            None => default_verification_url(statement).unwrap_or_default(),
        };
        let presentation = Presentation {
            language: language.as_str().to_owned(),
            verification_url,
            ..Presentation::default()
        };
        let bytes = serde_json::to_vec(statement).map_err(|e| e.to_string())?;
        let laid = lay_out_certificate(&self.template, &bytes, &presentation)
            .map_err(|e| e.to_string())?;
        let png = laid
            .png(1, EDC_PIXELS_PER_POINT)
            .map_err(|e| e.to_string())?;
        Ok(DisplayPage {
            language,
            image: PageImage {
                file_type: "PNG",
                bytes: png,
            },
        })
    }
}

/// The EDC format, its pages laid out with `template`.
pub fn edc_format(
    template: Template,
    verification_base: Option<String>,
) -> Arc<EuropeanDigitalCredentialFormat> {
    Arc::new(EuropeanDigitalCredentialFormat::new(Arc::new(
        CertificatePages::new(template, verification_base),
    )))
}

/// The formats the platform issues in: Open Badges 3.0 leading (listed, printed and verified
/// by default), and, with `europass`, the EDC beside it (its pages' QR codes opening
/// `verify_page`).
pub fn issuing_formats(
    europass: bool,
    verify_page: Option<String>,
) -> Vec<Arc<dyn microcred_credentials::formats::CredentialFormat>> {
    let mut formats: Vec<Arc<dyn microcred_credentials::formats::CredentialFormat>> =
        vec![Arc::new(
            microcred_credentials::formats::OpenBadgesDataIntegrity::default(),
        )];
    if europass {
        formats.push(edc_format(Template::default_template(), verify_page));
    }
    formats
}
