//! What can go wrong turning a JSON-LD document into RDF, and where in the document.

use std::fmt::Write as _;

/// A JSON-LD failure. In safe mode (the only mode here) everything JSON-LD would silently drop
/// is an error: data the signature would not cover must not pass as signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum JsonLdError {
    #[error("unknown JSON-LD context `{0}`: only bundled contexts are used, none is fetched")]
    UnknownContext(String),
    #[error("`{key}` at {path} looks like a JSON-LD keyword but is none")]
    KeywordLikeKey { key: String, path: String },
    #[error(
        "the term `{term}` at {path} is not defined by any context, so a signature would not cover it"
    )]
    UndefinedTerm { term: String, path: String },
    #[error("{what} `{value}` at {path} is a relative IRI with no base to resolve it against")]
    RelativeIri {
        what: &'static str,
        value: String,
        path: String,
    },
    #[error("the protected term `{term}` is redefined at {path}")]
    ProtectedTermRedefinition { term: String, path: String },
    #[error("{what} at {path} would be dropped by JSON-LD, so a signature would not cover it")]
    Dropped { what: &'static str, path: String },
    #[error("`{tag}` at {path} is not a well-formed language tag")]
    InvalidLanguage { tag: String, path: String },
    #[error("the document is nested too deeply at {path} (at most {limit} levels)")]
    TooDeep { path: String, limit: usize },
    #[error("invalid JSON-LD ({code}) at {path}: {detail}")]
    Invalid {
        /// The JSON-LD error code, e.g. `invalid @id value`.
        code: &'static str,
        detail: String,
        path: String,
    },
}

/// Where in a JSON document processing is, as a list of steps from the top, built on the stack
/// so that nothing is allocated unless an error is reported.
#[derive(Clone, Copy, Debug)]
pub struct Location<'a> {
    parent: Option<&'a Location<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Top,
    Key(&'a str),
    Index(usize),
}

impl<'a> Location<'a> {
    pub const TOP: Location<'static> = Location {
        parent: None,
        step: Step::Top,
    };

    pub fn key(&'a self, key: &'a str) -> Location<'a> {
        Location {
            parent: Some(self),
            step: Step::Key(key),
        }
    }

    pub fn index(&'a self, index: usize) -> Location<'a> {
        Location {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    /// `credentialSubject.achievement.alignment[0]`, or `the top level`.
    pub fn render(&self) -> String {
        let mut steps = Vec::new();
        let mut here = Some(self);
        while let Some(location) = here {
            steps.push(location.step);
            here = location.parent;
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            match step {
                Step::Top => {}
                Step::Key(key) => {
                    let plain = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | '$'));
                    if plain {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(key);
                    } else {
                        let _ = write!(out, "[{key:?}]");
                    }
                }
                Step::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        if out.is_empty() {
            "the top level".into()
        } else {
            format!("`{out}`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_render_as_paths() {
        let top = Location::TOP;
        assert_eq!(top.render(), "the top level");
        let subject = top.key("credentialSubject");
        let list = subject.key("alignment");
        let item = list.index(2);
        let odd = item.key("odd key");
        assert_eq!(item.render(), "`credentialSubject.alignment[2]`");
        assert_eq!(
            odd.render(),
            "`credentialSubject.alignment[2][\"odd key\"]`"
        );
    }
}
