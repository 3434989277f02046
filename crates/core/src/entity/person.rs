//! `person` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub full_name: String,
    pub sex: String,
    pub birth_date: Option<Date>,
    pub region_code: String,
    pub rw: Option<String>,
    pub rt: Option<String>,
    pub dasawisma: Option<String>,
    pub nik_hash: Option<String>,
    pub nik_last4: Option<String>,
    pub registered_on: Date,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
