//! Reading the signed credential back out of a printed certificate's PDF, so that
//! `microcred credential verify certificate.pdf` checks the very file a learner hands over.
//! The PDF may come from anyone: sizes are bounded before anything is inflated.

use std::io::Read;

use hayro_syntax::object::{Dict, Name, Stream};
use hayro_syntax::{Filter, Pdf};

use crate::ATTACHED_CREDENTIAL_NAME;

/// Largest attached credential read, in bytes (a signed credential is a few kilobytes).
pub const MAX_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
/// Why a printed certificate does not give back its signed credential.
pub enum AttachmentError {
    #[error("not a readable PDF file: {0}")]
    /// Not a PDF this reader understands.
    NotPdf(String),
    #[error(
        "the PDF has no attached file named {ATTACHED_CREDENTIAL_NAME}: it was not printed by microcred, or the attachment was removed"
    )]
    /// No credential attached.
    Missing,
    #[error("the attached {ATTACHED_CREDENTIAL_NAME} is encoded with {0}, which is not read")]
    /// Attached with a compression that is not read.
    Encoding(String),
    #[error("the attached {ATTACHED_CREDENTIAL_NAME} cannot be inflated: {0}")]
    /// The attachment does not inflate.
    Corrupt(String),
    #[error("the attached {ATTACHED_CREDENTIAL_NAME} is larger than {MAX_ATTACHMENT_BYTES} bytes")]
    /// The attachment is larger than any credential.
    TooLarge,
}

/// The bytes of the credential attached to a certificate PDF.
pub fn attached_credential(pdf: &[u8]) -> Result<Vec<u8>, AttachmentError> {
    let document = Pdf::new(pdf.to_vec()).map_err(|e| AttachmentError::NotPdf(format!("{e:?}")))?;
    for object in document.objects() {
        let Some(spec) = object.into_dict() else {
            continue;
        };
        if !is_named_file_spec(&spec) {
            continue;
        }
        let Some(embedded) = spec.get::<Dict<'_>>(b"EF").and_then(|ef| {
            ef.get::<Stream<'_>>(b"F")
                .or_else(|| ef.get::<Stream<'_>>(b"UF"))
        }) else {
            continue;
        };
        return decode(&embedded);
    }
    Err(AttachmentError::Missing)
}

fn is_named_file_spec(dict: &Dict<'_>) -> bool {
    let is_file_spec = dict
        .get::<Name<'_>>(b"Type")
        .is_some_and(|t| t.as_str() == "Filespec");
    is_file_spec
        && [b"UF".as_slice(), b"F".as_slice()].iter().any(|key| {
            dict.get::<hayro_syntax::object::String<'_>>(*key)
                .is_some_and(|name| text_string(name.as_bytes()) == ATTACHED_CREDENTIAL_NAME)
        })
}

/// A PDF text string: UTF-16BE after a byte order mark, else (for the ASCII names read
/// here) bytes as they are.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn decode(stream: &Stream<'_>) -> Result<Vec<u8>, AttachmentError> {
    let raw = stream.raw_data();
    let filters = stream.filters();
    let limited = |reader: &mut dyn Read| -> Result<Vec<u8>, AttachmentError> {
        let mut out = Vec::new();
        reader
            .take(MAX_ATTACHMENT_BYTES as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| AttachmentError::Corrupt(e.to_string()))?;
        if out.len() > MAX_ATTACHMENT_BYTES {
            return Err(AttachmentError::TooLarge);
        }
        Ok(out)
    };
    match filters.as_slice() {
        [] => limited(&mut raw.as_ref()),
        [Filter::FlateDecode] => limited(&mut flate2::read::ZlibDecoder::new(raw.as_ref())),
        other => Err(AttachmentError::Encoding(format!("{other:?}"))),
    }
}
