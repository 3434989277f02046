//! WHO Child Growth Standards (2006) z-scores: a pure module with no I/O beyond the embedded tables.
//!
//! It follows WHO's own `anthro` software: the LMS formula, the restricted LMS beyond ±3 SD for
//! weight-based indices, the 0.7 cm position correction at 731 days, linear interpolation of L, M
//! and S between 0.1 cm rows of the weight-for-length/height tables, the unknown-position rules,
//! the under-9-months standing-position flag, z-scores only for ages 0–1826 days (under 60 months),
//! oedema (weight-based z-scores not computed), rounding to 2 decimals and WHO's implausibility
//! flags, which are applied to the rounded z-score. Categories follow Permenkes 2/2020.

use std::sync::OnceLock;

/// Days per month used by WHO to turn days into months.
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// The first age (in days) at which the tables expect standing height.
pub const HEIGHT_FROM_DAYS: i64 = 731;
/// The oldest age (in days) with z-scores: under 60 months.
pub const MAX_AGE_DAYS: i64 = 1826;
/// Length added to a standing height (under 731 days) or removed from a lying length (from 731).
pub const POSITION_CORRECTION_CM: f64 = 0.7;

/// The child's sex, as the tables index it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Sex 1 in the tables.
    Male,
    /// Sex 2 in the tables.
    Female,
}

impl Sex {
    fn index(self) -> usize {
        match self {
            Sex::Male => 0,
            Sex::Female => 1,
        }
    }
}

/// How length/height was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// Recumbent length (lying).
    Lying,
    /// Standing height.
    Standing,
    /// Not recorded: WHO imputes it from age (under 731 days lying) or, without age, from the
    /// measure (under 87 cm lying).
    Unknown,
}

/// One set of L, M and S.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lms {
    /// Box-Cox power.
    pub l: f64,
    /// Median.
    pub m: f64,
    /// Coefficient of variation.
    pub s: f64,
}

impl Lms {
    /// The plain LMS z-score of `y`.
    #[inline]
    pub fn z(&self, y: f64) -> f64 {
        if self.l == 1.0 {
            (y - self.m) / (self.m * self.s)
        } else if self.l == 0.0 {
            (y / self.m).ln() / self.s
        } else {
            ((y / self.m).powf(self.l) - 1.0) / (self.l * self.s)
        }
    }

    /// The measure at `k` SD: `M (1 + L S k)^(1/L)`.
    #[inline]
    pub fn sd(&self, k: f64) -> f64 {
        if self.l == 0.0 {
            self.m * (self.s * k).exp()
        } else {
            self.m * (1.0 + self.l * self.s * k).powf(1.0 / self.l)
        }
    }

    /// The restricted z-score of WHO for weight-based indices: beyond ±3 SD the distance is
    /// measured in units of the 2–3 SD interval, so the skewed tail does not stretch the scale.
    #[inline]
    pub fn z_restricted(&self, y: f64) -> f64 {
        let z = self.z(y);
        if z > 3.0 {
            let sd3 = self.sd(3.0);
            3.0 + (y - sd3) / (sd3 - self.sd(2.0))
        } else if z < -3.0 {
            let sd3 = self.sd(-3.0);
            -3.0 + (y - sd3) / (self.sd(-2.0) - sd3)
        } else {
            z
        }
    }

    fn lerp(&self, other: &Lms, t: f64) -> Lms {
        Lms {
            l: self.l + t * (other.l - self.l),
            m: self.m + t * (other.m - self.m),
            s: self.s + t * (other.s - self.s),
        }
    }
}

/// A table indexed by an integer key (age in days, or length in tenths of a centimetre).
#[derive(Debug)]
pub struct Table {
    first: i64,
    rows: [Vec<Lms>; 2],
}

