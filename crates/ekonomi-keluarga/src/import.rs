//! Bulk import of welfare rankings from CSV (the DTKS/P3KE/DTSEN extracts a dinas receives), on
//! core's import machinery: all or nothing. Every bad row is reported with its line, column and
//! reason, and then nothing is written; a good file is written in one transaction.
//!
//! Columns (header names, any order, case-insensitive):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `family_id` | one of `family_id`/`kk` | the family's global id (or its UUID) |
//! | `kk` | one of `family_id`/`kk` | the family's 16-digit KK number (matched by its keyed hash) |
//! | `source` | yes | `DTKS`, `P3KE` or `DTSEN` |
//! | `decile` | yes | 1–10 (`desil`) |
//! | `as_of` | yes | `YYYY-MM-DD`, not in the future |

use std::collections::HashSet;
use std::io::Read;

use chrono::NaiveDate;
use keluarga_core::entity::family;
use keluarga_core::error::{Error, Result};
pub use keluarga_core::import::Phase;
use keluarga_core::import::{Columns, FamilyRef, Progress, RowError, read_rows, resolve_families};
use keluarga_core::{Actor, AppContext};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::entity::welfare_ranking;
use crate::kinds::WelfareSource;
use crate::service;

/// Rankings per INSERT batch.
const CHUNK: usize = 1_000;

/// The columns of a file.
pub const COLUMNS: [&str; 5] = ["family_id", "kk", "source", "decile", "as_of"];

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Data rows in the file.
    pub rows: u64,
    /// Rankings written.
    pub imported: u64,
    /// Distinct families ranked.
    pub families: u64,
}

struct Row {
    line: u64,
    family: FamilyRef,
    source: WelfareSource,
    decile: i32,
    as_of: NaiveDate,
}

/// Imports rankings from `reader` for `actor` (ADMIN, OPERATOR; families in scope).
pub async fn import_rankings<R: Read>(
    app: &AppContext,
    actor: &Actor,
    reader: R,
    progress: Progress<'_>,
) -> Result<Summary> {
    actor.require_registry_writer("import welfare rankings")?;
    let (mut rdr, file) = Columns::open(reader, &COLUMNS, &["source", "decile", "as_of"])?;
    keluarga_core::import::require_family_column(&file)?;
    let today = app.clock.today();
    let (rows, mut errors, total) = read_rows(&mut rdr, &file, progress, |row| {
        let family = match FamilyRef::parse(&app.pii, row.get("family_id"), row.get("kk")) {
            Ok(f) => f,
            Err((c, m)) => {
                return Err(row.err(c, m));
            }
        };
        let Some(source) = WelfareSource::parse(&row.get("source").trim().to_ascii_uppercase())
        else {
            return Err(row.err(
                "source",
                format!("{:?} is not DTKS, P3KE or DTSEN", row.get("source")),
            ));
        };
        let decile = match row.get("decile").trim().parse::<i32>() {
            Ok(d) if (1..=10).contains(&d) => d,
            _ => {
                return Err(row.err(
                    "decile",
                    format!("{:?} is not a decile 1–10", row.get("decile")),
                ));
            }
        };
        let as_of = match keluarga_core::Date::parse_strict(row.get("as_of").trim()) {
            Ok(d) => d.0,
            Err(why) => {
                return Err(row.err("as_of", why));
            }
        };
        if as_of > today {
            return Err(row.err("as_of", "must not be in the future".into()));
        }
        Ok(Row {
            line: row.line,
            family,
            source,
            decile,
            as_of,
        })
    });
    if total == 0 {
        return Err(Error::bad("file", "the file has no data rows"));
    }
    let families =
        resolve_families(&app.db, &actor.scope, rows.iter().map(|r| r.family.clone())).await?;
    // A ranking already stored (or twice in the file) for a family, source and day is refused.
    let ids: Vec<Uuid> = families.values().map(|f| f.id).collect();
    let mut taken: HashSet<(Uuid, String, NaiveDate)> = HashSet::new();
    for chunk in ids.chunks(5_000) {
        for w in crate::store::rankings_of(&app.db, chunk).await? {
            taken.insert((w.family_id, w.source, w.as_of));
        }
    }
    let mut checked: Vec<(&Row, &family::Model)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(fam) = families.get(&r.family) else {
            errors.push(RowError {
                line: r.line,
                column: Some(r.family.column().into()),
                message: "no registered family with this id in your scope".into(),
            });
            continue;
        };
        if !taken.insert((fam.id, r.source.as_str().to_owned(), r.as_of)) {
            errors.push(RowError {
                line: r.line,
                column: Some("as_of".into()),
                message: "the family already has a ranking from this source as of that day".into(),
            });
            continue;
        }
        checked.push((r, fam));
    }
    progress(Phase::Checking, total, total);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::Import {
            rows: errors,
            total,
        });
    }
    let n = checked.len() as u64;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let mut done = 0u64;
    let mut seen = HashSet::new();
    for chunk in checked.chunks(CHUNK) {
        let models: Vec<welfare_ranking::ActiveModel> = chunk
            .iter()
            .map(|(r, fam)| {
                seen.insert(fam.id);
                service::ranking_row(actor, fam, r.source, r.decile, r.as_of)
            })
            .collect();
        let ids: Vec<Uuid> = models
            .iter()
            .filter_map(|m| match &m.id {
                sea_orm::ActiveValue::Set(id) => Some(*id),
                _ => None,
            })
            .collect();
        done += models.len() as u64;
        welfare_ranking::Entity::insert_many(models)
            .exec(&txn)
            .await?;
        keluarga_core::records::audit_write::<welfare_ranking::Entity, _>(
            &txn, actor, "IMPORT", ids,
        )
        .await?;
        progress(Phase::Writing, done, n);
    }
    let ranked: Vec<Uuid> = seen.iter().copied().collect();
    crate::facts::refresh(&txn, &ranked).await?;
    txn.commit().await?;
    Ok(Summary {
        rows: total,
        imported: n,
        families: seen.len() as u64,
    })
}
