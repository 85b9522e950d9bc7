//! Fleet outliers: which members of a group (200 VMs, 8 ESXi hosts) behave unlike their peers right now.
//!
//! Each member is a vector of metrics (CPU, memory, network...). Per metric, every member gets a robust
//! z-score against the group's median and MAD; a member's outlyingness is the root mean square of its
//! z-scores and its strongest metric explains it. Members whose largest |z| passes the threshold are
//! outliers. Metrics where the whole group is identical (MAD 0) use the inter-decile range, then a
//! small floor, so one deviating member of an otherwise constant group is still found.
//!
//! A metric whose values are all positive and skewed to the right (bytes, packets, IOPS, request rates:
//! across a fleet such metrics are roughly log-normal) is scored on a log scale, when that makes it more
//! symmetric. On a linear scale its natural long right tail reads as outliers: 200 ordinary VMs with a
//! log-normal network metric (σ = 1 on the log scale) gave 15 "outliers" per scan; on the log scale
//! about as many as a Gaussian metric gives (under one), and a member 50 times busier or quieter than
//! the median is still found.

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
    let scales: Vec<Option<MetricScale>> = (0..dims)
        .map(|d| MetricScale::of(members, d).filter(|s| s.members >= 3))
        .collect();
    let mut out = Vec::new();
    for (name, v) in members {
        let mut best = (0usize, 0.0f64);
        let (mut sumsq, mut k) = (0.0, 0usize);
        for (d, x) in v.iter().enumerate() {
            let Some(scale) = scales[d].filter(|_| x.is_finite()) else {
                continue;
            };
            let z = scale.z(*x);
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
                group_median: scales[best.0].map_or(f64::NAN, |s| s.median()),
                rms_z: (sumsq / k as f64).sqrt(),
            });
        }
    }
    out.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
    out
}

/// How one metric is put on a common scale across the group: its median and robust spread, on a log
/// scale for a positive, right-skewed metric when the log makes it more symmetric.
#[derive(Debug, Clone, Copy)]
struct MetricScale {
    log: bool,
    centre: f64,
    spread: f64,
    /// Members with a finite value of this metric.
    members: usize,
}

/// Quantile skewness (Bowley's, on the 10 % and 90 % quantiles) below which a metric stays linear.
const SKEWED: f64 = 0.1;

impl MetricScale {
    /// The scale of metric `d` over the members' finite values (`None` if there are none).
    fn of(members: &[(String, Vec<f64>)], d: usize) -> Option<Self> {
        let mut col: Vec<f64> = members
            .iter()
            .filter_map(|(_, v)| v.get(d).copied())
            .filter(|x| x.is_finite())
            .collect();
        if col.is_empty() {
            return None;
        }
        col.sort_by(f64::total_cmp);
        let skew = quantile_skew(&col);
        let mut log = false;
        if col[0] > 0.0 && skew > SKEWED {
            let logs: Vec<f64> = col.iter().map(|x| x.ln()).collect();
            if quantile_skew(&logs).abs() < skew {
                col = logs;
                log = true;
            }
        }
        let (centre, spread) = robust_scale(&col);
        Some(MetricScale {
            log,
            centre,
            spread,
            members: col.len(),
        })
    }

    /// The robust z of `x` (on the log scale if the metric uses it; a non-positive value there counts
    /// as far below everything).
    fn z(&self, x: f64) -> f64 {
        let v = if self.log {
            if x > 0.0 {
                x.ln()
            } else {
                f64::MIN_POSITIVE.ln()
            }
        } else {
            x
        };
        (v - self.centre) / self.spread
    }

    /// The group's median in the metric's own units.
    fn median(&self) -> f64 {
        if self.log {
            self.centre.exp()
        } else {
            self.centre
        }
    }
}

