//! RAID volume create/delete (`hermes_ilo::volumes`) and HPE Smart Array logical drives
//! (`hermes_ilo::smartstorage`).
//!
//! - On the real iLO 5 v2.72 capture (shared/data/redfish/hpe-ilo5: a Smart Array P408i-p SR Gen10
//!   with one RAID 1 of two SATA SSDs, its volumes collection with `@Redfish.CollectionCapabilities`,
//!   its `SmartStorageConfig` and pending settings), served from memory by `VolumeBmc`: a scratch
//!   BMC that takes the writes the capture cannot show (a volume POST creates the volume and links
//!   its drives, a DELETE removes it, a PUT of the Smart Array settings is kept as the pending
//!   settings, as iLO does) and logs every request, so a test sees what was sent and in which order.
//! - Against a private sushy-emulator (same venv as peer `sushy`, its own port and state) with a
//!   storage subsystem of four drives configured: storage and drives read from the real emulator,
//!   the layout checked against them, and the emulator's answer to a volume POST with its fake
//!   driver (501: it has no volume backend) reported as a typed error naming the collection.

mod common;

use std::sync::{Arc, Mutex};

use common::{load_tree, norm_path, serve_http, TreeMap};
use hermes_core::{Action, Configurable, ErrorKind, Mode};
use hermes_ilo::smartstorage::SmartStorageVolumes;
use hermes_ilo::volumes::{RaidLevel, StorageVolumes, VolumeLayout, VolumeSpec};
use hermes_ilo::{Client, SystemSelector};
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};

type Reply = hyper::Response<Full<bytes::Bytes>>;

const STORAGE: &str = "/redfish/v1/Systems/1/Storage/DE081000";
const VOLUMES: &str = "/redfish/v1/Systems/1/Storage/DE081000/Volumes";
const SSC_SETTINGS: &str = "/redfish/v1/systems/1/smartstorageconfig/settings";

/// How `VolumeBmc` answers a volume POST or DELETE.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    /// 201 + Location (POST), 204 (DELETE).
    Now,
    /// 202 + a task monitor that answers 202 once, then the task `Completed`.
    Task,
    /// 202 + a task monitor whose task ends in `Exception`.
    FailedTask,
}

/// Every request: method, path, JSON body.
type RequestLog = Arc<Mutex<Vec<(String, String, Option<Value>)>>>;

#[derive(Clone)]
struct VolumeBmc {
    url: String,
    tree: Arc<Mutex<TreeMap>>,
    log: RequestLog,
    answer: Arc<Mutex<Answer>>,
}

fn reply(status: u16, headers: &[(&str, String)], body: Option<Value>) -> Reply {
    let mut b = hyper::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, v);
    }
    let bytes = body.map(|v| v.to_string()).unwrap_or_default();
    if !bytes.is_empty() {
        b = b.header("content-type", "application/json");
    }
    b.body(Full::new(bytes::Bytes::from(bytes))).unwrap()
}

fn find_key(tree: &TreeMap, path: &str) -> Option<String> {
    let p = norm_path(path);
    if tree.contains_key(&p) {
        return Some(p);
    }
    tree.keys().find(|k| k.eq_ignore_ascii_case(&p)).cloned()
}

