//! `assistance` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub group_id: Uuid,
    pub member_id: Option<Uuid>,
    pub family_id: Option<Uuid>,
    pub region_code: String,
    pub provider_id: Uuid,
    pub kind: String,
    pub amount: i64,
    pub given_on: Date,
    pub programme_id: Option<Uuid>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
