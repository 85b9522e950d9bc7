//! Against sushy-tools' Redfish emulator (fake driver), started by `scripts/peers.sh up sushy sushy-tls`.
//! Each test owns one fake system (dl380-09 .. dl380-16) so tests can run in parallel.

mod common;

use std::time::Duration;

use hermes_core::{Classify, ErrorKind};
use hermes_ilo::fileserver::FileServer;
use hermes_ilo::models::PowerState;
use hermes_ilo::system::MediaChange;
use hermes_ilo::{BootOverride, Client, ResetType, SystemSelector};

async fn system(name: &str) -> hermes_ilo::SystemHandle {
    common::sushy()
        .find_system(&SystemSelector::Name(name.into()))
        .await
        .unwrap()
}

#[tokio::test]
async fn discovers_systems_and_managers_from_the_service_root() {
    let c = common::sushy();
    let root = c.service_root().await.unwrap();
    assert!(root.systems.is_some());
    let systems = c.systems().await.unwrap();
    assert!(systems.len() >= 8, "{} systems", systems.len());
    let s = system("dl380-09").await.get().await.unwrap();
    assert_eq!(s.name.as_deref(), Some("dl380-09"));
    assert!(s.boot.unwrap().allowed_targets.contains(&"Cd".to_string()));
    assert!(!c.managers().await.unwrap().is_empty());
    let err = c
        .find_system(&SystemSelector::Name("no-such".into()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("dl380-01"), "{err}");
    let err = c.find_system(&SystemSelector::Only).await.unwrap_err();
    assert!(err.to_string().contains("systems: name one"), "{err}");
}

#[tokio::test]
async fn power_actions_and_wait_loops() {
    let s = system("dl380-10").await;
    // Whatever the state left by an earlier run, get it on, then off, then restart.
    s.ensure_power(PowerState::On, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(s.power_state().await.unwrap(), PowerState::On);
    assert!(
        !s.ensure_power(PowerState::On, Duration::from_secs(5))
            .await
            .unwrap(),
        "already on: nothing sent"
    );
    s.reset(ResetType::ForceOff).await.unwrap();
    s.wait_power(PowerState::Off, Duration::from_secs(30))
        .await
        .unwrap();
    // A wait that cannot succeed times out naming the state it saw.
    let err = s
        .wait_power_every(
            PowerState::On,
            Duration::from_millis(600),
            Duration::from_millis(200),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("last: Off"), "{err}");
    s.reset(ResetType::On).await.unwrap();
    s.wait_power(PowerState::On, Duration::from_secs(30))
        .await
        .unwrap();
    s.reset(ResetType::ForceRestart).await.unwrap();
    s.wait_power(PowerState::On, Duration::from_secs(30))
        .await
        .unwrap();
    s.ensure_power(PowerState::Off, Duration::from_secs(60))
        .await
        .unwrap();
}

#[tokio::test]
async fn boot_override_is_validated_and_set() {
    let s = system("dl380-11").await;
    s.set_boot_override(&BootOverride::continuous("Pxe"))
        .await
        .unwrap();
    let boot = s.get().await.unwrap().boot.unwrap();
    assert_eq!(boot.override_target.as_deref(), Some("Pxe"));
    assert_eq!(boot.override_enabled.as_deref(), Some("Continuous"));
    s.set_boot_override(&BootOverride::once("Cd"))
        .await
        .unwrap();
    assert_eq!(
        s.get()
            .await
            .unwrap()
            .boot
            .unwrap()
            .override_target
            .as_deref(),
        Some("Cd")
    );
    // sushy accepts any target; Hermes checks the allowable values first and sends nothing.
    let err = s
        .set_boot_override(&BootOverride::once("Floppy"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("allowed: Pxe, Cd, Hdd, UefiHttp"),
        "{err}"
    );
    assert_eq!(
        s.get()
            .await
            .unwrap()
            .boot
            .unwrap()
            .override_target
            .as_deref(),
        Some("Cd")
    );
    let err = s.reset(ResetType::PowerCycle).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
}

#[tokio::test]
async fn virtual_media_insert_and_eject_download_the_image_for_real() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.iso"), vec![7u8; 64 * 1024]).unwrap();
    let server = FileServer::bind("127.0.0.1:0".parse().unwrap(), dir.path())
        .await
        .unwrap();
    let url = server.url_for("tiny.iso", None).unwrap().to_string();
    let s = system("dl380-12").await;
    s.eject_media().await.unwrap();
    assert_eq!(s.insert_media(&url).await.unwrap(), MediaChange::Action);
    let cd = s.cd_media().await.unwrap();
    assert_eq!(cd.inserted_image(), Some(url.as_str()));
    assert!(
        server.requests() >= 1,
        "the emulator fetched the image from our server"
    );
    assert_eq!(s.insert_media(&url).await.unwrap(), MediaChange::Unchanged);
    assert_eq!(s.eject_media().await.unwrap(), MediaChange::Action);
    assert_eq!(s.cd_media().await.unwrap().inserted_image(), None);
    assert_eq!(s.eject_media().await.unwrap(), MediaChange::Unchanged);
    // An image the emulator cannot fetch: 400 with a Redfish error body -> invalid input.
    let missing = server.url_for("missing.iso", None).unwrap().to_string();
    let err = s.insert_media(&missing).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(err.status(), Some(400));
    let err = s.insert_media("not a url").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    server.shutdown().await;
}

#[tokio::test]
async fn tls_with_the_generated_ca_and_basic_auth() {
    let (base, ca, user, pw) = common::sushy_tls();
    let ok = Client::builder(&base)
        .ca_pem(ca.clone())
        .basic_auth(&user, pw.as_str())
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let systems = ok.systems().await.unwrap();
    assert!(systems.len() >= 8);
    let s = ok
        .find_system(&SystemSelector::Name("dl380-13".into()))
        .await
        .unwrap();
    s.set_boot_override(&BootOverride::once("Cd"))
        .await
        .unwrap();

    // Wrong password: 401 with the emulator's Redfish error body -> Auth, not retried.
    let bad = Client::builder(&base)
        .ca_pem(ca.clone())
        .basic_auth(&user, "wrong")
        .build()
        .unwrap();
    let err = bad.systems().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(
        err.redfish().unwrap().message.as_deref(),
        Some("Incorrect username or password")
    );
    assert!(!err.to_string().contains(&pw));

    // No CA: the self-signed certificate is refused (verification is on by default).
    let untrusted = Client::builder(&base)
        .basic_auth(&user, pw.as_str())
        .retry(hermes_core::RetryPolicy::none())
        .build()
        .unwrap();
    let err = untrusted.systems().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::VerificationFailed, "{err}");
    assert_eq!(err.sent(), hermes_core::Sent::No);
    let text = err.to_string();
    assert!(text.contains("is not trusted (UnknownIssuer)"), "{text}");
    assert!(
        text.contains("openssl s_client -connect 127.0.0.1:"),
        "{text}"
    );

    // The explicit opt-out works.
    let insecure = Client::builder(&base)
        .basic_auth(&user, pw.as_str())
        .danger_accept_invalid_certs()
        .build()
        .unwrap();
    assert!(!insecure.systems().await.unwrap().is_empty());

    // Session auth against a service without sessions says so.
    let sess = Client::builder(&base)
        .ca_pem(ca)
        .session_auth(&user, pw.as_str())
        .build()
        .unwrap();
    let err = sess.systems().await.unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Unsupported | ErrorKind::NotFound | ErrorKind::Auth
        ),
        "{err}"
    );
}