impl Table {
    fn parse(csv_text: &str, scale: f64) -> Table {
        let mut first = i64::MAX;
        let mut raw: [Vec<(i64, Lms)>; 2] = [Vec::new(), Vec::new()];
        for line in csv_text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let num = |i: usize| f.get(i).and_then(|v| v.trim().parse::<f64>().ok());
            let (Some(sex), Some(key), Some(l), Some(m), Some(s)) =
                (num(0), num(1), num(2), num(3), num(4))
            else {
                continue;
            };
            let key = (key * scale).round() as i64;
            first = first.min(key);
            let sex = if sex == 1.0 { 0 } else { 1 };
            raw[sex].push((key, Lms { l, m, s }));
        }
        let rows = raw.map(|mut v| {
            v.sort_by_key(|(k, _)| *k);
            v.into_iter().map(|(_, lms)| lms).collect()
        });
        Table { first, rows }
    }

    /// The row for `key`, if the table has it.
    #[inline]
    pub fn get(&self, sex: Sex, key: i64) -> Option<&Lms> {
        let i = key.checked_sub(self.first)?;
        if i < 0 {
            return None;
        }
        self.rows[sex.index()].get(i as usize)
    }

    /// The first and last key of the table.
    pub fn range(&self) -> (i64, i64) {
        (self.first, self.first + self.rows[0].len() as i64 - 1)
    }
}

/// All the tables of the 2006 standards this gateway uses.
#[derive(Debug)]
pub struct Tables {
    /// Length/height-for-age, by day.
    pub lhfa: Table,
    /// Weight-for-age, by day.
    pub wfa: Table,
    /// BMI-for-age, by day.
    pub bfa: Table,
    /// Arm-circumference-for-age, by day (from 91).
    pub acfa: Table,
    /// Weight-for-length, by tenth of a cm (450–1100).
    pub wfl: Table,
    /// Weight-for-height, by tenth of a cm (650–1200).
    pub wfh: Table,
}

/// The embedded tables, parsed once.
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        lhfa: Table::parse(include_str!("../data/length_height_for_age.csv"), 1.0),
        wfa: Table::parse(include_str!("../data/weight_for_age.csv"), 1.0),
        bfa: Table::parse(include_str!("../data/bmi_for_age.csv"), 1.0),
        acfa: Table::parse(include_str!("../data/arm_circumference_for_age.csv"), 1.0),
        wfl: Table::parse(include_str!("../data/weight_for_length.csv"), 10.0),
        wfh: Table::parse(include_str!("../data/weight_for_height.csv"), 10.0),
    })
}

/// One measurement to score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Input {
    /// Sex.
    pub sex: Sex,
    /// Age in days at measurement; `None` when unknown (only weight-for-length/height is then
    /// computed).
    pub age_days: Option<i64>,
    /// Weight in kg.
    pub weight_kg: Option<f64>,
    /// Length or height in cm, as measured.
    pub lenhei_cm: Option<f64>,
    /// How length/height was measured.
    pub position: Position,
    /// Bilateral pitting oedema.
    pub oedema: bool,
    /// Mid-upper-arm circumference in mm.
    pub muac_mm: Option<f64>,
}

/// One z-score, rounded to 2 decimals, with WHO's implausibility flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The z-score (2 decimals).
    pub z: f64,
    /// True when WHO considers the value implausible.
    pub flagged: bool,
}

/// Which weight-for-stature table a score came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatureTable {
    /// Weight-for-length (under 731 days, 45–110 cm).
    Length,
    /// Weight-for-height (from 731 days, 65–120 cm).
    Height,
}

/// Everything WHO's software derives from one measurement.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    /// Length/height after the position correction, in cm.
    pub clenhei: Option<f64>,
    /// The position used (after the under-9-months rule); `None` when unknown.
    pub position_used: Option<Position>,
    /// True when a child under 9 months was recorded as measured standing (position discarded).
    pub c9mo_flag: bool,
    /// BMI from weight and the corrected length/height.
    pub bmi: Option<f64>,
    /// Length/height-for-age (HAZ/LAZ).
    pub haz: Option<Score>,
    /// Weight-for-age (WAZ).
    pub waz: Option<Score>,
    /// Weight-for-length/height (WLZ/WHZ).
    pub whz: Option<Score>,
    /// The table the weight-for-stature score used.
    pub whz_table: Option<StatureTable>,
    /// BMI-for-age (BAZ).
    pub baz: Option<Score>,
    /// Arm-circumference-for-age (ACZ).
    pub acz: Option<Score>,
}

