//! The statistics convention every domain follows (ARCHITECTURE §6): one `GROUP BY` in the
//! database over a scoped, period-filtered base table, grouped by region level, period grain, sex and
//! the domain's own dimensions, with small-cell suppression for roles without record access.

use async_graphql::{Enum, InputObject};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::region_code::RegionLevel;
use crate::store::Binder;

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
    /// First day of the period (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive).
    pub to: Option<NaiveDate>,
}

/// One base table (or join) that a measure counts over.
#[derive(Debug, Clone)]
pub struct StatsSource {
    /// `FROM` clause, e.g. `person p` or a join.
    pub from: &'static str,
    /// The region-code column expression.
    pub region: &'static str,
    /// The date column expression used for the period filter and grains.
    pub date: &'static str,
    /// The sex column expression (`L`/`P`), if the source has one.
    pub sex: Option<&'static str>,
    /// The measure: `COUNT(*)`, `COUNT(DISTINCT x)` or `SUM(x)`.
    pub measure: &'static str,
    /// Extra fixed `WHERE` conditions (no user input).
    pub extra_where: &'static str,
}

/// One group of a statistics answer, before suppression and region naming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsCell {
    /// The region code of the group, when grouped by a region level.
    pub region: Option<String>,
    /// The period label, when grouped by a grain.
    pub period: Option<String>,
    /// The sex letter, when grouped by sex.
    pub sex: Option<String>,
    /// The measure; `None` when suppressed.
    pub value: Option<i64>,
    /// True when the cell counted fewer people than the threshold and the actor lacks record access.
    pub suppressed: bool,
}

/// The SQL of a period label at a grain, for both backends.
fn period_sql(backend: DbBackend, col: &str, dim: StatsDimension) -> Option<String> {
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

/// A grouped statistics request checked against the actor: the scope to count in and the SQL of
/// the chosen region level, period grain and sex split. Every domain's statistics start here.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// The actor's scope narrowed to the requested region.
    pub scope: crate::actor::Scope,
    /// The region level to group by, if any.
    pub level: Option<RegionLevel>,
    /// The SQL of the period label to group by, if any.
    pub grain: Option<String>,
    /// Whether to split by sex.
    pub by_sex: bool,
}

impl GroupPlan {
    /// Checks `filter` and `groups` (at most one region level and one grain; `to` not before
    /// `from`); `None` when the requested region lies outside the actor's scope. `date` is the
    /// column the grain is computed from.
    pub fn new(
        actor: &Actor,
        filter: &StatisticsFilter,
        groups: &[StatsDimension],
        backend: DbBackend,
        date: &str,
    ) -> Result<Option<GroupPlan>> {
        actor.require_read()?;
        let Some(scope) = actor.scope_for(filter.region_code.as_deref(), "filter.regionCode")?
        else {
            return Ok(None);
        };
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && from > to
        {
            return Err(Error::bad("filter.to", "must not be before filter.from"));
        }
        let levels: Vec<RegionLevel> = groups.iter().filter_map(|d| d.region_level()).collect();
        if levels.len() > 1 {
            return Err(Error::bad("groupBy", "group by at most one region level"));
        }
        let grains: Vec<String> = groups
            .iter()
            .filter_map(|d| period_sql(backend, date, *d))
            .collect();
        if grains.len() > 1 {
            return Err(Error::bad("groupBy", "group by at most one period grain"));
        }
        Ok(Some(GroupPlan {
            scope,
            level: levels.first().copied(),
            grain: grains.into_iter().next(),
            by_sex: groups.contains(&StatsDimension::Sex),
        }))
    }
}

/// Runs one grouped statistics query and applies suppression.
///
/// `groups` may name each dimension once; at most one region level and one grain.
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    threshold: i64,
    source: &StatsSource,
    filter: &StatisticsFilter,
    groups: &[StatsDimension],
) -> Result<Vec<StatsCell>> {
    let backend = db.get_database_backend();
    let Some(plan) = GroupPlan::new(actor, filter, groups, backend, source.date)? else {
        // The requested region is outside the actor's scope: nothing to count.
        return Ok(Vec::new());
    };
    if plan.by_sex && source.sex.is_none() {
        return Err(Error::bad("groupBy", "this measure cannot be split by sex"));
    }

    let mut binder = Binder::new(backend);
    let null = "NULL".to_owned();
    let region_expr = plan
        .level
        .map(|l| format!("substr({}, 1, {})", source.region, l.code_len()))
        .unwrap_or_else(|| null.clone());
    let period_expr = plan.grain.clone().unwrap_or_else(|| null.clone());
    let sex_expr = if plan.by_sex {
        source.sex.unwrap_or("NULL").to_owned()
    } else {
        null
    };
    let mut wheres = vec![binder.in_scope(source.region, &plan.scope)];
    if let Some(from) = filter.from {
        let p = binder.bind(from);
        wheres.push(format!("{} >= {p}", source.date));
    }
    if let Some(to) = filter.to {
        let p = binder.bind(to);
        wheres.push(format!("{} <= {p}", source.date));
    }
    if !source.extra_where.is_empty() {
        wheres.push(source.extra_where.to_owned());
    }
    let sql = format!(
        "SELECT {region_expr} AS g_region, {period_expr} AS g_period, {sex_expr} AS g_sex, \
         CAST({measure} AS BIGINT) AS g_value FROM {from} WHERE {wheres} \
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        measure = source.measure,
        from = source.from,
        wheres = wheres.join(" AND "),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, binder.values))
        .await?;
    let suppress = !actor.has_record_access();
    let mut cells = Vec::with_capacity(rows.len());
    for row in rows {
        let value: Option<i64> = row.try_get("", "g_value")?;
        let value = value.unwrap_or(0);
        let suppressed = suppress && value < threshold;
        cells.push(StatsCell {
            region: row.try_get("", "g_region")?,
            period: row.try_get("", "g_period")?,
            sex: row.try_get("", "g_sex")?,
            value: (!suppressed).then_some(value),
            suppressed,
        });
    }
    Ok(cells)
}
