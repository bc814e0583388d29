//! Text in English plus optional other languages.
//!
//! The EU standard and both frameworks expect every micro-credential to be readable in
//! English; other languages are additions. In files a plain string is the English text, a
//! table gives several languages: `title = { en = "…", pl = "…" }`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::LanguageCode;

/// Longest text accepted for one language of one field, in bytes.
pub const MAX_TEXT_BYTES: usize = 20_000;

#[derive(Clone, PartialEq, Eq, Debug)]
/// A text in English and any other languages, by ISO 639-1 code; English is required.
pub struct LocalizedText {
    english: String,
    others: BTreeMap<LanguageCode, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a text is refused.
pub enum TextError {
    #[error("text is empty: write it, or leave the field out")]
    /// No text at all.
    Empty,
    #[error("text in `{0}` is empty: write it, or leave that language out")]
    /// An empty text in this language.
    EmptyIn(LanguageCode),
    #[error("text needs an English version: add `en = \"…\"`")]
    /// No English text.
    NoEnglish,
    #[error("text is {0} bytes long; at most {MAX_TEXT_BYTES} are accepted")]
    /// Longer than any element needs, in bytes.
    TooLong(usize),
}

impl LocalizedText {
    /// English-only text. Surrounding whitespace is trimmed; blank text is refused.
    pub fn english(text: impl Into<String>) -> Result<Self, TextError> {
        let text = clean(text.into()).ok_or(TextError::Empty)?;
        check_length(&text)?;
        Ok(LocalizedText {
            english: text,
            others: BTreeMap::new(),
        })
    }

    /// Adds or replaces the text in another language.
    pub fn with(
        mut self,
        language: LanguageCode,
        text: impl Into<String>,
    ) -> Result<Self, TextError> {
        let text = clean(text.into()).ok_or(TextError::EmptyIn(language))?;
        check_length(&text)?;
        if language == LanguageCode::ENGLISH {
            self.english = text;
        } else {
            self.others.insert(language, text);
        }
        Ok(self)
    }

    /// The English text.
    pub fn en(&self) -> &str {
        &self.english
    }

    /// The text in `language`, if given.
    pub fn get(&self, language: LanguageCode) -> Option<&str> {
        if language == LanguageCode::ENGLISH {
            Some(&self.english)
        } else {
            self.others.get(&language).map(String::as_str)
        }
    }

    /// Every language this text is given in, English first.
    pub fn languages(&self) -> impl Iterator<Item = LanguageCode> + '_ {
        std::iter::once(LanguageCode::ENGLISH).chain(self.others.keys().copied())
    }

    /// Every (language, text) pair, English first.
    pub fn iter(&self) -> impl Iterator<Item = (LanguageCode, &str)> {
        std::iter::once((LanguageCode::ENGLISH, self.english.as_str()))
            .chain(self.others.iter().map(|(l, t)| (*l, t.as_str())))
    }
}

fn clean(text: String) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == text.len() {
        Some(text)
    } else {
        Some(trimmed.to_owned())
    }
}

fn check_length(text: &str) -> Result<(), TextError> {
    if text.len() > MAX_TEXT_BYTES {
        Err(TextError::TooLong(text.len()))
    } else {
        Ok(())
    }
}

impl fmt::Display for LocalizedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl Serialize for LocalizedText {
    /// English-only text is written as a plain string, as people write it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.others.is_empty() {
            return s.serialize_str(&self.english);
        }
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1 + self.others.len()))?;
        for (language, text) in self.iter() {
            map.serialize_entry(language.as_str(), text)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for LocalizedText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = LocalizedText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a text, or a table of texts by language code like { en = \"…\", de = \"…\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LocalizedText, E> {
                LocalizedText::english(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LocalizedText, A::Error> {
                let mut texts: Vec<(LanguageCode, String)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let language = LanguageCode::parse(&key).map_err(de::Error::custom)?;
                    if texts.iter().any(|(l, _)| *l == language) {
                        return Err(de::Error::custom(format!(
                            "language `{language}` is given twice"
                        )));
                    }
                    texts.push((language, map.next_value()?));
                }
                let english = texts
                    .iter()
                    .position(|(l, _)| *l == LanguageCode::ENGLISH)
                    .ok_or_else(|| de::Error::custom(TextError::NoEnglish))?;
                let (_, english) = texts.swap_remove(english);
                let mut text = LocalizedText::english(english).map_err(de::Error::custom)?;
                for (language, other) in texts {
                    text = text.with(language, other).map_err(de::Error::custom)?;
                }
                Ok(text)
            }
        }
        d.deserialize_any(TextVisitor)
    }
}

impl schemars::JsonSchema for LocalizedText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalizedText".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Text in English, or a table of texts by ISO 639-1 language code that includes `en`.",
            "oneOf": [
                { "type": "string", "minLength": 1 },
                {
                    "type": "object",
                    "required": ["en"],
                    "propertyNames": { "pattern": "^[a-z]{2}$" },
                    "additionalProperties": { "type": "string", "minLength": 1 }
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_required_and_blank_is_refused() {
        assert_eq!(
            LocalizedText::english("  Data literacy ").unwrap().en(),
            "Data literacy"
        );
        assert_eq!(LocalizedText::english("   "), Err(TextError::Empty));
        let pl = LanguageCode::parse("pl").unwrap();
        let text = LocalizedText::english("Badge")
            .unwrap()
            .with(pl, "Odznaka")
            .unwrap();
        assert_eq!(text.get(pl), Some("Odznaka"));
        assert_eq!(
            text.languages().map(|l| l.as_str()).collect::<Vec<_>>(),
            ["en", "pl"]
        );
    }

    #[test]
    fn reads_a_string_or_a_table_of_languages() {
        let plain: LocalizedText = serde_json::from_str(r#""Certificate""#).unwrap();
        assert_eq!(plain.en(), "Certificate");
        let several: LocalizedText =
            serde_json::from_str(r#"{"de": "Zertifikat", "en": "Certificate"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&several).unwrap(),
            r#"{"en":"Certificate","de":"Zertifikat"}"#
        );
        let error = serde_json::from_str::<LocalizedText>(r#"{"de": "Zertifikat"}"#).unwrap_err();
        assert!(error.to_string().contains("English"), "{error}");
        assert!(serde_json::from_str::<LocalizedText>(r#"{"en": "a", "xx": "b"}"#).is_err());
        assert!(serde_json::from_str::<LocalizedText>(r#""""#).is_err());
    }
}
