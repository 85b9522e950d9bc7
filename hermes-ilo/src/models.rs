//! Typed Redfish resources. Every model tolerates unknown properties (vendors add many) and missing
//! optional ones; what Hermes needs is named, typed and kept. HPE's `Oem.Hpe` extensions are parsed where
//! iLO 5 sends them.
//!
//! Parse any reply with [`parse`]: a malformed or truncated body is an [`IloError::Malformed`] naming
//! the resource, never a panic.
//!
//! ```
//! use hermes_ilo::models::{parse, ComputerSystem, PowerState};
//! let body = br#"{"@odata.id": "/redfish/v1/Systems/1", "Id": "1", "PowerState": "On",
//!                 "Boot": {"BootSourceOverrideTarget@Redfish.AllowableValues": ["None", "Cd"]}}"#;
//! let sys: ComputerSystem = parse("ilo-01", "/redfish/v1/Systems/1", body).unwrap();
//! assert_eq!(sys.power_state, Some(PowerState::On));
//! assert_eq!(sys.boot.unwrap().allowed_targets, vec!["None", "Cd"]);
//! assert!(parse::<ComputerSystem>("ilo-01", "/redfish/v1/Systems/1", &body[..20]).is_err());
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{IloError, Result};

/// Parses a JSON reply into `T`; a body that is not `T` is [`IloError::Malformed`] naming `target`,
/// `path` and serde's message (line, column, field).
pub fn parse<T: DeserializeOwned>(target: &str, path: &str, body: &[u8]) -> Result<T> {
    // A resource without `@odata.id` is the one at `path`; one without `Id` (or with `null`) is
    // named by its path's last segment, as Redfish names collection members, rather than "".
    if let Ok(serde_json::Value::Object(mut o)) = serde_json::from_slice(body) {
        let here = path.split(['?', '#']).next().unwrap_or(path);
        let here = if here.starts_with('/') {
            here.to_string()
        } else {
            format!("/{here}")
        };
        if o.get("@odata.id").is_none_or(|v| v.is_null()) {
            o.insert("@odata.id".into(), serde_json::Value::String(here.clone()));
        }
        let at = o
            .get("@odata.id")
            .and_then(|v| v.as_str())
            .unwrap_or(&here)
            .to_string();
        let last = at.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if o.get("Id").is_none_or(|v| v.is_null())
            && !resource_key(&at).ends_with("/redfish/v1")
            && !last.is_empty()
        {
            o.insert("Id".into(), serde_json::Value::String(last.to_string()));
        }
        if let Ok(v) = serde_json::from_value(serde_json::Value::Object(o)) {
            return Ok(v);
        }
    }
    serde_json::from_slice(body).map_err(|e| IloError::Malformed {
        target: target.to_string(),
        path: path.to_string(),
        message: if body.is_empty() {
            "empty body where a JSON resource was expected".to_string()
        } else {
            format!("{e} (body of {} bytes)", body.len())
        },
    })
}

/// Tolerant deserializers for the known ways services differ from the schema: `null` where an array
/// belongs, numbers sent as strings (`"SpeedMbps": "1000"`), booleans sent as strings
/// (`"Required": "false"`), numbers in lists of values (`"AllowableValues": [0, 1]`), a `false` where
/// newer schemas have an object (`ExpandQuery`), links given as `{}` or as a bare path. Anything else of the wrong type is
/// still an error: a resource that is not what it claims is [`IloError::Malformed`], not a silent default.
pub(crate) mod lenient {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// `Option<T>` for a property whose type changed between schema versions: a value of another
    /// shape (`"ExpandQuery": false` in Redfish 1.0 services) is `None`.
    pub fn opt<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        let v = Value::deserialize(d)?;
        if v.is_null() {
            return Ok(None);
        }
        Ok(serde_json::from_value(v).ok())
    }

    /// `Vec<T>`: `null` → empty; otherwise an array of `T`.
    pub fn vec<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(Vec::new()),
            v => serde_json::from_value(v).map_err(D::Error::custom),
        }
    }

    /// `Vec<T>` where a service may send one member bare: `null` → empty, an array → its members,
    /// a single object → a list of one. Huawei's iBMC sends a task's `Messages` as one message object,
    /// not a list of them.
    pub fn one_or_many<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(Vec::new()),
            v @ Value::Array(_) => serde_json::from_value(v).map_err(D::Error::custom),
            v @ Value::Object(_) => serde_json::from_value(v)
                .map(|one| vec![one])
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected a list (or one member), found {other}"
            ))),
        }
    }

    fn number<E: serde::de::Error>(v: &Value) -> Result<Option<f64>, E> {
        match v {
            Value::Null => Ok(None),
            Value::Number(n) => Ok(n.as_f64()),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| E::custom(format!("expected a number, found the string {s:?}"))),
            other => Err(E::custom(format!("expected a number, found {other}"))),
        }
    }

    /// A count or size sent as a number or a numeric string (`"1000"`); `null` or `""` → `None`.
    pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let v = Value::deserialize(d)?;
        match number::<D::Error>(&v)? {
            None => Ok(None),
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u64::MAX as f64 => Ok(Some(n as u64)),
            Some(n) => Err(D::Error::custom(format!(
                "expected a whole non-negative number, found {n}"
            ))),
        }
    }

    /// [`opt_u64`] for `u32` fields.
    pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        opt_u64(d)?
            .map(|n| u32::try_from(n).map_err(D::Error::custom))
            .transpose()
    }

    /// A quantity sent as a number or a numeric string.
    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        let v = Value::deserialize(d)?;
        number::<D::Error>(&v)
    }

    /// A link: `{"@odata.id": "..."}` or a bare path string; `null`, `{}` or an empty path → `None`.
    pub fn opt_link<'de, D: Deserializer<'de>>(d: D) -> Result<Option<super::Link>, D::Error> {
        let v = Value::deserialize(d)?;
        match &v {
            Value::Null => Ok(None),
            Value::Object(o) if !o.contains_key("@odata.id") => Ok(None),
            Value::Object(_) | Value::String(_) => super::Link::from_value(&v)
                .map(Some)
                .ok_or_else(|| D::Error::custom("a link whose @odata.id is not a path"))
                .or_else(|e| if is_empty_id(&v) { Ok(None) } else { Err(e) }),
            other => Err(D::Error::custom(format!("expected a link, found {other}"))),
        }
    }

    /// `T` where the value parses as one, else `None`: for OEM sections Hermes reads only a part of,
    /// whose other members a vendor types as it likes (iLO 4's `Oem.Hp`).
    pub fn or_none<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(serde_json::from_value(v).ok())
    }

    /// A link given as `{"@odata.id": …}` (Redfish), `{"href": …}` (iLO 4's `links`) or a bare path.
    pub fn href_link(v: &Value) -> Option<super::Link> {
        super::Link::from_value(v).or_else(|| {
            let href = v.get("href")?.as_str()?.trim();
            (!href.is_empty()).then(|| super::Link {
                odata_id: href.to_string(),
            })
        })
    }

    /// The member `name` (any case) of the object `links`/`Links` under `v`, as a link.
    pub fn link_in(v: &Value, name: &str) -> Option<super::Link> {
        let links = v.get("Links").or_else(|| v.get("links"))?.as_object()?;
        links
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, l)| href_link(l))
    }

    fn is_empty_id(v: &Value) -> bool {
        match v {
            Value::String(s) => s.trim().is_empty(),
            Value::Object(o) => o
                .get("@odata.id")
                .and_then(Value::as_str)
                .is_some_and(|s| s.trim().is_empty()),
            _ => false,
        }
    }

    /// An `Actions` object keyed by action name: members without a `target` (the standard
    /// `"Oem": {}`, vendor containers of OEM actions) are not actions and are skipped.
    pub fn actions<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<std::collections::BTreeMap<String, super::RedfishAction>, D::Error> {
        let map = match Value::deserialize(d)? {
            Value::Null => return Ok(Default::default()),
            Value::Object(map) => map,
            other => {
                return Err(D::Error::custom(format!(
                    "expected an Actions object, found {other}"
                )))
            }
        };
        map.into_iter()
            .filter(|(_, v)| v.get("target").is_some())
            .map(|(k, v)| {
                serde_json::from_value(v)
                    .map(|a| (k.clone(), a))
                    .map_err(|e| D::Error::custom(format!("action {k}: {e}")))
            })
            .collect()
    }

    /// Text sent as a number or a boolean (`"Id": 1`, `"Version": 2.1`) is kept as its JSON text;
    /// `null` → `None`; an object or array is still an error.
    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            v @ (Value::Number(_) | Value::Bool(_)) => Ok(Some(v.to_string())),
            other => Err(D::Error::custom(format!("expected text, found {other}"))),
        }
    }

    /// A flag sent as a boolean or as the text `"true"`/`"false"` (NVIDIA's OpenBMC sends
    /// `"Required": "false"` in ActionInfo parameters); `null` → `None`; anything else is an error.
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(b)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
            other => Err(D::Error::custom(format!(
                "expected true or false, found {other}"
            ))),
        }
    }

    /// A list of values as text: strings as they are, numbers and booleans as their JSON text
    /// (`"AllowableValues": [0, 1, 2]` in NVIDIA's ActionInfo resources); `null` → empty; a nested
    /// object or array is an error.
    pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    v @ (Value::Number(_) | Value::Bool(_)) => Ok(v.to_string()),
                    other => Err(D::Error::custom(format!("expected a value, found {other}"))),
                })
                .collect(),
            other => Err(D::Error::custom(format!(
                "expected a list of values, found {other}"
            ))),
        }
    }

    /// [`opt_string`] for a text field that defaults to empty (`Id`).
    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(opt_string(d)?.unwrap_or_default())
    }

    /// A list of links (`null` → empty); members without an `@odata.id` are skipped.
    pub fn links<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<super::Link>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => Ok(items.iter().filter_map(super::Link::from_value).collect()),
            other => Err(D::Error::custom(format!(
                "expected a list of links, found {other}"
            ))),
        }
    }
}

