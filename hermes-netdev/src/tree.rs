//! The configuration tree: every line of a running configuration in its hierarchy.
//!
//! Cisco IOS and NX-OS configurations nest by indentation (`interface X` with indented children), use
//! `!` lines as separators and comments, and have multi-line blocks (`banner motd ^C ... ^C`, a
//! Catalyst `macro name X` body up to its `@` line).
//! FortiOS nests by keywords (`config ... edit ... set ... next ... end`). Both parse into the same
//! [`ConfigTree`]: an arena of [`Node`]s whose text borrows from the input (zero-copy). Nothing is
//! dropped: comments and preamble lines are kept as [`NodeKind::Comment`] nodes so the tree can be
//! written back.

use std::fmt::Write as _;

/// Which syntax a configuration is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// Cisco IOS / IOS-XE / NX-OS: hierarchy by indentation.
    Cisco,
    /// FortiOS: `config` / `edit` / `set` / `next` / `end`.
    FortiOs,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A configuration command (with or without children).
    Line,
    /// A comment, separator or preamble line (`!`, `#`, `Building configuration...`): kept, not diffed.
    Comment,
    /// A multi-line block taken as one node (a banner, a quoted multi-line FortiOS value).
    Block,
}

/// One line of the configuration (or one multi-line block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    /// The line without its indentation and trailing whitespace (a block spans several lines).
    pub text: &'a str,
    /// The number of leading spaces in the source.
    pub indent: u16,
    /// The kind of line.
    pub kind: NodeKind,
    /// The 1-based line number in the source.
    pub line_no: u32,
    children: Vec<u32>,
}

/// A parsed configuration: an arena of nodes borrowing from the source text.
///
/// ```
/// use hermes_netdev::tree::{ConfigTree, Syntax};
/// let tree = ConfigTree::parse("interface Gi1\n description up\n!\nhostname sw1\n", Syntax::Cisco);
/// let iface = tree.find(&["interface Gi1"]).unwrap();
/// assert_eq!(tree.node(tree.children(iface)[0]).text, "description up");
/// assert_eq!(tree.lines().count(), 4); // the `!` separator is kept as a comment node
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigTree<'a> {
    syntax: Syntax,
    nodes: Vec<Node<'a>>,
    roots: Vec<u32>,
}

/// Identifies a node inside its [`ConfigTree`].
pub type NodeId = u32;

