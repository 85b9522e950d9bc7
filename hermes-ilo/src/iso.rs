//! Per-host ESXi installer ISOs, built with xorriso (Debian's `xorriso` package).
//!
//! From an ESXi installer ISO, [`IsoBuilder::build`] writes a copy with `/KS.CFG` added and both boot
//! configurations (`/BOOT.CFG` for BIOS, `/EFI/BOOT/BOOT.CFG` for UEFI) pointing `kernelopt` at it
//! (`ks=cdrom:/KS.CFG`); the El Torito boot entries are replayed unchanged and Joliet names kept. The
//! result is written to a temporary name and renamed, so a half-built ISO is never visible; its SHA-256
//! and size are returned and recorded in a manifest next to it (`NAME.iso.json`), which also lets a
//! re-run skip an ISO that is already built from the same inputs.
//!
//! ```no_run
//! # async fn demo(ks: hermes_ilo::kickstart::KickstartSpec) -> Result<(), hermes_ilo::IloError> {
//! use hermes_ilo::iso::IsoBuilder;
//! let built = IsoBuilder::new("/srv/iso/VMware-VMvisor-Installer-8.0U3.iso")
//!     .build(&ks, "/srv/hermes/iso/esxi-01.iso")
//!     .await?;
//! println!("{} sha256 {}", built.path.display(), built.sha256);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use hermes_core::{ErrorKind, Sha256Digest};
use serde::{Deserialize, Serialize};
use tokio::process::Command;

use crate::error::{IloError, Result};
use crate::kickstart::{KickstartSpec, RootPassword};

/// A built ISO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltIso {
    /// Where it is.
    pub path: PathBuf,
    /// Its SHA-256.
    pub sha256: Sha256Digest,
    /// Its size in bytes.
    pub size: u64,
    /// The fingerprint of the inputs it was built from (source ISO and kickstart spec).
    pub inputs: String,
    /// Whether this call built it (`false`: an identical one was already there).
    #[serde(skip)]
    pub built: bool,
}

/// Builds per-host ISOs from one ESXi installer ISO.
#[derive(Debug, Clone)]
pub struct IsoBuilder {
    source: PathBuf,
    xorriso: PathBuf,
    timeout: Duration,
}

/// Rewrites a `BOOT.CFG` so that `kernelopt` loads the kickstart from the CD: drops any `ks=` and
/// `cdromBoot` options, keeps the others (`runweasel`...), appends `ks=cdrom:/KS.CFG`; adds the line
/// if there is none. Pure.
pub fn patch_boot_cfg(text: &str) -> String {
    let mut found = false;
    let mut out: Vec<String> = text
        .lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("kernelopt=") {
                found = true;
                let mut opts: Vec<&str> = rest
                    .split_whitespace()
                    .filter(|o| !o.starts_with("ks=") && *o != "cdromBoot")
                    .collect();
                opts.push("ks=cdrom:/KS.CFG");
                format!("kernelopt={}", opts.join(" "))
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        out.push("kernelopt=runweasel ks=cdrom:/KS.CFG".into());
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// The fingerprint of a kickstart spec: its rendering with the password line replaced by a digest of
/// the password material, so that the fingerprint changes when anything (password included) changes
/// but never reveals it.
pub fn spec_fingerprint(spec: &KickstartSpec, password: &RootPassword) -> Result<String> {
    let text = spec.render()?;
    let pw = match password {
        RootPassword::Plain(p) => {
            Sha256Digest::of(format!("hermes-ks-plain:{}", p.expose()).as_bytes())
        }
        RootPassword::Hashed(h) => Sha256Digest::of(format!("hermes-ks-hash:{h}").as_bytes()),
    };
    let stable: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("rootpw ") {
                format!("rootpw {pw}")
            } else {
                l.to_string()
            }
        })
        .collect();
    Ok(Sha256Digest::of(stable.join("\n").as_bytes()).to_string())
}

fn local(path: &Path, kind: ErrorKind, msg: impl Into<String>) -> IloError {
    IloError::local(path.display().to_string(), kind, msg)
}

