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
    /// ECDSA over NIST P-256 with SHA-256 (JOSE `ES256`): the e-seals of Europass credentials.
    P256,
    /// RSA, signing RSASSA-PKCS1-v1_5 with SHA-256 (JOSE `RS256`): the e-seals most trust
    /// service providers issue, and the EU's own EDC issuer.
    Rsa,
}

impl KeyAlgorithm {
    /// Every algorithm microcred signs with.
    pub const ALL: [KeyAlgorithm; 3] =
        [KeyAlgorithm::Ed25519, KeyAlgorithm::P256, KeyAlgorithm::Rsa];

    /// The name stored with a key (the JOSE curve name).
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::P256 => "P-256",
            KeyAlgorithm::Rsa => "RSA",
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

/// An ECDSA P-256 private key. Signatures are deterministic (RFC 6979) over SHA-256 of the
/// message, in the fixed 64-byte `r ‖ s` form JWS (`ES256`) uses. Its `Debug` never shows the
/// secret.
#[derive(Clone)]
pub struct P256Key(p256::ecdsa::SigningKey);

impl P256Key {
    /// A new key from the operating system's secure random source.
    pub fn generate() -> Result<P256Key, SignerError> {
        loop {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(|_| SignerError::NoRandomness)?;
            // A value at or above the group order is not a key: draw again (p < 2^-32).
            if let Ok(key) = P256Key::from_bytes(&secret) {
                return Ok(key);
            }
        }
    }

    /// From the 32 secret bytes (big-endian scalar), as stored sealed at rest.
    pub fn from_bytes(secret: &[u8]) -> Result<P256Key, SignerError> {
        p256::ecdsa::SigningKey::from_slice(secret)
            .map(P256Key)
            .map_err(|_| SignerError::BadSecret(KeyAlgorithm::P256))
    }

    /// The 32 secret bytes; handle them as a secret.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }

    /// The public key, SEC1-encoded uncompressed (65 bytes: `04 ‖ x ‖ y`).
    pub fn public_key_sec1(&self) -> Vec<u8> {
        self.0
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }
}

impl fmt::Debug for P256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P256Key(secret redacted)")
    }
}

impl Signer for P256Key {
    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::P256
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: p256::ecdsa::Signature =
            p256::ecdsa::signature::Signer::sign(&self.0, message);
        signature.to_bytes().to_vec()
    }
}

/// An RSA private key signing RSASSA-PKCS1-v1_5 over SHA-256 (`RS256`). Kept at rest as its
/// PKCS#8 DER. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct RsaKey {
    key: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    private: rsa::RsaPrivateKey,
}

impl RsaKey {
    /// Smallest modulus accepted: 2048 bits, as ETSI and the EU's cryptographic catalogue ask.
    pub const MIN_BITS: usize = 2048;

    /// From a PKCS#8 DER private key (as stored sealed at rest, or imported from PEM).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<RsaKey, SignerError> {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PublicKeyParts;
        let private = rsa::RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|_| SignerError::BadSecret(KeyAlgorithm::Rsa))?;
        if private.size() * 8 < RsaKey::MIN_BITS {
            return Err(SignerError::WeakKey(private.size() * 8));
        }
        Ok(RsaKey {
            key: rsa::pkcs1v15::SigningKey::new(private.clone()),
            private,
        })
    }

    /// The PKCS#8 DER private key; handle it as a secret.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, SignerError> {
        use rsa::pkcs8::EncodePrivateKey;
        self.private
            .to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| SignerError::BadSecret(KeyAlgorithm::Rsa))
    }

    /// The public key, as a DER SubjectPublicKeyInfo.
    pub fn public_key_spki_der(&self) -> Result<Vec<u8>, SignerError> {
        use rsa::pkcs8::EncodePublicKey;
        self.private
            .to_public_key()
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| SignerError::BadSecret(KeyAlgorithm::Rsa))
    }
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaKey(secret redacted)")
    }
}

impl Signer for RsaKey {
    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::Rsa
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        use rsa::signature::{SignatureEncoding, Signer as _};
        self.key.sign(message).to_vec()
    }
}

impl P256Key {
    /// From a PKCS#8 DER private key (imported from PEM).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<P256Key, SignerError> {
        use p256::pkcs8::DecodePrivateKey;
        p256::ecdsa::SigningKey::from_pkcs8_der(der)
            .map(P256Key)
            .map_err(|_| SignerError::BadSecret(KeyAlgorithm::P256))
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
    #[error("the key algorithm `{0}` is not supported (Ed25519, P-256 and RSA are)")]
    UnknownAlgorithm(String),
    /// The secret's bytes are not a key of its algorithm.
    #[error("the secret is not an {0} key")]
    BadSecret(KeyAlgorithm),
    /// An RSA key too short to seal with (its size in bits).
    #[error("the RSA key has {0} bits: at least 2048 are needed")]
    WeakKey(usize),
    /// No random bytes to make a key from.
    #[error("the operating system gave no random bytes to make a key")]
    NoRandomness,
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
        Some(KeyAlgorithm::P256) => Ok(Arc::new(P256Key::from_bytes(secret)?)),
        Some(KeyAlgorithm::Rsa) => Ok(Arc::new(RsaKey::from_pkcs8_der(secret)?)),
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
            open_signer("RS256", &[0; 32]).unwrap_err(),
            SignerError::UnknownAlgorithm("RS256".into())
        );
        assert_eq!(
            open_signer("Ed25519", &[0; 31]).unwrap_err(),
            SignerError::BadSecret(KeyAlgorithm::Ed25519)
        );
        assert!(!format!("{signer:?}").contains(&key.to_multibase()));
    }

    #[test]
    fn a_p256_key_signs_es256_that_its_public_key_verifies() {
        use p256::ecdsa::signature::Verifier;
        let key = P256Key::generate().unwrap();
        let signer = open_signer("P-256", &key.to_bytes()).unwrap();
        assert_eq!(signer.algorithm(), KeyAlgorithm::P256);
        let signature = signer.sign(b"the payload");
        assert_eq!(signature.len(), 64, "r and s, 32 bytes each");
        let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key_sec1()).unwrap();
        let parsed = p256::ecdsa::Signature::from_slice(&signature).unwrap();
        assert!(public.verify(b"the payload", &parsed).is_ok());
        assert!(public.verify(b"another payload", &parsed).is_err());
        // Deterministic (RFC 6979): the same message, the same signature.
        assert_eq!(signer.sign(b"the payload"), signature);
        // The group order is not a key; zero is not either.
        assert!(P256Key::from_bytes(&[0xff; 32]).is_err());
        assert!(P256Key::from_bytes(&[0; 32]).is_err());
        assert_eq!(format!("{key:?}"), "P256Key(secret redacted)");
    }

    #[test]
    fn a_cryptosuite_refuses_a_key_of_another_algorithm() {
        use crate::data_integrity::{Cryptosuite, ProofError, ProofOptions, add_proof};
        let key = P256Key::generate().unwrap();
        let options = ProofOptions::assertion(
            Cryptosuite::EddsaRdfc2022,
            "did:example:a#k",
            "2026-12-05T00:00:00Z",
        );
        let document = serde_json::json!({ "@context": ["https://www.w3.org/ns/credentials/v2"] });
        assert!(matches!(
            add_proof(&document, &key, &options),
            Err(ProofError::WrongKeyAlgorithm { .. })
        ));
    }
}
