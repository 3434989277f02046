//! The gender-mainstreaming module end to end: the women's share of strategic posts on a day and
//! as a time series, the early warning on the Pekalongan fixture of seed 004, advocacy coverage
//! against a hand computation, data terpilah across domains with its disclosure control, bad
//! input, the cross-scope probe, batching of the facet and the README's example queries.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use gender_mainstreaming::entity::{award, post_holding, pug_prerequisite, strategic_post};
use keluarga_core::input::{
    CreateActivityInput, CreateOrganisationInput, OrganiserInput, ParticipantInput,
};
use keluarga_core::kinds::{ActivityKind, OrganisationKind, OrganiserRole, ParticipantGroup};
use keluarga_core::stats::Sex;
use keluarga_core::{Actor, Role};
use keluarga_test_support::TestDb;
use keluarga_test_support::fixtures::PersonBuilder;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, config, readme_queries};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn gid(t: &str, id: uuid::Uuid) -> String {
    keluarga_core::id::encode(t, &id.to_string()).to_string()
}

async fn seeded() -> TestApp {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    t
}

const POSTS_ON: &str = r#"query($to: Date) { genderStatistics(filter: { regionCode: "33.75", to: $to }) {
    posts { posts filled vacant women men womenShare { numerator denominator percent } } } }"#;

async fn posts_on(t: &TestApp, who: &As, day: &str) -> Value {
    let data = t.ok(who, POSTS_ON, json!({ "to": day })).await;
    data["genderStatistics"][0]["posts"].clone()
}

#[tokio::test]
async fn the_womens_share_and_the_early_warning_follow_seed_004() {
    let t = seeded().await;
    let op = t.token(Role::Operator, "33.75");
    // When APE Utama was given: 11 of 22 filled posts held by women, 9 posts vacant.
    assert_eq!(
        posts_on(&t, &op, "2018-12-22").await,
        json!({ "posts": 31, "filled": 22, "vacant": 9, "women": 11, "men": 11,
                "womenShare": { "numerator": 11, "denominator": 22, "percent": 50.0 } })
    );
    // The day of the advocacy (18 April 2022): the seven kepala dinas posts went to men.
    assert_eq!(
        posts_on(&t, &op, "2022-04-18").await,
        json!({ "posts": 31, "filled": 31, "vacant": 0, "women": 13, "men": 18,
                "womenShare": { "numerator": 13, "denominator": 31, "percent": 41.9 } })
    );
    let data = t
        .ok(
            &op,
            r#"{ awards(filter: { regionCode: "33.75" }) { edges { node { type level levelRank year
            womenShareOfPosts { numerator denominator percent } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["awards"]["edges"][0]["node"],
        json!({ "type": "APE", "level": "UTAMA", "levelRank": 3, "year": 2018,
                "womenShareOfPosts": { "numerator": 11, "denominator": 22, "percent": 50.0 } })
    );
    // As a time series: the DPRD chair passed to a man in 2019, a woman became camat in 2020.
    let data = t
        .ok(&op, r#"{ genderStatistics(filter: { regionCode: "33.75", from: "2018-01-01", to: "2022-04-18" },
            groupBy: [YEAR]) { period posts { womenShare { numerator denominator percent } } } }"#, json!({}))
        .await;
    let series: Vec<(String, i64, i64)> = data["genderStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = &r["posts"]["womenShare"];
            (
                r["period"].as_str().unwrap().to_owned(),
                s["numerator"].as_i64().unwrap(),
                s["denominator"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        series,
        [
            ("2018".to_owned(), 11, 22),
            ("2019".to_owned(), 10, 22),
            ("2020".to_owned(), 11, 22),
            ("2021".to_owned(), 11, 22),
            ("2022".to_owned(), 13, 31),
        ]
    );
    const WARN: &str = r#"query($on: Date) { earlyWarnings(regionCode: "33.75", on: $on) { region { code } raised
        award { level } shareAtAward { percent } shareNow { percent }
        appointments { startedOn holderSex post { kind } } departures { endedOn holderSex post { kind } } } }"#;
    // At the end of 2021 the share is back at 50 %: no warning.
    let data = t.ok(&op, WARN, json!({ "on": "2021-12-31" })).await;
    assert_eq!(data["earlyWarnings"][0]["raised"], false, "{data:#}");
    let data = t.ok(&op, WARN, json!({ "on": "2022-04-18" })).await;
    let w = &data["earlyWarnings"][0];
    assert_eq!(w["region"]["code"], "33.75");
    assert_eq!(w["raised"], true);
    assert_eq!(w["award"]["level"], "UTAMA");
    assert_eq!(w["shareAtAward"]["percent"], 50.0);
    assert_eq!(w["shareNow"]["percent"], 41.9);
    let kadin: Vec<&Value> = w["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["post"]["kind"] == "KEPALA_DINAS")
        .collect();
    assert_eq!(kadin.len(), 7, "{w:#}");
    assert!(
        kadin
            .iter()
            .all(|a| a["holderSex"] == "MALE" && a["startedOn"] == "2022-01-10")
    );
    assert_eq!(
        w["departures"],
        json!([{ "endedOn": "2019-09-01", "holderSex": "FEMALE", "post": { "kind": "DPRD_CHAIR" } }])
    );
    // The same on the region facet.
    let data = t
        .ok(&op, r#"{ region(code: "33.75") { gender(period: "2022-04") { currentAward { level year }
            womenShareOfPosts { percent } prerequisitesMet earlyWarning { raised appointments { startedOn } } } } }"#, json!({}))
        .await;
    let g = &data["region"]["gender"];
    assert_eq!(g["currentAward"], json!({ "level": "UTAMA", "year": 2018 }));
    assert_eq!(g["womenShareOfPosts"]["percent"], 41.9);
    assert_eq!(g["prerequisitesMet"], 5);
    assert_eq!(g["earlyWarning"]["raised"], true);
    assert_eq!(
        g["earlyWarning"]["appointments"].as_array().unwrap().len(),
        8
    );
    // Who held the DPRD chair on a day, through the post's history.
    let data = t
        .ok(&op, r#"{ strategicPosts(filter: { regionCode: "33.75", kind: DPRD_CHAIR }) { edges { node {
            then: holding(on: "2018-12-22") { holderSex startedOn endedOn } now: holding { holderSex }
            history { startedOn } } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["strategicPosts"]["edges"][0]["node"],
        json!({ "then": { "holderSex": "FEMALE", "startedOn": "2014-09-01", "endedOn": "2019-09-01" },
                "now": { "holderSex": "MALE" },
                "history": [{ "startedOn": "2014-09-01" }, { "startedOn": "2019-09-01" }] })
    );
    let data = t
        .ok(&op, r#"{ strategicPosts(filter: { regionCode: "33.75", vacantOnly: true, on: "2021-06-01" }) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(data["strategicPosts"]["totalCount"], 9);
}