#[tokio::test]
async fn http_errors_and_refused_connections_are_classified() {
    let c = common::sushy();
    let err = c
        .get::<hermes_ilo::models::ComputerSystem>("/redfish/v1/Systems/does-not-exist")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let port = hermes_testkit::free_port();
    let dead = Client::builder(format!("http://127.0.0.1:{port}"))
        .retry(hermes_core::RetryPolicy::none())
        .build()
        .unwrap();
    let err = dead.systems().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.sent(), hermes_core::Sent::No);
    let core: hermes_core::Error = err.into();
    assert!(core.is_safe_to_retry(hermes_core::Idempotency::NonIdempotent));
}

#[tokio::test]
async fn inventory_of_the_emulator() {
    let inv = common::sushy().inventory().await.unwrap();
    assert!(inv.systems.len() >= 8);
    let text = inv.to_string();
    assert!(text.contains("dl380-14"), "{text}");
    // The fake driver links each system's Storage but answers 500 for it: named, not fatal.
    let storage_gaps = inv
        .gaps
        .iter()
        .filter(|g| g.path.ends_with("/Storage") && g.error.contains("HTTP 500"))
        .count();
    assert_eq!(storage_gaps, inv.systems.len(), "{text}");
}

/// The SHA-256 fingerprint of the sushy-tls server certificate, read from the file the peer script
/// wrote next to its CA.
fn sushy_tls_leaf_sha256() -> String {
    let ca = hermes_testkit::peer("sushy-tls").setting("CA");
    let cert = std::path::Path::new(&ca).with_file_name("server.crt");
    let pem = std::fs::read(&cert).unwrap_or_else(|e| panic!("{}: {e}", cert.display()));
    hermes_core::http::Fingerprint::of_pem(hermes_core::http::FingerprintAlgorithm::Sha256, &pem)
        .unwrap()
        .remove(0)
        .to_string()
}

