//! Context novelty: a streaming detector of new *patterns*, after the idea of the Contextual Anomaly
//! Detector (CAD OSE, M. Smirnov 2016; "contextOSE" in NAB, 69.9 standard).
//!
//! Each value is quantised into a few levels and written as a set of binary "facts" (bit `k` of the
//! level is 0 or 1). A *context* pairs the facts of the previous step (its sensed facts plus the
//! contexts that were active then) with the facts of the current step; the detector keeps a memory of
//! contexts and, at each point, measures
//! * how many of the contexts the past predicted are confirmed by the present (`active / selected`),
//! * how many of the potential contexts seen now are new to the memory (`added / candidates`),
//!
//! and scores `(1 − active/selected + added/candidates) / 2`: a familiar pattern scores low, an unseen
//! one high. After a score ≥ `rest_threshold`, output is held at 0 for `rest` points (one alarm per
//! anomaly, as NAB rewards).
//!
//! Unlike NAB's detector, which is given the whole file's minimum and maximum before it starts, the
//! quantiser's range is learned causally from the first `range_points` values (widened by a margin);
//! values outside it fall in extra levels, which are themselves new facts. NAB's protocol
//! ([`Detector::nab_inputs`], the NAB runner's opt-in `--nab-protocol` only) restores NAB's setting.

use super::{AnomalyKind, Detector, NabInputs, Verdict};
use std::collections::{HashMap, VecDeque};

/// Offset that separates "neuron" facts (active context ids) from sensed facts.
const NEURON: u64 = 1 << 31;

#[derive(Debug, Clone, Default)]
struct Semi {
    /// The semi-context's facts, sorted.
    facts: Vec<u64>,
    /// How many of them are present in the current input.
    count: u32,
    /// Contexts (right semi-context id → context id), left side only, in insertion order.
    contexts: Vec<(usize, usize)>,
    /// Index of `contexts` by right semi-context id.
    by_right: HashMap<usize, usize>,
}

impl Semi {
    fn full(&self) -> bool {
        self.count as usize == self.facts.len()
    }
}

#[derive(Debug, Clone)]
struct Context {
    count: u64,
    zero_level: bool,
    left: usize,
    right: usize,
}

#[derive(Debug, Clone, Default)]
struct Side {
    by_facts: HashMap<Vec<u64>, usize>,
    by_fact: HashMap<u64, Vec<u32>>,
    semis: Vec<Semi>,
    /// Semi-contexts with at least one fact in the current input, in creation order.
    crossed: Vec<usize>,
    /// The current input facts, sorted.
    input: Vec<u64>,
}

impl Side {
    fn intern(&mut self, facts: &[u64]) -> usize {
        if let Some(&id) = self.by_facts.get(facts) {
            return id;
        }
        let id = self.semis.len();
        // A semi-context created after the input was crossed still sees the current input.
        let count = facts
            .iter()
            .filter(|f| self.input.binary_search(f).is_ok())
            .count() as u32;
        self.semis.push(Semi {
            facts: facts.to_vec(),
            count,
            ..Semi::default()
        });
        if count > 0 {
            self.crossed.push(id);
        }
        self.by_facts.insert(facts.to_vec(), id);
        for f in facts {
            self.by_fact.entry(*f).or_default().push(id as u32);
        }
        id
    }

    /// Counts which facts of each semi-context are present in `facts` (sorted).
    fn cross(&mut self, facts: &[u64]) {
        for &id in &self.crossed {
            self.semis[id].count = 0;
        }
        self.crossed.clear();
        for f in facts {
            if let Some(ids) = self.by_fact.get(f) {
                for &id in ids {
                    let s = &mut self.semis[id as usize];
                    if s.count == 0 {
                        self.crossed.push(id as usize);
                    }
                    s.count += 1;
                }
            }
        }
        self.crossed.sort_unstable();
        self.input.clear();
        self.input.extend_from_slice(facts);
    }

    /// The facts of semi-context `id` present in the current input.
    fn present(&self, id: usize) -> Vec<u64> {
        self.semis[id]
            .facts
            .iter()
            .copied()
            .filter(|f| self.input.binary_search(f).is_ok())
            .collect()
    }
}

