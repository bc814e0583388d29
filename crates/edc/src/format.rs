//! The EDC as a credential format behind microcred's format seam (`edc-jades`): the award's
//! European Digital Credential, sealed with the issuing body's e-seal (JAdES B-B).
//!
//! The costly parts — rendering the certificate's pages that viewers display, and sealing —
//! run in [`CredentialFormat::sign`], on the issuing run's worker threads; `unsigned` only
//! projects the award (and the Open Badges statement the printed pages are laid out from).

use std::fmt;
use std::sync::Arc;

use serde_json::{Value, json};

use microcred_credentials::datetime::DateTime;
use microcred_credentials::formats::{CredentialFormat, FormatError};
use microcred_credentials::key_file::IssuerKey;
use microcred_credentials::open_badges::{AwardedMicroCredential, open_badge_credential};
use microcred_model::LanguageCode;

use crate::concepts;
use crate::credential::{DisplayPage, EdcError, european_digital_credential};
use crate::seal::{SealKey, seal};
use crate::x509::SealCertificate;

/// The name of the EDC format.
pub const EDC_JADES: &str = "edc-jades";

/// Most languages an EDC shows pages in (each page is an image inside the credential).
pub const MAX_DISPLAY_LANGUAGES: usize = 4;

/// Renders the printed certificate's first page in a language, from the award's Open Badges
/// statement (the printing crate lays certificates out from it).
pub trait DisplayPages: Send + Sync + fmt::Debug {
    /// The page in `language`.
    fn page(&self, statement: &Value, language: LanguageCode) -> Result<DisplayPage, String>;
}

/// Europass EDC (ELM 3.2) sealed with JAdES.
#[derive(Clone, Debug)]
pub struct EuropeanDigitalCredentialFormat {
    pages: Arc<dyn DisplayPages>,
}

impl EuropeanDigitalCredentialFormat {
    /// The format, showing pages `pages` renders.
    pub fn new(pages: Arc<dyn DisplayPages>) -> EuropeanDigitalCredentialFormat {
        EuropeanDigitalCredentialFormat { pages }
    }
}

fn edc_error(e: EdcError) -> FormatError {
    FormatError::Cannot(e.to_string())
}

/// The languages an EDC displays pages in: the specification title's (English first, as it
/// always has it), at most [`MAX_DISPLAY_LANGUAGES`].
fn display_languages(awarded: &AwardedMicroCredential<'_>) -> Vec<LanguageCode> {
    let mut languages: Vec<LanguageCode> = Vec::new();
    if let Some(title) = &awarded.specification.title {
        for language in title.languages() {
            if !languages.contains(&language) {
                languages.push(language);
            }
        }
    }
    languages.sort_by_key(|l| l.as_str() != "en");
    languages.truncate(MAX_DISPLAY_LANGUAGES);
    languages
}

impl CredentialFormat for EuropeanDigitalCredentialFormat {
    fn name(&self) -> &'static str {
        EDC_JADES
    }

    fn media_type(&self) -> &'static str {
        "application/jose+json"
    }

    /// `{"edc": the unsigned EDC without pages, "statement": the OB 3.0 statement to lay
    /// pages out from, "languages": […]}`.
    fn unsigned(&self, awarded: &AwardedMicroCredential<'_>) -> Result<Value, FormatError> {
        let statement = open_badge_credential(awarded)?;
        let languages = display_languages(awarded);
        // The projection needs a page to display; the real ones are laid out when sealing.
        let placeholder = DisplayPage {
            language: languages
                .first()
                .copied()
                .ok_or_else(|| edc_error(EdcError::NoTitle))?,
            image: crate::credential::PageImage {
                file_type: "PNG",
                bytes: Vec::new(),
            },
        };
        let edc = european_digital_credential(awarded, &[placeholder]).map_err(edc_error)?;
        let languages: Vec<Value> = languages.iter().map(|l| l.as_str().into()).collect();
        Ok(json!({ "edc": edc, "statement": statement, "languages": languages }))
    }

    /// The issuer needs an e-seal.
    fn can_sign_with(&self, signers: &[IssuerKey]) -> bool {
        signers
            .first()
            .is_some_and(|issuer| issuer.e_seal.is_some())
    }

    fn sign(
        &self,
        unsigned: &Value,
        signers: &[IssuerKey],
        created: DateTime,
    ) -> Result<Value, FormatError> {
        let issuer = signers
            .first()
            .ok_or_else(|| FormatError::Cannot("no awarding body signs".into()))?;
        let e_seal = issuer.e_seal.as_ref().ok_or_else(|| {
            FormatError::Cannot(format!(
                "{} has no e-seal: a Europass credential is sealed with an X.509 certificate (import one with `microcred keys import-seal`, or make a self-signed one to try it with `microcred keys generate --seal`)",
                issuer.controller
            ))
        })?;
        let chain = e_seal
            .certificate_chain
            .iter()
            .map(|der| SealCertificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FormatError::Cannot(format!("the e-seal's certificate: {e}")))?;
        let key = SealKey::new(e_seal.key.clone(), chain)
            .map_err(|e| FormatError::Cannot(e.to_string()))?;
        let mut edc = unsigned
            .get("edc")
            .cloned()
            .ok_or_else(|| FormatError::Cannot("not an unsigned EDC".into()))?;
        let statement = unsigned.get("statement").cloned().unwrap_or_default();
        let languages: Vec<LanguageCode> = unsigned
            .get("languages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().and_then(|l| LanguageCode::parse(l).ok()))
            .collect();
        let pages = languages
            .iter()
            .map(|language| self.pages.page(&statement, *language))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FormatError::Cannot(format!("the EDC's display pages: {e}")))?;
        if let Some(display) = edc.get_mut("displayParameter") {
            // The projection's display, titled already; its placeholder page replaced.
            let title = display.get("title").cloned().unwrap_or_default();
            *display =
                crate::credential::display_parameter_of(&title, &pages).map_err(edc_error)?;
        }
        // What sealing adds: when it was issued, and the issuer's identifier as its seal's
        // certificate states it.
        let certificate = key.certificate();
        let identifier = certificate
            .organization_identifier()
            .or_else(|| certificate.organization())
            .unwrap_or_else(|| certificate.subject());
        if let Some(object) = edc.as_object_mut() {
            object.insert("issued".into(), created.to_string().into());
        }
        if let Some(issuer) = edc.get_mut("issuer").and_then(Value::as_object_mut) {
            let mut legal_identifier = json!({
                "id": "urn:epass:certificateIdentifier:1",
                "type": "LegalIdentifier",
                "notation": identifier,
            });
            if let Some(country) = certificate
                .country()
                .and_then(|c| microcred_model::CountryCode::parse(&c).ok())
                .and_then(concepts::country)
            {
                legal_identifier["spatial"] = country.to_json();
            }
            issuer.insert("eIDASIdentifier".into(), legal_identifier);
        }
        let payload = serde_json::to_string(&edc)
            .map_err(|e| FormatError::Cannot(format!("the EDC cannot be written: {e}")))?;
        seal(&payload, &key, created).map_err(|e| FormatError::Cannot(e.to_string()))
    }
}
