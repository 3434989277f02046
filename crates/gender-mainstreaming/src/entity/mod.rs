//! sea-orm entities of the gender-mainstreaming tables (created by `crate::migration`).

pub mod advocacy_target;
pub mod award;
pub mod gender_analysis;
pub mod post_holding;
pub mod pug_prerequisite;
pub mod strategic_post;

// The access rule of every table the API returns (see `keluarga_core::records`). Everything here
// is public reference data: strategic posts and who holds them are public-office information
// (appointments are published by decree), awards, prerequisites, targets and gender analyses are
// the government's own records. The holder's `Person` record stays personal data under core's
// rule: a post says who holds it only to roles that may read persons.
keluarga_core::record!(strategic_post, "StrategicPost", Reference, region: RegionCode);
keluarga_core::record!(post_holding, "PostHolding", Reference, region: RegionCode);
keluarga_core::record!(award, "Award", Reference, region: RegionCode);
keluarga_core::record!(pug_prerequisite, "PugPrerequisite", Reference, region: RegionCode);
keluarga_core::record!(advocacy_target, "AdvocacyTarget", Reference, region: RegionCode);
keluarga_core::record!(gender_analysis, "GenderAnalysis", Reference, region: RegionCode);

/// The record types the domain exposes as GraphQL types.
pub fn records() -> Vec<keluarga_core::records::RecordInfo> {
    use keluarga_core::records::info;
    vec![
        info::<strategic_post::Entity>(),
        info::<post_holding::Entity>(),
        info::<award::Entity>(),
        info::<pug_prerequisite::Entity>(),
        info::<advocacy_target::Entity>(),
        info::<gender_analysis::Entity>(),
    ]
}