impl IsoBuilder {
    /// A builder from the installer ISO at `source`.
    pub fn new(source: impl Into<PathBuf>) -> Self {
        IsoBuilder {
            source: source.into(),
            xorriso: PathBuf::from("xorriso"),
            timeout: Duration::from_secs(600),
        }
    }

    /// The xorriso binary (default: `xorriso` on `PATH`).
    pub fn xorriso(mut self, path: impl Into<PathBuf>) -> Self {
        self.xorriso = path.into();
        self
    }

    /// The time limit of each xorriso run (default 10 min).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    async fn run(&self, args: &[&std::ffi::OsStr]) -> Result<String> {
        let mut cmd = Command::new(&self.xorriso);
        cmd.args(args).kill_on_drop(true);
        let out = tokio::time::timeout(self.timeout, cmd.output())
            .await
            .map_err(|_| {
                local(
                    &self.xorriso,
                    ErrorKind::Timeout,
                    format!("xorriso did not finish within {:?}", self.timeout),
                )
            })?
            .map_err(|e| {
                local(
                    &self.xorriso,
                    if e.kind() == std::io::ErrorKind::NotFound {
                        ErrorKind::Unsupported
                    } else {
                        ErrorKind::Internal
                    },
                    format!("cannot run xorriso: {e} (install it: apt-get install xorriso)"),
                )
            })?;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if !out.status.success() {
            let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
            return Err(local(
                &self.source,
                ErrorKind::InvalidInput,
                format!(
                    "xorriso failed ({}): {}",
                    out.status,
                    tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
                ),
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned() + &stderr)
    }

    async fn extract(&self, iso_path: &str, to: &Path) -> Result<Option<String>> {
        let res = self
            .run(&[
                "-osirrox".as_ref(),
                "on".as_ref(),
                "-indev".as_ref(),
                self.source.as_os_str(),
                "-extract".as_ref(),
                iso_path.as_ref(),
                to.as_os_str(),
            ])
            .await;
        match res {
            Ok(_) if to.is_file() => {
                Ok(Some(tokio::fs::read_to_string(to).await.map_err(|e| {
                    local(
                        to,
                        ErrorKind::Internal,
                        format!("cannot read extracted {iso_path}: {e}"),
                    )
                })?))
            }
            Ok(_) => Ok(None),
            // xorriso fails when the file is absent: the caller decides whether that is fine.
            Err(_) => Ok(None),
        }
    }

    /// Builds the ISO for `spec` at `out` (skipped if `out` and its manifest show the same inputs).
    pub async fn build(&self, spec: &KickstartSpec, out: impl AsRef<Path>) -> Result<BuiltIso> {
        let out = out.as_ref();
        let meta = tokio::fs::metadata(&self.source).await.map_err(|e| {
            local(
                &self.source,
                ErrorKind::InvalidInput,
                format!("cannot read the ESXi installer ISO: {e}"),
            )
        })?;
        let inputs = Sha256Digest::of(
            format!(
                "{}|{}|{:?}|{}",
                self.source.display(),
                meta.len(),
                meta.modified().ok(),
                spec_fingerprint(spec, spec.root_password())?
            )
            .as_bytes(),
        )
        .to_string();
        let manifest_path = manifest_path(out);
        if let Ok(text) = tokio::fs::read_to_string(&manifest_path).await {
            if let Ok(m) = serde_json::from_str::<BuiltIso>(&text) {
                if m.inputs == inputs && out.is_file() {
                    let (sha, size) = hermes_core::checksum::sha256_file(out)
                        .await
                        .map_err(|e| local(out, ErrorKind::Internal, e.to_string()))?;
                    if sha == m.sha256 && size == m.size {
                        return Ok(BuiltIso { built: false, ..m });
                    }
                }
            }
        }
        let dir = out.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir).await.map_err(|e| {
            local(
                dir,
                ErrorKind::Internal,
                format!("cannot create directory: {e}"),
            )
        })?;
        let work = tempfile_dir(dir, out)?;
        let ks_path = work.join("KS.CFG");
        tokio::fs::write(&ks_path, spec.render()?)
            .await
            .map_err(|e| local(&ks_path, ErrorKind::Internal, e.to_string()))?;
        let bios_cfg = self
            .extract("/BOOT.CFG", &work.join("orig-boot.cfg"))
            .await?;
        let efi_cfg = self
            .extract("/EFI/BOOT/BOOT.CFG", &work.join("orig-efi-boot.cfg"))
            .await?;
        if bios_cfg.is_none() && efi_cfg.is_none() {
            let _ = tokio::fs::remove_dir_all(&work).await;
            return Err(local(
                &self.source,
                ErrorKind::InvalidInput,
                "neither /BOOT.CFG nor /EFI/BOOT/BOOT.CFG is on this ISO: is it an ESXi installer?",
            ));
        }
        let tmp_iso = work.join("new.iso");
        let mut args: Vec<std::ffi::OsString> = vec![
            "-indev".into(),
            self.source.clone().into(),
            "-outdev".into(),
            tmp_iso.clone().into(),
            "-map".into(),
            ks_path.clone().into(),
            "/KS.CFG".into(),
        ];
        for (orig, iso_path, name) in [
            (&bios_cfg, "/BOOT.CFG", "boot.cfg"),
            (&efi_cfg, "/EFI/BOOT/BOOT.CFG", "efi-boot.cfg"),
        ] {
            if let Some(text) = orig {
                let p = work.join(name);
                tokio::fs::write(&p, patch_boot_cfg(text))
                    .await
                    .map_err(|e| local(&p, ErrorKind::Internal, e.to_string()))?;
                args.extend(["-map".into(), p.into(), iso_path.into()]);
            }
        }
        args.extend([
            "-boot_image".into(),
            "any".into(),
            "replay".into(),
            "-joliet".into(),
            "on".into(),
        ]);
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let res = self.run(&refs).await;
        if let Err(e) = res {
            let _ = tokio::fs::remove_dir_all(&work).await;
            return Err(e);
        }
        let (sha256, size) = hermes_core::checksum::sha256_file(&tmp_iso)
            .await
            .map_err(|e| local(&tmp_iso, ErrorKind::Internal, e.to_string()))?;
        tokio::fs::rename(&tmp_iso, out).await.map_err(|e| {
            local(
                out,
                ErrorKind::Internal,
                format!("cannot move the ISO in place: {e}"),
            )
        })?;
        let built = BuiltIso {
            path: out.to_path_buf(),
            sha256,
            size,
            inputs,
            built: true,
        };
        let manifest = serde_json::to_vec_pretty(&built).expect("serialisable");
        let tmp_manifest = work.join("manifest.json");
        tokio::fs::write(&tmp_manifest, manifest)
            .await
            .map_err(|e| local(&tmp_manifest, ErrorKind::Internal, e.to_string()))?;
        tokio::fs::rename(&tmp_manifest, &manifest_path)
            .await
            .map_err(|e| local(&manifest_path, ErrorKind::Internal, e.to_string()))?;
        let _ = tokio::fs::remove_dir_all(&work).await;
        tracing::info!(iso = %out.display(), %sha256, size, "built ESXi ISO");
        Ok(built)
    }

