//! JSON-LD to RDF over bundled contexts only, in safe mode, with a processed-context cache.
//!
//! Our own implementation of JSON-LD 1.1 expansion and RDF serialisation (rather than
//! `oxjsonld`'s, which re-processes every context on every document and silently drops what no
//! context defines): a signature must cover everything a credential says, and processing the
//! same contexts again for every credential was most of the cost of signing one.

pub mod bundled;
mod context;
mod error;
mod expand;
mod iri;
mod rdf;

use oxrdf::Quad;
use serde_json::Value;

pub use error::JsonLdError;
pub use expand::MAX_DEPTH;

/// Expands a document to JSON-LD expanded form (an array of node objects), in safe mode.
pub fn expand(document: &Value) -> Result<Vec<Value>, JsonLdError> {
    expand::expand_document(document)
}

/// Converts a JSON-LD document to RDF quads, in safe mode.
pub fn to_rdf(document: &Value) -> Result<Vec<Quad>, JsonLdError> {
    rdf::to_quads(&expand::expand_document(document)?)
}

/// A secured document's JSON-LD work, done once for a whole verification: the RDF of the
/// document without its top-level `proof` (what every Data Integrity proof of a proof set
/// signs, kept to be canonicalized) and the safe-mode check of the whole document, which the
/// data-model check reports. Expanding the whole document and then the unsecured one, as the
/// two checks would on their own, did the largest part of the work twice.
#[derive(Debug)]
pub struct SecuredRdf {
    /// The quads of the document without its `proof`.
    pub unsecured: Result<Vec<Quad>, JsonLdError>,
    /// Whether the whole document, proofs included, is JSON-LD that loses nothing.
    pub whole: Result<(), JsonLdError>,
}

impl SecuredRdf {
    /// Does the work for `document`.
    pub fn new(document: &Value) -> SecuredRdf {
        let Some(object) = document.as_object().filter(|o| o.contains_key("proof")) else {
            let unsecured = to_rdf(document);
            let whole = unsecured.as_ref().map(|_| ()).map_err(Clone::clone);
            return SecuredRdf { unsecured, whole };
        };
        let mut unsecured = object.clone();
        unsecured.remove("proof");
        let unsecured = to_rdf(&Value::Object(unsecured));
        let whole = match &unsecured {
            Err(e) => Err(e.clone()),
            // The proof, read as it is in the document: under the document's contexts and the
            // contexts its types bring (a type-scoped context can define `proof`). Should that
            // shortened reading fail, the whole document decides, so that an error is reported
            // as a full reading reports it.
            Ok(_) => {
                let mut proof_only = serde_json::Map::new();
                for key in ["@context", "type", "@type", "proof"] {
                    if let Some(value) = object.get(key) {
                        proof_only.insert(key.to_owned(), value.clone());
                    }
                }
                match to_rdf(&Value::Object(proof_only)) {
                    Ok(_) => Ok(()),
                    Err(_) => to_rdf(document).map(|_| ()),
                }
            }
        };
        SecuredRdf { unsecured, whole }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shared work decides as reading the whole document decides, and its quads are those
    /// of the document without its proof.
    #[test]
    fn secured_rdf_reads_as_the_whole_document_reads() {
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:learner", "name": "Zoë" },
            "proof": {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2026-01-01T00:00:00Z",
                "verificationMethod": "did:example:issuer#key-1",
                "proofPurpose": "assertionMethod",
                "proofValue": "z58"
            }
        });
        let mut undefined_in_proof = credential.clone();
        undefined_in_proof["proof"]["nickname"] = "x".into();
        let mut undefined_in_body = credential.clone();
        undefined_in_body["nickname"] = "x".into();
        let mut unsecured = credential.clone();
        unsecured.as_object_mut().unwrap().remove("proof");
        let mut no_context = credential.clone();
        no_context.as_object_mut().unwrap().remove("@context");
        for document in [
            &credential,
            &undefined_in_proof,
            &undefined_in_body,
            &unsecured,
            &no_context,
        ] {
            let shared = SecuredRdf::new(document);
            assert_eq!(shared.whole, to_rdf(document).map(|_| ()), "{document:#}");
        }
        let shared = SecuredRdf::new(&credential);
        assert_eq!(shared.unsecured, to_rdf(&unsecured));
        assert!(matches!(
            SecuredRdf::new(&undefined_in_proof).whole,
            Err(JsonLdError::UndefinedTerm { ref term, .. }) if term == "nickname"
        ));
    }
}
