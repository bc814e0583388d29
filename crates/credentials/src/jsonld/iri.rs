//! Small facts about IRIs and keywords that JSON-LD processing needs.

use oxiri::Iri;

/// The keywords of JSON-LD 1.1.
const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

pub fn is_keyword(value: &str) -> bool {
    KEYWORDS.contains(&value)
}

/// `@` followed by ASCII letters only: reserved for future keywords, so never a term.
pub fn keyword_form(value: &str) -> bool {
    value.len() > 1 && value.starts_with('@') && value[1..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// An absolute IRI or a blank node identifier: a scheme (or `_`), a colon, no whitespace.
/// The same test jsonld.js applies, so that both accept and refuse the same documents.
pub fn is_absolute_iri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme == "_"
        || (scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')));
    scheme_ok && !rest.chars().any(char::is_whitespace)
}

/// The byte position of the first colon that is not the first character: where a compact
/// IRI's prefix ends.
pub fn prefix_colon(value: &str) -> Option<usize> {
    value
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == ':')
        .map(|(i, _)| i)
}

/// Whether a colon appears anywhere but as the first or last character.
pub fn has_inner_colon(value: &str) -> bool {
    value
        .char_indices()
        .any(|(i, c)| c == ':' && i > 0 && i + 1 < value.len())
}

/// Resolves `reference` against `base` (RFC 3986); `None` if `base` is not an absolute IRI.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let base = Iri::parse(base).ok()?;
    base.resolve(reference).ok().map(Iri::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_iris_and_blank_nodes() {
        assert!(is_absolute_iri("https://example.org/a"));
        assert!(is_absolute_iri("did:key:z6Mk"));
        assert!(is_absolute_iri("urn:uuid:1"));
        assert!(is_absolute_iri("_:b0"));
        assert!(!is_absolute_iri("relative/path"));
        assert!(!is_absolute_iri("1abc:x"));
        assert!(!is_absolute_iri("http://exa mple.org"));
    }

    #[test]
    fn keyword_like_strings() {
        assert!(keyword_form("@foo"));
        assert!(!keyword_form("@"));
        assert!(!keyword_form("@foo1"));
        assert!(is_keyword("@type"));
        assert!(!is_keyword("@foo"));
    }

    #[test]
    fn colons_in_terms_with_multibyte_characters() {
        assert_eq!(prefix_colon("ex:term"), Some(2));
        assert_eq!(prefix_colon(":term"), None);
        assert_eq!(prefix_colon("é:x"), Some(2));
        assert!(has_inner_colon("a:b"));
        assert!(!has_inner_colon("ab:"));
        assert!(!has_inner_colon(":ab"));
    }

    #[test]
    fn relative_references_resolve() {
        assert_eq!(
            resolve("https://example.org/a/b", "../c").as_deref(),
            Some("https://example.org/c")
        );
        assert_eq!(resolve("not a base", "x"), None);
    }
}
