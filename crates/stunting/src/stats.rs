//! Stunting statistics (ARCHITECTURE §6): one grouped query over each child's latest measurement in
//! the period (per period bucket when grouped by a grain), in the actor's scope, with small-cell
//! suppression. Flagged z-scores are left out of their index's denominator and counted apart;
//! oedema counts as severe wasting and severe underweight (WHO).

use chrono::{Datelike, NaiveDate};
use keluarga_core::stats::{GroupPlan, StatisticsFilter, StatsDimension};
use keluarga_core::store::Binder;
use keluarga_core::{Actor, Scope};
use sea_orm::{ConnectionTrait, Statement};

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
    fn parse(s: &str) -> Option<AgeGroup> {
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

/// Age in days → group: months < k ⇔ days < k × 30.4375, so the day limits are 183, 366, 731,
/// 1096 and 1461.
const AGE_GROUP_SQL: &str = "CASE WHEN age_days < 183 THEN '0-5' WHEN age_days < 366 THEN '6-11' \
     WHEN age_days < 731 THEN '12-23' WHEN age_days < 1096 THEN '24-35' \
     WHEN age_days < 1461 THEN '36-47' ELSE '48-59' END";

/// The measures of one group.
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

/// One group of a stunting statistics answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Region code of the group, when grouped by a region level.
    pub region: Option<String>,
    /// Period label, when grouped by a grain.
    pub period: Option<String>,
    /// Sex letter, when grouped by sex.
    pub sex: Option<String>,
    /// Age group, when grouped by it.
    pub age_group: Option<AgeGroup>,
    /// The measures; `None` when suppressed.
    pub counts: Option<Counts>,
    /// True when fewer children than the threshold were measured and the actor lacks record access.
    pub suppressed: bool,
}

const MEASURES: &str = "COUNT(*) AS measured, \
    SUM(CASE WHEN haz IS NOT NULL AND NOT haz_flag THEN 1 ELSE 0 END) AS haz_valid, \
    SUM(CASE WHEN haz_category IN ('STUNTED', 'SEVERELY_STUNTED') THEN 1 ELSE 0 END) AS stunted, \
    SUM(CASE WHEN haz_category = 'SEVERELY_STUNTED' THEN 1 ELSE 0 END) AS severely_stunted, \
    SUM(CASE WHEN haz_flag THEN 1 ELSE 0 END) AS haz_flagged, \
    SUM(CASE WHEN oedema OR (whz IS NOT NULL AND NOT whz_flag) THEN 1 ELSE 0 END) AS whz_valid, \
    SUM(CASE WHEN whz_category IN ('WASTED', 'SEVERELY_WASTED') THEN 1 ELSE 0 END) AS wasted, \
    SUM(CASE WHEN whz_category = 'SEVERELY_WASTED' THEN 1 ELSE 0 END) AS severely_wasted, \
    SUM(CASE WHEN whz_category IN ('OVERWEIGHT', 'OBESE') THEN 1 ELSE 0 END) AS overweight, \
    SUM(CASE WHEN whz_flag THEN 1 ELSE 0 END) AS whz_flagged, \
    SUM(CASE WHEN oedema OR (waz IS NOT NULL AND NOT waz_flag) THEN 1 ELSE 0 END) AS waz_valid, \
    SUM(CASE WHEN waz_category IN ('UNDERWEIGHT', 'SEVERELY_UNDERWEIGHT') THEN 1 ELSE 0 END) AS underweight, \
    SUM(CASE WHEN waz_category = 'SEVERELY_UNDERWEIGHT' THEN 1 ELSE 0 END) AS severely_underweight, \
    SUM(CASE WHEN waz_flag THEN 1 ELSE 0 END) AS waz_flagged";

fn counts(row: &sea_orm::QueryResult) -> Result<Counts> {
    let g = |c: &str| -> Result<i64> {
        let v: Option<i64> = row.try_get("", c)?;
        Ok(v.unwrap_or(0))
    };
    Ok(Counts {
        measured: g("measured")?,
        haz_valid: g("haz_valid")?,
        stunted: g("stunted")?,
        severely_stunted: g("severely_stunted")?,
        haz_flagged: g("haz_flagged")?,
        whz_valid: g("whz_valid")?,
        wasted: g("wasted")?,
        severely_wasted: g("severely_wasted")?,
        overweight: g("overweight")?,
        whz_flagged: g("whz_flagged")?,
        waz_valid: g("waz_valid")?,
        underweight: g("underweight")?,
        severely_underweight: g("severely_underweight")?,
        waz_flagged: g("waz_flagged")?,
    })
}

