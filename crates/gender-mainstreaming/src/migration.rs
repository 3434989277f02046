//! The gender-mainstreaming domain's tables (its one migration; keep its name, databases record
//! it): strategic posts and their holders, awards, PUG prerequisites, advocacy targets and gender
//! analyses.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signatures take `&SchemaManager` without a lifetime"
)]

use sea_orm_migration::prelude::*;

use migration::util::{
    bookkeeping, code, date, date_null, fk, id, index, int, int_null, text, text_null, uuid,
    uuid_null,
};

/// Creates the gender-mainstreaming tables.
pub struct Migration;

/// Named explicitly: `DeriveMigrationName` takes the file's stem, and `migration` is taken.
impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_create_gender_mainstreaming"
    }
}

/// Tables in creation order; `down()` drops them in reverse.
const TABLES: [&str; 6] = [
    "strategic_post",
    "post_holding",
    "award",
    "pug_prerequisite",
    "advocacy_target",
    "gender_analysis",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();

        let mut t = Table::create();
        t.table("strategic_post")
            .col(id())
            .col(uuid("organisation_id"))
            .col(code(b, "region_code", false))
            .col(text("title"))
            .col(text("kind"))
            .col(text_null("echelon"))
            .col(date("established_on"))
            .col(date_null("abolished_on"));
        bookkeeping(&mut t);
        fk(
            &mut t,
            "strategic_post",
            "organisation_id",
            "organisation",
            false,
        );
        m.create_table(t).await?;
        index(m, "strategic_post", &["region_code"], false).await?;
        index(m, "strategic_post", &["organisation_id"], false).await?;

        let mut t = Table::create();
        t.table("post_holding")
            .col(id())
            .col(uuid("post_id"))
            .col(code(b, "region_code", false))
            .col(uuid("person_id"))
            .col(date("started_on"))
            .col(date_null("ended_on"))
            .col(text_null("end_reason"))
            .col(text_null("decree"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(&mut t, "post_holding", "post_id", "strategic_post", false);
        fk(&mut t, "post_holding", "person_id", "person", false);
        m.create_table(t).await?;
        index(m, "post_holding", &["post_id", "started_on"], false).await?;
        index(m, "post_holding", &["person_id"], false).await?;
        index(m, "post_holding", &["region_code", "started_on"], false).await?;

        let mut t = Table::create();
        t.table("award")
            .col(id())
            .col(code(b, "region_code", false))
            .col(text("award_type"))
            .col(text("level"))
            .col(int("year"))
            .col(date("awarded_on"))
            .col(int("women_in_posts"))
            .col(int("filled_posts"))
            .col(text_null("note"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(m, "award", &["region_code", "award_type", "year"], true).await?;

        let mut t = Table::create();
        t.table("pug_prerequisite")
            .col(id())
            .col(code(b, "region_code", false))
            .col(int("year"))
            .col(text("prerequisite"))
            .col(text("status"))
            .col(text_null("evidence"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(
            m,
            "pug_prerequisite",
            &["region_code", "year", "prerequisite"],
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table("advocacy_target")
            .col(id())
            .col(code(b, "region_code", false))
            .col(text("audience"))
            .col(int("from_year"))
            .col(int("to_year"))
            .col(date("starts_on"))
            .col(date("ends_on"))
            .col(int_null("target_count"))
            .col(uuid_null("programme_id"))
            .col(text_null("note"));
        bookkeeping(&mut t);
        fk(
            &mut t,
            "advocacy_target",
            "programme_id",
            "programme",
            false,
        );
        m.create_table(t).await?;
        index(
            m,
            "advocacy_target",
            &["region_code", "audience", "from_year"],
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table("gender_analysis")
            .col(id())
            .col(uuid("programme_id"))
            .col(code(b, "region_code", false))
            .col(int("year"))
            .col(text_null("data_pilah"))
            .col(text_null("access_gap"))
            .col(text_null("participation_gap"))
            .col(text_null("control_gap"))
            .col(text_null("benefit_gap"))
            .col(text_null("internal_causes"))
            .col(text_null("external_causes"))
            .col(text_null("objective"))
            .col(text("actions"))
            .col(text_null("baseline"))
            .col(text("indicators"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(
            &mut t,
            "gender_analysis",
            "programme_id",
            "programme",
            false,
        );
        m.create_table(t).await?;
        index(m, "gender_analysis", &["programme_id", "year"], false).await?;
        index(m, "gender_analysis", &["region_code"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*t).to_owned()).await?;
        }
        Ok(())
    }
}
