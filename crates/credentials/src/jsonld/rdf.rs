//! Expanded JSON-LD to RDF quads (JSON-LD 1.1 Processing Algorithms §7.2 and §8.1–8.3 in one
//! walk: nodes are flattened as they are met, blank nodes relabelled `b0`, `b1`, …).

use std::collections::HashMap;

use oxrdf::{BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Number, Value};

use super::error::JsonLdError;
use super::iri::is_absolute_iri;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const I18N: &str = "https://www.w3.org/ns/i18n#";

/// Converts expanded JSON-LD (as from `expand_document`) to quads.
pub fn to_quads(expanded: &[Value]) -> Result<Vec<Quad>, JsonLdError> {
    let mut writer = Writer::default();
    for node in expanded {
        if let Value::Object(node) = node {
            writer.node(node, &GraphName::DefaultGraph)?;
        }
    }
    Ok(writer.quads)
}

#[derive(Default)]
struct Writer {
    quads: Vec<Quad>,
    labels: HashMap<String, BlankNode>,
    counter: u64,
}

fn relative(what: &'static str, value: &str) -> JsonLdError {
    JsonLdError::RelativeIri {
        what,
        value: value.to_owned(),
        path: "the expanded document".into(),
    }
}

impl Writer {
    fn fresh(&mut self) -> BlankNode {
        let node = BlankNode::new_unchecked(format!("b{}", self.counter));
        self.counter += 1;
        node
    }

    fn blank(&mut self, label: &str) -> BlankNode {
        if let Some(node) = self.labels.get(label) {
            return node.clone();
        }
        let node = self.fresh();
        self.labels.insert(label.to_owned(), node.clone());
        node
    }

    /// An IRI or blank node identifier as a subject or object.
    fn resource(&mut self, id: &str, what: &'static str) -> Result<NamedOrBlankNode, JsonLdError> {
        if let Some(label) = id.strip_prefix("_:") {
            Ok(self.blank(label).into())
        } else if is_absolute_iri(id) {
            Ok(NamedNode::new_unchecked(id).into())
        } else {
            Err(relative(what, id))
        }
    }

    /// Writes a node object's quads into `graph`; returns its subject.
    fn node(
        &mut self,
        node: &Map<String, Value>,
        graph: &GraphName,
    ) -> Result<NamedOrBlankNode, JsonLdError> {
        let subject = match node.get("@id").and_then(Value::as_str) {
            Some(id) => self.resource(id, "a subject")?,
            None => self.fresh().into(),
        };
        for (property, values) in node {
            match property.as_str() {
                "@id" | "@index" => {}
                "@type" => {
                    for kind in as_slice(values).iter().filter_map(Value::as_str) {
                        let object = self.resource(kind, "a type")?;
                        self.push(subject.clone(), RDF_TYPE, object.into(), graph);
                    }
                }
                "@graph" => {
                    let name = GraphName::from(subject.clone());
                    for item in as_slice(values) {
                        if let Value::Object(inner) = item
                            && !inner.contains_key("@value")
                            && !inner.contains_key("@list")
                        {
                            self.node(inner, &name)?;
                        }
                    }
                }
                "@included" => {
                    for item in as_slice(values) {
                        if let Value::Object(inner) = item {
                            self.node(inner, graph)?;
                        }
                    }
                }
                "@reverse" => {
                    let Value::Object(reverse) = values else {
                        continue;
                    };
                    for (reverse_property, items) in reverse {
                        for item in as_slice(items) {
                            if let Value::Object(inner) = item {
                                let other = self.node(inner, graph)?;
                                self.predicate_check(reverse_property)?;
                                self.push(other, reverse_property, subject.clone().into(), graph);
                            }
                        }
                    }
                }
                keyword if keyword.starts_with('@') => {}
                _ => {
                    self.predicate_check(property)?;
                    for item in as_slice(values) {
                        if let Some(object) = self.object(item, graph)? {
                            self.push(subject.clone(), property, object, graph);
                        }
                    }
                }
            }
        }
        Ok(subject)
    }

    fn predicate_check(&self, property: &str) -> Result<(), JsonLdError> {
        if property.starts_with("_:") {
            return Err(JsonLdError::Invalid {
                code: "blank node predicate",
                detail: format!(
                    "`{property}` is a blank node, which RDF does not allow as a property"
                ),
                path: "the expanded document".into(),
            });
        }
        if !is_absolute_iri(property) {
            return Err(relative("a property", property));
        }
        Ok(())
    }

    fn push(
        &mut self,
        subject: NamedOrBlankNode,
        predicate: &str,
        object: Term,
        graph: &GraphName,
    ) {
        self.quads.push(Quad::new(
            subject,
            NamedNode::new_unchecked(predicate),
            object,
            graph.clone(),
        ));
    }

