//! Ketahanan mutations: assessments, visits, KRPPA, lokus, cadre training, framework versions,
//! and the CSV import of assessments.

use std::marker::PhantomData;

use async_graphql::{Context, Object, SimpleObject, Upload};
use keluarga_core::RegionType;
use keluarga_core::error::{Error as CoreError, GqlResultExt};
use keluarga_core::graphql::app_actor;

use crate::graphql::types::*;
use crate::input::*;
use crate::{import, service};

/// The largest CSV file `importAssessments` accepts (from `[domains.ketahanan_keluarga]`).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// The ketahanan-keluarga domain's part of the mutation root.
pub struct KetahananMutation<R>(PhantomData<fn() -> R>);

impl<R> Default for KetahananMutation<R> {
    fn default() -> Self {
        KetahananMutation(PhantomData)
    }
}

/// What an assessment import did.
#[derive(SimpleObject)]
pub struct AssessmentImportSummary {
    /// Data rows in the file.
    pub rows: u64,
    /// Assessments written.
    pub imported: u64,
    /// Distinct families assessed.
    pub families: u64,
}

#[Object]
impl<R: RegionType> KetahananMutation<R> {
    /// Records a family-resilience assessment, scored with the current framework version
    /// (ADMIN, OPERATOR, CADRE in scope; the assessor must hold a cadre role in scope).
    async fn record_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordAssessmentInput,
    ) -> async_graphql::Result<FamilyAssessment<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_assessment(app, actor, input)
            .await
            .map(FamilyAssessment::new)
            .gql()
    }

    /// Corrects an assessment (re-scored with its own framework version; the previous answers
    /// are kept as a revision; a stale `version` is CONFLICT).
    async fn correct_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: CorrectAssessmentInput,
    ) -> async_graphql::Result<FamilyAssessment<R>> {
        let (app, actor) = app_actor(ctx);
        service::correct_assessment(app, actor, input)
            .await
            .map(FamilyAssessment::new)
            .gql()
    }

    /// Records a family visit (ADMIN, OPERATOR, CADRE in scope).
    async fn record_family_visit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordVisitInput,
    ) -> async_graphql::Result<FamilyVisit<R>> {
        let (app, actor) = app_actor(ctx);
        service::record_visit(app, actor, input)
            .await
            .map(FamilyVisit::new)
            .gql()
    }

    /// Records the follow-up of a visit you may read.
    async fn follow_up_family_visit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: FollowUpVisitInput,
    ) -> async_graphql::Result<FamilyVisit<R>> {
        let (app, actor) = app_actor(ctx);
        service::follow_up_visit(app, actor, input)
            .await
            .map(FamilyVisit::new)
            .gql()
    }

    /// Sets the status of one KRPPA indicator of a kelurahan/desa in a year (ADMIN, OPERATOR
    /// in scope).
    async fn set_krppa_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: SetKrppaIndicatorInput,
    ) -> async_graphql::Result<KrppaIndicator<R>> {
        let (app, actor) = app_actor(ctx);
        service::set_krppa_indicator(app, actor, input)
            .await
            .map(KrppaIndicator::new)
            .gql()
    }

    /// Designates a kelurahan/desa as a locus of a programme for a year (ADMIN, OPERATOR in
    /// scope).
    async fn designate_lokus(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: DesignateLokusInput,
    ) -> async_graphql::Result<Lokus<R>> {
        let (app, actor) = app_actor(ctx);
        service::designate_lokus(app, actor, input)
            .await
            .map(Lokus::new)
            .gql()
    }

    /// Records a training stage a cadre completed (ADMIN, OPERATOR in scope); returns the
    /// stage.
    async fn record_cadre_training(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: RecordCadreTrainingInput,
    ) -> async_graphql::Result<i32> {
        let (app, actor) = app_actor(ctx);
        service::record_cadre_training(app, actor, input)
            .await
            .map(|m| m.stage)
            .gql()
    }

    /// Publishes a new version of the indicator framework (ADMIN). Existing assessments keep
    /// the version they were scored with.
    async fn publish_resilience_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: PublishFrameworkInput,
    ) -> async_graphql::Result<ResilienceFramework<R>> {
        let (app, actor) = app_actor(ctx);
        service::publish_framework(app, actor, &input.definition)
            .await
            .map(ResilienceFramework::new)
            .gql()
    }

    /// Imports assessments from a CSV file (one row per family visit, one column per indicator;
    /// columns in the README): all or nothing, every bad row listed in `extensions.rows`.
    async fn import_assessments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The CSV file, as a multipart upload (GraphQL multipart request spec).")]
        file: Upload,
    ) -> async_graphql::Result<AssessmentImportSummary> {
        let (app, actor) = app_actor(ctx);
        let limit = ctx.data_unchecked::<UploadLimit>().0;
        let upload = file.value(ctx)?;
        if upload.size().unwrap_or(0) as usize > limit {
            return Err(CoreError::bad(
                "file",
                format!("the file is larger than {limit} bytes"),
            ))
            .gql();
        }
        let s = import::import_assessments(app, actor, upload.into_read(), &|_, _, _| {})
            .await
            .gql()?;
        Ok(AssessmentImportSummary {
            rows: s.rows,
            imported: s.imported,
            families: s.families,
        })
    }
}