/// Whether two `@odata.id`s name the same resource: Redfish services are inconsistent about a trailing
/// slash (`/redfish/v1/Systems/1/`) and about case in links (iLO's `/redfish/v1/systems/1/bios/`).
///
/// ```
/// use hermes_ilo::models::same_resource;
/// assert!(same_resource("/redfish/v1/Systems/1/", "/redfish/v1/Systems/1"));
/// assert!(same_resource("/redfish/v1/systems/1/bios/", "/redfish/v1/Systems/1/Bios"));
/// assert!(!same_resource("/redfish/v1/Systems/1", "/redfish/v1/Systems/11"));
/// ```
pub fn same_resource(a: &str, b: &str) -> bool {
    resource_key(a) == resource_key(b)
}

/// The form [`same_resource`] compares: without fragment, query and trailing `/`, lower case.
pub(crate) fn resource_key(s: &str) -> String {
    let s = s.split('#').next().unwrap_or(s);
    let s = s.split('?').next().unwrap_or(s);
    s.trim_end_matches('/').to_ascii_lowercase()
}

/// A link to another resource (`{"@odata.id": "..."}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// The linked resource's path.
    #[serde(rename = "@odata.id")]
    pub odata_id: String,
}

impl Link {
    /// The path.
    pub fn path(&self) -> &str {
        &self.odata_id
    }

    /// A link from JSON: `{"@odata.id": "..."}` or a bare path string; `None` for anything else or
    /// an empty path.
    pub fn from_value(v: &Value) -> Option<Link> {
        let id = match v {
            Value::Object(o) => o.get("@odata.id")?.as_str()?,
            Value::String(s) => s.as_str(),
            _ => return None,
        };
        let id = id.trim();
        (!id.is_empty()).then(|| Link {
            odata_id: id.to_string(),
        })
    }
}

/// `Status`: state and health. Accepts both `HealthRollup` (iLO) and `HealthRollUp` (sushy).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Status {
    /// `Enabled`, `Disabled`, `Absent`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub state: Option<String>,
    /// `OK`, `Warning`, `Critical`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub health: Option<String>,
    /// The roll-up of the sub-resources' health.
    #[serde(
        default,
        alias = "HealthRollUp",
        deserialize_with = "lenient::opt_string"
    )]
    pub health_rollup: Option<String>,
}

/// An action's target and its allowable parameter values.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActionTarget {
    /// Where to POST.
    pub target: String,
    /// `ResetType@Redfish.AllowableValues` (empty when the service does not say).
    #[serde(
        default,
        rename = "ResetType@Redfish.AllowableValues",
        deserialize_with = "lenient::vec"
    )]
    pub reset_types: Vec<String>,
    /// `@Redfish.ActionInfo`, a link to the parameters' description.
    #[serde(
        default,
        rename = "@Redfish.ActionInfo",
        deserialize_with = "lenient::opt_string"
    )]
    pub action_info: Option<String>,
    /// Every other member (`PARAM@Redfish.AllowableValues`, `title`).
    #[serde(flatten)]
    pub annotations: BTreeMap<String, Value>,
}

impl ActionTarget {
    /// The values `PARAM@Redfish.AllowableValues` lists inline (empty when the service does not say
    /// here; it may say in the `@Redfish.ActionInfo` resource, see [`crate::Client::allowable_values`]).
    ///
    /// ```
    /// let a: hermes_ilo::models::ActionTarget = serde_json::from_str(
    ///     r#"{"target":"/x","TransferProtocolType@Redfish.AllowableValues":["HTTP","NFS"]}"#).unwrap();
    /// assert_eq!(a.allowable("TransferProtocolType"), ["HTTP", "NFS"]);
    /// ```
    pub fn allowable(&self, param: &str) -> Vec<String> {
        if param == "ResetType" && !self.reset_types.is_empty() {
            return self.reset_types.clone();
        }
        allowable_in(&self.annotations, param)
    }
}

/// `PARAM@Redfish.AllowableValues` in a map of annotations.
fn allowable_in(map: &BTreeMap<String, Value>, param: &str) -> Vec<String> {
    map.get(&format!("{param}@Redfish.AllowableValues"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// An `ActionInfo` resource (`@Redfish.ActionInfo`): the parameters an action takes, whether each is
/// required, and its allowable values. Newer services (and several vendors for every action) list the
/// allowable values here instead of inline.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionInfo {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// The parameters.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub parameters: Vec<ActionParameter>,
}

/// One parameter of an [`ActionInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionParameter {
    /// The parameter's name (`ResetType`, `Image`, `TransferProtocolType`); empty when the service
    /// describes a parameter without one (AMI lists `{"ComponentName": "String", ...}` instead).
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// Whether the action fails without it.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub required: Option<bool>,
    /// `String`, `Boolean`, `StringArray`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub data_type: Option<String>,
    /// Its allowable values (empty when free-form); numbers are kept as their text (`"0"`).
    #[serde(default, deserialize_with = "lenient::texts")]
    pub allowable_values: Vec<String>,
}

impl ActionInfo {
    /// The parameter named `name`.
    pub fn parameter(&self, name: &str) -> Option<&ActionParameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// An action of any resource (`Actions."#SecureBoot.ResetKeys"`, `"#UpdateService.SimpleUpdate"`): its
/// target and its annotations, such as `ResetKeysType@Redfish.AllowableValues`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RedfishAction {
    /// Where to POST.
    pub target: String,
    /// Every other member (`PARAM@Redfish.AllowableValues`, `@Redfish.ActionInfo`, `title`).
    #[serde(flatten)]
    pub annotations: BTreeMap<String, Value>,
}

impl RedfishAction {
    /// The values `PARAM@Redfish.AllowableValues` lists (empty when the service does not say).
    ///
    /// ```
    /// let a: hermes_ilo::models::RedfishAction = serde_json::from_str(
    ///     r#"{"target":"/x","TransferProtocol@Redfish.AllowableValues":["HTTP","HTTPS"]}"#).unwrap();
    /// assert_eq!(a.allowable("TransferProtocol"), ["HTTP", "HTTPS"]);
    /// assert!(a.allowable("Targets").is_empty());
    /// ```
    pub fn allowable(&self, param: &str) -> Vec<String> {
        allowable_in(&self.annotations, param)
    }

    /// `@Redfish.ActionInfo`: where the service describes the parameters instead (newer services).
    pub fn action_info(&self) -> Option<&str> {
        self.annotations
            .get("@Redfish.ActionInfo")
            .and_then(Value::as_str)
    }
}

/// The service root (`/redfish/v1`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceRoot {
    /// `@odata.id`.
    #[serde(
        default,
        rename = "@odata.id",
        deserialize_with = "lenient::opt_string"
    )]
    pub odata_id: Option<String>,
    /// The root's id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// Its name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// The Redfish protocol version.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub redfish_version: Option<String>,
    /// The service's UUID.
    #[serde(default, rename = "UUID", deserialize_with = "lenient::opt_string")]
    pub uuid: Option<String>,
    /// `Vendor` (Redfish 1.5+; iLO 5 sends it in `Oem.Hpe.Manager` instead).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub vendor: Option<String>,
    /// `Product`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub product: Option<String>,
    /// The systems collection.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub systems: Option<Link>,
    /// The managers collection.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub managers: Option<Link>,
    /// The chassis collection.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub chassis: Option<Link>,
    /// The session service.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub session_service: Option<Link>,
    /// The update service (firmware inventory).
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub update_service: Option<Link>,
    /// The task service.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub task_service: Option<Link>,
    /// `Links` (the sessions collection).
    #[serde(default)]
    pub links: Option<ServiceRootLinks>,
    /// What the protocol supports (`$expand`...).
    #[serde(default)]
    pub protocol_features_supported: Option<ProtocolFeatures>,
}

/// `ServiceRoot.Links`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceRootLinks {
    /// The sessions collection (where to log in).
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub sessions: Option<Link>,
}

/// `ProtocolFeaturesSupported`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProtocolFeatures {
    /// `$expand` support.
    #[serde(default, deserialize_with = "lenient::opt")]
    pub expand_query: Option<ExpandQuery>,
}

/// `ProtocolFeaturesSupported.ExpandQuery`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExpandQuery {
    /// `$expand=.` (expand the links of this level, without sub-links).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub no_links: Option<bool>,
    /// `$expand=*`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub links: Option<bool>,
    /// `$expand=*` across all levels.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub expand_all: Option<bool>,
}

/// A collection (`Members`, `Members@odata.count`, `Members@odata.nextLink`). Members may be bare links
/// or, with `$expand`, whole resources: both are kept as JSON for the caller to type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Collection {
    /// The members.
    #[serde(default, rename = "Members", deserialize_with = "lenient::vec")]
    pub members: Vec<serde_json::Value>,
    /// The total count (over all pages).
    #[serde(
        default,
        rename = "Members@odata.count",
        deserialize_with = "lenient::opt_u64"
    )]
    pub count: Option<u64>,
    /// The next page, if the service pages.
    #[serde(
        default,
        rename = "Members@odata.nextLink",
        deserialize_with = "lenient::opt_string"
    )]
    pub next_link: Option<String>,
}

