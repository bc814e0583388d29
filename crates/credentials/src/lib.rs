//! Signed digital credentials: RDF Dataset Canonicalization (RDFC-1.0) with a work budget,
//! Ed25519 Multikeys and did:key, and Data Integrity proofs (`eddsa-jcs-2022` so far).

pub mod data_integrity;
pub mod keys;
pub mod rdfc;
