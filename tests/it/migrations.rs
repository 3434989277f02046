//! Every migration's `down()` works: up, down (all), up again, on the test backend.

use keluarga_core::entity::region;
use keluarga_gateway::Migrator;
use keluarga_test_support::TestDb;
use migration::MigratorTrait;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test]
async fn migrations_run_up_down_up() {
    let t = TestDb::new().await;
    assert_eq!(
        region::Entity::find().count(&t.db).await.unwrap(),
        migration::REGION_COUNT as u64
    );

    Migrator::down(&t.db, None).await.unwrap();
    assert!(
        Migrator::get_applied_migrations(&t.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        region::Entity::find().count(&t.db).await.is_err(),
        "region table should be gone"
    );

    Migrator::up(&t.db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&t.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(region::Entity::find().count(&t.db).await.unwrap(), 91_599);
    use sea_orm::{ColumnTrait, QueryFilter};
    for (level, n) in [(1i16, 38u64), (2, 514), (3, 7_285), (4, 83_762)] {
        let count = region::Entity::find()
            .filter(region::Column::Level.eq(level))
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(count, n, "level {level}");
    }
}
