//! The alliance and its members: universities, their signing keys (sealed at rest, rotated
//! without breaking old credentials), DID documents, signatories, grading schemes, and the
//! trust list verifiers use.

use std::sync::Arc;

use serde_json::Value;

use microcred_credentials::did::did_web_document;
use microcred_credentials::key_file::{ESeal, IssuerKey};
use microcred_credentials::keys::{PublicKey, SigningKey};
use microcred_credentials::sealed::{Sealed, open, seal};
use microcred_credentials::signer::{KeyAlgorithm, Signer, open_signer};
use microcred_credentials::trust::{SealAuthority, TrustList, TrustedIssuer};
use microcred_edc::key_file::{Signing, self_signed_seal};
use microcred_edc::seal::SealKey;
use microcred_edc::x509::{SealCertificate, SealSubject};
use microcred_model::{Alliance, University};
use microcred_store::accounts::Account;
use microcred_store::keys::{self, KeyRecord};
use microcred_store::universities::{self, AllianceRecord, Signatory, UniversityRecord};
use microcred_store::{Connection, audit, now};

use super::authz::{self, Action};
use super::views::{KeyView, SignatoryView, UniversityView};
use super::{Platform, PlatformError, Problem, Result};

/// The owner name of the alliance's own keys.
pub const ALLIANCE: &str = "alliance";

