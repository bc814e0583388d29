//! The Expansion Algorithm (JSON-LD 1.1 Processing Algorithms §5.1.2, §5.3.2) in safe mode:
//! whatever JSON-LD would silently drop is an error naming where it is.

use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value, json};

use super::context::{
    ActiveContext, Apply, Container, Direction, apply_embedded, apply_scoped, expand_iri,
};
use super::error::{JsonLdError, Location};
use super::iri::{is_absolute_iri, is_keyword, keyword_form};

/// How deeply a document may nest objects and arrays.
pub const MAX_DEPTH: usize = 64;

/// The initial active context: one shared value, so that the context cache recognises it.
static INITIAL: LazyLock<Arc<ActiveContext>> = LazyLock::new(|| ActiveContext::new(None));

/// Expands a JSON-LD document (with no base IRI) to expanded form: an array of node objects.
pub fn expand_document(document: &Value) -> Result<Vec<Value>, JsonLdError> {
    let expanded = expand(&INITIAL, None, document, false, &Location::TOP, 0)?;
    Ok(match expanded {
        Value::Object(mut map) if map.len() == 1 && map.contains_key("@graph") => {
            into_array(map.remove("@graph").unwrap_or(Value::Null))
        }
        other => into_array(other),
    })
}

fn into_array(value: Value) -> Vec<Value> {
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        other => vec![other],
    }
}

fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

fn invalid(code: &'static str, detail: impl Into<String>, at: &Location) -> JsonLdError {
    JsonLdError::Invalid {
        code,
        detail: detail.into(),
        path: at.render(),
    }
}

fn is_value_object(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.contains_key("@value"))
}

fn is_list_object(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.contains_key("@list"))
}

fn is_graph_object(value: &Value) -> bool {
    value.as_object().is_some_and(|m| {
        m.contains_key("@graph")
            && m.keys()
                .all(|k| matches!(k.as_str(), "@graph" | "@id" | "@index"))
    })
}

/// A well-formed BCP 47 language tag, by the same test jsonld.js applies.
fn well_formed_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (1..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn expand_key(active: &ActiveContext, key: &str) -> Result<Option<String>, JsonLdError> {
    expand_iri(active, key, false, true)
}

fn expand(
    active: &Arc<ActiveContext>,
    property: Option<&str>,
    element: &Value,
    from_map: bool,
    at: &Location,
    depth: usize,
) -> Result<Value, JsonLdError> {
    if depth > MAX_DEPTH {
        return Err(JsonLdError::TooDeep {
            path: at.render(),
            limit: MAX_DEPTH,
        });
    }
    let definition = property.and_then(|p| active.term(p));
    let expanded_property = match property {
        Some(p) => expand_key(active, p)?,
        None => None,
    };
    let top_level = property.is_none() || expanded_property.as_deref() == Some("@graph");
    match element {
        Value::Null => Ok(Value::Null),
        Value::Array(items) => {
            let list = definition.is_some_and(|d| d.container.has(Container::LIST));
            let mut result = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let here = at.index(i);
                let mut expanded = expand(active, property, item, from_map, &here, depth + 1)?;
                if list && expanded.is_array() {
                    expanded = json!({ "@list": expanded });
                }
                match expanded {
                    Value::Null => {}
                    Value::Array(more) => result.extend(more),
                    other => result.push(other),
                }
            }
            Ok(Value::Array(result))
        }
        Value::Object(map) => expand_object(active, property, map, from_map, at, depth),
        scalar => {
            if top_level {
                return Err(JsonLdError::Dropped {
                    what: "a value outside any property",
                    path: at.render(),
                });
            }
            let Some(property) = property else {
                return Ok(Value::Null);
            };
            let active = match definition.and_then(|d| d.context.as_ref()) {
                Some(scoped) => apply_scoped(active, scoped, Apply::PROPERTY_SCOPED, at)?,
                None => Arc::clone(active),
            };
            expand_value(&active, property, scalar, at)
        }
    }
}

