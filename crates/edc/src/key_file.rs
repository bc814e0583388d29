//! An e-seal as a file holds it: its certificate chain and its private key, sealed under a
//! passphrase (or, where the operator chose so, in plain text), as `microcred keys
//! generate --seal` and `microcred keys import-seal` write it and `microcred issue --key` reads
//! it.
//!
//! ```json
//! { "type": "JAdESSealKey", "controller": "did:web:…", "algorithm": "P-256",
//!   "certificates": ["MIIB…"], "sealedSecretKey": { … } }
//! ```

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use microcred_credentials::key_file::{ESeal, IssuerKey};
use microcred_credentials::sealed::{Sealed, open_with_passphrase, seal_with_passphrase};
use microcred_credentials::signer::{
    KeyAlgorithm, P256Key, RsaKey, Signer, SignerError, open_signer,
};

use crate::seal::SealKey;
use crate::x509::{CertificateError, SealCertificate, SealSubject, p256_spki_der, self_signed};

/// The `type` of a seal key file.
pub const SEAL_KEY_TYPE: &str = "JAdESSealKey";

/// A seal key file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SealKeyFile {
    /// [`SEAL_KEY_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// The issuer the seal belongs to, as credentials name it (its DID or URN).
    pub controller: String,
    /// `P-256` or `RSA`.
    pub algorithm: String,
    /// The certificate chain, base64 DER, the seal's own first.
    pub certificates: Vec<String>,
    /// The secret in plain text (base64), where the operator chose so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    /// The secret sealed under a passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_secret_key: Option<Sealed>,
}

/// Why a seal key cannot be made, read or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealKeyFileError {
    /// Not a seal key file.
    #[error("not a seal key file (its type is `{0}`, not `JAdESSealKey`)")]
    NotASealKey(String),
    /// The file holds no secret.
    #[error("the seal key file has no secret key")]
    NoSecret,
    /// The secret is sealed and no passphrase was given.
    #[error("the seal key file's secret is sealed: give its passphrase")]
    NeedsPassphrase,
    /// The passphrase does not open it, or it is damaged.
    #[error("the seal key cannot be opened: {0}")]
    Open(String),
    /// The key itself.
    #[error(transparent)]
    Key(#[from] SignerError),
    /// A certificate.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// The key and the certificates do not go together.
    #[error("{0}")]
    Seal(String),
    /// A PEM private key of a kind microcred does not read.
    #[error("{0}")]
    PrivateKey(String),
}

/// A private key read or made here, of a seal algorithm.
pub enum Signing {
    /// ECDSA P-256.
    P256(P256Key),
    /// RSA (boxed: its key is large beside P-256's).
    Rsa(Box<RsaKey>),
}

impl Signing {
    /// The key as a signer.
    pub fn signer(&self) -> Arc<dyn Signer> {
        match self {
            Signing::P256(k) => Arc::new(k.clone()),
            Signing::Rsa(k) => Arc::new((**k).clone()),
        }
    }

    /// The bytes `open_signer` reads for the key, as kept sealed at rest: P-256's 32-byte
    /// scalar, RSA's PKCS#8 DER. Handle them as a secret.
    pub fn secret_bytes(&self) -> Result<Vec<u8>, SealKeyFileError> {
        Ok(match self {
            Signing::P256(k) => k.to_bytes().to_vec(),
            Signing::Rsa(k) => k.to_pkcs8_der()?,
        })
    }
}

/// A new P-256 key with a self-signed certificate naming `subject`, valid `days` days: a trial
/// seal (every verification report names it as self-signed).
pub fn self_signed_seal(
    subject: &SealSubject,
    days: u32,
) -> Result<(Signing, SealCertificate), SealKeyFileError> {
    let key = P256Key::generate()?;
    let spki = p256_spki_der(&key.public_key_sec1())?;
    let certificate = self_signed(&key, &spki, subject, days)?;
    Ok((Signing::P256(key), certificate))
}

