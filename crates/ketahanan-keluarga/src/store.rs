//! sea-orm queries of the ketahanan-keluarga tables. List queries start from the request's
//! `Reader` (scope, access rule, the violence restriction and the audit); the facet queries take
//! the scope and count.

use std::collections::HashMap;

use chrono::NaiveDate;
use keluarga_core::entity::programme_target;
use keluarga_core::error::{Error, Result};
use keluarga_core::id::decode_uuid;
use keluarga_core::kinds::CadreRoleKind;
use keluarga_core::store::{Binder, check_range};
use keluarga_core::{Reader, Scope};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Statement};
use uuid::Uuid;

use crate::entity::{family_visit, ketahanan_answer, ketahanan_assessment, krppa_indicator, lokus};
use crate::input::{AssessmentFilter, FamilyVisitFilter, KrppaFilter, LokusFilter};

/// Assessments matching `f`, through the reader.
pub fn assessments(
    r: &Reader,
    f: &AssessmentFilter,
) -> Result<Select<ketahanan_assessment::Entity>> {
    use ketahanan_assessment::Column as C;
    check_range(f.from, f.to)?;
    let mut q = r.select::<ketahanan_assessment::Entity>(f.region_code.as_deref())?;
    if let Some(d) = f.from {
        q = q.filter(C::AssessedOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::AssessedOn.lte(d));
    }
    if let Some(c) = &f.category {
        q = q.filter(C::Category.eq(c.clone()));
    }
    if let Some(a) = &f.assessor_id {
        q = q.filter(C::AssessorId.eq(decode_uuid(a, "Person", "filter.assessorId")?));
    }
    match (f.indicator, f.indicator_met) {
        (Some(n), met) => {
            let answers = match met {
                Some(true) => vec!["MET"],
                Some(false) => vec!["NOT_MET"],
                None => vec!["MET", "NOT_MET", "NOT_APPLICABLE"],
            };
            q = q.filter(
                C::Id.in_subquery(
                    Query::select()
                        .column(ketahanan_answer::Column::AssessmentId)
                        .from(ketahanan_answer::Entity)
                        .and_where(ExprTrait::eq(
                            Expr::col(ketahanan_answer::Column::Indicator),
                            n,
                        ))
                        .and_where(Expr::col(ketahanan_answer::Column::Answer).is_in(answers))
                        .to_owned(),
                ),
            );
        }
        (None, Some(_)) => {
            return Err(Error::bad(
                "filter.indicatorMet",
                "give the indicator it is about (filter.indicator)",
            ));
        }
        (None, None) => {}
    }
    Ok(q)
}

/// Visits matching `f`, through the reader (violence visits only where the actor may see them).
pub fn visits(r: &Reader, f: &FamilyVisitFilter) -> Result<Select<family_visit::Entity>> {
    use family_visit::Column as C;
    check_range(f.from, f.to)?;
    let mut q = r.select::<family_visit::Entity>(f.region_code.as_deref())?;
    if let Some(d) = f.from {
        q = q.filter(C::VisitedOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::VisitedOn.lte(d));
    }
    if let Some(i) = f.issue {
        q = q.filter(ExprTrait::eq(Expr::cust(i.column()), true));
    }
    if let Some(o) = f.outcome {
        q = q.filter(C::Outcome.eq(o.as_str()));
    }
    if let Some(v) = &f.visitor_id {
        q = q.filter(C::VisitorId.eq(decode_uuid(v, "Person", "filter.visitorId")?));
    }
    Ok(q)
}

/// KRPPA indicator records matching `f`.
pub fn krppa(r: &Reader, f: &KrppaFilter) -> Result<Select<krppa_indicator::Entity>> {
    use krppa_indicator::Column as C;
    let mut q = r.select::<krppa_indicator::Entity>(f.region_code.as_deref())?;
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    Ok(q)
}

/// Lokus designations matching `f`.
pub fn lokus(r: &Reader, f: &LokusFilter) -> Result<Select<lokus::Entity>> {
    use lokus::Column as C;
    let mut q = r.select::<lokus::Entity>(f.region_code.as_deref())?;
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    if let Some(p) = &f.programme_id {
        q = q.filter(C::ProgrammeId.eq(decode_uuid(p, "Programme", "filter.programmeId")?));
    }
    Ok(q)
}