    /// Object to RDF Conversion (§8.2), writing nested nodes and lists as it goes.
    fn object(&mut self, item: &Value, graph: &GraphName) -> Result<Option<Term>, JsonLdError> {
        let Value::Object(map) = item else {
            return Ok(None);
        };
        if let Some(list) = map.get("@list") {
            return Ok(Some(self.list(as_slice(list), graph)?));
        }
        if map.contains_key("@value") {
            return literal(map).map(|l| l.map(Term::from));
        }
        Ok(Some(self.node(map, graph)?.into()))
    }

    /// List to RDF Conversion (§8.3).
    fn list(&mut self, items: &[Value], graph: &GraphName) -> Result<Term, JsonLdError> {
        if items.is_empty() {
            return Ok(NamedNode::new_unchecked(RDF_NIL).into());
        }
        let nodes: Vec<BlankNode> = items.iter().map(|_| self.fresh()).collect();
        for (i, item) in items.iter().enumerate() {
            let subject: NamedOrBlankNode = nodes[i].clone().into();
            if let Some(object) = self.object(item, graph)? {
                self.push(subject.clone(), RDF_FIRST, object, graph);
            }
            let rest: Term = match nodes.get(i + 1) {
                Some(next) => next.clone().into(),
                None => NamedNode::new_unchecked(RDF_NIL).into(),
            };
            self.push(subject, RDF_REST, rest, graph);
        }
        Ok(nodes[0].clone().into())
    }
}

fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// A value object as a literal, in the lexical forms jsonld.js produces.
fn literal(map: &Map<String, Value>) -> Result<Option<Literal>, JsonLdError> {
    let value = &map["@value"];
    let datatype = map.get("@type").and_then(Value::as_str);
    if let (Some(direction), Value::String(text)) =
        (map.get("@direction").and_then(Value::as_str), value)
    {
        // rdfDirection "i18n-datatype", as digitalbazaar's cryptosuites canonicalize.
        let language = map
            .get("@language")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_lowercase();
        return Ok(Some(Literal::new_typed_literal(
            text.clone(),
            NamedNode::new_unchecked(format!("{I18N}{language}_{direction}")),
        )));
    }
    if datatype == Some("@json") {
        let canonical =
            serde_json_canonicalizer::to_string(value).map_err(|e| JsonLdError::Invalid {
                code: "invalid JSON literal",
                detail: e.to_string(),
                path: "the expanded document".into(),
            })?;
        return Ok(Some(Literal::new_typed_literal(
            canonical,
            NamedNode::new_unchecked(RDF_JSON),
        )));
    }
    let typed = |lexical: String, default: &str| {
        Literal::new_typed_literal(
            lexical,
            NamedNode::new_unchecked(datatype.unwrap_or(default)),
        )
    };
    Ok(Some(match value {
        Value::Bool(b) => typed(b.to_string(), XSD_BOOLEAN),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            let integral = n.is_i64() || n.is_u64() || (f.fract() == 0.0 && f.abs() < 1e21);
            if integral && datatype != Some(XSD_DOUBLE) {
                typed(integer_lexical(n, f), XSD_INTEGER)
            } else {
                typed(double_lexical(f), XSD_DOUBLE)
            }
        }
        Value::String(s) => match (datatype, map.get("@language").and_then(Value::as_str)) {
            (None, Some(language)) => {
                Literal::new_language_tagged_literal_unchecked(s.clone(), language.to_owned())
            }
            (None, None) => {
                Literal::new_typed_literal(s.clone(), NamedNode::new_unchecked(XSD_STRING))
            }
            (Some(dt), _) => Literal::new_typed_literal(s.clone(), NamedNode::new_unchecked(dt)),
        },
        _ => return Ok(None),
    }))
}

fn integer_lexical(n: &Number, f: f64) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.to_string(),
        (_, Some(u)) => u.to_string(),
        _ => format!("{f:.0}"),
    }
}

/// The canonical xsd:double form jsonld.js writes: `toExponential(15)` with trailing zeros
/// removed from the mantissa (`5.3E0`, `1.0E-1`).
fn double_lexical(f: f64) -> String {
    let formatted = format!("{f:.15e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let mantissa = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            let trimmed = fraction.trim_end_matches('0');
            format!("{whole}.{}", if trimmed.is_empty() { "0" } else { trimmed })
        }
        None => format!("{mantissa}.0"),
    };
    format!("{mantissa}E{exponent}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_take_the_canonical_form() {
        assert_eq!(double_lexical(5.3), "5.3E0");
        assert_eq!(double_lexical(0.1), "1.0E-1");
        assert_eq!(double_lexical(12345.678), "1.2345678E4");
        assert_eq!(double_lexical(-2.5e-7), "-2.5E-7");
        assert_eq!(double_lexical(1e21), "1.0E21");
    }
}
