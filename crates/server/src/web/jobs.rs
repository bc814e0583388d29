//! Work the pages hand over: uploaded results files waiting for the registrar to confirm
//! them after the preview, and issuance running in the background while its page shows the
//! progress. Both live in this server's memory for a while (uploads 30 minutes, finished
//! jobs an hour), bounded in number; each belongs to the account that started it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;

const UPLOADS_KEPT: usize = 16;
const UPLOAD_LIFETIME: Duration = Duration::from_secs(30 * 60);
const JOBS_KEPT: usize = 64;
const JOB_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// A results file read for its preview, kept until it is imported.
#[derive(Clone)]
pub struct Upload {
    pub owner: String,
    pub name: String,
    pub bytes: Bytes,
    at: Instant,
}

/// Issuance under way or finished.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub owner: String,
    pub specification: String,
    pub done: u64,
    /// 0 while unknown (issuing to every eligible learner).
    pub total: u64,
    pub finished: bool,
    pub issued: u64,
    pub already_held: u64,
    pub not_eligible: u64,
    /// Why it stopped, if it failed.
    pub error: String,
}

#[derive(Default)]
struct Held {
    uploads: HashMap<String, Upload>,
    jobs: HashMap<String, (Instant, Progress)>,
}

#[derive(Clone, Default)]
pub struct Jobs {
    held: Arc<Mutex<Held>>,
}

fn random_id() -> String {
    microcred_store::new_id()
}

impl Jobs {
    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps an upload; its id (random) names it in the confirming form.
    pub fn keep_upload(&self, owner: &str, name: &str, bytes: Bytes) -> String {
        let mut held = self.held();
        held.uploads.retain(|_, u| u.at.elapsed() < UPLOAD_LIFETIME);
        while held.uploads.len() >= UPLOADS_KEPT {
            let oldest = held
                .uploads
                .iter()
                .min_by_key(|(_, u)| u.at)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                held.uploads.remove(&oldest);
            }
        }
        let id = random_id();
        held.uploads.insert(
            id.clone(),
            Upload {
                owner: owner.to_owned(),
                name: name.to_owned(),
                bytes,
                at: Instant::now(),
            },
        );
        id
    }

    /// Takes an upload back, if it is the owner's and still kept.
    pub fn take_upload(&self, owner: &str, id: &str) -> Option<Upload> {
        let mut held = self.held();
        match held.uploads.get(id) {
            Some(u) if u.owner == owner && u.at.elapsed() < UPLOAD_LIFETIME => {
                held.uploads.remove(id)
            }
            _ => None,
        }
    }

    pub fn start(&self, owner: &str, specification: &str) -> String {
        let mut held = self.held();
        held.jobs
            .retain(|_, (at, p)| !p.finished || at.elapsed() < JOB_LIFETIME);
        while held.jobs.len() >= JOBS_KEPT {
            let oldest = held
                .jobs
                .iter()
                .filter(|(_, (_, p))| p.finished)
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(oldest) => held.jobs.remove(&oldest),
                None => break,
            };
        }
        let id = random_id();
        held.jobs.insert(
            id.clone(),
            (
                Instant::now(),
                Progress {
                    owner: owner.to_owned(),
                    specification: specification.to_owned(),
                    ..Progress::default()
                },
            ),
        );
        id
    }

    pub fn update(&self, id: &str, change: impl FnOnce(&mut Progress)) {
        if let Some((at, progress)) = self.held().jobs.get_mut(id) {
            change(progress);
            *at = Instant::now();
        }
    }

    /// A job's progress, for its owner only.
    pub fn progress(&self, owner: &str, id: &str) -> Option<Progress> {
        self.held()
            .jobs
            .get(id)
            .filter(|(_, p)| p.owner == owner)
            .map(|(_, p)| p.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_and_jobs_belong_to_who_started_them() {
        let jobs = Jobs::default();
        let upload = jobs.keep_upload("a", "r.csv", Bytes::from_static(b"x"));
        assert!(jobs.take_upload("b", &upload).is_none());
        assert_eq!(jobs.take_upload("a", &upload).unwrap().name, "r.csv");
        assert!(
            jobs.take_upload("a", &upload).is_none(),
            "an upload is imported once"
        );
        let job = jobs.start("a", "spec");
        jobs.update(&job, |p| p.done = 3);
        assert_eq!(jobs.progress("a", &job).unwrap().done, 3);
        assert!(jobs.progress("b", &job).is_none());
    }

    #[test]
    fn few_uploads_are_kept() {
        let jobs = Jobs::default();
        let first = jobs.keep_upload("a", "0.csv", Bytes::new());
        for i in 0..UPLOADS_KEPT {
            jobs.keep_upload("a", &format!("{i}.csv"), Bytes::new());
        }
        assert!(jobs.take_upload("a", &first).is_none());
    }
}
