//! The indicator framework as data, and scoring (pure: no database).
//!
//! A [`Framework`] is dimensions → variables → indicators, each with a weight, plus the category
//! bands of the index. Version 1 (`data/framework-v1.toml`) is KemenPPPA's 5 dimensions, 15
//! variables and 24 indicators with equal weights; an ADMIN publishes later versions. A family is
//! scored as Σ w·x within each variable (x = 1 when it meets an indicator, 0 when not; indicators
//! that do not apply leave the sum and its weights), variables combine into dimensions and
//! dimensions into the index by their weights, on 0–100. The R-IKK of a group is the same
//! combination over the group's per-indicator shares ([`Framework::combine`]).

use std::collections::{BTreeMap, HashSet};

use async_graphql::{Enum, SimpleObject};
use serde::{Deserialize, Serialize};

/// Version 1, as shipped (TOML).
pub const V1: &str = include_str!("../data/framework-v1.toml");

/// How an indicator is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnswerType {
    /// Met or not met, as the assessor judges.
    YesNo,
    /// A raw value (meals a day, a percentage...); met is decided by the indicator's rule.
    Number,
}

/// One indicator: its question, its answer type and the rule that says a family meets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(name = "FrameworkIndicator")]
pub struct Indicator {
    /// Its number (1–24 in version 1), unique within the framework.
    pub number: i32,
    /// Name (`Legalitas perkawinan`).
    pub name: String,
    /// The question the assessor answers.
    pub question: String,
    /// How it is answered.
    pub answer: AnswerType,
    /// Weight within its variable.
    pub weight: f64,
    /// True when a family may answer NOT_APPLICABLE (no couple, no children of school age...).
    #[serde(default)]
    pub not_applicable_allowed: bool,
    /// The unit of a NUMBER answer.
    #[serde(default)]
    pub unit: Option<String>,
    /// The smallest allowed NUMBER answer.
    #[serde(default)]
    pub min_value: Option<f64>,
    /// The largest allowed NUMBER answer.
    #[serde(default)]
    pub max_value: Option<f64>,
    /// A NUMBER answer meets the indicator when at least this.
    #[serde(default)]
    pub met_at_least: Option<f64>,
    /// A NUMBER answer meets the indicator when at most this.
    #[serde(default)]
    pub met_at_most: Option<f64>,
}

/// A variable: indicators with their weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(name = "FrameworkVariable")]
pub struct Variable {
    /// Code (`V1`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Weight within its dimension.
    pub weight: f64,
    /// Its indicators.
    pub indicators: Vec<Indicator>,
}

/// A dimension: variables with their weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(name = "FrameworkDimension")]
pub struct Dimension {
    /// Code (`D1`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Weight within the index.
    pub weight: f64,
    /// Its variables.
    pub variables: Vec<Variable>,
}

/// A category band of the index: an index of at least `min` (and below the next band's `min`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(name = "IndexBand")]
pub struct Band {
    /// The category (`LOW`, `MEDIUM`, `HIGH` in version 1).
    pub category: String,
    /// Its label (`Rendah`).
    pub label: String,
    /// The lowest index in the band.
    pub min: f64,
}

/// A framework version's content (the version number and date live in its table row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Name.
    pub name: String,
    /// The category bands, lowest first after checking.
    pub bands: Vec<Band>,
    /// The dimensions.
    pub dimensions: Vec<Dimension>,
}

/// An answer as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Answer {
    /// The family meets the indicator.
    Met,
    /// It does not.
    NotMet,
    /// The indicator does not apply to this family.
    NotApplicable,
}

impl Answer {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Met => "MET",
            Answer::NotMet => "NOT_MET",
            Answer::NotApplicable => "NOT_APPLICABLE",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Answer> {
        Some(match s {
            "MET" => Answer::Met,
            "NOT_MET" => Answer::NotMet,
            "NOT_APPLICABLE" => Answer::NotApplicable,
            _ => return None,
        })
    }
}

/// One indicator's answer given to [`Framework::score`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Given {
    /// The indicator number.
    pub indicator: i32,
    /// The answer, when given (a NUMBER indicator's is derived from its value).
    pub answer: Option<Answer>,
    /// The raw value of a NUMBER indicator.
    pub value: Option<f64>,
}

/// One scored answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredAnswer {
    /// The indicator number.
    pub indicator: i32,
    /// The answer.
    pub answer: Answer,
    /// The raw value, for NUMBER indicators.
    pub value: Option<f64>,
}

