//! Every recorded Redfish tree (`tests/data/redfish`, and the iLO 5 v2.72 capture in
//! `shared/data/redfish/hpe-ilo5`) served with one structured mutation at a time, through the whole
//! read-only workflow: discovery (service root, systems, each system, its managers, its CD and boot
//! target, its BIOS), the inventory, the install plan and a session login.
//!
//! Real BMCs differ from the recorded trees in small ways; each mutation is one such difference,
//! applied to one resource the workflow reads (systems, managers, chassis, virtual media, storage,
//! drives, volumes, NICs, processors, firmware inventory, update service, sessions, BIOS, secure boot,
//! action infos and their collections): a property removed, set to `null`, an enum (any string) set
//! to an unknown `"Foo"`, a number sent as a string, a link pointing to a 404, a member listed twice,
//! `Members@odata.count` disagreeing with the members, an empty `Oem`, and member ids renamed
//! (`1` → `System.Embedded.1`, `Self`, with every link to them). The enumeration is deterministic
//! (every read resource × every applicable kind × the properties of [`PROPERTIES`]), so a failure
//! names the tree, the resource, the property and the mutation, and reproduces.
//!
//! Each run must end, step by step, in Ok or in a typed error naming a Redfish path, never a panic;
//! and no value may change silently: every resource the run reports (the inventory's, each system's)
//! is compared with the unmutated run, and only the mutated property may differ, as the mutation
//! allows (an unknown enum read as itself or as absent, never as another known value; a number as a
//! string read as the number; a removed property absent or derived from elsewhere). A resource the
//! inventory lists twice is a silent wrong value too (a drive counted twice).
//!
//! The trees are served from memory by `common::MemoryRedfish` (the same answers as `sushy-static`:
//! the tree's files for GET, 404 with a Redfish error for what it lacks, 204 for PATCH/POST, plus
//! the session login `sushy-static` cannot answer), since one `sushy-static` process per mutation
//! would take minutes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hermes_core::{Classify, ErrorKind, Provisioner};
use hermes_ilo::bios::BiosSettings;
use hermes_ilo::install::{EsxiHost, EsxiInstaller, MediaSource, TcpCheck};
use hermes_ilo::kickstart::{KickstartSpec, RootPassword};
use hermes_ilo::{Client, SystemSelector};
use serde_json::{json, Value};

/// Every tree with a service root.
fn trees() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let dir = common::vendor_tree("");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.join("redfish/v1/index.json").is_file() {
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), p));
        }
    }
    out.push(("hpe-ilo5-v2.72".to_string(), common::ilo5_tree()));
    out.sort();
    out
}

/// The properties mutated, where a read resource has them (at the top level, or one level down in
/// `Boot`, `Links`, `Status`, the summaries and `@Redfish.Settings`, or in an action): the ones the
/// workflow interprets (links, enums, counts, actions) rather than only reports; with
/// `HERMES_MUTATION_ALL=1`, [`REPORTED`] too.
const PROPERTIES: &[&str] = &[
    "@odata.id",
    "Id",
    "PowerState",
    "Boot",
    "BootSourceOverrideTarget",
    "BootSourceOverrideEnabled",
    "BootSourceOverrideMode",
    "BootSourceOverrideTarget@Redfish.AllowableValues",
    "BootSourceOverrideSupported",
    "ProcessorSummary",
    "Count",
    "MemorySummary",
    "TotalSystemMemoryGiB",
    "Actions",
    "#ComputerSystem.Reset",
    "#VirtualMedia.InsertMedia",
    "#VirtualMedia.EjectMedia",
    "#UpdateService.SimpleUpdate",
    "target",
    "ResetType@Redfish.AllowableValues",
    "@Redfish.ActionInfo",
    "Parameters",
    "Links",
    "ManagedBy",
    "ManagerForServers",
    "Systems",
    "Managers",
    "Chassis",
    "Sessions",
    "SessionService",
    "UpdateService",
    "FirmwareInventory",
    "VirtualMedia",
    "MediaTypes",
    "Inserted",
    "Image",
    "ConnectedVia",
    "Bios",
    "SecureBoot",
    "SecureBootEnable",
    "Storage",
    "Drives",
    "Volumes",
    "CapacityBytes",
    "RAIDType",
    "VolumeType",
    "EthernetInterfaces",
    "Processors",
    "SimpleStorage",
    "Members",
    "Oem",
    "Attributes",
    "@Redfish.Settings",
    "SettingsObject",
];

