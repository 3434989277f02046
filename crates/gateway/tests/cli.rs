//! The `import measurements` command as a user runs it: a bad file is reported line by line with a
//! failing exit code and writes nothing; a good file is imported; `--scope` keeps other regions out.
//! And `migrate --rebuild-rollups`.

#![cfg(feature = "stunting")]
#![expect(clippy::unwrap_used, reason = "test")]

use std::process::Command;

use sea_orm::{ConnectionTrait, Database, Statement};

fn gateway(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keluarga-gateway"))
        .args(["--database", db])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

async fn count(db: &str, sql: &str) -> i64 {
    let conn = Database::connect(db).await.unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn import_measurements_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("kg-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/cli.sqlite?mode=rwc", dir.display());
    assert!(gateway(&db, &["seed", "--demo"]).status.success());
    let before = count(&db, "SELECT COUNT(*) FROM measurement").await;
    assert!(before > 10_000, "the demo measurements: {before}");
    // A Pekalongan child (33.75), born more than 60 days ago.
    let conn = Database::connect(&db).await.unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT c.id AS id FROM child c JOIN person p ON p.id = c.person_id \
             WHERE c.region_code LIKE '33.75.%' AND p.birth_date < '2026-06-01' \
             ORDER BY p.birth_date DESC LIMIT 1"
                .to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let id: uuid::Uuid = row.try_get("", "id").unwrap();
    let file = dir.join("ukur.csv");
    std::fs::write(
        &file,
        format!(
            "child_id,measured_on,weight_kg,length_cm,position\n\
             {id},2026-08-01,9.5,76.0,L\n\
             {id},1999-01-01,9.5,76.0,L\n\
             {id},2026-08-02,9.5,76.0,SIDEWAYS\n"
        ),
    )
    .unwrap();
    let out = gateway(&db, &["import", "measurements", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("line 3: measured_on"), "{stderr}");
    assert!(stderr.contains("line 4: position"), "{stderr}");
    assert!(
        stderr.contains("2 of 3 rows are invalid; nothing was imported"),
        "{stderr}"
    );
    assert!(!stderr.contains("backtrace"), "{stderr}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM measurement").await, before);

    std::fs::write(
        &file,
        format!("child_id,measured_on,weight_kg,length_cm,position\n{id},2026-08-01,9.5,76.0,L\n"),
    )
    .unwrap();
    // Restricted to Jakarta Pusat, the Pekalongan child is unknown.
    let out = gateway(
        &db,
        &[
            "import",
            "measurements",
            file.to_str().unwrap(),
            "--scope",
            "31.71",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no registered child"));
    let out = gateway(&db, &["import", "measurements", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("imported 1 measurements of 1 children"),
        "{stdout}"
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM measurement").await,
        before + 1
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `migrate --rebuild-rollups` rebuilds the statistics rollups from the records: after their rows
/// are lost (records changed outside the gateway, an interrupted load), the same rows come back.
#[tokio::test]
async fn rollups_are_rebuilt_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("kg-cli-rollups-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/cli.sqlite?mode=rwc", dir.display());
    assert!(gateway(&db, &["seed", "--demo"]).status.success());
    let rows = "SELECT COUNT(*) FROM stat_rollup";
    let sums = "SELECT CAST(SUM(v0) AS BIGINT) FROM stat_rollup WHERE rollup = 'stunting'";
    let (n, measured) = (count(&db, rows).await, count(&db, sums).await);
    assert!(
        n > 1_000 && measured > 1_000,
        "{n} rollup rows, {measured} measured"
    );
    let conn = Database::connect(&db).await.unwrap();
    conn.execute_unprepared("DELETE FROM stat_rollup")
        .await
        .unwrap();
    assert_eq!(count(&db, rows).await, 0);
    let out = gateway(&db, &["migrate", "--down", "--rebuild-rollups"]);
    assert!(!out.status.success(), "the two flags conflict");
    assert_eq!(count(&db, rows).await, 0);
    assert!(
        gateway(&db, &["migrate", "--rebuild-rollups"])
            .status
            .success()
    );
    assert_eq!(count(&db, rows).await, n);
    assert_eq!(count(&db, sums).await, measured);
    std::fs::remove_dir_all(&dir).ok();
}
