//! The statistics convention every domain follows (`docs/architecture.md` §4): one `GROUP BY`
//! in the database over a scoped, period-filtered base table, grouped by region level, period
//! grain, sex and the domain's own dimensions, with small-cell suppression for roles without
//! record access.

use async_graphql::{Enum, InputObject};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::region_code::RegionLevel;
use crate::sql::Binder;

/// A grouping dimension shared by every domain's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum StatsDimension {
    /// Group by province.
    Province,
    /// Group by regency or city.
    Regency,
    /// Group by district (kecamatan).
    District,
    /// Group by village (desa/kelurahan).
    Village,
    /// Group by calendar year (`2022`).
    Year,
    /// Group by quarter (`2022-Q1`).
    Quarter,
    /// Group by month (`2022-01`).
    Month,
    /// Group by sex.
    Sex,
}

impl StatsDimension {
    fn region_level(self) -> Option<RegionLevel> {
        match self {
            StatsDimension::Province => Some(RegionLevel::Province),
            StatsDimension::Regency => Some(RegionLevel::Regency),
            StatsDimension::District => Some(RegionLevel::District),
            StatsDimension::Village => Some(RegionLevel::Village),
            _ => None,
        }
    }
}

/// Sex as recorded (L/P in Indonesian forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum Sex {
    /// Laki-laki (stored `L`).
    Male,
    /// Perempuan (stored `P`).
    Female,
}

impl Sex {
    /// The stored letter.
    pub fn letter(self) -> &'static str {
        match self {
            Sex::Male => "L",
            Sex::Female => "P",
        }
    }

    /// From a stored column (`L`/`P`); anything else is a corrupt row (INTERNAL).
    pub fn stored(s: &str) -> async_graphql::Result<Sex> {
        Sex::from_letter(s)
            .ok_or_else(|| crate::error::internal(&format!("sex column holds {s:?}")))
    }

    /// From the stored letter.
    pub fn from_letter(s: &str) -> Option<Sex> {
        match s {
            "L" => Some(Sex::Male),
            "P" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// The scope and period every statistics query takes.
#[derive(Debug, Clone, Default, InputObject)]
pub struct StatisticsFilter {
    /// Only rows in this region (narrowed to the actor's scope). Defaults to the actor's scope.
    pub region_code: Option<String>,
    /// First day of the period (inclusive). Roles without record access give `from` and `to`
    /// together as one whole year, quarter or month (`2026-07-01` to `2026-09-30`), or neither.
    pub from: Option<crate::Date>,
    /// Last day of the period (inclusive); a stock (members, posts) is counted as it stands on
    /// this day.
    pub to: Option<crate::Date>,
}

/// How one measure aggregates the rows of its group. Expressions and conditions are SQL over the
/// source's columns, written by the domain (never user input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// The number of rows.
    Count,
    /// The number of rows meeting a condition.
    CountIf(&'static str),
    /// The number of distinct values of an expression.
    CountDistinct(&'static str),
    /// The sum of an integer expression.
    Sum(&'static str),
    /// The mean of a numeric expression (2 decimals).
    Mean(&'static str),
    /// The median of a numeric expression (2 decimals; the mean of the middle two for an even
    /// number of values).
    Median(&'static str),
    /// Rows meeting `numerator` among rows meeting `denominator`, with the percentage (1 decimal).
    Rate {
        /// The condition counted above the line.
        numerator: &'static str,
        /// The condition counted below the line.
        denominator: &'static str,
    },
}

/// A named measure of a domain's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Its name, used to read it from a [`Cell`].
    pub name: &'static str,
    /// How it aggregates.
    pub aggregate: Aggregate,
}

/// A grouping dimension of a domain (besides core's region levels, periods and sex): a SQL
/// expression over the source's columns that gives each row its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimension {
    /// Its name (the GraphQL enum value in lower case, for errors).
    pub name: &'static str,
    /// The label expression.
    pub sql: &'static str,
}

/// A rate: numerator, denominator and percentage.
#[derive(Debug, Clone, Copy, PartialEq, Default, async_graphql::SimpleObject)]
pub struct Rate {
    /// Records meeting the condition.
    pub numerator: i64,
    /// Records the rate is taken over.
    pub denominator: i64,
    /// 100 × numerator / denominator, 1 decimal; null when the denominator is 0.
    pub percent: Option<f64>,
}

impl Rate {
    /// `n` of `d`, rounded the one way every statistic rounds.
    pub fn of(n: i64, d: i64) -> Rate {
        Rate {
            numerator: n,
            denominator: d,
            percent: (d > 0).then(|| (1000.0 * n as f64 / d as f64).round() / 10.0),
        }
    }
}

/// Rounds to `decimals` places, half away from zero.
pub fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// How statistics are published to a role without record access (ANALYST, DASHBOARD,
/// anonymous): which groups are withheld and how counts are rounded (`[statistics]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    /// Groups counting fewer people are withheld, with their complements ([`protect`]).
    pub threshold: i64,
    /// Counts are rounded to the nearest multiple of this (halves up, away from zero), and rates
    /// are taken from the rounded counts; 0 or 1 publishes them exact.
    pub rounding: i64,
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure {
            threshold: 5,
            rounding: 0,
        }
    }
}

impl Disclosure {
    /// `n` rounded to the nearest multiple of [`Disclosure::rounding`].
    pub fn round(&self, n: i64) -> i64 {
        let b = self.rounding;
        if b <= 1 {
            return n;
        }
        let m = (n.unsigned_abs() + (b as u64) / 2) / (b as u64) * (b as u64);
        i64::try_from(m).unwrap_or(i64::MAX) * n.signum()
    }

    /// A cell's counts and rates as published: rounded (means and medians are kept).
    fn publish(&self, c: &mut Cell) {
        if self.rounding <= 1 {
            return;
        }
        for (_, v) in &mut c.values {
            match v {
                StatValue::Int(n) => *n = self.round(*n),
                StatValue::Rate(r) => {
                    *r = Rate::of(self.round(r.numerator), self.round(r.denominator))
                }
                StatValue::Number(_) => {}
            }
        }
    }
}

/// The grain of the whole calendar period from `from` to `to` (a year, a quarter or a month),
/// if it is one.
pub fn whole_period(from: NaiveDate, to: NaiveDate) -> Option<StatsDimension> {
    use chrono::Datelike;
    let (y, m) = (from.year(), from.month());
    [
        (StatsDimension::Year, format!("{y}")),
        (StatsDimension::Quarter, format!("{y}-Q{}", m.div_ceil(3))),
        (StatsDimension::Month, format!("{y}-{m:02}")),
    ]
    .into_iter()
    .find_map(|(g, label)| (parse_period(&label) == Some((from, to))).then_some(g))
}

/// The period a label lies in, one grain up: a month's quarter, a quarter's year; none for a year.
fn parent_period(label: &str) -> Option<String> {
    let (year, rest) = label.split_at_checked(4)?;
    if let Some(q) = rest.strip_prefix("-Q") {
        return (!q.is_empty()).then(|| year.to_owned());
    }
    let month: u32 = rest.strip_prefix('-')?.parse().ok()?;
    Some(format!("{year}-Q{}", month.div_ceil(3)))
}

/// The windows published alongside `from`..`to` when it is a quarter or a month (the quarters of
/// its year; the months of its quarter), each with its label, in order; `None` otherwise.
pub(crate) fn sibling_windows(
    from: NaiveDate,
    to: NaiveDate,
) -> Option<Vec<(String, NaiveDate, NaiveDate)>> {
    use chrono::Datelike;
    let y = from.year();
    let labels: Vec<String> = match whole_period(from, to)? {
        StatsDimension::Quarter => (1..=4).map(|q| format!("{y}-Q{q}")).collect(),
        StatsDimension::Month => {
            let first = (from.month() - 1) / 3 * 3 + 1;
            (first..first + 3).map(|m| format!("{y}-{m:02}")).collect()
        }
        _ => return None,
    };
    labels
        .into_iter()
        .map(|l| parse_period(&l).map(|(f, t)| (l, f, t)))
        .collect()
}

/// The value of one measure in one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StatValue {
    /// A count or sum.
    Int(i64),
    /// A mean or median; `None` when the group has no values.
    Number(Option<f64>),
    /// A rate.
    Rate(Rate),
}

/// Where a statistic's rows come from: a `FROM` item over which the measures aggregate, and
/// the columns core groups and filters by.
pub struct Source<'a> {
    /// Writes the `FROM` item (a table with its alias, a join, or a parenthesised subquery
    /// followed by an alias). It is given the request's scope, period and grain, so that a
    /// subquery can pick (say) each child's latest row per period bucket; it binds values in
    /// the order they appear.
    pub from: &'a FromFn,
    /// The region-code column.
    pub region: &'static str,
    /// The date column the period filter and grains use.
    pub date: &'static str,
    /// The sex column (`L`/`P`), if the rows have one.
    pub sex: Option<&'static str>,
    /// Fixed extra `WHERE` conditions (no user input); empty for none.
    pub filter: &'static str,
}