impl Platform {
    /// Sets the alliance's description (and makes its signing key the first time).
    pub async fn set_alliance(
        &self,
        actor: Option<&Account>,
        alliance: Alliance,
    ) -> Result<AllianceRecord> {
        let mut tx = self.store.begin().await?;
        let existing = universities::alliance(&mut tx).await?;
        if let Some(actor) = actor {
            authz::may(actor, Action::AdministerAlliance)?;
        } else if existing.is_some() {
            return Err(PlatformError::Unauthenticated);
        }
        let record = AllianceRecord {
            alliance,
            did: self.config.alliance_did(),
        };
        universities::set_alliance(&mut tx, &record).await?;
        if keys::active(&mut tx, ALLIANCE).await?.is_none() {
            self.new_key(&mut tx, ALLIANCE, &record.did).await?;
        }
        let by = actor.map_or("setup", |a| a.id.as_str());
        audit::append(
            &mut tx,
            by,
            "alliance.updated",
            "alliance",
            &serde_json::to_value(&record.alliance).unwrap_or_default(),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.verifier.forget();
        Ok(record)
    }

    /// The alliance, once set up.
    pub async fn alliance(&self) -> Result<Option<AllianceRecord>> {
        let mut c = self.store.connection().await?;
        Ok(universities::alliance(&mut c).await?)
    }

    /// Makes a key for `owner`, sealed under the platform's key-encryption key.
    async fn new_key(&self, c: &mut Connection, owner: &str, did: &str) -> Result<KeyRecord> {
        let key = SigningKey::generate().map_err(|e| PlatformError::Internal(e.to_string()))?;
        let number = keys::of_owner(c, owner)
            .await?
            .iter()
            .filter(|k| k.certificate_chain.is_none())
            .count()
            + 1;
        let id = format!("{did}#key-{number}");
        let sealed = seal(
            &key.to_bytes(),
            &self.config.key_encryption_key,
            id.as_bytes(),
        )
        .map_err(|e| PlatformError::Internal(e.to_string()))?;
        let record = KeyRecord {
            id,
            owner: owner.to_owned(),
            did: did.to_owned(),
            public_key_multibase: key.public_key().to_multibase(),
            algorithm: KeyAlgorithm::Ed25519.name().to_owned(),
            certificate_chain: None,
            sealed_secret: serde_json::to_string(&sealed).unwrap_or_default(),
            created_at: now(),
            retired_at: None,
        };
        keys::insert(c, &record).await?;
        Ok(record)
    }

    /// Adds a member university, with its DID and a first signing key.
    pub async fn add_university(
        &self,
        actor: &Account,
        university: University,
    ) -> Result<UniversityView> {
        authz::may(actor, Action::AdministerAlliance)?;
        let did = self.config.university_did(university.id.as_str());
        let mut tx = self.store.begin().await?;
        universities::insert(&mut tx, &university, &did)
            .await
            .map_err(|e| {
                if e.is_conflict() {
                    PlatformError::Conflict(format!(
                        "university `{}` is already a member",
                        university.id
                    ))
                } else {
                    e.into()
                }
            })?;
        self.new_key(&mut tx, university.id.as_str(), &did).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "university.added",
            &format!("university:{}", university.id),
            &serde_json::json!({ "did": did }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.verifier.forget();
        Ok(UniversityView::new(
            UniversityRecord { university, did },
            None,
        ))
    }

    /// Changes what the catalogue says of a member university.
    pub async fn update_university(&self, actor: &Account, university: University) -> Result<()> {
        authz::may(actor, Action::AdministerAlliance)?;
        let mut tx = self.store.begin().await?;
        universities::update(&mut tx, &university).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "university.updated",
            &format!("university:{}", university.id),
            &Value::Null,
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(())
    }

    /// The member universities, with their DIDs and logos.
    pub async fn universities(&self) -> Result<Vec<UniversityView>> {
        let mut c = self.store.connection().await?;
        let logos = universities::owners_with_logos(&mut c).await?;
        Ok(universities::list(&mut c)
            .await?
            .into_iter()
            .map(|u| self.university_view(u, &logos))
            .collect())
    }

    /// A member university, with its DID and logo.
    pub async fn university(&self, id: &str) -> Result<UniversityView> {
        let mut c = self.store.connection().await?;
        let logos = universities::owners_with_logos(&mut c).await?;
        universities::get(&mut c, id)
            .await?
            .map(|u| self.university_view(u, &logos))
            .ok_or_else(|| PlatformError::NotFound(format!("university `{id}`")))
    }

    fn university_view(&self, record: UniversityRecord, logos: &[String]) -> UniversityView {
        let id = record.university.id.to_string();
        let logo = logos.contains(&id).then(|| self.config.logo_url(&id));
        UniversityView::new(record, logo)
    }

    /// Rotates the signing key of a university (or the alliance): a new key signs from now on;
    /// the old ones stay in the DID document so that what they signed still verifies.
    pub async fn rotate_key(&self, actor: &Account, owner: &str) -> Result<KeyView> {
        authz::may(actor, Action::AdministerUniversity { university: owner })?;
        let mut tx = self.store.begin().await?;
        let did = if owner == ALLIANCE {
            self.config.alliance_did()
        } else {
            universities::get(&mut tx, owner)
                .await?
                .ok_or_else(|| PlatformError::NotFound(format!("university `{owner}`")))?
                .did
        };
        let key = self.new_key(&mut tx, owner, &did).await?;
        keys::retire_others(&mut tx, owner, &key.id).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "key.rotated",
            &format!("keys:{owner}"),
            &serde_json::json!({ "new": key.id }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.verifier.forget();
        Ok(KeyView::from(&key))
    }

    /// The public parts of an owner's keys, newest last.
    pub async fn keys(&self, owner: &str) -> Result<Vec<KeyView>> {
        let mut c = self.store.connection().await?;
        let found = keys::of_owner(&mut c, owner).await?;
        if found.is_empty() && owner != ALLIANCE {
            self_exists(&mut c, owner).await?;
        }
        Ok(found.iter().map(KeyView::from).collect())
    }

    /// The key `owner` signs with now, opened.
    pub(crate) async fn signing_key(&self, c: &mut Connection, owner: &str) -> Result<IssuerKey> {
        let record = keys::active(c, owner).await?.ok_or_else(|| {
            PlatformError::Conflict(format!(
                "`{owner}` has no signing key: an administrator must make one"
            ))
        })?;
        let signer = self.open_key(&record)?;
        let e_seal = self.e_seal(c, owner).await?;
        Ok(IssuerKey {
            key: signer,
            verification_method: record.id,
            controller: record.did,
            e_seal,
        })
    }

    /// A stored key's secret, unsealed with the platform's key-encryption key and read as the
    /// algorithm stored with it says.
    fn open_key(&self, record: &KeyRecord) -> Result<Arc<dyn Signer>> {
        let sealed: Sealed = serde_json::from_str(&record.sealed_secret)
            .map_err(|e| PlatformError::Internal(format!("sealed key {}: {e}", record.id)))?;
        let secret = open(
            &sealed,
            &self.config.key_encryption_key,
            record.id.as_bytes(),
        )
        .map_err(|e| PlatformError::Internal(format!("key {} cannot be opened: {e}", record.id)))?;
        open_signer(&record.algorithm, &secret)
            .map_err(|e| PlatformError::Internal(format!("key {}: {e}", record.id)))
    }

    /// The e-seal `owner` seals Europass credentials with now, opened; none if it has none.
    async fn e_seal(&self, c: &mut Connection, owner: &str) -> Result<Option<ESeal>> {
        let Some(record) = keys::active_seal(c, owner).await? else {
            return Ok(None);
        };
        let key = self.open_key(&record)?;
        let chain =
            SealCertificate::all_from_pem(record.certificate_chain.as_deref().unwrap_or(""))
                .map_err(|e| PlatformError::Internal(format!("key {}: {e}", record.id)))?;
        Ok(Some(ESeal {
            key,
            certificate_chain: chain.iter().map(|c| c.der().to_vec()).collect(),
        }))
    }

    /// Installs an e-seal for `owner` (a university, or the alliance): its key sealed at rest
    /// under the platform's key-encryption key, its certificate chain beside it; earlier seals
    /// are retired (they still verify what they sealed).
    pub async fn install_seal(
        &self,
        actor: &Account,
        owner: &str,
        key: &Signing,
        chain: &[SealCertificate],
    ) -> Result<KeyView> {
        authz::may(actor, Action::AdministerUniversity { university: owner })?;
        let mut tx = self.store.begin().await?;
        let record = self.store_seal(&mut tx, owner, key, chain).await?;
        keys::retire_others(&mut tx, owner, &record.id).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "seal.installed",
            &format!("keys:{owner}"),
            &serde_json::json!({ "seal": record.id, "certificate": chain.first().map(SealCertificate::subject) }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.verifier.forget();
        Ok(KeyView::from(&record))
    }

    /// Makes a self-signed e-seal for `owner`, for trying Europass credentials out (the demo
    /// does): every verification report names it as self-signed.
    pub(crate) async fn self_signed_seal(
        &self,
        c: &mut Connection,
        owner: &str,
        subject: &SealSubject,
    ) -> Result<KeyRecord> {
        let (key, certificate) = self_signed_seal(subject, 3 * 365)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        self.store_seal(c, owner, &key, &[certificate]).await
    }

    async fn store_seal(
        &self,
        c: &mut Connection,
        owner: &str,
        key: &Signing,
        chain: &[SealCertificate],
    ) -> Result<KeyRecord> {
        let internal = |e: String| PlatformError::Internal(e);
        let did = if owner == ALLIANCE {
            self.config.alliance_did()
        } else {
            universities::get(c, owner)
                .await?
                .ok_or_else(|| PlatformError::NotFound(format!("university `{owner}`")))?
                .did
        };
        // The key and the certificate must belong together.
        let checked = SealKey::new(key.signer(), chain.to_vec())
            .map_err(|e| PlatformError::Conflict(e.to_string()))?;
        let algorithm = checked.signer().algorithm();
        let secret = key.secret_bytes().map_err(|e| internal(e.to_string()))?;
        let number = keys::of_owner(c, owner)
            .await?
            .iter()
            .filter(|k| k.certificate_chain.is_some())
            .count()
            + 1;
        let id = format!("{did}#seal-{number}");
        let sealed = seal(&secret, &self.config.key_encryption_key, id.as_bytes())
            .map_err(|e| internal(e.to_string()))?;
        let certificate = checked.certificate();
        let record = KeyRecord {
            id,
            owner: owner.to_owned(),
            did,
            // A seal's public key is its certificate's; this column names its digest.
            public_key_multibase: format!(
                "x5t#S256:{}",
                base64::Engine::encode(
                    &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                    certificate.sha256()
                )
            ),
            algorithm: algorithm.name().to_owned(),
            certificate_chain: Some(chain.iter().map(SealCertificate::to_pem).collect()),
            sealed_secret: serde_json::to_string(&sealed).unwrap_or_default(),
            created_at: now(),
            retired_at: None,
        };
        keys::insert(c, &record).await?;
        Ok(record)
    }

    /// The DID document of a university (or, for [`ALLIANCE`], of the alliance).
    pub async fn did_document(&self, owner: &str) -> Result<Value> {
        let mut c = self.store.connection().await?;
        let records = keys::of_owner(&mut c, owner).await?;
        let Some(first) = records.first() else {
            return Err(PlatformError::NotFound(format!("a DID of `{owner}`")));
        };
        let did = first.did.clone();
        // E-seals are published by their certificates, not in the DID document.
        let entries = records
            .iter()
            .filter(|k| k.certificate_chain.is_none())
            .map(|k| {
                let fragment = k.id.rsplit_once('#').map_or("key", |(_, f)| f).to_owned();
                PublicKey::from_multibase(&k.public_key_multibase)
                    .map(|key| (fragment, key))
                    .map_err(|e| PlatformError::Internal(format!("key {}: {e}", k.id)))
            })
            .collect::<Result<Vec<_>>>()?;
        did_web_document(&did, &entries).map_err(|e| PlatformError::Internal(e.to_string()))
    }

    /// The alliance's trust list: its members (and itself) with their DID documents.
    pub async fn trust_list(&self) -> Result<TrustList> {
        let alliance = self.alliance().await?;
        let mut issuers = Vec::new();
        let status = format!("{}/status/", self.config.base());
        if let Some(alliance) = &alliance {
            issuers.push(TrustedIssuer {
                id: alliance.did.clone(),
                name: alliance.alliance.name.en().to_owned(),
                did_document: self.did_document(ALLIANCE).await.ok(),
                status_lists: vec![status.clone()],
            });
        }
        for member in self.universities().await? {
            issuers.push(TrustedIssuer {
                did_document: self.did_document(member.university.id.as_str()).await.ok(),
                name: member.university.display_name().to_owned(),
                id: member.did,
                status_lists: vec![status.clone()],
            });
        }
        // The members' own e-seal certificates (retired ones too: they verify what they
        // sealed), as trust anchors for the EDCs they issue.
        let mut seal_authorities = Vec::new();
        let mut c = self.store.connection().await?;
        for record in keys::all(&mut c).await? {
            let Some(pem) = &record.certificate_chain else {
                continue;
            };
            if let Some(certificate) = SealCertificate::all_from_pem(pem)
                .ok()
                .and_then(|chain| chain.into_iter().next())
            {
                seal_authorities.push(SealAuthority {
                    name: format!("{} e-seal ({})", record.owner, certificate.subject()),
                    certificate: certificate.to_base64(),
                });
            }
        }
        Ok(TrustList {
            name: alliance
                .map(|a| a.alliance.name.en().to_owned())
                .unwrap_or_else(|| "microcred".into()),
            issuers,
            seal_authorities,
        })
    }

    /// Adds a signatory of a university's certificates (an administrator).
    pub async fn add_signatory(
        &self,
        actor: &Account,
        university: &str,
        name: &str,
        role: &str,
    ) -> Result<SignatoryView> {
        authz::may(actor, Action::AdministerUniversity { university })?;
        let mut problems = Vec::new();
        if name.trim().is_empty() {
            problems.push(Problem::new("name", "is empty"));
        }
        if role.trim().is_empty() {
            problems.push(Problem::new(
                "role",
                "is empty: e.g. Vice-Rector for Education",
            ));
        }
        if !problems.is_empty() {
            return Err(PlatformError::invalid(
                "the signatory cannot be added",
                problems,
            ));
        }
        let mut tx = self.store.begin().await?;
        self_exists(&mut tx, university).await?;
        let signatory =
            universities::add_signatory(&mut tx, university, name.trim(), role.trim()).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "signatory.added",
            &format!("university:{university}"),
            &serde_json::json!({ "name": name, "role": role }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(signatory.into())
    }

    /// A signatory leaves office (an administrator): new certificates are signed by the
    /// university's next active signatory; those issued while they were in office still
    /// print them.
    pub async fn retire_signatory(
        &self,
        actor: &Account,
        university: &str,
        signatory: &str,
    ) -> Result<SignatoryView> {
        authz::may(actor, Action::AdministerUniversity { university })?;
        let mut tx = self.store.begin().await?;
        let found = universities::signatory(&mut tx, signatory)
            .await?
            .filter(|s| s.university_id == university)
            .ok_or_else(|| {
                PlatformError::NotFound(format!("signatory {signatory} of `{university}`"))
            })?;
        let at = now();
        if !universities::retire_signatory(&mut tx, signatory, at).await? {
            return Err(PlatformError::Conflict(format!(
                "{} no longer signs: retired already",
                found.name
            )));
        }
        audit::append(
            &mut tx,
            &actor.id,
            "signatory.retired",
            &format!("university:{university}"),
            &serde_json::json!({ "signatory": signatory, "name": found.name }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(Signatory {
            active: false,
            until: Some(at),
            ..found
        }
        .into())
    }

    /// Who signs a university's printed certificates, and who did.
    pub async fn signatories(&self, university: &str) -> Result<Vec<SignatoryView>> {
        let mut c = self.store.connection().await?;
        self_exists(&mut c, university).await?;
        Ok(universities::signatories(&mut c, university)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

pub(super) async fn self_exists(c: &mut Connection, university: &str) -> Result<()> {
    universities::get(c, university)
        .await?
        .map(|_| ())
        .ok_or_else(|| PlatformError::NotFound(format!("university `{university}`")))
}
