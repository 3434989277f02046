//! The ketahanan-keluarga domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use crate::entity::{
    family_visit, ketahanan_assessment, ketahanan_framework, krppa_indicator, lokus,
};
pub use crate::graphql::types::{
    FamilyAssessment, FamilyVisit, KrppaIndicator, Lokus, ResilienceFramework,
};

keluarga_core::domain_nodes! {
    /// One ketahanan node; the gateway's `Node` interface takes each variant over.
    pub enum Node {
        /// A framework version.
        ResilienceFramework = ketahanan_framework::Entity,
        /// An assessment.
        FamilyAssessment = ketahanan_assessment::Entity,
        /// A family visit.
        FamilyVisit = family_visit::Entity,
        /// A KRPPA indicator record.
        KrppaIndicator = krppa_indicator::Entity,
        /// A lokus designation.
        Lokus = lokus::Entity,
    }
}
