//! Signed digital credentials. So far: RDF Dataset Canonicalization (RDFC-1.0) with a work
//! budget, the base of the `eddsa-rdfc-2022` Data Integrity proofs to come.

pub mod rdfc;
