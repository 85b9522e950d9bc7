//! restic's own retention cases, run through [`RetentionPolicy`]: the 103 snapshots and 40 policies of
//! restic's `TestApplyPolicy` (`internal/data/snapshot_policy_test.go`), compared with restic's golden
//! files (`policy_keep_snapshots_N`: the snapshots kept, newest first, and the reasons for each) copied byte
//! for byte into `tests/data/restic-policy/` (see its SOURCES.md). The policies are written in Hermes'
//! text form with restic's flag names, so the parser is checked too.
//!
//! One difference is deliberate and asserted as such: restic's library keeps nothing for the empty policy
//! (case 0; restic's `forget` command refuses to run with one), Hermes keeps everything and says so.
//! restic's per-reason counters are not compared: Hermes does not report them.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use hermes_core::retention::{Dated, KeepReason, RetentionPolicy};
use serde::Deserialize;
use serde_json::Value;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/restic-policy")
}

fn read_json(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Debug, Clone, Deserialize)]
struct Snap {
    time: DateTime<FixedOffset>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(skip)]
    nr: usize,
}

impl Dated for Snap {
    fn id(&self) -> String {
        format!("#{} {}", self.nr, self.time.to_rfc3339())
    }
    fn time(&self) -> DateTime<FixedOffset> {
        self.time
    }
    fn tags(&self) -> &[String] {
        &self.tags
    }
}

/// A snapshot as restic's golden file shows it: time, tags, paths (`null` and absent read as empty).
fn shown(v: &Value) -> (DateTime<FixedOffset>, Vec<String>, Vec<String>) {
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let time = DateTime::parse_from_rfc3339(v["time"].as_str().unwrap()).unwrap();
    (time, list("tags"), list("paths"))
}

/// restic's `ExpirePolicy` literal (as go_table_to_json.py wrote it) in Hermes' text form, with restic's
/// flag names.
fn policy_text(p: &Value) -> String {
    let mut parts = Vec::new();
    for (field, value) in p.as_object().unwrap() {
        let flag = match field.as_str() {
            "Last" => "keep-last",
            "Hourly" => "keep-hourly",
            "Daily" => "keep-daily",
            "Weekly" => "keep-weekly",
            "Monthly" => "keep-monthly",
            "Yearly" => "keep-yearly",
            "Within" => "keep-within",
            "WithinHourly" => "keep-within-hourly",
            "WithinDaily" => "keep-within-daily",
            "WithinWeekly" => "keep-within-weekly",
            "WithinMonthly" => "keep-within-monthly",
            "WithinYearly" => "keep-within-yearly",
            "Tags" => {
                for list in value.as_array().unwrap() {
                    let tags: Vec<&str> = list
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap())
                        .collect();
                    parts.push(format!("--keep-tag={}", tags.join("+")));
                }
                continue;
            }
            other => panic!("policies.json: unknown restic policy field {other}"),
        };
        let value = match value {
            Value::Number(n) if n.as_i64() == Some(-1) => "unlimited".to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => panic!("policies.json: {field} = {other}"),
        };
        parts.push(format!("--{flag}={value}"));
    }
    parts.join(" ")
}

#[test]
fn every_policy_of_restics_table_keeps_what_restic_keeps_for_the_same_reasons() {
    let mut snaps: Vec<Snap> = serde_json::from_value(read_json("input_snapshots.json")).unwrap();
    for (nr, s) in snaps.iter_mut().enumerate() {
        s.nr = nr;
    }
    assert_eq!(snaps.len(), 103, "input_snapshots.json");
    let policies = read_json("policies.json");
    let policies = policies.as_array().unwrap();
    assert_eq!(policies.len(), 40, "policies.json");

    let mut failures = Vec::new();
    let mut compared = 0;
    for (case, p) in policies.iter().enumerate() {
        let text = policy_text(p);
        let policy: RetentionPolicy = text
            .parse()
            .unwrap_or_else(|e| panic!("case {case} {text:?}: {e}"));
        let decision = policy.apply(&snaps);
        assert_eq!(
            decision.keep.len() + decision.forget.len(),
            snaps.len(),
            "case {case}"
        );
        let golden = read_json(&format!("policy_keep_snapshots_{case}"));
        if case == 0 {
            // The deliberate difference: restic's library keeps nothing, Hermes everything.
            assert!(policy.is_empty() && golden["keep"].is_null(), "case 0");
            assert_eq!(decision.keep.len(), snaps.len());
            assert!(decision
                .keep
                .iter()
                .all(|(_, r)| r == &vec![KeepReason::EmptyPolicy]));
            continue;
        }
        let want_keep: Vec<_> = golden["keep"]
            .as_array()
            .map(|a| a.iter().map(shown).collect())
            .unwrap_or_default();
        let got_keep: Vec<_> = decision
            .keep
            .iter()
            .map(|(i, _)| {
                let s = &snaps[*i];
                (s.time, s.tags.clone(), s.paths.clone())
            })
            .collect();
        let want_reasons: Vec<Vec<String>> = golden["reasons"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        r["matches"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|m| m.as_str().unwrap().to_string())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let got_reasons: Vec<Vec<String>> = decision
            .keep
            .iter()
            .map(|(_, r)| r.iter().map(ToString::to_string).collect())
            .collect();
        if want_keep != got_keep {
            failures.push(format!(
                "case {case} ({text}): kept {} snapshots, restic {}:\n  hermes: {:?}\n  restic: {:?}",
                got_keep.len(),
                want_keep.len(),
                got_keep.iter().map(|k| k.0.to_rfc3339()).collect::<Vec<_>>(),
                want_keep.iter().map(|k| k.0.to_rfc3339()).collect::<Vec<_>>()
            ));
        } else if want_reasons != got_reasons {
            let diffs: Vec<String> = want_reasons
                .iter()
                .zip(&got_reasons)
                .zip(&got_keep)
                .filter(|((w, g), _)| w != g)
                .map(|((w, g), k)| format!("{}: hermes {g:?}, restic {w:?}", k.0.to_rfc3339()))
                .collect();
            failures.push(format!(
                "case {case} ({text}): same snapshots kept, other reasons:\n  {}",
                diffs.join("\n  ")
            ));
        }
        compared += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} restic cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(compared, 39);
}

#[test]
fn the_vendored_files_are_restics_bytes() {
    // SOURCES.md lists each file's SHA-256; a file edited by hand would no longer be restic's.
    let sources = std::fs::read_to_string(data_dir().join("SOURCES.md")).unwrap();
    let mut checked = 0;
    for line in sources.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line
            .split('|')
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        let (file, sha) = (cells[1], cells[3]);
        let bytes = std::fs::read(data_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            hermes_core::Sha256Digest::of(&bytes).to_string(),
            sha,
            "{file} differs from the copy SOURCES.md records"
        );
        checked += 1;
    }
    assert_eq!(checked, 41, "SOURCES.md rows: 40 golden files and LICENSE");
}
