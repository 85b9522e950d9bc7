//! Firmware updates through the Redfish `UpdateService`: the `#UpdateService.SimpleUpdate` action (the
//! BMC pulls the image from `ImageURI` over `TransferProtocol`), followed to completion when the
//! service answers with a task monitor (202 + `Location`).
//!
//! The action is found from the service root (`UpdateService` → `Actions`), the transfer protocol is
//! checked against `TransferProtocol@Redfish.AllowableValues` before anything is sent (and derived from
//! the URI's scheme when not given), and the request is sent once: an update that may have reached the
//! BMC is never re-sent.
//!
//! ```no_run
//! # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
//! use hermes_ilo::firmware::SimpleUpdate;
//! let outcome = bmc
//!     .simple_update(
//!         &SimpleUpdate::new("http://10.0.0.5:8089/ilo5_278.fwpkg")
//!             .target("/redfish/v1/Managers/1"),
//!     )
//!     .await?;
//! println!("{outcome}");
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use hermes_core::Secret;
use serde_json::{json, Value};

use crate::client::Client;
use crate::error::{IloError, Result};
use crate::models::{Task, UpdateService};

const SIMPLE_UPDATE: &str = "#UpdateService.SimpleUpdate";

/// The parameters of `#UpdateService.SimpleUpdate`.
#[derive(Debug, Clone)]
pub struct SimpleUpdate {
    image_uri: String,
    transfer_protocol: Option<String>,
    targets: Vec<String>,
    username: Option<String>,
    password: Option<Secret>,
    timeout: Duration,
}

impl SimpleUpdate {
    /// An update from `image_uri` (the BMC downloads it). Default task timeout: 30 min.
    pub fn new(image_uri: impl Into<String>) -> Self {
        SimpleUpdate {
            image_uri: image_uri.into(),
            transfer_protocol: None,
            targets: Vec::new(),
            username: None,
            password: None,
            timeout: Duration::from_secs(1800),
        }
    }
    /// `TransferProtocol` (`HTTP`, `HTTPS`, ...); default: the URI's scheme in upper case.
    pub fn transfer_protocol(mut self, p: impl Into<String>) -> Self {
        self.transfer_protocol = Some(p.into());
        self
    }
    /// Adds a resource to update (`Targets`: a system, a manager, a firmware inventory entry).
    pub fn target(mut self, path: impl Into<String>) -> Self {
        self.targets.push(path.into());
        self
    }
    /// Credentials the BMC uses to download the image (`Username`/`Password`; never logged).
    pub fn image_credentials(mut self, user: impl Into<String>, password: Secret) -> Self {
        self.username = Some(user.into());
        self.password = Some(password);
        self
    }
    /// How long to follow the task (default 30 min).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    fn protocol(&self) -> Option<String> {
        self.transfer_protocol.clone().or_else(|| {
            url::Url::parse(&self.image_uri)
                .ok()
                .map(|u| u.scheme().to_ascii_uppercase())
        })
    }

    /// The action's JSON body (the password included: send it, never print it).
    pub fn body(&self) -> Value {
        let mut body = json!({ "ImageURI": self.image_uri });
        if let Some(p) = self.protocol() {
            body["TransferProtocol"] = json!(p);
        }
        if !self.targets.is_empty() {
            body["Targets"] = json!(self.targets);
        }
        if let (Some(u), Some(p)) = (&self.username, &self.password) {
            body["Username"] = json!(u);
            body["Password"] = json!(p.expose());
        }
        body
    }
}

/// How an update ended.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateOutcome {
    /// The HTTP status of the last reply (the action's, or the task monitor's last one).
    pub status: u16,
    /// The task, when the service ran one (its final state and messages).
    pub task: Option<Task>,
    /// The task monitor or task URI the service gave (`Location`), if any.
    pub monitor: Option<String>,
}

