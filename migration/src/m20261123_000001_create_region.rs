//! The `region` table and the Kemendagri region list (Kepmendagri 300.2.2-2138/2025).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};

use crate::util::{code, index};

const WILAYAH_CSV: &str = include_str!("../data/wilayah/wilayah.csv");
const DECREE: &str = "Kepmendagri 300.2.2-2138/2025";
const BATCH: usize = 2_000;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(
            Table::create()
                .table("region")
                .col(code(b, "code", false).primary_key())
                .col(ColumnDef::new("name").string().not_null())
                .col(ColumnDef::new("level").small_integer().not_null())
                .col(code(b, "parent_code", true))
                .col(ColumnDef::new("decree").string().not_null())
                .to_owned(),
        )
        .await?;
        index(m, "region", &["parent_code", "code"], false).await?;
        index(m, "region", &["level", "code"], false).await?;
        load_regions(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("region").to_owned()).await
    }
}

/// Inserts every row of the shipped list, in batches, inside one transaction.
async fn load_regions(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut reader = csv::Reader::from_reader(WILAYAH_CSV.as_bytes());
    let mut rows: Vec<(String, String)> = Vec::with_capacity(crate::REGION_COUNT);
    for record in reader.records() {
        let record = record.map_err(|e| DbErr::Migration(format!("wilayah.csv: {e}")))?;
        let (Some(code), Some(name)) = (record.get(0), record.get(1)) else {
            return Err(DbErr::Migration(format!(
                "wilayah.csv: short row at {:?}",
                record.position()
            )));
        };
        rows.push((code.trim().to_owned(), name.trim().to_owned()));
    }
    let conn = m.get_connection();
    let txn = conn.begin().await?;
    for chunk in rows.chunks(BATCH) {
        let mut insert = Query::insert();
        insert
            .into_table("region")
            .columns(["code", "name", "level", "parent_code", "decree"]);
        for (code, name) in chunk {
            let level = code.split('.').count() as i16;
            let parent = code.rfind('.').map(|i| code[..i].to_owned());
            insert.values_panic([
                code.clone().into(),
                name.clone().into(),
                level.into(),
                parent.into(),
                DECREE.into(),
            ]);
        }
        txn.execute(&insert).await?;
    }
    txn.commit().await
}
