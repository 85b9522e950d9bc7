//! Confirmation of alarms before they alert: Prometheus' `for`, for anomaly onsets.
//!
//! The ensemble scores onsets: a lasting anomaly crosses the alarm level once, at its start. At an
//! alarm level of 0.999 (the live default until the fifteenth round; 0.9999 now), a series' mere
//! record (the most extreme value of its last 6,000 points) also reaches it, so plain noise alarms
//! about once a day per series at 15 s steps. A
//! [`Confirmer`] holds such an onset as pending and lets it alert only if the onset and the next
//! `points` verdicts together depart from the expected value: their Stouffer z
//! `Σ zᵢ / √n ≥ 4`, each `zᵢ` the point's departure in units of its band (the band is ±4 σ), i.e.
//! the points' mean lies beyond the band's edge scaled by `1/√n`. With `points` 2, that is a
//! single spike of at least 6.9 σ or a shift of at least 2.3 σ lasting three points; the record of
//! noise (|z| about 4, then ordinary points) is dismissed.
//!
//! Alarms that are not departures (a stuck value, a new shape found by the ART) are not held: they
//! alert at once, also while an onset waits (which they then stand for). An onset on the point that
//! ends an unconfirmed wait waits in turn.

use crate::detect::{ensemble, Verdict};

/// Stouffer z at which a pending onset is confirmed (the band's edge).
const CONFIRM_Z: f64 = 4.0;

/// What a [`Confirmer`] makes of a verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgement {
    /// Nothing to alert on.
    Quiet,
    /// An onset reached the alarm level and waits for the next points.
    Pending,
    /// Alert now, with this verdict (the onset's, if it was pending).
    Alert(Verdict),
    /// The pending onset was not borne out by the points after it: no alert.
    Dismissed(Verdict),
}

/// Holds alarm onsets until the following points confirm them. See the module documentation.
///
/// ```
/// use hermes_anomaly::detect::{AnomalyKind, Verdict};
/// use hermes_anomaly::monitor::confirm::{Confirmer, Judgement};
/// let point = |x: f64, score: f64| {
///     Verdict::new("ensemble/robust_z", AnomalyKind::Point, x, score).with_band(0.0, -4.0, 4.0)
/// };
/// let mut c = Confirmer::new(2);
/// // A record of noise: 4.5 σ, then ordinary points.
/// assert_eq!(c.judge(&point(4.5, 0.9994), 0.999), Judgement::Pending);
/// assert_eq!(c.judge(&point(0.3, 0.0), 0.999), Judgement::Pending);
/// assert!(matches!(c.judge(&point(-0.8, 0.0), 0.999), Judgement::Dismissed(_)));
/// // A lasting departure.
/// assert_eq!(c.judge(&point(9.0, 0.99999), 0.999), Judgement::Pending);
/// assert_eq!(c.judge(&point(8.0, 0.0), 0.999), Judgement::Pending);
/// assert!(matches!(c.judge(&point(8.5, 0.0), 0.999), Judgement::Alert(v) if v.observed == 9.0));
/// ```
#[derive(Debug, Clone)]
pub struct Confirmer {
    points: usize,
    pending: Option<Pending>,
}

#[derive(Debug, Clone)]
struct Pending {
    onset: Verdict,
    sum_z: f64,
    n: usize,
}

impl Confirmer {
    /// Confirms an onset with the `points` verdicts after it (0: every alarm alerts at once).
    pub fn new(points: usize) -> Self {
        Confirmer {
            points,
            pending: None,
        }
    }

    /// Whether an onset is waiting for confirmation.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Judges the next verdict of the series, alarming at `level`.
    pub fn judge(&mut self, v: &Verdict, level: f64) -> Judgement {
        if v.skipped {
            return if self.pending.is_some() {
                Judgement::Pending
            } else {
                Judgement::Quiet
            };
        }
        let alarm = v.score >= level;
        if let Some(p) = &mut self.pending {
            if alarm && departure(v).filter(|_| held(v)).is_none() {
                // An alarm that is not held (a stuck value, a new shape) alerts at once; it
                // stands for the incident the pending onset may have been the start of.
                self.pending = None;
                return Judgement::Alert(*v);
            }
            p.sum_z += departure(v).unwrap_or(0.0);
            p.n += 1;
            if p.n <= self.points {
                return Judgement::Pending;
            }
            let stouffer = p.sum_z / (p.n as f64).sqrt();
            let Some(p) = self.pending.take() else {
                return Judgement::Quiet;
            };
            if stouffer.abs() >= CONFIRM_Z {
                return Judgement::Alert(p.onset);
            }
            // Not borne out; a new onset on this very point starts a wait of its own.
            if alarm {
                self.hold(v);
            }
            return Judgement::Dismissed(p.onset);
        }
        if !alarm {
            return Judgement::Quiet;
        }
        if self.points > 0 && held(v) && self.hold(v) {
            Judgement::Pending
        } else {
            Judgement::Alert(*v)
        }
    }