impl fmt::Display for UpdateOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.task {
            Some(t) => write!(
                f,
                "update task {} ended {} ({})",
                t.id.as_deref().unwrap_or("?"),
                t.task_state.as_deref().unwrap_or("?"),
                t.task_status.as_deref().unwrap_or("no status")
            ),
            None => write!(f, "update accepted (HTTP {})", self.status),
        }
    }
}

impl Client {
    /// The update service, or [`IloError::Unsupported`] when the service root links none.
    pub async fn update_service(&self) -> Result<(String, UpdateService)> {
        let root = self.service_root().await?;
        let path = self.require_link(root.update_service.as_ref(), "UpdateService")?;
        let svc = self.get(&path).await?;
        Ok((path, svc))
    }

    /// Runs `#UpdateService.SimpleUpdate` and, when the BMC answers 202 with a task monitor, follows
    /// it until the task ends (a task ending in `Exception`/`Killed` is [`IloError::Failed`]) or the
    /// update's timeout passes ([`IloError::Timeout`]).
    pub async fn simple_update(&self, update: &SimpleUpdate) -> Result<UpdateOutcome> {
        let (path, svc) = self.update_service().await?;
        if svc.service_enabled == Some(false) {
            return Err(IloError::Unsupported {
                target: self.target().to_string(),
                message: format!("{path} is disabled (ServiceEnabled: false)"),
            });
        }
        let action = svc
            .actions
            .get(SIMPLE_UPDATE)
            .ok_or_else(|| IloError::Unsupported {
                target: self.target().to_string(),
                message: format!(
                    "{path} offers no {SIMPLE_UPDATE} action{}",
                    match &svc.http_push_uri {
                        // NVIDIA's OpenBMC (GB200): only OEM actions and a push URI.
                        Some(push) => format!(
                            ": it takes images pushed to {push}, which Hermes does not do; \
                             push the image with the BMC's own tools"
                        ),
                        None => String::new(),
                    }
                ),
            })?;
        let allowed = self
            .allowable_from(
                action.allowable("TransferProtocol"),
                action.action_info(),
                "TransferProtocol",
            )
            .await?;
        match update.protocol() {
            Some(p) if !allowed.is_empty() && !allowed.iter().any(|a| a.eq_ignore_ascii_case(&p)) => {
                return Err(IloError::invalid(
                    self.target(),
                    format!(
                        "{path} does not allow TransferProtocol {p} for {}; allowed: {}",
                        update.image_uri,
                        allowed.join(", ")
                    ),
                ))
            }
            None => {
                return Err(IloError::invalid(
                    self.target(),
                    format!(
                        "the image URI {:?} has no scheme: give a full URL (http://HOST/FILE) or set the transfer protocol",
                        update.image_uri
                    ),
                ))
            }
            _ => {}
        }
        tracing::info!(bmc = %self.target(), image = %update.image_uri, targets = ?update.targets, "SimpleUpdate");
        let resp = self
            .send(&crate::request::RedfishRequest::post(
                action.target.clone(),
                update.body(),
            ))
            .await?;
        let monitor = resp.location();
        let last = self.follow_task(resp, update.timeout).await?;
        let task = if last.body.is_empty() {
            None
        } else {
            crate::models::parse::<Task>(self.target(), &action.target, &last.body)
                .ok()
                .filter(|t| t.task_state.is_some())
        };
        Ok(UpdateOutcome {
            status: last.status,
            task,
            monitor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_derives_the_protocol_and_keeps_targets_and_credentials() {
        let u = SimpleUpdate::new("https://10.0.0.5/fw.bin")
            .target("/redfish/v1/Systems/1")
            .image_credentials("fw", Secret::new("pw"));
        let b = u.body();
        assert_eq!(b["TransferProtocol"], "HTTPS");
        assert_eq!(b["Targets"][0], "/redfish/v1/Systems/1");
        assert_eq!(b["Password"], "pw");
        assert!(!format!("{u:?}").contains("\"pw\""), "{u:?}");
        let plain = SimpleUpdate::new("fw.bin").body();
        assert!(plain.get("TransferProtocol").is_none());
    }
}
