//! sea-orm queries of the shared registry. Every function applies the actor's scope itself, so no
//! path through the graph can escape it; all are generic over `ConnectionTrait` and so run inside a
//! transaction too.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
    Statement,
};

use crate::actor::Scope;
use crate::entity::{
    activity, cadre_role, family, household, organisation, person, programme, region,
};
use crate::error::Result;
use crate::id::decode_uuid;
use crate::input::{
    ActivityFilter, CadreRoleFilter, OrganisationFilter, PersonFilter, ProgrammeFilter,
    RegistryFilter,
};
use crate::records::Reader;
use crate::region_code::level_of;

pub use crate::sql::{
    Binder, MAX_FILTER_CHARS, MAX_SEARCH_CHARS, begin_write, check_range, count_statement,
    counting_statements, filter_text, in_scope, name_contains, padded, search_text, statement_sent,
};

/// The condition "region `col` is visible": inside the scope or one of its ancestors.
pub fn region_visible(col: region::Column, scope: &Scope) -> Condition {
    let ancestors = crate::region_code::ancestors_of(scope.code());
    let mut c = Condition::any().add(in_scope(col, scope));
    if !ancestors.is_empty() {
        c = c.add(col.is_in(ancestors));
    }
    c
}

/// Regions by code, those visible in `scope` only.
pub async fn regions_by_code<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
) -> Result<Vec<region::Model>> {
    let codes: Vec<&String> = codes.iter().filter(|c| scope.sees_region(c)).collect();
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(region::Entity::find()
        .filter(region::Column::Code.is_in(crate::store::padded(codes)))
        .all(db)
        .await?)
}

/// The latest population recorded for each of `codes` (in a year up to `year`, when given):
/// region reference data, visible to every role.
pub async fn latest_populations<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
    year: Option<i32>,
) -> Result<Vec<crate::entity::region_population::Model>> {
    use crate::entity::region_population as rp;
    use sea_orm::QueryOrder;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = rp::Entity::find()
        .filter(rp::Column::RegionCode.is_in(crate::store::padded(codes.iter().cloned())));
    if let Some(y) = year {
        q = q.filter(rp::Column::Year.lte(y));
    }
    let rows = q
        .order_by_asc(rp::Column::RegionCode)
        .order_by_desc(rp::Column::Year)
        .all(db)
        .await?;
    let mut out: Vec<crate::entity::region_population::Model> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|l| l.region_code != r.region_code) {
            out.push(r);
        }
    }
    Ok(out)
}

/// A region that must exist and be at one of `levels` (for validating input).
pub async fn require_region<C: ConnectionTrait>(
    db: &C,
    code: &str,
    levels: &[crate::region_code::RegionLevel],
    field: &str,
) -> Result<region::Model> {
    use crate::error::Error;
    crate::region_code::RegionCode::parse(code).map_err(|e| Error::bad(field, e))?;
    let level = level_of(code);
    if !levels.contains(&level) {
        let names: Vec<String> = levels
            .iter()
            .map(|l| format!("{l:?}").to_lowercase())
            .collect();
        return Err(Error::bad(
            field,
            format!(
                "{code} is a {level:?} code; expected {}",
                names.join(" or ")
            )
            .to_lowercase(),
        ));
    }
    region::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| Error::bad(field, format!("region {code} does not exist")))
}

