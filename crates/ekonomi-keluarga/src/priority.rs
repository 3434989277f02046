//! The priority list of seed 003 ("PEKKA menjadi fokus utama penerima manfaat"): which families
//! to reach first, within the actor's scope, ordered by rules that are configuration
//! (`[domains.ekonomi_keluarga] priority_rules`), not code.
//!
//! Candidates are the families with a current PEKKA status or whose lowest latest decile is at
//! most `priority_max_decile`. Each rule gives every candidate a key (0 when the rule is met, 1
//! when not; a decile for `LOWEST_DECILE`), the list is ordered by the keys in rule order and
//! then by family id, and each row lists the rules it met, in order. The facts are stored per
//! family (`crate::facts`); a page is one top-N statement, keyset-paginated on the keys (so a
//! cursor stays valid while rows are added behind it), plus one count for the rank of a deep
//! page's first row.

use chrono::{Months, NaiveDate};
use keluarga_core::Scope;
use keluarga_core::error::{Error, Result};
use keluarga_core::kinds::Relationship;
use keluarga_core::pagination::encode_cursor;
use keluarga_core::store::Binder;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

/// One ordering rule of the priority list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PriorityRule {
    /// A PEKKA family with children under 18 comes first.
    PekkaWithChildren,
    /// A PEKKA family comes first.
    Pekka,
    /// The lowest decile first (the lowest of the family's latest ranking per source; unranked
    /// families last).
    LowestDecile,
    /// A family with nobody in a UP2K group comes first.
    #[graphql(name = "NOT_IN_UP2K")]
    NotInUp2k,
    /// A family that has received no assistance (to a member, or to a group while a member was
    /// in it) comes first.
    NotAssisted,
}

impl PriorityRule {
    /// The sort key of the rule over a candidate row (0 = met, 1 = not; the decile itself).
    fn key(self) -> &'static str {
        match self {
            PriorityRule::PekkaWithChildren => {
                "CASE WHEN c.pekka_id IS NOT NULL AND c.children > 0 THEN 0 ELSE 1 END"
            }
            PriorityRule::Pekka => "CASE WHEN c.pekka_id IS NOT NULL THEN 0 ELSE 1 END",
            PriorityRule::LowestDecile => "COALESCE(c.decile, 11)",
            PriorityRule::NotInUp2k => "CASE WHEN c.memberships = 0 THEN 0 ELSE 1 END",
            PriorityRule::NotAssisted => "CASE WHEN c.assisted = 0 THEN 0 ELSE 1 END",
        }
    }
}

/// The default rules, in seed 003's order.
pub const DEFAULT_RULES: [PriorityRule; 4] = [
    PriorityRule::PekkaWithChildren,
    PriorityRule::LowestDecile,
    PriorityRule::NotInUp2k,
    PriorityRule::NotAssisted,
];

/// One candidate family with the facts the rules read.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// 1-based position in the whole list (0 when not counted).
    pub rank: i64,
    /// The family.
    pub family_id: Uuid,
    /// Its desa/kelurahan.
    pub region_code: String,
    /// Its current PEKKA record, if any.
    pub pekka_id: Option<Uuid>,
    /// That record's category.
    pub pekka_category: Option<String>,
    /// Children under 18 in the family.
    pub children: i64,
    /// The lowest of its latest decile per source, if ranked.
    pub decile: Option<i32>,
    /// Current UP2K memberships of its members.
    pub memberships: i64,
    /// Assistance records that reached it.
    pub assisted: i64,
    /// The sort keys, in rule order.
    pub keys: Vec<i64>,
}

impl Candidate {
    /// The cursor of this row.
    pub fn cursor(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(i64::to_string).collect();
        encode_cursor(&keys.join(","), &self.family_id.to_string())
    }

    /// Whether the row meets `rule`.
    pub fn meets(&self, rule: PriorityRule) -> bool {
        match rule {
            PriorityRule::PekkaWithChildren => self.pekka_id.is_some() && self.children > 0,
            PriorityRule::Pekka => self.pekka_id.is_some(),
            PriorityRule::LowestDecile => self.decile.is_some(),
            PriorityRule::NotInUp2k => self.memberships == 0,
            PriorityRule::NotAssisted => self.assisted == 0,
        }
    }

