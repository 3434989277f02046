//! Registry mutations. Each validates all of its input, then writes in one transaction.

use std::marker::PhantomData;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::actor::Role;
use crate::error::GqlResultExt;
use crate::graphql::query::ApiKey;
use crate::graphql::region::RegionType;
use crate::graphql::types::*;
use crate::id::decode_uuid;
use crate::input::*;
use crate::service;

/// Registry mutations (core's part of the mutation root).
pub struct RegistryMutation<R>(PhantomData<fn() -> R>);

impl<R> Default for RegistryMutation<R> {
    fn default() -> Self {
        RegistryMutation(PhantomData)
    }
}

use crate::graphql::app_actor as ctx2;

#[Object]
impl<R: RegionType> RegistryMutation<R> {
    /// Registers an organisation (ADMIN, OPERATOR in scope).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateOrganisationInput,
    ) -> async_graphql::Result<Organisation<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_organisation(app, actor, input)
            .await
            .map(Organisation::new)
            .gql()
    }

    /// Changes an organisation; fails with CONFLICT when `version` is stale.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: UpdateOrganisationInput,
    ) -> async_graphql::Result<Organisation<R>> {
        let (app, actor) = ctx2(ctx);
        service::update_organisation(app, actor, input)
            .await
            .map(Organisation::new)
            .gql()
    }

    /// Registers a programme with its targets.
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateProgrammeInput,
    ) -> async_graphql::Result<Programme<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_programme(app, actor, input)
            .await
            .map(Programme::new)
            .gql()
    }

    /// Records an activity with organisers, participant counts (which must add up to the
    /// total), named participants and commitments.
    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateActivityInput,
    ) -> async_graphql::Result<Activity<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_activity(app, actor, input)
            .await
            .map(Activity::new)
            .gql()
    }

    /// Registers a household.
    async fn create_household(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateHouseholdInput,
    ) -> async_graphql::Result<Household<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_household(app, actor, input)
            .await
            .map(Household::new)
            .gql()
    }

    /// Registers a family with its members; the KK number is stored only hashed.
    async fn create_family(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateFamilyInput,
    ) -> async_graphql::Result<R::Family> {
        let (app, actor) = ctx2(ctx);
        service::create_family(app, actor, input)
            .await
            .map(R::Family::from)
            .gql()
    }

    /// Adds a person to a family.
    async fn add_family_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: AddFamilyMemberInput,
    ) -> async_graphql::Result<FamilyMember<R>> {
        let (app, actor) = ctx2(ctx);
        service::add_family_member(app, actor, input)
            .await
            .map(FamilyMember::new)
            .gql()
    }

    /// Registers a person; the NIK is stored only hashed and is never returned.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreatePersonInput,
    ) -> async_graphql::Result<Person<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_person(app, actor, input)
            .await
            .map(Person::new)
            .gql()
    }

    /// Changes a person; fails with CONFLICT when `version` is stale.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: UpdatePersonInput,
    ) -> async_graphql::Result<Person<R>> {
        let (app, actor) = ctx2(ctx);
        service::update_person(app, actor, input)
            .await
            .map(Person::new)
            .gql()
    }

    /// Gives a person a cadre role over a date range.
    async fn assign_cadre_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: AssignCadreRoleInput,
    ) -> async_graphql::Result<CadreRole<R>> {
        let (app, actor) = ctx2(ctx);
        service::assign_cadre_role(app, actor, input)
            .await
            .map(CadreRole::new)
            .gql()
    }

    /// Ends a cadre role; fails with CONFLICT when `version` is stale.
    async fn end_cadre_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: EndCadreRoleInput,
    ) -> async_graphql::Result<CadreRole<R>> {
        let (app, actor) = ctx2(ctx);
        service::end_cadre_role(app, actor, input)
            .await
            .map(CadreRole::new)
            .gql()
    }
}

/// A new API key.
#[derive(Debug, InputObject)]
pub struct CreateApiKeyInput {
    /// A name to recognise it by.
    pub name: String,
    /// The role it grants (not ADMIN). Third-party dashboards get DASHBOARD.
    #[graphql(default_with = "Role::Dashboard")]
    pub role: Role,
    /// The region scope it grants (`""` for the whole country).
    pub scope: String,
}

/// The created key and its secret.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key.
    pub api_key: ApiKey,
    /// The secret to send as `X-Api-Key`. Shown only now: it is stored hashed.
    pub secret: String,
}

/// API key management (ADMIN only).
#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    /// Creates an API key; the secret is in the answer and nowhere else.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreateApiKeyPayload> {
        let (app, actor) = ctx2(ctx);
        let key = service::create_api_key(app, actor, &input.name, input.role, &input.scope)
            .await
            .gql()?;
        Ok(CreateApiKeyPayload {
            api_key: ApiKey(key.model),
            secret: key.secret,
        })
    }

    /// Revokes an API key; requests with it fail with UNAUTHENTICATED from then on.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's id.")] id: ID,
    ) -> async_graphql::Result<ApiKey> {
        let (app, actor) = ctx2(ctx);
        let id = decode_uuid(&id, "ApiKey", "id").gql()?;
        service::revoke_api_key(app, actor, id)
            .await
            .map(ApiKey)
            .gql()
    }
}
