//! Gender statistics in core's statistics convention (`keluarga_core::stats`).
//!
//! Two sources, each one `GROUP BY` through core:
//! - **posts**: every strategic post that exists on a day, with its holder that day (if any)
//!   and the holder's sex: posts, filled, vacant, women, men and the women's share of the filled
//!   posts. A stock: counted on the period's last day, or, grouped by a period grain, on the
//!   last day of every bucket (a time series: one row per bucket end, written into the `FROM` as
//!   a list of days);
//! - **advocacy**: every advocacy target running in the period, with its target (the stated
//!   count, or what the registry knows of in the region) and what was reached by the period's
//!   end, counted from core's advocacy activities (the villages they were held in, the RTs and
//!   RWs their participants live in, the women's organisations that took part).
//!
//! Strategic posts and advocacy targets are public: their figures are never withheld (holders of
//! public office are not protected by small-cell suppression; docs/security.md).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use keluarga_core::error::{Error, Result};
use keluarga_core::stats::{
    self, Aggregate, Cell, Dimension, GroupPlan, Measure, Rate, Source, SourceArgs, Spec,
    StatisticsFilter, StatsDimension,
};
use keluarga_core::store::Binder;
use keluarga_core::{Actor, Scope};
use sea_orm::{ConnectionTrait, DbBackend};

/// A grouping dimension of gender statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum GenderDimension {
    /// Group by province.
    Province,
    /// Group by regency or city.
    Regency,
    /// Group by district (kecamatan).
    District,
    /// Group by village (desa/kelurahan).
    Village,
    /// Group by calendar year: the posts as they stand on the last day of each year (a time
    /// series; posts only).
    Year,
    /// Group by quarter (`2022-Q1`; posts only).
    Quarter,
    /// Group by month (`2022-01`; posts only).
    Month,
    /// Group by the holder's sex (posts only; vacant posts have none).
    Sex,
    /// Group by the kind of post (posts only).
    PostKind,
    /// Group by echelon (posts only; `NONE` for elected posts).
    Echelon,
    /// Group by the kind of the post's organisation (posts only).
    OrganisationKind,
    /// Group by the advocacy target's audience (advocacy only).
    Audience,
}

impl GenderDimension {
    fn core(self) -> Option<StatsDimension> {
        Some(match self {
            GenderDimension::Province => StatsDimension::Province,
            GenderDimension::Regency => StatsDimension::Regency,
            GenderDimension::District => StatsDimension::District,
            GenderDimension::Village => StatsDimension::Village,
            GenderDimension::Year => StatsDimension::Year,
            GenderDimension::Quarter => StatsDimension::Quarter,
            GenderDimension::Month => StatsDimension::Month,
            GenderDimension::Sex => StatsDimension::Sex,
            _ => return None,
        })
    }
}

/// The sections of a statistics row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Posts,
    Advocacy,
}

impl Section {
    fn carries(self, d: GenderDimension) -> bool {
        use GenderDimension as D;
        match d {
            D::Province | D::Regency | D::District | D::Village => true,
            D::Audience => self == Section::Advocacy,
            _ => self == Section::Posts,
        }
    }
}

/// The domain dimensions in the one order every section groups by.
const DOMAIN_DIMS: [(GenderDimension, Dimension); 4] = [
    (
        GenderDimension::PostKind,
        Dimension {
            name: "post_kind",
            sql: "kind",
        },
    ),
    (
        GenderDimension::Echelon,
        Dimension {
            name: "echelon",
            sql: "echelon",
        },
    ),
    (
        GenderDimension::OrganisationKind,
        Dimension {
            name: "organisation_kind",
            sql: "organisation_kind",
        },
    ),
    (
        GenderDimension::Audience,
        Dimension {
            name: "audience",
            sql: "audience",
        },
    ),
];

/// A uuid column as text on both backends (SQLite stores uuids as 16-byte blobs).
pub fn uuid_text(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST({col} AS TEXT)"),
        _ => format!("lower(hex({col}))"),
    }
}

/// The most buckets a time series may have.
pub const MAX_BUCKETS: usize = 240;

