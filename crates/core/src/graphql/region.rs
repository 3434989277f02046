//! Core's part of the composed `Region` type, and the region queries.

use std::marker::PhantomData;

use crate::graphql::loaders::DataLoader;
use async_graphql::{Context, ID, InputObject, Object};

use crate::actor::Actor;
use crate::context::AppContext;
use crate::entity::region;
use crate::error::{Error, GqlResultExt, internal};
use crate::graphql::loaders::{ChildrenKey, ChildrenLoader, PopulationLoader, RegionLoader};
use crate::pagination::{Page, PageArgs, SortDirection, TotalCount, encode_cursor, keyset_page};
use crate::region_code::{RegionCode, RegionKind, RegionLevel, ancestors_of, kind_of, level_of};
use crate::store;

/// A cheap handle on one region: its code, and its row when already loaded. The gateway's composed
/// `Region` type is built from it, and every part of that type (core's and each domain's) holds a
/// clone: the handle is shared (`Arc`), so a clone is a reference count, not a copy of the code.
#[derive(Debug, Clone)]
pub struct RegionRef(std::sync::Arc<RegionHandle>);

/// What a [`RegionRef`] shares (reached through `Deref`: `r.code`, `r.model`).
#[derive(Debug)]
pub struct RegionHandle {
    /// The Kemendagri code.
    pub code: String,
    /// The region row, when the query that produced the handle already had it.
    pub model: Option<crate::entity::region::Model>,
    /// The region's `children` page, when the page this region came from preloaded it for the
    /// `children` its nodes select (`docs/architecture.md`, "Preloading").
    pub(crate) children: crate::graphql::preload::Preloaded<ChildrenPreload>,
}

impl std::ops::Deref for RegionRef {
    type Target = RegionHandle;

    fn deref(&self) -> &RegionHandle {
        &self.0
    }
}

impl RegionRef {
    /// A handle on `code`; its row is loaded (batched) when a field needs it.
    pub fn new(code: impl Into<String>) -> Self {
        RegionRef(std::sync::Arc::new(RegionHandle {
            code: code.into(),
            model: None,
            children: Default::default(),
        }))
    }

    /// A handle on an already loaded row.
    pub fn loaded(model: crate::entity::region::Model) -> Self {
        RegionRef::with_children(model, None)
    }

    /// A handle on an already loaded row and, when its page preloaded it, its children page.
    pub(crate) fn with_children(
        model: crate::entity::region::Model,
        children: Option<ChildrenPreload>,
    ) -> Self {
        let mut slot = crate::graphql::preload::Preloaded::default();
        if let Some(c) = children {
            slot.set(c);
        }
        RegionRef(std::sync::Arc::new(RegionHandle {
            code: model.code.clone(),
            model: Some(model),
            children: slot,
        }))
    }
}

/// Implemented by the gateway's composed `Region`; domains name it only through this trait. It
/// also carries the other composed type, `Family` (core's fields plus each domain's family part),
/// so that core and domains can return it.
pub trait RegionType: async_graphql::OutputType + From<RegionRef> + Send + Sync + 'static {
    /// The composed `Family` type.
    type Family: async_graphql::OutputType
        + From<crate::entity::family::Model>
        + Send
        + Sync
        + 'static;
}

/// Region handles for many codes, their rows loaded in one batch (for statistics rows, whose
/// regions are then named without a query each).
pub async fn region_handles<R: RegionType>(
    ctx: &Context<'_>,
    codes: Vec<String>,
) -> async_graphql::Result<impl Fn(String) -> R + use<R>> {
    let rows = ctx
        .data_unchecked::<DataLoader<RegionLoader>>()
        .load_many(codes)
        .await
        .map_err(|e| internal(&e))?;
    Ok(move |code: String| match rows.get(&code) {
        Some(m) => R::from(RegionRef::loaded(m.clone())),
        None => R::from(RegionRef::new(code)),
    })
}

/// Core's fields of `Region`: code, name, level, kind and navigation.
pub struct RegionCore<R> {
    r: RegionRef,
    _r: PhantomData<fn() -> R>,
}

impl<R> From<RegionRef> for RegionCore<R> {
    fn from(r: RegionRef) -> Self {
        RegionCore { r, _r: PhantomData }
    }
}

impl<R> RegionCore<R> {
    /// The handle this part wraps.
    pub fn region_ref(&self) -> &RegionRef {
        &self.r
    }

    async fn model(&self, ctx: &Context<'_>) -> async_graphql::Result<region::Model> {
        if let Some(m) = &self.r.model {
            return Ok(m.clone());
        }
        ctx.data_unchecked::<DataLoader<RegionLoader>>()
            .load_one(self.r.code.clone())
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| Error::NotFound(format!("region {}", self.r.code)))
            .gql()
    }
}

#[Object]
impl<R: RegionType> RegionCore<R> {
    /// Opaque global id (Relay `Node`).
    async fn id(&self) -> ID {
        crate::id::encode("Region", &self.r.code)
    }

