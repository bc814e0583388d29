//! Signed digital credentials: JSON-LD to RDF over bundled contexts in safe mode, RDF Dataset
//! Canonicalization (RDFC-1.0) with a work budget, Ed25519 Multikeys, did:key and did:web, Data
//! Integrity proofs (`eddsa-rdfc-2022`, `eddsa-jcs-2022`, legacy `Ed25519Signature2020`),
//! Bitstring Status Lists, the Open Badges 3.0 projection of an awarded micro-credential, and
//! verification against an alliance's trust list.

pub mod baked;
pub mod data_integrity;
pub mod datetime;
pub mod did;
pub mod formats;
pub mod jsonld;
pub mod key_file;
pub mod keys;
pub mod open_badges;
pub mod rdfc;
pub mod sealed;
pub mod signer;
pub mod statement;
pub mod status_list;
pub mod trust;
pub mod vc;
pub mod vc_jwt;
pub mod verify;
pub mod verifying_key;