fn set_drive_volumes(tree: &mut TreeMap, drives: &[String], volume: &str, add: bool) {
    for d in drives {
        let Some(k) = find_key(tree, d) else { continue };
        let drive = tree.get_mut(&k).unwrap();
        if !drive["Links"].is_object() {
            drive["Links"] = json!({});
        }
        let mut vols: Vec<Value> = drive["Links"]["Volumes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        vols.retain(|v| v["@odata.id"] != volume);
        if add {
            vols.push(json!({ "@odata.id": volume }));
        }
        drive["Links"]["Volumes@odata.count"] = json!(vols.len());
        drive["Links"]["Volumes"] = Value::Array(vols);
    }
}

impl VolumeBmc {
    async fn serve(tree: TreeMap) -> VolumeBmc {
        let tree = Arc::new(Mutex::new(tree));
        let log: RequestLog = Arc::default();
        let answer = Arc::new(Mutex::new(Answer::Now));
        let polls: Arc<Mutex<u32>> = Arc::default();
        let (t, l, a) = (tree.clone(), log.clone(), answer.clone());
        let url = serve_http(move |req: hyper::Request<hyper::body::Incoming>| {
            let (tree, log, answer, polls) = (t.clone(), l.clone(), a.clone(), polls.clone());
            async move {
                let method = req.method().clone();
                let path = req.uri().path().to_string();
                let bytes = req.into_body().collect().await.unwrap().to_bytes();
                let body: Option<Value> = serde_json::from_slice(&bytes).ok();
                log.lock().unwrap().push((method.to_string(), path.clone(), body.clone()));
                let mut tree = tree.lock().unwrap();
                let answer = *answer.lock().unwrap();
                let key = find_key(&tree, &path);
                match method {
                    hyper::Method::GET => {
                        if norm_path(&path) == "/redfish/v1/TaskService/Tasks/7" {
                            let mut n = polls.lock().unwrap();
                            *n += 1;
                            if *n == 1 {
                                return reply(202, &[("Location", path.clone())], Some(json!({"TaskState": "Running"})));
                            }
                            let state = if answer == Answer::FailedTask { "Exception" } else { "Completed" };
                            return reply(200, &[], Some(json!({"@odata.id": path, "Id": "7", "TaskState": state,
                                "Messages": [{"MessageId": "Base.1.8.GeneralError", "Message": "the controller refused the volume"}]})));
                        }
                        match key {
                            Some(k) => reply(200, &[], Some(tree[&k].clone())),
                            None => reply(404, &[], Some(json!({"error": {"code": "Base.1.0.ResourceMissingAtURI", "message": path}}))),
                        }
                    }
                    hyper::Method::POST
                        if key.as_ref().is_some_and(|k| {
                            tree[k]["@odata.type"].as_str().unwrap_or("").contains("VolumeCollection")
                        }) =>
                    {
                        let coll = key.unwrap();
                        let body = body.unwrap_or_default();
                        let members = tree[&coll]["Members"].as_array().cloned().unwrap_or_default();
                        let id = (members.len() + 1..).find(|n| !tree.contains_key(&format!("{coll}/{n}"))).unwrap();
                        let at = format!("{coll}/{id}");
                        let drives: Vec<String> = body["Links"]["Drives"].as_array().into_iter().flatten()
                            .filter_map(|d| d["@odata.id"].as_str().map(String::from)).collect();
                        let vol = json!({
                            "@odata.id": at, "@odata.type": "#Volume.v1_6_2.Volume", "Id": id.to_string(),
                            "Name": body.get("Name").cloned().unwrap_or(json!(format!("SR Volume {id}"))),
                            "DisplayName": body.get("DisplayName").cloned().unwrap_or(Value::Null),
                            "RAIDType": body.get("RAIDType").cloned().unwrap_or(Value::Null),
                            "VolumeType": body.get("VolumeType").cloned().unwrap_or(Value::Null),
                            "CapacityBytes": body.get("CapacityBytes").cloned().unwrap_or(json!(480070426624u64)),
                            "Status": {"State": "Enabled", "Health": "OK"},
                            "Links": {"Drives": drives.iter().map(|d| json!({"@odata.id": d})).collect::<Vec<_>>()},
                        });
                        tree.insert(at.clone(), vol);
                        let c = tree.get_mut(&coll).unwrap();
                        let mut m = c["Members"].as_array().cloned().unwrap_or_default();
                        m.push(json!({"@odata.id": at}));
                        c["Members@odata.count"] = json!(m.len());
                        c["Members"] = Value::Array(m);
                        set_drive_volumes(&mut tree, &drives, &at, true);
                        match answer {
                            Answer::Now => reply(201, &[("Location", at.clone())], Some(tree[&at].clone())),
                            _ => reply(202, &[("Location", "/redfish/v1/TaskService/Tasks/7".to_string())], None),
                        }
                    }
                    hyper::Method::DELETE if key.is_some() => {
                        let at = key.unwrap();
                        let vol = tree.remove(&at).unwrap();
                        let drives: Vec<String> = vol["Links"]["Drives"].as_array().into_iter().flatten()
                            .filter_map(|d| d["@odata.id"].as_str().map(String::from)).collect();
                        set_drive_volumes(&mut tree, &drives, vol["@odata.id"].as_str().unwrap_or(&at), false);
                        let coll = at.rsplit_once('/').unwrap().0.to_string();
                        if let Some(c) = tree.get_mut(&coll) {
                            let mut m = c["Members"].as_array().cloned().unwrap_or_default();
                            m.retain(|x| x["@odata.id"].as_str().is_none_or(|p| norm_path(p) != at));
                            c["Members@odata.count"] = json!(m.len());
                            c["Members"] = Value::Array(m);
                        }
                        match answer {
                            Answer::Now => reply(204, &[], None),
                            _ => reply(202, &[("Location", "/redfish/v1/TaskService/Tasks/7".to_string())], None),
                        }
                    }
                    // iLO keeps a PUT body as the pending settings and answers 200 with a
                    // SystemResetRequired message (HPE's "Storage management with Redfish").
                    hyper::Method::PUT if key.as_ref().is_some_and(|k| k.to_ascii_lowercase().ends_with("smartstorageconfig/settings")) => {
                        let k = key.unwrap();
                        let body = body.unwrap_or_default();
                        let s = tree.get_mut(&k).unwrap();
                        s["LogicalDrives"] = body["LogicalDrives"].clone();
                        s["DataGuard"] = body["DataGuard"].clone();
                        reply(200, &[], Some(json!({"error": {"code": "iLO.0.10.ExtendedInfo",
                            "message": "See @Message.ExtendedInfo for more information.",
                            "@Message.ExtendedInfo": [{"MessageId": "iLO.2.14.SystemResetRequired"}]}})))
                    }
                    _ => reply(405, &[], Some(json!({"error": {"code": "Base.1.0.OperationNotAllowed", "message": format!("{method} {path}")}}))),
                }
            }
        })
        .await;
        VolumeBmc {
            url,
            tree,
            log,
            answer,
        }
    }

    fn client(&self) -> Client {
        Client::builder(&self.url)
            .name("volume-bmc")
            .basic_auth("Administrator", "vol-s3cret-pw")
            .retry(common::fast_retry())
            .build()
            .unwrap()
    }

    fn writes(&self) -> Vec<(String, String, Option<Value>)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _, _)| m != "GET")
            .cloned()
            .collect()
    }

    fn edit(&self, path: &str, f: impl FnOnce(&mut Value)) {
        let mut tree = self.tree.lock().unwrap();
        f(tree
            .get_mut(path)
            .unwrap_or_else(|| panic!("{path} not in the tree")));
    }
}

