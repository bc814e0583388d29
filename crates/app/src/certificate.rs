//! Printed certificates: what a signed micro-credential states (read from the credential, so
//! only what was signed), with what paper needs besides — logos, the signatories and their
//! signatures, the verification link — laid out by the alliance's template.

use std::path::Path;

use serde_json::Value;

use crate::{JsonFileError, parse_json, read_bytes};
use microcred_credentials::verify::MAX_CREDENTIAL_BYTES;
use microcred_credentials::{baked, vc_jwt};
/// The QR code of a link as SVG (the learner's page shows the one its certificate prints).
pub use microcred_render::qr_code_svg;
use microcred_render::{ATTACHED_CREDENTIAL_NAME, attached_credential};

use microcred_credentials::datetime::DateTime;
use microcred_credentials::statement::{MicroCredentialStatement, read_statement};
use microcred_model::StandardElement;
use microcred_render::{
    Certificate, CourseElementLine, ElementLine, Grade, Image, ImageFormat, Laid, LearnerLines,
    Party, Printable, RenderError, SignatoryLine, Template,
};

/// Page one gives each element one line; a longer statement is cut here and given in full in
/// the supplement.
const SHORT_STATEMENT_CHARS: usize = 150;

/// An image to print (PNG or JPEG).
#[derive(Clone, Debug)]
pub struct PrintImage {
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
/// An awarding body or the alliance, as printed.
pub struct PrintedParty {
    /// Its name.
    pub name: String,
    /// Its country.
    pub country: String,
    /// Its logo, if it has one.
    pub logo: Option<PrintImage>,
}

#[derive(Clone, Debug)]
/// A signatory, as printed.
pub struct PrintedSignatory {
    /// Name.
    pub name: String,
    /// Office.
    pub role: String,
    /// The university signed for.
    pub university: String,
    /// The signature image, if there is one.
    pub signature: Option<PrintImage>,
}

/// What a certificate shows that the credential does not say.
#[derive(Clone, Debug, Default)]
pub struct Presentation {
    /// The wording's language (`en`, `de`, …: what the template has).
    pub language: String,
    /// The page that verifies the credential, opened by the QR code.
    pub verification_url: String,
    /// The issuer's logo.
    pub issuer_logo: Option<PrintImage>,
    /// The other awarding bodies of a joint award, after the issuer.
    pub co_awarding: Vec<PrintedParty>,
    /// The alliance, printed beside the awarding body (ENHANCE §7.4).
    pub alliance: Option<PrintedParty>,
    /// Who signs, one per awarding university.
    pub signatories: Vec<PrintedSignatory>,
}

#[derive(Debug, thiserror::Error)]
/// Why a certificate cannot be printed.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum PrintError {
    #[error("the credential is not JSON: {0}")]
    NotJson(String),
    #[error("{0}")]
    NotMicroCredential(String),
    #[error("{0} is neither a PNG nor a JPEG image")]
    Image(String),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("only Open Badges credentials are baked into badge images (Open Badges 3.0 §5.3)")]
    NotOpenBadge,
    #[error("the credential cannot be baked into the badge image: {0}")]
    Bake(String),
}

/// The file name extension and media type of a printed format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrintFormat {
    /// A4 PDF with the signed credential attached.
    Pdf,
    /// One page as a PNG image.
    Png,
}

impl PrintFormat {
    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            PrintFormat::Pdf => "application/pdf",
            PrintFormat::Png => "image/png",
        }
    }
}

/// A badge image with the signed credential baked in (Open Badges 3.0 §5.3): shared on a
/// profile or a web page, it still verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeFormat {
    /// PNG, the credential in an `iTXt` chunk named `openbadgecredential`.
    Png,
    /// SVG, the credential in an `openbadges:credential` element.
    Svg,
}

impl BadgeFormat {
    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            BadgeFormat::Png => "image/png",
            BadgeFormat::Svg => "image/svg+xml",
        }
    }

    /// Its file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            BadgeFormat::Png => "png",
            BadgeFormat::Svg => "svg",
        }
    }
}

/// The badge image of a signed Open Badges credential, with the credential baked in as issued.
pub fn bake_badge(
    signed_credential: &[u8],
    presentation: &Presentation,
    format: BadgeFormat,
) -> Result<Vec<u8>, PrintError> {
    let credential: Value = serde_json::from_slice(signed_credential)
        .map_err(|e| PrintError::NotJson(e.to_string()))?;
    if !microcred_credentials::open_badges::is_open_badge(&credential) {
        return Err(PrintError::NotOpenBadge);
    }
    let laid = lay_out_read(
        &Template::badge(),
        &credential,
        signed_credential,
        presentation,
    )?;
    let bake = |e: baked::BakeError| PrintError::Bake(e.to_string());
    match format {
        BadgeFormat::Png => {
            let png = laid.png(1, microcred_render::DEFAULT_PIXELS_PER_POINT * 2.0)?;
            baked::bake_png(&png, &credential).map_err(bake)
        }
        BadgeFormat::Svg => Ok(baked::bake_svg(&laid.svg(1)?, &credential)
            .map_err(bake)?
            .into_bytes()),
    }
}