#[tokio::test]
async fn seed_004_advocacy_coverage_is_read_from_core_activities() {
    let t = seeded().await;
    let op = t.token(Role::Operator, "33.75");
    const TARGETS: &str = r#"query($on: Date) { advocacyTargets(filter: { regionCode: "33.75" }) { edges { node {
        audience fromYear toYear coverage(on: $on) { target reached coverage { percent } } } } } }"#;
    let data = t.ok(&op, TARGETS, json!({ "on": "2023-12-31" })).await;
    let by = |a: &str| -> Value {
        data["advocacyTargets"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["audience"] == a)
            .unwrap()["node"]["coverage"]
            .clone()
    };
    // Twelve women's organisations: five took part in April 2022, four more in 2023.
    assert_eq!(
        by("WOMENS_ORGANISATION"),
        json!({ "target": 12, "reached": 9, "coverage": { "percent": 75.0 } })
    );
    // 2021: advocacy in 20 of the 27 kelurahan.
    assert_eq!(
        by("VILLAGE"),
        json!({ "target": 27, "reached": 20, "coverage": { "percent": 74.1 } })
    );
    let data = t.ok(&op, TARGETS, json!({ "on": "2022-12-31" })).await;
    let wo = data["advocacyTargets"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["audience"] == "WOMENS_ORGANISATION")
        .unwrap();
    assert_eq!(wo["node"]["coverage"]["reached"], 5);
    // The statistics give the same, by audience.
    let data = t
        .ok(&op, r#"{ genderStatistics(filter: { regionCode: "33.75", from: "2023-01-01", to: "2023-12-31" }, groupBy: [AUDIENCE]) {
            audience advocacy { targets target reached } posts { posts } } }"#, json!({}))
        .await;
    assert_eq!(
        data["genderStatistics"],
        json!([{ "audience": "WOMENS_ORGANISATION", "advocacy": { "targets": 1, "target": 12, "reached": 9 }, "posts": null }])
    );
}