fn expand_object(
    active: &Arc<ActiveContext>,
    property: Option<&str>,
    map: &Map<String, Value>,
    from_map: bool,
    at: &Location,
    depth: usize,
) -> Result<Value, JsonLdError> {
    let property_scoped = property
        .and_then(|p| active.term(p))
        .and_then(|d| d.context.clone());
    let expanded_property = match property {
        Some(p) => expand_key(active, p)?,
        None => None,
    };
    let mut active = Arc::clone(active);
    // Type-scoped contexts do not propagate into new node objects (§5.1.2 step 7).
    if let Some(previous) = &active.previous
        && !from_map
    {
        let mut has_value = false;
        for key in map.keys() {
            if expand_key(&active, key)?.as_deref() == Some("@value") {
                has_value = true;
            }
        }
        let only_id = map.len() == 1
            && match map.keys().next() {
                Some(key) => expand_key(&active, key)?.as_deref() == Some("@id"),
                None => false,
            };
        if !has_value && !only_id {
            active = Arc::clone(previous);
        }
    }
    if let Some(scoped) = &property_scoped {
        active = apply_scoped(&active, scoped, Apply::PROPERTY_SCOPED, at)?;
    }
    if let Some(local) = map.get("@context") {
        active = apply_embedded(&active, local, None, &at.key("@context"))?;
    }
    let type_scoped = Arc::clone(&active);
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut input_type: Option<String> = None;
    let mut first_type_key = true;
    for key in &keys {
        if expand_key(&active, key)?.as_deref() != Some("@type") {
            continue;
        }
        let mut terms: Vec<&str> = as_slice(&map[*key])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if first_type_key {
            if let Some(last) = terms.last() {
                input_type = expand_iri(&active, last, false, true)?;
            }
            first_type_key = false;
        }
        terms.sort_unstable();
        for term in terms {
            if let Some(scoped) = type_scoped.term(term).and_then(|d| d.context.as_ref()) {
                active = apply_scoped(&active, scoped, Apply::TYPE_SCOPED, at)?;
            }
        }
    }
    let entries = Entries {
        active: &active,
        type_scoped: &type_scoped,
        property,
        expanded_property: expanded_property.as_deref(),
        input_type: input_type.as_deref(),
        depth,
    };
    let mut result = Map::new();
    entries.expand(map, &mut result, at)?;
    finish_object(result, expanded_property.as_deref(), property, &active, at)
}

/// Steps 15–19 of §5.1.2: validate value, list and set objects, and refuse what would be
/// dropped.
fn finish_object(
    mut result: Map<String, Value>,
    expanded_property: Option<&str>,
    property: Option<&str>,
    active: &ActiveContext,
    at: &Location,
) -> Result<Value, JsonLdError> {
    if let Some(value) = result.get("@value") {
        if result.keys().any(|k| {
            !matches!(
                k.as_str(),
                "@direction" | "@index" | "@language" | "@type" | "@value"
            )
        }) {
            return Err(invalid(
                "invalid value object",
                "a value object may only have @value, @type, @language, @direction and @index",
                at,
            ));
        }
        let kind = result.get("@type");
        if kind.is_some() && (result.contains_key("@language") || result.contains_key("@direction"))
        {
            return Err(invalid(
                "invalid value object",
                "a value cannot have both a type and a language",
                at,
            ));
        }
        if kind.and_then(Value::as_str) == Some("@json") {
            return Ok(Value::Object(result));
        }
        if value.is_null() {
            return Err(JsonLdError::Dropped {
                what: "a value object whose @value is null",
                path: at.render(),
            });
        }
        if !value.is_string() && result.contains_key("@language") {
            return Err(invalid(
                "invalid language-tagged value",
                "only strings can have a language",
                at,
            ));
        }
        if let Some(kind) = kind {
            let ok = kind
                .as_str()
                .is_some_and(|t| is_absolute_iri(t) && !t.starts_with("_:"));
            if !ok {
                return Err(invalid(
                    "invalid typed value",
                    format!("the datatype {kind} is not an IRI"),
                    at,
                ));
            }
        }
    } else if let Some(kind) = result.get_mut("@type") {
        if !kind.is_array() {
            *kind = Value::Array(vec![kind.take()]);
        }
    } else if result.contains_key("@set") || result.contains_key("@list") {
        if result
            .keys()
            .any(|k| !matches!(k.as_str(), "@set" | "@list" | "@index"))
            || (result.contains_key("@set") && result.contains_key("@list"))
        {
            return Err(invalid(
                "invalid set or list object",
                "a @list or @set object may only have @index besides",
                at,
            ));
        }
        if let Some(set) = result.remove("@set") {
            return Ok(set);
        }
    }
    if result.len() == 1 && result.contains_key("@language") {
        return Err(JsonLdError::Dropped {
            what: "an object with only a language",
            path: at.render(),
        });
    }
    let graph_container = property
        .and_then(|p| active.term(p))
        .is_some_and(|d| d.container.has(Container::GRAPH));
    if property.is_none() || expanded_property == Some("@graph") || graph_container {
        let what = if result.is_empty() {
            Some("an empty object")
        } else if result.contains_key("@value") || result.contains_key("@list") {
            Some("a value or list outside any property")
        } else if result.len() == 1 && result.contains_key("@id") {
            Some("an object with nothing but an id")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(JsonLdError::Dropped {
                what,
                path: at.render(),
            });
        }
    }
    Ok(Value::Object(result))
}

