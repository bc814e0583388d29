//! W3C Data Integrity proofs (vc-data-integrity, vc-di-eddsa, vc-di-ecdsa): creating and
//! verifying `DataIntegrityProof`s with `eddsa-rdfc-2022`, `eddsa-jcs-2022`, `ecdsa-rdfc-2019`
//! and `ecdsa-jcs-2019` (P-256), proof sets and proof chains (`previousProof`), and verifying
//! legacy `Ed25519Signature2020` proofs.

use std::cell::OnceCell;

use oxrdf::Quad;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::datetime::DateTime;
use crate::did::{DidError, DidResolver};
use crate::jsonld::{self, JsonLdError, bundled};
use crate::rdfc::{CanonicalizationError, HashAlgorithm, WorkBudget, canonicalize};
use crate::signer::{KeyAlgorithm, Signer};

/// The context that defines Data Integrity terms for documents whose own contexts do not
/// (VC 1.1); the VC 2.0 context defines them itself.
const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// The Data Integrity cryptosuites microcred signs and verifies.
pub enum Cryptosuite {
    /// JSON-LD to RDF, RDF Dataset Canonicalization (RDFC-1.0), then SHA-256 and Ed25519.
    EddsaRdfc2022,
    /// JSON Canonicalization Scheme (RFC 8785), then SHA-256 and Ed25519.
    EddsaJcs2022,
    /// RDFC-1.0, then SHA-256 and ECDSA over P-256 (vc-di-ecdsa).
    EcdsaRdfc2019,
    /// JCS, then SHA-256 and ECDSA over P-256 (vc-di-ecdsa).
    EcdsaJcs2019,
}

impl Cryptosuite {
    /// Every cryptosuite.
    pub const ALL: [Cryptosuite; 4] = [
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::EddsaJcs2022,
        Cryptosuite::EcdsaRdfc2019,
        Cryptosuite::EcdsaJcs2019,
    ];

    /// Its name, as proofs state it.
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
            Cryptosuite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
            Cryptosuite::EcdsaJcs2019 => "ecdsa-jcs-2019",
        }
    }

    /// The cryptosuite a proof names, if known.
    pub fn parse(name: &str) -> Option<Cryptosuite> {
        Cryptosuite::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The key algorithm its signatures are made with.
    pub fn algorithm(self) -> KeyAlgorithm {
        match self {
            Cryptosuite::EddsaRdfc2022 | Cryptosuite::EddsaJcs2022 => KeyAlgorithm::Ed25519,
            Cryptosuite::EcdsaRdfc2019 | Cryptosuite::EcdsaJcs2019 => KeyAlgorithm::P256,
        }
    }

    /// The suite of `algorithm` that canonicalizes with RDFC (`eddsa-rdfc-2022` for Ed25519,
    /// `ecdsa-rdfc-2019` for P-256), if there is one.
    pub fn rdfc_for(algorithm: KeyAlgorithm) -> Option<Cryptosuite> {
        match algorithm {
            KeyAlgorithm::Ed25519 => Some(Cryptosuite::EddsaRdfc2022),
            KeyAlgorithm::P256 => Some(Cryptosuite::EcdsaRdfc2019),
            KeyAlgorithm::Rsa => None,
        }
    }
}

/// How a proof's signed bytes are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Canonicalization {
    Rdfc,
    Jcs,
}

/// What a new proof says besides its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofOptions {
    /// The cryptosuite.
    pub cryptosuite: Cryptosuite,
    /// The key's id (`did:…#…`), as verifiers resolve it.
    pub verification_method: String,
    /// An XML Schema dateTime, e.g. `2023-02-24T23:36:38Z`.
    pub created: String,
    /// `assertionMethod` for credentials, `authentication` for presentations.
    pub proof_purpose: String,
    /// The proof's own id, so that later proofs can chain to it.
    pub id: Option<String>,
    /// Ids of existing proofs this one endorses (a proof chain).
    pub previous_proof: Vec<String>,
    /// For presentations: the verifier's challenge and domain.
    pub challenge: Option<String>,
    /// The verifier's domain, for presentations.
    pub domain: Option<String>,
}

impl ProofOptions {
    /// An assertion proof (what an issuer signs a credential with).
    pub fn assertion(
        cryptosuite: Cryptosuite,
        verification_method: impl Into<String>,
        created: impl Into<String>,
    ) -> ProofOptions {
        ProofOptions {
            cryptosuite,
            verification_method: verification_method.into(),
            created: created.into(),
            proof_purpose: "assertionMethod".into(),
            id: None,
            previous_proof: Vec::new(),
            challenge: None,
            domain: None,
        }
    }
}

