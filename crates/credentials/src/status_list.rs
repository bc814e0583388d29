//! W3C Bitstring Status List v1.0: revocation and suspension of issued credentials.
//!
//! A credential carries a `BitstringStatusListEntry` pointing at one bit of a list that its
//! issuer publishes as a signed `BitstringStatusListCredential`; the bit set means revoked (or
//! suspended). Lists hold at least 131,072 entries, so that one credential's status says
//! nothing about who else was checked (herd privacy), and entries are allocated at random.

use std::io::{Read, Write};

use base64::Engine;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::datetime::DateTime;
use crate::jsonld::bundled::CREDENTIALS_V2;

/// Entries in a list, at least (16 KiB uncompressed, as the specification requires).
pub const MIN_ENTRIES: usize = 131_072;
/// Entries in a list, at most: a bound on what a verifier decompresses (16 MiB).
pub const MAX_ENTRIES: usize = 8 * 16 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// What a status list's bits mean.
pub enum StatusPurpose {
    /// Set: withdrawn for good.
    Revocation,
    /// Set: withdrawn for now.
    Suspension,
}

impl StatusPurpose {
    /// Both purposes.
    pub const ALL: [StatusPurpose; 2] = [StatusPurpose::Revocation, StatusPurpose::Suspension];

    /// Its name, as `statusPurpose` states it.
    pub fn name(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
        }
    }

    /// The purpose a name states, if known.
    pub fn parse(name: &str) -> Option<StatusPurpose> {
        StatusPurpose::ALL.into_iter().find(|p| p.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a status entry or list cannot be used.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum StatusError {
    #[error("the status entry {0}")]
    BadEntry(String),
    #[error("the status list credential {0}")]
    BadList(String),
    #[error("the encoded list is not a base64url multibase value (it must start with `u`)")]
    NotMultibase,
    #[error("the encoded list is not GZIP-compressed data")]
    NotGzip,
    #[error("the list holds more than {MAX_ENTRIES} entries")]
    TooLarge,
    #[error("the list holds {0} entries; at least {MIN_ENTRIES} are required")]
    TooSmall(usize),
    #[error("index {index} is outside the list of {length} entries")]
    OutOfRange { index: usize, length: usize },
    #[error("the entry is for {entry}, the list for {list}")]
    PurposeMismatch { entry: String, list: String },
    #[error("the entry points at `{entry}`, but the list given is `{list}`")]
    WrongList { entry: String, list: String },
    #[error("no free entry is left in the list")]
    Full,
}

/// The bits of a status list, index 0 being the left-most bit of the first byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    /// A list of at least `entries` bits, all clear.
    pub fn new(entries: usize) -> Bitstring {
        let entries = entries.clamp(MIN_ENTRIES, MAX_ENTRIES);
        Bitstring {
            bytes: vec![0; entries.div_ceil(8)],
        }
    }

    /// How many entries it has.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bit of entry `index`.
    pub fn get(&self, index: usize) -> Result<bool, StatusError> {
        let byte = self.bytes.get(index / 8).ok_or(StatusError::OutOfRange {
            index,
            length: self.len(),
        })?;
        Ok(byte & (0x80 >> (index % 8)) != 0)
    }

    /// Sets the bit of entry `index`.
    pub fn set(&mut self, index: usize, value: bool) -> Result<(), StatusError> {
        let length = self.len();
        let byte = self
            .bytes
            .get_mut(index / 8)
            .ok_or(StatusError::OutOfRange { index, length })?;
        let mask = 0x80 >> (index % 8);
        if value {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
        Ok(())
    }

    /// How many entries are set.
    pub fn count(&self) -> usize {
        self.bytes.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// `u` + base64url (no padding) of the GZIP-compressed bits: the `encodedList`.
    pub fn encode(&self) -> String {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        // Writing to a Vec cannot fail.
        let compressed = encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
        )
    }

    /// Decodes an `encodedList`, refusing more than [`MAX_ENTRIES`] bits (a GZIP bomb).
    pub fn decode(encoded: &str) -> Result<Bitstring, StatusError> {
        let text = encoded.strip_prefix('u').ok_or(StatusError::NotMultibase)?;
        let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| StatusError::NotMultibase)?;
        let mut bytes = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take((MAX_ENTRIES / 8) as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| StatusError::NotGzip)?;
        if bytes.len() > MAX_ENTRIES / 8 {
            return Err(StatusError::TooLarge);
        }
        if bytes.len() * 8 < MIN_ENTRIES {
            return Err(StatusError::TooSmall(bytes.len() * 8));
        }
        Ok(Bitstring { bytes })
    }
}

/// Chooses an entry at random among those `taken` says are free.
pub fn random_free_index(
    length: usize,
    taken: impl Fn(usize) -> bool,
) -> Result<usize, StatusError> {
    let length = u64::try_from(length).map_err(|_| StatusError::Full)?;
    for _ in 0..64 {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|_| StatusError::Full)?;
        let index = (u64::from_le_bytes(bytes) % length) as usize;
        if !taken(index) {
            return Ok(index);
        }
    }
    // A nearly full list: look from a random start for any free entry.
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|_| StatusError::Full)?;
    let start = (u64::from_le_bytes(bytes) % length) as usize;
    (0..length as usize)
        .map(|i| (start + i) % length as usize)
        .find(|i| !taken(*i))
        .ok_or(StatusError::Full)
}

