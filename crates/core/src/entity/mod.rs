//! sea-orm entities of the tables core owns (the shared registry, API keys, the audit log).

pub mod activity;
pub mod activity_organiser;
pub mod activity_participant;
pub mod activity_participant_count;
pub mod api_key;
pub mod audit_log;
pub mod cadre_role;
pub mod commitment;
pub mod family;
pub mod family_member;
pub mod household;
pub mod organisation;
pub mod person;
pub mod programme;
pub mod programme_target;
pub mod region;
