//! The audit log of reads of personal data (UU 27/2022), written off the read path.
//!
//! A read records its entry by sending it into a bounded queue; one writer task drains the queue,
//! gathers what arrives in the next 5 ms (`LINGER`), and writes the batch in a few `INSERT`s. A
//! full queue makes the sending request wait (back-pressure): entries are never dropped. [`AuditSink::flush`] waits until everything sent
//! before it is written; the gateway calls it on graceful shutdown, tests before reading the log.
//! Writes (mutations) do not go through the queue: their entry is written in the mutation's own
//! transaction with [`write_entry`].

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::actor::{Actor, Role};
use crate::entity::audit_log;
use crate::error::{Error, Result};

/// How many entries the queue holds before senders wait.
const QUEUE: usize = 4096;
/// The most entries written by one statement.
const BATCH: usize = 500;
/// How long the writer gathers entries after the first of a batch arrives.
const LINGER: Duration = Duration::from_millis(5);

/// One audit entry: who did what to which records.
#[derive(Debug, Clone, PartialEq, Eq, async_graphql::Description)]
pub struct AuditEntry {
    /// The actor's subject.
    pub subject: String,
    /// The actor's role (`NONE` for anonymous).
    pub role: String,
    /// `READ`, `CREATE`, `UPDATE`...
    pub action: &'static str,
    /// The table of the records (`child`, `person`...).
    pub entity: String,
    /// The records' ids.
    pub ids: Vec<Uuid>,
}

impl AuditEntry {
    /// An entry of `actor` doing `action` to `ids` of `entity`.
    pub fn new(actor: &Actor, action: &'static str, entity: &str, ids: Vec<Uuid>) -> Self {
        AuditEntry {
            subject: actor.subject.clone(),
            role: actor.role.map(Role::as_str).unwrap_or("NONE").to_owned(),
            action,
            entity: entity.to_owned(),
            ids,
        }
    }

    fn model(self) -> audit_log::ActiveModel {
        let ids: Vec<String> = self.ids.iter().map(Uuid::to_string).collect();
        audit_log::ActiveModel {
            id: Set(Uuid::now_v7()),
            at: Set(Utc::now()),
            subject: Set(self.subject),
            role: Set(self.role),
            action: Set(self.action.to_owned()),
            entity: Set(self.entity),
            record_ids: Set(serde_json::to_string(&ids).unwrap_or_default()),
            correlation_id: Set(None),
        }
    }
}

enum Msg {
    Entry(AuditEntry),
    Flush(oneshot::Sender<()>),
}

/// The sending end of the audit queue; cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Msg::Entry(e) => f.debug_tuple("Entry").field(e).finish(),
            Msg::Flush(_) => f.write_str("Flush"),
        }
    }
}

impl AuditSink {
    /// Starts the writer task on the current tokio runtime.
    pub fn spawn(db: DatabaseConnection) -> AuditSink {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(writer(db, rx));
        AuditSink { tx }
    }

    /// Queues an entry; waits while the queue is full. Empty id lists record nothing.
    pub async fn record(&self, entry: AuditEntry) -> Result<()> {
        if entry.ids.is_empty() {
            return Ok(());
        }
        self.tx.send(Msg::Entry(entry)).await.map_err(|_| {
            Error::Db(sea_orm::DbErr::Custom(
                "the audit writer has stopped".to_owned(),
            ))
        })
    }

    /// Records that `actor` read `ids` of `entity`.
    pub async fn read(&self, actor: &Actor, entity: &str, ids: Vec<Uuid>) -> Result<()> {
        self.record(AuditEntry::new(actor, "READ", entity, ids))
            .await
    }

    /// Waits until every entry queued before this call is written.
    pub async fn flush(&self) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.tx.send(Msg::Flush(done)).await.map_err(|_| {
            Error::Db(sea_orm::DbErr::Custom(
                "the audit writer has stopped".to_owned(),
            ))
        })?;
        wait.await.map_err(|_| {
            Error::Db(sea_orm::DbErr::Custom(
                "the audit writer has stopped".to_owned(),
            ))
        })
    }
}

async fn writer(db: DatabaseConnection, mut rx: mpsc::Receiver<Msg>) {
    let mut buf = Vec::with_capacity(BATCH);
    loop {
        if rx.recv_many(&mut buf, BATCH).await == 0 {
            return;
        }
        // Gather what the next few milliseconds bring: a busy gateway then writes the entries of
        // many requests with one statement rather than about one per request. A flush, a full
        // batch or a closed queue ends the wait.
        let until = tokio::time::Instant::now() + LINGER;
        while buf.len() < BATCH && !buf.iter().any(|m| matches!(m, Msg::Flush(_))) {
            let room = BATCH - buf.len();
            match tokio::time::timeout_at(until, rx.recv_many(&mut buf, room)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let mut entries = Vec::with_capacity(buf.len());
        let mut waiting = Vec::new();
        for m in buf.drain(..) {
            match m {
                Msg::Entry(e) => entries.push(e),
                Msg::Flush(done) => waiting.push(done),
            }
        }
        write_batch(&db, entries).await;
        for w in waiting {
            let _ = w.send(());
        }
    }
}

/// Writes a batch in chunks of power-of-two sizes (a batch of 13 is 8 + 4 + 1 rows), so that
/// the inserts are a few statement texts the drivers keep prepared rather than one new text per
/// batch size; each chunk is retried a few times before the entries it holds are logged as lost.
async fn write_batch(db: &DatabaseConnection, mut entries: Vec<AuditEntry>) {
    while !entries.is_empty() {
        let size = 1usize << entries.len().ilog2();
        let rest = entries.split_off(size);
        write_chunk(db, entries).await;
        entries = rest;
    }
}

async fn write_chunk(db: &DatabaseConnection, entries: Vec<AuditEntry>) {
    for attempt in 0..5u32 {
        let models: Vec<_> = entries.iter().cloned().map(AuditEntry::model).collect();
        match audit_log::Entity::insert_many(models)
            .exec_without_returning(db)
            .await
        {
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, attempt, "audit batch not written; retrying");
                tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
            }
        }
    }
    for e in entries {
        tracing::error!(subject = %e.subject, entity = %e.entity, ids = ?e.ids, "audit entry could not be written");
    }
}

/// Writes an entry directly on `db` (a mutation's transaction).
pub async fn write_entry<C: ConnectionTrait>(db: &C, entry: AuditEntry) -> Result<()> {
    if entry.ids.is_empty() {
        return Ok(());
    }
    audit_log::Entity::insert(entry.model()).exec(db).await?;
    Ok(())
}

/// Deletes the entries written before `before` (the retention setting's pruning); returns how
/// many were deleted.
pub async fn prune<C: ConnectionTrait>(db: &C, before: chrono::DateTime<Utc>) -> Result<u64> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let res = audit_log::Entity::delete_many()
        .filter(audit_log::Column::At.lt(before))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