/// Value Expansion (§5.3.2).
fn expand_value(
    active: &ActiveContext,
    property: &str,
    value: &Value,
    at: &Location,
) -> Result<Value, JsonLdError> {
    let definition = active.term(property);
    let type_mapping = definition.and_then(|d| d.type_mapping.as_deref());
    if let Value::String(s) = value {
        let id = match type_mapping {
            Some("@id") => Some(expand_iri(active, s, true, false)?),
            Some("@vocab") => Some(expand_iri(active, s, true, true)?),
            _ => None,
        };
        if let Some(id) = id {
            let id = id.ok_or_else(|| JsonLdError::KeywordLikeKey {
                key: s.clone(),
                path: at.render(),
            })?;
            return Ok(json!({ "@id": id }));
        }
    }
    let mut result = Map::new();
    result.insert("@value".into(), value.clone());
    match type_mapping {
        Some("@id" | "@vocab" | "@none") | None => {
            if value.is_string() {
                let language = match definition.and_then(|d| d.language.as_ref()) {
                    Some(language) => language.as_ref(),
                    None => active.language.as_ref(),
                };
                let direction = match definition.and_then(|d| d.direction) {
                    Some(direction) => direction,
                    None => active.direction,
                };
                if let Some(language) = language {
                    result.insert("@language".into(), language.clone().into());
                }
                if let Some(direction) = direction {
                    result.insert("@direction".into(), direction_name(direction).into());
                }
            }
        }
        Some(datatype) => {
            result.insert("@type".into(), datatype.into());
        }
    }
    Ok(Value::Object(result))
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Ltr => "ltr",
        Direction::Rtl => "rtl",
    }
}

/// What step 13 of §5.1.2 needs to expand the entries of one node object (and its nests).
struct Entries<'a> {
    active: &'a Arc<ActiveContext>,
    type_scoped: &'a Arc<ActiveContext>,
    property: Option<&'a str>,
    expanded_property: Option<&'a str>,
    input_type: Option<&'a str>,
    depth: usize,
}

