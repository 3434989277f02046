//! Ekonomi statistics in core's statistics convention (`keluarga_core::stats`).
//!
//! Six sources, each one `GROUP BY` through core, each a section of a row:
//! - **PEKKA** (a stock: the statuses current at the period's end), with the share in UP2K and
//!   those with children; split by DECILE, PEKKA_CATEGORY and SEX (always `P`);
//! - **members** (a stock: memberships current at the period's end), split by SEX, DECILE,
//!   BUSINESS_TYPE and GROUP_LEVEL;
//! - **groups** (a stock: groups formed by the period's end; reference data, never withheld),
//!   split by BUSINESS_TYPE and GROUP_LEVEL;
//! - **assistance** given in the period (count, total, recipients), split by PROVIDER,
//!   ASSISTANCE_KIND, BUSINESS_TYPE and GROUP_LEVEL;
//! - **income** reports of the months in the period (total and median revenue and profit);
//! - **income change** around each assistance given in the period: the recipient's mean monthly
//!   revenue over the six calendar months after the month of the assistance against the six
//!   before it (the month itself left out), over the recipients with reports on both sides.
//!
//! A section is present in a row only when its rows carry every dimension asked for (stocks
//! have no period grain); otherwise it is null. Suppression is core's one rule on each
//! section's people (PEKKA families, members, recipients, reporters).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use keluarga_core::error::Result;
use keluarga_core::rollup::Rollup;
use keluarga_core::stats::{
    self, Aggregate, Cell, Dimension, GroupPlan, Measure, Source, SourceArgs, Spec,
    StatisticsFilter, StatsDimension,
};
use keluarga_core::store::Binder;
use keluarga_core::{Actor, Scope};
use sea_orm::{ConnectionTrait, DbBackend};

/// A grouping dimension of ekonomi statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum EkonomiDimension {
    /// Group by province.
    Province,
    /// Group by regency or city.
    Regency,
    /// Group by district (kecamatan).
    District,
    /// Group by village (desa/kelurahan).
    Village,
    /// Group by calendar year (flows only: assistance and income).
    Year,
    /// Group by quarter (`2026-Q1`; flows only).
    Quarter,
    /// Group by month (`2026-08`; flows only).
    Month,
    /// Group by sex (of the member; a PEKKA's head is always a woman).
    Sex,
    /// Group by the family's decile (the lowest of its latest ranking per source at the period's
    /// end; null for unranked families).
    Decile,
    /// Group by PEKKA category.
    PekkaCategory,
    /// Group by the UP2K group's business type.
    BusinessType,
    /// Group by the UP2K group's level (Pemula, Madya, Utama, Mandiri).
    GroupLevel,
    /// Group by the organisation that gave the assistance.
    Provider,
    /// Group by the kind of assistance.
    AssistanceKind,
}

impl EkonomiDimension {
    fn core(self) -> Option<StatsDimension> {
        Some(match self {
            EkonomiDimension::Province => StatsDimension::Province,
            EkonomiDimension::Regency => StatsDimension::Regency,
            EkonomiDimension::District => StatsDimension::District,
            EkonomiDimension::Village => StatsDimension::Village,
            EkonomiDimension::Year => StatsDimension::Year,
            EkonomiDimension::Quarter => StatsDimension::Quarter,
            EkonomiDimension::Month => StatsDimension::Month,
            EkonomiDimension::Sex => StatsDimension::Sex,
            _ => return None,
        })
    }

    fn is_grain(self) -> bool {
        matches!(
            self,
            EkonomiDimension::Year | EkonomiDimension::Quarter | EkonomiDimension::Month
        )
    }
}

