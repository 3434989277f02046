//! sea-orm entities of the stunting tables (migration `m20261123_000004_create_stunting`).

pub mod child;
pub mod convergence_action;
pub mod foster_parent;
pub mod foster_parent_child;
pub mod measurement;
pub mod measurement_revision;
pub mod pendampingan;
pub mod posyandu;
pub mod tpk_member;
pub mod tpk_team;
