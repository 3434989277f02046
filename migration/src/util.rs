//! Column helpers shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// A region-code column (`33.75.01.1012`). On PostgreSQL it uses the "C" collation so that
/// range scans on a code prefix (`code >= '33.75.' AND code < '33.75/'`) follow byte order.
pub fn code(backend: DbBackend, name: &'static str, nullable: bool) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.string_len(16);
    if nullable {
        col.null();
    } else {
        col.not_null();
    }
    if backend == DbBackend::Postgres {
        col.extra("COLLATE \"C\"");
    }
    col
}

/// A UUID primary key column.
pub fn id() -> ColumnDef {
    let mut col = ColumnDef::new("id");
    col.uuid().not_null().primary_key();
    col
}

pub fn uuid(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.uuid().not_null();
    col
}

pub fn uuid_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.uuid().null();
    col
}

pub fn text(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.string().not_null();
    col
}

pub fn text_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.string().null();
    col
}

pub fn date(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.date().not_null();
    col
}

pub fn date_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.date().null();
    col
}

pub fn int(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.integer().not_null();
    col
}

pub fn int_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.integer().null();
    col
}

pub fn timestamp(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.timestamp_with_time_zone().not_null();
    col
}

pub fn timestamp_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.timestamp_with_time_zone().null();
    col
}

/// `version` for optimistic concurrency, and the two audit timestamps.
pub fn bookkeeping(t: &mut TableCreateStatement) {
    t.col(int("version"))
        .col(timestamp("created_at"))
        .col(timestamp("updated_at"));
}

pub fn fk(
    t: &mut TableCreateStatement,
    table: &'static str,
    col: &'static str,
    to: &'static str,
    cascade: bool,
) {
    let mut f = ForeignKey::create();
    f.from(table, col).to(to, "id");
    if cascade {
        f.on_delete(ForeignKeyAction::Cascade);
    }
    t.foreign_key(&mut f);
}

pub async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(format!("idx_{table}_{}", cols.join("_")))
        .table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    m.create_index(i).await
}

pub fn boolean(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.boolean().not_null();
    col
}

pub fn double_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.double().null();
    col
}

/// A 64-bit integer column (rupiah amounts, populations).
pub fn big(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.big_integer().not_null();
    col
}

/// A nullable 64-bit integer column.
pub fn big_null(name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    col.big_integer().null();
    col
}
