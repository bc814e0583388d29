//! Active contexts, term definitions, context processing and IRI expansion (JSON-LD 1.1
//! Processing Algorithms §4.1, §4.2, §5.2), with a cache of processed contexts.
//!
//! Processing the W3C and Open Badges contexts is most of the cost of signing a credential, and
//! every credential uses the same few, so results are cached per thread, keyed by the context
//! they were applied to and the local context applied.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::bundled;
use super::error::{JsonLdError, Location};
use super::iri::{
    has_inner_colon, is_absolute_iri, is_keyword, keyword_form, prefix_colon, resolve,
};

/// At most this many remote contexts may be nested (a context importing a context …).
const MAX_REMOTE_CONTEXTS: usize = 16;
/// Processed contexts kept per thread; the cache is emptied when it grows past this.
const CACHE_ENTRIES: usize = 256;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    fn parse(value: &Value) -> Option<Option<Direction>> {
        match value {
            Value::Null => Some(None),
            Value::String(s) if s == "ltr" => Some(Some(Direction::Ltr)),
            Value::String(s) if s == "rtl" => Some(Some(Direction::Rtl)),
            _ => None,
        }
    }
}

/// The `@container` of a term, as flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Container(u8);

impl Container {
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const LANGUAGE: u8 = 4;
    pub const INDEX: u8 = 8;
    pub const ID: u8 = 16;
    pub const TYPE: u8 = 32;
    pub const GRAPH: u8 = 64;

    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    fn parse(value: &Value) -> Option<Container> {
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut flags = 0u8;
        for item in items {
            flags |= match item.as_str()? {
                "@list" => Self::LIST,
                "@set" => Self::SET,
                "@language" => Self::LANGUAGE,
                "@index" => Self::INDEX,
                "@id" => Self::ID,
                "@type" => Self::TYPE,
                "@graph" => Self::GRAPH,
                _ => return None,
            };
        }
        // The combinations JSON-LD 1.1 allows (§4.2.2 step 21).
        let without_set = flags & !Self::SET;
        let valid = match without_set {
            0 => true,
            Self::LIST => flags == Self::LIST,
            Self::LANGUAGE | Self::INDEX | Self::ID | Self::TYPE => true,
            Self::GRAPH => true,
            f if f == Self::GRAPH | Self::ID || f == Self::GRAPH | Self::INDEX => true,
            _ => false,
        };
        valid.then_some(Container(flags))
    }
}

/// A context found in a term definition (`"@context"` of a term), applied when the term is
/// used (property-scoped) or appears as a type (type-scoped). Its id keys the cache.
#[derive(Clone, Debug)]
pub struct ScopedContext {
    id: u64,
    pub value: Arc<Value>,
    pub base: Option<String>,
}

impl PartialEq for ScopedContext {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.base == other.base
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TermDefinition {
    /// `None`: the term is explicitly mapped to null (it expands to nothing).
    pub iri: Option<String>,
    pub prefix: bool,
    pub protected: bool,
    pub reverse: bool,
    pub context: Option<ScopedContext>,
    pub container: Container,
    /// `Some(None)`: `"@direction": null`.
    pub direction: Option<Option<Direction>>,
    pub index: Option<String>,
    /// `Some(None)`: `"@language": null`.
    pub language: Option<Option<String>>,
    pub nest: Option<String>,
    pub type_mapping: Option<String>,
}

impl TermDefinition {
    fn new(protected: bool) -> TermDefinition {
        TermDefinition {
            iri: None,
            prefix: false,
            protected,
            reverse: false,
            context: None,
            container: Container::default(),
            direction: None,
            index: None,
            language: None,
            nest: None,
            type_mapping: None,
        }
    }

