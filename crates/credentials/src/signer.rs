//! Who signs: a key of one signature algorithm behind one trait. Data Integrity proofs, status
//! lists and every credential format sign through [`Signer`], so a new algorithm (P-256, RSA
//! with an X.509 certificate chain) is a new implementation here and a cryptosuite that names
//! it, not edits across the issuing paths.

use std::fmt;
use std::sync::Arc;

use crate::keys::SigningKey;

/// The signature algorithm of an issuer's key, as stored beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// EdDSA over Curve25519 (RFC 8032): `eddsa-rdfc-2022`, `eddsa-jcs-2022`.
    Ed25519,
}

impl KeyAlgorithm {
    /// Every algorithm microcred signs with.
    pub const ALL: [KeyAlgorithm; 1] = [KeyAlgorithm::Ed25519];

    /// The name stored with a key (the JOSE `crv`/`alg` family name).
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "Ed25519",
        }
    }

    /// The algorithm a stored name says, if microcred knows it.
    pub fn parse(name: &str) -> Option<KeyAlgorithm> {
        KeyAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A private key that signs bytes. Its `Debug` must never show the secret.
pub trait Signer: Send + Sync + fmt::Debug {
    /// Its algorithm: which cryptosuites may use it.
    fn algorithm(&self) -> KeyAlgorithm;
    /// The signature of `message`, in the algorithm's raw encoding (64 bytes for Ed25519).
    fn sign(&self, message: &[u8]) -> Vec<u8>;
}

impl Signer for SigningKey {
    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::Ed25519
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        SigningKey::sign(self, message).to_vec()
    }
}

/// A shared signer signs as the one it shares.
impl<S: Signer + ?Sized> Signer for Arc<S> {
    fn algorithm(&self) -> KeyAlgorithm {
        (**self).algorithm()
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        (**self).sign(message)
    }
}

/// Why a stored secret cannot become a signer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// The stored algorithm name is not one microcred signs with.
    #[error("the key algorithm `{0}` is not supported (Ed25519 is)")]
    UnknownAlgorithm(String),
    /// The secret's bytes are not a key of its algorithm.
    #[error("the secret is not an {0} key")]
    BadSecret(KeyAlgorithm),
}

/// A signer from a key's stored algorithm name and secret bytes (as kept sealed at rest).
pub fn open_signer(algorithm: &str, secret: &[u8]) -> Result<Arc<dyn Signer>, SignerError> {
    match KeyAlgorithm::parse(algorithm) {
        Some(KeyAlgorithm::Ed25519) => {
            let secret: [u8; 32] = secret
                .try_into()
                .map_err(|_| SignerError::BadSecret(KeyAlgorithm::Ed25519))?;
            Ok(Arc::new(SigningKey::from_bytes(&secret)))
        }
        None => Err(SignerError::UnknownAlgorithm(algorithm.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_secret_opens_as_its_algorithm() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let signer = open_signer("Ed25519", &key.to_bytes()).unwrap();
        assert_eq!(signer.algorithm(), KeyAlgorithm::Ed25519);
        assert_eq!(signer.sign(b"m"), key.sign(b"m").to_vec());
        assert_eq!(
            open_signer("P-256", &[0; 32]).unwrap_err(),
            SignerError::UnknownAlgorithm("P-256".into())
        );
        assert_eq!(
            open_signer("Ed25519", &[0; 31]).unwrap_err(),
            SignerError::BadSecret(KeyAlgorithm::Ed25519)
        );
        assert!(!format!("{signer:?}").contains(&key.to_multibase()));
    }
}