/// A power state (`PowerState`), with any value a service invents kept as [`PowerState::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PowerState {
    /// On.
    On,
    /// Off.
    Off,
    /// Powering on.
    PoweringOn,
    /// Powering off.
    PoweringOff,
    /// Paused.
    Paused,
    /// Another value.
    Other(String),
}

impl From<String> for PowerState {
    /// The standard values in any case (`"on"`, `"OFF"` from some older BMCs); anything else is kept.
    fn from(s: String) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "on" => PowerState::On,
            "off" => PowerState::Off,
            "poweringon" => PowerState::PoweringOn,
            "poweringoff" => PowerState::PoweringOff,
            "paused" => PowerState::Paused,
            _ => PowerState::Other(s),
        }
    }
}

impl From<PowerState> for String {
    fn from(p: PowerState) -> String {
        p.to_string()
    }
}

impl fmt::Display for PowerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PowerState::On => "On",
            PowerState::Off => "Off",
            PowerState::PoweringOn => "PoweringOn",
            PowerState::PoweringOff => "PoweringOff",
            PowerState::Paused => "Paused",
            PowerState::Other(s) => s,
        })
    }
}

/// `ComputerSystem.Boot`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Boot {
    /// `Disabled`, `Once` or `Continuous`.
    #[serde(
        default,
        rename = "BootSourceOverrideEnabled",
        deserialize_with = "lenient::opt_string"
    )]
    pub override_enabled: Option<String>,
    /// The override target (`Cd`, `Pxe`, `Hdd`...).
    #[serde(
        default,
        rename = "BootSourceOverrideTarget",
        deserialize_with = "lenient::opt_string"
    )]
    pub override_target: Option<String>,
    /// `BootSourceOverrideTarget@Redfish.AllowableValues`.
    #[serde(
        default,
        rename = "BootSourceOverrideTarget@Redfish.AllowableValues",
        deserialize_with = "lenient::vec"
    )]
    pub allowed_targets: Vec<String>,
    /// `UEFI` or `Legacy`.
    #[serde(
        default,
        rename = "BootSourceOverrideMode",
        deserialize_with = "lenient::opt_string"
    )]
    pub override_mode: Option<String>,
    /// The UEFI device path for `UefiTarget`.
    #[serde(
        default,
        rename = "UefiTargetBootSourceOverride",
        deserialize_with = "lenient::opt_string"
    )]
    pub uefi_target: Option<String>,
    /// The persistent boot order (boot option references).
    #[serde(default, rename = "BootOrder", deserialize_with = "lenient::vec")]
    pub boot_order: Vec<String>,
    /// The boot options collection.
    #[serde(
        default,
        rename = "BootOptions",
        deserialize_with = "lenient::opt_link"
    )]
    pub boot_options: Option<Link>,
    /// `BootSourceOverrideSupported`: where older services (iLO 4, early Redfish 1.0 BMCs) list the
    /// targets instead of `@Redfish.AllowableValues`.
    #[serde(
        default,
        rename = "BootSourceOverrideSupported",
        deserialize_with = "lenient::vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub supported_targets: Vec<String>,
    /// `BootSourceOverrideEnabled@Redfish.AllowableValues` (some services refuse `Continuous`).
    #[serde(
        default,
        rename = "BootSourceOverrideEnabled@Redfish.AllowableValues",
        deserialize_with = "lenient::vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_enabled: Vec<String>,
    /// `BootSourceOverrideMode@Redfish.AllowableValues`.
    #[serde(
        default,
        rename = "BootSourceOverrideMode@Redfish.AllowableValues",
        deserialize_with = "lenient::vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_modes: Vec<String>,
    /// `UefiTargetBootSourceOverride@Redfish.AllowableValues`: the UEFI device paths `UefiTarget`
    /// accepts (iLO lists them; most services do not).
    #[serde(
        default,
        rename = "UefiTargetBootSourceOverride@Redfish.AllowableValues",
        deserialize_with = "lenient::vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_uefi_targets: Vec<String>,
    /// `UefiTargetBootSourceOverrideSupported`: where iLO 4 lists the UEFI device paths instead of
    /// `@Redfish.AllowableValues` (read through [`Boot::uefi_targets`]).
    #[serde(
        default,
        rename = "UefiTargetBootSourceOverrideSupported",
        deserialize_with = "lenient::vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub supported_uefi_targets: Vec<String>,
    /// `HttpBootUri` (the URI `UefiHttp` boots from, Redfish 1.9+).
    #[serde(
        default,
        rename = "HttpBootUri",
        skip_serializing_if = "Option::is_none"
    )]
    pub http_boot_uri: Option<String>,
}

impl Boot {
    /// The boot override targets the service accepts: `BootSourceOverrideTarget@Redfish.AllowableValues`,
    /// else `BootSourceOverrideSupported`; empty when the service says neither.
    pub fn targets(&self) -> &[String] {
        if self.allowed_targets.is_empty() {
            &self.supported_targets
        } else {
            &self.allowed_targets
        }
    }

    /// The UEFI device paths `UefiTarget` accepts: `UefiTargetBootSourceOverride@Redfish.AllowableValues`,
    /// else iLO 4's `UefiTargetBootSourceOverrideSupported`; empty when the service says neither.
    ///
    /// ```
    /// use hermes_ilo::models::Boot;
    /// let boot: Boot = serde_json::from_str(
    ///     r#"{"UefiTargetBootSourceOverrideSupported": ["HD.Emb.1.2", "CD.Virtual.2.1"]}"#).unwrap();
    /// assert_eq!(boot.uefi_targets(), ["HD.Emb.1.2", "CD.Virtual.2.1"]);
    /// ```
    pub fn uefi_targets(&self) -> &[String] {
        if self.allowed_uefi_targets.is_empty() {
            &self.supported_uefi_targets
        } else {
            &self.allowed_uefi_targets
        }
    }

    /// The target that boots the virtual CD/DVD, read from the service's own list: `Cd` (the standard
    /// name, in any case), else a target naming a CD, DVD or optical drive. `None` when the service
    /// lists targets and none is one; `Some("Cd")` when it lists none (the standard value is then tried).
    ///
    /// ```
    /// use hermes_ilo::models::Boot;
    /// let boot: Boot = serde_json::from_str(
    ///     r#"{"BootSourceOverrideSupported": ["None", "Pxe", "Hdd", "Cd", "UefiTarget"]}"#).unwrap();
    /// assert_eq!(boot.cd_target().as_deref(), Some("Cd"));
    /// let boot: Boot = serde_json::from_str(
    ///     r#"{"BootSourceOverrideTarget@Redfish.AllowableValues": ["None", "Pxe", "UsbCd"]}"#).unwrap();
    /// assert_eq!(boot.cd_target().as_deref(), Some("UsbCd"));
    /// let boot: Boot = serde_json::from_str(
    ///     r#"{"BootSourceOverrideTarget@Redfish.AllowableValues": ["None", "Pxe", "Hdd"]}"#).unwrap();
    /// assert_eq!(boot.cd_target(), None);
    /// ```
    pub fn cd_target(&self) -> Option<String> {
        let targets = self.targets();
        if targets.is_empty() {
            return Some("Cd".to_string());
        }
        if let Some(t) = targets.iter().find(|t| t.eq_ignore_ascii_case("Cd")) {
            return Some(t.clone());
        }
        targets
            .iter()
            .find(|t| {
                let l = t.to_ascii_lowercase();
                l.contains("cd") || l.contains("dvd") || l.contains("optical")
            })
            .cloned()
    }
}

/// `ProcessorSummary`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessorSummary {
    /// Number of processors.
    #[serde(default, deserialize_with = "lenient::opt_u32")]
    pub count: Option<u32>,
    /// Their model (trimmed by [`ComputerSystem::cpu_model`]).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// Logical processors.
    #[serde(default, deserialize_with = "lenient::opt_u32")]
    pub logical_processor_count: Option<u32>,
    /// Health.
    #[serde(default)]
    pub status: Option<Status>,
}

/// `MemorySummary`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MemorySummary {
    /// Total memory in GiB.
    #[serde(
        default,
        rename = "TotalSystemMemoryGiB",
        deserialize_with = "lenient::opt_f64"
    )]
    pub total_gib: Option<f64>,
    /// Persistent memory in GiB.
    #[serde(
        default,
        rename = "TotalSystemPersistentMemoryGiB",
        deserialize_with = "lenient::opt_f64"
    )]
    pub persistent_gib: Option<f64>,
    /// Health.
    #[serde(default)]
    pub status: Option<Status>,
}

/// `ComputerSystem.Links`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SystemLinks {
    /// The managers (BMCs) of this system.
    #[serde(default, deserialize_with = "lenient::links")]
    pub managed_by: Vec<Link>,
    /// Its chassis.
    #[serde(default, deserialize_with = "lenient::links")]
    pub chassis: Vec<Link>,
}

/// `ComputerSystem.Actions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SystemActions {
    /// `#ComputerSystem.Reset`.
    #[serde(default, rename = "#ComputerSystem.Reset")]
    pub reset: Option<ActionTarget>,
}

