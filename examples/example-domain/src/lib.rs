//! The smallest domain plugin, following `docs/architecture.md` ("Adding a domain"): home visits
//! counted per village. One table (`example_visit`, its own migration), one `Node` type
//! (`ExampleVisit`), one root field (`exampleVisits`), one `Region` facet (`Region.example`,
//! batched), one statistic (`exampleStatistics`, in core's convention). Reads go through core's
//! `Reader`, so scope and access rules hold without a line of scope code here.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object, SimpleObject};
use keluarga_core::error::{GqlResultExt, internal};
use keluarga_core::graphql::loaders::DataLoader;
use keluarga_core::graphql::loaders::{LoadError, batched, by_id};
use keluarga_core::graphql::{app_actor, reader};
use keluarga_core::pagination::{Page, PageArgs, SortDirection};
use keluarga_core::stats::{
    self, Aggregate, GroupPlan, Measure, Source, Spec, StatisticsFilter, StatsDimension,
};
use keluarga_core::{Actor, AppContext, Domain, RegionType, Scope};

/// The `example_visit` table.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// A day's home visits in a village.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "example_visit")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub region_code: String,
        pub visited_on: Date,
        pub visitors: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

keluarga_core::record!(entity, "ExampleVisit", Reference, region: RegionCode);

/// Its migration.
pub mod migration {
    #![expect(
        elided_lifetimes_in_paths,
        reason = "async_trait signatures of MigrationTrait"
    )]
    use migration::util::{code, date, id, index, int};
    use sea_orm_migration::prelude::*;

    /// Creates `example_visit`.
    #[derive(DeriveMigrationName)]
    pub struct Migration;

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
            let b = m.get_database_backend();
            let mut t = Table::create();
            t.table("example_visit")
                .col(id())
                .col(code(b, "region_code", false))
                .col(date("visited_on"))
                .col(int("visitors"));
            m.create_table(t).await?;
            index(m, "example_visit", &["region_code"], false).await
        }

        async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
            m.drop_table(Table::drop().table("example_visit").to_owned())
                .await
        }
    }
}

/// The `Node` types of the domain.
pub mod nodes {
    /// A day's home visits.
    pub use super::ExampleVisit;
    use super::entity;

    keluarga_core::domain_nodes! {
        /// One node of the domain.
        pub enum Node {
            /// A day's home visits.
            ExampleVisit = entity::Entity,
        }
    }
}

keluarga_core::model_wrapper!(
    /// A day's home visits in a village.
    ExampleVisit,
    entity::Model
);

#[Object(name = "ExampleVisit")]
impl<R: RegionType> ExampleVisit<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(keluarga_core::id::encode(
            "ExampleVisit",
            &self.model.id.to_string(),
        ))
    }
    /// The village.
    async fn region(&self) -> R {
        keluarga_core::graphql::types::region(&self.model.region_code)
    }
    /// The day.
    async fn visited_on(&self) -> chrono::NaiveDate {
        self.model.visited_on
    }
    /// How many visitors came.
    async fn visitors(&self) -> i32 {
        self.model.visitors
    }
}

/// The domain's part of the query root.
pub struct ExampleQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for ExampleQuery<R> {
    fn default() -> Self {
        ExampleQuery(PhantomData)
    }
}

/// One group of `exampleStatistics`.
#[derive(SimpleObject)]
pub struct ExampleStatisticsRow {
    /// The region code, when grouped by a region level.
    pub region_code: Option<String>,
    /// The period, when grouped by a grain.
    pub period: Option<String>,
    /// Visit days; null when suppressed.
    pub days: Option<i64>,
    /// Visitors; null when suppressed.
    pub visitors: Option<i64>,
    /// Mean visitors per day.
    pub mean_visitors: Option<f64>,
    /// True when the figures are withheld (fewer visitors than the threshold).
    pub suppressed: bool,
}

const MEASURES: &[Measure] = &[
    Measure {
        name: "days",
        aggregate: Aggregate::Count,
    },
    Measure {
        name: "visitors",
        aggregate: Aggregate::Sum("v.visitors"),
    },
    Measure {
        name: "mean",
        aggregate: Aggregate::Mean("v.visitors"),
    },
];

/// The statistic: visit rows of `example_visit`, counting visitors for suppression.
const SPEC: Spec<'static> = Spec {
    source: Source {
        from: &|_, _| "example_visit v".to_owned(),
        region: "v.region_code",
        date: "v.visited_on",
        sex: None,
        filter: "",
    },
    measures: MEASURES,
    people: "visitors",
    rollup: None,
};