/// Properties the workflow only reports (mutated with `HERMES_MUTATION_ALL=1`: about 1.5 times the
/// runs).
const REPORTED: &[&str] = &[
    "Name",
    "Status",
    "State",
    "Version",
    "Updateable",
    "Model",
    "SerialNumber",
    "BiosVersion",
    "UUID",
    "LogicalProcessorCount",
    "Health",
    "MediaType",
    "Protocol",
    "MACAddress",
    "PermanentMACAddress",
    "SpeedMbps",
    "TotalCores",
    "TotalThreads",
    "MaxSpeedMHz",
    "FirmwareVersion",
    "RedfishVersion",
    "StorageControllers",
];

fn mutated_property(k: &str) -> bool {
    PROPERTIES.contains(&k)
        || (REPORTED.contains(&k) && std::env::var_os("HERMES_MUTATION_ALL").is_some())
}

/// Objects whose members are mutated too (one level down).
const NESTED: &[&str] = &[
    "Boot",
    "Links",
    "Status",
    "ProcessorSummary",
    "MemorySummary",
    "@Redfish.Settings",
];

/// One difference from the recorded tree.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Remove,
    Null,
    /// A string (or the first string of an array) set to `"Foo"`.
    UnknownEnum,
    /// A number sent as a string.
    NumberAsString,
    /// A link (`@odata.id`, or the first of an array of links) pointing to a resource that answers 404.
    DeadLink,
    EmptyOem,
    /// A collection's first member listed twice.
    DuplicateMember,
    /// `Members@odata.count` one more than the members.
    CountOff,
    /// A member resource renamed (its path, its `Id` and every link to it).
    Rename(&'static str),
}

#[derive(Debug, Clone)]
struct Mutation {
    /// The resource changed.
    resource: String,
    /// JSON pointer of the property changed ("" for the collection and rename kinds).
    pointer: String,
    kind: Kind,
}

impl std::fmt::Display for Mutation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} at {}#{}", self.kind, self.resource, self.pointer)
    }
}

type Tree = common::TreeMap;

fn norm(path: &str) -> String {
    common::norm_path(path)
}

/// What one step ended in: a value to compare, or an error's kind and text.
type Step = Result<Value, (ErrorKind, String)>;

fn step<T: serde::Serialize, E: Classify + std::fmt::Display>(r: Result<T, E>) -> Step {
    r.map(|v| serde_json::to_value(v).unwrap())
        .map_err(|e| (e.kind(), e.to_string()))
}

/// Runs the workflow against `url`: each step's outcome by name.
/// The workflow's stages: each is run only where the mutated resource is one it read unmutated.
const STAGES: [&str; 4] = ["discovery", "inventory", "plan", "session"];

async fn workflow(
    url: &str,
    selectors: &[(String, SystemSelector)],
    stages: &[&str],
) -> BTreeMap<String, Step> {
    let mut out = BTreeMap::new();
    let bmc = Client::builder(url)
        .name("mutated")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    out.insert("root".into(), step(bmc.service_root().await));
    if stages.contains(&"discovery") {
        discovery(&bmc, &mut out).await;
    }
    if stages.contains(&"inventory") {
        out.insert("inventory".into(), step(bmc.inventory().await));
    }
    if stages.contains(&"plan") {
        plan(&bmc, selectors, &mut out).await;
    }
    if stages.contains(&"session") {
        let login = Client::builder(url)
            .name("mutated")
            .session_auth("admin", "mutation-test-password")
            .retry(common::fast_retry())
            .build()
            .unwrap();
        let r = login.systems().await.map(|s| s.len());
        let _ = login.logout().await;
        out.insert("session".into(), step(r));
    }
    out
}

