//! What verification fetches over the network, and only that: status lists and controller
//! documents (the keys of did:web and https issuers), each GET bounded in size and time, with
//! no redirects, and only from hosts the caller allows. Controller documents are kept for a
//! while, so a page of credentials by one issuer costs one fetch.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use microcred_credentials::did::{DidResolver, MAX_CONTROLLER_DOCUMENT_BYTES};
use microcred_credentials::trust::TrustList;
use microcred_credentials::verify::named_keys;

/// Longest a fetch may take, connection included.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a fetched controller document is relied on before it is fetched again.
const DOCUMENT_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// How long a failed fetch is remembered (so a flood of credentials naming a dead host does
/// not become a flood of fetches).
const FAILURE_LIFETIME: Duration = Duration::from_secs(60);
/// Controller documents kept at most.
const MAX_CACHED: usize = 512;
/// Documents one verification may fetch (a credential names few keys; a hostile one many).
const MAX_FETCHES_PER_DOCUMENT: usize = 4;

/// GETs a JSON document over the network, bounded in size and time, refusing redirects.
pub fn fetch_json(url: &str, max_bytes: usize) -> Result<Value, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .max_redirects(0)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(max_bytes as u64)
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}

/// Which hosts controller documents may be fetched from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeyHosts {
    /// None: keys come from the trust list and files only.
    #[default]
    None,
    /// The hosts of the trust list's issuers ([`TrustList::allows_key_url`]).
    Trusted,
    /// Any https host: only when a person asks for it (`--fetch-keys-from-any-host`), never by
    /// default in the server.
    Any,
}

enum Cached {
    Document(Value, Instant),
    Failed(String, Instant),
}

/// Controller documents fetched over https, kept for [`DOCUMENT_LIFETIME`].
#[derive(Default)]
pub struct KeyDocuments {
    cache: Mutex<HashMap<String, Cached>>,
}

impl KeyDocuments {
    /// Adds to `resolver` the controller documents the keys `document` names need, fetching
    /// those not at hand from hosts `hosts` allows (`trust` lists them). Returns a note per
    /// document that could not be had and why: such keys stay unresolved, and their
    /// verification says *cannot be checked*.
    pub fn provide(
        &self,
        document: &Value,
        resolver: &mut DidResolver,
        trust: Option<&TrustList>,
        hosts: KeyHosts,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        let mut fetches = 0;
        for method in named_keys(document) {
            // A verification method document may lead to its controller's: two steps at most.
            for _ in 0..2 {
                let Some(url) = resolver.missing_document(&method) else {
                    break;
                };
                let allowed = match hosts {
                    KeyHosts::None => false,
                    KeyHosts::Trusted => trust.is_some_and(|t| t.allows_key_url(&url)),
                    KeyHosts::Any => url.starts_with("https://"),
                };
                if !allowed {
                    notes.push(format!(
                        "{url} was not fetched: {}",
                        match hosts {
                            KeyHosts::None => "fetching keys was not asked for",
                            _ => "the trust list names no issuer on that host",
                        }
                    ));
                    break;
                }
                if fetches == MAX_FETCHES_PER_DOCUMENT {
                    notes.push(format!(
                        "{url} was not fetched: a credential may cause at most {MAX_FETCHES_PER_DOCUMENT} fetches"
                    ));
                    break;
                }
                let fetched = self.get(&url, &mut fetches);
                match fetched.and_then(|d| expected_document(&url, &method, d)) {
                    Ok(controller) => {
                        if let Err(e) = resolver.add_document(controller) {
                            notes.push(format!("{url}: {e}"));
                            break;
                        }
                    }
                    Err(why) => {
                        notes.push(format!("{url} could not be had: {why}"));
                        break;
                    }
                }
            }
        }
        notes
    }

    /// The document at `url`, from the cache or fetched (counting the fetch).
    fn get(&self, url: &str, fetches: &mut usize) -> Result<Value, String> {
        let now = Instant::now();
        if let Ok(cache) = self.cache.lock() {
            match cache.get(url) {
                Some(Cached::Document(d, at)) if now - *at < DOCUMENT_LIFETIME => {
                    return Ok(d.clone());
                }
                Some(Cached::Failed(why, at)) if now - *at < FAILURE_LIFETIME => {
                    return Err(why.clone());
                }
                _ => {}
            }
        }
        *fetches += 1;
        let result = fetch_json(url, MAX_CONTROLLER_DOCUMENT_BYTES);
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= MAX_CACHED {
                cache.retain(|_, c| match c {
                    Cached::Document(_, at) => now - *at < DOCUMENT_LIFETIME,
                    Cached::Failed(_, at) => now - *at < FAILURE_LIFETIME,
                });
                if cache.len() >= MAX_CACHED {
                    cache.clear();
                }
            }
            let entry = match &result {
                Ok(d) => Cached::Document(d.clone(), now),
                Err(why) => Cached::Failed(why.clone(), now),
            };
            cache.insert(url.to_owned(), entry);
        }
        result
    }
}

/// The document fetched from `url` is the one asked for: a did:web DID document whose `id` is
/// the DID, or an https document whose `id` is its own URL (a server may not answer for
/// another identifier).
fn expected_document(url: &str, method: &str, document: Value) -> Result<Value, String> {
    let id = document
        .get("id")
        .and_then(Value::as_str)
        .ok_or("the document has no `id`")?;
    let expected = if method.starts_with("did:web:") {
        method.split('#').next().unwrap_or(method)
    } else {
        url
    };
    if id == expected {
        Ok(document)
    } else {
        Err(format!("the document's id is `{id}`, not `{expected}`"))
    }
}