    /// Kemendagri code, dotted (`33.75.01.1012`).
    async fn code(&self) -> &str {
        &self.r.code
    }

    /// Official name (`Kota Pekalongan`, `Pringrejo`).
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        if let Some(m) = &self.r.model {
            return Ok(m.name.clone());
        }
        Ok(self.model(ctx).await?.name)
    }

    /// Administrative level, from the number of parts of the code.
    async fn level(&self) -> RegionLevel {
        level_of(&self.r.code)
    }

    /// Kind of region, read from the code (kota for regency codes 71–99, kelurahan for village
    /// codes starting with 1, desa for 2, desa adat for 3).
    async fn kind(&self) -> RegionKind {
        kind_of(&self.r.code)
    }

    /// The decree the code and name come from.
    async fn decree(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.model(ctx).await?.decree)
    }

    /// The latest recorded population of this region (region reference data, with its year and
    /// source); null when none is recorded.
    async fn population(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<RegionPopulation>> {
        Ok(ctx
            .data_unchecked::<DataLoader<PopulationLoader>>()
            .load_one(self.r.code.clone())
            .await
            .map_err(|e| internal(&e))?
            .map(|m| RegionPopulation {
                year: m.year,
                population: m.population,
                source: m.source,
            }))
    }

    /// The region one level up; null for a province.
    async fn parent(&self) -> Option<R> {
        self.r
            .code
            .rfind('.')
            .map(|i| R::from(RegionRef::new(&self.r.code[..i])))
    }

    /// Every region above this one, from the province down to the parent.
    async fn ancestors(&self) -> Vec<R> {
        ancestors_of(&self.r.code)
            .into_iter()
            .map(|c| R::from(RegionRef::new(c)))
            .collect()
    }

    /// The regions one level down, in code order, that the actor may see.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (default 20, at most the configured maximum).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor of the last child already seen.")] after: Option<String>,
    ) -> async_graphql::Result<Page<R>> {
        let app = ctx.data_unchecked::<AppContext>();
        let actor = ctx.data_unchecked::<Actor>();
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let key = ChildrenKey {
            parent: self.r.code.clone(),
            after: args.after.as_ref().map(|(code, _)| code.clone()),
            limit: args.first + 1,
        };
        let mut rows = match self.r.children.take().filter(|p| p.key == key) {
            Some(p) => p.rows,
            None => ctx
                .data_unchecked::<DataLoader<ChildrenLoader>>()
                .load_one(key)
                .await
                .map_err(|e| internal(&e))?
                .unwrap_or_default(),
        };
        let has_next = rows.len() as u64 > args.first;
        rows.truncate(args.first as usize);
        let db = app.db.clone();
        let scope = actor.scope.clone();
        let parent = self.r.code.clone();
        let total = TotalCount::lazy(move || {
            let (db, scope, parent) = (db.clone(), scope.clone(), parent.clone());
            async move { store::children_count(&db, &scope, &parent).await }
        });
        let mut page = Page::with_additional_fields(args.after.is_some(), has_next, total);
        let mut nested = preload_children(ctx, app, actor, &rows).await?;
        for r in rows {
            let cursor = match args.cursors {
                true => encode_cursor(&r.code, &r.code),
                false => String::new(),
            };
            let children = nested.as_mut().map(|(key, pages)| ChildrenPreload {
                rows: pages.remove(&r.code).unwrap_or_default(),
                key: ChildrenKey {
                    parent: r.code.clone(),
                    ..key.clone()
                },
            });
            page.edges.push(async_graphql::connection::Edge::new(
                cursor,
                R::from(RegionRef::with_children(r, children)),
            ));
        }
        Ok(page)
    }
}

/// A region's `children` page read by the page the region came from: the page shape it was read
/// for (a `children` selection with other arguments reads through the loader) and its rows (one
/// more than the page size, as the loader answers).
#[derive(Debug)]
pub struct ChildrenPreload {
    pub(crate) key: ChildrenKey,
    pub(crate) rows: Vec<region::Model>,
}

/// A page shape (its parent left empty) and the children pages read with it, by parent code.
type ChildrenPages = (
    ChildrenKey,
    std::collections::HashMap<String, Vec<region::Model>>,
);

