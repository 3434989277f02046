//! Ketahanan statistics in core's statistics convention (`keluarga_core::stats`).
//!
//! Each family counts once per group, by its latest assessment in the period (per period bucket
//! when grouped by a grain), as stunting counts each child once. Four sources, each one
//! `GROUP BY` through core: assessments (families, mean index, CATEGORY), their answers (share
//! meeting each INDICATOR, and the R-IKK: the shares combined by the current framework's
//! weights), their dimension scores (DIMENSION), and visits (by issue and outcome). Cadres come
//! from core's cadre roles. Suppression is core's one rule, on families (or cadres) counted.

use std::collections::HashMap;

use chrono::NaiveDate;
use keluarga_core::kinds::CadreRoleKind;
use keluarga_core::rollup::Rollup;
use keluarga_core::stats::{
    self, Aggregate, Cell, Dimension, GroupPlan, Measure, Source, SourceArgs, Spec,
    StatisticsFilter, StatsDimension,
};
use keluarga_core::store::Binder;
use keluarga_core::{Actor, Scope};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::framework::Framework;
use crate::kinds::{VisitIssue, VisitOutcome};
use keluarga_core::error::Result;

/// A grouping dimension of ketahanan statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum KetahananDimension {
    /// Group by province.
    Province,
    /// Group by regency or city.
    Regency,
    /// Group by district (kecamatan).
    District,
    /// Group by village (desa/kelurahan).
    Village,
    /// Group by calendar year; each family's latest assessment in each year.
    Year,
    /// Group by quarter (`2026-Q1`).
    Quarter,
    /// Group by month (`2026-08`).
    Month,
    /// Group by the sex of the head of family.
    Sex,
    /// Group by dimension of the framework (D1–D5): mean dimension score and its R-IKK.
    Dimension,
    /// Group by indicator (1–24): the share of families meeting it.
    Indicator,
    /// Group by category of the index (the distribution of families by category).
    Category,
}

impl KetahananDimension {
    fn core(self) -> Option<StatsDimension> {
        Some(match self {
            KetahananDimension::Province => StatsDimension::Province,
            KetahananDimension::Regency => StatsDimension::Regency,
            KetahananDimension::District => StatsDimension::District,
            KetahananDimension::Village => StatsDimension::Village,
            KetahananDimension::Year => StatsDimension::Year,
            KetahananDimension::Quarter => StatsDimension::Quarter,
            KetahananDimension::Month => StatsDimension::Month,
            KetahananDimension::Sex => StatsDimension::Sex,
            _ => return None,
        })
    }
}

/// The category label of an assessment row.
pub const CATEGORY: Dimension = Dimension {
    name: "category",
    sql: "category",
};
/// The indicator number of an answer row.
pub const INDICATOR: Dimension = Dimension {
    name: "indicator",
    sql: "CAST(indicator AS TEXT)",
};
/// The dimension code of a score row.
pub const DIMENSION: Dimension = Dimension {
    name: "dimension",
    sql: "code",
};

/// Each family's latest assessment in the scope and period (per period bucket).
fn latest_sql(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    args.latest(b, "ketahanan_assessment", "family_id", "assessed_on")
}

fn latest(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    format!("{} latest", latest_sql(b, args))
}

fn answers(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    format!(
        "(SELECT l.family_id, l.region_code, l.assessed_on, l.head_sex, l.category, \
         ans.indicator, ans.answer FROM {} l JOIN ketahanan_answer ans \
         ON ans.assessment_id = l.id) answers",
        latest_sql(b, args)
    )
}

fn dimension_scores(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    format!(
        "(SELECT l.family_id, l.region_code, l.assessed_on, l.head_sex, l.category, s.code, \
         s.score FROM {} l JOIN ketahanan_score s ON s.assessment_id = l.id \
         AND s.level = 'DIMENSION') scores",
        latest_sql(b, args)
    )
}