/// A family's scores under one framework version.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Every indicator's answer, in framework order.
    pub answers: Vec<ScoredAnswer>,
    /// Variable scores 0–100 by code (`None` when no indicator of it applies).
    pub variables: Vec<(String, Option<f64>)>,
    /// Dimension scores 0–100 by code.
    pub dimensions: Vec<(String, Option<f64>)>,
    /// The index 0–100, 2 decimals.
    pub index: f64,
    /// Its category.
    pub category: String,
}

/// A problem with an input: the field path (relative to the answers list) and the message.
pub type Problem = (String, String);

fn weighted(parts: impl Iterator<Item = (f64, Option<f64>)>) -> Option<f64> {
    let (mut sum, mut weights) = (0.0, 0.0);
    for (w, v) in parts {
        if let Some(v) = v {
            sum += w * v;
            weights += w;
        }
    }
    (weights > 0.0).then(|| sum / weights)
}

impl Framework {
    /// Parses a framework from TOML or JSON text (JSON when it starts with `{`) and checks it.
    pub fn parse(text: &str) -> Result<Framework, String> {
        let fw: Framework = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| format!("not a valid framework: {e}"))?
        } else {
            toml::from_str(text).map_err(|e| format!("not a valid framework: {e}"))?
        };
        fw.checked()
    }

    /// Version 1 as shipped (`data/framework-v1.toml`; a unit test checks that it parses).
    pub fn v1() -> Result<Framework, String> {
        Framework::parse(V1)
    }

    /// Checks a framework and sorts its bands: unique indicator numbers and codes, positive
    /// weights, every level non-empty, NUMBER indicators with a range and a rule, bands from 0.
    pub fn checked(mut self) -> Result<Framework, String> {
        if self.name.trim().is_empty() {
            return Err("name: must not be empty".into());
        }
        if self.dimensions.is_empty() {
            return Err("dimensions: at least one is needed".into());
        }
        let mut numbers = HashSet::new();
        let mut codes = HashSet::new();
        let positive = |w: f64, what: &str| {
            if w.is_finite() && w > 0.0 {
                Ok(())
            } else {
                Err(format!("{what}: weight must be a positive number"))
            }
        };
        for d in &self.dimensions {
            positive(d.weight, &d.code)?;
            if !codes.insert(d.code.clone()) {
                return Err(format!("{}: code appears twice", d.code));
            }
            if d.variables.is_empty() {
                return Err(format!(
                    "{}: a dimension needs at least one variable",
                    d.code
                ));
            }
            for v in &d.variables {
                positive(v.weight, &v.code)?;
                if !codes.insert(v.code.clone()) {
                    return Err(format!("{}: code appears twice", v.code));
                }
                if v.indicators.is_empty() {
                    return Err(format!(
                        "{}: a variable needs at least one indicator",
                        v.code
                    ));
                }
                for i in &v.indicators {
                    let what = format!("indicator {}", i.number);
                    positive(i.weight, &what)?;
                    if i.number < 1 || !numbers.insert(i.number) {
                        return Err(format!("{what}: numbers must be positive and unique"));
                    }
                    if i.answer == AnswerType::Number {
                        if i.met_at_least.is_none() && i.met_at_most.is_none() {
                            return Err(format!(
                                "{what}: a NUMBER indicator needs met_at_least or met_at_most"
                            ));
                        }
                        if let (Some(lo), Some(hi)) = (i.min_value, i.max_value)
                            && lo > hi
                        {
                            return Err(format!("{what}: min_value is above max_value"));
                        }
                    }
                }
            }
        }
        self.bands.sort_by(|a, b| {
            a.min
                .partial_cmp(&b.min)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        match self.bands.first() {
            Some(b) if b.min <= 0.0 => {}
            _ => return Err("bands: the lowest band must start at 0".into()),
        }
        let mut cats = HashSet::new();
        for b in &self.bands {
            if b.category.trim().is_empty() || !cats.insert(b.category.clone()) {
                return Err("bands: categories must be named and unique".into());
            }
        }
        Ok(self)
    }

    /// Every indicator, in framework order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.dimensions
            .iter()
            .flat_map(|d| d.variables.iter().flat_map(|v| v.indicators.iter()))
    }

    /// The indicator numbered `n`.
    pub fn indicator(&self, n: i32) -> Option<&Indicator> {
        self.indicators().find(|i| i.number == n)
    }

    /// The dimension code of indicator `n`.
    pub fn dimension_of(&self, n: i32) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|d| {
                d.variables
                    .iter()
                    .any(|v| v.indicators.iter().any(|i| i.number == n))
            })
            .map(|d| d.code.as_str())
    }

    /// The category of an index.
    pub fn category(&self, index: f64) -> &str {
        self.bands
            .iter()
            .rev()
            .find(|b| index >= b.min)
            .or(self.bands.first())
            .map_or("", |b| b.category.as_str())
    }

    /// Combines per-indicator values (0–100; `None` where the indicator does not apply) into
    /// variable, dimension and index values by the weights: a family's scores from its 0/100
    /// answers, or a group's R-IKK from its per-indicator shares.
    pub fn combine(&self, value: impl Fn(i32) -> Option<f64>) -> Combined {
        let mut variables = Vec::new();
        let mut dimensions = Vec::new();
        for d in &self.dimensions {
            let mut dim_parts = Vec::new();
            for v in &d.variables {
                let score = weighted(v.indicators.iter().map(|i| (i.weight, value(i.number))));
                variables.push((v.code.clone(), score));
                dim_parts.push((v.weight, score));
            }
            let score = weighted(dim_parts.into_iter());
            dimensions.push((d.code.clone(), score));
        }
        let index = weighted(
            self.dimensions
                .iter()
                .zip(&dimensions)
                .map(|(d, (_, s))| (d.weight, *s)),
        );
        Combined {
            variables,
            dimensions,
            index,
        }
    }

    /// Checks a family's answers and scores them. Problems name the answer's position
    /// (`[3].answer`) or, for a missing indicator, the list (`""`).
    pub fn score(&self, given: &[Given]) -> Result<Scores, Problem> {
        let mut by_number: BTreeMap<i32, (usize, Given)> = BTreeMap::new();
        for (pos, g) in given.iter().enumerate() {
            let Some(ind) = self.indicator(g.indicator) else {
                return Err((
                    format!("[{pos}].indicator"),
                    format!("{} is not an indicator of this framework", g.indicator),
                ));
            };
            if by_number.insert(ind.number, (pos, *g)).is_some() {
                return Err((
                    format!("[{pos}].indicator"),
                    format!("indicator {} is answered twice", ind.number),
                ));
            }
        }
        let mut answers = Vec::new();
        for ind in self.indicators() {
            let Some((pos, g)) = by_number.get(&ind.number).copied() else {
                return Err((
                    String::new(),
                    format!("indicator {} ({}) is not answered", ind.number, ind.name),
                ));
            };
            let answer = check_answer(ind, &g).map_err(|(f, m)| (format!("[{pos}].{f}"), m))?;
            answers.push(ScoredAnswer {
                indicator: ind.number,
                answer,
                value: g.value.filter(|_| answer != Answer::NotApplicable),
            });
        }
        let value_of = |n: i32| {
            answers
                .iter()
                .find(|a| a.indicator == n)
                .and_then(|a| match a.answer {
                    Answer::Met => Some(100.0),
                    Answer::NotMet => Some(0.0),
                    Answer::NotApplicable => None,
                })
        };
        let c = self.combine(value_of);
        let Some(index) = c.index else {
            return Err((
                String::new(),
                "no indicator applies to this family: at least one must be MET or NOT_MET".into(),
            ));
        };
        let index = keluarga_core::stats::round(index, 2);
        Ok(Scores {
            category: self.category(index).to_owned(),
            variables: round_all(c.variables),
            dimensions: round_all(c.dimensions),
            index,
            answers,
        })
    }
}

