//! Isolation forest (F. T. Liu, K. M. Ting, Z.-H. Zhou, 2008) on a sliding window of feature vectors.
//!
//! Each point becomes a vector of its last `dim` values, standardised by a rolling median/MAD (so the
//! forest sees shapes and levels relative to the recent past). A forest of `trees` random trees is
//! grown on a sample of the last `memory` vectors and regrown every `refit` points (amortised
//! `O(trees · sample · log sample / refit)` per point); a vector is scored before it joins the memory, so
//! scoring is causal. Score: `2^(−E[h(x)] / c(ψ))`, ≈ 0.5 for ordinary points, towards 1 for points
//! that are isolated in few cuts. One change from the paper: a point farther outside the range that a
//! node's sample spans on the node's split dimension than that range is wide is isolated at that node
//! (the paper's cuts lie inside the sample's range, so a far-out point would share the path of the
//! sample's extreme point and score no higher than it).
//! Any set of vectors (e.g. one per host of a fleet) can be scored with [`IsolationForest::fit`] and
//! [`IsolationForest::score`].

use super::robust::SortedWindow;
use super::{AnomalyKind, Detector, Verdict};
use std::collections::VecDeque;

/// A small deterministic generator (SplitMix64): reproducible forests without a dependency.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone)]
enum Node {
    Split {
        dim: usize,
        at: f64,
        /// The range of the node's sample on `dim`.
        lo: f64,
        hi: f64,
        left: usize,
        right: usize,
    },
    Leaf {
        size: usize,
    },
}

/// Average path length of an unsuccessful search in a binary search tree of `n` points.
fn c(n: usize) -> f64 {
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + 0.577_215_664_901_532_9) - 2.0 * (n - 1.0) / n
        }
    }
}

/// A batch isolation forest over fixed-length vectors.
///
/// ```
/// use hermes_anomaly::detect::IsolationForest;
/// let data: Vec<Vec<f64>> = (0..200).map(|i| vec![(i % 10) as f64, (i % 7) as f64]).collect();
/// let forest = IsolationForest::fit(&data, 50, 128, 7);
/// assert!(forest.score(&[50.0, -40.0]) > forest.score(&[5.0, 3.0]));
/// ```
#[derive(Debug, Clone)]
pub struct IsolationForest {
    trees: Vec<Vec<Node>>,
    sample: usize,
}

impl IsolationForest {
    /// Grows `trees` trees, each on `sample` vectors drawn from `data` (seeded by `seed`). With no
    /// data there are no trees, and every score is 0.
    pub fn fit(data: &[Vec<f64>], trees: usize, sample: usize, seed: u64) -> Self {
        if data.is_empty() {
            return IsolationForest {
                trees: Vec::new(),
                sample: 0,
            };
        }
        let mut rng = SplitMix(seed);
        let psi = sample.min(data.len()).max(1);
        let limit = (psi as f64).log2().ceil() as usize + 1;
        let mut forest = Vec::with_capacity(trees);
        let mut idx: Vec<usize> = Vec::with_capacity(psi);
        for _ in 0..trees {
            idx.clear();
            for _ in 0..psi {
                idx.push(rng.below(data.len()));
            }
            let mut nodes = Vec::new();
            grow(data, &mut idx[..], 0, limit, &mut rng, &mut nodes);
            forest.push(nodes);
        }
        IsolationForest {
            trees: forest,
            sample: psi,
        }
    }

    /// The anomaly score of `x` in (0, 1]: ≈ 0.5 or below for ordinary points, near 1 for isolated ones.
    pub fn score(&self, x: &[f64]) -> f64 {
        if self.trees.is_empty() {
            return 0.0;
        }
        let mut total = 0.0;
        for t in &self.trees {
            let mut i = 0;
            let mut depth = 0.0;
            loop {
                match &t[i] {
                    Node::Split {
                        dim,
                        at,
                        lo,
                        hi,
                        left,
                        right,
                    } => {
                        let v = x.get(*dim).copied().unwrap_or(0.0);
                        let span = hi - lo;
                        if v < lo - span || v > hi + span {
                            // Far outside everything this node saw: isolated by this cut.
                            depth += 1.0;
                            break;
                        }
                        i = if v < *at { *left } else { *right };
                        depth += 1.0;
                    }
                    Node::Leaf { size } => {
                        depth += c(*size);
                        break;
                    }
                }
            }
            total += depth;
        }
        let mean = total / self.trees.len() as f64;
        let norm = c(self.sample).max(1e-9);
        2f64.powf(-mean / norm)
    }
}