async fn ilo5() -> (VolumeBmc, StorageVolumes, hermes_ilo::SystemHandle) {
    let bmc = VolumeBmc::serve(load_tree(&common::ilo5_tree())).await;
    let system = bmc
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap();
    let storage = StorageVolumes::new(system.clone(), "de081000");
    (bmc, storage, system)
}

fn boot_mirror() -> VolumeSpec {
    VolumeSpec::new(RaidLevel::Raid1, ["0", "1"]).name("esxi-boot")
}

#[tokio::test]
async fn the_ilo5_capture_reads_its_raid1_and_what_the_collection_allows() {
    let (_bmc, storage, _) = ilo5().await;
    let live = storage.live().await.unwrap();
    assert_eq!(live.volumes.len(), 1);
    let v = &live.volumes[0];
    assert_eq!(v.raid, RaidLevel::Raid1);
    assert_eq!(
        v.drives,
        vec![format!("{STORAGE}/Drives/0"), format!("{STORAGE}/Drives/1")]
    );
    assert_eq!(v.location.as_deref(), Some(format!("{VOLUMES}/1").as_str()));
    let f = live.facts.unwrap();
    assert_eq!(f.collection.as_deref(), Some(VOLUMES));
    assert_eq!(
        f.drives.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["0", "1"]
    );
    assert_eq!(f.drives[0].volumes, vec![format!("{VOLUMES}/1")]);
    // From Controllers/0 and from the capabilities object of the VolumeCreation use case.
    assert_eq!(f.supported_raid.as_ref().map(Vec::len), Some(9));
    assert!(f
        .allowed_raid
        .as_ref()
        .unwrap()
        .contains(&"RAID1Triple".to_string()));
    assert_eq!(
        (f.name_property.as_str(), f.level_property.as_str()),
        ("DisplayName", "RAIDType")
    );
    assert_eq!(f.max_members, Some(64));
    assert!(f.apply_times.is_empty());
}