fn round_all(v: Vec<(String, Option<f64>)>) -> Vec<(String, Option<f64>)> {
    v.into_iter()
        .map(|(c, s)| (c, s.map(|x| keluarga_core::stats::round(x, 2))))
        .collect()
}

/// Variable, dimension and index values from [`Framework::combine`] (unrounded).
#[derive(Debug, Clone, PartialEq)]
pub struct Combined {
    /// By variable code.
    pub variables: Vec<(String, Option<f64>)>,
    /// By dimension code.
    pub dimensions: Vec<(String, Option<f64>)>,
    /// The index; `None` when nothing applies.
    pub index: Option<f64>,
}

/// The answer an indicator gets from what was given, or the problem (field, message).
fn check_answer(ind: &Indicator, g: &Given) -> Result<Answer, (String, String)> {
    let bad = |f: &str, m: String| Err((f.to_owned(), m));
    if g.answer == Some(Answer::NotApplicable) {
        if !ind.not_applicable_allowed {
            return bad(
                "answer",
                format!("indicator {} applies to every family", ind.number),
            );
        }
        if g.value.is_some() {
            return bad("value", "a NOT_APPLICABLE answer has no value".into());
        }
        return Ok(Answer::NotApplicable);
    }
    match ind.answer {
        AnswerType::YesNo => {
            if g.value.is_some() {
                return bad(
                    "value",
                    format!(
                        "indicator {} is answered MET or NOT_MET, without a value",
                        ind.number
                    ),
                );
            }
            match g.answer {
                Some(a) => Ok(a),
                None => bad(
                    "answer",
                    format!(
                        "indicator {} needs MET, NOT_MET or NOT_APPLICABLE",
                        ind.number
                    ),
                ),
            }
        }
        AnswerType::Number => {
            let unit = ind.unit.as_deref().unwrap_or("");
            let Some(v) = g.value else {
                return bad(
                    "value",
                    format!("indicator {} needs its value ({unit})", ind.number),
                );
            };
            if !v.is_finite()
                || ind.min_value.is_some_and(|lo| v < lo)
                || ind.max_value.is_some_and(|hi| v > hi)
            {
                return bad(
                    "value",
                    format!(
                        "{v} is outside the allowed values of indicator {} ({}–{} {unit})",
                        ind.number,
                        ind.min_value.map_or("".into(), |x| x.to_string()),
                        ind.max_value.map_or("".into(), |x| x.to_string()),
                    ),
                );
            }
            let met = ind.met_at_least.is_none_or(|lo| v >= lo)
                && ind.met_at_most.is_none_or(|hi| v <= hi);
            let derived = if met { Answer::Met } else { Answer::NotMet };
            match g.answer {
                Some(a) if a != derived => bad(
                    "answer",
                    format!(
                        "{v} {unit} means {} under the indicator's rule, not {}",
                        derived.as_str(),
                        a.as_str()
                    ),
                ),
                _ => Ok(derived),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(n: i32) -> Given {
        Given {
            indicator: n,
            answer: Some(Answer::Met),
            value: None,
        }
    }

    fn all_met(fw: &Framework) -> Vec<Given> {
        fw.indicators()
            .map(|i| match i.answer {
                AnswerType::YesNo => yes(i.number),
                AnswerType::Number => Given {
                    indicator: i.number,
                    answer: None,
                    value: i.met_at_least.or(i.met_at_most),
                },
            })
            .collect()
    }

    #[test]
    fn version_1_is_the_24_indicators_of_domain_md() {
        let fw = Framework::v1().unwrap();
        assert_eq!(fw.dimensions.len(), 5);
        let vars: usize = fw.dimensions.iter().map(|d| d.variables.len()).sum();
        assert_eq!(vars, 15);
        let per_dim: Vec<usize> = fw
            .dimensions
            .iter()
            .map(|d| d.variables.iter().map(|v| v.indicators.len()).sum())
            .collect();
        assert_eq!(per_dim, [7, 4, 7, 3, 3]);
        let numbers: Vec<i32> = fw.indicators().map(|i| i.number).collect();
        assert_eq!(numbers, (1..=24).collect::<Vec<_>>());
        assert_eq!(fw.category(59.99), "LOW");
        assert_eq!(fw.category(60.0), "MEDIUM");
        assert_eq!(fw.category(80.0), "HIGH");
    }

    /// A family scored by hand under version 1 (equal weights):
    /// D1: V1 {1 met, 2 not met} = 50, V2 {3 n/a} = none, V3 {4,5,6 met, 7 not} = 75
    ///     → D1 = (50 + 75) / 2 = 62.5
    /// D2: V4 {8: 1 meal → not met, 9 met} = 50, V5 {10 met} = 100, V6 {11 not} = 0 → 50
    /// D3: V7 {12 met} 100, V8 {13: 80 % → not met, 14 met} 50, V9 {15 met, 16: 100 % met} 100,
    ///     V10 {17 not, 18 met} 50 → 75
    /// D4: V11 {19 met, 20 not met} 50, V12 {21 met} 100 → 75
    /// D5: V13 {22 n/a} none, V14 {23 met} 100, V15 {24 not} 0 → 50
    /// index = (62.5 + 50 + 75 + 75 + 50) / 5 = 62.5 → MEDIUM
    #[test]
    fn a_family_scores_as_computed_by_hand() {
        let fw = Framework::v1().unwrap();
        let mut g = all_met(&fw);
        let set = |g: &mut Vec<Given>, n: i32, answer: Option<Answer>, value: Option<f64>| {
            let a = g.iter_mut().find(|x| x.indicator == n).expect("indicator");
            a.answer = answer;
            a.value = value;
        };
        set(&mut g, 2, Some(Answer::NotMet), None);
        set(&mut g, 3, Some(Answer::NotApplicable), None);
        set(&mut g, 7, Some(Answer::NotMet), None);
        set(&mut g, 8, None, Some(1.0));
        set(&mut g, 11, Some(Answer::NotMet), None);
        set(&mut g, 13, None, Some(80.0));
        set(&mut g, 17, Some(Answer::NotMet), None);
        set(&mut g, 20, Some(Answer::NotMet), None);
        set(&mut g, 22, Some(Answer::NotApplicable), None);
        set(&mut g, 24, Some(Answer::NotMet), None);
        let s = fw.score(&g).expect("scores");
        let dims: Vec<Option<f64>> = s.dimensions.iter().map(|d| d.1).collect();
        assert_eq!(
            dims,
            [Some(62.5), Some(50.0), Some(75.0), Some(75.0), Some(50.0)]
        );
        let v2 = s.variables.iter().find(|v| v.0 == "V2").map(|v| v.1);
        assert_eq!(v2, Some(None));
        assert_eq!(s.index, 62.5);
        assert_eq!(s.category, "MEDIUM");
        let eight = s.answers.iter().find(|a| a.indicator == 8).expect("8");
        assert_eq!((eight.answer, eight.value), (Answer::NotMet, Some(1.0)));
        assert_eq!(fw.score(&all_met(&fw)).map(|s| s.index), Ok(100.0));
    }

    #[test]
    fn bad_answers_name_their_position() {
        let fw = Framework::v1().unwrap();
        let mut g = all_met(&fw);
        g.pop();
        assert_eq!(
            fw.score(&g).map(|s| s.index),
            Err((
                String::new(),
                "indicator 24 (Partisipasi dalam kegiatan keagamaan) is not answered".into()
            ))
        );
        let mut g = all_met(&fw);
        g[0].indicator = 25;
        assert_eq!(
            fw.score(&g).map(|_| ()).map_err(|e| e.0),
            Err("[0].indicator".into())
        );
        let mut g = all_met(&fw);
        g[7].value = Some(11.0); // indicator 8: 0–10 meals
        assert_eq!(
            fw.score(&g).map(|_| ()).map_err(|e| e.0),
            Err("[7].value".into())
        );
        let mut g = all_met(&fw);
        g[3].answer = Some(Answer::NotApplicable); // indicator 4 applies to every family
        assert_eq!(
            fw.score(&g).map(|_| ()).map_err(|e| e.0),
            Err("[3].answer".into())
        );
        let mut g = all_met(&fw);
        g[7].answer = Some(Answer::NotMet); // 2 meals meets the rule
        assert_eq!(
            fw.score(&g).map(|_| ()).map_err(|e| e.0),
            Err("[7].answer".into())
        );
        let mut g = all_met(&fw);
        g[0].answer = None;
        assert_eq!(
            fw.score(&g).map(|_| ()).map_err(|e| e.0),
            Err("[0].answer".into())
        );
    }

    #[test]
    fn a_framework_is_checked_before_it_is_used() {
        let mut fw = Framework::v1().unwrap();
        fw.dimensions[0].weight = 0.0;
        assert!(fw.checked().is_err());
        let mut fw = Framework::v1().unwrap();
        fw.dimensions[1].variables[0].indicators[0].number = 1;
        assert!(fw.checked().is_err());
        let mut fw = Framework::v1().unwrap();
        fw.bands.retain(|b| b.min > 0.0);
        assert!(fw.checked().is_err());
        let json = serde_json::to_string(&Framework::v1().unwrap()).expect("json");
        assert_eq!(Framework::parse(&json), Ok(Framework::v1().unwrap()));
    }
}