/// `Oem.Hpe` of an iLO ComputerSystem (the fields Hermes uses; the rest is ignored).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeSystemOem {
    /// `PostState` (`InPost`, `FinishedPost`, `PowerOff`...): whether the server finished POST.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub post_state: Option<String>,
    /// `PowerRegulatorMode`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub power_regulator_mode: Option<String>,
    /// `PowerAutoOn`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub power_auto_on: Option<String>,
    /// `CurrentPowerOnTimeSeconds`.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub current_power_on_time_seconds: Option<u64>,
    /// `IntelligentProvisioningVersion`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub intelligent_provisioning_version: Option<String>,
    /// `ServerFQDN`.
    #[serde(
        default,
        rename = "ServerFQDN",
        deserialize_with = "lenient::opt_string"
    )]
    pub server_fqdn: Option<String>,
    /// `AggregateHealthStatus.AggregateServerHealth`.
    #[serde(default)]
    pub aggregate_health_status: Option<HpeAggregateHealth>,
    /// `Bios.Current.VersionString` and `Bios.Backup.VersionString`.
    #[serde(default)]
    pub bios: Option<HpeBiosVersions>,
    /// `Links` (iLO 5) or `links` (iLO 4): the BIOS and secure boot resources, which iLO 4 links only
    /// here.
    #[serde(
        default,
        alias = "links",
        deserialize_with = "hpe_system_links",
        skip_serializing_if = "HpeSystemLinks::is_empty"
    )]
    pub links: HpeSystemLinks,
}

/// `Oem.Hpe.Links` / `Oem.Hp.links` of a ComputerSystem: links given as `@odata.id` or `href`, named
/// in any case (`BIOS`, `Bios`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HpeSystemLinks {
    /// The BIOS resource.
    pub bios: Option<Link>,
    /// The secure boot resource.
    pub secure_boot: Option<Link>,
}

impl HpeSystemLinks {
    /// Whether neither link is present.
    pub fn is_empty(&self) -> bool {
        self.bios.is_none() && self.secure_boot.is_none()
    }
}

fn hpe_system_links<'de, D: serde::Deserializer<'de>>(d: D) -> Result<HpeSystemLinks, D::Error> {
    let v = Value::deserialize(d)?;
    let wrapped = serde_json::json!({ "Links": v });
    Ok(HpeSystemLinks {
        bios: lenient::link_in(&wrapped, "Bios"),
        secure_boot: lenient::link_in(&wrapped, "SecureBoot"),
    })
}

/// `Oem.Hpe.AggregateHealthStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeAggregateHealth {
    /// The server's overall health.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub aggregate_server_health: Option<String>,
}

/// `Oem.Hpe.Bios` of a ComputerSystem.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeBiosVersions {
    /// The running ROM.
    #[serde(default)]
    pub current: Option<HpeVersion>,
    /// The backup ROM.
    #[serde(default)]
    pub backup: Option<HpeVersion>,
}

/// A version in HPE's OEM extensions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeVersion {
    /// `VersionString`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub version_string: Option<String>,
    /// `Date`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date: Option<String>,
}

/// An `Oem` object with the `Hpe` extension typed as `T`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned"))]
pub struct Oem<T> {
    /// `Oem.Hpe`.
    #[serde(default, rename = "Hpe")]
    pub hpe: Option<T>,
    /// `Oem.Hp`: iLO 4's name for the same extension (`None` where it does not parse as `T`).
    #[serde(
        default,
        rename = "Hp",
        deserialize_with = "lenient::or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub hp: Option<T>,
}

/// A ComputerSystem (`/redfish/v1/Systems/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ComputerSystem {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `@odata.etag`, where the service sends one in the body.
    #[serde(
        default,
        rename = "@odata.etag",
        deserialize_with = "lenient::opt_string"
    )]
    pub etag: Option<String>,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `HostName`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub host_name: Option<String>,
    /// `UUID`.
    #[serde(default, rename = "UUID", deserialize_with = "lenient::opt_string")]
    pub uuid: Option<String>,
    /// `Manufacturer`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manufacturer: Option<String>,
    /// `Model`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `SerialNumber`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub serial_number: Option<String>,
    /// `SKU`.
    #[serde(default, rename = "SKU", deserialize_with = "lenient::opt_string")]
    pub sku: Option<String>,
    /// `BiosVersion`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bios_version: Option<String>,
    /// `PowerState`.
    #[serde(default)]
    pub power_state: Option<PowerState>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
    /// `Boot`.
    #[serde(default)]
    pub boot: Option<Boot>,
    /// `ProcessorSummary`.
    #[serde(default)]
    pub processor_summary: Option<ProcessorSummary>,
    /// `MemorySummary`.
    #[serde(default)]
    pub memory_summary: Option<MemorySummary>,
    /// The BIOS resource.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub bios: Option<Link>,
    /// The secure boot resource.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub secure_boot: Option<Link>,
    /// The NICs.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub ethernet_interfaces: Option<Link>,
    /// Virtual media under the system (sushy, some vendors; iLO keeps it under the manager).
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub virtual_media: Option<Link>,
    /// The processors collection.
    #[serde(
        default,
        deserialize_with = "lenient::opt_link",
        skip_serializing_if = "Option::is_none"
    )]
    pub processors: Option<Link>,
    /// The memory (DIMMs) collection.
    #[serde(
        default,
        deserialize_with = "lenient::opt_link",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory: Option<Link>,
    /// The storage subsystems collection (Redfish 1.1+).
    #[serde(
        default,
        deserialize_with = "lenient::opt_link",
        skip_serializing_if = "Option::is_none"
    )]
    pub storage: Option<Link>,
    /// The simple storage collection (Redfish 1.0, older services).
    #[serde(
        default,
        deserialize_with = "lenient::opt_link",
        skip_serializing_if = "Option::is_none"
    )]
    pub simple_storage: Option<Link>,
    /// `Links`.
    #[serde(default)]
    pub links: SystemLinks,
    /// `Actions`.
    #[serde(default)]
    pub actions: SystemActions,
    /// `Oem` (HPE's extension typed).
    #[serde(default)]
    pub oem: Option<Oem<HpeSystemOem>>,
}

impl ComputerSystem {
    /// The CPU model, trimmed (iLO pads it with spaces).
    pub fn cpu_model(&self) -> Option<&str> {
        self.processor_summary
            .as_ref()
            .and_then(|p| p.model.as_deref())
            .map(str::trim)
    }
    /// `Oem.Hpe`, if present.
    pub fn hpe(&self) -> Option<&HpeSystemOem> {
        self.oem.as_ref().and_then(|o| o.hpe.as_ref())
    }
    /// The HPE extension, `Oem.Hpe` (iLO 5+) or `Oem.Hp` (iLO 4).
    fn hpe_or_hp(&self) -> Option<&HpeSystemOem> {
        let oem = self.oem.as_ref()?;
        oem.hpe.as_ref().or(oem.hp.as_ref())
    }

    /// The BIOS resource: the standard `Bios` link, else the HPE OEM one (iLO 4 links it only as
    /// `Oem.Hp.links.BIOS`, its `Bios` being a version object).
    ///
    /// ```
    /// let sys: hermes_ilo::models::ComputerSystem = serde_json::from_str(r#"{"Id": "1",
    ///     "Bios": {"Current": {"VersionString": "I36 v1.40"}},
    ///     "Oem": {"Hp": {"links": {"BIOS": {"href": "/rest/v1/systems/1/bios"}}}}}"#).unwrap();
    /// assert_eq!(sys.bios_link().unwrap().path(), "/rest/v1/systems/1/bios");
    /// ```
    pub fn bios_link(&self) -> Option<&Link> {
        self.bios
            .as_ref()
            .or_else(|| self.hpe_or_hp()?.links.bios.as_ref())
    }

    /// The secure boot resource: the standard `SecureBoot` link, else the HPE OEM one (iLO 4's
    /// `Oem.Hp.links.SecureBoot`).
    pub fn secure_boot_link(&self) -> Option<&Link> {
        self.secure_boot
            .as_ref()
            .or_else(|| self.hpe_or_hp()?.links.secure_boot.as_ref())
    }

    /// The allowed `ResetType`s (empty when the service does not say).
    pub fn reset_types(&self) -> &[String] {
        self.actions
            .reset
            .as_ref()
            .map(|r| r.reset_types.as_slice())
            .unwrap_or(&[])
    }
}

/// `Manager.Links`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagerLinks {
    /// The systems this manager manages.
    #[serde(default, deserialize_with = "lenient::links")]
    pub manager_for_servers: Vec<Link>,
}

/// `Oem.Hpe` of an iLO Manager.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeManagerOem {
    /// `Firmware.Current` (version string and date).
    #[serde(default)]
    pub firmware: Option<HpeFirmware>,
    /// `License.LicenseString` (`iLO Advanced limited-distribution test`).
    #[serde(default)]
    pub license: Option<HpeLicense>,
}

/// `Oem.Hpe.Firmware`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeFirmware {
    /// The running firmware.
    #[serde(default)]
    pub current: Option<HpeVersion>,
}

/// `Oem.Hpe.License`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeLicense {
    /// The license's name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub license_string: Option<String>,
    /// Its type.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub license_type: Option<String>,
}

/// A Manager (a BMC: `/redfish/v1/Managers/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Manager {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `Model` (`iLO 5`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `ManagerType` (`BMC`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manager_type: Option<String>,
    /// `FirmwareVersion` (`iLO 5 v2.72`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub firmware_version: Option<String>,
    /// `UUID`.
    #[serde(default, rename = "UUID", deserialize_with = "lenient::opt_string")]
    pub uuid: Option<String>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
    /// Virtual media under the manager (iLO).
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub virtual_media: Option<Link>,
    /// The manager's own NICs.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub ethernet_interfaces: Option<Link>,
    /// `Links`.
    #[serde(default)]
    pub links: ManagerLinks,
    /// `Oem` (HPE's extension typed).
    #[serde(default)]
    pub oem: Option<Oem<HpeManagerOem>>,
}