impl Entries<'_> {
    fn expand(
        &self,
        element: &Map<String, Value>,
        result: &mut Map<String, Value>,
        at: &Location,
    ) -> Result<(), JsonLdError> {
        let active = self.active;
        let depth = self.depth + 1;
        let mut keys: Vec<&String> = element.keys().collect();
        keys.sort();
        let mut nests: Vec<&str> = Vec::new();
        for key in keys {
            let value = &element[key];
            if key == "@context" {
                continue;
            }
            let here = at.key(key);
            if keyword_form(key) && !is_keyword(key) {
                return Err(JsonLdError::KeywordLikeKey {
                    key: key.clone(),
                    path: here.render(),
                });
            }
            let expanded = match expand_key(active, key)? {
                Some(p) if is_keyword(&p) || is_absolute_iri(&p) => p,
                _ => {
                    return Err(JsonLdError::UndefinedTerm {
                        term: key.clone(),
                        path: here.render(),
                    });
                }
            };
            if is_keyword(&expanded) {
                if self.expanded_property == Some("@reverse") {
                    return Err(invalid(
                        "invalid reverse property map",
                        "a @reverse map cannot hold keywords",
                        &here,
                    ));
                }
                if result.contains_key(&expanded)
                    && !matches!(expanded.as_str(), "@included" | "@type")
                {
                    return Err(invalid(
                        "colliding keywords",
                        format!("{expanded} is given twice"),
                        &here,
                    ));
                }
                if expanded == "@nest" {
                    nests.push(key);
                    continue;
                }
                if let Some(value) = self.keyword(&expanded, value, result, &here, depth)? {
                    result.insert(expanded, value);
                }
                continue;
            }
            let definition = active.term(key);
            let container = definition.map(|d| d.container).unwrap_or_default();
            let expanded_value =
                if definition.and_then(|d| d.type_mapping.as_deref()) == Some("@json") {
                    json!({ "@value": value, "@type": "@json" })
                } else if container.has(Container::LANGUAGE) && value.is_object() {
                    self.language_map(key, value, &here)?
                } else if (container.has(Container::INDEX)
                    || container.has(Container::TYPE)
                    || container.has(Container::ID))
                    && value.is_object()
                {
                    self.index_map(key, container, value, &here, depth)?
                } else {
                    expand(active, Some(key), value, false, &here, depth)?
                };
            if expanded_value.is_null() {
                continue;
            }
            let mut expanded_value = expanded_value;
            if container.has(Container::LIST) && !is_list_object(&expanded_value) {
                expanded_value = json!({ "@list": into_array(expanded_value) });
            }
            if container.has(Container::GRAPH)
                && !container.has(Container::ID)
                && !container.has(Container::INDEX)
            {
                expanded_value = Value::Array(
                    into_array(expanded_value)
                        .into_iter()
                        .map(|item| json!({ "@graph": into_array(item) }))
                        .collect(),
                );
            }
            if definition.is_some_and(|d| d.reverse) {
                let reverse = result
                    .entry("@reverse")
                    .or_insert_with(|| Value::Object(Map::new()));
                for item in into_array(expanded_value) {
                    if is_value_object(&item) || is_list_object(&item) {
                        return Err(invalid(
                            "invalid reverse property value",
                            "a reverse property's value must be a node",
                            &here,
                        ));
                    }
                    push(reverse, &expanded, item);
                }
            } else {
                add_values(result, &expanded, expanded_value);
            }
        }
        nests.sort_unstable();
        for nest in nests {
            let here = at.key(nest);
            for (i, nested) in as_slice(&element[nest]).iter().enumerate() {
                let there = here.index(i);
                let Value::Object(nested) = nested else {
                    return Err(invalid(
                        "invalid @nest value",
                        "a nested value must be an object",
                        &there,
                    ));
                };
                for key in nested.keys() {
                    if expand_key(active, key)?.as_deref() == Some("@value") {
                        return Err(invalid(
                            "invalid @nest value",
                            "a nested object cannot be a value",
                            &there,
                        ));
                    }
                }
                let deeper = Entries { depth, ..*self };
                deeper.expand(nested, result, &there)?;
            }
        }
        Ok(())
    }

    /// Step 13.4: an entry whose key is a keyword. `None`: nothing to set.
    fn keyword(
        &self,
        keyword: &str,
        value: &Value,
        result: &mut Map<String, Value>,
        at: &Location,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        let active = self.active;
        let expanded = match keyword {
            "@id" => {
                let Value::String(id) = value else {
                    return Err(invalid("invalid @id value", "@id must be a string", at));
                };
                Value::String(absolute(
                    expand_iri(active, id, true, false)?,
                    "@id",
                    id,
                    at,
                )?)
            }
            "@type" => {
                let types: Vec<&str> = match value {
                    Value::String(s) => vec![s],
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str())
                        .collect::<Option<Vec<&str>>>()
                        .ok_or_else(|| {
                            invalid("invalid type value", "@type must be strings", at)
                        })?,
                    _ => {
                        return Err(invalid("invalid type value", "@type must be strings", at));
                    }
                };
                let mut expanded = Vec::with_capacity(types.len());
                for t in &types {
                    let iri = expand_iri(self.type_scoped, t, true, true)?;
                    expanded.push(Value::String(absolute(iri, "@type", t, at)?));
                }
                if let Some(existing) = result.remove("@type") {
                    let mut all = into_array(existing);
                    all.extend(expanded);
                    Value::Array(all)
                } else if value.is_string() {
                    expanded.swap_remove(0)
                } else {
                    Value::Array(expanded)
                }
            }
            "@graph" => Value::Array(into_array(expand(
                active,
                Some("@graph"),
                value,
                false,
                at,
                depth,
            )?)),
            "@included" => {
                let items = into_array(expand(active, None, value, false, at, depth)?);
                if items
                    .iter()
                    .any(|i| !i.is_object() || is_value_object(i) || is_list_object(i))
                {
                    return Err(invalid(
                        "invalid @included value",
                        "@included must hold nodes",
                        at,
                    ));
                }
                let mut all = result
                    .remove("@included")
                    .map(into_array)
                    .unwrap_or_default();
                all.extend(items);
                Value::Array(all)
            }
            "@value" => {
                if self.input_type == Some("@json") {
                    value.clone()
                } else if value.is_object() || value.is_array() {
                    return Err(invalid(
                        "invalid value object value",
                        "@value must be a string, number, boolean or null",
                        at,
                    ));
                } else {
                    // null stays, to be refused with the whole value object below.
                    return Ok(Some(value.clone()));
                }
            }
            "@language" => {
                let Value::String(tag) = value else {
                    return Err(invalid(
                        "invalid language-tagged string",
                        "@language must be a string",
                        at,
                    ));
                };
                if !well_formed_language(tag) {
                    return Err(JsonLdError::InvalidLanguage {
                        tag: tag.clone(),
                        path: at.render(),
                    });
                }
                Value::String(tag.to_lowercase())
            }
            "@direction" => match value.as_str() {
                Some(d @ ("ltr" | "rtl")) => Value::String(d.into()),
                _ => return Err(invalid("invalid base direction", "ltr or rtl", at)),
            },
            "@index" => match value {
                Value::String(_) => value.clone(),
                _ => {
                    return Err(invalid(
                        "invalid @index value",
                        "@index must be a string",
                        at,
                    ));
                }
            },
            "@list" => {
                if self.property.is_none() || self.expanded_property == Some("@graph") {
                    return Err(JsonLdError::Dropped {
                        what: "a list outside any property",
                        path: at.render(),
                    });
                }
                Value::Array(into_array(expand(
                    active,
                    self.property,
                    value,
                    false,
                    at,
                    depth,
                )?))
            }
            "@set" => expand(active, self.property, value, false, at, depth)?,
            "@reverse" => {
                if !value.is_object() {
                    return Err(invalid(
                        "invalid @reverse value",
                        "@reverse must be an object",
                        at,
                    ));
                }
                let Value::Object(mut reversed) =
                    expand(active, Some("@reverse"), value, false, at, depth)?
                else {
                    return Ok(None);
                };
                if let Some(Value::Object(double)) = reversed.remove("@reverse") {
                    for (property, items) in double {
                        add_values(result, &property, items);
                    }
                }
                if !reversed.is_empty() {
                    let reverse = result
                        .entry("@reverse")
                        .or_insert_with(|| Value::Object(Map::new()));
                    for (property, items) in reversed {
                        for item in into_array(items) {
                            if is_value_object(&item) || is_list_object(&item) {
                                return Err(invalid(
                                    "invalid reverse property value",
                                    "a reverse property's value must be a node",
                                    at,
                                ));
                            }
                            push(reverse, &property, item);
                        }
                    }
                }
                return Ok(None);
            }
            other => {
                return Err(invalid(
                    "invalid keyword",
                    format!("{other} cannot be used in a node"),
                    at,
                ));
            }
        };
        Ok((!expanded.is_null()).then_some(expanded))
    }

    /// Step 13.7: a language map.
    fn language_map(&self, key: &str, value: &Value, at: &Location) -> Result<Value, JsonLdError> {
        let active = self.active;
        let definition = active.term(key);
        let direction = match definition.and_then(|d| d.direction) {
            Some(direction) => direction,
            None => active.direction,
        };
        let mut out = Vec::new();
        let Value::Object(map) = value else {
            return Ok(Value::Null);
        };
        let mut languages: Vec<&String> = map.keys().collect();
        languages.sort();
        for language in languages {
            let here = at.key(language);
            for item in as_slice(&map[language]) {
                let Value::String(text) = item else {
                    if item.is_null() {
                        continue;
                    }
                    return Err(invalid(
                        "invalid language map value",
                        "a language map holds strings",
                        &here,
                    ));
                };
                let mut v = Map::new();
                v.insert("@value".into(), text.clone().into());
                let none = language == "@none"
                    || expand_key(active, language)?.as_deref() == Some("@none");
                if !none {
                    if !well_formed_language(language) {
                        return Err(JsonLdError::InvalidLanguage {
                            tag: language.clone(),
                            path: here.render(),
                        });
                    }
                    v.insert("@language".into(), language.to_lowercase().into());
                }
                if let Some(direction) = direction {
                    v.insert("@direction".into(), direction_name(direction).into());
                }
                out.push(Value::Object(v));
            }
        }
        Ok(Value::Array(out))
    }

    /// Step 13.8: an index, id or type map.
    fn index_map(
        &self,
        key: &str,
        container: Container,
        value: &Value,
        at: &Location,
        depth: usize,
    ) -> Result<Value, JsonLdError> {
        let active = self.active;
        let Value::Object(map) = value else {
            return Ok(Value::Null);
        };
        let index_key = active
            .term(key)
            .and_then(|d| d.index.clone())
            .unwrap_or_else(|| "@index".into());
        let mut out = Vec::new();
        let mut indexes: Vec<&String> = map.keys().collect();
        indexes.sort();
        for index in indexes {
            let here = at.key(index);
            let mut map_context = if container.has(Container::ID) || container.has(Container::TYPE)
            {
                active
                    .previous
                    .clone()
                    .unwrap_or_else(|| Arc::clone(active))
            } else {
                Arc::clone(active)
            };
            if container.has(Container::TYPE)
                && let Some(scoped) = map_context.term(index).and_then(|d| d.context.clone())
            {
                map_context = apply_scoped(&map_context, &scoped, Apply::EMBEDDED, &here)?;
            }
            let expanded_index = expand_key(active, index)?;
            let none = expanded_index.as_deref() == Some("@none");
            let items = Value::Array(as_slice(&map[index]).to_vec());
            let items = into_array(expand(&map_context, Some(key), &items, true, &here, depth)?);
            for item in items {
                let mut item = item;
                if container.has(Container::GRAPH) && !is_graph_object(&item) {
                    item = json!({ "@graph": into_array(item) });
                }
                let Value::Object(object) = &mut item else {
                    continue;
                };
                if container.has(Container::INDEX) && index_key != "@index" && !none {
                    let re_expanded =
                        expand_value(active, &index_key, &Value::String(index.clone()), &here)?;
                    let property = match expand_key(active, &index_key)? {
                        Some(p) if is_absolute_iri(&p) => p,
                        _ => {
                            return Err(JsonLdError::UndefinedTerm {
                                term: index_key.clone(),
                                path: here.render(),
                            });
                        }
                    };
                    if object.contains_key("@value") {
                        return Err(invalid(
                            "invalid value object",
                            "a property-valued index cannot index a value",
                            &here,
                        ));
                    }
                    let mut values = vec![re_expanded];
                    values.extend(object.remove(&property).map(into_array).unwrap_or_default());
                    object.insert(property, Value::Array(values));
                } else if container.has(Container::INDEX) && !object.contains_key("@index") && !none
                {
                    object.insert("@index".into(), Value::String(index.clone()));
                } else if container.has(Container::ID) && !object.contains_key("@id") && !none {
                    let id = expand_iri(active, index, true, false)?;
                    object.insert(
                        "@id".into(),
                        Value::String(absolute(id, "@id", index, &here)?),
                    );
                } else if container.has(Container::TYPE) && !none {
                    let mut types = vec![Value::String(absolute(
                        expanded_index.clone(),
                        "@type",
                        index,
                        &here,
                    )?)];
                    types.extend(object.remove("@type").map(into_array).unwrap_or_default());
                    object.insert("@type".into(), Value::Array(types));
                }
                out.push(item);
            }
        }
        Ok(Value::Array(out))
    }
}

