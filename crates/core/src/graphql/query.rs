//! Registry queries: lists with filters, ordering and keyset pagination; look-up by NIK;
//! registry statistics; the actor's own identity and the API keys.

use std::marker::PhantomData;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use sea_orm::{ColumnTrait, QueryFilter, Select};

use crate::actor::{Actor, Role};
use crate::entity::{
    activity, api_key, cadre_role, family, household, organisation, person, programme,
};
use crate::error::{Error, GqlResultExt};
use crate::graphql::region::RegionType;
use crate::graphql::region::region_handles;
use crate::graphql::types::*;
use crate::graphql::{app_actor, reader};
use crate::input::*;
use crate::pagination::{Page, PageArgs, SortDirection};
use crate::records::{Reader, Record};
use crate::stats::{
    Aggregate, FromFn, GroupPlan, Measure, Sex, Source, Spec, StatisticsFilter, StatsDimension,
    grouped,
};
use crate::store;

/// Registry queries (core's part of the query root).
pub struct RegistryQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for RegistryQuery<R> {
    fn default() -> Self {
        RegistryQuery(PhantomData)
    }
}

#[Object]
impl<R: RegionType> RegistryQuery<R> {
    /// Organisations in the actor's scope.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<OrganisationFilter>,
        #[graphql(desc = "The order of the nodes.")] order_by: Option<NameOrder>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Organisation<R>>> {
        let (_, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::organisations(reader(ctx), &f).gql()?;
        name_page(
            reader(ctx),
            q,
            order_by.unwrap_or_default(),
            &args,
            organisation::Column::Name,
            |m: &organisation::Model| (m.name.clone(), m.id),
            Organisation::new,
        )
        .await
    }

    /// Programmes in the actor's scope.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<ProgrammeFilter>,
        #[graphql(desc = "The order of the nodes.")] order_by: Option<NameOrder>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Programme<R>>> {
        let (_, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::programmes(reader(ctx), &f).gql()?;
        name_page(
            reader(ctx),
            q,
            order_by.unwrap_or_default(),
            &args,
            programme::Column::Name,
            |m: &programme::Model| (m.name.clone(), m.id),
            Programme::new,
        )
        .await
    }

    /// Activities in the actor's scope.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<ActivityFilter>,
        #[graphql(desc = "The order of the nodes.")] order_by: Option<ActivityOrder>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Activity<R>>> {
        let (_, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::activities(reader(ctx), &f).gql()?;
        let order = order_by.unwrap_or_default();
        let sort = match order.field {
            ActivityOrderField::HeldOn => activity::Column::HeldOn,
            ActivityOrderField::Title => activity::Column::Title,
        };
        reader(ctx)
            .page(
                q,
                sort,
                order.direction,
                &args,
                move |m| {
                    (
                        match order.field {
                            ActivityOrderField::HeldOn => m.held_on.to_string(),
                            ActivityOrderField::Title => m.title.clone(),
                        },
                        m.id.to_string(),
                    )
                },
                Activity::new,
            )
            .await
            .gql()
    }