/// Builds the coverage fixture in Kota Mojokerto: three women's organisations and one NGO,
/// advocacy in two villages, residents of three RTs taking part.
async fn coverage_fixture(t: &TestApp) {
    let app = t.app();
    let sys = Actor::system();
    let mut women = Vec::new();
    for (name, kind) in [
        ("Aisyiyah Uji", OrganisationKind::WomensOrganisation),
        ("Muslimat Uji", OrganisationKind::WomensOrganisation),
        ("Fatayat Uji", OrganisationKind::WomensOrganisation),
        ("LSM Uji", OrganisationKind::Ngo),
    ] {
        let o = keluarga_core::service::create_organisation(
            &app,
            &sys,
            CreateOrganisationInput {
                name: name.into(),
                acronym: None,
                kind,
                region_code: "35.76".into(),
                parent_id: None,
            },
        )
        .await
        .unwrap();
        women.push(o.id);
    }
    // Residents: RW 001 RT 001 and RT 002 in Kauman, RW 002 RT 001 in Mentikan; one more in
    // Kauman RW 003 who takes no part.
    let mut people = Vec::new();
    for (v, rw, rt) in [
        ("35.76.01.1004", "1", "1"),
        ("35.76.01.1004", "1", "2"),
        ("35.76.01.1003", "2", "1"),
        ("35.76.01.1004", "3", "1"),
    ] {
        let p = PersonBuilder::in_village(v)
            .name("Warga")
            .sex(Sex::Female)
            .born(d(1980, 1, 1))
            .rw(rw)
            .rt(rt)
            .insert(&app)
            .await;
        people.push(p.id);
    }
    let act = |title: &str, v: &str, on: NaiveDate, orgs: Vec<uuid::Uuid>, who: Vec<uuid::Uuid>| {
        CreateActivityInput {
            title: title.into(),
            kind: ActivityKind::Advocacy,
            held_on: on.into(),
            venue: None,
            region_code: v.into(),
            programme_id: None,
            stage: None,
            total_participants: None,
            description: None,
            organisers: orgs
                .into_iter()
                .map(|id| OrganiserInput {
                    organisation_id: gid("Organisation", id).into(),
                    role: OrganiserRole::Participant,
                })
                .collect(),
            participant_counts: Vec::new(),
            participants: who
                .into_iter()
                .map(|id| ParticipantInput {
                    person_id: gid("Person", id).into(),
                    group: ParticipantGroup::CommunityMember,
                })
                .collect(),
            commitments: Vec::new(),
        }
    };
    for input in [
        // In range: two women's organisations and the NGO; two RTs of RW 001 in Kauman.
        act(
            "A",
            "35.76.01.1004",
            d(2025, 3, 1),
            vec![women[0], women[1], women[3]],
            vec![people[0], people[1]],
        ),
        // In range: one of them again, and the Mentikan resident.
        act(
            "B",
            "35.76.01.1003",
            d(2025, 8, 1),
            vec![women[1]],
            vec![people[2]],
        ),
        // After the target's years: counts for nothing.
        act(
            "C",
            "35.76.01.1005",
            d(2027, 2, 1),
            vec![women[2]],
            vec![people[3]],
        ),
    ] {
        keluarga_core::service::create_activity(&app, &sys, input)
            .await
            .unwrap();
    }
    // Another kind of activity in range does not count either.
    let mut training = act(
        "D",
        "35.76.01.1006",
        d(2025, 9, 1),
        vec![women[2]],
        vec![people[3]],
    );
    training.kind = ActivityKind::Training;
    keluarga_core::service::create_activity(&app, &sys, training)
        .await
        .unwrap();
}

#[tokio::test]
async fn coverage_matches_a_hand_computation() {
    let t = TestApp::new().await;
    coverage_fixture(&t).await;
    let op = t.token(Role::Operator, "35.76");
    const SET: &str = r#"mutation($i: SetAdvocacyTargetInput!) { setAdvocacyTarget(input: $i) { id version
        audience coverage(on: "2026-11-25") { target reached coverage { numerator denominator percent } } } }"#;
    let mut got = Vec::new();
    for (audience, count) in [
        ("WOMENS_ORGANISATION", None),
        ("VILLAGE", None),
        ("RW", None),
        ("RT", Some(10)),
    ] {
        let data = t
            .ok(
                &op,
                SET,
                json!({ "i": { "regionCode": "35.76", "audience": audience, "fromYear": 2025,
                "toYear": 2026, "targetCount": count } }),
            )
            .await;
        got.push(data["setAdvocacyTarget"]["coverage"].clone());
    }
    // By hand:
    // - women's organisations: 3 registered in the city (the NGO is not one); reached in
    //   2025–2026: Aisyiyah and Muslimat (A, B) = 2 of 3;
    // - villages: 18 kelurahan in Kota Mojokerto; advocacy held in Kauman and Mentikan = 2;
    // - RW: residents live in 3 RWs (Kauman 001, Kauman 003, Mentikan 002); participants in
    //   range come from Kauman 001 and Mentikan 002 = 2 of 3;
    // - RT: stated target 10; reached Kauman 001/001, 001/002, Mentikan 002/001 = 3.
    assert_eq!(
        got,
        [
            json!({ "target": 3, "reached": 2, "coverage": { "numerator": 2, "denominator": 3, "percent": 66.7 } }),
            json!({ "target": 18, "reached": 2, "coverage": { "numerator": 2, "denominator": 18, "percent": 11.1 } }),
            json!({ "target": 3, "reached": 2, "coverage": { "numerator": 2, "denominator": 3, "percent": 66.7 } }),
            json!({ "target": 10, "reached": 3, "coverage": { "numerator": 3, "denominator": 10, "percent": 30.0 } }),
        ]
    );
    // The facet of the year sums the four targets: 3 + 18 + 3 + 10 aimed at, 2 + 2 + 2 + 3 reached.
    let data = t
        .ok(&op, r#"{ region(code: "35.76") { gender(period: "2025") { advocacy { targets target reached } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["region"]["gender"]["advocacy"],
        json!({ "targets": 4, "target": 34, "reached": 9 })
    );
    // Counted up to the end of March 2025 only A counts.
    let data = t
        .ok(
            &op,
            r#"{ advocacyTargets(filter: { audience: WOMENS_ORGANISATION }) { edges { node {
            coverage(on: "2025-03-31") { reached } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["advocacyTargets"]["edges"][0]["node"]["coverage"]["reached"],
        2
    );
    let data = t
        .ok(
            &op,
            r#"{ advocacyTargets(filter: { audience: RW }) { edges { node {
            coverage(on: "2025-03-31") { reached } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["advocacyTargets"]["edges"][0]["node"]["coverage"]["reached"],
        1
    );
}