/// Systems, each system, its managers and its BIOS.
async fn discovery(bmc: &Client, out: &mut BTreeMap<String, Step>) {
    match bmc.systems().await {
        Ok(handles) => {
            out.insert(
                "systems".into(),
                Ok(json!(handles.iter().map(|h| h.path()).collect::<Vec<_>>())),
            );
            for h in handles {
                let p = h.path().to_string();
                out.insert(format!("system {p}"), step(h.get().await));
                out.insert(format!("managers of {p}"), step(h.managers().await));
                out.insert(
                    format!("bios of {p}"),
                    step(
                        BiosSettings::new(h.clone())
                            .effective()
                            .await
                            .map(|a| serde_json::to_value(a.len()).unwrap()),
                    ),
                );
            }
        }
        Err(e) => {
            out.insert("systems".into(), Err((e.kind(), e.to_string())));
        }
    }
}

/// The install plan (CD device, insert method, boot target, power cycle) per system.
async fn plan(
    bmc: &Client,
    selectors: &[(String, SystemSelector)],
    out: &mut BTreeMap<String, Step>,
) {
    let dir = tempfile::tempdir().unwrap();
    let installer = EsxiInstaller::new(dir.path().join("state"), dir.path().join("iso"));
    for (name, selector) in selectors {
        let host = EsxiHost {
            name: name.clone(),
            bmc: bmc.clone(),
            system: selector.clone(),
            kickstart: KickstartSpec::builder("esxi-01.lab")
                .ip("10.0.20.1")
                .netmask("255.255.255.0")
                .gateway("10.0.20.254")
                .root_password(RootPassword::plain("test-pw-123"))
                .build()
                .unwrap(),
            media: MediaSource::Url("http://192.0.2.10/esxi-01.iso".into()),
            answering: Arc::new(TcpCheck::ssh("127.0.0.1:9")),
        };
        out.insert(
            format!("plan {name}"),
            step(installer.plan(&host).await.map(|p| p.render())),
        );
    }
}

/// The mutations of `tree` on the resources the unmutated run read.
fn mutations(tree: &Tree, reads: &BTreeSet<String>) -> Vec<Mutation> {
    let mut out = Vec::new();
    // Of a collection's members, the first only (its siblings have the same shape).
    // Likewise for any array of links (a storage subsystem's `Drives`).
    let mut skip = BTreeSet::new();
    fn siblings(v: &Value, skip: &mut BTreeSet<String>) {
        match v {
            Value::Array(a) => {
                if a.iter().all(is_link) {
                    for l in a.iter().skip(1) {
                        if let Some(p) = l.get("@odata.id").and_then(Value::as_str) {
                            skip.insert(norm(p));
                        }
                    }
                }
                a.iter().for_each(|x| siblings(x, skip));
            }
            Value::Object(o) => o.values().for_each(|x| siblings(x, skip)),
            _ => {}
        }
    }
    for v in tree.values() {
        siblings(v, &mut skip);
    }
    // Never the first member itself, even where another array lists it later.
    for v in tree.values() {
        if let Some(p) = v.pointer("/Members/0/@odata.id").and_then(Value::as_str) {
            skip.remove(&norm(p));
        }
    }
    for path in reads {
        if skip.contains(path) {
            continue;
        }
        let Some(v) = tree.get(path) else { continue };
        let mut push = |pointer: String, kind: Kind| {
            out.push(Mutation {
                resource: path.clone(),
                pointer,
                kind,
            })
        };
        if let Some(m) = v.get("Members").and_then(Value::as_array) {
            if !m.is_empty() {
                push(String::new(), Kind::DuplicateMember);
                push(String::new(), Kind::CountOff);
            }
        }
        let Some(obj) = v.as_object() else { continue };
        let mut props: Vec<(String, &Value)> = Vec::new();
        for (k, val) in obj {
            if !mutated_property(k) {
                continue;
            }
            props.push((format!("/{}", esc(k)), val));
            let deeper = NESTED.contains(&k.as_str()) || k == "Actions";
            if let (true, Some(inner)) = (deeper, val.as_object()) {
                for (k2, v2) in inner {
                    if k == "Actions" && k2.starts_with('#') {
                        props.push((format!("/{}/{}", esc(k), esc(k2)), v2));
                        for (k3, v3) in v2.as_object().into_iter().flatten() {
                            if mutated_property(k3) {
                                props.push((format!("/{}/{}/{}", esc(k), esc(k2), esc(k3)), v3));
                            }
                        }
                    } else if mutated_property(k2) {
                        props.push((format!("/{}/{}", esc(k), esc(k2)), v2));
                    }
                }
            }
        }
        for (pointer, val) in props {
            let last = pointer.rsplit('/').next().unwrap_or("");
            if last == "@odata.id" {
                // The resource's own id: removing it is the case; a dead one is DeadLink's.
                push(pointer, Kind::Remove);
                continue;
            }
            push(pointer.clone(), Kind::Remove);
            push(pointer.clone(), Kind::Null);
            if val.is_string() && last != "target" && last != "@Redfish.ActionInfo" {
                push(pointer.clone(), Kind::UnknownEnum);
            }
            if val
                .as_array()
                .is_some_and(|a| a.first().is_some_and(Value::is_string))
            {
                push(pointer.clone(), Kind::UnknownEnum);
            }
            if val.is_number() {
                push(pointer.clone(), Kind::NumberAsString);
            }
            if is_link(val)
                || val
                    .as_array()
                    .is_some_and(|a| a.first().is_some_and(is_link))
                || last == "target"
                || last == "@Redfish.ActionInfo"
            {
                push(pointer.clone(), Kind::DeadLink);
            }
            if last == "Oem" {
                push(pointer.clone(), Kind::EmptyOem);
            }
        }
    }
    // Renamed members: the first system, manager and chassis.
    for coll in [
        "/redfish/v1/Systems",
        "/redfish/v1/Managers",
        "/redfish/v1/Chassis",
    ] {
        let first = tree
            .get(coll)
            .and_then(|c| c.pointer("/Members/0/@odata.id"))
            .and_then(Value::as_str)
            .map(norm);
        if let Some(first) = first.filter(|f| reads.contains(f)) {
            for to in ["System.Embedded.1", "Self"] {
                out.push(Mutation {
                    resource: first.clone(),
                    pointer: String::new(),
                    kind: Kind::Rename(to),
                });
            }
        }
    }
    out
}

