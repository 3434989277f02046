//! sea-orm queries of the ekonomi-keluarga tables. List queries start from the request's
//! `Reader` (scope, access rule and the audit); the facet and priority queries take the scope.

use chrono::NaiveDate;
use keluarga_core::Reader;
use keluarga_core::error::{Error, Result};
use keluarga_core::id::decode_uuid;
use keluarga_core::store::{check_range, name_contains};
use sea_orm::{ColumnTrait, Condition, QueryFilter, Select};

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::input::*;

/// PEKKA records matching `f`.
pub fn pekka(r: &Reader, f: &PekkaFilter) -> Result<Select<pekka::Entity>> {
    use pekka::Column as C;
    let mut q = r.select::<pekka::Entity>(f.region_code.as_deref())?;
    if let Some(c) = f.category {
        q = q.filter(C::Category.eq(c.as_str()));
    }
    if let Some(d) = f.active_on {
        q = q.filter(C::RecordedOn.lte(d)).filter(
            Condition::any()
                .add(C::EndedOn.is_null())
                .add(C::EndedOn.gte(d)),
        );
    }
    if let Some(s) = &f.source {
        q = q.filter(C::Source.eq(s.trim()));
    }
    Ok(q)
}

/// Welfare rankings matching `f`.
pub fn rankings(r: &Reader, f: &WelfareRankingFilter) -> Result<Select<welfare_ranking::Entity>> {
    use welfare_ranking::Column as C;
    check_range(f.from, f.to)?;
    let mut q = r.select::<welfare_ranking::Entity>(f.region_code.as_deref())?;
    if let Some(s) = f.source {
        q = q.filter(C::Source.eq(s.as_str()));
    }
    if let Some(d) = f.max_decile {
        q = q.filter(C::Decile.lte(decile(d, "filter.maxDecile")?));
    }
    if let Some(d) = f.from {
        q = q.filter(C::AsOf.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::AsOf.lte(d));
    }
    Ok(q)
}

/// UP2K groups matching `f`.
pub fn groups(r: &Reader, f: &Up2kGroupFilter) -> Result<Select<up2k_group::Entity>> {
    use up2k_group::Column as C;
    let mut q = r.select::<up2k_group::Entity>(f.region_code.as_deref())?;
    if let Some(l) = f.level {
        q = q.filter(C::Level.eq(l.as_str()));
    }
    if let Some(b) = f.business_type {
        q = q.filter(C::BusinessType.eq(b.as_str()));
    }
    if let Some(s) = keluarga_core::store::search_text(f.search.as_deref(), "filter.search")? {
        q = q.filter(name_contains(C::Name, s));
    }
    Ok(q)
}

/// UP2K memberships matching `f`.
pub fn members(r: &Reader, f: &Up2kMemberFilter) -> Result<Select<up2k_member::Entity>> {
    use up2k_member::Column as C;
    let mut q = r.select::<up2k_member::Entity>(f.region_code.as_deref())?;
    if let Some(g) = &f.group_id {
        q = q.filter(C::GroupId.eq(decode_uuid(g, "Up2kGroup", "filter.groupId")?));
    }
    if let Some(d) = f.active_on {
        q = q.filter(current_on(d.into()));
    }
    if let Some(role) = f.role {
        q = q.filter(C::Role.eq(role.as_str()));
    }
    Ok(q)
}

/// Assistance matching `f`.
pub fn assistance(r: &Reader, f: &AssistanceFilter) -> Result<Select<assistance::Entity>> {
    use assistance::Column as C;
    check_range(f.from, f.to)?;
    let mut q = r.select::<assistance::Entity>(f.region_code.as_deref())?;
    if let Some(g) = &f.group_id {
        q = q.filter(C::GroupId.eq(decode_uuid(g, "Up2kGroup", "filter.groupId")?));
    }
    if let Some(p) = &f.provider_id {
        q = q.filter(C::ProviderId.eq(decode_uuid(p, "Organisation", "filter.providerId")?));
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(d) = f.from {
        q = q.filter(C::GivenOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::GivenOn.lte(d));
    }
    Ok(q)
}

/// Income reports matching `f`.
pub fn income(r: &Reader, f: &IncomeReportFilter) -> Result<Select<income_report::Entity>> {
    use income_report::Column as C;
    let from: Option<NaiveDate> = f
        .from
        .as_deref()
        .map(|m| month(m, "filter.from"))
        .transpose()?;
    let to: Option<NaiveDate> = f.to.as_deref().map(|m| month(m, "filter.to")).transpose()?;
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        return Err(Error::bad("filter.to", "must not be before filter.from"));
    }
    let mut q = r.select::<income_report::Entity>(f.region_code.as_deref())?;
    if let Some(g) = &f.group_id {
        q = q.filter(C::GroupId.eq(decode_uuid(g, "Up2kGroup", "filter.groupId")?));
    }
    if let Some(m) = &f.member_id {
        q = q.filter(C::MemberId.eq(decode_uuid(m, "Up2kMember", "filter.memberId")?));
    }
    if let Some(d) = from {
        q = q.filter(C::Month.gte(d));
    }
    if let Some(d) = to {
        q = q.filter(C::Month.lte(d));
    }
    Ok(q)
}