/// What a verifier expects of every proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectations {
    /// The purpose every proof must state.
    pub proof_purpose: String,
    /// The challenge a presentation's proof must carry.
    pub challenge: Option<String>,
    /// The domain a presentation's proof must carry.
    pub domain: Option<String>,
}

impl Expectations {
    /// Proofs by which an issuer asserts a credential.
    pub fn assertion() -> Expectations {
        Expectations {
            proof_purpose: "assertionMethod".into(),
            challenge: None,
            domain: None,
        }
    }
}

/// Proofs a document may carry (a proof set of several signers, or a short chain).
pub const MAX_PROOFS: usize = 8;

impl ProofError {
    /// Whether the error shows that what was signed was changed: a signature was checked and
    /// failed, or the proof no longer fits the document it came with. Anything else (no proof,
    /// an unsupported suite, a key that cannot be found) says nothing about tampering.
    pub fn shows_tampering(&self) -> bool {
        matches!(
            self,
            ProofError::SignatureMismatch
                | ProofError::BadProofValue
                | ProofError::ContextMismatch
                | ProofError::PreviousProofMissing(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a proof cannot be made or does not hold.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum ProofError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("the document has no @context, so it cannot be signed as JSON-LD")]
    NoContext,
    #[error("the document has no proof")]
    NoProof,
    #[error("{cryptosuite} signs with another algorithm than this {algorithm} key")]
    WrongKeyAlgorithm {
        cryptosuite: &'static str,
        algorithm: KeyAlgorithm,
    },
    #[error("the document has {0} proofs; at most {MAX_PROOFS} are checked")]
    TooManyProofs(usize),
    #[error("a proof is not a JSON object")]
    ProofNotAnObject,
    #[error("the proof lacks `{0}` or it is not a string")]
    MissingField(&'static str),
    #[error(
        "the proof type `{0}` is not supported (DataIntegrityProof and Ed25519Signature2020 are)"
    )]
    UnsupportedType(String),
    #[error(
        "the cryptosuite `{0}` is not supported (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 and ecdsa-jcs-2019 are)"
    )]
    UnsupportedCryptosuite(String),
    #[error("the proof's @context is not the start of the document's @context")]
    ContextMismatch,
    #[error("the proofValue is not a base58btc multibase signature of 64 bytes")]
    BadProofValue,
    #[error(
        "the proof's {suite} needs an {expected} key, but its verification method is an {found} key"
    )]
    KeyDoesNotFitSuite {
        suite: String,
        expected: KeyAlgorithm,
        found: KeyAlgorithm,
    },
    #[error("`created` is not an XML Schema dateTime: `{0}`")]
    BadCreated(String),
    #[error("the proof's purpose is `{found}`, but `{expected}` is required")]
    WrongPurpose { found: String, expected: String },
    #[error("the proof's {0} does not match the one the verifier expects")]
    WrongChallengeOrDomain(&'static str),
    #[error("the previous proof `{0}` this proof chains to is not in the document")]
    PreviousProofMissing(String),
    #[error("the verification method cannot be used: {0}")]
    VerificationMethod(#[from] DidError),
    #[error("the signature does not match the document")]
    SignatureMismatch,
    #[error("the document cannot be canonicalized: {0}")]
    Canonicalization(String),
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
    #[error(transparent)]
    TooComplex(#[from] CanonicalizationError),
}

fn context_list(context: &Value) -> Vec<&Value> {
    match context {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// Signs `document` and returns it with the new proof added: a second proof makes a proof set
/// (an array); `previous_proof` makes a chain.
pub fn add_proof(
    document: &Value,
    key: &dyn Signer,
    options: &ProofOptions,
) -> Result<Value, ProofError> {
    if key.algorithm() != options.cryptosuite.algorithm() {
        return Err(ProofError::WrongKeyAlgorithm {
            cryptosuite: options.cryptosuite.name(),
            algorithm: key.algorithm(),
        });
    }
    let mut unsecured = document.as_object().ok_or(ProofError::NotAnObject)?.clone();
    let existing = unsecured.remove("proof").map(into_list).unwrap_or_default();
    let context = unsecured.get_mut("@context").ok_or(ProofError::NoContext)?;
    let defines_proofs = context_list(context).iter().any(|c| {
        matches!(
            c.as_str(),
            Some(bundled::CREDENTIALS_V2 | DATA_INTEGRITY_V2)
        ) || c.as_str() == Some("https://w3id.org/security/data-integrity/v1")
    });
    if !defines_proofs {
        // As digitalbazaar's signers do: a VC 1.1 document gets the Data Integrity context.
        let mut list: Vec<Value> = context_list(context).into_iter().cloned().collect();
        list.push(DATA_INTEGRITY_V2.into());
        *context = Value::Array(list);
    }
    let mut proof = Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    if let Some(id) = &options.id {
        proof.insert("id".into(), id.clone().into());
    }
    proof.insert("cryptosuite".into(), options.cryptosuite.name().into());
    proof.insert("created".into(), options.created.clone().into());
    proof.insert(
        "verificationMethod".into(),
        options.verification_method.clone().into(),
    );
    proof.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    match options.previous_proof.as_slice() {
        [] => {}
        [one] => {
            proof.insert("previousProof".into(), one.clone().into());
        }
        many => {
            proof.insert("previousProof".into(), many.to_vec().into());
        }
    }
    if let Some(challenge) = &options.challenge {
        proof.insert("challenge".into(), challenge.clone().into());
    }
    if let Some(domain) = &options.domain {
        proof.insert("domain".into(), domain.clone().into());
    }
    let context = unsecured.get("@context").cloned().unwrap_or(Value::Null);
    let mut config = proof.clone();
    config.insert("@context".into(), context.clone());
    if canonicalization(options.cryptosuite) == Canonicalization::Jcs {
        // JCS has no other way to bind the contexts (vc-di-eddsa §3.3.5, vc-di-ecdsa §3.3.5).
        proof.insert("@context".into(), context);
    }
    let signed = with_previous_proofs(&unsecured, &existing, &options.previous_proof)?;
    let hash = hash_data(canonicalization(options.cryptosuite), signed, config)?;
    let signature = key.sign(&hash);
    proof.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(signature).into_string()).into(),
    );
    let mut proofs = existing;
    proofs.push(Value::Object(proof));
    unsecured.insert(
        "proof".into(),
        if proofs.len() == 1 {
            proofs.swap_remove(0)
        } else {
            Value::Array(proofs)
        },
    );
    Ok(Value::Object(unsecured))
}

/// Makes `proof` an array even when it holds one proof (Open Badges 3.0 requires it; the
/// signatures are unaffected, proofs are never signed over themselves).
pub fn proof_as_array(document: &mut Value) {
    if let Some(proof) = document.get_mut("proof")
        && !proof.is_array()
    {
        *proof = Value::Array(vec![proof.take()]);
    }
}

fn into_list(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        other => vec![other],
    }
}

fn canonicalization(suite: Cryptosuite) -> Canonicalization {
    match suite {
        Cryptosuite::EddsaRdfc2022 | Cryptosuite::EcdsaRdfc2019 => Canonicalization::Rdfc,
        Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019 => Canonicalization::Jcs,
    }
}

/// The document a chained proof signs: the unsecured document with the proofs it names.
fn with_previous_proofs(
    unsecured: &Map<String, Value>,
    proofs: &[Value],
    previous: &[String],
) -> Result<Map<String, Value>, ProofError> {
    let mut document = unsecured.clone();
    if previous.is_empty() {
        return Ok(document);
    }
    let mut matching = Vec::with_capacity(previous.len());
    for id in previous {
        let found = proofs
            .iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
            .ok_or_else(|| ProofError::PreviousProofMissing(id.clone()))?;
        matching.push(found.clone());
    }
    document.insert("proof".into(), Value::Array(matching));
    Ok(document)
}

/// The outcome of checking one proof of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofCheck {
    /// The proof's own id, if it has one.
    pub id: Option<String>,
    /// `eddsa-rdfc-2022`, `eddsa-jcs-2022`, `Ed25519Signature2020`, or what the proof says.
    pub suite: Option<String>,
    /// The key it names.
    pub verification_method: Option<String>,
    /// When it says it was made.
    pub created: Option<String>,
    /// Whether it holds, and if not why.
    pub result: Result<(), ProofError>,
}

