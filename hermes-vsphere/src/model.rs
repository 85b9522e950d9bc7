//! Typed vim25 data objects used by Hermes, decoded from the reply tree ([`Node`]).
//!
//! Only what Hermes reads is modelled; everything else a server sends is ignored. A missing required
//! element is an error naming the element (see [`FromNode`]).

use std::fmt;

use crate::xml::Node;

/// A managed object reference: `<obj type="VirtualMachine">vm-42</obj>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MoRef {
    /// The managed object type (`VirtualMachine`, `HostSystem`, `Task`...).
    pub kind: String,
    /// The server's id (`vm-42`).
    pub value: String,
}

impl MoRef {
    /// A reference of `kind` with id `value`.
    pub fn new(kind: impl Into<String>, value: impl Into<String>) -> Self {
        MoRef {
            kind: kind.into(),
            value: value.into(),
        }
    }
}

impl fmt::Display for MoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.value)
    }
}

/// Decoding a typed value from a reply node; `Err` names what is missing or wrong.
pub trait FromNode: Sized {
    /// Decodes `node`.
    fn from_node(node: &Node) -> Result<Self, String>;
}

impl FromNode for MoRef {
    fn from_node(node: &Node) -> Result<Self, String> {
        let kind = node
            .attr("type")
            .ok_or_else(|| format!("<{}> has no type attribute", node.name))?;
        if node.text.trim().is_empty() {
            return Err(format!("<{}> has an empty managed object id", node.name));
        }
        Ok(MoRef::new(kind, node.text.trim()))
    }
}

impl FromNode for String {
    fn from_node(node: &Node) -> Result<Self, String> {
        Ok(node.text.clone())
    }
}

impl FromNode for i64 {
    fn from_node(node: &Node) -> Result<Self, String> {
        node.text
            .trim()
            .parse()
            .map_err(|_| format!("<{}> is not an integer: {:?}", node.name, node.text))
    }
}

impl FromNode for i32 {
    fn from_node(node: &Node) -> Result<Self, String> {
        node.text
            .trim()
            .parse()
            .map_err(|_| format!("<{}> is not an integer: {:?}", node.name, node.text))
    }
}

impl FromNode for bool {
    fn from_node(node: &Node) -> Result<Self, String> {
        match node.text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(format!("<{}> is not a boolean: {other:?}", node.name)),
        }
    }
}

/// A required child decoded as `T`.
pub fn req<T: FromNode>(node: &Node, name: &str) -> Result<T, String> {
    let child = node
        .child(name)
        .ok_or_else(|| format!("<{}> lacks <{name}>", node.name))?;
    T::from_node(child).map_err(|e| format!("<{}>/{e}", node.name))
}

/// An optional child decoded as `T`.
pub fn opt<T: FromNode>(node: &Node, name: &str) -> Result<Option<T>, String> {
    node.child(name).map(T::from_node).transpose()
}

/// Every child named `name` decoded as `T`.
pub fn many<T: FromNode>(node: &Node, name: &str) -> Result<Vec<T>, String> {
    node.children_named(name).map(T::from_node).collect()
}

/// The handful of `ServiceContent` references Hermes uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceContent {
    /// The root folder.
    pub root_folder: MoRef,
    /// The session's property collector.
    pub property_collector: MoRef,
    /// The view manager (container views for inventory reads).
    pub view_manager: MoRef,
    /// The session manager.
    pub session_manager: MoRef,
    /// The search index (inventory-path lookups).
    pub search_index: MoRef,
    /// `about.apiVersion` (`6.5`, `8.0.2.0`).
    pub api_version: String,
    /// `about.fullName`.
    pub full_name: String,
    /// `about.apiType`: `VirtualCenter` or `HostAgent`.
    pub api_type: String,
}

