//! The priority list's facts per family, kept in `ekonomi_family_fact` by every write of the
//! domain that changes them (in the write's transaction): the current PEKKA record, the lowest of
//! the latest decile per source, current UP2K memberships of its members, and the assistance that
//! reached it (to a member, or to a group while a member was in it). None of them changes with
//! the date alone: PEKKA records, rankings, memberships and assistance are never dated in the
//! future, so "current" is "not ended". Children under 18 do change with the date, so the list
//! counts them when it runs.

use keluarga_core::error::Result;
use keluarga_core::store::Binder;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

/// Families per refresh statement.
const CHUNK: usize = 500;

/// Recomputes the facts of `families` (replacing their rows).
pub async fn refresh<C: ConnectionTrait>(db: &C, families: &[Uuid]) -> Result<()> {
    let backend = db.get_database_backend();
    let mut ids = families.to_vec();
    ids.sort();
    ids.dedup();
    for chunk in ids.chunks(CHUNK) {
        let mut b = Binder::new(backend);
        let list = b.list(chunk.iter().cloned());
        let sql = format!(
            "DELETE FROM ekonomi_family_fact WHERE family_id IN ({})",
            list
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, b.values))
            .await?;
        let mut b = Binder::new(backend);
        let list = b.list(chunk.iter().cloned());
        let sql = format!(
            "INSERT INTO ekonomi_family_fact (family_id, pekka_id, pekka_category, decile, \
               memberships, assisted) \
             SELECT f.id, \
               (SELECT pk.id FROM pekka pk WHERE pk.family_id = f.id AND pk.ended_on IS NULL \
                 ORDER BY pk.recorded_on DESC, pk.id DESC LIMIT 1), \
               (SELECT pk.category FROM pekka pk WHERE pk.family_id = f.id AND pk.ended_on IS NULL \
                 ORDER BY pk.recorded_on DESC, pk.id DESC LIMIT 1), \
               (SELECT MIN(w.decile) FROM welfare_ranking w WHERE w.family_id = f.id \
                 AND NOT EXISTS (SELECT 1 FROM welfare_ranking w2 WHERE w2.family_id = w.family_id \
                 AND w2.source = w.source AND w2.as_of > w.as_of)), \
               (SELECT COUNT(*) FROM up2k_member m WHERE m.family_id = f.id \
                 AND m.left_on IS NULL), \
               (SELECT COUNT(*) FROM assistance a WHERE a.family_id = f.id) \
               + (SELECT COUNT(*) FROM up2k_member gm JOIN assistance a ON a.group_id = gm.group_id \
                   AND a.member_id IS NULL AND a.given_on >= gm.joined_on \
                   AND (gm.left_on IS NULL OR gm.left_on >= a.given_on) \
                 WHERE gm.family_id = f.id) \
             FROM family f WHERE f.id IN ({}) \
               AND (EXISTS (SELECT 1 FROM pekka p2 WHERE p2.family_id = f.id) \
                 OR EXISTS (SELECT 1 FROM welfare_ranking w3 WHERE w3.family_id = f.id) \
                 OR EXISTS (SELECT 1 FROM up2k_member m3 WHERE m3.family_id = f.id))",
            list
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, b.values))
            .await?;
    }
    Ok(())
}

/// Recomputes the facts of every family that has ekonomi data (after a bulk load).
pub async fn refresh_all<C: ConnectionTrait>(db: &C) -> Result<()> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT family_id FROM pekka UNION SELECT family_id FROM welfare_ranking \
             UNION SELECT family_id FROM up2k_member WHERE family_id IS NOT NULL",
        ))
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    for r in rows {
        ids.push(r.try_get::<Uuid>("", "family_id")?);
    }
    refresh(db, &ids).await
}
