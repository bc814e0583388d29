//! X.509 certificates of e-seals: reading them (DER, PEM), the facts a verifier needs (subject,
//! issuer, validity, key usage, the organisation identifier eIDAS certificates carry), checking
//! one certificate's signature with another's key, and making a self-signed seal certificate
//! for trying microcred out (never for production: reports name such a seal as self-signed).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use der::asn1::{BitString, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};

use microcred_credentials::datetime::DateTime;
use microcred_credentials::signer::{KeyAlgorithm, Signer};
use microcred_credentials::verifying_key::VerifyingKey;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ORGANIZATION_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.97");
const COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ORGANIZATION_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// Why a certificate cannot be read, made or relied on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The bytes are not a DER X.509 certificate.
    #[error("not an X.509 certificate: {0}")]
    NotACertificate(String),
    /// A PEM file holds no certificate.
    #[error("the PEM text holds no certificate")]
    NoCertificate,
    /// Its public key is of a kind microcred does not verify.
    #[error("its public key is neither RSA nor ECDSA P-256")]
    UnsupportedKey,
    /// It is signed with an algorithm microcred does not verify.
    #[error("it is signed with {0}, which microcred does not verify")]
    UnsupportedSignature(String),
    /// A certificate could not be made.
    #[error("the certificate could not be made: {0}")]
    Making(String),
}

