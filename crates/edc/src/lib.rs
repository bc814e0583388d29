//! Europass Digital Credentials (European Learning Model 3.2), the second credential format of
//! microcred, apart from the Open Badges crate (as lemmy keeps a second protocol in its own
//! crate): the EU Vocabularies [`concepts`] compiled in (nothing is fetched at run time), the
//! EDC projection of an award ([`credential`]), the format behind the issuing seam
//! ([`format`]), JAdES seals ([`seal`]) with X.509 certificates ([`x509`]) and seal key files
//! ([`key_file`]), and verification in the same verdict model as Open Badges ([`verify`]).

pub mod concepts;
pub mod credential;
pub mod format;
pub mod key_file;
pub mod seal;
pub mod verify;
pub mod x509;
#[rustfmt::skip]
mod eu_countries;
