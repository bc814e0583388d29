//! `microcred keys …`

use crate::output::outln;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use microcred_app::keys::{SealSource, generate_key_file, generate_seal_file, import_seal_file};
use microcred_app::read_json;
use microcred_credentials::did::did_web_document;
use microcred_credentials::key_file::KeyFile;
use microcred_edc::x509::SealSubject;

use crate::exit;

/// The environment variable holding the passphrase that seals (and opens) key files.
pub const PASSPHRASE_VARIABLE: &str = "MICROCRED_KEY_PASSPHRASE";

/// The environment variable holding a PKCS#12 file's password (`keys import-seal --pkcs12`).
pub const PKCS12_PASSWORD_VARIABLE: &str = "MICROCRED_PKCS12_PASSWORD";

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Generate an Ed25519 signing key (or, with --seal, a P-256 e-seal with a self-signed
    /// certificate, for trying Europass credentials out); its file is readable by you only
    /// and, when MICROCRED_KEY_PASSPHRASE is set, sealed under that passphrase.
    Generate {
        /// Where to write the key file (never overwritten).
        #[arg(long, default_value = "microcred-key.json", value_name = "FILE")]
        out: PathBuf,
        /// Control the key by this did:web (e.g. did:web:enhance.eu:u:wut) instead of its did:key.
        #[arg(long, value_name = "DID")]
        did_web: Option<String>,
        /// The key's name in the did:web document.
        #[arg(long, default_value = "key-1", requires = "did_web")]
        fragment: String,
        /// Make an e-seal for Europass EDCs: a P-256 key and a self-signed X.509 certificate.
        /// Every verification report names such a seal as self-signed; in production, import
        /// the e-seal a trust service provider issued (`keys import-seal`).
        #[arg(long)]
        seal: bool,
        /// The seal's organisation (its certificate's O and CN).
        #[arg(long, requires = "seal", default_value = "microcred trial issuer")]
        organization: String,
        /// The organisation's country, two letters (its certificate's C).
        #[arg(long, requires = "seal", default_value = "BE")]
        country: String,
        /// The organisation's identifier as eIDAS certificates carry it (e.g. VATPL-5250005834).
        #[arg(long, requires = "seal", value_name = "ID")]
        organization_identifier: Option<String>,
        /// Days the self-signed certificate is valid.
        #[arg(long, requires = "seal", default_value_t = 365)]
        days: u32,
    },
    /// Import an e-seal (its private key and X.509 certificate chain: a PKCS#12 file, or PEM
    /// files) into a seal key file for `issue --credential-format edc`; readable by you only
    /// and, when MICROCRED_KEY_PASSPHRASE is set, sealed under that passphrase.
    ImportSeal {
        #[command(flatten)]
        seal: SealFiles,
        /// The issuer the seal belongs to, as its credentials name it (e.g. its did:web).
        #[arg(long, value_name = "ID")]
        issuer: String,
        /// Where to write the seal key file (never overwritten).
        #[arg(long, default_value = "microcred-seal.json", value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the did:web DID document publishing the public keys of these key files.
    DidDocument {
        #[arg(required = true, value_name = "KEY_FILE")]
        keys: Vec<PathBuf>,
    },
}

/// Where an e-seal is read from: a PKCS#12 file, or PEM files (`keys import-seal`,
/// `import seal`).
#[derive(Args)]
pub struct SealFiles {
    /// A PKCS#12 file (.p12, .pfx); its password from MICROCRED_PKCS12_PASSWORD.
    #[arg(long, value_name = "P12_FILE", conflicts_with_all = ["private_key", "certificates"], required_unless_present = "private_key")]
    pkcs12: Option<PathBuf>,
    /// The private key, PEM (PKCS#8, SEC1 or PKCS#1; P-256 or RSA).
    #[arg(long, value_name = "PEM_FILE", requires = "certificates")]
    private_key: Option<PathBuf>,
    /// The certificate chain, PEM, the seal's own certificate first.
    #[arg(long, value_name = "PEM_FILE", requires = "private_key")]
    certificates: Option<PathBuf>,
}

impl SealFiles {
    /// The PKCS#12 password the environment gives (empty if none).
    pub fn password() -> String {
        std::env::var(PKCS12_PASSWORD_VARIABLE).unwrap_or_default()
    }

    /// The source these files make, with `password` for a PKCS#12 file; `None` (after saying
    /// so) when neither a PKCS#12 file nor both PEM files are given.
    pub fn source<'a>(&'a self, password: &'a str) -> Option<SealSource<'a>> {
        match (&self.pkcs12, &self.private_key, &self.certificates) {
            (Some(file), _, _) => Some(SealSource::Pkcs12 { file, password }),
            (None, Some(private_key), Some(certificates)) => Some(SealSource::Pem {
                private_key,
                certificates,
            }),
            _ => {
                eprintln!("error: give --pkcs12 FILE, or --private-key PEM and --certificates PEM");
                None
            }
        }
    }
}

/// A seal key file's own certificate (the first of its chain).
fn seal_certificate(
    file: &microcred_edc::key_file::SealKeyFile,
) -> Option<microcred_edc::x509::SealCertificate> {
    file.chain().ok()?.into_iter().next()
}

fn passphrase() -> Option<String> {
    std::env::var(PASSPHRASE_VARIABLE)
        .ok()
        .filter(|p| !p.is_empty())
}

fn unsealed_warning(passphrase: &Option<String>) {
    if passphrase.is_none() {
        eprintln!(
            "warning: the secret key is not encrypted; set {PASSPHRASE_VARIABLE} to seal it under a passphrase"
        );
    }
}

pub fn run(command: KeysCommand) -> u8 {
    match command {
        KeysCommand::Generate {
            out,
            did_web,
            seal: true,
            organization,
            country,
            organization_identifier,
            days,
            ..
        } => {
            let passphrase = passphrase();
            let subject = SealSubject {
                organization,
                country: country.to_ascii_uppercase(),
                organization_identifier,
            };
            let controller = did_web.unwrap_or_else(|| {
                microcred_app::issue::stable_urn(&["seal", &subject.organization, &subject.country])
            });
            match generate_seal_file(&out, &subject, &controller, days, passphrase.as_deref()) {
                Ok(file) => {
                    outln!("wrote {}", out.display());
                    outln!("issuer:      {}", file.controller);
                    if let Some(certificate) = seal_certificate(&file) {
                        outln!(
                            "certificate: {} (self-signed, for trying out only)",
                            certificate.subject()
                        );
                        outln!(
                            "valid:       {} → {}",
                            certificate.not_before(),
                            certificate.not_after()
                        );
                    }
                    unsealed_warning(&passphrase);
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::UNREADABLE
                }
            }
        }
        KeysCommand::ImportSeal { seal, issuer, out } => {
            let passphrase = passphrase();
            let password = SealFiles::password();
            let Some(source) = seal.source(&password) else {
                return exit::UNREADABLE;
            };
            match import_seal_file(&out, &source, &issuer, passphrase.as_deref()) {
                Ok(file) => {
                    outln!("wrote {}", out.display());
                    outln!("issuer:      {}", file.controller);
                    if let Some(certificate) = seal_certificate(&file) {
                        let kind = if certificate.is_self_issued() {
                            " (self-signed)"
                        } else {
                            ""
                        };
                        outln!("certificate: {}{kind}", certificate.subject());
                        outln!("issued by:   {}", certificate.issuer());
                        outln!(
                            "valid:       {} → {}",
                            certificate.not_before(),
                            certificate.not_after()
                        );
                    }
                    unsealed_warning(&passphrase);
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::UNREADABLE
                }
            }
        }
        KeysCommand::Generate {
            out,
            did_web,
            fragment,
            ..
        } => {
            let passphrase = passphrase();
            let did_web = did_web.as_deref().map(|did| (did, fragment.as_str()));
            if let Some((did, _)) = did_web
                && let Err(e) = microcred_credentials::did::did_web_url(did)
            {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
            match generate_key_file(&out, did_web, passphrase.as_deref()) {
                Ok(file) => {
                    outln!("wrote {}", out.display());
                    outln!("issuer (DID):        {}", file.controller);
                    outln!("verification method: {}", file.id);
                    unsealed_warning(&passphrase);
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::UNREADABLE
                }
            }
        }
        KeysCommand::DidDocument { keys } => {
            let mut did: Option<String> = None;
            let mut entries = Vec::new();
            for path in &keys {
                let file: KeyFile = match read_json(path, 64 * 1024) {
                    Ok(file) => file,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return exit::UNREADABLE;
                    }
                };
                let key = match file.public_key() {
                    Ok(key) => key,
                    Err(e) => {
                        eprintln!("error: {}: {e}", path.display());
                        return exit::UNREADABLE;
                    }
                };
                if did.as_deref().is_some_and(|d| d != file.controller) {
                    eprintln!(
                        "error: {}: controlled by {}, not {}; give keys of one DID",
                        path.display(),
                        file.controller,
                        did.unwrap_or_default()
                    );
                    return exit::UNREADABLE;
                }
                let fragment = file
                    .id
                    .split_once('#')
                    .map(|(_, f)| f.to_owned())
                    .unwrap_or_default();
                did = Some(file.controller.clone());
                entries.push((fragment, key));
            }
            let did = did.unwrap_or_default();
            match did_web_document(&did, &entries) {
                Ok(document) => {
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&document).unwrap_or_default()
                    );
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e} (did:key keys need no DID document)");
                    exit::UNREADABLE
                }
            }
        }
    }
}