/// The family's current (not ended) PEKKA status, if any.
pub async fn current_pekka<C: sea_orm::ConnectionTrait>(
    db: &C,
    family: uuid::Uuid,
) -> Result<Option<pekka::Model>> {
    use sea_orm::EntityTrait;
    Ok(pekka::Entity::find()
        .filter(pekka::Column::FamilyId.eq(family))
        .filter(pekka::Column::EndedOn.is_null())
        .one(db)
        .await?)
}

/// The person's current (not left) membership of the group, if any.
pub async fn current_membership<C: sea_orm::ConnectionTrait>(
    db: &C,
    group: uuid::Uuid,
    person: uuid::Uuid,
) -> Result<Option<up2k_member::Model>> {
    use sea_orm::EntityTrait;
    Ok(up2k_member::Entity::find()
        .filter(up2k_member::Column::GroupId.eq(group))
        .filter(up2k_member::Column::PersonId.eq(person))
        .filter(up2k_member::Column::LeftOn.is_null())
        .one(db)
        .await?)
}

/// The income report of a group (or of one of its members) for the month starting `month`.
pub async fn income_report<C: sea_orm::ConnectionTrait>(
    db: &C,
    group: uuid::Uuid,
    member: Option<uuid::Uuid>,
    month: NaiveDate,
) -> Result<Option<income_report::Model>> {
    use sea_orm::EntityTrait;
    let q = income_report::Entity::find()
        .filter(income_report::Column::GroupId.eq(group))
        .filter(income_report::Column::Month.eq(month));
    let q = match member {
        Some(m) => q.filter(income_report::Column::MemberId.eq(m)),
        None => q.filter(income_report::Column::MemberId.is_null()),
    };
    Ok(q.one(db).await?)
}

/// A decile 1–10, or BAD_USER_INPUT on `field`.
pub fn decile(d: i32, field: &str) -> Result<i32> {
    if (1..=10).contains(&d) {
        Ok(d)
    } else {
        Err(Error::bad(field, "a decile is 1 (poorest tenth) to 10"))
    }
}

/// A month written `2026-08`: its first day, or BAD_USER_INPUT on `field`.
pub fn month(s: &str, field: &str) -> Result<NaiveDate> {
    let s = s.trim();
    match (s.len() == 7, keluarga_core::stats::parse_period(s)) {
        (true, Some((first, _))) => Ok(first),
        _ => Err(Error::bad(field, format!("{s:?} is not a month (2026-08)"))),
    }
}

/// Memberships current on `on`.
pub fn current_on(on: NaiveDate) -> Condition {
    Condition::all()
        .add(up2k_member::Column::JoinedOn.lte(on))
        .add(
            Condition::any()
                .add(up2k_member::Column::LeftOn.is_null())
                .add(up2k_member::Column::LeftOn.gt(on)),
        )
}

/// The families with a membership (ever) of `group`: those a group's assistance reaches.
pub async fn families_of_group<C: sea_orm::ConnectionTrait>(
    db: &C,
    group: uuid::Uuid,
) -> Result<Vec<uuid::Uuid>> {
    use sea_orm::{EntityTrait, QuerySelect};
    let rows: Vec<Option<uuid::Uuid>> = up2k_member::Entity::find()
        .select_only()
        .column(up2k_member::Column::FamilyId)
        .filter(up2k_member::Column::GroupId.eq(group))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

/// The welfare rankings of `families`.
pub async fn rankings_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    families: &[uuid::Uuid],
) -> Result<Vec<welfare_ranking::Model>> {
    use sea_orm::EntityTrait;
    Ok(welfare_ranking::Entity::find()
        .filter(welfare_ranking::Column::FamilyId.is_in(families.iter().copied()))
        .all(db)
        .await?)
}
