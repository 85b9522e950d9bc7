//! Secrets in the text the model keeps as written (`extra` values, `nested` blocks, `other`
//! sections): `Debug` shows that text with every secret value replaced by `<redacted>`.
//!
//! A value is secret by its key (`set passwd ...`, `set psksecret ...`, `set private-key ...`,
//! `set passphrase ...`, any `...key` such as `set md5-key`), by its form (`ENC ...`, as a FortiGate
//! shows every stored secret) or by where it stands (the `set name` of an SNMP community, through
//! [`hermes_core::plan::CommandContext`]). A secret value that spans lines (a private key in
//! quotes) is left out whole.

use std::collections::BTreeMap;
use std::fmt;

use hermes_core::secret::REDACTED;

/// Whether the value of `set KEY` is a secret whatever its form (the rule plans redact by:
/// [`hermes_core::plan::is_secret_set_key`]).
pub(crate) fn is_secret_key(key: &str) -> bool {
    hermes_core::plan::is_secret_set_key(key)
}

/// Whether a value is a secret by its form (`ENC ...`: a stored secret as the device shows it).
fn is_enc_value(v: &str) -> bool {
    let v = v.trim_start_matches(['"', '\'']);
    v == "ENC" || v.starts_with("ENC ")
}

/// Whether `line` leaves a quoted value open (its value goes on over the next lines).
fn opens_quote(line: &str) -> bool {
    let (q, sq) = super::open_quotes(line);
    q || sq
}

/// `text` (CLI lines) with every secret value replaced by `<redacted>`.
pub(crate) fn redact_text(text: &str) -> String {
    let mut ctx = hermes_core::plan::CommandContext::default();
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.lines() {
        if skipping {
            // The rest of a secret value that spans lines: left out up to its closing quote.
            if opens_quote(line) {
                skipping = false;
            }
            continue;
        }
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        let secret_set = t
            .strip_prefix("set ")
            .and_then(|r| r.split_once(' '))
            .filter(|(k, v)| is_secret_key(k) || is_enc_value(v));
        let shown = match secret_set {
            Some((k, v)) => {
                skipping = opens_quote(v);
                format!("{indent}set {k} {REDACTED}")
            }
            None => ctx.redact(line).into_owned(),
        };
        out.push_str(&shown);
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// `Debug` of kept blocks (`nested`, `other`): each block with its secrets redacted.
pub(crate) struct Blocks<'a>(pub(crate) &'a [String]);

impl fmt::Debug for Blocks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|b| redact_text(b)))
            .finish()
    }
}

/// `Debug` of kept `set` lines (`extra`): a secret value shown as `<redacted>`.
pub(crate) struct Sets<'a>(pub(crate) &'a BTreeMap<String, String>);

impl fmt::Debug for Sets<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| {
                let shown = if is_secret_key(k) || is_enc_value(v) {
                    REDACTED.to_string()
                } else {
                    v.clone()
                };
                (k, shown)
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_redacted_by_key_form_and_place() {
        let text = "config user local\n    edit \"u\"\n        set passwd ENC abc==\n        set type password\n    next\nend\nconfig vpn certificate local\n    edit \"c\"\n        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFDjBABgkqhkiG9w0BBQ0wMzAb\n-----END ENCRYPTED PRIVATE KEY-----\"\n        set range global\n    next\nend\nconfig system snmp community\n    edit 1\n        set name \"c0mm\"\n    next\nend\nconfig wireless-controller vap\n    edit \"w\"\n        set passphrase ENC xyz\n        set x ENC qqq\n    next\nend";
        let shown = redact_text(text);
        for s in [
            "abc==",
            "MIIFDjBABgkqhkiG9w0BBQ0wMzAb",
            "END ENCRYPTED",
            "c0mm",
            "xyz",
            "qqq",
        ] {
            assert!(!shown.contains(s), "{s} shown:\n{shown}");
        }
        for kept in ["set type password", "set range global", "edit \"w\"", "end"] {
            assert!(shown.contains(kept), "{kept} lost:\n{shown}");
        }
        assert!(shown.contains("set passwd <redacted>"), "{shown}");
        assert!(shown.contains("set private-key <redacted>"), "{shown}");
        assert_eq!(shown.lines().count(), text.lines().count() - 2);
    }

    #[test]
    fn plain_keys_are_not_secret() {
        for k in ["keylife", "keepalive", "type", "member", "comments", "name"] {
            assert!(!is_secret_key(k), "{k}");
        }
        for k in [
            "psksecret",
            "passwd",
            "md5-key",
            "authentication-key",
            "priv-pwd",
            "sae-password",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
    }
}
