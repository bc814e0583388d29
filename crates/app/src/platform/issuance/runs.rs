//! Issuing in the background: a run a web page follows, written down as it goes.

use std::sync::atomic::{AtomicU64, Ordering};

use microcred_store::accounts::Account;
use microcred_store::issuing_runs;
use microcred_store::{new_id, now};

use crate::platform::views::IssuingRunView;
use crate::platform::{Platform, PlatformError, Result};

/// How long an unfinished run may go without its heartbeat (written twice a second while it
/// runs, progress or not) before it counts as interrupted: its server stopped. Issuing again is
/// safe: learners already holding the credential are skipped.
const RUN_SILENCE_SECONDS: i64 = 30;
/// How long finished runs are kept.
const RUN_KEPT_SECONDS: i64 = 24 * 60 * 60;
/// How often a run's progress is written.
const RUN_PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

impl Platform {
    /// Starts issuing a specification to every eligible learner in the background (a web page
    /// follows it with [`Platform::issuing_run`]); the run's id. Who may issue is checked
    /// before it starts.
    pub async fn issue_in_background(
        &self,
        actor: &Account,
        specification: &str,
    ) -> Result<String> {
        {
            let mut c = self.store.connection().await?;
            self.prepare_issuing(&mut c, actor, specification).await?;
        }
        let id = new_id();
        let at = now();
        {
            let mut c = self.store.connection().await?;
            issuing_runs::start(
                &mut c,
                &id,
                &actor.id,
                specification,
                at,
                at - RUN_KEPT_SECONDS,
            )
            .await?;
        }
        let platform = self.clone();
        let (actor, specification, run) = (actor.clone(), specification.to_owned(), id.clone());
        tokio::spawn(async move {
            let counts = std::sync::Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
            let seen = counts.clone();
            let writer_platform = platform.clone();
            let writer_run = run.clone();
            // The counts are written from here, not from inside the issuing loop.
            let writer = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(RUN_PROGRESS_EVERY).await;
                    let Ok(mut c) = writer_platform.store.connection().await else {
                        continue;
                    };
                    let done = seen.0.load(Ordering::Relaxed) as i64;
                    let total = seen.1.load(Ordering::Relaxed) as i64;
                    let _ = issuing_runs::progress(&mut c, &writer_run, done, total, now()).await;
                }
            });
            let outcome = platform
                .issue(&actor, &specification, None, &mut |done, total| {
                    counts.0.store(done, Ordering::Relaxed);
                    counts.1.store(total, Ordering::Relaxed);
                })
                .await;
            writer.abort();
            let finished = match outcome {
                Ok(o) => issuing_runs::Finished {
                    issued: o.issued_count as i64,
                    already_held: o.already_held_count as i64,
                    not_eligible: o.not_eligible_count as i64,
                    error: String::new(),
                },
                Err(e) => issuing_runs::Finished {
                    error: e.to_string(),
                    ..issuing_runs::Finished::default()
                },
            };
            match platform.store.connection().await {
                Ok(mut c) => {
                    if let Err(e) = issuing_runs::finish(&mut c, &run, &finished, now()).await {
                        tracing::error!("issuing run {run}: its end could not be recorded: {e}");
                    }
                }
                Err(e) => tracing::error!("issuing run {run}: its end could not be recorded: {e}"),
            }
        });
        Ok(id)
    }

    /// A run this account started. One that stopped making progress without finishing (its
    /// server went away) says so.
    pub async fn issuing_run(&self, actor: &Account, id: &str) -> Result<IssuingRunView> {
        let mut c = self.store.connection().await?;
        let mut run = issuing_runs::get(&mut c, id, &actor.id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("issuing run {id}")))?;
        if !run.finished && now() - run.updated_at > RUN_SILENCE_SECONDS {
            run.finished = true;
            run.error = "interrupted: the server issuing it stopped. Issue again: learners who already hold the credential are skipped.".into();
        }
        Ok(run.into())
    }
}