impl<'a> ConfigTree<'a> {
    /// Parses `text` in the given syntax. Never fails: lines it cannot place are kept where they are.
    /// A leading byte-order mark (a configuration saved by a Windows editor) is not part of the text.
    pub fn parse(text: &'a str, syntax: Syntax) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match syntax {
            Syntax::Cisco => parse_cisco(text),
            Syntax::FortiOs => parse_fortios(text),
        }
    }

    /// The syntax the tree was parsed from.
    pub fn syntax(&self) -> Syntax {
        self.syntax
    }

    /// The top-level nodes, in source order.
    pub fn roots(&self) -> &[NodeId] {
        &self.roots
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id as usize]
    }

    /// The children of a node, in source order.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        &self.nodes[id as usize].children
    }

    /// Every node, depth first in source order.
    pub fn lines(&self) -> impl Iterator<Item = &Node<'a>> {
        self.nodes.iter()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Follows a path of exact line texts from the top (`["interface Gi1", "standby 1 ip 10.0.0.1"]`).
    pub fn find(&self, path: &[&str]) -> Option<NodeId> {
        let mut level: &[NodeId] = &self.roots;
        let mut found = None;
        for step in path {
            let id = *level
                .iter()
                .find(|&&id| self.nodes[id as usize].text == *step)?;
            found = Some(id);
            level = &self.nodes[id as usize].children;
        }
        found
    }

    /// Top-level command nodes whose text starts with `prefix` (comments excluded).
    pub fn sections<'t>(&'t self, prefix: &'t str) -> impl Iterator<Item = NodeId> + 't {
        self.roots.iter().copied().filter(move |&id| {
            let n = &self.nodes[id as usize];
            n.kind != NodeKind::Comment && n.text.starts_with(prefix)
        })
    }

    /// Writes the tree back as text (indentation normalised per level; FortiOS `next`/`end` restored;
    /// blank lines, trailing whitespace and a leading byte-order mark dropped).
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.nodes.len() * 32);
        for &r in &self.roots {
            self.write_node(&mut out, r, 0);
        }
        out
    }

    fn write_node(&self, out: &mut String, id: NodeId, depth: usize) {
        let n = &self.nodes[id as usize];
        let step = if self.syntax == Syntax::FortiOs { 4 } else { 1 };
        let pad = if self.syntax == Syntax::Cisco {
            n.indent as usize
        } else {
            depth * step
        };
        let _ = writeln!(out, "{:pad$}{}", "", n.text, pad = pad);
        for &c in &n.children {
            self.write_node(out, c, depth + 1);
        }
        if self.syntax == Syntax::FortiOs && n.kind == NodeKind::Line {
            if n.text.starts_with("config ") {
                let _ = writeln!(out, "{:pad$}end", "", pad = pad);
            } else if n.text.starts_with("edit ") {
                let _ = writeln!(out, "{:pad$}next", "", pad = pad);
            }
        }
    }

    fn push(&mut self, parent: Option<NodeId>, node: Node<'a>) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        match parent {
            Some(p) => self.nodes[p as usize].children.push(id),
            None => self.roots.push(id),
        }
        id
    }
}

/// The deepest nesting the parsers build; lines deeper than this (only in malformed input: a text
/// indented one more space on every line, FortiOS `config` blocks never ended) stay at this depth,
/// so that walking the tree never exhausts the stack.
const MAX_DEPTH: usize = 128;

/// Byte offsets of each line (start, end without the newline).
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0usize;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = memchr_nl(&bytes[start..]).map_or(bytes.len(), |i| start + i);
        let s = start;
        start = end + 1;
        Some((s, end))
    })
}

