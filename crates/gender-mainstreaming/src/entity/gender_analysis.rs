//! `gender_analysis` table: a gender analysis (GAP) of a programme.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gender_analysis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub programme_id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub data_pilah: Option<String>,
    pub access_gap: Option<String>,
    pub participation_gap: Option<String>,
    pub control_gap: Option<String>,
    pub benefit_gap: Option<String>,
    pub internal_causes: Option<String>,
    pub external_causes: Option<String>,
    pub objective: Option<String>,
    pub actions: String,
    pub baseline: Option<String>,
    pub indicators: String,
    pub recorded_by: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
