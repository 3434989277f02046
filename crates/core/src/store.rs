//! sea-orm queries of the shared registry. Every function applies the actor's scope itself, so no
//! path through the graph can escape it; all are generic over `ConnectionTrait` and so run inside a
//! transaction too.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};

use crate::actor::Scope;
use crate::entity::region;
use crate::error::Result;
use crate::region_code::level_of;

/// The condition "`col` is inside `scope`": equality or a range scan on the code prefix.
pub fn in_scope<C: ColumnTrait>(col: C, scope: &Scope) -> Condition {
    let s = scope.code();
    if s.is_empty() {
        return Condition::all();
    }
    Condition::any().add(col.eq(s)).add(
        Condition::all()
            .add(col.gte(format!("{s}.")))
            .add(col.lt(format!("{s}/"))),
    )
}

/// Collects bound values for hand-written SQL and writes each backend's placeholder (`$n` or `?`).
pub struct Binder {
    /// The backend whose placeholders are written.
    pub backend: DbBackend,
    /// The bound values, in order.
    pub values: Vec<sea_orm::Value>,
}

impl Binder {
    /// A binder for `backend`.
    pub fn new(backend: DbBackend) -> Self {
        Binder {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `v` and returns its placeholder.
    pub fn bind(&mut self, v: impl Into<sea_orm::Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    /// The SQL condition "`col` is inside `scope`", the string form of [`in_scope`].
    pub fn in_scope(&mut self, col: &str, scope: &Scope) -> String {
        let s = scope.code();
        if s.is_empty() {
            return "1 = 1".to_owned();
        }
        let (eq, lo, hi) = (
            self.bind(s.to_owned()),
            self.bind(format!("{s}.")),
            self.bind(format!("{s}/")),
        );
        format!("({col} = {eq} OR ({col} >= {lo} AND {col} < {hi}))")
    }
}

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
        .filter(region::Column::Code.is_in(codes))
        .all(db)
        .await?)
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
        let mut q = region::Entity::find().filter(region::Column::Code.is_in(pinned));
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
    let list: Vec<String> = open.iter().map(|p| b.bind(p.clone())).collect();
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
        list.join(", ")
    );
    let rows = region::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(b.backend, sql, b.values))
        .all(db)
        .await?;
    for r in rows {
        if let Some(p) = &r.parent_code {
            out.entry(p.clone()).or_default().push(r);
        }
    }
    Ok(out)
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

/// A case-insensitive "name contains" condition that works on both backends.
pub fn name_contains<C: ColumnTrait>(col: C, needle: &str) -> SimpleExpr {
    let pattern = format!(
        "%{}%",
        needle
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(col)))
        .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
}