impl FromNode for ServiceContent {
    fn from_node(n: &Node) -> Result<Self, String> {
        let about = n
            .child("about")
            .ok_or_else(|| "ServiceContent lacks <about>".to_string())?;
        Ok(ServiceContent {
            root_folder: req(n, "rootFolder")?,
            property_collector: req(n, "propertyCollector")?,
            view_manager: req(n, "viewManager")?,
            session_manager: req(n, "sessionManager")?,
            search_index: req(n, "searchIndex")?,
            api_version: req(about, "apiVersion")?,
            full_name: req(about, "fullName")?,
            api_type: opt(about, "apiType")?.unwrap_or_default(),
        })
    }
}

/// A property value in a `RetrievePropertiesEx` result: its path and its (polymorphic) value node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicProperty {
    /// The property path (`name`, `summary.runtime.powerState`).
    pub name: String,
    /// The `<val xsi:type=...>` node.
    pub val: Node,
}

/// One object and the properties read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectContent {
    /// The object.
    pub obj: MoRef,
    /// Its properties.
    pub props: Vec<DynamicProperty>,
    /// Properties that could not be read (`missingSet`): path and fault type (`NotAuthenticated`,
    /// `NoPermission`...).
    pub missing: Vec<(String, String)>,
}

impl ObjectContent {
    /// A property's value node: the property read under exactly that path, or else the value found
    /// by walking down from a property read whole (`summary.hardware.memorySize` inside a `summary`
    /// read). The walk only follows single elements: a path through a repeated element (an array
    /// such as `config.hardware.device`) is ambiguous and gives `None`.
    pub fn get(&self, path: &str) -> Option<&Node> {
        if let Some(p) = self.props.iter().find(|p| p.name == path) {
            return Some(&p.val);
        }
        self.props
            .iter()
            .filter_map(|p| {
                let rest = path.strip_prefix(p.name.as_str())?.strip_prefix('.')?;
                Some((p.name.len(), &p.val, rest))
            })
            .max_by_key(|(len, _, _)| *len)
            .and_then(|(_, val, rest)| {
                rest.split('.').try_fold(val, |node, name| {
                    let mut hits = node.children.iter().filter(|c| c.name == name);
                    let first = hits.next()?;
                    hits.next().is_none().then_some(first)
                })
            })
    }
    /// A property's text.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(|v| v.text.as_str())
    }
    /// A property decoded as `T` (absent: `None`).
    pub fn decode<T: FromNode>(&self, path: &str) -> Result<Option<T>, String> {
        self.get(path)
            .map(|v| T::from_node(v).map_err(|e| format!("{} {path}: {e}", self.obj)))
            .transpose()
    }
    /// A property holding an `ArrayOfManagedObjectReference` (or one reference).
    pub fn morefs(&self, path: &str) -> Result<Vec<MoRef>, String> {
        match self.get(path) {
            None => Ok(Vec::new()),
            Some(v) if v.attr("type").is_some() => Ok(vec![MoRef::from_node(v)?]),
            Some(v) => many(v, "ManagedObjectReference"),
        }
    }
    /// A property holding an `ArrayOfString`.
    pub fn strings(&self, path: &str) -> Vec<String> {
        match self.get(path) {
            None => Vec::new(),
            Some(v) => v.children_named("string").map(|s| s.text.clone()).collect(),
        }
    }
}

impl FromNode for ObjectContent {
    fn from_node(n: &Node) -> Result<Self, String> {
        let obj = req(n, "obj")?;
        let mut props = Vec::new();
        for p in n.children_named("propSet") {
            let name: String = req(p, "name")?;
            let val = p.child("val").cloned().unwrap_or_default();
            props.push(DynamicProperty { name, val });
        }
        let missing = n
            .children_named("missingSet")
            .filter_map(|m| {
                let path = m.child_text("path")?.to_string();
                let fault = m
                    .child("fault")
                    .and_then(|f| f.child("fault"))
                    .and_then(|f| f.xsi_type.clone())
                    .unwrap_or_else(|| "Unknown".to_string());
                Some((path, fault))
            })
            .collect();
        Ok(ObjectContent {
            obj,
            props,
            missing,
        })
    }
}

