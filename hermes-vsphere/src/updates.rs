//! `WaitForUpdatesEx` update sets, decoded: what the task waiter ([`crate::tasks`]) and the guest-IP
//! waiter ([`crate::guest`]) follow.
//!
//! An [`UpdateSet`] carries a `version` to pass to the next wait, one [`FilterUpdate`] per filter that
//! changed and, when the server split a large update (vCenter does above its size limit), `truncated`:
//! the rest is pending and the next wait (with this version) returns it at once. Each [`ObjectUpdate`]
//! says whether the object entered the filter, changed or left it (deleted), and lists its property
//! changes: a change whose `op` is `assign` with no `<val>` means the property is now *unset*, and
//! `indirectRemove` that a parent property went away — both are "no value", never an error. A
//! filter's `missingSet` names objects the server does not know (a task vCenter already dropped).
//!
//! Tested on real vCenter replies (`tests/real_updates.rs`: a 1.1 MB truncated first update of 100
//! objects and its continuation from vCenter 5.5's own simulator mode) and on vcsim.
//!
//! ```
//! use hermes_vsphere::updates::{ChangeOp, ObjectUpdateKind, UpdateSet};
//! use hermes_vsphere::model::FromNode;
//! use hermes_vsphere::xml::Node;
//! let xml = br#"<returnval><version>7</version><filterSet><filter type="PropertyFilter">f-1</filter>
//!   <objectSet><kind>modify</kind><obj type="Task">task-9</obj>
//!     <changeSet><name>info.state</name><op>assign</op><val>success</val></changeSet>
//!     <changeSet><name>info.error</name><op>assign</op></changeSet></objectSet>
//!   </filterSet></returnval>"#;
//! let set = UpdateSet::from_node(&Node::parse(xml).unwrap()).unwrap();
//! assert_eq!(set.version, "7");
//! assert!(!set.truncated);
//! let task = &set.filters[0].objects[0];
//! assert_eq!(task.kind, ObjectUpdateKind::Modify);
//! assert_eq!(task.value("info.state").map(|v| v.text.as_str()), Some("success"));
//! assert_eq!(task.changes[1].op, ChangeOp::Assign);
//! assert!(task.value("info.error").is_none()); // assigned, but unset
//! ```

use crate::model::{
    many, opt, req, DynamicProperty, FromNode, LocalizedFault, MoRef, ObjectContent,
};
use crate::xml::Node;

/// How an object's presence in a filter changed (`ObjectUpdateKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectUpdateKind {
    /// The object entered the filter (the first report of it).
    Enter,
    /// Some of its properties changed.
    Modify,
    /// It left the filter: deleted, or no longer reachable.
    Leave,
}

/// What a property change does (`PropertyChangeOp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// The value is set to `val`, or unset when there is no `val`.
    Assign,
    /// An element was added to an array property (partial updates).
    Add,
    /// An element was removed from an array property (partial updates).
    Remove,
    /// The property is gone because a parent property was removed or unset.
    IndirectRemove,
}

impl ChangeOp {
    fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "assign" => Some(ChangeOp::Assign),
            "add" => Some(ChangeOp::Add),
            "remove" => Some(ChangeOp::Remove),
            "indirectRemove" => Some(ChangeOp::IndirectRemove),
            _ => None,
        }
    }
}

/// One property change (`PropertyChange`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyChange {
    /// The property path (`info.state`, `guest.net`).
    pub name: String,
    /// What happened to it.
    pub op: ChangeOp,
    /// The new value, if the change carries one.
    pub val: Option<Node>,
}

impl FromNode for PropertyChange {
    fn from_node(n: &Node) -> Result<Self, String> {
        let name: String = req(n, "name")?;
        let op_text: String = req(n, "op")?;
        let op = ChangeOp::parse(&op_text)
            .ok_or_else(|| format!("<changeSet> of {name:?} has an unknown op {op_text:?}"))?;
        Ok(PropertyChange {
            name,
            op,
            val: n.child("val").cloned(),
        })
    }
}

