//! Relay connections: keyset cursors, page-size limits and a `totalCount` computed only when asked.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Edge, EmptyFields, PageInfo};
use async_graphql::{Context, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};

use crate::error::{Error, Result};

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, async_graphql::Enum)]
pub enum SortDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// The `first` a connection without one uses, for complexity estimates (set from configuration
/// when the schema is built; complexity expressions see only their arguments).
static DEFAULT_PAGE_SIZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(20);

/// Records the configured default page size for [`cost`].
pub fn set_default_page_size(n: usize) {
    DEFAULT_PAGE_SIZE.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// The complexity of a connection field: its page size (`first`, or the configured default)
/// times the complexity of one node. Every connection uses it:
/// `#[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]`.
pub fn cost(first: Option<i32>, child_complexity: usize) -> usize {
    let n = first.map_or_else(
        || DEFAULT_PAGE_SIZE.load(std::sync::atomic::Ordering::Relaxed),
        |f| usize::try_from(f).unwrap_or(0),
    );
    n.max(1).saturating_mul(child_complexity)
}

/// Validated `first`/`after` arguments.
#[derive(Debug, Clone)]
pub struct PageArgs {
    /// How many nodes to return.
    pub first: u64,
    /// The sort key and id of the last node already seen.
    pub after: Option<(String, String)>,
    /// The selection reads cursors (`edges { cursor }`, `pageInfo { startCursor endCursor }`):
    /// a page encodes one per edge only then.
    pub cursors: bool,
    /// The selection reads `totalCount`: a page keeps what it needs to count only then.
    pub counted: bool,
}

impl PageArgs {
    /// Checks `first` against the request's limits (the largest page of the caller's role)
    /// and decodes `after`: what every connection field calls.
    pub fn of(
        ctx: &async_graphql::Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Self> {
        let app = ctx.data_unchecked::<crate::context::AppContext>();
        let actor = ctx.data_unchecked::<crate::actor::Actor>();
        let (first, after) = Self::checked(app, actor, first, after)?;
        // The look-ahead sees through fragments and counts fields under `@skip`/`@include`
        // as selected: it may say yes to a cursor nobody reads, never no to one that is read.
        let look = ctx.look_ahead();
        let info = look.field("pageInfo");
        Ok(PageArgs {
            first,
            after,
            cursors: look.field("edges").field("cursor").exists()
                || info.field("startCursor").exists()
                || info.field("endCursor").exists(),
            counted: look.field("totalCount").exists(),
        })
    }

    /// `first` checked against the actor's largest page (the default when absent) and `after`
    /// decoded, as `of` does: also for a page that preloads a nested connection from the
    /// arguments the look-ahead gives it.
    pub fn checked(
        app: &crate::context::AppContext,
        actor: &crate::actor::Actor,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<(u64, Option<(String, String)>)> {
        let max = app.settings.max_page_size_for(actor);
        let first = match first {
            None => app.settings.default_page_size,
            Some(n) if n < 0 => return Err(Error::bad("first", "must not be negative")),
            Some(n) if n as usize > max => {
                return Err(Error::bad("first", format!("must be at most {max}")));
            }
            Some(n) => n as usize,
        };
        let after = after
            .map(|c| decode_cursor(&c).ok_or_else(|| Error::bad("after", "not a valid cursor")))
            .transpose()?;
        Ok((first as u64, after))
    }
}

/// Encodes a keyset cursor from the sort key and the row id.
pub fn encode_cursor(sort: &str, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{sort}\u{1f}{id}"))
}

fn decode_cursor(c: &str) -> Option<(String, String)> {
    let s = String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
    let (a, b) = s.split_once('\u{1f}')?;
    Some((a.to_owned(), b.to_owned()))
}

type CountFn = dyn Fn() -> Pin<Box<dyn Future<Output = Result<u64>> + Send>> + Send + Sync;

/// The extra field every connection carries: `totalCount`, counted only when asked for.
pub struct TotalCount(Arc<CountFn>);

impl TotalCount {
    /// Counts the rows of `select` (already filtered and scoped) on demand.
    pub fn of<E>(db: sea_orm::DatabaseConnection, select: Select<E>) -> Self
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        TotalCount::lazy(move || {
            let (db, select) = (db.clone(), select.clone());
            async move { Ok(select.count(&db).await?) }
        })
    }

    /// For a page whose selection does not read `totalCount` ([`PageArgs::counted`]): keeps
    /// nothing to count with, and answers an internal error if it is read after all.
    pub fn not_selected() -> Self {
        TotalCount::lazy(|| async {
            Err(Error::Db(sea_orm::DbErr::Custom(
                "totalCount read but not looked ahead".to_owned(),
            )))
        })
    }

    /// Counts on demand with any async function.
    pub fn lazy<F, Fut>(f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<u64>> + Send + 'static,
    {
        TotalCount(Arc::new(move || Box::pin(f())))
    }
}

#[Object]
impl TotalCount {
    /// How many nodes match the filter in the actor's scope, ignoring pagination. Costs one
    /// `COUNT` query, so it is computed only when asked for.
    async fn total_count(&self, _ctx: &Context<'_>) -> async_graphql::Result<u64> {
        (self.0)().await.map_err(crate::error::to_gql)
    }
}

/// A page of nodes: the Relay connection type every list returns (`<Node>Connection`), with its
/// edges (`<Node>Edge`: cursor and node), `pageInfo` and the lazily counted `totalCount`. The
/// gateway's own type rather than async-graphql's `Connection`, so that every connection type of
/// the schema is described.
pub struct Page<N: async_graphql::OutputType> {
    /// The edges of this page, in order.
    pub edges: Vec<Edge<String, N, EmptyFields>>,
    has_previous_page: bool,
    has_next_page: bool,
    total: TotalCount,
}

impl<N: async_graphql::OutputType> Page<N> {
    /// An empty page that says whether pages come before and after it, and counts the total on
    /// demand.
    pub fn with_additional_fields(
        has_previous_page: bool,
        has_next_page: bool,
        total: TotalCount,
    ) -> Self {
        Page {
            edges: Vec::new(),
            has_previous_page,
            has_next_page,
            total,
        }
    }
}

impl<N: async_graphql::OutputType> async_graphql::TypeName for Page<N> {
    fn type_name() -> std::borrow::Cow<'static, str> {
        format!("{}Connection", N::type_name()).into()
    }
}

/// A Relay connection: one page of a list, its edges with their cursors, whether more pages
/// follow, and the total.
#[Object(name_type)]
impl<N: async_graphql::OutputType> Page<N> {
    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|e| e.cursor.clone()),
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }

    /// The edges of this page, in order.
    async fn edges(&self) -> &[Edge<String, N, EmptyFields>] {
        &self.edges
    }

    /// The nodes of this page, in order (the edges without their cursors).
    async fn nodes(&self) -> Vec<&N> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    #[graphql(flatten)]
    async fn additional_fields(&self) -> &TotalCount {
        &self.total
    }
}