    /// Equal in everything but `protected` (a protected term may be redefined identically).
    fn same_as(&self, other: &TermDefinition) -> bool {
        let mut a = self.clone();
        a.protected = other.protected;
        a == *other
    }
}

#[derive(Clone, Debug)]
pub struct ActiveContext {
    id: u64,
    pub base: Option<String>,
    original_base: Option<String>,
    pub vocab: Option<String>,
    pub language: Option<String>,
    pub direction: Option<Direction>,
    pub terms: HashMap<String, Arc<TermDefinition>>,
    /// The context to return to when entering a new node object (type-scoped contexts do not
    /// propagate).
    pub previous: Option<Arc<ActiveContext>>,
}

impl ActiveContext {
    pub fn new(base: Option<String>) -> Arc<ActiveContext> {
        Arc::new(ActiveContext {
            id: next_id(),
            original_base: base.clone(),
            base,
            vocab: None,
            language: None,
            direction: None,
            terms: HashMap::new(),
            previous: None,
        })
    }

    pub fn term(&self, term: &str) -> Option<&TermDefinition> {
        self.terms.get(term).map(|d| &**d)
    }

    fn copy(&self) -> ActiveContext {
        ActiveContext {
            id: next_id(),
            ..self.clone()
        }
    }
}

/// How a local context is being applied (the flags of the Context Processing Algorithm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Apply {
    pub override_protected: bool,
    pub propagate: bool,
}

impl Apply {
    pub const EMBEDDED: Apply = Apply {
        override_protected: false,
        propagate: true,
    };
    pub const PROPERTY_SCOPED: Apply = Apply {
        override_protected: true,
        propagate: true,
    };
    pub const TYPE_SCOPED: Apply = Apply {
        override_protected: false,
        propagate: false,
    };
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum LocalKey {
    Scoped(u64),
    Json(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    active: u64,
    local: LocalKey,
    base: Option<String>,
    apply: Apply,
}

thread_local! {
    static CACHE: RefCell<HashMap<CacheKey, Arc<ActiveContext>>> = RefCell::new(HashMap::new());
}

/// Applies a scoped context (from a term definition) to `active`, cached.
pub fn apply_scoped(
    active: &Arc<ActiveContext>,
    scoped: &ScopedContext,
    apply: Apply,
    at: &Location,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    let key = CacheKey {
        active: active.id,
        local: LocalKey::Scoped(scoped.id),
        base: scoped.base.clone(),
        apply,
    };
    cached(key, || {
        process(
            active,
            &scoped.value,
            scoped.base.as_deref(),
            apply,
            &mut Vec::new(),
            at,
        )
    })
}

/// Applies a document's `@context` value to `active`, cached.
pub fn apply_embedded(
    active: &Arc<ActiveContext>,
    local: &Value,
    base: Option<&str>,
    at: &Location,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    let key = CacheKey {
        active: active.id,
        local: LocalKey::Json(local.to_string()),
        base: base.map(str::to_owned),
        apply: Apply::EMBEDDED,
    };
    cached(key, || {
        process(active, local, base, Apply::EMBEDDED, &mut Vec::new(), at)
    })
}

fn cached(
    key: CacheKey,
    compute: impl FnOnce() -> Result<Arc<ActiveContext>, JsonLdError>,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    if let Some(found) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(found);
    }
    let result = compute()?;
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&result));
    });
    Ok(result)
}

fn invalid(code: &'static str, detail: impl Into<String>, at: &Location) -> JsonLdError {
    JsonLdError::Invalid {
        code,
        detail: detail.into(),
        path: at.render(),
    }
}

