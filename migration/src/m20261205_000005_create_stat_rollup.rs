//! Statistics rollups (`docs/architecture.md` §4, "Rollups"): the additive parts of a domain's
//! statistic per village (and per regency/city, their sums) × period × sex × the dimensions it
//! declares, kept exact by the domain's writes in the same transaction; and which rollups have
//! been built from the records.

use sea_orm_migration::prelude::*;

use crate::util::{code, index, text, text_null, timestamp};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// The number of value columns (`v0` … `v23`): a statistic's additive parts.
pub(crate) const VALUES: usize = 24;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        let mut t = Table::create();
        t.table("stat_rollup")
            .col(text("rollup"))
            .col(ColumnDef::new("dimset").integer().not_null())
            .col(text("level"))
            .col(code(b, "area", false))
            .col(text("grain"))
            .col(text_null("period"))
            .col(text_null("sex"))
            .col(text_null("d0"))
            .col(text_null("d1"))
            .col(text_null("d2"));
        for i in 0..VALUES {
            t.col(ColumnDef::new(Alias::new(format!("v{i}"))).double().null());
        }
        m.create_table(t).await?;
        index(
            m,
            "stat_rollup",
            &["rollup", "dimset", "level", "grain", "period", "area"],
            false,
        )
        .await?;
        let mut s = Table::create();
        s.table("stat_rollup_built")
            .col(ColumnDef::new("rollup").string().not_null().primary_key())
            .col(timestamp("built_at"));
        m.create_table(s).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("stat_rollup_built").to_owned())
            .await?;
        m.drop_table(Table::drop().table("stat_rollup").to_owned())
            .await
    }
}
