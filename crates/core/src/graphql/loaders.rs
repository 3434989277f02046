//! Per-request DataLoaders: every relation is batched, and every loader applies the actor's scope.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::actor::{Actor, Scope};
use crate::entity::{
    activity, activity_organiser, activity_participant, activity_participant_count, cadre_role,
    commitment, family, family_member, household, organisation, person, programme,
    programme_target, region,
};
use crate::store;

/// The error type of loaders (cloneable, as async-graphql requires).
pub type LoadError = Arc<DbErr>;

/// Regions by code, visible in the actor's scope.
pub struct RegionLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<String> for RegionLoader {
    type Value = region::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, region::Model>, LoadError> {
        let rows = store::regions_by_code(&self.db, &self.scope, keys)
            .await
            .map_err(|e| Arc::new(DbErr::Custom(e.to_string())))?;
        Ok(rows.into_iter().map(|r| (r.code.clone(), r)).collect())
    }
}

/// One page of a region's children: parent code, the code to start after, and page size + 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChildrenKey {
    /// The parent region code.
    pub parent: String,
    /// Start after this child code.
    pub after: Option<String>,
    /// Rows to fetch (page size plus one).
    pub limit: u64,
}

/// Children pages of many parents in one windowed query.
pub struct ChildrenLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<ChildrenKey> for ChildrenLoader {
    type Value = Vec<region::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ChildrenKey],
    ) -> Result<HashMap<ChildrenKey, Vec<region::Model>>, LoadError> {
        // Keys asking for the same page shape share one query.
        let mut shapes: HashMap<(Option<String>, u64), Vec<String>> = HashMap::new();
        for k in keys {
            shapes
                .entry((k.after.clone(), k.limit))
                .or_default()
                .push(k.parent.clone());
        }
        let mut out = HashMap::new();
        for ((after, limit), parents) in shapes {
            let pages =
                store::children_pages(&self.db, &self.scope, &parents, after.as_deref(), limit)
                    .await
                    .map_err(|e| Arc::new(DbErr::Custom(e.to_string())))?;
            for (parent, rows) in pages {
                out.insert(
                    ChildrenKey {
                        parent,
                        after: after.clone(),
                        limit,
                    },
                    rows,
                );
            }
        }
        Ok(out)
    }
}

/// Rows of `E` by primary key, restricted to the actor's scope on `region_col` when it has one.
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    scope: Scope,
    id_col: E::Column,
    region_col: Option<E::Column>,
    id_of: fn(&E::Model) -> Uuid,
    ancestors_too: bool,
}

impl<E: EntityTrait> ById<E> {
    /// Also loads rows of the regions above the scope (reference data such as organisations:
    /// a city operator sees the provincial bodies working in the city).
    pub fn with_ancestors(mut self) -> Self {
        self.ancestors_too = true;
        self
    }

    /// A loader of `E` by `id_col`, scoped on `region_col` when given.
    pub fn new(
        db: DatabaseConnection,
        scope: Scope,
        id_col: E::Column,
        region_col: Option<E::Column>,
        id_of: fn(&E::Model) -> Uuid,
    ) -> Self {
        ById {
            db,
            scope,
            id_col,
            region_col,
            id_of,
            ancestors_too: false,
        }
    }
}

impl<E> Loader<Uuid> for ById<E>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, LoadError> {
        let mut q = E::find().filter(self.id_col.is_in(keys.iter().copied()));
        if let Some(col) = self.region_col {
            let mut cond = sea_orm::Condition::any().add(store::in_scope(col, &self.scope));
            if self.ancestors_too {
                let ancestors = crate::region_code::ancestors_of(self.scope.code());
                if !ancestors.is_empty() {
                    cond = cond.add(col.is_in(ancestors));
                }
            }
            q = q.filter(cond);
        }
        let rows = q.all(&self.db).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|m| ((self.id_of)(&m), m)).collect())
    }
}

/// Rows of `E` grouped by a foreign key (one-to-many), in id order.
pub struct ByParent<E: EntityTrait> {
    db: DatabaseConnection,
    fk_col: E::Column,
    id_col: E::Column,
    fk_of: fn(&E::Model) -> Uuid,
}