    /// Persons in the actor's scope. Roles with record access see personal fields (and the read
    /// is audit-logged); ANALYST sees de-identified records; other roles are refused.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn persons(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<PersonFilter>,
        #[graphql(desc = "The order of the nodes.")] order_by: Option<RecordOrder>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Person<R>>> {
        let (_, actor) = app_actor(ctx);
        actor.require_records().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::persons(reader(ctx), &f).gql()?;
        let order = order_by.unwrap_or_default();
        let page = record_page(
            reader(ctx),
            q,
            person::Column::RegisteredOn,
            order,
            &args,
            |m: &person::Model| (m.registered_on, m.id),
            Person::new,
        )
        .await?;
        Ok(page)
    }

    /// Families in the actor's scope (roles with record access, or ANALYST de-identified).
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn families(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<RegistryFilter>,
        #[graphql(desc = "The order of the nodes.")] order_by: Option<RecordOrder>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<R::Family>> {
        let (_, actor) = app_actor(ctx);
        actor.require_records().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::families(reader(ctx), &f).gql()?;
        let page = record_page(
            reader(ctx),
            q,
            family::Column::RegisteredOn,
            order_by.unwrap_or_default(),
            &args,
            |m: &family::Model| (m.registered_on, m.id),
            R::Family::from,
        )
        .await?;
        Ok(page)
    }

    /// Households in the actor's scope (roles with record access, or ANALYST de-identified).
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn households(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<RegistryFilter>,
        #[graphql(desc = "The order of the nodes.")] order_by: Option<RecordOrder>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Household<R>>> {
        let (_, actor) = app_actor(ctx);
        actor.require_records().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::households(reader(ctx), &f).gql()?;
        let page = record_page(
            reader(ctx),
            q,
            household::Column::RegisteredOn,
            order_by.unwrap_or_default(),
            &args,
            |m: &household::Model| (m.registered_on, m.id),
            Household::new,
        )
        .await?;
        Ok(page)
    }

    /// Cadre roles serving in the actor's scope.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn cadre_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<CadreRoleFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<CadreRole<R>>> {
        let (_, actor) = app_actor(ctx);
        actor.require_records().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::cadre_roles(reader(ctx), &f).gql()?;
        reader(ctx)
            .page(
                q,
                cadre_role::Column::Id,
                SortDirection::Asc,
                &args,
                |m| (m.id.to_string(), m.id.to_string()),
                CadreRole::new,
            )
            .await
            .gql()
    }

    /// The person with this NIK, if registered in the actor's scope (roles with record access).
    /// The NIK is matched by its keyed hash; it is neither stored nor returned.
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn person_by_nik(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The 16-digit NIK; it is hashed to look the person up, never stored or logged."
        )]
        nik: String,
    ) -> async_graphql::Result<Option<Person<R>>> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        if !actor.has_record_access() {
            return Err(Error::forbidden("look persons up by NIK")).gql();
        }
        let hashed = app.pii.nik(&nik, "nik").gql()?;
        let r = reader(ctx);
        let q = r
            .select::<person::Entity>(None)
            .gql()?
            .filter(person::Column::NikHash.eq(hashed.hash));
        Ok(r.one(q).await.gql()?.map(Person::new))
    }

    /// Grouped counts of persons, families, cadres or activity participants by region level,
    /// period and sex, in the actor's scope. Cells counting fewer people than the configured
    /// threshold are suppressed for roles without record access.
    async fn registry_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to count.")] measure: RegistryMeasure,
        #[graphql(
            desc = "The region (narrowed to your scope) and the period (`from`, `to`) counted."
        )]
        filter: Option<StatisticsFilter>,
        #[graphql(
            default,
            desc = "The dimensions to group by; none gives one row for the whole filter."
        )]
        group_by: Vec<StatsDimension>,
    ) -> async_graphql::Result<Vec<RegistryStatisticsRow<R>>> {
        let (app, actor) = app_actor(ctx);
        let filter = filter.unwrap_or_default();
        let Some(plan) = GroupPlan::new(actor, &filter, &group_by, &[]).gql()? else {
            // The requested region is outside the actor's scope: nothing to count.
            return Ok(Vec::new());
        };
        let cells = grouped(
            &app.db,
            actor,
            app.settings.disclosure,
            &measure.spec(),
            &plan,
        )
        .await
        .gql()?;
        let region =
            region_handles::<R>(ctx, cells.iter().filter_map(|c| c.region.clone()).collect())
                .await?;
        Ok(cells
            .into_iter()
            .map(|c| RegistryStatisticsRow {
                count: c.int("count"),
                region: c.region.map(&region),
                period: c.period,
                sex: c.sex.as_deref().and_then(Sex::from_letter),
                suppressed: c.suppressed,
            })
            .collect())
    }

    /// Who the current actor is: role and scope.
    async fn me(&self, ctx: &Context<'_>) -> Me {
        let actor = ctx.data_unchecked::<Actor>();
        Me {
            subject: actor.subject.clone(),
            role: actor.role,
            scope: actor.scope.code().to_owned(),
            record_access: actor.has_record_access(),
        }
    }

    /// The audit log of personal-data reads and writes, newest first (ADMIN only): who read or
    /// changed which records, when. Filter by record to answer "who read this child's records in
    /// the last 30 days".
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<crate::input::AuditFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<AuditEntry>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::audit_entries(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                crate::entity::audit_log::Column::Id,
                SortDirection::Desc,
                &args,
                |m| (m.id.to_string(), m.id.to_string()),
                AuditEntry,
            )
            .await
            .gql()
    }

    /// API keys, newest first (ADMIN only).
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        if !actor.is_admin() {
            return Err(Error::forbidden("manage API keys")).gql();
        }
        Ok(store::api_keys(&app.db)
            .await
            .gql()?
            .into_iter()
            .map(ApiKey)
            .collect())
    }
}