const CREATE_POST: &str =
    r#"mutation($i: CreateStrategicPostInput!) { createStrategicPost(input: $i) { id version } }"#;
const APPOINT: &str =
    r#"mutation($i: AppointToPostInput!) { appointToPost(input: $i) { id startedOn } }"#;
const VACATE: &str = r#"mutation($i: VacatePostInput!) { vacatePost(input: $i) { id endedOn } }"#;
const AWARD: &str = r#"mutation($i: RecordAwardInput!) { recordAward(input: $i) { id level womenShareOfPosts { percent } } }"#;

async fn org(t: &TestApp, name: &str, region: &str) -> String {
    let o = keluarga_core::service::create_organisation(
        &t.app(),
        &Actor::system(),
        CreateOrganisationInput {
            name: name.into(),
            acronym: None,
            kind: OrganisationKind::Dinas,
            region_code: region.into(),
            parent_id: None,
        },
    )
    .await
    .unwrap();
    gid("Organisation", o.id)
}

async fn person(t: &TestApp, village: &str, sex: Sex) -> String {
    let p = PersonBuilder::in_village(village)
        .name("Pejabat")
        .sex(sex)
        .born(d(1975, 1, 1))
        .insert(&t.app())
        .await;
    gid("Person", p.id)
}

async fn counts(t: &TestApp) -> [u64; 4] {
    let db = &t.db.db;
    [
        strategic_post::Entity::find().count(db).await.unwrap(),
        post_holding::Entity::find().count(db).await.unwrap(),
        award::Entity::find().count(db).await.unwrap(),
        pug_prerequisite::Entity::find().count(db).await.unwrap(),
    ]
}

