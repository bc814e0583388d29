//! RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024), with a work budget.
//!
//! Our own implementation rather than oxrdf's because a verifier must refuse a "poison"
//! dataset (one crafted so canonicalization takes exponential time, RDFC-1.0 §4.4.2) in
//! bounded time, and oxrdf's has no bound. The budget counts Hash N-Degree Quads calls and the
//! permutations they try; legitimate credentials use a handful.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use oxrdf::{GraphNameRef, QuadRef};
use sha2::{Digest, Sha256, Sha384};

/// The hash function of RDFC-1.0 (SHA-256 unless a profile asks for SHA-384).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HashAlgorithm {
    #[default]
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
}

impl HashAlgorithm {
    fn hex(self, data: &str) -> String {
        match self {
            HashAlgorithm::Sha256 => hex::encode(Sha256::digest(data.as_bytes())),
            HashAlgorithm::Sha384 => hex::encode(Sha384::digest(data.as_bytes())),
        }
    }
}

/// How much work canonicalization may do before it gives up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkBudget {
    /// Hash N-Degree Quads calls plus permutations tried, at most.
    pub max_steps: u64,
}

impl Default for WorkBudget {
    fn default() -> Self {
        WorkBudget { max_steps: 50_000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a dataset cannot be canonicalized.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum CanonicalizationError {
    #[error(
        "the dataset is too complex to canonicalize (more than {0} steps): it may be a poison graph crafted to exhaust verifiers"
    )]
    TooComplex(u64),
}

/// A canonicalized dataset: its canonical N-Quads and the blank node labels issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canonical {
    /// Sorted, deduplicated canonical N-Quads, one quad per line, each ending in `\n`.
    pub nquads: String,
    /// Input blank node label → canonical label (`c14n0`, …), in issue order.
    pub issued: Vec<(String, String)>,
}

/// One quad with blank nodes kept as labels, so they can be relabelled while hashing. IRIs and
/// labels borrow from the input: a credential's quads are mostly IRIs, and copying each was
/// most of the allocations of canonicalizing one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node<'a> {
    /// An IRI, written `<…>`.
    Iri(&'a str),
    /// A literal (or any other term), already in canonical N-Quads form.
    Written(String),
    Blank(&'a str),
    Default,
}

type Quad<'a> = [Node<'a>; 4];

/// Canonicalizes quads given as oxrdf quads.
pub fn canonicalize<'a>(
    quads: impl IntoIterator<Item = QuadRef<'a>>,
    hash: HashAlgorithm,
    budget: WorkBudget,
) -> Result<Canonical, CanonicalizationError> {
    let mut quads: Vec<Quad<'a>> = quads.into_iter().map(convert).collect();
    // A dataset is a set: a quad given twice is one quad.
    quads.sort_unstable();
    quads.dedup();
    Canonicalizer::new(&quads, hash, budget).run()
}