/// Verifies every proof of `document` (a proof set: each against the document without proofs;
/// a chained proof: with the proofs it names).
pub fn verify_proofs(
    document: &Value,
    resolver: &DidResolver,
    expectations: &Expectations,
) -> Result<Vec<ProofCheck>, ProofError> {
    verify_secured_proofs(document, resolver, expectations, None)
}

/// [`verify_proofs`], with the RDF of the unsecured document already made (the verification
/// made it for the data-model check): proofs that sign the unsecured document as it is
/// canonicalize those quads, once for the whole proof set.
pub fn verify_secured_proofs(
    document: &Value,
    resolver: &DidResolver,
    expectations: &Expectations,
    rdf: Option<&jsonld::SecuredRdf>,
) -> Result<Vec<ProofCheck>, ProofError> {
    let mut unsecured = document.as_object().ok_or(ProofError::NotAnObject)?.clone();
    let proofs = into_list(unsecured.remove("proof").ok_or(ProofError::NoProof)?);
    if proofs.is_empty() {
        return Err(ProofError::NoProof);
    }
    // Each proof costs a canonicalization: a document with thousands of copies of its proof
    // must cost no more than a few.
    if proofs.len() > MAX_PROOFS {
        return Err(ProofError::TooManyProofs(proofs.len()));
    }
    let shared = UnsecuredHashes {
        quads: rdf.map(|r| &r.unsecured),
        rdfc: OnceCell::new(),
        jcs: OnceCell::new(),
    };
    Ok(proofs
        .iter()
        .map(|proof| {
            let field = |name: &str| proof.get(name).and_then(Value::as_str).map(str::to_owned);
            ProofCheck {
                id: field("id"),
                suite: field("cryptosuite").or_else(|| field("type")),
                verification_method: field("verificationMethod"),
                created: field("created"),
                result: verify_one(&unsecured, proof, &proofs, resolver, expectations, &shared),
            }
        })
        .collect())
}

