//! Text mixed from real output lines, for the parsers' never-panic property tests.

use proptest::sample::Index;

/// Joins lines picked from `all` (one per pick, in pick order), each cut to its first `cut`
/// characters and, when the pick says so, with `junk` spliced before and after it.
pub fn mixed_text(all: &[String], picks: &[(Index, usize, bool)], junk: &str) -> String {
    let mut text = String::new();
    for (idx, cut, splice) in picks {
        let line = &all[idx.index(all.len())];
        if *splice {
            text.push_str(junk);
        }
        text.extend(line.chars().take(*cut));
        if *splice {
            text.push_str(junk);
        }
        text.push('\n');
    }
    text
}
