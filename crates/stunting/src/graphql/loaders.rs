//! Per-request DataLoaders of the stunting domain, each scoped to the actor.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use keluarga_core::entity::cadre_role;
use keluarga_core::graphql::loaders::{FacetBatch, LoadError, by_id, parent};
use keluarga_core::kinds::CadreRoleKind;
use keluarga_core::{Actor, Reader, Scope};
use sea_orm::DatabaseConnection;

use crate::entity::{
    child, foster_parent, foster_parent_child, measurement, measurement_revision, pendampingan,
    posyandu, tpk_member, tpk_team,
};
use crate::stats::{self, Counts};
use crate::store;

use keluarga_core::graphql::loaders::load_error as db_err;

/// Current KADER_POSYANDU roles by village code, read through the request's `Reader`.
pub struct PosyanduCadres {
    reader: Reader,
    today: NaiveDate,
}

impl Loader<String> for PosyanduCadres {
    type Value = Vec<cadre_role::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Vec<cadre_role::Model>>, LoadError> {
        let rows =
            store::current_cadres(&self.reader, keys, CadreRoleKind::KaderPosyandu, self.today)
                .await
                .map_err(db_err)?;
        let mut out: HashMap<String, Vec<cadre_role::Model>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for r in rows {
            out.entry(r.region_code.clone()).or_default().push(r);
        }
        Ok(out)
    }
}

/// Each child's latest measurement the actor may see (one statement per batch, audited per row
/// returned rather than per row of the history).
pub struct LatestMeasurement {
    reader: Reader,
}

impl Loader<uuid::Uuid> for LatestMeasurement {
    type Value = measurement::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[uuid::Uuid],
    ) -> Result<HashMap<uuid::Uuid, measurement::Model>, LoadError> {
        let rows = store::latest_measurements(&self.reader, keys)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (m.child_id, m)).collect())
    }
}

pub use keluarga_core::graphql::loaders::FacetKey;

/// The headline figures of one region for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FacetFigures {
    /// Measurement counts from each child's latest measurement in the period.
    pub counts: Counts,
    /// Convergence actions DONE in the period's last year by the region's regency/city (none
    /// for a province).
    pub actions_done: Option<i64>,
    /// Foster parents active at some time in the period.
    pub foster_parents: i64,
    /// True when the child counts are withheld from this actor (small, or protecting a small
    /// sibling: `stats::region_cells`).
    pub withheld: bool,
}

/// The `Region.stunting` figures of many regions: per period and level, one query for the
/// measurements, one for the convergence actions and one for the foster parents.
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
        let mut out = HashMap::new();
        for FacetBatch {
            from,
            to,
            len,
            codes,
        } in FacetKey::batches(keys)
        {
            let counts: HashMap<String, (Counts, bool)> = stats::by_regions(
                &self.db,
                &self.scope,
                &codes,
                (from, to),
                self.access,
                self.disclosure,
            )
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|(code, c, w)| (code, (c, w)))
            .collect();
            // Convergence actions belong to the regency/city (code length 5).
            let actions = if len >= 5 {
                let regencies: Vec<String> = codes
                    .iter()
                    .filter_map(|c| c.get(..5).map(str::to_owned))
                    .collect();
                store::actions_done(
                    &self.db,
                    &self.scope,
                    &regencies,
                    chrono::Datelike::year(&to),
                )
                .await
                .map_err(db_err)?
            } else {
                HashMap::new()
            };
            let fosters = store::active_foster_parents(&self.db, &self.scope, &codes, from, to)
                .await
                .map_err(db_err)?;
            for code in codes {
                let (region_counts, withheld) = counts.get(&code).copied().unwrap_or_default();
                let figures = FacetFigures {
                    counts: region_counts,
                    withheld,
                    actions_done: (len >= 5).then(|| {
                        code.get(..5)
                            .and_then(|r| actions.get(r).copied())
                            .unwrap_or(0)
                    }),
                    foster_parents: fosters.get(&code).copied().unwrap_or(0),
                };
                out.insert(FacetKey { code, from, to }, figures);
            }
        }
        Ok(out)
    }
}

/// Adds every loader of the stunting domain, reading through the request's `Reader`.
pub fn attach(
    app: &keluarga_core::AppContext,
    actor: &Actor,
    req: async_graphql::Request,
) -> async_graphql::Request {
    let reader = Reader::new(app, actor);
    let r = &reader;
    let scope = actor.scope.clone();
    let db = &app.db;
    req.data(by_id::<child::Entity>(r))
        .data(by_id::<posyandu::Entity>(r))
        .data(by_id::<measurement::Entity>(r))
        .data(by_id::<tpk_team::Entity>(r))
        .data(by_id::<foster_parent::Entity>(r))
        .data(by_id::<pendampingan::Entity>(r))
        .data(parent::<measurement::Entity>(
            r,
            measurement::Column::ChildId,
            |m| m.child_id,
        ))
        .data(parent::<measurement_revision::Entity>(
            r,
            measurement_revision::Column::MeasurementId,
            |m| m.measurement_id,
        ))
        .data(parent::<tpk_member::Entity>(
            r,
            tpk_member::Column::TeamId,
            |m| m.team_id,
        ))
        .data(parent::<foster_parent_child::Entity>(
            r,
            foster_parent_child::Column::FosterParentId,
            |m| m.foster_parent_id,
        ))
        .data(keluarga_core::graphql::loaders::batched(
            LatestMeasurement {
                reader: reader.clone(),
            },
        ))
        .data(keluarga_core::graphql::loaders::batched(PosyanduCadres {
            reader: reader.clone(),
            today: app.clock.today(),
        }))
        .data(keluarga_core::graphql::loaders::batched(FacetLoader {
            db: db.clone(),
            scope,
            access: actor.has_record_access(),
            disclosure: app.settings.disclosure,
        }))
}