/// The domain dimensions in the one order every section groups by.
const DOMAIN_DIMS: [(EkonomiDimension, Dimension); 6] = [
    (
        EkonomiDimension::Decile,
        Dimension {
            name: "decile",
            sql: "decile_label",
        },
    ),
    (
        EkonomiDimension::PekkaCategory,
        Dimension {
            name: "pekka_category",
            sql: "category",
        },
    ),
    (
        EkonomiDimension::BusinessType,
        Dimension {
            name: "business_type",
            sql: "business_type",
        },
    ),
    (
        EkonomiDimension::GroupLevel,
        Dimension {
            name: "group_level",
            sql: "level",
        },
    ),
    (
        EkonomiDimension::Provider,
        Dimension {
            name: "provider",
            sql: "provider_key",
        },
    ),
    (
        EkonomiDimension::AssistanceKind,
        Dimension {
            name: "assistance_kind",
            sql: "kind",
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

fn end_of(args: &SourceArgs<'_>) -> NaiveDate {
    args.to
        .or(NaiveDate::from_ymd_opt(9999, 12, 31))
        .unwrap_or_default()
}

/// The decile of family `fam` on `end`: the lowest of its latest ranking per source.
fn decile_sql(b: &mut Binder, fam: &str, end: NaiveDate) -> String {
    let e1 = b.bind(end);
    let e2 = b.bind(end);
    format!(
        "(SELECT CAST(MIN(w.decile) AS BIGINT) FROM welfare_ranking w WHERE w.family_id = {fam} \
         AND w.as_of <= {e1} AND NOT EXISTS (SELECT 1 FROM welfare_ranking w2 \
         WHERE w2.family_id = w.family_id AND w2.source = w.source AND w2.as_of <= {e2} \
         AND w2.as_of > w.as_of))"
    )
}

/// The decile as a label (NULL for an unranked family). The subquery appears once: SQLite's
/// placeholders are positional.
fn decile_label(inner: &str) -> String {
    format!("CAST({inner} AS TEXT)")
}

/// PEKKA statuses current at the period's end, with the facts the measures read.
fn pekka_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let end = end_of(args);
    let decile = decile_sql(b, "pk.family_id", end);
    let m1 = b.bind(end);
    let m2 = b.bind(end);
    let adult = end
        .checked_sub_months(chrono::Months::new(18 * 12))
        .unwrap_or(end);
    let child = b.bind(keluarga_core::kinds::Relationship::Child.as_str());
    let adult = b.bind(adult);
    let e = b.bind(end);
    let scope = b.in_scope("pk.region_code", args.scope);
    format!(
        "(SELECT pk.id, pk.family_id, pk.region_code, pk.recorded_on, pk.category, \
           'P' AS head_sex, {label} AS decile_label, \
           CASE WHEN EXISTS (SELECT 1 FROM up2k_member m WHERE m.family_id = pk.family_id \
             AND m.joined_on <= {m1} AND (m.left_on IS NULL OR m.left_on > {m2})) \
             THEN 1 ELSE 0 END AS in_up2k, \
           CASE WHEN EXISTS (SELECT 1 FROM family_member fm JOIN person p ON p.id = fm.person_id \
             WHERE fm.family_id = pk.family_id AND fm.relationship = {child} \
             AND (p.birth_date IS NULL OR p.birth_date > {adult})) THEN 1 ELSE 0 END \
             AS with_children \
         FROM pekka pk WHERE (pk.ended_on IS NULL OR pk.ended_on >= {e}) AND {scope}) pekka_rows",
        label = decile_label(&decile),
    )
}

/// PEKKA statuses current at the period's end, bare: what the region facet counts. Without the
/// decile and the two per-status probes of [`pekka_rows`], which cost 1.8 s a statement over a
/// province of a million families (bench/README.md, "Province scale").
fn pekka_count_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let e = b.bind(end_of(args));
    let scope = b.in_scope("pk.region_code", args.scope);
    format!(
        "(SELECT pk.id, pk.region_code, pk.recorded_on, 'P' AS head_sex FROM pekka pk \
         WHERE (pk.ended_on IS NULL OR pk.ended_on >= {e}) AND {scope}) pekka_rows"
    )
}

/// Memberships current at the period's end, bare: what the region facet counts.
fn member_count_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let e = b.bind(end_of(args));
    let scope = b.in_scope("m.region_code", args.scope);
    format!(
        "(SELECT m.id, m.person_id, m.region_code, m.joined_on, m.sex FROM up2k_member m \
         WHERE (m.left_on IS NULL OR m.left_on > {e}) AND {scope}) members"
    )
}

