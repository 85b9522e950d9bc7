//! NX-OS `show module`.

use serde::{Deserialize, Serialize};

use super::{ntc_opt, ntc_str, words_at as words};

/// One module (line card, supervisor, fabric module, system controller) of NX-OS `show module`
/// (ntc-templates `cisco_nxos_show_module` fields from the first table, plus what the software,
/// MAC / serial and diagnostics tables say about the same module).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxosModule {
    /// The slot number (`Mod`).
    #[serde(with = "ntc_str")]
    pub module: u32,
    /// `Ports`.
    #[serde(with = "ntc_str")]
    pub ports: u32,
    /// `Module-Type` as printed (cut by the device: `1000 Mbps Optical Ethernet Modul`).
    pub r#type: String,
    /// `Model` (`N9K-X9732C-EX`), absent when the device prints none (unpowered modules).
    #[serde(default, with = "ntc_opt")]
    pub model: Option<String>,
    /// `Status`: `ok`, `active *` (the supervisor of this session), `ha-standby`, `standby`,
    /// `powered-up`, `powered-dn`, `pwr-denied`, `present`, `testing`, `initializing`...
    #[serde(default, with = "ntc_opt")]
    pub status: Option<String>,
    /// Software version (`Mod Sw Hw` table; `NA` as printed).
    #[serde(default, with = "ntc_opt")]
    pub sw: Option<String>,
    /// Hardware version.
    #[serde(default, with = "ntc_opt")]
    pub hw: Option<String>,
    /// The slot name (`LC1`, `SUP1`, `FM2`), when the table has a `Slot` column.
    #[serde(default, with = "ntc_opt")]
    pub slot: Option<String>,
    /// The MAC range (`bc-4a-56-ff-fa-5b to bc-4a-56-ff-fb-dd`, `NA`).
    #[serde(default, with = "ntc_opt")]
    pub mac_address: Option<String>,
    /// `Serial-Num`.
    #[serde(default, with = "ntc_opt")]
    pub serial_number: Option<String>,
    /// `Online Diag Status`: `Pass`, `Fail`...
    #[serde(default, with = "ntc_opt")]
    pub online_diag_status: Option<String>,
}

/// The tables of `show module`, told apart by their header.
#[derive(PartialEq, Clone, Copy)]
enum Table {
    None,
    Modules,
    Software,
    Mac,
    Diag,
    /// Another table of the module section (`Mod Power-Status Reason`): not read.
    Other,
}