#[tokio::test]
async fn the_existing_boot_mirror_plans_nothing_and_sends_nothing() {
    let (bmc, storage, _) = ilo5().await;
    let want = VolumeLayout::new().volume(boot_mirror());
    let report = storage.converge(&want, Mode::Apply).await.unwrap();
    assert!(!report.plan.has_changes(), "{}", report.plan.render());
    assert!(report.verified);
    // Named by path, in another order and case: the same volume.
    let want = VolumeLayout::new().volume(VolumeSpec::new(
        RaidLevel::parse("Raid1"),
        [
            format!("{STORAGE}/Drives/1/"),
            format!("{}/drives/0", STORAGE.to_lowercase()),
        ],
    ));
    assert!(!storage.plan(&want).await.unwrap().has_changes());
    assert!(bmc.writes().is_empty());
}

#[tokio::test]
async fn an_exclusive_layout_deletes_then_creates_and_a_rerun_is_unchanged() {
    let (bmc, storage, _) = ilo5().await;
    // Rebuild the two SSDs as a RAID 0 scratch volume.
    let want = VolumeLayout::new()
        .volume(VolumeSpec::new(RaidLevel::Raid0, ["0", "1"]).name("scratch"))
        .exclusive(true);
    let plan = storage.plan(&want).await.unwrap();
    let actions: Vec<Action> = plan.actionable().map(|c| c.action).collect();
    assert_eq!(
        actions,
        [Action::Delete, Action::Create],
        "{}",
        plan.render()
    );
    let text = plan.render();
    assert!(!text.contains("vol-s3cret-pw") && !format!("{plan:?}").contains("vol-s3cret-pw"));
    assert!(text.contains(&format!("DELETE {VOLUMES}/1")), "{text}");
    assert!(bmc.writes().is_empty(), "planning sent {:?}", bmc.writes());

    let report = storage.converge(&want, Mode::Apply).await.unwrap();
    assert!(report.verified, "{report:?}");
    let applied = report.applied.unwrap();
    assert_eq!(applied.applied, 2);
    assert!(!applied.restart_required);
    let writes = bmc.writes();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(
        (writes[0].0.as_str(), writes[0].1.as_str()),
        ("DELETE", format!("{VOLUMES}/1").as_str())
    );
    assert_eq!(
        (writes[1].0.as_str(), writes[1].1.as_str()),
        ("POST", VOLUMES)
    );
    let body = writes[1].2.clone().unwrap();
    // iLO's capabilities name the volume by DisplayName and take RAIDType.
    assert_eq!(
        body,
        json!({"DisplayName": "scratch", "RAIDType": "RAID0",
        "Links": {"Drives": [{"@odata.id": format!("{STORAGE}/Drives/0")}, {"@odata.id": format!("{STORAGE}/Drives/1")}]}})
    );

    let live = storage.live().await.unwrap();
    assert_eq!(live.volumes.len(), 1);
    assert_eq!(live.volumes[0].raid, RaidLevel::Raid0);
    let again = storage.converge(&want, Mode::Apply).await.unwrap();
    assert!(!again.plan.has_changes(), "{}", again.plan.render());
    assert_eq!(bmc.writes().len(), 2, "the re-run sent something");
}

#[tokio::test]
async fn a_non_exclusive_layout_keeps_other_volumes_and_refuses_their_drives() {
    let (bmc, storage, _) = ilo5().await;
    let err = storage
        .plan(&VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid0, ["1"])))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        msg.contains("storage de081000")
            && msg.contains("\"1\"")
            && msg.contains("already belongs")
            && msg.contains(&format!("{VOLUMES}/1"))
            && msg.contains("exclusive"),
        "{msg}"
    );
    // Nothing wanted: the RAID 1 is kept, listed as such.
    let plan = storage.plan(&VolumeLayout::new()).await.unwrap();
    assert!(!plan.has_changes());
    assert_eq!(plan.summary().keep, 1);
    assert!(bmc.writes().is_empty());
}