/// Lays out the certificate of a signed credential (its bytes, as issued: they are attached
/// to the PDF unchanged).
pub fn lay_out_certificate(
    template: &Template,
    signed_credential: &[u8],
    presentation: &Presentation,
) -> Result<Laid, PrintError> {
    let credential: Value = serde_json::from_slice(signed_credential)
        .map_err(|e| PrintError::NotJson(e.to_string()))?;
    lay_out_read(template, &credential, signed_credential, presentation)
}

/// [`lay_out_certificate`] of a credential already read from its bytes.
fn lay_out_read(
    template: &Template,
    credential: &Value,
    signed_credential: &[u8],
    presentation: &Presentation,
) -> Result<Laid, PrintError> {
    let statement = read_statement(credential);
    if statement.title.is_empty() || statement.learner_name.is_empty() {
        return Err(PrintError::NotMicroCredential(
            "the credential names no achievement or no learner: only Open Badges 3.0 micro-credentials are printed".into(),
        ));
    }
    let (certificate, images) = certificate(&statement, presentation)?;
    Ok(microcred_render::lay_out(
        template,
        &Printable {
            certificate: &certificate,
            images: &images,
            signed_credential,
        },
    )?)
}

fn image(
    images: &mut Vec<Image>,
    name: String,
    image: Option<&PrintImage>,
) -> Result<String, PrintError> {
    let Some(image) = image else {
        return Ok(String::new());
    };
    let format = ImageFormat::from_media_type(&image.media_type)
        .ok_or_else(|| PrintError::Image(name.clone()))?;
    let image = Image {
        name,
        format,
        bytes: image.bytes.clone(),
    };
    let path = image.path();
    images.push(image);
    Ok(path)
}

