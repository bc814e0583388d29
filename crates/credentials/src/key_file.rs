//! A signing key as a file holds it: a Multikey document (as `@digitalbazaar/ed25519-multikey`
//! exports one) whose secret is sealed under a passphrase, or, where the operator chose so,
//! in plain text (`secretKeyMultibase`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::keys::{KeyError, PublicKey, SigningKey};
use crate::sealed::{SealError, Sealed, open_with_passphrase, seal_with_passphrase};
use crate::signer::Signer;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
/// A key file: a Multikey document with its secret, sealed or in plain text.
pub struct KeyFile {
    /// `Multikey`
    #[serde(rename = "type")]
    pub kind: String,
    /// The verification method: `did:key:z6Mk…#z6Mk…` or `did:web:…#key-1`.
    pub id: String,
    /// The DID that controls the key: the issuer.
    pub controller: String,
    /// The public key.
    pub public_key_multibase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The secret in plain text, where the operator chose so.
    pub secret_key_multibase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The secret sealed under a passphrase.
    pub sealed_secret_key: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a key file cannot be used.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum KeyFileError {
    #[error("the key file is not a Multikey (its type is `{0}`)")]
    NotMultikey(String),
    #[error("the key file has no secret key")]
    NoSecret,
    #[error("the key file's secret is sealed: give its passphrase")]
    NeedsPassphrase,
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("the secret key does not belong to the public key the file names")]
    Mismatch,
    #[error("`{0}` is not a verification method of `{1}`")]
    WrongController(String, String),
}

/// A key ready to sign, of any algorithm, with the names a proof gives it.
#[derive(Clone, Debug)]
pub struct IssuerKey {
    /// The key that signs.
    pub key: Arc<dyn Signer>,
    /// `verificationMethod` of proofs.
    pub verification_method: String,
    /// The issuer's DID.
    pub controller: String,
    /// The issuer's electronic seal, where it has one: what Europass credentials are sealed
    /// with (a JAdES seal needs an X.509 certificate, which a Data Integrity key does not).
    pub e_seal: Option<ESeal>,
}

/// An electronic seal's key and its X.509 certificate chain (DER, the seal's own first),
/// as the issuing formats receive it; the EDC crate reads the certificates.
#[derive(Clone, Debug)]
pub struct ESeal {
    /// The seal's private key (RSA or P-256).
    pub key: Arc<dyn Signer>,
    /// The certificate chain, DER, leaf first.
    pub certificate_chain: Vec<Vec<u8>>,
}

impl KeyFile {
    /// A key file for `key`, controlled by its did:key, or by `did_web` (as `#fragment`).
    /// With a passphrase the secret is sealed; without one it is written in plain text.
    pub fn new(
        key: &SigningKey,
        did_web: Option<(&str, &str)>,
        passphrase: Option<&str>,
    ) -> Result<KeyFile, KeyFileError> {
        let public = key.public_key();
        let (controller, id) = match did_web {
            Some((did, fragment)) => (did.to_owned(), format!("{did}#{fragment}")),
            None => (public.did_key(), public.did_key_verification_method()),
        };
        let (secret_key_multibase, sealed_secret_key) = match passphrase {
            Some(passphrase) => (
                None,
                Some(seal_with_passphrase(
                    &key.to_bytes(),
                    passphrase,
                    id.as_bytes(),
                )?),
            ),
            None => (Some(key.to_multibase()), None),
        };
        Ok(KeyFile {
            kind: "Multikey".into(),
            id,
            controller,
            public_key_multibase: public.to_multibase(),
            secret_key_multibase,
            sealed_secret_key,
        })
    }

    /// The public part only, safe to publish.
    pub fn public(&self) -> KeyFile {
        KeyFile {
            secret_key_multibase: None,
            sealed_secret_key: None,
            ..self.clone()
        }
    }

    /// The public key.
    pub fn public_key(&self) -> Result<PublicKey, KeyFileError> {
        Ok(PublicKey::from_multibase(&self.public_key_multibase)?)
    }

    /// Whether the secret is sealed under a passphrase.
    pub fn is_sealed(&self) -> bool {
        self.sealed_secret_key.is_some()
    }

    /// The key, opened with `passphrase` if it is sealed.
    pub fn issuer_key(&self, passphrase: Option<&str>) -> Result<IssuerKey, KeyFileError> {
        if self.kind != "Multikey" {
            return Err(KeyFileError::NotMultikey(self.kind.clone()));
        }
        if !self.id.starts_with(&format!("{}#", self.controller)) {
            return Err(KeyFileError::WrongController(
                self.id.clone(),
                self.controller.clone(),
            ));
        }
        let key = match (&self.secret_key_multibase, &self.sealed_secret_key) {
            (Some(multibase), _) => SigningKey::from_multibase(multibase)?,
            (None, Some(sealed)) => {
                let passphrase = passphrase.ok_or(KeyFileError::NeedsPassphrase)?;
                let bytes = open_with_passphrase(sealed, passphrase, self.id.as_bytes())?;
                let secret: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| KeyFileError::Seal(SealError::Malformed("not a 32-byte key")))?;
                SigningKey::from_bytes(&secret)
            }
            (None, None) => return Err(KeyFileError::NoSecret),
        };
        if key.public_key() != self.public_key()? {
            return Err(KeyFileError::Mismatch);
        }
        if self.controller.starts_with("did:key:")
            && self.id != key.public_key().did_key_verification_method()
        {
            return Err(KeyFileError::WrongController(
                self.id.clone(),
                self.controller.clone(),
            ));
        }
        Ok(IssuerKey {
            key: Arc::new(key),
            verification_method: self.id.clone(),
            controller: self.controller.clone(),
            e_seal: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_and_plain_key_files_open() {
        let key = SigningKey::generate().unwrap();
        let plain = KeyFile::new(&key, None, None).unwrap();
        let opened = plain.issuer_key(None).unwrap();
        assert_eq!(opened.key.sign(b"m"), key.sign(b"m").to_vec());
        assert_eq!(opened.controller, key.public_key().did_key());

        let sealed =
            KeyFile::new(&key, Some(("did:web:enhance.eu", "key-1")), Some("pass")).unwrap();
        let text = serde_json::to_string(&sealed).unwrap();
        assert!(
            !text.contains(&key.to_multibase()),
            "the secret is not in the file"
        );
        assert_eq!(
            sealed.issuer_key(None).unwrap_err(),
            KeyFileError::NeedsPassphrase
        );
        assert!(matches!(
            sealed.issuer_key(Some("wrong")),
            Err(KeyFileError::Seal(SealError::WrongKey))
        ));
        let opened = sealed.issuer_key(Some("pass")).unwrap();
        assert_eq!(opened.verification_method, "did:web:enhance.eu#key-1");
        assert!(sealed.public().sealed_secret_key.is_none());
    }

    #[test]
    fn a_key_file_whose_parts_disagree_is_refused() {
        let key = SigningKey::generate().unwrap();
        let other = SigningKey::generate().unwrap();
        let mut file = KeyFile::new(&key, None, None).unwrap();
        file.public_key_multibase = other.public_key().to_multibase();
        assert_eq!(file.issuer_key(None).unwrap_err(), KeyFileError::Mismatch);
    }
}