#[tokio::test]
async fn bad_layouts_are_refused_before_anything_is_sent() {
    let (bmc, storage, system) = ilo5().await;
    let cases: Vec<(VolumeLayout, &[&str])> = vec![
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "7"]))
                .exclusive(true),
            &["\"7\"", "not a drive of this storage", "its drives: 0, 1"],
        ),
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid5, ["0", "1"]))
                .exclusive(true),
            &["RAID5 needs at least 3 drives, 2 given"],
        ),
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid10, ["0", "1"]))
                .exclusive(true),
            &["RAID10 needs an even number of drives, at least 4"],
        ),
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"]))
                .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"]))
                .exclusive(true),
            &["listed in two new volumes"],
        ),
    ];
    for (want, needles) in cases {
        let e = storage.plan(&want).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let msg = e.to_string();
        assert!(
            msg.contains("/redfish/v1/Systems/1") && msg.contains("de081000"),
            "{msg}"
        );
        for n in needles {
            assert!(msg.contains(n), "{msg} lacks {n}");
        }
        assert!(storage.converge(&want, Mode::Apply).await.is_err());
    }
    // A level the capabilities do not allow, then one the controller does not support.
    bmc.edit(&format!("{VOLUMES}/Capabilities"), |c| {
        c["RAIDType@Redfish.AllowableValues"] = json!(["RAID1"])
    });
    let want = VolumeLayout::new()
        .volume(VolumeSpec::new(RaidLevel::Raid0, ["0", "1"]))
        .exclusive(true);
    let msg = storage.plan(&want).await.unwrap_err().to_string();
    assert!(
        msg.contains("does not create RAID0 (allowed: RAID1)"),
        "{msg}"
    );
    bmc.edit(&format!("{STORAGE}/Controllers/0"), |c| {
        c["SupportedRAIDTypes"] = json!(["RAID1", "RAID5"])
    });
    let msg = storage.plan(&want).await.unwrap_err().to_string();
    assert!(
        msg.contains("does not support RAID0 (SupportedRAIDTypes: RAID1, RAID5)"),
        "{msg}"
    );
    // Levels listed by the collection's own ActionInfo.
    bmc.edit(&format!("{STORAGE}/Controllers/0"), |c| {
        c["SupportedRAIDTypes"] = json!(["RAID0", "RAID1"])
    });
    bmc.edit(&format!("{VOLUMES}/Capabilities"), |c| {
        c.as_object_mut()
            .unwrap()
            .remove("RAIDType@Redfish.AllowableValues");
    });
    bmc.edit(VOLUMES, |c| {
        c["@Redfish.ActionInfo"] = json!(format!("{VOLUMES}/CreateInfo"))
    });
    bmc.tree.lock().unwrap().insert(
        format!("{VOLUMES}/CreateInfo"),
        json!({"@odata.id": format!("{VOLUMES}/CreateInfo"), "Id": "CreateInfo",
            "Parameters": [{"Name": "RAIDType", "AllowableValues": ["RAID1"]}]}),
    );
    let msg = storage.plan(&want).await.unwrap_err().to_string();
    assert!(
        msg.contains("does not create RAID0 (allowed: RAID1)"),
        "{msg}"
    );
    // An unknown storage subsystem.
    let msg = StorageVolumes::new(system, "NOPE")
        .plan(&want)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("no storage subsystem \"NOPE\"") && msg.contains("DE081000"),
        "{msg}"
    );
    assert!(bmc.writes().is_empty(), "sent {:?}", bmc.writes());
}

