//! Small numeric helpers.

/// Complementary error function (W. J. Cody's rational approximations via the Numerical Recipes
/// Chebyshev fit `erfcc`; relative error below 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Upper tail probability of the standard normal, Q(z) = P(Z > z).
pub fn normal_tail(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// `ln(2·Q(|z|))`, the log two-sided tail probability, accurate far into the tail (no underflow).
pub fn ln_two_sided_tail(z: f64) -> f64 {
    let z = z.abs();
    if z < 8.0 {
        (2.0 * normal_tail(z)).max(f64::MIN_POSITIVE).ln()
    } else {
        // Mills ratio asymptotics: Q(z) ≈ φ(z)/z · (1 − 1/z²).
        std::f64::consts::LN_2 - z * z / 2.0 - (z * (2.0 * std::f64::consts::PI).sqrt()).ln()
            + (1.0 - 1.0 / (z * z)).ln()
    }
}

/// Maps a log tail probability to a score in [0, 1) that never saturates: `L / (L + 10)` with
/// `L = −ln p` (p = 1 → 0, p = e⁻¹⁰ ≈ 4.5e-5 → 0.5, smaller p → closer to 1, always ordered).
pub fn score_from_ln_p(ln_p: f64) -> f64 {
    let l = (-ln_p).max(0.0);
    l / (l + 10.0)
}

/// `1 − Q(|z|)`: NAB's windowed-Gaussian mapping of a z-score to an anomaly score in [0.5, 1].
pub fn two_sided_score(z: f64) -> f64 {
    1.0 - normal_tail(z.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn erfc_is_accurate() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
        assert!((erfc(1.0) - 0.157_299_207_050_285_1).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_792_949_715).abs() < 1e-7);
        assert!(((erfc(3.0) - 2.209_049_699_858_544e-5) / 2.209e-5).abs() < 1e-6);
        assert!((normal_tail(1.959_964) - 0.025).abs() < 1e-7);
    }
}
