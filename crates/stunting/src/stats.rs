//! Stunting statistics in core's statistics convention (`keluarga_core::stats`): the source is
//! each child's latest measurement in the period (per period bucket when grouped by a grain),
//! the measures are rates and counts over it, and `AGE_GROUP` is the domain's own dimension.
//! Core builds the grouped SQL, applies the scope, the period and the suppression.

use chrono::NaiveDate;
use keluarga_core::rollup::Rollup;
use keluarga_core::stats::{
    self, Aggregate, Cell, Dimension, GroupPlan, Measure, Rate, Source, SourceArgs, Spec,
    StatisticsFilter, StatsDimension,
};
use keluarga_core::store::Binder;
use keluarga_core::{Actor, Scope};
use sea_orm::ConnectionTrait;

use crate::error::Result;

/// A grouping dimension of stunting statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum StuntingDimension {
    /// Group by province.
    Province,
    /// Group by regency or city.
    Regency,
    /// Group by district (kecamatan).
    District,
    /// Group by village (desa/kelurahan).
    Village,
    /// Group by calendar year (`2026`); each child's latest measurement in each year.
    Year,
    /// Group by quarter (`2026-Q1`).
    Quarter,
    /// Group by month (`2026-08`).
    Month,
    /// Group by sex.
    Sex,
    /// Group by age at measurement: 0–5, 6–11, 12–23, 24–35, 36–47, 48–59 months.
    AgeGroup,
}

impl StuntingDimension {
    fn core(self) -> Option<StatsDimension> {
        Some(match self {
            StuntingDimension::Province => StatsDimension::Province,
            StuntingDimension::Regency => StatsDimension::Regency,
            StuntingDimension::District => StatsDimension::District,
            StuntingDimension::Village => StatsDimension::Village,
            StuntingDimension::Year => StatsDimension::Year,
            StuntingDimension::Quarter => StatsDimension::Quarter,
            StuntingDimension::Month => StatsDimension::Month,
            StuntingDimension::Sex => StatsDimension::Sex,
            StuntingDimension::AgeGroup => return None,
        })
    }
}

/// Age groups of WHO's prevalence tables, by completed months at measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum AgeGroup {
    /// 0–5 months.
    Months0To5,
    /// 6–11 months.
    Months6To11,
    /// 12–23 months.
    Months12To23,
    /// 24–35 months.
    Months24To35,
    /// 36–47 months.
    Months36To47,
    /// 48–59 months.
    Months48To59,
}

impl AgeGroup {
    /// From its label in SQL (`0-5`, `6-11`, ...).
    pub fn parse(s: &str) -> Option<AgeGroup> {
        Some(match s {
            "0-5" => AgeGroup::Months0To5,
            "6-11" => AgeGroup::Months6To11,
            "12-23" => AgeGroup::Months12To23,
            "24-35" => AgeGroup::Months24To35,
            "36-47" => AgeGroup::Months36To47,
            "48-59" => AgeGroup::Months48To59,
            _ => return None,
        })
    }
}

/// The measures of one group, read from core's generic cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Children measured (each child once, by their latest measurement).
    pub measured: i64,
    /// Children with a valid length/height-for-age z-score.
    pub haz_valid: i64,
    /// HAZ < −2.
    pub stunted: i64,
    /// HAZ < −3.
    pub severely_stunted: i64,
    /// HAZ flagged as implausible.
    pub haz_flagged: i64,
    /// Children with a valid weight-for-length/height z-score, or oedema.
    pub whz_valid: i64,
    /// WHZ < −2 or oedema.
    pub wasted: i64,
    /// WHZ < −3 or oedema.
    pub severely_wasted: i64,
    /// WHZ > +2.
    pub overweight: i64,
    /// WHZ flagged.
    pub whz_flagged: i64,
    /// Children with a valid weight-for-age z-score, or oedema.
    pub waz_valid: i64,
    /// WAZ < −2 or oedema.
    pub underweight: i64,
    /// WAZ < −3 or oedema.
    pub severely_underweight: i64,
    /// WAZ flagged.
    pub waz_flagged: i64,
}

impl Counts {
    /// The counts of a cell of [`SPEC`]'s measures; `None` when suppressed.
    pub fn of(cell: &Cell) -> Option<Counts> {
        if cell.suppressed {
            return None;
        }
        let rate = |n: &str| cell.rate(n).unwrap_or(Rate::of(0, 0));
        let int = |n: &str| cell.int(n).unwrap_or(0);
        let (stunting, severe_stunting) = (rate("stunting"), rate("severe_stunting"));
        let (wasting, severe_wasting, overweight) =
            (rate("wasting"), rate("severe_wasting"), rate("overweight"));
        let (underweight, severe_underweight) = (rate("underweight"), rate("severe_underweight"));
        Some(Counts {
            measured: int("measured"),
            haz_valid: stunting.denominator,
            stunted: stunting.numerator,
            severely_stunted: severe_stunting.numerator,
            haz_flagged: int("haz_flagged"),
            whz_valid: wasting.denominator,
            wasted: wasting.numerator,
            severely_wasted: severe_wasting.numerator,
            overweight: overweight.numerator,
            whz_flagged: int("whz_flagged"),
            waz_valid: underweight.denominator,
            underweight: underweight.numerator,
            severely_underweight: severe_underweight.numerator,
            waz_flagged: int("waz_flagged"),
        })
    }
}

