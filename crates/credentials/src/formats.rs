//! Credential formats: how an awarded micro-credential becomes a signed credential document.
//!
//! Issuing asks every format the alliance issues in for a document of the same award, and
//! stores one document per format. A format is a module implementing [`CredentialFormat`]
//! registered in [`by_name`]; issuing, storage and the server do not change when one is added.
//! Today: `ob3-di`, an Open Badges 3.0 credential (W3C VC 2.0) with Data Integrity proofs,
//! one per awarding body (a proof set for a joint award).

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::data_integrity::{Cryptosuite, ProofError, ProofOptions, add_proof, proof_as_array};
use crate::datetime::DateTime;
use crate::key_file::IssuerKey;
use crate::open_badges::{AwardedMicroCredential, ProjectionError, open_badge_credential};

/// Why a format could not make its document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The award lacks what the format must state.
    #[error("{0}")]
    Projection(#[from] ProjectionError),
    /// A signature could not be made.
    #[error("signing failed: {0}")]
    Signing(#[from] ProofError),
    /// A format the award cannot be issued in as things stand (the reason says what is
    /// missing, e.g. an e-seal for a Europass credential).
    #[error("{0}")]
    Cannot(String),
}

/// A credential format microcred issues in.
pub trait CredentialFormat: Send + Sync + fmt::Debug {
    /// Its name, as stored with each document and chosen in settings: `ob3-di`.
    fn name(&self) -> &'static str;
    /// The media type its documents are served as.
    fn media_type(&self) -> &'static str;
    /// What [`CredentialFormat::sign`] makes the document from (usually the document, not yet
    /// signed): opaque to callers, who pass it back. Cheap: built while the issuing
    /// transaction runs.
    fn unsigned(&self, awarded: &AwardedMicroCredential<'_>) -> Result<Value, FormatError>;
    /// Whether these signers (the issuer first) can issue in this format: a format needing
    /// what a signer may lack (an e-seal) is skipped for their credentials, not failed.
    fn can_sign_with(&self, signers: &[IssuerKey]) -> bool {
        !signers.is_empty()
    }
    /// The document signed by every signer, in order (the issuer first). The costly part,
    /// run on worker threads.
    fn sign(
        &self,
        unsigned: &Value,
        signers: &[IssuerKey],
        created: DateTime,
    ) -> Result<Value, FormatError>;
}

/// Open Badges 3.0 with Data Integrity proofs (`eddsa-rdfc-2022` by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenBadgesDataIntegrity {
    /// The cryptosuite of its proofs.
    pub cryptosuite: Cryptosuite,
}

/// The name of [`OpenBadgesDataIntegrity`].
pub const OB3_DI: &str = "ob3-di";

impl Default for OpenBadgesDataIntegrity {
    fn default() -> Self {
        OpenBadgesDataIntegrity {
            cryptosuite: Cryptosuite::EddsaRdfc2022,
        }
    }
}

impl CredentialFormat for OpenBadgesDataIntegrity {
    fn name(&self) -> &'static str {
        OB3_DI
    }

    fn media_type(&self) -> &'static str {
        "application/vc+ld+json"
    }

    fn unsigned(&self, awarded: &AwardedMicroCredential<'_>) -> Result<Value, FormatError> {
        Ok(open_badge_credential(awarded)?)
    }

    fn sign(
        &self,
        unsigned: &Value,
        signers: &[IssuerKey],
        created: DateTime,
    ) -> Result<Value, FormatError> {
        let mut signed = unsigned.clone();
        for key in signers {
            let options = ProofOptions::assertion(
                self.cryptosuite,
                key.verification_method.clone(),
                created.to_string(),
            );
            signed = add_proof(&signed, key.key.as_ref(), &options)?;
        }
        // Open Badges 3.0 requires `proof` to be an array, even with one proof.
        proof_as_array(&mut signed);
        Ok(signed)
    }
}

/// Every format microcred issues in, by name.
pub fn by_name(name: &str) -> Option<Arc<dyn CredentialFormat>> {
    match name {
        OB3_DI => Some(Arc::new(OpenBadgesDataIntegrity::default())),
        _ => None,
    }
}

/// The names [`by_name`] knows.
pub const NAMES: &[&str] = &[OB3_DI];