impl Manager {
    /// `Oem.Hpe`, if present.
    pub fn hpe(&self) -> Option<&HpeManagerOem> {
        self.oem.as_ref().and_then(|o| o.hpe.as_ref())
    }
}

/// `VirtualMedia.Actions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VirtualMediaActions {
    /// `#VirtualMedia.InsertMedia`.
    #[serde(default, rename = "#VirtualMedia.InsertMedia")]
    pub insert: Option<ActionTarget>,
    /// `#VirtualMedia.EjectMedia`.
    #[serde(default, rename = "#VirtualMedia.EjectMedia")]
    pub eject: Option<ActionTarget>,
}

/// `Oem.Hpe` of iLO virtual media.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeVirtualMediaOem {
    /// Whether the server boots from this medium at its next reset (iLO's own one-time boot).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub boot_on_next_server_reset: Option<bool>,
}

/// A virtual media device (`.../VirtualMedia/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualMedia {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `@odata.etag`.
    #[serde(
        default,
        rename = "@odata.etag",
        deserialize_with = "lenient::opt_string"
    )]
    pub etag: Option<String>,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// The image URL (empty or absent when nothing is inserted).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub image: Option<String>,
    /// The image's name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub image_name: Option<String>,
    /// Whether a medium is inserted.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub inserted: Option<bool>,
    /// Whether the medium is write-protected.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub write_protected: Option<bool>,
    /// `CD`, `DVD`, `Floppy`, `USBStick`...
    #[serde(default, deserialize_with = "lenient::vec")]
    pub media_types: Vec<String>,
    /// `URI`, `NotConnected`, `Applet`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub connected_via: Option<String>,
    /// `Actions`.
    #[serde(default)]
    pub actions: VirtualMediaActions,
    /// `Oem` (HPE's extension typed).
    #[serde(default)]
    pub oem: Option<Oem<HpeVirtualMediaOem>>,
}

impl VirtualMedia {
    /// Whether it can take a CD/DVD image: its `MediaTypes` list `CD` or `DVD`; a device that lists no
    /// media types (older services) counts when its `Id` or `Name` names a CD, DVD or optical drive.
    ///
    /// ```
    /// use hermes_ilo::models::VirtualMedia;
    /// let dvd: VirtualMedia = serde_json::from_str(r#"{"Id": "2", "MediaTypes": ["CD", "DVD"]}"#).unwrap();
    /// let usb: VirtualMedia = serde_json::from_str(r#"{"Id": "1", "MediaTypes": ["Floppy", "USBStick"]}"#).unwrap();
    /// let old: VirtualMedia = serde_json::from_str(r#"{"Id": "CD", "Name": "Virtual CD"}"#).unwrap();
    /// assert!(dvd.is_cd() && !usb.is_cd() && old.is_cd());
    /// ```
    pub fn is_cd(&self) -> bool {
        if !self.media_types.is_empty() {
            return self
                .media_types
                .iter()
                .any(|t| t.eq_ignore_ascii_case("CD") || t.eq_ignore_ascii_case("DVD"));
        }
        [Some(self.id.as_str()), self.name.as_deref()]
            .into_iter()
            .flatten()
            .any(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("cd") || n.contains("dvd") || n.contains("optical")
            })
    }
    /// The inserted image URL, if a medium is inserted.
    pub fn inserted_image(&self) -> Option<&str> {
        match (self.inserted, self.image.as_deref()) {
            (Some(false), _) => None,
            (_, Some(img)) if !img.is_empty() => Some(img),
            _ => None,
        }
    }
}

/// `@Redfish.Settings`: where pending settings go.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SettingsAnnotation {
    /// The pending-settings resource to PATCH (`Bios/Settings`).
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub settings_object: Option<Link>,
    /// The ETag of the settings object when last applied.
    #[serde(default, rename = "ETag", deserialize_with = "lenient::opt_string")]
    pub etag: Option<String>,
    /// When they were last applied.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub time: Option<String>,
    /// The messages of the last apply.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub messages: Vec<crate::error::ExtendedInfo>,
}

/// A BIOS resource (current attributes at `Bios`, pending ones at `Bios/Settings`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bios {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `@odata.etag`.
    #[serde(
        default,
        rename = "@odata.etag",
        deserialize_with = "lenient::opt_string"
    )]
    pub etag: Option<String>,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// The attribute registry (`BiosAttributeRegistryA42.v1_2_60`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub attribute_registry: Option<String>,
    /// The attributes.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// `@Redfish.Settings`.
    #[serde(default, rename = "@Redfish.Settings")]
    pub settings: Option<SettingsAnnotation>,
    /// Every other member: iLO 4's `HpBios` keeps the attributes here (no `Attributes` object) and
    /// links its pending settings as `links.Settings.href`.
    #[serde(flatten, skip_serializing)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// Members of a BIOS resource that are not attributes where the attributes are the resource's own
/// members (iLO 4).
const BIOS_NOT_ATTRIBUTES: [&str; 12] = [
    "links",
    "Links",
    "Oem",
    "Type",
    "Name",
    "Description",
    "Id",
    "AttributeRegistry",
    "Modified",
    "SettingsResult",
    "SettingsObject",
    "Actions",
];

impl Bios {
    /// Where pending settings are written: `@Redfish.Settings`, else (iLO 4) `links.Settings` /
    /// `Links.Settings`, else `Oem.Hp(e).links.Settings`.
    pub fn settings_path(&self) -> Option<&str> {
        if let Some(p) = self
            .settings
            .as_ref()
            .and_then(|s| s.settings_object.as_ref())
            .map(Link::path)
        {
            return Some(p);
        }
        let own = self.other.get("links").or_else(|| self.other.get("Links"));
        let oem = self.other.get("Oem").and_then(|o| {
            let vendor = o.get("Hpe").or_else(|| o.get("Hp"))?;
            vendor.get("links").or_else(|| vendor.get("Links"))
        });
        [own, oem].into_iter().flatten().find_map(|links| {
            let (_, l) = links
                .as_object()?
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Settings"))?;
            l.get("@odata.id")
                .or_else(|| l.get("href"))
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|p| !p.is_empty())
        })
    }

    /// Whether the attributes are the resource's own members (iLO 4's `HpBios`) rather than an
    /// `Attributes` object; pending settings are then written the same way.
    pub fn is_flat(&self) -> bool {
        self.attributes.is_empty() && self.flat_attributes().next().is_some()
    }

    fn flat_attributes(&self) -> impl Iterator<Item = (&String, &serde_json::Value)> {
        self.other
            .iter()
            .filter(|(k, _)| !k.starts_with('@') && !BIOS_NOT_ATTRIBUTES.contains(&k.as_str()))
    }

    /// The attributes: `Attributes`, or, on a BIOS resource without it (iLO 4), its own members less
    /// the resource's metadata (`links`, `Type`, `Name`, `Description`, `AttributeRegistry`,
    /// `Modified`, `SettingsResult`…).
    ///
    /// ```
    /// let bios: hermes_ilo::models::Bios = serde_json::from_str(r#"{"Type": "HpBios.1.2.0",
    ///     "BootMode": "Uefi", "links": {"Settings": {"href": "/rest/v1/systems/1/bios/Settings"}}}"#).unwrap();
    /// assert_eq!(bios.all_attributes().len(), 1);
    /// assert_eq!(bios.settings_path(), Some("/rest/v1/systems/1/bios/Settings"));
    /// ```
    pub fn all_attributes(&self) -> BTreeMap<String, serde_json::Value> {
        if !self.attributes.is_empty() {
            return self.attributes.clone();
        }
        self.flat_attributes()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// The SecureBoot resource.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecureBoot {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// Whether secure boot is enabled for the next boot.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub secure_boot_enable: Option<bool>,
    /// Whether the current boot was secure (`Enabled`/`Disabled`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub secure_boot_current_boot: Option<String>,
    /// `SetupMode`, `UserMode`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub secure_boot_mode: Option<String>,
    /// `Actions` (`#SecureBoot.ResetKeys`), keyed by the action's name.
    #[serde(default, deserialize_with = "lenient::actions")]
    pub actions: BTreeMap<String, RedfishAction>,
}

/// `Oem.Hpe` of a firmware inventory entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpeSoftwareInventoryOem {
    /// Where the component is (`System Board`, `PCI-E Slot 1`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub device_context: Option<String>,
}

/// A firmware (software inventory) entry (`UpdateService/FirmwareInventory/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftwareInventory {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name` (`iLO 5`, `System ROM`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `Description`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    /// `Version`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub version: Option<String>,
    /// Whether it can be updated.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub updateable: Option<bool>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
    /// `Oem` (HPE's extension typed).
    #[serde(default)]
    pub oem: Option<Oem<HpeSoftwareInventoryOem>>,
}

impl SoftwareInventory {
    /// Whether this entry is an image that is not the one running: a rollback copy (Dell lists one
    /// as `Previous-…` beside the `Installed-…` entry, iDRAC 9 7.10: `Previous-25227-6.00.30.00__iDRAC.Embedded.1-1`),
    /// a staged one (Dell's `Available-…`), or one the service marks `StandbyOffline` or
    /// `StandbySpare` (the DMTF states for an inactive image).
    ///
    /// ```
    /// use hermes_ilo::models::SoftwareInventory;
    /// let rollback = SoftwareInventory { id: "Previous-159-1.6.5__BIOS.Setup.1-1".into(), ..Default::default() };
    /// let running = SoftwareInventory { id: "Installed-159-1.13.2__BIOS.Setup.1-1".into(), ..Default::default() };
    /// assert!(rollback.is_standby() && !running.is_standby());
    /// ```
    pub fn is_standby(&self) -> bool {
        let dell_kind = self.id.split('-').next().unwrap_or("");
        let state = self.status.as_ref().and_then(|s| s.state.as_deref());
        matches!(dell_kind, "Previous" | "Available")
            || matches!(state, Some("StandbyOffline" | "StandbySpare"))
    }
}

