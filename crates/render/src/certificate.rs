//! What a printed certificate shows: plain data, handed to the template as `/certificate.json`.
//! Templates read these field names, so renaming one breaks alliances' templates: add, do not
//! rename.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Certificate {
    /// The wording's language (ISO 639-1, e.g. `en`, `de`); the template falls back to English
    /// for a language it has no wording for.
    pub language: String,
    /// `certificate` or `badge` (ENHANCE §5), empty when the credential does not say.
    pub kind: String,
    /// The sub-type: `academic`, `specialisation`, `achievement`, `service-based`.
    pub subtype: String,
    pub title: String,
    pub summary: String,
    pub learner: LearnerLines,
    /// The awarding bodies, the first the issuer.
    pub awarding_bodies: Vec<Party>,
    pub alliance: Option<Party>,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub valid_until: String,
    /// The 16 elements of the EU standard, in its order, each as one short line (page one).
    pub elements: Vec<ElementLine>,
    /// In full (the supplement).
    pub learning_outcomes: Vec<String>,
    pub course_elements: Vec<CourseElementLine>,
    pub grade: Option<Grade>,
    pub signatories: Vec<SignatoryLine>,
    /// The page that verifies this credential; the QR code (`/qr.svg`) opens it.
    pub verification_url: String,
    pub credential_id: String,
    /// Who prints, and when (`YYYY-MM-DD`): paper does not say when it was printed otherwise.
    pub printed_on: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct LearnerLines {
    pub name: String,
    pub birth_date: String,
    pub nationality: String,
    /// e.g. `ge87lit (Technical University of Munich)`.
    pub identifiers: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Party {
    pub name: String,
    pub country: String,
    /// The path of its logo for the template (`/images/…`), empty without one.
    pub logo: String,
}

/// One of the 16 elements: its ENHANCE number, its key (`awarding-body`, for templates that
/// word it in another language), its English name, and what the credential states.
#[derive(Clone, Debug, Serialize)]
pub struct ElementLine {
    pub number: u8,
    pub key: String,
    pub name: String,
    /// What the credential states, short enough for one line of page one (long statements are
    /// summarised, e.g. "6 learning outcomes (see the supplement)"); empty when not stated.
    pub value: String,
    /// What the credential states, in full (the supplement).
    pub detail: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CourseElementLine {
    pub title: String,
    pub university: String,
    pub code: String,
    pub ects: String,
    pub hours: String,
    pub eqf: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Grade {
    pub value: String,
    pub scheme: String,
    pub description: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SignatoryLine {
    pub name: String,
    pub role: String,
    pub university: String,
    /// The path of the signature image (`/images/…`), empty without one.
    pub signature: String,
}

/// The formats Typst reads and the platform accepts for logos and signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
}

impl ImageFormat {
    pub fn from_media_type(media_type: &str) -> Option<ImageFormat> {
        match media_type {
            "image/png" => Some(ImageFormat::Png),
            "image/jpeg" => Some(ImageFormat::Jpeg),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
        }
    }
}

/// An image a certificate shows, served to the template at [`Image::path`].
#[derive(Clone, Debug)]
pub struct Image {
    /// A plain name: letters, digits and `-` (e.g. `logo-tum`, `signature-1`).
    pub name: String,
    pub format: ImageFormat,
    pub bytes: Vec<u8>,
}

impl Image {
    /// Where the template finds it, e.g. `/images/logo-tum.png`.
    pub fn path(&self) -> String {
        format!("/images/{}.{}", self.name, self.format.extension())
    }
}