#[inline]
fn round2(z: f64) -> f64 {
    (z * 100.0).round() / 100.0
}

#[inline]
fn score(z: f64, lo: f64, hi: f64) -> Option<Score> {
    if !z.is_finite() {
        return None;
    }
    let z = round2(z);
    Some(Score {
        z,
        flagged: z < lo || z > hi,
    })
}

/// L, M and S at `cm` in a 0.1 cm table, interpolated linearly between the two rows around it.
#[inline]
fn lms_at_length(table: &Table, sex: Sex, cm: f64) -> Option<Lms> {
    let tenths = (cm * 10.0).trunc();
    let low = table.get(sex, tenths as i64)?;
    let t = (cm - tenths / 10.0) / 0.1;
    if t > 0.0 {
        let high = table.get(sex, tenths as i64 + 1)?;
        Some(low.lerp(high, t))
    } else {
        Some(*low)
    }
}

impl Tables {
    /// Scores one measurement, exactly as WHO's `anthro` does.
    pub fn score(&self, input: &Input) -> Scores {
        let mut out = Scores::default();
        let age = input.age_days.filter(|d| *d >= 0);
        // z-scores by age only under 60 months.
        let age_ok = age.filter(|d| (*d as f64) / DAYS_PER_MONTH < 60.0 && *d <= MAX_AGE_DAYS);
        let mut position = match input.position {
            Position::Unknown => None,
            p => Some(p),
        };
        if position == Some(Position::Standing)
            && age.is_some_and(|d| (d as f64) / DAYS_PER_MONTH < 9.0)
        {
            position = None;
            out.c9mo_flag = true;
        }
        out.position_used = position;
        let clenhei = input
            .lenhei_cm
            .filter(|v| *v > 0.0)
            .map(|v| match (age, position) {
                (Some(d), Some(Position::Standing)) if d < HEIGHT_FROM_DAYS => {
                    v + POSITION_CORRECTION_CM
                }
                (Some(d), Some(Position::Lying)) if d >= HEIGHT_FROM_DAYS => {
                    v - POSITION_CORRECTION_CM
                }
                _ => v,
            });
        out.clenhei = clenhei;
        let weight = input.weight_kg.filter(|v| *v > 0.0);
        let bmi = match (weight, clenhei) {
            (Some(w), Some(h)) => Some(w / ((h / 100.0) * (h / 100.0))),
            _ => None,
        };
        out.bmi = bmi;
        let sex = input.sex;

        if let (Some(d), Some(h)) = (age_ok, clenhei)
            && let Some(lms) = self.lhfa.get(sex, d)
        {
            out.haz = score(lms.z(h), -6.0, 6.0);
        }
        if !input.oedema {
            if let (Some(d), Some(w)) = (age_ok, weight)
                && let Some(lms) = self.wfa.get(sex, d)
            {
                out.waz = score(lms.z_restricted(w), -6.0, 5.0);
            }
            if let (Some(d), Some(b)) = (age_ok, bmi)
                && let Some(lms) = self.bfa.get(sex, d)
            {
                out.baz = score(lms.z_restricted(b), -5.0, 5.0);
            }
            if let (Some(w), Some(h)) = (weight, clenhei) {
                let use_length = match age {
                    Some(d) => d < HEIGHT_FROM_DAYS,
                    None => match position {
                        Some(p) => p == Position::Lying,
                        None => h < 87.0,
                    },
                };
                let too_old = age.is_some() && age_ok.is_none();
                let (table, lo, hi, which) = if use_length {
                    (&self.wfl, 45.0, 110.0, StatureTable::Length)
                } else {
                    (&self.wfh, 65.0, 120.0, StatureTable::Height)
                };
                if !too_old
                    && (lo..=hi).contains(&h)
                    && let Some(lms) = lms_at_length(table, sex, h)
                {
                    out.whz = score(lms.z_restricted(w), -5.0, 5.0);
                    out.whz_table = out.whz.map(|_| which);
                }
            }
        }
        if let (Some(d), Some(mm)) = (age_ok, input.muac_mm.filter(|v| *v > 0.0))
            && let Some(lms) = self.acfa.get(sex, d)
        {
            out.acz = score(lms.z_restricted(mm / 10.0), -5.0, 5.0);
        }
        out
    }
}

