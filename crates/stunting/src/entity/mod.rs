//! sea-orm entities of the stunting tables (created by `crate::migration`).

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

// The access rule of every stunting table the API returns (see `keluarga_core::records`).
keluarga_core::record!(posyandu, "Posyandu", Reference, region: RegionCode);
keluarga_core::record!(child, "Child", Health, region: RegionCode);
keluarga_core::record!(measurement, "Measurement", Health, region: RegionCode);
keluarga_core::record!(measurement_revision, "MeasurementRevision", Health);
keluarga_core::record!(tpk_team, "TpkTeam", Reference, region: RegionCode);
keluarga_core::record!(tpk_member, "TpkMember", Reference);
keluarga_core::record!(pendampingan, "Pendampingan", Health, region: RegionCode);
keluarga_core::record!(convergence_action, "ConvergenceAction", Reference, region: RegionCode);
keluarga_core::record!(foster_parent, "FosterParent", Reference, region: RegionCode);
keluarga_core::record!(foster_parent_child, "FosterParentChild", Health);

/// The record types the stunting domain exposes as GraphQL types (link tables and tables shown
/// through other types, such as `foster_parent_child` and `convergence_action`, are records for
/// the `Reader` but not listed here).
pub fn records() -> Vec<keluarga_core::records::RecordInfo> {
    use keluarga_core::records::info;
    vec![
        info::<posyandu::Entity>(),
        info::<child::Entity>(),
        info::<measurement::Entity>(),
        info::<measurement_revision::Entity>(),
        info::<tpk_team::Entity>(),
        info::<tpk_member::Entity>(),
        info::<pendampingan::Entity>(),
        info::<foster_parent::Entity>(),
    ]
}
