//! Bulk import of assessments from CSV, on core's import machinery: all or nothing. Every bad row
//! is reported with its line, column and reason, and then nothing is written; a good file is
//! scored with the current framework version and written in one transaction.
//!
//! Columns (header names, any order, case-insensitive):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `family_id` | one of `family_id`/`kk` | the family's global id (or its UUID) |
//! | `kk` | one of `family_id`/`kk` | the family's 16-digit KK number (matched by its keyed hash) |
//! | `assessed_on` | yes | `YYYY-MM-DD` |
//! | `assessor_id` | yes | the assessor's person id: a cadre in scope on that day |
//! | `i1` … `i24` | every indicator of the framework | `y`/`ya`/`1`/`MET`, `n`/`tidak`/`0`/`NOT_MET`, `na`/`-`/`NOT_APPLICABLE`; a number for NUMBER indicators (8, 13, 16 in version 1) |

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::NaiveDate;
use keluarga_core::entity::{cadre_role, family};
use keluarga_core::error::{Error, Result};
pub use keluarga_core::import::Phase;
use keluarga_core::import::{
    Columns, FamilyRef, Progress, RowError, global_uuid, number, read_rows, resolve_families,
};
use keluarga_core::service::stamp;
use keluarga_core::{Actor, AppContext};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use crate::entity::{ketahanan_answer, ketahanan_assessment, ketahanan_score};
use crate::framework::{Answer, AnswerType, Framework, Given};
use crate::kinds::AssessmentSource;
use crate::service;

/// Assessments per INSERT batch (their answers and scores are ~45 rows each).
const CHUNK: usize = 200;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Data rows in the file.
    pub rows: u64,
    /// Assessments written.
    pub imported: u64,
    /// Distinct families assessed.
    pub families: u64,
}

struct Row {
    line: u64,
    family: FamilyRef,
    assessed_on: NaiveDate,
    assessor: Uuid,
    given: Vec<Given>,
}

/// The columns of a file for framework `fw`.
pub fn columns(fw: &Framework) -> Vec<String> {
    let mut c: Vec<String> = ["family_id", "kk", "assessed_on", "assessor_id"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    c.extend(fw.indicators().map(|i| format!("i{}", i.number)));
    c
}

fn cell_answer(s: &str) -> Option<Option<Answer>> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "y" | "ya" | "yes" | "1" | "met" | "true" => Some(Answer::Met),
        "n" | "tidak" | "no" | "0" | "not_met" | "false" => Some(Answer::NotMet),
        "na" | "n/a" | "-" | "not_applicable" => Some(Answer::NotApplicable),
        _ => return None,
    })
}

