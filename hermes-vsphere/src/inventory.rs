//! The inventory: datacenters, clusters, hosts, datastores, networks, folders, resource pools and VMs,
//! read in bulk, and lookups by inventory path (like govc: `/DC0/vm/web-01`) and by name.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> Result<(), hermes_vsphere::VsphereError> {
//! let vm = client.find_by_path("/DC0/vm/tmpl-linux").await?;
//! let hosts = client.inventory("HostSystem").await?;
//! println!("{vm} among {} hosts", hosts.len());
//! # Ok(()) }
//! ```

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::{FromNode, MoRef};

/// An inventory object: its reference, name and parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// The object.
    pub obj: MoRef,
    /// Its name.
    pub name: String,
    /// Its parent (folder, cluster...), if any.
    pub parent: Option<MoRef>,
}

/// The managed object types listed by [`Client::inventory`].
pub const KINDS: &[&str] = &[
    "Datacenter",
    "ClusterComputeResource",
    "ComputeResource",
    "HostSystem",
    "Datastore",
    "Network",
    "Folder",
    "ResourcePool",
    "VirtualMachine",
];

impl Client {
    /// Every object of `kind` (one of [`KINDS`], or any `ManagedEntity` type) with name and parent,
    /// sorted by name.
    pub async fn inventory(&self, kind: &str) -> Result<Vec<Entity>> {
        let objs = self.retrieve_view(kind, &["name", "parent"]).await?;
        let mut out = Vec::with_capacity(objs.len());
        for o in objs {
            let name = o.text("name").unwrap_or_default().to_string();
            let parent = o
                .get("parent")
                .map(MoRef::from_node)
                .transpose()
                .map_err(|e| self.malformed("RetrievePropertiesEx", e))?;
            out.push(Entity {
                obj: o.obj,
                name,
                parent,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The object at an inventory path (`/DC0/vm/web-01`, `/DC0/host/DC0_C0/DC0_C0_H0`,
    /// `/DC0/datastore/LocalDS_0`), through `SearchIndex.FindByInventoryPath`.
    pub async fn find_by_path(&self, path: &str) -> Result<MoRef> {
        self.try_find_by_path(path)
            .await?
            .ok_or_else(|| VsphereError::NotFound {
                target: self.target().to_string(),
                what: format!(
                    "nothing at inventory path {path:?} (paths look like /DATACENTER/vm/NAME)"
                ),
            })
    }

    /// Like [`Client::find_by_path`], `None` when nothing is there.
    pub async fn try_find_by_path(&self, path: &str) -> Result<Option<MoRef>> {
        let path = path.trim_end_matches('/');
        let si = self.content().search_index.clone();
        let reply = self
            .call("FindByInventoryPath", &si, |w| {
                w.text("inventoryPath", path.trim_start_matches('/'));
            })
            .await?;
        reply
            .child("returnval")
            .map(MoRef::from_node)
            .transpose()
            .map_err(|e| self.malformed("FindByInventoryPath", e))
    }

    /// The one object of `kind` called `name`; an error if none or several have that name.
    pub async fn find_by_name(&self, kind: &str, name: &str) -> Result<MoRef> {
        let all = self.inventory(kind).await?;
        let mut hits = all.into_iter().filter(|e| e.name == name);
        let first = hits.next().ok_or_else(|| VsphereError::NotFound {
            target: self.target().to_string(),
            what: format!("no {kind} named {name:?}"),
        })?;
        if hits.next().is_some() {
            return Err(VsphereError::InvalidInput {
                target: self.target().to_string(),
                message: format!(
                    "several {kind} objects are named {name:?}: use an inventory path instead"
                ),
            });
        }
        Ok(first.obj)
    }

    /// Resolves `what`: an inventory path if it starts with `/`, else a name of `kind`.
    pub async fn resolve(&self, kind: &str, what: &str) -> Result<MoRef> {
        let found = if what.starts_with('/') {
            self.find_by_path(what).await?
        } else {
            self.find_by_name(kind, what).await?
        };
        if found.kind != kind
            && !(kind == "ComputeResource" && found.kind == "ClusterComputeResource")
            && !(kind == "Network" && found.kind.ends_with("Portgroup"))
        {
            return Err(VsphereError::InvalidInput {
                target: self.target().to_string(),
                message: format!("{what:?} is a {}, not a {kind}", found.kind),
            });
        }
        Ok(found)
    }
}
