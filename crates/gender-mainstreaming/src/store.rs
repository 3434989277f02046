//! sea-orm list queries of the gender-mainstreaming tables, each starting from the request's
//! `Reader` (scope and access rule).

use chrono::NaiveDate;
use keluarga_core::Reader;
use keluarga_core::error::Result;
use keluarga_core::id::decode_uuid;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, QueryFilter, Select};

use crate::entity::{
    advocacy_target, award, gender_analysis, post_holding, pug_prerequisite, strategic_post,
};
use crate::input::*;

/// The holdings current on `on` (a subquery of post ids).
fn held_on(on: NaiveDate) -> sea_orm::sea_query::SelectStatement {
    use post_holding::Column as H;
    Query::select()
        .column(H::PostId)
        .from(post_holding::Entity)
        .and_where(Expr::col(H::StartedOn).lte(on))
        .cond_where(
            Condition::any()
                .add(Expr::col(H::EndedOn).is_null())
                .add(Expr::col(H::EndedOn).gt(on)),
        )
        .to_owned()
}

/// Strategic posts matching `f` (those existing on `f.on`, today by default).
pub fn posts(
    r: &Reader,
    f: &StrategicPostFilter,
    today: NaiveDate,
) -> Result<Select<strategic_post::Entity>> {
    use strategic_post::Column as C;
    let on = f.on.unwrap_or(today.into());
    let mut q = r
        .select::<strategic_post::Entity>(f.region_code.as_deref())?
        .filter(C::EstablishedOn.lte(on))
        .filter(
            Condition::any()
                .add(C::AbolishedOn.is_null())
                .add(C::AbolishedOn.gt(on)),
        );
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(e) = f.echelon {
        q = q.filter(C::Echelon.eq(e.as_str()));
    }
    if let Some(o) = &f.organisation_id {
        q = q.filter(C::OrganisationId.eq(decode_uuid(
            o,
            "Organisation",
            "filter.organisationId",
        )?));
    }
    if f.vacant_only {
        q = q.filter(C::Id.not_in_subquery(held_on(on.into())));
    }
    if let Some(p) = &f.held_by {
        let person = decode_uuid(p, "Person", "filter.heldBy")?;
        let mut sub = held_on(on.into());
        sub.and_where(Expr::col(post_holding::Column::PersonId).eq(person));
        q = q.filter(C::Id.in_subquery(sub));
    }
    Ok(q)
}

/// Awards matching `f`.
pub fn awards(r: &Reader, f: &AwardFilter) -> Result<Select<award::Entity>> {
    use award::Column as C;
    let mut q = r.select::<award::Entity>(f.region_code.as_deref())?;
    if let Some(t) = f.award_type {
        q = q.filter(C::AwardType.eq(t.as_str()));
    }
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    Ok(q)
}

/// Prerequisite statuses matching `f`.
pub fn prerequisites(
    r: &Reader,
    f: &PugPrerequisiteFilter,
) -> Result<Select<pug_prerequisite::Entity>> {
    use pug_prerequisite::Column as C;
    let mut q = r.select::<pug_prerequisite::Entity>(f.region_code.as_deref())?;
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    Ok(q)
}

/// Advocacy targets matching `f`.
pub fn targets(r: &Reader, f: &AdvocacyTargetFilter) -> Result<Select<advocacy_target::Entity>> {
    use advocacy_target::Column as C;
    let mut q = r.select::<advocacy_target::Entity>(f.region_code.as_deref())?;
    if let Some(a) = f.audience {
        q = q.filter(C::Audience.eq(a.as_str()));
    }
    if let Some(y) = f.active_in {
        q = q.filter(C::FromYear.lte(y)).filter(C::ToYear.gte(y));
    }
    Ok(q)
}

/// Gender analyses matching `f`.
pub fn analyses(r: &Reader, f: &GenderAnalysisFilter) -> Result<Select<gender_analysis::Entity>> {
    use gender_analysis::Column as C;
    let mut q = r.select::<gender_analysis::Entity>(f.region_code.as_deref())?;
    if let Some(p) = &f.programme_id {
        q = q.filter(C::ProgrammeId.eq(decode_uuid(p, "Programme", "filter.programmeId")?));
    }
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    Ok(q)
}

/// The sex of every holder among `persons` (public-office information: only persons holding or
/// having held a post are read), by person id.
pub async fn holder_sexes<C: sea_orm::ConnectionTrait>(
    db: &C,
    persons: &[uuid::Uuid],
) -> Result<Vec<(uuid::Uuid, String)>> {
    use keluarga_core::entity::person;
    use sea_orm::{EntityTrait, QuerySelect};
    let holders = Query::select()
        .column(post_holding::Column::PersonId)
        .from(post_holding::Entity)
        .and_where(
            Expr::col(post_holding::Column::PersonId)
                .is_in(keluarga_core::store::padded(persons.iter().copied())),
        )
        .to_owned();
    Ok(person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Sex)
        .filter(person::Column::Id.in_subquery(holders))
        .into_tuple()
        .all(db)
        .await?)
}

/// How many PUG prerequisites each of `codes` has met in `year`.
pub async fn prerequisites_met<C: sea_orm::ConnectionTrait>(
    db: &C,
    codes: &[String],
    year: i32,
) -> Result<std::collections::HashMap<String, i64>> {
    use sea_orm::{EntityTrait, QuerySelect};
    let met: Vec<(String, i64)> = pug_prerequisite::Entity::find()
        .select_only()
        .column(pug_prerequisite::Column::RegionCode)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "met")
        .filter(
            pug_prerequisite::Column::RegionCode
                .is_in(keluarga_core::store::padded(codes.iter().cloned())),
        )
        .filter(pug_prerequisite::Column::Year.eq(year))
        .filter(pug_prerequisite::Column::Status.eq(crate::kinds::PrerequisiteStatus::Met.as_str()))
        .group_by(pug_prerequisite::Column::RegionCode)
        .into_tuple()
        .all(db)
        .await?;
    Ok(met.into_iter().collect())
}