/// A potential context: its left and right facts.
type FactPair = (Vec<u64>, Vec<u64>);

/// The context memory (CAD's "context operator").
#[derive(Debug, Clone, Default)]
struct Memory {
    sides: [Side; 2],
    contexts: Vec<Context>,
    new_context: Option<usize>,
    max_left: usize,
}

impl Memory {
    /// Stores contexts; returns how many were new. For a zero-level context, returns 1 if it was new.
    fn store(&mut self, list: &[FactPair], zero_level: bool) -> usize {
        let mut added = 0;
        for (left, right) in list {
            let l = self.sides[0].intern(left);
            let r = self.sides[1].intern(right);
            let semi = &mut self.sides[0].semis[l];
            match semi.by_right.get(&r) {
                Some(&k) => {
                    let cid = semi.contexts[k].1;
                    if zero_level {
                        self.contexts[cid].zero_level = true;
                        return 0;
                    }
                }
                None => {
                    let cid = self.contexts.len();
                    semi.by_right.insert(r, semi.contexts.len());
                    semi.contexts.push((r, cid));
                    self.contexts.push(Context {
                        count: 0,
                        zero_level,
                        left: l,
                        right: r,
                    });
                    added += 1;
                    if zero_level {
                        self.new_context = Some(cid);
                        return 1;
                    }
                }
            }
        }
        added
    }

    /// Crosses the right side with the current facts; returns (active contexts, selected count,
    /// potential new contexts).
    fn predict(&mut self, facts: &[u64], new_flag: bool) -> (Vec<usize>, usize, Vec<FactPair>) {
        self.sides[1].cross(facts);
        let mut active = Vec::new();
        let mut selected = 0;
        let mut potential = Vec::new();
        let [left_side, right_side] = &self.sides;
        for &lid in &left_side.crossed {
            let left = &left_side.semis[lid];
            let left_full = left.full();
            if !left_full && !new_flag {
                continue;
            }
            for &(rid, cid) in &left.contexts {
                if self.new_context == Some(cid) {
                    continue;
                }
                let right = &right_side.semis[rid];
                let ctx = &mut self.contexts[cid];
                let right_hit = right.count > 0;
                if left_full {
                    selected += 1;
                    if right_hit {
                        if right.full() {
                            ctx.count += 1;
                            active.push(cid);
                        } else if ctx.zero_level && new_flag && left.count as usize <= self.max_left
                        {
                            potential.push((left_side.present(lid), right_side.present(rid)));
                        }
                    }
                } else if ctx.zero_level && right_hit && left.count as usize <= self.max_left {
                    potential.push((left_side.present(lid), right_side.present(rid)));
                }
            }
        }
        self.new_context = None;
        (active, selected, potential)
    }
}

/// Settings of [`ContextNovelty`].
#[derive(Debug, Clone, PartialEq)]
pub struct ContextConfig {
    /// Bits of the quantised value (levels = 2^bits within the learned range; default 3).
    pub bits: u32,
    /// Values used to learn the quantiser's range (default 150).
    pub range_points: usize,
    /// Margin added on each side of the learned range, as a fraction of it (default 0.25).
    pub margin: f64,
    /// Points held at 0 after a score ≥ `rest_threshold` (default 120).
    pub rest: usize,
    /// Score that starts a rest period (default 0.75).
    pub rest_threshold: f64,
    /// Contexts that feed back as facts of the next step (default 15).
    pub max_active: usize,
    /// Longest left semi-context combined into new contexts (default 7).
    pub max_left: usize,
}

