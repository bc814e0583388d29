//! `microcred keys …`

use crate::output::outln;
use std::path::PathBuf;

use clap::Subcommand;

use microcred_app::keys::generate_key_file;
use microcred_app::read_json;
use microcred_credentials::did::did_web_document;
use microcred_credentials::key_file::KeyFile;

use crate::exit;

/// The environment variable holding the passphrase that seals (and opens) key files.
pub const PASSPHRASE_VARIABLE: &str = "MICROCRED_KEY_PASSPHRASE";

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Generate an Ed25519 signing key; its file is readable by you only and, when
    /// MICROCRED_KEY_PASSPHRASE is set, sealed under that passphrase.
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
    },
    /// Print the did:web DID document publishing the public keys of these key files.
    DidDocument {
        #[arg(required = true, value_name = "KEY_FILE")]
        keys: Vec<PathBuf>,
    },
}

pub fn run(command: KeysCommand) -> u8 {
    match command {
        KeysCommand::Generate {
            out,
            did_web,
            fragment,
        } => {
            let passphrase = std::env::var(PASSPHRASE_VARIABLE)
                .ok()
                .filter(|p| !p.is_empty());
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
                    if passphrase.is_none() {
                        eprintln!(
                            "warning: the secret key is not encrypted; set {PASSPHRASE_VARIABLE} to seal it under a passphrase"
                        );
                    }
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
