//! Member universities of an alliance (the awarding bodies, EU element 4, and their country,
//! element 3).

use serde::{Deserialize, Serialize};

use crate::codes::CountryCode;
use crate::ids::UniversityId;
use crate::text::LocalizedText;
use crate::vocabulary::IdentifierScheme;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
/// A university: a member of the alliance, or one a specification draws on.
pub struct University {
    /// Its id, e.g. `wut`.
    pub id: UniversityId,
    /// The legal name, in the university's own language (it is what the law recognises).
    pub legal_name: LocalizedText,
    /// A common English name, if the legal name is in another language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LocalizedText>,
    /// Its country (EU element 3).
    pub country: CountryCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its identifiers in other registers (Erasmus code, PIC, ROR…).
    pub identifiers: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its web site.
    pub homepage: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
/// An identifier of a university in a register.
pub struct Identifier {
    /// The register.
    pub scheme: IdentifierScheme,
    /// The identifier there.
    pub value: String,
}

impl University {
    /// The name to show people: the English name where given, else the legal name.
    pub fn display_name(&self) -> &str {
        self.name.as_ref().unwrap_or(&self.legal_name).en()
    }
}
