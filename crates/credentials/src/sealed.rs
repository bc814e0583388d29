//! Secrets encrypted at rest: a signing key's 32 secret bytes sealed with ChaCha20-Poly1305
//! under a key-encryption key, which comes from configuration (the platform) or from a
//! passphrase through Argon2id (a key file on a registrar's disk).

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a sealed secret cannot be sealed or opened.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum SealError {
    #[error("the sealed secret cannot be opened: wrong passphrase or key, or the data was changed")]
    WrongKey,
    #[error("the sealed secret is malformed: {0}")]
    Malformed(&'static str),
    #[error("the operating system gave no random bytes")]
    NoRandomness,
    #[error("the passphrase is empty")]
    EmptyPassphrase,
}

/// How a key-encryption key was derived from a passphrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PassphraseKdf {
    /// `argon2id`
    pub algorithm: String,
    /// The salt, base64url.
    pub salt: String,
    /// Argon2id memory, in KiB.
    pub memory_kib: u32,
    /// Argon2id passes.
    pub iterations: u32,
    /// Argon2id lanes.
    pub parallelism: u32,
}

/// A secret sealed with ChaCha20-Poly1305.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Sealed {
    /// `chacha20poly1305`
    pub cipher: String,
    /// base64url, 12 bytes.
    pub nonce: String,
    /// base64url: the secret and its 16-byte tag.
    pub ciphertext: String,
    /// Present when the key-encryption key comes from a passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<PassphraseKdf>,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| SealError::NoRandomness)?;
    Ok(bytes)
}

/// Seals `secret` under a 32-byte key-encryption key; `context` is bound to it (e.g. the key's
/// id), so a sealed secret cannot be moved to another record unnoticed.
pub fn seal(secret: &[u8], kek: &[u8; 32], context: &[u8]) -> Result<Sealed, SealError> {
    let nonce = random::<12>()?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(kek));
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: context,
            },
        )
        .map_err(|_| SealError::Malformed("encryption failed"))?;
    Ok(Sealed {
        cipher: "chacha20poly1305".into(),
        nonce: B64.encode(nonce),
        ciphertext: B64.encode(ciphertext),
        kdf: None,
    })
}

/// Opens a secret sealed by [`seal`].
pub fn open(sealed: &Sealed, kek: &[u8; 32], context: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.cipher != "chacha20poly1305" {
        return Err(SealError::Malformed("unknown cipher"));
    }
    let nonce = B64
        .decode(&sealed.nonce)
        .ok()
        .filter(|n| n.len() == 12)
        .ok_or(SealError::Malformed("bad nonce"))?;
    let ciphertext = B64
        .decode(&sealed.ciphertext)
        .map_err(|_| SealError::Malformed("bad ciphertext"))?;
    ChaCha20Poly1305::new(Key::from_slice(kek))
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad: context,
            },
        )
        .map_err(|_| SealError::WrongKey)
}

/// Argon2id parameters for passphrases: OWASP's minimum (19 MiB, 2 passes).
fn default_params() -> (u32, u32, u32) {
    (19 * 1024, 2, 1)
}

fn derive(passphrase: &str, kdf: &PassphraseKdf) -> Result<[u8; 32], SealError> {
    if kdf.algorithm != "argon2id" {
        return Err(SealError::Malformed("unknown key derivation"));
    }
    let salt = B64
        .decode(&kdf.salt)
        .map_err(|_| SealError::Malformed("bad salt"))?;
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|_| SealError::Malformed("bad key derivation parameters"))?;
    if kdf.memory_kib > 1024 * 1024 || kdf.iterations > 64 {
        return Err(SealError::Malformed("key derivation parameters too large"));
    }
    let mut kek = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut kek)
        .map_err(|_| SealError::Malformed("key derivation failed"))?;
    Ok(kek)
}

/// Seals `secret` under a passphrase.
pub fn seal_with_passphrase(
    secret: &[u8],
    passphrase: &str,
    context: &[u8],
) -> Result<Sealed, SealError> {
    if passphrase.is_empty() {
        return Err(SealError::EmptyPassphrase);
    }
    let (memory_kib, iterations, parallelism) = default_params();
    let kdf = PassphraseKdf {
        algorithm: "argon2id".into(),
        salt: B64.encode(random::<16>()?),
        memory_kib,
        iterations,
        parallelism,
    };
    let kek = derive(passphrase, &kdf)?;
    let mut sealed = seal(secret, &kek, context)?;
    sealed.kdf = Some(kdf);
    Ok(sealed)
}

/// Opens a secret sealed under a passphrase.
pub fn open_with_passphrase(
    sealed: &Sealed,
    passphrase: &str,
    context: &[u8],
) -> Result<Vec<u8>, SealError> {
    let kdf = sealed
        .kdf
        .as_ref()
        .ok_or(SealError::Malformed("not sealed with a passphrase"))?;
    open(sealed, &derive(passphrase, kdf)?, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let kek = [7u8; 32];
        let sealed = seal(b"secret bytes", &kek, b"key-1").unwrap();
        assert_eq!(open(&sealed, &kek, b"key-1").unwrap(), b"secret bytes");
        assert_eq!(
            open(&sealed, &[8u8; 32], b"key-1"),
            Err(SealError::WrongKey)
        );
        assert_eq!(open(&sealed, &kek, b"key-2"), Err(SealError::WrongKey));
        let json = serde_json::to_string(&sealed).unwrap();
        assert!(!json.contains("secret"));
    }

    #[test]
    fn passphrases_derive_the_key() {
        let sealed = seal_with_passphrase(&[1u8; 32], "correct horse", b"k").unwrap();
        assert_eq!(
            open_with_passphrase(&sealed, "correct horse", b"k").unwrap(),
            [1u8; 32]
        );
        assert_eq!(
            open_with_passphrase(&sealed, "wrong", b"k"),
            Err(SealError::WrongKey)
        );
        assert_eq!(
            seal_with_passphrase(b"x", "", b"k"),
            Err(SealError::EmptyPassphrase)
        );
    }
}
