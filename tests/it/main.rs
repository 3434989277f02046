//! End-to-end tests: drive the gateway's router without TCP, against a fresh database per test
//! (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly too"
)]

mod access;
mod auth;
mod ekonomi;
mod fuzz;
mod gender;
mod helpers;
mod hostile;
mod http;
mod ketahanan;
mod limits;
mod migrations;
mod nplus1;
mod persisted;
mod personal;
mod ratelimit;
mod readme;
mod registry;
mod rollup;
mod schema;
mod statistics;
mod stunting;
mod synthetic;
mod transport;
