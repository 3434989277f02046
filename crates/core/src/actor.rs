//! Who is asking: role and region scope, and what each role may do (README, "Roles and scope").

use std::fmt;

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::region_code::RegionCode;

/// The roles of the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Everything, including API keys.
    Admin,
    /// City staff: records and statistics in scope, personal data included; writes records in scope.
    Operator,
    /// Kader, TPK member, posyandu: records in scope; writes assessments, measurements, visits.
    Cadre,
    /// Provincial DPPPA analyst: statistics and de-identified records in scope; no writes.
    Analyst,
    /// Third-party dashboard: statistics in scope with small counts suppressed; no writes.
    Dashboard,
}

impl Role {
    /// The role's name as written in tokens, keys and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Operator => "OPERATOR",
            Role::Cadre => "CADRE",
            Role::Analyst => "ANALYST",
            Role::Dashboard => "DASHBOARD",
        }
    }

    /// Parses a role name (case-insensitive).
    pub fn parse(s: &str) -> Option<Role> {
        match s.to_ascii_uppercase().as_str() {
            "ADMIN" => Some(Role::Admin),
            "OPERATOR" => Some(Role::Operator),
            "CADRE" => Some(Role::Cadre),
            "ANALYST" => Some(Role::Analyst),
            "DASHBOARD" => Some(Role::Dashboard),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The region an actor may see and touch: rows whose code equals it or starts with `code.`.
/// The empty scope is the whole country.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope(String);

impl Scope {
    /// The whole country.
    pub fn all() -> Self {
        Scope(String::new())
    }

    /// A scope from a syntactically valid region code (or `""` for the whole country).
    pub fn new(code: &str) -> Result<Self, Error> {
        if code.is_empty() {
            return Ok(Scope::all());
        }
        RegionCode::parse(code)
            .map(|c| Scope(c.as_str().to_owned()))
            .map_err(|e| Error::bad("scope", e))
    }

    /// The scope code (`""` for the whole country).
    pub fn code(&self) -> &str {
        &self.0
    }

    /// True when `code` is inside the scope.
    pub fn contains(&self, code: &str) -> bool {
        self.0.is_empty()
            || code == self.0
            || (code.len() > self.0.len()
                && code.starts_with(self.0.as_str())
                && code.as_bytes()[self.0.len()] == b'.')
    }

    /// True when `code` is the scope itself, inside it, or one of its ancestors
    /// (ancestors are visible so that an actor can navigate down to its own region).
    pub fn sees_region(&self, code: &str) -> bool {
        self.contains(code) || Scope(code.to_owned()).contains(&self.0)
    }

    /// The narrower of the actor's scope and a requested region, or `None` when they don't overlap.
    pub fn narrow(&self, requested: &str) -> Option<Scope> {
        if self.contains(requested) {
            Some(Scope(requested.to_owned()))
        } else if Scope(requested.to_owned()).contains(&self.0) {
            Some(self.clone())
        } else {
            None
        }
    }
}

/// How the actor was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A bearer JWT; the subject claim.
    Token(String),
    /// An API key; its id.
    ApiKey(uuid::Uuid),
    /// No credentials.
    Anonymous,
}

/// Every request's actor: who, which role, which scope.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The subject (JWT `sub`, `apikey:<id>` or `anonymous`).
    pub subject: String,
    /// The role, or `None` for an anonymous actor that may read nothing.
    pub role: Option<Role>,
    /// The region scope.
    pub scope: Scope,
    /// How the actor authenticated.
    pub credential: Credential,
}

impl Actor {
    /// An anonymous actor that may read nothing.
    pub fn anonymous() -> Self {
        Actor {
            subject: "anonymous".to_owned(),
            role: None,
            scope: Scope::all(),
            credential: Credential::Anonymous,
        }
    }

    /// An actor with a role and a scope (used by tokens, keys and tests).
    pub fn new(
        subject: impl Into<String>,
        role: Role,
        scope: Scope,
        credential: Credential,
    ) -> Self {
        Actor {
            subject: subject.into(),
            role: Some(role),
            scope,
            credential,
        }
    }

    /// A country-wide admin, for the CLI and seeding.
    pub fn system() -> Self {
        Actor::new("system", Role::Admin, Scope::all(), Credential::Anonymous)
    }

