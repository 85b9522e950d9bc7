//! Power cycling a system with the reset types *it* allows.
//!
//! Not every BMC can restart a server in one request: an HPE Cray EX node card allows only
//! `ForceOff`, `Off` and `On`; other services allow only `On` and `ForceOff`, or only
//! `GracefulShutdown` and `On`. [`PowerCycle::choose`] picks, from the system's allowed `ResetType`s
//! (inline, or in the action's `@Redfish.ActionInfo`, see [`SystemHandle::reset_types`]), what a
//! careful operator would:
//!
//! 1. `ForceRestart` (immediate and unambiguous: every service that offers it restarts at once);
//! 2. else `PowerCycle` (a full power removal and restore: also a restart, slower on some BMCs);
//! 3. else a forced off-then-on cycle: `ForceOff`, else the non-standard `Off` (Cray EX); wait (a
//!    bounded poll) until `PowerState` reads `Off`; then `On`, else `ForceOn`;
//! 4. else `GracefulRestart`: it needs the running OS to cooperate (a hung or busy OS ignores it and
//!    the server never boots the installer, while the power state still reads `On`), so a forced
//!    off-then-on is preferred to it;
//! 5. else `GracefulShutdown`, wait for `Off`, then the on;
//! 6. else, where the only way to change the power state is `PushPowerButton` (a service that
//!    lists it and perhaps `Nmi`), a press, wait for `Off`, a press.
//!
//! `PushPowerButton` toggles: a press turns a running system off (on most servers an ACPI power
//! button event, which the OS may take as a shutdown request) and a stopped one on, so a press sent
//! twice undoes itself. It is therefore the last choice for the off and the on (`On`, `ForceOn`,
//! then a press), and it is only ever pressed when the system reads the opposite of the state
//! wanted: a system that reads `PoweringOn` / `PoweringOff` is waited for first, and one in any
//! other state (`Paused`, a vendor's own) is not pressed at all (an [`IloError::Unsupported`]).
//! A resumed install waits for the state a press may already have caused before pressing again
//! (see [`crate::install`]). A power state that is not a Redfish one (`Unknown`, a vendor's own) is
//! never read as off: no cycle is chosen for it (an [`IloError::Unsupported`] naming it). A
//! service that lists no reset types at all (iBMC, whose
//! `ResetActionInfo` cannot be read) gets `ForceRestart` sent unvalidated: the BMC decides.
//!
//! The same preference (restart in one request where the service offers it, else off, wait for off,
//! on) is how bmclib's Redfish provider resets (`PowerCycle`, falling back to off + poll + on) and how
//! Foreman's smart-proxy power-cycles Dell iDRACs that predate `ForceRestart` (`ForceOff`, then
//! `On`); Hermes reads the allowable values instead of trying a request and reacting to the refusal,
//! so nothing refused is ever sent, and it waits for `Off` instead of sleeping a fixed time.
//!
//! The install workflow ([`crate::install`]) runs the same choice as resumable steps; this module's
//! [`SystemHandle::power_cycle`] runs it in one call.
//!
//! ```
//! use hermes_ilo::models::PowerState;
//! use hermes_ilo::power::PowerCycle;
//! use hermes_ilo::ResetType;
//! let cray = ["ForceOff", "Off", "On"].map(String::from);
//! assert_eq!(
//!     PowerCycle::choose("/redfish/v1/Systems/Node0", &PowerState::On, &cray)?,
//!     PowerCycle::OffThenOn { off: ResetType::ForceOff, on: ResetType::On }
//! );
//! # Ok::<(), hermes_ilo::IloError>(())
//! ```

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{IloError, Result};
use crate::models::PowerState;
use crate::system::{ResetType, SystemHandle};

/// The resets that restart a running system in one request without the OS, most preferred first.
const RESTARTS: [ResetType; 2] = [ResetType::ForceRestart, ResetType::PowerCycle];
/// The resets that power a system off without the OS, most preferred first.
const FORCED_OFFS: [ResetType; 2] = [ResetType::ForceOff, ResetType::Off];
/// The resets that power a system on, most preferred first (the toggling press last).
const ONS: [ResetType; 3] = [
    ResetType::On,
    ResetType::ForceOn,
    ResetType::PushPowerButton,
];