#[tokio::test]
async fn bad_input_is_refused_by_field_and_writes_nothing() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "35.76");
    let dinkes = org(&t, "Dinkes Uji", "35.76").await;
    let post = t
        .ok(&op, CREATE_POST, json!({ "i": { "organisationId": dinkes, "title": "Kepala Dinkes", "kind": "KEPALA_DINAS", "echelon": "II_B" } }))
        .await;
    let post_id = post["createStrategicPost"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let woman = person(&t, "35.76.01.1004", Sex::Female).await;
    let man = person(&t, "35.76.02.1003", Sex::Male).await;
    let elsewhere = person(&t, "33.75.01.1002", Sex::Male).await;
    let data = t
        .ok(&op, APPOINT, json!({ "i": { "postId": post_id, "version": 1, "personId": woman, "startedOn": "2024-01-02" } }))
        .await;
    assert_eq!(data["appointToPost"]["startedOn"], "2024-01-02");
    // The award keeps the share of its day: 1 of 1.
    let data = t
        .ok(&op, AWARD, json!({ "i": { "regionCode": "35.76", "type": "APE", "level": "MADYA", "year": 2024, "awardedOn": "2024-12-22" } }))
        .await;
    assert_eq!(data["recordAward"]["womenShareOfPosts"]["percent"], 100.0);
    let before = counts(&t).await;
    let admin = t.token(Role::Admin, "");
    let cases = [
        // Two holders at once (the post is held from 2024-01-02, and the version is current).
        (
            APPOINT,
            json!({ "i": { "postId": post_id, "version": 2, "personId": man, "startedOn": "2025-01-01" } }),
            "BAD_USER_INPUT",
            "input.startedOn",
        ),
        // ... and before the current holding began, it overlaps too.
        (
            APPOINT,
            json!({ "i": { "postId": post_id, "version": 2, "personId": man, "startedOn": "2023-06-01" } }),
            "BAD_USER_INPUT",
            "input.startedOn",
        ),
        // A vacancy before the appointment.
        (
            VACATE,
            json!({ "i": { "postId": post_id, "version": 2, "endedOn": "2023-12-31" } }),
            "BAD_USER_INPUT",
            "input.endedOn",
        ),
        // A level KLA has but APE has not.
        (
            AWARD,
            json!({ "i": { "regionCode": "35.76", "type": "APE", "level": "NINDYA", "year": 2025, "awardedOn": "2025-12-22" } }),
            "BAD_USER_INPUT",
            "input.level",
        ),
        // A stale version.
        (
            VACATE,
            json!({ "i": { "postId": post_id, "version": 1, "endedOn": "2025-06-30" } }),
            "CONFLICT",
            "",
        ),
        // The same award twice.
        (
            AWARD,
            json!({ "i": { "regionCode": "35.76", "type": "APE", "level": "UTAMA", "year": 2024, "awardedOn": "2024-12-23" } }),
            "CONFLICT",
            "",
        ),
        // A future appointment.
        (
            APPOINT,
            json!({ "i": { "postId": post_id, "version": 2, "personId": man, "startedOn": "2027-01-01" } }),
            "BAD_USER_INPUT",
            "input.startedOn",
        ),
    ];
    for (q, vars, want, field) in cases {
        let body = t.gql(&op, q, vars.clone()).await;
        assert_eq!(code(&body), want, "{vars}: {body:#}");
        if !field.is_empty() {
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
        }
    }
    // A person outside the post's city, even for an ADMIN who can see both.
    t.ok(
        &admin,
        VACATE,
        json!({ "i": { "postId": post_id, "version": 2, "endedOn": "2025-06-30" } }),
    )
    .await;
    let body = t
        .gql(&admin, APPOINT, json!({ "i": { "postId": post_id, "version": 3, "personId": elsewhere, "startedOn": "2025-07-01" } }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.personId");
    // Prerequisites: a second write without the version is refused by field.
    const PRE: &str = r#"mutation($i: SetPugPrerequisiteInput!) { setPugPrerequisite(input: $i) { version status } }"#;
    let first = json!({ "i": { "regionCode": "35.76", "year": 2025, "prerequisite": "COMMITMENT", "status": "MET" } });
    t.ok(&op, PRE, first.clone()).await;
    let body = t.gql(&op, PRE, first).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.version",
        "{body:#}"
    );
    let data = t
        .ok(&op, PRE, json!({ "i": { "regionCode": "35.76", "year": 2025, "prerequisite": "COMMITMENT", "status": "IN_PROGRESS", "version": 1 } }))
        .await;
    assert_eq!(
        data["setPugPrerequisite"],
        json!({ "version": 2, "status": "IN_PROGRESS" })
    );
    // A GAP record needs a gap and an action.
    let body = t
        .gql(&op, r#"mutation($i: RecordGenderAnalysisInput!) { recordGenderAnalysis(input: $i) { id } }"#,
            json!({ "i": { "programmeId": gid("Programme", uuid::Uuid::nil()), "year": 2025, "actions": ["x"] } }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.accessGap",
        "{body:#}"
    );
    // Nothing but the vacancy and the prerequisite was written.
    let after = counts(&t).await;
    assert_eq!(after[..3], before[..3]);
    assert_eq!(after[3], before[3] + 1);
}

#[tokio::test]
async fn another_city_sees_and_changes_nothing_of_pekalongan() {
    let t = seeded().await;
    let admin = t.token(Role::Admin, "");
    const ALL: &str = r#"{ strategicPosts(filter: { regionCode: "33.75" }) { totalCount edges { node { id version history { id } } } }
        awards(filter: { regionCode: "33.75" }) { totalCount edges { node { id } } }
        pugPrerequisites(filter: { regionCode: "33.75" }) { totalCount edges { node { id version } } }
        advocacyTargets(filter: { regionCode: "33.75" }) { totalCount edges { node { id version } } }
        genderAnalyses(filter: { regionCode: "33.75" }) { totalCount edges { node { id } } } }"#;
    let mine = t.ok(&admin, ALL, json!({})).await;
    for k in [
        "strategicPosts",
        "awards",
        "pugPrerequisites",
        "advocacyTargets",
        "genderAnalyses",
    ] {
        assert!(
            mine[k]["totalCount"].as_i64().unwrap() > 0,
            "{k} has rows to find"
        );
    }
    let first = |k: &str| mine[k]["edges"][0]["node"]["id"].clone();
    let holding = mine["strategicPosts"]["edges"][0]["node"]["history"][0]["id"].clone();
    // Every new type is a Node, found by its own city.
    let own = t.token(Role::Dashboard, "33.75");
    let ids = json!([
        first("strategicPosts"),
        holding,
        first("awards"),
        first("pugPrerequisites"),
        first("advocacyTargets"),
        first("genderAnalyses")
    ]);
    let data = t
        .ok(
            &own,
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"#,
            json!({ "ids": ids }),
        )
        .await;
    let types: Vec<&str> = data["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "StrategicPost",
            "PostHolding",
            "Award",
            "PugPrerequisite",
            "AdvocacyTarget",
            "GenderAnalysis"
        ]
    );
    for role in [Role::Operator, Role::Dashboard, Role::Analyst] {
        let jp = t.token(role, "31.71");
        let theirs = t.ok(&jp, ALL, json!({})).await;
        for k in [
            "strategicPosts",
            "awards",
            "pugPrerequisites",
            "advocacyTargets",
            "genderAnalyses",
        ] {
            assert_eq!(theirs[k]["totalCount"], 0, "{role:?} {k}: {theirs:#}");
        }
        let data = t
            .ok(&jp, r#"query($ids: [ID!]!) { nodes(ids: $ids) { id } }"#,
                json!({ "ids": [first("strategicPosts"), holding, first("awards"), first("pugPrerequisites"),
                                first("advocacyTargets"), first("genderAnalyses")] }))
            .await;
        assert_eq!(
            data["nodes"],
            json!([null, null, null, null, null, null]),
            "{role:?}"
        );
        let data = t
            .ok(&jp, r#"{ all: genderStatistics(groupBy: [REGENCY]) { region { code } posts { posts } advocacy { targets } }
                asked: genderStatistics(filter: { regionCode: "33.75" }) { posts { posts } }
                warnings: earlyWarnings { region { code } }
                asked2: earlyWarnings(regionCode: "33.75") { region { code } }
                terpilah: disaggregation(regionCode: "33.75") { measures { key total } } }"#, json!({}))
            .await;
        assert!(
            data["all"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["region"]["code"] == "31.71"),
            "{data:#}"
        );
        assert_eq!(data["asked"], json!([]));
        assert!(
            data["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|w| w["region"]["code"] == "31.71")
        );
        assert_eq!(data["asked2"], json!([]));
        assert!(
            data["terpilah"]["measures"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["total"] == 0),
            "{data:#}"
        );
        let data = t
            .ok(&jp, r#"{ region(code: "33.75") { gender(period: "2022") { posts { posts } prerequisitesMet advocacy { targets } earlyWarning { raised } } } }"#, json!({}))
            .await;
        let g = &data["region"]["gender"];
        assert!(
            data["region"].is_null()
                || (g["posts"]["posts"] == 0
                    && g["prerequisitesMet"] == 0
                    && g["advocacy"]["targets"] == 0
                    && g["earlyWarning"].is_null()),
            "{data:#}"
        );
    }
    let jp = t.token(Role::Operator, "31.71");
    let post = first("strategicPosts");
    let ver = mine["strategicPosts"]["edges"][0]["node"]["version"].clone();
    let jp_person = person(&t, "31.71.01.1001", Sex::Female).await;
    let pkl_org = {
        use sea_orm::{ColumnTrait, QueryFilter};
        let o = keluarga_core::entity::organisation::Entity::find()
            .filter(
                keluarga_core::entity::organisation::Column::Name.eq("Pemerintah Kota Pekalongan"),
            )
            .one(&t.db.db)
            .await
            .unwrap()
            .unwrap();
        gid("Organisation", o.id)
    };
    let cases = [
        (
            APPOINT,
            json!({ "i": { "postId": post, "version": ver, "personId": jp_person, "startedOn": "2025-01-01" } }),
        ),
        (
            VACATE,
            json!({ "i": { "postId": post, "version": ver, "endedOn": "2025-01-01" } }),
        ),
        (
            CREATE_POST,
            json!({ "i": { "organisationId": pkl_org, "title": "x", "kind": "OTHER" } }),
        ),
        (
            AWARD,
            json!({ "i": { "regionCode": "33.75", "type": "KLA", "level": "MADYA", "year": 2025, "awardedOn": "2025-07-23" } }),
        ),
        (
            r#"mutation($i: SetPugPrerequisiteInput!) { setPugPrerequisite(input: $i) { id } }"#,
            json!({ "i": { "regionCode": "33.75", "year": 2022, "prerequisite": "POLICY", "status": "NOT_MET", "version": 1 } }),
        ),
        (
            r#"mutation($i: SetAdvocacyTargetInput!) { setAdvocacyTarget(input: $i) { id } }"#,
            json!({ "i": { "regionCode": "33.75", "audience": "RT", "fromYear": 2021, "toYear": 2021, "version": 1 } }),
        ),
    ];
    for (q, vars) in cases {
        let body = t.gql(&jp, q, vars.clone()).await;
        assert!(
            ["NOT_FOUND", "FORBIDDEN"].contains(&code(&body)),
            "{vars}: {body:#}"
        );
    }
    assert_eq!(t.ok(&admin, ALL, json!({})).await, mine, "nothing changed");
}

#[tokio::test]
async fn the_region_facet_costs_the_same_for_more_regions() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let op = t.token(Role::Admin, "");
    const FACET: &str = r#"query($n: Int) { region(code: "33") { children(first: $n) { edges { node { code
        gender(period: "2022") { currentAward { level } womenShareOfPosts { percent } prerequisitesMet
          advocacy { coverage { percent } } earlyWarning { raised appointments { holderSex } } } } } } } }"#;
    let mut costs = Vec::new();
    for n in [1, 30] {
        count.store(0, Ordering::SeqCst);
        let data = t.ok(&op, FACET, json!({ "n": n })).await;
        assert_eq!(
            data["region"]["children"]["edges"]
                .as_array()
                .unwrap()
                .len(),
            n as usize
        );
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "facet statements: {costs:?}");
    // And the posts of a page with their holders.
    const POSTS: &str = r#"query($n: Int) { strategicPosts(first: $n) { edges { node { title organisation { name }
        holding { holderSex holder { fullName } } history { startedOn } } } } }"#;
    let mut costs = Vec::new();
    for n in [2, 20] {
        count.store(0, Ordering::SeqCst);
        t.ok(&op, POSTS, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "post statements: {costs:?}");
}

