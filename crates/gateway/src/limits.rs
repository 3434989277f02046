//! Operation control per role: the depth, complexity, aliases, root fields, page size and
//! running time an operation may use, from `[graphql]` with overrides per role in
//! `[graphql.roles.<ROLE>]`. A refusal is `QUERY_TOO_COMPLEX` with the measured value
//! (`extensions.cost`), the limit (`extensions.limit`), what was measured
//! (`extensions.measure`) and the role.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};
use keluarga_core::Actor;
use keluarga_core::error::ErrorCode;

use crate::config::{Graphql, RoleLimits};

/// The role names `[graphql.roles]` accepts: the token roles and `ANONYMOUS`.
pub const ROLE_KEYS: [&str; 6] = [
    "ADMIN",
    "OPERATOR",
    "CADRE",
    "ANALYST",
    "DASHBOARD",
    "ANONYMOUS",
];

/// The limits one operation runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationLimits {
    /// The role they are for (`ANONYMOUS` without a token), named in refusals.
    pub role: &'static str,
    /// Deepest selection.
    pub max_depth: usize,
    /// Highest complexity (a list costs its `first` times its children).
    pub max_complexity: usize,
    /// Most aliased fields in the document.
    pub max_aliases: usize,
    /// Most fields selected at the root of the operation.
    pub max_root_fields: usize,
    /// Longest running time of the operation; `None` for no limit beyond the request timeout.
    pub timeout: Option<Duration>,
    /// PostgreSQL statement timeout of the operation's statements in milliseconds (0: none).
    pub statement_timeout_ms: u64,
}

/// What one measure of an operation came to, against its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// `depth`, `complexity`, `aliases`, `rootFields` or `durationMs` (limits of the role);
    /// `tokens`, `nesting`, `fragments`, `fragmentDepth` or `selections` (limits of every
    /// document, [`crate::shape`]).
    pub measure: &'static str,
    /// The operation's value (for `tokens` and `nesting`: the count where the scan stopped).
    pub cost: u64,
    /// The limit.
    pub limit: u64,
    /// The role whose limit it is; `None` for the limits of every document.
    pub role: Option<&'static str>,
}

impl Exceeded {
    /// The GraphQL error of the refusal.
    pub fn error(&self) -> ServerError {
        let what = match self.measure {
            "depth" => "the operation's depth",
            "complexity" => "the operation's complexity",
            "aliases" => "the operation's number of aliases",
            "rootFields" => "the operation's number of root fields",
            "tokens" => "the document's number of tokens",
            "nesting" => "the document's bracket nesting",
            "fragments" => "the document's number of fragments",
            "fragmentDepth" => "the document's longest chain of fragment spreads",
            "selections" => "the document's number of selections with its fragments expanded",
            _ => "the operation's running time in milliseconds",
        };
        let at_least = if matches!(self.measure, "tokens" | "nesting") {
            "at least "
        } else {
            ""
        };
        let who = self.role.map(|r| format!(" for {r}")).unwrap_or_default();
        let mut e = ServerError::new(
            format!(
                "{what} is {at_least}{}; at most {} is allowed{who}",
                self.cost, self.limit
            ),
            None,
        );
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", ErrorCode::QueryTooComplex.as_str());
        ext.set("measure", self.measure);
        ext.set("cost", self.cost);
        ext.set("limit", self.limit);
        if let Some(role) = self.role {
            ext.set("role", role);
        }
        e.extensions = Some(ext);
        e
    }
}

impl OperationLimits {
    /// `Err` with what is over its limit, when something is.
    pub fn check(&self, measure: &'static str, cost: usize, limit: usize) -> Result<(), Exceeded> {
        if cost > limit {
            Err(Exceeded {
                measure,
                cost: cost as u64,
                limit: limit as u64,
                role: Some(self.role),
            })
        } else {
            Ok(())
        }
    }
}

/// The limits of every role, from configuration.
#[derive(Debug, Clone)]
pub struct RoleTable {
    by_role: HashMap<&'static str, OperationLimits>,
}

impl RoleTable {
    /// The table from `[graphql]`, with `statement_timeout_ms` (`database.statement_timeout_ms`)
    /// for the roles that have none of their own; an unknown role name in `[graphql.roles]` is
    /// an error.
    pub fn from_config(g: &Graphql, statement_timeout_ms: u64) -> anyhow::Result<RoleTable> {
        if let Some(bad) = g.roles.keys().find(|k| !ROLE_KEYS.contains(&k.as_str())) {
            anyhow::bail!(
                "graphql.roles.{bad}: not a role (one of {})",
                ROLE_KEYS.join(", ")
            );
        }
        let none = RoleLimits::default();
        let by_role = ROLE_KEYS
            .iter()
            .map(|&role| {
                let r = g.roles.get(role).unwrap_or(&none);
                let timeout = r.operation_timeout_ms.unwrap_or(g.operation_timeout_ms);
                (
                    role,
                    OperationLimits {
                        role,
                        max_depth: r.max_depth.unwrap_or(g.max_depth),
                        max_complexity: r.max_complexity.unwrap_or(g.max_complexity),
                        max_aliases: r.max_aliases.unwrap_or(g.max_aliases),
                        max_root_fields: r.max_root_fields.unwrap_or(g.max_root_fields),
                        timeout: (timeout > 0).then(|| Duration::from_millis(timeout)),
                        statement_timeout_ms: r
                            .statement_timeout_ms
                            .unwrap_or(statement_timeout_ms),
                    },
                )
            })
            .collect();
        Ok(RoleTable { by_role })
    }

    /// The limits of `actor`'s role.
    pub fn of(&self, actor: &Actor) -> &OperationLimits {
        let role = actor
            .role
            .map_or("ANONYMOUS", keluarga_core::actor::Role::as_str);
        &self.by_role[role]
    }

    /// The limits of every role.
    pub fn iter(&self) -> impl Iterator<Item = &OperationLimits> {
        self.by_role.values()
    }

    /// `Err` with what is over its role's limit when `measured` (depth, complexity) is.
    pub fn over(limits: &OperationLimits, measured: (usize, usize)) -> Result<(), Exceeded> {
        limits
            .check("depth", measured.0, limits.max_depth)
            .and_then(|()| limits.check("complexity", measured.1, limits.max_complexity))
    }
}

/// The page sizes of the roles that have their own, for `CoreSettings::max_page_size_by_role`.
pub fn page_sizes(g: &Graphql) -> HashMap<String, usize> {
    g.roles
        .iter()
        .filter_map(|(role, r)| r.max_page_size.map(|n| (role.clone(), n)))
        .collect()
}

/// The extension of the meter schema ([`crate::schema::measure`]): it reads the depth and
/// complexity async-graphql's validation computed and stops the operation there, with the
/// measures as the error's extensions, so that nothing is executed.
pub struct Meter;

impl Meter {
    /// The (depth, complexity) a meter response carries.
    pub fn read(resp: &async_graphql::Response) -> Option<(usize, usize)> {
        let ext = resp.errors.first()?.extensions.as_ref()?;
        let n = |k: &str| match ext.get(k) {
            Some(async_graphql::Value::Number(n)) => n.as_u64().map(|v| v as usize),
            _ => None,
        };
        Some((n("meterDepth")?, n("meterComplexity")?))
    }
}

impl ExtensionFactory for Meter {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Meter)
    }
}

#[async_trait::async_trait]
impl Extension for Meter {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let mut e = ServerError::new("measured", None);
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("meterDepth", result.depth as u64);
        ext.set("meterComplexity", result.complexity as u64);
        e.extensions = Some(ext);
        Err(vec![e])
    }
}
