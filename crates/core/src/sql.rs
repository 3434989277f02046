//! SQL building blocks every store uses: statement counting, write transactions, the scope
//! condition, the positional `Binder`, padded `IN` lists, and the checks of free-text and range
//! filters. They depend on nothing above the actor and the error catalogue, so that `records`
//! (the `Reader`), `stats` and every store can build on them.

use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DbBackend};

use crate::actor::Scope;
use crate::error::Result;

tokio::task_local! {
    static STATEMENTS: std::cell::Cell<u32>;
}

/// Counts one SQL statement against the operation running in this task, if any
/// ([`counting_statements`]). The gateway calls it from the connection's metric callback, so every
/// statement sent through sea-orm counts; statements of other tasks (the audit writer) do not.
pub fn count_statement() {
    let _ = STATEMENTS.try_with(|n| n.set(n.get().saturating_add(1)));
}

/// What every connection's metric callback does with a statement sent: counts it
/// ([`count_statement`]) and, when traces are exported, records a `statement` event (its text
/// without values, its duration) in the span that sent it.
pub fn statement_sent(info: &sea_orm::metric::Info<'_>) {
    count_statement();
    tracing::debug!(
        elapsed_ms = info.elapsed.as_secs_f64() * 1000.0,
        failed = info.failed,
        sql = %abbreviated(&info.statement.sql, 400),
        "statement"
    );
}

fn abbreviated(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Runs `f` and counts the SQL statements it sends ([`count_statement`]): the statements of one
/// operation, DataLoader batches included (the request drives them in its own task).
pub async fn counting_statements<F: std::future::Future>(f: F) -> (F::Output, u32) {
    STATEMENTS
        .scope(std::cell::Cell::new(0), async move {
            let out = f.await;
            (out, STATEMENTS.with(std::cell::Cell::get))
        })
        .await
}

/// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`: a transaction that reads before
/// it writes must hold the write lock from the start, or a commit by another connection in between
/// (the audit writer, a concurrent mutation) makes its first write fail with a busy snapshot that
/// no busy timeout retries. PostgreSQL ignores the mode.
pub async fn begin_write(
    db: &sea_orm::DatabaseConnection,
) -> std::result::Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::TransactionTrait;
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

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

    /// Binds every key of an `IN (...)` list and returns the placeholders, comma-separated and
    /// [`padded`] (so that a batch of any size is one of a few statement texts).
    pub fn list<T: Into<sea_orm::Value> + Clone>(
        &mut self,
        keys: impl IntoIterator<Item = T>,
    ) -> String {
        padded(keys)
            .into_iter()
            .map(|k| self.bind(k))
            .collect::<Vec<_>>()
            .join(", ")
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

    /// [`Binder::in_scope`] as one range, `col >= 'X' AND col < 'X/'`, for a column that only
    /// ever holds valid region codes (digits and dots: nothing sorts between `X` and `X.` but
    /// `X` itself). A btree index takes the range as its condition where the `OR` of
    /// [`Binder::in_scope`] became a filter over every row of the index's other conditions
    /// (`stat_rollup`: 409,000 rows read to keep 1,300 for a city's villages at a million
    /// families, bench/plans/02d-ketahanan-by-village.txt).
    pub fn in_code_range(&mut self, col: &str, scope: &Scope) -> String {
        let s = scope.code();
        if s.is_empty() {
            return "1 = 1".to_owned();
        }
        let (lo, hi) = (self.bind(s.to_owned()), self.bind(format!("{s}/")));
        format!("{col} >= {lo} AND {col} < {hi}")
    }
}

/// `keys` with the last one repeated up to the next power of two, for `IN (...)` lists.
///
/// Both drivers prepare a statement once per connection and cache it by its text (100 per
/// connection). A DataLoader batch can hold any number of keys, and an `IN` list of each length
/// is another text: the batches of one list page (1 to 50 keys, several loaders) overflowed the
/// cache, so PostgreSQL parsed and planned most statements on every request. Padded, batches of
/// 1 to 64 keys are 7 texts per query; repeating a key changes no result.
pub fn padded<T: Clone>(keys: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = keys.into_iter().collect();
    if let Some(last) = v.last().cloned() {
        let n = v.len().next_power_of_two();
        v.resize(n, last);
    }
    v
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

/// Fails with BAD_USER_INPUT on `filter.to` when a filter's range ends before it starts.
pub fn check_range<T: PartialOrd>(from: Option<T>, to: Option<T>) -> Result<()> {
    match (from, to) {
        (Some(a), Some(b)) if a > b => Err(crate::error::Error::bad(
            "filter.to",
            "must not be before filter.from",
        )),
        _ => Ok(()),
    }
}

/// Longest free-text filter (`search`), in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// Longest exact-match text filter (an audit entry's `entity`, `subject` or `action`).
pub const MAX_FILTER_CHARS: usize = 200;

/// A free-text filter as the client gave it: trimmed, `None` when empty; BAD_USER_INPUT on
/// `field` when longer than `max` characters or holding a control character (a NUL would cut a
/// pattern short on some drivers, and nothing typed in a search box is one).
pub fn filter_text<'a>(s: Option<&'a str>, field: &str, max: usize) -> Result<Option<&'a str>> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().nth(max).is_some() {
        return Err(crate::error::Error::bad(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(crate::error::Error::bad(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(t))
}

/// A `search` filter ([`filter_text`] of at most [`MAX_SEARCH_CHARS`]).
pub fn search_text<'a>(s: Option<&'a str>, field: &str) -> Result<Option<&'a str>> {
    filter_text(s, field, MAX_SEARCH_CHARS)
}
