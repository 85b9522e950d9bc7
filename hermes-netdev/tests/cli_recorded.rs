//! `CliSession` against real device sessions replayed by an SSH server (`common/sshreplay.rs`):
//! recorded transcripts of Cisco IOS (C3560CX), NX-OS and FortiOS sessions, login banners and
//! pager sequences from `tests/recorded/cli` (provenance in its SOURCES.md), each played whole,
//! byte by byte and in pseudo-random pieces, with the faults FakeNOS cannot produce: escape
//! sequences, `\r\r\n` line ends, `--More--` pagers and their erase sequences, syslog messages
//! printed into the session, confirmation questions, an in-band password asked again.

use std::path::PathBuf;
use std::time::Duration;

use hermes_core::{Classify, ErrorKind, Sent};
use hermes_netdev::cli::{error_line, is_syslog, CliSession, Platform};
use hermes_netdev::NetError;

#[path = "common/sshreplay.rs"]
mod sshreplay;

use sshreplay::{serve, Script, Split, PASSWORD, SPLITS};

fn rec(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/recorded/cli")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn text(name: &str) -> String {
    String::from_utf8(rec(name)).unwrap()
}

/// `\n` → `\r\n` (the scrapligo recordings were stored with bare `\n`; an SSH device sends
/// `\r\n`).
fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// `\n` → `\r\r\n` (IOS and EOS over SSH end some lines so).
fn crcrlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\r\n")
}

/// Real syslog lines (a Catalyst 9000 console: `*Jul 13 07:41:24.122: %SYS-3-HARIKARI: ...`).
fn syslog_lines() -> Vec<String> {
    let raw = rec("unicon_cat9k_ha_reload.txt");
    String::from_utf8_lossy(&raw)
        .lines()
        .filter(|l| l.starts_with("*Jul 13 ") && l.contains(": %"))
        .map(str::to_string)
        .collect()
}

/// The C3560CX `show run int vlan1` transcript: the prompt, the command, its output, the prompt.
struct Transcript {
    prompt: String,
    command: String,
    output: String,
}

fn transcript(name: &str) -> Transcript {
    let t = text(name);
    let (first, rest) = t.split_once('\n').unwrap();
    let hash = first.find('#').unwrap();
    let prompt = first[..=hash].to_string();
    let command = first[hash + 1..].to_string();
    let output = rest.strip_suffix(prompt.as_str()).unwrap().to_string();
    Transcript {
        prompt,
        command,
        output,
    }
}

async fn open(dev: &sshreplay::Device, name: &str, platform: Platform) -> CliSession {
    CliSession::open(&dev.target(name, platform))
        .await
        .unwrap_or_else(|e| panic!("open {name}: {e}"))
}

// --- IOS: scrapligo's C3560CX transcripts ---------------------------------------------------

/// scrapligo_c3560cx_send_input_simple.txt: prompt learned, echo and prompt removed, output
/// returned line for line, with `\r\n` and with `\r\r\n` line ends.
#[tokio::test]
async fn c3560cx_show_run_int_vlan1_output_is_returned_without_echo_or_prompt() {
    let t = transcript("scrapligo_c3560cx_send_input_simple.txt");
    for ends in [crlf as fn(&str) -> String, crcrlf] {
        for split in SPLITS {
            let script = Script::new(&t.prompt).cisco_setup(&t.prompt).line(
                &t.command,
                ends(&format!("{}\n{}{}", t.command, t.output, t.prompt)),
            );
            let dev = serve(script, split).await;
            let mut s = open(&dev, "c3560cx", Platform::Ios).await;
            assert_eq!(s.prompt(), "C3560CX#", "{split:?}");
            let out = s.command(&t.command).await.unwrap();
            assert_eq!(out, t.output, "{split:?}");
            dev.check(true);
        }
    }
}