impl SealKeyFile {
    /// A seal key file of `key` with `chain` (checked to certify it), for `controller`; with a
    /// passphrase the secret is sealed, else written in plain text.
    pub fn new(
        key: &Signing,
        chain: &[SealCertificate],
        controller: &str,
        passphrase: Option<&str>,
    ) -> Result<SealKeyFile, SealKeyFileError> {
        let signer = key.signer();
        SealKey::new(signer.clone(), chain.to_vec())
            .map_err(|e| SealKeyFileError::Seal(e.to_string()))?;
        let secret = key.secret_bytes()?;
        let (secret_key, sealed_secret_key) = match passphrase {
            Some(passphrase) => (
                None,
                Some(
                    seal_with_passphrase(&secret, passphrase, controller.as_bytes())
                        .map_err(|e| SealKeyFileError::Open(e.to_string()))?,
                ),
            ),
            None => (Some(STANDARD.encode(&secret)), None),
        };
        Ok(SealKeyFile {
            kind: SEAL_KEY_TYPE.into(),
            controller: controller.to_owned(),
            algorithm: signer.algorithm().name().to_owned(),
            certificates: chain.iter().map(SealCertificate::to_base64).collect(),
            secret_key,
            sealed_secret_key,
        })
    }

    /// A new P-256 key with a self-signed certificate naming `subject`, valid `days` days: for
    /// trying microcred out (every verification report names such a seal as self-signed).
    pub fn generate_self_signed(
        subject: &SealSubject,
        controller: &str,
        days: u32,
        passphrase: Option<&str>,
    ) -> Result<SealKeyFile, SealKeyFileError> {
        let (key, certificate) = self_signed_seal(subject, days)?;
        SealKeyFile::new(&key, &[certificate], controller, passphrase)
    }

    /// Whether the secret is sealed under a passphrase.
    pub fn is_sealed(&self) -> bool {
        self.sealed_secret_key.is_some()
    }

