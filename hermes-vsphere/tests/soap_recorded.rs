//! The SOAP decoder and the typed readers on replies recorded from vcsim 0.24 (govmomi's simulator,
//! Apache-2.0; Hermes' own peer), listed in tests/recorded/SOURCES.md: service content, faults
//! (`InvalidLogin`, `DuplicateName` with an empty `faultstring`, `ManagedObjectNotFound`,
//! `MethodNotFound`), a task's `info` and a task's update set with an `InvalidPowerState` task
//! fault, and snapshot trees (nested, after a subtree removal, none). Fuzzed too: random bytes and
//! every truncation of every recorded reply give a typed error, never a panic.

#[macro_use]
mod common;
use common::{response, returnval, RECORDED_TARGET as TARGET};

use hermes_core::{Classify, ErrorKind};
use hermes_vsphere::model::{FromNode, LocalizedFault, ObjectContent, ServiceContent, TaskState};
use hermes_vsphere::property::decode_result;
use hermes_vsphere::snapshot::SnapshotTree;
use hermes_vsphere::updates::{ObjectUpdateKind, UpdateSet};
use hermes_vsphere::{soap, FaultKind, MoRef, PowerState, VsphereError};
use proptest::prelude::*;

recorded! {
    SERVICE_CONTENT = "RetrieveServiceContent", "vcsim-0.24-RetrieveServiceContent.xml";
    INVALID_LOGIN = "Login", "vcsim-0.24-Login-InvalidLogin.xml";
    NOT_AUTHENTICATED = "RetrievePropertiesEx", "vcsim-0.24-RetrievePropertiesEx-NotAuthenticated.xml";
    DUPLICATE_NAME = "CreateFolder", "vcsim-0.24-CreateFolder-DuplicateName.xml";
    DESTROYED_TWICE = "Destroy_Task", "vcsim-0.24-Destroy_Task-ManagedObjectNotFound.xml";
    NO_CONTINUE = "ContinueRetrievePropertiesEx", "vcsim-0.24-ContinueRetrievePropertiesEx-MethodNotFound.xml";
    TASK_INFO_POWER = "RetrievePropertiesEx", "vcsim-0.24-RetrievePropertiesEx-task-info-InvalidPowerState.xml";
    TASK_UPDATE_POWER = "WaitForUpdatesEx", "vcsim-0.24-WaitForUpdatesEx-task-InvalidPowerState.xml";
    TASK_UPDATE_UNKNOWN = "WaitForUpdatesEx", "vcsim-0.24-WaitForUpdatesEx-unknown-task-ManagedObjectNotFound.xml";
    SNAPSHOT_TREE = "RetrievePropertiesEx", "vcsim-0.24-RetrievePropertiesEx-snapshot-tree.xml";
    SNAPSHOT_SUBTREE_REMOVED = "RetrievePropertiesEx", "vcsim-0.24-RetrievePropertiesEx-snapshot-subtree-removed.xml";
    SNAPSHOT_NONE = "RetrievePropertiesEx", "vcsim-0.24-RetrievePropertiesEx-snapshot-none.xml";
}

#[test]
fn every_recorded_file_is_listed() {
    let listed: Vec<&str> = ALL.iter().map(|(f, _, _)| *f).collect();
    common::assert_recorded_files_listed("vcsim-", &listed);
}

/// The one object of a `RetrievePropertiesEx` reply.
fn one_object(bytes: &[u8]) -> ObjectContent {
    let (mut objects, token) = decode_result(&returnval("RetrievePropertiesEx", bytes)).unwrap();
    assert_eq!(token, None);
    assert_eq!(objects.len(), 1, "{objects:?}");
    objects.pop().unwrap()
}

fn fault(method: &str, bytes: &[u8]) -> VsphereError {
    soap::decode(TARGET, method, bytes).unwrap_err()
}

/// Regression: vcsim answers a clashing `CreateFolder` with a `DuplicateName` whose `faultstring`
/// is empty; the error said only "the server sent no faultstring", dropping the name and the
/// folder the fault carries, and did not say what to do.
#[test]
fn duplicate_name_names_the_name_and_the_folder() {
    let err = fault("CreateFolder", DUPLICATE_NAME);
    assert_eq!(err.fault(), Some(&FaultKind::DuplicateName));
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.fault_object(), Some(&MoRef::new("Folder", "folder-5")));
    assert_eq!(
        err.to_string(),
        "https://vcsa/sdk: CreateFolder: DuplicateName fault on Folder:folder-5: the server sent \
         no faultstring for this DuplicateName fault (name: LocalDS_0, object: Folder:folder-5); \
         choose another name, or reuse or remove the object that already has this name"
    );
}

