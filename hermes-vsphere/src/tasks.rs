//! Following many tasks at once with `WaitForUpdatesEx` on one dedicated PropertyCollector.
//!
//! Every [`Client::wait_task`] call registers its task with one background waiter per session. The
//! waiter batches the tasks registered since its last round into one `CreateFilter`
//! (`info.state`, `info.error`, `info.result` of each task), asks `WaitForUpdatesEx` for changes, and
//! resolves each caller when its task reaches `success` or `error`; filters whose tasks are all done are
//! destroyed. So 200 concurrent clones cost a handful of waits per round, not 200 poll loops.
//!
//! A new filter's initial state is read with an empty version (a full read of the live filters), which
//! both vCenter and vcsim answer at once; later rounds wait for changes for at most
//! [`WAIT_SECONDS`]. If the waits keep failing (the server went away), every pending caller gets the
//! error: their tasks were submitted, so their outcome is unknown and they must be checked, not resent.

use std::collections::{HashMap, HashSet};
use std::sync::Weak;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::client::Client;
use crate::error::{FaultKind, Result, VsphereError};
use crate::model::{FromNode, LocalizedFault, MoRef, TaskState};
use crate::xml::{Node, XmlWriter};

/// The longest a `WaitForUpdatesEx` round waits for changes.
pub const WAIT_SECONDS: u64 = 1;
const MAX_FAILURES: u32 = 3;

/// A finished task: its result (the new VM of a clone, the snapshot of a snapshot) if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskResult {
    /// The task.
    pub task: MoRef,
    /// `info.result` (`<val xsi:type="ManagedObjectReference" ...>` for a clone).
    pub result: Option<Node>,
}

impl TaskResult {
    /// The result as a managed object reference (clone → VM, snapshot → snapshot).
    pub fn moref(&self) -> Option<MoRef> {
        self.result.as_ref().and_then(|n| MoRef::from_node(n).ok())
    }
}

type Reply = oneshot::Sender<Result<TaskResult>>;

/// The per-session background waiter (created on first use).
pub(crate) struct TaskWaiter {
    tx: mpsc::UnboundedSender<(MoRef, String, Reply)>,
}

#[derive(Default)]
struct Tracked {
    state: Option<TaskState>,
    error: Option<LocalizedFault>,
    result: Option<Node>,
    what: String,
    replies: Vec<Reply>,
}

impl Client {
    /// Waits until `task` succeeds (returning its result) or fails (returning its fault as
    /// [`VsphereError::Fault`], `method` being `what`).
    pub async fn wait_task(&self, task: &MoRef, what: &str) -> Result<TaskResult> {
        let waiter = self
            .waiter()
            .get_or_init(|| async {
                let (tx, rx) = mpsc::unbounded_channel();
                let weak = self.downgrade();
                tokio::spawn(run(weak, rx));
                TaskWaiter { tx }
            })
            .await;
        let (tx, rx) = oneshot::channel();
        let gone = || VsphereError::Transport {
            target: self.target().to_string(),
            method: what.to_string(),
            message: "the task waiter stopped".into(),
            sent: hermes_core::Sent::Yes,
        };
        waiter
            .tx
            .send((task.clone(), what.to_string(), tx))
            .map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    /// Submits a `…_Task` method and waits for the task.
    pub async fn run_task(
        &self,
        method: &str,
        this: &MoRef,
        params: impl FnOnce(&mut XmlWriter),
    ) -> Result<TaskResult> {
        let task = self.call_moref(method, this, params).await?;
        self.wait_task(&task, method).await
    }
}

async fn run(
    weak: Weak<crate::client::Inner>,
    mut rx: mpsc::UnboundedReceiver<(MoRef, String, Reply)>,
) {
    let mut tracked: HashMap<MoRef, Tracked> = HashMap::new();
    let mut filters: HashMap<MoRef, HashSet<MoRef>> = HashMap::new();
    let mut new_tasks: Vec<MoRef> = Vec::new();
    let mut collector: Option<MoRef> = None;
    let mut version = String::new();
    let mut failures = 0u32;
    loop {
        if tracked.is_empty() {
            match rx.recv().await {
                Some(reg) => add(&mut tracked, &mut new_tasks, reg),
                None => return,
            }
        }
        while let Ok(reg) = rx.try_recv() {
            add(&mut tracked, &mut new_tasks, reg);
        }
        let Some(client) = Client::upgrade(&weak) else {
            return;
        };
        let round = async {
            let pc = match &collector {
                Some(pc) => pc.clone(),
                None => {
                    let main = client.content().property_collector.clone();
                    let pc = client
                        .call_moref("CreatePropertyCollector", &main, |_| {})
                        .await?;
                    collector = Some(pc.clone());
                    version.clear();
                    pc
                }
            };
            if !new_tasks.is_empty() {
                let batch = std::mem::take(&mut new_tasks);
                let filter = client
                    .call_moref("CreateFilter", &pc, |w| {
                        w.elem("spec", "", |w| {
                            w.elem("propSet", "", |w| {
                                w.text("type", "Task")
                                    .text("pathSet", "info.state")
                                    .text("pathSet", "info.error")
                                    .text("pathSet", "info.result");
                            });
                            for t in &batch {
                                w.elem("objectSet", "", |w| {
                                    w.moref("obj", t).text("skip", "false");
                                });
                            }
                        });
                        w.text("partialUpdates", "false");
                    })
                    .await
                    .inspect_err(|_| new_tasks.extend(batch.iter().cloned()))?;
                filters.insert(filter, batch.into_iter().collect());
                version.clear();
            }
            let wait = if version.is_empty() { 0 } else { WAIT_SECONDS };
            let v = version.clone();
            let reply = client
                .call_with_timeout(
                    "WaitForUpdatesEx",
                    &pc,
                    |w| {
                        if !v.is_empty() {
                            w.text("version", &v);
                        }
                        w.elem("options", "", |w| {
                            w.text("maxWaitSeconds", wait);
                        });
                    },
                    Some(Duration::from_secs(wait + 60)),
                )
                .await?;
            Ok::<_, VsphereError>((pc, reply))
        }
        .await;
        match round {
            Ok((pc, reply)) => {
                failures = 0;
                if let Some(set) = reply.child("returnval") {
                    if let Some(v) = set.child_text("version") {
                        version = v.to_string();
                    }
                    for fs in set.children_named("filterSet") {
                        for os in fs.children_named("objectSet") {
                            apply_update(&mut tracked, os);
                        }
                    }
                }
                resolve(&client, &mut tracked, &mut filters, &pc);
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %e, failures, "WaitForUpdatesEx round failed");
                let auth = matches!(e.fault(), Some(FaultKind::NotAuthenticated));
                if failures >= MAX_FAILURES || auth {
                    for (task, t) in tracked.drain() {
                        for r in t.replies {
                            let _ = r.send(Err(outcome_unknown(&client, &task, &t.what, &e)));
                        }
                    }
                    filters.clear();
                    new_tasks.clear();
                    collector = None;
                    failures = 0;
                } else {
                    // The collector or a filter may be gone (server restarted): start again.
                    collector = None;
                    new_tasks = tracked.keys().cloned().collect();
                    filters.clear();
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(failures))).await;
                }
            }
        }
    }
}