const fn measure(name: &'static str, aggregate: Aggregate) -> Measure {
    Measure { name, aggregate }
}

/// [`ASSESSMENTS`], for the domain's sex-disaggregable measures.
pub fn assessments_spec() -> Spec<'static> {
    ASSESSMENTS
}

/// [`VISITS`], for the domain's sex-disaggregable measures.
pub fn visits_spec() -> Spec<'static> {
    VISITS
}

/// Families assessed and their mean index.
pub const ASSESSMENTS: Spec<'static> = Spec {
    source: Source {
        from: &latest,
        region: "region_code",
        date: "assessed_on",
        sex: Some("head_sex"),
        filter: "",
    },
    measures: &[
        measure("families", Aggregate::Count),
        measure("mean_index", Aggregate::Mean("index_score")),
    ],
    people: "families",
    rollup: Some(&ASSESSMENTS_ROLLUP),
};

/// The share of families meeting each indicator (not-applicable answers left out).
pub const ANSWERS: Spec<'static> = Spec {
    source: Source {
        from: &answers,
        region: "region_code",
        date: "assessed_on",
        sex: Some("head_sex"),
        filter: "",
    },
    measures: &[
        measure("families", Aggregate::CountDistinct("family_id")),
        measure(
            "met",
            Aggregate::Rate {
                numerator: "answer = 'MET'",
                denominator: "answer <> 'NOT_APPLICABLE'",
            },
        ),
    ],
    people: "families",
    rollup: Some(&ANSWERS_ROLLUP),
};

/// The mean dimension scores.
pub const DIMENSIONS: Spec<'static> = Spec {
    source: Source {
        from: &dimension_scores,
        region: "region_code",
        date: "assessed_on",
        sex: Some("head_sex"),
        filter: "",
    },
    measures: &[
        measure("families", Aggregate::CountDistinct("family_id")),
        measure("mean_score", Aggregate::Mean("score")),
    ],
    people: "families",
    rollup: Some(&DIMENSIONS_ROLLUP),
};

fn answers_spec() -> Spec<'static> {
    ANSWERS
}

fn dimensions_spec() -> Spec<'static> {
    DIMENSIONS
}

/// The rollups of the assessment statistics (`keluarga_core::rollup`), by village × period ×
/// sex of the head: each family counts once per period, in the village of its latest
/// assessment, so families, sums and shares add up across villages and sexes (and a family has
/// one answer per indicator and one score per dimension, so its distinct count within such a
/// group is a count). Kept by every write of an assessment ([`crate::service`], the import).
pub const ASSESSMENTS_ROLLUP: Rollup = Rollup {
    name: "ketahanan.assessments",
    spec: assessments_spec,
    dims: &[&[], &[CATEGORY]],
};

/// See [`ASSESSMENTS_ROLLUP`]: the per-indicator shares (the R-IKK's input).
pub const ANSWERS_ROLLUP: Rollup = Rollup {
    name: "ketahanan.answers",
    spec: answers_spec,
    dims: &[&[INDICATOR], &[CATEGORY, INDICATOR]],
};

/// See [`ASSESSMENTS_ROLLUP`]: the dimension scores.
pub const DIMENSIONS_ROLLUP: Rollup = Rollup {
    name: "ketahanan.dimensions",
    spec: dimensions_spec,
    dims: &[&[DIMENSION], &[CATEGORY, DIMENSION]],
};

/// Every rollup of the domain.
pub const ROLLUPS: &[&Rollup] = &[&ASSESSMENTS_ROLLUP, &ANSWERS_ROLLUP, &DIMENSIONS_ROLLUP];

