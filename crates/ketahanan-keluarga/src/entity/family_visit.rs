//! `family_visit` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "family_visit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_id: Uuid,
    pub region_code: String,
    pub visited_on: Date,
    pub visitor_id: Uuid,
    pub recorded_by: String,
    pub head_sex: Option<String>,
    pub violence_against_women: bool,
    pub violence_against_children: bool,
    pub stunting_risk: bool,
    pub economic_hardship: bool,
    pub child_marriage: bool,
    pub child_labour: bool,
    pub other_issue: bool,
    pub violence: bool,
    pub issue_note: Option<String>,
    pub action_taken: Option<String>,
    pub referral_organisation_id: Option<Uuid>,
    pub follow_up_on: Option<Date>,
    pub outcome: String,
    pub outcome_note: Option<String>,
    pub followed_up_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
