//! Public keys of every algorithm microcred verifies, however they are written: Multikeys
//! (`z6Mk…` Ed25519, `zDn…` P-256), JSON Web Keys (OKP Ed25519, EC P-256, RSA) and X.509
//! certificates (through the EDC crate). One place decides which signature a key checks: Data
//! Integrity cryptosuites, VC-JWT and JAdES all call [`VerifyingKey::verify_jose`] or
//! [`VerifyingKey::verify`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::keys::{ED25519_PUBLIC, KeyError, PublicKey, did_key_multibase};
use crate::signer::KeyAlgorithm;

/// Multicodec `p256-pub` (0x1200) as an unsigned varint: compressed SEC1 P-256 public keys.
const P256_PUBLIC: [u8; 2] = [0x80, 0x24];

/// Smallest RSA modulus accepted, in bits (NIST SP 800-131A: 2048).
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted: bounds the cost of one verification.
const MAX_RSA_BITS: usize = 8192;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a public key cannot be read.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum PublicKeyError {
    #[error(transparent)]
    Multikey(#[from] KeyError),
    #[error("the Multikey is neither Ed25519 (z6Mk…) nor P-256 (zDn…)")]
    UnknownMultikey,
    #[error("the JSON Web Key has no `{0}` or it is not a string")]
    JwkField(&'static str),
    #[error(
        "a JSON Web Key of kty `{kty}` and crv `{crv}` is not supported (OKP Ed25519, EC P-256, RSA are)"
    )]
    UnsupportedJwk { kty: String, crv: String },
    #[error("the JSON Web Key's `{0}` is not valid base64url")]
    JwkEncoding(&'static str),
    #[error("the key's bytes are not a valid {0} public key")]
    BadKey(&'static str),
    #[error("the RSA key has {0} bits; between {MIN_RSA_BITS} and {MAX_RSA_BITS} are accepted")]
    RsaSize(usize),
}

/// A public key that verifies signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyingKey {
    /// EdDSA over Curve25519.
    Ed25519(PublicKey),
    /// ECDSA over NIST P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// RSA (RSASSA-PKCS1-v1_5).
    Rsa(rsa::RsaPublicKey),
}

impl From<PublicKey> for VerifyingKey {
    fn from(key: PublicKey) -> VerifyingKey {
        VerifyingKey::Ed25519(key)
    }
}

impl VerifyingKey {
    /// Its algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            VerifyingKey::Ed25519(_) => KeyAlgorithm::Ed25519,
            VerifyingKey::P256(_) => KeyAlgorithm::P256,
            VerifyingKey::Rsa(_) => KeyAlgorithm::Rsa,
        }
    }

    /// The JOSE algorithm its signatures are made with (`EdDSA`, `ES256`, `RS256`).
    pub fn jose_algorithm(&self) -> &'static str {
        match self {
            VerifyingKey::Ed25519(_) => "EdDSA",
            VerifyingKey::P256(_) => "ES256",
            VerifyingKey::Rsa(_) => "RS256",
        }
    }

    /// From a `publicKeyMultibase`: `z6Mk…` (Ed25519) or `zDn…` (P-256, compressed).
    pub fn from_multikey(multibase: &str) -> Result<VerifyingKey, PublicKeyError> {
        let encoded = multibase.strip_prefix('z').ok_or(KeyError::NotMultibase)?;
        let bytes = bs58::decode(encoded)
            .into_vec()
            .map_err(|_| KeyError::BadBase58)?;
        match bytes.split_first_chunk::<2>() {
            Some((header, _)) if *header == ED25519_PUBLIC => {
                Ok(VerifyingKey::Ed25519(PublicKey::from_multibase(multibase)?))
            }
            Some((header, sec1)) if *header == P256_PUBLIC => {
                p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
                    .map(VerifyingKey::P256)
                    .map_err(|_| PublicKeyError::BadKey("P-256"))
            }
            _ => Err(PublicKeyError::UnknownMultikey),
        }
    }

    /// The `publicKeyMultibase` form of an Ed25519 or P-256 key (RSA has no Multikey form
    /// microcred writes).
    pub fn to_multikey(&self) -> Option<String> {
        match self {
            VerifyingKey::Ed25519(key) => Some(key.to_multibase()),
            VerifyingKey::P256(key) => {
                let mut bytes = P256_PUBLIC.to_vec();
                bytes.extend_from_slice(key.to_encoded_point(true).as_bytes());
                Some(format!("z{}", bs58::encode(bytes).into_string()))
            }
            VerifyingKey::Rsa(_) => None,
        }
    }

    /// Resolves a `did:key` (or a did:key verification method) to its key, offline.
    pub fn from_did_key(did_key: &str) -> Result<VerifyingKey, PublicKeyError> {
        VerifyingKey::from_multikey(did_key_multibase(did_key)?)
    }

    /// From a `publicKeyJwk` (RFC 7517; OKP/Ed25519 per RFC 8037).
    pub fn from_jwk(jwk: &Value) -> Result<VerifyingKey, PublicKeyError> {
        let field = |name: &'static str| {
            jwk.get(name)
                .and_then(Value::as_str)
                .ok_or(PublicKeyError::JwkField(name))
        };
        let bytes = |name: &'static str| -> Result<Vec<u8>, PublicKeyError> {
            URL_SAFE_NO_PAD
                .decode(field(name)?.trim_end_matches('='))
                .map_err(|_| PublicKeyError::JwkEncoding(name))
        };
        let kty = field("kty")?;
        let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or_default();
        match (kty, crv) {
            ("OKP", "Ed25519") => {
                let x: [u8; 32] = bytes("x")?
                    .try_into()
                    .map_err(|_| PublicKeyError::BadKey("Ed25519"))?;
                PublicKey::from_bytes(&x)
                    .map(VerifyingKey::Ed25519)
                    .map_err(|_| PublicKeyError::BadKey("Ed25519"))
            }
            ("EC", "P-256") => {
                let (x, y) = (bytes("x")?, bytes("y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(PublicKeyError::BadKey("P-256"));
                }
                let mut sec1 = vec![0x04];
                sec1.extend_from_slice(&x);
                sec1.extend_from_slice(&y);
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                    .map(VerifyingKey::P256)
                    .map_err(|_| PublicKeyError::BadKey("P-256"))
            }
            ("RSA", _) => {
                let n = rsa::BigUint::from_bytes_be(&bytes("n")?);
                let e = rsa::BigUint::from_bytes_be(&bytes("e")?);
                VerifyingKey::rsa(n, e)
            }
            (kty, crv) => Err(PublicKeyError::UnsupportedJwk {
                kty: kty.to_owned(),
                crv: crv.to_owned(),
            }),
        }
    }

    /// An RSA key of modulus `n` and exponent `e`, within the accepted sizes.
    pub fn rsa(n: rsa::BigUint, e: rsa::BigUint) -> Result<VerifyingKey, PublicKeyError> {
        let bits = n.bits();
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(PublicKeyError::RsaSize(bits));
        }
        rsa::RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
            .map(VerifyingKey::Rsa)
            .map_err(|_| PublicKeyError::BadKey("RSA"))
    }

    /// Whether `signature` over `message` holds for a JOSE algorithm (`EdDSA`, `ES256` with
    /// its `r ‖ s` signature, `RS256`). `None`: the algorithm does not fit the key, so nothing
    /// was checked.
    pub fn verify_jose(&self, alg: &str, message: &[u8], signature: &[u8]) -> Option<bool> {
        use rsa::signature::Verifier as _;
        match (self, alg) {
            (VerifyingKey::Ed25519(key), "EdDSA" | "Ed25519") => {
                Some(key.verify(message, signature))
            }
            (VerifyingKey::P256(key), "ES256") => {
                let Ok(signature) = p256::ecdsa::Signature::from_slice(signature) else {
                    return Some(false);
                };
                Some(key.verify(message, &signature).is_ok())
            }
            (VerifyingKey::Rsa(key), "RS256") => {
                let key = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone());
                let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
                    return Some(false);
                };
                Some(key.verify(message, &signature).is_ok())
            }
            _ => None,
        }
    }

    /// Whether `signature` over `message` holds, in the key's own algorithm (Data Integrity
    /// proofs: Ed25519, or ECDSA P-256 over SHA-256 with a 64-byte `r ‖ s`).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify_jose(self.jose_algorithm(), message, signature)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::{P256Key, Signer};
    use serde_json::json;

    #[test]
    fn multikeys_of_both_curves_round_trip_and_verify() {
        let ed = crate::keys::SigningKey::generate().unwrap();
        let key = VerifyingKey::from_multikey(&ed.public_key().to_multibase()).unwrap();
        assert_eq!(key, VerifyingKey::Ed25519(ed.public_key()));
        assert!(key.verify(b"m", &ed.sign(b"m")));

        let p = P256Key::generate().unwrap();
        let public = VerifyingKey::P256(
            p256::ecdsa::VerifyingKey::from_sec1_bytes(&p.public_key_sec1()).unwrap(),
        );
        let multikey = public.to_multikey().unwrap();
        assert!(multikey.starts_with("zDn"), "{multikey}");
        let read = VerifyingKey::from_multikey(&multikey).unwrap();
        assert_eq!(read, public);
        let signature = p.sign(b"message");
        assert!(read.verify(b"message", &signature));
        assert!(!read.verify(b"massage", &signature));
        assert_eq!(
            VerifyingKey::from_did_key(&format!("did:key:{multikey}#{multikey}")).unwrap(),
            public
        );
        assert_eq!(
            VerifyingKey::from_multikey("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"),
            Err(PublicKeyError::UnknownMultikey)
        );
    }

    #[test]
    fn json_web_keys_of_rfc_examples_are_read() {
        // RFC 8037 §A.2.
        let okp = json!({"kty":"OKP","crv":"Ed25519",
            "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        assert_eq!(
            VerifyingKey::from_jwk(&okp).unwrap().algorithm(),
            KeyAlgorithm::Ed25519
        );
        // RFC 7515 §A.3.
        let ec = json!({"kty":"EC","crv":"P-256",
            "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
        assert_eq!(
            VerifyingKey::from_jwk(&ec).unwrap().algorithm(),
            KeyAlgorithm::P256
        );
        assert!(matches!(
            VerifyingKey::from_jwk(&json!({"kty":"EC","crv":"P-384","x":"AA","y":"AA"})),
            Err(PublicKeyError::UnsupportedJwk { .. })
        ));
        assert_eq!(
            VerifyingKey::from_jwk(&json!({"kty":"OKP","crv":"Ed25519"})),
            Err(PublicKeyError::JwkField("x"))
        );
        // A 512-bit RSA key is refused for its size.
        let small = json!({"kty":"RSA","e":"AQAB","n": URL_SAFE_NO_PAD.encode([0xc3u8; 64])});
        assert_eq!(
            VerifyingKey::from_jwk(&small),
            Err(PublicKeyError::RsaSize(512))
        );
    }
}
