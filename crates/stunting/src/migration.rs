//! The stunting domain's tables (its one migration; keep its name, databases record it): posyandu, children and their measurements (with revisions), TPK teams,
//! their members and pendampingan visits, the 8 convergence actions, and foster parents.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signatures take `&SchemaManager` without a lifetime"
)]

use sea_orm_migration::prelude::*;

use migration::util::{
    bookkeeping, boolean, code, date, date_null, double_null, fk, id, index, int, text, text_null,
    timestamp, uuid, uuid_null,
};

/// Creates the stunting tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; `down()` drops them in reverse.
const TABLES: [&str; 10] = [
    "posyandu",
    "child",
    "measurement",
    "measurement_revision",
    "tpk_team",
    "tpk_member",
    "pendampingan",
    "convergence_action",
    "foster_parent",
    "foster_parent_child",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();

        let mut t = Table::create();
        t.table("posyandu")
            .col(id())
            .col(text("name"))
            .col(code(b, "region_code", false))
            .col(text_null("rws"))
            .col(text_null("strata"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(m, "posyandu", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("child")
            .col(id())
            .col(uuid("person_id"))
            .col(code(b, "region_code", false))
            .col(uuid_null("posyandu_id"))
            .col(text("consent_given_by"))
            .col(date("consent_given_on"))
            .col(text("consent_method"));
        bookkeeping(&mut t);
        fk(&mut t, "child", "person_id", "person", false);
        fk(&mut t, "child", "posyandu_id", "posyandu", false);
        m.create_table(t).await?;
        index(m, "child", &["person_id"], true).await?;
        index(m, "child", &["region_code"], false).await?;
        index(m, "child", &["posyandu_id"], false).await?;

        let mut t = Table::create();
        t.table("measurement")
            .col(id())
            .col(uuid("child_id"))
            .col(code(b, "region_code", false))
            .col(uuid_null("posyandu_id"))
            .col(date("measured_on"))
            .col(int("age_days"))
            .col(text("sex"))
            .col(double_null("weight_kg"))
            .col(double_null("lenhei_cm"))
            .col(text("position"))
            .col(text_null("position_used"))
            .col(double_null("clenhei_cm"))
            .col(boolean("oedema"))
            .col(double_null("muac_mm"))
            .col(double_null("bmi"))
            .col(double_null("haz"))
            .col(boolean("haz_flag"))
            .col(double_null("waz"))
            .col(boolean("waz_flag"))
            .col(double_null("whz"))
            .col(boolean("whz_flag"))
            .col(double_null("baz"))
            .col(boolean("baz_flag"))
            .col(double_null("acz"))
            .col(boolean("acz_flag"))
            .col(boolean("c9mo_flag"))
            .col(text_null("haz_category"))
            .col(text_null("waz_category"))
            .col(text_null("whz_category"))
            .col(text_null("baz_category"))
            .col(uuid_null("measured_by"))
            .col(text("source"));
        bookkeeping(&mut t);
        fk(&mut t, "measurement", "child_id", "child", true);
        fk(&mut t, "measurement", "posyandu_id", "posyandu", false);
        fk(&mut t, "measurement", "measured_by", "person", false);
        m.create_table(t).await?;
        index(m, "measurement", &["child_id", "measured_on"], false).await?;
        index(m, "measurement", &["region_code", "measured_on"], false).await?;

        let mut t = Table::create();
        t.table("measurement_revision")
            .col(id())
            .col(uuid("measurement_id"))
            .col(int("version"))
            .col(text("previous"))
            .col(text("reason"))
            .col(text("changed_by"))
            .col(timestamp("changed_at"));
        fk(
            &mut t,
            "measurement_revision",
            "measurement_id",
            "measurement",
            true,
        );
        m.create_table(t).await?;
        index(m, "measurement_revision", &["measurement_id"], false).await?;

        let mut t = Table::create();
        t.table("tpk_team")
            .col(id())
            .col(text("name"))
            .col(code(b, "region_code", false))
            .col(date_null("formed_on"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(m, "tpk_team", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("tpk_member")
            .col(id())
            .col(uuid("team_id"))
            .col(uuid("person_id"))
            .col(text("role"));
        fk(&mut t, "tpk_member", "team_id", "tpk_team", true);
        fk(&mut t, "tpk_member", "person_id", "person", false);
        m.create_table(t).await?;
        index(m, "tpk_member", &["team_id", "role"], true).await?;
        index(m, "tpk_member", &["person_id"], false).await?;

        let mut t = Table::create();
        t.table("pendampingan")
            .col(id())
            .col(uuid("team_id"))
            .col(code(b, "region_code", false))
            .col(date("visited_on"))
            .col(text("target_type"))
            .col(uuid_null("target_person_id"))
            .col(text("activity"))
            .col(text_null("referral"));
        bookkeeping(&mut t);
        fk(&mut t, "pendampingan", "team_id", "tpk_team", true);
        fk(&mut t, "pendampingan", "target_person_id", "person", false);
        m.create_table(t).await?;
        index(m, "pendampingan", &["team_id", "visited_on"], false).await?;
        index(m, "pendampingan", &["region_code", "visited_on"], false).await?;

        let mut t = Table::create();
        t.table("convergence_action")
            .col(id())
            .col(code(b, "region_code", false))
            .col(int("year"))
            .col(int("aksi"))
            .col(text("status"))
            .col(date_null("done_on"))
            .col(text_null("evidence"))
            .col(double_null("score"));
        bookkeeping(&mut t);
        m.create_table(t).await?;
        index(
            m,
            "convergence_action",
            &["region_code", "year", "aksi"],
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table("foster_parent")
            .col(id())
            .col(uuid("organisation_id"))
            .col(code(b, "region_code", false))
            .col(date("started_on"))
            .col(date_null("ended_on"))
            .col(text("support"))
            .col(text_null("note"));
        bookkeeping(&mut t);
        fk(
            &mut t,
            "foster_parent",
            "organisation_id",
            "organisation",
            false,
        );
        m.create_table(t).await?;
        index(m, "foster_parent", &["region_code"], false).await?;

        let mut t = Table::create();
        t.table("foster_parent_child")
            .col(id())
            .col(uuid("foster_parent_id"))
            .col(uuid("child_id"));
        fk(
            &mut t,
            "foster_parent_child",
            "foster_parent_id",
            "foster_parent",
            true,
        );
        fk(&mut t, "foster_parent_child", "child_id", "child", true);
        m.create_table(t).await?;
        index(
            m,
            "foster_parent_child",
            &["foster_parent_id", "child_id"],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*table).to_owned()).await?;
        }
        Ok(())
    }
}