/// Memberships current at the period's end, with their group and the member's family.
fn member_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let end = end_of(args);
    let decile = decile_sql(b, "m.family_id", end);
    let p1 = b.bind(end);
    let p2 = b.bind(end);
    let e = b.bind(end);
    let scope = b.in_scope("m.region_code", args.scope);
    format!(
        "(SELECT m.id, m.person_id, m.family_id, m.region_code, m.joined_on, m.sex, \
           g.business_type, g.level, {label} AS decile_label, \
           CASE WHEN EXISTS (SELECT 1 FROM pekka pk WHERE pk.family_id = m.family_id \
             AND pk.recorded_on <= {p1} AND (pk.ended_on IS NULL OR pk.ended_on >= {p2})) \
             THEN 1 ELSE 0 END AS pekka \
         FROM up2k_member m JOIN up2k_group g ON g.id = m.group_id \
         WHERE (m.left_on IS NULL OR m.left_on > {e}) AND {scope}) members",
        label = decile_label(&decile),
    )
}

/// Assistance with its group's facts and text keys of provider and recipient.
fn assistance_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let scope = b.in_scope("a.region_code", args.scope);
    format!(
        "(SELECT a.id, a.region_code, a.given_on, a.amount, a.kind, {provider} AS provider_key, \
           {recipient} AS recipient_key, g.business_type, g.level \
         FROM assistance a JOIN up2k_group g ON g.id = a.group_id WHERE {scope}) assistance_rows",
        provider = uuid_text(args.backend, "a.provider_id"),
        recipient = uuid_text(args.backend, "COALESCE(a.member_id, a.group_id)"),
    )
}

/// Income reports with their group's facts.
fn income_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let scope = b.in_scope("r.region_code", args.scope);
    format!(
        "(SELECT r.id, r.region_code, r.month, r.revenue, r.profit, {reporter} AS reporter_key, \
           g.business_type, g.level \
         FROM income_report r JOIN up2k_group g ON g.id = r.group_id WHERE {scope}) income_rows",
        reporter = uuid_text(args.backend, "COALESCE(r.member_id, r.group_id)"),
    )
}

/// Each assistance with its recipient's mean monthly revenue in the six calendar months before
/// the month it was given and in the six after.
fn change_rows(b: &mut Binder, args: &SourceArgs<'_>) -> String {
    let pg = args.backend == DbBackend::Postgres;
    let month = |shift: &str| -> String {
        if pg {
            match shift {
                "" => "CAST(date_trunc('month', a.given_on) AS DATE)".to_owned(),
                s => format!("CAST(date_trunc('month', a.given_on) + interval '{s}' AS DATE)"),
            }
        } else {
            match shift {
                "" => "date(a.given_on, 'start of month')".to_owned(),
                s => format!("date(a.given_on, 'start of month', '{s}')"),
            }
        }
    };
    let (start, before, after) = (month(""), month("-6 months"), month("+6 months"));
    let same = "r.group_id = a.group_id AND ((a.member_id IS NULL AND r.member_id IS NULL) \
                OR r.member_id = a.member_id)";
    let scope = b.in_scope("a.region_code", args.scope);
    format!(
        "(SELECT a.id, a.region_code, a.given_on, a.kind, {provider} AS provider_key, \
           g.business_type, g.level, \
           (SELECT AVG(CAST(r.revenue AS DOUBLE PRECISION)) FROM income_report r WHERE {same} \
             AND r.month >= {before} AND r.month < {start}) AS before_revenue, \
           (SELECT AVG(CAST(r.revenue AS DOUBLE PRECISION)) FROM income_report r WHERE {same} \
             AND r.month > {start} AND r.month <= {after}) AS after_revenue \
         FROM assistance a JOIN up2k_group g ON g.id = a.group_id WHERE {scope}) changes",
        provider = uuid_text(args.backend, "a.provider_id"),
    )
}

const fn measure(name: &'static str, aggregate: Aggregate) -> Measure {
    Measure { name, aggregate }
}

