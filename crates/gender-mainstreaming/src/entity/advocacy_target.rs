//! `advocacy_target` table: a PUG advocacy target: an audience to reach over a span of years.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "advocacy_target")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub audience: String,
    pub from_year: i32,
    pub to_year: i32,
    pub starts_on: Date,
    pub ends_on: Date,
    pub target_count: Option<i32>,
    pub programme_id: Option<Uuid>,
    pub note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
