//! A small XML tree for vim25 replies, and an escaping writer for requests.
//!
//! vim25 replies are polymorphic: a property value's concrete type is given by its `xsi:type`
//! attribute (`<val xsi:type="ArrayOfManagedObjectReference">`), and servers add elements that older
//! clients do not know. Decoding into a light tree first, then into typed structs with
//! [`FromNode`](crate::model::FromNode), handles both: the `xsi:type` is kept on every node, and unknown
//! elements are simply never looked at. Limits (size, depth) keep a hostile or broken reply from
//! exhausting memory.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Replies larger than this are refused (a 200-VM inventory read is ~1 MiB).
pub const MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;
/// Deeper nesting than this is refused.
pub const MAX_DEPTH: usize = 128;

/// One XML element: its local name (no prefix), `xsi:type` if any, other attributes, text and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The local name (`RetrievePropertiesExResponse`, `returnval`).
    pub name: String,
    /// The `xsi:type` attribute's local name, if present (`ArrayOfManagedObjectReference`).
    pub xsi_type: Option<String>,
    /// Other attributes, by local name (`type` of a `ManagedObjectReference`).
    pub attrs: Vec<(String, String)>,
    /// The concatenated, unescaped text content.
    pub text: String,
    /// Child elements, in document order.
    pub children: Vec<Node>,
}

/// Why bytes are not a well-formed XML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

