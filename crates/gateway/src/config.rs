//! Typed configuration: built-in defaults, then `config/default.toml`, then `config/local.toml`,
//! then environment variables `KELUARGA__SECTION__KEY`, then `DATABASE_URL`. Unknown keys are errors.
//! Secrets may come from files (`auth.jwt_secret_file`, `security.pii_key_file`,
//! `database.url_file`: container and Kubernetes secrets), and `server.profile = "production"`
//! refuses development secrets and turns introspection, suggestions and the demo seed off unless
//! set explicitly.

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
    /// Rate limits.
    pub rate_limits: RateLimits,
    /// Traces.
    pub observability: Observability,
    /// Per-domain sections `[domains.<name>]`, read by each domain plugin.
    pub domains: BTreeMap<String, serde_json::Value>,
}

/// How the gateway is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// A developer's machine or a test: development secrets allowed (with a warning),
    /// introspection and suggestions on, demo data on first start.
    #[default]
    Development,
    /// A deployment: the JWT secret (or public key) and the PII key must be configured;
    /// introspection and field suggestions are off and no demo data is written unless set
    /// explicitly.
    Production,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// HTTP server settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Server {
    /// `development` (the default) or `production`.
    pub profile: Profile,
    /// Address to listen on.
    pub listen: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Requests taking longer are cut off, in seconds.
    pub request_timeout_secs: u64,
    /// After SIGTERM or Ctrl-C, requests in flight get this many seconds to finish; then they
    /// are cut, and the audit queue is still written before the process ends.
    pub shutdown_grace_secs: u64,
    /// Browser origins allowed to call the API cross-origin (CORS), e.g.
    /// `["https://dashboard.pekalongankota.go.id"]`; empty (the default) sends no CORS headers,
    /// so browsers allow same-origin calls only.
    pub cors_allowed_origins: Vec<String>,
    /// `text` or `json` log lines (default: text in development, json in production).
    pub log_format: Option<LogFormat>,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            profile: Profile::Development,
            listen: "127.0.0.1:8000".to_owned(),
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_grace_secs: 20,
            cors_allowed_origins: Vec::new(),
            log_format: None,
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Database {
    /// `sqlite://data/keluarga.sqlite?mode=rwc` (default) or `postgres://user@host/db`.
    pub url: String,
    /// A file holding the URL (with its password), read at start instead of `url`.
    pub url_file: Option<PathBuf>,
    /// Connection pool size.
    pub max_connections: u32,
    /// PostgreSQL statement timeout, in milliseconds (0: none); a role may have its own
    /// (`graphql.roles.<ROLE>.statement_timeout_ms`).
    pub statement_timeout_ms: u64,
    /// How long a request waits for a pool connection (or for the database to accept one)
    /// before it is answered `UNAVAILABLE`, in milliseconds.
    pub acquire_timeout_ms: u64,
    /// Migrate on `serve`.
    pub migrate_on_start: bool,
    /// Seed the demo data on `serve` when the database has none.
    pub seed_demo_on_first_start: Option<bool>,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            url: "sqlite://data/keluarga.sqlite?mode=rwc".to_owned(),
            url_file: None,
            max_connections: 8,
            statement_timeout_ms: 10_000,
            acquire_timeout_ms: 3_000,
            migrate_on_start: true,
            seed_demo_on_first_start: None,
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
    /// A file holding the HS256 secret, read at start instead of `jwt_secret`.
    pub jwt_secret_file: Option<PathBuf>,
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
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            jwt_algorithm: "HS256".to_owned(),
            jwt_secret: None,
            jwt_secret_file: None,
            jwt_public_key_file: None,
            audience: "keluarga-gateway".to_owned(),
            issuer: "keluarga-gateway".to_owned(),
            leeway_secs: 30,
            anonymous: Anonymous::None,
            anonymous_scope: String::new(),
        }
    }
}

/// `[rate_limits]`: token buckets per API key, per actor and per client address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimits {
    /// `redis://host:port/db`: share the buckets of every gateway copy through Redis (default:
    /// each copy keeps its own in memory).
    pub redis_url: Option<String>,
    /// Prefix of the Redis keys.
    pub key_prefix: String,
    /// Each API key's bucket.
    pub per_api_key: Bucket,
    /// Each token subject's bucket (off by default).
    pub per_actor: Bucket,
    /// Each client address's bucket, checked before authentication (off by default).
    pub per_address: Bucket,
    /// Behind a proxy: the header holding the client address (`x-forwarded-for`: its last entry,
    /// the one the proxy wrote); unset, the TCP peer's address.
    pub client_address_header: Option<String>,
}