impl ContextConfig {
    /// Sets one field by name (`bits`, `range_points`, `margin`, `rest`, `rest_threshold`,
    /// `max_active`, `max_left`), e.g. from a `key=value` flag.
    ///
    /// ```
    /// let mut c = hermes_anomaly::detect::ContextConfig::default();
    /// c.set("rest", "60")?;
    /// assert_eq!(c.rest, 60);
    /// assert!(c.set("rest", "soon").is_err());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> crate::Result<()> {
        let bad = || {
            crate::AnomalyError::invalid(format!("context {key}"), format!("cannot use {value:?}"))
        };
        let num = |v: &str| v.parse::<f64>().map_err(|_| bad());
        let int = |v: &str| v.parse::<usize>().map_err(|_| bad());
        match key {
            "bits" => self.bits = int(value)?.clamp(1, 16) as u32,
            "range_points" => self.range_points = int(value)?.max(2),
            "margin" => self.margin = num(value)?,
            "rest" => self.rest = int(value)?,
            "rest_threshold" => self.rest_threshold = num(value)?,
            "max_active" => self.max_active = int(value)?,
            "max_left" => self.max_left = int(value)?,
            _ => {
                return Err(crate::AnomalyError::invalid(
                    format!("context {key}"),
                    "unknown setting: use bits, range_points, margin, rest, rest_threshold, max_active or max_left",
                ))
            }
        }
        Ok(())
    }
}

impl Default for ContextConfig {
    fn default() -> Self {
        ContextConfig {
            bits: 3,
            range_points: 150,
            margin: 0.25,
            rest: 120,
            rest_threshold: 0.75,
            max_active: 15,
            max_left: 7,
        }
    }
}

/// Streaming context-novelty detector (see the module documentation).
///
/// ```
/// use hermes_anomaly::detect::{ContextNovelty, Detector};
/// let mut d = ContextNovelty::default();
/// let mut late = 0.0f64;
/// for i in 0..2000i64 {
///     let v = d.observe(i, (i % 10) as f64).score; // a saw-tooth repeats: learned, then quiet
///     if i > 1000 { late = late.max(v); }
/// }
/// assert!(late < 0.5);
/// let v = d.observe(2000, 30.0); // a value far outside the learned range
/// assert!(v.score > 0.5, "{}", v.explain());
/// ```
#[derive(Debug, Clone)]
pub struct ContextNovelty {
    cfg: ContextConfig,
    memory: Memory,
    left_facts: Vec<u64>,
    warm: Vec<f64>,
    range: Option<(f64, f64)>,
    history: VecDeque<f64>,
}

impl Default for ContextNovelty {
    fn default() -> Self {
        ContextNovelty::new(ContextConfig::default())
    }
}

impl ContextNovelty {
    /// A detector with `cfg`.
    pub fn new(cfg: ContextConfig) -> Self {
        let mut history = VecDeque::new();
        history.push_back(1.0);
        ContextNovelty {
            memory: Memory {
                max_left: cfg.max_left,
                ..Memory::default()
            },
            cfg,
            left_facts: Vec::new(),
            warm: Vec::new(),
            range: None,
            history,
        }
    }

