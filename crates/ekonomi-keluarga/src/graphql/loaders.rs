//! Per-request DataLoaders of the ekonomi-keluarga domain, each reading through the request's
//! `Reader` (scope, access rule, audit).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use keluarga_core::graphql::loaders::DataLoader;
use keluarga_core::graphql::loaders::{ByParent, FacetBatch, LoadError, by_id, parent};
use keluarga_core::{Actor, Reader, Scope};
use sea_orm::DatabaseConnection;

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::stats::{self, Headline};

use keluarga_core::graphql::loaders::load_error as db_err;

/// UP2K memberships keyed by family (a second `ByParent<up2k_member>` needs its own type).
pub struct MembersOfFamily(pub DataLoader<ByParent<up2k_member::Entity>>);

/// Assistance keyed by the receiving member's family.
pub struct AssistanceOfFamily(pub DataLoader<ByParent<assistance::Entity>>);

pub use keluarga_core::graphql::loaders::FacetKey;

/// The `Region.ekonomiKeluarga` figures of many regions: per period and level, a fixed number of
/// statements (PEKKA, members, groups, assistance, population).
pub struct FacetLoader {
    db: DatabaseConnection,
    scope: Scope,
    access: bool,
    disclosure: keluarga_core::stats::Disclosure,
}

impl Loader<FacetKey> for FacetLoader {
    type Value = Headline;
    type Error = LoadError;

    async fn load(&self, keys: &[FacetKey]) -> Result<HashMap<FacetKey, Headline>, LoadError> {
        let mut out = HashMap::new();
        for FacetBatch {
            from, to, codes, ..
        } in FacetKey::batches(keys)
        {
            let figures = stats::by_regions(
                &self.db,
                &self.scope,
                &codes,
                (from, to),
                (self.access, self.disclosure),
            )
            .await
            .map_err(db_err)?;
            for (code, h) in figures {
                out.insert(FacetKey { code, from, to }, h);
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
    req.data(by_id::<pekka::Entity>(r))
        .data(by_id::<welfare_ranking::Entity>(r))
        .data(by_id::<up2k_group::Entity>(r))
        .data(by_id::<up2k_member::Entity>(r))
        .data(by_id::<assistance::Entity>(r))
        .data(by_id::<income_report::Entity>(r))
        .data(parent::<pekka::Entity>(r, pekka::Column::FamilyId, |m| {
            m.family_id
        }))
        .data(parent::<welfare_ranking::Entity>(
            r,
            welfare_ranking::Column::FamilyId,
            |m| m.family_id,
        ))
        .data(parent::<up2k_member::Entity>(
            r,
            up2k_member::Column::GroupId,
            |m| m.group_id,
        ))
        .data(MembersOfFamily(parent::<up2k_member::Entity>(
            r,
            up2k_member::Column::FamilyId,
            |m| m.family_id.unwrap_or_default(),
        )))
        .data(parent::<assistance::Entity>(
            r,
            assistance::Column::GroupId,
            |m| m.group_id,
        ))
        .data(AssistanceOfFamily(parent::<assistance::Entity>(
            r,
            assistance::Column::FamilyId,
            |m| m.family_id.unwrap_or_default(),
        )))
        .data(parent::<income_report::Entity>(
            r,
            income_report::Column::GroupId,
            |m| m.group_id,
        ))
        .data(keluarga_core::graphql::loaders::batched(FacetLoader {
            db: app.db.clone(),
            scope: actor.scope.clone(),
            access: actor.has_record_access(),
            disclosure: app.settings.disclosure,
        }))
}
