//! Bulk import of measurements from CSV: all or nothing. Every bad row is reported with its line
//! number, column and reason, and then nothing is written; a good file is written in one
//! transaction, scored on the way in.
//!
//! Columns (header names, any order, case-insensitive):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `child_id` | one of `child_id`/`nik` | the child's global id (or its UUID) |
//! | `nik` | one of `child_id`/`nik` | the child's 16-digit NIK (matched by its keyed hash) |
//! | `measured_on` | yes | `YYYY-MM-DD` |
//! | `weight_kg` | one of the three measures | kg, `.` or `,` as decimal mark |
//! | `length_cm` | one of the three measures | cm, as measured |
//! | `position` | no | `LYING`/`L`, `STANDING`/`H`, `UNKNOWN` or empty |
//! | `oedema` | no | `y`/`n`, `ya`/`tidak`, `true`/`false`, `1`/`0` or empty (no) |
//! | `muac_mm` | one of the three measures | mid-upper-arm circumference, mm |
//! | `posyandu_id` | no | the posyandu's global id |

use std::collections::HashSet;
use std::io::Read;

use keluarga_core::error::Error as CoreError;
use keluarga_core::service::stamp;
use keluarga_core::{Actor, AppContext};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::entity::measurement;
use crate::error::{Result, RowError};
use crate::kinds::{MeasurePosition, MeasurementSource};
use crate::service::{Provenance, Values, check_values, measurement_row};
use crate::store;

/// The columns an import file may have.
pub const COLUMNS: [&str; 9] = [
    "child_id",
    "nik",
    "measured_on",
    "weight_kg",
    "length_cm",
    "position",
    "oedema",
    "muac_mm",
    "posyandu_id",
];

/// Rows per INSERT (36 columns each stays under SQLite's and PostgreSQL's bind limits).
const CHUNK: usize = 800;

pub use keluarga_core::import::Phase;
use keluarga_core::import::{Columns, global_uuid, number, read_rows, snake, yes_no as parse_bool};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Data rows in the file.
    pub rows: u64,
    /// Measurements written.
    pub imported: u64,
    /// Distinct children measured.
    pub children: u64,
    /// Measurements stored with a WHO implausibility flag.
    pub flagged: u64,
}

enum ChildKey {
    Id(Uuid),
    Nik(String),
}

struct Row {
    line: u64,
    child: ChildKey,
    values: Values,
    posyandu: Option<Uuid>,
}

fn parse_position(s: &str) -> Option<MeasurePosition> {
    match s.trim().to_ascii_uppercase().as_str() {
        "" | "UNKNOWN" => Some(MeasurePosition::Unknown),
        "L" | "LYING" | "TERLENTANG" => Some(MeasurePosition::Lying),
        "H" | "STANDING" | "BERDIRI" => Some(MeasurePosition::Standing),
        _ => None,
    }
}

