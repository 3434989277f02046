//! What every request handler shares: the schemas, the database, the limits and the caches.

use std::sync::Arc;
use std::time::Duration;

use keluarga_core::AppContext;

use crate::auth::Authenticator;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    /// The schemas (one per distinct depth and complexity limit) with their global data.
    pub schemas: Arc<crate::schema::Schemas>,
    /// Database, PII key and settings.
    pub app: AppContext,
    /// Token and key verification.
    pub auth: Arc<Authenticator>,
    /// Prometheus renderer.
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Operation limits per role.
    pub limits: Arc<crate::limits::RoleTable>,
    /// Largest JSON body accepted.
    pub body_limit: usize,
    /// Largest file upload (multipart request) accepted.
    pub upload_limit: usize,
    /// Request timeout.
    pub timeout: Duration,
    /// Origins allowed cross-origin (CORS); empty for none.
    pub cors_allowed_origins: Vec<String>,
    /// Parsed documents kept between requests.
    pub documents: Arc<crate::documents::DocumentCache>,
    /// The operation names used as metric labels.
    pub operations: Arc<OperationLabels>,
    /// Persisted documents: APQ registrations and the trusted-documents manifest.
    pub persisted: Arc<crate::persisted::Persisted>,
    /// Rate limits per API key, actor and client address.
    pub rate_limits: Arc<crate::ratelimit::RateLimiter>,
    /// Whether the database can be reached, from a probe of its own ([`crate::health`]).
    pub health: Arc<crate::health::DbHealth>,
}

/// Operation names as metric labels, bounded: clients choose the names, and every distinct label
/// is a series kept in memory, so the first [`OperationLabels::CAPACITY`] well-formed names are
/// labels and the rest count as `other`.
#[derive(Debug, Default)]
pub struct OperationLabels {
    names: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl OperationLabels {
    /// How many distinct operation names become labels.
    pub const CAPACITY: usize = 200;

    /// The label of an operation: its name when well formed (a GraphQL name of at most 64
    /// characters) and among the first names seen, `anonymous` without a name, else `other`.
    pub fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".to_owned();
        };
        let well_formed = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !well_formed {
            return "other".to_owned();
        }
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < Self::CAPACITY {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }
}
