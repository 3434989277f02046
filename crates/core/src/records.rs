//! The one way rows reach a resolver: [`Reader`], built per request from the actor.
//!
//! Every table the API returns is a [`Record`]: it names its GraphQL type, the column that places
//! it in a region, and its [`Access`] rule. Root lists, `node`/`nodes`, relation fields and their
//! DataLoaders all read through a `Reader`, which checks the rule, applies the actor's scope, and
//! queues the audit entry of every personal record it returns. Declare a record with [`record!`].

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use uuid::Uuid;

use crate::actor::{Actor, Scope};
use crate::audit::AuditSink;
use crate::context::AppContext;
use crate::error::{Error, Result};
use crate::pagination::{Page, PageArgs, SortDirection};
use crate::sql::in_scope;

/// Who may read a record, and whether reading it is audit-logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reference data (organisations, programmes, posyandu...): every authenticated role, in scope.
    Reference,
    /// Personal records (persons, families...): roles with record access, whose reads are
    /// audit-logged, and ANALYST, who sees them de-identified.
    Personal,
    /// Children's and health data (children, measurements, visits): roles with record access
    /// only; every read is audit-logged.
    Health,
    /// The audit log itself: ADMIN only.
    Admin,
}

impl Access {
    /// True when `actor` may read records under this rule.
    pub fn allows(self, actor: &Actor) -> bool {
        match self {
            Access::Reference => actor.can_read(),
            Access::Personal => actor.can_list_records(),
            Access::Health => actor.has_record_access(),
            Access::Admin => actor.is_admin(),
        }
    }

    /// True when a read by `actor` is audit-logged.
    pub fn audited(self, actor: &Actor) -> bool {
        matches!(self, Access::Personal | Access::Health) && actor.has_record_access()
    }

    /// True for personal records (audited reads, hidden from roles without record access).
    pub fn is_personal(self) -> bool {
        matches!(self, Access::Personal | Access::Health)
    }
}

/// A table the API returns rows of. Implement it with [`record!`].
pub trait Record:
    EntityTrait<Model: Clone + Send + Sync + 'static, Column: Send + Sync> + Send + Sync + 'static
{
    /// The GraphQL type name of its rows (also the kind of their global ids).
    const TYPE: &'static str;
    /// Who may read it.
    const ACCESS: Access;
    /// Rows in the regions above the actor's scope are visible too (reference data such as a
    /// provincial organisation working in a city).
    const VISIBLE_FROM_BELOW: bool = false;
    /// The primary key column.
    fn id_col() -> Self::Column;
    /// The region-code column that scopes it; `None` for rows reachable only through a scoped
    /// parent (a family's members, a team's members).
    fn region_col() -> Option<Self::Column>;
    /// The primary key of a row.
    fn id_of(m: &Self::Model) -> Uuid;
    /// Rows of this record `actor` may read beyond its access rule and scope, when they are fewer
    /// (a visit that records violence: only ADMIN, OPERATOR and the cadre who recorded it);
    /// `None` for every row. The `Reader` adds it to every read.
    fn restrict(_actor: &Actor) -> Option<Condition> {
        None
    }
}

/// What the schema says about one record type: the marker the personal-data test (and the
/// documentation) reads. A domain lists the records the API exposes as GraphQL types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordInfo {
    /// The GraphQL type name.
    pub type_name: &'static str,
    /// The table (the audit log's `entity`).
    pub table: &'static str,
    /// Its access rule.
    pub access: Access,
}

/// The [`RecordInfo`] of `E`.
pub fn info<E: Record>() -> RecordInfo {
    RecordInfo {
        type_name: E::TYPE,
        table: E::default().table_name(),
        access: E::ACCESS,
    }
}

