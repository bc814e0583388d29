//! CPU-heavy work (verifying credentials, reading spreadsheets) runs on blocking threads, never
//! on the async workers that answer requests, and at most one job per core at a time. Jobs
//! wait in a bounded queue; past it the platform is "busy" (503 with Retry-After) instead of
//! letting work pile up, so `/healthz` and every light request keep answering under load.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use super::{Platform, PlatformError, Result};

/// How long a caller turned away is told to wait, in seconds.
pub const RETRY_AFTER_SECONDS: u64 = 2;

/// The gate heavy work passes.
pub struct HeavyWork {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl HeavyWork {
    /// `parallel` jobs at once, `max_waiting` more queued.
    pub fn new(parallel: usize, max_waiting: usize) -> HeavyWork {
        HeavyWork {
            running: Arc::new(Semaphore::new(parallel.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }
}

impl Default for HeavyWork {
    /// One job per core, and four per core waiting.
    fn default() -> HeavyWork {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HeavyWork::new(cores, cores * 4)
    }
}

/// Leaves the queue however the wait ends (the request may be dropped while waiting).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HeavyWork {
    /// Runs `job` on a blocking thread once a core is free; `Busy` when too many jobs wait.
    /// `what` names the work in the refusal ("verification").
    pub async fn run<T, F>(&self, what: &str, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = match Arc::clone(&self.running).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let queued = Queued(&self.waiting);
                if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
                    drop(queued);
                    return Err(PlatformError::Busy(format!(
                        "the server is busy with other {what}: try again in {RETRY_AFTER_SECONDS} seconds"
                    )));
                }
                let permit = Arc::clone(&self.running)
                    .acquire_owned()
                    .await
                    .map_err(|_| PlatformError::Internal("the work queue is closed".into()))?;
                drop(queued);
                permit
            }
        };
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        })
        .await
        .map_err(|e| PlatformError::Internal(format!("{what} failed: {e}")))
    }
}

impl Platform {
    /// Runs CPU-heavy `job` off the async workers (see [`HeavyWork::run`]).
    pub async fn heavy<T, F>(&self, what: &str, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.heavy.run(what, job).await
    }
}

#[cfg(test)]
mod tests {
    use super::HeavyWork;
    use crate::platform::PlatformError;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_queue_work_is_refused_not_piled_up() {
        let gate = std::sync::Arc::new(HeavyWork::new(1, 1));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let first = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run("verification", move || wait.recv().is_ok()).await })
        };
        // Let the first job take the only core.
        while gate.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let second = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run("verification", || 2).await })
        };
        while gate.waiting.load(std::sync::atomic::Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        // The queue (one place) is full: the third is turned away at once.
        let third = gate.run("verification", || 3).await;
        assert!(matches!(third, Err(PlatformError::Busy(_))), "{third:?}");
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap());
        assert_eq!(second.await.unwrap().unwrap(), 2);
        // Once idle, work runs again.
        assert_eq!(gate.run("verification", || 4).await.unwrap(), 4);
    }
}