impl PropertyChange {
    /// The property's value after this change: `None` when it was unset (an `assign` without a
    /// value) or removed.
    pub fn value(&self) -> Option<&Node> {
        match self.op {
            ChangeOp::Assign | ChangeOp::Add => self.val.as_ref(),
            ChangeOp::Remove | ChangeOp::IndirectRemove => None,
        }
    }
}

/// One object's update in a filter (`ObjectUpdate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectUpdate {
    /// Entered, modified or left.
    pub kind: ObjectUpdateKind,
    /// The object.
    pub obj: MoRef,
    /// Its property changes, in the order sent.
    pub changes: Vec<PropertyChange>,
    /// Properties that could not be read (`missingSet`): path and fault type (`NoPermission`...).
    pub missing: Vec<(String, String)>,
}

impl FromNode for ObjectUpdate {
    fn from_node(n: &Node) -> Result<Self, String> {
        let kind_text: String = req(n, "kind")?;
        let kind = match kind_text.trim() {
            "enter" => ObjectUpdateKind::Enter,
            "modify" => ObjectUpdateKind::Modify,
            "leave" => ObjectUpdateKind::Leave,
            other => return Err(format!("<objectSet> has an unknown kind {other:?}")),
        };
        let obj = req(n, "obj")?;
        let missing = n
            .children_named("missingSet")
            .map(|m| {
                let path: String = req(m, "path")?;
                let fault = opt::<LocalizedFault>(m, "fault")?
                    .map(|f| f.fault_type)
                    .unwrap_or_else(|| "Unknown".to_string());
                Ok((path, fault))
            })
            .collect::<Result<_, String>>()?;
        Ok(ObjectUpdate {
            kind,
            obj,
            changes: many(n, "changeSet")?,
            missing,
        })
    }
}

impl ObjectUpdate {
    /// The value `path` has after this update: the last change of exactly that path; `None` if the
    /// update does not change it or leaves it unset.
    pub fn value(&self, path: &str) -> Option<&Node> {
        self.changes
            .iter()
            .rev()
            .find(|c| c.name == path)
            .and_then(PropertyChange::value)
    }

    /// Whether this update changes `path` (to a value or to unset).
    pub fn changes(&self, path: &str) -> bool {
        self.changes.iter().any(|c| c.name == path)
    }

    /// The properties this update gives a value, as an [`ObjectContent`] (the last value of each
    /// path; unset and removed ones left out), so the readers written for property reads
    /// ([`Capacity::host`](crate::fleet::Capacity::host), [`ObjectContent::morefs`]...) read an
    /// update too.
    pub fn content(&self) -> ObjectContent {
        let mut props: Vec<DynamicProperty> = Vec::new();
        for c in &self.changes {
            props.retain(|p| p.name != c.name);
            if let Some(val) = c.value() {
                props.push(DynamicProperty {
                    name: c.name.clone(),
                    val: val.clone(),
                });
            }
        }
        ObjectContent {
            obj: self.obj.clone(),
            props,
            missing: self.missing.clone(),
        }
    }
}

/// An object a filter names but the server does not know (`MissingObject`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingObject {
    /// The object.
    pub obj: MoRef,
    /// Why (`ManagedObjectNotFound`), with the server's message.
    pub fault: LocalizedFault,
}

impl FromNode for MissingObject {
    fn from_node(n: &Node) -> Result<Self, String> {
        Ok(MissingObject {
            obj: req(n, "obj")?,
            fault: req(n, "fault")?,
        })
    }
}

/// The changes one filter reports (`PropertyFilterUpdate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterUpdate {
    /// The filter.
    pub filter: MoRef,
    /// The objects that entered, changed or left.
    pub objects: Vec<ObjectUpdate>,
    /// Objects the filter names that the server does not know.
    pub missing: Vec<MissingObject>,
}