/// The session a `Login` returns (`UserSession`, also `SessionManager.currentSession`).
///
/// The session `key` is deliberately not kept: it identifies the session to the server and has no
/// use in Hermes; the session itself is the `vmware_soap_session` cookie, held by the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSession {
    /// The user as the server knows it (`VSPHERE.LOCAL\Administrator`).
    pub user_name: String,
    /// The user's full name.
    pub full_name: String,
    /// When the session started (ISO 8601, as sent).
    pub login_time: String,
    /// The session's locale (`en`).
    pub locale: String,
    /// The client address the server saw, if it says (vCenter 6.0+).
    pub ip_address: Option<String>,
}

impl FromNode for UserSession {
    fn from_node(n: &Node) -> Result<Self, String> {
        Ok(UserSession {
            user_name: req(n, "userName")?,
            full_name: opt(n, "fullName")?.unwrap_or_default(),
            login_time: req::<String>(n, "loginTime")?.trim().to_string(),
            locale: opt(n, "locale")?.unwrap_or_default(),
            ip_address: opt::<String>(n, "ipAddress")?.filter(|a| !a.is_empty()),
        })
    }
}

/// What a vim25 fault object says beyond its type: the object it concerns and its other simple
/// fields, so an error can name them (`DuplicateName`: `name` and `object`; `InvalidPowerState`:
/// `requestedState` and `existingState`; `ManagedObjectNotFound`: `obj`).
///
/// ```
/// use hermes_vsphere::{model::FaultFields, xml::Node};
/// let fault = Node::parse(br#"<DuplicateNameFault xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="DuplicateName"><name>web-01</name><object type="Folder">group-v3</object></DuplicateNameFault>"#).unwrap();
/// let f = FaultFields::from_fault(&fault);
/// assert_eq!(f.object.as_ref().unwrap().to_string(), "Folder:group-v3");
/// assert_eq!(f.describe("The name 'web-01' already exists."), "The name 'web-01' already exists. (name: web-01, object: Folder:group-v3)");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultFields {
    /// The object the fault concerns: its `obj`, `object` or `entity` field, else its first
    /// managed object reference.
    pub object: Option<MoRef>,
    /// Every simple field (text or a reference) in the order sent: (name, value); nested data
    /// objects (`faultCause`, `faultMessage`) are left out.
    pub fields: Vec<(String, String)>,
}

/// The longest field value kept in an error (in characters); longer values are cut.
const FIELD_CHARS: usize = 200;

impl FaultFields {
    /// Reads the fields of a fault object (the `<fault xsi:type=...>` of a `LocalizedMethodFault`,
    /// or the detail element of a SOAP fault).
    pub fn from_fault(fault: &Node) -> Self {
        let mut out = FaultFields::default();
        let mut refs = Vec::new();
        for c in &fault.children {
            if !c.children.is_empty() || c.text.trim().is_empty() {
                continue;
            }
            match MoRef::from_node(c) {
                Ok(r) => {
                    out.fields.push((c.name.clone(), r.to_string()));
                    refs.push((c.name.as_str(), r));
                }
                Err(_) => {
                    // A field is a name or a state; cut anything long so the error stays readable.
                    let text = c.text.trim();
                    let text = match text.char_indices().nth(FIELD_CHARS) {
                        Some((at, _)) => format!("{}…", &text[..at]),
                        None => text.to_string(),
                    };
                    out.fields.push((c.name.clone(), text));
                }
            }
        }
        out.object = ["obj", "object", "entity"]
            .iter()
            .find_map(|want| refs.iter().find(|(n, _)| n == want))
            .or(refs.first())
            .map(|(_, r)| r.clone());
        out
    }

    /// `message` followed by the fields in parentheses; an empty message is replaced by the fields
    /// alone (vcsim sends an empty `faultstring` with a `DuplicateName`).
    pub fn describe(&self, message: &str) -> String {
        let message = message.trim();
        if self.fields.is_empty() {
            return message.to_string();
        }
        let fields = self
            .fields
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        if message.is_empty() {
            fields
        } else {
            format!("{message} ({fields})")
        }
    }
}