/// A page of posts that selects their history and its holders reads both in one statement
/// with the page's own (two in all, whatever the page size); each post's history is what the
/// post gives when read on its own (through the loaders), and the holders read are audited.
/// Roles without record access get no holder, preloaded or not.
#[tokio::test]
async fn a_page_of_posts_preloads_history_and_holders() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let op = t.token(Role::Operator, "33.75");
    const PAGE: &str = r#"query($n: Int) { strategicPosts(first: $n) { edges { node { id
        history { id startedOn endedOn holder { id fullName } } } } } }"#;
    let mut costs = Vec::new();
    let mut page = Value::Null;
    for n in [2, 31] {
        count.store(0, Ordering::SeqCst);
        page = t.ok(&op, PAGE, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs, [2, 2], "statements of the page and its preload");
    let posts = page["strategicPosts"]["edges"].as_array().unwrap();
    assert_eq!(posts.len(), 31);
    let mut holders = std::collections::BTreeSet::new();
    let mut holdings = 0;
    for p in posts {
        let id = p["node"]["id"].as_str().unwrap();
        let alone = t
            .ok(
                &op,
                r#"query($id: ID!) { node(id: $id) { ... on StrategicPost {
                history { id startedOn endedOn holder { id fullName } } } } }"#,
                json!({ "id": id }),
            )
            .await;
        assert_eq!(p["node"]["history"], alone["node"]["history"], "post {id}");
        for h in p["node"]["history"].as_array().unwrap() {
            holdings += 1;
            let holder = h["holder"]["id"].as_str().expect("a holder in scope");
            holders.insert(holder.to_owned());
        }
    }
    let ids: Vec<uuid::Uuid> = posts
        .iter()
        .map(|p| {
            keluarga_core::id::decode_uuid(p["node"]["id"].as_str().unwrap(), "StrategicPost", "id")
                .unwrap()
        })
        .collect();
    let stored = post_holding::Entity::find()
        .filter(post_holding::Column::PostId.is_in(ids))
        .count(&t.db.db)
        .await
        .unwrap();
    assert!(holdings > 31, "posts held more than once: {holdings}");
    assert_eq!(
        holdings, stored as usize,
        "every holding of the page's posts"
    );
    // Earliest first.
    let dprd = posts
        .iter()
        .map(|p| p["node"]["history"].as_array().unwrap())
        .find(|h| h.len() > 1)
        .unwrap();
    assert!(dprd[0]["startedOn"].as_str() < dprd[1]["startedOn"].as_str());
    let audited: std::collections::BTreeSet<String> = t
        .audit_log()
        .await
        .into_iter()
        .filter(|(entity, _, _)| entity == "person")
        .flat_map(|(_, _, ids)| ids)
        .collect();
    for h in &holders {
        let uuid = keluarga_core::id::decode_uuid(h, "Person", "id").unwrap();
        assert!(audited.contains(&uuid.to_string()), "holder {h} audited");
    }
    // A DASHBOARD reads the history, never a holder.
    let viewer = t.token(Role::Dashboard, "33.75");
    let data = t.ok(&viewer, PAGE, json!({ "n": 31 })).await;
    let seen: usize = data["strategicPosts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["node"]["history"].as_array().unwrap().clone())
        .inspect(|h| assert_eq!(h["holder"], Value::Null))
        .count();
    assert_eq!(seen, holdings);
}