fn convert(quad: QuadRef<'_>) -> Quad<'_> {
    let subject = match quad.subject {
        oxrdf::NamedOrBlankNodeRef::NamedNode(n) => Node::Iri(n.as_str()),
        oxrdf::NamedOrBlankNodeRef::BlankNode(b) => Node::Blank(b.as_str()),
    };
    let predicate = Node::Iri(quad.predicate.as_str());
    let object = match quad.object {
        oxrdf::TermRef::NamedNode(n) => Node::Iri(n.as_str()),
        oxrdf::TermRef::BlankNode(b) => Node::Blank(b.as_str()),
        oxrdf::TermRef::Literal(l) => {
            Node::Written(literal(l.value(), l.language(), l.datatype().as_str()))
        }
        #[allow(unreachable_patterns)]
        other => Node::Written(other.to_string()),
    };
    let graph = match quad.graph_name {
        GraphNameRef::NamedNode(n) => Node::Iri(n.as_str()),
        GraphNameRef::BlankNode(b) => Node::Blank(b.as_str()),
        GraphNameRef::DefaultGraph => Node::Default,
    };
    [subject, predicate, object, graph]
}

/// A literal in canonical N-Quads form (RDFC-1.0 §4.3 and RDF 1.1 N-Quads canonical form).
fn literal(value: &str, language: Option<&str>, datatype: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{7}' | '\u{b}' | '\u{e}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
    out.push('"');
    match language {
        Some(language) => {
            out.push('@');
            out.push_str(language);
        }
        None if datatype != "http://www.w3.org/2001/XMLSchema#string" => {
            let _ = write!(out, "^^<{datatype}>");
        }
        None => {}
    }
    out
}

/// Serializes a quad, naming blank nodes with `name`.
fn serialize(quad: &Quad<'_>, name: &dyn Fn(&str) -> String) -> String {
    let mut line = String::with_capacity(160);
    for node in quad {
        match node {
            Node::Iri(iri) => {
                line.push('<');
                line.push_str(iri);
                line.push_str("> ");
            }
            Node::Written(text) => {
                line.push_str(text);
                line.push(' ');
            }
            Node::Blank(label) => {
                line.push_str("_:");
                line.push_str(&name(label));
                line.push(' ');
            }
            Node::Default => {}
        }
    }
    line.push_str(".\n");
    line
}

/// Issues identifiers with a prefix and a counter, remembering the order (RDFC-1.0 §4.5).
#[derive(Clone, Debug)]
struct IdentifierIssuer {
    prefix: &'static str,
    issued: HashMap<String, String>,
    order: Vec<String>,
}

impl IdentifierIssuer {
    fn new(prefix: &'static str) -> Self {
        IdentifierIssuer {
            prefix,
            issued: HashMap::new(),
            order: Vec::new(),
        }
    }

    fn issue(&mut self, existing: &str) -> String {
        if let Some(id) = self.issued.get(existing) {
            return id.clone();
        }
        let id = format!("{}{}", self.prefix, self.order.len());
        self.issued.insert(existing.to_owned(), id.clone());
        self.order.push(existing.to_owned());
        id
    }

    fn get(&self, existing: &str) -> Option<&String> {
        self.issued.get(existing)
    }
}

struct Canonicalizer<'q> {
    quads: &'q [Quad<'q>],
    hash: HashAlgorithm,
    /// Blank node label → indexes of the quads that mention it.
    quads_of: HashMap<&'q str, Vec<usize>>,
    canonical: IdentifierIssuer,
    first_degree: HashMap<&'q str, String>,
    steps: u64,
    budget: WorkBudget,
}