/// The Context Processing Algorithm (§4.1.2).
fn process(
    active: &Arc<ActiveContext>,
    local: &Value,
    base: Option<&str>,
    apply: Apply,
    remote: &mut Vec<String>,
    at: &Location,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    let mut result = active.copy();
    let mut propagate = apply.propagate;
    if let Some(value) = local.as_object().and_then(|m| m.get("@propagate")) {
        propagate = value
            .as_bool()
            .ok_or_else(|| invalid("invalid @propagate value", "must be true or false", at))?;
    }
    if !propagate && result.previous.is_none() {
        result.previous = Some(Arc::clone(active));
    }
    let items: &[Value] = match local {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    };
    for item in items {
        match item {
            Value::Null => {
                if !apply.override_protected && result.terms.values().any(|d| d.protected) {
                    return Err(invalid(
                        "invalid context nullification",
                        "a context with protected terms cannot be reset with null",
                        at,
                    ));
                }
                let previous = result.previous.take();
                let base = active.original_base.clone();
                result = ActiveContext {
                    id: next_id(),
                    original_base: base.clone(),
                    base,
                    vocab: None,
                    language: None,
                    direction: None,
                    terms: HashMap::new(),
                    previous: if propagate { None } else { previous },
                };
            }
            Value::String(reference) => {
                let url = match base {
                    Some(base) => resolve(base, reference).unwrap_or_else(|| reference.clone()),
                    None => reference.clone(),
                };
                if remote.len() >= MAX_REMOTE_CONTEXTS {
                    return Err(invalid(
                        "context overflow",
                        format!("more than {MAX_REMOTE_CONTEXTS} nested contexts at `{url}`"),
                        at,
                    ));
                }
                let loaded = bundled::context(&url)
                    .ok_or_else(|| JsonLdError::UnknownContext(url.clone()))?;
                remote.push(url.clone());
                let current = Arc::new(result);
                let processed = process(&current, loaded, Some(&url), Apply::EMBEDDED, remote, at)?;
                remote.pop();
                result = Arc::unwrap_or_clone(processed);
            }
            Value::Object(context) => {
                define_all(
                    &mut result,
                    wrapped_context(context),
                    base,
                    apply,
                    remote,
                    at,
                )?;
            }
            _ => {
                return Err(invalid(
                    "invalid local context",
                    "a context must be an object, a URL, null or an array of these",
                    at,
                ));
            }
        }
    }
    Ok(Arc::new(result))
}

/// An embedded context written as a whole context document, `{"@context": {…}}`, is read as
/// the map inside it. JSON-LD 1.1 calls that shape a keyword redefinition; jsonld.js (and so
/// every verifier built on it) reads the inner map, and the W3C Data Integrity suites sign
/// proof-chain inputs written that way. Accepting exactly this shape — a single `@context` entry
/// holding a map, one level — hides nothing from a signature: the inner terms are what
/// expansion and canonicalization use either way. Anything else beside it stays an error.
fn wrapped_context(context: &Map<String, Value>) -> &Map<String, Value> {
    match context.get("@context") {
        Some(Value::Object(inner)) if context.len() == 1 => inner,
        _ => context,
    }
}