/// How a system is power-cycled (or powered on), chosen from its allowed reset types by
/// [`PowerCycle::choose`]. Serialisable: the install workflow keeps it in its state file so a resumed
/// run finishes the cycle it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PowerCycle {
    /// The system is off: power it on with `on`.
    PowerOn {
        /// `On`, `ForceOn` or `PushPowerButton`.
        on: ResetType,
    },
    /// The system is on and one reset restarts it.
    Restart {
        /// `ForceRestart`, `PowerCycle` or `GracefulRestart`.
        reset: ResetType,
        /// How to power it on should it be found off before the restart is sent.
        on: ResetType,
    },
    /// The system is on and allows no restart: power it off, wait until it reads `Off`, power it on.
    OffThenOn {
        /// `ForceOff`, `Off`, `GracefulShutdown` or `PushPowerButton`.
        off: ResetType,
        /// `On`, `ForceOn` or `PushPowerButton`.
        on: ResetType,
    },
}

impl PowerCycle {
    /// Chooses how to cycle the system at `path` (for the error message), now in power state `power`,
    /// from its `allowed` reset types (empty: the service does not say, and the BMC decides). See the
    /// module documentation for the order. An [`IloError::Unsupported`] naming the allowed values when
    /// they hold neither a restart nor both an off and an on, or when `power` is not a Redfish power
    /// state (`PowerState::Other`: whether the server runs is unknown).
    pub fn choose(path: &str, power: &PowerState, allowed: &[String]) -> Result<PowerCycle> {
        let has = |t: ResetType| allowed.is_empty() || allowed.iter().any(|a| a == t.as_str());
        let first = |list: &[ResetType]| list.iter().copied().find(|t| has(*t));
        let unsupported = |what: &str| IloError::Unsupported {
            target: path.to_string(),
            message: format!(
                "{path} cannot be {what} with the reset types it allows ({}): Hermes needs {}",
                allowed.join(", "),
                if what == "powered on" {
                    "On, ForceOn or PushPowerButton"
                } else {
                    "ForceRestart, PowerCycle or GracefulRestart, or an off (ForceOff, Off, \
                     GracefulShutdown or PushPowerButton) and an on (On, ForceOn or \
                     PushPowerButton)"
                }
            ),
        };
        let on = first(&ONS);
        match power {
            // Off (or on its way there; the cycle waits for Off first), or Paused, which no reset
            // restarts: power on. A press is no power-on from a state that is neither on nor
            // off: what it would do is unknown.
            PowerState::Off | PowerState::PoweringOff => Ok(PowerCycle::PowerOn {
                on: on.ok_or_else(|| unsupported("powered on"))?,
            }),
            // Not a Redfish power state ("Unknown", a vendor's own, a typo): whether the server
            // runs is unknown, and an on sent to a running server restarts nothing (the install
            // would wait for a boot that never comes). Refused rather than read as off.
            PowerState::Other(_) => Err(IloError::Unsupported {
                target: path.to_string(),
                message: format!(
                    "{path} reads power state {power}, which is not a Redfish power state (On, \
                     Off, PoweringOn, PoweringOff, Paused): Hermes cannot tell whether the server \
                     runs, so it chooses none of the resets it allows ({}); check the server, \
                     power it on or off by hand and run again",
                    allowed.join(", ")
                ),
            }),
            PowerState::Paused => match on {
                Some(on) if !on.toggles() => Ok(PowerCycle::PowerOn { on }),
                Some(on) => Err(IloError::Unsupported {
                    target: path.to_string(),
                    message: format!(
                        "{path} reads power state {power} and allows only {on} ({}) to power \
                         it on: a press toggles, so what it would do from {power} is unknown; \
                         power the server off or on by hand and run again",
                        allowed.join(", ")
                    ),
                }),
                None => Err(unsupported("powered on")),
            },
            PowerState::On | PowerState::PoweringOn => {
                let restart = |reset| PowerCycle::Restart {
                    reset,
                    on: on.unwrap_or(ResetType::On),
                };
                if let Some(reset) = first(&RESTARTS) {
                    return Ok(restart(reset));
                }
                if let (Some(off), Some(on)) = (first(&FORCED_OFFS), on) {
                    return Ok(PowerCycle::OffThenOn { off, on });
                }
                if has(ResetType::GracefulRestart) {
                    return Ok(restart(ResetType::GracefulRestart));
                }
                let off = [ResetType::GracefulShutdown, ResetType::PushPowerButton]
                    .into_iter()
                    .find(|t| has(*t));
                match (off, on) {
                    (Some(off), Some(on)) => Ok(PowerCycle::OffThenOn { off, on }),
                    _ => Err(unsupported("power-cycled")),
                }
            }
        }
    }

