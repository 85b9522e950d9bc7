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