#[test]
fn a_vm_destroyed_twice_is_not_found_naming_it() {
    let err = fault("Destroy_Task", DESTROYED_TWICE);
    assert_eq!(err.fault(), Some(&FaultKind::ManagedObjectNotFound));
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.fault_object(),
        Some(&MoRef::new("VirtualMachine", "vm-114"))
    );
    let text = err.to_string();
    assert!(
        text.contains(
            "managed object not found: VirtualMachine:vm-114 (obj: VirtualMachine:vm-114)"
        ),
        "{text}"
    );
    assert!(text.contains("look it up again"), "{text}");
}

/// Regression: vcsim 0.24 lacks `ContinueRetrievePropertiesEx`; its `MethodNotFound` was an
/// `InvalidRequest` (kind `InvalidInput`) although nothing in the request is wrong.
#[test]
fn a_method_the_server_lacks_is_unsupported() {
    let err = fault("ContinueRetrievePropertiesEx", NO_CONTINUE);
    assert_eq!(err.fault(), Some(&FaultKind::NotSupported));
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(
        err.to_string()
            .contains("method: ContinueRetrievePropertiesEx"),
        "{err}"
    );
}

/// A task's whole `info` after a power-on of a powered-on VM: state, entity and the task fault with
/// its fields (vcsim's `localizedMessage` is only its Go type name, so the fields carry the news).
#[test]
fn a_failed_task_info_reads_its_fault_and_fields() {
    let o = one_object(TASK_INFO_POWER);
    assert_eq!(o.obj, MoRef::new("Task", "task-116"));
    assert_eq!(
        o.text("info.state").and_then(TaskState::parse),
        Some(TaskState::Error)
    );
    assert_eq!(
        o.decode::<MoRef>("info.entity").unwrap(),
        Some(MoRef::new("VirtualMachine", "vm-114"))
    );
    let f = o.decode::<LocalizedFault>("info.error").unwrap().unwrap();
    assert_eq!(f.fault_type, "InvalidPowerState");
    assert_eq!(
        FaultKind::from_type_name(&f.fault_type).error_kind(),
        ErrorKind::Conflict
    );
    assert_eq!(f.fields.object, None);
    assert_eq!(
        f.describe(),
        "*types.InvalidPowerState (requestedState: poweredOn, existingState: poweredOn)"
    );
}

/// The update set Hermes' task waiter reads for the same failed task: `enter` with `info.state`
/// `error`, the fault in `info.error` and `info.result` assigned without a value (unset).
#[test]
fn a_failed_task_update_set() {
    let set = UpdateSet::from_response(&response("WaitForUpdatesEx", TASK_UPDATE_POWER))
        .unwrap()
        .unwrap();
    assert_eq!(set.version, "-");
    assert!(!set.truncated);
    let updates: Vec<_> = set.objects().collect();
    assert_eq!(updates.len(), 1);
    let u = updates[0];
    assert_eq!(u.kind, ObjectUpdateKind::Enter);
    assert_eq!(u.obj, MoRef::new("Task", "task-116"));
    let content = u.content();
    assert_eq!(content.text("info.state"), Some("error"));
    let f = content
        .decode::<LocalizedFault>("info.error")
        .unwrap()
        .unwrap();
    assert_eq!(f.fault_type, "InvalidPowerState");
    assert_eq!(f.fields.fields.len(), 2);
    assert!(u
        .changes
        .iter()
        .any(|c| c.name == "info.result" && c.value().is_none()));
}

/// vcsim fails the whole `WaitForUpdatesEx` when a filter holds a task it does not know (vCenter
/// reports it in the filter's `missingSet`): the fault names the task.
#[test]
fn an_unknown_task_fails_the_wait_naming_the_task() {
    let err = fault("WaitForUpdatesEx", TASK_UPDATE_UNKNOWN);
    assert_eq!(err.fault(), Some(&FaultKind::ManagedObjectNotFound));
    assert_eq!(err.fault_object(), Some(&MoRef::new("Task", "task-999999")));
}

fn snapshot_tree(bytes: &[u8]) -> SnapshotTree {
    one_object(bytes)
        .decode::<SnapshotTree>("snapshot")
        .unwrap()
        .unwrap_or_default()
}

