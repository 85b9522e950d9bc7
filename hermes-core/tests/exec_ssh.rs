//! Exec over SSH against the real OpenSSH server started by `scripts/peers.sh up sshd`.

use std::sync::Arc;
use std::time::Duration;

use hermes_core::exec::{Command, Exec, HostKeyPolicy, SshAuth, SshExec};
use hermes_core::{ErrorKind, FanOut, Secret};

fn root_exec() -> SshExec {
    let peer = hermes_testkit::peer("sshd");
    SshExec::new(
        "127.0.0.1",
        peer.port(),
        "root",
        SshAuth::KeyFile {
            path: peer.setting("CLIENT_KEY").into(),
            passphrase: None,
        },
    )
    .host_key(HostKeyPolicy::PublicKeyFile(
        peer.setting("HOST_KEY_PUB").into(),
    ))
}

#[tokio::test]
async fn runs_commands_with_status_output_stdin_env_and_cwd() {
    let ssh = root_exec();
    let out = ssh
        .run(
            &Command::new("sh")
                .args([
                    "-c",
                    "echo out; echo err >&2; read x; echo \"got $x $HERMES_X $(pwd)\"; exit 3",
                ])
                .stdin("line one\n")
                .env("HERMES_X", "it's set")
                .cwd("/tmp"),
        )
        .await
        .unwrap();
    assert_eq!(out.status, Some(3), "stderr: {}", out.stderr_str());
    assert_eq!(out.stdout_str(), "out\ngot line one it's set /tmp\n");
    assert_eq!(out.stderr_str(), "err\n");
    assert!(out.target.starts_with("root@127.0.0.1:"));
    let e = out.check().unwrap_err();
    assert!(e.to_string().contains("status 3"), "{e}");
    // The connection is reused, and survives being closed.
    assert!(ssh.run(&Command::new("true")).await.unwrap().success());
    ssh.close().await;
    assert_eq!(
        ssh.run(&Command::new("id").arg("-un"))
            .await
            .unwrap()
            .stdout_str(),
        "root\n"
    );
}

#[tokio::test]
async fn password_auth_and_wrong_credentials() {
    let peer = hermes_testkit::peer("sshd");
    let user = peer.setting("USER");
    let pw = Secret::from_file(peer.setting("PASSWORD_FILE")).unwrap();
    let ok = SshExec::new(
        "127.0.0.1",
        peer.port(),
        user.clone(),
        SshAuth::Password(pw),
    )
    .host_key(HostKeyPolicy::InsecureAcceptAny);
    assert_eq!(
        ok.run(&Command::new("whoami"))
            .await
            .unwrap()
            .stdout_str()
            .trim(),
        user
    );
    let bad = SshExec::new(
        "127.0.0.1",
        peer.port(),
        user,
        SshAuth::Password(Secret::new("definitely-wrong")),
    )
    .host_key(HostKeyPolicy::InsecureAcceptAny);
    let e = bad.run(&Command::new("whoami")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(!e.is_retryable());
    assert!(!e.to_string().contains("definitely-wrong"));
}

#[tokio::test]
async fn host_key_pinning() {
    let peer = hermes_testkit::peer("sshd");
    let key = SshAuth::KeyFile {
        path: peer.setting("CLIENT_KEY").into(),
        passphrase: None,
    };
    let wrong = SshExec::new("127.0.0.1", peer.port(), "root", key.clone()).host_key(
        HostKeyPolicy::Fingerprint("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
    );
    let e = wrong.run(&Command::new("true")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(
        e.to_string().contains("does not match the pinned key"),
        "{e}"
    );
    // The fingerprint named in that message is the right one to pin.
    let fp = e
        .to_string()
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .to_string();
    let right = SshExec::new("127.0.0.1", peer.port(), "root", key.clone())
        .host_key(HostKeyPolicy::Fingerprint(fp));
    assert!(right.run(&Command::new("true")).await.unwrap().success());
    // No policy at all is refused before connecting.
    let none = SshExec::new("127.0.0.1", peer.port(), "root", key);
    assert_eq!(
        none.run(&Command::new("true")).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[tokio::test]
async fn timeouts_and_unreachable_hosts() {
    let ssh = root_exec();
    let e = ssh
        .run(
            &Command::new("sleep")
                .arg("20")
                .timeout(Duration::from_millis(500)),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    let port = hermes_testkit::free_port();
    let down = SshExec::new(
        "127.0.0.1",
        port,
        "root",
        SshAuth::Password(Secret::new("x")),
    )
    .host_key(HostKeyPolicy::InsecureAcceptAny);
    let e = down.run(&Command::new("true")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains(&port.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_commands_share_one_connection_in_a_fan_out() {
    let ssh = Arc::new(root_exec());
    let report = FanOut::new(8)
        .run(
            (0..24).map(|i| format!("job-{i:02}")).collect::<Vec<_>>(),
            move |name, _| {
                let ssh = ssh.clone();
                async move {
                    Ok(ssh
                        .run(&Command::new("echo").arg(&name))
                        .await?
                        .check()?
                        .stdout_str())
                }
            },
        )
        .await;
    assert!(report.all_ok(), "{}", report.summary());
    assert_eq!(report.succeeded().nth(5).unwrap().1, "job-05\n");
}