const HAZ_VALID: &str = "haz IS NOT NULL AND NOT haz_flag";
const WHZ_VALID: &str = "oedema OR (whz IS NOT NULL AND NOT whz_flag)";
const WAZ_VALID: &str = "oedema OR (waz IS NOT NULL AND NOT waz_flag)";

const fn rate(name: &'static str, numerator: &'static str, denominator: &'static str) -> Measure {
    Measure {
        name,
        aggregate: Aggregate::Rate {
            numerator,
            denominator,
        },
    }
}

const fn count_if(name: &'static str, condition: &'static str) -> Measure {
    Measure {
        name,
        aggregate: Aggregate::CountIf(condition),
    }
}

/// The measures of stunting statistics, over each child's latest measurement. Flagged z-scores
/// are left out of their index's denominator and counted apart; oedema counts as severe wasting
/// and severe underweight (WHO).
pub const MEASURES: &[Measure] = &[
    Measure {
        name: "measured",
        aggregate: Aggregate::Count,
    },
    rate(
        "stunting",
        "haz_category IN ('STUNTED', 'SEVERELY_STUNTED')",
        HAZ_VALID,
    ),
    rate(
        "severe_stunting",
        "haz_category = 'SEVERELY_STUNTED'",
        HAZ_VALID,
    ),
    count_if("haz_flagged", "haz_flag"),
    rate(
        "wasting",
        "whz_category IN ('WASTED', 'SEVERELY_WASTED')",
        WHZ_VALID,
    ),
    rate(
        "severe_wasting",
        "whz_category = 'SEVERELY_WASTED'",
        WHZ_VALID,
    ),
    rate(
        "overweight",
        "whz_category IN ('OVERWEIGHT', 'OBESE')",
        WHZ_VALID,
    ),
    count_if("whz_flagged", "whz_flag"),
    rate(
        "underweight",
        "waz_category IN ('UNDERWEIGHT', 'SEVERELY_UNDERWEIGHT')",
        WAZ_VALID,
    ),
    rate(
        "severe_underweight",
        "waz_category = 'SEVERELY_UNDERWEIGHT'",
        WAZ_VALID,
    ),
    count_if("waz_flagged", "waz_flag"),
];

/// The age-group dimension: age in days → group; months < k ⇔ days < k × 30.4375, so the day
/// limits are 183, 366, 731, 1096 and 1461.
pub const AGE_GROUP: Dimension = Dimension {
    name: "ageGroup",
    sql: "CASE WHEN age_days < 183 THEN '0-5' WHEN age_days < 366 THEN '6-11' \
          WHEN age_days < 731 THEN '12-23' WHEN age_days < 1096 THEN '24-35' \
          WHEN age_days < 1461 THEN '36-47' ELSE '48-59' END",
};

/// Each child's latest measurement in the scope and period (per period bucket when grouped by
/// a grain): the rows every stunting measure counts.
fn latest(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    format!(
        "{} latest",
        args.latest(b, "measurement", "child_id", "measured_on")
    )
}

/// Stunting statistics in core's convention.
pub const SPEC: Spec<'static> = Spec {
    source: Source {
        from: &latest,
        region: "region_code",
        date: "measured_on",
        sex: Some("sex"),
        filter: "",
    },
    measures: MEASURES,
    people: "measured",
    rollup: Some(&ROLLUP),
};

/// The rollup of [`SPEC`] (`keluarga_core::rollup`): by village × period × sex, with and without
/// the age group. Each child counts once per period, in the village of its latest measurement,
/// so every measure adds up across villages and sexes. Kept by every write of a measurement
/// ([`crate::service`], the import) and rebuilt after bulk loads.
pub const ROLLUP: Rollup = Rollup {
    name: "stunting",
    spec,
    dims: &[&[], &[AGE_GROUP]],
};

/// [`SPEC`], for the domain's sex-disaggregable measures.
pub fn spec() -> Spec<'static> {
    SPEC
}

/// Runs the grouped statistics query for `actor`.
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    disclosure: keluarga_core::stats::Disclosure,
    filter: &StatisticsFilter,
    groups: &[StuntingDimension],
) -> Result<Vec<Cell>> {
    let core: Vec<StatsDimension> = groups.iter().filter_map(|g| g.core()).collect();
    let dims: Vec<Dimension> = groups
        .iter()
        .filter(|g| **g == StuntingDimension::AgeGroup)
        .map(|_| AGE_GROUP)
        .collect();
    let Some(plan) = GroupPlan::new(actor, filter, &core, &dims)? else {
        // The requested region is outside the actor's scope: nothing to count.
        return Ok(Vec::new());
    };
    Ok(stats::grouped(db, actor, disclosure, &SPEC, &plan).await?)
}

/// The headline figures of many regions (all of one level) for one period, in one query,
/// counted inside `scope`, each with whether the facet withholds it from a role without record
/// access (`access` false): decided over all the regions' siblings (`stats::region_cells`).
pub async fn by_regions<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    (from, to): (NaiveDate, NaiveDate),
    access: bool,
    disclosure: keluarga_core::stats::Disclosure,
) -> Result<Vec<(String, Counts, bool)>> {
    let cells = stats::region_cells(
        db,
        &SPEC,
        scope,
        codes,
        (Some(from), Some(to)),
        access,
        disclosure,
    )
    .await?;
    Ok(cells
        .into_iter()
        .filter_map(|(code, mut c)| {
            let withheld = c.suppressed;
            c.suppressed = false;
            Some((code, Counts::of(&c)?, withheld))
        })
        .collect())
}

pub use keluarga_core::stats::{parse_period, year_of};