/// Scores one measurement with the embedded tables.
pub fn score_measurement(input: &Input) -> Scores {
    tables().score(input)
}

/// Weight-for-age category (BB/U), Permenkes 2/2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightForAge {
    /// Berat badan sangat kurang: z < −3 (or oedema).
    SeverelyUnderweight,
    /// Berat badan kurang: −3 ≤ z < −2.
    Underweight,
    /// Berat badan normal: −2 ≤ z ≤ +1.
    Normal,
    /// Risiko berat badan lebih: z > +1.
    RiskOfOverweight,
}

/// Length/height-for-age category (PB/U, TB/U), Permenkes 2/2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeightForAge {
    /// Sangat pendek (severely stunted): z < −3.
    SeverelyStunted,
    /// Pendek (stunted): −3 ≤ z < −2.
    Stunted,
    /// Normal: −2 ≤ z ≤ +3.
    Normal,
    /// Tinggi: z > +3.
    Tall,
}

/// Weight-for-length/height and BMI-for-age category (BB/PB, BB/TB, IMT/U), Permenkes 2/2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nutrition {
    /// Gizi buruk (severely wasted): z < −3 (or oedema).
    SeverelyWasted,
    /// Gizi kurang (wasted): −3 ≤ z < −2.
    Wasted,
    /// Gizi baik (normal): −2 ≤ z ≤ +1.
    Normal,
    /// Berisiko gizi lebih: +1 < z ≤ +2.
    RiskOfOverweight,
    /// Gizi lebih (overweight): +2 < z ≤ +3.
    Overweight,
    /// Obesitas: z > +3.
    Obese,
}

/// BB/U category of a z-score.
pub fn weight_for_age(z: f64) -> WeightForAge {
    if z < -3.0 {
        WeightForAge::SeverelyUnderweight
    } else if z < -2.0 {
        WeightForAge::Underweight
    } else if z <= 1.0 {
        WeightForAge::Normal
    } else {
        WeightForAge::RiskOfOverweight
    }
}

/// PB/U or TB/U category of a z-score.
pub fn height_for_age(z: f64) -> HeightForAge {
    if z < -3.0 {
        HeightForAge::SeverelyStunted
    } else if z < -2.0 {
        HeightForAge::Stunted
    } else if z <= 3.0 {
        HeightForAge::Normal
    } else {
        HeightForAge::Tall
    }
}

/// BB/PB, BB/TB or IMT/U category of a z-score.
pub fn nutrition(z: f64) -> Nutrition {
    if z < -3.0 {
        Nutrition::SeverelyWasted
    } else if z < -2.0 {
        Nutrition::Wasted
    } else if z <= 1.0 {
        Nutrition::Normal
    } else if z <= 2.0 {
        Nutrition::RiskOfOverweight
    } else if z <= 3.0 {
        Nutrition::Overweight
    } else {
        Nutrition::Obese
    }
}

/// The categories of one scored measurement. A flagged z-score gets no category; with oedema the
/// weight-based indices are counted as severe (WHO), though their z-scores are not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Categories {
    /// BB/U.
    pub weight_for_age: Option<WeightForAge>,
    /// PB/U or TB/U.
    pub height_for_age: Option<HeightForAge>,
    /// BB/PB or BB/TB.
    pub weight_for_height: Option<Nutrition>,
    /// IMT/U.
    pub bmi_for_age: Option<Nutrition>,
}

