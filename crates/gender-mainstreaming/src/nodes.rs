//! The gender-mainstreaming domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use async_graphql::Context;
use keluarga_core::RegionType;
use keluarga_core::graphql::loaders::node;
use uuid::Uuid;

use crate::entity::{
    advocacy_target, award, gender_analysis, post_holding, pug_prerequisite, strategic_post,
};
pub use crate::graphql::types::{
    AdvocacyTarget, Award, GenderAnalysis, PostHolding, PugPrerequisite, StrategicPost,
};

/// One gender node; the gateway's `Node` interface takes each variant over.
pub enum Node<R> {
    /// A strategic post.
    StrategicPost(StrategicPost<R>),
    /// A holding of a post.
    PostHolding(PostHolding<R>),
    /// An award.
    Award(Award<R>),
    /// A PUG prerequisite status.
    PugPrerequisite(PugPrerequisite<R>),
    /// An advocacy target.
    AdvocacyTarget(AdvocacyTarget<R>),
    /// A gender analysis.
    GenderAnalysis(GenderAnalysis<R>),
}

/// The node of type `kind` with key `id` (scope and access rule applied by the loader).
pub async fn load<R: RegionType>(
    ctx: &Context<'_>,
    kind: &str,
    id: Uuid,
) -> async_graphql::Result<Option<Node<R>>> {
    Ok(match kind {
        "StrategicPost" => node::<strategic_post::Entity>(ctx, id)
            .await?
            .map(|m| Node::StrategicPost(StrategicPost::new(m))),
        "PostHolding" => node::<post_holding::Entity>(ctx, id)
            .await?
            .map(|m| Node::PostHolding(PostHolding::new(m))),
        "Award" => node::<award::Entity>(ctx, id)
            .await?
            .map(|m| Node::Award(Award::new(m))),
        "PugPrerequisite" => node::<pug_prerequisite::Entity>(ctx, id)
            .await?
            .map(|m| Node::PugPrerequisite(PugPrerequisite::new(m))),
        "AdvocacyTarget" => node::<advocacy_target::Entity>(ctx, id)
            .await?
            .map(|m| Node::AdvocacyTarget(AdvocacyTarget::new(m))),
        "GenderAnalysis" => node::<gender_analysis::Entity>(ctx, id)
            .await?
            .map(|m| Node::GenderAnalysis(GenderAnalysis::new(m))),
        _ => None,
    })
}
