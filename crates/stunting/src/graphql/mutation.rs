//! Stunting mutations. Each validates all of its input, then writes in one transaction.

use std::marker::PhantomData;

use async_graphql::{Context, Object, SimpleObject, Upload};
use keluarga_core::RegionType;
use keluarga_core::graphql::types::CadreRole;

use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::app_actor as ctx2;

use crate::error::Error;
use crate::graphql::types::*;
use crate::input::*;
use crate::{import, service};

/// The stunting domain's part of the mutation root.
pub struct StuntingMutation<R>(PhantomData<fn() -> R>);

impl<R> Default for StuntingMutation<R> {
    fn default() -> Self {
        StuntingMutation(PhantomData)
    }
}

/// The largest CSV file `importMeasurements` accepts, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// What an import did.
#[derive(SimpleObject)]
pub struct ImportResult {
    /// Data rows in the file.
    pub rows: u64,
    /// Measurements written (all rows: an import is all or nothing).
    pub imported: u64,
    /// Distinct children measured.
    pub children: u64,
    /// Measurements stored with a WHO implausibility flag.
    pub flagged: u64,
}

#[Object]
impl<R: RegionType> StuntingMutation<R> {
    /// Registers a posyandu in a desa/kelurahan (ADMIN, OPERATOR in scope).
    async fn create_posyandu(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreatePosyanduInput,
    ) -> async_graphql::Result<Posyandu<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_posyandu(app, actor, input)
            .await
            .map(Posyandu::new)
            .gql()
    }

    /// Registers a registry person under five as a child with stunting data, with the consent for
    /// their data (ADMIN, OPERATOR in scope).
    async fn register_child(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RegisterChildInput,
    ) -> async_graphql::Result<Child<R>> {
        let (app, actor) = ctx2(ctx);
        service::register_child(app, actor, input)
            .await
            .map(Child::new)
            .gql()
    }

    /// Records a measurement; z-scores, flags and categories are computed on write. Impossible
    /// values are refused; plausible values WHO flags are stored with their flag (ADMIN, OPERATOR,
    /// CADRE in scope).
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordMeasurementInput,
    ) -> async_graphql::Result<Measurement<R>> {
        let (app, actor) = ctx2(ctx);
        service::record_measurement(app, actor, input)
            .await
            .map(Measurement::new)
            .gql()
    }

    /// Corrects a measurement: re-scores it and keeps the previous values as a revision; fails
    /// with CONFLICT when `version` is stale.
    async fn correct_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CorrectMeasurementInput,
    ) -> async_graphql::Result<Measurement<R>> {
        let (app, actor) = ctx2(ctx);
        service::correct_measurement(app, actor, input)
            .await
            .map(Measurement::new)
            .gql()
    }

    /// Imports measurements from a CSV file upload (GraphQL multipart request; columns as in the
    /// README). All or nothing: every bad row is reported in `extensions.rows` with its line
    /// number, and then nothing is written.
    async fn import_measurements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The CSV file, as a multipart upload (GraphQL multipart request spec).")]
        file: Upload,
    ) -> async_graphql::Result<ImportResult> {
        let (app, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let upload = file.value(ctx)?;
        let limit = ctx
            .data_opt::<UploadLimit>()
            .map(|l| l.0)
            .unwrap_or(20 * 1024 * 1024);
        if upload.size().unwrap_or(0) as usize > limit {
            return Err(Error::Core(keluarga_core::error::Error::bad(
                "file",
                format!("the file is larger than {limit} bytes"),
            )))
            .gql();
        }
        let summary =
            import::import_measurements(app, actor, upload.into_read(), &|_, _, _| {}).await;
        summary
            .map(|s| ImportResult {
                rows: s.rows,
                imported: s.imported,
                children: s.children,
                flagged: s.flagged,
            })
            .gql()
    }

    /// Forms a TPK team: exactly one BIDAN, one KADER_PKK and one KADER_KB in one village.
    async fn create_tpk_team(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateTpkTeamInput,
    ) -> async_graphql::Result<TpkTeam<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_tpk_team(app, actor, input)
            .await
            .map(TpkTeam::new)
            .gql()
    }

    /// Records a pendampingan visit by a TPK team (ADMIN, OPERATOR, CADRE in scope).
    async fn record_pendampingan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordPendampinganInput,
    ) -> async_graphql::Result<Pendampingan<R>> {
        let (app, actor) = ctx2(ctx);
        service::record_pendampingan(app, actor, input)
            .await
            .map(Pendampingan::new)
            .gql()
    }

    /// Assigns a KPM to a desa/kelurahan or (as in Jakarta Pusat) a kecamatan: a KPM cadre role.
    async fn assign_kpm(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: AssignKpmInput,
    ) -> async_graphql::Result<CadreRole<R>> {
        let (app, actor) = ctx2(ctx);
        service::assign_kpm(app, actor, input)
            .await
            .map(CadreRole::new)
            .gql()
    }

    /// Sets the state of one of the 8 convergence actions of a regency/city for a year.
    async fn set_convergence_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: SetConvergenceActionInput,
    ) -> async_graphql::Result<ConvergenceActionState> {
        let (app, actor) = ctx2(ctx);
        let aksi = input.aksi;
        service::set_convergence_action(app, actor, input)
            .await
            .map(|m| ConvergenceActionState::new(aksi, Some(&m)))
            .gql()
    }

    /// Registers a foster parent (orang tua asuh) supporting a village, optionally naming children.
    async fn create_foster_parent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CreateFosterParentInput,
    ) -> async_graphql::Result<FosterParent<R>> {
        let (app, actor) = ctx2(ctx);
        service::create_foster_parent(app, actor, input)
            .await
            .map(FosterParent::new)
            .gql()
    }
}