/// scrapligo_c3560cx_send_command_failure_simple.txt: `% Unknown command ...` is a refusal naming
/// the line and the device.
#[tokio::test]
async fn c3560cx_unknown_command_is_rejected_with_the_device_line() {
    let t = transcript("scrapligo_c3560cx_send_command_failure_simple.txt");
    for split in SPLITS {
        let script = Script::new(&t.prompt).cisco_setup(&t.prompt).line(
            &t.command,
            crlf(&format!("{}\n{}{}", t.command, t.output, t.prompt)),
        );
        let dev = serve(script, split).await;
        let mut s = open(&dev, "c3560cx", Platform::Ios).await;
        let e = s.command(&t.command).await.unwrap_err();
        match &e {
            NetError::DeviceRejected {
                target,
                line,
                message,
            } => {
                assert_eq!(target, "c3560cx");
                assert_eq!(line, "thiscommandshouldfail");
                assert_eq!(
                    message,
                    "% Unknown command or computer name, or unable to find computer address"
                );
            }
            other => panic!("{split:?}: {other:?}"),
        }
        assert_eq!(e.sent(), Sent::Yes);
        dev.check(true);
    }
}

/// scrapligo_c3560cx_send_configs_simple.txt: configuration-mode prompts (`C3560CX(config)#`,
/// `C3560CX(config-if)#`) are recognised, and the prompt the recording repeats after
/// `configure terminal` (scrapli sent an extra Enter) is not taken for the next command's end.
#[tokio::test]
async fn c3560cx_config_mode_prompts_and_a_repeated_prompt() {
    let t = text("scrapligo_c3560cx_send_configs_simple.txt");
    let lines: Vec<&str> = t.lines().collect();
    // C3560CX#, C3560CX#configure terminal, C3560CX(config)#, C3560CX(config)#interface
    // loopback1, C3560CX(config-if)#no interface loopback1, C3560CX(config)#
    assert_eq!(lines.len(), 6, "{t:?}");
    assert!(lines[3].starts_with("C3560CX(config)#interface loopback1"));
    assert!(lines[4].starts_with("C3560CX(config-if)#no interface loopback1"));
    for split in SPLITS {
        let script = Script::new(format!(
            "{}\r\n{}",
            lines[0],
            lines[1].split('#').next().unwrap().to_owned() + "#"
        ))
        .cisco_setup("C3560CX#")
        .line(
            "configure terminal",
            crlf(&format!(
                "configure terminal\n{}\n{}",
                lines[2], "C3560CX(config)#"
            )),
        )
        .line(
            "interface loopback1",
            crlf(&format!("interface loopback1\n{}", "C3560CX(config-if)#")),
        )
        .line(
            "no interface loopback1",
            crlf(&format!("no interface loopback1\n{}", lines[5])),
        );
        let dev = serve(script, split).await;
        let mut s = open(&dev, "c3560cx", Platform::Ios).await;
        s.enter_config().await.unwrap();
        assert_eq!(s.prompt(), "C3560CX(config)#", "{split:?}");
        assert_eq!(s.command("interface loopback1").await.unwrap(), "");
        assert_eq!(s.prompt(), "C3560CX(config-if)#", "{split:?}");
        assert_eq!(s.command("no interface loopback1").await.unwrap(), "");
        assert_eq!(s.prompt(), "C3560CX(config)#", "{split:?}");
        dev.check(true);
    }
}