/// Implements [`Record`] for the entity of module `$m` (with `id` and, when named, a region
/// column): `record!(child, "Child", Health, region: RegionCode)`; `restrict: path::to::fn`
/// names a [`Record::restrict`] function.
#[macro_export]
macro_rules! record {
    ($m:ident, $ty:literal, $access:ident $(, region: $col:ident)? $(, visible_from_below: $vfb:literal)? $(, restrict: $restrict:path)?) => {
        impl $crate::records::Record for $m::Entity {
            const TYPE: &'static str = $ty;
            const ACCESS: $crate::records::Access = $crate::records::Access::$access;
            $(const VISIBLE_FROM_BELOW: bool = $vfb;)?
            fn id_col() -> $m::Column {
                $m::Column::Id
            }
            fn region_col() -> Option<$m::Column> {
                None $(.or(Some($m::Column::$col)))?
            }
            fn id_of(m: &$m::Model) -> ::uuid::Uuid {
                m.id
            }
            $(
                fn restrict(actor: &$crate::Actor) -> Option<::sea_orm::Condition> {
                    $restrict(actor)
                }
            )?
        }
    };
}

/// The per-request reader: the actor, its scope and the audit queue. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Reader {
    db: DatabaseConnection,
    actor: Actor,
    audit: AuditSink,
}

impl Reader {
    /// The reader of `actor`.
    pub fn new(app: &AppContext, actor: &Actor) -> Self {
        Reader {
            db: app.db.clone(),
            actor: actor.clone(),
            audit: app.audit.clone(),
        }
    }

    /// The actor.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Fails unless the actor may read `E` (UNAUTHENTICATED for anonymous, else FORBIDDEN).
    pub fn allow<E: Record>(&self) -> Result<()> {
        self.actor.require_read()?;
        if E::ACCESS.allows(&self.actor) {
            Ok(())
        } else {
            Err(Error::forbidden(match E::ACCESS {
                Access::Health => "read children's or health records",
                Access::Admin => "read the audit log",
                _ => "read individual records",
            }))
        }
    }

    fn scope_condition<E: Record>(&self, scope: &Scope) -> Condition {
        let restrict = E::restrict(&self.actor).unwrap_or_else(Condition::all);
        let Some(col) = E::region_col() else {
            return restrict;
        };
        let mut cond = Condition::any().add(in_scope(col, scope));
        if E::VISIBLE_FROM_BELOW {
            let above = crate::region_code::ancestors_of(self.actor.scope.code());
            if !above.is_empty() {
                cond = cond.add(col.is_in(above));
            }
        }
        Condition::all().add(cond).add(restrict)
    }

    /// The rows of `E` the actor may see, narrowed to `region_code` when given (a malformed
    /// code is BAD_USER_INPUT on `filter.regionCode`; a region outside the scope matches nothing).
    pub fn select<E: Record>(&self, region_code: Option<&str>) -> Result<Select<E>> {
        self.allow::<E>()?;
        let q = match E::restrict(&self.actor) {
            Some(c) => E::find().filter(c),
            None => E::find(),
        };
        Ok(
            match (
                self.actor.scope_for(region_code, "filter.regionCode")?,
                E::region_col(),
            ) {
                (Some(s), Some(col)) => q.filter(in_scope(col, &s)),
                (Some(_), None) => q,
                (None, _) => q.filter(Expr::val(1).eq(0)),
            },
        )
    }

    /// Queues the audit entry of reading `ids` of `E`, when `E`'s rule asks for one.
    pub async fn audit<E: Record>(&self, ids: impl IntoIterator<Item = Uuid>) -> Result<()> {
        if !E::ACCESS.audited(&self.actor) {
            return Ok(());
        }
        let table = E::default().table_name().to_owned();
        self.audit
            .read(&self.actor, &table, ids.into_iter().collect())
            .await
    }

    /// Runs `select` (from [`Reader::select`]) and audits what it returns.
    pub async fn all<E: Record>(&self, select: Select<E>) -> Result<Vec<E::Model>> {
        let rows = select.all(&self.db).await?;
        self.audit::<E>(rows.iter().map(E::id_of)).await?;
        Ok(rows)
    }

    /// Runs `select` for one row and audits it.
    pub async fn one<E: Record>(&self, select: Select<E>) -> Result<Option<E::Model>> {
        let row = select.one(&self.db).await?;
        self.audit::<E>(row.iter().map(E::id_of)).await?;
        Ok(row)
    }