/// Median and robust spread of sorted values: MAD·1.4826, then the inter-decile range, then a small
/// floor, so a constant group still has a spread.
fn robust_scale(sorted: &[f64]) -> (f64, f64) {
    let med = quantile(sorted, 0.5);
    let mut dev: Vec<f64> = sorted.iter().map(|x| (x - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let mut s = quantile(&dev, 0.5) * MAD_TO_SIGMA;
    if s <= 0.0 {
        s = (quantile(sorted, 0.9) - quantile(sorted, 0.1)) / 2.563;
    }
    if s <= 0.0 {
        s = (med.abs() * 1e-3).max(1e-9);
    }
    (med, s)
}

/// Bowley's quantile skewness on the 10 % and 90 % quantiles of sorted values (0 when they are equal).
fn quantile_skew(sorted: &[f64]) -> f64 {
    let (lo, med, hi) = (
        quantile(sorted, 0.1),
        quantile(sorted, 0.5),
        quantile(sorted, 0.9),
    );
    if hi > lo {
        (hi + lo - 2.0 * med) / (hi - lo)
    } else {
        0.0
    }
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// DBSCAN's verdict on one member of a fleet.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FleetCluster {
    /// The member's name.
    pub member: String,
    /// The cluster the member belongs to (0, 1, ...), or `None` if it is noise: an outlier.
    pub cluster: Option<usize>,
    /// Distance to its nearest other member, in robust-z units.
    pub nearest: f64,
}

/// DBSCAN (Ester, Kriegel, Sander, Xu 1996) over the fleet's metric vectors, each metric first scaled
/// by the group's robust spread (median/MAD, on a log scale for positive right-skewed metrics, as
/// [`fleet_outliers`]), so `eps` is in robust-z units.
/// Members in no dense region (fewer than `min_points` members, itself included, within `eps`, and
/// not reachable from a dense member) are noise: `cluster == None`. Unlike the per-metric z-scores of
/// [`fleet_outliers`], this finds members that are odd in a *combination* of metrics and copes with a
/// fleet made of several normal groups. Non-finite values count as the group's median. O(n²) distances:
/// meant for fleets of hundreds to a few thousands of members.
///
/// `eps` must grow with the number of metrics, because the edge of a normal group thins out faster in
/// more dimensions. With `eps` 1 and 4 points, about 9 of 200 ordinary members are noise when there are
/// 3 metrics, and about 119 when there are 5. With 200 members, about 2 (3 metrics) and 3 (5 metrics)
/// leave under one noise member per scan (measured in the crate README, twelfth round).
///
/// ```
/// use hermes_anomaly::detect::fleet_dbscan;
/// // Two normal groups (web and db hosts) and one host unlike both.
/// let mut fleet: Vec<(String, Vec<f64>)> = (0..40)
///     .map(|i| (format!("web{i}"), vec![30.0 + (i % 5) as f64, 20.0 + (i % 3) as f64]))
///     .chain((0..40).map(|i| (format!("db{i}"), vec![60.0 + (i % 4) as f64, 70.0 + (i % 6) as f64])))
///     .collect();
/// fleet.push(("odd".into(), vec![30.0, 72.0]));
/// let out = fleet_dbscan(&fleet, 1.0, 4);
/// let noise: Vec<&str> = out.iter().filter(|c| c.cluster.is_none()).map(|c| c.member.as_str()).collect();
/// assert_eq!(noise, ["odd"]);
/// assert_eq!(out.iter().filter_map(|c| c.cluster).max(), Some(1));
/// ```
pub fn fleet_dbscan(
    members: &[(String, Vec<f64>)],
    eps: f64,
    min_points: usize,
) -> Vec<FleetCluster> {
    let n = members.len();
    let dims = members.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    // Robust scaling per metric.
    let mut scaled = vec![vec![0.0; dims]; n];
    for d in 0..dims {
        let Some(scale) = MetricScale::of(members, d) else {
            continue;
        };
        for (row, (_, v)) in scaled.iter_mut().zip(members) {
            // A missing value counts as the group's median.
            row[d] = v
                .get(d)
                .copied()
                .filter(|x| x.is_finite())
                .map_or(0.0, |x| scale.z(x));
        }
    }
    let dist = |a: usize, b: usize| {
        scaled[a]
            .iter()
            .zip(&scaled[b])
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt()
    };
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut nearest = vec![f64::INFINITY; n];
    for a in 0..n {
        for b in (a + 1)..n {
            let d = dist(a, b);
            nearest[a] = nearest[a].min(d);
            nearest[b] = nearest[b].min(d);
            if d <= eps {
                neighbours[a].push(b);
                neighbours[b].push(a);
            }
        }
    }
    let core = |i: usize| neighbours[i].len() + 1 >= min_points.max(1);
    let mut cluster: Vec<Option<usize>> = vec![None; n];
    let mut next = 0;
    for start in 0..n {
        if cluster[start].is_some() || !core(start) {
            continue;
        }
        cluster[start] = Some(next);
        let mut queue = vec![start];
        while let Some(p) = queue.pop() {
            if !core(p) {
                continue;
            }
            for &q in &neighbours[p] {
                if cluster[q].is_none() {
                    cluster[q] = Some(next);
                    queue.push(q);
                }
            }
        }
        next += 1;
    }
    members
        .iter()
        .enumerate()
        .map(|(i, (name, _))| FleetCluster {
            member: name.clone(),
            cluster: cluster[i],
            nearest: nearest[i],
        })
        .collect()
}