#[tokio::test]
async fn a_task_monitor_is_followed_and_a_failed_task_is_an_error() {
    let (bmc, storage, _) = ilo5().await;
    *bmc.answer.lock().unwrap() = Answer::Task;
    let want = VolumeLayout::new()
        .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"]))
        .exclusive(true);
    let report = storage.converge(&want, Mode::Apply).await.unwrap();
    assert!(report.verified);
    let monitor_reads = bmc
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, p, _)| m == "GET" && p.contains("Tasks/7"))
        .count();
    assert!(monitor_reads >= 2, "{monitor_reads}");

    let (bmc, storage, _) = ilo5().await;
    *bmc.answer.lock().unwrap() = Answer::FailedTask;
    let want = VolumeLayout::new()
        .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"]))
        .exclusive(true);
    let err = storage.converge(&want, Mode::Apply).await.unwrap_err();
    assert!(err.to_string().contains("Exception"), "{err}");
}

#[tokio::test]
async fn an_on_reset_collection_is_asked_for_it_and_a_restart_is_reported() {
    let (bmc, storage, _) = ilo5().await;
    bmc.edit(VOLUMES, |c| {
        c["@Redfish.OperationApplyTimeSupport"] = json!({"SupportedValues": ["OnReset"]});
    });
    let want = VolumeLayout::new()
        .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"]))
        .exclusive(true);
    let report = storage.converge(&want, Mode::Apply).await.unwrap();
    let applied = report.applied.unwrap();
    assert!(applied.restart_required);
    assert!(
        !report.verified,
        "a reset-pending change cannot be read back yet"
    );
    assert!(
        applied
            .output
            .iter()
            .any(|l| l.contains("restart the server")),
        "{:?}",
        applied.output
    );
    let post = bmc
        .writes()
        .into_iter()
        .find(|(m, _, _)| m == "POST")
        .unwrap();
    assert_eq!(post.2.unwrap()["@Redfish.OperationApplyTime"], "OnReset");
}

#[tokio::test]
async fn an_older_service_gets_volume_type_and_name() {
    let (bmc, storage, _) = ilo5().await;
    bmc.edit(&format!("{VOLUMES}/Capabilities"), |c| {
        let o = c.as_object_mut().unwrap();
        o.retain(|k, _| !k.starts_with("RAIDType") && !k.starts_with("DisplayName"));
        o.insert("VolumeType@Redfish.RequiredOnCreate".into(), json!(true));
        o.insert("Name@Redfish.OptionalOnCreate".into(), json!(true));
    });
    let want = VolumeLayout::new()
        .volume(
            VolumeSpec::new(RaidLevel::Raid1, ["0", "1"])
                .name("mirror")
                .capacity_bytes(100 << 30),
        )
        .volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "1"]))
        .exclusive(true);
    // The same two drives twice: refused.
    assert!(storage.plan(&want).await.is_err());
    let want = VolumeLayout::new()
        .volume(
            VolumeSpec::new(RaidLevel::Raid0, ["0", "1"])
                .name("stripe")
                .capacity_bytes(100 << 30),
        )
        .exclusive(true);
    storage
        .apply(&storage.plan(&want).await.unwrap())
        .await
        .unwrap();
    let post = bmc
        .writes()
        .into_iter()
        .find(|(m, _, _)| m == "POST")
        .unwrap();
    let body = post.2.unwrap();
    assert_eq!(
        (body["VolumeType"].as_str(), body["Name"].as_str()),
        (Some("NonRedundant"), Some("stripe"))
    );
    assert_eq!(body["CapacityBytes"], json!(100u64 << 30));
    assert!(body.get("RAIDType").is_none());
}

// ---- HPE SmartStorageConfig, on the same capture ----

#[tokio::test]
async fn smart_storage_config_reads_the_logical_drive_and_plans_nothing_for_it() {
    let (bmc, _, system) = ilo5().await;
    let array = SmartStorageVolumes::new(system.clone()).at_location("slot 2");
    let live = array.live().await.unwrap();
    assert_eq!(live.volumes.len(), 1);
    let ld = &live.volumes[0];
    assert_eq!(
        (ld.raid.clone(), ld.drives.clone()),
        (
            RaidLevel::Raid1,
            vec!["1I:3:1".to_string(), "1I:3:2".into()]
        )
    );
    assert_eq!(
        ld.location.as_deref(),
        Some("600508B1001C2F6607D327AE65E786C6")
    );
    assert_eq!(ld.capacity_bytes, Some(447 << 30));
    let want = VolumeLayout::new().volume(VolumeSpec::new(
        RaidLevel::parse("Raid1"),
        ["1I:3:2", "1I:3:1"],
    ));
    assert!(!array.plan(&want).await.unwrap().has_changes());
    let e = SmartStorageVolumes::new(system)
        .at_location("Slot 9")
        .read()
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("Slot 9") && e.to_string().contains("Slot 2"),
        "{e}"
    );
    assert!(bmc.writes().is_empty());
}