impl<E> Loader<Uuid> for ByParent<E>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<E::Model>>, LoadError> {
        let rows = E::find()
            .filter(self.fk_col.is_in(keys.iter().copied()))
            .order_by_asc(self.id_col)
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<Uuid, Vec<E::Model>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for r in rows {
            out.entry((self.fk_of)(&r)).or_default().push(r);
        }
        Ok(out)
    }
}

/// Every loader of the core registry for one request.
pub struct CoreLoaders;

impl CoreLoaders {
    /// Adds the core loaders, scoped to `actor`, to a request.
    pub fn attach(
        db: &DatabaseConnection,
        actor: &Actor,
        req: async_graphql::Request,
    ) -> async_graphql::Request {
        let scope = actor.scope.clone();
        macro_rules! by_id {
            ($m:ident, $region:expr) => {
                DataLoader::new(
                    ById::<$m::Entity>::new(
                        db.clone(),
                        scope.clone(),
                        $m::Column::Id,
                        $region,
                        |m| m.id,
                    ),
                    tokio::spawn,
                )
            };
        }
        req.data(DataLoader::new(
            RegionLoader {
                db: db.clone(),
                scope: scope.clone(),
            },
            tokio::spawn,
        ))
        .data(DataLoader::new(
            ChildrenLoader {
                db: db.clone(),
                scope: scope.clone(),
            },
            tokio::spawn,
        ))
        .data(DataLoader::new(
            ById::<organisation::Entity>::new(
                db.clone(),
                scope.clone(),
                organisation::Column::Id,
                Some(organisation::Column::RegionCode),
                |m| m.id,
            )
            .with_ancestors(),
            tokio::spawn,
        ))
        .data(by_id!(programme, Some(programme::Column::RegionCode)))
        .data(by_id!(person, Some(person::Column::RegionCode)))
        .data(by_id!(family, Some(family::Column::RegionCode)))
        .data(by_id!(household, Some(household::Column::RegionCode)))
        .data(by_id!(activity, Some(activity::Column::RegionCode)))
        .data(by_id!(cadre_role, Some(cadre_role::Column::RegionCode)))
        .data(parent::<programme_target::Entity>(
            db,
            programme_target::Column::ProgrammeId,
            programme_target::Column::Id,
            |m| m.programme_id,
        ))
        .data(parent::<activity_organiser::Entity>(
            db,
            activity_organiser::Column::ActivityId,
            activity_organiser::Column::Id,
            |m| m.activity_id,
        ))
        .data(parent::<activity_participant::Entity>(
            db,
            activity_participant::Column::ActivityId,
            activity_participant::Column::Id,
            |m| m.activity_id,
        ))
        .data(parent::<activity_participant_count::Entity>(
            db,
            activity_participant_count::Column::ActivityId,
            activity_participant_count::Column::Id,
            |m| m.activity_id,
        ))
        .data(parent::<commitment::Entity>(
            db,
            commitment::Column::ActivityId,
            commitment::Column::Id,
            |m| m.activity_id,
        ))
        .data(parent::<cadre_role::Entity>(
            db,
            cadre_role::Column::PersonId,
            cadre_role::Column::Id,
            |m| m.person_id,
        ))
        .data(parent::<family_member::Entity>(
            db,
            family_member::Column::FamilyId,
            family_member::Column::Id,
            |m| m.family_id,
        ))
        .data(MemberOf(parent::<family_member::Entity>(
            db,
            family_member::Column::PersonId,
            family_member::Column::Id,
            |m| m.person_id,
        )))
        .data(parent::<family::Entity>(
            db,
            family::Column::HouseholdId,
            family::Column::Id,
            |m| m.household_id.unwrap_or_default(),
        ))
    }
}

/// Family memberships keyed by person (a second `ByParent<family_member>` needs its own type).
pub struct MemberOf(pub DataLoader<ByParent<family_member::Entity>>);

/// A `ByParent` loader of `E` grouped by `fk_col`.
pub fn parent<E>(
    db: &DatabaseConnection,
    fk_col: E::Column,
    id_col: E::Column,
    fk_of: fn(&E::Model) -> Uuid,
) -> DataLoader<ByParent<E>>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    DataLoader::new(
        ByParent {
            db: db.clone(),
            fk_col,
            id_col,
            fk_of,
        },
        tokio::spawn,
    )
}
