//! The ekonomi-keluarga domain's tables (its one migration; keep its name, databases record it):
//! PEKKA status, welfare rankings, UP2K groups and their members, assistance and income reports.
//! Money columns are 64-bit integers of rupiah.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signatures take `&SchemaManager` without a lifetime"
)]

use sea_orm_migration::prelude::*;

use migration::util::{
    big, bookkeeping, code, date, date_null, fk, id, index, int, int_null, text, text_null, uuid,
    uuid_null,
};

/// Creates the ekonomi-keluarga tables.
pub struct Migration;

/// Named explicitly: `DeriveMigrationName` takes the file's stem, and `migration` is taken.
impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_create_ekonomi_keluarga"
    }
}

/// Tables in creation order; `down()` drops them in reverse.
const TABLES: [&str; 7] = [
    "pekka",
    "welfare_ranking",
    "up2k_group",
    "up2k_member",
    "assistance",
    "income_report",
    "ekonomi_family_fact",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();

        let mut t = Table::create();
        t.table("pekka")
            .col(id())
            .col(uuid("family_id"))
            .col(code(b, "region_code", false))
            .col(uuid("head_person_id"))
            .col(text("category"))
            .col(text("source"))
            .col(date("recorded_on"))
            .col(date_null("ended_on"))
            .col(text_null("end_reason"))
            .col(text_null("note"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(&mut t, "pekka", "family_id", "family", false);
        fk(&mut t, "pekka", "head_person_id", "person", false);
        m.create_table(t).await?;
        index(m, "pekka", &["family_id"], false).await?;
        index(m, "pekka", &["region_code", "recorded_on"], false).await?;

        let mut t = Table::create();
        t.table("welfare_ranking")
            .col(id())
            .col(uuid("family_id"))
            .col(code(b, "region_code", false))
            .col(text("source"))
            .col(int("decile"))
            .col(date("as_of"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(&mut t, "welfare_ranking", "family_id", "family", false);
        m.create_table(t).await?;
        index(
            m,
            "welfare_ranking",
            &["family_id", "source", "as_of"],
            true,
        )
        .await?;
        index(m, "welfare_ranking", &["region_code", "as_of"], false).await?;

        let mut t = Table::create();
        t.table("up2k_group")
            .col(id())
            .col(text("name"))
            .col(code(b, "region_code", false))
            .col(text_null("rw"))
            .col(text_null("rt"))
            .col(text("business_type"))
            .col(text("level"))
            .col(date("formed_on"))
            .col(uuid_null("organisation_id"))
            .col(uuid_null("programme_id"));
        bookkeeping(&mut t);
        fk(
            &mut t,
            "up2k_group",
            "organisation_id",
            "organisation",
            false,
        );
        fk(&mut t, "up2k_group", "programme_id", "programme", false);
        m.create_table(t).await?;
        index(m, "up2k_group", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("up2k_member")
            .col(id())
            .col(uuid("group_id"))
            .col(uuid("person_id"))
            .col(uuid_null("family_id"))
            .col(code(b, "region_code", false))
            .col(text("sex"))
            .col(text("role"))
            .col(date("joined_on"))
            .col(date_null("left_on"));
        bookkeeping(&mut t);
        fk(&mut t, "up2k_member", "group_id", "up2k_group", false);
        fk(&mut t, "up2k_member", "person_id", "person", false);
        fk(&mut t, "up2k_member", "family_id", "family", false);
        m.create_table(t).await?;
        index(m, "up2k_member", &["group_id"], false).await?;
        index(m, "up2k_member", &["person_id"], false).await?;
        index(m, "up2k_member", &["family_id"], false).await?;

        let mut t = Table::create();
        t.table("assistance")
            .col(id())
            .col(uuid("group_id"))
            .col(uuid_null("member_id"))
            .col(uuid_null("family_id"))
            .col(code(b, "region_code", false))
            .col(uuid("provider_id"))
            .col(text("kind"))
            .col(big("amount"))
            .col(date("given_on"))
            .col(uuid_null("programme_id"))
            .col(text_null("note"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(&mut t, "assistance", "group_id", "up2k_group", false);
        fk(&mut t, "assistance", "member_id", "up2k_member", false);
        fk(&mut t, "assistance", "provider_id", "organisation", false);
        fk(&mut t, "assistance", "programme_id", "programme", false);
        m.create_table(t).await?;
        index(m, "assistance", &["region_code", "given_on"], false).await?;
        index(m, "assistance", &["group_id"], false).await?;
        index(m, "assistance", &["family_id"], false).await?;

        let mut t = Table::create();
        t.table("income_report")
            .col(id())
            .col(uuid("group_id"))
            .col(uuid_null("member_id"))
            .col(code(b, "region_code", false))
            .col(date("month"))
            .col(big("revenue"))
            .col(big("profit"))
            .col(text("recorded_by"));
        bookkeeping(&mut t);
        fk(&mut t, "income_report", "group_id", "up2k_group", false);
        fk(&mut t, "income_report", "member_id", "up2k_member", false);
        m.create_table(t).await?;
        index(m, "income_report", &["group_id", "month"], false).await?;
        index(m, "income_report", &["member_id", "month"], false).await?;
        index(m, "income_report", &["region_code", "month"], false).await?;

        // Derived: the priority list's facts per family (`crate::facts`).
        let mut t = Table::create();
        t.table("ekonomi_family_fact")
            .col(ColumnDef::new("family_id").uuid().not_null().primary_key())
            .col(uuid_null("pekka_id"))
            .col(text_null("pekka_category"))
            .col(int_null("decile"))
            .col(int("memberships"))
            .col(int("assisted"));
        fk(&mut t, "ekonomi_family_fact", "family_id", "family", true);
        m.create_table(t).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*t).to_owned()).await?;
        }
        Ok(())
    }
}