/// Writes a source's `FROM` item.
pub type FromFn = dyn Fn(&mut Binder, &SourceArgs<'_>) -> String + Send + Sync;

/// What a [`Source`] is given to write its `FROM` item.
pub struct SourceArgs<'a> {
    /// The scope counted in.
    pub scope: &'a crate::actor::Scope,
    /// First day of the period.
    pub from: Option<NaiveDate>,
    /// Last day of the period.
    pub to: Option<NaiveDate>,
    /// The grain grouped by, if any.
    pub grain: Option<StatsDimension>,
    /// The backend.
    pub backend: DbBackend,
}

impl SourceArgs<'_> {
    /// The SQL of the period label of `col` at the requested grain, if any.
    pub fn grain_of(&self, col: &str) -> Option<String> {
        self.grain.and_then(|g| period_sql(self.backend, col, g))
    }

    /// A subquery (parenthesised, without alias) of the latest row of `table` per `parent` in
    /// the period (per period bucket when grouped by a grain), for the parents with a row in the
    /// scope: "each child counts once, by its latest measurement". The latest row is taken over
    /// all of the parent's rows, wherever they are, and the statistic keeps it when it lies in
    /// the scope ([`from_where`]), so a child measured in two cities in a quarter counts once, in
    /// the city of the later measurement, and figures add up across regions (which the rollups
    /// and disclosure control rely on). `table` needs `id` and `region_code`; ties go to the
    /// highest id.
    pub fn latest(&self, b: &mut Binder, table: &str, parent: &str, date: &str) -> String {
        let period = |b: &mut Binder, alias: &str| {
            let mut w = Vec::new();
            if let Some(f) = self.from {
                w.push(format!("{alias}.{date} >= {}", b.bind(f)));
            }
            if let Some(t) = self.to {
                w.push(format!("{alias}.{date} <= {}", b.bind(t)));
            }
            w
        };
        let mut wheres = period(b, "t");
        if !self.scope.code().is_empty() {
            let scope = b.in_scope("s.region_code", self.scope);
            let mut inner = vec![scope];
            inner.extend(period(b, "s"));
            wheres.push(format!(
                "t.{parent} IN (SELECT s.{parent} FROM {table} s WHERE {})",
                inner.join(" AND ")
            ));
        }
        let part = self
            .grain_of(&format!("t.{date}"))
            .map(|g| format!(", {g}"))
            .unwrap_or_default();
        let filter = if wheres.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wheres.join(" AND "))
        };
        format!(
            "(SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.{parent}{part} \
             ORDER BY t.{date} DESC, t.id DESC) AS rn FROM {table} t{filter}) ranked \
             WHERE rn = 1)"
        )
    }
}

/// A domain's statistic: its source, its measures, and which measure counts the people a
/// group is about (for suppression).
pub struct Spec<'a> {
    /// The rows.
    pub source: Source<'a>,
    /// The measures, in output order.
    pub measures: &'a [Measure],
    /// The measure (a count) that suppression compares with the threshold.
    pub people: &'static str,
    /// The rollup that keeps this statistic pre-aggregated, if any ([`crate::rollup`]).
    pub rollup: Option<&'a Rollup>,
}

/// One group of a statistics answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The region code of the group, when grouped by a region level (or by listed regions).
    pub region: Option<String>,
    /// The period label, when grouped by a grain.
    pub period: Option<String>,
    /// The sex letter, when grouped by sex.
    pub sex: Option<String>,
    /// The labels of the domain dimensions grouped by, in request order.
    pub dims: Vec<Option<String>>,
    /// The measures by name; empty when suppressed.
    pub values: Vec<(&'static str, StatValue)>,
    /// True when the group counts fewer people than the threshold and the actor lacks record
    /// access: its measures are withheld.
    pub suppressed: bool,
}

impl Cell {
    /// The measure `name`, unless suppressed.
    pub fn value(&self, name: &str) -> Option<StatValue> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// A count or sum.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            StatValue::Int(v) => Some(v),
            _ => None,
        }
    }

    /// A rate.
    pub fn rate(&self, name: &str) -> Option<Rate> {
        match self.value(name)? {
            StatValue::Rate(r) => Some(r),
            _ => None,
        }
    }

    /// A mean or median.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.value(name)? {
            StatValue::Number(v) => v,
            _ => None,
        }
    }

    /// The label of the `i`-th domain dimension grouped by.
    pub fn dim(&self, i: usize) -> Option<&str> {
        self.dims.get(i).and_then(Option::as_deref)
    }
}

/// Whether a group of `people` is withheld from `actor`: the one disclosure rule of every
/// statistic, table and facet.
pub fn suppressed(actor_has_record_access: bool, threshold: i64, people: i64) -> bool {
    !actor_has_record_access && people < threshold
}

