//! `ekonomi_family_fact` table: per family, the facts the priority list orders by, kept by the
//! domain's writes (`crate::facts::refresh`) so that a page does not recompute them for every
//! family of a city.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ekonomi_family_fact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub family_id: Uuid,
    pub pekka_id: Option<Uuid>,
    pub pekka_category: Option<String>,
    pub decile: Option<i32>,
    pub memberships: i32,
    pub assisted: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