fn grow(
    data: &[Vec<f64>],
    idx: &mut [usize],
    depth: usize,
    limit: usize,
    rng: &mut SplitMix,
    nodes: &mut Vec<Node>,
) -> usize {
    let me = nodes.len();
    nodes.push(Node::Leaf { size: idx.len() });
    if idx.len() <= 1 || depth >= limit {
        return me;
    }
    let dims = data[idx[0]].len();
    // Pick a dimension with spread (a few tries), then a uniform cut inside its range.
    for _ in 0..dims.max(1) * 2 {
        let d = rng.below(dims);
        let (lo, hi) = idx
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &i| {
                (a.min(data[i][d]), b.max(data[i][d]))
            });
        if hi > lo {
            let at = lo + rng.unit() * (hi - lo);
            let mut k = 0;
            for j in 0..idx.len() {
                if data[idx[j]][d] < at {
                    idx.swap(j, k);
                    k += 1;
                }
            }
            if k == 0 || k == idx.len() {
                continue;
            }
            let (l, r) = idx.split_at_mut(k);
            let left = grow(data, l, depth + 1, limit, rng, nodes);
            let right = grow(data, r, depth + 1, limit, rng, nodes);
            nodes[me] = Node::Split {
                dim: d,
                at,
                lo,
                hi,
                left,
                right,
            };
            return me;
        }
    }
    me
}

/// Streaming isolation forest over windows of recent values (see the module documentation).
///
/// ```
/// use hermes_anomaly::detect::{Detector, StreamingIForest};
/// let mut d = StreamingIForest::default();
/// let mut quiet = 0.0f64;
/// for i in 0..1500i64 {
///     let s = d.observe(i, ((i * 7919) % 13) as f64).score;
///     if i > 1000 { quiet = quiet.max(s); }
/// }
/// let spike = d.observe(1500, 200.0).score;
/// assert!(spike > quiet, "{spike} {quiet}");
/// ```
#[derive(Debug, Clone)]
pub struct StreamingIForest {
    dim: usize,
    trees: usize,
    sample: usize,
    memory: usize,
    refit: usize,
    reference: SortedWindow,
    recent: VecDeque<f64>,
    vectors: VecDeque<Vec<f64>>,
    forest: Option<IsolationForest>,
    since_fit: usize,
    fits: u64,
}

impl Default for StreamingIForest {
    fn default() -> Self {
        StreamingIForest::new(6, 50, 128, 1000, 200)
    }
}

impl StreamingIForest {
    /// Vectors of `dim` values; `trees` trees on `sample` of the last `memory` vectors, regrown every
    /// `refit` points.
    pub fn new(dim: usize, trees: usize, sample: usize, memory: usize, refit: usize) -> Self {
        StreamingIForest {
            dim: dim.max(1),
            trees: trees.max(1),
            sample: sample.max(2),
            memory: memory.max(sample.max(2)),
            refit: refit.max(1),
            reference: SortedWindow::new(1000),
            recent: VecDeque::new(),
            vectors: VecDeque::new(),
            forest: None,
            since_fit: 0,
            fits: 0,
        }
    }
}

impl Detector for StreamingIForest {
    fn name(&self) -> &'static str {
        "isolation_forest"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let mut score = 0.0;
        if self.reference.len() >= 20 {
            let m = self.reference.median();
            let s = self.reference.sigma();
            self.recent.push_back(((value - m) / s).clamp(-1e3, 1e3));
            if self.recent.len() > self.dim {
                self.recent.pop_front();
            }
        }
        self.reference.push(value);
        if self.recent.len() == self.dim {
            let v: Vec<f64> = self.recent.iter().copied().collect();
            if let Some(f) = &self.forest {
                score = f.score(&v);
            }
            self.vectors.push_back(v);
            if self.vectors.len() > self.memory {
                self.vectors.pop_front();
            }
            self.since_fit += 1;
            if (self.forest.is_none() && self.vectors.len() >= self.sample)
                || self.since_fit >= self.refit
            {
                let data: Vec<Vec<f64>> = self.vectors.iter().cloned().collect();
                self.fits += 1;
                self.forest = Some(IsolationForest::fit(
                    &data,
                    self.trees,
                    self.sample,
                    0x5EED ^ self.fits,
                ));
                self.since_fit = 0;
            }
        }
        Verdict::new(self.name(), AnomalyKind::Point, value, score)
    }
}