impl Node {
    /// Parses a whole document into its root element.
    pub fn parse(bytes: &[u8]) -> Result<Node, XmlError> {
        if bytes.len() > MAX_REPLY_BYTES {
            return Err(XmlError(format!(
                "reply of {} bytes exceeds the {MAX_REPLY_BYTES}-byte limit",
                bytes.len()
            )));
        }
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().trim_text(false);
        let mut stack: Vec<Node> = Vec::new();
        let mut root: Option<Node> = None;
        let mut buf = Vec::new();
        loop {
            let ev = reader
                .read_event_into(&mut buf)
                .map_err(|e| XmlError(format!("at byte {}: {e}", reader.buffer_position())))?;
            match ev {
                Event::Start(e) | Event::Empty(e) if root.is_some() => {
                    let _ = e;
                    return Err(XmlError("content after the root element".into()));
                }
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_empty = matches!(ev, Event::Empty(_));
                    let mut node = Node {
                        name: local(e.name().as_ref()),
                        ..Node::default()
                    };
                    for a in e.attributes() {
                        let a = a.map_err(|err| XmlError(format!("bad attribute: {err}")))?;
                        let key = a.key.as_ref();
                        let value = a
                            .decode_and_unescape_value(reader.decoder())
                            .map_err(|err| XmlError(format!("bad attribute value: {err}")))?
                            .into_owned();
                        if key.starts_with(b"xmlns") {
                            continue;
                        }
                        let lname = local(key);
                        if lname == "type" && key != b"type" {
                            // xsi:type="vim25:ArrayOfString" → ArrayOfString
                            let v = value.rsplit(':').next().unwrap_or(&value).to_string();
                            node.xsi_type = Some(v);
                        } else {
                            node.attrs.push((lname, value));
                        }
                    }
                    if is_empty {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(node),
                            None => root = Some(node),
                        }
                    } else {
                        if stack.len() >= MAX_DEPTH {
                            return Err(XmlError(format!("nesting deeper than {MAX_DEPTH}")));
                        }
                        stack.push(node);
                    }
                }
                Event::End(e) => {
                    let node = stack
                        .pop()
                        .ok_or_else(|| XmlError("unbalanced end tag".into()))?;
                    if node.name != local(e.name().as_ref()) {
                        return Err(XmlError(format!(
                            "end tag </{}> does not close <{}>",
                            local(e.name().as_ref()),
                            node.name
                        )));
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => root = Some(node),
                    }
                }
                Event::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        let s = t.decode().map_err(|e| XmlError(format!("bad text: {e}")))?;
                        top.text.push_str(&s);
                    } else if !t.iter().all(|b| b.is_ascii_whitespace()) {
                        return Err(XmlError("text outside the root element".into()));
                    }
                }
                Event::GeneralRef(r) => {
                    let top = stack
                        .last_mut()
                        .ok_or_else(|| XmlError("entity outside the root element".into()))?;
                    let name = r
                        .decode()
                        .map_err(|e| XmlError(format!("bad entity: {e}")))?;
                    let ch = match name.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            let code = other
                                .strip_prefix("#x")
                                .map(|h| u32::from_str_radix(h, 16))
                                .or_else(|| other.strip_prefix('#').map(|d| d.parse::<u32>()))
                                .and_then(|r| r.ok())
                                .and_then(char::from_u32)
                                .ok_or_else(|| XmlError(format!("unknown entity &{other};")))?;
                            code
                        }
                    };
                    top.text.push(ch);
                }
                Event::CData(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        if !stack.is_empty() {
            return Err(XmlError(format!(
                "document ends inside <{}> (truncated reply?)",
                stack.last().map(|n| n.name.as_str()).unwrap_or("")
            )));
        }
        root.ok_or_else(|| XmlError("empty document".into()))
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// An attribute by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Follows a path of child names (`["summary", "runtime", "powerState"]`).
    pub fn path(&self, names: &[&str]) -> Option<&Node> {
        let mut n = self;
        for name in names {
            n = n.child(name)?;
        }
        Some(n)
    }
}

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Builds the body of a vim25 request: elements in schema order, text escaped.
#[derive(Debug, Default, Clone)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        XmlWriter::default()
    }
    /// `<name>text</name>`, text escaped.
    pub fn text(&mut self, name: &str, text: impl std::fmt::Display) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&escape(&text.to_string()));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }
    /// `<name>text</name>` if `text` is `Some`.
    pub fn opt_text(&mut self, name: &str, text: Option<impl std::fmt::Display>) -> &mut Self {
        if let Some(t) = text {
            self.text(name, t);
        }
        self
    }
    /// `<name type="kind">value</name>`: a managed object reference.
    pub fn moref(&mut self, name: &str, mo: &crate::model::MoRef) -> &mut Self {
        self.out.push_str(&format!(
            "<{name} type=\"{}\">{}</{name}>",
            escape(&mo.kind),
            escape(&mo.value)
        ));
        self
    }
    /// `<name xsi:type="ty">` … `</name>` around what `f` writes (`ty` may be empty: no xsi:type).
    pub fn elem(&mut self, name: &str, ty: &str, f: impl FnOnce(&mut XmlWriter)) -> &mut Self {
        if ty.is_empty() {
            self.out.push_str(&format!("<{name}>"));
        } else {
            self.out
                .push_str(&format!("<{name} xsi:type=\"{}\">", escape(ty)));
        }
        f(self);
        self.out.push_str(&format!("</{name}>"));
        self
    }
    /// Escaped text with no element around it (inside [`XmlWriter::elem`]).
    pub fn raw_text(&mut self, text: &str) -> &mut Self {
        self.out.push_str(&escape(text));
        self
    }
    /// Writes `node` back as XML (its `xsi:type`, attributes, text and children), e.g. to send a device
    /// read from the server back in an edit.
    pub fn node(&mut self, node: &Node) -> &mut Self {
        self.out.push('<');
        self.out.push_str(&node.name);
        if let Some(t) = &node.xsi_type {
            self.out.push_str(&format!(" xsi:type=\"{}\"", escape(t)));
        }
        for (k, v) in &node.attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", escape(v)));
        }
        self.out.push('>');
        self.out.push_str(&escape(&node.text));
        for c in &node.children {
            self.node(c);
        }
        self.out.push_str(&format!("</{}>", node.name));
        self
    }
    /// The XML written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_xsi_type_entities_and_unknown_elements() {
        let doc = br#"<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><R><val xsi:type="xsd:string">a &amp; b &#x41;</val><obj type="VirtualMachine">vm-1</obj><futureThing><x/></futureThing></R></soapenv:Body></soapenv:Envelope>"#;
        let root = Node::parse(doc).unwrap();
        assert_eq!(root.name, "Envelope");
        let r = root.path(&["Body", "R"]).unwrap();
        let val = r.child("val").unwrap();
        assert_eq!(val.xsi_type.as_deref(), Some("string"));
        assert_eq!(val.text, "a & b A");
        assert_eq!(r.child("obj").unwrap().attr("type"), Some("VirtualMachine"));
    }

    #[test]
    fn truncated_and_mismatched_documents_are_errors() {
        assert!(Node::parse(b"<a><b></b>").is_err());
        assert!(Node::parse(b"<a><b></a>").is_err());
        assert!(Node::parse(b"").is_err());
        assert!(Node::parse(b"<a/><b/>").is_err());
    }

    #[test]
    fn writer_escapes() {
        let mut w = XmlWriter::new();
        w.text("name", "a<b>&\"c\"");
        assert_eq!(w.finish(), "<name>a&lt;b&gt;&amp;&quot;c&quot;</name>");
    }
}