/// Applies keyset pagination on (`sort`, `id`) to `select`, runs it, and builds the connection.
///
/// `sort_value` reads the sort key of a model as a string (it must compare the same way in the
/// database); `to_node` wraps a model into its GraphQL type.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site shape shared by every list"
)]
pub async fn keyset_page<E, C, N>(
    db: &C,
    count_db: sea_orm::DatabaseConnection,
    select: Select<E>,
    sort_col: E::Column,
    id_col: E::Column,
    dir: SortDirection,
    args: &PageArgs,
    cursor_of: impl Fn(&E::Model) -> (String, String),
    mut to_node: impl FnMut(E::Model) -> N,
) -> Result<Page<N>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
    N: async_graphql::OutputType,
{
    let total = match args.counted {
        true => TotalCount::of(count_db, select.clone()),
        false => TotalCount::not_selected(),
    };
    let mut q = select;
    if let Some((sort, id)) = &args.after {
        let sort_v = value_like(sort_col, sort);
        let id_v = value_like(id_col, id);
        let cond = match dir {
            SortDirection::Asc => Expr::col(sort_col)
                .gt(sort_v.clone())
                .or(Expr::col(sort_col)
                    .eq(sort_v)
                    .and(Expr::col(id_col).gt(id_v))),
            SortDirection::Desc => Expr::col(sort_col)
                .lt(sort_v.clone())
                .or(Expr::col(sort_col)
                    .eq(sort_v)
                    .and(Expr::col(id_col).lt(id_v))),
        };
        q = q.filter(cond.into_condition());
    }
    let order = match dir {
        SortDirection::Asc => Order::Asc,
        SortDirection::Desc => Order::Desc,
    };
    let mut rows = q
        .order_by(sort_col, order.clone())
        .order_by(id_col, order)
        .limit(args.first + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > args.first;
    rows.truncate(args.first as usize);
    let mut conn = Page::with_additional_fields(args.after.is_some(), has_next, total);
    for row in rows {
        let cursor = match args.cursors {
            true => {
                let (s, i) = cursor_of(&row);
                encode_cursor(&s, &i)
            }
            false => String::new(),
        };
        conn.edges.push(Edge::new(cursor, to_node(row)));
    }
    Ok(conn)
}

/// Turns a cursor string back into a value of the column's type (UUIDs and dates included).
fn value_like<Col: ColumnTrait>(col: Col, s: &str) -> Value {
    use sea_orm::sea_query::ColumnType;
    match col.def().get_column_type() {
        ColumnType::Uuid => uuid::Uuid::parse_str(s)
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(s.to_owned())),
        ColumnType::Date => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(s.to_owned())),
        _ => Value::from(s.to_owned()),
    }
}