    /// The reset that powers the system on at the end of the cycle.
    pub fn on(&self) -> ResetType {
        match *self {
            PowerCycle::PowerOn { on }
            | PowerCycle::Restart { on, .. }
            | PowerCycle::OffThenOn { on, .. } => on,
        }
    }

    /// Whether the cycle powers the system off and waits for `Off` before powering it on.
    pub fn is_off_then_on(&self) -> bool {
        matches!(self, PowerCycle::OffThenOn { .. })
    }
}

impl fmt::Display for PowerCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowerCycle::PowerOn { on } => write!(f, "power on ({on})"),
            PowerCycle::Restart { reset, .. } => write!(f, "restart ({reset})"),
            PowerCycle::OffThenOn { off, on } => {
                write!(f, "power off ({off}), wait for Off, power on ({on})")
            }
        }
    }
}

impl SystemHandle {
    /// The `ResetType`s the system allows: those listed inline and those of the action's
    /// `@Redfish.ActionInfo` (when linked and readable), in that order, without repeats. Empty when
    /// the service says neither; an [`IloError::Unsupported`] when the system has no reset action.
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// println!("{:?}", server.reset_types().await?); // ["ForceOff", "Off", "On"] on a Cray EX node
    /// # Ok(()) }
    /// ```
    pub async fn reset_types(&self) -> Result<Vec<String>> {
        let sys = self.get().await?;
        let action = sys
            .actions
            .reset
            .as_ref()
            .ok_or_else(|| IloError::Unsupported {
                target: self.client().target().to_string(),
                message: format!("{} offers no #ComputerSystem.Reset action", self.path()),
            })?;
        let mut allowed = action.allowable("ResetType");
        if let Some(info) = action.action_info.as_deref() {
            let described = self
                .client()
                .allowable_from(Vec::new(), Some(info), "ResetType")
                .await?;
            for v in described {
                if !allowed.contains(&v) {
                    allowed.push(v);
                }
            }
        }
        Ok(allowed)
    }

    /// How [`SystemHandle::power_cycle`] would cycle this system now (read-only): its power state
    /// and allowed reset types through [`PowerCycle::choose`].
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// println!("would {}", server.power_cycle_method().await?); // "would restart (ForceRestart)"
    /// # Ok(()) }
    /// ```
    pub async fn power_cycle_method(&self) -> Result<PowerCycle> {
        let allowed = self.reset_types().await?;
        let power = self.power_state().await?;
        PowerCycle::choose(self.path(), &power, &allowed).map_err(|e| match e {
            IloError::Unsupported { message, .. } => IloError::Unsupported {
                target: self.client().target().to_string(),
                message,
            },
            other => other,
        })
    }

    /// Power-cycles the system with the reset types it allows (see [`PowerCycle::choose`]): powers it
    /// on if it is off, else restarts it, else powers it off, waits (polling every second, at most
    /// `timeout`) until it reads `Off`, and powers it on. Returns what it did. Does not wait for the
    /// system to come back on (use [`SystemHandle::wait_power`]).
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// use std::time::Duration;
    /// let how = server.power_cycle(Duration::from_secs(300)).await?;
    /// println!("{how}"); // "power off (ForceOff), wait for Off, power on (On)" on a Cray EX node
    /// # Ok(()) }
    /// ```
    pub async fn power_cycle(&self, timeout: Duration) -> Result<PowerCycle> {
        let how = self.power_cycle_method().await?;
        self.run_power_cycle(how, timeout, Duration::from_secs(1))
            .await?;
        Ok(how)
    }

