//! The shared registry: organisations, programmes and their targets, activities with organisers,
//! participants, participant counts and commitments, households, families, persons, family members
//! and cadre roles.

use sea_orm_migration::prelude::*;

use crate::util::{
    bookkeeping, code, date, date_null, fk, id, index, int, int_null, text, text_null, uuid,
    uuid_null,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Tables in creation order; `down()` drops them in reverse.
const TABLES: [&str; 13] = [
    "organisation",
    "programme",
    "programme_target",
    "household",
    "family",
    "person",
    "family_member",
    "cadre_role",
    "activity",
    "activity_organiser",
    "activity_participant",
    "activity_participant_count",
    "commitment",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();

        let mut t = Table::create();
        t.table("organisation")
            .col(id())
            .col(text("name"))
            .col(text_null("acronym"))
            .col(text("kind"))
            .col(code(b, "region_code", false))
            .col(uuid_null("parent_id"));
        bookkeeping(&mut t);
        fk(&mut t, "organisation", "parent_id", "organisation", false);
        m.create_table(t).await?;
        index(m, "organisation", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("programme")
            .col(id())
            .col(text("name"))
            .col(text_null("description"))
            .col(text("domain"))
            .col(uuid_null("owner_id"))
            .col(code(b, "region_code", false))
            .col(date_null("launched_on"));
        bookkeeping(&mut t);
        fk(&mut t, "programme", "owner_id", "organisation", false);
        m.create_table(t).await?;
        index(m, "programme", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("programme_target")
            .col(id())
            .col(uuid("programme_id"))
            .col(text("measure"))
            .col(int("target_value"))
            .col(date_null("due_on"))
            .col(int_null("achieved_value"))
            .col(date_null("achieved_as_of"));
        fk(
            &mut t,
            "programme_target",
            "programme_id",
            "programme",
            true,
        );
        m.create_table(t).await?;
        index(m, "programme_target", &["programme_id"], false).await?;

        let mut t = Table::create();
        t.table("household")
            .col(id())
            .col(code(b, "region_code", false))
            .col(text_null("rw"))
            .col(text_null("rt"))
            .col(text_null("dasawisma"))
            .col(text_null("address"))
            .col(date("registered_on"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(m, "household", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("family")
            .col(id())
            .col(uuid_null("household_id"))
            .col(code(b, "region_code", false))
            .col(text_null("kk_hash"))
            .col(text_null("kk_last4"))
            .col(date("registered_on"));
        bookkeeping(&mut t);
        fk(&mut t, "family", "household_id", "household", false);
        m.create_table(t).await?;
        index(m, "family", &["region_code", "registered_on"], false).await?;
        index(m, "family", &["household_id"], false).await?;
        index(m, "family", &["kk_hash"], true).await?;

        let mut t = Table::create();
        t.table("person")
            .col(id())
            .col(text("full_name"))
            .col(text("sex"))
            .col(date_null("birth_date"))
            .col(code(b, "region_code", false))
            .col(text_null("rw"))
            .col(text_null("rt"))
            .col(text_null("dasawisma"))
            .col(text_null("nik_hash"))
            .col(text_null("nik_last4"))
            .col(date("registered_on"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(m, "person", &["region_code", "registered_on"], false).await?;
        index(m, "person", &["nik_hash"], true).await?;

        let mut t = Table::create();
        t.table("family_member")
            .col(id())
            .col(uuid("family_id"))
            .col(uuid("person_id"))
            .col(text("relationship"));
        fk(&mut t, "family_member", "family_id", "family", true);
        fk(&mut t, "family_member", "person_id", "person", true);
        m.create_table(t).await?;
        index(m, "family_member", &["family_id", "person_id"], true).await?;
        index(m, "family_member", &["person_id"], false).await?;

        let mut t = Table::create();
        t.table("cadre_role")
            .col(id())
            .col(uuid("person_id"))
            .col(text("role"))
            .col(code(b, "region_code", false))
            .col(uuid_null("programme_id"))
            .col(date("started_on"))
            .col(date_null("ended_on"));
        bookkeeping(&mut t);
        fk(&mut t, "cadre_role", "person_id", "person", true);
        fk(&mut t, "cadre_role", "programme_id", "programme", false);
        m.create_table(t).await?;
        index(m, "cadre_role", &["region_code", "started_on"], false).await?;
        index(m, "cadre_role", &["person_id"], false).await?;

        let mut t = Table::create();
        t.table("activity")
            .col(id())
            .col(text("title"))
            .col(text("kind"))
            .col(date("held_on"))
            .col(text_null("venue"))
            .col(code(b, "region_code", false))
            .col(uuid_null("programme_id"))
            .col(int_null("stage"))
            .col(int_null("total_participants"))
            .col(text_null("description"));
        bookkeeping(&mut t);
        fk(&mut t, "activity", "programme_id", "programme", false);
        m.create_table(t).await?;
        index(m, "activity", &["region_code", "held_on"], false).await?;
        index(m, "activity", &["programme_id"], false).await?;

        let mut t = Table::create();
        t.table("activity_organiser")
            .col(id())
            .col(uuid("activity_id"))
            .col(uuid("organisation_id"))
            .col(text("role"));
        fk(
            &mut t,
            "activity_organiser",
            "activity_id",
            "activity",
            true,
        );
        fk(
            &mut t,
            "activity_organiser",
            "organisation_id",
            "organisation",
            false,
        );
        m.create_table(t).await?;
        index(m, "activity_organiser", &["activity_id"], false).await?;

        let mut t = Table::create();
        t.table("activity_participant")
            .col(id())
            .col(uuid("activity_id"))
            .col(uuid("person_id"))
            .col(text("participant_group"));
        fk(
            &mut t,
            "activity_participant",
            "activity_id",
            "activity",
            true,
        );
        fk(&mut t, "activity_participant", "person_id", "person", true);
        m.create_table(t).await?;
        index(
            m,
            "activity_participant",
            &["activity_id", "person_id"],
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table("activity_participant_count")
            .col(id())
            .col(uuid("activity_id"))
            .col(text("participant_group"))
            .col(text_null("sex"))
            .col(int("count"))
            .col(text_null("note"));
        fk(
            &mut t,
            "activity_participant_count",
            "activity_id",
            "activity",
            true,
        );
        m.create_table(t).await?;
        index(m, "activity_participant_count", &["activity_id"], false).await?;

        let mut t = Table::create();
        t.table("commitment")
            .col(id())
            .col(uuid("activity_id"))
            .col(uuid_null("organisation_id"))
            .col(text("signatory_name"))
            .col(text_null("signatory_title"))
            .col(text_null("statement"));
        fk(&mut t, "commitment", "activity_id", "activity", true);
        fk(
            &mut t,
            "commitment",
            "organisation_id",
            "organisation",
            false,
        );
        m.create_table(t).await?;
        index(m, "commitment", &["activity_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*table).to_owned()).await?;
        }
        Ok(())
    }
}