/// The `credentialStatus` entry for one bit of a list.
pub fn status_entry(list_url: &str, index: usize, purpose: StatusPurpose) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.name(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The (unsigned) credential publishing a list.
pub fn status_list_credential(
    list_url: &str,
    issuer: &str,
    purpose: StatusPurpose,
    bits: &Bitstring,
    valid_from: DateTime,
) -> Value {
    json!({
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from.to_string(),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.name(),
            "encodedList": bits.encode(),
        }
    })
}

/// A status entry as a credential states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    /// What its bit means.
    pub purpose: StatusPurpose,
    /// The entry's index in its list.
    pub index: usize,
    /// The status list credential's URL.
    pub list: String,
}

impl StatusEntry {
    /// Reads a `BitstringStatusListEntry`; `Ok(None)` for other kinds of status entry.
    pub fn read(entry: &Value) -> Result<Option<StatusEntry>, StatusError> {
        let types: Vec<&str> = match entry.get("type") {
            Some(Value::String(t)) => vec![t],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => return Err(StatusError::BadEntry("has no type".into())),
        };
        if !types.contains(&"BitstringStatusListEntry") {
            return Ok(None);
        }
        let text = |field: &str| {
            entry
                .get(field)
                .and_then(Value::as_str)
                .ok_or_else(|| StatusError::BadEntry(format!("lacks `{field}`")))
        };
        let purpose_name = text("statusPurpose")?;
        let purpose = StatusPurpose::parse(purpose_name).ok_or_else(|| {
            StatusError::BadEntry(format!(
                "has statusPurpose `{purpose_name}`; revocation and suspension are supported"
            ))
        })?;
        let index_text = text("statusListIndex")?;
        let index = index_text
            .parse::<usize>()
            .ok()
            .filter(|_| index_text.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                StatusError::BadEntry(format!("has statusListIndex `{index_text}`, not a number"))
            })?;
        let list = text("statusListCredential")?.to_owned();
        if text("id").ok() == Some(list.as_str()) {
            return Err(StatusError::BadEntry(
                "has the same id as its status list credential".into(),
            ));
        }
        Ok(Some(StatusEntry {
            purpose,
            index,
            list,
        }))
    }

    /// Whether this entry's bit is set in `list_credential` (whose proof the caller verifies).
    pub fn is_set(&self, list_credential: &Value) -> Result<bool, StatusError> {
        let id = list_credential
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("");
        if id != self.list {
            return Err(StatusError::WrongList {
                entry: self.list.clone(),
                list: id.to_owned(),
            });
        }
        let subject = list_credential
            .get("credentialSubject")
            .ok_or_else(|| StatusError::BadList("has no credentialSubject".into()))?;
        let kind = subject.get("type").and_then(Value::as_str);
        if kind != Some("BitstringStatusList") {
            return Err(StatusError::BadList(
                "subject is not a BitstringStatusList".into(),
            ));
        }
        let purposes: Vec<&str> = match subject.get("statusPurpose") {
            Some(Value::String(p)) => vec![p],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !purposes.contains(&self.purpose.name()) {
            return Err(StatusError::PurposeMismatch {
                entry: self.purpose.name().into(),
                list: purposes.join(", "),
            });
        }
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| StatusError::BadList("has no encodedList".into()))?;
        Bitstring::decode(encoded)?.get(self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_through_the_encoded_list() {
        let mut bits = Bitstring::new(10);
        assert_eq!(bits.len(), MIN_ENTRIES);
        bits.set(0, true).unwrap();
        bits.set(94_567, true).unwrap();
        bits.set(MIN_ENTRIES - 1, true).unwrap();
        let encoded = bits.encode();
        assert!(encoded.starts_with('u'));
        let decoded = Bitstring::decode(&encoded).unwrap();
        assert_eq!(decoded, bits);
        assert!(decoded.get(0).unwrap() && decoded.get(94_567).unwrap());
        assert!(!decoded.get(1).unwrap());
        assert_eq!(decoded.count(), 3);
        assert_eq!(
            decoded.get(MIN_ENTRIES),
            Err(StatusError::OutOfRange {
                index: MIN_ENTRIES,
                length: MIN_ENTRIES
            })
        );
        // Index 0 is the left-most bit of the first byte.
        assert_eq!(bits.bytes[0], 0x80);
    }

    #[test]
    fn the_specification_example_list_decodes_as_empty() {
        // Bitstring Status List v1.0, example 2's encodedList: 16 KiB of zeros.
        let list = Bitstring::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        )
        .unwrap();
        assert_eq!(list.len(), MIN_ENTRIES);
        assert_eq!(list.count(), 0);
    }

    #[test]
    fn bombs_and_garbage_are_refused() {
        assert_eq!(Bitstring::decode("H4sI"), Err(StatusError::NotMultibase));
        assert_eq!(Bitstring::decode("u!!!"), Err(StatusError::NotMultibase));
        assert_eq!(Bitstring::decode("uAAAA"), Err(StatusError::NotGzip));
        let big = Bitstring {
            bytes: vec![0; MAX_ENTRIES / 8 + 1],
        };
        assert_eq!(Bitstring::decode(&big.encode()), Err(StatusError::TooLarge));
        let small = Bitstring { bytes: vec![0; 10] };
        assert_eq!(
            Bitstring::decode(&small.encode()),
            Err(StatusError::TooSmall(80))
        );
    }

    #[test]
    fn entries_are_read_and_checked_against_their_list() {
        let url = "https://alliance.eu/status/1";
        let mut bits = Bitstring::new(0);
        bits.set(42, true).unwrap();
        let list = status_list_credential(
            url,
            "did:web:alliance.eu",
            StatusPurpose::Revocation,
            &bits,
            DateTime::from_unix(0),
        );
        let revoked = StatusEntry::read(&status_entry(url, 42, StatusPurpose::Revocation))
            .unwrap()
            .unwrap();
        assert!(revoked.is_set(&list).unwrap());
        let fine = StatusEntry::read(&status_entry(url, 43, StatusPurpose::Revocation))
            .unwrap()
            .unwrap();
        assert!(!fine.is_set(&list).unwrap());
        let suspension = StatusEntry::read(&status_entry(url, 42, StatusPurpose::Suspension))
            .unwrap()
            .unwrap();
        assert!(matches!(
            suspension.is_set(&list),
            Err(StatusError::PurposeMismatch { .. })
        ));
        let elsewhere = StatusEntry::read(&status_entry(
            "https://x.eu/1",
            1,
            StatusPurpose::Revocation,
        ))
        .unwrap()
        .unwrap();
        assert!(matches!(
            elsewhere.is_set(&list),
            Err(StatusError::WrongList { .. })
        ));
        let mut bad = status_entry(url, 1, StatusPurpose::Revocation);
        bad["statusListIndex"] = "-1".into();
        assert!(StatusEntry::read(&bad).is_err());
        assert_eq!(
            StatusEntry::read(&json!({"type": "CredentialStatusList2017"})),
            Ok(None)
        );
        crate::jsonld::to_rdf(&list).unwrap();
    }

    #[test]
    fn random_indexes_avoid_taken_entries() {
        let taken = |i: usize| i != 7;
        assert_eq!(random_free_index(100, taken), Ok(7));
        assert_eq!(random_free_index(100, |_| true), Err(StatusError::Full));
        let index = random_free_index(MIN_ENTRIES, |_| false).unwrap();
        assert!(index < MIN_ENTRIES);
    }
}