#[tokio::test]
async fn smart_storage_config_rebuild_is_one_put_of_pending_settings_then_unchanged() {
    let (bmc, _, system) = ilo5().await;
    let array = SmartStorageVolumes::new(system);
    let want = VolumeLayout::new()
        .volume(
            VolumeSpec::new(RaidLevel::Raid0, ["1I:3:1"])
                .name("scratch")
                .capacity_bytes(100 << 30),
        )
        .exclusive(true);
    let report = array.converge(&want, Mode::Apply).await.unwrap();
    let plan_text = report.plan.render();
    assert_eq!(report.plan.summary().delete, 1, "{plan_text}");
    assert_eq!(report.plan.summary().create, 1, "{plan_text}");
    let applied = report.applied.unwrap();
    assert!(applied.restart_required && !report.verified);
    let writes = bmc.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].0, "PUT");
    assert!(
        writes[0]
            .1
            .eq_ignore_ascii_case(&format!("{SSC_SETTINGS}/")),
        "{}",
        writes[0].1
    );
    assert_eq!(
        writes[0].2.clone().unwrap(),
        json!({"DataGuard": "Disabled", "LogicalDrives": [
            {"Actions": [{"Action": "LogicalDriveDelete"}], "VolumeUniqueIdentifier": "600508B1001C2F6607D327AE65E786C6"},
            {"LogicalDriveName": "scratch", "Raid": "Raid0", "DataDrives": ["1I:3:1"], "CapacityGiB": 100},
        ]})
    );
    // Before the reboot the pending settings hold the request: a second run changes nothing.
    let again = array.converge(&want, Mode::Apply).await.unwrap();
    assert!(!again.plan.has_changes(), "{}", again.plan.render());
    assert_eq!(bmc.writes().len(), 1);
    // Deleting only: DataGuard Permissive; the pending creation is dropped, nothing else.
    let report = array
        .converge(&VolumeLayout::new().exclusive(true), Mode::Apply)
        .await
        .unwrap();
    assert_eq!(report.plan.summary().delete, 1);
    // The deletion already pending is sent again, so the new PUT does not drop it.
    let put = bmc.writes().pop().unwrap();
    assert_eq!(
        put.2.unwrap(),
        json!({"DataGuard": "Permissive", "LogicalDrives": [
            {"Actions": [{"Action": "LogicalDriveDelete"}], "VolumeUniqueIdentifier": "600508B1001C2F6607D327AE65E786C6"},
        ]})
    );
}

#[tokio::test]
async fn smart_storage_config_refuses_bad_layouts_without_writing() {
    let (bmc, _, system) = ilo5().await;
    let array = SmartStorageVolumes::new(system);
    for (want, needle) in [
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid0, ["1I:1:9"]))
                .exclusive(true),
            "\"1I:1:9\"",
        ),
        (
            VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid0, ["1I:3:1"])),
            "already belongs",
        ),
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid6, ["1I:3:1", "1I:3:2"]))
                .exclusive(true),
            "RAID6 needs at least 4",
        ),
        (
            VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid0, ["1I:3:1"]).capacity_bytes(1000))
                .exclusive(true),
            "whole number of GiB",
        ),
    ] {
        let e = array.plan(&want).await.unwrap_err();
        assert!(
            e.to_string().contains(needle) && e.to_string().contains("smart array"),
            "{e}"
        );
    }
    assert!(bmc.writes().is_empty());
}

// ---- sushy-emulator (private instance, same venv as peer `sushy`) ----

