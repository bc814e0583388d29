//! Verifying credentials and presentations for anyone (the public verification page and the
//! VC API), with the alliance's members as the trust list and its own status lists at hand;
//! and issuing arbitrary credentials through the VC API.

use std::sync::{Arc, RwLock};

use serde_json::Value;

use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof, proof_as_array};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::open_badges::Statement;
use microcred_credentials::status_list::StatusPurpose;
use microcred_credentials::trust::TrustList;
use microcred_credentials::vc::{Strictness, Version, validate_credential, version};
use microcred_credentials::verify::{
    Context, MAX_PRESENTED_CREDENTIALS, Report, issuer_id, verify_presentation,
};
use microcred_store::accounts::Account;
use microcred_store::{audit, status};

use super::alliance::ALLIANCE;
use super::authz::{self, Action};
use super::{Platform, PlatformError, Problem, Result};

/// The trust list and DID documents, rebuilt when members or keys change.
#[derive(Default)]
pub struct VerifierCache {
    known: RwLock<Option<Arc<Known>>>,
}

struct Known {
    trust: TrustList,
    resolver: DidResolver,
    /// The trust list's seal authorities, read once.
    anchors: Vec<microcred_edc::x509::SealCertificate>,
}

impl VerifierCache {
    /// Forgets what it knows (after a change of members or keys).
    pub fn forget(&self) {
        if let Ok(mut known) = self.known.write() {
            *known = None;
        }
    }
}

/// The status entries a VC API caller asks for besides revocation, which every VC 2.0
/// credential issued gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusRequest {
    /// Also a suspension entry.
    pub suspension: bool,
}

impl Platform {
    async fn known(&self) -> Result<Arc<Known>> {
        if let Some(known) = self.verifier.known.read().ok().and_then(|k| k.clone()) {
            return Ok(known);
        }
        let trust = self.trust_list().await?;
        let resolver = trust
            .resolver()
            .map_err(|e| PlatformError::Internal(format!("the trust list's DID documents: {e}")))?;
        let anchors = crate::verify::seal_anchors(&trust)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        let known = Arc::new(Known {
            trust,
            resolver,
            anchors,
        });
        if let Ok(mut slot) = self.verifier.known.write() {
            *slot = Some(Arc::clone(&known));
        }
        Ok(known)
    }

