//! Faults as vcsim really sends them, through the client: a name clash (`DuplicateName`), a power-on
//! of a powered-on VM and a destroy of a powered-on VM (`InvalidPowerState` task faults), a VM
//! destroyed twice (`ManagedObjectNotFound`), a snapshot removed twice, and a task the server does
//! not know followed next to a real one. Each error is checked for its kind, fault type, the object
//! it names and what it tells the caller to do.

mod common;

use hermes_core::{Classify, ErrorKind};
use hermes_vsphere::vm::CloneSpec;
use hermes_vsphere::{Client, FaultKind, MoRef, VsphereError};

async fn new_vm(client: &Client, prefix: &str) -> MoRef {
    let common::CloneTargets {
        template,
        folder,
        pool,
    } = common::clone_targets(client).await;
    let spec = CloneSpec::new(pool).datastore(
        client
            .find_by_path("/DC0/datastore/LocalDS_0")
            .await
            .unwrap(),
    );
    client
        .clone_vm(&template, &folder, &common::unique(prefix), &spec)
        .await
        .unwrap()
}

fn message(e: &VsphereError) -> &str {
    match e {
        VsphereError::Fault { message, .. } => message,
        other => panic!("not a fault: {other:?}"),
    }
}

/// Regression: vcsim's `DuplicateName` has an empty `faultstring`; the error said only that, not
/// the name nor the folder the fault names.
#[tokio::test]
async fn a_name_clash_names_the_name_and_the_folder() {
    let client = common::connect().await;
    let folder = client.find_by_path("/DC0/datastore").await.unwrap();
    let err = client
        .call("CreateFolder", &folder, |w| {
            w.text("name", "LocalDS_0");
        })
        .await
        .unwrap_err();
    assert_eq!(err.fault(), Some(&FaultKind::DuplicateName), "{err}");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.fault_object(), Some(&folder));
    assert!(
        message(&err).ends_with(&format!("(name: LocalDS_0, object: {folder})")),
        "{err}"
    );
    let core: hermes_core::Error = err.into();
    assert_eq!(core.kind(), ErrorKind::Conflict);
    assert!(core.to_string().contains("choose another name"), "{core}");
    client.logout().await.unwrap();
}

/// Regression: a task fault named neither the VM the task ran on nor the states involved (vcsim's
/// `localizedMessage` is only `*types.InvalidPowerState`), and said nothing about what to do.
#[tokio::test]
async fn power_state_faults_name_the_vm_and_the_states() {
    let client = common::connect().await;
    let vm = new_vm(&client, "fault-power").await;
    client.power_on(&vm).await.unwrap();

    let err = client.power_on(&vm).await.unwrap_err();
    assert_eq!(err.fault(), Some(&FaultKind::InvalidPowerState), "{err}");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.fault_object(), Some(&vm));
    assert!(
        message(&err).contains("(requestedState: poweredOn, existingState: poweredOn)"),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "PowerOnVM_Task: InvalidPowerState fault on {vm}: "
        )),
        "{text}"
    );
    assert!(text.contains("runtime.powerState"), "{text}");

    // Destroying a powered-on VM is refused the same way, with the state it needs.
    let err = client.destroy(&vm).await.unwrap_err();
    assert_eq!(err.fault(), Some(&FaultKind::InvalidPowerState), "{err}");
    assert_eq!(err.fault_object(), Some(&vm));
    assert!(
        message(&err).contains("requestedState: poweredOff, existingState: poweredOn"),
        "{err}"
    );

    common::destroy(&client, &vm, true).await;
    // Destroyed twice: the second is a typed NotFound naming the VM...
    let err = client.destroy(&vm).await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&FaultKind::ManagedObjectNotFound),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.fault_object(), Some(&vm));
    assert!(err.to_string().contains("look it up again"), "{err}");
    // ...which the idempotent teardown counts as done.
    client.power_off_and_destroy(&vm, true).await.unwrap();
    client.logout().await.unwrap();
}

#[tokio::test]
async fn a_snapshot_removed_twice_is_not_found_naming_it() {
    let client = common::connect().await;
    let vm = new_vm(&client, "fault-snap").await;
    let snap = client
        .create_snapshot(&vm, "once", "", false, false)
        .await
        .unwrap();
    client.remove_snapshot(&snap, false).await.unwrap();
    let err = client.remove_snapshot(&snap, false).await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&FaultKind::ManagedObjectNotFound),
        "{err}"
    );
    assert_eq!(err.fault_object(), Some(&snap));
    assert!(err.to_string().contains("RemoveSnapshot_Task"), "{err}");
    common::destroy(&client, &vm, false).await;
    client.logout().await.unwrap();
}

/// Regression: vcsim fails the whole `WaitForUpdatesEx` with `ManagedObjectNotFound` when one
/// followed task is unknown to it; the waiter retried the same filter three times and then failed
/// every task it followed with "outcome unknown", the real one included. The unknown task now ends
/// alone with that fault, and the other is followed to its end.
#[tokio::test]
async fn an_unknown_task_does_not_fail_the_tasks_followed_with_it() {
    let client = common::connect().await;
    let vm = new_vm(&client, "fault-task").await;
    let real = client
        .call_moref("PowerOnVM_Task", &vm, |_| {})
        .await
        .unwrap();
    let ghost = MoRef::new("Task", "task-999999999");
    // Registered together: the waiter puts both in one filter.
    let (ghost_done, real_done) = tokio::join!(
        client.wait_task(&ghost, "PowerOffVM_Task"),
        client.wait_task(&real, "PowerOnVM_Task")
    );
    let err = ghost_done.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&FaultKind::ManagedObjectNotFound),
        "{err}"
    );
    assert_eq!(err.fault_object(), Some(&ghost));
    assert!(err.to_string().contains("outcome is unknown"), "{err}");
    let done = real_done.unwrap();
    assert_eq!(done.task, real);
    // The waiter still follows new tasks afterwards.
    client.power_off(&vm).await.unwrap();
    common::destroy(&client, &vm, false).await;
    client.logout().await.unwrap();
}