/// A fault inside a task's `info.error` (a `LocalizedMethodFault`) or a `missingSet`: its type
/// name, message, and the object and fields the fault names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalizedFault {
    /// The fault's `xsi:type` (`DuplicateName`).
    pub fault_type: String,
    /// `localizedMessage`.
    pub message: String,
    /// The fault's object and other fields.
    pub fields: FaultFields,
}

impl LocalizedFault {
    /// The message followed by the fault's fields (see [`FaultFields::describe`]); the fault type
    /// when there is neither.
    pub fn describe(&self) -> String {
        let text = self.fields.describe(&self.message);
        if text.is_empty() {
            self.fault_type.clone()
        } else {
            text
        }
    }
}

impl FromNode for LocalizedFault {
    fn from_node(n: &Node) -> Result<Self, String> {
        let fault = n.child("fault");
        let fault_type = fault
            .and_then(|f| f.xsi_type.clone())
            .unwrap_or_else(|| "Unknown".to_string());
        let message = n
            .child_text("localizedMessage")
            .unwrap_or_default()
            .to_string();
        Ok(LocalizedFault {
            fault_type,
            message,
            fields: fault.map(FaultFields::from_fault).unwrap_or_default(),
        })
    }
}

/// The state of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Waiting to run.
    Queued,
    /// Running.
    Running,
    /// Finished successfully.
    Success,
    /// Finished with an error.
    Error,
}

impl TaskState {
    /// Parses `queued|running|success|error`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "queued" => Some(TaskState::Queued),
            "running" => Some(TaskState::Running),
            "success" => Some(TaskState::Success),
            "error" => Some(TaskState::Error),
            _ => None,
        }
    }
    /// Whether the task has finished.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskState::Success | TaskState::Error)
    }
}

/// A VM's power state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PowerState {
    /// `poweredOn`.
    PoweredOn,
    /// `poweredOff`.
    PoweredOff,
    /// `suspended`.
    Suspended,
}

impl PowerState {
    /// Parses vim25's `VirtualMachinePowerState`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "poweredOn" => Some(PowerState::PoweredOn),
            "poweredOff" => Some(PowerState::PoweredOff),
            "suspended" => Some(PowerState::Suspended),
            _ => None,
        }
    }
    /// The vim25 name.
    pub fn as_str(self) -> &'static str {
        match self {
            PowerState::PoweredOn => "poweredOn",
            PowerState::PoweredOff => "poweredOff",
            PowerState::Suspended => "suspended",
        }
    }
}

impl fmt::Display for PowerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fault's own `obj`/`object`/`entity` is its object even after other references; nested
    /// data objects are left out; a long value is cut.
    #[test]
    fn fault_fields_pick_the_object_skip_nested_data_and_cut_long_values() {
        let long = "x".repeat(500);
        let xml = format!(
            r#"<fault xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="NoPermission"><faultMessage><key>k</key><message>nested</message></faultMessage><host type="HostSystem">host-1</host><object type="VirtualMachine">vm-9</object><privilegeId>{long}</privilegeId><empty></empty></fault>"#
        );
        let f = FaultFields::from_fault(&Node::parse(xml.as_bytes()).unwrap());
        assert_eq!(f.object, Some(MoRef::new("VirtualMachine", "vm-9")));
        let names: Vec<&str> = f.fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["host", "object", "privilegeId"]);
        assert_eq!(f.fields[2].1.chars().count(), FIELD_CHARS + 1);
        assert!(f.fields[2].1.ends_with('…'));
        // Without obj/object/entity, the first reference.
        let f = FaultFields::from_fault(
            &Node::parse(br#"<fault><host type="HostSystem">host-1</host></fault>"#).unwrap(),
        );
        assert_eq!(f.object, Some(MoRef::new("HostSystem", "host-1")));
        assert_eq!(FaultFields::default().describe(" m "), "m");
    }
}