/// One kind of bucket: `per_minute` requests a minute, up to `burst` at once.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bucket {
    /// Requests a minute (0: no limit).
    pub per_minute: u32,
    /// Most requests at once (0: `per_minute`).
    pub burst: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            redis_url: None,
            key_prefix: "keluarga:ratelimit:".to_owned(),
            per_api_key: Bucket {
                per_minute: 600,
                burst: 0,
            },
            per_actor: Bucket::default(),
            per_address: Bucket::default(),
            client_address_header: None,
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
    /// A file holding the PII key, read at start instead of `pii_key`.
    pub pii_key_file: Option<PathBuf>,
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
    /// Allow introspection (default: on in development, off in production).
    pub introspection: Option<bool>,
    /// Suggest field names in validation errors (default: on in development, off in production).
    pub suggestions: Option<bool>,
    /// How many parsed documents are kept between requests (0: parse every request).
    pub document_cache: usize,
    /// Most fields selected at the root of one operation.
    pub max_root_fields: usize,
    /// Longest running time of one operation in milliseconds (0: only the request timeout).
    pub operation_timeout_ms: u64,
    /// Limits of some roles (`ADMIN`, `OPERATOR`, `CADRE`, `ANALYST`, `DASHBOARD`, `ANONYMOUS`),
    /// each falling back to the values above.
    pub roles: BTreeMap<String, RoleLimits>,
    /// How many documents automatic persisted queries (APQ) keep by hash (0: APQ off; the
    /// trusted-documents manifest is still served by hash).
    pub apq_cache: usize,
    /// The trusted-documents manifest and who may run only its operations.
    pub trusted_documents: TrustedDocuments,
    /// Most lexical tokens in one document (every caller; checked before parsing).
    pub max_tokens: usize,
    /// Deepest nesting of `{`, `[` and `(` in one document (checked before parsing).
    pub max_nesting: usize,
    /// Most fragment definitions in one document.
    pub max_fragments: usize,
    /// Longest chain of fragment spreads in one document.
    pub max_fragment_depth: usize,
    /// Most selections of one document with every fragment spread expanded where it stands.
    pub max_selections: usize,
}

/// `[graphql.trusted_documents]`: a manifest of operations (as the client tooling writes it) and
/// the callers that may run nothing else.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustedDocuments {
    /// The manifest: Apollo's `persisted-query-manifest.json` or a flat `{ "<sha256>": "<document>" }`
    /// (GraphQL Codegen's `persisted-documents.json`); read at start.
    pub manifest: Option<PathBuf>,
    /// Roles (`DASHBOARD`, `ANONYMOUS`...) that may run only the manifest's operations.
    pub required_for_roles: Vec<String>,
    /// Whether every API key may run only the manifest's operations.
    pub required_for_api_keys: bool,
}

/// `[graphql.roles.<ROLE>]`: the limits of one role; an unset key uses `[graphql]`'s.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoleLimits {
    /// Maximum query depth.
    pub max_depth: Option<usize>,
    /// Maximum query complexity.
    pub max_complexity: Option<usize>,
    /// Maximum aliased fields in one document.
    pub max_aliases: Option<usize>,
    /// Most fields selected at the root of one operation.
    pub max_root_fields: Option<usize>,
    /// Largest `first` a connection accepts.
    pub max_page_size: Option<usize>,
    /// Longest running time of one operation in milliseconds (0: none).
    pub operation_timeout_ms: Option<u64>,
    /// PostgreSQL statement timeout of this role's operations in milliseconds (0: none); unset,
    /// `database.statement_timeout_ms`. Each distinct value gets a connection pool of its own
    /// (opened lazily, up to `database.max_connections`). No effect on SQLite.
    pub statement_timeout_ms: Option<u64>,
}