/// Whether `key` made `signature` over `message` with the X.509 signature `algorithm`.
fn verify_x509(
    key: &VerifyingKey,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, CertificateError> {
    use rsa::signature::Verifier as _;
    fn rsa_check<D>(key: &rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
    where
        D: Digest + der::oid::AssociatedOid,
    {
        let key = rsa::pkcs1v15::VerifyingKey::<D>::new(key.clone());
        rsa::pkcs1v15::Signature::try_from(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
    }
    match key {
        VerifyingKey::Rsa(key) if *algorithm == SHA256_WITH_RSA => {
            Ok(rsa_check::<Sha256>(key, message, signature))
        }
        VerifyingKey::Rsa(key) if *algorithm == SHA384_WITH_RSA => {
            Ok(rsa_check::<sha2::Sha384>(key, message, signature))
        }
        VerifyingKey::Rsa(key) if *algorithm == SHA512_WITH_RSA => {
            Ok(rsa_check::<sha2::Sha512>(key, message, signature))
        }
        VerifyingKey::P256(key) if *algorithm == ECDSA_WITH_SHA256 => {
            Ok(p256::ecdsa::Signature::from_der(signature)
                .is_ok_and(|s| key.verify(message, &s).is_ok()))
        }
        _ => Err(CertificateError::UnsupportedSignature(
            algorithm.to_string(),
        )),
    }
}

/// A certificate with its DER bytes, as received.
#[derive(Clone)]
pub struct SealCertificate {
    der: Vec<u8>,
    certificate: Certificate,
}

impl fmt::Debug for SealCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealCertificate({})", self.subject())
    }
}

impl PartialEq for SealCertificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl SealCertificate {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<SealCertificate, CertificateError> {
        let certificate = Certificate::from_der(der)
            .map_err(|e| CertificateError::NotACertificate(e.to_string()))?;
        Ok(SealCertificate {
            der: der.to_vec(),
            certificate,
        })
    }

    /// Reads a certificate given as base64 DER (as `x5c` carries them).
    pub fn from_base64(text: &str) -> Result<SealCertificate, CertificateError> {
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| CertificateError::NotACertificate(format!("not base64: {e}")))?;
        SealCertificate::from_der(&der)
    }

    /// Every certificate of a PEM text, in order. Lenient about line lengths and blank space
    /// inside a block (files in the wild wrap lines at 64, 76 or not at all).
    pub fn all_from_pem(text: &str) -> Result<Vec<SealCertificate>, CertificateError> {
        const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
        const END: &str = "-----END CERTIFICATE-----";
        let mut certificates = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(BEGIN) {
            let body_start = start + BEGIN.len();
            let Some(length) = rest[body_start..].find(END) else {
                return Err(CertificateError::NotACertificate(
                    "a PEM certificate block has no END line".into(),
                ));
            };
            let body: String = rest[body_start..body_start + length]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            certificates.push(SealCertificate::from_base64(&body)?);
            rest = &rest[body_start + length + END.len()..];
        }
        if certificates.is_empty() {
            return Err(CertificateError::NoCertificate);
        }
        Ok(certificates)
    }

    /// Its DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Its DER bytes in standard base64, as `x5c` carries them.
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&self.der)
    }

    /// As PEM.
    pub fn to_pem(&self) -> String {
        let body = self.to_base64();
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    /// SHA-256 of its DER: JOSE's `x5t#S256`.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.der).into()
    }

    /// Its subject, for people: `C=ES, O=…, organizationIdentifier=…, CN=…`.
    pub fn subject(&self) -> String {
        readable_name(&self.certificate.tbs_certificate.subject)
    }

    /// Its issuer, for people.
    pub fn issuer(&self) -> String {
        readable_name(&self.certificate.tbs_certificate.issuer)
    }

    /// Whether its issuer is its subject (a root, or a self-signed seal).
    pub fn is_self_issued(&self) -> bool {
        self.certificate.tbs_certificate.issuer == self.certificate.tbs_certificate.subject
    }

    /// Whether `other` has this certificate's issuer as subject.
    pub fn is_issued_by_name(&self, other: &SealCertificate) -> bool {
        self.certificate.tbs_certificate.issuer == other.certificate.tbs_certificate.subject
    }

    /// When it becomes valid.
    pub fn not_before(&self) -> DateTime {
        time(&self.certificate.tbs_certificate.validity.not_before)
    }

    /// When it stops being valid.
    pub fn not_after(&self) -> DateTime {
        time(&self.certificate.tbs_certificate.validity.not_after)
    }

    /// Whether it was valid at `at`.
    pub fn valid_at(&self, at: DateTime) -> bool {
        self.not_before() <= at && at <= self.not_after()
    }

    /// Whether its key usage allows signing documents (digital signature or non-repudiation,
    /// which eIDAS seal certificates set). `None`: the certificate states no key usage.
    pub fn allows_sealing(&self) -> Option<bool> {
        match self.certificate.tbs_certificate.get::<KeyUsage>() {
            Ok(Some((_, usage))) => Some(usage.digital_signature() || usage.non_repudiation()),
            _ => None,
        }
    }

    /// Whether it says it is a certification authority (basic constraints `cA`).
    pub fn is_ca(&self) -> bool {
        matches!(
            self.certificate.tbs_certificate.get::<BasicConstraints>(),
            Ok(Some((_, constraints))) if constraints.ca
        )
    }

    fn subject_attribute(&self, oid: ObjectIdentifier) -> Option<String> {
        let value = &self
            .certificate
            .tbs_certificate
            .subject
            .0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|atv| atv.oid == oid)?
            .value;
        directory_string(value)
    }

    /// The organisation identifier eIDAS seal certificates carry (ETSI EN 319 412-1), e.g.
    /// `VATES-A00000000`.
    pub fn organization_identifier(&self) -> Option<String> {
        self.subject_attribute(ORGANIZATION_IDENTIFIER)
    }

    /// The subject's country code (two letters).
    pub fn country(&self) -> Option<String> {
        self.subject_attribute(COUNTRY_NAME)
    }

    /// The subject's organisation name, or else its common name.
    pub fn organization(&self) -> Option<String> {
        self.subject_attribute(ORGANIZATION_NAME)
            .or_else(|| self.subject_attribute(COMMON_NAME))
    }

    /// The serial number's bytes.
    pub fn serial(&self) -> &[u8] {
        self.certificate.tbs_certificate.serial_number.as_bytes()
    }

    /// JAdES's `kid`: the DER of the issuer and serial number (an `IssuerSerial`, RFC 5035:
    /// `SEQUENCE { GeneralNames { directoryName issuer }, serialNumber }`), in base64.
    pub fn issuer_serial_base64(&self) -> Result<String, CertificateError> {
        use base64::Engine as _;
        let issuer = self
            .certificate
            .tbs_certificate
            .issuer
            .to_der()
            .map_err(|e| CertificateError::Making(e.to_string()))?;
        // directoryName is [4] EXPLICIT Name inside GeneralNames (a SEQUENCE OF GeneralName).
        let directory_name = tlv(0xa4, &issuer);
        let general_names = tlv(0x30, &directory_name);
        let serial = self
            .certificate
            .tbs_certificate
            .serial_number
            .to_der()
            .map_err(|e| CertificateError::Making(e.to_string()))?;
        let mut body = general_names;
        body.extend_from_slice(&serial);
        Ok(base64::engine::general_purpose::STANDARD.encode(tlv(0x30, &body)))
    }

    /// Its public key.
    pub fn public_key(&self) -> Result<VerifyingKey, CertificateError> {
        let spki = &self.certificate.tbs_certificate.subject_public_key_info;
        let bytes = spki.subject_public_key.raw_bytes();
        if spki.algorithm.oid == RSA_ENCRYPTION {
            use rsa::pkcs1::DecodeRsaPublicKey;
            rsa::RsaPublicKey::from_pkcs1_der(bytes)
                .map(VerifyingKey::Rsa)
                .map_err(|_| CertificateError::UnsupportedKey)
        } else if spki.algorithm.oid == EC_PUBLIC_KEY
            && spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                == Some(PRIME256V1)
        {
            p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
                .map(VerifyingKey::P256)
                .map_err(|_| CertificateError::UnsupportedKey)
        } else {
            Err(CertificateError::UnsupportedKey)
        }
    }

    /// Whether `issuer`'s key made this certificate's signature.
    pub fn is_signed_by(&self, issuer: &SealCertificate) -> Result<bool, CertificateError> {
        let tbs = self
            .certificate
            .tbs_certificate
            .to_der()
            .map_err(|e| CertificateError::NotACertificate(e.to_string()))?;
        verify_x509(
            &issuer.public_key()?,
            &self.certificate.signature_algorithm.oid,
            &tbs,
            self.certificate.signature.raw_bytes(),
        )
    }
}

