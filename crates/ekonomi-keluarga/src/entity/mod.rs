//! sea-orm entities of the ekonomi-keluarga tables (created by `crate::migration`).

pub mod assistance;
pub mod ekonomi_family_fact;
pub mod income_report;
pub mod pekka;
pub mod up2k_group;
pub mod up2k_member;
pub mod welfare_ranking;

// The access rule of every table the API returns (see `keluarga_core::records`). A family's PEKKA
// status, its welfare decile, a person's membership, the money they received and their income are
// personal data: record access (ANALYST de-identified), reads audited. A UP2K group itself is
// public reference data (a named business group of a kelurahan).
keluarga_core::record!(pekka, "Pekka", Personal, region: RegionCode);
keluarga_core::record!(welfare_ranking, "WelfareRanking", Personal, region: RegionCode);
keluarga_core::record!(up2k_group, "Up2kGroup", Reference, region: RegionCode);
keluarga_core::record!(up2k_member, "Up2kMember", Personal, region: RegionCode);
keluarga_core::record!(assistance, "Assistance", Personal, region: RegionCode);
keluarga_core::record!(income_report, "IncomeReport", Personal, region: RegionCode);

/// The record types the domain exposes as GraphQL types.
pub fn records() -> Vec<keluarga_core::records::RecordInfo> {
    use keluarga_core::records::info;
    vec![
        info::<pekka::Entity>(),
        info::<welfare_ranking::Entity>(),
        info::<up2k_group::Entity>(),
        info::<up2k_member::Entity>(),
        info::<assistance::Entity>(),
        info::<income_report::Entity>(),
    ]
}