/// Steps 5.5–5.13 of §4.1.2 for one context object.
fn define_all(
    result: &mut ActiveContext,
    context: &Map<String, Value>,
    base: Option<&str>,
    apply: Apply,
    remote: &[String],
    at: &Location,
) -> Result<(), JsonLdError> {
    if let Some(version) = context.get("@version")
        && version.as_f64() != Some(1.1)
    {
        return Err(invalid(
            "invalid @version value",
            "@version must be 1.1",
            at,
        ));
    }
    let imported;
    let context = match context.get("@import") {
        None => context,
        Some(Value::String(reference)) => {
            let url = match base {
                Some(base) => resolve(base, reference).unwrap_or_else(|| reference.clone()),
                None => reference.clone(),
            };
            let loaded =
                bundled::context(&url).ok_or_else(|| JsonLdError::UnknownContext(url.clone()))?;
            let Value::Object(loaded) = loaded else {
                return Err(invalid(
                    "invalid remote context",
                    format!("`{url}` imported with @import is not a context object"),
                    at,
                ));
            };
            if loaded.contains_key("@import") {
                return Err(invalid(
                    "invalid context entry",
                    "an imported context cannot import another",
                    at,
                ));
            }
            let mut merged = loaded.clone();
            for (k, v) in context {
                merged.insert(k.clone(), v.clone());
            }
            imported = merged;
            &imported
        }
        Some(_) => {
            return Err(invalid(
                "invalid @import value",
                "@import must be a URL",
                at,
            ));
        }
    };
    if let Some(value) = context.get("@base")
        && remote.is_empty()
    {
        result.base = match value {
            Value::Null => None,
            Value::String(iri) if is_absolute_iri(iri) => Some(iri.clone()),
            Value::String(iri) => match &result.base {
                Some(current) => resolve(current, iri),
                None => {
                    return Err(invalid(
                        "invalid base IRI",
                        format!("relative @base `{iri}` with no base to resolve it against"),
                        at,
                    ));
                }
            },
            _ => return Err(invalid("invalid base IRI", "@base must be a string", at)),
        };
    }
    if let Some(value) = context.get("@vocab") {
        result.vocab = match value {
            Value::Null => None,
            Value::String(vocab) => {
                let expanded = expand_iri(result, vocab, true, true)?;
                match expanded {
                    Some(iri) if is_absolute_iri(&iri) || iri.starts_with("_:") => Some(iri),
                    _ => {
                        return Err(JsonLdError::RelativeIri {
                            what: "@vocab",
                            value: vocab.clone(),
                            path: at.render(),
                        });
                    }
                }
            }
            _ => {
                return Err(invalid(
                    "invalid vocab mapping",
                    "@vocab must be a string",
                    at,
                ));
            }
        };
    }
    if let Some(value) = context.get("@language") {
        result.language = match value {
            Value::Null => None,
            Value::String(tag) => Some(tag.to_lowercase()),
            _ => {
                return Err(invalid(
                    "invalid default language",
                    "@language must be a string",
                    at,
                ));
            }
        };
    }
    if let Some(value) = context.get("@direction") {
        result.direction = Direction::parse(value).ok_or_else(|| {
            invalid(
                "invalid base direction",
                "@direction must be ltr or rtl",
                at,
            )
        })?;
    }
    if let Some(value) = context.get("@propagate")
        && !value.is_boolean()
    {
        return Err(invalid(
            "invalid @propagate value",
            "must be true or false",
            at,
        ));
    }
    let protected = match context.get("@protected") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(invalid(
                "invalid @protected value",
                "must be true or false",
                at,
            ));
        }
    };
    let mut defining = Defining {
        local: context,
        defined: HashMap::new(),
        base,
        protected,
        override_protected: apply.override_protected,
        at,
    };
    for term in context.keys() {
        if matches!(
            term.as_str(),
            "@base"
                | "@direction"
                | "@import"
                | "@language"
                | "@propagate"
                | "@protected"
                | "@version"
                | "@vocab"
        ) {
            continue;
        }
        defining.define(result, term)?;
    }
    Ok(())
}

/// The state of defining the terms of one context object.
struct Defining<'c> {
    local: &'c Map<String, Value>,
    /// false while a term is being defined (to detect cycles), true once done.
    defined: HashMap<String, bool>,
    base: Option<&'c str>,
    protected: bool,
    override_protected: bool,
    at: &'c Location<'c>,
}

