//! The pages' texts, read from `messages/en.toml` (sections become key prefixes: `[nav]
//! catalogue` is `nav.catalogue`). A translation is another such file with the same keys.

use std::collections::HashMap;
use std::sync::LazyLock;

const ENGLISH: &str = include_str!("../../messages/en.toml");

/// The texts of one language.
pub struct Messages {
    texts: HashMap<String, String>,
}

/// The pages' texts, from `messages/en.toml`, read once.
pub static MESSAGES: LazyLock<Messages> =
    LazyLock::new(|| Messages::parse(ENGLISH).expect("messages/en.toml is checked by a test"));

impl Messages {
    /// Reads a messages file: `[section]` tables of `key = "text"`.
    pub fn parse(source: &str) -> Result<Messages, String> {
        let table: toml::Table = toml::from_str(source).map_err(|e| e.to_string())?;
        let mut texts = HashMap::new();
        flatten("", &table, &mut texts)?;
        Ok(Messages { texts })
    }

    /// The text of `key`; the key itself where it is missing (a test makes sure none is).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.texts.get(key).map_or(key, String::as_str)
    }

    /// The text of `key` with `{name}` replaced by `value`.
    pub fn with(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.get(key)
            .replace(&format!("{{{name}}}"), &value.to_string())
    }

    /// The text of `key` for `n` things (`{n}` filled in); for one, the text of `key_one`
    /// where there is one ("1 errors" reads badly).
    pub fn count(&self, key: &str, n: impl std::fmt::Display) -> String {
        let n = n.to_string();
        let one = format!("{key}_one");
        if n == "1" && self.has(&one) {
            self.with(&one, "n", n)
        } else {
            self.with(key, "n", n)
        }
    }

    /// Whether a text exists for `key` (`section.name`).
    pub fn has(&self, key: &str) -> bool {
        self.texts.contains_key(key)
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    texts: &mut HashMap<String, String>,
) -> Result<(), String> {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            toml::Value::String(text) => {
                texts.insert(key, text.clone());
            }
            toml::Value::Table(inner) => flatten(&key, inner, texts)?,
            _ => return Err(format!("`{key}` is not a text")),
        }
    }
    Ok(())
}

/// Every message key the templates and the page code name as a literal (the first argument
/// of `t.get`, `t.with`, `t.count`, `msg`, `prefixed_msg`, `optional_msg`), for the test that
/// each exists.
pub fn message_keys_used(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for opener in [
        "t.get(\"",
        "t.with(\"",
        "t.count(\"",
        "msg(\"",
        "prefixed_msg(\"",
        "optional_msg(\"",
    ] {
        let mut rest = source;
        while let Some(at) = rest.find(opener) {
            rest = &rest[at + opener.len()..];
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_owned());
            }
        }
    }
    keys
}

/// A text from the English messages (for page code outside templates).
pub fn msg(key: &'static str) -> &'static str {
    MESSAGES.get(key)
}

/// The text of `prefix` + `name` (e.g. an editor field's label, `field.workload.ects`).
pub fn prefixed_msg(prefix: &'static str, name: &str) -> String {
    MESSAGES.get(&format!("{prefix}{name}")).to_owned()
}

/// The text of `prefix` + `name`, or nothing where there is none (hints).
pub fn optional_msg(prefix: &'static str, name: &str) -> String {
    let key = format!("{prefix}{name}");
    if MESSAGES.has(&key) {
        MESSAGES.get(&key).to_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_named_by_a_template_or_page_exists_and_every_text_is_used() {
        let messages = Messages::parse(ENGLISH).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = std::collections::HashSet::new();
        for dir in ["templates", "src/web"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let source = std::fs::read_to_string(&path).unwrap();
                for key in message_keys_used(&source) {
                    // Keys built at run time end in a dot: their prefix must exist.
                    if key.ends_with('.') {
                        assert!(
                            messages.keys().any(|k| k.starts_with(&key)),
                            "{}: no message starts with `{key}`",
                            path.display()
                        );
                    } else {
                        assert!(messages.has(&key), "{}: no message `{key}`", path.display());
                    }
                    used.insert(format!("{key}_one"));
                    used.insert(key);
                }
            }
        }
        let unused: Vec<&str> = messages
            .keys()
            .filter(|k| {
                !used.contains(*k)
                    && !used
                        .iter()
                        .any(|u| u.ends_with('.') && k.starts_with(u.as_str()))
            })
            .collect();
        assert!(unused.is_empty(), "messages no page uses: {unused:?}");
    }

    #[test]
    fn placeholders_are_filled() {
        let messages = Messages::parse("[a]\nb = \"{n} rows\"").unwrap();
        assert_eq!(messages.with("a.b", "n", 3), "3 rows");
        let messages =
            Messages::parse("[a]\nb = \"{n} rows\"\nb_one = \"one row\"\nc = \"{n} c\"").unwrap();
        assert_eq!(messages.count("a.b", 1), "one row");
        assert_eq!(messages.count("a.b", 2), "2 rows");
        assert_eq!(messages.count("a.c", 1), "1 c");
        assert_eq!(messages.get("a.missing"), "a.missing");
    }
}
