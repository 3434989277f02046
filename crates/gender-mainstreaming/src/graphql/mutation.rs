//! Gender mutations: strategic posts and their holders, awards, PUG prerequisites, advocacy
//! targets and gender analyses. ADMIN and OPERATOR, in scope.

use std::marker::PhantomData;

use async_graphql::{Context, Object};
use keluarga_core::RegionType;
use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::app_actor;

use crate::graphql::types::*;
use crate::input::*;
use crate::service;

/// The gender-mainstreaming domain's part of the mutation root.
pub struct GenderMutation<R>(PhantomData<fn() -> R>);

impl<R> Default for GenderMutation<R> {
    fn default() -> Self {
        GenderMutation(PhantomData)
    }
}

#[Object]
impl<R: RegionType> GenderMutation<R> {
    /// Creates a strategic post of an organisation (ADMIN, OPERATOR in scope).
    async fn create_strategic_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateStrategicPostInput,
    ) -> async_graphql::Result<StrategicPost<R>> {
        let (app, actor) = app_actor(ctx);
        service::create_post(app, actor, input)
            .await
            .map(StrategicPost::new)
            .gql()
    }

    /// Appoints a person to a post from a day: the post must be vacant from that day, the
    /// person registered in the post's regency or city, and `version` the post's current one.
    async fn appoint_to_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: AppointToPostInput,
    ) -> async_graphql::Result<PostHolding<R>> {
        let (app, actor) = app_actor(ctx);
        service::appoint(app, actor, input)
            .await
            .map(PostHolding::new)
            .gql()
    }

    /// Ends the current holding of a post on a day (the holding stays, as history).
    async fn vacate_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: VacatePostInput,
    ) -> async_graphql::Result<PostHolding<R>> {
        let (app, actor) = app_actor(ctx);
        service::vacate(app, actor, input)
            .await
            .map(PostHolding::new)
            .gql()
    }

    /// Records an award of a region (one per type and year), keeping the women's share of the
    /// region's strategic posts on the day it was given.
    async fn record_award(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordAwardInput,
    ) -> async_graphql::Result<Award<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_award(app, actor, input)
            .await
            .map(Award::new)
            .gql()
    }

    /// Sets the status of one PUG prerequisite of a region for a year (creates it, or updates
    /// it with the version you read).
    async fn set_pug_prerequisite(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: SetPugPrerequisiteInput,
    ) -> async_graphql::Result<PugPrerequisite<R>> {
        let (app, actor) = app_actor(ctx);
        service::set_prerequisite(app, actor, input)
            .await
            .map(PugPrerequisite::new)
            .gql()
    }

    /// Sets a PUG advocacy target (creates it, or updates the target of the same region,
    /// audience and first year with the version you read).
    async fn set_advocacy_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: SetAdvocacyTargetInput,
    ) -> async_graphql::Result<AdvocacyTarget<R>> {
        let (app, actor) = app_actor(ctx);
        service::set_advocacy_target(app, actor, input)
            .await
            .map(AdvocacyTarget::new)
            .gql()
    }

    /// Records a gender analysis (GAP) of a programme in your scope.
    async fn record_gender_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordGenderAnalysisInput,
    ) -> async_graphql::Result<GenderAnalysis<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_gender_analysis(app, actor, input)
            .await
            .map(GenderAnalysis::new)
            .gql()
    }
}
