//! Statistics rollups (`docs/architecture.md` §4, "Rollups"): a statistic's additive parts kept
//! pre-aggregated per village × period × sex × the dimension sets its domain declares, and per
//! regency/city (the sums of its villages), in one core table, `stat_rollup`.
//!
//! A rollup row is exactly what the statistic's own `GROUP BY` gives for one village and one
//! period at one grain (all time, a year, a quarter, a month), with each measure split into parts
//! that add up: a count, a sum, a mean's sum and count, a rate's numerator and denominator. A
//! statistic whose request every key of which is a rollup key ([`crate::stats::route`]) reads the rollup and
//! sums those parts over the villages (or regencies) asked for: a province's figures read
//! thousands of rows instead of millions of records. Medians do not add up and are never rolled
//! up; nor are requests over windows that are not whole periods.
//!
//! Exact at every moment: a domain's write calls [`refresh`] in its own transaction with the
//! villages and dates it touched (for "latest per child" statistics, every village where the
//! child has rows), which recomputes those villages' rows for every period containing the dates
//! from the records, and their regencies' sums. Bulk loads call [`rebuild`]. A property test
//! (`tests/it/rollup.rs`) checks, after every write of random sequences, that every statistic
//! read through a rollup equals the same statistic from the records
//! ([`crate::stats::records_cells`]).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Statement};

use crate::actor::Scope;
use crate::error::Result;
use crate::region_code::RegionLevel;
use crate::sql::Binder;
use crate::stats::{self, GroupPlan, Spec, StatsDimension};
pub use crate::stats::{DIMS, GRAINS, Rollup, VALUES};
use crate::stats::{all_parts, letter, window};

/// Above this many villages, [`refresh`] rebuilds their regencies whole instead.
const BULK: usize = 16;

