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
pub mod region_population;

// The access rule of every table the API returns (see `crate::records`).
crate::record!(
    organisation,
    "Organisation",
    Reference,
    region: RegionCode,
    visible_from_below: true
);
crate::record!(programme, "Programme", Reference, region: RegionCode);
crate::record!(programme_target, "ProgrammeTarget", Reference);
crate::record!(activity, "Activity", Reference, region: RegionCode);
crate::record!(activity_organiser, "ActivityOrganiser", Reference);
crate::record!(activity_participant_count, "ParticipantCount", Reference);
crate::record!(activity_participant, "ActivityParticipant", Personal);
crate::record!(commitment, "Commitment", Reference);
crate::record!(person, "Person", Personal, region: RegionCode);
crate::record!(family, "Family", Personal, region: RegionCode);
crate::record!(family_member, "FamilyMember", Personal);
crate::record!(household, "Household", Personal, region: RegionCode);
crate::record!(cadre_role, "CadreRole", Personal, region: RegionCode);
crate::record!(audit_log, "AuditEntry", Admin);

/// The record types core declares.
pub fn records() -> Vec<crate::records::RecordInfo> {
    use crate::records::info;
    vec![
        info::<organisation::Entity>(),
        info::<programme::Entity>(),
        info::<programme_target::Entity>(),
        info::<activity::Entity>(),
        info::<activity_organiser::Entity>(),
        info::<activity_participant_count::Entity>(),
        info::<activity_participant::Entity>(),
        info::<commitment::Entity>(),
        info::<person::Entity>(),
        info::<family::Entity>(),
        info::<family_member::Entity>(),
        info::<household::Entity>(),
        info::<cadre_role::Entity>(),
        info::<audit_log::Entity>(),
    ]
}
