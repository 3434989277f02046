//! sea-orm entities of the ketahanan-keluarga tables (created by `crate::migration`).

pub mod cadre_training;
pub mod family_visit;
pub mod ketahanan_answer;
pub mod ketahanan_assessment;
pub mod ketahanan_assessment_revision;
pub mod ketahanan_framework;
pub mod ketahanan_score;
pub mod krppa_indicator;
pub mod lokus;

use keluarga_core::{Actor, Role};
use sea_orm::{ColumnTrait, Condition};

// The access rule of every table the API returns (see `keluarga_core::records`). Assessments
// answer questions about violence and health: record access only, every read audited.
keluarga_core::record!(ketahanan_framework, "ResilienceFramework", Reference);
keluarga_core::record!(ketahanan_assessment, "FamilyAssessment", Health, region: RegionCode);
keluarga_core::record!(ketahanan_answer, "AssessmentAnswer", Health);
keluarga_core::record!(ketahanan_score, "AssessmentScore", Health);
keluarga_core::record!(ketahanan_assessment_revision, "AssessmentRevision", Health);
keluarga_core::record!(cadre_training, "CadreTraining", Personal, region: RegionCode);
keluarga_core::record!(krppa_indicator, "KrppaIndicator", Reference, region: RegionCode);
keluarga_core::record!(lokus, "Lokus", Reference, region: RegionCode);
keluarga_core::record!(family_visit, "FamilyVisit", Health, region: RegionCode, restrict: violence_visible);

/// Visits that record violence are read only by ADMIN, OPERATOR (in scope) and the cadre who
/// recorded them; other cadres see the family's other visits.
pub fn violence_visible(actor: &Actor) -> Option<Condition> {
    match actor.role {
        Some(Role::Admin | Role::Operator) => None,
        _ => Some(
            Condition::any()
                .add(family_visit::Column::Violence.eq(false))
                .add(family_visit::Column::RecordedBy.eq(actor.subject.clone())),
        ),
    }
}

/// The record types the domain exposes as GraphQL types.
pub fn records() -> Vec<keluarga_core::records::RecordInfo> {
    use keluarga_core::records::info;
    vec![
        info::<ketahanan_framework::Entity>(),
        info::<ketahanan_assessment::Entity>(),
        info::<ketahanan_assessment_revision::Entity>(),
        info::<krppa_indicator::Entity>(),
        info::<lokus::Entity>(),
        info::<family_visit::Entity>(),
    ]
}