/// The update service.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateService {
    /// The firmware inventory collection.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub firmware_inventory: Option<Link>,
    /// The software inventory collection.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub software_inventory: Option<Link>,
    /// Whether the service accepts updates.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub service_enabled: Option<bool>,
    /// `HttpPushUri` (where an image can be pushed instead of pulled).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub http_push_uri: Option<String>,
    /// `Actions` (`#UpdateService.SimpleUpdate`), keyed by the action's name.
    #[serde(default, deserialize_with = "lenient::actions")]
    pub actions: BTreeMap<String, RedfishAction>,
}

/// The session service.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SessionService {
    /// Whether sessions are enabled.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub service_enabled: Option<bool>,
    /// Idle timeout in minutes (iLO) or seconds (DMTF).
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub session_timeout: Option<u64>,
    /// The sessions collection.
    #[serde(default, deserialize_with = "lenient::opt_link")]
    pub sessions: Option<Link>,
}

/// A session (the reply to a login).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Session {
    /// `@odata.id` (where to DELETE on logout).
    #[serde(
        default,
        rename = "@odata.id",
        deserialize_with = "lenient::opt_string"
    )]
    pub odata_id: Option<String>,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// `UserName`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_name: Option<String>,
}

/// An IPv4 address of a NIC.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv4Address {
    /// The address.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address: Option<String>,
    /// The mask.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub subnet_mask: Option<String>,
    /// The gateway.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub gateway: Option<String>,
    /// `DHCP`, `Static`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address_origin: Option<String>,
}

/// A NIC (`EthernetInterfaces/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EthernetInterface {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `MACAddress`.
    #[serde(
        default,
        rename = "MACAddress",
        deserialize_with = "lenient::opt_string"
    )]
    pub mac_address: Option<String>,
    /// `PermanentMACAddress`.
    #[serde(
        default,
        rename = "PermanentMACAddress",
        deserialize_with = "lenient::opt_string"
    )]
    pub permanent_mac_address: Option<String>,
    /// `SpeedMbps`.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub speed_mbps: Option<u64>,
    /// `LinkStatus` (`LinkUp`, `NoLink`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub link_status: Option<String>,
    /// `HostName`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub host_name: Option<String>,
    /// `FQDN`.
    #[serde(default, rename = "FQDN", deserialize_with = "lenient::opt_string")]
    pub fqdn: Option<String>,
    /// `IPv4Addresses`.
    #[serde(default, rename = "IPv4Addresses", deserialize_with = "lenient::vec")]
    pub ipv4_addresses: Vec<Ipv4Address>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
}

/// A task (the body of a task monitor or `TaskService/Tasks/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Task {
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// `New`, `Running`, `Completed`, `Exception`, `Killed`, `Cancelled`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub task_state: Option<String>,
    /// `OK`, `Warning`, `Critical`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub task_status: Option<String>,
    /// Percent complete.
    #[serde(default, deserialize_with = "lenient::opt_u32")]
    pub percent_complete: Option<u32>,
    /// The task's messages (a list, or the one message object Huawei's iBMC sends).
    #[serde(default, deserialize_with = "lenient::one_or_many")]
    pub messages: Vec<crate::error::ExtendedInfo>,
}

impl Task {
    /// Whether the task ended (in any way).
    pub fn is_finished(&self) -> bool {
        matches!(
            self.task_state.as_deref(),
            Some("Completed" | "Exception" | "Killed" | "Cancelled" | "Interrupted")
        )
    }
    /// Whether it ended successfully.
    pub fn succeeded(&self) -> bool {
        self.task_state.as_deref() == Some("Completed")
            && !matches!(self.task_status.as_deref(), Some("Critical"))
    }
}

/// `Chassis.Links`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChassisLinks {
    /// The systems in this chassis.
    #[serde(default, deserialize_with = "lenient::links")]
    pub computer_systems: Vec<Link>,
    /// The managers of this chassis.
    #[serde(default, deserialize_with = "lenient::links")]
    pub managed_by: Vec<Link>,
}

/// A chassis (`/redfish/v1/Chassis/{id}`): the enclosure, with its own model and serial number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Chassis {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `RackMount`, `Blade`, `Enclosure`, `StandAlone`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub chassis_type: Option<String>,
    /// `Manufacturer`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manufacturer: Option<String>,
    /// `Model`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `SerialNumber`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub serial_number: Option<String>,
    /// `PartNumber`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub part_number: Option<String>,
    /// `SKU`.
    #[serde(default, rename = "SKU", deserialize_with = "lenient::opt_string")]
    pub sku: Option<String>,
    /// `AssetTag`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub asset_tag: Option<String>,
    /// `PowerState`.
    #[serde(default)]
    pub power_state: Option<PowerState>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
    /// `Links`.
    #[serde(default)]
    pub links: Option<ChassisLinks>,
}

/// A processor (`Systems/{id}/Processors/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Processor {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Socket`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub socket: Option<String>,
    /// `CPU`, `GPU`, `FPGA`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub processor_type: Option<String>,
    /// `Manufacturer`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manufacturer: Option<String>,
    /// `Model`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `MaxSpeedMHz`.
    #[serde(default, rename = "MaxSpeedMHz", deserialize_with = "lenient::opt_u32")]
    pub max_speed_mhz: Option<u32>,
    /// `TotalCores`.
    #[serde(default, deserialize_with = "lenient::opt_u32")]
    pub total_cores: Option<u32>,
    /// `TotalThreads`.
    #[serde(default, deserialize_with = "lenient::opt_u32")]
    pub total_threads: Option<u32>,
    /// `Status` (`Absent` for an empty socket).
    #[serde(default)]
    pub status: Option<Status>,
}

/// A storage controller as listed inline by `Storage.StorageControllers`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StorageControllerSummary {
    /// `MemberId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub member_id: Option<String>,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `Manufacturer`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manufacturer: Option<String>,
    /// `Model`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `FirmwareVersion`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub firmware_version: Option<String>,
}

/// A storage subsystem (`Systems/{id}/Storage/{id}`): its controllers and links to its drives.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Storage {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// The controllers listed inline.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub storage_controllers: Vec<StorageControllerSummary>,
    /// The drives.
    #[serde(default, deserialize_with = "lenient::links")]
    pub drives: Vec<Link>,
    /// The volumes collection (RAID sets and raw devices the controller presents).
    #[serde(
        default,
        deserialize_with = "lenient::opt_link",
        skip_serializing_if = "Option::is_none"
    )]
    pub volumes: Option<Link>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
}

/// `Volume.Links`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeLinks {
    /// The drives the volume is built on.
    #[serde(default, deserialize_with = "lenient::links")]
    pub drives: Vec<Link>,
}

/// A volume (`.../Storage/{id}/Volumes/{id}`): a RAID set or a raw device a storage controller
/// presents to the host. Read-only here.
///
/// ```
/// let v: hermes_ilo::models::Volume = serde_json::from_str(r#"{"Id": "1", "Name": "SR Volume 1",
///     "RAIDType": "RAID1", "CapacityBytes": 480070426624,
///     "Links": {"Drives": [{"@odata.id": "/d/0"}, {"@odata.id": "/d/1"}]}}"#).unwrap();
/// assert_eq!((v.raid(), v.capacity_bytes, v.links.drives.len()), (Some("RAID1"), Some(480070426624), 2));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Volume {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `RAIDType` (`RAID0`, `RAID1`, `RAID10`…; Volume v1.3+).
    #[serde(default, rename = "RAIDType", deserialize_with = "lenient::opt_string")]
    pub raid_type: Option<String>,
    /// `VolumeType` (`RawDevice`, `Mirrored`, `StripedWithParity`…; the older, deprecated property).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub volume_type: Option<String>,
    /// `CapacityBytes`.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub capacity_bytes: Option<u64>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
    /// `Links` (the drives).
    #[serde(default)]
    pub links: VolumeLinks,
    /// The RAID level a vendor keeps in its `Oem` extension, where the standard `RAIDType` is
    /// missing (Huawei iBMC and xFusion: `Oem.Huawei.VolumeRaidLevel` / `Oem.Public.…`; Lenovo
    /// and Fujitsu: `Oem.{vendor}.RaidLevel`): the first text value named `VolumeRaidLevel`,
    /// `RaidLevel`, `RAIDLevel` or `RAIDType` in any vendor's object under `Oem` (vendors in name
    /// order). Read only; not written back.
    #[serde(
        default,
        rename = "Oem",
        deserialize_with = "oem_raid_level",
        skip_serializing
    )]
    pub oem_raid_level: Option<String>,
}

/// The names a vendor's `Oem` block gives a volume's RAID level.
const OEM_RAID_LEVEL_NAMES: [&str; 4] = ["VolumeRaidLevel", "RaidLevel", "RAIDLevel", "RAIDType"];