/// The regions in `scope` that have an APE award on record (the early warning's regions).
pub async fn ape_regions<C: sea_orm::ConnectionTrait>(
    db: &C,
    scope: &keluarga_core::Scope,
) -> Result<Vec<String>> {
    use sea_orm::{EntityTrait, QuerySelect};
    Ok(award::Entity::find()
        .select_only()
        .column(award::Column::RegionCode)
        .distinct()
        .filter(keluarga_core::store::in_scope(
            award::Column::RegionCode,
            scope,
        ))
        .filter(award::Column::AwardType.eq(crate::kinds::AwardType::Ape.as_str()))
        .into_tuple()
        .all(db)
        .await?)
}

/// The first holding of `post` (by start) that has not ended by `day`: one that would overlap a
/// holder appointed from `day`.
pub async fn holding_after<C: sea_orm::ConnectionTrait>(
    db: &C,
    post: uuid::Uuid,
    day: NaiveDate,
) -> Result<Option<post_holding::Model>> {
    use sea_orm::{EntityTrait, QueryOrder};
    Ok(post_holding::Entity::find()
        .filter(post_holding::Column::PostId.eq(post))
        .filter(
            Condition::any()
                .add(post_holding::Column::EndedOn.is_null())
                .add(post_holding::Column::EndedOn.gt(day)),
        )
        .order_by_asc(post_holding::Column::StartedOn)
        .one(db)
        .await?)
}

/// The holding of `post` that has not ended, if the post is held.
pub async fn current_holding<C: sea_orm::ConnectionTrait>(
    db: &C,
    post: uuid::Uuid,
) -> Result<Option<post_holding::Model>> {
    use sea_orm::EntityTrait;
    Ok(post_holding::Entity::find()
        .filter(post_holding::Column::PostId.eq(post))
        .filter(post_holding::Column::EndedOn.is_null())
        .one(db)
        .await?)
}

/// The award of `kind` a region received in `year`, if recorded.
pub async fn award<C: sea_orm::ConnectionTrait>(
    db: &C,
    region_code: &str,
    kind: crate::kinds::AwardType,
    year: i32,
) -> Result<Option<award::Model>> {
    use sea_orm::EntityTrait;
    Ok(award::Entity::find()
        .filter(award::Column::RegionCode.eq(region_code))
        .filter(award::Column::AwardType.eq(kind.as_str()))
        .filter(award::Column::Year.eq(year))
        .one(db)
        .await?)
}

/// A region's record of one PUG prerequisite in `year`, if any.
pub async fn prerequisite<C: sea_orm::ConnectionTrait>(
    db: &C,
    region_code: &str,
    year: i32,
    prerequisite: &str,
) -> Result<Option<pug_prerequisite::Model>> {
    use sea_orm::EntityTrait;
    Ok(pug_prerequisite::Entity::find()
        .filter(pug_prerequisite::Column::RegionCode.eq(region_code))
        .filter(pug_prerequisite::Column::Year.eq(year))
        .filter(pug_prerequisite::Column::Prerequisite.eq(prerequisite))
        .one(db)
        .await?)
}

/// A region's advocacy target for `audience` from `from_year`, if any.
pub async fn advocacy_target<C: sea_orm::ConnectionTrait>(
    db: &C,
    region_code: &str,
    audience: &str,
    from_year: i32,
) -> Result<Option<advocacy_target::Model>> {
    use sea_orm::EntityTrait;
    Ok(advocacy_target::Entity::find()
        .filter(advocacy_target::Column::RegionCode.eq(region_code))
        .filter(advocacy_target::Column::Audience.eq(audience))
        .filter(advocacy_target::Column::FromYear.eq(from_year))
        .one(db)
        .await?)
}

/// The latest APE award by `on` of each of `codes`: one statement.
pub async fn current_awards<C: sea_orm::ConnectionTrait>(
    db: &C,
    codes: &[String],
    on: NaiveDate,
) -> Result<std::collections::HashMap<String, award::Model>> {
    use sea_orm::{EntityTrait, QueryOrder};
    let rows = award::Entity::find()
        .filter(
            award::Column::RegionCode.is_in(keluarga_core::store::padded(codes.iter().cloned())),
        )
        .filter(award::Column::AwardType.eq(crate::kinds::AwardType::Ape.as_str()))
        .filter(award::Column::AwardedOn.lte(on))
        .order_by_asc(award::Column::AwardedOn)
        .order_by_asc(award::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| (a.region_code.clone(), a))
        .collect())
}

/// The holdings inside any of `regions` that started or ended after `since`, by start.
pub async fn holdings_changed_since<C: sea_orm::ConnectionTrait>(
    db: &C,
    regions: &[String],
    since: NaiveDate,
) -> Result<Vec<post_holding::Model>> {
    use sea_orm::{EntityTrait, QueryOrder};
    let mut under = Condition::any();
    for code in regions {
        under = under.add(keluarga_core::store::in_scope(
            post_holding::Column::RegionCode,
            &keluarga_core::Scope::new(code)?,
        ));
    }
    Ok(post_holding::Entity::find()
        .filter(under)
        .filter(
            Condition::any()
                .add(post_holding::Column::StartedOn.gt(since))
                .add(post_holding::Column::EndedOn.gt(since)),
        )
        .order_by_asc(post_holding::Column::StartedOn)
        .order_by_asc(post_holding::Column::Id)
        .all(db)
        .await?)
}