/// scrapligo_c3560cx_send_interactive_simple.txt: `Clear logging buffer [confirm]` is not waited
/// on until the timeout: `command` declines it (`n`) and says so; `command_confirm` answers
/// Enter, as the recording does, and returns the (empty) output.
#[tokio::test]
async fn c3560cx_confirm_question_is_declined_or_answered() {
    let t = text("scrapligo_c3560cx_send_interactive_simple.txt");
    let (first, rest) = t.split_once('\n').unwrap();
    assert_eq!(first, "C3560CX#clear logging");
    let (question, after) = rest.split_once('\n').unwrap();
    assert_eq!(after, "C3560CX#");
    for split in SPLITS {
        let script = Script::new("C3560CX#")
            .cisco_setup("C3560CX#")
            .line("clear logging", crlf(&format!("clear logging\n{question}")))
            // Declined with one key: the device's reply to `n` is not recorded; the mock prints
            // a new line and the prompt.
            .key(b'n', "\r\nC3560CX#")
            .line("clear logging", crlf(&format!("clear logging\n{question}")))
            .line("", crlf(&format!("\n{after}")));
        let dev = serve(script, split).await;
        let mut s = open(&dev, "c3560cx", Platform::Ios).await;
        let started = tokio::time::Instant::now();
        let e = s.command("clear logging").await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{split:?}: waited {:?}",
            started.elapsed()
        );
        match &e {
            NetError::ConfirmationRequired {
                line, question: q, ..
            } => {
                assert_eq!(line, "clear logging");
                assert_eq!(q, "Clear logging buffer [confirm]");
            }
            other => panic!("{split:?}: {other:?}"),
        }
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let out = s.command_confirm("clear logging", "").await.unwrap();
        assert_eq!(out.trim(), "", "{split:?}");
        assert_eq!(s.prompt(), "C3560CX#");
        dev.check(true);
    }
}

/// scrapligo_c3560cx_auth_telnet_two_attempts.txt: a device that asks for the password inside
/// the session gets it once; asking again after `% Login invalid` is a refused login, and the
/// password appears in neither the error nor its Debug form.
#[tokio::test]
async fn in_band_login_asked_again_is_an_auth_error() {
    let t = text("scrapligo_c3560cx_auth_telnet_two_attempts.txt");
    let first_user = t.find("Username: ").unwrap() + "Username: ".len();
    let first_pw = t.find("Password:\n").unwrap() + "Password:".len();
    let greeting = crlf(&t[..first_user]);
    let after_user = crlf(&t[first_user..first_pw]);
    let again = t[first_pw..].find("Username: ").unwrap() + first_pw + "Username: ".len();
    let after_password = crlf(&t[first_pw..again]);
    for split in SPLITS {
        let script = Script::new(&greeting)
            .line(sshreplay::USER, &after_user)
            .line(PASSWORD, &after_password);
        let dev = serve(script, split).await;
        let e = CliSession::open(&dev.target("c3560", Platform::Ios))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, NetError::Auth { user, .. } if user == sshreplay::USER),
            "{split:?}: {e:?}"
        );
        assert!(!format!("{e} {e:?}").contains(PASSWORD));
        dev.check(true);
    }
}

// --- Login banners: Exscript's recorded banners ------------------------------------------------

/// The banner file as the device prints it: without the file's final newline (the prompt is the
/// last, unterminated line).
fn banner(name: &str) -> Vec<u8> {
    let mut b = rec(name);
    assert_eq!(b.pop(), Some(b'\n'));
    b
}

/// exscript_banner_ios.1/.3/.6, exscript_banner_nxos.1, exscript_banner_fortios.2: the prompt is
/// learned after the banner (lines with `Username:` / `Password:`, `\r\n` or `\n` ends), in
/// ios.6 with the xterm window title (`ESC]2;hostname BEL`) the device prints after it.
#[tokio::test]
async fn prompt_is_learned_after_real_banners() {
    let cases = [
        ("exscript_banner_ios.1", Platform::Ios, "foobar012#"),
        ("exscript_banner_ios.3", Platform::Ios, "hostname#"),
        ("exscript_banner_ios.6", Platform::Ios, "hostname#"),
        ("exscript_banner_nxos.1", Platform::NxOs, "hostname#"),
        (
            "exscript_banner_fortios.2",
            Platform::FortiOs,
            "Forti-Name #",
        ),
    ];
    for (file, platform, prompt) in cases {
        for split in SPLITS {
            let script = Script::new(banner(file));
            let script = match platform {
                Platform::FortiOs => script.fortios_setup("Forti-Name", "Forti-Name # "),
                _ => script.cisco_setup(prompt),
            };
            let dev = serve(script, split).await;
            let s = open(&dev, file, platform).await;
            assert_eq!(s.prompt(), prompt, "{file} {split:?}");
            dev.check(true);
        }
    }
}