/// The visible children of each parent, first `limit` (plus one, to tell whether more follow)
/// after `after`, in code order: one windowed query for all parents.
pub async fn children_pages<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    parents: &[String],
    after: Option<&str>,
    limit: u64,
) -> Result<HashMap<String, Vec<region::Model>>> {
    let mut out: HashMap<String, Vec<region::Model>> = HashMap::new();
    let mut open: Vec<String> = Vec::new();
    let mut pinned: Vec<String> = Vec::new();
    for p in parents {
        out.insert(p.clone(), Vec::new());
        if scope.contains(p) {
            open.push(p.clone());
        } else if Scope::new(p)
            .map(|s| s.contains(scope.code()))
            .unwrap_or(false)
        {
            // A strict ancestor of the scope: only the child on the way down to the scope shows.
            let depth = p.split('.').count() + 1;
            let child: Vec<&str> = scope.code().split('.').take(depth).collect();
            pinned.push(child.join("."));
        }
    }
    if !pinned.is_empty() {
        let mut q = region::Entity::find().filter(region::Column::Code.is_in(padded(pinned)));
        if let Some(a) = after {
            q = q.filter(region::Column::Code.gt(a));
        }
        for r in q.order_by_asc(region::Column::Code).all(db).await? {
            if let Some(p) = &r.parent_code {
                out.entry(p.clone()).or_default().push(r);
            }
        }
    }
    if open.is_empty() {
        return Ok(out);
    }
    let mut b = Binder::new(db.get_database_backend());
    let list = b.list(open.iter().cloned());
    let after_sql = match after {
        Some(a) => format!(" AND code > {}", b.bind(a.to_owned())),
        None => String::new(),
    };
    let lim = b.bind(limit as i64);
    let sql = format!(
        "SELECT code, name, level, parent_code, decree FROM (\
           SELECT code, name, level, parent_code, decree, \
                  ROW_NUMBER() OVER (PARTITION BY parent_code ORDER BY code) AS rn \
           FROM region WHERE parent_code IN ({}){after_sql}) t \
         WHERE rn <= {lim} ORDER BY parent_code, code",
        list
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(b.backend, sql, b.values))
        .await?;
    for row in rows {
        let r = region_row(&row)?;
        if let Some(p) = &r.parent_code {
            out.entry(p.clone()).or_default().push(r);
        }
    }
    Ok(out)
}

/// A row of `SELECT code, name, level, parent_code, decree FROM region`, decoded by position.
/// On PostgreSQL without sqlx's check of each value's type against the Rust type: the statement
/// fixes the columns and their types, and that check (type descriptors compared for every column
/// of every row) and the look-up of each column by name were most of decoding the 611 rows of
/// the nested-regions query (callgrind, `bench/README.md`). Other backends use the derived
/// decoder.
fn region_row(row: &sea_orm::QueryResult) -> Result<region::Model> {
    use sea_orm::FromQueryResult;
    if let Some(pg) = row.try_as_pg_row() {
        use sea_orm::sqlx::Row;
        let bad = |e: sea_orm::sqlx::Error| sea_orm::DbErr::Custom(format!("region row: {e}"));
        return Ok(region::Model {
            code: pg.try_get_unchecked(0).map_err(bad)?,
            name: pg.try_get_unchecked(1).map_err(bad)?,
            level: pg.try_get_unchecked(2).map_err(bad)?,
            parent_code: pg.try_get_unchecked(3).map_err(bad)?,
            decree: pg.try_get_unchecked(4).map_err(bad)?,
        });
    }
    Ok(region::Model::from_query_result(row, "")?)
}

/// The number of visible children of `parent`.
pub async fn children_count<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    parent: &str,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    if scope.contains(parent) {
        Ok(region::Entity::find()
            .filter(region::Column::ParentCode.eq(parent))
            .count(db)
            .await?)
    } else if Scope::new(parent)
        .map(|s| s.contains(scope.code()))
        .unwrap_or(false)
    {
        Ok(1)
    } else {
        Ok(0)
    }
}

// ---- List queries of the registry: each starts from the request's `Reader` (access rule and
// scope applied) and adds the list's filters; resolvers page them with `Reader::page`.

/// Regions visible to `scope` (inside it, or its ancestors), narrowed to those strictly inside
/// `within`, at `level`, and whose name contains `search` (BAD_USER_INPUT on `filter.within` or
/// `filter.search`).
pub fn regions(
    scope: &Scope,
    within: Option<&str>,
    level: Option<crate::region_code::RegionLevel>,
    search: Option<&str>,
) -> Result<Select<region::Entity>> {
    let mut q = region::Entity::find().filter(region_visible(region::Column::Code, scope));
    if let Some(within) = within {
        let s = Scope::new(within).map_err(|_| {
            crate::error::Error::bad("filter.within", format!("{within:?} is not a region code"))
        })?;
        q = q
            .filter(in_scope(region::Column::Code, &s))
            .filter(region::Column::Code.ne(within));
    }
    if let Some(level) = level {
        q = q.filter(region::Column::Level.eq(level.depth()));
    }
    if let Some(search) = search_text(search, "filter.search")? {
        q = q.filter(name_contains(region::Column::Name, search));
    }
    Ok(q)
}

/// Every API key, newest first (ADMIN's list; the caller checks the role).
pub async fn api_keys<C: ConnectionTrait>(db: &C) -> Result<Vec<crate::entity::api_key::Model>> {
    use crate::entity::api_key;
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?)
}