/// [`PEKKA_COUNT`], for the domain's sex-disaggregable measures (they read only the count).
pub fn pekka_spec() -> Spec<'static> {
    PEKKA_COUNT
}

/// [`MEMBER_COUNT`], for the domain's sex-disaggregable measures (they read only the count).
pub fn members_spec() -> Spec<'static> {
    MEMBER_COUNT
}

/// PEKKA current at the period's end.
pub const PEKKA: Spec<'static> = Spec {
    source: Source {
        from: &pekka_rows,
        region: "region_code",
        date: "recorded_on",
        sex: Some("head_sex"),
        filter: "",
    },
    measures: &[
        measure("pekka", Aggregate::Count),
        measure(
            "in_up2k",
            Aggregate::Rate {
                numerator: "in_up2k = 1",
                denominator: "1 = 1",
            },
        ),
        measure("with_children", Aggregate::CountIf("with_children = 1")),
    ],
    people: "pekka",
    rollup: None,
};

/// Memberships current at the period's end.
pub const MEMBERS: Spec<'static> = Spec {
    source: Source {
        from: &member_rows,
        region: "region_code",
        date: "joined_on",
        sex: Some("sex"),
        filter: "",
    },
    measures: &[
        measure("members", Aggregate::CountDistinct("person_id")),
        measure("pekka_members", Aggregate::CountIf("pekka = 1")),
    ],
    people: "members",
    rollup: None,
};

/// PEKKA current at the period's end, counted only ([`PEKKA`]'s first measure, same rows).
pub const PEKKA_COUNT: Spec<'static> = Spec {
    source: Source {
        from: &pekka_count_rows,
        region: "region_code",
        date: "recorded_on",
        sex: Some("head_sex"),
        filter: "",
    },
    measures: &[measure("pekka", Aggregate::Count)],
    people: "pekka",
    rollup: None,
};

/// Members current at the period's end, counted only ([`MEMBERS`]'s first measure, same rows).
pub const MEMBER_COUNT: Spec<'static> = Spec {
    source: Source {
        from: &member_count_rows,
        region: "region_code",
        date: "joined_on",
        sex: Some("sex"),
        filter: "",
    },
    measures: &[measure("members", Aggregate::CountDistinct("person_id"))],
    people: "members",
    rollup: None,
};

/// UP2K groups formed by the period's end (reference data).
pub const GROUPS: Spec<'static> = Spec {
    source: Source {
        from: &|_, _| "up2k_group".to_owned(),
        region: "region_code",
        date: "formed_on",
        sex: None,
        filter: "",
    },
    measures: &[measure("groups", Aggregate::Count)],
    people: "groups",
    rollup: None,
};

/// Assistance given in the period.
pub const ASSISTANCE: Spec<'static> = Spec {
    source: Source {
        from: &assistance_rows,
        region: "region_code",
        date: "given_on",
        sex: None,
        filter: "",
    },
    measures: &[
        measure("count", Aggregate::Count),
        measure("total", Aggregate::Sum("amount")),
        measure("recipients", Aggregate::CountDistinct("recipient_key")),
    ],
    people: "recipients",
    rollup: Some(&ASSISTANCE_ROLLUP),
};

/// Income reports of the months in the period.
pub const INCOME: Spec<'static> = Spec {
    source: INCOME_TOTALS.source,
    measures: &[
        measure("reports", Aggregate::Count),
        measure("reporters", Aggregate::CountDistinct("reporter_key")),
        measure("revenue", Aggregate::Sum("revenue")),
        measure("median_revenue", Aggregate::Median("revenue")),
        measure("profit", Aggregate::Sum("profit")),
        measure("median_profit", Aggregate::Median("profit")),
    ],
    people: "reporters",
    rollup: None,
};

/// [`INCOME`] without its medians, which do not add up: what a request that selects no median
/// reads, through its rollup.
pub const INCOME_TOTALS: Spec<'static> = Spec {
    source: Source {
        from: &income_rows,
        region: "region_code",
        date: "month",
        sex: None,
        filter: "",
    },
    measures: &[
        measure("reports", Aggregate::Count),
        measure("reporters", Aggregate::CountDistinct("reporter_key")),
        measure("revenue", Aggregate::Sum("revenue")),
        measure("profit", Aggregate::Sum("profit")),
    ],
    people: "reporters",
    rollup: Some(&INCOME_ROLLUP),
};