/// Imports assessments from `reader` for `actor` (ADMIN, OPERATOR, CADRE; families in scope).
pub async fn import_assessments<R: Read>(
    app: &AppContext,
    actor: &Actor,
    reader: R,
    progress: Progress<'_>,
) -> Result<Summary> {
    actor.require_field_writer("import family assessments")?;
    let fw = service::current_framework(&app.db).await?;
    let cols = columns(&fw.framework);
    let mut required: Vec<&str> = vec!["assessed_on", "assessor_id"];
    required.extend(cols[4..].iter().map(String::as_str));
    let (mut rdr, file) = Columns::open(reader, &cols, &required)?;
    keluarga_core::import::require_family_column(&file)?;
    let today = app.clock.today();
    let (rows, mut errors, total) = read_rows(&mut rdr, &file, progress, |row| {
        let family = match FamilyRef::parse(&app.pii, row.get("family_id"), row.get("kk")) {
            Ok(f) => f,
            Err((c, m)) => {
                return Err(row.err(c, m));
            }
        };
        let assessed_on = match keluarga_core::Date::parse_strict(row.get("assessed_on")) {
            Ok(d) => d.0,
            Err(why) => {
                return Err(row.err("assessed_on", why));
            }
        };
        if assessed_on > today {
            return Err(row.err("assessed_on", "must not be in the future".into()));
        }
        let Some(assessor) = global_uuid(row.get("assessor_id"), "Person") else {
            return Err(row.err("assessor_id", "not a valid person id".into()));
        };
        let mut given = Vec::new();
        let mut bad = None;
        for ind in fw.framework.indicators() {
            let col = format!("i{}", ind.number);
            let cell = row.get(&col);
            let g = match (ind.answer, cell_answer(cell)) {
                (_, Some(Some(Answer::NotApplicable))) => Given {
                    indicator: ind.number,
                    answer: Some(Answer::NotApplicable),
                    value: None,
                },
                (AnswerType::YesNo, Some(a)) => Given {
                    indicator: ind.number,
                    answer: a,
                    value: None,
                },
                (AnswerType::Number, _) => match number(cell) {
                    Some(v) if v.is_nan() => {
                        bad = Some(row.err(&col, format!("{cell:?} is not a number")));
                        break;
                    }
                    v => Given {
                        indicator: ind.number,
                        answer: None,
                        value: v,
                    },
                },
                (AnswerType::YesNo, None) => {
                    bad = Some(row.err(&col, format!("{cell:?} is not y, n or na")));
                    break;
                }
            };
            given.push(g);
        }
        if let Some(e) = bad {
            return Err(e);
        }
        // Check the answers now so that every bad row is reported with its column.
        if let Err((f, m)) = fw.framework.score(&given) {
            let column = f
                .strip_prefix('[')
                .and_then(|rest| rest.split(']').next())
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| given.get(i))
                .map(|g| format!("i{}", g.indicator));
            return Err(RowError {
                line: row.line,
                column,
                message: m,
            });
        }
        Ok(Row {
            line: row.line,
            family,
            assessed_on,
            assessor,
            given,
        })
    });
    if total == 0 {
        return Err(Error::bad("file", "the file has no data rows"));
    }

    // Families and assessors in scope, in batches.
    let families =
        resolve_families(&app.db, &actor.scope, rows.iter().map(|r| r.family.clone())).await?;
    let assessors: Vec<Uuid> = rows
        .iter()
        .map(|r| r.assessor)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut roles: HashMap<Uuid, Vec<cadre_role::Model>> = HashMap::new();
    for chunk in assessors.chunks(5_000) {
        for r in keluarga_core::store::cadre_roles_of(&app.db, &actor.scope, chunk).await? {
            roles.entry(r.person_id).or_default().push(r);
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
        let has_role = roles.get(&r.assessor).is_some_and(|rs| {
            rs.iter().any(|x| {
                x.started_on <= r.assessed_on && x.ended_on.is_none_or(|e| e >= r.assessed_on)
            })
        });
        if !has_role {
            errors.push(RowError {
                line: r.line,
                column: Some("assessor_id".into()),
                message: "not a person with a cadre role in your scope on that day".into(),
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

    let fam_ids: Vec<Uuid> = checked.iter().map(|(_, f)| f.id).collect();
    let heads = service::head_sexes(&app.db, &fam_ids).await?;
    let n = checked.len() as u64;
    let now = stamp();
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let mut done = 0u64;
    let mut seen = HashSet::new();
    for chunk in checked.chunks(CHUNK) {
        let mut assessments = Vec::with_capacity(chunk.len());
        let mut answers = Vec::new();
        let mut scores = Vec::new();
        for (r, fam) in chunk {
            let s = fw
                .framework
                .score(&r.given)
                .map_err(|(f, m)| Error::bad(format!("file{f}"), m))?;
            let id = Uuid::now_v7();
            seen.insert(fam.id);
            assessments.push(ketahanan_assessment::ActiveModel {
                id: Set(id),
                family_id: Set(fam.id),
                region_code: Set(fam.region_code.clone()),
                assessed_on: Set(r.assessed_on),
                assessor_id: Set(r.assessor),
                framework_version: Set(fw.version),
                index_score: Set(Some(s.index)),
                category: Set(s.category.clone()),
                head_sex: Set(heads.get(&fam.id).cloned()),
                source: Set(AssessmentSource::Import.as_str().to_owned()),
                recorded_by: Set(actor.subject.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let (a, sc) = service::score_rows(id, &s);
            answers.extend(a);
            scores.extend(sc);
        }
        let ids: Vec<Uuid> = assessments
            .iter()
            .filter_map(|m| match &m.id {
                sea_orm::ActiveValue::Set(id) => Some(*id),
                _ => None,
            })
            .collect();
        done += assessments.len() as u64;
        ketahanan_assessment::Entity::insert_many(assessments)
            .exec(&txn)
            .await?;
        ketahanan_answer::Entity::insert_many(answers)
            .exec(&txn)
            .await?;
        ketahanan_score::Entity::insert_many(scores)
            .exec(&txn)
            .await?;
        keluarga_core::records::audit_write::<ketahanan_assessment::Entity, _>(
            &txn, actor, "IMPORT", ids,
        )
        .await?;
        progress(Phase::Writing, done, n);
    }
    let families: Vec<Uuid> = seen.iter().copied().collect();
    let dates: Vec<chrono::NaiveDate> = checked.iter().map(|(r, _)| r.assessed_on).collect();
    service::refresh_rollups(&txn, &families, &dates).await?;
    txn.commit().await?;
    Ok(Summary {
        rows: total,
        imported: n,
        families: seen.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_cells_parse_as_documented() {
        assert_eq!(cell_answer("Ya"), Some(Some(Answer::Met)));
        assert_eq!(cell_answer("0"), Some(Some(Answer::NotMet)));
        assert_eq!(cell_answer("NA"), Some(Some(Answer::NotApplicable)));
        assert_eq!(cell_answer(""), Some(None));
        assert_eq!(cell_answer("mungkin"), None);
        let cols = columns(&Framework::v1().unwrap());
        assert_eq!(cols.len(), 28);
        assert_eq!(cols[4], "i1");
    }
}
