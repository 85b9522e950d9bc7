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
use crate::model::{FaultFields, FromNode, LocalizedFault, MoRef, TaskState};
use crate::updates::{ObjectUpdate, ObjectUpdateKind, UpdateSet};
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
    /// The server no longer knows the task (a filter's `missingSet`, or the task left the filter
    /// before finishing): its outcome is unknown.
    gone: bool,
}

impl Tracked {
    /// Marks the task as unknown to the server, unless it already finished.
    fn gone(&mut self, fault: LocalizedFault) {
        if self.state.is_some_and(TaskState::is_terminal) {
            return;
        }
        self.state = Some(TaskState::Error);
        self.error = Some(fault);
        self.gone = true;
    }
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

    /// Submits a `…_Task` method and waits for the task. A fault (of the call or of the task) that
    /// names no object of its own names `this` ([`VsphereError::fault_object`]).
    pub async fn run_task(
        &self,
        method: &str,
        this: &MoRef,
        params: impl FnOnce(&mut XmlWriter),
    ) -> Result<TaskResult> {
        let task = self
            .call_moref(method, this, params)
            .await
            .map_err(|e| e.on_object(this))?;
        self.wait_task(&task, method)
            .await
            .map_err(|e| e.on_object(this))
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
    let mut truncated = false;
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
            // A truncated update has more pending: fetch it at once.
            let wait = if version.is_empty() || truncated {
                0
            } else {
                WAIT_SECONDS
            };
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
            let set =
                UpdateSet::from_response(&reply).map_err(|message| VsphereError::Malformed {
                    target: client.target().to_string(),
                    method: "WaitForUpdatesEx".into(),
                    message,
                })?;
            Ok::<_, VsphereError>(set)
        }
        .await;
        match round {
            Ok(set) => {
                failures = 0;
                truncated = false;
                if let Some(set) = set {
                    version = set.version.clone();
                    truncated = set.truncated;
                    apply_set(&mut tracked, &set);
                }
                resolve(&client, &mut tracked, &mut filters);
            }
            // A task the server does not know makes vcsim fail the whole `WaitForUpdatesEx` with
            // `ManagedObjectNotFound` naming it (vCenter puts it in the filter's `missingSet`):
            // that task ends (outcome unknown), and the others are followed again without it.
            Err(e) if unknown_task(&e, &tracked).is_some() => {
                if let Some((task, fault)) = unknown_task(&e, &tracked) {
                    if let Some(t) = tracked.get_mut(&task) {
                        t.gone(fault);
                    }
                }
                resolve(&client, &mut tracked, &mut filters);
                if let Some(pc) = collector.take() {
                    let c = client.clone();
                    tokio::spawn(async move {
                        if let Err(e) = c.call("DestroyPropertyCollector", &pc, |_| {}).await {
                            tracing::debug!(error = %e, "DestroyPropertyCollector failed");
                        }
                    });
                }
                filters.clear();
                new_tasks = tracked.keys().cloned().collect();
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

/// The tracked task a `ManagedObjectNotFound` fault names, with the fault to end it with.
fn unknown_task(
    e: &VsphereError,
    tracked: &HashMap<MoRef, Tracked>,
) -> Option<(MoRef, LocalizedFault)> {
    let VsphereError::Fault {
        fault: FaultKind::ManagedObjectNotFound,
        object: Some(task),
        message,
        ..
    } = e
    else {
        return None;
    };
    tracked.contains_key(&**task).then(|| {
        (
            (**task).clone(),
            LocalizedFault {
                fault_type: "ManagedObjectNotFound".into(),
                message: message.clone(),
                fields: FaultFields {
                    object: Some((**task).clone()),
                    fields: Vec::new(),
                },
            },
        )
    })
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

/// Applies one update set: each tracked task's changes, and the tasks the server no longer knows.
fn apply_set(tracked: &mut HashMap<MoRef, Tracked>, set: &UpdateSet) {
    for os in set.objects() {
        apply_update(tracked, os);
    }
    for m in set.missing() {
        if let Some(t) = tracked.get_mut(&m.obj) {
            t.gone(m.fault.clone());
        }
    }
}

fn apply_update(tracked: &mut HashMap<MoRef, Tracked>, os: &ObjectUpdate) {
    let Some(t) = tracked.get_mut(&os.obj) else {
        return;
    };
    for change in &os.changes {
        let val = change.value();
        match change.name.as_str() {
            "info.state" => t.state = val.and_then(|v| TaskState::parse(&v.text)),
            "info.error" => t.error = val.and_then(|v| LocalizedFault::from_node(v).ok()),
            "info.result" => t.result = val.cloned(),
            _ => {}
        }
    }
    if os.kind == ObjectUpdateKind::Leave {
        t.gone(LocalizedFault {
            fault_type: "ManagedObjectNotFound".into(),
            message: "the task left the property filter: the server deleted it".into(),
            ..LocalizedFault::default()
        });
    }
}

/// What a finished task's waiters receive.
fn outcome(target: &str, task: &MoRef, t: &Tracked) -> Result<TaskResult> {
    if t.state == Some(TaskState::Success) {
        return Ok(TaskResult {
            task: task.clone(),
            result: t.result.clone(),
        });
    }
    let f = t.error.clone().unwrap_or(LocalizedFault {
        fault_type: "Unknown".into(),
        message: "the task failed without an error".into(),
        ..LocalizedFault::default()
    });
    let said = f.describe();
    let message = if t.gone {
        format!(
            "{task} is no longer known to the server ({said}): it was submitted but its outcome \
             is unknown; check the inventory before running it again"
        )
    } else {
        said
    };
    Err(VsphereError::Fault {
        target: target.to_string(),
        method: t.what.clone(),
        fault: FaultKind::from_type_name(&f.fault_type),
        object: f.fields.object.clone().map(Box::new),
        message,
    })
}

fn resolve(
    client: &Client,
    tracked: &mut HashMap<MoRef, Tracked>,
    filters: &mut HashMap<MoRef, HashSet<MoRef>>,
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
        let outcome = outcome(client.target(), &task, &t);
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

#[cfg(test)]
mod tests {
    use super::*;
    use hermes_core::{Classify, ErrorKind};

    fn tracked(task: &MoRef) -> HashMap<MoRef, Tracked> {
        HashMap::from([(
            task.clone(),
            Tracked {
                what: "CloneVM_Task".into(),
                ..Tracked::default()
            },
        )])
    }

    fn update_set(xml: &str) -> UpdateSet {
        UpdateSet::from_node(&Node::parse(xml.as_bytes()).unwrap()).unwrap()
    }

    /// Regression: a task the server no longer knows (vCenter drops finished tasks after a while, so
    /// a wait registered late finds it gone) comes back in the filter's `missingSet`, not as a change;
    /// the waiter ignored it and the caller waited forever. It now ends with the server's fault and
    /// says the outcome is unknown.
    #[test]
    fn a_task_the_server_no_longer_knows_is_resolved() {
        let task = MoRef::new("Task", "task-2");
        let mut t = tracked(&task);
        apply_set(
            &mut t,
            &update_set(
                r#"<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter>
                <missingSet><obj type="Task">task-2</obj><fault><fault xsi:type="ManagedObjectNotFound"><obj type="Task">task-2</obj></fault><localizedMessage>The object 'vim.Task:task-2' has already been deleted or has not been completely created</localizedMessage></fault></missingSet>
                </filterSet></returnval>"#,
            ),
        );
        let state = &t[&task];
        assert!(state.state.is_some_and(TaskState::is_terminal));
        let err = outcome("https://vc/sdk", &task, state).unwrap_err();
        assert_eq!(err.fault(), Some(&FaultKind::ManagedObjectNotFound));
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let text = err.to_string();
        assert!(
            text.contains("CloneVM_Task") && text.contains("outcome"),
            "{text}"
        );
        assert!(text.contains("already been deleted"), "{text}");
    }

    /// Regression: a task deleted while followed leaves the filter (`kind` `leave`); a task that
    /// succeeded in the same update keeps its success.
    #[test]
    fn a_task_leaving_the_filter_is_resolved_unless_it_finished() {
        let task = MoRef::new("Task", "task-3");
        let mut t = tracked(&task);
        apply_set(
            &mut t,
            &update_set(
                r#"<returnval><version>2</version><filterSet><filter type="PropertyFilter">f</filter>
                <objectSet><kind>leave</kind><obj type="Task">task-3</obj></objectSet></filterSet></returnval>"#,
            ),
        );
        let err = outcome("t", &task, &t[&task]).unwrap_err();
        assert_eq!(err.fault(), Some(&FaultKind::ManagedObjectNotFound));

        let mut t = tracked(&task);
        apply_set(
            &mut t,
            &update_set(
                r#"<returnval><version>2</version><filterSet><filter type="PropertyFilter">f</filter>
                <objectSet><kind>modify</kind><obj type="Task">task-3</obj>
                  <changeSet><name>info.state</name><op>assign</op><val xsi:type="TaskInfoState">success</val></changeSet>
                  <changeSet><name>info.result</name><op>assign</op><val type="VirtualMachine" xsi:type="ManagedObjectReference">vm-58946</val></changeSet></objectSet>
                <objectSet><kind>leave</kind><obj type="Task">task-3</obj></objectSet></filterSet></returnval>"#,
            ),
        );
        let done = outcome("t", &task, &t[&task]).unwrap();
        assert_eq!(done.moref(), Some(MoRef::new("VirtualMachine", "vm-58946")));
    }

    /// An `info.error` assigned without a value (unset, as vCenter sends for a task still running)
    /// clears it; a task fault keeps its type and message.
    #[test]
    fn task_faults_and_unset_errors() {
        let task = MoRef::new("Task", "task-4");
        let mut t = tracked(&task);
        apply_set(
            &mut t,
            &update_set(
                r#"<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter>
                <objectSet><kind>enter</kind><obj type="Task">task-4</obj>
                  <changeSet><name>info.error</name><op>assign</op></changeSet>
                  <changeSet><name>info.result</name><op>assign</op></changeSet>
                  <changeSet><name>info.state</name><op>assign</op><val xsi:type="TaskInfoState">running</val></changeSet></objectSet></filterSet></returnval>"#,
            ),
        );
        assert_eq!(t[&task].state, Some(TaskState::Running));
        assert!(t[&task].error.is_none() && t[&task].result.is_none());
        apply_set(
            &mut t,
            &update_set(
                r#"<returnval><version>2</version><filterSet><filter type="PropertyFilter">f</filter>
                <objectSet><kind>modify</kind><obj type="Task">task-4</obj>
                  <changeSet><name>info.error</name><op>assign</op><val xsi:type="LocalizedMethodFault"><fault xsi:type="DuplicateName"><name>web-01</name><object type="VirtualMachine">vm-7</object></fault><localizedMessage>The name 'web-01' already exists.</localizedMessage></val></changeSet>
                  <changeSet><name>info.state</name><op>assign</op><val xsi:type="TaskInfoState">error</val></changeSet></objectSet></filterSet></returnval>"#,
            ),
        );
        let err = outcome("t", &task, &t[&task]).unwrap_err();
        assert_eq!(err.fault(), Some(&FaultKind::DuplicateName));
        assert_eq!(
            err.fault_object(),
            Some(&MoRef::new("VirtualMachine", "vm-7"))
        );
        assert!(
            err.to_string().contains(
                "DuplicateName fault on VirtualMachine:vm-7: The name 'web-01' already exists. \
                 (name: web-01, object: VirtualMachine:vm-7); choose another name"
            ),
            "{err}"
        );
    }
}