/// The children pages of a page's regions, read in one batch when the page's nodes select
/// `children` with one page shape (every alias with the same `first` and `after`): the shape,
/// and the rows by parent code. `None` when nothing is to be preloaded: no `children` selected,
/// shapes that differ, or arguments the nested field will refuse itself (with its own error).
async fn preload_children(
    ctx: &Context<'_>,
    app: &AppContext,
    actor: &Actor,
    rows: &[region::Model],
) -> async_graphql::Result<Option<ChildrenPages>> {
    if rows.is_empty() {
        return Ok(None);
    }
    let mut shape: Option<(Option<i32>, Option<String>)> = None;
    for field in crate::graphql::nodes_fields(ctx, &["children"]) {
        let Ok(arguments) = field.arguments() else {
            return Ok(None);
        };
        let mut this: (Option<i32>, Option<String>) = (None, None);
        for (name, value) in arguments {
            match (name.as_str(), value) {
                ("first", async_graphql::Value::Number(n)) => {
                    this.0 = n.as_i64().and_then(|n| i32::try_from(n).ok());
                    if this.0.is_none() {
                        return Ok(None);
                    }
                }
                ("after", async_graphql::Value::String(s)) => this.1 = Some(s),
                (_, async_graphql::Value::Null) => {}
                _ => return Ok(None),
            }
        }
        match &shape {
            Some(s) if *s != this => return Ok(None),
            _ => shape = Some(this),
        }
    }
    let Some((first, after)) = shape else {
        return Ok(None);
    };
    let Ok((first, after)) = PageArgs::checked(app, actor, first, after) else {
        return Ok(None);
    };
    let key = ChildrenKey {
        parent: String::new(),
        after: after.map(|(code, _)| code),
        limit: first + 1,
    };
    let keys: Vec<ChildrenKey> = rows
        .iter()
        .map(|r| ChildrenKey {
            parent: r.code.clone(),
            ..key.clone()
        })
        .collect();
    let pages = ctx
        .data_unchecked::<DataLoader<ChildrenLoader>>()
        .load_many(keys)
        .await
        .map_err(|e| internal(&e))?;
    let pages = pages.into_iter().map(|(k, v)| (k.parent, v)).collect();
    Ok(Some((key, pages)))
}

/// A region's population in a year, with the source of the figure.
#[derive(Debug, Clone, async_graphql::SimpleObject)]
pub struct RegionPopulation {
    /// The year of the figure.
    pub year: i32,
    /// People living in the region.
    pub population: i64,
    /// Where the figure comes from.
    pub source: String,
}

/// Which regions to list.
#[derive(Debug, Default, InputObject)]
pub struct RegionFilter {
    /// Only regions inside this one (the region itself excluded).
    pub within: Option<String>,
    /// Only regions at this level.
    pub level: Option<RegionLevel>,
    /// Case-insensitive part of the name (`pekalongan`).
    pub search: Option<String>,
}

/// Region queries.
pub struct RegionQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for RegionQuery<R> {
    fn default() -> Self {
        RegionQuery(PhantomData)
    }
}

#[Object]
impl<R: RegionType> RegionQuery<R> {
    /// One region by its Kemendagri code; null when it does not exist or is outside the actor's
    /// scope (the scope's ancestors are visible, for navigation).
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The Kemendagri code (`33.75`, `33.75.01.1012`).")] code: String,
    ) -> async_graphql::Result<Option<R>> {
        let actor = ctx.data_unchecked::<Actor>();
        actor.require_read().gql()?;
        RegionCode::parse(&code)
            .map_err(|e| Error::bad("code", e))
            .gql()?;
        let found = ctx
            .data_unchecked::<DataLoader<RegionLoader>>()
            .load_one(code)
            .await
            .map_err(|e| internal(&e))?;
        Ok(found.map(|m| R::from(RegionRef::loaded(m))))
    }

    /// Regions visible to the actor, filtered by ancestor, level and name, in code order.
    #[graphql(complexity = "crate::pagination::cost(first, child_complexity)")]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<RegionFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<R>> {
        let app = ctx.data_unchecked::<AppContext>();
        let actor = ctx.data_unchecked::<Actor>();
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let filter = filter.unwrap_or_default();
        let q = store::regions(
            &actor.scope,
            filter.within.as_deref(),
            filter.level,
            filter.search.as_deref(),
        )
        .gql()?;
        keyset_page(
            &app.db,
            app.db.clone(),
            q,
            region::Column::Code,
            region::Column::Code,
            SortDirection::Asc,
            &args,
            |m| (m.code.clone(), m.code.clone()),
            |m| R::from(RegionRef::loaded(m)),
        )
        .await
        .gql()
    }
}

/// Declares a domain's part of the composed `Region` (`Domain::RegionPart`): a struct holding the
/// region's shared handle (`self.r`, a [`RegionRef`]) and made from it; the domain writes its
/// `#[Object] impl<R: RegionType> Name<R>` with its one namespaced field.
#[macro_export]
macro_rules! region_part {
    ($(#[$m:meta])* $vis:vis $name:ident) => {
        $(#[$m])*
        $vis struct $name<R> {
            r: $crate::RegionRef,
            _r: ::std::marker::PhantomData<fn() -> R>,
        }

        impl<R> From<$crate::RegionRef> for $name<R> {
            fn from(r: $crate::RegionRef) -> Self {
                $name {
                    r,
                    _r: ::std::marker::PhantomData,
                }
            }
        }
    };
}