/// A banner line that ends in `#` and is followed by the rest of the banner only 50 ms later (a
/// device writing its banner in parts): exscript_banner_ios.3's banner with a line `MOTD#` added
/// by the mock after its first lines. The login waits for output to settle instead of taking
/// that line for the prompt (which would make every later prompt unrecognisable).
#[tokio::test]
async fn a_banner_line_ending_in_a_prompt_character_is_not_the_prompt() {
    let text = String::from_utf8(banner("exscript_banner_ios.3")).unwrap();
    let at = text.find("No unauthorized access!").unwrap();
    for split in SPLITS {
        let script = Script::new(format!("{}MOTD#", &text[..at]))
            .after(Duration::from_millis(50), format!("\r\n{}", &text[at..]))
            .cisco_setup("hostname#");
        let dev = serve(script, split).await;
        let s = open(&dev, "ios3", Platform::Ios).await;
        assert_eq!(s.prompt(), "hostname#", "{split:?}");
        dev.check(true);
    }
}

// --- Pagers ------------------------------------------------------------------------------------

/// A pager prompt and the erase sequence the device prints after the space.
struct Pager {
    name: &'static str,
    prompt: String,
    erase: String,
}

/// The pager byte sequences of Cisco's unicon mock IOS (unicon_ios_mock_data.yaml: ` --More-- `
/// erased with backspaces and spaces, `ESC[K --More-- ` erased with `BS SP BS` and `ESC[K`, the
/// reverse-video `ESC[7m--More--ESC[27m`), and FortiOS's `--More-- ` erased with `\r`, spaces,
/// `\r` (the shape FortiOS prints; no capture under a copyable licence, so written here).
fn pagers() -> Vec<Pager> {
    // The file has duplicate keys elsewhere (a YAML parser refuses it): the two scalars needed
    // per state are read from its text, double-quoted YAML with `\xNN` escapes.
    let y = text("unicon_ios_mock_data.yaml");
    let get = |state: &str, key: &str| -> String {
        let at = y
            .find(&format!("\n{state}:\n"))
            .unwrap_or_else(|| panic!("{state}"));
        let block = &y[at + state.len() + 3..];
        let line = block
            .lines()
            .take_while(|l| l.starts_with(' '))
            .find_map(|l| l.trim_start().strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("{state}.{key}"));
        let quoted = line
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .unwrap();
        let mut out = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('x') => {
                    let hex: String = chars.by_ref().take(2).collect();
                    out.push(u8::from_str_radix(&hex, 16).unwrap() as char);
                }
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    };
    let erase = |state: &str| {
        let p = get(state, "preface");
        p.strip_suffix("second").unwrap().to_string()
    };
    vec![
        Pager {
            name: "ios --More-- with backspaces",
            prompt: get("show_command_with_more_backspace_first", "prompt"),
            erase: erase("show_command_with_more_backspace_second"),
        },
        Pager {
            name: "ios ESC[K --More-- with BS SP BS",
            prompt: get("show_command_with_escape_more_backspace_first", "prompt"),
            erase: erase("show_command_with_escape_more_backspace_second"),
        },
        Pager {
            name: "reverse video --More--",
            prompt: get("show_command_with_escape_more_first", "prompt"),
            erase: String::new(),
        },
        Pager {
            name: "fortios --More-- CR spaces CR",
            prompt: "--More-- ".into(),
            erase: "\r         \r".into(),
        },
    ]
}