    /// Runs `how` (normally from [`SystemHandle::power_cycle_method`]): the off half of an
    /// off-then-on cycle with [`SystemHandle::power_off_for_cycle`], then the reset that restarts or
    /// powers on the system. The reset types are not re-chosen: `how` is sent as it is (each reset
    /// still validated against the allowed values by [`SystemHandle::reset`]).
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// use std::time::Duration;
    /// let how = server.power_cycle_method().await?;
    /// // ... record `how` (it is serialisable) before sending anything ...
    /// server.run_power_cycle(how, Duration::from_secs(300), Duration::from_secs(2)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn run_power_cycle(
        &self,
        how: PowerCycle,
        timeout: Duration,
        every: Duration,
    ) -> Result<()> {
        if let PowerCycle::OffThenOn { off, .. } = how {
            self.power_off_for_cycle(off, timeout, every).await?;
        }
        let power = self.power_state().await?;
        if let (PowerCycle::Restart { reset, .. }, PowerState::On | PowerState::PoweringOn) =
            (how, &power)
        {
            return self.reset(reset).await;
        }
        if how.on().toggles() {
            // Pressed only if the system reads Off (after PoweringOff): a press would turn off
            // one that is on already.
            self.press_power_button_towards(PowerState::On, timeout, every)
                .await?;
            return Ok(());
        }
        if power == PowerState::PoweringOff {
            self.wait_off(None, timeout, every).await?;
        }
        self.reset(how.on()).await
    }

    /// Presses the power button (`PushPowerButton`, which toggles) only if that moves the system
    /// towards `want` (`On` or `Off`): nothing is sent when it reads `want` or is on its way there;
    /// a system on its way to the opposite state is waited for (polling every `every`, at most
    /// `timeout`) and then pressed. Returns whether it pressed. A system in any other state
    /// (`Paused`, a vendor's own) is not pressed: an [`IloError::Unsupported`] naming it and its
    /// state. Does not wait for `want` itself (see [`SystemHandle::wait_power`]).
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// use std::time::Duration;
    /// use hermes_ilo::models::PowerState;
    /// let pressed = server
    ///     .press_power_button_towards(PowerState::On, Duration::from_secs(120), Duration::from_secs(1))
    ///     .await?;
    /// println!("pressed: {pressed}"); // false: the server was already on
    /// # Ok(()) }
    /// ```
    pub async fn press_power_button_towards(
        &self,
        want: PowerState,
        timeout: Duration,
        every: Duration,
    ) -> Result<bool> {
        let (towards, opposite, away) = match want {
            PowerState::On => (
                PowerState::PoweringOn,
                PowerState::Off,
                PowerState::PoweringOff,
            ),
            PowerState::Off => (
                PowerState::PoweringOff,
                PowerState::On,
                PowerState::PoweringOn,
            ),
            other => {
                return Err(IloError::invalid(
                    self.client().target(),
                    format!("the power button can only be pressed towards On or Off, not {other}"),
                ))
            }
        };
        let now = self.power_state().await?;
        if now == want || now == towards {
            return Ok(false);
        }
        if now == away {
            self.wait_power_every(opposite.clone(), timeout, every)
                .await?;
        } else if now != opposite {
            return Err(IloError::Unsupported {
                target: self.client().target().to_string(),
                message: format!(
                    "{} reads power state {now}: Hermes presses its power button \
                     (PushPowerButton toggles) only when it reads {opposite}, to make it {want}; \
                     power the server {} by hand and run again",
                    self.path(),
                    if want == PowerState::On { "off" } else { "on" }
                ),
            });
        }
        self.reset(ResetType::PushPowerButton).await?;
        Ok(true)
    }

    /// The off half of an off-then-on cycle, safe to repeat: sends `off` unless the system already
    /// reads `Off` or `PoweringOff`, then polls every `every` until it reads `Off`, at most `timeout`
    /// (an [`IloError::Timeout`] naming the system, the reset sent and the last state seen). Sending
    /// the off again after an interruption is harmless: nothing was powered on yet. A
    /// `PushPowerButton` off is pressed only when the system reads `On` (see
    /// [`SystemHandle::press_power_button_towards`]).
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// use std::time::Duration;
    /// use hermes_ilo::ResetType;
    /// server.power_off_for_cycle(ResetType::ForceOff, Duration::from_secs(120), Duration::from_secs(1)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn power_off_for_cycle(
        &self,
        off: ResetType,
        timeout: Duration,
        every: Duration,
    ) -> Result<()> {
        let sent = if off.toggles() {
            self.press_power_button_towards(PowerState::Off, timeout, every)
                .await?
                .then_some(off)
        } else {
            match self.power_state().await? {
                PowerState::Off => return Ok(()),
                PowerState::PoweringOff => None,
                _ => {
                    self.reset(off).await?;
                    Some(off)
                }
            }
        };
        self.wait_off(sent, timeout, every).await
    }

    async fn wait_off(
        &self,
        sent: Option<ResetType>,
        timeout: Duration,
        every: Duration,
    ) -> Result<()> {
        self.wait_power_every(PowerState::Off, timeout, every)
            .await
            .map_err(|e| match e {
                IloError::Timeout { target, message } => IloError::Timeout {
                    target,
                    message: format!(
                        "{message}{}: the power-on half of the cycle was not sent; check the \
                         server's console, power it off by hand (or allow ForceOff) and run again{}",
                        match sent {
                            Some(off) => format!(" after {off}"),
                            None => String::new(),
                        },
                        if sent.is_some_and(|off| off.toggles()) {
                            " (a power button press is a request the OS may ignore)"
                        } else {
                            ""
                        }
                    ),
                },
                other => other,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn choose(power: PowerState, v: &[&str]) -> Result<PowerCycle> {
        PowerCycle::choose("/redfish/v1/Systems/1", &power, &allowed(v))
    }

    #[test]
    fn a_restart_is_preferred_in_order() {
        // Dell iDRAC 9 (inline list): ForceRestart although PowerCycle is also there.
        let dell = [
            "On",
            "ForceOff",
            "ForceRestart",
            "GracefulRestart",
            "GracefulShutdown",
            "PushPowerButton",
            "Nmi",
            "PowerCycle",
        ];
        assert_eq!(
            choose(PowerState::On, &dell).unwrap(),
            PowerCycle::Restart {
                reset: ResetType::ForceRestart,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(
                PowerState::On,
                &["On", "ForceOff", "PowerCycle", "GracefulRestart"]
            )
            .unwrap(),
            PowerCycle::Restart {
                reset: ResetType::PowerCycle,
                on: ResetType::On
            }
        );
        // A forced off-then-on before a graceful restart a hung OS would ignore.
        assert_eq!(
            choose(
                PowerState::On,
                &["On", "ForceOff", "GracefulRestart", "GracefulShutdown"]
            )
            .unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::ForceOff,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(PowerState::PoweringOn, &["GracefulRestart", "ForceOn"]).unwrap(),
            PowerCycle::Restart {
                reset: ResetType::GracefulRestart,
                on: ResetType::ForceOn
            }
        );
    }

    #[test]
    fn without_a_restart_the_cycle_is_off_then_on() {
        // HPE Cray EX node card (its ResetActionInfo).
        assert_eq!(
            choose(PowerState::On, &["ForceOff", "Off", "On"]).unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::ForceOff,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(PowerState::On, &["Off", "On"]).unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::Off,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(PowerState::On, &["GracefulShutdown", "On"]).unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::GracefulShutdown,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(
                PowerState::On,
                &["ForceOn", "GracefulShutdown", "PushPowerButton"]
            )
            .unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::GracefulShutdown,
                on: ResetType::ForceOn
            }
        );
    }

    #[test]
    fn a_system_that_is_off_is_powered_on() {
        assert_eq!(
            choose(PowerState::Off, &["ForceOff", "Off", "On"]).unwrap(),
            PowerCycle::PowerOn { on: ResetType::On }
        );
        assert_eq!(
            choose(PowerState::PoweringOff, &["ForceOn", "ForceRestart"]).unwrap(),
            PowerCycle::PowerOn {
                on: ResetType::ForceOn
            }
        );
    }

    #[test]
    fn an_unlisted_set_lets_the_bmc_decide() {
        // iBMC: no inline list and an unreadable ActionInfo.
        assert_eq!(
            choose(PowerState::On, &[]).unwrap(),
            PowerCycle::Restart {
                reset: ResetType::ForceRestart,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(PowerState::Off, &[]).unwrap(),
            PowerCycle::PowerOn { on: ResetType::On }
        );
    }

    #[test]
    fn no_usable_reset_is_unsupported_naming_the_allowed_values() {
        for (power, v) in [
            (PowerState::On, &["Nmi"][..]),
            (PowerState::Off, &["Nmi", "GracefulShutdown"][..]),
            (PowerState::On, &["ForceOff", "Nmi"][..]),
            (PowerState::On, &["On"][..]),
            (PowerState::Off, &["ForceOff", "ForceRestart"][..]),
        ] {
            let err = choose(power.clone(), v).unwrap_err();
            assert_eq!(
                hermes_core::Classify::kind(&err),
                hermes_core::ErrorKind::Unsupported,
                "{err}"
            );
            let text = err.to_string();
            assert!(text.contains(&v.join(", ")), "{text}");
            assert!(text.contains("/redfish/v1/Systems/1"), "{text}");
        }
    }

    #[test]
    fn the_power_button_is_the_last_off_and_the_last_on() {
        let press = ResetType::PushPowerButton;
        // A service whose only power control is the button (and Nmi).
        assert_eq!(
            choose(PowerState::On, &["PushPowerButton", "Nmi"]).unwrap(),
            PowerCycle::OffThenOn {
                off: press,
                on: press
            }
        );
        for off in [PowerState::Off, PowerState::PoweringOff] {
            assert_eq!(
                choose(off, &["Nmi", "PushPowerButton"]).unwrap(),
                PowerCycle::PowerOn { on: press }
            );
        }
        // Any standard off or on is preferred to a press.
        assert_eq!(
            choose(PowerState::On, &["ForceOff", "PushPowerButton"]).unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::ForceOff,
                on: press
            }
        );
        assert_eq!(
            choose(PowerState::On, &["PushPowerButton", "On"]).unwrap(),
            PowerCycle::OffThenOn {
                off: press,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(
                PowerState::On,
                &["PushPowerButton", "GracefulShutdown", "On"]
            )
            .unwrap(),
            PowerCycle::OffThenOn {
                off: ResetType::GracefulShutdown,
                on: ResetType::On
            }
        );
        assert_eq!(
            choose(PowerState::On, &["PushPowerButton", "GracefulRestart"]).unwrap(),
            PowerCycle::Restart {
                reset: ResetType::GracefulRestart,
                on: press
            }
        );
        // A service that lists nothing still gets the standard values.
        assert_eq!(
            choose(PowerState::Off, &[]).unwrap(),
            PowerCycle::PowerOn { on: ResetType::On }
        );
    }

    #[test]
    fn a_press_from_a_state_neither_on_nor_off_is_refused() {
        for state in [PowerState::Paused, PowerState::Other("Standby".into())] {
            let err = choose(state.clone(), &["PushPowerButton", "Nmi"]).unwrap_err();
            assert_eq!(
                hermes_core::Classify::kind(&err),
                hermes_core::ErrorKind::Unsupported
            );
            let text = err.to_string();
            assert!(
                text.contains(&format!("reads power state {state}"))
                    && text.contains("PushPowerButton, Nmi"),
                "{text}"
            );
        }
        // A state that is not a Redfish one is refused even with a real on (it was powered on, as
        // if it read Off, though it may be running).
        let err = choose(PowerState::Other("Unknown".into()), &["On", "ForceOff"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("reads power state Unknown, which is not a Redfish power state"),
            "{err}"
        );
        // With a real on, a paused system is powered on as before.
        assert_eq!(
            choose(PowerState::Paused, &["PushPowerButton", "On"]).unwrap(),
            PowerCycle::PowerOn { on: ResetType::On }
        );
    }

    #[test]
    fn the_choice_round_trips_through_the_state_file_format() {
        let how = PowerCycle::OffThenOn {
            off: ResetType::Off,
            on: ResetType::On,
        };
        let text = serde_json::to_string(&how).unwrap();
        assert_eq!(text, r#"{"method":"off_then_on","off":"Off","on":"On"}"#);
        assert_eq!(serde_json::from_str::<PowerCycle>(&text).unwrap(), how);
    }
}