impl Defining<'_> {
    fn err(&self, code: &'static str, term: &str, why: &str) -> JsonLdError {
        invalid(code, format!("term `{term}`: {why}"), self.at)
    }

    /// Create Term Definition (§4.2.2).
    fn define(&mut self, active: &mut ActiveContext, term: &str) -> Result<(), JsonLdError> {
        match self.defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => {
                return Err(self.err("cyclic IRI mapping", term, "defined in terms of itself"));
            }
            None => {}
        }
        if term.is_empty() {
            return Err(self.err("invalid term definition", term, "a term cannot be empty"));
        }
        self.defined.insert(term.to_owned(), false);
        let value = &self.local[term];
        if term == "@type" {
            let ok = value.as_object().is_some_and(|m| {
                !m.is_empty()
                    && m.iter().all(|(k, v)| match k.as_str() {
                        "@container" => v == "@set",
                        "@protected" => v.is_boolean(),
                        _ => false,
                    })
            });
            if !ok {
                return Err(self.err(
                    "keyword redefinition",
                    term,
                    "@type may only be given @container @set",
                ));
            }
        } else if is_keyword(term) {
            return Err(self.err(
                "keyword redefinition",
                term,
                "a keyword cannot be redefined",
            ));
        } else if keyword_form(term) {
            // Looks like a keyword but is none: safe mode refuses it.
            return Err(JsonLdError::KeywordLikeKey {
                key: term.to_owned(),
                path: format!("{} (a context)", self.at.render()),
            });
        }
        let previous = active.terms.remove(term);
        let owned_map;
        let (map, simple) = match value {
            Value::Null => {
                let mut m = Map::new();
                m.insert("@id".into(), Value::Null);
                owned_map = m;
                (&owned_map, false)
            }
            Value::String(id) => {
                let mut m = Map::new();
                m.insert("@id".into(), Value::String(id.clone()));
                owned_map = m;
                (&owned_map, true)
            }
            Value::Object(m) => (m, false),
            _ => {
                return Err(self.err(
                    "invalid term definition",
                    term,
                    "must be a string, an object or null",
                ));
            }
        };
        let mut definition = TermDefinition::new(self.protected);
        for key in map.keys() {
            if !matches!(
                key.as_str(),
                "@id"
                    | "@reverse"
                    | "@container"
                    | "@context"
                    | "@direction"
                    | "@index"
                    | "@language"
                    | "@nest"
                    | "@prefix"
                    | "@protected"
                    | "@type"
            ) {
                return Err(self.err(
                    "invalid term definition",
                    term,
                    &format!("unknown entry `{key}`"),
                ));
            }
        }
        if let Some(p) = map.get("@protected") {
            definition.protected = p.as_bool().ok_or_else(|| {
                self.err("invalid @protected value", term, "must be true or false")
            })?;
        }
        if let Some(kind) = map.get("@type") {
            let kind = kind
                .as_str()
                .ok_or_else(|| self.err("invalid type mapping", term, "@type must be a string"))?;
            let expanded = self.expand(active, kind, false, true)?;
            match expanded.as_deref() {
                Some("@id" | "@json" | "@none" | "@vocab") => {}
                Some(iri) if is_absolute_iri(iri) && !iri.starts_with("_:") => {}
                _ => {
                    return Err(self.err(
                        "invalid type mapping",
                        term,
                        &format!("`{kind}` is not an IRI"),
                    ));
                }
            }
            definition.type_mapping = expanded;
        }
        if let Some(reverse) = map.get("@reverse") {
            if map.contains_key("@id") || map.contains_key("@nest") {
                return Err(self.err(
                    "invalid reverse property",
                    term,
                    "@reverse cannot have @id or @nest",
                ));
            }
            let reverse = reverse.as_str().ok_or_else(|| {
                self.err("invalid IRI mapping", term, "@reverse must be a string")
            })?;
            if keyword_form(reverse) {
                return Err(JsonLdError::KeywordLikeKey {
                    key: reverse.to_owned(),
                    path: format!("{} (a context)", self.at.render()),
                });
            }
            match self.expand(active, reverse, false, true)? {
                Some(iri) if is_absolute_iri(&iri) => definition.iri = Some(iri),
                _ => {
                    return Err(self.err("invalid IRI mapping", term, "@reverse is not an IRI"));
                }
            }
            if let Some(container) = map.get("@container") {
                definition.container = match container {
                    Value::Null => Container::default(),
                    Value::String(c) if c == "@set" => Container(Container::SET),
                    Value::String(c) if c == "@index" => Container(Container::INDEX),
                    _ => {
                        return Err(self.err(
                            "invalid reverse property",
                            term,
                            "a reverse property's container is @set or @index",
                        ));
                    }
                };
            }
            definition.reverse = true;
            return self.finish(active, term, definition, previous);
        }
        match map.get("@id") {
            Some(id) if id.as_str() != Some(term) => match id {
                Value::Null => definition.iri = None,
                Value::String(id) => {
                    if !is_keyword(id) && keyword_form(id) {
                        return Err(JsonLdError::KeywordLikeKey {
                            key: id.clone(),
                            path: format!("{} (a context)", self.at.render()),
                        });
                    }
                    let iri = self.expand(active, id, false, true)?;
                    match iri.as_deref() {
                        Some("@context") => {
                            return Err(self.err(
                                "invalid keyword alias",
                                term,
                                "@context cannot be aliased",
                            ));
                        }
                        Some(i) if is_keyword(i) || is_absolute_iri(i) => {}
                        _ => {
                            return Err(self.err(
                                "invalid IRI mapping",
                                term,
                                &format!("`{id}` is not an IRI"),
                            ));
                        }
                    }
                    if has_inner_colon(term) || term.contains('/') {
                        self.defined.insert(term.to_owned(), true);
                        let again = self.expand(active, term, false, true)?;
                        if again != iri {
                            return Err(self.err(
                                "invalid IRI mapping",
                                term,
                                "a term that looks like an IRI must expand to that IRI",
                            ));
                        }
                    }
                    if !term.contains(':')
                        && !term.contains('/')
                        && simple
                        && let Some(i) = &iri
                        && (i.ends_with([':', '/', '?', '#', '[', ']', '@']) || i.starts_with("_:"))
                    {
                        definition.prefix = true;
                    }
                    definition.iri = iri;
                }
                _ => {
                    return Err(self.err(
                        "invalid IRI mapping",
                        term,
                        "@id must be a string or null",
                    ));
                }
            },
            _ => {
                if let Some(colon) = prefix_colon(term) {
                    let (prefix, suffix) = (&term[..colon], &term[colon + 1..]);
                    if self.local.contains_key(prefix) {
                        self.define(active, prefix)?;
                    }
                    definition.iri = Some(match active.term(prefix).and_then(|d| d.iri.as_ref()) {
                        Some(prefix_iri) => format!("{prefix_iri}{suffix}"),
                        None => term.to_owned(),
                    });
                } else if term.contains('/') {
                    match self.expand(active, term, false, true)? {
                        Some(iri) if is_absolute_iri(&iri) => definition.iri = Some(iri),
                        _ => {
                            return Err(self.err(
                                "invalid IRI mapping",
                                term,
                                "a relative IRI term needs a vocabulary mapping",
                            ));
                        }
                    }
                } else if term == "@type" {
                    definition.iri = Some("@type".into());
                } else if let Some(vocab) = &active.vocab {
                    definition.iri = Some(format!("{vocab}{term}"));
                } else {
                    return Err(JsonLdError::UndefinedTerm {
                        term: term.to_owned(),
                        path: format!("{} (a context: no @id and no @vocab)", self.at.render()),
                    });
                }
            }
        }
        if let Some(container) = map.get("@container") {
            definition.container = Container::parse(container).ok_or_else(|| {
                self.err(
                    "invalid container mapping",
                    term,
                    &format!("`{container}` is not a valid container"),
                )
            })?;
            if definition.container.has(Container::TYPE) {
                match definition.type_mapping.as_deref() {
                    None => definition.type_mapping = Some("@id".into()),
                    Some("@id" | "@vocab") => {}
                    Some(_) => {
                        return Err(self.err(
                            "invalid type mapping",
                            term,
                            "a @type container needs @type @id or @vocab",
                        ));
                    }
                }
            }
        }
        if let Some(index) = map.get("@index") {
            let index = index.as_str().filter(|i| !is_keyword(i));
            match index {
                Some(i) if definition.container.has(Container::INDEX) => {
                    definition.index = Some(i.to_owned());
                }
                _ => {
                    return Err(self.err(
                        "invalid term definition",
                        term,
                        "@index needs an @index container and a property name",
                    ));
                }
            }
        }
        if let Some(context) = map.get("@context") {
            definition.context = Some(ScopedContext {
                id: next_id(),
                value: Arc::new(context.clone()),
                base: self.base.map(str::to_owned),
            });
        }
        if !map.contains_key("@type") {
            if let Some(language) = map.get("@language") {
                definition.language = Some(match language {
                    Value::Null => None,
                    Value::String(l) => Some(l.to_lowercase()),
                    _ => {
                        return Err(self.err(
                            "invalid language mapping",
                            term,
                            "@language must be a string or null",
                        ));
                    }
                });
            }
            if let Some(direction) = map.get("@direction") {
                definition.direction = Some(Direction::parse(direction).ok_or_else(|| {
                    self.err(
                        "invalid base direction",
                        term,
                        "@direction must be ltr, rtl or null",
                    )
                })?);
            }
        }
        if let Some(nest) = map.get("@nest") {
            match nest.as_str() {
                Some(n) if n == "@nest" || !is_keyword(n) => definition.nest = Some(n.to_owned()),
                _ => {
                    return Err(self.err(
                        "invalid @nest value",
                        term,
                        "@nest must be a term or @nest",
                    ));
                }
            }
        }
        if let Some(prefix) = map.get("@prefix") {
            if term.contains(':') || term.contains('/') {
                return Err(self.err(
                    "invalid term definition",
                    term,
                    "@prefix on a term that is an IRI",
                ));
            }
            definition.prefix = prefix
                .as_bool()
                .ok_or_else(|| self.err("invalid @prefix value", term, "must be true or false"))?;
            if definition.prefix && definition.iri.as_deref().is_some_and(is_keyword) {
                return Err(self.err(
                    "invalid term definition",
                    term,
                    "a keyword alias cannot be a prefix",
                ));
            }
        }
        self.finish(active, term, definition, previous)
    }

    fn finish(
        &mut self,
        active: &mut ActiveContext,
        term: &str,
        definition: TermDefinition,
        previous: Option<Arc<TermDefinition>>,
    ) -> Result<(), JsonLdError> {
        let definition = match previous {
            Some(previous) if !self.override_protected && previous.protected => {
                if !definition.same_as(&previous) {
                    return Err(JsonLdError::ProtectedTermRedefinition {
                        term: term.to_owned(),
                        path: self.at.render(),
                    });
                }
                previous
            }
            _ => Arc::new(definition),
        };
        active.terms.insert(term.to_owned(), definition);
        self.defined.insert(term.to_owned(), true);
        Ok(())
    }

    /// IRI expansion while a context is being defined: terms it uses are defined first.
    fn expand(
        &mut self,
        active: &mut ActiveContext,
        value: &str,
        document_relative: bool,
        vocab: bool,
    ) -> Result<Option<String>, JsonLdError> {
        if is_keyword(value) {
            return Ok(Some(value.to_owned()));
        }
        if self.local.contains_key(value) && self.defined.get(value) != Some(&true) {
            self.define(active, value)?;
        }
        if let Some(colon) = prefix_colon(value) {
            let prefix = &value[..colon];
            if prefix != "_"
                && !value[colon + 1..].starts_with("//")
                && self.local.contains_key(prefix)
            {
                self.define(active, prefix)?;
            }
        }
        expand_iri(active, value, document_relative, vocab)
    }
}