/// Which of `persons` hold a current (not ended) cadre role of kind `role`.
pub async fn current_role_holders<C: ConnectionTrait>(
    db: &C,
    persons: impl IntoIterator<Item = uuid::Uuid>,
    role: crate::kinds::CadreRoleKind,
) -> Result<std::collections::HashSet<uuid::Uuid>> {
    Ok(cadre_role::Entity::find()
        .filter(cadre_role::Column::PersonId.is_in(persons))
        .filter(cadre_role::Column::Role.eq(role.as_str()))
        .filter(cadre_role::Column::EndedOn.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect())
}

/// The head of a family (its member with relationship HEAD), if recorded.
pub async fn head_of<C: ConnectionTrait>(
    db: &C,
    family_id: uuid::Uuid,
) -> Result<Option<person::Model>> {
    use crate::entity::family_member;
    let head = family_member::Entity::find()
        .filter(family_member::Column::FamilyId.eq(family_id))
        .filter(family_member::Column::Relationship.eq(crate::kinds::Relationship::Head.as_str()))
        .one(db)
        .await?;
    Ok(match head {
        Some(h) => person::Entity::find_by_id(h.person_id).one(db).await?,
        None => None,
    })
}

/// The family a person belongs to (their latest membership), if any.
pub async fn family_of<C: ConnectionTrait>(
    db: &C,
    person: uuid::Uuid,
) -> Result<Option<uuid::Uuid>> {
    use crate::entity::family_member;
    Ok(family_member::Entity::find()
        .filter(family_member::Column::PersonId.eq(person))
        .order_by_desc(family_member::Column::Id)
        .one(db)
        .await?
        .map(|m| m.family_id))
}

/// A row of `E` by primary key, whatever the actor's scope (reference data, or a row the caller
/// has already checked).
pub async fn by_id<C, E>(db: &C, id: uuid::Uuid) -> Result<Option<E::Model>>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = uuid::Uuid>,
{
    Ok(E::find_by_id(id).one(db).await?)
}

/// A row of `E` by primary key, when its region (`region_col`) is inside `scope`.
pub async fn by_id_in<C, E>(
    db: &C,
    id: uuid::Uuid,
    region_col: E::Column,
    scope: &Scope,
) -> Result<Option<E::Model>>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = uuid::Uuid>,
{
    Ok(E::find_by_id(id)
        .filter(in_scope(region_col, scope))
        .one(db)
        .await?)
}

/// The family registered with the KK number whose keyed hash is `hash`, if any.
pub async fn family_by_kk<C: ConnectionTrait>(db: &C, hash: &str) -> Result<Option<family::Model>> {
    Ok(family::Entity::find()
        .filter(family::Column::KkHash.eq(hash))
        .one(db)
        .await?)
}

/// The person registered with the NIK whose keyed hash is `hash`, if any.
pub async fn person_by_nik<C: ConnectionTrait>(
    db: &C,
    hash: &str,
) -> Result<Option<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::NikHash.eq(hash))
        .one(db)
        .await?)
}

/// The members of a family.
pub async fn members_of<C: ConnectionTrait>(
    db: &C,
    family_id: uuid::Uuid,
) -> Result<Vec<crate::entity::family_member::Model>> {
    use crate::entity::family_member;
    Ok(family_member::Entity::find()
        .filter(family_member::Column::FamilyId.eq(family_id))
        .all(db)
        .await?)
}