/// `output` (lines ending in `\r\n`) with `pager` after every `every` lines: the script's reply
/// up to the first pager, then one key step per page.
fn paged(
    script: Script,
    command: &str,
    output: &str,
    prompt: &str,
    pager: &Pager,
    every: usize,
) -> Script {
    let lines: Vec<&str> = output.split_inclusive('\n').collect();
    let mut pages = lines.chunks(every).map(|c| c.concat()).collect::<Vec<_>>();
    let last = pages.pop().unwrap_or_default();
    let mut script = script;
    let mut reply = format!("{command}\r\n");
    for page in pages {
        reply.push_str(&page);
        reply.push_str(&pager.prompt);
        script = script.line_or_key(reply);
        reply = pager.erase.clone();
    }
    reply.push_str(&last);
    reply.push_str(prompt);
    script.line_or_key(reply)
}

trait Steps {
    fn line_or_key(self, reply: String) -> Self;
}

impl Steps for Script {
    /// The first reply answers the command line (set by the caller as `pending_line`), the
    /// others a space.
    fn line_or_key(mut self, reply: String) -> Self {
        match self.steps.last_mut() {
            Some((sshreplay::Input::Line(_), r)) if r.is_empty() => {
                *r = reply.into_bytes();
                self
            }
            _ => self.key(b' ', reply),
        }
    }
}

/// ntc_cisco_nxos_show_lldp_neighbors_multiline.raw (a real NX-OS output, with lines that start
/// with spaces) paged by each pager: the output comes back exactly, without pager text, escape
/// sequences or erase residue; each page is answered with one space.
#[tokio::test]
async fn pagers_are_answered_and_leave_no_trace() {
    let raw = text("ntc_cisco_nxos_show_lldp_neighbors_multiline.raw");
    let (first, output) = raw.split_once('\n').unwrap();
    let prompt = "r1-services#";
    let command = first.strip_prefix(prompt).unwrap().trim();
    let output_crlf = crlf(output);
    for pager in pagers() {
        for split in SPLITS {
            let script = Script::new(prompt).cisco_setup(prompt).line(command, "");
            let script = paged(script, command, &output_crlf, prompt, &pager, 4);
            let pages = script
                .steps
                .iter()
                .filter(|(i, _)| *i == sshreplay::Input::Key(b' '))
                .count();
            assert!(pages >= 3);
            let dev = serve(script, split).await;
            let mut s = open(&dev, "r1-services", Platform::NxOs).await;
            let out = s.command(command).await.unwrap();
            assert_eq!(out, output, "{} {split:?}", pager.name);
            dev.check(true);
        }
    }
}

/// FortiOS `get system status` (ntc-templates' real FortiGate-40F output in ../shared) paged
/// with FortiOS's `--More-- ` and read from a read-only administrator's `$` prompt, on a
/// device where the console settings cannot be changed (paging stays on).
#[tokio::test]
async fn fortios_read_only_prompt_and_pager() {
    let raw = std::fs::read_to_string(
        hermes_testkit::shared_data()
            .join("netdev/ntc-templates/fortinet_get_system_status_7.0_40f.raw"),
    )
    .unwrap();
    let pager = pagers().pop().unwrap();
    let prompt = "FGT60F $ ";
    for split in SPLITS {
        let script = Script::new(prompt)
            .line(
                "config system console",
                "config system console\r\ncommand parse error before 'console'\r\nCommand fail. Return code -61\r\nFGT60F $ ",
            )
            .line(
                "config global",
                "config global\r\ncommand parse error before 'global'\r\nCommand fail. Return code -61\r\nFGT60F $ ",
            )
            .line("get system status", "");
        let script = paged(script, "get system status", &raw, prompt, &pager, 7);
        let dev = serve(script, split).await;
        let mut s = open(&dev, "fgt60f", Platform::FortiOs).await;
        assert_eq!(s.prompt(), prompt.trim_end());
        let out = s.command("get system status").await.unwrap();
        assert_eq!(out, raw.replace("\r\n", "\n"), "{split:?}");
        dev.check(true);
    }
}