/// The last day of the bucket of `grain` holding `d`.
fn bucket_end(d: NaiveDate, grain: StatsDimension) -> NaiveDate {
    let (y, m) = (d.year(), d.month());
    let last_month = match grain {
        StatsDimension::Year => 12,
        StatsDimension::Quarter => m.div_ceil(3) * 3,
        _ => m,
    };
    let (ny, nm) = if last_month == 12 {
        (y + 1, 1)
    } else {
        (y, last_month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// The days the posts are counted on: `to`, or with a grain the last day of every bucket from
/// `from` to `to` (the last one cut at `to`).
pub fn bucket_days(
    from: Option<NaiveDate>,
    to: NaiveDate,
    grain: Option<StatsDimension>,
) -> Vec<NaiveDate> {
    let Some(grain) = grain else {
        return vec![to];
    };
    let mut d = from.unwrap_or(to);
    let mut out = Vec::new();
    while d <= to && out.len() <= MAX_BUCKETS {
        let end = bucket_end(d, grain).min(to);
        out.push(end);
        match end.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// Every post existing on each counted day, with its holder that day and the holder's sex.
fn post_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let to = args.to.unwrap_or_default();
    let days: Vec<String> = bucket_days(args.from, to, args.grain)
        .into_iter()
        .map(|d| format!("SELECT {} AS at", b.bind(d)))
        .collect();
    let scope = b.in_scope("p.region_code", args.scope);
    format!(
        "(SELECT p.id, p.region_code, p.kind, COALESCE(p.echelon, 'NONE') AS echelon, \
           o.kind AS organisation_kind, b.at, h.id AS holding_id, pe.sex AS holder_sex \
         FROM ({days}) b \
         JOIN strategic_post p ON p.established_on <= b.at \
           AND (p.abolished_on IS NULL OR p.abolished_on > b.at) \
         JOIN organisation o ON o.id = p.organisation_id \
         LEFT JOIN post_holding h ON h.post_id = p.id AND h.started_on <= b.at \
           AND (h.ended_on IS NULL OR h.ended_on > b.at) \
         LEFT JOIN person pe ON pe.id = h.person_id \
         WHERE {scope}) posts",
        days = days.join(" UNION ALL "),
    )
}

const fn measure(name: &'static str, aggregate: Aggregate) -> Measure {
    Measure { name, aggregate }
}

/// Strategic posts on a day (or on every bucket's last day).
pub const POSTS: Spec<'static> = Spec {
    source: Source {
        from: &post_rows,
        region: "region_code",
        date: "at",
        sex: Some("holder_sex"),
        filter: "",
    },
    measures: &[
        measure("posts", Aggregate::Count),
        measure("filled", Aggregate::CountIf("holding_id IS NOT NULL")),
        measure("women", Aggregate::CountIf("holder_sex = 'P'")),
        measure("men", Aggregate::CountIf("holder_sex = 'L'")),
        measure(
            "women_share",
            Aggregate::Rate {
                numerator: "holder_sex = 'P'",
                denominator: "holding_id IS NOT NULL",
            },
        ),
    ],
    people: "posts",
    rollup: None,
};

/// [`POSTS`], for the domain's sex-disaggregable measures.
pub fn posts_spec() -> Spec<'static> {
    POSTS
}

/// What an audience's reach is counted from, for a target row `x` with `region_code`,
/// `starts_on` and `k` (the last day counted).
fn reached_sql() -> String {
    let held = "a.kind = 'ADVOCACY' AND a.held_on >= x.starts_on AND a.held_on <= x.k";
    let under = |col: &str| format!("({col} = x.region_code OR {col} LIKE x.region_code || '.%')");
    format!(
        "CASE x.audience \
         WHEN 'WOMENS_ORGANISATION' THEN (SELECT COUNT(DISTINCT ao.organisation_id) \
           FROM activity_organiser ao JOIN activity a ON a.id = ao.activity_id \
           JOIN organisation o ON o.id = ao.organisation_id \
           WHERE ao.role = 'PARTICIPANT' AND o.kind = 'WOMENS_ORGANISATION' AND {org} AND {held}) \
         WHEN 'VILLAGE' THEN (SELECT COUNT(DISTINCT a.region_code) FROM activity a \
           WHERE a.region_code LIKE x.region_code || '.%' AND length(a.region_code) = 13 \
           AND {held}) \
         WHEN 'RW' THEN (SELECT COUNT(DISTINCT pe.region_code || '/' || pe.rw) \
           FROM activity_participant ap JOIN activity a ON a.id = ap.activity_id \
           JOIN person pe ON pe.id = ap.person_id \
           WHERE pe.rw IS NOT NULL AND {pe} AND {held}) \
         ELSE (SELECT COUNT(DISTINCT pe.region_code || '/' || pe.rw || '/' || pe.rt) \
           FROM activity_participant ap JOIN activity a ON a.id = ap.activity_id \
           JOIN person pe ON pe.id = ap.person_id \
           WHERE pe.rw IS NOT NULL AND pe.rt IS NOT NULL AND {pe} AND {held}) END",
        org = under("o.region_code"),
        pe = under("pe.region_code"),
    )
}

/// What a target row `x` aims at: its stated count, or every one the registry knows of.
fn target_sql() -> String {
    let under = |col: &str| format!("({col} = x.region_code OR {col} LIKE x.region_code || '.%')");
    format!(
        "COALESCE(x.target_count, CASE x.audience \
         WHEN 'WOMENS_ORGANISATION' THEN (SELECT COUNT(*) FROM organisation o \
           WHERE o.kind = 'WOMENS_ORGANISATION' AND {org}) \
         WHEN 'VILLAGE' THEN (SELECT COUNT(*) FROM region r \
           WHERE r.code LIKE x.region_code || '.%' AND r.level = 4) \
         WHEN 'RW' THEN (SELECT COUNT(DISTINCT pe.region_code || '/' || pe.rw) FROM person pe \
           WHERE pe.rw IS NOT NULL AND {pe}) \
         ELSE (SELECT COUNT(DISTINCT pe.region_code || '/' || pe.rw || '/' || pe.rt) \
           FROM person pe WHERE pe.rw IS NOT NULL AND pe.rt IS NOT NULL AND {pe}) END)",
        org = under("o.region_code"),
        pe = under("pe.region_code"),
    )
}

/// Every advocacy target running in the period, with its target and what was reached by the
/// period's end (or the target's, if earlier). `k` is the last day counted; it is also the date
/// core filters the period on (`from <= k <= to` exactly when the target runs in the period).
fn advocacy_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let (k, starts) = match args.to {
        Some(to) => {
            let t1 = b.bind(to);
            let t2 = b.bind(to);
            let t3 = b.bind(to);
            (
                format!("CASE WHEN t.ends_on < {t1} THEN t.ends_on ELSE {t2} END"),
                format!(" AND t.starts_on <= {t3}"),
            )
        }
        None => ("t.ends_on".to_owned(), String::new()),
    };
    let scope = b.in_scope("t.region_code", args.scope);
    format!(
        "(SELECT x.id, x.region_code, x.audience, x.k, {id} AS target_key, \
           CAST({target} AS BIGINT) AS target, CAST({reached} AS BIGINT) AS reached \
         FROM (SELECT t.*, {k} AS k FROM advocacy_target t WHERE {scope}{starts}) x) advocacy",
        id = uuid_text(args.backend, "x.id"),
        target = target_sql(),
        reached = reached_sql(),
    )
}

/// Advocacy targets and their reach.
pub const ADVOCACY: Spec<'static> = Spec {
    source: Source {
        from: &advocacy_rows,
        region: "region_code",
        date: "k",
        sex: None,
        filter: "",
    },
    measures: &[
        measure("targets", Aggregate::Count),
        measure("target", Aggregate::Sum("target")),
        measure("reached", Aggregate::Sum("reached")),
    ],
    people: "targets",
    rollup: None,
};