/// Each family's latest assessment the reader may see (one statement per batch).
pub async fn latest_assessments(
    reader: &Reader,
    families: &[Uuid],
) -> Result<Vec<ketahanan_assessment::Model>> {
    reader
        .latest::<ketahanan_assessment::Entity>("family_id", "assessed_on", families)
        .await
}

/// Per region (codes of one length) : a count from `sql`, which selects `k` (the region prefix)
/// and `n`; binds are written by `body`.
async fn counts_by_region<C: ConnectionTrait>(
    db: &C,
    b: Binder,
    sql: String,
) -> Result<HashMap<String, i64>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(b.backend, sql, b.values))
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        let k: String = row.try_get("", "k")?;
        let n: Option<i64> = row.try_get("", "n")?;
        out.insert(k, n.unwrap_or(0));
    }
    Ok(out)
}

/// Active family-resilience cadres (PENDAMPING_KETAHANAN_KELUARGA roles current on `on`) per
/// region of `codes` (one length), inside `scope`.
pub async fn cadres_active<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    on: NaiveDate,
) -> Result<HashMap<String, i64>> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let len = codes.first().map_or(0, String::len);
    let mut b = Binder::new(db.get_database_backend());
    let role = b.bind(CadreRoleKind::PendampingKetahananKeluarga.as_str());
    let day = b.bind(on);
    let day2 = b.bind(on);
    let scope_sql = b.in_scope("region_code", scope);
    let list = b.list(codes.iter().cloned());
    let sql = format!(
        "SELECT substr(region_code, 1, {len}) AS k, CAST(COUNT(*) AS BIGINT) AS n FROM cadre_role \
         WHERE role = {role} AND started_on <= {day} AND (ended_on IS NULL OR ended_on >= {day2}) \
         AND {scope_sql} AND substr(region_code, 1, {len}) IN ({}) GROUP BY 1",
        list
    );
    counts_by_region(db, b, sql).await
}

/// Cadre targets of programmes owned by each region of `codes` (exactly), summed: the
/// `programme_target` rows whose measure names cadres, of programmes with that region.
pub async fn cadre_targets<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
) -> Result<HashMap<String, i64>> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let mut b = Binder::new(db.get_database_backend());
    let scope_sql = b.in_scope("p.region_code", scope);
    let list = b.list(codes.iter().cloned());
    let sql = format!(
        "SELECT p.region_code AS k, CAST(SUM(t.target_value) AS BIGINT) AS n \
         FROM programme_target t JOIN programme p ON p.id = t.programme_id \
         WHERE lower(t.measure) LIKE '%cadre%' AND {scope_sql} AND p.region_code IN ({}) \
         GROUP BY p.region_code",
        list
    );
    counts_by_region(db, b, sql).await
}

/// KRPPA indicators met per village of `codes` (villages only) in `year`, inside `scope`.
pub async fn krppa_met<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    year: i32,
) -> Result<HashMap<String, i64>> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let mut b = Binder::new(db.get_database_backend());
    let y = b.bind(year);
    let scope_sql = b.in_scope("region_code", scope);
    let list = b.list(codes.iter().cloned());
    let sql = format!(
        "SELECT region_code AS k, CAST(SUM(CASE WHEN status = 'MET' THEN 1 ELSE 0 END) AS BIGINT) AS n \
         FROM krppa_indicator WHERE year = {y} AND {scope_sql} AND region_code IN ({}) \
         GROUP BY region_code",
        list
    );
    counts_by_region(db, b, sql).await
}

/// Villages designated as lokus in `year`, per region of `codes` (one length), inside `scope`.
pub async fn lokus_count<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    year: i32,
) -> Result<HashMap<String, i64>> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let len = codes.first().map_or(0, String::len);
    let mut b = Binder::new(db.get_database_backend());
    let y = b.bind(year);
    let scope_sql = b.in_scope("region_code", scope);
    let list = b.list(codes.iter().cloned());
    let sql = format!(
        "SELECT substr(region_code, 1, {len}) AS k, CAST(COUNT(DISTINCT region_code) AS BIGINT) AS n \
         FROM lokus WHERE year = {y} AND {scope_sql} AND substr(region_code, 1, {len}) IN ({}) \
         GROUP BY 1",
        list
    );
    counts_by_region(db, b, sql).await
}