    /// The status lists a credential points to that this platform publishes (looked up by
    /// their URL, so a list is found even if the platform's address has changed since).
    async fn own_status_lists(&self, document: &Value) -> Result<Vec<Value>> {
        let credential = crate::verify::credential_inside(document);
        let entries: Vec<&Value> = match credential.get("credentialStatus") {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        let mut lists = Vec::new();
        let mut c = self.store.connection().await?;
        for entry in entries.into_iter().take(8) {
            let Some(url) = entry.get("statusListCredential").and_then(Value::as_str) else {
                continue;
            };
            if let Some(signed) = status::by_url(&mut c, url).await?.and_then(|l| l.signed) {
                lists.push(signed);
            }
        }
        Ok(lists)
    }

    /// Verifies a credential against the alliance's trust list and its status lists, and says
    /// what it states (read from what was signed only; nothing when no trusted signature
    /// covers it).
    pub async fn verify(&self, credential: &Value) -> Result<(Report, Vec<Statement>)> {
        let known = self.known().await?;
        let lists = self.own_status_lists(credential).await?;
        let credential = credential.clone();
        // Canonicalization and signatures are CPU work: off the async workers, in the queue.
        self.heavy("verification", move || {
            let report = crate::verify::verify_any(
                &credential,
                &Context {
                    trust: Some(&known.trust),
                    status_lists: &lists,
                    resolver: &known.resolver,
                    now: DateTime::now(),
                },
                &known.anchors,
            );
            let statements = if report.verdict.statement_is_authentic() {
                crate::verify::describe_any(&credential)
            } else {
                Vec::new()
            };
            (report, statements)
        })
        .await
    }

    /// Verifies a credential against `trust` (the members and the issuers recognised for
    /// stacking, for instance) and the platform's own status lists.
    pub(super) async fn verify_with(
        &self,
        credential: &Value,
        trust: TrustList,
        fetched: Vec<Value>,
    ) -> Result<Report> {
        let resolver = trust
            .resolver()
            .map_err(|e| PlatformError::Internal(format!("the trust list's DID documents: {e}")))?;
        let anchors = crate::verify::seal_anchors(&trust)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        let mut lists = self.own_status_lists(credential).await?;
        lists.extend(fetched);
        let credential = credential.clone();
        self.heavy("verification", move || {
            crate::verify::verify_any(
                &credential,
                &Context {
                    trust: Some(&trust),
                    status_lists: &lists,
                    resolver: &resolver,
                    now: DateTime::now(),
                },
                &anchors,
            )
        })
        .await
    }

    /// A credential's signed document, for anyone who has its id: the link a learner shares
    /// and the QR code of a printed certificate open it. Ids are random (UUID v7: 74 random
    /// bits), so they cannot be guessed; the page shows only what the learner's credential
    /// already states to whoever holds it.
    pub async fn shared_credential(&self, id: &str) -> Result<Value> {
        let mut c = self.store.connection().await?;
        microcred_store::credentials::get(&mut c, id)
            .await?
            .map(|record| record.document)
            .ok_or_else(|| PlatformError::NotFound(format!("credential {id}")))
    }

    /// Verifies a presentation (the holder's proof with the verifier's challenge and domain)
    /// and every credential in it.
    pub async fn verify_presentation(
        &self,
        presentation: &Value,
        challenge: Option<&str>,
        domain: Option<&str>,
    ) -> Result<(Report, Vec<Report>)> {
        let known = self.known().await?;
        let mut lists = Vec::new();
        if let Some(credentials) = presentation.get("verifiableCredential") {
            let all: Vec<&Value> = match credentials {
                Value::Array(list) => list.iter().collect(),
                one => vec![one],
            };
            for credential in all.into_iter().take(MAX_PRESENTED_CREDENTIALS) {
                lists.extend(self.own_status_lists(credential).await?);
            }
        }
        let presentation = presentation.clone();
        let (challenge, domain) = (challenge.map(str::to_owned), domain.map(str::to_owned));
        self.heavy("verification", move || {
            verify_presentation(
                &presentation,
                challenge.as_deref(),
                domain.as_deref(),
                &Context {
                    trust: Some(&known.trust),
                    status_lists: &lists,
                    resolver: &known.resolver,
                    now: DateTime::now(),
                },
            )
        })
        .await
    }

    /// VC API issuing: signs `credential` as the university (or the alliance) that is its
    /// issuer, if the actor is its registrar (an administrator for the alliance).
    pub async fn issue_any(
        &self,
        actor: &Account,
        credential: Value,
        cryptosuite: Option<&str>,
        status: StatusRequest,
    ) -> Result<Value> {
        let issuer = issuer_id(&credential).unwrap_or_default().to_owned();
        if let Err(problems) = validate_credential(&credential, Strictness::Issue) {
            return Err(PlatformError::invalid(
                "the credential is not valid",
                problems
                    .into_iter()
                    .map(|p| {
                        Problem::new(
                            format!("credential.{}", p.path)
                                .trim_end_matches('.')
                                .to_owned(),
                            p.message,
                        )
                    })
                    .collect(),
            ));
        }
        let suite = match cryptosuite {
            None => Cryptosuite::EddsaRdfc2022,
            Some(name) => Cryptosuite::parse(name).ok_or_else(|| {
                PlatformError::invalid(
                    "unknown cryptosuite",
                    vec![Problem::new(
                        "options.cryptosuite",
                        format!(
                            "`{name}`: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 or ecdsa-jcs-2019"
                        ),
                    )],
                )
            })?,
        };
        // A did:key issuer is a member's own signing key named as a did:key (the W3C suites
        // resolve only did:key issuers); a did:web issuer is the member (or the alliance).
        let did_key_owner = match issuer.strip_prefix("did:key:") {
            Some(multibase) => {
                let candidates: Vec<String> = std::iter::once(ALLIANCE.to_owned())
                    .chain(
                        self.universities()
                            .await?
                            .into_iter()
                            .map(|u| u.university.id.to_string()),
                    )
                    .collect();
                let mut c = self.store.connection().await?;
                let mut owner = None;
                for candidate in candidates {
                    if microcred_store::keys::active(&mut c, &candidate)
                        .await?
                        .is_some_and(|k| k.public_key_multibase == multibase)
                    {
                        owner = Some(candidate);
                        break;
                    }
                }
                Some(owner.ok_or_else(|| {
                    PlatformError::invalid(
                        "unknown issuer",
                        vec![Problem::new(
                            "credential.issuer",
                            format!("`{issuer}` is not the did:key of a member's signing key"),
                        )],
                    )
                })?)
            }
            None => None,
        };
        let owner = if let Some(owner) = did_key_owner {
            if owner == ALLIANCE {
                authz::may(actor, Action::AdministerAlliance)?;
            } else {
                authz::may(actor, Action::SignAs { issuer: &owner })?;
            }
            owner
        } else if issuer == self.config.alliance_did() {
            authz::may(actor, Action::AdministerAlliance)?;
            ALLIANCE.to_owned()
        } else {
            let member = self
                .universities()
                .await?
                .into_iter()
                .find(|u| u.did == issuer)
                .ok_or_else(|| {
                    PlatformError::invalid(
                        "unknown issuer",
                        vec![Problem::new(
                            "credential.issuer",
                            format!("`{issuer}` is not a member university's DID"),
                        )],
                    )
                })?;
            let id = member.university.id.to_string();
            authz::may(actor, Action::SignAs { issuer: &id })?;
            id
        };
        let key = {
            let mut c = self.store.connection().await?;
            self.signing_key(&mut c, &owner).await?
        };
        let method = match issuer.strip_prefix("did:key:") {
            Some(multibase) => format!("{issuer}#{multibase}"),
            None => key.verification_method.clone(),
        };
        if key.key.algorithm() != suite.algorithm() {
            return Err(PlatformError::invalid(
                "the cryptosuite does not fit the issuer's key",
                vec![Problem::new(
                    "options.cryptosuite",
                    format!(
                        "`{}` signs with {}, but the issuer's key is {}",
                        suite.name(),
                        suite.algorithm(),
                        key.key.algorithm()
                    ),
                )],
            ));
        }
        let options = ProofOptions::assertion(suite, method, DateTime::now().to_string());
        // Every VC 2.0 credential issued here can be revoked (and suspended, when the VC API's
        // `options.credentialStatus` asks for a suspension entry): its entries are allocated in
        // the issuer's status lists. VC 1.1 defines no status list terms: none is added.
        let mut credential = credential;
        if credential.get("credentialStatus").is_none() && version(&credential) == Some(Version::V2)
        {
            let entry_owner = credential
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("vc-api:{}", microcred_store::new_id()));
            let mut tx = self.store.begin().await?;
            let ids = [entry_owner];
            let mut entries = self
                .allocate(&mut tx, &owner, StatusPurpose::Revocation, &ids)
                .await?;
            if status.suspension {
                entries.extend(
                    self.allocate(&mut tx, &owner, StatusPurpose::Suspension, &ids)
                        .await?,
                );
            }
            microcred_store::commit(tx).await?;
            credential["credentialStatus"] = if entries.len() == 1 {
                entries.swap_remove(0)
            } else {
                Value::Array(entries)
            };
        }
        let unsigned = credential.clone();
        let mut signed = self
            .heavy("signing", move || {
                add_proof(&unsigned, key.key.as_ref(), &options)
            })
            .await?
            .map_err(|e| {
                PlatformError::invalid(
                    "the credential cannot be signed",
                    vec![Problem::new("credential", e.to_string())],
                )
            })?;
        let mut c = self.store.connection().await?;
        if credential
            .get("type")
            .is_some_and(|t| t.to_string().contains("OpenBadgeCredential"))
        {
            proof_as_array(&mut signed);
        }
        let id = credential
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("(no id)");
        audit::append(
            &mut c,
            &actor.id,
            "credential.signed",
            &format!("credential:{id}"),
            &serde_json::json!({ "issuer": issuer, "via": "vc-api" }),
        )
        .await?;
        Ok(signed)
    }
}