/// The figures of strategic posts of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PostFigures {
    /// Posts that exist.
    pub posts: i64,
    /// Posts held.
    pub filled: i64,
    /// Posts held by women.
    pub women: i64,
    /// Posts held by men.
    pub men: i64,
}

impl PostFigures {
    fn of(c: &Cell) -> PostFigures {
        PostFigures {
            posts: c.int("posts").unwrap_or(0),
            filled: c.int("filled").unwrap_or(0),
            women: c.int("women").unwrap_or(0),
            men: c.int("men").unwrap_or(0),
        }
    }

    /// Posts not held.
    pub fn vacant(&self) -> i64 {
        self.posts - self.filled
    }

    /// Women among the holders of filled posts.
    pub fn women_share(&self) -> Rate {
        Rate::of(self.women, self.filled)
    }
}

/// The advocacy figures of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AdvocacyFigures {
    /// Targets running in the period.
    pub targets: i64,
    /// What they aim at, together.
    pub target: i64,
    /// What was reached by the period's end, together.
    pub reached: i64,
}

impl AdvocacyFigures {
    fn of(c: &Cell) -> AdvocacyFigures {
        AdvocacyFigures {
            targets: c.int("targets").unwrap_or(0),
            target: c.int("target").unwrap_or(0),
            reached: c.int("reached").unwrap_or(0),
        }
    }