    /// Why the row ranks where it does: each rule it meets, in rule order, with the fact.
    pub fn reasons(&self, rules: &[PriorityRule]) -> Vec<(PriorityRule, String)> {
        rules
            .iter()
            .filter(|r| self.meets(**r))
            .map(|r| {
                let why = match r {
                    PriorityRule::PekkaWithChildren => format!(
                        "PEKKA ({}) with {} {} under 18",
                        self.pekka_category.as_deref().unwrap_or("?"),
                        self.children,
                        if self.children == 1 {
                            "child"
                        } else {
                            "children"
                        }
                    ),
                    PriorityRule::Pekka => {
                        format!("PEKKA ({})", self.pekka_category.as_deref().unwrap_or("?"))
                    }
                    PriorityRule::LowestDecile => {
                        format!("decile {}", self.decile.unwrap_or_default())
                    }
                    PriorityRule::NotInUp2k => "nobody in the family is in a UP2K group".into(),
                    PriorityRule::NotAssisted => "the family has received no assistance".into(),
                };
                (*r, why)
            })
            .collect()
    }
}

/// The candidates' SQL (`FROM` item `c` with the facts), binding in order: the stored facts of
/// the families in scope (`crate::facts`), and, for PEKKA families only (what the rules need),
/// their children under 18 today.
fn candidates_sql(b: &mut Binder, scope: &Scope, today: NaiveDate, max_decile: i32) -> String {
    let adult = today
        .checked_sub_months(Months::new(18 * 12))
        .unwrap_or(today);
    // Bound in the order they appear (SQLite's placeholders are positional).
    let child = b.bind(Relationship::Child.as_str());
    let adult = b.bind(adult);
    let scope_sql = b.in_scope("f.region_code", scope);
    let max = b.bind(max_decile);
    format!(
        "(SELECT x.family_id, f.region_code, x.pekka_id, x.pekka_category, \
           CAST(x.decile AS BIGINT) AS decile, CAST(x.memberships AS BIGINT) AS memberships, \
           CAST(x.assisted AS BIGINT) AS assisted, \
           CASE WHEN x.pekka_id IS NULL THEN 0 ELSE \
             (SELECT COUNT(*) FROM family_member fm JOIN person p ON p.id = fm.person_id \
              WHERE fm.family_id = x.family_id AND fm.relationship = {child} \
              AND (p.birth_date IS NULL OR p.birth_date > {adult})) END AS children \
         FROM ekonomi_family_fact x JOIN family f ON f.id = x.family_id \
         WHERE {scope_sql} AND (x.pekka_id IS NOT NULL OR x.decile <= {max})) c"
    )
}

/// Decodes a cursor's keys for `rules`.
fn cursor_keys(after: &(String, String), rules: usize) -> Result<(Vec<i64>, Uuid)> {
    let bad = || {
        Error::bad(
            "after",
            "not a cursor of this list (the rules may have changed)",
        )
    };
    let keys: Vec<i64> = after
        .0
        .split(',')
        .map(|k| k.parse::<i64>().map_err(|_| bad()))
        .collect::<Result<_>>()?;
    if keys.len() != rules {
        return Err(bad());
    }
    let id = Uuid::parse_str(&after.1).map_err(|_| bad())?;
    Ok((keys, id))
}