/// One page of a list ordered by `key_col` (when `by_key`) or by creation (id), the shared shape
/// of the name-ordered and date-ordered lists.
#[expect(
    clippy::too_many_arguments,
    reason = "the shared shape of every ordered list"
)]
async fn ordered_page<E, N, K>(
    reader: &Reader,
    q: Select<E>,
    by_key: bool,
    key_col: E::Column,
    direction: SortDirection,
    args: &PageArgs,
    key: fn(&E::Model) -> (K, uuid::Uuid),
    to_node: fn(E::Model) -> N,
) -> async_graphql::Result<Page<N>>
where
    E: Record,
    N: async_graphql::OutputType,
    K: ToString,
{
    let sort = if by_key { key_col } else { E::id_col() };
    reader
        .page(
            q,
            sort,
            direction,
            args,
            move |m| {
                let (k, id) = key(m);
                let id = id.to_string();
                (if by_key { k.to_string() } else { id.clone() }, id)
            },
            to_node,
        )
        .await
        .gql()
}

/// One page of a list ordered by name or by creation (id).
async fn name_page<E: Record, N: async_graphql::OutputType>(
    reader: &Reader,
    q: Select<E>,
    order: NameOrder,
    args: &PageArgs,
    name_col: E::Column,
    key: fn(&E::Model) -> (String, uuid::Uuid),
    to_node: fn(E::Model) -> N,
) -> async_graphql::Result<Page<N>> {
    let by_name = order.field == NameOrderField::Name;
    ordered_page(
        reader,
        q,
        by_name,
        name_col,
        order.direction,
        args,
        key,
        to_node,
    )
    .await
}

/// One page of a record list ordered by registration day or by creation (id).
async fn record_page<E: Record, N: async_graphql::OutputType, D: ToString>(
    reader: &Reader,
    q: Select<E>,
    date_col: E::Column,
    order: RecordOrder,
    args: &PageArgs,
    key: fn(&E::Model) -> (D, uuid::Uuid),
    to_node: fn(E::Model) -> N,
) -> async_graphql::Result<Page<N>> {
    let by_date = order.field == RecordOrderField::RegisteredOn;
    ordered_page(
        reader,
        q,
        by_date,
        date_col,
        order.direction,
        args,
        key,
        to_node,
    )
    .await
}

/// What a registry statistics query counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum RegistryMeasure {
    /// Persons, by registration day and sex.
    Persons,
    /// Families, by registration day.
    Families,
    /// Cadre roles, by start day and the cadre's sex.
    Cadres,
    /// Activity participants (sum of reported counts), by activity day and sex where split.
    ActivityParticipants,
}

impl RegistryMeasure {
    /// The statistic: one count over the registry table it names.
    fn spec(self) -> Spec<'static> {
        const COUNT: &[Measure] = &[Measure {
            name: "count",
            aggregate: Aggregate::Count,
        }];
        const CADRES: &[Measure] = &[Measure {
            name: "count",
            aggregate: Aggregate::CountDistinct("c.person_id"),
        }];
        const PARTICIPANTS: &[Measure] = &[Measure {
            name: "count",
            aggregate: Aggregate::Sum("n.count"),
        }];
        let (from, region, date, sex, measures): (&'static FromFn, _, _, _, _) = match self {
            RegistryMeasure::Persons => (
                &|_, _| "person p".to_owned(),
                "p.region_code",
                "p.registered_on",
                Some("p.sex"),
                COUNT,
            ),
            RegistryMeasure::Families => (
                &|_, _| "family f".to_owned(),
                "f.region_code",
                "f.registered_on",
                None,
                COUNT,
            ),
            RegistryMeasure::Cadres => (
                &|_, _| "cadre_role c JOIN person p ON p.id = c.person_id".to_owned(),
                "c.region_code",
                "c.started_on",
                Some("p.sex"),
                CADRES,
            ),
            RegistryMeasure::ActivityParticipants => (
                &|_, _| {
                    "activity_participant_count n JOIN activity a ON a.id = n.activity_id"
                        .to_owned()
                },
                "a.region_code",
                "a.held_on",
                Some("n.sex"),
                PARTICIPANTS,
            ),
        };
        Spec {
            source: Source {
                from,
                region,
                date,
                sex,
                filter: "",
            },
            measures,
            people: "count",
            rollup: None,
        }
    }
}

fn persons_spec() -> Spec<'static> {
    RegistryMeasure::Persons.spec()
}

fn cadres_spec() -> Spec<'static> {
    RegistryMeasure::Cadres.spec()
}

fn participants_spec() -> Spec<'static> {
    RegistryMeasure::ActivityParticipants.spec()
}