/// The API key whose hash is `hash`, unless it is revoked.
pub async fn active_api_key<C: ConnectionTrait>(
    db: &C,
    hash: &str,
) -> Result<Option<crate::entity::api_key::Model>> {
    use crate::entity::api_key;
    Ok(api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// A person's cadre role in `scope` that is in force on `on`, if any.
pub async fn cadre_role_on<C: ConnectionTrait>(
    db: &C,
    person: uuid::Uuid,
    scope: &Scope,
    on: chrono::NaiveDate,
) -> Result<Option<cadre_role::Model>> {
    Ok(cadre_role::Entity::find()
        .filter(cadre_role::Column::PersonId.eq(person))
        .filter(in_scope(cadre_role::Column::RegionCode, scope))
        .filter(cadre_role::Column::StartedOn.lte(on))
        .filter(
            Condition::any()
                .add(cadre_role::Column::EndedOn.is_null())
                .add(cadre_role::Column::EndedOn.gte(on)),
        )
        .one(db)
        .await?)
}

/// The sex of the head of each of `families` (that has a head recorded), by family id; two
/// statements per 5,000 families.
pub async fn head_sexes<C: ConnectionTrait>(
    db: &C,
    families: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, String>> {
    use crate::entity::family_member;
    use sea_orm::QuerySelect;
    let mut out = HashMap::new();
    for chunk in families.chunks(5_000) {
        let heads: Vec<(uuid::Uuid, uuid::Uuid)> = family_member::Entity::find()
            .select_only()
            .column(family_member::Column::FamilyId)
            .column(family_member::Column::PersonId)
            .filter(family_member::Column::FamilyId.is_in(chunk.iter().copied()))
            .filter(
                family_member::Column::Relationship.eq(crate::kinds::Relationship::Head.as_str()),
            )
            .into_tuple()
            .all(db)
            .await?;
        let sexes: HashMap<uuid::Uuid, String> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Sex)
            .filter(person::Column::Id.is_in(heads.iter().map(|h| h.1)))
            .into_tuple::<(uuid::Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for (f, p) in heads {
            if let Some(s) = sexes.get(&p) {
                out.insert(f, s.clone());
            }
        }
    }
    Ok(out)
}

/// The families of `ids` inside `scope`.
pub async fn families_in<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    ids: &[uuid::Uuid],
) -> Result<Vec<family::Model>> {
    Ok(family::Entity::find()
        .filter(family::Column::Id.is_in(ids.iter().copied()))
        .filter(in_scope(family::Column::RegionCode, scope))
        .all(db)
        .await?)
}

/// The families whose KK number hashes to one of `hashes`, inside `scope`.
pub async fn families_by_kk_in<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    hashes: &[String],
) -> Result<Vec<family::Model>> {
    Ok(family::Entity::find()
        .filter(family::Column::KkHash.is_in(hashes.iter().cloned()))
        .filter(in_scope(family::Column::RegionCode, scope))
        .all(db)
        .await?)
}

/// The cadre roles of `persons` inside `scope`, ended or not.
pub async fn cadre_roles_of<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    persons: &[uuid::Uuid],
) -> Result<Vec<cadre_role::Model>> {
    Ok(cadre_role::Entity::find()
        .filter(cadre_role::Column::PersonId.is_in(persons.iter().copied()))
        .filter(in_scope(cadre_role::Column::RegionCode, scope))
        .all(db)
        .await?)
}

/// Organisations matching `f`.
pub fn organisations(r: &Reader, f: &OrganisationFilter) -> Result<Select<organisation::Entity>> {
    let mut q = r.select::<organisation::Entity>(f.region_code.as_deref())?;
    if let Some(kind) = f.kind {
        q = q.filter(organisation::Column::Kind.eq(kind.as_str()));
    }
    if let Some(s) = search_text(f.search.as_deref(), "filter.search")? {
        q = q.filter(name_contains(organisation::Column::Name, s));
    }
    Ok(q)
}

/// Programmes matching `f`.
pub fn programmes(r: &Reader, f: &ProgrammeFilter) -> Result<Select<programme::Entity>> {
    let mut q = r.select::<programme::Entity>(f.region_code.as_deref())?;
    if let Some(d) = f.domain {
        q = q.filter(programme::Column::Domain.eq(d.as_str()));
    }
    if let Some(s) = search_text(f.search.as_deref(), "filter.search")? {
        q = q.filter(name_contains(programme::Column::Name, s));
    }
    Ok(q)
}

