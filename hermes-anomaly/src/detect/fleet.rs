//! Fleet outliers: which members of a group (200 VMs, 8 ESXi hosts) behave unlike their peers right now.
//!
//! Each member is a vector of metrics (CPU, memory, network...). Per metric, every member gets a robust
//! z-score against the group's median and MAD; a member's outlyingness is the root mean square of its
//! z-scores and its strongest metric explains it. Members whose largest |z| passes the threshold are
//! outliers. Metrics where the whole group is identical (MAD 0) use the inter-decile range, then a
//! small floor, so one deviating member of an otherwise constant group is still found.

use super::robust::MAD_TO_SIGMA;

/// One member found to be unlike its group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FleetOutlier {
    /// The member's name.
    pub member: String,
    /// Index of the metric with the largest |z|.
    pub metric: usize,
    /// That metric's robust z-score.
    pub z: f64,
    /// The member's value of that metric.
    pub value: f64,
    /// The group's median of that metric.
    pub group_median: f64,
    /// Root mean square of the member's z-scores over all metrics.
    pub rms_z: f64,
}

/// Finds the members whose largest robust |z| against the group is at least `threshold` (3.5 is the
/// usual choice, after Iglewicz and Hoaglin), most outlying first. Non-finite values are ignored for
/// their metric. Groups of fewer than 3 members have no outliers.
///
/// ```
/// use hermes_anomaly::detect::fleet_outliers;
/// let mut fleet: Vec<(String, Vec<f64>)> = (0..200)
///     .map(|i| (format!("vm{i:03}"), vec![20.0 + (i % 7) as f64, 40.0 + (i % 5) as f64]))
///     .collect();
/// fleet[42].1[0] = 97.0; // vm042 burns CPU
/// let out = fleet_outliers(&fleet, 3.5);
/// assert_eq!(out.len(), 1);
/// assert_eq!(out[0].member, "vm042");
/// assert_eq!(out[0].metric, 0);
/// ```
pub fn fleet_outliers(members: &[(String, Vec<f64>)], threshold: f64) -> Vec<FleetOutlier> {
    if members.len() < 3 {
        return Vec::new();
    }
    let dims = members.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    let mut centre = vec![0.0; dims];
    let mut spread = vec![1.0; dims];
    for d in 0..dims {
        let mut col: Vec<f64> = members
            .iter()
            .filter_map(|(_, v)| v.get(d).copied())
            .filter(|x| x.is_finite())
            .collect();
        if col.len() < 3 {
            spread[d] = f64::INFINITY;
            continue;
        }
        col.sort_by(f64::total_cmp);
        let med = quantile(&col, 0.5);
        let mut dev: Vec<f64> = col.iter().map(|x| (x - med).abs()).collect();
        dev.sort_by(f64::total_cmp);
        let mut s = quantile(&dev, 0.5) * MAD_TO_SIGMA;
        if s <= 0.0 {
            s = (quantile(&col, 0.9) - quantile(&col, 0.1)) / 2.563;
        }
        if s <= 0.0 {
            s = (med.abs() * 1e-3).max(1e-9);
        }
        centre[d] = med;
        spread[d] = s;
    }
    let mut out = Vec::new();
    for (name, v) in members {
        let mut best = (0usize, 0.0f64);
        let (mut sumsq, mut k) = (0.0, 0usize);
        for (d, x) in v.iter().enumerate() {
            if !x.is_finite() || !spread[d].is_finite() {
                continue;
            }
            let z = (x - centre[d]) / spread[d];
            sumsq += z * z;
            k += 1;
            if z.abs() > best.1.abs() {
                best = (d, z);
            }
        }
        if k > 0 && best.1.abs() >= threshold {
            out.push(FleetOutlier {
                member: name.clone(),
                metric: best.0,
                z: best.1,
                value: v[best.0],
                group_median: centre[best.0],
                rms_z: (sumsq / k as f64).sqrt(),
            });
        }
    }
    out.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
    out
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}
