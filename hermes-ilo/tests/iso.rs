//! The ISO builder with Debian's xorriso (installed by `scripts/peers.sh up sushy`) on a small
//! stand-in installer ISO the test builds itself (BIOS + UEFI El Torito entries, ESXi's BOOT.CFG).

use std::path::Path;

use hermes_ilo::iso::{write_stand_in_installer, IsoBuilder};
use hermes_ilo::kickstart::{KickstartSpec, RootPassword};

fn spec(ip: &str) -> KickstartSpec {
    KickstartSpec::builder("esxi-iso-test.lab")
        .ip(ip)
        .netmask("255.255.255.0")
        .gateway("10.0.10.1")
        .dns(["10.0.0.53"])
        .ntp(["10.0.0.1"])
        .ssh(true)
        .root_password(RootPassword::plain("Sup3r-secret"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn builds_a_per_host_iso_with_kickstart_and_both_boot_configs() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("installer.iso");
    write_stand_in_installer(&base, Path::new("xorriso"))
        .await
        .unwrap();
    let builder = IsoBuilder::new(&base);
    let before = builder.boot_report(&base).await.unwrap();
    let out = dir.path().join("out/esxi-01.iso");
    let built = builder.build(&spec("10.0.10.11"), &out).await.unwrap();
    assert!(built.built);
    assert_eq!(built.size, std::fs::metadata(&out).unwrap().len());
    let (sha, _) = hermes_core::checksum::sha256_file(&out).await.unwrap();
    assert_eq!(sha, built.sha256);

    let ks = builder.read_file(&out, "/KS.CFG").await.unwrap().unwrap();
    assert!(ks.contains("--ip=10.0.10.11"), "{ks}");
    assert!(!ks.contains("Sup3r-secret"));
    for cfg in ["/BOOT.CFG", "/EFI/BOOT/BOOT.CFG"] {
        let text = builder.read_file(&out, cfg).await.unwrap().unwrap();
        assert!(
            text.contains("kernelopt=runweasel ks=cdrom:/KS.CFG"),
            "{cfg}: {text}"
        );
    }
    // Both El Torito entries (BIOS and UEFI) survive the rewrite.
    let after = builder.boot_report(&out).await.unwrap();
    let entries = |r: &str| {
        r.lines()
            .filter(|l| l.contains("El Torito boot img"))
            .count()
    };
    assert_eq!(entries(&before), 2, "{before}");
    assert_eq!(entries(&after), 2, "{after}");
    assert!(
        after.contains("UEFI") || after.contains("uefi") || after.contains("0xef"),
        "{after}"
    );
    // Joliet names kept.
    assert!(builder.read_file(&out, "/B.B00").await.unwrap().is_some());

    // Same inputs: nothing rebuilt. Another host: another ISO.
    let again = builder.build(&spec("10.0.10.11"), &out).await.unwrap();
    assert!(!again.built);
    assert_eq!(again.sha256, built.sha256);
    let other = builder.build(&spec("10.0.10.12"), &out).await.unwrap();
    assert!(other.built);
    assert_ne!(other.sha256, built.sha256);
    // No temporary files left next to the ISO.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[tokio::test]
async fn a_file_that_is_not_an_installer_iso_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.iso");
    std::fs::write(&bogus, b"not an iso").unwrap();
    let err = IsoBuilder::new(&bogus)
        .build(&spec("10.0.10.11"), dir.path().join("x.iso"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ESXi installer"), "{err}");
    let missing = IsoBuilder::new(dir.path().join("missing.iso"))
        .build(&spec("10.0.10.11"), dir.path().join("x.iso"))
        .await
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("cannot read the ESXi installer ISO"),
        "{missing}"
    );
    assert!(!dir.path().join("x.iso").exists());
}