impl<'q> Canonicalizer<'q> {
    fn new(quads: &'q [Quad<'q>], hash: HashAlgorithm, budget: WorkBudget) -> Self {
        let mut quads_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, quad) in quads.iter().enumerate() {
            for node in quad {
                if let Node::Blank(label) = node {
                    let list = quads_of.entry(*label).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        Canonicalizer {
            quads,
            hash,
            quads_of,
            canonical: IdentifierIssuer::new("c14n"),
            first_degree: HashMap::new(),
            steps: 0,
            budget,
        }
    }

    fn step(&mut self) -> Result<(), CanonicalizationError> {
        self.steps += 1;
        if self.steps > self.budget.max_steps {
            Err(CanonicalizationError::TooComplex(self.budget.max_steps))
        } else {
            Ok(())
        }
    }

    fn run(mut self) -> Result<Canonical, CanonicalizationError> {
        // §4.4.3 steps 2–3: first-degree hashes, grouped.
        let mut labels: Vec<&'q str> = self.quads_of.keys().copied().collect();
        labels.sort_unstable();
        let mut by_hash: BTreeMap<String, Vec<&'q str>> = BTreeMap::new();
        for label in labels {
            let hash = self.hash_first_degree(label);
            self.first_degree.insert(label, hash.clone());
            by_hash.entry(hash).or_default().push(label);
        }
        // Step 4: unique hashes get canonical identifiers in hash order.
        let mut shared = Vec::new();
        for (_, labels) in by_hash {
            if let [only] = labels.as_slice() {
                self.canonical.issue(only);
            } else {
                shared.push(labels);
            }
        }
        // Step 5: the rest, by N-degree hashes.
        for labels in shared {
            let mut paths: Vec<(String, IdentifierIssuer)> = Vec::new();
            for label in labels {
                if self.canonical.get(label).is_some() {
                    continue;
                }
                let mut temporary = IdentifierIssuer::new("b");
                temporary.issue(label);
                paths.push(self.hash_n_degree(label, temporary)?);
            }
            paths.sort_by(|a, b| a.0.cmp(&b.0));
            for (_, issuer) in paths {
                for existing in &issuer.order {
                    self.canonical.issue(existing);
                }
            }
        }
        // Step 6: the canonical N-Quads.
        let canonical = &self.canonical;
        let name = |label: &str| canonical.get(label).cloned().unwrap_or_default();
        let mut lines: Vec<String> = self.quads.iter().map(|q| serialize(q, &name)).collect();
        lines.sort_unstable();
        lines.dedup();
        let issued = canonical
            .order
            .iter()
            .map(|l| (l.clone(), canonical.issued[l].clone()))
            .collect();
        Ok(Canonical {
            nquads: lines.concat(),
            issued,
        })
    }

    /// §4.6: the hash of the quads mentioning `label`, with `a` for it and `z` for others.
    fn hash_first_degree(&self, label: &str) -> String {
        let name = |other: &str| {
            if other == label {
                "a".to_owned()
            } else {
                "z".to_owned()
            }
        };
        let mut lines: Vec<String> = self.quads_of[label]
            .iter()
            .map(|&i| serialize(&self.quads[i], &name))
            .collect();
        lines.sort_unstable();
        self.hash.hex(&lines.concat())
    }

    /// §4.7: the hash of a blank node related to another through a quad.
    fn hash_related(
        &self,
        related: &str,
        quad: &Quad<'_>,
        issuer: &IdentifierIssuer,
        position: char,
    ) -> String {
        let mut input = String::new();
        input.push(position);
        if position != 'g'
            && let Node::Iri(predicate) = &quad[1]
        {
            input.push('<');
            input.push_str(predicate);
            input.push('>');
        }
        if let Some(id) = self.canonical.get(related).or_else(|| issuer.get(related)) {
            input.push_str("_:");
            input.push_str(id);
        } else {
            input.push_str(&self.first_degree[related]);
        }
        self.hash.hex(&input)
    }

    /// §4.8: Hash N-Degree Quads.
    fn hash_n_degree(
        &mut self,
        label: &str,
        mut issuer: IdentifierIssuer,
    ) -> Result<(String, IdentifierIssuer), CanonicalizationError> {
        self.step()?;
        // Steps 1–3: related blank nodes grouped by their related hash.
        let mut related_by_hash: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for &i in &self.quads_of[label] {
            let quad = &self.quads[i];
            for (position, index) in [('s', 0), ('o', 2), ('g', 3)] {
                if let Node::Blank(related) = quad[index]
                    && related != label
                {
                    let hash = self.hash_related(related, quad, &issuer, position);
                    related_by_hash
                        .entry(hash)
                        .or_default()
                        .push(related.to_owned());
                }
            }
        }
        // Steps 4–5.
        let mut data = String::new();
        for (hash, related) in related_by_hash {
            data.push_str(&hash);
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<IdentifierIssuer> = None;
            let mut permutation = related.clone();
            permutation.sort_unstable();
            loop {
                self.step()?;
                if let Some((path, copy)) =
                    self.try_permutation(&permutation, &issuer, &chosen_path)?
                    && (chosen_path.is_empty() || path < chosen_path)
                {
                    chosen_path = path;
                    chosen_issuer = Some(copy);
                }
                if !next_permutation(&mut permutation) {
                    break;
                }
            }
            data.push_str(&chosen_path);
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((self.hash.hex(&data), issuer))
    }

    /// §4.8.3 step 5.4: the path of one permutation, or `None` when it cannot beat `chosen`.
    fn try_permutation(
        &mut self,
        permutation: &[String],
        issuer: &IdentifierIssuer,
        chosen: &str,
    ) -> Result<Option<(String, IdentifierIssuer)>, CanonicalizationError> {
        let worse = |path: &str| !chosen.is_empty() && path.len() >= chosen.len() && path > chosen;
        let mut copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for related in permutation {
            if let Some(id) = self.canonical.get(related) {
                path.push_str("_:");
                path.push_str(id);
            } else {
                if copy.get(related).is_none() {
                    recursion.push(related.clone());
                }
                path.push_str("_:");
                path.push_str(&copy.issue(related));
            }
            if worse(&path) {
                return Ok(None);
            }
        }
        for related in recursion {
            let (hash, result_issuer) = self.hash_n_degree(&related, copy.clone())?;
            path.push_str("_:");
            path.push_str(&copy.issue(&related));
            path.push('<');
            path.push_str(&hash);
            path.push('>');
            copy = result_issuer;
            if worse(&path) {
                return Ok(None);
            }
        }
        Ok(Some((path, copy)))
    }
}

/// Advances to the next lexicographic permutation; false after the last one.
fn next_permutation(items: &mut [String]) -> bool {
    let Some(i) = items.windows(2).rposition(|w| w[0] < w[1]) else {
        return false;
    };
    let j = items
        .iter()
        .rposition(|x| *x > items[i])
        .expect("a larger element exists after i");
    items.swap(i, j);
    items[i + 1..].reverse();
    true
}
