//! Every command line of a Cisco configuration with the chain of its parents, for tests that check a
//! model keeps each line under the same parents.

use std::collections::BTreeSet;

use hermes_netdev::tree::{ConfigTree, NodeKind, Syntax};

/// Every command line with the chain of its parents, whitespace-normalised (comments excluded).
/// `lines_of` maps a normalised line to the lines it stands for (none: left out, with its children).
pub fn cisco_paths_with(text: &str, lines_of: impl Fn(String) -> Vec<String>) -> BTreeSet<String> {
    fn walk(
        t: &ConfigTree<'_>,
        id: u32,
        path: &str,
        lines_of: &dyn Fn(String) -> Vec<String>,
        out: &mut BTreeSet<String>,
    ) {
        let n = t.node(id);
        if n.kind == NodeKind::Comment {
            return;
        }
        for l in lines_of(n.text.split_whitespace().collect::<Vec<_>>().join(" ")) {
            let p = format!("{path} > {l}");
            out.insert(p.clone());
            for &c in t.children(id) {
                walk(t, c, &p, lines_of, out);
            }
        }
    }
    let t = ConfigTree::parse(text, Syntax::Cisco);
    let mut out = BTreeSet::new();
    for &r in t.roots() {
        walk(&t, r, "", &lines_of, &mut out);
    }
    out
}
