//! The ketahanan-keluarga domain's tables (its one migration; keep its name, databases record
//! it): framework versions (version 1 inserted here), assessments with their answers, scores and
//! revisions, cadre training, KRPPA indicator status, lokus designations and family visits.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signatures take `&SchemaManager` without a lifetime"
)]

use sea_orm_migration::prelude::*;

use migration::util::{
    bookkeeping, boolean, code, date, date_null, double_null, fk, id, index, int, text, text_null,
    timestamp, uuid, uuid_null,
};

/// Creates the ketahanan-keluarga tables.
pub struct Migration;

/// Named explicitly: `DeriveMigrationName` takes the file's stem, and `migration` is taken.
impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_create_ketahanan_keluarga"
    }
}

/// Tables in creation order; `down()` drops them in reverse.
const TABLES: [&str; 9] = [
    "ketahanan_framework",
    "ketahanan_assessment",
    "ketahanan_answer",
    "ketahanan_score",
    "ketahanan_assessment_revision",
    "cadre_training",
    "krppa_indicator",
    "lokus",
    "family_visit",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();

        let mut t = Table::create();
        t.table("ketahanan_framework")
            .col(id())
            .col(int("version"))
            .col(text("name"))
            .col(text("definition"))
            .col(date("published_on"))
            .col(text("published_by"))
            .col(timestamp("created_at"));
        m.create_table(t).await?;
        index(m, "ketahanan_framework", &["version"], true).await?;

        let mut t = Table::create();
        t.table("ketahanan_assessment")
            .col(id())
            .col(uuid("family_id"))
            .col(code(b, "region_code", false))
            .col(date("assessed_on"))
            .col(uuid("assessor_id"))
            .col(int("framework_version"))
            .col(double_null("index_score"))
            .col(text("category"))
            .col(text_null("head_sex"))
            .col(text("source"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(&mut t, "ketahanan_assessment", "family_id", "family", false);
        fk(
            &mut t,
            "ketahanan_assessment",
            "assessor_id",
            "person",
            false,
        );
        m.create_table(t).await?;
        index(
            m,
            "ketahanan_assessment",
            &["family_id", "assessed_on"],
            false,
        )
        .await?;
        index(
            m,
            "ketahanan_assessment",
            &["region_code", "assessed_on"],
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table("ketahanan_answer")
            .col(id())
            .col(uuid("assessment_id"))
            .col(int("indicator"))
            .col(text("answer"))
            .col(double_null("value"));
        fk(
            &mut t,
            "ketahanan_answer",
            "assessment_id",
            "ketahanan_assessment",
            true,
        );
        m.create_table(t).await?;
        index(m, "ketahanan_answer", &["assessment_id", "indicator"], true).await?;

        let mut t = Table::create();
        t.table("ketahanan_score")
            .col(id())
            .col(uuid("assessment_id"))
            .col(text("level"))
            .col(text("code"))
            .col(double_null("score"));
        fk(
            &mut t,
            "ketahanan_score",
            "assessment_id",
            "ketahanan_assessment",
            true,
        );
        m.create_table(t).await?;
        index(
            m,
            "ketahanan_score",
            &["assessment_id", "level", "code"],
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table("ketahanan_assessment_revision")
            .col(id())
            .col(uuid("assessment_id"))
            .col(int("version"))
            .col(text("previous"))
            .col(text("reason"))
            .col(text("changed_by"))
            .col(timestamp("changed_at"));
        fk(
            &mut t,
            "ketahanan_assessment_revision",
            "assessment_id",
            "ketahanan_assessment",
            true,
        );
        m.create_table(t).await?;
        index(
            m,
            "ketahanan_assessment_revision",
            &["assessment_id"],
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table("cadre_training")
            .col(id())
            .col(uuid("cadre_role_id"))
            .col(code(b, "region_code", false))
            .col(int("stage"))
            .col(date("trained_on"))
            .col(text_null("course"));
        bookkeeping(&mut t);
        fk(
            &mut t,
            "cadre_training",
            "cadre_role_id",
            "cadre_role",
            true,
        );
        m.create_table(t).await?;
        index(m, "cadre_training", &["cadre_role_id", "stage"], true).await?;
        index(m, "cadre_training", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("krppa_indicator")
            .col(id())
            .col(code(b, "region_code", false))
            .col(int("year"))
            .col(int("indicator"))
            .col(text("status"))
            .col(text_null("evidence"))
            .col(date_null("assessed_on"))
            .col(text("assessed_by"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(
            m,
            "krppa_indicator",
            &["region_code", "year", "indicator"],
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table("lokus")
            .col(id())
            .col(code(b, "region_code", false))
            .col(uuid("programme_id"))
            .col(int("year"))
            .col(date_null("designated_on"))
            .col(uuid_null("activity_id"))
            .col(text_null("note"));
        bookkeeping(&mut t);
        fk(&mut t, "lokus", "programme_id", "programme", false);
        fk(&mut t, "lokus", "activity_id", "activity", false);
        m.create_table(t).await?;
        index(m, "lokus", &["region_code", "programme_id", "year"], true).await?;

        let mut t = Table::create();
        t.table("family_visit")
            .col(id())
            .col(uuid("family_id"))
            .col(code(b, "region_code", false))
            .col(date("visited_on"))
            .col(uuid("visitor_id"))
            .col(text("recorded_by"))
            .col(text_null("head_sex"))
            .col(boolean("violence_against_women"))
            .col(boolean("violence_against_children"))
            .col(boolean("stunting_risk"))
            .col(boolean("economic_hardship"))
            .col(boolean("child_marriage"))
            .col(boolean("child_labour"))
            .col(boolean("other_issue"))
            .col(boolean("violence"))
            .col(text_null("issue_note"))
            .col(text_null("action_taken"))
            .col(uuid_null("referral_organisation_id"))
            .col(date_null("follow_up_on"))
            .col(text("outcome"))
            .col(text_null("outcome_note"))
            .col(date_null("followed_up_on"));
        bookkeeping(&mut t);
        fk(&mut t, "family_visit", "family_id", "family", false);
        fk(&mut t, "family_visit", "visitor_id", "person", false);
        fk(
            &mut t,
            "family_visit",
            "referral_organisation_id",
            "organisation",
            false,
        );
        m.create_table(t).await?;
        index(m, "family_visit", &["region_code", "visited_on"], false).await?;
        index(m, "family_visit", &["family_id"], false).await?;

        // Version 1 of the framework is part of the schema: every database can score from the
        // start.
        let v1 = crate::framework::Framework::v1()
            .map_err(|e| DbErr::Custom(format!("framework version 1: {e}")))?;
        let definition = serde_json::to_string(&v1)
            .map_err(|e| DbErr::Custom(format!("framework version 1: {e}")))?;
        let insert = Query::insert()
            .into_table("ketahanan_framework")
            .columns([
                "id",
                "version",
                "name",
                "definition",
                "published_on",
                "published_by",
                "created_at",
            ])
            .values([
                uuid::Uuid::from_u128(0x6b65_7461_6861_6e61_6e00_0000_0000_0001).into(),
                1.into(),
                v1.name.clone().into(),
                definition.into(),
                chrono::NaiveDate::from_ymd_opt(2016, 12, 1).into(),
                "system".into(),
                chrono::DateTime::<chrono::Utc>::from_timestamp(1_480_550_400, 0).into(),
            ])
            .map_err(|e| DbErr::Custom(format!("framework version 1: {e}")))?
            .to_owned();
        m.exec_stmt(insert).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*t).to_owned()).await?;
        }
        Ok(())
    }
}