    fn facts(&mut self, value: f64) -> Vec<u64> {
        let levels = ((1u64 << self.cfg.bits.clamp(1, 16)) - 1) as f64;
        let (lo, step) = match self.range {
            Some(r) => r,
            None => {
                self.warm.push(value);
                let (mn, mx) = self
                    .warm
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                        (a.min(v), b.max(v))
                    });
                let span = mx - mn;
                let lo = mn - self.cfg.margin * span;
                let full = span * (1.0 + 2.0 * self.cfg.margin);
                let step = if full > 0.0 { full / levels } else { 1.0 };
                if self.warm.len() >= self.cfg.range_points {
                    self.range = Some((lo, step));
                    self.warm = Vec::new();
                }
                (lo, step)
            }
        };
        let level = ((value - lo) / step).floor().clamp(-1e6, 1e6) as i64;
        let mut out = Vec::new();
        if level < 0 {
            // Below the range: a level of its own kind (a sign fact), then its magnitude's bits.
            out.push(1_000_000);
        }
        let mut mag = level.unsigned_abs();
        let bits = self.cfg.bits.max(64 - mag.leading_zeros());
        for k in 0..bits as u64 {
            out.push(k * 2 + (mag & 1));
            mag >>= 1;
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The raw novelty of the current facts (before the rest period), learning them.
    fn step(&mut self, sensed: Vec<u64>) -> f64 {
        let mut candidates: Vec<FactPair> = Vec::new();
        let new_flag = if !self.left_facts.is_empty() && !sensed.is_empty() {
            let zero = (self.left_facts.clone(), sensed.clone());
            candidates.push(zero.clone());
            self.memory.store(&[zero], true) == 1
        } else {
            false
        };
        let (active, selected, potential) = self.memory.predict(&sensed, new_flag);
        for p in &potential {
            if !candidates.contains(p) {
                candidates.push(p.clone());
            }
        }
        let active_share = if selected > 0 {
            active.len() as f64 / selected as f64
        } else {
            0.0
        };
        // The most confirmed contexts become facts of the next step.
        let mut ranked: Vec<(u64, usize, usize, usize)> = active
            .iter()
            .map(|&c| {
                let ctx = &self.memory.contexts[c];
                (ctx.count, ctx.left, ctx.right, c)
            })
            .collect();
        ranked.sort_unstable();
        let mut left: Vec<u64> = sensed.clone();
        left.extend(
            ranked
                .iter()
                .rev()
                .take(self.cfg.max_active)
                .map(|r| NEURON + r.3 as u64),
        );
        left.sort_unstable();
        left.dedup();
        self.left_facts = left;
        let mut added = if potential.is_empty() {
            0
        } else {
            self.memory.store(&potential, false)
        };
        self.memory.sides[0].cross(&self.left_facts);
        if new_flag {
            added += 1;
        }
        let added_share = if new_flag && !candidates.is_empty() {
            added as f64 / candidates.len() as f64
        } else {
            0.0
        };
        (1.0 - active_share + added_share) / 2.0
    }
}

impl Detector for ContextNovelty {
    fn name(&self) -> &'static str {
        "context_novelty"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let facts = self.facts(value);
        let raw = self.step(facts);
        let resting = self.history.iter().any(|&s| s >= self.cfg.rest_threshold);
        let score = if resting || self.range.is_none() {
            0.0
        } else {
            raw
        };
        self.history.push_back(raw);
        while self.history.len() > self.cfg.rest.max(1) {
            self.history.pop_front();
        }
        Verdict::new(self.name(), AnomalyKind::Collective, value, score)
    }

    /// NAB's protocol (look-ahead, the benchmark's `--nab-protocol` mode only), as NAB runs contextOSE:
    /// the quantiser's range is the file's minimum to maximum (no margin, known from the first point)
    /// and the rest period is a fifth of NAB's probationary period. Only before the first point.
    fn nab_inputs(&mut self, inputs: &NabInputs) {
        if self.range.is_some() || !self.warm.is_empty() {
            return;
        }
        let levels = ((1u64 << self.cfg.bits.clamp(1, 16)) - 1) as f64;
        let span = inputs.max - inputs.min;
        let step = if span > 0.0 && span.is_finite() {
            span / levels
        } else {
            1.0
        };
        self.range = Some((inputs.min, step));
        self.cfg.rest = inputs.probationary() / 5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(d: &mut ContextNovelty) -> Vec<f64> {
        (0..1000i64)
            .map(|i| {
                d.observe(i, (i % 10) as f64 + if i >= 800 { 40.0 } else { 0.0 })
                    .score
            })
            .collect()
    }

    #[test]
    fn nab_inputs_set_the_quantiser_range_and_rest_before_the_first_point_only() {
        let inputs = NabInputs {
            min: 0.0,
            max: 49.0,
            len: 1000,
        };
        let mut given = ContextNovelty::default();
        given.nab_inputs(&inputs);
        assert_eq!(given.range, Some((0.0, 7.0)));
        assert_eq!(given.cfg.rest, 30);
        // Scores from the start (no range to learn), and differently from the causal run.
        let given = scores(&mut given);
        let causal = scores(&mut ContextNovelty::default());
        assert!(given[2..149].iter().any(|&s| s > 0.0));
        assert!(causal[..149].iter().all(|&s| s == 0.0));
        assert_ne!(given, causal);
        // Given after the first point: ignored.
        let mut late = ContextNovelty::default();
        late.observe(0, 0.0);
        late.nab_inputs(&inputs);
        assert_eq!(late.cfg, ContextConfig::default());
    }
}