// --- Syslog messages in the session ----------------------------------------------------------

/// Real syslog lines (unicon_cat9k_ha_reload.txt, a Catalyst 9000 console; severities 3 to 6,
/// like `%LINK-3-UPDOWN`) are recognised as syslog and none is an error line.
#[test]
fn real_syslog_lines_are_not_errors() {
    let lines = syslog_lines();
    assert!(lines.len() >= 20, "{}", lines.len());
    for l in &lines {
        assert!(is_syslog(l), "{l}");
        assert_eq!(error_line(l), None, "{l}");
    }
    assert!(lines.iter().any(|l| l.contains("-3-")));
}

/// scrapligo_c3560cx_send_input_simple.txt with real syslog lines printed into the session
/// (terminal monitor without `logging synchronous`): before the echo, after the prompt (no new
/// prompt follows) and between two commands. The output is the same as without them.
#[tokio::test]
async fn syslog_before_the_echo_and_after_the_prompt_is_dropped() {
    let t = transcript("scrapligo_c3560cx_send_input_simple.txt");
    let logs = syslog_lines();
    for split in SPLITS {
        let reply = crlf(&format!(
            "{}\n{}\n{}{}\n{}\n",
            logs[0], t.command, t.output, t.prompt, logs[1]
        ));
        let again = crlf(&format!(
            "{}\n{}\n{}{}",
            logs[2], t.command, t.output, t.prompt
        ));
        let script = Script::new(&t.prompt)
            .cisco_setup(&t.prompt)
            .line(&t.command, reply)
            .line(&t.command, again);
        let dev = serve(script, split).await;
        let mut s = open(&dev, "c3560cx", Platform::Ios).await;
        assert_eq!(s.command(&t.command).await.unwrap(), t.output, "{split:?}");
        assert_eq!(s.prompt(), "C3560CX#");
        assert_eq!(s.command(&t.command).await.unwrap(), t.output, "{split:?}");
        dev.check(true);
    }
}

// --- Error lines -------------------------------------------------------------------------------

/// ntc_cisco_nxos_show_ip_pim_neighbor_vrf_all1.raw: NX-OS's caret line and `% Invalid command
/// at '^' marker.` make the command fail with that line.
#[tokio::test]
async fn nxos_invalid_command_marker_is_rejected() {
    let raw = text("ntc_cisco_nxos_show_ip_pim_neighbor_vrf_all1.raw");
    let cmd = "show ip pim neighbor vrf all";
    for split in SPLITS {
        let script = Script::new("nx1#")
            .cisco_setup("nx1#")
            .line(cmd, crlf(&format!("{cmd}\n{raw}nx1#")));
        let dev = serve(script, split).await;
        let mut s = open(&dev, "nx1", Platform::NxOs).await;
        match s.command(cmd).await.unwrap_err() {
            NetError::DeviceRejected { line, message, .. } => {
                assert_eq!(line, cmd);
                assert_eq!(message, "% Invalid command at '^' marker.");
            }
            other => panic!("{split:?}: {other:?}"),
        }
        dev.check(true);
    }
}