/// The hash of the unsecured document under each canonicalization, made at most once for a
/// proof set (from the verification's quads when it has them).
struct UnsecuredHashes<'a> {
    quads: Option<&'a Result<Vec<Quad>, JsonLdError>>,
    rdfc: OnceCell<Result<Vec<u8>, ProofError>>,
    jcs: OnceCell<Result<Vec<u8>, ProofError>>,
}

impl UnsecuredHashes<'_> {
    fn hash(
        &self,
        canonicalization: Canonicalization,
        unsecured: &Map<String, Value>,
    ) -> Result<Vec<u8>, ProofError> {
        let cell = match canonicalization {
            Canonicalization::Rdfc => &self.rdfc,
            Canonicalization::Jcs => &self.jcs,
        };
        cell.get_or_init(|| match (canonicalization, self.quads) {
            (Canonicalization::Rdfc, Some(Ok(quads))) => rdfc_hash(quads),
            (Canonicalization::Rdfc, Some(Err(e))) => Err(ProofError::JsonLd(e.clone())),
            _ => document_hash(canonicalization, unsecured.clone()),
        })
        .clone()
    }
}

fn verify_one(
    unsecured: &Map<String, Value>,
    proof: &Value,
    all: &[Value],
    resolver: &DidResolver,
    expectations: &Expectations,
    shared: &UnsecuredHashes<'_>,
) -> Result<(), ProofError> {
    let mut options = proof
        .as_object()
        .ok_or(ProofError::ProofNotAnObject)?
        .clone();
    let text = |options: &Map<String, Value>, field: &'static str| {
        options
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(ProofError::MissingField(field))
    };
    let kind = text(&options, "type")?;
    let (canonicalization, algorithm, suite_name) = match kind.as_str() {
        "DataIntegrityProof" => {
            let name = text(&options, "cryptosuite")?;
            let suite =
                Cryptosuite::parse(&name).ok_or(ProofError::UnsupportedCryptosuite(name))?;
            (canonicalization(suite), suite.algorithm(), suite.name())
        }
        // The legacy suite (vc-di-eddsa §4): RDFC with the document's contexts.
        "Ed25519Signature2020" => (
            Canonicalization::Rdfc,
            KeyAlgorithm::Ed25519,
            "Ed25519Signature2020",
        ),
        _ => return Err(ProofError::UnsupportedType(kind)),
    };
    let value = text(&options, "proofValue")?;
    options.remove("proofValue");
    let purpose = text(&options, "proofPurpose")?;
    if purpose != expectations.proof_purpose {
        return Err(ProofError::WrongPurpose {
            found: purpose,
            expected: expectations.proof_purpose.clone(),
        });
    }
    for (field, expected) in [
        ("challenge", &expectations.challenge),
        ("domain", &expectations.domain),
    ] {
        if let Some(expected) = expected
            && options.get(field).and_then(Value::as_str) != Some(expected.as_str())
        {
            return Err(ProofError::WrongChallengeOrDomain(
                if field == "challenge" {
                    "challenge"
                } else {
                    "domain"
                },
            ));
        }
    }
    let created = text(&options, "created")?;
    if DateTime::parse(&created).is_none() {
        return Err(ProofError::BadCreated(created));
    }
    let method = text(&options, "verificationMethod")?;
    let previous: Vec<String> = match options.get("previousProof") {
        None => Vec::new(),
        Some(Value::String(id)) => vec![id.clone()],
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or(ProofError::MissingField("previousProof"))?,
        Some(_) => return Err(ProofError::MissingField("previousProof")),
    };
    // A proof over the unsecured document as it is (no previous proofs, the document's own
    // contexts) shares its hash with the verification.
    let as_it_is = previous.is_empty()
        && options
            .get("@context")
            .is_none_or(|context| unsecured.get("@context") == Some(context));
    // The document the proof signs, when it is not the unsecured document as it is.
    let mut document = if as_it_is {
        None
    } else {
        Some(with_previous_proofs(unsecured, all, &previous)?)
    };
    let signed = document.as_ref().unwrap_or(unsecured);
    match options.get("@context") {
        Some(context) => {
            // The proof's contexts must open the document's, in order (vc-di-eddsa §3.3.2).
            if !context_starts(signed.get("@context"), context) {
                return Err(ProofError::ContextMismatch);
            }
            if let Some(document) = &mut document {
                document.insert("@context".into(), context.clone());
            }
        }
        None => {
            let context = signed.get("@context").ok_or(ProofError::NoContext)?.clone();
            options.insert("@context".into(), context);
        }
    }
    let signature = value
        .strip_prefix('z')
        .and_then(|b58| bs58::decode(b58).into_vec().ok())
        .filter(|bytes| bytes.len() == 64)
        .ok_or(ProofError::BadProofValue)?;
    let key = resolver.resolve(&method, &purpose)?;
    if key.algorithm() != algorithm {
        return Err(ProofError::KeyDoesNotFitSuite {
            suite: suite_name.to_owned(),
            expected: algorithm,
            found: key.algorithm(),
        });
    }
    let mut hash = document_hash(canonicalization, options)?;
    hash.extend_from_slice(&match document {
        None => shared.hash(canonicalization, unsecured)?,
        Some(document) => document_hash(canonicalization, document)?,
    });
    if key.verify(&hash, &signature) {
        Ok(())
    } else {
        Err(ProofError::SignatureMismatch)
    }
}

