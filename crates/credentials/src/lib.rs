//! Signed digital credentials: JSON-LD to RDF over bundled contexts in safe mode, RDF Dataset
//! Canonicalization (RDFC-1.0) with a work budget, Ed25519 Multikeys, did:key and did:web, and
//! Data Integrity proofs (`eddsa-rdfc-2022`, `eddsa-jcs-2022`, legacy `Ed25519Signature2020`).

pub mod data_integrity;
pub mod datetime;
pub mod did;
pub mod jsonld;
pub mod keys;
pub mod rdfc;
pub mod vc;