/// A page encodes cursors and keeps its count only when the selection reads them, fragments
/// included: through a fragment the count and the cursors are there, and the next page starts
/// after the end cursor.
#[tokio::test]
async fn cursors_and_counts_are_there_when_selected_through_fragments() {
    let t = seeded().await;
    let op = t.token(Role::Operator, "33.75");
    let data = t
        .ok(
            &op,
            r#"{ strategicPosts(first: 10) { ...Page } }
            fragment Page on StrategicPostConnection { totalCount pageInfo { endCursor hasNextPage }
              edges { ... on StrategicPostEdge { cursor node { id } } } }"#,
            json!({}),
        )
        .await;
    let page = &data["strategicPosts"];
    assert_eq!(page["totalCount"], 31);
    let edges = page["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .all(|e| !e["cursor"].as_str().unwrap().is_empty())
    );
    let end = page["pageInfo"]["endCursor"].as_str().unwrap();
    assert_eq!(end, edges[9]["cursor"].as_str().unwrap());
    let next = t
        .ok(
            &op,
            r#"query($after: String) { strategicPosts(first: 50, after: $after) { edges { node { id } } } }"#,
            json!({ "after": end }),
        )
        .await;
    assert_eq!(
        next["strategicPosts"]["edges"].as_array().unwrap().len(),
        21
    );
    let all = t
        .ok(
            &op,
            r#"{ strategicPosts(first: 50) { edges { node { id } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        all["strategicPosts"]["edges"][10], next["strategicPosts"]["edges"][0],
        "the second page starts after the first"
    );
}

