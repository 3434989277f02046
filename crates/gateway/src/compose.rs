//! `compose_domains!`: builds everything that depends on the set of domains from one list (the
//! invocation in `domains.rs`). Each entry is
//!
//! ```text
//! #[cfg(feature = "...")] name: crate_name::DomainType [NodeType, ...],
//! ```
//!
//! inside `domains: [...]` (exactly one attribute per entry: its `cfg`); `node_attributes: [...]` holds attributes for the generated `Node`
//! enum (lint expectations that depend on which domains are built).
//!
//! where `DomainType` implements [`keluarga_core::Domain`] and the crate exports its node types and
//! their enum as `crate_name::nodes::{Node, NodeType, ...}`.

/// See the module documentation.
macro_rules! compose_domains {
    (
        node_attributes: [ $(#[$node_attr:meta])* ],
        domains: [
            $(
                #[$attr:meta]
                $name:ident : $krate:ident :: $dom:ident [ $($variant:ident),* $(,)? ]
            ),* $(,)?
        ] $(,)?
    ) => {
        use async_graphql::{Context, Interface, MergedObject};
        use keluarga_core::graphql::mutation::{ApiKeyMutation, RegistryMutation};
        use keluarga_core::graphql::query::RegistryQuery;
        use keluarga_core::graphql::region::{RegionCore, RegionQuery};
        use keluarga_core::graphql::types::{
            Activity, CadreRole, FamilyCore, Household, Organisation, Person, Programme,
        };
        use keluarga_core::{Actor, AppContext, RegionRef, RegionType};

        use crate::schema::NodeQuery;

        /// The one `Region` type: core's fields plus one facet per domain.
        #[derive(MergedObject)]
        #[graphql(name = "Region")]
        pub struct Region(
            RegionCore<Region>,
            $( #[$attr] <$krate::$dom as keluarga_core::Domain>::RegionPart<Region>, )*
        );

        impl From<RegionRef> for Region {
            fn from(r: RegionRef) -> Self {
                Region(
                    RegionCore::from(r.clone()),
                    $( #[$attr] r.clone().into(), )*
                )
            }
        }

        impl RegionType for Region {
            type Family = Family;
        }

        /// The one `Family` type: core's fields plus each domain's family part.
        #[derive(MergedObject)]
        #[graphql(name = "Family")]
        pub struct Family(
            FamilyCore<Region>,
            $( #[$attr] <$krate::$dom as keluarga_core::Domain>::FamilyPart<Region>, )*
        );

        impl From<keluarga_core::entity::family::Model> for Family {
            fn from(m: keluarga_core::entity::family::Model) -> Self {
                Family(
                    FamilyCore::from(m.clone()),
                    $( #[$attr] m.clone().into(), )*
                )
            }
        }

        impl Family {
            /// The global id (for the `Node` interface).
            pub async fn id(&self, ctx: &Context<'_>) -> async_graphql::Result<async_graphql::ID> {
                self.0.id(ctx).await
            }
        }

        impl Region {
            /// The global id (for the `Node` interface).
            pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<async_graphql::ID> {
                Ok(keluarga_core::id::encode("Region", &self.0.region_ref().code))
            }
        }

        /// The query root: core's parts, then each domain's part.
        #[derive(MergedObject, Default)]
        pub struct Query(
            RegionQuery<Region>,
            RegistryQuery<Region>,
            NodeQuery,
            $( #[$attr] <$krate::$dom as keluarga_core::Domain>::Query<Region>, )*
        );

        /// The mutation root: core's parts, then each domain's part.
        #[derive(MergedObject, Default)]
        pub struct Mutation(
            RegistryMutation<Region>,
            ApiKeyMutation,
            $( #[$attr] <$krate::$dom as keluarga_core::Domain>::Mutation<Region>, )*
        );

        /// The Relay `Node` interface: every object with a global id.
        #[derive(Interface)]
        #[graphql(field(name = "id", ty = "async_graphql::ID", desc = "Opaque global id."))]
        $(#[$node_attr])*
        pub enum Node {
            /// A region.
            Region(Region),
            /// An organisation.
            Organisation(Organisation<Region>),
            /// A programme.
            Programme(Programme<Region>),
            /// An activity.
            Activity(Activity<Region>),
            /// A person.
            Person(Person<Region>),
            /// A family.
            Family(Family),
            /// A household.
            Household(Household<Region>),
            /// A cadre role.
            CadreRole(CadreRole<Region>),
            $( $(
                #[$attr]
                $variant($krate::nodes::$variant<Region>),
            )* )*
        }

        $(
            #[$attr]
            impl From<$krate::nodes::Node<Region>> for Node {
                fn from(n: $krate::nodes::Node<Region>) -> Node {
                    match n {
                        $( $krate::nodes::Node::$variant(x) => Node::$variant(x), )*
                    }
                }
            }
        )*

        /// Each domain's node types as this list names them (the gateway's `Node` interface) and
        /// as the domain declares them (`domain_nodes!`): a test checks they agree.
        pub fn node_lists() -> Vec<(&'static str, Vec<&'static str>, &'static [&'static str])> {
            vec![
                $(
                    #[$attr]
                    (
                        <$krate::$dom as keluarga_core::Domain>::NAME,
                        vec![$( stringify!($variant) ),*],
                        <<$krate::$dom as keluarga_core::Domain>::Node<Region> as keluarga_core::NodeSet<Region>>::TYPES,
                    ),
                )*
            ]
        }

        /// The names of the domains this build has (their `[domains.<name>]` sections).
        pub const DOMAINS: &[&str] = &[
            $( #[$attr] <$krate::$dom as keluarga_core::Domain>::NAME, )*
        ];

        /// The domain tables whose rows follow a person's region (core keeps them in step).
        pub fn person_region_tables() -> Vec<&'static str> {
            let tables: Vec<&[&'static str]> = vec![
                $( #[$attr] <$krate::$dom as keluarga_core::Domain>::PERSON_REGION_TABLES, )*
            ];
            tables.concat()
        }

        /// The counts core and every domain declare as splittable by sex (data terpilah).
        pub fn sex_measures() -> Vec<keluarga_core::stats::SexMeasure> {
            let all: Vec<&[keluarga_core::stats::SexMeasure]> = vec![
                keluarga_core::graphql::query::CORE_SEX_MEASURES,
                $( #[$attr] <$krate::$dom as keluarga_core::Domain>::SEX_MEASURES, )*
            ];
            all.concat()
        }

        /// The rollups every domain keeps of its statistics.
        pub fn rollups() -> Vec<&'static keluarga_core::rollup::Rollup> {
            let all: Vec<&[&'static keluarga_core::rollup::Rollup]> = vec![
                $( #[$attr] <$krate::$dom as keluarga_core::Domain>::ROLLUPS, )*
            ];
            all.concat()
        }

        /// The record types of core and every domain, with their access rules.
        pub fn records() -> Vec<keluarga_core::records::RecordInfo> {
            let all: Vec<Vec<keluarga_core::records::RecordInfo>> = vec![
                keluarga_core::entity::records(),
                $( #[$attr] <$krate::$dom as keluarga_core::Domain>::records(), )*
            ];
            all.concat()
        }

        /// The migrations of every domain, in list order (core's come first; see `Migrator`).
        pub fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
            let all: Vec<Vec<Box<dyn sea_orm_migration::MigrationTrait>>> = vec![
                $( #[$attr] <$krate::$dom as keluarga_core::Domain>::migrations(), )*
            ];
            all.into_iter().flatten().collect()
        }

        /// The configuration sections of the domains this build has.
        #[derive(Default)]
        pub struct DomainConfigs {
            $(
                #[$attr]
                #[doc = concat!("`[domains.", stringify!($name), "]`.")]
                pub $name: <$krate::$dom as keluarga_core::Domain>::Config,
            )*
        }

        impl DomainConfigs {
            /// The largest file upload any domain accepts (0 when none takes uploads).
            pub fn upload_limit(&self) -> usize {
                let limits: Vec<usize> = vec![
                    $( #[$attr] <$krate::$dom as keluarga_core::Domain>::upload_limit(&self.$name), )*
                ];
                limits.into_iter().max().unwrap_or(0)
            }

            /// Reads every `[domains.<name>]` section; an unknown domain or key is an error.
            pub fn from_sections(
                sections: &std::collections::BTreeMap<String, serde_json::Value>,
            ) -> anyhow::Result<Self> {
                if let Some(name) = sections.keys().find(|n| !DOMAINS.contains(&n.as_str())) {
                    anyhow::bail!("[domains.{name}]: no such domain in this build");
                }
                Ok(DomainConfigs {
                    $(
                        #[$attr]
                        $name: match sections.get(<$krate::$dom as keluarga_core::Domain>::NAME) {
                            Some(value) => serde_json::from_value(value.clone()).map_err(|e| {
                                anyhow::anyhow!("[domains.{}]: {e}", <$krate::$dom as keluarga_core::Domain>::NAME)
                            })?,
                            None => Default::default(),
                        },
                    )*
                })
            }
        }

        /// Every domain's `install` hook, in list order.
        pub fn install<Q, M, S>(
            app: &AppContext,
            cfgs: &DomainConfigs,
            builder: async_graphql::SchemaBuilder<Q, M, S>,
        ) -> async_graphql::SchemaBuilder<Q, M, S>
        where
            Q: async_graphql::ObjectType + 'static,
            M: async_graphql::ObjectType + 'static,
            S: async_graphql::SubscriptionType + 'static,
        {
            let _ = (app, cfgs);
            $( #[$attr] let builder = <$krate::$dom as keluarga_core::Domain>::install(app, &cfgs.$name, builder); )*
            builder
        }

        /// Every domain's per-request data (its loaders, scoped to `actor`).
        pub fn per_request(
            app: &AppContext,
            actor: &Actor,
            req: async_graphql::Request,
        ) -> async_graphql::Request {
            let _ = (app, actor);
            $( #[$attr] let req = <$krate::$dom as keluarga_core::Domain>::per_request(app, actor, req); )*
            req
        }

        /// Every domain's demo data, in list order.
        pub async fn seed_demo(app: &AppContext) -> Result<(), keluarga_core::error::Error> {
            let _ = app;
            $( #[$attr] <$krate::$dom as keluarga_core::Domain>::seed_demo(app).await?; )*
            Ok(())
        }

        /// Every domain's part of one batch of a synthetic province, in list order.
        pub async fn seed_synthetic(
            app: &AppContext,
            txn: &sea_orm::DatabaseTransaction,
            batch: &keluarga_core::synthetic::Batch,
        ) -> Result<(), keluarga_core::error::Error> {
            let _ = (app, txn, batch);
            $( #[$attr] {
                let started = std::time::Instant::now();
                <$krate::$dom as keluarga_core::Domain>::seed_synthetic(app, txn, batch).await?;
                tracing::debug!(
                    domain = <$krate::$dom as keluarga_core::Domain>::NAME,
                    batch = batch.number,
                    ms = started.elapsed().as_secs_f64() * 1000.0,
                    "synthetic batch part written"
                );
            } )*
            Ok(())
        }

        /// A node of a domain type: `None` when no domain owns `kind`.
        pub async fn domain_node(
            ctx: &Context<'_>,
            kind: &str,
            id: uuid::Uuid,
        ) -> Option<async_graphql::Result<Option<Node>>> {
            let _ = (ctx, id, kind);
            $(
                #[$attr]
                if <<$krate::$dom as keluarga_core::Domain>::Node<Region> as keluarga_core::NodeSet<Region>>::TYPES.contains(&kind) {
                    return Some(
                        <<$krate::$dom as keluarga_core::Domain>::Node<Region> as keluarga_core::NodeSet<Region>>::load(ctx, kind, id)
                            .await
                            .map(|n| n.map(Node::from)),
                    );
                }
            )*
            None
        }

        /// The CLI subcommands of every domain; commands of the same name are merged.
        pub fn commands() -> Vec<clap::Command> {
            let mut out: Vec<clap::Command> = Vec::new();
            let all: Vec<Vec<clap::Command>> = vec![
                $( #[$attr] <$krate::$dom as keluarga_core::Domain>::commands(), )*
            ];
            for cmd in all.into_iter().flatten() {
                match out.iter().position(|c| c.get_name() == cmd.get_name()) {
                    Some(i) => {
                        let merged = out.remove(i).subcommands(cmd.get_subcommands().cloned());
                        out.insert(i, merged);
                    }
                    None => out.push(cmd),
                }
            }
            out
        }

        /// Runs a domain subcommand: `None` when no domain owns (`name`, its subcommand).
        pub async fn run_command(
            app: &AppContext,
            cfgs: &DomainConfigs,
            name: &str,
            args: &clap::ArgMatches,
        ) -> Option<anyhow::Result<()>> {
            let _ = (app, cfgs, args, name);
            $(
                #[$attr]
                {
                    let owns = <$krate::$dom as keluarga_core::Domain>::commands().iter().any(|c| {
                        c.get_name() == name
                            && (c.get_subcommands().next().is_none()
                                || args.subcommand_name().is_some_and(|s| {
                                    c.get_subcommands().any(|sc| sc.get_name() == s)
                                }))
                    });
                    if owns {
                        return Some(
                            <$krate::$dom as keluarga_core::Domain>::run_command(app, &cfgs.$name, name, args).await,
                        );
                    }
                }
            )*
            None
        }

        /// The fields each merged part defines, introspected part by part (for the overlap test).
        pub async fn part_fields() -> Vec<crate::schema::PartFields> {
            use crate::schema::PartFields;
            let mut out = vec![
                PartFields::of::<RegionQuery<Region>, async_graphql::EmptyMutation, RegionCore<Region>>("core: regions").await,
                PartFields::of::<RegistryQuery<Region>, RegistryMutation<Region>, RegionCore<Region>>("core: registry").await,
                PartFields::of::<NodeQuery, ApiKeyMutation, RegionCore<Region>>("core: nodes and keys").await,
            ];
            // Core's Region fields count once.
            for p in out.iter_mut().skip(1) {
                p.region.clear();
            }
            $(
                #[$attr]
                out.push(
                    PartFields::of::<
                        <$krate::$dom as keluarga_core::Domain>::Query<Region>,
                        <$krate::$dom as keluarga_core::Domain>::Mutation<Region>,
                        <$krate::$dom as keluarga_core::Domain>::RegionPart<Region>,
                    >(<$krate::$dom as keluarga_core::Domain>::NAME)
                    .await,
                );
            )*
            out
        }
    };
}