/// The SQL of a period label at a grain, for both backends.
pub fn period_sql(backend: DbBackend, col: &str, dim: StatsDimension) -> Option<String> {
    let pg = backend == DbBackend::Postgres;
    Some(match dim {
        StatsDimension::Year if pg => format!("to_char({col}, 'YYYY')"),
        StatsDimension::Month if pg => format!("to_char({col}, 'YYYY-MM')"),
        StatsDimension::Quarter if pg => format!("to_char({col}, 'YYYY-\"Q\"Q')"),
        StatsDimension::Year => format!("substr({col}, 1, 4)"),
        StatsDimension::Month => format!("substr({col}, 1, 7)"),
        StatsDimension::Quarter => format!(
            "substr({col}, 1, 4) || '-Q' || ((CAST(substr({col}, 6, 2) AS INTEGER) + 2) / 3)"
        ),
        _ => return None,
    })
}

/// A grouped statistics request checked against the actor: the scope to count in, the period,
/// and what to group by. Every domain's statistics start here.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// The actor's scope narrowed to the requested region.
    pub scope: crate::actor::Scope,
    /// First day of the period.
    pub from: Option<NaiveDate>,
    /// Last day of the period.
    pub to: Option<NaiveDate>,
    /// The region level to group by, if any.
    pub level: Option<RegionLevel>,
    /// The period grain to group by, if any.
    pub grain: Option<StatsDimension>,
    /// Whether to split by sex.
    pub by_sex: bool,
    /// The domain dimensions to group by, in request order.
    pub dims: Vec<Dimension>,
    /// Only these regions (all of one level), each a group: the region facets' batched form.
    pub regions: Option<Vec<String>>,
    /// Only rows under these regions (all of one level): the siblings of a facet's regions.
    pub under: Option<Vec<String>>,
}

impl GroupPlan {
    /// Checks `filter`, the core dimensions `groups` (at most one region level and one grain;
    /// each once) and the domain dimensions `dims`; `None` when the requested region lies
    /// outside the actor's scope.
    pub fn new(
        actor: &Actor,
        filter: &StatisticsFilter,
        groups: &[StatsDimension],
        dims: &[Dimension],
    ) -> Result<Option<GroupPlan>> {
        actor.require_read()?;
        let Some(scope) = actor.scope_for(filter.region_code.as_deref(), "filter.regionCode")?
        else {
            return Ok(None);
        };
        crate::sql::check_range(filter.from, filter.to)?;
        if !actor.has_record_access() {
            // Windows that overlap in part would give away the rows of their difference (a week,
            // a day): a role that reads only aggregates counts whole calendar periods, whose
            // withheld groups are decided over their sibling periods ([`grouped`]).
            let whole = match (filter.from, filter.to) {
                (None, None) => true,
                (Some(f), Some(t)) => whole_period(f.into(), t.into()).is_some(),
                _ => false,
            };
            if !whole {
                return Err(Error::bad(
                    "filter.from",
                    "without record access, statistics count whole periods: from and to must be \
                     the first and last day of one year, quarter or month (2026-07-01 to \
                     2026-09-30), or both absent",
                ));
            }
        }
        let levels: Vec<RegionLevel> = groups.iter().filter_map(|d| d.region_level()).collect();
        if levels.len() > 1 {
            return Err(Error::bad("groupBy", "group by at most one region level"));
        }
        let grains: Vec<StatsDimension> = groups
            .iter()
            .copied()
            .filter(|d| {
                matches!(
                    d,
                    StatsDimension::Year | StatsDimension::Quarter | StatsDimension::Month
                )
            })
            .collect();
        if grains.len() > 1 {
            return Err(Error::bad("groupBy", "group by at most one period grain"));
        }
        Ok(Some(GroupPlan {
            scope,
            from: filter.from.map(Into::into),
            to: filter.to.map(Into::into),
            level: levels.first().copied(),
            grain: grains.first().copied(),
            by_sex: groups.contains(&StatsDimension::Sex),
            dims: dims.to_vec(),
            regions: None,
            under: None,
        }))
    }