/// The line that closes a value spanning lines, looking from byte `from` on: the first line for
/// which `closes` holds, as its end offset and how many lines were looked at (it included); `None`
/// when no line closes it (a truncated configuration).
fn closing_line(
    text: &str,
    from: usize,
    mut closes: impl FnMut(&str) -> bool,
) -> Option<(usize, usize)> {
    let (mut pos, mut taken) = (from, 0usize);
    while pos < text.len() {
        let end = memchr_nl(&text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        taken += 1;
        if closes(&text[pos..end]) {
            return Some((end, taken));
        }
        pos = end + 1;
    }
    None
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn indent_of(line: &str) -> usize {
    line.bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count()
}

fn is_cisco_comment(t: &str) -> bool {
    t.starts_with('!')
        || t.starts_with("Building configuration")
        || t.starts_with("Current configuration")
        || t.starts_with("Last configuration change")
        || t.starts_with("NVRAM config last updated")
        || t == "end"
}

/// The banner delimiter of `banner <kind> <delim>...`, and whether the banner closes on this line.
fn banner_delimiter(t: &str) -> Option<(&str, bool)> {
    let rest = t.strip_prefix("banner ")?;
    let mut parts = rest.splitn(2, ' ');
    let _kind = parts.next()?;
    let body = parts.next()?.trim_start();
    let delim = if body.starts_with("^C") {
        "^C"
    } else {
        let c = body.chars().next()?;
        &body[..c.len_utf8()]
    };
    let after = &body[delim.len()..];
    Some((delim, after.contains(delim)))
}

fn parse_cisco(text: &str) -> ConfigTree<'_> {
    let mut tree = ConfigTree {
        syntax: Syntax::Cisco,
        nodes: Vec::with_capacity(text.len() / 24),
        roots: Vec::new(),
    };
    // Stack of (indent, node) for the open parents.
    let mut stack: Vec<(usize, NodeId)> = Vec::with_capacity(8);
    let mut spans = line_spans(text).enumerate();
    while let Some((i, (s, e))) = spans.next() {
        let raw = text[s..e].trim_end();
        if raw.trim().is_empty() {
            continue;
        }
        let indent = indent_of(raw);
        let t = &raw[indent..];
        while let Some(&(ind, _)) = stack.last() {
            if ind >= indent {
                stack.pop();
            } else {
                break;
            }
        }
        let parent = stack.last().map(|&(_, id)| id);
        let mut node = Node {
            text: t,
            indent: indent as u16,
            kind: NodeKind::Line,
            line_no: i as u32 + 1,
            children: Vec::new(),
        };
        if is_cisco_comment(t) {
            node.kind = NodeKind::Comment;
            tree.push(parent, node);
            continue;
        }
        if let Some((delim, closed)) = banner_delimiter(t) {
            if !closed {
                // Take every line up to and including the one holding the closing delimiter.
                let block_start = s + indent;
                let mut block_end = e;
                for (_, (s2, e2)) in spans.by_ref() {
                    block_end = e2;
                    if text[s2..e2].contains(delim) {
                        break;
                    }
                }
                node.text = text[block_start..block_end].trim_end();
                node.kind = NodeKind::Block;
            }
            tree.push(parent, node);
            continue;
        }
        if words2(t) == ("macro", "name") {
            // A Catalyst macro body is written unindented up to a line `@`: one block, so that its
            // commands are not read as top-level ones. A body never closed is left as lines.
            if let Some((block_end, taken)) = closing_line(text, e + 1, |l| l.trim() == "@") {
                for _ in 0..taken {
                    spans.next();
                }
                node.text = text[s + indent..block_end].trim_end();
                node.kind = NodeKind::Block;
                tree.push(parent, node);
                continue;
            }
        }
        let id = tree.push(parent, node);
        if stack.len() < MAX_DEPTH {
            stack.push((indent, id));
        }
    }
    tree
}

/// The first two words of a line.
fn words2(t: &str) -> (&str, &str) {
    let mut w = t.split_whitespace();
    (w.next().unwrap_or_default(), w.next().unwrap_or_default())
}

/// Where a FortiOS statement stands at the end of a line: inside a double- or single-quoted string,
/// or continued by a trailing backslash. Backslash escapes the next character outside single
/// quotes; single-quoted text is literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct QuoteState {
    double: bool,
    single: bool,
    continued: bool,
}

impl QuoteState {
    fn open(self) -> bool {
        self.double || self.single || self.continued
    }
}

/// Scans one line of a FortiOS statement from state `st`.
fn quote_state(t: &str, st: QuoteState) -> QuoteState {
    let (mut double, mut single) = (st.double, st.single);
    let mut esc = false;
    let mut continued = false;
    for b in t.bytes() {
        continued = false;
        if esc {
            esc = false;
            continue;
        }
        match b {
            b'\\' if !single => {
                esc = true;
                continued = true;
            }
            b'"' if !single => double = !double,
            b'\'' if !double => single = !single,
            _ => {}
        }
    }
    QuoteState {
        double,
        single,
        continued: continued && esc,
    }
}