/// The latest measurement of each child in `scope` and the period (per `partition` bucket),
/// as a CTE named `latest`, with `extra` conditions on the measurement.
fn latest_cte(
    b: &mut Binder,
    scope: &Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    partition: Option<&str>,
    extra: Option<&dyn Fn(&mut Binder) -> String>,
) -> String {
    let mut wheres = vec![b.in_scope("m.region_code", scope)];
    if let Some(f) = from {
        let p = b.bind(f);
        wheres.push(format!("m.measured_on >= {p}"));
    }
    if let Some(t) = to {
        let p = b.bind(t);
        wheres.push(format!("m.measured_on <= {p}"));
    }
    // Placeholders are bound in the order they appear in the SQL (SQLite's `?` are positional).
    if let Some(e) = extra {
        wheres.push(e(b));
    }
    let (period_col, part) = match partition {
        Some(p) => (format!("{p} AS g_period"), format!(", {p}")),
        None => ("NULL AS g_period".to_owned(), String::new()),
    };
    format!(
        "WITH latest AS (SELECT m.*, {period_col}, ROW_NUMBER() OVER (PARTITION BY m.child_id{part} \
         ORDER BY m.measured_on DESC, m.id DESC) AS rn FROM measurement m WHERE {})",
        wheres.join(" AND ")
    )
}

/// Runs the grouped statistics query for `actor`.
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    threshold: i64,
    filter: &StatisticsFilter,
    groups: &[StuntingDimension],
) -> Result<Vec<Cell>> {
    let core: Vec<StatsDimension> = groups.iter().filter_map(|g| g.core()).collect();
    let backend = db.get_database_backend();
    let Some(plan) = GroupPlan::new(actor, filter, &core, backend, "m.measured_on")? else {
        // The requested region is outside the actor's scope: nothing to count.
        return Ok(Vec::new());
    };
    let mut b = Binder::new(backend);
    let cte = latest_cte(
        &mut b,
        &plan.scope,
        filter.from,
        filter.to,
        plan.grain.as_deref(),
        None,
    );
    let region = plan
        .level
        .map(|l| format!("substr(region_code, 1, {})", l.code_len()))
        .unwrap_or_else(|| "NULL".to_owned());
    let sex = if plan.by_sex { "sex" } else { "NULL" };
    let age = if groups.contains(&StuntingDimension::AgeGroup) {
        AGE_GROUP_SQL
    } else {
        "NULL"
    };
    let sql = format!(
        "{cte} SELECT {region} AS g_region, g_period, {sex} AS g_sex, {age} AS g_age, {MEASURES} \
         FROM latest WHERE rn = 1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    let suppress = !actor.has_record_access();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let c = counts(&row)?;
        let suppressed = suppress && c.measured < threshold;
        let age: Option<String> = row.try_get("", "g_age")?;
        out.push(Cell {
            region: row.try_get("", "g_region")?,
            period: row.try_get("", "g_period")?,
            sex: row.try_get("", "g_sex")?,
            age_group: age.as_deref().and_then(AgeGroup::parse),
            counts: (!suppressed).then_some(c),
            suppressed,
        });
    }
    Ok(out)
}

/// The headline figures of many regions (all of one level) for one period, in one query each:
/// measured children and stunting by region, counted inside the actor's scope.
pub async fn by_regions<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, Counts)>> {
    let Some(len) = codes.first().map(String::len) else {
        return Ok(Vec::new());
    };
    let backend = db.get_database_backend();
    let mut b = Binder::new(backend);
    let extra = |b: &mut Binder| {
        let list: Vec<String> = codes.iter().map(|c| b.bind(c.clone())).collect();
        format!("substr(m.region_code, 1, {len}) IN ({})", list.join(", "))
    };
    let cte = latest_cte(&mut b, scope, Some(from), Some(to), None, Some(&extra));
    let sql = format!(
        "{cte} SELECT substr(region_code, 1, {len}) AS g_region, {MEASURES} \
         FROM latest WHERE rn = 1 GROUP BY 1"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let code: String = row.try_get("", "g_region")?;
        out.push((code, counts(&row)?));
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
    today.year().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