    /// The plan of a region facet: `codes` (all of one level) as groups, over a period, inside
    /// `scope`.
    pub fn regions(
        scope: crate::actor::Scope,
        codes: Vec<String>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> GroupPlan {
        GroupPlan {
            scope,
            from,
            to,
            level: None,
            grain: None,
            by_sex: false,
            dims: Vec::new(),
            regions: Some(codes),
            under: None,
        }
    }

    /// The plan of a region facet's disclosure check: every region of the level of `codes`
    /// (all of one level) under the same parents, each a group, so that withholding is decided
    /// over whole sets of siblings, whichever of them a request asks for.
    pub fn siblings(
        scope: crate::actor::Scope,
        codes: &[String],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> GroupPlan {
        let level = codes
            .first()
            .map_or(RegionLevel::Province, |c| crate::region_code::level_of(c));
        let parents: std::collections::BTreeSet<String> = codes
            .iter()
            .filter_map(|c| crate::region_code::ancestors_of(c).pop())
            .collect();
        GroupPlan {
            scope,
            from,
            to,
            level: Some(level),
            grain: None,
            by_sex: false,
            dims: Vec::new(),
            regions: None,
            under: (!parents.is_empty()).then(|| parents.into_iter().collect()),
        }
    }
}

/// A sum as the API returns it: an integer of at most 2^53 − 1 in size (exact in every JSON
/// reader); RESULT_OUT_OF_RANGE naming the measure beyond that.
pub fn sum_value(measure: &str, total: Option<f64>) -> Result<i64> {
    let t = total.unwrap_or(0.0);
    if !t.is_finite() || t.abs() > crate::money::Rupiah::MAX as f64 {
        return Err(Error::OutOfRange {
            field: measure.to_owned(),
            message: format!(
                "the total is beyond {}, the largest figure returned exactly; ask for a smaller \
                 region or period, or correct the records that make it so large",
                crate::money::Rupiah::MAX
            ),
        });
    }
    // Integral and within 2^53: exact.
    Ok(t.round() as i64)
}

/// The select-list columns of measure `j`: one column `m{j}`, or two counts `m{j}n` and `m{j}d`
/// for a rate; a median is a NULL placeholder here, computed by its own windowed statement.
fn measure_columns(j: usize, a: Aggregate) -> Vec<String> {
    let count_if = |c: &str| format!("CAST(SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS BIGINT)");
    let one = |sql: String| vec![format!("{sql} AS m{j}")];
    match a {
        Aggregate::Count => one("CAST(COUNT(*) AS BIGINT)".to_owned()),
        Aggregate::CountIf(c) => one(count_if(c)),
        Aggregate::CountDistinct(e) => one(format!("CAST(COUNT(DISTINCT {e}) AS BIGINT)")),
        // Summed as a double on both backends: an integer SUM overflows on SQLite (an error
        // past 2^63) and a NUMERIC one is out of range for BIGINT past it on PostgreSQL; every
        // total the API may return (at most 2^53 - 1) is exact in a double, and a larger one
        // is refused by name ([`sum_value`]).
        Aggregate::Sum(e) => one(format!("SUM(CAST({e} AS DOUBLE PRECISION))")),
        // A sum and a count, divided in Rust ([`mean`]): the rollups give the same two.
        Aggregate::Mean(e) => vec![
            format!("SUM(CAST({e} AS DOUBLE PRECISION)) AS m{j}"),
            format!("CAST(COUNT({e}) AS BIGINT) AS m{j}c"),
        ],
        Aggregate::Median(_) => one("NULL".to_owned()),
        Aggregate::Rate {
            numerator,
            denominator,
        } => vec![
            format!("{} AS m{j}n", count_if(numerator)),
            format!("{} AS m{j}d", count_if(denominator)),
        ],
    }
}

/// Runs a grouped statistic: one `GROUP BY` over the source (plus one windowed statement per
/// median), in the plan's scope and period, then applies `disclosure` for `actor`
/// ([`published`]).
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    disclosure: Disclosure,
    spec: &Spec<'_>,
    plan: &GroupPlan,
) -> Result<Vec<Cell>> {
    if plan.by_sex && spec.source.sex.is_none() {
        return Err(Error::bad(
            "groupBy",
            "this statistic cannot be split by sex",
        ));
    }
    if actor.has_record_access() {
        return cells(db, spec, plan).await;
    }
    let mut cells = published(db, spec, plan, disclosure).await?;
    for c in &mut cells {
        if c.suppressed {
            c.values.clear();
        }
    }
    Ok(cells)
}

/// The cells of `plan` as a role without record access may see them: `suppressed` decided by
/// [`protect`], counts rounded ([`Disclosure`]); the values of withheld cells are still there
/// (the caller drops them).
///
/// A quarter or a month is published together with its siblings (the quarters of its year, the
/// months of its quarter; one statement each, with the plan's own semantics): withholding is
/// decided over all of them, so that the period above minus the visible siblings never leaves a
/// single withheld one, whichever of them is asked for. When the plan groups by a grain finer than
/// its window, the window's periods are all in the answer and [`protect`]'s margins (a month within
/// its quarter, a quarter within its year) do the same in one statement.
pub async fn published<C: ConnectionTrait>(
    db: &C,
    spec: &Spec<'_>,
    plan: &GroupPlan,
    disclosure: Disclosure,
) -> Result<Vec<Cell>> {
    let fineness = |g: Option<StatsDimension>| match g {
        Some(StatsDimension::Month) => 3,
        Some(StatsDimension::Quarter) => 2,
        Some(StatsDimension::Year) => 1,
        _ => 0,
    };
    let siblings = match (plan.from, plan.to) {
        (Some(f), Some(t)) if fineness(plan.grain) <= fineness(whole_period(f, t)) => {
            sibling_windows(f, t)
        }
        _ => None,
    };
    // With siblings, each cell is labelled by its window while withholding is decided; the
    // label asked for (a coarser grain, or none) is put back after, and only the asked window
    // is kept.
    let mut all = Vec::new();
    let mut restore = Vec::new();
    match &siblings {
        None => all = cells(db, spec, plan).await?,
        Some(windows) => {
            for (label, from, to) in windows {
                let window = GroupPlan {
                    from: Some(*from),
                    to: Some(*to),
                    ..plan.clone()
                };
                for mut c in cells(db, spec, &window).await? {
                    restore.push((c.period.replace(label.clone()), plan.from == Some(*from)));
                    all.push(c);
                }
            }
        }
    }
    let people: Vec<i64> = all
        .iter()
        .map(|c| c.int(spec.people).unwrap_or(0))
        .collect();
    let hidden = protect(&all, &people, disclosure.threshold);
    for (c, h) in all.iter_mut().zip(hidden) {
        c.suppressed = h;
        disclosure.publish(c);
    }
    if siblings.is_some() {
        all = all
            .into_iter()
            .zip(restore)
            .filter_map(|(mut c, (asked, keep))| {
                keep.then(|| {
                    c.period = asked;
                    c
                })
            })
            .collect();
    }
    Ok(all)
}

/// The cells of a region facet's `codes` (all of one level) with `suppressed` decided over all
/// their siblings by [`protect`] (for a role without record access; never for one with it): a
/// page that shows some siblings cannot be subtracted from the parent's figure to recover one it
/// withholds. Values are kept: the facet withholds what it must. One statement.
pub async fn region_cells<C: ConnectionTrait>(
    db: &C,
    spec: &Spec<'_>,
    scope: &crate::actor::Scope,
    codes: &[String],
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    access: bool,
    disclosure: Disclosure,
) -> Result<std::collections::HashMap<String, Cell>> {
    if codes.is_empty() {
        return Ok(Default::default());
    }
    let plan = GroupPlan::siblings(scope.clone(), codes, dates.0, dates.1);
    let all = if access {
        cells(db, spec, &plan).await?
    } else {
        published(db, spec, &plan, disclosure).await?
    };
    Ok(all
        .into_iter()
        .filter_map(|c| {
            let code = c.region.clone()?;
            codes.contains(&code).then_some((code, c))
        })
        .collect())
}

/// Which cells to withhold from a role without record access: every cell counting fewer people
/// than `threshold` ([`suppressed`], primary suppression), and then, so that no withheld cell can
/// be recovered by subtracting the visible cells from a total the caller can also ask for,
/// complementary cells. A total over one grouping dimension is always askable (drop that
/// dimension from `groupBy`; for regions, ask for the parent region; for periods, the period
/// above), so along each dimension the cells that share every other key (regions: the same
/// parent; periods: the same quarter or year) form a margin; in a margin that
/// withholds anything, the withheld cells must be at least two and count at least `threshold`
/// people together, else its smallest visible cell is withheld too, until every margin holds.
/// Deterministic: the same cells give the same answer.
pub fn protect(cells: &[Cell], people: &[i64], threshold: i64) -> Vec<bool> {
    let mut hidden: Vec<bool> = people
        .iter()
        .map(|p| suppressed(false, threshold, *p))
        .collect();
    if !hidden.iter().any(|h| *h) {
        return hidden;
    }
    // The key of cell `i` with dimension `k` taken out (0 region, 1 period, 2 sex, 3.. domain).
    let margin = |i: usize, k: usize| -> Vec<Option<String>> {
        let c = &cells[i];
        let mut key: Vec<Option<String>> = vec![c.region.clone(), c.period.clone(), c.sex.clone()];
        key.extend(c.dims.iter().cloned());
        if let Some(slot) = key.get_mut(k) {
            *slot = match k {
                0 => slot.as_deref().map(|code| {
                    crate::region_code::ancestors_of(code)
                        .pop()
                        .unwrap_or_default()
                }),
                // A month within its quarter, a quarter within its year: each is askable.
                1 => slot.as_deref().and_then(parent_period),
                _ => None,
            };
        }
        key
    };
    let width = 3 + cells.first().map_or(0, |c| c.dims.len());
    let grouped_by = |k: usize| {
        cells.iter().any(|c| match k {
            0 => c.region.is_some(),
            1 => c.period.is_some(),
            2 => c.sex.is_some(),
            _ => c.dims.get(k - 3).is_some_and(Option::is_some),
        })
    };
    let dims: Vec<usize> = (0..width).filter(|k| grouped_by(*k)).collect();
    loop {
        let mut changed = false;
        for &k in &dims {
            let mut margins: std::collections::BTreeMap<Vec<Option<String>>, Vec<usize>> =
                Default::default();
            for i in 0..cells.len() {
                margins.entry(margin(i, k)).or_default().push(i);
            }
            for members in margins.values() {
                let withheld: Vec<usize> = members.iter().copied().filter(|i| hidden[*i]).collect();
                if withheld.is_empty() {
                    continue;
                }
                let total: i64 = withheld.iter().map(|i| people[*i]).sum();
                if withheld.len() >= 2 && total >= threshold {
                    continue;
                }
                // The smallest visible cell of the margin (first in key order on a tie).
                if let Some(next) = members
                    .iter()
                    .copied()
                    .filter(|i| !hidden[*i])
                    .min_by_key(|i| (people[*i], *i))
                {
                    hidden[next] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return hidden;
        }
    }
}

/// The group keys of a plan as SQL expressions: region, period, sex, then domain dimensions.
pub(crate) fn keys(spec: &Spec<'_>, plan: &GroupPlan, backend: DbBackend) -> Vec<String> {
    let src = &spec.source;
    let region = match (&plan.regions, plan.level) {
        (Some(codes), _) => {
            let len = codes.first().map_or(0, String::len);
            format!("substr({}, 1, {len})", src.region)
        }
        (None, Some(l)) => format!("substr({}, 1, {})", src.region, l.code_len()),
        (None, None) => "NULL".to_owned(),
    };
    let period = plan
        .grain
        .and_then(|g| period_sql(backend, src.date, g))
        .unwrap_or_else(|| "NULL".to_owned());
    let sex = match (plan.by_sex, src.sex) {
        (true, Some(s)) => s.to_owned(),
        _ => "NULL".to_owned(),
    };
    let mut out = vec![region, period, sex];
    out.extend(plan.dims.iter().map(|d| d.sql.to_owned()));
    out
}

/// `FROM ... WHERE ...` of a plan, binding in SQL order.
pub(crate) fn from_where(b: &mut Binder, spec: &Spec<'_>, plan: &GroupPlan) -> String {
    let src = &spec.source;
    let args = SourceArgs {
        scope: &plan.scope,
        from: plan.from,
        to: plan.to,
        grain: plan.grain,
        backend: b.backend,
    };
    let from = (src.from)(b, &args);
    let mut wheres = vec![b.in_scope(src.region, &plan.scope)];
    if let Some(d) = plan.from {
        let p = b.bind(d);
        wheres.push(format!("{} >= {p}", src.date));
    }
    if let Some(d) = plan.to {
        let p = b.bind(d);
        wheres.push(format!("{} <= {p}", src.date));
    }
    if let Some(parents) = &plan.under {
        let len = parents.first().map_or(0, String::len);
        let list = b.list(parents.iter().cloned());
        wheres.push(format!("substr({}, 1, {len}) IN ({})", src.region, list));
    }
    if let Some(codes) = &plan.regions {
        let len = codes.first().map_or(0, String::len);
        let list = b.list(codes.iter().cloned());
        wheres.push(format!("substr({}, 1, {len}) IN ({})", src.region, list));
    }
    if !src.filter.is_empty() {
        wheres.push(src.filter.to_owned());
    }
    format!("FROM {from} WHERE {}", wheres.join(" AND "))
}

pub(crate) fn key_list(n: usize) -> String {
    (1..=n)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

type Key = Vec<Option<String>>;

fn read_key(row: &sea_orm::QueryResult, n: usize) -> Result<Key> {
    (0..n)
        .map(|i| Ok(row.try_get::<Option<String>>("", &format!("k{i}"))?))
        .collect()
}

/// Runs the plan without suppression: for region facets, which apply [`suppressed`] to their
/// own headline count; everything else calls [`grouped`]. Read from the statistic's rollup when
/// it has one that answers the plan exactly ([`route`]), else from the records.
pub async fn cells<C: ConnectionTrait>(
    db: &C,
    spec: &Spec<'_>,
    plan: &GroupPlan,
) -> Result<Vec<Cell>> {
    let backend = db.get_database_backend();
    if let Some((sql, values)) = route(spec, plan, backend) {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        return read_cells(&rows, spec, keys(spec, plan, backend).len());
    }
    records_cells(db, spec, plan).await
}

/// Whether [`cells`] may read rollups (`statistics.read_rollups`, on by default). Process-wide:
/// it is the operator's switch, set once at startup, to read every statistic from the records,
/// as when comparing the two paths at scale (bench/README.md) or while a rollup is in doubt until
/// `migrate --rebuild-rollups`. Writes keep the rollups either way.
static READ_ROLLUPS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Sets whether [`cells`] may read rollups ([`READ_ROLLUPS`]).
pub fn read_rollups(on: bool) {
    READ_ROLLUPS.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// [`cells`] computed from the records, never from a rollup: what every rollup must equal.
pub async fn records_cells<C: ConnectionTrait>(
    db: &C,
    spec: &Spec<'_>,
    plan: &GroupPlan,
) -> Result<Vec<Cell>> {
    let backend = db.get_database_backend();
    let keys = keys(spec, plan, backend);
    let n = keys.len();
    let mut select: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} AS k{i}"))
        .collect();
    for (j, m) in spec.measures.iter().enumerate() {
        select.extend(measure_columns(j, m.aggregate));
    }
    let mut b = Binder::new(backend);
    let fw = from_where(&mut b, spec, plan);
    let sql = format!(
        "SELECT {} {fw} GROUP BY {k} ORDER BY {k}",
        select.join(", "),
        k = key_list(n)
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    let mut cells = read_cells(&rows, spec, n)?;
    for (j, m) in spec.measures.iter().enumerate() {
        if let Aggregate::Median(expr) = m.aggregate {
            let medians = median(db, spec, plan, &keys, expr).await?;
            for c in &mut cells {
                let key: Key = [c.region.clone(), c.period.clone(), c.sex.clone()]
                    .into_iter()
                    .chain(c.dims.iter().cloned())
                    .collect();
                c.values[j].1 = StatValue::Number(medians.get(&key).copied());
            }
        }
    }
    Ok(cells)
}

/// A mean from its sum and count, 2 decimals. The sum is first taken to 6 decimals, so that
/// the order in which its values were added (row by row, or village sums then regency sums, as
/// in a rollup) cannot move a mean that lies on a half across the rounding line; the measures
/// averaged carry at most 2 decimals.
fn mean(sum: Option<f64>, count: i64) -> Option<f64> {
    let s = sum?;
    (count > 0).then(|| round(round(s, 6) / count as f64, 2))
}

/// The cells of grouped rows: keys `k0`..`k{n-1}`, then each measure's column(s) as
/// [`measure_columns`] names them.
fn read_cells(rows: &[sea_orm::QueryResult], spec: &Spec<'_>, n: usize) -> Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(rows.len());
    for row in rows {
        let key = read_key(row, n)?;
        let mut values = Vec::with_capacity(spec.measures.len());
        for (j, m) in spec.measures.iter().enumerate() {
            let int =
                |c: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>>("", c)?.unwrap_or(0)) };
            let v = match m.aggregate {
                Aggregate::Rate { .. } => {
                    StatValue::Rate(Rate::of(int(&format!("m{j}n"))?, int(&format!("m{j}d"))?))
                }
                Aggregate::Mean(_) => StatValue::Number(mean(
                    row.try_get::<Option<f64>>("", &format!("m{j}"))?,
                    int(&format!("m{j}c"))?,
                )),
                Aggregate::Median(_) => StatValue::Number(None),
                Aggregate::Sum(_) => StatValue::Int(sum_value(
                    m.name,
                    row.try_get::<Option<f64>>("", &format!("m{j}"))?,
                )?),
                _ => StatValue::Int(int(&format!("m{j}"))?),
            };
            values.push((m.name, v));
        }
        cells.push(Cell {
            region: key[0].clone(),
            period: key[1].clone(),
            sex: key[2].clone(),
            dims: key[3..].to_vec(),
            values,
            suppressed: false,
        });
    }
    Ok(cells)
}

/// The median of `expr` per group: rows numbered within their group, then the middle one (or
/// the mean of the middle two), on both backends.
async fn median<C: ConnectionTrait>(
    db: &C,
    spec: &Spec<'_>,
    plan: &GroupPlan,
    keys: &[String],
    expr: &str,
) -> Result<std::collections::HashMap<Key, f64>> {
    let backend = db.get_database_backend();
    let n = keys.len();
    let cols: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} AS k{i}"))
        .collect();
    let part = (0..n)
        .map(|i| format!("k{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b = Binder::new(backend);
    let fw = from_where(&mut b, spec, plan);
    let sql = format!(
        "SELECT {part}, AVG(CAST(v AS DOUBLE PRECISION)) AS med FROM (\
           SELECT {part}, v, ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY v) AS rn, \
                  COUNT(*) OVER (PARTITION BY {part}) AS cnt \
           FROM (SELECT {cols}, {expr} AS v {fw} AND ({expr}) IS NOT NULL) valued \
         ) numbered WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY {part}",
        cols = cols.join(", "),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    let mut out = std::collections::HashMap::new();
    for row in &rows {
        if let Some(m) = row.try_get::<Option<f64>>("", "med")? {
            out.insert(read_key(row, n)?, round(m, 2));
        }
    }
    Ok(out)
}

/// A period written as `2026`, `2026-Q3` or `2026-08`: its first and last day.
pub fn parse_period(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let s = s.trim();
    let (y, rest) = s.split_at_checked(4)?;
    let year: i32 = y.parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let (m0, m1) = match rest {
        "" => (1, 12),
        r if r.starts_with("-Q") => {
            let q: u32 = r.get(2..)?.parse().ok().filter(|q| (1..=4).contains(q))?;
            (q * 3 - 2, q * 3)
        }
        r if r.starts_with('-') && r.len() == 3 => {
            let m: u32 = r.get(1..)?.parse().ok().filter(|m| (1..=12).contains(m))?;
            (m, m)
        }
        _ => return None,
    };
    let first = NaiveDate::from_ymd_opt(year, m0, 1)?;
    let next = if m1 == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, m1 + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// The calendar year of `today` as a period label.
pub fn year_of(today: NaiveDate) -> String {
    chrono::Datelike::year(&today).to_string()
}

/// The period argument of a facet (`2026`, `2026-Q3`, `2026-08`; the year of `today` when
/// absent): its label, first and last day, or BAD_USER_INPUT on `period`.
pub fn period(label: Option<String>, today: NaiveDate) -> Result<(String, NaiveDate, NaiveDate)> {
    let label = label.unwrap_or_else(|| year_of(today));
    match parse_period(&label) {
        Some((from, to)) => Ok((label, from, to)),
        None => Err(Error::bad(
            "period",
            format!("{label:?} is not a period (2026, 2026-Q3 or 2026-08)"),
        )),
    }
}

/// A count that can be split by sex (data terpilah, docs/domain.md §5), declared by the domain that
/// owns it ([`crate::Domain::SEX_MEASURES`]; core declares its own in
/// [`crate::graphql::query::CORE_SEX_MEASURES`]). The gateway collects every declaration of the
/// domains it is built with into [`crate::context::AppContext::sex_measures`], so that a view of
/// data terpilah for any programme ([`disaggregate`]) learns them without importing any domain.
#[derive(Debug, Clone, Copy)]
pub struct SexMeasure {
    /// The domain that declares it (its [`crate::Domain::NAME`]; `core` for the registry).
    pub domain: &'static str,
    /// A stable key, unique within the domain (`children_measured`).
    pub key: &'static str,
    /// What it counts, for people reading a dashboard.
    pub description: &'static str,
    /// The statistics query that gives it in full (`stuntingStatistics`), grouped by `SEX`.
    pub statistic: &'static str,
    /// True for a stock (counted as it stands at the period's end, whenever it started); false
    /// for a flow (what happened within the period).
    pub stock: bool,
    /// The statistic it is read from (its source must carry a sex column).
    pub spec: fn() -> Spec<'static>,
    /// The measure of `spec` counted: a count or sum, or a rate's numerator.
    pub measure: &'static str,
}

/// A [`SexMeasure`] in one region and period, split by sex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SexSplit {
    /// Women and girls (`P`); `None` when withheld.
    pub female: Option<i64>,
    /// Men and boys (`L`); `None` when withheld.
    pub male: Option<i64>,
    /// Rows whose sex is not recorded; `None` when withheld.
    pub unrecorded: Option<i64>,
    /// Everyone counted, whatever the sex; `None` when withheld.
    pub total: Option<i64>,
    /// True when any part is withheld (small counts, or protecting one: core's disclosure rule).
    pub suppressed: bool,
}

impl SexSplit {
    /// Nothing counted (nothing withheld).
    pub fn empty() -> SexSplit {
        SexSplit {
            female: Some(0),
            male: Some(0),
            unrecorded: Some(0),
            total: Some(0),
            suppressed: false,
        }
    }
}

/// `measure` inside `scope` over a period, split by sex: two `GROUP BY`s through [`grouped`]
/// (by sex, and the total), so the split is disclosure-controlled like every statistic: a
/// withheld sex cell takes another with it ([`protect`]), and the total is withheld when it is
/// itself small.
pub async fn disaggregate<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    disclosure: Disclosure,
    measure: &SexMeasure,
    scope: crate::actor::Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<SexSplit> {
    let spec = (measure.spec)();
    let plan = GroupPlan {
        scope,
        from: if measure.stock { None } else { from },
        to,
        level: None,
        grain: None,
        by_sex: false,
        dims: Vec::new(),
        regions: None,
        under: None,
    };
    let split_plan = GroupPlan {
        by_sex: true,
        ..plan.clone()
    };
    let (total, split) = futures_util::future::try_join(
        grouped(db, actor, disclosure, &spec, &plan),
        grouped(db, actor, disclosure, &spec, &split_plan),
    )
    .await?;
    let mut out = SexSplit::empty();
    for c in &total {
        if c.suppressed {
            out.total = None;
            out.suppressed = true;
        } else {
            out.total = Some(count_of(c, measure.measure));
        }
    }
    for c in &split {
        let slot = match c.sex.as_deref() {
            Some("P") => &mut out.female,
            Some("L") => &mut out.male,
            _ => &mut out.unrecorded,
        };
        if c.suppressed {
            *slot = None;
            out.suppressed = true;
        } else {
            *slot = Some(count_of(c, measure.measure));
        }
    }
    Ok(out)
}

/// A count read from a cell: a count or sum, or a rate's numerator.
fn count_of(c: &Cell, name: &str) -> i64 {
    match c.value(name) {
        Some(StatValue::Int(v)) => v,
        Some(StatValue::Rate(r)) => r.numerator,
        _ => 0,
    }
}

// Rollups (`crate::rollup` keeps them; reading them is part of the convention).

/// The number of value columns of `stat_rollup` (`v0` … `v23`; the migration creates them).
pub const VALUES: usize = 24;
/// The number of domain-dimension columns of `stat_rollup` (`d0` … `d2`).
pub const DIMS: usize = 3;

/// A rollup a domain declares for one of its statistics.
#[derive(Debug)]
pub struct Rollup {
    /// Its key in `stat_rollup` (unique across domains: `stunting`, `ketahanan.answers`).
    pub name: &'static str,
    /// The statistic it keeps (its `rollup` field names this rollup back).
    pub spec: fn() -> Spec<'static>,
    /// The sets of domain dimensions it is kept for: a request routes to it when its domain
    /// dimensions are exactly one of these sets (in any order). Every measure must add up across
    /// villages and across sex within a group of such a set (a count of distinct families does
    /// when each family has one row per group, as with "latest per family").
    pub dims: &'static [&'static [Dimension]],
}

/// The grains a rollup keeps: all time (`A`), each year, quarter and month.
pub const GRAINS: [(&str, Option<StatsDimension>); 4] = [
    ("A", None),
    ("Y", Some(StatsDimension::Year)),
    ("Q", Some(StatsDimension::Quarter)),
    ("M", Some(StatsDimension::Month)),
];

pub(crate) fn letter(g: Option<StatsDimension>) -> &'static str {
    GRAINS
        .iter()
        .find(|(_, d)| *d == g)
        .map_or("A", |(l, _)| *l)
}

fn fineness(g: Option<StatsDimension>) -> u8 {
    match g {
        Some(StatsDimension::Month) => 3,
        Some(StatsDimension::Quarter) => 2,
        Some(StatsDimension::Year) => 1,
        _ => 0,
    }
}

/// The label of the period containing `d` at grain `g`, with its first and last day.
pub(crate) fn window(d: NaiveDate, g: StatsDimension) -> Option<(String, NaiveDate, NaiveDate)> {
    let label = match g {
        StatsDimension::Year => format!("{}", d.year()),
        StatsDimension::Quarter => format!("{}-Q{}", d.year(), d.month().div_ceil(3)),
        StatsDimension::Month => format!("{}-{:02}", d.year(), d.month()),
        _ => return None,
    };
    let (from, to) = parse_period(&label)?;
    Some((label, from, to))
}

/// The SQL of a measure's additive parts over source rows; `None` for a median.
fn parts(a: Aggregate) -> Option<Vec<String>> {
    let count_if = |c: &str| format!("SUM(CASE WHEN {c} THEN 1 ELSE 0 END)");
    Some(match a {
        Aggregate::Count => vec!["COUNT(*)".to_owned()],
        Aggregate::CountIf(c) => vec![count_if(c)],
        Aggregate::CountDistinct(e) => vec![format!("COUNT(DISTINCT {e})")],
        Aggregate::Sum(e) => vec![format!("SUM(CAST({e} AS DOUBLE PRECISION))")],
        Aggregate::Mean(e) => vec![
            format!("SUM(CAST({e} AS DOUBLE PRECISION))"),
            format!("COUNT({e})"),
        ],
        Aggregate::Rate {
            numerator,
            denominator,
        } => vec![count_if(numerator), count_if(denominator)],
        Aggregate::Median(_) => return None,
    })
}

/// The distinct additive parts of a statistic's measures (a rate's denominator shared by two
/// rates is kept once), and for each measure the columns `v{i}` of its parts; `None` when a
/// measure does not add up or the parts do not fit the table.
pub(crate) fn all_parts(spec: &Spec<'_>) -> Option<(Vec<String>, Vec<Vec<usize>>)> {
    let mut distinct: Vec<String> = Vec::new();
    let mut columns = Vec::new();
    for m in spec.measures {
        let mut cols = Vec::new();
        for p in parts(m.aggregate)? {
            let i = match distinct.iter().position(|d| *d == p) {
                Some(i) => i,
                None => {
                    distinct.push(p);
                    distinct.len() - 1
                }
            };
            cols.push(i);
        }
        columns.push(cols);
    }
    (distinct.len() <= VALUES).then_some((distinct, columns))
}

/// The select-list columns reading measure `j` from the summed parts in columns `cols`, named
/// as this module names a measure's columns.
fn read_columns(j: usize, cols: &[usize], a: Aggregate) -> Vec<String> {
    let int = |c: usize| format!("CAST(SUM(v{c}) AS BIGINT)");
    let (o, p) = (
        cols.first().copied().unwrap_or(0),
        cols.get(1).copied().unwrap_or(0),
    );
    match a {
        Aggregate::Rate { .. } => vec![
            format!("{} AS m{j}n", int(o)),
            format!("{} AS m{j}d", int(p)),
        ],
        Aggregate::Sum(_) => vec![format!("SUM(v{o}) AS m{j}")],
        Aggregate::Mean(_) => vec![format!("SUM(v{o}) AS m{j}"), format!("{} AS m{j}c", int(p))],
        _ => vec![format!("{} AS m{j}", int(o))],
    }
}

/// Which of `rollup`'s dimension sets is `dims` (as a set), with the column of each of `dims`.
fn dimset(rollup: &Rollup, dims: &[Dimension]) -> Option<(usize, Vec<usize>)> {
    rollup.dims.iter().enumerate().find_map(|(i, set)| {
        if set.len() != dims.len() {
            return None;
        }
        let cols: Option<Vec<usize>> = dims
            .iter()
            .map(|d| set.iter().position(|s| s.name == d.name))
            .collect();
        cols.map(|c| (i, c))
    })
}

/// The grain letter and period labels of the rollup rows that answer `plan`'s window and grain,
/// or `None` when they cannot: a window that is not one whole period, or a grain coarser than
/// the window (a year's label over one quarter's rows).
fn periods(plan: &GroupPlan) -> Option<(&'static str, Option<Vec<String>>)> {
    let (from, to) = match (plan.from, plan.to) {
        (None, None) => return Some((letter(plan.grain), None)),
        (Some(f), Some(t)) => (f, t),
        _ => return None,
    };
    let whole = whole_period(from, to)?;
    let grain = plan.grain.unwrap_or(whole);
    if fineness(Some(grain)) < fineness(Some(whole)) {
        return None;
    }
    let mut labels = Vec::new();
    let mut d = from;
    while d <= to {
        let (label, _, last) = window(d, grain)?;
        labels.push(label);
        d = last.succ_opt()?;
    }
    Some((letter(Some(grain)), Some(labels)))
}

/// The rollup statement answering `plan` for `spec`, with its values, when `spec` has a rollup
/// that can: same output as [`records_cells`] (keys `k0`.., measures `m{j}`..),
/// summed from regency rows when the plan needs nothing finer, else from village rows.
pub fn route(
    spec: &Spec<'_>,
    plan: &GroupPlan,
    backend: DbBackend,
) -> Option<(String, Vec<sea_orm::Value>)> {
    if !READ_ROLLUPS.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    let rollup = spec.rollup?;
    let (_, columns) = all_parts(spec)?;
    let (set, cols) = dimset(rollup, &plan.dims)?;
    if plan.by_sex && spec.source.sex.is_none() {
        return None;
    }
    let (grain, labels) = periods(plan)?;
    let coarse = |codes: &Option<Vec<String>>| {
        codes
            .as_ref()
            .is_none_or(|c| c.iter().all(|x| x.len() <= 5))
    };
    let regency_rows = matches!(
        plan.level,
        None | Some(RegionLevel::Province) | Some(RegionLevel::Regency)
    ) && coarse(&plan.regions)
        && coarse(&plan.under)
        && plan.scope.code().len() <= 5;
    let region = match (&plan.regions, plan.level) {
        (Some(codes), _) => format!("substr(area, 1, {})", codes.first().map_or(0, String::len)),
        (None, Some(l)) => format!("substr(area, 1, {})", l.code_len()),
        (None, None) => "NULL".to_owned(),
    };
    let mut keys = vec![
        region,
        if plan.grain.is_some() {
            "period"
        } else {
            "NULL"
        }
        .to_owned(),
        if plan.by_sex { "sex" } else { "NULL" }.to_owned(),
    ];
    keys.extend(cols.iter().map(|c| format!("d{c}")));
    let mut select: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} AS k{i}"))
        .collect();
    for (j, (m, cols)) in spec.measures.iter().zip(&columns).enumerate() {
        select.extend(read_columns(j, cols, m.aggregate));
    }
    let mut b = Binder::new(backend);
    let mut wheres = vec![
        format!("rollup = '{}'", rollup.name),
        format!("dimset = {set}"),
        format!("level = '{}'", if regency_rows { "R" } else { "V" }),
        format!("grain = '{grain}'"),
    ];
    if let Some(labels) = labels {
        let list = b.list(labels);
        wheres.push(format!("period IN ({list})"));
    }
    wheres.push(b.in_code_range("area", &plan.scope));
    for codes in [&plan.under, &plan.regions].into_iter().flatten() {
        let len = codes.first().map_or(0, String::len);
        let list = b.list(codes.iter().cloned());
        wheres.push(format!("substr(area, 1, {len}) IN ({list})"));
    }
    let k = key_list(keys.len());
    let sql = format!(
        "SELECT {} FROM stat_rollup WHERE {} GROUP BY {k} ORDER BY {k}",
        select.join(", "),
        wheres.join(" AND ")
    );
    Some((sql, b.values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(region: &str, sex: Option<&str>) -> Cell {
        Cell {
            region: Some(region.to_owned()),
            period: None,
            sex: sex.map(str::to_owned),
            dims: Vec::new(),
            values: Vec::new(),
            suppressed: false,
        }
    }

    const COUNTED: Spec<'static> = Spec {
        source: Source {
            from: &|_, _| "counted".to_owned(),
            region: "region_code",
            date: "day",
            sex: None,
            filter: "",
        },
        measures: &[Measure {
            name: "n",
            aggregate: Aggregate::Count,
        }],
        people: "n",
        rollup: Some(&COUNTED_ROLLUP),
    };
    const COUNTED_ROLLUP: Rollup = Rollup {
        name: "counted",
        spec: || COUNTED,
        dims: &[&[]],
    };

    #[test]
    fn the_operator_switch_sends_every_statistic_to_the_records() {
        let year = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
        let plan = GroupPlan::regions(
            crate::actor::Scope::all(),
            vec!["33".to_owned()],
            year(1, 1),
            year(12, 31),
        );
        let routed = route(&COUNTED, &plan, DbBackend::Sqlite).expect("a whole year routes");
        assert!(routed.0.contains("stat_rollup"), "{}", routed.0);
        read_rollups(false);
        let off = route(&COUNTED, &plan, DbBackend::Sqlite);
        read_rollups(true);
        assert!(off.is_none(), "read_rollups(false) reads the records");
        assert!(route(&COUNTED, &plan, DbBackend::Sqlite).is_some());
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_sibling_with_it() {
        // Four villages of one district: 3 people is below 5; total − the visible three would
        // give it away, so the smallest other village (6) is withheld too.
        let cells: Vec<Cell> = [
            "33.75.01.1001",
            "33.75.01.1002",
            "33.75.01.1003",
            "33.75.01.1004",
        ]
        .iter()
        .map(|r| cell(r, None))
        .collect();
        let hidden = protect(&cells, &[3, 9, 6, 12], 5);
        assert_eq!(hidden, [true, false, true, false]);
        // Two small cells that together reach the threshold protect each other.
        assert_eq!(
            protect(&cells, &[3, 9, 2, 12], 5),
            [true, false, true, false]
        );
        // Two small cells below the threshold together take a third.
        assert_eq!(
            protect(&cells, &[1, 9, 2, 12], 5),
            [true, true, true, false]
        );
        // Nothing small, nothing withheld.
        assert_eq!(protect(&cells, &[5, 9, 6, 12], 5), [false; 4]);
    }

    #[test]
    fn margins_hold_along_every_dimension_and_within_each_parent() {
        // Two districts' villages by sex. (1001, P) = 2 is small: along sex its village pair
        // (1001 L = 7) and along region its district's other village (1002 P = 8) are withheld,
        // and then 1002 L, to protect 1002 P along sex. The other district is untouched.
        let cells = vec![
            cell("33.75.01.1001", Some("L")),
            cell("33.75.01.1001", Some("P")),
            cell("33.75.01.1002", Some("L")),
            cell("33.75.01.1002", Some("P")),
            cell("33.75.02.1001", Some("L")),
            cell("33.75.02.1001", Some("P")),
        ];
        let hidden = protect(&cells, &[7, 2, 9, 8, 6, 6], 5);
        assert_eq!(hidden, [true, true, true, true, false, false]);
    }

    #[test]
    fn periods_parse_to_their_first_and_last_day() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_period("2026").map(|p| p.0), d(2026, 1, 1));
        assert_eq!(parse_period("2026").map(|p| p.1), d(2026, 12, 31));
        assert_eq!(parse_period("2026-Q1").map(|p| p.1), d(2026, 3, 31));
        assert_eq!(parse_period("2024-02").map(|p| p.1), d(2024, 2, 29));
        assert_eq!(parse_period("2026-12").map(|p| p.1), d(2026, 12, 31));
        assert!(parse_period("2026-Q5").is_none());
        assert!(parse_period("26").is_none());
        assert!(parse_period("2026-13").is_none());
    }
}