/// Visits by issue and by outcome.
pub const VISITS: Spec<'static> = Spec {
    source: Source {
        from: &|_, _| "family_visit".to_owned(),
        region: "region_code",
        date: "visited_on",
        sex: Some("head_sex"),
        filter: "",
    },
    measures: &[
        measure("families", Aggregate::CountDistinct("family_id")),
        measure("visits", Aggregate::Count),
        measure(
            "violence_against_women",
            Aggregate::CountIf("violence_against_women"),
        ),
        measure(
            "violence_against_children",
            Aggregate::CountIf("violence_against_children"),
        ),
        measure("stunting_risk", Aggregate::CountIf("stunting_risk")),
        measure("economic_hardship", Aggregate::CountIf("economic_hardship")),
        measure("child_marriage", Aggregate::CountIf("child_marriage")),
        measure("child_labour", Aggregate::CountIf("child_labour")),
        measure("other_issue", Aggregate::CountIf("other_issue")),
        measure("PENDING", Aggregate::CountIf("outcome = 'PENDING'")),
        measure("IN_PROGRESS", Aggregate::CountIf("outcome = 'IN_PROGRESS'")),
        measure("REFERRED", Aggregate::CountIf("outcome = 'REFERRED'")),
        measure("RESOLVED", Aggregate::CountIf("outcome = 'RESOLVED'")),
        measure("UNREACHABLE", Aggregate::CountIf("outcome = 'UNREACHABLE'")),
    ],
    people: "families",
    rollup: None,
};

/// The cadre roles of family-resilience cadres (optionally of one programme) with the sex of
/// the person, whether the role is active at the period's end, and the highest training stage
/// completed by then. `started_on` is the date column: cadres recruited by the period's end.
fn cadre_rows(
    programme: Option<Uuid>,
) -> impl Fn(&mut Binder, &SourceArgs<'_>) -> String + Send + Sync {
    move |b, args| {
        // Bound in the order they appear (SQLite's placeholders are positional).
        // No end: every role and training so far (a far date both backends compare as a date).
        let end = args
            .to
            .or(NaiveDate::from_ymd_opt(9999, 12, 31))
            .unwrap_or_default();
        let on = b.bind(end);
        let on2 = b.bind(end);
        let role = b.bind(CadreRoleKind::PendampingKetahananKeluarga.as_str());
        let programme = programme
            .map(|p| format!(" AND r.programme_id = {}", b.bind(p)))
            .unwrap_or_default();
        let scope = b.in_scope("r.region_code", args.scope);
        format!(
            "(SELECT r.id, r.region_code, r.started_on, p.sex, \
             CASE WHEN r.ended_on IS NULL OR r.ended_on >= {on} THEN 1 ELSE 0 END AS active, \
             (SELECT MAX(t.stage) FROM cadre_training t WHERE t.cadre_role_id = r.id \
              AND t.trained_on <= {on2}) AS stage \
             FROM cadre_role r JOIN person p ON p.id = r.person_id \
             WHERE r.role = {role}{programme} AND {scope}) cadres"
        )
    }
}

/// The measures of cadre rows.
pub const CADRE_MEASURES: &[Measure] = &[
    measure("recruited", Aggregate::Count),
    measure("active", Aggregate::Sum("active")),
    measure("stage1", Aggregate::CountIf("stage >= 1")),
    measure("stage2", Aggregate::CountIf("stage >= 2")),
    measure("stage3", Aggregate::CountIf("stage >= 3")),
];

/// The cadre statistic of a programme (all family-resilience cadres when `None`): owns its
/// source so that [`Cadres::spec`] can borrow it.
pub struct Cadres {
    from: Box<keluarga_core::stats::FromFn>,
}

impl Cadres {
    /// The cadres of `programme`.
    pub fn new(programme: Option<Uuid>) -> Cadres {
        Cadres {
            from: Box::new(cadre_rows(programme)),
        }
    }

    /// Its spec: `started_on` is the date (recruited by the period's end), `sex` the cadre's.
    pub fn spec(&self) -> Spec<'_> {
        Spec {
            source: Source {
                from: &*self.from,
                region: "region_code",
                date: "started_on",
                sex: Some("sex"),
                filter: "",
            },
            measures: CADRE_MEASURES,
            people: "recruited",
            rollup: None,
        }
    }
}