fn assistance_spec() -> Spec<'static> {
    ASSISTANCE
}

fn income_spec() -> Spec<'static> {
    INCOME_TOTALS
}

fn change_spec() -> Spec<'static> {
    CHANGE
}

/// The rollups of the flows (`keluarga_core::rollup`), by village × period: assistance, income
/// totals and the revenue change around assistance. A recipient (a group or a member) belongs to
/// one group in one village, so its distinct count adds up across villages. Kept by every
/// assistance and income report written ([`crate::service`]).
pub const ASSISTANCE_ROLLUP: Rollup = Rollup {
    name: "ekonomi.assistance",
    spec: assistance_spec,
    dims: &[&[]],
};

/// See [`ASSISTANCE_ROLLUP`].
pub const INCOME_ROLLUP: Rollup = Rollup {
    name: "ekonomi.income",
    spec: income_spec,
    dims: &[&[]],
};

/// See [`ASSISTANCE_ROLLUP`]: an income report changes the rows of the assistance given in the
/// six months around its month.
pub const CHANGE_ROLLUP: Rollup = Rollup {
    name: "ekonomi.change",
    spec: change_spec,
    dims: &[&[]],
};

/// Every rollup of the domain.
pub const ROLLUPS: &[&Rollup] = &[&ASSISTANCE_ROLLUP, &INCOME_ROLLUP, &CHANGE_ROLLUP];

/// Revenue around each assistance given in the period.
pub const CHANGE: Spec<'static> = Spec {
    source: Source {
        from: &change_rows,
        region: "region_code",
        date: "given_on",
        sex: None,
        filter: "",
    },
    measures: &[
        measure(
            "recipients",
            Aggregate::CountIf("before_revenue IS NOT NULL AND after_revenue IS NOT NULL"),
        ),
        measure(
            "before",
            Aggregate::Mean(
                "CASE WHEN before_revenue IS NOT NULL AND after_revenue IS NOT NULL \
                 THEN before_revenue END",
            ),
        ),
        measure(
            "after",
            Aggregate::Mean(
                "CASE WHEN before_revenue IS NOT NULL AND after_revenue IS NOT NULL \
                 THEN after_revenue END",
            ),
        ),
    ],
    people: "recipients",
    rollup: Some(&CHANGE_ROLLUP),
};

/// The sections and which dimensions each carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Pekka,
    Members,
    Groups,
    Assistance,
    Income,
    Change,
}

impl Section {
    fn carries(self, d: EkonomiDimension) -> bool {
        use EkonomiDimension as D;
        if d.core().is_some_and(|c| {
            matches!(
                c,
                StatsDimension::Province
                    | StatsDimension::Regency
                    | StatsDimension::District
                    | StatsDimension::Village
            )
        }) {
            return true;
        }
        let stock = matches!(self, Section::Pekka | Section::Members | Section::Groups);
        if d.is_grain() {
            return !stock;
        }
        match self {
            Section::Pekka => matches!(d, D::Sex | D::Decile | D::PekkaCategory),
            Section::Members => matches!(d, D::Sex | D::Decile | D::BusinessType | D::GroupLevel),
            Section::Groups => matches!(d, D::BusinessType | D::GroupLevel),
            Section::Assistance | Section::Change => matches!(
                d,
                D::Provider | D::AssistanceKind | D::BusinessType | D::GroupLevel
            ),
            Section::Income => matches!(d, D::BusinessType | D::GroupLevel),
        }
    }
}

/// The PEKKA figures of a group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PekkaFigures {
    /// Current PEKKA.
    pub count: i64,
    /// PEKKA per 1,000 population of the row's region (1 decimal), where the population is known.
    pub per_1000: Option<f64>,
    /// The population divided by.
    pub population: Option<i64>,
    /// PEKKA with a member in a UP2K group.
    pub in_up2k: stats::Rate,
    /// PEKKA with children under 18.
    pub with_children: i64,
}