impl FromNode for FilterUpdate {
    fn from_node(n: &Node) -> Result<Self, String> {
        Ok(FilterUpdate {
            filter: req(n, "filter")?,
            objects: many(n, "objectSet")?,
            missing: many(n, "missingSet")?,
        })
    }
}

/// A `WaitForUpdatesEx` result (`UpdateSet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSet {
    /// The version to pass to the next wait.
    pub version: String,
    /// One entry per filter that changed.
    pub filters: Vec<FilterUpdate>,
    /// The server cut the update short: more is pending, and the next wait returns it at once.
    pub truncated: bool,
}

impl FromNode for UpdateSet {
    fn from_node(n: &Node) -> Result<Self, String> {
        Ok(UpdateSet {
            version: req(n, "version")?,
            filters: many(n, "filterSet")?,
            truncated: opt(n, "truncated")?.unwrap_or(false),
        })
    }
}

impl UpdateSet {
    /// Decodes a `WaitForUpdatesExResponse`: `None` when it has no `returnval` (the wait timed out
    /// with no change).
    pub fn from_response(response: &Node) -> Result<Option<Self>, String> {
        opt(response, "returnval")
    }

    /// Every object update of every filter, in order.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectUpdate> {
        self.filters.iter().flat_map(|f| f.objects.iter())
    }

    /// Every missing object of every filter.
    pub fn missing(&self) -> impl Iterator<Item = &MissingObject> {
        self.filters.iter().flat_map(|f| f.missing.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xml: &str) -> Result<UpdateSet, String> {
        UpdateSet::from_node(&Node::parse(xml.as_bytes()).unwrap())
    }

    #[test]
    fn missing_objects_leaves_and_removals_are_decoded() {
        let s = set(r#"<returnval><version>3</version><filterSet><filter type="PropertyFilter">f</filter>
            <objectSet><kind>leave</kind><obj type="Task">task-1</obj></objectSet>
            <objectSet><kind>modify</kind><obj type="VirtualMachine">vm-1</obj>
              <changeSet><name>guest.net</name><op>indirectRemove</op></changeSet>
              <missingSet><path>guest</path><fault><fault xsi:type="NoPermission"/><localizedMessage/></fault></missingSet></objectSet>
            <missingSet><obj type="Task">task-2</obj><fault><fault xsi:type="ManagedObjectNotFound"><obj type="Task">task-2</obj></fault><localizedMessage>The object has already been deleted or has not been completely created</localizedMessage></fault></missingSet>
            </filterSet><truncated>false</truncated></returnval>"#)
        .unwrap();
        let objects: Vec<_> = s.objects().collect();
        assert_eq!(objects[0].kind, ObjectUpdateKind::Leave);
        assert!(objects[1].changes("guest.net"));
        assert_eq!(objects[1].value("guest.net"), None);
        assert_eq!(
            objects[1].missing,
            [("guest".into(), "NoPermission".into())]
        );
        let m: Vec<_> = s.missing().collect();
        assert_eq!(m[0].obj, MoRef::new("Task", "task-2"));
        assert_eq!(m[0].fault.fault_type, "ManagedObjectNotFound");
        assert!(m[0].fault.message.contains("already been deleted"));
    }

    #[test]
    fn unknown_ops_and_kinds_are_named() {
        let e = set(r#"<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter>
            <objectSet><kind>enter</kind><obj type="Task">t</obj><changeSet><name>x</name><op>swap</op></changeSet></objectSet></filterSet></returnval>"#)
        .unwrap_err();
        assert!(e.contains("\"swap\""), "{e}");
        let e = set(r#"<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter>
            <objectSet><kind>vanish</kind><obj type="Task">t</obj></objectSet></filterSet></returnval>"#)
        .unwrap_err();
        assert!(e.contains("\"vanish\""), "{e}");
        assert!(set("<returnval><filterSet/></returnval>")
            .unwrap_err()
            .contains("version"));
    }
}