/// IRI Expansion (§5.2.2) against a finished active context. `Ok(None)`: the value expands to
/// nothing (a term mapped to null, or a keyword-like string).
pub fn expand_iri(
    active: &ActiveContext,
    value: &str,
    document_relative: bool,
    vocab: bool,
) -> Result<Option<String>, JsonLdError> {
    if is_keyword(value) {
        return Ok(Some(value.to_owned()));
    }
    if keyword_form(value) {
        return Ok(None);
    }
    if let Some(definition) = active.term(value) {
        if definition.iri.as_deref().is_some_and(is_keyword) {
            return Ok(definition.iri.clone());
        }
        if vocab {
            return Ok(definition.iri.clone());
        }
    }
    if let Some(colon) = prefix_colon(value) {
        let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Ok(Some(value.to_owned()));
        }
        if let Some(definition) = active.term(prefix)
            && definition.prefix
            && let Some(iri) = &definition.iri
        {
            return Ok(Some(format!("{iri}{suffix}")));
        }
        if is_absolute_iri(value) {
            return Ok(Some(value.to_owned()));
        }
    }
    if vocab && let Some(v) = &active.vocab {
        return Ok(Some(format!("{v}{value}")));
    }
    if document_relative && let Some(base) = &active.base {
        return Ok(Some(
            resolve(base, value).unwrap_or_else(|| value.to_owned()),
        ));
    }
    Ok(Some(value.to_owned()))
}