/// Heads of family (the member with relationship HEAD), by the family's registration day and
/// the head's sex.
fn heads_spec() -> Spec<'static> {
    const HEADS: &[Measure] = &[Measure {
        name: "count",
        aggregate: Aggregate::CountDistinct("f.id"),
    }];
    Spec {
        source: Source {
            from: &|_, _| {
                "family f JOIN family_member fm ON fm.family_id = f.id \
                 JOIN person p ON p.id = fm.person_id"
                    .to_owned()
            },
            region: "f.region_code",
            date: "f.registered_on",
            sex: Some("p.sex"),
            filter: "fm.relationship = 'HEAD'",
        },
        measures: HEADS,
        people: "count",
        rollup: None,
    }
}

/// The registry's counts that can be split by sex (data terpilah): persons, heads of family,
/// cadres and activity participants.
pub const CORE_SEX_MEASURES: &[crate::stats::SexMeasure] = &[
    crate::stats::SexMeasure {
        domain: "core",
        key: "persons",
        description: "Persons registered by the period's end.",
        statistic: "registryStatistics",
        stock: true,
        spec: persons_spec,
        measure: "count",
    },
    crate::stats::SexMeasure {
        domain: "core",
        key: "heads_of_family",
        description: "Heads of family (kepala keluarga) of the families registered by the period's end.",
        statistic: "registryStatistics",
        stock: true,
        spec: heads_spec,
        measure: "count",
    },
    crate::stats::SexMeasure {
        domain: "core",
        key: "cadres",
        description: "Cadres (kader PKK, posyandu, TPK, KPM...) whose role started by the period's end.",
        statistic: "registryStatistics",
        stock: true,
        spec: cadres_spec,
        measure: "count",
    },
    crate::stats::SexMeasure {
        domain: "core",
        key: "activity_participants",
        description: "Participants of activities held in the period, as reported (where the report splits them by sex).",
        statistic: "registryStatistics",
        stock: false,
        spec: participants_spec,
        measure: "count",
    },
];

/// One group of a registry statistics answer.
#[derive(async_graphql::Description)]
pub struct RegistryStatisticsRow<R> {
    region: Option<R>,
    #[graphql(
        desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
    )]
    period: Option<String>,
    sex: Option<Sex>,
    count: Option<i64>,
    suppressed: bool,
}

#[Object(name = "RegistryStatisticsRow", use_type_description)]
impl<R: RegionType> RegistryStatisticsRow<R> {
    /// The group's region, when grouped by a region level.
    async fn region(&self) -> Option<&R> {
        self.region.as_ref()
    }
    /// The group's period (`2022`, `2022-Q1`, `2022-01`), when grouped by a grain.
    async fn period(&self) -> Option<&str> {
        self.period.as_deref()
    }
    /// The group's sex, when grouped by sex.
    async fn sex(&self) -> Option<Sex> {
        self.sex
    }
    /// The count; null when suppressed.
    async fn count(&self) -> Option<i64> {
        self.count
    }
    /// True when the count was below the disclosure threshold and is withheld.
    async fn suppressed(&self) -> bool {
        self.suppressed
    }
}

/// The current actor.
#[derive(SimpleObject)]
pub struct Me {
    /// Subject (token `sub`, `apikey:<id>` or `anonymous`).
    pub subject: String,
    /// Role; null when anonymous.
    pub role: Option<Role>,
    /// Scope region code (`""` for the whole country).
    pub scope: String,
    /// True when the role may read personal data in scope.
    pub record_access: bool,
}

/// An API key (its secret is shown only once, when created).
#[derive(async_graphql::Description)]
pub struct ApiKey(pub api_key::Model);

#[Object(use_type_description)]
impl ApiKey {
    /// Opaque global id.
    async fn id(&self) -> ID {
        crate::id::encode("ApiKey", &self.0.id.to_string())
    }
    /// Name given at creation (`Dashboard DPPPA Jateng`).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// The role it grants.
    async fn role(&self) -> Option<Role> {
        Role::parse(&self.0.role)
    }
    /// The scope it grants (`""` for the whole country).
    async fn scope(&self) -> &str {
        &self.0.scope_code
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.revoked_at
    }
}

/// One audit-log entry: an actor's read or write of personal records.
#[derive(async_graphql::Description)]
pub struct AuditEntry(pub crate::entity::audit_log::Model);

#[Object(use_type_description)]
impl AuditEntry {
    /// When.
    async fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.at
    }
    /// Who (the token's `sub`, or `apikey:<id>`).
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The actor's role at the time.
    async fn role(&self) -> &str {
        &self.0.role
    }
    /// `READ`, `CREATE`, `UPDATE` or `IMPORT`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The table of the records (`child`, `measurement`, `person`...).
    async fn entity(&self) -> &str {
        &self.0.entity
    }
    /// The records' UUIDs.
    async fn record_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.0.record_ids).unwrap_or_default()
    }
}