fn esc(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

fn is_link(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.len() == 1 && o.get("@odata.id").is_some_and(Value::is_string))
}

const DEAD: &str = "/redfish/v1/Gone/404";

/// Applies `m` to `t`; returns the path the mutated resource has in it.
fn apply(t: &mut Tree, m: &Mutation) -> String {
    if let Kind::Rename(to) = m.kind {
        let (parent, old_id) = m.resource.rsplit_once('/').unwrap();
        let new = format!("{parent}/{to}");
        let moved: Vec<String> = t
            .keys()
            .filter(|k| *k == &m.resource || k.starts_with(&format!("{}/", m.resource)))
            .cloned()
            .collect();
        for k in moved {
            let v = t.remove(&k).unwrap();
            t.insert(format!("{new}{}", &k[m.resource.len()..]), v);
        }
        for v in t.values_mut() {
            relink(v, &m.resource, &new);
        }
        if let Some(r) = t.get_mut(&new) {
            if r.get("Id").and_then(Value::as_str) == Some(old_id) {
                r["Id"] = json!(to);
            }
        }
        return new;
    }
    let r = t.get_mut(&m.resource).unwrap();
    match m.kind {
        Kind::DuplicateMember => {
            let members = r["Members"].as_array_mut().unwrap();
            let first = members[0].clone();
            members.push(first);
        }
        Kind::CountOff => {
            let n = r["Members"].as_array().unwrap().len();
            r["Members@odata.count"] = json!(n + 1);
        }
        _ => {
            let (parent, last) = m.pointer.rsplit_once('/').unwrap();
            let last = last.replace("~1", "/").replace("~0", "~");
            let holder = r.pointer_mut(parent).unwrap().as_object_mut().unwrap();
            match m.kind {
                Kind::Remove => {
                    holder.remove(&last);
                }
                Kind::Null => {
                    holder.insert(last, Value::Null);
                }
                Kind::UnknownEnum => {
                    let v = holder.get_mut(&last).unwrap();
                    if let Some(a) = v.as_array_mut() {
                        a[0] = json!("Foo");
                    } else {
                        *v = json!("Foo");
                    }
                }
                Kind::NumberAsString => {
                    let v = holder.get_mut(&last).unwrap();
                    *v = json!(v.to_string());
                }
                Kind::DeadLink => {
                    let v = holder.get_mut(&last).unwrap();
                    if let Some(a) = v.as_array_mut() {
                        a[0] = json!({ "@odata.id": DEAD });
                    } else if v.is_string() {
                        *v = json!(DEAD);
                    } else {
                        *v = json!({ "@odata.id": DEAD });
                    }
                }
                Kind::EmptyOem => {
                    holder.insert(last, json!({}));
                }
                _ => unreachable!(),
            }
        }
    }
    m.resource.clone()
}

