//! What a printed certificate shows: plain data, handed to the template as `/certificate.json`.
//! Templates read these field names, so renaming one breaks alliances' templates: add, do not
//! rename.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
/// Everything a printed certificate shows, read from the signed credential: the template lays it out.
pub struct Certificate {
    /// The wording's language (ISO 639-1, e.g. `en`, `de`); the template falls back to English
    /// for a language it has no wording for.
    pub language: String,
    /// `certificate` or `badge` (ENHANCE §5), empty when the credential does not say.
    pub kind: String,
    /// The sub-type: `academic`, `specialisation`, `achievement`, `service-based`, `stacked`.
    pub subtype: String,
    /// The micro-credential's title.
    pub title: String,
    /// One sentence about what it certifies.
    pub summary: String,
    /// Who it was awarded to.
    pub learner: LearnerLines,
    /// The awarding bodies, the first the issuer.
    pub awarding_bodies: Vec<Party>,
    /// The alliance, whose logo and name the certificate also shows (ENHANCE §7.4).
    pub alliance: Option<Party>,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    /// `YYYY-MM-DD`, empty when it does not expire.
    pub valid_until: String,
    /// The 16 elements of the EU standard, in its order, each as one short line (page one).
    pub elements: Vec<ElementLine>,
    /// In full (the supplement).
    pub learning_outcomes: Vec<String>,
    /// The course elements, with their universities.
    pub course_elements: Vec<CourseElementLine>,
    /// The grade achieved, where there is one.
    pub grade: Option<Grade>,
    /// Who signs, one per awarding university.
    pub signatories: Vec<SignatoryLine>,
    /// The page that verifies this credential; the QR code (`/qr.svg`) opens it.
    pub verification_url: String,
    /// The credential's id, printed so that it can be looked up.
    pub credential_id: String,
    /// Who prints, and when (`YYYY-MM-DD`): paper does not say when it was printed otherwise.
    pub printed_on: String,
}

#[derive(Clone, Debug, Default, Serialize)]
/// The learner's lines.
pub struct LearnerLines {
    /// Full name.
    pub name: String,
    /// Date of birth, `YYYY-MM-DD`, or empty.
    pub birth_date: String,
    /// Nationalities, by English name.
    pub nationality: String,
    /// e.g. `ge87lit (Technical University of Munich)`.
    pub identifiers: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
/// An awarding body or the alliance, as printed.
pub struct Party {
    /// Its name.
    pub name: String,
    /// Its country, by English name.
    pub country: String,
    /// The path of its logo for the template (`/images/…`), empty without one.
    pub logo: String,
}

/// One of the 16 elements: its ENHANCE number, its key (`awarding-body`, for templates that
/// word it in another language), its English name, and what the credential states.
#[derive(Clone, Debug, Serialize)]
pub struct ElementLine {
    /// Its ENHANCE number, 1 to 16.
    pub number: u8,
    /// Its key, e.g. `awarding-body`.
    pub key: String,
    /// Its English name.
    pub name: String,
    /// What the credential states, short enough for one line of page one (long statements are
    /// summarised, e.g. "6 learning outcomes (see the supplement)"); empty when not stated.
    pub value: String,
    /// What the credential states, in full (the supplement).
    pub detail: String,
}

#[derive(Clone, Debug, Default, Serialize)]
/// A course element, as the supplement lists it.
pub struct CourseElementLine {
    /// Its title.
    pub title: String,
    /// The university delivering it.
    pub university: String,
    /// Its code at that university.
    pub code: String,
    /// Its ECTS.
    pub ects: String,
    /// Its hours.
    pub hours: String,
    /// Its EQF level.
    pub eqf: String,
}

#[derive(Clone, Debug, Default, Serialize)]
/// The grade achieved, in the awarding university's scheme.
pub struct Grade {
    /// The grade.
    pub value: String,
    /// The grading scheme's name.
    pub scheme: String,
    /// What the grades mean.
    pub description: String,
}

#[derive(Clone, Debug, Default, Serialize)]
/// A signatory, as printed under the signature.
pub struct SignatoryLine {
    /// Name.
    pub name: String,
    /// Office, e.g. Vice-Rector for Education.
    pub role: String,
    /// The university signed for.
    pub university: String,
    /// The path of the signature image (`/images/…`), empty without one.
    pub signature: String,
}

/// The formats Typst reads and the platform accepts for logos and signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
}

impl ImageFormat {
    /// The format of a media type (`image/png`, `image/jpeg`).
    pub fn from_media_type(media_type: &str) -> Option<ImageFormat> {
        match media_type {
            "image/png" => Some(ImageFormat::Png),
            "image/jpeg" => Some(ImageFormat::Jpeg),
            _ => None,
        }
    }

    /// The file extension the template names it by.
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
    /// Its format.
    pub format: ImageFormat,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Image {
    /// Where the template finds it, e.g. `/images/logo-tum.png`.
    pub fn path(&self) -> String {
        format!("/images/{}.{}", self.name, self.format.extension())
    }
}