/// `Volume.Oem` → the RAID level one of its vendor objects names (see [`Volume::oem_raid_level`]);
/// any other shape (not an object, no such member, not text) is `None`, never an error.
fn oem_raid_level<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let oem = serde_json::Value::deserialize(d)?;
    let Some(vendors) = oem.as_object() else {
        return Ok(None);
    };
    Ok(vendors
        .values()
        .filter_map(serde_json::Value::as_object)
        .flat_map(|v| OEM_RAID_LEVEL_NAMES.iter().filter_map(|n| v.get(*n)))
        .filter_map(serde_json::Value::as_str)
        .map(str::trim)
        .find(|level| !level.is_empty())
        .map(String::from))
}

impl Volume {
    /// The RAID level: the standard `RAIDType`, else the level a vendor's `Oem` block names
    /// ([`Volume::oem_raid_level`]: more precise than the category the deprecated `VolumeType`
    /// gives, `NonRedundant` for a RAID 0 on iBMC), else `VolumeType`.
    ///
    /// ```
    /// let v: hermes_ilo::models::Volume = serde_json::from_str(r#"{"Id": "LogicalDrive0",
    ///     "VolumeType": "NonRedundant", "Oem": {"Huawei": {"VolumeRaidLevel": "RAID0"}}}"#).unwrap();
    /// assert_eq!(v.raid(), Some("RAID0"));
    /// ```
    pub fn raid(&self) -> Option<&str> {
        self.raid_type
            .as_deref()
            .or(self.oem_raid_level.as_deref())
            .or(self.volume_type.as_deref())
    }
}

/// A drive (`.../Storage/{id}/Drives/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Drive {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `Manufacturer`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manufacturer: Option<String>,
    /// `Model`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `SerialNumber`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub serial_number: Option<String>,
    /// `CapacityBytes`.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub capacity_bytes: Option<u64>,
    /// `HDD` or `SSD`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub media_type: Option<String>,
    /// `SAS`, `SATA`, `NVMe`...
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub protocol: Option<String>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
}

/// A device of a [`SimpleStorage`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimpleStorageDevice {
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `Manufacturer`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub manufacturer: Option<String>,
    /// `Model`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub model: Option<String>,
    /// `CapacityBytes`.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub capacity_bytes: Option<u64>,
    /// `Status`.
    #[serde(default)]
    pub status: Option<Status>,
}