    /// The certificate chain.
    pub fn chain(&self) -> Result<Vec<SealCertificate>, SealKeyFileError> {
        Ok(self
            .certificates
            .iter()
            .map(|c| SealCertificate::from_base64(c))
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// The algorithm and secret bytes, opened (handle them as a secret).
    pub fn secret(
        &self,
        passphrase: Option<&str>,
    ) -> Result<(KeyAlgorithm, Vec<u8>), SealKeyFileError> {
        if self.kind != SEAL_KEY_TYPE {
            return Err(SealKeyFileError::NotASealKey(self.kind.clone()));
        }
        let algorithm = KeyAlgorithm::parse(&self.algorithm)
            .ok_or_else(|| SignerError::UnknownAlgorithm(self.algorithm.clone()))?;
        let secret = match (&self.secret_key, &self.sealed_secret_key) {
            (Some(plain), _) => STANDARD
                .decode(plain)
                .map_err(|e| SealKeyFileError::Open(format!("secretKey is not base64: {e}")))?,
            (None, Some(sealed)) => {
                let passphrase = passphrase.ok_or(SealKeyFileError::NeedsPassphrase)?;
                open_with_passphrase(sealed, passphrase, self.controller.as_bytes())
                    .map_err(|e| SealKeyFileError::Open(e.to_string()))?
            }
            (None, None) => return Err(SealKeyFileError::NoSecret),
        };
        Ok((algorithm, secret))
    }

    /// The seal, ready to seal with, as an issuing body's key: it signs (`key`) as its e-seal.
    pub fn issuer_key(&self, passphrase: Option<&str>) -> Result<IssuerKey, SealKeyFileError> {
        let (algorithm, secret) = self.secret(passphrase)?;
        let signer = open_signer(algorithm.name(), &secret)?;
        let chain = self.chain()?;
        SealKey::new(signer.clone(), chain.clone())
            .map_err(|e| SealKeyFileError::Seal(e.to_string()))?;
        Ok(IssuerKey {
            key: signer.clone(),
            verification_method: format!("{}#seal", self.controller),
            controller: self.controller.clone(),
            e_seal: Some(ESeal {
                key: signer,
                certificate_chain: chain.iter().map(|c| c.der().to_vec()).collect(),
            }),
        })
    }
}

/// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`, P-256 or RSA), SEC1 (`EC PRIVATE KEY`) or
/// PKCS#1 (`RSA PRIVATE KEY`).
pub fn private_key_from_pem(text: &str) -> Result<Signing, SealKeyFileError> {
    use p256::pkcs8::DecodePrivateKey;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::EncodePrivateKey;
    if text.contains("ENCRYPTED PRIVATE KEY") {
        return Err(SealKeyFileError::PrivateKey(
            "the private key is encrypted (PKCS#8 with a password): give it as a PKCS#12 file, or decrypt it first (`openssl pkcs8 -in key.pem -out plain.pem`)".into(),
        ));
    }
    if text.contains("BEGIN PRIVATE KEY") {
        if let Ok(key) = p256::SecretKey::from_pkcs8_pem(text) {
            return Ok(Signing::P256(P256Key::from_bytes(&key.to_bytes())?));
        }
        if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(text) {
            let der = key
                .to_pkcs8_der()
                .map_err(|e| SealKeyFileError::PrivateKey(e.to_string()))?;
            return Ok(Signing::Rsa(Box::new(RsaKey::from_pkcs8_der(
                der.as_bytes(),
            )?)));
        }
        return Err(SealKeyFileError::PrivateKey(
            "the PKCS#8 private key is neither P-256 nor RSA".into(),
        ));
    }
    if text.contains("BEGIN EC PRIVATE KEY") {
        let key = p256::SecretKey::from_sec1_pem(text).map_err(|_| {
            SealKeyFileError::PrivateKey("the EC private key is not a P-256 key".into())
        })?;
        return Ok(Signing::P256(P256Key::from_bytes(&key.to_bytes())?));
    }
    if text.contains("BEGIN RSA PRIVATE KEY") {
        let key = rsa::RsaPrivateKey::from_pkcs1_pem(text)
            .map_err(|e| SealKeyFileError::PrivateKey(format!("the RSA private key: {e}")))?;
        let der = key
            .to_pkcs8_der()
            .map_err(|e| SealKeyFileError::PrivateKey(e.to_string()))?;
        return Ok(Signing::Rsa(Box::new(RsaKey::from_pkcs8_der(
            der.as_bytes(),
        )?)));
    }
    Err(SealKeyFileError::PrivateKey(
        "no PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY) found".into(),
    ))
}

/// Largest PKCS#12 file read.
pub const MAX_PKCS12_BYTES: usize = 256 * 1024;

/// Reads an e-seal from a PKCS#12 file (`.p12`, `.pfx`, as trust service providers deliver
/// them and as OpenSSL writes them: PBES2/AES or the legacy 3DES/RC2 encryptions) with its
/// password: the private key and its certificate chain, the seal's first.
pub fn from_pkcs12(
    bytes: &[u8],
    password: &str,
) -> Result<(Signing, Vec<SealCertificate>), SealKeyFileError> {
    if bytes.len() > MAX_PKCS12_BYTES {
        return Err(SealKeyFileError::PrivateKey(format!(
            "the PKCS#12 file has {} bytes; at most {MAX_PKCS12_BYTES} are read",
            bytes.len()
        )));
    }
    let store = p12_keystore::KeyStore::from_pkcs12(bytes, password).map_err(|e| {
        SealKeyFileError::PrivateKey(format!(
            "not a PKCS#12 file, or the password is wrong ({e})"
        ))
    })?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| {
        SealKeyFileError::PrivateKey("the PKCS#12 file holds no private key".into())
    })?;
    let key = if let Ok(key) = P256Key::from_pkcs8_der(chain.key()) {
        Signing::P256(key)
    } else {
        Signing::Rsa(Box::new(RsaKey::from_pkcs8_der(chain.key()).map_err(
            |e| match e {
                SignerError::WeakKey(_) => SealKeyFileError::Key(e),
                _ => SealKeyFileError::PrivateKey(
                    "the PKCS#12 private key is neither P-256 nor RSA".into(),
                ),
            },
        )?))
    };
    let certificates = chain
        .chain()
        .iter()
        .map(|c| SealCertificate::from_der(c.as_der()))
        .collect::<Result<Vec<_>, _>>()?;
    if certificates.is_empty() {
        return Err(SealKeyFileError::PrivateKey(
            "the PKCS#12 file holds no certificate for its key".into(),
        ));
    }
    Ok((key, certificates))
}