/// Column spans from a `---  -----  ------` line: (start, end) byte offsets of each dash run.
fn spans(dashes: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in dashes
        .char_indices()
        .chain(std::iter::once((dashes.len(), ' ')))
    {
        match (c == '-', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether `w` reads as a Cisco product ID (`N9K-SUP-A+`, `N7K-M148GS-11`, `N9K-vSUP`): a dash,
/// a digit, and no lower-case letter before the first dash (`Module-2` is not one).
fn is_model(w: &str) -> bool {
    let head = w.split('-').next().unwrap_or_default();
    w.contains('-')
        && w.bytes().any(|b| b.is_ascii_digit())
        && !head.is_empty()
        && !head.bytes().any(|b| b.is_ascii_lowercase())
}

/// A row of the module table. With the dash line's spans, the model is the word in the model
/// column and the status the words from the status column on; without them, the status is the
/// last word (`active *`: the last two) and the model the word before it if it reads as one.
fn module_row(line: &str, cols: &[(usize, usize)]) -> Option<NxosModule> {
    let w = words(line);
    if w.len() < 3 {
        return None;
    }
    let module = w[0].1.parse().ok()?;
    let ports = w[1].1.parse().ok()?;
    let rest = &w[2..];
    let (mut ty, mut model, mut status) = (Vec::new(), None, Vec::new());
    if let [_, _, _, (model_at, _), (status_at, _)] = cols {
        for &(at, word) in rest {
            if at + 1 >= *status_at {
                status.push(word);
            } else if at + 1 >= *model_at && model.is_none() {
                model = Some(word);
            } else {
                ty.push(word);
            }
        }
    } else {
        let mut rest: Vec<&str> = rest.iter().map(|(_, w)| *w).collect();
        if rest.last() == Some(&"*") && rest.len() >= 2 {
            status = rest.split_off(rest.len() - 2);
        } else if let Some(last) = rest.pop() {
            status.push(last);
        }
        if rest.len() >= 2 && rest.last().is_some_and(|m| is_model(m)) {
            model = rest.pop();
        }
        ty = rest;
    }
    if ty.is_empty() {
        return None;
    }
    Some(NxosModule {
        module,
        ports,
        r#type: ty.join(" "),
        model: model.map(String::from),
        status: (!status.is_empty()).then(|| status.join(" ")),
        sw: None,
        hw: None,
        slot: None,
        mac_address: None,
        serial_number: None,
        online_diag_status: None,
    })
}

/// Parses NX-OS `show module`: the module table (`Mod Ports Module-Type Model Status`, and the
/// Nexus 9800 fabric modules' `LFM Ports ...` table), with the
/// software (`Mod Sw Hw [Slot]`), MAC / serial (`Mod MAC-Address(es) Serial-Num`) and `Online
/// Diag Status` tables merged into each module by number. The Nexus 7000 `Xbar` tables (whose
/// numbers are fabric slots, not modules) and the power-status table are not read; other lines
/// are skipped.
///
/// ```
/// let m = hermes_netdev::show::parse_nxos_show_module(
///     "Mod Ports             Module-Type                      Model           Status\n\
///      --- ----- ------------------------------------- --------------------- ---------\n\
///      1    32   32x100G Ethernet Module               N9K-X9732C-EX         ok\n\
///      27   0    Supervisor Module                     N9K-SUP-A             active *\n\n\
///      Mod  Sw                       Hw    Slot\n\
///      ---  ----------------------- ------ ----\n\
///      1    10.1(0.233)              3.1    LC1\n\n\
///      Mod  MAC-Address(es)                         Serial-Num\n\
///      ---  --------------------------------------  ----------\n\
///      27   54-88-de-ff-09-2f to 54-88-de-ff-09-40  FOC24362EGB\n",
/// );
/// assert_eq!(m.len(), 2);
/// assert_eq!(m[1].status.as_deref(), Some("active *"));
/// assert_eq!(m[0].sw.as_deref(), Some("10.1(0.233)"));
/// assert_eq!(m[1].serial_number.as_deref(), Some("FOC24362EGB"));
/// ```
pub fn parse_nxos_show_module(text: &str) -> Vec<NxosModule> {
    let mut out: Vec<NxosModule> = Vec::new();
    let mut table = Table::None;
    let mut cols: Vec<(usize, usize)> = Vec::new();
    let mut dash_lines = 0;
    // A module row whose end may follow on the next, indented line (an 80-column terminal).
    let mut pending: Option<String> = None;
    let flush =
        |pending: &mut Option<String>, cols: &[(usize, usize)], out: &mut Vec<NxosModule>| {
            if let Some(row) = pending.take().and_then(|p| module_row(&p, cols)) {
                out.push(row);
            }
        };
    for line in text.lines() {
        let t = line.trim_end();
        let w: Vec<&str> = t.split_whitespace().collect();
        let numbered = w.first().and_then(|m| m.parse::<u32>().ok());
        if table == Table::Modules && pending.is_some() {
            if line.starts_with(char::is_whitespace) && numbered.is_none() && !w.is_empty() {
                let joined = format!("{} {}", pending.take().unwrap_or_default(), t.trim());
                pending = Some(joined);
                continue;
            }
            flush(&mut pending, &cols, &mut out);
        }
        let lower = t.to_ascii_lowercase();
        // A header at the left margin: one of the module tables, or another section (`Xbar`,
        // the Nexus 9400 `Lem` expansion modules, whose own `Mod Sw` tables number them from
        // 1 again), whose lines are not read until the next module table.
        if !line.starts_with(char::is_whitespace)
            && numbered.is_none()
            && w.first()
                .is_some_and(|f| f.chars().all(|c| c.is_ascii_alphabetic()))
        {
            // The Nexus 9800 prints its fabric modules in `LFM` tables of the same shape.
            let h: Vec<&str> = lower.split_whitespace().collect();
            let next = match h.as_slice() {
                ["mod" | "lfm", "ports", "module-type", ..] => Table::Modules,
                _ if table == Table::None => Table::None,
                ["mod" | "lfm", "sw", "hw", ..] => Table::Software,
                ["mod" | "lfm", mac, "serial-num", ..] if mac.starts_with("mac-address") => {
                    Table::Mac
                }
                ["mod" | "lfm", "online", "diag", "status", ..] => Table::Diag,
                ["mod" | "lfm", ..] => Table::Other,
                _ => Table::None,
            };
            if next != table || next == Table::Modules {
                cols.clear();
                dash_lines = 0;
            }
            table = next;
            continue;
        }
        if t.trim_start().starts_with("---") {
            dash_lines += 1;
            if table == Table::Modules {
                // A header wrapped onto two lines has two dash lines: its columns are unknown.
                cols = if dash_lines == 1 {
                    spans(t)
                } else {
                    Vec::new()
                };
            }
            continue;
        }
        let Some(n) = numbered else { continue };
        if table == Table::Modules {
            pending = Some(t.to_string());
            continue;
        }
        let Some(m) = out.iter_mut().find(|m| m.module == n) else {
            continue;
        };
        let rest = &w[1..];
        match table {
            Table::Software => {
                m.sw = rest.first().map(|s| s.to_string());
                m.hw = rest.get(1).map(|s| s.to_string());
                // `Slot` (N9K) or the World-Wide-Name column (N7K, `--`): only a slot name is
                // kept.
                m.slot = rest
                    .get(2)
                    .filter(|s| s.bytes().any(|b| b.is_ascii_alphabetic()))
                    .map(|s| s.to_string());
            }
            Table::Mac => match rest {
                [a, "to", b, serial, ..] => {
                    m.mac_address = Some(format!("{a} to {b}"));
                    m.serial_number = Some(serial.to_string());
                }
                [a, serial] => {
                    m.mac_address = Some(a.to_string());
                    m.serial_number = Some(serial.to_string());
                }
                [a] => m.mac_address = Some(a.to_string()),
                _ => {}
            },
            Table::Diag => m.online_diag_status = rest.first().map(|s| s.to_string()),
            Table::Modules | Table::None | Table::Other => {}
        }
    }
    flush(&mut pending, &cols, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_without_a_model_and_xbar_table_skipped() {
        // Hand-written in the Nexus 7000 layout: an unpowered module prints no model; the
        // `Xbar` table numbers fabric slots, which are not modules.
        let m = parse_nxos_show_module(
            "Mod  Ports  Module-Type                      Model              Status\n\
             ---  -----  -------------------------------- ------------------ ------------\n\
             1    48     1000 Mbps Optical Ethernet Modul N7K-M148GS-11      ok\n\
             3    0      Supervisor Module-2                                 powered-up\n\n\
             Mod  Power-Status  Reason \n\
             ---  ------------  ---------------------------\n\
             3    powered-up     Configured Power up\n\n\
             Xbar Ports  Module-Type                      Model              Status\n\
             ---  -----  -------------------------------- ------------------ ------------\n\
             1    0      Fabric Module 2                  N7K-C7010-FAB-2    ok\n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].model.as_deref(), Some("N7K-M148GS-11"));
        assert_eq!(m[1].r#type, "Supervisor Module-2");
        assert_eq!(m[1].model, None);
        assert_eq!(m[1].status.as_deref(), Some("powered-up"));
    }

    #[test]
    fn expansion_modules_wrapped_rows_and_lower_case_models() {
        // genieparser nxos ShowModule golden_output4 (`LFM` fabric modules were not read),
        // golden_output3 (the `Lem` section's tables were merged
        // into module 1), golden_output7 (`N9K-vSUP` was taken for the type) and golden_output8
        // (header and rows wrapped at 80 columns: the model was taken for the status).
        let m = parse_nxos_show_module(
            "Mod Ports             Module-Type                      Model           Status\n\
             --- ----- ------------------------------------- --------------------- ---------\n\
             1    0    Supervisor                            N9K-C9400-SW-GX2A     ok\n\
             27   0    Virtual Supervisor Module             N9K-vSUP              active *\n\
             Mod  Sw                       Hw    Slot\n\
             ---  ----------------------- ------ ----\n\
             1    10.3(0)INA9(0.62)        0.1    LC1\n\
             Mod  Online Diag Status\n\
             ---  ------------------\n\
             1    Pass\n\
             * this terminal session\n\
             Lem Ports             Module-Type                      Model           Status\n\
             --- ----- ------------------------------------- --------------------- ---------\n\
             1    16   16x200G Ethernet Module               N9K-X9400-16W         ok\n\
             Mod  Sw                       Hw    Slot\n\
             ---  ----------------------- ------ ----\n\
             1    10.3(0)INA9(0.62)        0.1    LEM1\n\
             LFM Ports                  Module-Type                            Model           Status\n\
             --- ----- ------------------------------------------------ --------------------- --------\n\
             21   0    8-slot Fabric Module                             N9K-C9808-FM-A        ok        \n\
             Mod  Sw                       Hw    Slot\n\
             ---  ----------------------- ------ ----\n\
             21   NA                       1.0    FM3 \n\
             LFM MAC-Address(es)                         Serial-Num\n\
             --- --------------------------------------  ----------\n\
             21   NA                                      928AF1Z7YSU\n",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(m[2].module, 21);
        assert_eq!(m[2].model.as_deref(), Some("N9K-C9808-FM-A"));
        assert_eq!(m[2].slot.as_deref(), Some("FM3"));
        assert_eq!(m[2].serial_number.as_deref(), Some("928AF1Z7YSU"));
        assert_eq!(m[0].sw.as_deref(), Some("10.3(0)INA9(0.62)"));
        assert_eq!(m[0].slot.as_deref(), Some("LC1"));
        assert_eq!(m[0].online_diag_status.as_deref(), Some("Pass"));
        assert_eq!(m[1].model.as_deref(), Some("N9K-vSUP"));
        assert_eq!(m[1].r#type, "Virtual Supervisor Module");

        let m = parse_nxos_show_module(
            "Mod Ports                  Module-Type                            Model         \n\
             \x20 Status\n\
             --- ----- ------------------------------------------------ ---------------------\n\
             \x20--------\n\
             1    36   28x100/40G + 8x400G QSFP-DD Ethernet Module      N9K-C93600CD-GX      \n\
             \x20ok        \n\
             27   0    Virtual Supervisor Module                        N9K-C93600CD-GX      \n\
             \x20active *  \n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].model.as_deref(), Some("N9K-C93600CD-GX"));
        assert_eq!(m[0].status.as_deref(), Some("ok"));
        assert_eq!(m[0].r#type, "28x100/40G + 8x400G QSFP-DD Ethernet Module");
        assert_eq!(m[1].status.as_deref(), Some("active *"));
    }

    #[test]
    fn without_a_dash_line() {
        let m = parse_nxos_show_module(
            "Mod Ports Module-Type Model Status\n\
             27 0 Supervisor Module N9K-SUP-A active *\n\
             5 36 36x40G Ethernet Module pwr-denied\n",
        );
        assert_eq!(m[0].model.as_deref(), Some("N9K-SUP-A"));
        assert_eq!(m[0].status.as_deref(), Some("active *"));
        assert_eq!(m[1].model, None);
        assert_eq!(m[1].r#type, "36x40G Ethernet Module");
    }
}
