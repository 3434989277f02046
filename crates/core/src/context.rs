//! What the gateway hands to every domain and to core's own layers: the database, the PII key,
//! the shared settings, the audit queue and the clock. Schema-global data; nothing in it is per
//! user.

use sea_orm::DatabaseConnection;

use crate::actor::Actor;
use crate::pii::PiiKey;

/// Settings every domain reads.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// The largest `first` a connection accepts.
    pub max_page_size: usize,
    /// The `first` a connection uses when none is given.
    pub default_page_size: usize,
    /// How statistics are published to roles without record access: the small-count threshold
    /// and the rounding of counts.
    pub disclosure: crate::stats::Disclosure,
    /// A smaller (or larger) largest `first` for some roles, by role name (`ANONYMOUS` for
    /// requests without a token); other roles use `max_page_size`.
    pub max_page_size_by_role: std::collections::HashMap<String, usize>,
}

impl CoreSettings {
    /// The largest `first` a connection accepts from `actor`.
    pub fn max_page_size_for(&self, actor: &Actor) -> usize {
        let role = actor.role.map_or("ANONYMOUS", crate::actor::Role::as_str);
        self.max_page_size_by_role
            .get(role)
            .copied()
            .unwrap_or(self.max_page_size)
    }
}

impl Default for CoreSettings {
    fn default() -> Self {
        CoreSettings {
            max_page_size: 100,
            default_page_size: 20,
            disclosure: crate::stats::Disclosure::default(),
            max_page_size_by_role: Default::default(),
        }
    }
}

/// What the gateway hands to every domain: the database, the PII key and the shared settings.
/// It is schema-global data; nothing in it is per user.
#[derive(Debug, Clone)]
pub struct AppContext {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The HMAC key for NIK and KK numbers.
    pub pii: PiiKey,
    /// Shared settings.
    pub settings: CoreSettings,
    /// Tables of the domains built in whose rows carry a `person_id` and that person's
    /// `region_code` (the scope they are seen in): when a person moves, core moves those rows too,
    /// in the same transaction. The gateway collects them from `Domain::PERSON_REGION_TABLES`.
    pub person_region_tables: Vec<&'static str>,
    /// The counts core and the domains built in can split by sex (data terpilah): core's
    /// `graphql::query::CORE_SEX_MEASURES` and each domain's
    /// `Domain::SEX_MEASURES`, collected by the gateway.
    pub sex_measures: Vec<crate::stats::SexMeasure>,
    /// The audit queue of reads of personal records.
    pub audit: crate::audit::AuditSink,
    /// Today's date, fixed in tests.
    pub clock: Clock,
}

/// Where "today" comes from: the system clock, or a fixed date (tests, reproducible imports).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock (UTC).
    #[default]
    System,
    /// A fixed day.
    Fixed(chrono::NaiveDate),
}

impl Clock {
    /// Today's date.
    pub fn today(self) -> chrono::NaiveDate {
        match self {
            Clock::System => chrono::Utc::now().date_naive(),
            Clock::Fixed(d) => d,
        }
    }
}