fn context_starts(document: Option<&Value>, proof: &Value) -> bool {
    let Some(document) = document else {
        return false;
    };
    let (document, proof) = (context_list(document), context_list(proof));
    document.len() >= proof.len() && document[..proof.len()] == proof[..]
}

/// hash(canonical proof configuration) ‖ hash(canonical document): the signed bytes.
fn hash_data(
    canonicalization: Canonicalization,
    document: Map<String, Value>,
    proof_config: Map<String, Value>,
) -> Result<Vec<u8>, ProofError> {
    let mut hash = document_hash(canonicalization, proof_config)?;
    hash.extend_from_slice(&document_hash(canonicalization, document)?);
    Ok(hash)
}

/// SHA-256 of a document's (or a proof configuration's) canonical form.
fn document_hash(
    canonicalization: Canonicalization,
    document: Map<String, Value>,
) -> Result<Vec<u8>, ProofError> {
    match canonicalization {
        Canonicalization::Jcs => serde_json_canonicalizer::to_vec(&document)
            .map(|bytes| Sha256::digest(bytes).to_vec())
            .map_err(|e| ProofError::Canonicalization(e.to_string())),
        Canonicalization::Rdfc => rdfc_hash(&jsonld::to_rdf(&Value::Object(document))?),
    }
}

/// SHA-256 of the canonical N-Quads (RDFC-1.0) of a dataset.
fn rdfc_hash(quads: &[Quad]) -> Result<Vec<u8>, ProofError> {
    let canonical = canonicalize(
        quads.iter().map(|q| q.as_ref()),
        HashAlgorithm::Sha256,
        WorkBudget::default(),
    )?;
    Ok(Sha256::digest(canonical.nquads.as_bytes()).to_vec())
}
