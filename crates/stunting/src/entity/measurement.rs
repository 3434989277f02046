//! `measurement` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "measurement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub child_id: Uuid,
    pub region_code: String,
    pub posyandu_id: Option<Uuid>,
    pub measured_on: Date,
    pub age_days: i32,
    pub sex: String,
    pub weight_kg: Option<f64>,
    pub lenhei_cm: Option<f64>,
    pub position: String,
    pub position_used: Option<String>,
    pub clenhei_cm: Option<f64>,
    pub oedema: bool,
    pub muac_mm: Option<f64>,
    pub bmi: Option<f64>,
    pub haz: Option<f64>,
    pub haz_flag: bool,
    pub waz: Option<f64>,
    pub waz_flag: bool,
    pub whz: Option<f64>,
    pub whz_flag: bool,
    pub baz: Option<f64>,
    pub baz_flag: bool,
    pub acz: Option<f64>,
    pub acz_flag: bool,
    pub c9mo_flag: bool,
    pub haz_category: Option<String>,
    pub waz_category: Option<String>,
    pub whz_category: Option<String>,
    pub baz_category: Option<String>,
    pub measured_by: Option<Uuid>,
    pub source: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
