//! Repository locks: backups take a shared lock, prune takes an exclusive one, so a prune never deletes
//! a pack a running backup is about to reference.
//!
//! A lock is a small object `locks/<random>` naming the host, process and time; it is refreshed every
//! few minutes while held. A lock is stale (ignored, and removed by the next exclusive locker) when it
//! was not refreshed for [`STALE_AFTER`] or when its process is gone on this same host (a SIGKILLed
//! backup). After writing its own lock, a locker lists again: if it now conflicts with another
//! (a race), it backs off and reports [`DataError::Locked`].

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactStore;
use crate::error::{DataError, Result};

/// A lock not refreshed for this long is stale.
pub const STALE_AFTER: Duration = Duration::from_secs(30 * 60);
const REFRESH_EVERY: Duration = Duration::from_secs(5 * 60);

/// The content of a lock object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LockInfo {
    /// Exclusive (prune) or shared (backup, restore, verify).
    pub exclusive: bool,
    /// The holder's host name.
    pub host: String,
    /// The holder's process id.
    pub pid: u32,
    /// When it was last refreshed.
    pub time: DateTime<Utc>,
}

impl LockInfo {
    fn is_stale(&self, now: DateTime<Utc>) -> bool {
        if (now - self.time).to_std().unwrap_or_default() > STALE_AFTER {
            return true;
        }
        self.host == hostname() && !std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
    }
    fn describe(&self) -> String {
        format!(
            "{} lock of pid {} on {} (since {})",
            if self.exclusive {
                "an exclusive"
            } else {
                "a shared"
            },
            self.pid,
            self.host,
            self.time.to_rfc3339()
        )
    }
}

/// The local host's name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// A held lock; call [`LockGuard::release`] (dropping it also removes the lock, in the background).
#[derive(Debug)]
pub struct LockGuard {
    store: Arc<dyn ArtifactStore>,
    key: String,
    refresher: Option<tokio::task::JoinHandle<()>>,
}

impl LockGuard {
    /// Takes a lock on the repository in `store`.
    pub async fn acquire(store: Arc<dyn ArtifactStore>, exclusive: bool) -> Result<LockGuard> {
        let repo = store.describe();
        check_conflicts(&store, exclusive, None, &repo).await?;
        let info = LockInfo {
            exclusive,
            host: hostname(),
            pid: std::process::id(),
            time: Utc::now(),
        };
        let key = format!("locks/{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let body = serde_json::to_vec(&info).expect("lock info serialises");
        store.put_bytes(&key, Bytes::from(body.clone())).await?;
        if let Err(e) = check_conflicts(&store, exclusive, Some(&key), &repo).await {
            let _ = store.delete(&key).await;
            return Err(e);
        }
        let refresher = {
            let store = store.clone();
            let key = key.clone();
            tokio::spawn(async move {
                let mut info = info;
                loop {
                    tokio::time::sleep(REFRESH_EVERY).await;
                    info.time = Utc::now();
                    let body = serde_json::to_vec(&info).expect("lock info serialises");
                    let _ = store.put_bytes(&key, Bytes::from(body)).await;
                }
            })
        };
        Ok(LockGuard {
            store,
            key,
            refresher: Some(refresher),
        })
    }

    /// Removes the lock.
    pub async fn release(mut self) -> Result<()> {
        if let Some(r) = self.refresher.take() {
            r.abort();
        }
        self.store.delete(&self.key).await?;
        Ok(())
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(r) = self.refresher.take() {
            r.abort();
            let store = self.store.clone();
            let key = std::mem::take(&mut self.key);
            if let Ok(h) = tokio::runtime::Handle::try_current() {
                h.spawn(async move {
                    let _ = store.delete(&key).await;
                });
            }
        }
    }
}

async fn check_conflicts(
    store: &Arc<dyn ArtifactStore>,
    exclusive: bool,
    own: Option<&str>,
    repo: &str,
) -> Result<()> {
    let now = Utc::now();
    for meta in store.list("locks/").await? {
        if Some(meta.key.as_str()) == own {
            continue;
        }
        let Ok(body) = store.get_bytes(&meta.key).await else {
            continue; // removed meanwhile
        };
        let Ok(info) = serde_json::from_slice::<LockInfo>(&body) else {
            continue;
        };
        if info.is_stale(now) {
            if exclusive {
                store.delete(&meta.key).await?;
            }
            continue;
        }
        if exclusive || info.exclusive {
            return Err(DataError::Locked {
                repo: repo.to_string(),
                holder: info.describe(),
                lock: meta.key,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::LocalStore;

    #[tokio::test]
    async fn shared_locks_coexist_exclusive_conflicts_stale_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(dir.path()).unwrap());
        let a = LockGuard::acquire(store.clone(), false).await.unwrap();
        let b = LockGuard::acquire(store.clone(), false).await.unwrap();
        let err = LockGuard::acquire(store.clone(), true).await.unwrap_err();
        assert!(matches!(err, DataError::Locked { .. }), "{err}");
        a.release().await.unwrap();
        b.release().await.unwrap();
        let x = LockGuard::acquire(store.clone(), true).await.unwrap();
        assert!(LockGuard::acquire(store.clone(), false).await.is_err());
        x.release().await.unwrap();
        // A lock left by a process that no longer exists (a SIGKILLed backup) is stale.
        let dead = LockInfo {
            exclusive: false,
            host: hostname(),
            pid: 999_999_999,
            time: Utc::now(),
        };
        store
            .put_bytes(
                "locks/dead",
                Bytes::from(serde_json::to_vec(&dead).unwrap()),
            )
            .await
            .unwrap();
        LockGuard::acquire(store.clone(), true)
            .await
            .unwrap()
            .release()
            .await
            .unwrap();
        assert!(store.head("locks/dead").await.unwrap().is_none());
    }
}