/// Rewrites every link to `old` (or under it) to `new`.
fn relink(v: &mut Value, old: &str, new: &str) {
    match v {
        Value::String(s) => {
            for tail in ["", "/", "#"] {
                let from = format!("{old}{tail}");
                if s == old || (!tail.is_empty() && s.starts_with(&from)) {
                    *s = format!("{new}{}", &s[old.len()..]);
                    break;
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| relink(x, old, new)),
        Value::Object(o) => o.values_mut().for_each(|x| relink(x, old, new)),
        _ => {}
    }
}

/// Every resource a run reports (objects with an `@odata.id` and more), by id, in order.
fn resources(v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(o) => {
            if let Some(id) = o.get("@odata.id").and_then(Value::as_str) {
                if o.len() > 1 {
                    out.push((norm(id), v.clone()));
                }
            }
            o.values().for_each(|x| resources(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| resources(x, out)),
        _ => {}
    }
}

/// What is wrong with a run under `m` compared with the unmutated run (empty: nothing).
fn judge(
    m: &Mutation,
    at: &str,
    body_id: Option<String>,
    before: &BTreeMap<String, Value>,
    got: &BTreeMap<String, Step>,
) -> Vec<String> {
    let mut bad = Vec::new();
    // The mutated resource, by its path and by the id its body claims (BlueField-3's host NIC
    // names itself after the BMC's).
    let ats: Vec<String> = std::iter::once(at.to_string()).chain(body_id).collect();
    let renamed = |s: &str| -> String {
        if let Kind::Rename(_) = m.kind {
            let mut v = json!(s);
            relink(&mut v, &m.resource, at);
            v.as_str().unwrap().to_string()
        } else {
            s.to_string()
        }
    };
    for (name, r) in got {
        if let Err((kind, text)) = r {
            if !matches!(
                kind,
                ErrorKind::NotFound
                    | ErrorKind::Malformed
                    | ErrorKind::Unsupported
                    | ErrorKind::InvalidInput
                    | ErrorKind::Conflict
            ) {
                bad.push(format!("{name}: untyped error ({kind:?}): {text}"));
            } else if !text.contains("/redfish/v1") {
                bad.push(format!("{name}: error names no Redfish path: {text}"));
            }
        }
    }
    // Values: every reported resource equal to the unmutated run's, except the mutated property.
    let renamed_before: BTreeMap<String, Value>;
    let before = if let Kind::Rename(_) = m.kind {
        renamed_before = before
            .iter()
            .map(|(k, v)| {
                let mut v = v.clone();
                relink(&mut v, &m.resource, at);
                (renamed(k), v)
            })
            .collect();
        &renamed_before
    } else {
        before
    };
    for (name, r) in got {
        let Ok(v) = r else { continue };
        let mut now = Vec::new();
        resources(v, &mut now);
        if name == "inventory" {
            let mut seen = BTreeSet::new();
            for (id, _) in &now {
                if !id.contains('#') && !seen.insert(id.clone()) && is_listed_twice(v, id) {
                    bad.push(format!("inventory lists {id} twice"));
                }
            }
        }
        for (id, val) in now {
            let Some(old) = before.get(&id) else { continue };
            let mine = ats
                .iter()
                .any(|at| &id == at || id.starts_with(&format!("{at}#")));
            if !mine || m.pointer.is_empty() {
                if &val != old && !(mine && matches!(m.kind, Kind::Rename(_))) {
                    bad.push(format!("{name}: {id} changed: {}", diff(old, &val)));
                }
                continue;
            }
            let mut a = old.clone();
            let mut b = val.clone();
            // An action without its target cannot be sent: it may be dropped whole.
            let pointer = match m.pointer.strip_suffix("/target") {
                Some(action) if matches!(m.kind, Kind::Remove | Kind::Null) => action.to_string(),
                _ => m.pointer.clone(),
            };
            let was = take(&mut a, &pointer);
            let is = take(&mut b, &pointer);
            if a != b {
                bad.push(format!(
                    "{name}: {id} changed beyond {}: {}",
                    m.pointer,
                    diff(&a, &b)
                ));
            }
            let empty = |v: &Option<Value>| v.as_ref().is_none_or(hollow);
            let ok = match m.kind {
                Kind::Remove | Kind::Null | Kind::EmptyOem => {
                    empty(&is)
                        || is == was
                        || pointer != m.pointer
                        // The id is the path read; the `Id` its last segment.
                        || (pointer == "/@odata.id"
                            && is.as_ref().and_then(Value::as_str).map(norm) == Some(id.clone()))
                        || (pointer == "/Id"
                            && is.as_ref().and_then(Value::as_str)
                                == Some(m.resource.rsplit('/').next().unwrap_or("")))
                }
                Kind::UnknownEnum => {
                    empty(&is)
                        || is == Some(json!("Foo"))
                        || is.as_ref().and_then(Value::as_array).is_some_and(|a| {
                            let mut want = was.clone().unwrap_or_default();
                            let rest: Vec<&Value> = want
                                .as_array()
                                .map(|w| w.iter().skip(1).collect())
                                .unwrap_or_default();
                            want = json!(rest);
                            a.first() == Some(&json!("Foo"))
                                && a[1..] == want.as_array().unwrap()[..]
                                || a[..] == want.as_array().unwrap()[..]
                        })
                }
                Kind::NumberAsString => is == was || is.as_ref().is_some_and(Value::is_string),
                Kind::DeadLink => {
                    empty(&is) || is.as_ref().is_some_and(|v| v.to_string().contains(DEAD))
                }
                _ => is == was,
            };
            if !ok {
                bad.push(format!(
                    "{name}: {id}{} read as {} after {:?} (was {})",
                    m.pointer,
                    is.map_or("nothing".into(), |v| v.to_string()),
                    m.kind,
                    was.map_or("nothing".into(), |v| v.to_string()),
                ));
            }
        }
    }
    bad
}

/// Whether `id` is listed twice in the same array of `v`.
fn is_listed_twice(v: &Value, id: &str) -> bool {
    match v {
        Value::Array(a) => {
            let n = a
                .iter()
                .filter(|x| {
                    x.get("@odata.id")
                        .and_then(Value::as_str)
                        .map(norm)
                        .as_deref()
                        == Some(id)
                })
                .count();
            n > 1 || a.iter().any(|x| is_listed_twice(x, id))
        }
        Value::Object(o) => o.values().any(|x| is_listed_twice(x, id)),
        _ => false,
    }
}

/// Null, or arrays and objects holding nothing but that (`{"Hpe": null}`, `{"Chassis": []}`).
fn hollow(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.iter().all(hollow),
        Value::Object(o) => o.values().all(hollow),
        _ => false,
    }
}

fn take(v: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let last = last.replace("~1", "/").replace("~0", "~");
    v.pointer_mut(parent)?.as_object_mut()?.remove(&last)
}

fn diff(a: &Value, b: &Value) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter()
                .filter(|k| x.get(*k) != y.get(*k))
                .map(|k| {
                    format!(
                        "{k}: {} -> {}",
                        x.get(k).map_or("-".into(), short),
                        y.get(k).map_or("-".into(), short)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
        _ => format!("{} -> {}", short(a), short(b)),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(160).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

/// The selectors the plan is run with: the only system, else each system by `Id`.
fn selectors(tree: &Tree) -> Vec<(String, SystemSelector)> {
    let members: Vec<String> = tree
        .get("/redfish/v1/Systems")
        .and_then(|c| c.get("Members"))
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|l| l.get("@odata.id").and_then(Value::as_str))
                .map(|p| norm(p).rsplit('/').next().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    if members.len() <= 1 {
        return vec![("only".into(), SystemSelector::Only)];
    }
    members
        .into_iter()
        .map(|id| {
            (
                format!("by-path-{id}"),
                SystemSelector::Path(format!("/redfish/v1/Systems/{id}")),
            )
        })
        .collect()
}

/// Runs every mutation of one tree; returns (runs, failures).
async fn mutate_tree(name: &str, dir: &Path) -> (usize, Vec<String>) {
    let tree = common::load_tree(dir);
    let srv = common::MemoryRedfish::serve(tree.clone()).await;
    let sel = selectors(&tree);
    let mut base = BTreeMap::new();
    let mut read_by: Vec<(&'static str, BTreeSet<String>)> = Vec::new();
    for stage in STAGES {
        srv.reads.lock().unwrap().clear();
        let got = run(&srv.url, &sel, &[stage])
            .await
            .expect("the unmutated tree panicked");
        base.extend(got);
        read_by.push((stage, srv.reads.lock().unwrap().clone()));
    }
    let reads: BTreeSet<String> = read_by.iter().flat_map(|(_, r)| r.clone()).collect();
    // Every resource the unmutated run reported, by id.
    let mut before = Vec::new();
    for r in base.values().flatten() {
        resources(r, &mut before);
    }
    let before: BTreeMap<String, Value> = before.into_iter().collect();
    let only = std::env::var("HERMES_MUTATION").ok();
    let mut failures = Vec::new();
    let all = mutations(&tree, &reads);
    let mut runs = 0;
    for m in &all {
        let label = format!("{name}: {m}");
        if only.as_deref().is_some_and(|o| !label.contains(o)) {
            continue;
        }
        runs += 1;
        let rename = matches!(m.kind, Kind::Rename(_));
        // In place (a copy of the whole tree only for a rename, which moves many resources).
        let (at, sel) = if rename {
            let mut mutated = tree.clone();
            let at = apply(&mut mutated, m);
            let sel = selectors(&mutated);
            *srv.tree.write().unwrap() = mutated;
            (at, sel)
        } else {
            (apply(&mut srv.tree.write().unwrap(), m), sel.clone())
        };
        let stages: Vec<&str> = read_by
            .iter()
            .filter(|(_, r)| matches!(m.kind, Kind::Rename(_)) || r.contains(&m.resource))
            .map(|(s, _)| *s)
            .collect();
        let outcome = run(&srv.url, &sel, &stages).await;
        if rename {
            *srv.tree.write().unwrap() = tree.clone();
        } else {
            srv.tree
                .write()
                .unwrap()
                .insert(m.resource.clone(), tree[&m.resource].clone());
        }
        match outcome {
            Err(panic) => failures.push(format!("{label}: panicked: {panic}")),
            Ok(got) => {
                let body_id = tree
                    .get(&m.resource)
                    .and_then(|r| r.get("@odata.id"))
                    .and_then(Value::as_str)
                    .map(norm)
                    .filter(|_| !matches!(m.kind, Kind::Rename(_)));
                for b in judge(m, &at, body_id, &before, &got) {
                    failures.push(format!("{label}: {b}"));
                }
                if std::env::var_os("HERMES_MUTATION_SHOW").is_some() {
                    eprintln!("{label}: {got:#?}");
                }
            }
        }
    }
    (runs, failures)
}

/// The workflow in a task of its own, so a panic is caught and reported with the mutation.
async fn run(
    url: &str,
    sel: &[(String, SystemSelector)],
    stages: &[&'static str],
) -> Result<BTreeMap<String, Step>, String> {
    let (url, sel, stages) = (url.to_string(), sel.to_vec(), stages.to_vec());
    tokio::spawn(async move { workflow(&url, &sel, &stages).await })
        .await
        .map_err(|e| {
            let p = e.into_panic();
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tree_survives_every_mutation() {
    let started = std::time::Instant::now();
    let mut total = 0;
    let mut failures = Vec::new();
    let mut per_tree = Vec::new();
    // Three trees at a time (each on its own server): the runs are independent.
    use futures::StreamExt as _;
    let mut done: Vec<(String, usize, Vec<String>)> = futures::stream::iter(trees())
        .map(|(name, dir)| async move {
            let (runs, f) = mutate_tree(&name, &dir).await;
            (name, runs, f)
        })
        .buffer_unordered(3)
        .collect()
        .await;
    done.sort();
    for (name, runs, f) in done {
        per_tree.push(format!("{name}: {runs}"));
        total += runs;
        failures.extend(f);
    }
    eprintln!(
        "{total} mutated runs over {} trees in {:.1} s ({})",
        per_tree.len(),
        started.elapsed().as_secs_f64(),
        per_tree.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// The defects the sweep found, each pinned on its own.

async fn served(tree: &str) -> common::MemoryRedfish {
    common::MemoryRedfish::serve(common::load_tree(&common::vendor_tree(tree))).await
}

/// NVIDIA's GH200 firmware inventory lists `HGX_FW_FPGA_0` twice (as recorded): the report lists
/// it once. A Systems collection naming its one system twice (a mutation) still has one system
/// (it was "the service has 2 systems").
#[tokio::test]
async fn a_member_listed_twice_is_one_resource() {
    let srv = served("openbmc-nvidia-gh200").await;
    let listed = srv.tree.read().unwrap()["/redfish/v1/UpdateService/FirmwareInventory"]["Members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["@odata.id"] == "/redfish/v1/UpdateService/FirmwareInventory/HGX_FW_FPGA_0")
        .count();
    assert_eq!(listed, 2, "the recorded collection names it twice");
    let inv = srv.client().inventory().await.unwrap();
    let fpga = inv
        .firmware
        .iter()
        .filter(|f| f.id == "HGX_FW_FPGA_0")
        .count();
    assert_eq!(fpga, 1);
    assert_eq!(inv.firmware.len(), 19);

    let srv = served("dell-idrac9-r640").await;
    {
        let mut tree = srv.tree.write().unwrap();
        let members = tree.get_mut("/redfish/v1/Systems").unwrap()["Members"]
            .as_array_mut()
            .unwrap();
        members.push(json!({"@odata.id": "/redfish/v1/Systems/System.Embedded.1/"}));
    }
    let sys = srv
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap();
    assert_eq!(sys.path(), "/redfish/v1/Systems/System.Embedded.1");
}

/// A resource without `Id` (or with `"Id": null`) is named by its path's last segment, not "";
/// one without `@odata.id` by the path it was read at.
#[tokio::test]
async fn a_resource_without_id_is_named_by_its_path() {
    let srv = served("dell-idrac9-r640").await;
    {
        let mut tree = srv.tree.write().unwrap();
        let sys = tree
            .get_mut("/redfish/v1/Systems/System.Embedded.1")
            .unwrap()
            .as_object_mut()
            .unwrap();
        sys.remove("Id");
        sys.remove("@odata.id");
        tree.get_mut("/redfish/v1/Managers/iDRAC.Embedded.1")
            .unwrap()["Id"] = Value::Null;
    }
    let bmc = srv.client();
    let sys = bmc
        .find_system(&SystemSelector::Id("System.Embedded.1".into()))
        .await
        .unwrap();
    let got = sys.get().await.unwrap();
    assert_eq!(got.id, "System.Embedded.1");
    assert_eq!(got.odata_id, "/redfish/v1/Systems/System.Embedded.1");
    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.managers[0].id, "iDRAC.Embedded.1");
}

/// A service root that links no `Systems`, or a Systems collection with no members: the error names
/// the root or the collection, the property, and what it means.
#[tokio::test]
async fn a_root_without_systems_is_named() {
    let srv = served("hpe-ilo5-gen10").await;
    srv.edit("/redfish/v1", |root| {
        root.as_object_mut().unwrap().remove("Systems");
    });
    let err = srv.client().inventory().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(
        err.to_string().contains(
            "the service root /redfish/v1/ links no Systems collection (`Systems`): the BMC does \
             not offer it over Redfish"
        ),
        "{err}"
    );
    let srv = served("hpe-ilo5-gen10").await;
    srv.edit("/redfish/v1/Systems", |c| c["Members"] = json!([]));
    let err = srv
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "the Systems collection /redfish/v1/Systems/ lists no system (`Members` is empty)"
        ),
        "{err}"
    );
}

/// A system reading a power state Redfish does not define is not power-cycled as if it were off:
/// the plan fails naming the system and the state (it planned an `On`, which restarts nothing on a
/// running server).
#[tokio::test]
async fn an_unknown_power_state_is_not_read_as_off() {
    let srv = served("hpe-ilo5-gen10").await;
    srv.edit("/redfish/v1/Systems/1", |s| {
        s["PowerState"] = json!("Unknown")
    });
    let sys = srv
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap();
    let err = sys.power_cycle_method().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(
        err.to_string().contains(
            "/redfish/v1/Systems/1/ reads power state Unknown, which is not a Redfish power state"
        ),
        "{err}"
    );
}
