//! Per-request DataLoaders of the gender-mainstreaming domain, each reading through the
//! request's `Reader` or inside the actor's scope.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use chrono::{Datelike, NaiveDate};
use keluarga_core::graphql::loaders::{FacetBatch, LoadError, by_id, parent};
use keluarga_core::{Actor, Reader, Scope};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::entity::{
    advocacy_target, award, gender_analysis, post_holding, pug_prerequisite, strategic_post,
};
use crate::stats::{self, AdvocacyFigures, PostFigures};
use crate::warning::{self, Warning};

use keluarga_core::graphql::loaders::load_error as db_err;

/// The sex of post holders by person id (public-office information; only persons holding or
/// having held a post are read).
pub struct HolderSexLoader {
    db: DatabaseConnection,
}

impl Loader<Uuid> for HolderSexLoader {
    type Value = String;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, String>, LoadError> {
        let rows = crate::store::holder_sexes(&self.db, keys)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().collect())
    }
}

/// An advocacy target's reach counted up to a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdvocacyKey {
    /// The target.
    pub id: Uuid,
    /// The last day counted.
    pub on: NaiveDate,
}

/// The reach of advocacy targets: one statement per day asked for.
pub struct AdvocacyLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<AdvocacyKey> for AdvocacyLoader {
    type Value = AdvocacyFigures;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[AdvocacyKey],
    ) -> Result<HashMap<AdvocacyKey, AdvocacyFigures>, LoadError> {
        let mut days: Vec<NaiveDate> = keys.iter().map(|k| k.on).collect();
        days.sort();
        days.dedup();
        let mut out = HashMap::new();
        for on in days {
            let figures = stats::advocacy_by_target(&self.db, &self.scope, on)
                .await
                .map_err(db_err)?;
            for (key, f) in figures {
                if let Ok(id) = Uuid::parse_str(&key) {
                    out.insert(AdvocacyKey { id, on }, f);
                }
            }
        }
        Ok(out)
    }
}

pub use keluarga_core::graphql::loaders::FacetKey;

/// The `Region.gender` figures of one region.
#[derive(Debug, Clone, Default)]
pub struct Facet {
    /// Strategic posts on the period's last day.
    pub posts: PostFigures,
    /// Prerequisites met in the period's year.
    pub prerequisites_met: i64,
    /// Advocacy targets running in the period and their reach.
    pub advocacy: AdvocacyFigures,
    /// The current APE award and its early warning.
    pub warning: Option<Warning>,
}

/// The `Region.gender` figures of many regions: per period and level, a fixed number of
/// statements (posts, prerequisites, advocacy, award, changes since it).
pub struct FacetLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<FacetKey> for FacetLoader {
    type Value = Facet;
    type Error = LoadError;

    async fn load(&self, keys: &[FacetKey]) -> Result<HashMap<FacetKey, Facet>, LoadError> {
        let mut out = HashMap::new();
        for FacetBatch {
            from, to, codes, ..
        } in FacetKey::batches(keys)
        {
            let posts = stats::posts_by_region(&self.db, &self.scope, &codes, to)
                .await
                .map_err(db_err)?;
            let advocacy = stats::advocacy_by_region(&self.db, &self.scope, &codes, (from, to))
                .await
                .map_err(db_err)?;
            let met = crate::store::prerequisites_met(&self.db, &codes, to.year())
                .await
                .map_err(db_err)?;
            let met: HashMap<String, i64> = met.into_iter().collect();
            let visible: Vec<String> = codes
                .iter()
                .filter(|c| self.scope.contains(c))
                .cloned()
                .collect();
            let mut warnings = warning::warnings(&self.db, &visible, &posts, to)
                .await
                .map_err(db_err)?;
            for code in codes {
                let facet = Facet {
                    posts: posts.get(&code).copied().unwrap_or_default(),
                    prerequisites_met: met.get(&code).copied().unwrap_or(0),
                    advocacy: advocacy.get(&code).copied().unwrap_or_default(),
                    warning: warnings.remove(&code),
                };
                out.insert(FacetKey { code, from, to }, facet);
            }
        }
        Ok(out)
    }
}

/// Adds every loader of the domain.
pub fn attach(
    app: &keluarga_core::AppContext,
    actor: &Actor,
    req: async_graphql::Request,
) -> async_graphql::Request {
    let reader = Reader::new(app, actor);
    let r = &reader;
    req.data(by_id::<strategic_post::Entity>(r))
        .data(by_id::<post_holding::Entity>(r))
        .data(by_id::<award::Entity>(r))
        .data(by_id::<pug_prerequisite::Entity>(r))
        .data(by_id::<advocacy_target::Entity>(r))
        .data(by_id::<gender_analysis::Entity>(r))
        .data(parent::<post_holding::Entity>(
            r,
            post_holding::Column::PostId,
            |m| m.post_id,
        ))
        .data(keluarga_core::graphql::loaders::batched(HolderSexLoader {
            db: app.db.clone(),
        }))
        .data(keluarga_core::graphql::loaders::batched(AdvocacyLoader {
            db: app.db.clone(),
            scope: actor.scope.clone(),
        }))
        .data(keluarga_core::graphql::loaders::batched(FacetLoader {
            db: app.db.clone(),
            scope: actor.scope.clone(),
        }))
}
