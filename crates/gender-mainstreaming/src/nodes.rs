//! The gender-mainstreaming domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use crate::entity::{
    advocacy_target, award, gender_analysis, post_holding, pug_prerequisite, strategic_post,
};
pub use crate::graphql::types::{
    AdvocacyTarget, Award, GenderAnalysis, PostHolding, PugPrerequisite, StrategicPost,
};

keluarga_core::domain_nodes! {
    /// One gender node; the gateway's `Node` interface takes each variant over.
    pub enum Node {
        /// A strategic post.
        StrategicPost = strategic_post::Entity,
        /// A holding of a post.
        PostHolding = post_holding::Entity,
        /// An award.
        Award = award::Entity,
        /// A PUG prerequisite status.
        PugPrerequisite = pug_prerequisite::Entity,
        /// An advocacy target.
        AdvocacyTarget = advocacy_target::Entity,
        /// A gender analysis.
        GenderAnalysis = gender_analysis::Entity,
    }
}