struct PrivateSushy {
    child: std::process::Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for PrivateSushy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SUSHY_UUID: &str = "00000000-0000-4000-8000-0000000000a1";

fn private_sushy() -> PrivateSushy {
    hermes_testkit::peer("sushy");
    let bin = std::path::PathBuf::from(
        hermes_testkit::settings()
            .remove("SUSHY_VENV_BIN")
            .expect("SUSHY_VENV_BIN in peers.env"),
    )
    .join("sushy-emulator");
    let dir = tempfile::tempdir().unwrap();
    let port = hermes_testkit::free_port();
    let conf = dir.path().join("emulator.conf");
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let drives: Vec<String> = (0..4)
        .map(|i| format!("{{'Id': 'Bay{i}', 'Name': 'SAS drive {i}', 'CapacityBytes': 899527000000, 'Protocol': 'SAS'}}"))
        .collect();
    std::fs::write(
        &conf,
        format!(
            "SUSHY_EMULATOR_LISTEN_IP = '127.0.0.1'\nSUSHY_EMULATOR_LISTEN_PORT = {port}\nSUSHY_EMULATOR_FAKE_DRIVER = True\n\
             SUSHY_EMULATOR_STATE_DIR = '{}'\n\
             SUSHY_EMULATOR_FAKE_SYSTEMS = [{{'uuid': '{SUSHY_UUID}', 'name': 'raid-01', 'power_state': 'Off', 'nics': []}}]\n\
             SUSHY_EMULATOR_STORAGE = {{'{SUSHY_UUID}': [{{'Id': '1', 'Name': 'Local Storage Controller', \
             'StorageControllers': [{{'MemberId': '0', 'Name': 'Contoso Integrated RAID', 'SpeedGbps': 12}}], \
             'Drives': ['Bay0', 'Bay1', 'Bay2', 'Bay3']}}]}}\n\
             SUSHY_EMULATOR_DRIVES = {{('{SUSHY_UUID}', '1'): [{}]}}\n\
             SUSHY_EMULATOR_VOLUMES = {{('{SUSHY_UUID}', '1'): []}}\n",
            state.display(),
            drives.join(", ")
        ),
    )
    .unwrap();
    let child = std::process::Command::new(&bin)
        .arg("--config")
        .arg(&conf)
        .env("TMPDIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let addr = format!("127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "private sushy-emulator did not listen on {addr}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    PrivateSushy {
        child,
        addr,
        _dir: dir,
    }
}

#[tokio::test]
async fn sushy_emulator_storage_is_read_checked_and_its_refusal_is_typed() {
    let sushy = private_sushy();
    let client = Client::builder(format!("http://{}", sushy.addr))
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let system = client.find_system(&SystemSelector::Only).await.unwrap();
    let storage = StorageVolumes::new(system, "1");
    let live = storage.live().await.unwrap();
    assert!(live.volumes.is_empty());
    let f = live.facts.clone().unwrap();
    assert_eq!(
        f.drives.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["Bay0", "Bay1", "Bay2", "Bay3"]
    );
    assert_eq!(f.supported_raid, None, "sushy lists no SupportedRAIDTypes");
    // Checked against the emulator's drives.
    let e = storage
        .plan(&VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid1, ["Bay0", "Bay7"])))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("\"Bay7\"") && e.to_string().contains("Bay0, Bay1, Bay2, Bay3"),
        "{e}"
    );
    // A valid RAID 10: planned as one POST; the emulator's fake driver has no volume backend and
    // answers 501, which is reported as unsupported, naming the collection.
    let want = VolumeLayout::new()
        .volume(VolumeSpec::new(RaidLevel::Raid10, ["Bay0", "Bay1", "Bay2", "Bay3"]).name("data"));
    let plan = storage.plan(&want).await.unwrap();
    assert_eq!(plan.summary().create, 1);
    let err = storage.converge(&want, Mode::Apply).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(
        err.to_string().contains(&format!(
            "/redfish/v1/Systems/{SUSHY_UUID}/Storage/1/Volumes"
        )),
        "{err}"
    );
    assert!(storage.live().await.unwrap().volumes.is_empty());
}
