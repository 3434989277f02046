//! Population per region and year (region reference data: a city's population is what "per
//! 1,000 population" figures divide by), with the source of each figure.

use sea_orm_migration::prelude::*;

use crate::util::{big, code, id, index, int, text};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        let mut t = Table::create();
        t.table("region_population")
            .col(id())
            .col(code(b, "region_code", false))
            .col(int("year"))
            .col(big("population"))
            .col(text("source"));
        m.create_table(t).await?;
        index(m, "region_population", &["region_code", "year"], true).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("region_population").to_owned())
            .await
    }
}
