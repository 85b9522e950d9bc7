//! Shell-style wildcard patterns (`*` any run of characters, `?` one character), as Ansible host
//! patterns and model patterns (`WS-C3750X-*`) use them. Matching is linear in practice: one
//! backtrack point, the last `*`.

/// Whether `text` matches `pattern` (case-sensitive).
///
/// ```
/// use hermes_core::pattern::glob;
/// assert!(glob("esxi-*", "esxi-01"));
/// assert!(glob("WS-C3750?-48P", "WS-C3750X-48P"));
/// assert!(!glob("esxi-*", "ilo-01"));
/// ```
pub fn glob(pattern: &str, text: &str) -> bool {
    matches(pattern.chars().collect(), text.chars().collect())
}

/// Whether `text` matches `pattern`, ASCII letters compared without case.
///
/// ```
/// assert!(hermes_core::pattern::glob_ignore_ascii_case("C93180YC-*", "c93180yc-ex"));
/// ```
pub fn glob_ignore_ascii_case(pattern: &str, text: &str) -> bool {
    glob(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
}

fn matches(p: Vec<char>, t: Vec<char>) -> bool {
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(glob("*", ""));
        assert!(glob("*", "anything"));
        assert!(glob("*-01", "esxi-01"));
        assert!(glob("a*b*c", "a-x-b-y-c"));
        assert!(!glob("a*b*c", "a-x-b-y"));
        assert!(!glob("FortiGate-60F", "FortiGate-60F-POE"));
        assert!(glob("*-60F", "FortiGate-60F"));
        assert!(!glob("?", ""));
        assert!(glob("é?", "éß"));
        assert!(!glob("Esxi-*", "esxi-01"));
        assert!(glob_ignore_ascii_case("Esxi-*", "esxi-01"));
        // No exponential backtracking on many stars.
        assert!(!glob(&"*a".repeat(30), &"a".repeat(29)));
    }
}