    /// Reached against target.
    pub fn coverage(&self) -> Rate {
        Rate::of(self.reached, self.target)
    }
}

/// One row of `genderStatistics`: its group and the sections that apply.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The region code, when grouped by a region level.
    pub region: Option<String>,
    /// The period label, when grouped by a grain.
    pub period: Option<String>,
    /// The sex letter, when grouped by sex.
    pub sex: Option<String>,
    /// The domain dimension labels grouped by, by name.
    pub dims: BTreeMap<&'static str, Option<String>>,
    /// Posts, when the section applies.
    pub posts: Option<PostFigures>,
    /// Advocacy, when the section applies.
    pub advocacy: Option<AdvocacyFigures>,
}

type Key = (
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<(&'static str, Option<String>)>,
);

/// Runs `genderStatistics` for `actor`: posts on the period's end (per bucket with a grain,
/// `to` defaulting to `today` and a series starting five years before it), advocacy in the
/// period.
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    today: NaiveDate,
    filter: &StatisticsFilter,
    groups: &[GenderDimension],
) -> Result<Vec<Row>> {
    let core: Vec<StatsDimension> = groups.iter().filter_map(|g| g.core()).collect();
    let Some(mut plan) = GroupPlan::new(actor, filter, &core, &[])? else {
        return Ok(Vec::new());
    };
    let applies = |s: Section| groups.iter().all(|d| s.carries(*d));
    if !applies(Section::Posts) && !applies(Section::Advocacy) {
        return Err(Error::bad(
            "groupBy",
            "AUDIENCE splits advocacy, the other dimensions split posts: group by one side's",
        ));
    }
    let to = plan.to.unwrap_or(today);
    plan.to = Some(to);
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    let mut put = |c: &Cell, dims: &[Dimension], s: Section| {
        let named: Vec<(&'static str, Option<String>)> = dims
            .iter()
            .map(|d| d.name)
            .zip(c.dims.iter().cloned())
            .collect();
        let key = (
            c.region.clone(),
            c.period.clone(),
            c.sex.clone(),
            named.clone(),
        );
        let row = rows.entry(key).or_insert_with(|| Row {
            region: c.region.clone(),
            period: c.period.clone(),
            sex: c.sex.clone(),
            dims: named.into_iter().collect(),
            ..Row::default()
        });
        match s {
            Section::Posts => row.posts = Some(PostFigures::of(c)),
            Section::Advocacy => row.advocacy = Some(AdvocacyFigures::of(c)),
        }
    };
    if applies(Section::Posts) {
        let mut p = plan.clone();
        p.dims = dims_for(groups, Section::Posts);
        if p.grain.is_some() {
            let from = p
                .from
                .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year() - 5, 1, 1).unwrap_or(to));
            p.from = Some(from);
            if bucket_days(Some(from), to, p.grain).len() > MAX_BUCKETS {
                return Err(Error::bad(
                    "filter.from",
                    format!("a time series has at most {MAX_BUCKETS} periods: start it later"),
                ));
            }
        } else {
            p.from = None;
        }
        for c in stats::cells(db, &POSTS, &p).await? {
            put(&c, &p.dims, Section::Posts);
        }
    }
    if applies(Section::Advocacy) {
        let mut p = plan.clone();
        p.dims = dims_for(groups, Section::Advocacy);
        for c in stats::cells(db, &ADVOCACY, &p).await? {
            put(&c, &p.dims, Section::Advocacy);
        }
    }
    Ok(rows.into_values().collect())
}

fn dims_for(groups: &[GenderDimension], s: Section) -> Vec<Dimension> {
    DOMAIN_DIMS
        .iter()
        .filter(|(g, _)| groups.contains(g) && s.carries(*g))
        .map(|(_, d)| *d)
        .collect()
}