    /// One keyset page of `select` (from [`Reader::select`]) ordered by (`sort`, id), audited.
    pub async fn page<E: Record, N: async_graphql::OutputType>(
        &self,
        select: Select<E>,
        sort: E::Column,
        dir: SortDirection,
        args: &PageArgs,
        cursor_of: impl Fn(&E::Model) -> (String, String),
        to_node: impl Fn(E::Model) -> N,
    ) -> Result<Page<N>> {
        let mut ids = Vec::new();
        let page = crate::pagination::keyset_page(
            &self.db,
            self.db.clone(),
            select,
            sort,
            E::id_col(),
            dir,
            args,
            cursor_of,
            |m| {
                ids.push(E::id_of(&m));
                to_node(m)
            },
        )
        .await?;
        self.audit::<E>(ids).await?;
        Ok(page)
    }

    /// The latest row of `E` per parent among `keys` (`parent` and `date` are column names of
    /// `E`'s table; ties broken by the highest id), in the actor's scope, audited: one statement
    /// for a whole batch. Nothing when the actor may not read `E`. Records with a per-row
    /// restriction are refused (their condition is not written into this SQL). `E`'s table
    /// needs an index on (`parent`, `date`): PostgreSQL probes it once per parent.
    pub async fn latest<E: Record>(
        &self,
        parent: &str,
        date: &str,
        keys: &[Uuid],
    ) -> Result<Vec<E::Model>> {
        if keys.is_empty() || !E::ACCESS.allows(&self.actor) {
            return Ok(Vec::new());
        }
        if E::restrict(&self.actor).is_some() {
            return Err(Error::Db(sea_orm::DbErr::Custom(format!(
                "Reader::latest does not apply the restriction of {}",
                E::TYPE
            ))));
        }
        let table = E::default().table_name().to_owned();
        let backend = sea_orm::ConnectionTrait::get_database_backend(&self.db);
        let mut b = crate::sql::Binder::new(backend);
        let scope_of = |b: &mut crate::sql::Binder, alias: &str| match E::region_col() {
            Some(col) => b.in_scope(
                &format!("{alias}.{}", sea_orm::IdenStatic::as_str(&col)),
                &self.actor.scope,
            ),
            None => "1 = 1".to_owned(),
        };
        // Values are bound in the order the texts below use them: the keys, then the scope
        // (twice on SQLite, outer and inner).
        let list = b.list(keys.iter().cloned());
        let sql = if backend == sea_orm::DbBackend::Postgres {
            // One index probe per parent (`LIMIT 1` on the (parent, date) index), as a
            // hand-written query would: reading every row of the page's parents and numbering
            // them cost three times as much on PostgreSQL (bench/README.md, "Read path"). The
            // parent's rows are read newest first behind `OFFSET 0` (PostgreSQL's documented
            // fence) and the scope is tested on them: with the scope beside the parent, the
            // planner estimated a city's scope to keep 1 row in 40 and ANDed a bitmap of the
            // whole city's rows into every probe (25 ms for a page at a million families,
            // bench/plans/04-operator-stunted-children.txt).
            let scope = scope_of(&mut b, "s");
            format!(
                "SELECT l.* FROM (SELECT DISTINCT k FROM unnest(ARRAY[{list}]) AS k) keys \
                 CROSS JOIN LATERAL (SELECT s.* FROM (SELECT t.* FROM {table} t \
                 WHERE t.{parent} = keys.k ORDER BY t.{date} DESC, t.id DESC OFFSET 0) s \
                 WHERE {scope} ORDER BY s.{date} DESC, s.id DESC LIMIT 1) l"
            )
        } else {
            let scope = scope_of(&mut b, "t");
            // SQLite has no LATERAL: each row of the parents is kept when it is its parent's
            // latest in scope, found by the same `LIMIT 1` probe of the (parent, date) index
            // (numbering every row of the parents with a window function took 2.5 times as
            // long).
            let inner = scope_of(&mut b, "l");
            format!(
                "SELECT t.* FROM {table} t WHERE t.{parent} IN ({list}) AND {scope} \
                 AND t.id = (SELECT l.id FROM {table} l WHERE l.{parent} = t.{parent} \
                 AND {inner} ORDER BY l.{date} DESC, l.id DESC LIMIT 1)"
            )
        };
        let rows = E::find()
            .from_raw_sql(sea_orm::Statement::from_sql_and_values(
                backend, sql, b.values,
            ))
            .all(&self.db)
            .await?;
        self.audit::<E>(rows.iter().map(E::id_of)).await?;
        Ok(rows)
    }