/// FortiOS: sub-mode prompts (`(global)`, `(console)`, `(interface)`, `(port1)`), console
/// settings in `config global` on a device with VDOMs, and refusals printed without `Command
/// fail` (`command parse error before`, `node_check_object fail!` + `value parse error before`,
/// `Attribute '...' MUST be set.`). The top prompt and banner are exscript_banner_fortios.2's;
/// the replies are written in FortiOS's shape (no capture under a copyable licence).
#[tokio::test]
async fn fortios_sub_mode_prompts_and_refusals() {
    let top = "Forti-Name # ";
    let top_seen = top.trim_end();
    for split in SPLITS {
        let script = Script::new(banner("exscript_banner_fortios.2"))
            .line(
                "config system console",
                "config system console\r\ncommand parse error before 'system'\r\nCommand fail. Return code -61\r\nForti-Name # ",
            )
            .quiet("config global", "Forti-Name (global) # ")
            .quiet("config system console", "Forti-Name (console) # ")
            .quiet("set output standard", "Forti-Name (console) # ")
            .quiet("end", "Forti-Name (global) # ")
            .quiet("end", top)
            .quiet("config system interface", "Forti-Name (interface) # ")
            .quiet("edit port1", "Forti-Name (port1) # ")
            .line(
                "set ipp 1.1.1.1",
                "set ipp 1.1.1.1\r\ncommand parse error before 'ipp'\r\nForti-Name (port1) # ",
            )
            .line(
                "set srcintf LAN",
                "set srcintf LAN\r\nnode_check_object fail! for name LAN\r\n\r\nvalue parse error before 'LAN'\r\nForti-Name (port1) # ",
            )
            .line(
                "next",
                "next\r\nAttribute 'type' MUST be set.\r\nForti-Name (interface) # ",
            );
        let dev = serve(script, split).await;
        let mut s = open(&dev, "forti", Platform::FortiOs).await;
        assert_eq!(s.prompt(), top_seen, "{split:?}");
        s.command("config system interface").await.unwrap();
        assert_eq!(s.prompt(), "Forti-Name (interface) #");
        s.command("edit port1").await.unwrap();
        for (cmd, want) in [
            ("set ipp 1.1.1.1", "command parse error before 'ipp'"),
            ("set srcintf LAN", "node_check_object fail! for name LAN"),
            ("next", "Attribute 'type' MUST be set."),
        ] {
            match s.command(cmd).await.unwrap_err() {
                NetError::DeviceRejected { line, message, .. } => {
                    assert_eq!((line.as_str(), message.as_str()), (cmd, want), "{split:?}");
                }
                other => panic!("{cmd} {split:?}: {other:?}"),
            }
        }
        assert_eq!(s.prompt(), "Forti-Name (interface) #");
        dev.check(true);
    }
}

// --- Timeouts ----------------------------------------------------------------------------------