    /// Reads a file from an ISO (for checks): `None` if it is not there.
    pub async fn read_file(&self, iso: impl AsRef<Path>, iso_path: &str) -> Result<Option<String>> {
        let other = IsoBuilder {
            source: iso.as_ref().to_path_buf(),
            ..self.clone()
        };
        let dir = std::env::temp_dir().join(format!(
            "hermes-iso-read-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| local(&dir, ErrorKind::Internal, e.to_string()))?;
        let out = other.extract(iso_path, &dir.join("f")).await;
        let _ = std::fs::remove_dir_all(&dir);
        out
    }

    /// The El Torito boot catalogue of an ISO as xorriso reports it (`-report_el_torito plain`).
    pub async fn boot_report(&self, iso: impl AsRef<Path>) -> Result<String> {
        self.run(&[
            "-indev".as_ref(),
            iso.as_ref().as_os_str(),
            "-report_el_torito".as_ref(),
            "plain".as_ref(),
        ])
        .await
    }
}

/// The `BOOT.CFG` of an ESXi 8.0 installer (its layout; the module list is shortened).
pub const ESXI_BOOT_CFG: &str = "bootstate=0\ntitle=Loading ESXi installer\ntimeout=5\nprefix=\nkernel=/b.b00\nkernelopt=runweasel cdromBoot\nmodules=/jumpstrt.gz --- /useropts.gz --- /features.gz --- /k.b00 --- /uc_intel.b00\nbuild=8.0.3-0.0.24022510\nupdated=0\n";

/// Writes a small stand-in for an ESXi installer ISO at `out`: the installer's `BOOT.CFG` and
/// `EFI/BOOT/BOOT.CFG`, a placeholder kernel, and El Torito boot entries for BIOS and UEFI (with
/// placeholder boot images). It boots nothing; it lets tests and demos exercise the real ISO
/// rewriting (xorriso) where no licensed ESXi ISO is at hand.
pub async fn write_stand_in_installer(out: &Path, xorriso: &Path) -> Result<()> {
    let dir = tempfile_dir(out.parent().unwrap_or(Path::new(".")), out)?;
    let tree = dir.join("tree");
    let io = |p: &Path, e: std::io::Error| local(p, ErrorKind::Internal, e.to_string());
    for (rel, bytes) in [
        ("BOOT.CFG", ESXI_BOOT_CFG.as_bytes().to_vec()),
        ("EFI/BOOT/BOOT.CFG", ESXI_BOOT_CFG.as_bytes().to_vec()),
        ("B.B00", b"stand-in kernel\n".to_vec()),
        ("ISOLINUX.BIN", vec![0u8; 2048]),
        ("EFIBOOT.IMG", vec![0u8; 64 * 1024]),
    ] {
        let p = tree.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| io(&p, e))?;
    }
    let tmp = dir.join("stand-in.iso");
    let b = IsoBuilder::new(&tmp).xorriso(xorriso);
    let args: Vec<std::ffi::OsString> = vec![
        "-as".into(),
        "mkisofs".into(),
        "-quiet".into(),
        "-o".into(),
        tmp.clone().into(),
        "-J".into(),
        "-R".into(),
        "-V".into(),
        "ESXI-STAND-IN".into(),
        "-b".into(),
        "ISOLINUX.BIN".into(),
        "-c".into(),
        "BOOT.CAT".into(),
        "-no-emul-boot".into(),
        "-boot-load-size".into(),
        "4".into(),
        "-boot-info-table".into(),
        "-eltorito-alt-boot".into(),
        "-e".into(),
        "EFIBOOT.IMG".into(),
        "-no-emul-boot".into(),
        tree.clone().into(),
    ];
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let res = b.run(&refs).await;
    if res.is_ok() {
        std::fs::rename(&tmp, out).map_err(|e| io(out, e))?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    res.map(|_| ())
}

/// Where the manifest of `iso` is written.
pub fn manifest_path(iso: &Path) -> PathBuf {
    let mut name = iso.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    iso.with_file_name(name)
}

fn tempfile_dir(dir: &Path, out: &Path) -> Result<PathBuf> {
    let name = format!(
        ".{}.tmp-{}-{}",
        out.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        fastrand::u64(..)
    );
    let p = dir.join(name);
    std::fs::create_dir_all(&p).map_err(|e| local(&p, ErrorKind::Internal, e.to_string()))?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernelopt_points_at_the_kickstart() {
        // The shape of ESXi 8.0's BOOT.CFG.
        let orig = "bootstate=0\ntitle=Loading ESXi installer\ntimeout=5\nprefix=\nkernel=/b.b00\nkernelopt=runweasel cdromBoot\nmodules=/jumpstrt.gz --- /useropts.gz\nbuild=8.0.3\nupdated=0\n";
        let new = patch_boot_cfg(orig);
        assert!(
            new.contains("\nkernelopt=runweasel ks=cdrom:/KS.CFG\n"),
            "{new}"
        );
        assert!(new.contains("modules=/jumpstrt.gz --- /useropts.gz"));
        assert_eq!(patch_boot_cfg(&new), new, "idempotent");
        assert!(patch_boot_cfg("title=x\n").contains("kernelopt=runweasel ks=cdrom:/KS.CFG"));
    }
}
