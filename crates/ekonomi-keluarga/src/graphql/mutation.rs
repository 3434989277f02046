//! Ekonomi mutations: PEKKA status, welfare rankings, UP2K groups and members, assistance,
//! income reports, and the CSV import of welfare rankings.

use std::marker::PhantomData;

use async_graphql::{Context, Object, SimpleObject, Upload};
use keluarga_core::RegionType;
use keluarga_core::error::{Error as CoreError, GqlResultExt};
use keluarga_core::graphql::app_actor;

use crate::graphql::EkonomiSettings;
use crate::graphql::types::*;
use crate::input::*;
use crate::{import, service};

/// The ekonomi-keluarga domain's part of the mutation root.
pub struct EkonomiMutation<R>(PhantomData<fn() -> R>);

impl<R> Default for EkonomiMutation<R> {
    fn default() -> Self {
        EkonomiMutation(PhantomData)
    }
}

/// What a welfare-ranking import did.
#[derive(SimpleObject)]
pub struct RankingImportSummary {
    /// Data rows in the file.
    pub rows: u64,
    /// Rankings written.
    pub imported: u64,
    /// Distinct families ranked.
    pub families: u64,
}

#[Object]
impl<R: RegionType> EkonomiMutation<R> {
    /// Registers a family as PEKKA (ADMIN, OPERATOR in scope); its head must be recorded as a
    /// woman, and it must not hold a current PEKKA status already.
    async fn register_pekka(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RegisterPekkaInput,
    ) -> async_graphql::Result<Pekka<R>> {
        let (app, actor) = app_actor(ctx);
        service::register_pekka(app, actor, input)
            .await
            .map(Pekka::new)
            .gql()
    }

    /// Ends a family's PEKKA status (the record stays, as history).
    async fn end_pekka(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: EndPekkaInput,
    ) -> async_graphql::Result<Pekka<R>> {
        let (app, actor) = app_actor(ctx);
        service::end_pekka(app, actor, input)
            .await
            .map(Pekka::new)
            .gql()
    }

    /// Records a family's welfare decile from one source as of a day (ADMIN, OPERATOR in scope).
    async fn record_welfare_ranking(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordWelfareRankingInput,
    ) -> async_graphql::Result<WelfareRanking<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_welfare_ranking(app, actor, input)
            .await
            .map(WelfareRanking::new)
            .gql()
    }

    /// Creates a UP2K group in a desa/kelurahan of your scope (ADMIN, OPERATOR).
    #[graphql(name = "createUp2kGroup")]
    async fn create_up2k_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateUp2kGroupInput,
    ) -> async_graphql::Result<Up2kGroup<R>> {
        let (app, actor) = app_actor(ctx);
        service::create_group(app, actor, input)
            .await
            .map(Up2kGroup::new)
            .gql()
    }

    /// Updates a UP2K group (a stale `version` is CONFLICT).
    #[graphql(name = "updateUp2kGroup")]
    async fn update_up2k_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: UpdateUp2kGroupInput,
    ) -> async_graphql::Result<Up2kGroup<R>> {
        let (app, actor) = app_actor(ctx);
        service::update_group(app, actor, input)
            .await
            .map(Up2kGroup::new)
            .gql()
    }

    /// Adds a person to a UP2K group, as a member or an officer.
    #[graphql(name = "addUp2kMember")]
    async fn add_up2k_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: AddUp2kMemberInput,
    ) -> async_graphql::Result<Up2kMember<R>> {
        let (app, actor) = app_actor(ctx);
        service::add_member(app, actor, input)
            .await
            .map(Up2kMember::new)
            .gql()
    }

    /// Changes a membership's role, or records the day the member left (kept as history; a
    /// stale `version` is CONFLICT).
    #[graphql(name = "updateUp2kMember")]
    async fn update_up2k_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: UpdateUp2kMemberInput,
    ) -> async_graphql::Result<Up2kMember<R>> {
        let (app, actor) = app_actor(ctx);
        service::update_member(app, actor, input)
            .await
            .map(Up2kMember::new)
            .gql()
    }

    /// Records assistance to a UP2K group or one of its members (ADMIN, OPERATOR in scope).
    async fn record_assistance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordAssistanceInput,
    ) -> async_graphql::Result<Assistance<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_assistance(app, actor, input)
            .await
            .map(Assistance::new)
            .gql()
    }

    /// Records a month's revenue and profit of a group or a member (ADMIN, OPERATOR, CADRE in
    /// scope); the month must have ended.
    async fn record_income_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordIncomeReportInput,
    ) -> async_graphql::Result<IncomeReport<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_income_report(app, actor, input)
            .await
            .map(IncomeReport::new)
            .gql()
    }

    /// Imports welfare rankings from a CSV file (the DTKS/P3KE/DTSEN extract a dinas receives;
    /// columns `family_id,source,decile,as_of` or `kk_number` instead of `family_id`): all or
    /// nothing, every bad row listed in `extensions.rows`.
    async fn import_welfare_rankings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The CSV file, as a multipart upload (GraphQL multipart request spec).")]
        file: Upload,
    ) -> async_graphql::Result<RankingImportSummary> {
        let (app, actor) = app_actor(ctx);
        let limit = ctx.data_unchecked::<EkonomiSettings>().0.upload_limit_bytes;
        let upload = file.value(ctx)?;
        if upload.size().unwrap_or(0) as usize > limit {
            return Err(CoreError::bad(
                "file",
                format!("the file is larger than {limit} bytes"),
            ))
            .gql();
        }
        let s = import::import_rankings(app, actor, upload.into_read(), &|_, _, _| {})
            .await
            .gql()?;
        Ok(RankingImportSummary {
            rows: s.rows,
            imported: s.imported,
            families: s.families,
        })
    }
}
