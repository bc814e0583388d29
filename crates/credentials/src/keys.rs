//! Ed25519 keys as Multikeys and `did:key` identifiers (W3C Controlled Identifiers, did:key).

use std::fmt;

use ed25519_dalek::{Signature, Signer};

/// Multicodec headers: `ed25519-pub` (0xed) and `ed25519-priv` (0x1300), as unsigned varints.
pub(crate) const ED25519_PUBLIC: [u8; 2] = [0xed, 0x01];
const ED25519_PRIVATE: [u8; 2] = [0x80, 0x26];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a key cannot be read.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum KeyError {
    #[error("not a base58btc multibase value (it must start with `z`)")]
    NotMultibase,
    #[error("the multibase value is not valid base58btc")]
    BadBase58,
    #[error("not an Ed25519 {0} Multikey")]
    NotEd25519(&'static str),
    #[error("the key bytes are not a valid Ed25519 key")]
    BadKey,
    #[error("`{0}` is not a did:key verification method (did:key:z…#z…)")]
    NotDidKey(String),
    #[error("the operating system gave no random bytes to make a key")]
    NoRandomness,
}

fn decode(multibase: &str, header: [u8; 2], what: &'static str) -> Result<[u8; 32], KeyError> {
    let encoded = multibase.strip_prefix('z').ok_or(KeyError::NotMultibase)?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| KeyError::BadBase58)?;
    match bytes.split_first_chunk::<2>() {
        Some((found, key)) if *found == header => {
            key.try_into().map_err(|_| KeyError::NotEd25519(what))
        }
        _ => Err(KeyError::NotEd25519(what)),
    }
}

fn encode(header: [u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The Multikey of a did:key verification method (`did:key:z…#z…`) or bare did:key, whatever
/// its algorithm.
pub(crate) fn did_key_multibase(verification_method: &str) -> Result<&str, KeyError> {
    let not = || KeyError::NotDidKey(verification_method.to_owned());
    let rest = verification_method
        .strip_prefix("did:key:")
        .ok_or_else(not)?;
    let (multibase, fragment) = rest.split_once('#').unwrap_or((rest, rest));
    if multibase != fragment {
        return Err(not());
    }
    Ok(multibase)
}

/// A private Ed25519 key. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A new key from the operating system's secure random source.
    pub fn generate() -> Result<SigningKey, KeyError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|_| KeyError::NoRandomness)?;
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&secret)))
    }

    /// From the 32 secret bytes (as stored encrypted at rest).
    pub fn from_bytes(secret: &[u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(secret))
    }

    /// The 32 secret bytes; handle them as a secret.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// From a `privateKeyMultibase` (`z3u2…`).
    pub fn from_multibase(multibase: &str) -> Result<SigningKey, KeyError> {
        let secret = decode(multibase, ED25519_PRIVATE, "private")?;
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&secret)))
    }

    /// The `privateKeyMultibase` form; handle it as a secret.
    pub fn to_multibase(&self) -> String {
        encode(ED25519_PRIVATE, &self.0.to_bytes())
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKey({}, secret redacted)",
            self.public_key().to_multibase()
        )
    }
}

/// A public Ed25519 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// From a `publicKeyMultibase` (`z6Mk…`).
    pub fn from_multibase(multibase: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_bytes(&decode(multibase, ED25519_PUBLIC, "public")?)
    }

    /// The `publicKeyMultibase` form (`z6Mk…`).
    pub fn to_multibase(&self) -> String {
        encode(ED25519_PUBLIC, self.0.as_bytes())
    }

    /// `did:key:z6Mk…`
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.to_multibase())
    }

    /// `did:key:z6Mk…#z6Mk…`, the verification method of a did:key.
    pub fn did_key_verification_method(&self) -> String {
        let multibase = self.to_multibase();
        format!("did:key:{multibase}#{multibase}")
    }

    /// Resolves a did:key verification method (or bare did:key) to its key, offline.
    pub fn from_did_key(verification_method: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_multibase(did_key_multibase(verification_method)?)
    }

    /// From the key's 32 bytes (as a JSON Web Key's `x` gives them).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::BadKey)
    }

    /// The key's 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Verifies an Ed25519 signature (strictly: no malleable or small-order forms).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = <[u8; 64]>::try_from(signature) else {
            return false;
        };
        let signature = Signature::from_bytes(&signature);
        // Strict: refuses small-order keys and non-canonical signatures (malleability).
        self.0.verify_strict(message, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_key_pair_round_trips() {
        let key =
            SigningKey::from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").unwrap();
        assert_eq!(
            key.public_key().to_multibase(),
            "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        );
        assert_eq!(
            key.to_multibase(),
            "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
        );
        assert!(
            !format!("{key:?}").contains("z3u2"),
            "the secret never shows in Debug"
        );
        let vm = key.public_key().did_key_verification_method();
        assert_eq!(PublicKey::from_did_key(&vm).unwrap(), key.public_key());
    }

    #[test]
    fn generated_keys_differ_and_sign() {
        let (a, b) = (
            SigningKey::generate().unwrap(),
            SigningKey::generate().unwrap(),
        );
        assert_ne!(a.public_key(), b.public_key());
        let signature = a.sign(b"hello");
        assert!(a.public_key().verify(b"hello", &signature));
        assert!(!b.public_key().verify(b"hello", &signature));
        assert_eq!(
            SigningKey::from_bytes(&a.to_bytes()).public_key(),
            a.public_key()
        );
    }

    #[test]
    fn broken_keys_are_named() {
        assert_eq!(
            PublicKey::from_multibase("u6Mk"),
            Err(KeyError::NotMultibase)
        );
        assert_eq!(PublicKey::from_multibase("z0OIl"), Err(KeyError::BadBase58));
        assert_eq!(
            PublicKey::from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"),
            Err(KeyError::NotEd25519("public"))
        );
        assert!(PublicKey::from_did_key("did:key:z6MkA#z6MkB").is_err());
        assert!(PublicKey::from_did_key("did:web:example.org").is_err());
    }
}