/// root → child → grandchild, and root → sibling (taken after reverting to root), current: sibling.
#[test]
fn a_nested_snapshot_tree() {
    let tree = snapshot_tree(SNAPSHOT_TREE);
    let shape: Vec<(usize, &str, i32)> = tree
        .with_depth()
        .into_iter()
        .map(|(d, n)| (d, n.name.as_str(), n.id))
        .collect();
    assert_eq!(
        shape,
        [
            (1, "root", 1),
            (2, "child", 2),
            (3, "grandchild", 3),
            (2, "sibling", 4)
        ]
    );
    assert_eq!(tree.depth(), 3);
    let current = tree.current_node().unwrap();
    assert_eq!(current.name, "sibling");
    assert_eq!(
        current.snapshot,
        MoRef::new("VirtualMachineSnapshot", "snapshot-132")
    );
    let path: Vec<&str> = tree
        .path_to(&current.snapshot)
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(path, ["root", "sibling"]);
    let grandchild = tree.find("grandchild").unwrap();
    assert!(grandchild.quiesced);
    assert_eq!(grandchild.state, Some(PowerState::PoweredOff));
    assert_eq!(grandchild.description, "");
    assert_eq!(tree.find_id(1).unwrap().description, "first");
    // vcsim sends nanoseconds (vCenter sends microseconds).
    assert_eq!(
        tree.find_id(1).unwrap().created.to_rfc3339(),
        "2026-11-27T12:58:01.645597081+00:00"
    );
    assert!(tree.find_id(3).unwrap().created > tree.find_id(2).unwrap().created);
    assert_eq!(
        tree.render(),
        "root (2026-11-27 12:58, poweredOff)\n  child (2026-11-27 12:58, poweredOff)\n    \
         grandchild (2026-11-27 12:58, poweredOff)\n  sibling (2026-11-27 12:58, poweredOff) *\n"
    );
    // vcsim leaves `rootSnapshot` empty even with snapshots.
    assert!(one_object(SNAPSHOT_TREE)
        .morefs("rootSnapshot")
        .unwrap()
        .is_empty());
}

/// After reverting to `child` and removing it with its children, the current snapshot moved to
/// the removed subtree's parent.
#[test]
fn a_snapshot_tree_after_a_subtree_removal() {
    let tree = snapshot_tree(SNAPSHOT_SUBTREE_REMOVED);
    let names: Vec<&str> = tree.flatten().iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["root", "sibling"]);
    assert_eq!(tree.current_node().unwrap().name, "root");
    assert_eq!(tree.depth(), 2);
}

#[test]
fn a_vm_without_snapshots_has_an_empty_tree() {
    let o = one_object(SNAPSHOT_NONE);
    assert!(o.props.is_empty());
    let tree = snapshot_tree(SNAPSHOT_NONE);
    assert_eq!(tree, SnapshotTree::default());
    assert_eq!(tree.depth(), 0);
    assert!(tree.current_node().is_none());
    assert_eq!(tree.render(), "(no snapshots)\n");
}

#[test]
fn recorded_service_content_decodes() {
    let reply = response("RetrieveServiceContent", SERVICE_CONTENT);
    let sc = ServiceContent::from_node(reply.child("returnval").unwrap()).unwrap();
    assert_eq!(sc.property_collector.value, "propertyCollector");
    assert_eq!(sc.api_type, "VirtualCenter");
    assert_eq!(sc.search_index.kind, "SearchIndex");
}

#[test]
fn recorded_invalid_login_is_a_typed_auth_fault() {
    let err = fault("Login", INVALID_LOGIN);
    assert_eq!(err.fault(), Some(&FaultKind::InvalidLogin));
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("Login failure"), "{err}");
}

#[test]
fn recorded_missing_set_names_its_fault() {
    let reply = response("RetrievePropertiesEx", NOT_AUTHENTICATED);
    let obj = ObjectContent::from_node(reply.path(&["returnval", "objects"]).unwrap()).unwrap();
    assert_eq!(
        obj.missing,
        vec![("name".to_string(), "NotAuthenticated".to_string())]
    );
}

fn check(bytes: &[u8]) {
    match soap::decode(TARGET, "RetrieveServiceContent", bytes) {
        Ok(node) => {
            // A reply that still parses must still be decodable or give a typed error.
            if let Some(rv) = node.child("returnval") {
                let _ = ServiceContent::from_node(rv);
            }
        }
        Err(e) => common::assert_typed_decode_error(&e, TARGET),
    }
}

/// Every truncation of every recorded reply is `Malformed` (a cut fault body included: it is no
/// longer a fault).
#[test]
fn every_truncation_of_every_recorded_reply_is_malformed() {
    for (file, method, bytes) in ALL {
        for cut in 0..bytes.len() {
            let err = soap::decode(TARGET, method, &bytes[..cut]).unwrap_err();
            assert!(
                matches!(err, VsphereError::Malformed { .. }),
                "{file} cut at {cut}: {err:?}"
            );
        }
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn mutated_real_replies_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        which in 0usize..ALL.len(),
    ) {
        let mut bytes = ALL[which].2.to_vec();
        for (at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        check(&bytes);
    }
}