#[Object]
impl<R: RegionType> ExampleQuery<R> {
    /// Home visits in your scope, newest first.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn example_visits(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<ExampleVisit<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let r = reader(ctx);
        let q = r.select::<entity::Entity>(region_code.as_deref()).gql()?;
        r.page(
            q,
            entity::Column::VisitedOn,
            SortDirection::Desc,
            &args,
            |m| (m.visited_on.to_string(), m.id.to_string()),
            ExampleVisit::new,
        )
        .await
        .gql()
    }

    /// Visit days, visitors and mean visitors per day, grouped by region level and period.
    async fn example_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The region (narrowed to your scope) and the period (`from`, `to`) counted."
        )]
        filter: Option<StatisticsFilter>,
        #[graphql(
            default,
            desc = "The dimensions to group by; none gives one row for the whole filter."
        )]
        group_by: Vec<StatsDimension>,
    ) -> async_graphql::Result<Vec<ExampleStatisticsRow>> {
        let (app, actor) = app_actor(ctx);
        let Some(plan) =
            GroupPlan::new(actor, &filter.unwrap_or_default(), &group_by, &[]).gql()?
        else {
            return Ok(Vec::new());
        };
        let cells = stats::grouped(&app.db, actor, app.settings.disclosure, &SPEC, &plan)
            .await
            .gql()?;
        Ok(cells
            .into_iter()
            .map(|c| ExampleStatisticsRow {
                days: c.int("days"),
                visitors: c.int("visitors"),
                mean_visitors: c.number("mean"),
                region_code: c.region,
                period: c.period,
                suppressed: c.suppressed,
            })
            .collect())
    }
}

/// Visitors per region code, all of one level, counted in a scope, and whether they are withheld
/// (decided over all siblings, `stats::region_cells`): the facet's batch.
pub struct FacetLoader {
    db: sea_orm::DatabaseConnection,
    scope: Scope,
    access: bool,
    disclosure: stats::Disclosure,
}

impl Loader<String> for FacetLoader {
    type Value = (i64, bool);
    type Error = LoadError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, (i64, bool)>, LoadError> {
        let mut out = HashMap::new();
        let mut by_len: HashMap<usize, Vec<String>> = HashMap::new();
        for k in keys {
            by_len.entry(k.len()).or_default().push(k.clone());
        }
        for (_, codes) in by_len {
            let cells = stats::region_cells(
                &self.db,
                &SPEC,
                &self.scope,
                &codes,
                (None, None),
                self.access,
                self.disclosure,
            )
            .await
            .map_err(keluarga_core::graphql::loaders::load_error)?;
            for (code, c) in cells {
                out.insert(code, (c.int("visitors").unwrap_or(0), c.suppressed));
            }
        }
        Ok(out)
    }
}

keluarga_core::region_part!(
    /// The domain's part of `Region`.
    pub RegionExamplePart
);

/// The example facet of one region.
#[derive(SimpleObject)]
pub struct RegionExample {
    /// Visitors counted in the region (inside your scope); null when suppressed.
    pub visitors: Option<i64>,
}

#[Object]
impl<R: RegionType> RegionExamplePart<R> {
    /// Home visits in this region, batched over a list of regions.
    async fn example(&self, ctx: &Context<'_>) -> async_graphql::Result<RegionExample> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let (visitors, withheld) = ctx
            .data_unchecked::<DataLoader<FacetLoader>>()
            .load_one(self.r.code.clone())
            .await
            .map_err(|e| internal(&e))?
            .unwrap_or((0, false));
        let hidden = withheld
            || stats::suppressed(
                actor.has_record_access(),
                app.settings.disclosure.threshold,
                visitors,
            );
        Ok(RegionExample {
            visitors: (!hidden).then_some(visitors),
        })
    }
}

/// The example domain.
pub struct Example;

impl Domain for Example {
    const NAME: &'static str = "example";
    type Config = ExampleConfig;
    type Query<R: RegionType> = ExampleQuery<R>;
    type Mutation<R: RegionType> = NoMutation;
    type RegionPart<R: RegionType> = RegionExamplePart<R>;
    type FamilyPart<R: RegionType> = keluarga_core::NoFields;
    type Node<R: RegionType> = nodes::Node<R>;

    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }

    fn records() -> Vec<keluarga_core::records::RecordInfo> {
        vec![keluarga_core::records::info::<entity::Entity>()]
    }

    fn per_request(
        app: &AppContext,
        actor: &Actor,
        req: async_graphql::Request,
    ) -> async_graphql::Request {
        let r = keluarga_core::Reader::new(app, actor);
        req.data(by_id::<entity::Entity>(&r))
            .data(batched(FacetLoader {
                db: app.db.clone(),
                scope: actor.scope.clone(),
                access: actor.has_record_access(),
                disclosure: app.settings.disclosure,
            }))
    }

    async fn seed_demo(_: &AppContext) -> Result<(), keluarga_core::error::Error> {
        Ok(())
    }
}

/// `[domains.example]`: nothing to configure.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleConfig {}

/// The example has no mutations: an object with one harmless field stands in for them (a merged
/// mutation part must define a field).
#[derive(Default)]
pub struct NoMutation;

#[Object]
impl NoMutation {
    /// Echoes its argument (the example domain writes nothing).
    async fn example_echo(&self, value: String) -> String {
        value
    }
}