fn outcome_unknown(client: &Client, task: &MoRef, what: &str, e: &VsphereError) -> VsphereError {
    VsphereError::Transport {
        target: client.target().to_string(),
        method: what.to_string(),
        message: format!("{task} was submitted but its outcome is unknown: {e}"),
        sent: hermes_core::Sent::Yes,
    }
}

fn add(
    tracked: &mut HashMap<MoRef, Tracked>,
    new_tasks: &mut Vec<MoRef>,
    reg: (MoRef, String, Reply),
) {
    let (task, what, reply) = reg;
    let t = tracked.entry(task.clone()).or_default();
    if t.replies.is_empty() && t.state.is_none() {
        new_tasks.push(task);
    }
    t.what = what;
    t.replies.push(reply);
}

fn apply_update(tracked: &mut HashMap<MoRef, Tracked>, os: &Node) {
    let Ok(obj) = os.child("obj").map(MoRef::from_node).transpose() else {
        return;
    };
    let Some(obj) = obj else { return };
    let Some(t) = tracked.get_mut(&obj) else {
        return;
    };
    for change in os.children_named("changeSet") {
        let name = change.child_text("name").unwrap_or_default();
        let val = change.child("val");
        match name {
            "info.state" => t.state = val.and_then(|v| TaskState::parse(&v.text)),
            "info.error" => t.error = val.and_then(|v| LocalizedFault::from_node(v).ok()),
            "info.result" => t.result = val.cloned(),
            _ => {}
        }
    }
}

fn resolve(
    client: &Client,
    tracked: &mut HashMap<MoRef, Tracked>,
    filters: &mut HashMap<MoRef, HashSet<MoRef>>,
    _pc: &MoRef,
) {
    let done: Vec<MoRef> = tracked
        .iter()
        .filter(|(_, t)| t.state.is_some_and(TaskState::is_terminal))
        .map(|(k, _)| k.clone())
        .collect();
    for task in done {
        let Some(t) = tracked.remove(&task) else {
            continue;
        };
        let outcome = if t.state == Some(TaskState::Success) {
            Ok(TaskResult {
                task: task.clone(),
                result: t.result.clone(),
            })
        } else {
            let f = t.error.clone().unwrap_or(LocalizedFault {
                fault_type: "Unknown".into(),
                message: "the task failed without an error".into(),
            });
            Err(VsphereError::Fault {
                target: client.target().to_string(),
                method: t.what.clone(),
                fault: FaultKind::from_type_name(&f.fault_type),
                message: if f.message.is_empty() {
                    f.fault_type.clone()
                } else {
                    f.message.clone()
                },
            })
        };
        for r in t.replies {
            let _ = r.send(outcome.clone());
        }
        for tasks in filters.values_mut() {
            tasks.remove(&task);
        }
    }
    let empty: Vec<MoRef> = filters
        .iter()
        .filter(|(_, t)| t.is_empty())
        .map(|(f, _)| f.clone())
        .collect();
    for f in empty {
        filters.remove(&f);
        let c = client.clone();
        tokio::spawn(async move {
            if let Err(e) = c.call("DestroyPropertyFilter", &f, |_| {}).await {
                tracing::debug!(error = %e, "DestroyPropertyFilter failed");
            }
        });
    }
}