/// Activities matching `f`.
pub fn activities(r: &Reader, f: &ActivityFilter) -> Result<Select<activity::Entity>> {
    let mut q = r.select::<activity::Entity>(f.region_code.as_deref())?;
    if let Some(k) = f.kind {
        q = q.filter(activity::Column::Kind.eq(k.as_str()));
    }
    if let Some(p) = &f.programme_id {
        q = q.filter(activity::Column::ProgrammeId.eq(decode_uuid(
            p,
            "Programme",
            "filter.programmeId",
        )?));
    }
    if let Some(d) = f.from {
        q = q.filter(activity::Column::HeldOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(activity::Column::HeldOn.lte(d));
    }
    Ok(q)
}

/// Persons matching `f` (searching by name needs record access).
pub fn persons(r: &Reader, f: &PersonFilter) -> Result<Select<person::Entity>> {
    let mut q = r.select::<person::Entity>(f.region_code.as_deref())?;
    if let Some(sex) = f.sex {
        q = q.filter(person::Column::Sex.eq(sex.letter()));
    }
    if let Some(role) = f.cadre_role {
        q = q.filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(cadre_role::Column::PersonId)
                    .from(cadre_role::Entity)
                    .and_where(cadre_role::Column::Role.eq(role.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = search_text(f.search.as_deref(), "filter.search")? {
        if !r.actor().has_record_access() {
            return Err(crate::error::Error::bad(
                "filter.search",
                "searching by name needs record access",
            ));
        }
        q = q.filter(name_contains(person::Column::FullName, s));
    }
    Ok(q)
}

/// Families matching `f`.
pub fn families(r: &Reader, f: &RegistryFilter) -> Result<Select<family::Entity>> {
    let mut q = r.select::<family::Entity>(f.region_code.as_deref())?;
    if let Some(d) = f.registered_from {
        q = q.filter(family::Column::RegisteredOn.gte(d));
    }
    if let Some(d) = f.registered_to {
        q = q.filter(family::Column::RegisteredOn.lte(d));
    }
    Ok(q)
}

/// Households matching `f`.
pub fn households(r: &Reader, f: &RegistryFilter) -> Result<Select<household::Entity>> {
    let mut q = r.select::<household::Entity>(f.region_code.as_deref())?;
    if let Some(d) = f.registered_from {
        q = q.filter(household::Column::RegisteredOn.gte(d));
    }
    if let Some(d) = f.registered_to {
        q = q.filter(household::Column::RegisteredOn.lte(d));
    }
    Ok(q)
}

/// Cadre roles matching `f`.
pub fn cadre_roles(r: &Reader, f: &CadreRoleFilter) -> Result<Select<cadre_role::Entity>> {
    let mut q = r.select::<cadre_role::Entity>(f.region_code.as_deref())?;
    if let Some(role) = f.role {
        q = q.filter(cadre_role::Column::Role.eq(role.as_str()));
    }
    if let Some(d) = f.active_on {
        q = q.filter(cadre_role::Column::StartedOn.lte(d)).filter(
            Condition::any()
                .add(cadre_role::Column::EndedOn.is_null())
                .add(cadre_role::Column::EndedOn.gte(d)),
        );
    }
    if let Some(p) = &f.programme_id {
        q = q.filter(cadre_role::Column::ProgrammeId.eq(decode_uuid(
            p,
            "Programme",
            "filter.programmeId",
        )?));
    }
    Ok(q)
}

/// Audit-log entries matching `f` (ADMIN only; the log has no region, so it is country-wide).
pub fn audit_entries(
    r: &Reader,
    f: &crate::input::AuditFilter,
) -> Result<Select<crate::entity::audit_log::Entity>> {
    use crate::entity::audit_log::{Column, Entity};
    let mut q = r.select::<Entity>(None)?;
    if let Some(id) = &f.record_id {
        let uuid = match crate::id::decode(id) {
            Some((_, key)) => key,
            None => id.to_string(),
        };
        let uuid = uuid::Uuid::parse_str(&uuid)
            .map_err(|_| crate::error::Error::bad("filter.recordId", "not a global id or UUID"))?;
        q = q.filter(Column::RecordIds.contains(uuid.to_string()));
    }
    if let Some(e) = filter_text(f.entity.as_deref(), "filter.entity", MAX_FILTER_CHARS)? {
        q = q.filter(Column::Entity.eq(e));
    }
    if let Some(s) = filter_text(f.subject.as_deref(), "filter.subject", MAX_FILTER_CHARS)? {
        q = q.filter(Column::Subject.eq(s));
    }
    if let Some(a) = filter_text(f.action.as_deref(), "filter.action", MAX_FILTER_CHARS)? {
        q = q.filter(Column::Action.eq(a.to_uppercase()));
    }
    check_range(f.from, f.to)?;
    if let Some(d) = f.from {
        q = q.filter(Column::At.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(Column::At.lte(d));
    }
    Ok(q)
}

/// The codes of the villages (desa/kelurahan) inside `scope`, in code order.
pub async fn village_codes<C: ConnectionTrait>(db: &C, scope: &Scope) -> Result<Vec<String>> {
    Ok(region::Entity::find()
        .filter(in_scope(region::Column::Code, scope))
        .filter(region::Column::Level.eq(4))
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect())
}

/// How many families are registered inside `scope`.
pub async fn families_count<C: ConnectionTrait>(db: &C, scope: &Scope) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(family::Entity::find()
        .filter(in_scope(family::Column::RegionCode, scope))
        .count(db)
        .await?)
}