/// Cuts a statement for page one at a word boundary.
fn short(text: &str) -> String {
    if text.chars().count() <= SHORT_STATEMENT_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(SHORT_STATEMENT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!(
        "{}… (see the supplement)",
        cut.trim_end_matches([',', ';', ':'])
    )
}

fn certificate(
    statement: &MicroCredentialStatement,
    presentation: &Presentation,
) -> Result<(Certificate, Vec<Image>), PrintError> {
    let mut images = Vec::new();
    let mut awarding_bodies = vec![Party {
        name: statement.issuer_name.clone(),
        country: statement.issuer_country.clone(),
        logo: image(
            &mut images,
            "logo-issuer".into(),
            presentation.issuer_logo.as_ref(),
        )?,
    }];
    for (i, body) in presentation.co_awarding.iter().enumerate() {
        awarding_bodies.push(Party {
            name: body.name.clone(),
            country: body.country.clone(),
            logo: image(&mut images, format!("logo-{}", i + 2), body.logo.as_ref())?,
        });
    }
    let alliance = match &presentation.alliance {
        Some(alliance) => Some(Party {
            name: alliance.name.clone(),
            country: alliance.country.clone(),
            logo: image(&mut images, "logo-alliance".into(), alliance.logo.as_ref())?,
        }),
        None => None,
    };
    let mut signatories = Vec::new();
    for (i, s) in presentation.signatories.iter().enumerate() {
        signatories.push(SignatoryLine {
            name: s.name.clone(),
            role: s.role.clone(),
            university: s.university.clone(),
            signature: image(
                &mut images,
                format!("signature-{}", i + 1),
                s.signature.as_ref(),
            )?,
        });
    }
    let elements = statement
        .elements()
        .into_iter()
        .map(|(element, detail)| {
            let value = match element {
                StandardElement::LearningOutcomes if statement.learning_outcomes.len() > 1 => {
                    format!(
                        "{} learning outcomes (see the supplement)",
                        statement.learning_outcomes.len()
                    )
                }
                _ => short(&detail),
            };
            ElementLine {
                number: element.number(),
                key: element.key().to_owned(),
                name: element.name().to_owned(),
                value,
                detail,
            }
        })
        .collect();
    let grade = (!statement.grade.is_empty()).then(|| Grade {
        value: statement.grade.clone(),
        scheme: statement.grading_scheme.clone(),
        description: statement.grading_description.clone(),
    });
    let certificate = Certificate {
        language: if presentation.language.is_empty() {
            "en".into()
        } else {
            presentation.language.clone()
        },
        kind: statement
            .typology
            .map(|t| t.kind().to_owned())
            .unwrap_or_default(),
        subtype: statement
            .typology
            .map(|t| t.subtype().to_owned())
            .unwrap_or_default(),
        title: statement.title.clone(),
        summary: statement.description.clone(),
        learner: LearnerLines {
            name: statement.learner_name.clone(),
            birth_date: statement.birth_date.clone(),
            nationality: statement.nationality.join(", "),
            identifiers: statement
                .student_ids
                .iter()
                .map(|(id, university)| format!("{id} ({university})"))
                .collect(),
        },
        awarding_bodies,
        alliance,
        issued_on: statement.date_of_issuing.clone(),
        valid_until: statement.valid_until.get(..10).unwrap_or("").to_owned(),
        elements,
        learning_outcomes: statement.learning_outcomes.clone(),
        course_elements: statement
            .course_elements
            .iter()
            .map(|e| CourseElementLine {
                title: e.title.clone(),
                university: e.delivered_by.clone(),
                code: e.code.clone(),
                ects: e.ects.clone(),
                hours: e.hours.clone(),
                eqf: e.eqf.clone(),
            })
            .collect(),
        grade,
        signatories,
        verification_url: presentation.verification_url.clone(),
        credential_id: statement.id.clone(),
        printed_on: DateTime::now()
            .to_string()
            .get(..10)
            .unwrap_or("")
            .to_owned(),
    };
    Ok((certificate, images))
}

/// Largest certificate PDF read to find its attached credential.
pub const MAX_CERTIFICATE_PDF_BYTES: usize = 32 * 1024 * 1024;

/// Reads a signed credential from a file: its JSON, a VC-JWT, a baked badge (PNG or SVG), or a
/// printed certificate's PDF with the credential attached. Errors name the file.
pub fn read_credential_file(path: &Path) -> Result<Value, JsonFileError> {
    let bytes = read_bytes(path, MAX_CERTIFICATE_PDF_BYTES)?;
    credential_from(&path.display().to_string(), &bytes)
}

/// Reads a signed credential from bytes named `name` (an upload): JSON, a VC-JWT, a baked
/// badge, or a certificate's PDF. The error says what is wrong, with the line and column of a JSON mistake.
pub fn credential_from_bytes(name: &str, bytes: &[u8]) -> Result<Value, String> {
    if bytes.len() > MAX_CERTIFICATE_PDF_BYTES {
        return Err(format!(
            "{name}: over {MAX_CERTIFICATE_PDF_BYTES} bytes, too large for a credential"
        ));
    }
    credential_from(name, bytes).map_err(|e| match e {
        // Said for people, who read "line 3, column 7" more easily than "3:7".
        JsonFileError::Invalid {
            path,
            line,
            column,
            message,
        } => format!("{path}, line {line}, column {column}: {message}"),
        other => other.to_string(),
    })
}

fn credential_from(shown: &str, bytes: &[u8]) -> Result<Value, JsonFileError> {
    if bytes.starts_with(b"%PDF-") {
        let attached = attached_credential(bytes).map_err(|e| JsonFileError::Unreadable {
            path: shown.to_owned(),
            message: e.to_string(),
        })?;
        return parse_json(
            Path::new(&format!("{shown} (attached {ATTACHED_CREDENTIAL_NAME})")),
            &attached,
        );
    }
    if baked::is_image(bytes) {
        // A baked badge: the credential inside the picture.
        return baked::unbake(bytes).map_err(|e| JsonFileError::Unreadable {
            path: shown.to_owned(),
            message: e.to_string(),
        });
    }
    if bytes.len() > MAX_CREDENTIAL_BYTES {
        return Err(JsonFileError::TooLarge {
            path: shown.to_owned(),
            limit: MAX_CREDENTIAL_BYTES,
        });
    }
    // A VC-JWT as text (`eyJ….….…`): verification reads it as a compact JWS.
    if let Ok(text) = std::str::from_utf8(bytes)
        && text.trim_start().starts_with("ey")
        && vc_jwt::is_vc_jwt(text)
    {
        return Ok(Value::String(text.trim().to_owned()));
    }
    parse_json(Path::new(shown), bytes)
}

/// Where a credential is verified when no platform says: the did:web issuer's host, under
/// `/verify` as the platform serves it (`did:web:host%3A8080:u:tum` → `https://host:8080`).
pub fn default_verification_url(credential: &Value) -> Option<String> {
    let id = credential.get("id")?.as_str()?;
    let issuer = match credential.get("issuer")? {
        Value::String(s) => s.as_str(),
        other => other.get("id")?.as_str()?,
    };
    let host = issuer.strip_prefix("did:web:")?.split(':').next()?;
    let host = host.replace("%3A", ":");
    let scheme = if host.starts_with("127.0.0.1") || host.starts_with("localhost") {
        "http"
    } else {
        "https"
    };
    Some(format!("{scheme}://{host}/verify?credential={id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_statements_are_cut_at_a_word_for_page_one() {
        assert_eq!(short("6 ECTS"), "6 ECTS");
        let long = "word ".repeat(60);
        let cut = short(&long);
        assert!(cut.ends_with("word… (see the supplement)"), "{cut}");
        assert!(cut.chars().count() < SHORT_STATEMENT_CHARS + 25);
    }

    #[test]
    fn the_verification_link_defaults_to_the_issuers_web_host() {
        let credential = serde_json::json!({ "id": "urn:uuid:1", "issuer": { "id": "did:web:127.0.0.1%3A8080:u:tum" } });
        assert_eq!(
            default_verification_url(&credential).as_deref(),
            Some("http://127.0.0.1:8080/verify?credential=urn:uuid:1")
        );
        let key = serde_json::json!({ "id": "urn:uuid:1", "issuer": "did:key:z6Mk" });
        assert_eq!(default_verification_url(&key), None);
    }
}
