//! Cisco's type-7 password form (`password 7 0822455D0A16`): a reversible obfuscation IOS writes for
//! line and BGP passwords under `service password-encryption`. The device never shows a password in
//! clear once that service is on, so a password a desired model states in clear can only be compared
//! with the device's by reading the type-7 form back.

/// The key IOS XORs type-7 passwords with, from the offset the first two digits give.
const KEY: &[u8] = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

/// The clear text of a type-7 string (`0822455D0A16` is `cisco`), or `None` if it is not one.
pub(crate) fn decode(s: &str) -> Option<String> {
    if s.len() < 4 || s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    let seed: usize = s[..2].parse().ok()?;
    let mut out = Vec::with_capacity(s.len() / 2 - 1);
    for (i, k) in (2..s.len()).step_by(2).enumerate() {
        let b = u8::from_str_radix(&s[k..k + 2], 16).ok()?;
        out.push(b ^ KEY[(seed + i) % KEY.len()]);
    }
    String::from_utf8(out).ok()
}

/// Whether a password stated with encryption type `want_type` (`None` or `0`: clear text) and value
/// `want` is the one the device shows as `live_type` / `live`: equal as written, or `want` in clear and
/// `live` its type-7 form.
pub(crate) fn same_password(
    want_type: Option<u8>,
    want: &str,
    live_type: Option<u8>,
    live: &str,
) -> bool {
    if want_type == live_type && want == live {
        return true;
    }
    matches!(want_type, None | Some(0))
        && live_type == Some(7)
        && decode(live).as_deref() == Some(want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_seven_strings_decode_whatever_their_offset() {
        // `cisco` under three offsets, as IOS writes it.
        for s in ["0822455D0A16", "094F471A1A0A", "02050D480809"] {
            assert_eq!(decode(s).as_deref(), Some("cisco"), "{s}");
        }
        for bad in [
            "",
            "08",
            "0822455D0A1",
            "XX22455D0A16",
            "0822455D0AZZ",
            "08é2455D0A16",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_clear_password_matches_its_type_seven_form_only() {
        assert!(same_password(None, "cisco", Some(7), "0822455D0A16"));
        assert!(same_password(Some(0), "cisco", Some(7), "094F471A1A0A"));
        assert!(!same_password(None, "Cisco", Some(7), "0822455D0A16"));
        assert!(!same_password(Some(7), "cisco", Some(7), "0822455D0A16"));
        assert!(same_password(
            Some(7),
            "0822455D0A16",
            Some(7),
            "0822455D0A16"
        ));
        assert!(!same_password(None, "cisco", Some(5), "$1$abc"));
    }
}