/// Cadre counts of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CadreCounts {
    /// Roles started by the period's end.
    pub recruited: i64,
    /// Of those, active at the period's end.
    pub active: i64,
    /// Cadres who completed training stage 1, 2, 3 (or a later one) by the period's end.
    pub trained: [i64; 3],
}

impl CadreCounts {
    /// From a cell of [`CADRE_MEASURES`]; `None` when suppressed.
    pub fn of(c: &Cell) -> Option<CadreCounts> {
        if c.suppressed {
            return None;
        }
        let n = |m: &str| c.int(m).unwrap_or(0);
        Some(CadreCounts {
            recruited: n("recruited"),
            active: n("active"),
            trained: [n("stage1"), n("stage2"), n("stage3")],
        })
    }
}

/// Visit counts of one group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VisitCounts {
    /// Families visited.
    pub families: i64,
    /// Visits.
    pub visits: i64,
    /// Visits per issue found.
    pub by_issue: Vec<(VisitIssue, i64)>,
    /// Visits per outcome.
    pub by_outcome: Vec<(VisitOutcome, i64)>,
}

impl VisitCounts {
    /// From a cell of [`VISITS`]; `None` when suppressed.
    pub fn of(c: &Cell) -> Option<VisitCounts> {
        if c.suppressed {
            return None;
        }
        let n = |m: &str| c.int(m).unwrap_or(0);
        Some(VisitCounts {
            families: n("families"),
            visits: n("visits"),
            by_issue: VisitIssue::ALL
                .iter()
                .map(|i| (*i, n(i.column())))
                .collect(),
            by_outcome: VisitOutcome::ALL
                .iter()
                .map(|o| (*o, n(o.as_str())))
                .collect(),
        })
    }
}

/// The group key of a cell without its domain dimensions.
pub type Key = (Option<String>, Option<String>, Option<String>);

/// The core part of a cell's key.
pub fn key(c: &Cell) -> Key {
    (c.region.clone(), c.period.clone(), c.sex.clone())
}

/// One row of ketahanan statistics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// The group's region code.
    pub region: Option<String>,
    /// The group's period label.
    pub period: Option<String>,
    /// The group's sex letter.
    pub sex: Option<String>,
    /// The dimension code, when grouped by DIMENSION.
    pub dimension: Option<String>,
    /// The indicator number, when grouped by INDICATOR.
    pub indicator: Option<i32>,
    /// The category, when grouped by CATEGORY.
    pub category: Option<String>,
    /// Families assessed.
    pub families: Option<i64>,
    /// Mean index (or mean dimension score, when grouped by DIMENSION).
    pub mean: Option<f64>,
    /// Share meeting the indicator, when grouped by INDICATOR.
    pub met: Option<stats::Rate>,
    /// The R-IKK (or the dimension's), from per-indicator shares.
    pub r_ikk: Option<f64>,
    /// Visits, unless grouped by a framework dimension or category.
    pub visits: Option<VisitCounts>,
    /// Cadres, unless grouped by a framework dimension or category.
    pub cadres: Option<CadreCounts>,
    /// True when withheld for a small count.
    pub suppressed: bool,
}

