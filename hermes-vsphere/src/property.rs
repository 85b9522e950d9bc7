//! Bulk reads through the PropertyCollector: `RetrievePropertiesEx` with its continuation
//! (`ContinueRetrievePropertiesEx`), over explicit objects or a container view of the inventory.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> Result<(), hermes_vsphere::VsphereError> {
//! // Every VM's name and power state, in pages of 500, in one logical call.
//! let vms = client.retrieve_view("VirtualMachine", &["name", "runtime.powerState"]).await?;
//! for vm in &vms {
//!     println!("{} {:?}", vm.obj, vm.text("runtime.powerState"));
//! }
//! # Ok(()) }
//! ```

use crate::client::Client;
use crate::error::{FaultKind, Result, VsphereError};
use crate::model::{FromNode, MoRef, ObjectContent};
use crate::xml::{Node, XmlWriter};

/// Where a property read starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectSet {
    /// These objects themselves.
    Objects(Vec<MoRef>),
    /// The objects a `ContainerView` shows (the view itself is skipped).
    View(MoRef),
}

/// What to read: which properties of which type, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterSpec {
    /// The managed object type (`VirtualMachine`).
    pub kind: String,
    /// Property paths (`name`, `summary.runtime.powerState`); empty means none (only the references).
    pub paths: Vec<String>,
    /// Where to start.
    pub objects: ObjectSet,
}

impl FilterSpec {
    /// Writes the `PropertyFilterSpec` body (`propSet`, then `objectSet`, in schema order).
    pub fn write(&self, w: &mut XmlWriter) {
        w.elem("propSet", "", |w| {
            w.text("type", &self.kind);
            if self.paths.is_empty() {
                w.text("all", "false");
            }
            for p in &self.paths {
                w.text("pathSet", p);
            }
        });
        match &self.objects {
            ObjectSet::Objects(objs) => {
                for o in objs {
                    w.elem("objectSet", "", |w| {
                        w.moref("obj", o).text("skip", "false");
                    });
                }
            }
            ObjectSet::View(view) => {
                w.elem("objectSet", "", |w| {
                    w.moref("obj", view).text("skip", "true");
                    w.elem("selectSet", "TraversalSpec", |w| {
                        w.text("name", "traverseView")
                            .text("type", "ContainerView")
                            .text("path", "view")
                            .text("skip", "false");
                    });
                });
            }
        }
    }
}

/// Decodes a `RetrieveResult`: its objects and continuation token.
pub fn decode_result(node: &Node) -> Result<(Vec<ObjectContent>, Option<String>), String> {
    let objects = node
        .children_named("objects")
        .map(ObjectContent::from_node)
        .collect::<Result<Vec<_>, _>>()?;
    let token = node
        .child_text("token")
        .map(str::to_string)
        .filter(|t| !t.is_empty());
    Ok((objects, token))
}

/// Page size for `RetrievePropertiesEx`.
pub const PAGE: usize = 500;

impl Client {
    /// Reads properties with `RetrievePropertiesEx`, following continuation tokens until the end.
    pub async fn retrieve(&self, spec: &FilterSpec) -> Result<Vec<ObjectContent>> {
        self.retrieve_paged(spec, PAGE).await
    }

    /// [`Client::retrieve`] asking the server for pages of at most `page` objects.
    ///
    /// Each page after the first is asked for with `ContinueRetrievePropertiesEx` and the token of
    /// the page before. If a page fails (a fault, a reply that does not decode or lacks its
    /// `returnval`), the rest is released with `CancelRetrievePropertiesEx` and the error returned.
    /// If the session expires between pages (`NotAuthenticated`), the client logs in again and
    /// reads from the first page: a token does not outlive its session.
    ///
    /// A server may answer a read from an expired session with a normal reply whose `missingSet` says
    /// `NotAuthenticated` (vcsim does) instead of a fault: that too triggers one re-login and a retry.
    /// vCenter also answers `NotAuthenticated` (with the privilege needed) for a property the user may
    /// not read; when a fresh session still gets it, the error is [`FaultKind::NoPermission`] naming
    /// the property, not a session problem.
    pub async fn retrieve_paged(
        &self,
        spec: &FilterSpec,
        page: usize,
    ) -> Result<Vec<ObjectContent>> {
        match self.retrieve_once(spec, page, false).await {
            Err(e) if e.fault() == Some(&FaultKind::NotAuthenticated) && self.has_credentials() => {
                self.login().await?;
                self.retrieve_once(spec, page, true).await
            }
            other => other,
        }
    }

    /// One read; a property refused in `missingSet` is an error (`fresh`: the session was just
    /// opened, so a `NotAuthenticated` there is a missing privilege).
    async fn retrieve_once(
        &self,
        spec: &FilterSpec,
        page: usize,
        fresh: bool,
    ) -> Result<Vec<ObjectContent>> {
        let all = self.retrieve_pages(spec, page).await?;
        if let Some((obj, path, fault)) = all.iter().find_map(|o| {
            o.missing
                .iter()
                .find(|(_, f)| f == "NotAuthenticated" || f == "NoPermission")
                .map(|(p, f)| (&o.obj, p, f))
        }) {
            let (fault, message) = if fresh && fault == "NotAuthenticated" {
                (
                    FaultKind::NoPermission,
                    format!(
                        "property {path:?} of {obj} could not be read: the server answers \
                         NotAuthenticated even on a fresh session, which is how vCenter reports a \
                         missing read privilege; grant the user that privilege or do not read the \
                         property"
                    ),
                )
            } else {
                (
                    FaultKind::from_type_name(fault),
                    format!("property {path:?} of {obj} could not be read: {fault}"),
                )
            };
            return Err(VsphereError::Fault {
                target: self.target().to_string(),
                method: "RetrievePropertiesEx".into(),
                fault,
                object: Some(Box::new(obj.clone())),
                message,
            });
        }
        Ok(all)
    }

