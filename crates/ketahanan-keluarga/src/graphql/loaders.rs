//! Per-request DataLoaders of the ketahanan-keluarga domain, each scoped to the actor.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::Datelike;
use keluarga_core::graphql::loaders::{FacetBatch, LoadError, by_id, parent};
use keluarga_core::{Actor, Reader, Scope};
use sea_orm::{DatabaseConnection, DbErr};

use crate::entity::{
    family_visit, ketahanan_answer, ketahanan_assessment, ketahanan_assessment_revision,
    ketahanan_framework, ketahanan_score, krppa_indicator, lokus,
};
use crate::framework::Framework;
use crate::{service, stats, store};

use keluarga_core::graphql::loaders::load_error as db_err;

/// Framework versions by number, parsed once per request.
pub struct FrameworkLoader {
    db: DatabaseConnection,
}

impl Loader<i32> for FrameworkLoader {
    type Value = Arc<Framework>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Arc<Framework>>, LoadError> {
        let rows = crate::store::frameworks(&self.db, keys)
            .await
            .map_err(db_err)?;
        rows.into_iter()
            .map(|r| {
                Framework::parse(&r.definition)
                    .map(|f| (r.version, Arc::new(f)))
                    .map_err(|e| LoadError::Db(Arc::new(DbErr::Custom(e))))
            })
            .collect()
    }
}

/// Each family's latest assessment the actor may see.
pub struct LatestAssessment {
    reader: Reader,
}

impl Loader<uuid::Uuid> for LatestAssessment {
    type Value = ketahanan_assessment::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[uuid::Uuid],
    ) -> Result<HashMap<uuid::Uuid, ketahanan_assessment::Model>, LoadError> {
        let rows = store::latest_assessments(&self.reader, keys)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (m.family_id, m)).collect())
    }
}

pub use keluarga_core::graphql::loaders::FacetKey;

/// The headline figures of one region for one period.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FacetFigures {
    /// Families assessed in the period (each once).
    pub families: i64,
    /// Their mean index.
    pub mean_index: Option<f64>,
    /// The R-IKK of their latest assessments.
    pub r_ikk: Option<f64>,
    /// Active family-resilience cadres at the period's end.
    pub cadres_active: i64,
    /// The cadre target of the programmes owned by the region itself.
    pub cadre_target: Option<i64>,
    /// KRPPA indicators met in the period's last year (villages only).
    pub krppa_met: Option<i64>,
    /// Villages designated as lokus in the period's last year.
    pub lokus: i64,
    /// True when the family figures are withheld from this actor (small, or protecting a small
    /// sibling: `stats::region_cells`).
    pub withheld: bool,
}

/// The `Region.ketahananKeluarga` figures of many regions: per period and level, a fixed
/// number of statements (assessments, answers, cadres, targets, KRPPA, lokus).
pub struct FacetLoader {
    db: DatabaseConnection,
    scope: Scope,
    access: bool,
    disclosure: keluarga_core::stats::Disclosure,
}

impl Loader<FacetKey> for FacetLoader {
    type Value = FacetFigures;
    type Error = LoadError;

    async fn load(&self, keys: &[FacetKey]) -> Result<HashMap<FacetKey, FacetFigures>, LoadError> {
        let fw = service::current_framework(&self.db)
            .await
            .map_err(db_err)?
            .framework;
        let mut out = HashMap::new();
        for FacetBatch {
            from,
            to,
            len,
            codes,
        } in FacetKey::batches(keys)
        {
            let year = to.year();
            let heads = stats::by_regions(
                &self.db,
                &fw,
                &self.scope,
                &codes,
                (from, to),
                (self.access, self.disclosure),
            )
            .await
            .map_err(db_err)?;
            let cadres = store::cadres_active(&self.db, &self.scope, &codes, to)
                .await
                .map_err(db_err)?;
            let targets = store::cadre_targets(&self.db, &self.scope, &codes)
                .await
                .map_err(db_err)?;
            let krppa = if len == 13 {
                store::krppa_met(&self.db, &self.scope, &codes, year)
                    .await
                    .map_err(db_err)?
            } else {
                HashMap::new()
            };
            let lokus = store::lokus_count(&self.db, &self.scope, &codes, year)
                .await
                .map_err(db_err)?;
            for code in codes {
                let (families, mean_index, r_ikk, withheld) =
                    heads.get(&code).copied().unwrap_or((0, None, None, false));
                let figures = FacetFigures {
                    families,
                    mean_index,
                    r_ikk,
                    cadres_active: cadres.get(&code).copied().unwrap_or(0),
                    cadre_target: targets.get(&code).copied(),
                    krppa_met: (len == 13).then(|| krppa.get(&code).copied().unwrap_or(0)),
                    lokus: lokus.get(&code).copied().unwrap_or(0),
                    withheld,
                };
                out.insert(FacetKey { code, from, to }, figures);
            }
        }
        Ok(out)
    }
}

/// Adds every loader of the domain, reading through the request's `Reader`.
pub fn attach(
    app: &keluarga_core::AppContext,
    actor: &Actor,
    req: async_graphql::Request,
) -> async_graphql::Request {
    let reader = Reader::new(app, actor);
    let r = &reader;
    req.data(by_id::<ketahanan_assessment::Entity>(r))
        .data(by_id::<family_visit::Entity>(r))
        .data(by_id::<krppa_indicator::Entity>(r))
        .data(by_id::<lokus::Entity>(r))
        .data(by_id::<ketahanan_framework::Entity>(r))
        .data(parent::<ketahanan_assessment::Entity>(
            r,
            ketahanan_assessment::Column::FamilyId,
            |m| m.family_id,
        ))
        .data(parent::<ketahanan_answer::Entity>(
            r,
            ketahanan_answer::Column::AssessmentId,
            |m| m.assessment_id,
        ))
        .data(parent::<ketahanan_score::Entity>(
            r,
            ketahanan_score::Column::AssessmentId,
            |m| m.assessment_id,
        ))
        .data(parent::<ketahanan_assessment_revision::Entity>(
            r,
            ketahanan_assessment_revision::Column::AssessmentId,
            |m| m.assessment_id,
        ))
        .data(keluarga_core::graphql::loaders::batched(LatestAssessment {
            reader: reader.clone(),
        }))
        .data(keluarga_core::graphql::loaders::batched(FrameworkLoader {
            db: app.db.clone(),
        }))
        .data(keluarga_core::graphql::loaders::batched(FacetLoader {
            db: app.db.clone(),
            scope: actor.scope.clone(),
            access: actor.has_record_access(),
            disclosure: app.settings.disclosure,
        }))
}