    /// True for roles that may read individual records with personal data (names, birth dates).
    pub fn has_record_access(&self) -> bool {
        matches!(self.role, Some(Role::Admin | Role::Operator | Role::Cadre))
    }

    /// True for roles that may list de-identified records (record access, or ANALYST).
    pub fn can_list_records(&self) -> bool {
        self.has_record_access() || self.role == Some(Role::Analyst)
    }

    /// True for roles that may read non-personal reference records (organisations, programmes,
    /// activities) and statistics: every authenticated role.
    pub fn can_read(&self) -> bool {
        self.role.is_some()
    }

    /// True for roles that write registry records.
    pub fn can_write_registry(&self) -> bool {
        matches!(self.role, Some(Role::Admin | Role::Operator))
    }

    /// True for roles that record field data (measurements, visits): ADMIN, OPERATOR, CADRE.
    pub fn can_write_field_records(&self) -> bool {
        matches!(self.role, Some(Role::Admin | Role::Operator | Role::Cadre))
    }

    /// Fails unless the actor may record field data (measurements, visits); `what` completes
    /// "your role may not ...".
    pub fn require_field_writer(&self, what: &str) -> Result<(), Error> {
        self.require_read()?;
        if self.can_write_field_records() {
            Ok(())
        } else {
            Err(Error::forbidden(what))
        }
    }

    /// Fails unless the actor may write registry records; `what` completes "your role may not ...".
    pub fn require_registry_writer(&self, what: &str) -> Result<(), Error> {
        self.require_read()?;
        if self.can_write_registry() {
            Ok(())
        } else {
            Err(Error::forbidden(what))
        }
    }

    /// True for ADMIN.
    pub fn is_admin(&self) -> bool {
        self.role == Some(Role::Admin)
    }

    /// The scope a request about `requested` may see: the requested region narrowed to the actor's
    /// scope, the actor's scope when none is requested, and `None` when the two do not overlap.
    /// A malformed code is a BAD_USER_INPUT on `field`.
    pub fn scope_for(&self, requested: Option<&str>, field: &str) -> Result<Option<Scope>, Error> {
        match requested {
            None => Ok(Some(self.scope.clone())),
            Some(code) => {
                Scope::new(code)
                    .map_err(|_| Error::bad(field, format!("{code:?} is not a region code")))?;
                Ok(self.scope.narrow(code))
            }
        }
    }

    /// Fails with UNAUTHENTICATED/FORBIDDEN unless the actor may read anything at all.
    pub fn require_read(&self) -> Result<(), Error> {
        if self.can_read() {
            Ok(())
        } else {
            Err(Error::Unauthenticated(
                "authentication required: send a bearer token or an X-Api-Key".to_owned(),
            ))
        }
    }

    /// Fails unless the actor may list (possibly de-identified) records.
    pub fn require_records(&self) -> Result<(), Error> {
        self.require_read()?;
        if self.can_list_records() {
            Ok(())
        } else {
            Err(Error::forbidden("read individual records"))
        }
    }

    /// Fails unless the actor may write registry records in `code`.
    pub fn require_write_in(&self, code: &str, field: &str) -> Result<(), Error> {
        self.require_registry_writer("change registry records")?;
        if !self.scope.contains(code) {
            return Err(Error::Forbidden(format!(
                "{field}: region {code} is outside your scope"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_contains_only_descendants_on_a_dot_boundary() {
        let s = Scope::new("33.75").unwrap();
        assert!(s.contains("33.75"));
        assert!(s.contains("33.75.01.1012"));
        assert!(!s.contains("33.7"));
        assert!(!s.contains("31.71.07.1002"));
        assert!(!s.contains("33.751"));
        assert!(s.sees_region("33"));
        assert!(!s.sees_region("31"));
        assert!(Scope::all().contains("31.71"));
    }

    #[test]
    fn narrowing_keeps_the_smaller_overlap() {
        let s = Scope::new("33.75").unwrap();
        assert_eq!(s.narrow("33").unwrap().code(), "33.75");
        assert_eq!(s.narrow("33.75.01").unwrap().code(), "33.75.01");
        assert!(s.narrow("31.71").is_none());
    }
}