#[tokio::test]
async fn a_pinned_certificate_is_trusted_without_its_ca_and_a_wrong_pin_is_explained() {
    let (base, _ca, user, pw) = common::sushy_tls();
    let pin = sushy_tls_leaf_sha256();
    let ok = Client::builder(&base)
        .pin_sha256(&pin)
        .unwrap()
        .basic_auth(&user, pw.as_str())
        .retry(common::fast_retry())
        .build()
        .unwrap();
    assert!(ok.systems().await.unwrap().len() >= 8);

    let wrong = "00:".repeat(31) + "01";
    let bad = Client::builder(&base)
        .pin_sha256(&wrong)
        .unwrap()
        .basic_auth(&user, pw.as_str())
        .build()
        .unwrap();
    let err = bad.systems().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::VerificationFailed, "{err}");
    assert!(
        !err.kind().is_transient(),
        "a pin mismatch is never retried"
    );
    let text = err.to_string();
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains(&wrong), "expected fingerprint named: {text}");
    assert!(text.contains(&pin), "presented fingerprint named: {text}");
    assert!(
        text.contains("openssl s_client -connect 127.0.0.1:"),
        "{text}"
    );
    assert!(!text.contains(&pw), "no password in errors");

    let err = Client::builder(&base).pin_sha256("abcd").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn secure_boot_enable_and_disable_on_the_emulator() {
    use hermes_core::{Configurable, Mode};
    use hermes_ilo::secureboot::{ResetKeys, SecureBootConfig, SecureBootSettings};
    let sb = SecureBootSettings::new(system("dl380-12").await);
    // Whatever an earlier run left, drive it to off, then on, then off again.
    for want in [false, true, false] {
        let report = sb
            .converge(&SecureBootConfig { enable: want }, Mode::Apply)
            .await
            .unwrap();
        if report.plan.has_changes() {
            let applied = report.applied.expect("applied");
            assert!(
                applied.restart_required,
                "secure boot changes need a reboot"
            );
        }
        assert_eq!(sb.read().await.unwrap(), SecureBootConfig { enable: want });
        // A second converge finds nothing to do.
        let again = sb
            .converge(&SecureBootConfig { enable: want }, Mode::DryRun)
            .await
            .unwrap();
        assert!(!again.plan.has_changes(), "{}", again.plan);
    }
    let status = sb.status().await.unwrap();
    assert_eq!(status.current_boot.as_deref(), Some("Disabled"));
    // The emulator's SecureBoot has no ResetKeys action: said clearly, nothing sent.
    assert!(!status.can_reset_keys);
    let err = sb.reset_keys(ResetKeys::DeletePK).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(err.to_string().contains("#SecureBoot.ResetKeys"), "{err}");
}

#[tokio::test]
async fn simple_update_reaches_the_emulators_update_service() {
    use hermes_ilo::firmware::SimpleUpdate;
    let c = common::sushy();
    let (path, svc) = c.update_service().await.unwrap();
    assert_eq!(path, "/redfish/v1/UpdateService");
    assert_eq!(
        svc.actions["#UpdateService.SimpleUpdate"].allowable("TransferProtocol"),
        ["HTTP", "HTTPS"]
    );
    // Checked against TransferProtocol@Redfish.AllowableValues before anything is sent.
    let err = c
        .simple_update(&SimpleUpdate::new("tftp://127.0.0.1/fw.bin"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    // Without Targets the emulator refuses the action (its own validation): 400 with its message.
    let err = c
        .simple_update(&SimpleUpdate::new("http://127.0.0.1:9/fw.bin"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("Missing ImageURI and/or Targets"),
        "{err}"
    );
    // With a system as the target, the emulator resolves it and tries to bump its BIOS version; the
    // fake driver (no libvirt) cannot, and says so with a Redfish error: a 500, not retried.
    let target = system("dl380-12").await.path().to_string();
    let err = c
        .simple_update(&SimpleUpdate::new("http://127.0.0.1:9/fw.bin").target(target))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(
        err.to_string().contains("Failed fetching BIOS information"),
        "{err}"
    );
}