/// The member figures of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberFigures {
    /// Current members (persons).
    pub members: i64,
    /// Of them, in PEKKA families.
    pub pekka_members: i64,
}

/// The assistance figures of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssistanceFigures {
    /// Records.
    pub count: i64,
    /// Total, in rupiah.
    pub total: i64,
    /// Distinct recipients (groups or members).
    pub recipients: i64,
}

/// The income figures of a group.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IncomeFigures {
    /// Reports.
    pub reports: i64,
    /// Distinct reporters (groups or members).
    pub reporters: i64,
    /// Total revenue, in rupiah.
    pub revenue: i64,
    /// Median monthly revenue of a report.
    pub median_revenue: Option<f64>,
    /// Total profit, in rupiah.
    pub profit: i64,
    /// Median monthly profit of a report.
    pub median_profit: Option<f64>,
}

/// Revenue before and after assistance.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChangeFigures {
    /// Assistance records whose recipient reported in both windows.
    pub recipients: i64,
    /// Their mean monthly revenue in the six months before.
    pub before: Option<f64>,
    /// Their mean monthly revenue in the six months after.
    pub after: Option<f64>,
}

/// One section's value: figures, withheld, or not applicable (`None` in the row).
#[derive(Debug, Clone, PartialEq)]
pub enum Figures<T> {
    /// Shown.
    Shown(T),
    /// Withheld for a small count.
    Withheld,
}

/// The key of a row: region, period, sex, then the domain dimensions asked for, in order.
pub type Key = Vec<Option<String>>;

/// One row of ekonomi statistics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// The group's region code.
    pub region: Option<String>,
    /// The group's period label.
    pub period: Option<String>,
    /// The group's sex letter.
    pub sex: Option<String>,
    /// The domain dimension labels by dimension.
    pub dims: HashMap<&'static str, Option<String>>,
    /// PEKKA.
    pub pekka: Option<Figures<PekkaFigures>>,
    /// UP2K groups formed by the period's end.
    pub groups: Option<i64>,
    /// UP2K members.
    pub members: Option<Figures<MemberFigures>>,
    /// Assistance.
    pub assistance: Option<Figures<AssistanceFigures>>,
    /// Income.
    pub income: Option<Figures<IncomeFigures>>,
    /// Income change after assistance.
    pub change: Option<Figures<ChangeFigures>>,
}

fn key_of(c: &Cell) -> Key {
    let mut k = vec![c.region.clone(), c.period.clone(), c.sex.clone()];
    k.extend(c.dims.iter().cloned());
    k
}

fn figures<T>(c: &Cell, f: impl FnOnce(&Cell) -> T) -> Figures<T> {
    if c.suppressed {
        Figures::Withheld
    } else {
        Figures::Shown(f(c))
    }
}