/// Runs ketahanan statistics for `actor`, with `fw` (the current framework) for the R-IKK.
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    disclosure: keluarga_core::stats::Disclosure,
    fw: &Framework,
    filter: &StatisticsFilter,
    groups: &[KetahananDimension],
) -> Result<Vec<Row>> {
    let core: Vec<StatsDimension> = groups.iter().filter_map(|g| g.core()).collect();
    let has = |d: KetahananDimension| groups.contains(&d);
    let (by_dim, by_ind, by_cat) = (
        has(KetahananDimension::Dimension),
        has(KetahananDimension::Indicator),
        has(KetahananDimension::Category),
    );
    if by_dim && by_ind {
        return Err(keluarga_core::error::Error::bad(
            "groupBy",
            "group by DIMENSION or by INDICATOR, not both",
        ));
    }
    let mut dims = Vec::new();
    if by_cat {
        dims.push(CATEGORY);
    }
    let base = match GroupPlan::new(actor, filter, &core, &dims)? {
        Some(p) => p,
        None => return Ok(Vec::new()),
    };
    let with = |extra: Dimension| {
        let mut p = base.clone();
        p.dims.push(extra);
        p
    };
    let label = |c: &Cell, i: usize| c.dim(i).map(str::to_owned);
    // The per-indicator shares of every group, unsuppressed: the R-IKK's input.
    let shares = stats::cells(db, &ANSWERS, &with(INDICATOR)).await?;
    let n = base.dims.len();
    let mut by_group: HashMap<(Key, Option<String>), HashMap<i32, f64>> = HashMap::new();
    for c in &shares {
        let ind = c.dim(n).and_then(|s| s.parse::<i32>().ok());
        if let (Some(ind), Some(rate)) = (ind, c.rate("met"))
            && rate.denominator > 0
        {
            let cat = if by_cat { label(c, 0) } else { None };
            by_group
                .entry((key(c), cat))
                .or_default()
                .insert(ind, 100.0 * rate.numerator as f64 / rate.denominator as f64);
        }
    }
    let r_ikk = |k: &Key, cat: &Option<String>, dim: Option<&str>| -> Option<f64> {
        let shares = by_group.get(&(k.clone(), cat.clone()))?;
        let c = fw.combine(|i| shares.get(&i).copied());
        let v = match dim {
            Some(d) => c.dimensions.iter().find(|x| x.0 == d).and_then(|x| x.1),
            None => c.index,
        };
        v.map(|x| stats::round(x, 2))
    };
    let mut rows = Vec::new();
    if by_ind {
        let cells = stats::grouped(db, actor, disclosure, &ANSWERS, &with(INDICATOR)).await?;
        for c in cells {
            rows.push(Row {
                region: c.region.clone(),
                period: c.period.clone(),
                sex: c.sex.clone(),
                category: if by_cat { label(&c, 0) } else { None },
                indicator: c.dim(n).and_then(|s| s.parse().ok()),
                families: c.int("families"),
                met: c.rate("met"),
                suppressed: c.suppressed,
                ..Row::default()
            });
        }
        return Ok(rows);
    }
    if by_dim {
        let cells = stats::grouped(db, actor, disclosure, &DIMENSIONS, &with(DIMENSION)).await?;
        for c in cells {
            let cat = if by_cat { label(&c, 0) } else { None };
            let dim = label(&c, n);
            rows.push(Row {
                r_ikk: if c.suppressed {
                    None
                } else {
                    r_ikk(&key(&c), &cat, dim.as_deref())
                },
                region: c.region.clone(),
                period: c.period.clone(),
                sex: c.sex.clone(),
                category: cat,
                dimension: dim,
                families: c.int("families"),
                mean: c.number("mean_score"),
                suppressed: c.suppressed,
                ..Row::default()
            });
        }
        return Ok(rows);
    }
    let cells = stats::grouped(db, actor, disclosure, &ASSESSMENTS, &base).await?;
    // Visits and cadres share the core keys (no framework dimension or category).
    let (visits, cadres) = if by_cat {
        (HashMap::new(), HashMap::new())
    } else {
        let mut plain = base.clone();
        plain.dims.clear();
        let visits: HashMap<Key, Cell> = stats::grouped(db, actor, disclosure, &VISITS, &plain)
            .await?
            .into_iter()
            .map(|c| (key(&c), c))
            .collect();
        // Cadres recruited by the period's end, whenever they started.
        let mut cadre_plan = plain.clone();
        cadre_plan.from = None;
        let cadres: Vec<Cell> = if cadre_plan.grain.is_some() {
            Vec::new()
        } else {
            let c = Cadres::new(None);
            stats::grouped(db, actor, disclosure, &c.spec(), &cadre_plan).await?
        };
        (
            visits,
            cadres
                .into_iter()
                .map(|c| (key(&c), c))
                .collect::<HashMap<_, _>>(),
        )
    };
    let mut seen: Vec<Key> = Vec::new();
    for c in cells {
        let k = key(&c);
        let cat = if by_cat { label(&c, 0) } else { None };
        seen.push(k.clone());
        rows.push(Row {
            r_ikk: if c.suppressed {
                None
            } else {
                r_ikk(&k, &cat, None)
            },
            region: c.region.clone(),
            period: c.period.clone(),
            sex: c.sex.clone(),
            category: cat,
            families: c.int("families"),
            mean: c.number("mean_index"),
            visits: visits.get(&k).and_then(VisitCounts::of),
            cadres: cadres.get(&k).and_then(CadreCounts::of),
            suppressed: c.suppressed,
            ..Row::default()
        });
    }
    // Groups with visits or cadres but no assessment still get a row.
    let mut rest: Vec<&Key> = visits
        .keys()
        .chain(cadres.keys())
        .filter(|k| !seen.contains(k))
        .collect();
    rest.sort();
    rest.dedup();
    for k in rest {
        let v = visits.get(k);
        let cd = cadres.get(k);
        let suppressed = v.is_none_or(|c| c.suppressed) && cd.is_none_or(|c| c.suppressed);
        rows.push(Row {
            region: k.0.clone(),
            period: k.1.clone(),
            sex: k.2.clone(),
            // No family was assessed in this group: zero discloses nothing.
            families: Some(0),
            visits: v.and_then(VisitCounts::of),
            cadres: cd.and_then(CadreCounts::of),
            suppressed,
            ..Row::default()
        });
    }
    Ok(rows)
}