/// A page of the priority list: `first` rows after `after` (and whether more follow). A deep
/// page's ranks cost a count over the candidates before it: only `with_rank` pays it (else the
/// ranks of a page after a cursor are 0).
pub async fn page<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
    (rules, max_decile): (&[PriorityRule], i32),
    first: u64,
    (after, with_rank): (Option<&(String, String)>, bool),
) -> Result<(Vec<Candidate>, bool)> {
    let backend = db.get_database_backend();
    let mut b = Binder::new(backend);
    // Every row of the page shows its children, PEKKA or not (the rules count them for PEKKA).
    let child = b.bind(Relationship::Child.as_str());
    let adult = b.bind(
        today
            .checked_sub_months(Months::new(18 * 12))
            .unwrap_or(today),
    );
    let from = candidates_sql(&mut b, scope, today, max_decile);
    let keys: Vec<String> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| format!("CAST({} AS BIGINT) AS k{i}", r.key()))
        .collect();
    let names: Vec<String> = (0..rules.len()).map(|i| format!("k{i}")).collect();
    let order = names
        .iter()
        .cloned()
        .chain(["family_id".to_owned()])
        .collect::<Vec<_>>()
        .join(", ");
    let cursor = after.map(|a| cursor_keys(a, rules.len())).transpose()?;
    let mut wheres = String::new();
    if let Some((values, id)) = &cursor {
        let mut bound: Vec<String> = values.iter().map(|v| b.bind(*v)).collect();
        bound.push(b.bind(*id));
        wheres = format!("WHERE ({order}) > ({})", bound.join(", "));
    }
    let limit = b.bind(i64::try_from(first + 1).unwrap_or(i64::MAX));
    let select_keys = if keys.is_empty() {
        String::new()
    } else {
        format!(", {}", keys.join(", "))
    };
    // A top-N sort of the candidates, not a full one: the rank of a deep page's first row is
    // counted by its own statement below.
    let sql = format!(
        "SELECT page.*, (SELECT COUNT(*) FROM family_member fm JOIN person p ON p.id = fm.person_id \
           WHERE fm.family_id = page.family_id AND fm.relationship = {child} \
           AND (p.birth_date IS NULL OR p.birth_date > {adult})) AS all_children \
         FROM (SELECT * FROM (SELECT c.*{select_keys} FROM {from}) s {wheres} ORDER BY {order} \
           LIMIT {limit}) page ORDER BY {order}"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let int = |c: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>>("", c)?.unwrap_or(0)) };
        let mut ks = Vec::with_capacity(rules.len());
        for n in &names {
            ks.push(int(n)?);
        }
        out.push(Candidate {
            rank: 0,
            family_id: row.try_get("", "family_id")?,
            region_code: row.try_get("", "region_code")?,
            pekka_id: row.try_get("", "pekka_id")?,
            pekka_category: row.try_get("", "pekka_category")?,
            children: int("all_children")?,
            decile: row
                .try_get::<Option<i64>>("", "decile")?
                .and_then(|d| i32::try_from(d).ok()),
            memberships: int("memberships")?,
            assisted: int("assisted")?,
            keys: ks,
        });
    }
    let more = out.len() as u64 > first;
    out.truncate(first as usize);
    let before = match (&cursor, with_rank) {
        (Some((values, id)), true) => {
            rows_up_to(db, scope, today, (rules, max_decile), values, *id).await?
        }
        _ => 0,
    };
    for (i, c) in out.iter_mut().enumerate() {
        c.rank = before + i as i64 + 1;
    }
    Ok((out, more))
}

/// How many candidates sort at or before the cursor (`values`, `id`).
async fn rows_up_to<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
    (rules, max_decile): (&[PriorityRule], i32),
    values: &[i64],
    id: Uuid,
) -> Result<i64> {
    let backend = db.get_database_backend();
    let mut b = Binder::new(backend);
    let from = candidates_sql(&mut b, scope, today, max_decile);
    let keys: Vec<String> = rules
        .iter()
        .map(|r| format!("CAST({} AS BIGINT)", r.key()))
        .chain(["c.family_id".to_owned()])
        .collect();
    let mut bound: Vec<String> = values.iter().map(|v| b.bind(*v)).collect();
    bound.push(b.bind(id));
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from} WHERE ({}) <= ({})",
        keys.join(", "),
        bound.join(", ")
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    })
}

/// The number of candidates in `scope`.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
    max_decile: i32,
) -> Result<u64> {
    let backend = db.get_database_backend();
    let mut b = Binder::new(backend);
    let from = candidates_sql(&mut b, scope, today, max_decile);
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from}");
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, b.values))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}