/// Imports measurements from `reader` for `actor` (ADMIN, OPERATOR, CADRE; children in scope only).
pub async fn import_measurements<R: Read>(
    app: &AppContext,
    actor: &Actor,
    reader: R,
    progress: &(dyn Fn(Phase, u64, u64) + Sync),
) -> Result<Summary> {
    actor.require_field_writer("import measurements")?;
    let (mut rdr, file) = Columns::open(reader, &COLUMNS, &["measured_on"])?;
    if !file.has("child_id") && !file.has("nik") {
        return Err(CoreError::Import {
            rows: vec![RowError {
                line: 1,
                column: Some("child_id".into()),
                message: "missing column: give child_id or nik".into(),
            }],
            total: 0,
        }
        .into());
    }

    // 1. Parse every row, collecting every problem.
    let (rows, mut errors, total) = read_rows(&mut rdr, &file, progress, |row| {
        let child = match (row.get("child_id"), row.get("nik")) {
            (id, _) if !id.is_empty() => match global_uuid(id, "Child") {
                Some(u) => ChildKey::Id(u),
                None => {
                    return Err(row.err("child_id", "not a valid child id".into()));
                }
            },
            (_, nik) if !nik.is_empty() => match app.pii.nik(nik, "nik") {
                Ok(h) => ChildKey::Nik(h.hash),
                Err(e) => {
                    return Err(row.err("nik", e.to_string().replace("nik: ", "")));
                }
            },
            _ => {
                return Err(row.err("child_id", "give child_id or nik".into()));
            }
        };
        let measured_on = match keluarga_core::Date::parse_strict(row.get("measured_on")) {
            Ok(d) => d.0,
            Err(why) => {
                return Err(row.err("measured_on", why));
            }
        };
        let mut bad_number = None;
        let mut num = |name: &'static str| {
            let v = number(row.get(name));
            if v.is_some_and(f64::is_nan) {
                bad_number.get_or_insert(name);
            }
            v
        };
        let (weight_kg, length_cm, muac_mm) = (num("weight_kg"), num("length_cm"), num("muac_mm"));
        if let Some(name) = bad_number {
            return Err(row.err(name, format!("{:?} is not a number", row.get(name))));
        }
        let Some(position) = parse_position(row.get("position")) else {
            return Err(row.err(
                "position",
                format!(
                    "{:?} is not LYING, STANDING or UNKNOWN",
                    row.get("position")
                ),
            ));
        };
        let Some(oedema) = parse_bool(row.get("oedema")) else {
            return Err(row.err("oedema", format!("{:?} is not y or n", row.get("oedema"))));
        };
        let posyandu = match row.get("posyandu_id") {
            "" => None,
            p => match global_uuid(p, "Posyandu") {
                Some(u) => Some(u),
                None => {
                    return Err(row.err("posyandu_id", "not a valid posyandu id".into()));
                }
            },
        };
        Ok(Row {
            line: row.line,
            child,
            values: Values {
                measured_on,
                weight_kg,
                length_cm,
                position,
                oedema,
                muac_mm,
            },
            posyandu,
        })
    });
    if total == 0 {
        return Err(CoreError::bad("file", "the file has no data rows").into());
    }

    // 2. Resolve children and posyandu in scope, in batches.
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| match &r.child {
            ChildKey::Id(u) => Some(*u),
            ChildKey::Nik(_) => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let hashes: Vec<String> = rows
        .iter()
        .filter_map(|r| match &r.child {
            ChildKey::Nik(h) => Some(h.clone()),
            ChildKey::Id(_) => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let by_nik = store::children_by_nik_hash(&app.db, &actor.scope, &hashes).await?;
    let mut all_ids = ids;
    all_ids.extend(by_nik.values().copied());
    let children = store::child_infos(&app.db, &actor.scope, &all_ids).await?;
    let posyandu_ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.posyandu)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let posyandu = store::posyandu_in_scope(&app.db, &actor.scope, &posyandu_ids).await?;

    // 3. Check every row against its child, then score.
    let today = app.clock.today();
    let now = stamp();
    // Rows are scored only when written, a chunk at a time: holding 100,000 active models at
    // once would cost several hundred MB.
    let mut checked: Vec<(&Row, &crate::store::ChildInfo, i64)> = Vec::with_capacity(rows.len());
    let mut seen_children = HashSet::new();
    for r in &rows {
        let (column, child) = match &r.child {
            ChildKey::Id(u) => ("child_id", children.get(u)),
            ChildKey::Nik(h) => ("nik", by_nik.get(h).and_then(|u| children.get(u))),
        };
        let Some(child) = child else {
            errors.push(RowError {
                line: r.line,
                column: Some(column.into()),
                message: "no registered child with this id in your scope".into(),
            });
            continue;
        };
        if let Some(p) = r.posyandu
            && !posyandu.contains_key(&p)
        {
            errors.push(RowError {
                line: r.line,
                column: Some("posyandu_id".into()),
                message: "no such posyandu in your scope".into(),
            });
            continue;
        }
        match check_values(&r.values, child.birth_date, today, "") {
            Ok(age) => {
                seen_children.insert(child.id);
                checked.push((r, child, age));
            }
            Err((field, message)) => errors.push(RowError {
                line: r.line,
                column: Some(snake(&field)),
                message,
            }),
        }
    }
    progress(Phase::Checking, total, total);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(CoreError::Import {
            rows: errors,
            total,
        }
        .into());
    }

    // 4. Score and write everything in one transaction.
    let n = checked.len() as u64;
    let set = |v: &sea_orm::ActiveValue<bool>| matches!(v, sea_orm::ActiveValue::Set(true));
    let mut flagged = 0u64;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let mut done = 0u64;
    for chunk in checked.chunks(CHUNK) {
        let models: Vec<measurement::ActiveModel> = chunk
            .iter()
            .map(|(r, child, age)| {
                measurement_row(
                    Uuid::now_v7(),
                    child,
                    &r.values,
                    *age,
                    Provenance {
                        measured_by: None,
                        posyandu_id: r.posyandu,
                        source: MeasurementSource::Import,
                    },
                    now,
                )
            })
            .collect();
        flagged += models
            .iter()
            .filter(|m| {
                set(&m.haz_flag)
                    || set(&m.waz_flag)
                    || set(&m.whz_flag)
                    || set(&m.baz_flag)
                    || set(&m.acz_flag)
            })
            .count() as u64;
        done += models.len() as u64;
        let ids: Vec<Uuid> = models
            .iter()
            .filter_map(|m| match &m.id {
                sea_orm::ActiveValue::Set(id) => Some(*id),
                _ => None,
            })
            .collect();
        keluarga_core::records::audit_write::<measurement::Entity, _>(&txn, actor, "IMPORT", ids)
            .await?;
        measurement::Entity::insert_many(models).exec(&txn).await?;
        progress(Phase::Writing, done, n);
    }
    let children: Vec<Uuid> = seen_children.iter().copied().collect();
    let dates: Vec<chrono::NaiveDate> = checked
        .iter()
        .map(|(r, _, _)| r.values.measured_on)
        .collect();
    crate::service::refresh_rollup(&txn, &children, &dates).await?;
    txn.commit().await?;
    Ok(Summary {
        rows: total,
        imported: n,
        children: seen_children.len() as u64,
        flagged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_as_documented() {
        assert_eq!(parse_position("h"), Some(MeasurePosition::Standing));
        assert_eq!(parse_position(""), Some(MeasurePosition::Unknown));
        assert_eq!(parse_position("duduk"), None);
    }
}