/// Runs ekonomi statistics for `actor`.
pub async fn grouped<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    disclosure: keluarga_core::stats::Disclosure,
    filter: &StatisticsFilter,
    groups: &[EkonomiDimension],
    medians: bool,
) -> Result<Vec<Row>> {
    let core: Vec<StatsDimension> = groups.iter().filter_map(|g| g.core()).collect();
    let dims: Vec<(EkonomiDimension, Dimension)> = DOMAIN_DIMS
        .iter()
        .copied()
        .filter(|(d, _)| groups.contains(d))
        .collect();
    let Some(mut base) = GroupPlan::new(actor, filter, &core, &[])? else {
        return Ok(Vec::new());
    };
    base.dims = dims.iter().map(|(_, d)| *d).collect();
    let applies = |s: Section| groups.iter().all(|d| s.carries(*d));
    // Stocks count what stands at the period's end, whenever it started.
    let mut stock = base.clone();
    stock.from = None;
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    let names: Vec<&'static str> = dims.iter().map(|(_, d)| d.name).collect();
    let mut row_for = |c: &Cell| -> Key {
        let k = key_of(c);
        rows.entry(k.clone()).or_insert_with(|| Row {
            region: c.region.clone(),
            period: c.period.clone(),
            sex: c.sex.clone(),
            dims: names.iter().copied().zip(c.dims.iter().cloned()).collect(),
            ..Row::default()
        });
        k
    };
    let mut cells: Vec<(Section, Cell)> = Vec::new();
    if applies(Section::Pekka) {
        for c in stats::grouped(db, actor, disclosure, &PEKKA, &stock).await? {
            cells.push((Section::Pekka, c));
        }
    }
    if applies(Section::Members) {
        for c in stats::grouped(db, actor, disclosure, &MEMBERS, &stock).await? {
            cells.push((Section::Members, c));
        }
    }
    if applies(Section::Groups) {
        for c in stats::cells(db, &GROUPS, &stock).await? {
            cells.push((Section::Groups, c));
        }
    }
    if applies(Section::Assistance) {
        for c in stats::grouped(db, actor, disclosure, &ASSISTANCE, &base).await? {
            cells.push((Section::Assistance, c));
        }
    }
    if applies(Section::Income) {
        // The medians only when asked for: they are computed from the records.
        let spec = if medians { &INCOME } else { &INCOME_TOTALS };
        for c in stats::grouped(db, actor, disclosure, spec, &base).await? {
            cells.push((Section::Income, c));
        }
    }
    if applies(Section::Change) {
        for c in stats::grouped(db, actor, disclosure, &CHANGE, &base).await? {
            cells.push((Section::Change, c));
        }
    }
    let mut keyed: Vec<(Key, Section, Cell)> = Vec::with_capacity(cells.len());
    for (s, c) in cells {
        let k = row_for(&c);
        keyed.push((k, s, c));
    }
    for (k, s, c) in keyed {
        let Some(row) = rows.get_mut(&k) else {
            continue;
        };
        let n = |c: &Cell, m: &str| c.int(m).unwrap_or(0);
        match s {
            Section::Pekka => {
                row.pekka = Some(figures(&c, |c| PekkaFigures {
                    count: n(c, "pekka"),
                    in_up2k: c.rate("in_up2k").unwrap_or(stats::Rate::of(0, 0)),
                    with_children: n(c, "with_children"),
                    ..PekkaFigures::default()
                }));
            }
            Section::Members => {
                row.members = Some(figures(&c, |c| MemberFigures {
                    members: n(c, "members"),
                    pekka_members: n(c, "pekka_members"),
                }));
            }
            Section::Groups => row.groups = Some(n(&c, "groups")),
            Section::Assistance => {
                row.assistance = Some(figures(&c, |c| AssistanceFigures {
                    count: n(c, "count"),
                    total: n(c, "total"),
                    recipients: n(c, "recipients"),
                }));
            }
            Section::Income => {
                row.income = Some(figures(&c, |c| IncomeFigures {
                    reports: n(c, "reports"),
                    reporters: n(c, "reporters"),
                    revenue: n(c, "revenue"),
                    median_revenue: c.number("median_revenue"),
                    profit: n(c, "profit"),
                    median_profit: c.number("median_profit"),
                }));
            }
            Section::Change => {
                row.change = Some(figures(&c, |c| ChangeFigures {
                    recipients: n(c, "recipients"),
                    before: c.number("before"),
                    after: c.number("after"),
                }));
            }
        }
    }
    // Sections that apply but found nothing for a row show zero (zero discloses nothing).
    let mut out: Vec<Row> = rows.into_values().collect();
    for row in &mut out {
        if applies(Section::Pekka) && row.pekka.is_none() {
            row.pekka = Some(Figures::Shown(PekkaFigures {
                in_up2k: stats::Rate::of(0, 0),
                ..PekkaFigures::default()
            }));
        }
        if applies(Section::Members) && row.members.is_none() {
            row.members = Some(Figures::Shown(MemberFigures::default()));
        }
        if applies(Section::Groups) && row.groups.is_none() {
            row.groups = Some(0);
        }
        if applies(Section::Assistance) && row.assistance.is_none() {
            row.assistance = Some(Figures::Shown(AssistanceFigures::default()));
        }
        if applies(Section::Income) && row.income.is_none() {
            row.income = Some(Figures::Shown(IncomeFigures::default()));
        }
        if applies(Section::Change) && row.change.is_none() {
            row.change = Some(Figures::Shown(ChangeFigures::default()));
        }
    }
    // PEKKA per 1,000 population: the row's region, or the region asked for (or the scope).
    let year = filter.to.map(|d| chrono::Datelike::year(&*d));
    let whole = filter
        .region_code
        .clone()
        .or_else(|| (!actor.scope.code().is_empty()).then(|| actor.scope.code().to_owned()));
    let mut codes: Vec<String> = out.iter().filter_map(|r| r.region.clone()).collect();
    codes.extend(whole.clone());
    codes.sort();
    codes.dedup();
    let pops: HashMap<String, i64> = keluarga_core::store::latest_populations(db, &codes, year)
        .await?
        .into_iter()
        .map(|p| (p.region_code, p.population))
        .collect();
    for row in &mut out {
        let code = row.region.clone().or_else(|| whole.clone());
        if let (Some(Figures::Shown(p)), Some(pop)) =
            (row.pekka.as_mut(), code.and_then(|c| pops.get(&c).copied()))
        {
            p.population = Some(pop);
            p.per_1000 = (pop > 0).then(|| stats::round(p.count as f64 * 1000.0 / pop as f64, 1));
        }
    }
    Ok(out)
}