/// A Redfish 1.0 simple storage controller with its devices inline (`Systems/{id}/SimpleStorage/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimpleStorage {
    /// `@odata.id`.
    #[serde(default, rename = "@odata.id")]
    pub odata_id: String,
    /// `Id`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    /// `Name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// The devices.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub devices: Vec<SimpleStorageDevice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(json: &str) -> Result<ComputerSystem> {
        parse("bmc", "/redfish/v1/Systems/1", json.as_bytes())
    }

    fn volume(json: &str) -> Volume {
        parse(
            "bmc",
            "/redfish/v1/Systems/1/Storage/1/Volumes/1",
            json.as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn a_raid_level_kept_in_a_vendor_oem_block_is_read() {
        // iBMC (Volume v1.0.1): the category in VolumeType, the level in Oem.Huawei.
        let v = volume(
            r#"{"Id": "LogicalDrive3", "VolumeType": "Mirrored",
            "Oem": {"Huawei": {"VolumeName": "data", "VolumeRaidLevel": "RAID10", "SpanNumber": 2}}}"#,
        );
        assert_eq!(v.oem_raid_level.as_deref(), Some("RAID10"));
        assert_eq!(v.raid(), Some("RAID10"));
        // xFusion / newer iBMC spell the vendor Public; Lenovo and Fujitsu name it RaidLevel.
        for (oem, want) in [
            (r#"{"Public": {"VolumeRaidLevel": "RAID6"}}"#, Some("RAID6")),
            (
                r#"{"Lenovo": {"RaidLevel": "RAID5", "Name": "vd"}}"#,
                Some("RAID5"),
            ),
            (r#"{"ts_fujitsu": {"RaidLevel": "RAID1"}}"#, Some("RAID1")),
            (r#"{"Acme": {"RAIDLevel": " RAID50 "}}"#, Some("RAID50")),
            // Nothing usable: not an object, no such member, not text, empty.
            (r#""RAID1""#, None),
            (r#"{"Huawei": {"VolumeName": "x"}}"#, None),
            (r#"{"Huawei": {"VolumeRaidLevel": 1}}"#, None),
            (r#"{"Huawei": {"VolumeRaidLevel": ""}, "Dell": null}"#, None),
            ("null", None),
        ] {
            let v = volume(&format!(r#"{{"Id": "1", "Oem": {oem}}}"#));
            assert_eq!(v.oem_raid_level.as_deref(), want, "{oem}");
            assert_eq!(v.raid(), want, "{oem}");
        }
        // The standard RAIDType wins; VolumeType is the last resort.
        let v = volume(
            r#"{"Id": "1", "RAIDType": "RAID1", "VolumeType": "Mirrored",
            "Oem": {"Huawei": {"VolumeRaidLevel": "RAID0"}}}"#,
        );
        assert_eq!(v.raid(), Some("RAID1"));
        assert_eq!(
            volume(r#"{"Id": "1", "VolumeType": "NonRedundant"}"#).raid(),
            Some("NonRedundant")
        );
        // Not written back: the Oem block is only read.
        let text = serde_json::to_string(&volume(
            r#"{"Id": "1", "Oem": {"Huawei": {"VolumeRaidLevel": "RAID0"}}}"#,
        ))
        .unwrap();
        assert!(!text.contains("Oem") && !text.contains("RAID0"), "{text}");
    }

    #[test]
    fn numbers_sent_as_strings_and_null_arrays_are_read() {
        let s = sys(r#"{"Id": "1",
            "ProcessorSummary": {"Count": "2", "LogicalProcessorCount": null},
            "MemorySummary": {"TotalSystemMemoryGiB": "384"},
            "Boot": {"BootOrder": null, "BootSourceOverrideTarget@Redfish.AllowableValues": null},
            "Links": {"ManagedBy": null, "Chassis": [{"@odata.id": "/redfish/v1/Chassis/1"}, {}]}}"#)
        .unwrap();
        assert_eq!(s.processor_summary.as_ref().unwrap().count, Some(2));
        assert_eq!(
            s.processor_summary
                .as_ref()
                .unwrap()
                .logical_processor_count,
            None
        );
        assert_eq!(s.memory_summary.unwrap().total_gib, Some(384.0));
        let boot = s.boot.unwrap();
        assert!(boot.boot_order.is_empty() && boot.targets().is_empty());
        assert!(s.links.managed_by.is_empty());
        assert_eq!(s.links.chassis.len(), 1);
        let nic: EthernetInterface = parse(
            "bmc",
            "/n",
            br#"{"Id": "1", "SpeedMbps": "10000", "IPv4Addresses": null}"#,
        )
        .unwrap();
        assert_eq!(nic.speed_mbps, Some(10000));
    }

    #[test]
    fn text_sent_as_numbers_and_power_states_in_any_case() {
        let s = sys(
            r#"{"Id": 1, "SerialNumber": 1234567, "Model": "R", "PowerState": "on",
                        "BiosVersion": 2.1, "SKU": null}"#,
        )
        .unwrap();
        assert_eq!(s.id, "1");
        assert_eq!(s.serial_number.as_deref(), Some("1234567"));
        assert_eq!(s.bios_version.as_deref(), Some("2.1"));
        assert_eq!(s.sku, None);
        assert_eq!(s.power_state, Some(PowerState::On));
        assert!(sys(r#"{"Model": {"x": 1}}"#).is_err());
        assert!(sys(r#"{"Id": ["1"]}"#).is_err());
    }

    #[test]
    fn wrong_types_stay_malformed_errors() {
        for bad in [
            r#"{"PowerState": 5}"#,
            r#"{"ProcessorSummary": {"Count": "two"}}"#,
            r#"{"ProcessorSummary": {"Count": -1}}"#,
            r#"{"Boot": {"BootOrder": "Boot0001"}}"#,
            r#"{"Bios": 7}"#,
            r#"{"Links": {"ManagedBy": {"@odata.id": "/m"}}}"#,
        ] {
            let err = sys(bad).unwrap_err();
            assert!(
                matches!(err, IloError::Malformed { .. }) && err.to_string().contains("/Systems/1"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn bios_and_secure_boot_links_fall_back_to_hpe_oem_links() {
        // iLO 5 style OEM links, `Bios` a version object: the OEM link is used.
        let s: ComputerSystem = parse(
            "bmc",
            "/s",
            br#"{"Bios": {"Current": {"VersionString": "U30"}},
                 "Oem": {"Hpe": {"Links": {"Bios": {"@odata.id": "/redfish/v1/systems/1/bios/"},
                                           "SecureBoot": {"@odata.id": "/redfish/v1/Systems/1/SecureBoot"}}}}}"#,
        )
        .unwrap();
        assert_eq!(s.bios_link().unwrap().path(), "/redfish/v1/systems/1/bios/");
        assert_eq!(
            s.secure_boot_link().unwrap().path(),
            "/redfish/v1/Systems/1/SecureBoot"
        );
        // The standard link wins; an `Oem.Hp` of another shape is ignored, not an error.
        let s: ComputerSystem = parse(
            "bmc",
            "/s",
            br#"{"Bios": {"@odata.id": "/redfish/v1/Systems/1/Bios"},
                 "Oem": {"Hp": {"PostState": 7, "links": {"BIOS": {"href": "/rest/v1/systems/1/bios"}}}}}"#,
        )
        .unwrap();
        assert_eq!(s.bios_link().unwrap().path(), "/redfish/v1/Systems/1/Bios");
        assert!(s.oem.unwrap().hp.is_some_and(|h| h.links.bios.is_some()));
        let s: ComputerSystem = parse("bmc", "/s", br#"{"Oem": {"Hp": {"links": 5}}}"#).unwrap();
        assert_eq!(s.bios_link(), None);
    }

    #[test]
    fn ilo4_bios_attributes_are_its_own_members() {
        let b: Bios = parse(
            "bmc",
            "/rest/v1/systems/1/bios",
            br#"{"Type": "HpBios.1.2.0", "Name": "BIOS Current Settings", "BootMode": "Uefi",
                 "AdminPassword": null, "VlanId": 0, "@odata.type": "x",
                 "links": {"Settings": {"href": "/rest/v1/systems/1/bios/Settings"}}}"#,
        )
        .unwrap();
        assert!(b.is_flat());
        let attrs = b.all_attributes();
        assert_eq!(
            attrs.keys().collect::<Vec<_>>(),
            ["AdminPassword", "BootMode", "VlanId"]
        );
        assert_eq!(b.settings_path(), Some("/rest/v1/systems/1/bios/Settings"));
        // A Redfish BIOS resource: `Attributes` and `@Redfish.Settings`, not flat.
        let b: Bios = parse(
            "bmc",
            "/b",
            br#"{"Attributes": {"BootMode": "Uefi"}, "Name": "BIOS",
                 "@Redfish.Settings": {"SettingsObject": {"@odata.id": "/b/Settings"}}}"#,
        )
        .unwrap();
        assert!(!b.is_flat());
        assert_eq!(b.all_attributes().len(), 1);
        assert_eq!(b.settings_path(), Some("/b/Settings"));
    }

    #[test]
    fn links_may_be_empty_objects_or_bare_paths() {
        let s = sys(
            r#"{"Bios": {}, "SecureBoot": "/redfish/v1/Systems/1/SecureBoot",
                        "EthernetInterfaces": {"@odata.id": ""}}"#,
        )
        .unwrap();
        assert_eq!(s.bios, None);
        assert_eq!(
            s.secure_boot.unwrap().path(),
            "/redfish/v1/Systems/1/SecureBoot"
        );
        assert_eq!(s.ethernet_interfaces, None);
    }

    #[test]
    fn expand_query_may_be_a_boolean() {
        let root: ServiceRoot = parse(
            "bmc",
            "/redfish/v1/",
            br#"{"ProtocolFeaturesSupported": {"ExpandQuery": false}}"#,
        )
        .unwrap();
        assert_eq!(root.protocol_features_supported.unwrap().expand_query, None);
    }

    #[test]
    fn oem_containers_in_actions_are_not_actions() {
        let sb: SecureBoot = parse(
            "bmc",
            "/sb",
            br##"{"Actions": {"#SecureBoot.ResetKeys": {"target": "/sb/Actions/SecureBoot.ResetKeys",
                 "ResetKeysType@Redfish.AllowableValues": ["DeletePK"]}, "Oem": {}}}"##,
        )
        .unwrap();
        assert_eq!(sb.actions.len(), 1);
        assert_eq!(
            sb.actions["#SecureBoot.ResetKeys"].allowable("ResetKeysType"),
            ["DeletePK"]
        );
        let bad = parse::<SecureBoot>("bmc", "/sb", br##"{"Actions": {"#X.Y": {"target": 5}}}"##);
        assert!(bad.unwrap_err().to_string().contains("action #X.Y"));
    }

    #[test]
    fn boot_targets_come_from_allowable_values_or_the_older_supported_list() {
        let b: Boot = serde_json::from_str(
            r#"{"BootSourceOverrideTarget@Redfish.AllowableValues": ["None", "Cd"],
                "BootSourceOverrideSupported": ["None", "Pxe"],
                "BootSourceOverrideEnabled@Redfish.AllowableValues": ["Once", "Disabled"]}"#,
        )
        .unwrap();
        assert_eq!(b.targets(), ["None", "Cd"]);
        assert_eq!(b.allowed_enabled, ["Once", "Disabled"]);
        let b: Boot =
            serde_json::from_str(r#"{"BootSourceOverrideSupported": ["None", "Pxe"]}"#).unwrap();
        assert_eq!(b.targets(), ["None", "Pxe"]);
        assert_eq!(b.cd_target(), None);
        assert_eq!(Boot::default().cd_target().as_deref(), Some("Cd"));
    }

    #[test]
    fn action_info_lists_parameters_and_allowable_values() {
        let info: ActionInfo = serde_json::from_str(
            r#"{"@odata.id": "/redfish/v1/Systems/1/ResetActionInfo",
                "Parameters": [{"Name": "ResetType", "Required": true, "DataType": "String",
                                "AllowableValues": ["On", "ForceOff", "ForceRestart"]}]}"#,
        )
        .unwrap();
        let p = info.parameter("ResetType").unwrap();
        assert_eq!(p.required, Some(true));
        assert_eq!(p.allowable_values, ["On", "ForceOff", "ForceRestart"]);
        assert!(info.parameter("Image").is_none());
        let a: ActionTarget = serde_json::from_str(
            r#"{"target": "/t", "@Redfish.ActionInfo": "/redfish/v1/Systems/1/ResetActionInfo"}"#,
        )
        .unwrap();
        assert!(a.allowable("ResetType").is_empty());
        assert_eq!(
            a.action_info.as_deref(),
            Some("/redfish/v1/Systems/1/ResetActionInfo")
        );
    }

    /// ActionInfo shapes of NVIDIA's BMCs (libredfish's Mockup Creator captures, MIT: the AMI DGX H100
    /// `Managers/BMC/Oem/NVidiaSetLogLevelActionInfo`, the OpenBMC GH200
    /// `UpdateService/Oem/Nvidia/CommitImageActionInfo` and GB200 `NSMRawCommandActionInfo`): a
    /// parameter without `Name`, `"Required": "false"` as text, numeric allowable values.
    #[test]
    fn action_info_parameters_as_nvidia_bmcs_send_them() {
        let ami: ActionInfo = parse(
            "dgx",
            "/redfish/v1/Managers/BMC/Oem/NVidiaSetLogLevelActionInfo",
            br#"{"Id": "SetLogLevel", "Name": "SetLogLevel", "Parameters": [
                {"ComponentLogLevel": "Number", "ComponentName": "String", "LogToConsole": "Boolean"}]}"#,
        )
        .unwrap();
        assert_eq!(ami.parameters.len(), 1);
        assert_eq!(ami.parameters[0].name, "");
        assert!(ami.parameter("ComponentName").is_none());
        let gh200: ActionInfo = parse(
            "gh200",
            "/redfish/v1/UpdateService/Oem/Nvidia/CommitImageActionInfo",
            br#"{"Parameters": [{"AllowableValues": [], "DataType": "StringArray",
                 "Name": "Targets", "Required": "false"}]}"#,
        )
        .unwrap();
        assert_eq!(gh200.parameter("Targets").unwrap().required, Some(false));
        let gb200: ActionInfo = parse(
            "gb200",
            "/redfish/v1/Managers/BMC_0/Oem/Nvidia/NSMRawCommandActionInfo",
            br#"{"Parameters": [{"AllowableValues": [0, 1, 2, 3, 4], "DataType": "Number",
                 "Name": "DeviceIdentificationId", "Required": true},
                {"DataType": "Number", "MaximumValue": 255, "MinimumValue": 0,
                 "Name": "DataSizeBytes", "Required": true}]}"#,
        )
        .unwrap();
        assert_eq!(
            gb200
                .parameter("DeviceIdentificationId")
                .unwrap()
                .allowable_values,
            ["0", "1", "2", "3", "4"]
        );
        // Other shapes stay errors that name the resource.
        for bad in [
            r#"{"Parameters": [{"Name": "X", "Required": "maybe"}]}"#,
            r#"{"Parameters": [{"Name": "X", "AllowableValues": [{"a": 1}]}]}"#,
            r#"{"Parameters": [{"Name": "X", "AllowableValues": "On"}]}"#,
        ] {
            let err = parse::<ActionInfo>(
                "bmc",
                "/redfish/v1/Systems/1/ResetActionInfo",
                bad.as_bytes(),
            )
            .unwrap_err();
            assert!(
                matches!(err, IloError::Malformed { .. })
                    && err.to_string().contains("ResetActionInfo"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn flags_sent_as_text_are_read() {
        let vm: VirtualMedia = parse(
            "bmc",
            "/vm",
            br#"{"Id": "CD", "Inserted": "True", "WriteProtected": "false", "MediaTypes": ["CD"]}"#,
        )
        .unwrap();
        assert_eq!((vm.inserted, vm.write_protected), (Some(true), Some(false)));
        let sb: SecureBoot = parse("bmc", "/sb", br#"{"SecureBootEnable": null}"#).unwrap();
        assert_eq!(sb.secure_boot_enable, None);
        assert!(parse::<VirtualMedia>("bmc", "/vm", br#"{"Inserted": 1}"#).is_err());
    }

    #[test]
    fn collection_members_may_carry_odata_annotations() {
        let c: Collection = serde_json::from_str(
            r##"{"Members": [{"@odata.id": "/a/1", "@odata.type": "#X.X"}], "Members@odata.count": "1",
                "Members@odata.nextLink": "/a?$skip=1"}"##,
        )
        .unwrap();
        assert_eq!(c.count, Some(1));
        assert_eq!(c.next_link.as_deref(), Some("/a?$skip=1"));
    }
}