/// A directory string's text: UTF8String, PrintableString or IA5String in practice.
fn directory_string(value: &der::Any) -> Option<String> {
    use der::asn1::{Ia5StringRef, PrintableStringRef, Utf8StringRef};
    if let Ok(s) = value.decode_as::<Utf8StringRef<'_>>() {
        return Some(s.as_str().to_owned());
    }
    if let Ok(s) = value.decode_as::<PrintableStringRef<'_>>() {
        return Some(s.as_str().to_owned());
    }
    value
        .decode_as::<Ia5StringRef<'_>>()
        .ok()
        .map(|s| s.as_str().to_owned())
}

/// A distinguished name in its stored order with the attribute names people know.
fn readable_name(name: &Name) -> String {
    let parts: Vec<String> = name
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .map(|atv| {
            let key = match atv.oid.to_string().as_str() {
                "2.5.4.6" => "C".to_owned(),
                "2.5.4.10" => "O".to_owned(),
                "2.5.4.11" => "OU".to_owned(),
                "2.5.4.3" => "CN".to_owned(),
                "2.5.4.97" => "organizationIdentifier".to_owned(),
                "2.5.4.5" => "serialNumber".to_owned(),
                "2.5.4.7" => "L".to_owned(),
                "2.5.4.8" => "ST".to_owned(),
                "1.2.840.113549.1.9.1" => "emailAddress".to_owned(),
                other => other.to_owned(),
            };
            let value = directory_string(&atv.value).unwrap_or_else(|| "…".into());
            format!("{key}={value}")
        })
        .collect();
    parts.join(", ")
}