#[tokio::test]
async fn data_terpilah_lists_every_domain_and_withholds_small_cells() {
    let t = seeded().await;
    let op = t.token(Role::Operator, "33.75");
    const Q: &str = r#"query($r: String, $p: String) { disaggregation(regionCode: $r, period: $p) { period
        measures { domain key statistic female male unrecorded total femaleShare { percent } suppressed } } }"#;
    let data = t.ok(&op, Q, json!({ "r": "33.75", "p": "2022" })).await;
    let measures = data["disaggregation"]["measures"].as_array().unwrap();
    let domains: std::collections::BTreeSet<&str> = measures
        .iter()
        .map(|m| m["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        domains.into_iter().collect::<Vec<_>>(),
        [
            "core",
            "ekonomi_keluarga",
            "gender_mainstreaming",
            "ketahanan_keluarga",
            "stunting"
        ]
    );
    for m in measures {
        let n = |k: &str| m[k].as_i64().unwrap();
        assert_eq!(
            n("female") + n("male") + n("unrecorded"),
            n("total"),
            "{m:#}"
        );
        assert_eq!(m["suppressed"], false);
    }
    let holders = measures
        .iter()
        .find(|m| m["key"] == "strategic_post_holders")
        .unwrap();
    // On 31 December 2022: 13 women and 18 men hold the 31 posts.
    assert_eq!(
        (holders["female"].clone(), holders["male"].clone()),
        (json!(13), json!(18))
    );
    assert!(measures.iter().any(|m| m["key"] == "children_measured"));
    let pekka = measures.iter().find(|m| m["key"] == "pekka").unwrap();
    assert_eq!(pekka["male"], 0);

    // Disclosure: a village where 3 women and 12 men are registered in 2026. A dashboard sees
    // the total but neither sex (3 is small, and 15 − 12 would give it away).
    let t = TestApp::new().await;
    for (sex, n) in [(Sex::Female, 3), (Sex::Male, 12)] {
        for _ in 0..n {
            PersonBuilder::in_village("35.76.01.1004")
                .name("Warga")
                .sex(sex)
                .born(d(1990, 1, 1))
                .insert(&t.app())
                .await;
        }
    }
    let persons = |data: &Value| -> Value {
        data["disaggregation"]["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == "persons")
            .unwrap()
            .clone()
    };
    let dash = t.token(Role::Dashboard, "35.76");
    let data = t
        .ok(&dash, Q, json!({ "r": "35.76.01.1004", "p": "2026" }))
        .await;
    let p = persons(&data);
    assert_eq!(
        (
            p["female"].clone(),
            p["male"].clone(),
            p["total"].clone(),
            p["suppressed"].clone()
        ),
        (Value::Null, Value::Null, json!(15), json!(true)),
        "{p:#}"
    );
    let op = t.token(Role::Operator, "35.76");
    let data = t
        .ok(&op, Q, json!({ "r": "35.76.01.1004", "p": "2026" }))
        .await;
    let p = persons(&data);
    assert_eq!(
        (p["female"].clone(), p["male"].clone()),
        (json!(3), json!(12))
    );
    assert_eq!(p["femaleShare"]["percent"], 20.0);
}

#[tokio::test]
async fn the_readme_queries_run_on_the_demo_data() {
    let t = seeded().await;
    let queries = readme_queries("Gender mainstreaming");
    assert!(queries.len() >= 4, "{queries:?}");
    let op = t.token(Role::Operator, "33.75");
    for q in queries {
        let body = t.gql(&op, &q, json!({})).await;
        assert!(body.get("errors").is_none(), "{q}\n{body:#}");
        assert!(body["data"].to_string().len() > 50, "{q}: {body:#}");
    }
}
