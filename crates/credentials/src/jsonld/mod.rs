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