impl Default for Graphql {
    fn default() -> Self {
        Graphql {
            max_depth: 15,
            max_complexity: 50_000,
            max_aliases: 30,
            max_page_size: 100,
            default_page_size: 20,
            introspection: None,
            suggestions: None,
            document_cache: 1000,
            max_root_fields: 20,
            operation_timeout_ms: 0,
            roles: BTreeMap::new(),
            apq_cache: 1000,
            trusted_documents: TrustedDocuments::default(),
            max_tokens: 10_000,
            max_nesting: 48,
            max_fragments: 200,
            max_fragment_depth: 16,
            max_selections: 5_000,
        }
    }
}

/// Statistics settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Statistics {
    /// Cells counting fewer people are suppressed for roles without record access.
    pub suppression_threshold: i64,
    /// Counts published to roles without record access are rounded to the nearest multiple of
    /// this (rates are taken from the rounded counts); 0 or 1 publishes them exact.
    pub rounding_base: i64,
    /// Whether statistics may read the rollups kept by the domains' writes (`stat_rollup`);
    /// `false` computes every figure from the records, as before rollups existed. The figures
    /// are the same either way (the rollup property test); only their cost differs.
    pub read_rollups: bool,
}

impl Default for Statistics {
    fn default() -> Self {
        Statistics {
            suppression_threshold: 5,
            rounding_base: 0,
            read_rollups: true,
        }
    }
}

/// Trace settings (logs are `server.log_format` and `RUST_LOG`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Observability {
    /// The OTLP/HTTP (protobuf) URL traces are exported to, e.g.
    /// `http://otel-collector:4318/v1/traces`; empty (the default) exports none.
    pub otlp_endpoint: String,
    /// The `service.name` of the exported spans.
    pub service_name: String,
    /// A span per object and list field (async-graphql's tracing extension). It costs CPU on
    /// every field of every request, exported or not: for finding a slow resolver, not for
    /// every day.
    pub trace_resolvers: bool,
}