/// Which periods a refresh rewrites: all, or all time plus the listed (grain, label) periods.
enum Periods {
    All,
    Some(Vec<(&'static str, String)>),
}

impl Periods {
    fn sql(&self, b: &mut Binder) -> String {
        match self {
            Periods::All => "1 = 1".to_owned(),
            Periods::Some(list) => {
                let mut any = vec!["grain = 'A'".to_owned()];
                for (g, label) in list {
                    any.push(format!(
                        "(grain = '{g}' AND period = {})",
                        b.bind(label.clone())
                    ));
                }
                format!("({})", any.join(" OR "))
            }
        }
    }
}

async fn run<C: ConnectionTrait>(db: &C, b: Binder, sql: String) -> Result<()> {
    db.execute_raw(Statement::from_sql_and_values(b.backend, sql, b.values))
        .await?;
    Ok(())
}

/// Writes the village rows of `rollup`'s dimension set `set` for `scope`, at `grain`, over
/// `window` (all periods when `None`): one `INSERT ... SELECT` of the statistic's own grouping.
async fn insert_villages<C: ConnectionTrait>(
    db: &C,
    rollup: &Rollup,
    spec: &Spec<'_>,
    set: usize,
    scope: &Scope,
    grain: Option<StatsDimension>,
    window: Option<(NaiveDate, NaiveDate)>,
) -> Result<()> {
    let backend = db.get_database_backend();
    let dims = rollup.dims.get(set).copied().unwrap_or_default();
    let plan = GroupPlan {
        scope: scope.clone(),
        from: window.map(|w| w.0),
        to: window.map(|w| w.1),
        level: Some(RegionLevel::Village),
        grain,
        by_sex: spec.source.sex.is_some(),
        dims: dims.to_vec(),
        regions: None,
        under: None,
    };
    let Some((parts, _)) = all_parts(spec) else {
        return Ok(());
    };
    let keys = stats::keys(spec, &plan, backend);
    let mut inner: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} AS k{i}"))
        .collect();
    inner.extend(
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{p} AS c{i}")),
    );
    let mut b = Binder::new(backend);
    let fw = stats::from_where(&mut b, spec, &plan);
    let dcols: Vec<String> = (0..dims.len()).map(|i| format!("d{i}")).collect();
    let dvals: Vec<String> = (0..dims.len()).map(|i| format!("k{}", i + 3)).collect();
    let vcols: Vec<String> = (0..parts.len()).map(|i| format!("v{i}")).collect();
    let vvals: Vec<String> = (0..parts.len()).map(|i| format!("c{i}")).collect();
    let comma = |v: &[String]| v.iter().map(|x| format!(", {x}")).collect::<String>();
    let sql = format!(
        "INSERT INTO stat_rollup (rollup, dimset, level, area, grain, period, sex{}{}) \
         SELECT '{}', {set}, 'V', k0, '{}', k1, k2{}{} FROM (SELECT {} {fw} GROUP BY {}) g",
        comma(&dcols),
        comma(&vcols),
        rollup.name,
        letter(grain),
        comma(&dvals),
        comma(&vvals),
        inner.join(", "),
        stats::key_list(keys.len()),
    );
    run(db, b, sql).await
}

/// Rewrites the regency rows of `rollup` in `scope` for `periods` as the sums of their villages'.
async fn sum_regencies<C: ConnectionTrait>(
    db: &C,
    rollup: &Rollup,
    scope: &Scope,
    periods: &Periods,
) -> Result<()> {
    let backend = db.get_database_backend();
    // The rows of `rollup` in the scope and periods, its values bound into `b`.
    let rows = |b: &mut Binder| {
        let s = b.in_scope("area", scope);
        let p = periods.sql(b);
        format!("rollup = '{}' AND {s} AND {p}", rollup.name)
    };
    let mut b = Binder::new(backend);
    let regency_rows = rows(&mut b);
    run(
        db,
        b,
        format!("DELETE FROM stat_rollup WHERE level = 'R' AND {regency_rows}"),
    )
    .await?;
    let vcols: Vec<String> = (0..VALUES).map(|i| format!("v{i}")).collect();
    let sums: Vec<String> = vcols.iter().map(|v| format!("SUM({v})")).collect();
    let dcols = (0..DIMS)
        .map(|i| format!("d{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b = Binder::new(backend);
    let village_rows = rows(&mut b);
    run(
        db,
        b,
        format!(
            "INSERT INTO stat_rollup (rollup, dimset, level, area, grain, period, sex, {dcols}, \
             {}) SELECT rollup, dimset, 'R', substr(area, 1, 5), grain, period, sex, {dcols}, {} \
             FROM stat_rollup WHERE level = 'V' AND {village_rows} \
             GROUP BY rollup, dimset, substr(area, 1, 5), grain, period, sex, {dcols}",
            vcols.join(", "),
            sums.join(", "),
        ),
    )
    .await
}

/// Recomputes `rollup`'s rows of `villages` for every period containing one of `dates` (and all
/// time) from the records, and their regencies' sums. A domain calls it in the transaction of
/// every write that changes what the statistic counts, naming every village whose figures may
/// change (for "latest per child", every village where the child has rows) and the old and new
/// dates of the rows written.
pub async fn refresh<C: ConnectionTrait>(
    db: &C,
    rollup: &Rollup,
    villages: &[String],
    dates: &[NaiveDate],
) -> Result<()> {
    let mut villages: Vec<String> = villages.to_vec();
    villages.sort();
    villages.dedup();
    if villages.is_empty() || dates.is_empty() {
        return Ok(());
    }
    let mut regencies: Vec<String> = villages
        .iter()
        .filter_map(|v| v.get(..5).map(str::to_owned))
        .collect();
    regencies.dedup();
    if villages.len() > BULK {
        // A bulk write (an import): its regencies whole, a few statements each.
        for r in &regencies {
            rebuild(db, rollup, &Scope::new(r)?).await?;
        }
        return Ok(());
    }
    let mut windows: Vec<(
        &'static str,
        Option<StatsDimension>,
        String,
        NaiveDate,
        NaiveDate,
    )> = Vec::new();
    for d in dates {
        for (l, g) in GRAINS.iter().skip(1) {
            if let Some(g) = g
                && let Some((label, from, to)) = window(*d, *g)
                && !windows.iter().any(|w| w.0 == *l && w.2 == label)
            {
                windows.push((l, Some(*g), label, from, to));
            }
        }
    }
    let periods = Periods::Some(windows.iter().map(|w| (w.0, w.2.clone())).collect());
    let spec = (rollup.spec)();
    for v in &villages {
        let scope = Scope::new(v)?;
        let mut b = Binder::new(db.get_database_backend());
        let area = b.bind(v.clone());
        let p = periods.sql(&mut b);
        run(
            db,
            b,
            format!(
                "DELETE FROM stat_rollup WHERE rollup = '{}' AND level = 'V' AND area = {area} \
                 AND {p}",
                rollup.name
            ),
        )
        .await?;
        for set in 0..rollup.dims.len() {
            insert_villages(db, rollup, &spec, set, &scope, None, None).await?;
            for (_, g, _, from, to) in &windows {
                insert_villages(db, rollup, &spec, set, &scope, *g, Some((*from, *to))).await?;
            }
        }
    }
    for r in &regencies {
        sum_regencies(db, rollup, &Scope::new(r)?, &periods).await?;
    }
    Ok(())
}

/// Rebuilds `rollup` in `scope` from the records (after a bulk load: the demo data, a synthetic
/// province, an import): one `INSERT ... SELECT` per dimension set and grain, then the regencies'.
pub async fn rebuild<C: ConnectionTrait>(db: &C, rollup: &Rollup, scope: &Scope) -> Result<()> {
    let mut b = Binder::new(db.get_database_backend());
    let s = b.in_scope("area", scope);
    run(
        db,
        b,
        format!(
            "DELETE FROM stat_rollup WHERE rollup = '{}' AND {s}",
            rollup.name
        ),
    )
    .await?;
    let spec = (rollup.spec)();
    for set in 0..rollup.dims.len() {
        for (_, g) in GRAINS {
            insert_villages(db, rollup, &spec, set, scope, g, None).await?;
        }
    }
    sum_regencies(db, rollup, scope, &Periods::All).await
}

/// Rebuilds `rollup` in `scope` in a transaction of its own, without the statement timeout
/// of API requests on PostgreSQL (a province's rebuild reads every record once): readers see
/// the old rows or the new, never a part.
pub async fn rebuild_whole(
    db: &sea_orm::DatabaseConnection,
    rollup: &Rollup,
    scope: &Scope,
) -> Result<()> {
    let txn = crate::sql::begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL statement_timeout = 0")
            .await?;
    }
    rebuild(&txn, rollup, scope).await?;
    txn.commit().await?;
    Ok(())
}

/// Builds every rollup of `rollups` not yet built in this database (a new database, or a rollup
/// added by an upgrade) from the records ([`rebuild_whole`]), and marks it built. Runs after the
/// migrations.
pub async fn ensure(db: &sea_orm::DatabaseConnection, rollups: &[&Rollup]) -> Result<()> {
    let backend = db.get_database_backend();
    let built: Vec<String> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT rollup FROM stat_rollup_built",
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "rollup"))
        .collect::<std::result::Result<_, _>>()?;
    for r in rollups {
        if built.iter().any(|b| b == r.name) {
            continue;
        }
        let started = std::time::Instant::now();
        rebuild_whole(db, r, &Scope::all()).await?;
        let mut b = Binder::new(backend);
        let sql = format!(
            "INSERT INTO stat_rollup_built (rollup, built_at) VALUES ({}, {})",
            b.bind(r.name),
            b.bind(crate::service::stamp())
        );
        run(db, b, sql).await?;
        tracing::info!(
            rollup = r.name,
            seconds = started.elapsed().as_secs_f64(),
            "rollup built from the records"
        );
    }
    Ok(())
}
