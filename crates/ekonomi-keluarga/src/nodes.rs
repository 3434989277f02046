//! The ekonomi-keluarga domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
pub use crate::graphql::types::{
    Assistance, IncomeReport, Pekka, Up2kGroup, Up2kMember, WelfareRanking,
};

keluarga_core::domain_nodes! {
    /// One ekonomi node; the gateway's `Node` interface takes each variant over.
    pub enum Node {
        /// A PEKKA record.
        Pekka = pekka::Entity,
        /// A welfare ranking.
        WelfareRanking = welfare_ranking::Entity,
        /// A UP2K group.
        Up2kGroup = up2k_group::Entity,
        /// A UP2K membership.
        Up2kMember = up2k_member::Entity,
        /// An assistance record.
        Assistance = assistance::Entity,
        /// An income report.
        IncomeReport = income_report::Entity,
    }
}
