//! The core examples as a user runs them: the secrets CLI end to end, and the core tour against the local
//! peers (it must find every service healthy).

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn secrets_cli_round_trip_and_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.yml");
    let vault = dir.path().join("secrets.vault");
    std::fs::write(&plain, "ilo_admin: CLI-TEST-VALUE-1\n").unwrap();
    let run = |pass: &str, args: &[&str], stdin: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hermes_secrets"));
        c.args(args).env("HERMES_VAULT_PASSPHRASE", pass);
        if let Some(input) = stdin {
            use std::io::Write;
            let mut child = c
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        } else {
            c.output().unwrap()
        }
    };
    let pass = "cli test passphrase";
    let out = run(
        pass,
        &[
            "encrypt",
            "--in",
            plain.to_str().unwrap(),
            "--out",
            vault.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!std::fs::read_to_string(&vault)
        .unwrap()
        .contains("CLI-TEST-VALUE-1"));
    let out = run(
        pass,
        &["set", "--in", vault.to_str().unwrap(), "vcenter"],
        Some("CLI-TEST-VALUE-2\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(pass, &["list", "--in", vault.to_str().unwrap()], None);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ilo_admin\nvcenter\n");
    let out = run(
        pass,
        &["get", "--in", vault.to_str().unwrap(), "vcenter"],
        None,
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "CLI-TEST-VALUE-2\n");
    let out = run(
        "a wrong passphrase",
        &["list", "--in", vault.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wrong passphrase") && err.contains("secrets.vault"),
        "{err}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_hermes_secrets"))
        .args(["list", "--in", vault.to_str().unwrap()])
        .env_remove("HERMES_VAULT_PASSPHRASE")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("HERMES_VAULT_PASSPHRASE"));
}

#[test]
fn core_tour_checks_every_local_service() {
    for p in ["postgres", "redis", "rabbitmq", "sshd"] {
        hermes_testkit::peer(p);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_core_tour"))
        .current_dir(repo())
        .args(["--inventory", "examples/inventory/local.yml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("4 targets") && stdout.contains("4 ok, 0 failed"),
        "{stdout}"
    );
    assert!(stdout.contains("read back verified: true"));
    assert!(stdout.contains("No changes."));
    assert!(stdout.contains("password=Some(Secret(<redacted>))"));
    // The inventory's rabbit password (resolved from the environment) is never printed.
    assert!(!stdout.contains("password=Some(Str"));
}
