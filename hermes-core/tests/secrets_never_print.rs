//! A secret placed in an inventory never appears in any output: Debug, Display, serde, tracing logs,
//! error messages or plans. (scripts/test.sh also greps every test's output for the canary.)

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use hermes_core::inventory::Inventory;
use hermes_core::plan::{Action, Change, ChangeSet, FieldChange};
use hermes_core::Error;

const CANARY: &str = "HERMES-CANARY-7f3a9c";

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);
impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn inventory_secrets_never_reach_any_output() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/inventory");
    let mut outputs: Vec<String> = Vec::new();
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        for file in ["proposal.ini", "datacenter.yml"] {
            let inv = Inventory::from_path(dir.join(file)).unwrap();
            outputs.push(format!("{inv:?}"));
            outputs.push(format!("{inv:#?}"));
            outputs.push(serde_json::to_string(&inv).unwrap());
            for host in inv.hosts() {
                tracing::info!(?host, name = %host.name, "loaded host");
                for (k, v) in &host.vars {
                    tracing::debug!(key = %k, value = %v, debug = ?v, "var");
                    outputs.push(format!("{k}={v} {v:?}"));
                }
                if let Ok(Some(pw)) = host.password() {
                    tracing::warn!(password = %pw, debug = ?pw, "password for {}", host.name);
                    let err = Error::invalid_input(format!("login refused with password {pw}"))
                        .with_target(host.name.clone());
                    outputs.push(err.to_string());
                    outputs.push(format!("{err:?}"));
                    let mut plan = ChangeSet::new(host.name.clone());
                    plan.push(
                        Change::new(Action::Update, "user root")
                            .field(FieldChange::secret("password")),
                    );
                    outputs.push(plan.render());
                    outputs.push(serde_json::to_string(&plan).unwrap());
                }
            }
        }
    });
    outputs.push(String::from_utf8(buf.0.lock().unwrap().clone()).unwrap());
    let all = outputs.join("\n");
    assert!(all.contains("loaded host"), "the tracing capture works");
    assert!(all.contains("<redacted>"), "secrets are shown as redacted");
    assert!(
        !all.contains(CANARY),
        "a secret leaked:\n{}",
        all.lines()
            .filter(|l| l.contains(CANARY))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
