//! API keys (stored hashed) and the audit log of reads of personal data.

use sea_orm_migration::prelude::*;

use crate::util::{code, id, index, text, text_null, timestamp, timestamp_null};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        let mut t = Table::create();
        t.table("api_key")
            .col(id())
            .col(text("name"))
            .col(text("prefix"))
            .col(text("key_hash"))
            .col(text("role"))
            .col(code(b, "scope_code", false))
            .col(text("created_by"))
            .col(timestamp("created_at"))
            .col(timestamp_null("revoked_at"));
        m.create_table(t).await?;
        index(m, "api_key", &["key_hash"], true).await?;

        let mut t = Table::create();
        t.table("audit_log")
            .col(id())
            .col(timestamp("at"))
            .col(text("subject"))
            .col(text("role"))
            .col(text("action"))
            .col(text("entity"))
            .col(text("record_ids"))
            .col(text_null("correlation_id"));
        m.create_table(t).await?;
        index(m, "audit_log", &["at"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("audit_log").to_owned())
            .await?;
        m.drop_table(Table::drop().table("api_key").to_owned())
            .await
    }
}