/// An expanded `@id` or `@type` must be an absolute IRI or a blank node: a relative one would be
/// dropped from the RDF, so the signature would not cover it.
fn absolute(
    expanded: Option<String>,
    what: &'static str,
    original: &str,
    at: &Location,
) -> Result<String, JsonLdError> {
    match expanded {
        Some(iri) if is_absolute_iri(&iri) => Ok(iri),
        Some(_) => Err(JsonLdError::RelativeIri {
            what,
            value: original.to_owned(),
            path: at.render(),
        }),
        None => Err(JsonLdError::KeywordLikeKey {
            key: original.to_owned(),
            path: at.render(),
        }),
    }
}

fn push(map: &mut Value, property: &str, item: Value) {
    if let Value::Object(map) = map {
        match map.entry(property) {
            serde_json::map::Entry::Occupied(mut e) => match e.get_mut() {
                Value::Array(items) => items.push(item),
                other => {
                    let first = other.take();
                    *other = Value::Array(vec![first, item]);
                }
            },
            serde_json::map::Entry::Vacant(e) => {
                e.insert(Value::Array(vec![item]));
            }
        }
    }
}

fn add_values(result: &mut Map<String, Value>, property: &str, values: Value) {
    let entry = result
        .entry(property)
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = entry {
        items.extend(into_array(values));
    }
}
