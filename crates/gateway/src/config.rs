//! Typed configuration: built-in defaults, then `config/default.toml`, then `config/local.toml`,
//! then environment variables `KELUARGA__SECTION__KEY`, then `DATABASE_URL`. Unknown keys are errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The development JWT secret used when none is configured (a warning is logged).
pub const DEV_JWT_SECRET: &str = "keluarga-dev-only-jwt-secret-change-me";
/// The development PII key used when none is configured (a warning is logged).
pub const DEV_PII_KEY: &str = "keluarga-dev-only-pii-key-change-me";

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// HTTP server.
    pub server: Server,
    /// Database.
    pub database: Database,
    /// Authentication.
    pub auth: Auth,
    /// Personal-data protection.
    pub security: Security,
    /// GraphQL limits.
    pub graphql: Graphql,
    /// Statistics.
    pub statistics: Statistics,
    /// The audit log.
    pub audit: Audit,
    /// Per-domain sections `[domains.<name>]`, read by each domain plugin.
    pub domains: BTreeMap<String, serde_json::Value>,
}

/// HTTP server settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Server {
    /// Address to listen on.
    pub listen: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Requests taking longer are cut off, in seconds.
    pub request_timeout_secs: u64,
    /// Browser origins allowed to call the API cross-origin (CORS), e.g.
    /// `["https://dashboard.pekalongankota.go.id"]`; empty (the default) sends no CORS headers,
    /// so browsers allow same-origin calls only.
    pub cors_allowed_origins: Vec<String>,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            listen: "127.0.0.1:8000".to_owned(),
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            cors_allowed_origins: Vec::new(),
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Database {
    /// `sqlite://data/keluarga.sqlite?mode=rwc` (default) or `postgres://user@host/db`.
    pub url: String,
    /// Connection pool size.
    pub max_connections: u32,
    /// PostgreSQL statement timeout, in milliseconds.
    pub statement_timeout_ms: u64,
    /// Migrate on `serve`.
    pub migrate_on_start: bool,
    /// Seed the demo data on `serve` when the database has none.
    pub seed_demo_on_first_start: bool,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            url: "sqlite://data/keluarga.sqlite?mode=rwc".to_owned(),
            max_connections: 8,
            statement_timeout_ms: 10_000,
            migrate_on_start: true,
            seed_demo_on_first_start: true,
        }
    }
}

/// Which role an anonymous request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Anonymous {
    /// Anonymous requests may read nothing.
    #[default]
    None,
    /// Anonymous requests act as DASHBOARD within `anonymous_scope`.
    Dashboard,
}

/// Authentication settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Auth {
    /// `HS256` (shared secret), `RS256` or `ES256` (public key file).
    pub jwt_algorithm: String,
    /// Shared secret for HS256 (default: a development secret, with a warning).
    pub jwt_secret: Option<String>,
    /// PEM public key for RS256/ES256.
    pub jwt_public_key_file: Option<PathBuf>,
    /// Required `aud` claim.
    pub audience: String,
    /// Required `iss` claim.
    pub issuer: String,
    /// Clock skew allowed on `exp`/`nbf`, in seconds.
    pub leeway_secs: u64,
    /// What anonymous requests may do.
    pub anonymous: Anonymous,
    /// Scope of anonymous DASHBOARD requests (`""` = the whole country).
    pub anonymous_scope: String,
    /// Requests per minute allowed per API key (0 = unlimited).
    pub api_key_requests_per_minute: u32,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            jwt_algorithm: "HS256".to_owned(),
            jwt_secret: None,
            jwt_public_key_file: None,
            audience: "keluarga-gateway".to_owned(),
            issuer: "keluarga-gateway".to_owned(),
            leeway_secs: 30,
            anonymous: Anonymous::None,
            anonymous_scope: String::new(),
            api_key_requests_per_minute: 600,
        }
    }
}

/// Personal-data settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    /// HMAC key for NIK and KK numbers (default: a development key, with a warning). Changing it
    /// makes stored hashes unmatchable.
    pub pii_key: Option<String>,
}

/// GraphQL limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Graphql {
    /// Maximum query depth.
    pub max_depth: usize,
    /// Maximum query complexity (a list costs its `first` times its children).
    pub max_complexity: usize,
    /// Maximum number of aliased fields in one document.
    pub max_aliases: usize,
    /// Largest `first` a connection accepts.
    pub max_page_size: usize,
    /// Default `first`.
    pub default_page_size: usize,
    /// Allow introspection.
    pub introspection: bool,
    /// Suggest field names in validation errors.
    pub suggestions: bool,
}

impl Default for Graphql {
    fn default() -> Self {
        Graphql {
            max_depth: 15,
            max_complexity: 50_000,
            max_aliases: 30,
            max_page_size: 100,
            default_page_size: 20,
            introspection: true,
            suggestions: true,
        }
    }
}

/// Statistics settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Statistics {
    /// Cells counting fewer people are suppressed for roles without record access.
    pub suppression_threshold: i64,
}

impl Default for Statistics {
    fn default() -> Self {
        Statistics {
            suppression_threshold: 5,
        }
    }
}

/// Audit-log settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Audit {
    /// Entries older than this many days are deleted by the hourly pruning task of `serve`
    /// (0 keeps them forever).
    pub retention_days: u32,
}

impl Default for Audit {
    fn default() -> Self {
        Audit {
            retention_days: 730,
        }
    }
}

impl Config {
    /// Loads the layered configuration from `dir` (usually `config/`).
    pub fn load(dir: &Path) -> Result<Config, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(dir.join("default.toml")))
            .merge(Toml::file(dir.join("local.toml")))
            .merge(Env::prefixed("KELUARGA__").split("__"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            fig = fig.merge(("database.url", url));
        }
        fig.extract().map_err(Box::new)
    }

    /// The JWT secret in force.
    pub fn jwt_secret(&self) -> &str {
        self.auth.jwt_secret.as_deref().unwrap_or(DEV_JWT_SECRET)
    }

    /// The PII key in force.
    pub fn pii_key(&self) -> &str {
        self.security.pii_key.as_deref().unwrap_or(DEV_PII_KEY)
    }
}