/// The headline figures of one region for the facet.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Headline {
    /// Current PEKKA at the period's end.
    pub pekka: i64,
    /// The region's population, when recorded.
    pub population: Option<i64>,
    /// UP2K groups formed by the period's end.
    pub groups: i64,
    /// Current UP2K members at the period's end.
    pub members: i64,
    /// Assistance given in the period, in rupiah.
    pub assistance_total: i64,
    /// True when the PEKKA and member figures are withheld from this actor.
    pub withheld: bool,
}

/// The facet figures of many regions (one level) for one period: one statement per source,
/// withholding decided over all siblings (`stats::region_cells`).
pub async fn by_regions<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    (from, to): (NaiveDate, NaiveDate),
    (access, disclosure): (bool, keluarga_core::stats::Disclosure),
) -> Result<HashMap<String, Headline>> {
    let mut out: HashMap<String, Headline> = codes
        .iter()
        .map(|c| (c.clone(), Headline::default()))
        .collect();
    if codes.is_empty() {
        return Ok(out);
    }
    let stock = (None, Some(to));
    for (code, c) in
        stats::region_cells(db, &PEKKA_COUNT, scope, codes, stock, access, disclosure).await?
    {
        if let Some(h) = out.get_mut(&code) {
            h.pekka = c.int("pekka").unwrap_or(0);
            h.withheld |= c.suppressed;
        }
    }
    for (code, c) in
        stats::region_cells(db, &MEMBER_COUNT, scope, codes, stock, access, disclosure).await?
    {
        if let Some(h) = out.get_mut(&code) {
            h.members = c.int("members").unwrap_or(0);
            h.withheld |= c.suppressed;
        }
    }
    let plan = GroupPlan::regions(scope.clone(), codes.to_vec(), None, Some(to));
    for c in stats::cells(db, &GROUPS, &plan).await? {
        if let Some(h) = c.region.as_ref().and_then(|r| out.get_mut(r)) {
            h.groups = c.int("groups").unwrap_or(0);
        }
    }
    let period = (Some(from), Some(to));
    for (code, c) in
        stats::region_cells(db, &ASSISTANCE, scope, codes, period, access, disclosure).await?
    {
        if let Some(h) = out.get_mut(&code) {
            h.assistance_total = c.int("total").unwrap_or(0);
            h.withheld |= c.suppressed;
        }
    }
    let year = chrono::Datelike::year(&to);
    for p in keluarga_core::store::latest_populations(db, codes, Some(year)).await? {
        if let Some(h) = out.get_mut(&p.region_code) {
            h.population = Some(p.population);
        }
    }
    Ok(out)
}