impl Default for Observability {
    fn default() -> Self {
        Observability {
            otlp_endpoint: String::new(),
            service_name: "keluarga-gateway".to_owned(),
            trace_resolvers: false,
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
    pub fn load(dir: &Path) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(dir.join("default.toml")))
            .merge(Toml::file(dir.join("local.toml")))
            .merge(Env::prefixed("KELUARGA__").split("__"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            fig = fig.merge(("database.url", url));
        }
        let mut cfg: Config = fig.extract()?;
        cfg.read_secret_files()?;
        cfg.check_profile()?;
        Ok(cfg)
    }

    /// Reads every `*_file` secret into its setting; setting both a secret and its file is an
    /// error, and so is an unreadable or empty file.
    pub fn read_secret_files(&mut self) -> anyhow::Result<()> {
        fn read(
            value: &mut Option<String>,
            file: Option<&PathBuf>,
            name: &str,
        ) -> anyhow::Result<()> {
            let Some(path) = file else { return Ok(()) };
            if value.is_some() {
                anyhow::bail!("{name} and {name}_file are both set: set one");
            }
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{name}_file {}: {e}", path.display()))?;
            let secret = text.trim_end_matches(['\n', '\r']);
            if secret.is_empty() {
                anyhow::bail!("{name}_file {} is empty", path.display());
            }
            *value = Some(secret.to_owned());
            Ok(())
        }
        read(
            &mut self.auth.jwt_secret,
            self.auth.jwt_secret_file.as_ref(),
            "auth.jwt_secret",
        )?;
        read(
            &mut self.security.pii_key,
            self.security.pii_key_file.as_ref(),
            "security.pii_key",
        )?;
        let mut url = None;
        read(&mut url, self.database.url_file.as_ref(), "database.url")?;
        if let Some(u) = url {
            self.database.url = u;
        }
        Ok(())
    }

    /// Refuses a production profile that still runs on development secrets.
    pub fn check_profile(&self) -> anyhow::Result<()> {
        if self.server.profile != Profile::Production {
            return Ok(());
        }
        let hs = self.auth.jwt_algorithm.eq_ignore_ascii_case("HS256");
        if hs && self.auth.jwt_secret.is_none() {
            anyhow::bail!(
                "profile production: auth.jwt_secret (or auth.jwt_secret_file) must be set"
            );
        }
        if !hs && self.auth.jwt_public_key_file.is_none() {
            anyhow::bail!("profile production: auth.jwt_public_key_file must be set");
        }
        if self.auth.jwt_secret.as_deref() == Some(DEV_JWT_SECRET) {
            anyhow::bail!("profile production: auth.jwt_secret is the development secret");
        }
        match self.security.pii_key.as_deref() {
            None => anyhow::bail!(
                "profile production: security.pii_key (or security.pii_key_file) must be set"
            ),
            Some(DEV_PII_KEY) => {
                anyhow::bail!("profile production: security.pii_key is the development key")
            }
            Some(_) => Ok(()),
        }
    }

    fn production(&self) -> bool {
        self.server.profile == Profile::Production
    }

    /// The log format: as set, else text in development and JSON in production.
    pub fn log_format(&self) -> LogFormat {
        self.server.log_format.unwrap_or(if self.production() {
            LogFormat::Json
        } else {
            LogFormat::Text
        })
    }

    /// Whether introspection is allowed: as set, else on in development and off in production.
    pub fn introspection(&self) -> bool {
        self.graphql.introspection.unwrap_or(!self.production())
    }

    /// Whether validation errors suggest field names: as set, else on in development only.
    pub fn suggestions(&self) -> bool {
        self.graphql.suggestions.unwrap_or(!self.production())
    }

    /// Whether the demo data is written on a first start: as set, else in development only.
    pub fn seed_demo_on_first_start(&self) -> bool {
        self.database
            .seed_demo_on_first_start
            .unwrap_or(!self.production())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Config {
        let mut c = Config::default();
        c.server.profile = Profile::Production;
        c
    }

    #[test]
    fn secrets_are_read_from_files_without_their_newline() {
        let dir = std::env::temp_dir().join(format!("kg-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (jwt, pii, url) = (dir.join("jwt"), dir.join("pii"), dir.join("url"));
        std::fs::write(&jwt, "s3cret-jwt\n").unwrap();
        std::fs::write(&pii, "s3cret-pii\r\n").unwrap();
        std::fs::write(&url, "postgres://kg:pw@db/kg\n").unwrap();
        let mut c = production();
        c.auth.jwt_secret_file = Some(jwt.clone());
        c.security.pii_key_file = Some(pii);
        c.database.url_file = Some(url);
        c.read_secret_files().unwrap();
        assert_eq!(c.jwt_secret(), "s3cret-jwt");
        assert_eq!(c.pii_key(), "s3cret-pii");
        assert_eq!(c.database.url, "postgres://kg:pw@db/kg");
        c.check_profile().unwrap();
        // Both a secret and its file: refused.
        let mut c = Config::default();
        c.auth.jwt_secret = Some("x".into());
        c.auth.jwt_secret_file = Some(jwt);
        let e = c.read_secret_files().unwrap_err().to_string();
        assert!(e.contains("both set"), "{e}");
        // A missing or empty file: refused, naming the setting.
        let mut c = Config::default();
        c.security.pii_key_file = Some(dir.join("nothing"));
        let e = c.read_secret_files().unwrap_err().to_string();
        assert!(e.starts_with("security.pii_key_file"), "{e}");
        std::fs::write(dir.join("empty"), "\n").unwrap();
        c.security.pii_key_file = Some(dir.join("empty"));
        assert!(
            c.read_secret_files()
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn production_refuses_development_secrets_and_closes_introspection() {
        let mut c = production();
        let e = c.check_profile().unwrap_err().to_string();
        assert!(e.contains("auth.jwt_secret"), "{e}");
        c.auth.jwt_secret = Some(DEV_JWT_SECRET.into());
        assert!(
            c.check_profile()
                .unwrap_err()
                .to_string()
                .contains("development secret")
        );
        c.auth.jwt_secret = Some("a real one".into());
        assert!(
            c.check_profile()
                .unwrap_err()
                .to_string()
                .contains("security.pii_key")
        );
        c.security.pii_key = Some(DEV_PII_KEY.into());
        assert!(c.check_profile().is_err());
        c.security.pii_key = Some("another real one".into());
        c.check_profile().unwrap();
        assert!(!c.introspection() && !c.suggestions() && !c.seed_demo_on_first_start());
        // Explicit settings win.
        c.graphql.introspection = Some(true);
        assert!(c.introspection());
        // Development: everything on, development secrets allowed.
        let d = Config::default();
        d.check_profile().unwrap();
        assert!(d.introspection() && d.suggestions() && d.seed_demo_on_first_start());
    }
}