/// A reply that never ends in a prompt (scrapligo_c3560cx_send_input_simple.txt cut before its
/// last prompt) times out naming the device and the command; a device that never prints a
/// prompt at all times out naming the login.
#[tokio::test]
async fn timeouts_name_the_device_and_the_command() {
    let t = transcript("scrapligo_c3560cx_send_input_simple.txt");
    let script = Script::new(&t.prompt)
        .cisco_setup(&t.prompt)
        .line(&t.command, crlf(&format!("{}\n{}", t.command, t.output)));
    let dev = serve(script, Split::Awkward(7)).await;
    let target = dev
        .target("c3560cx", Platform::Ios)
        .command_timeout(Duration::from_secs(1));
    let mut s = CliSession::open(&target).await.unwrap();
    let e = s.command(&t.command).await.unwrap_err();
    match &e {
        NetError::Timeout {
            target,
            command,
            timeout,
        } => {
            assert_eq!(
                (target.as_str(), command.as_str()),
                ("c3560cx", "show run int vlan1")
            );
            assert_eq!(*timeout, Duration::from_secs(1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.to_string().contains("show run int vlan1") && e.to_string().contains("c3560cx"));

    // Only the banner, never a prompt.
    let text = String::from_utf8(banner("exscript_banner_ios.3")).unwrap();
    let cut = text.rfind('\n').unwrap();
    let dev = serve(Script::new(&text[..cut]), Split::Whole).await;
    let target = dev
        .target("ios3", Platform::Ios)
        .command_timeout(Duration::from_secs(1));
    match CliSession::open(&target).await.unwrap_err() {
        NetError::Timeout { command, .. } => assert_eq!(command, "(login)"),
        other => panic!("{other:?}"),
    }
}

/// netmiko_cisco881_slog.log: a Cisco 881 session in user EXEC (`cisco1>`) with the setup
/// `CliSession` sends and `show ip interface brief`, whose rows end in spaces: the replies are
/// the log's own lines and the output comes back with its trailing spaces.
#[tokio::test]
async fn cisco881_session_log_user_exec() {
    let log = text("netmiko_cisco881_slog.log");
    let lines: Vec<&str> = log.lines().collect();
    let prompt = "cisco1>";
    let reply_to = |cmd: &str| {
        let at = lines
            .iter()
            .position(|l| *l == format!("{prompt}{cmd}"))
            .unwrap();
        let out: Vec<&str> = lines[at + 1..]
            .iter()
            .take_while(|l| !l.starts_with(prompt))
            .copied()
            .collect();
        (
            out.iter().map(|l| format!("{l}\n")).collect::<String>(),
            crlf(&format!(
                "{cmd}\n{}{prompt}",
                out.iter().map(|l| format!("{l}\n")).collect::<String>()
            )),
        )
    };
    let (_, length) = reply_to("terminal length 0");
    let (_, width) = reply_to("terminal width 511");
    let (output, show) = reply_to("show ip interface brief");
    assert!(output.lines().count() >= 5 && output.contains("down    \n"));
    for split in SPLITS {
        let script = Script::new(prompt)
            .line("terminal length 0", &length)
            .line("terminal width 511", &width)
            .line("show ip interface brief", &show);
        let dev = serve(script, split).await;
        let mut s = open(&dev, "cisco881", Platform::Ios).await;
        assert_eq!(s.prompt(), prompt);
        assert_eq!(
            s.command("show ip interface brief").await.unwrap(),
            output,
            "{split:?}"
        );
        dev.check(true);
    }
}

/// A refused line that holds a secret is named redacted: by its word (`set psksecret`) or by where
/// it stands (a SNMP community's `set name`); the device itself gets the real line. FortiOS layout
/// written in the documented shape (no licensed FortiOS session capture exists; see SOURCES.md).
#[tokio::test]
async fn a_refused_line_holding_a_secret_is_named_redacted() {
    let refused =
        |line: &str, prompt: &str| format!("{line}\r\nCommand fail. Return code -651\r\n{prompt}");
    for split in SPLITS {
        let script = Script::new("FGT # ")
            .fortios_setup("FGT", "FGT # ")
            .quiet(
                "config vpn ipsec phase1-interface",
                "FGT (phase1-interface) # ",
            )
            .quiet("edit \"to-dc\"", "FGT (to-dc) # ")
            .line(
                "set psksecret s3cr3t-psk",
                refused("set psksecret s3cr3t-psk", "FGT (to-dc) # "),
            )
            .quiet("end", "FGT # ")
            .quiet("config system snmp community", "FGT (community) # ")
            .quiet("edit 1", "FGT (1) # ")
            .line(
                "set name \"s3cr3t-comm\"",
                refused("set name \"s3cr3t-comm\"", "FGT (1) # "),
            );
        let dev = serve(script, split).await;
        let mut s = open(&dev, "fgt", Platform::FortiOs).await;
        s.command("config vpn ipsec phase1-interface")
            .await
            .unwrap();
        s.command("edit \"to-dc\"").await.unwrap();
        for (line, shown) in [
            ("set psksecret s3cr3t-psk", "set psksecret <redacted>"),
            ("end", ""),
            ("config system snmp community", ""),
            ("edit 1", ""),
            ("set name \"s3cr3t-comm\"", "set name <redacted>"),
        ] {
            match s.command(line).await {
                Ok(_) => assert!(shown.is_empty(), "{split:?}: {line} was not refused"),
                Err(e) => {
                    let text = format!("{e} {e:?}");
                    assert!(!text.contains("s3cr3t"), "{split:?}: {text}");
                    match e {
                        NetError::DeviceRejected { line, .. } => assert_eq!(line, shown),
                        other => panic!("{split:?}: {other:?}"),
                    }
                }
            }
        }
        dev.check(true);
    }
}