    async fn retrieve_pages(&self, spec: &FilterSpec, page: usize) -> Result<Vec<ObjectContent>> {
        let pc = self.content().property_collector.clone();
        let reply = self
            .call("RetrievePropertiesEx", &pc, |w| {
                w.elem("specSet", "", |w| spec.write(w));
                w.elem("options", "", |w| {
                    w.text("maxObjects", page.max(1));
                });
            })
            .await?;
        let Some(ret) = reply.child("returnval") else {
            return Ok(Vec::new());
        };
        let (mut all, mut token) =
            decode_result(ret).map_err(|e| self.malformed("RetrievePropertiesEx", e))?;
        while let Some(t) = token.take() {
            match self.continue_retrieve(&pc, &t).await {
                Ok((more, next)) => {
                    all.extend(more);
                    token = next;
                }
                Err(e) => {
                    // The rest of the result is abandoned: free it on the server rather than leave
                    // it held until the session ends (an ended session has freed it already).
                    if e.fault() != Some(&FaultKind::NotAuthenticated) {
                        self.cancel_retrieve(&pc, &t).await;
                    }
                    return Err(e);
                }
            }
        }
        Ok(all)
    }

    /// One `ContinueRetrievePropertiesEx` page: its objects and the next token. Its `returnval`
    /// is required (a `RetrieveResult`); a reply without one would silently cut the result short.
    async fn continue_retrieve(
        &self,
        pc: &MoRef,
        token: &str,
    ) -> Result<(Vec<ObjectContent>, Option<String>)> {
        const METHOD: &str = "ContinueRetrievePropertiesEx";
        // Not `call`: a token belongs to its session, so after an expiry the page is not resent
        // on a new session (where the token means nothing); `retrieve_paged` starts over instead.
        let req = crate::soap::encode(METHOD, pc, |w| {
            w.text("token", token);
        });
        let reply = self.call_raw(req, None).await?;
        let ret = reply.child("returnval").ok_or_else(|| {
            self.malformed(
                METHOD,
                format!("no returnval for token {token:?}: the rest of the result is missing"),
            )
        })?;
        decode_result(ret).map_err(|e| self.malformed(METHOD, e))
    }

    /// Frees the rest of a paged result (`CancelRetrievePropertiesEx`), best effort: a failure
    /// only leaves it to the end of the session.
    async fn cancel_retrieve(&self, pc: &MoRef, token: &str) {
        let req = crate::soap::encode("CancelRetrievePropertiesEx", pc, |w| {
            w.text("token", token);
        });
        if let Err(e) = self.call_raw(req, None).await {
            tracing::debug!(error = %e, token, "CancelRetrievePropertiesEx failed");
        }
    }

    /// Reads `paths` of the given objects (all of type `kind`).
    pub async fn retrieve_objects(
        &self,
        kind: &str,
        objects: &[MoRef],
        paths: &[&str],
    ) -> Result<Vec<ObjectContent>> {
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        self.retrieve(&FilterSpec {
            kind: kind.to_string(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
            objects: ObjectSet::Objects(objects.to_vec()),
        })
        .await
    }

    /// Reads `paths` of one object.
    pub async fn retrieve_one(&self, obj: &MoRef, paths: &[&str]) -> Result<ObjectContent> {
        let mut all = self
            .retrieve_objects(&obj.kind, std::slice::from_ref(obj), paths)
            .await?;
        all.pop().ok_or_else(|| VsphereError::NotFound {
            target: self.target().to_string(),
            what: format!("{obj}"),
        })
    }

    /// Reads `paths` of every object of type `kind` under the root folder, through a container view
    /// (created and destroyed here).
    pub async fn retrieve_view(&self, kind: &str, paths: &[&str]) -> Result<Vec<ObjectContent>> {
        let root = self.content().root_folder.clone();
        self.retrieve_view_under(&root, kind, paths).await
    }

    /// Like [`Client::retrieve_view`], under `container` (a folder, datacenter, cluster...).
    pub async fn retrieve_view_under(
        &self,
        container: &MoRef,
        kind: &str,
        paths: &[&str],
    ) -> Result<Vec<ObjectContent>> {
        let vm = self.content().view_manager.clone();
        let view = self
            .call_moref("CreateContainerView", &vm, |w| {
                w.moref("container", container)
                    .text("type", kind)
                    .text("recursive", "true");
            })
            .await?;
        let result = self
            .retrieve(&FilterSpec {
                kind: kind.to_string(),
                paths: paths.iter().map(|p| p.to_string()).collect(),
                objects: ObjectSet::View(view.clone()),
            })
            .await;
        // Destroy the view whatever happened; a failure here only leaks a view until logout.
        if let Err(e) = self.call("DestroyView", &view, |_| {}).await {
            tracing::debug!(error = %e, "DestroyView failed");
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_spec_is_written_in_schema_order() {
        let spec = FilterSpec {
            kind: "VirtualMachine".into(),
            paths: vec!["name".into()],
            objects: ObjectSet::View(MoRef::new("ContainerView", "session[1]1")),
        };
        let mut w = XmlWriter::new();
        spec.write(&mut w);
        assert_eq!(
            w.finish(),
            concat!(
                "<propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet>",
                "<objectSet><obj type=\"ContainerView\">session[1]1</obj><skip>true</skip>",
                "<selectSet xsi:type=\"TraversalSpec\"><name>traverseView</name><type>ContainerView</type>",
                "<path>view</path><skip>false</skip></selectSet></objectSet>"
            )
        );
    }
}