/// The cadre target of a programme: the sum of its targets whose measure names cadres.
pub async fn programme_target<C: ConnectionTrait>(db: &C, programme: Uuid) -> Result<Option<i64>> {
    let rows = programme_target::Entity::find()
        .filter(programme_target::Column::ProgrammeId.eq(programme))
        .all(db)
        .await?;
    let cadres: Vec<i64> = rows
        .iter()
        .filter(|t| t.measure.to_lowercase().contains("cadre"))
        .map(|t| i64::from(t.target_value))
        .collect();
    Ok((!cadres.is_empty()).then(|| cadres.iter().sum()))
}

/// The stored framework definitions of `versions`.
pub async fn frameworks<C: sea_orm::ConnectionTrait>(
    db: &C,
    versions: &[i32],
) -> keluarga_core::error::Result<Vec<crate::entity::ketahanan_framework::Model>> {
    use crate::entity::ketahanan_framework;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(ketahanan_framework::Entity::find()
        .filter(
            ketahanan_framework::Column::Version
                .is_in(keluarga_core::store::padded(versions.iter().copied())),
        )
        .all(db)
        .await?)
}

/// The latest stored framework definition.
pub async fn latest_framework<C: ConnectionTrait>(
    db: &C,
) -> Result<Option<crate::entity::ketahanan_framework::Model>> {
    use crate::entity::ketahanan_framework;
    use sea_orm::QueryOrder;
    Ok(ketahanan_framework::Entity::find()
        .order_by_desc(ketahanan_framework::Column::Version)
        .one(db)
        .await?)
}

/// The answers of an assessment, by indicator.
pub async fn answers_of<C: ConnectionTrait>(
    db: &C,
    assessment: Uuid,
) -> Result<Vec<ketahanan_answer::Model>> {
    use sea_orm::QueryOrder;
    Ok(ketahanan_answer::Entity::find()
        .filter(ketahanan_answer::Column::AssessmentId.eq(assessment))
        .order_by_asc(ketahanan_answer::Column::Indicator)
        .all(db)
        .await?)
}

/// A family visit by id as `actor` may change it: in scope, and a violence visit only for ADMIN,
/// OPERATOR or the cadre who recorded it (`entity::violence_visible`).
pub async fn visit_for<C: ConnectionTrait>(
    db: &C,
    actor: &keluarga_core::Actor,
    id: Uuid,
) -> Result<Option<family_visit::Model>> {
    let mut q = family_visit::Entity::find_by_id(id).filter(keluarga_core::store::in_scope(
        family_visit::Column::RegionCode,
        &actor.scope,
    ));
    if let Some(c) = crate::entity::violence_visible(actor) {
        q = q.filter(c);
    }
    Ok(q.one(db).await?)
}

/// A village's record of one KRPPA indicator in `year`, if any.
pub async fn krppa_indicator<C: ConnectionTrait>(
    db: &C,
    region_code: &str,
    year: i32,
    indicator: i32,
) -> Result<Option<krppa_indicator::Model>> {
    Ok(krppa_indicator::Entity::find()
        .filter(krppa_indicator::Column::RegionCode.eq(region_code))
        .filter(krppa_indicator::Column::Year.eq(year))
        .filter(krppa_indicator::Column::Indicator.eq(indicator))
        .one(db)
        .await?)
}

/// Every village where `families` have assessments: the villages whose rollup rows a write of
/// their assessments may change (each family counts in the village of its latest).
pub async fn assessment_villages<C: ConnectionTrait>(
    db: &C,
    families: &[Uuid],
) -> Result<Vec<String>> {
    use sea_orm::QuerySelect;
    let mut out = Vec::new();
    for chunk in families.chunks(500) {
        let rows: Vec<String> = ketahanan_assessment::Entity::find()
            .select_only()
            .column(ketahanan_assessment::Column::RegionCode)
            .distinct()
            .filter(ketahanan_assessment::Column::FamilyId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    out.sort();
    out.dedup();
    Ok(out)
}