    /// Rows of `E` by id, in the actor's scope; nothing when the actor may not read `E`.
    pub async fn by_ids<E: Record>(&self, ids: &[Uuid]) -> Result<Vec<E::Model>> {
        if !E::ACCESS.allows(&self.actor) {
            return Ok(Vec::new());
        }
        let q = E::find()
            .filter(E::id_col().is_in(crate::sql::padded(ids.iter().copied())))
            .filter(self.scope_condition::<E>(&self.actor.scope));
        self.all(q).await
    }

    /// Rows of `E` whose `fk` is one of `keys`, in id order and in the actor's scope; nothing when
    /// the actor may not read `E`.
    pub async fn by_parent<E: Record>(
        &self,
        fk: E::Column,
        keys: &[Uuid],
    ) -> Result<Vec<E::Model>> {
        if !E::ACCESS.allows(&self.actor) {
            return Ok(Vec::new());
        }
        let q = E::find()
            .filter(fk.is_in(crate::sql::padded(keys.iter().copied())))
            .filter(self.scope_condition::<E>(&self.actor.scope))
            .order_by_asc(E::id_col());
        self.all(q).await
    }
}

impl Reader {
    /// Rows of `E` whose `fk` is one of `keys`, each with the row of `P` its column `rel`
    /// points to, in one statement (a `LEFT JOIN`), in `E`'s id order. `E` is read as
    /// [`Reader::by_parent`] reads it; the joined `P` row is `None` when the actor may not read
    /// `P` or the row is outside its scope or restriction (the `E` row stays). Both records'
    /// personal rows are audited. What a page calls to preload a relation selected under its
    /// nodes and the relation's own many-to-one together (`docs/architecture.md`, "Preloading").
    pub async fn by_parent_with<E: Record, P: Record>(
        &self,
        fk: E::Column,
        rel: E::Column,
        keys: &[Uuid],
    ) -> Result<Vec<(E::Model, Option<P::Model>)>> {
        if keys.is_empty() || !E::ACCESS.allows(&self.actor) {
            return Ok(Vec::new());
        }
        if !P::ACCESS.allows(&self.actor) {
            let rows = self.by_parent::<E>(fk, keys).await?;
            return Ok(rows.into_iter().map(|m| (m, None)).collect());
        }
        let visible = self.scope_condition::<P>(&self.actor.scope);
        let join: sea_orm::RelationDef = E::belongs_to(P::default())
            .from(rel)
            .to(P::id_col())
            .on_condition(move |_, _| visible.clone())
            .into();
        let rows = E::find()
            .select_also(P::default())
            .join(sea_orm::JoinType::LeftJoin, join)
            .filter(fk.is_in(crate::sql::padded(keys.iter().copied())))
            .filter(self.scope_condition::<E>(&self.actor.scope))
            .order_by_asc(E::id_col())
            .all(&self.db)
            .await?;
        self.audit::<E>(rows.iter().map(|(e, _)| E::id_of(e)))
            .await?;
        let mut joined: Vec<Uuid> = rows
            .iter()
            .filter_map(|(_, p)| p.as_ref().map(P::id_of))
            .collect();
        joined.sort_unstable();
        joined.dedup();
        self.audit::<P>(joined).await?;
        Ok(rows)
    }
}

/// Writes the audit entry of a write (`CREATE`, `UPDATE`, `IMPORT`...) of personal records of `E`
/// on `db` — the mutation's own transaction, so the entry and the change commit together. Writes
/// of reference data are not audited.
pub async fn audit_write<E: Record, C: sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: &'static str,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<()> {
    if !E::ACCESS.is_personal() {
        return Ok(());
    }
    let table = E::default().table_name();
    crate::audit::write_entry(
        db,
        crate::audit::AuditEntry::new(actor, action, table, ids.into_iter().collect()),
    )
    .await
}