/// A region's headline figures: families assessed, mean index, R-IKK, and whether the facet
/// withholds them from this actor.
pub type Headline = (i64, Option<f64>, Option<f64>, bool);

/// The headline figures of many regions (one level) for one period, with the withholding
/// decided over all their siblings for a role without record access (`stats::region_cells`).
pub async fn by_regions<C: ConnectionTrait>(
    db: &C,
    fw: &Framework,
    scope: &Scope,
    codes: &[String],
    (from, to): (NaiveDate, NaiveDate),
    (access, disclosure): (bool, keluarga_core::stats::Disclosure),
) -> Result<HashMap<String, Headline>> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<String, Headline> = HashMap::new();
    let cells = stats::region_cells(
        db,
        &ASSESSMENTS,
        scope,
        codes,
        (Some(from), Some(to)),
        access,
        disclosure,
    )
    .await?;
    for (code, c) in cells {
        out.insert(
            code,
            (
                c.int("families").unwrap_or(0),
                c.number("mean_index"),
                None,
                c.suppressed,
            ),
        );
    }
    let plan = GroupPlan::regions(scope.clone(), codes.to_vec(), Some(from), Some(to));
    let mut ind_plan = plan.clone();
    ind_plan.dims.push(INDICATOR);
    let mut shares: HashMap<String, HashMap<i32, f64>> = HashMap::new();
    for c in stats::cells(db, &ANSWERS, &ind_plan).await? {
        if let (Some(r), Some(i), Some(rate)) = (
            c.region.clone(),
            c.dim(0).and_then(|s| s.parse::<i32>().ok()),
            c.rate("met"),
        ) && rate.denominator > 0
        {
            shares
                .entry(r)
                .or_default()
                .insert(i, 100.0 * rate.numerator as f64 / rate.denominator as f64);
        }
    }
    for (r, s) in shares {
        if let Some(e) = out.get_mut(&r) {
            e.2 = fw
                .combine(|i| s.get(&i).copied())
                .index
                .map(|x| stats::round(x, 2));
        }
    }
    Ok(out)
}