fn parse_fortios(text: &str) -> ConfigTree<'_> {
    let mut tree = ConfigTree {
        syntax: Syntax::FortiOs,
        nodes: Vec::with_capacity(text.len() / 24),
        roots: Vec::new(),
    };
    let mut stack: Vec<NodeId> = Vec::with_capacity(8);
    let mut spans = line_spans(text).enumerate();
    while let Some((i, (s, e))) = spans.next() {
        let raw = text[s..e].trim_end();
        let indent = indent_of(raw);
        let t = &raw[indent..];
        if t.is_empty() {
            continue;
        }
        let parent = stack.last().copied();
        let mut node = Node {
            text: t,
            indent: indent as u16,
            kind: NodeKind::Line,
            line_no: i as u32 + 1,
            children: Vec::new(),
        };
        if t.starts_with('#') {
            node.kind = NodeKind::Comment;
            tree.push(parent, node);
            continue;
        }
        if t == "next" {
            if let Some(&top) = stack.last() {
                if tree.node(top).text.starts_with("edit") {
                    stack.pop();
                }
            }
            continue;
        }
        if t == "end" {
            // `end` closes the innermost `config` (and an `edit` left open inside it).
            while let Some(top) = stack.pop() {
                if tree.node(top).text.starts_with("config") {
                    break;
                }
            }
            continue;
        }
        let mut st = quote_state(t, QuoteState::default());
        if st.open() {
            // Find the line that closes the value before taking anything: a value never closed
            // (a truncated configuration) leaves the line on its own and the rest parsed as usual.
            let close = closing_line(text, e + 1, |l| {
                st = quote_state(l.trim_end_matches('\r'), st);
                !st.open()
            });
            if let Some((block_end, taken)) = close {
                for _ in 0..taken {
                    spans.next();
                }
                node.text = text[s + indent..block_end].trim_end();
                node.kind = NodeKind::Block;
                tree.push(parent, node);
                continue;
            }
        }
        let mut parent = parent;
        if t.starts_with("edit ")
            && stack
                .last()
                .is_some_and(|&top| tree.node(top).text.starts_with("edit "))
        {
            // An entry directly inside an entry is the next entry of the same table: its `next`
            // was left out.
            stack.pop();
            parent = stack.last().copied();
        }
        let opens = t.starts_with("config ") || t.starts_with("edit ");
        let id = tree.push(parent, node);
        if opens && stack.len() < MAX_DEPTH {
            stack.push(id);
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cisco_hierarchy_and_banner() {
        let cfg = "hostname r1\n!\nbanner motd ^C\nHello\n  world\n^C\ninterface Gi1\n ip address 10.0.0.1 255.255.255.0\n standby 1 ip 10.0.0.254\nrouter ospf 1\n network 10.0.0.0 0.0.0.255 area 0\nend\n";
        let t = ConfigTree::parse(cfg, Syntax::Cisco);
        let banner = t
            .roots()
            .iter()
            .map(|&r| t.node(r))
            .find(|n| n.kind == NodeKind::Block)
            .unwrap();
        assert!(banner.text.contains("world") && banner.text.ends_with("^C"));
        let gi = t.find(&["interface Gi1"]).unwrap();
        assert_eq!(t.children(gi).len(), 2);
        assert!(t
            .find(&["router ospf 1", "network 10.0.0.0 0.0.0.255 area 0"])
            .is_some());
    }

    #[test]
    fn catalyst_macro_body_is_one_block() {
        // Catalyst 3750 Smartports: a user macro's body is unindented and ends with `@`.
        let cfg = "hostname c3750\nmacro name desk-port\nswitchport mode access\nswitchport access vlan $AVID\nspanning-tree portfast\n@\ninterface GigabitEthernet1/0/3\n switchport mode access\n!\n";
        let t = ConfigTree::parse(cfg, Syntax::Cisco);
        let roots: Vec<&str> = t.roots().iter().map(|&r| t.node(r).text).collect();
        assert_eq!(roots.len(), 4, "{roots:?}");
        assert!(roots[1].starts_with("macro name desk-port\n") && roots[1].ends_with("\n@"));
        assert_eq!(t.node(t.roots()[1]).kind, NodeKind::Block);
        assert_eq!(t.to_text(), cfg);
        let m = crate::cisco::CiscoConfig::parse(cfg, crate::cisco::Dialect::Ios);
        assert_eq!(m.other.len(), 1, "{:?}", m.other);
        assert!(m.interfaces.contains_key("GigabitEthernet1/0/3"));
        let out = m.render(crate::cisco::Dialect::Ios);
        assert_eq!(
            crate::cisco::CiscoConfig::parse(&out, crate::cisco::Dialect::Ios),
            m
        );
        // Never closed: the lines stay lines.
        let t = ConfigTree::parse("macro name half\nswitchport mode access\n", Syntax::Cisco);
        assert_eq!(t.roots().len(), 2);
    }

    #[test]
    fn malformed_nesting_stays_shallow() {
        // FortiOS entries whose `next` lines were left out are siblings, not nested 20,000 deep.
        let mut s = String::from("config firewall address\n");
        for i in 0..20_000 {
            s += &format!("    edit \"a{i}\"\n        set subnet 10.0.0.0 255.0.0.0\n");
        }
        s += "end\n";
        let t = ConfigTree::parse(&s, Syntax::FortiOs);
        assert_eq!(t.children(t.roots()[0]).len(), 20_000);
        assert_eq!(
            crate::fortios::FortiConfig::parse(&s).addresses.len(),
            20_000
        );
        // Ever deeper indentation or `config` blocks never ended: capped, nothing lost.
        let mut s = String::new();
        for i in 0..20_000 {
            s += &format!("{:w$}x{i}\n", "", w = i % 300);
        }
        let t = ConfigTree::parse(&s, Syntax::Cisco);
        assert_eq!(t.to_text(), s);
        let m = crate::cisco::CiscoConfig::parse(&s, crate::cisco::Dialect::Ios);
        assert_eq!(m.render(crate::cisco::Dialect::Ios).lines().count(), 20_000);
        let s = "config a\n".repeat(20_000);
        let t = ConfigTree::parse(&s, Syntax::FortiOs);
        assert_eq!(t.len(), 20_000);
        let _ = t.to_text();
        let _ = crate::fortios::FortiConfig::parse(&s).render();
    }

    #[test]
    fn byte_order_mark_is_not_part_of_the_first_line() {
        // batfish grammar/cisco/testconfigs/ios-unicode-bom (there in UTF-16; a UTF-8 file saved by
        // a Windows editor starts with the same mark).
        let t = ConfigTree::parse("\u{feff}hostname edge-9\n!\n", Syntax::Cisco);
        assert_eq!(t.node(t.roots()[0]).text, "hostname edge-9");
        let t = ConfigTree::parse(
            "\u{feff}config system global\n    set hostname \"fw\"\nend\n",
            Syntax::FortiOs,
        );
        assert!(t
            .find(&["config system global", "set hostname \"fw\""])
            .is_some());
        assert_eq!(
            crate::cisco::CiscoConfig::parse(
                "\u{feff}hostname edge-9\n",
                crate::cisco::Dialect::Ios
            )
            .hostname
            .as_deref(),
            Some("edge-9")
        );
    }

    #[test]
    fn fortios_nesting() {
        let cfg = "config system interface\n    edit \"port1\"\n        set ip 10.0.0.1/24\n        config secondaryip\n            edit 1\n                set ip 10.1.1.1/24\n            next\n        end\n    next\nend\nconfig firewall address\n    edit a\n        set comment \"two\nlines\"\n    next\nend\n";
        let t = ConfigTree::parse(cfg, Syntax::FortiOs);
        assert!(t
            .find(&[
                "config system interface",
                "edit \"port1\"",
                "config secondaryip",
                "edit 1",
                "set ip 10.1.1.1/24"
            ])
            .is_some());
        let addr = t.find(&["config firewall address", "edit a"]).unwrap();
        let c = t.node(t.children(addr)[0]);
        assert_eq!(c.kind, NodeKind::Block);
        assert_eq!(c.text, "set comment \"two\nlines\"");
        let again = t.to_text();
        assert_eq!(ConfigTree::parse(&again, Syntax::FortiOs).to_text(), again);
    }
}