fn time(t: &Time) -> DateTime {
    DateTime::from_unix(i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}

/// A DER tag-length-value.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// An RFC 4514 attribute value, escaped.
fn escape(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(c, '#' | ' '))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out.trim_end().to_owned()
}

/// Who a self-signed seal certificate names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealSubject {
    /// The organisation's name.
    pub organization: String,
    /// Its two-letter country code.
    pub country: String,
    /// Its organisation identifier (e.g. `VATPL-5250005834`), where it has one.
    pub organization_identifier: Option<String>,
}

/// A self-signed seal certificate for `signer`'s key (P-256 or RSA, given its SubjectPublicKeyInfo
/// DER), valid for `days` from now. For trying microcred out: a real e-seal's certificate comes
/// from a trust service provider.
pub fn self_signed(
    signer: &dyn Signer,
    public_key_spki_der: &[u8],
    subject: &SealSubject,
    days: u32,
) -> Result<SealCertificate, CertificateError> {
    let making = |e: der::Error| CertificateError::Making(e.to_string());
    // RFC 4514 writes the most specific name first: the certificate holds C, O,
    // organizationIdentifier, CN in that order, as eIDAS seal certificates do.
    let identifier = subject
        .organization_identifier
        .as_ref()
        .map(|id| format!("2.5.4.97={},", escape(id)))
        .unwrap_or_default();
    let name = format!(
        "CN={} (self-signed seal),{identifier}O={},C={}",
        escape(&subject.organization),
        escape(&subject.organization),
        escape(&subject.country)
    );
    let name = Name::from_str(&name).map_err(making)?;
    let algorithm = match signer.algorithm() {
        KeyAlgorithm::P256 => AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
        },
        KeyAlgorithm::Rsa => AlgorithmIdentifierOwned {
            oid: SHA256_WITH_RSA,
            parameters: Some(der::asn1::Null.into()),
        },
        KeyAlgorithm::Ed25519 => return Err(CertificateError::UnsupportedKey),
    };
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial)
        .map_err(|_| CertificateError::Making("no random bytes for a serial number".into()))?;
    serial[0] &= 0x7f; // positive
    serial[0] |= 0x01; // and no leading zero to strip
    let key_usage = KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation);
    let basic = BasicConstraints {
        ca: false,
        path_len_constraint: None,
    };
    let extensions = vec![
        Extension {
            extn_id: ObjectIdentifier::new_unwrap("2.5.29.15"),
            critical: true,
            extn_value: OctetString::new(key_usage.to_der().map_err(making)?).map_err(making)?,
        },
        Extension {
            extn_id: ObjectIdentifier::new_unwrap("2.5.29.19"),
            critical: true,
            extn_value: OctetString::new(basic.to_der().map_err(making)?).map_err(making)?,
        },
    ];
    let tbs = x509_cert::TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: SerialNumber::new(&serial).map_err(making)?,
        signature: algorithm.clone(),
        issuer: name.clone(),
        validity: Validity::from_now(Duration::from_secs(u64::from(days) * 86_400))
            .map_err(making)?,
        subject: name,
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(public_key_spki_der)
            .map_err(making)?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(making)?;
    let raw = signer.sign(&tbs_der);
    let signature = match signer.algorithm() {
        KeyAlgorithm::P256 => p256::ecdsa::Signature::from_slice(&raw)
            .map_err(|e| CertificateError::Making(e.to_string()))?
            .to_der()
            .as_bytes()
            .to_vec(),
        _ => raw,
    };
    let certificate = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature).map_err(making)?,
    };
    let der = certificate.to_der().map_err(making)?;
    SealCertificate::from_der(&der)
}

/// The SubjectPublicKeyInfo DER of a P-256 public key given in SEC1 form.
pub fn p256_spki_der(sec1: &[u8]) -> Result<Vec<u8>, CertificateError> {
    use p256::pkcs8::EncodePublicKey;
    p256::PublicKey::from_sec1_bytes(sec1)
        .map_err(|_| CertificateError::UnsupportedKey)?
        .to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| CertificateError::Making(e.to_string()))
}
