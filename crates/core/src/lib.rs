//! keluarga-core: what every domain module of Keluarga Gateway stands on.
//!
//! It owns the actor model (roles and region scope), the error catalogue, opaque ids, Relay
//! pagination, the statistics convention, PII handling (NIK/KK hashing), the `Domain` plugin contract,
//! and the shared registry every domain points at: regions, organisations, programmes, activities,
//! persons, households, families and cadre roles. It must not depend on any domain crate, and it
//! never names the gateway's composed `Region` type (domains and core use `R: RegionType`).

pub mod actor;
pub mod audit;
pub mod context;
pub mod date;
pub mod domain;
pub mod entity;
pub mod error;
pub mod graphql;
pub mod id;
pub mod import;
pub mod input;
pub mod kinds;
pub mod money;
pub mod pagination;
pub mod pii;
pub mod records;
pub mod region_code;
pub mod rollup;
pub mod seed;
pub mod service;
pub mod sql;
pub mod stats;
pub mod store;
pub mod synthetic;

pub use actor::{Actor, Credential, Role, Scope};
pub use context::{AppContext, Clock, CoreSettings};
pub use date::Date;
pub use domain::Domain;
pub use error::{ErrorCode, HasCode};
pub use graphql::region::{RegionHandle, RegionRef, RegionType};
pub use graphql::types::{NoFields, NoNodes, NodeSet};
pub use money::Rupiah;
pub use records::{Access, Reader, Record};