    /// Holds `v` as a pending onset; false if it has no band to be confirmed against.
    fn hold(&mut self, v: &Verdict) -> bool {
        let Some(z) = departure(v) else {
            return false;
        };
        self.pending = Some(Pending {
            onset: *v,
            sum_z: z,
            n: 1,
        });
        true
    }
}

/// Whether an alarm from this detector is a departure from the band (and so can be confirmed by
/// the points after it): a stuck value or a new shape is not.
fn held(v: &Verdict) -> bool {
    v.detector != ensemble::STUCK && v.detector != ensemble::ART
}

/// The verdict's departure from its expected value in σ (its band is ±4 σ, on each side), on the
/// band's scale (a multiplicative band's on the log scale); `None` without a band.
fn departure(v: &Verdict) -> Option<f64> {
    let (e, l, u) = (v.expected?, v.lower?, v.upper?);
    let (x, e, l, u) = if let Some(c) = v.log_offset {
        let ln = |y: f64| (y + c).ln();
        (ln(v.observed), ln(e), ln(l), ln(u))
    } else {
        (v.observed, e, l, u)
    };
    let half = if x >= e { u - e } else { e - l };
    let z = 4.0 * (x - e) / half;
    Some(if z.is_nan() { 0.0 } else { z })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::AnomalyKind;

    fn verdict(detector: &'static str, x: f64, score: f64) -> Verdict {
        Verdict::new(detector, AnomalyKind::Point, x, score).with_band(10.0, 6.0, 14.0)
    }

    #[test]
    fn without_confirmation_every_alarm_alerts_at_once() {
        let mut c = Confirmer::new(0);
        assert_eq!(
            c.judge(&verdict("ensemble/robust_z", 10.5, 0.5), 0.999),
            Judgement::Quiet
        );
        let v = verdict("ensemble/robust_z", 14.5, 0.9995);
        assert_eq!(c.judge(&v, 0.999), Judgement::Alert(v));
    }

    #[test]
    fn stuck_values_new_shapes_and_bandless_verdicts_are_not_held() {
        let mut c = Confirmer::new(3);
        for d in ["ensemble/stuck", "ensemble/art"] {
            let v = verdict(d, 10.0, 0.9999);
            assert_eq!(c.judge(&v, 0.999), Judgement::Alert(v));
        }
        let bare = Verdict::new("ensemble/robust_z", AnomalyKind::Point, 3.0, 0.9999);
        assert_eq!(c.judge(&bare, 0.999), Judgement::Alert(bare));
        assert!(!c.is_pending());
    }

    #[test]
    fn a_pending_onset_is_judged_on_the_onset_and_the_next_points_together() {
        // σ is 1 here (the band 6–14 is ±4 σ around 10).
        let run = |xs: &[f64]| {
            let mut c = Confirmer::new(xs.len() - 1);
            let mut last = Judgement::Quiet;
            for (i, &x) in xs.iter().enumerate() {
                last = c.judge(
                    &verdict("ensemble/level_shift", x, if i == 0 { 0.9999 } else { 0.0 }),
                    0.999,
                );
                if i + 1 < xs.len() {
                    assert_eq!(last, Judgement::Pending, "{xs:?} at {i}");
                }
            }
            last
        };
        // A shift of 2.4 σ over three points: Stouffer 4.16.
        assert!(matches!(run(&[12.4, 12.4, 12.4]), Judgement::Alert(v) if v.observed == 12.4));
        // 2.2 σ: 3.81, dismissed; a spike of 7 σ alone: 4.04, confirmed; of 6.5 σ: 3.75, dismissed.
        assert!(matches!(run(&[12.2, 12.2, 12.2]), Judgement::Dismissed(_)));
        assert!(matches!(run(&[17.0, 10.0, 10.0]), Judgement::Alert(_)));
        assert!(matches!(run(&[16.5, 10.0, 10.0]), Judgement::Dismissed(_)));
        // Departures in both directions cancel.
        assert!(matches!(run(&[15.0, 5.0, 10.0]), Judgement::Dismissed(_)));
        // Skipped points neither count nor end the wait.
        let mut c = Confirmer::new(1);
        assert_eq!(
            c.judge(&verdict("ensemble/robust_z", 14.0, 0.9999), 0.999),
            Judgement::Pending
        );
        let mut skipped = verdict("ensemble/robust_z", f64::NAN, 0.0);
        skipped.skipped = true;
        assert_eq!(c.judge(&skipped, 0.999), Judgement::Pending);
        assert!(matches!(
            c.judge(&verdict("ensemble/robust_z", 14.0, 0.0), 0.999),
            Judgement::Alert(_)
        ));
    }

    #[test]
    fn a_band_is_read_on_each_side_and_a_multiplicative_one_on_the_log_scale() {
        // An asymmetric linear band: each side is ±4 σ of its own.
        let v = Verdict::new("ensemble/robust_z", AnomalyKind::Point, 4.0, 0.0)
            .with_band(10.0, 7.0, 22.0);
        assert!((departure(&v).unwrap() + 8.0).abs() < 1e-9);
        // The log view's band around 10: e^(ln 10 ± 4 · 1), 0.18 to 546. A drop to a hundredth is
        // 4.6 σ below (on the linear band's full width it would be 0.15 σ), a rise to ten times
        // 2.3 σ above (0.67 σ linearly on the upper side).
        let band = |x: f64, score: f64| {
            let (m, s) = (10f64.ln(), 1.0);
            Verdict::new("ensemble/log_shift", AnomalyKind::Collective, x, score).with_log_band(
                m.exp(),
                (m - 4.0 * s).exp(),
                (m + 4.0 * s).exp(),
                0.0,
            )
        };
        let z = departure(&band(0.1, 0.0)).unwrap();
        assert!((z + 100f64.ln()).abs() < 1e-9, "{z}");
        let z = departure(&band(100.0, 0.0)).unwrap();
        assert!((z - 10f64.ln()).abs() < 1e-9, "{z}");
        let mut c = Confirmer::new(2);
        assert_eq!(c.judge(&band(0.1, 0.99999), 0.9999), Judgement::Pending);
        assert_eq!(c.judge(&band(0.12, 0.0), 0.9999), Judgement::Pending);
        assert!(matches!(
            c.judge(&band(0.09, 0.0), 0.9999),
            Judgement::Alert(v) if v.observed == 0.1
        ));
        // A series that has been 0 is read on x + c: a 0 against a level of 10 with c = 0.1 is
        // ln(10.1 / 0.1) = 4.6 σ below, and a 0 needs no logarithm of 0.
        let c = 0.1;
        let (m, s) = (10.1f64.ln(), 1.0);
        let v = Verdict::new("ensemble/log_z", AnomalyKind::Point, 0.0, 0.0).with_log_band(
            m.exp() - c,
            (m - 4.0 * s).exp() - c,
            (m + 4.0 * s).exp() - c,
            c,
        );
        let z = departure(&v).unwrap();
        assert!((z + 101f64.ln()).abs() < 1e-9, "{z}");
    }

    #[test]
    fn alarms_during_a_wait_are_not_lost() {
        // A stuck-value alarm while an onset is pending alerts at once and ends the wait.
        let mut c = Confirmer::new(2);
        let onset = verdict("ensemble/robust_z", 14.5, 0.9999);
        assert_eq!(c.judge(&onset, 0.999), Judgement::Pending);
        let stuck = verdict("ensemble/stuck", 10.0, 0.9999);
        assert_eq!(c.judge(&stuck, 0.999), Judgement::Alert(stuck));
        assert!(!c.is_pending());
        // An onset on the point that ends an unconfirmed wait starts a wait of its own.
        let mut c = Confirmer::new(1);
        assert_eq!(c.judge(&onset, 0.999), Judgement::Pending);
        let next = verdict("ensemble/level_shift", 6.5, 0.9999);
        assert_eq!(c.judge(&next, 0.999), Judgement::Dismissed(onset));
        assert!(c.is_pending());
        let after = verdict("ensemble/level_shift", 5.0, 0.0);
        assert_eq!(c.judge(&after, 0.999), Judgement::Alert(next));
    }
}