/// The posts of `scope` on `on`, all together.
pub async fn posts_on<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    on: NaiveDate,
) -> Result<PostFigures> {
    let plan = GroupPlan {
        scope,
        from: None,
        to: Some(on),
        level: None,
        grain: None,
        by_sex: false,
        dims: Vec::new(),
        regions: None,
        under: None,
    };
    Ok(stats::cells(db, &POSTS, &plan)
        .await?
        .first()
        .map(PostFigures::of)
        .unwrap_or_default())
}

/// The posts of each of `codes` (all of one level) on `on`: one statement.
pub async fn posts_by_region<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    on: NaiveDate,
) -> Result<HashMap<String, PostFigures>> {
    let plan = GroupPlan::regions(scope.clone(), codes.to_vec(), None, Some(on));
    Ok(stats::cells(db, &POSTS, &plan)
        .await?
        .iter()
        .filter_map(|c| Some((c.region.clone()?, PostFigures::of(c))))
        .collect())
}

/// The advocacy of each of `codes` (all of one level) in a period: one statement.
pub async fn advocacy_by_region<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    (from, to): (NaiveDate, NaiveDate),
) -> Result<HashMap<String, AdvocacyFigures>> {
    let plan = GroupPlan::regions(scope.clone(), codes.to_vec(), Some(from), Some(to));
    Ok(stats::cells(db, &ADVOCACY, &plan)
        .await?
        .iter()
        .filter_map(|c| Some((c.region.clone()?, AdvocacyFigures::of(c))))
        .collect())
}

/// The reach of each advocacy target among `ids` (in `scope`), counted up to `on` (or the
/// target's end, if earlier): one statement.
pub async fn advocacy_by_target<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    on: NaiveDate,
) -> Result<HashMap<String, AdvocacyFigures>> {
    let plan = GroupPlan {
        scope: scope.clone(),
        from: None,
        to: Some(on),
        level: None,
        grain: None,
        by_sex: false,
        dims: vec![Dimension {
            name: "target",
            sql: "target_key",
        }],
        regions: None,
        under: None,
    };
    Ok(stats::cells(db, &ADVOCACY, &plan)
        .await?
        .iter()
        .filter_map(|c| Some((c.dim(0)?.to_owned(), AdvocacyFigures::of(c))))
        .collect())
}

/// Whether the share `now` is below the share `then` (exactly, without rounding): the early
/// warning of seed 004.
pub fn fell_below(now: Rate, then: Rate) -> bool {
    if now.denominator == 0 || then.denominator == 0 {
        return false;
    }
    i128::from(now.numerator) * i128::from(then.denominator)
        < i128::from(then.numerator) * i128::from(now.denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn buckets_end_on_the_last_day_of_each_period_and_stop_at_to() {
        assert_eq!(bucket_days(None, d(2022, 4, 18), None), [d(2022, 4, 18)]);
        assert_eq!(
            bucket_days(
                Some(d(2020, 6, 1)),
                d(2022, 4, 18),
                Some(StatsDimension::Year)
            ),
            [d(2020, 12, 31), d(2021, 12, 31), d(2022, 4, 18)]
        );
        assert_eq!(
            bucket_days(
                Some(d(2021, 11, 5)),
                d(2022, 4, 18),
                Some(StatsDimension::Quarter)
            ),
            [d(2021, 12, 31), d(2022, 3, 31), d(2022, 4, 18)]
        );
        assert_eq!(
            bucket_days(
                Some(d(2024, 1, 1)),
                d(2024, 3, 1),
                Some(StatsDimension::Month)
            ),
            [d(2024, 1, 31), d(2024, 2, 29), d(2024, 3, 1)]
        );
    }

    #[test]
    fn a_share_falls_below_another_exactly() {
        // 10 of 22 (45.45 %) against 10 of 29 (34.48 %).
        assert!(fell_below(Rate::of(10, 29), Rate::of(10, 22)));
        assert!(!fell_below(Rate::of(10, 22), Rate::of(10, 22)));
        // 1 of 3 is not below 2 of 6.
        assert!(!fell_below(Rate::of(1, 3), Rate::of(2, 6)));
        assert!(!fell_below(Rate::of(0, 0), Rate::of(1, 2)));
    }
}
