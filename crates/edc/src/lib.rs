//! Europass Digital Credentials (European Learning Model 3.2), the second credential format of
//! microcred (issue 15 builds it here, apart from the Open Badges crate, as lemmy keeps a
//! second protocol in its own crate).
//!
//! So far: [`concepts`], the EU Vocabularies concepts an EDC states for the 16 elements —
//! countries, languages, EQF levels, ISCED-F fields, learning settings, modes, supervision and
//! identity verification, assessment types, the ECTS framework, the credential profile — from
//! tables compiled into the product (nothing is fetched at run time).

pub mod concepts;
#[rustfmt::skip]
mod eu_countries;
