//! The synthetic province (`seed --synthetic`) on a small province: its shape, every domain's
//! part, that it is queryable through the API, that the same seed writes the same rows, and that
//! it refuses a province that already has families.

use keluarga_core::Role;
use keluarga_core::entity::{family, family_member, person};
use keluarga_core::synthetic::Plan;
use keluarga_gateway::startup;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, Statement};
use serde_json::json;

use crate::helpers::{TODAY, TestApp};

fn plan(families: usize) -> Plan {
    Plan {
        province: "31".to_owned(),
        families,
        seed: 7,
        today: TODAY,
    }
}

async fn count(t: &TestApp, sql: &str) -> i64 {
    let db = &t.db.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn a_synthetic_province_is_shaped_like_indonesia_and_every_domain_adds_its_part() {
    let t = TestApp::new().await;
    let s = startup::seed_synthetic(&t.app(), plan(3_000), false)
        .await
        .unwrap();
    assert_eq!(s.families, 3_000);
    assert_eq!(s.villages, 267, "DKI Jakarta's kelurahan");
    let db = &t.db.db;
    assert_eq!(family::Entity::find().count(db).await.unwrap(), 3_000);
    let persons = person::Entity::find().count(db).await.unwrap();
    assert_eq!(persons as usize, s.persons);
    assert!((9_000..13_500).contains(&persons), "{persons} persons");
    // One head per family, one family per person.
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM family_member WHERE relationship = 'HEAD'"
        )
        .await,
        3_000
    );
    assert_eq!(
        family_member::Entity::find().count(db).await.unwrap(),
        persons
    );
    let women_heads = count(
        &t,
        "SELECT COUNT(*) FROM family_member m JOIN person p ON p.id = m.person_id \
         WHERE m.relationship = 'HEAD' AND p.sex = 'P'",
    )
    .await;
    assert!(
        (300..600).contains(&women_heads),
        "{women_heads} of 3,000 heads are women"
    );
    // Stunting: every child under five is registered and measured.
    let under_five = count(
        &t,
        "SELECT COUNT(*) FROM person WHERE birth_date > '2021-11-25'",
    )
    .await;
    let share = under_five as f64 / persons as f64;
    assert!((0.06..0.12).contains(&share), "{share} under five");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM child").await, under_five);
    assert!(count(&t, "SELECT COUNT(*) FROM measurement").await > under_five * 6);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM posyandu").await, 267);
    // Ketahanan: about a third of the families assessed, by cadres of their village.
    let assessed = count(&t, "SELECT COUNT(*) FROM ketahanan_assessment").await;
    assert!((800..1_200).contains(&assessed), "{assessed} assessments");
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM ketahanan_assessment a JOIN cadre_role c \
             ON c.person_id = a.assessor_id AND c.region_code = a.region_code"
        )
        .await,
        assessed
    );
    // Ekonomi: a decile for every family; PEKKA only for families headed by a woman.
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM welfare_ranking").await,
        3_000
    );
    let pekka = count(&t, "SELECT COUNT(*) FROM pekka").await;
    assert!(pekka > 0 && pekka <= women_heads);
    assert!(count(&t, "SELECT COUNT(*) FROM income_report").await > 0);
    // Gender: the posts of every regency/city of DKI Jakarta.
    assert_eq!(
        count(&t, "SELECT COUNT(DISTINCT region_code) FROM strategic_post").await,
        6
    );

    // Queryable like any data: the province's stunting figure is near DKI's prevalence (14.8 %).
    let admin = t.token(Role::Admin, "31");
    let data = t
        .ok(
            &admin,
            r#"{ stuntingStatistics(filter: { regionCode: "31", from: "2026-01-01", to: "2026-12-31" }) {
                 childrenMeasured stunting { percent } } }"#,
            json!({}),
        )
        .await;
    let row = &data["stuntingStatistics"][0];
    let prevalence = row["stunting"]["percent"].as_f64().unwrap();
    assert!((8.0..22.0).contains(&prevalence), "{row}");
    let measured = count(
        &t,
        "SELECT COUNT(DISTINCT child_id) FROM measurement WHERE measured_on >= '2026-01-01'",
    )
    .await;
    assert!(measured > under_five * 9 / 10);
    assert_eq!(row["childrenMeasured"].as_i64().unwrap(), measured);

    // A second run into the same province is refused, and writes nothing.
    let err = startup::seed_synthetic(&t.app(), plan(10), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("already has 3000 families"), "{err}");
    assert_eq!(family::Entity::find().count(db).await.unwrap(), 3_000);

    // Another province in the same database draws its own ids (DI Yogyakarta).
    let mut yogyakarta = plan(500);
    yogyakarta.province = "34".to_owned();
    startup::seed_synthetic(&t.app(), yogyakarta, false)
        .await
        .unwrap();
    assert_eq!(family::Entity::find().count(db).await.unwrap(), 3_500);
}

#[tokio::test]
async fn the_same_seed_writes_the_same_province() {
    let ids = |t: TestApp| async move {
        startup::seed_synthetic(&t.app(), plan(400), false)
            .await
            .unwrap();
        let families: Vec<_> = family::Entity::find()
            .order_by_asc(family::Column::Id)
            .all(&t.db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|f| (f.id, f.region_code, f.registered_on))
            .collect();
        let measurements = count(&t, "SELECT COUNT(*) FROM measurement").await;
        let haz = count(&t, "SELECT CAST(SUM(haz * 100) AS BIGINT) FROM measurement").await;
        (families, measurements, haz)
    };
    let a = ids(TestApp::new().await).await;
    let b = ids(TestApp::new().await).await;
    assert_eq!(a.0.len(), 400);
    assert_eq!(a, b);
    let mut other = plan(400);
    other.seed = 8;
    let t = TestApp::new().await;
    startup::seed_synthetic(&t.app(), other, false)
        .await
        .unwrap();
    let first = family::Entity::find()
        .order_by_asc(family::Column::Id)
        .one(&t.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first.id, a.0[0].0, "another seed, another population");
}
