//! The issuers' Bitstring Status Lists: entries allocated at random when credentials are
//! issued, bits set when they are revoked or suspended, each change signed again.

use serde_json::Value;

use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::key_file::IssuerKey;
use microcred_credentials::status_list::{
    Bitstring, MIN_ENTRIES, StatusPurpose, random_free_index, status_entry, status_list_credential,
};
use microcred_store::status::{self, StatusListRecord};
use microcred_store::{Tx, new_id};

use crate::platform::{Platform, PlatformError, Result};

impl Platform {
    /// Allocates one entry per credential in `owner`'s lists for `purpose`, at random, making
    /// a new list when the current ones are full; returns the credentials' status entries.
    /// The owner's lists are locked until `tx` ends: issuing for two specifications at once
    /// must not pick the same entries.
    pub(in crate::platform) async fn allocate(
        &self,
        tx: &mut Tx,
        owner: &str,
        purpose: StatusPurpose,
        credentials: &[String],
    ) -> Result<Vec<Value>> {
        self.store
            .lock(tx, &format!("status:{owner}:{}", purpose.name()))
            .await?;
        let capacity = MIN_ENTRIES as i64;
        let mut entries = Vec::with_capacity(credentials.len());
        let mut remaining = credentials;
        while !remaining.is_empty() {
            let list = match status::with_room(tx, owner, purpose.name(), capacity).await? {
                Some(list) => list,
                None => self.new_status_list(tx, owner, purpose).await?,
            };
            let room = (capacity - list.used).max(0) as usize;
            let (now_part, rest) = remaining.split_at(room.min(remaining.len()));
            let mut allocated = Bitstring::decode(&list.allocated).map_err(|e| {
                PlatformError::Internal(format!("status list {} allocation: {e}", list.id))
            })?;
            let mut chosen = Vec::with_capacity(now_part.len());
            for credential in now_part {
                let index =
                    random_free_index(allocated.len(), |i| allocated.get(i).unwrap_or(true))
                        .map_err(|e| PlatformError::Internal(e.to_string()))?;
                allocated
                    .set(index, true)
                    .map_err(|e| PlatformError::Internal(e.to_string()))?;
                chosen.push((index as i64, credential.clone()));
                entries.push(status_entry(&list.url, index, purpose));
            }
            status::allocate(tx, &list.id, &chosen, &allocated.encode()).await?;
            remaining = rest;
        }
        Ok(entries)
    }

    /// A new, empty status list of `owner`, signed at once so that it can be served.
    async fn new_status_list(
        &self,
        tx: &mut Tx,
        owner: &str,
        purpose: StatusPurpose,
    ) -> Result<StatusListRecord> {
        // The random tail of an id: its head is the time, the same for lists made together.
        let id = format!("{owner}-{}-{}", purpose.name(), &new_id()[28..]);
        let url = self.config.status_list_url(&id);
        let bits = Bitstring::new(MIN_ENTRIES);
        let key = self.signing_key(tx, owner).await?;
        let signed = sign_status_list(&url, &key, purpose, &bits)?;
        let record = StatusListRecord {
            id,
            owner: owner.to_owned(),
            purpose: purpose.name().to_owned(),
            url,
            bits: bits.encode(),
            used: 0,
            allocated: bits.encode(),
            signed: Some(signed),
        };
        status::insert(tx, &record).await?;
        Ok(record)
    }

    /// Sets or clears a credential's bit in its list for `purpose`, and re-signs the list.
    /// A credential issued without an entry for `purpose` cannot change in that way.
    pub(super) async fn set_status(
        &self,
        tx: &mut Tx,
        credential: &str,
        purpose: StatusPurpose,
        value: bool,
    ) -> Result<()> {
        let entries: Vec<_> = status::entries_of(tx, credential)
            .await?
            .into_iter()
            .filter(|(list, _)| list.purpose == purpose.name())
            .collect();
        if entries.is_empty() {
            return Err(PlatformError::Conflict(format!(
                "credential {credential} was issued without a {} entry, so verifiers could not \
                 see the change{}",
                purpose.name(),
                if purpose == StatusPurpose::Suspension {
                    ": revoke it instead (the alliance issues without suspension)"
                } else {
                    ""
                }
            )));
        }
        for (list, entry) in entries {
            let mut bits = Bitstring::decode(&list.bits)
                .map_err(|e| PlatformError::Internal(format!("status list {}: {e}", list.id)))?;
            bits.set(entry as usize, value)
                .map_err(|e| PlatformError::Internal(e.to_string()))?;
            let key = self.signing_key(tx, &list.owner).await?;
            let signed = sign_status_list(&list.url, &key, purpose, &bits)?;
            status::update(tx, &list.id, &bits.encode(), &signed).await?;
        }
        Ok(())
    }

    /// A signed status list credential, as served to verifiers.
    pub async fn status_list(&self, id: &str) -> Result<Value> {
        let mut c = self.store.connection().await?;
        status::get(&mut c, id)
            .await?
            .and_then(|l| l.signed)
            .ok_or_else(|| PlatformError::NotFound(format!("status list {id}")))
    }
}

fn sign_status_list(
    url: &str,
    key: &IssuerKey,
    purpose: StatusPurpose,
    bits: &Bitstring,
) -> Result<Value> {
    let list = status_list_credential(url, &key.controller, purpose, bits, DateTime::now());
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        key.verification_method.clone(),
        DateTime::now().to_string(),
    );
    add_proof(&list, key.key.as_ref(), &options)
        .map_err(|e| PlatformError::Internal(format!("signing status list {url}: {e}")))
}