impl Scores {
    /// The Permenkes 2/2020 categories of these scores.
    pub fn categories(&self, oedema: bool) -> Categories {
        let ok = |s: Option<Score>| s.filter(|s| !s.flagged).map(|s| s.z);
        Categories {
            weight_for_age: if oedema {
                Some(WeightForAge::SeverelyUnderweight)
            } else {
                ok(self.waz).map(weight_for_age)
            },
            height_for_age: ok(self.haz).map(height_for_age),
            weight_for_height: if oedema {
                Some(Nutrition::SeverelyWasted)
            } else {
                ok(self.whz).map(nutrition)
            },
            bmi_for_age: if oedema {
                Some(Nutrition::SeverelyWasted)
            } else {
                ok(self.baz).map(nutrition)
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(sex: Sex, age: Option<i64>, w: Option<f64>, h: Option<f64>) -> Input {
        Input {
            sex,
            age_days: age,
            weight_kg: w,
            lenhei_cm: h,
            position: Position::Unknown,
            oedema: false,
            muac_mm: None,
        }
    }

    fn z(s: Option<Score>) -> f64 {
        s.unwrap().z
    }

    /// The four rows of the example in WHO's `anthro` R package documentation (README), with the
    /// values that software prints.
    #[test]
    fn agrees_with_who_anthro_examples() {
        let t = tables();
        let rows = [
            (Sex::Male, 1001, 18.0, 120.0, 7.31, 2.20, -2.39, -3.01),
            (Sex::Female, 1000, 15.0, 80.0, -3.50, 0.95, 4.13, 4.66),
            (Sex::Male, 1010, 10.0, 100.0, 1.62, -2.76, -5.19, -5.61),
            (Sex::Male, 1000, 15.0, 100.0, 1.70, 0.69, -0.29, -0.58),
        ];
        for (sex, age, w, h, zlen, zwei, zwfl, zbmi) in rows {
            let s = t.score(&input(sex, Some(age), Some(w), Some(h)));
            assert_eq!(z(s.haz), zlen, "zlen {age}");
            assert_eq!(z(s.waz), zwei, "zwei {age}");
            assert_eq!(z(s.whz), zwfl, "zwfl {age}");
            assert_eq!(z(s.baz), zbmi, "zbmi {age}");
        }
        // Flags as printed: flen for row 1; fwfl and fbmi for row 3.
        let s = t.score(&input(Sex::Male, Some(1001), Some(18.0), Some(120.0)));
        assert!(s.haz.unwrap().flagged);
        assert!(!s.waz.unwrap().flagged);
        let s = t.score(&input(Sex::Male, Some(1010), Some(10.0), Some(100.0)));
        assert!(s.whz.unwrap().flagged && s.baz.unwrap().flagged);
        assert!(!s.waz.unwrap().flagged && !s.haz.unwrap().flagged);
    }

    /// Expected values from WHO anthro's own test suite (`tests/testthat/test-zscores.R`).
    #[test]
    fn agrees_with_who_anthro_test_suite() {
        let t = tables();
        // Lying at 987 days: 0.7 cm comes off; zlen −6.09, flagged.
        let s = t.score(&Input {
            position: Position::Lying,
            ..input(Sex::Male, Some(987), None, Some(72.86))
        });
        assert_eq!(z(s.haz), -6.09);
        assert!(s.haz.unwrap().flagged);
        // Standing at 8 months (244 days) is discarded; at 9 months (274 days) 0.7 cm is added.
        let at = |age| {
            t.score(&Input {
                position: Position::Standing,
                ..input(Sex::Male, Some(age), None, Some(60.0))
            })
        };
        let (eight, nine) = (at(244), at(274));
        assert!(eight.c9mo_flag && !nine.c9mo_flag);
        assert_eq!(eight.clenhei, Some(60.0));
        assert!((nine.clenhei.unwrap() - 60.7).abs() < 1e-9);
        assert!((z(eight.haz) + 4.81).abs() <= 0.01, "{:?}", eight.haz);
        assert!((z(nine.haz) + 5.02).abs() <= 0.01, "{:?}", nine.haz);
        // A girl of 24 months (731 days) is scored on the height table, standing or unknown.
        for position in [Position::Standing, Position::Unknown] {
            let s = t.score(&Input {
                position,
                ..input(Sex::Female, Some(731), Some(8.8), Some(77.5))
            });
            assert_eq!(z(s.haz), -2.55);
            assert_eq!(s.clenhei, Some(77.5));
        }
    }

    #[test]
    fn z_is_zero_at_the_median_and_k_at_the_sd_values() {
        let t = tables();
        for (table, days) in [(&t.wfa, 0), (&t.wfa, 400), (&t.lhfa, 730), (&t.bfa, 1826)] {
            for sex in [Sex::Male, Sex::Female] {
                let lms = *table.get(sex, days).unwrap();
                assert!(lms.z(lms.m).abs() < 1e-12);
                for k in [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0] {
                    assert!((lms.z(lms.sd(k)) - k).abs() < 1e-9, "k = {k}");
                    assert!((lms.z_restricted(lms.sd(k)) - k).abs() < 1e-9, "k = {k}");
                }
            }
        }
    }

    #[test]
    fn restricted_tails_use_the_two_to_three_sd_interval() {
        let t = tables();
        let lms = *t.wfa.get(Sex::Female, 365).unwrap();
        let (sd2, sd3) = (lms.sd(3.0) - lms.sd(2.0), lms.sd(3.0));
        // One 2–3 SD interval above SD3 is exactly z = 4 in the restricted scale...
        assert!((lms.z_restricted(sd3 + sd2) - 4.0).abs() < 1e-9);
        // ...while the plain LMS scale (L < 0 for weight), whose SD intervals widen in the upper
        // tail, puts the same weight below 4: the two scales really differ there.
        assert!(lms.l < 0.0);
        assert!(lms.z(sd3 + sd2) < 3.99);
        let (lo2, lo3) = (lms.sd(-2.0), lms.sd(-3.0));
        assert!((lms.z_restricted(lo3 - (lo2 - lo3)) + 4.0).abs() < 1e-9);
        // Through the whole scorer: WAZ of a weight one interval below SD−3 is −4.00.
        let s = t.score(&Input {
            weight_kg: Some(lo3 - (lo2 - lo3)),
            ..input(Sex::Female, Some(365), None, None)
        });
        assert_eq!(z(s.waz), -4.0);
        // Length-for-age is never restricted: L = 1, z = (y − M) / (M S).
        let l = *t.lhfa.get(Sex::Male, 365).unwrap();
        assert_eq!(l.l, 1.0);
        let y = l.m * (1.0 + 4.0 * l.s);
        let s = t.score(&input(Sex::Male, Some(365), None, Some(y)));
        assert_eq!(z(s.haz), 4.0);
    }

    #[test]
    fn position_is_corrected_by_0_7_cm_at_731_days() {
        let t = tables();
        let at = |age: i64, position: Position| {
            t.score(&Input {
                position,
                ..input(Sex::Male, Some(age), Some(12.0), Some(85.0))
            })
        };
        // 730 days: the table expects lying; standing adds 0.7 cm.
        assert_eq!(at(730, Position::Standing).clenhei, Some(85.7));
        assert_eq!(at(730, Position::Lying).clenhei, Some(85.0));
        assert_eq!(at(730, Position::Unknown).clenhei, Some(85.0));
        // 731 days: the table expects standing; lying removes 0.7 cm.
        assert!((at(731, Position::Lying).clenhei.unwrap() - 84.3).abs() < 1e-9);
        assert_eq!(at(731, Position::Standing).clenhei, Some(85.0));
        assert_eq!(at(731, Position::Unknown).clenhei, Some(85.0));
        // 730 days uses weight-for-length, 731 weight-for-height.
        assert_eq!(
            at(730, Position::Lying).whz_table,
            Some(StatureTable::Length)
        );
        assert_eq!(
            at(731, Position::Lying).whz_table,
            Some(StatureTable::Height)
        );
        // The HAZ at 730 standing equals the HAZ at 730 lying of a child 0.7 cm longer.
        let lms = *t.lhfa.get(Sex::Male, 730).unwrap();
        assert_eq!(z(at(730, Position::Standing).haz), round2(lms.z(85.7)));
    }

    #[test]
    fn standing_under_nine_months_is_flagged_and_discarded() {
        let t = tables();
        let s = t.score(&Input {
            position: Position::Standing,
            ..input(Sex::Female, Some(200), Some(7.0), Some(65.0))
        });
        assert!(s.c9mo_flag);
        assert_eq!(s.position_used, None);
        assert_eq!(s.clenhei, Some(65.0));
        let s = t.score(&Input {
            position: Position::Standing,
            ..input(Sex::Female, Some(300), Some(8.0), Some(70.0))
        });
        assert!(!s.c9mo_flag);
        assert_eq!(s.clenhei, Some(70.7));
    }

    #[test]
    fn weight_for_length_interpolates_between_tenth_rows_and_keeps_its_range() {
        let t = tables();
        // Exactly on a row: the row's own L, M, S.
        let row = *t.wfl.get(Sex::Male, 450).unwrap();
        let s = t.score(&input(Sex::Male, Some(10), Some(row.m), Some(45.0)));
        assert_eq!(z(s.whz), 0.0);
        let top = *t.wfl.get(Sex::Male, 1100).unwrap();
        let s = t.score(&input(Sex::Male, Some(700), Some(top.m), Some(110.0)));
        assert_eq!(z(s.whz), 0.0);
        // Half-way between two rows: M is the mean of both rows' M.
        let (a, b) = (
            *t.wfl.get(Sex::Female, 603).unwrap(),
            *t.wfl.get(Sex::Female, 604).unwrap(),
        );
        let mid = lms_at_length(&t.wfl, Sex::Female, 60.35).unwrap();
        assert!((mid.m - (a.m + b.m) / 2.0).abs() < 1e-9);
        let s = t.score(&input(Sex::Female, Some(200), Some(mid.m), Some(60.35)));
        assert_eq!(z(s.whz), 0.0);
        // Outside 45–110 cm (length) there is no score.
        assert!(
            t.score(&input(Sex::Male, Some(10), Some(2.0), Some(44.9)))
                .whz
                .is_none()
        );
        assert!(
            t.score(&input(Sex::Male, Some(700), Some(20.0), Some(110.1)))
                .whz
                .is_none()
        );
        // Weight-for-height covers 65–120 cm from 731 days.
        assert!(
            t.score(&input(Sex::Male, Some(800), Some(7.0), Some(64.9)))
                .whz
                .is_none()
        );
        let h = *t.wfh.get(Sex::Male, 650).unwrap();
        let s = t.score(&input(Sex::Male, Some(800), Some(h.m), Some(65.0)));
        assert_eq!(z(s.whz), 0.0);
    }

    #[test]
    fn unknown_age_picks_the_table_by_position_then_by_87_cm() {
        let t = tables();
        let s = t.score(&input(Sex::Male, None, Some(11.0), Some(86.9)));
        assert_eq!(s.whz_table, Some(StatureTable::Length));
        assert!(s.haz.is_none() && s.waz.is_none() && s.baz.is_none());
        let s = t.score(&input(Sex::Male, None, Some(11.0), Some(87.0)));
        assert_eq!(s.whz_table, Some(StatureTable::Height));
        let s = t.score(&Input {
            position: Position::Standing,
            ..input(Sex::Male, None, Some(9.0), Some(80.0))
        });
        assert_eq!(s.whz_table, Some(StatureTable::Height));
    }

    #[test]
    fn ages_are_scored_from_0_to_1826_days_only() {
        let t = tables();
        assert!(
            t.score(&input(Sex::Female, Some(0), Some(3.2), Some(49.0)))
                .haz
                .is_some()
        );
        let s = t.score(&input(Sex::Female, Some(1826), Some(18.0), Some(109.0)));
        assert!(s.haz.is_some() && s.waz.is_some() && s.whz.is_some());
        let s = t.score(&input(Sex::Female, Some(1827), Some(18.0), Some(109.0)));
        assert!(s.haz.is_none() && s.waz.is_none() && s.whz.is_none() && s.baz.is_none());
        assert!(
            t.score(&input(Sex::Female, Some(-1), Some(3.0), Some(49.0)))
                .haz
                .is_none()
        );
        // Arm circumference starts at 91 days.
        let muac = |age| {
            t.score(&Input {
                muac_mm: Some(130.0),
                ..input(Sex::Male, Some(age), None, None)
            })
            .acz
        };
        assert!(muac(90).is_none());
        assert!(muac(91).is_some());
    }

    #[test]
    fn oedema_drops_weight_scores_and_counts_as_severe() {
        let t = tables();
        let s = t.score(&Input {
            oedema: true,
            muac_mm: Some(120.0),
            ..input(Sex::Male, Some(500), Some(8.0), Some(75.0))
        });
        assert!(s.waz.is_none() && s.whz.is_none() && s.baz.is_none());
        assert!(s.haz.is_some() && s.acz.is_some());
        let c = s.categories(true);
        assert_eq!(c.weight_for_age, Some(WeightForAge::SeverelyUnderweight));
        assert_eq!(c.weight_for_height, Some(Nutrition::SeverelyWasted));
    }

    #[test]
    fn flags_follow_who_limits_and_flagged_scores_get_no_category() {
        assert!(score(6.01, -6.0, 6.0).unwrap().flagged);
        assert!(!score(6.0, -6.0, 6.0).unwrap().flagged);
        assert!(
            !score(6.004, -6.0, 6.0).unwrap().flagged,
            "flag after rounding"
        );
        assert!(score(5.01, -6.0, 5.0).unwrap().flagged);
        assert!(score(-5.01, -5.0, 5.0).unwrap().flagged);
        let s = Scores {
            haz: score(-6.5, -6.0, 6.0),
            ..Scores::default()
        };
        assert_eq!(s.categories(false).height_for_age, None);
    }

    #[test]
    fn permenkes_bands_have_their_edges_where_the_regulation_puts_them() {
        assert_eq!(height_for_age(-3.01), HeightForAge::SeverelyStunted);
        assert_eq!(height_for_age(-3.0), HeightForAge::Stunted);
        assert_eq!(height_for_age(-2.01), HeightForAge::Stunted);
        assert_eq!(height_for_age(-2.0), HeightForAge::Normal);
        assert_eq!(height_for_age(3.0), HeightForAge::Normal);
        assert_eq!(height_for_age(3.01), HeightForAge::Tall);
        assert_eq!(weight_for_age(-2.0), WeightForAge::Normal);
        assert_eq!(weight_for_age(1.0), WeightForAge::Normal);
        assert_eq!(weight_for_age(1.01), WeightForAge::RiskOfOverweight);
        assert_eq!(weight_for_age(-3.0), WeightForAge::Underweight);
        assert_eq!(nutrition(-3.5), Nutrition::SeverelyWasted);
        assert_eq!(nutrition(-2.5), Nutrition::Wasted);
        assert_eq!(nutrition(1.0), Nutrition::Normal);
        assert_eq!(nutrition(1.5), Nutrition::RiskOfOverweight);
        assert_eq!(nutrition(2.0), Nutrition::RiskOfOverweight);
        assert_eq!(nutrition(2.5), Nutrition::Overweight);
        assert_eq!(nutrition(3.0), Nutrition::Overweight);
        assert_eq!(nutrition(3.01), Nutrition::Obese);
    }

    #[test]
    fn tables_cover_their_documented_ranges() {
        let t = tables();
        assert_eq!(t.lhfa.range(), (0, 1826));
        assert_eq!(t.wfa.range(), (0, 1826));
        assert_eq!(t.bfa.range(), (0, 1826));
        assert_eq!(t.acfa.range(), (91, 1826));
        assert_eq!(t.wfl.range(), (450, 1100));
        assert_eq!(t.wfh.range(), (650, 1200));
        for table in [&t.lhfa, &t.wfa, &t.bfa, &t.acfa, &t.wfl, &t.wfh] {
            assert_eq!(table.rows[0].len(), table.rows[1].len());
        }
    }
}
