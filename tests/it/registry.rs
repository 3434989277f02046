//! Registry writes: validation before writing, NIK handling, optimistic concurrency, statistics.

use keluarga_core::Role;
use keluarga_test_support::fixtures::PersonBuilder;
use serde_json::json;

use crate::helpers::{TestApp, code};

const NIK: &str = "3375014507900001";

#[tokio::test]
async fn nik_is_never_returned_and_lookup_works() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let data = t.ok(&op, r#"mutation($nik: String!) { createPerson(input: { fullName: "Siti Aminah", sex: FEMALE, birthDate: "1990-07-05",
        regionCode: "33.75.01.1012", rw: "3", rt: "8", nik: $nik }) { id fullName nikMasked rw rt registeredOn version } }"#, json!({ "nik": NIK })).await;
    let p = &data["createPerson"];
    assert_eq!(p["nikMasked"], "••••••••••••0001");
    assert_eq!(
        (p["rw"].as_str(), p["rt"].as_str()),
        (Some("003"), Some("008"))
    );
    let body = t.gql(&op, r#"query($nik: String!) { personByNik(nik: $nik) { id fullName nikMasked birthDate cadreRoles { role } families { relationship } }
        persons { edges { node { id fullName nikMasked birthDate } } } }"#, json!({ "nik": NIK })).await;
    assert_eq!(body["data"]["personByNik"]["fullName"], "Siti Aminah");
    let text = body.to_string();
    assert!(
        !text.contains(NIK) && !text.contains("33750145079"),
        "NIK leaked: {text}"
    );
    // Not stored in clear either.
    use sea_orm::EntityTrait;
    let rows = keluarga_core::entity::person::Entity::find()
        .all(&t.db.db)
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.nik_hash.as_deref() != Some(NIK)));
    // The same NIK twice is a conflict, and nothing is written.
    let body = t.gql(&op, r#"mutation($nik: String!) { createPerson(input: { fullName: "Other", sex: FEMALE, regionCode: "33.75.01.1012", nik: $nik }) { id } }"#, json!({ "nik": NIK })).await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let data = t.ok(&op, "{ persons { totalCount } }", json!({})).await;
    assert_eq!(data["persons"]["totalCount"], 1);
    // The audit log recorded the personal reads.
    let logs = t.audit_log().await;
    assert!(
        logs.iter()
            .any(|(entity, role, ids)| entity == "person" && role == "OPERATOR" && ids.len() == 1),
        "{logs:?}"
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let cases = [
        (
            r#"createPerson(input: { fullName: "A", sex: MALE, regionCode: "33.75.01.1012", birthDate: "2199-01-01" }) { id }"#,
            "input.birthDate",
        ),
        (
            r#"createPerson(input: { fullName: "A", sex: MALE, regionCode: "33.75.01" }) { id }"#,
            "input.regionCode",
        ),
        (
            r#"createPerson(input: { fullName: "A", sex: MALE, regionCode: "33.75.01.9999" }) { id }"#,
            "input.regionCode",
        ),
        (
            r#"createPerson(input: { fullName: "  ", sex: MALE, regionCode: "33.75.01.1012" }) { id }"#,
            "input.fullName",
        ),
        (
            r#"createPerson(input: { fullName: "A", sex: MALE, regionCode: "33.75.01.1012", nik: "12345" }) { id }"#,
            "input.nik",
        ),
        (
            r#"createPerson(input: { fullName: "A", sex: MALE, regionCode: "33.75.01.1012", rt: "abc" }) { id }"#,
            "input.rt",
        ),
        (
            r#"createActivity(input: { title: "Rakor", kind: COORDINATION_MEETING, heldOn: "2022-06-09", regionCode: "33.75", totalParticipants: 120,
            participantCounts: [{ group: TPK_MEMBER, count: 36 }, { group: KPM, count: 8 }, { group: TP_PKK, count: 70 }] }) { id }"#,
            "input.participantCounts",
        ),
        (
            r#"createActivity(input: { title: "Rakor", kind: TRAINING, heldOn: "2022-06-09", regionCode: "33.75",
            participantCounts: [{ group: KPM, count: -1 }] }) { id }"#,
            "input.participantCounts[0].count",
        ),
        (
            r#"createProgramme(input: { name: "P", domain: GENDER, regionCode: "33.75", targets: [{ measure: "m", targetValue: -5 }] }) { id }"#,
            "input.targets[0].targetValue",
        ),
    ];
    for (m, field) in cases {
        let body = t.gql(&op, &format!("mutation {{ {m} }}"), json!({})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{m}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{m}: {body}"
        );
    }
    let data = t
        .ok(
            &op,
            "{ persons { totalCount } activities { totalCount } programmes { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({ "persons": { "totalCount": 0 }, "activities": { "totalCount": 0 }, "programmes": { "totalCount": 0 } })
    );
}

#[tokio::test]
async fn activities_record_breakdowns_and_programme_rules() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "31.71");
    let data = t.ok(&op, r#"mutation { createProgramme(input: { name: "Stunting Jakpus", domain: STUNTING, regionCode: "31.71", launchedOn: "2023-01-01",
        targets: [{ measure: "foster parents", targetValue: 8, achievedValue: 8 }] }) { id targets { progressPercent } } }"#, json!({})).await;
    let pid = data["createProgramme"]["id"].clone();
    assert_eq!(
        data["createProgramme"]["targets"][0]["progressPercent"],
        100.0
    );
    let body = t.gql(&op, r#"mutation($p: ID!) { createActivity(input: { title: "Early", kind: TRAINING, heldOn: "2022-12-31", regionCode: "31.71", programmeId: $p }) { id } }"#, json!({ "p": pid })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.heldOn");
    let data = t.ok(&op, r#"mutation($p: ID!) { createActivity(input: { title: "Pembinaan KPM dan TPK", kind: TRAINING, heldOn: "2023-10-05", regionCode: "31.71",
        programmeId: $p, totalParticipants: 120, participantCounts: [{ group: TPK_MEMBER, count: 36 }, { group: KPM, count: 8 }, { group: TP_PKK, count: 76 }] })
        { totalParticipants participantCounts { group count } programme { name } } }"#, json!({ "p": pid })).await;
    assert_eq!(
        data["createActivity"]["participantCounts"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let data = t.ok(&op, r#"{ registryStatistics(measure: ACTIVITY_PARTICIPANTS, groupBy: [REGENCY, YEAR]) { region { code } period count } }"#, json!({})).await;
    assert_eq!(
        data["registryStatistics"],
        json!([{ "region": { "code": "31.71" }, "period": "2023", "count": 120 }])
    );
}

#[tokio::test]
async fn stale_versions_conflict() {
    let t = TestApp::new().await;
    let p = PersonBuilder::in_village("33.75.01.1012")
        .insert(&t.app())
        .await;
    let id = keluarga_core::id::encode("Person", &p.id.to_string());
    let op = t.token(Role::Operator, "33.75");
    let q = r#"mutation($id: ID!, $v: Int!, $n: String!) { updatePerson(input: { id: $id, version: $v, fullName: $n }) { fullName version } }"#;
    let data = t
        .ok(&op, q, json!({ "id": id, "v": 1, "n": "First" }))
        .await;
    assert_eq!(
        data["updatePerson"],
        json!({ "fullName": "First", "version": 2 })
    );
    let body = t
        .gql(&op, q, json!({ "id": id, "v": 1, "n": "Second" }))
        .await;
    assert_eq!(code(&body), "CONFLICT");
    let data = t
        .ok(
            &op,
            "query($id: ID!) { node(id: $id) { ... on Person { fullName version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["node"], json!({ "fullName": "First", "version": 2 }));
}

#[tokio::test]
async fn statistics_match_a_hand_count() {
    let t = TestApp::new().await;
    let app = t.app();
    use keluarga_core::stats::Sex;
    for (village, sex, n) in [
        ("33.75.01.1012", Sex::Female, 3),
        ("33.75.01.1012", Sex::Male, 2),
        ("33.75.02.1002", Sex::Female, 4),
        ("31.71.07.1002", Sex::Male, 7),
    ] {
        for _ in 0..n {
            PersonBuilder::in_village(village)
                .sex(sex)
                .insert(&app)
                .await;
        }
    }
    let admin = t.token(Role::Admin, "");
    let data = t.ok(&admin, r#"{ a: registryStatistics(measure: PERSONS, groupBy: [REGENCY, SEX]) { region { code name } sex count }
        b: registryStatistics(measure: PERSONS, filter: { regionCode: "33.75" }, groupBy: [DISTRICT, QUARTER]) { region { code } period count } }"#, json!({})).await;
    assert_eq!(
        data["a"],
        json!([
            { "region": { "code": "31.71", "name": "Kota Administrasi Jakarta Pusat" }, "sex": "MALE", "count": 7 },
            { "region": { "code": "33.75", "name": "Kota Pekalongan" }, "sex": "MALE", "count": 2 },
            { "region": { "code": "33.75", "name": "Kota Pekalongan" }, "sex": "FEMALE", "count": 7 },
        ])
    );
    assert_eq!(
        data["b"],
        json!([
            { "region": { "code": "33.75.01" }, "period": "2024-Q1", "count": 5 },
            { "region": { "code": "33.75.02" }, "period": "2024-Q1", "count": 4 },
        ])
    );
}

#[tokio::test]
async fn demo_seed_represents_the_articles() {
    let t = TestApp::new().await;
    assert!(
        keluarga_gateway::startup::seed_demo(&t.app())
            .await
            .unwrap()
    );
    assert!(
        !keluarga_gateway::startup::seed_demo(&t.app())
            .await
            .unwrap(),
        "second seed writes nothing"
    );
    let admin = t.token(Role::Admin, "");
    let data = t.ok(&admin, r#"{
        p: programmes(filter: { search: "1001" }) { edges { node { name launchedOn targets { targetValue achievedValue } } } }
        jp: activities(filter: { regionCode: "31.71" }) { edges { node { totalParticipants participantCounts { group count note } } } }
        launch: activities(filter: { kind: LAUNCH }) { edges { node { venue commitments { signatoryName } organisers { organisation { acronym } } } } }
        cadres: registryStatistics(measure: CADRES, filter: { regionCode: "33.75" }) { count }
        tpk: cadreRoles(filter: { role: TPK_MEMBER, regionCode: "31.71" }) { totalCount }
        kpm: cadreRoles(filter: { role: KPM }) { totalCount edges { node { region { level } } } }
    }"#, json!({})).await;
    assert_eq!(
        data["p"]["edges"][0]["node"],
        json!({ "name": "#1001KaderPendampingKetahananKeluarga", "launchedOn": "2022-01-26", "targets": [{ "targetValue": 1001, "achievedValue": 420 }] })
    );
    assert_eq!(data["jp"]["edges"][0]["node"]["totalParticipants"], 120);
    let counts: Vec<i64> = data["jp"]["edges"][0]["node"]["participantCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![36, 8, 76]);
    assert_eq!(
        data["launch"]["edges"][0]["node"]["venue"],
        "Ruang Amarta, Kantor Setda Kota Pekalongan"
    );
    assert_eq!(data["cadres"], json!([{ "count": 420 }]));
    assert_eq!(data["tpk"]["totalCount"], 36);
    assert_eq!(data["kpm"]["totalCount"], 8);
    assert!(
        data["kpm"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["region"]["level"] == "DISTRICT")
    );
}

/// Writes of personal records leave their audit entry in the same transaction: a created and an
/// updated person are logged with their action; a refused write leaves neither row nor entry.
#[tokio::test]
async fn writes_of_personal_records_are_audited_with_them() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let data = t
        .ok(
            &op,
            r#"mutation { createPerson(input: { fullName: "Sari", sex: FEMALE, regionCode: "33.75.01.1012" }) { id version } }"#,
            json!({}),
        )
        .await;
    let id = data["createPerson"]["id"].as_str().unwrap().to_owned();
    t.ok(
        &op,
        r#"mutation($id: ID!) { updatePerson(input: { id: $id, version: 1, fullName: "Sari W." }) { version } }"#,
        json!({ "id": id }),
    )
    .await;
    let uuid = keluarga_core::id::decode(&async_graphql::ID::from(id.as_str()))
        .unwrap()
        .1;
    let writes: Vec<String> = keluarga_core::entity::audit_log::Entity::find()
        .filter(keluarga_core::entity::audit_log::Column::Action.ne("READ"))
        .all(&t.db.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.entity == "person" && r.record_ids.contains(&uuid))
        .map(|r| r.action)
        .collect();
    assert_eq!(writes, ["CREATE", "UPDATE"]);
    // Outside the scope: refused, nothing written, nothing logged.
    t.state.app.audit.flush().await.unwrap();
    let before = keluarga_core::entity::audit_log::Entity::find()
        .all(&t.db.db)
        .await
        .unwrap()
        .len();
    let body = t
        .gql(
            &op,
            r#"mutation { createPerson(input: { fullName: "X", sex: MALE, regionCode: "31.71.01.1001" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let after = keluarga_core::entity::audit_log::Entity::find()
        .all(&t.db.db)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after);
}

/// An ADMIN asks who read a record: the audit log by record, actor, action and time, newest first;
/// other roles are refused, and a malformed record id names its field.
#[tokio::test]
async fn the_audit_log_answers_who_read_a_record() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let id = t
        .ok(
            &op,
            r#"mutation { createPerson(input: { fullName: "Rina", sex: FEMALE, regionCode: "33.75.01.1012" }) { id } }"#,
            json!({}),
        )
        .await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.ok(
        &op,
        r#"query($id: ID!) { node(id: $id) { id } }"#,
        json!({ "id": id }),
    )
    .await;
    t.state.app.audit.flush().await.unwrap();
    const LOG: &str = r#"query($f: AuditFilter) { auditLog(filter: $f) { totalCount edges { node { subject role action entity recordIds } } } }"#;
    let admin = t.token(Role::Admin, "");
    let data = t.ok(&admin, LOG, json!({ "f": { "recordId": id } })).await;
    let actions: Vec<&str> = data["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["READ", "CREATE"], "newest first: {data:#}");
    let node = &data["auditLog"]["edges"][0]["node"];
    assert_eq!(node["subject"], "tester");
    assert_eq!(node["role"], "OPERATOR");
    assert_eq!(node["entity"], "person");
    let data = t
        .ok(
            &admin,
            LOG,
            json!({ "f": { "recordId": id, "action": "create", "from": "2000-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(data["auditLog"]["totalCount"], 1);
    let data = t
        .ok(&admin, LOG, json!({ "f": { "subject": "nobody" } }))
        .await;
    assert_eq!(data["auditLog"]["totalCount"], 0);
    let body = t.gql(&op, LOG, json!({})).await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let body = t
        .gql(&admin, LOG, json!({ "f": { "recordId": "not-an-id" } }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "filter.recordId");
}

/// Retention: pruning deletes the entries written before the cut-off and keeps the rest.
#[tokio::test]
async fn audit_pruning_deletes_only_entries_past_retention() {
    use keluarga_core::entity::audit_log;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let t = TestApp::new().await;
    let now = chrono::Utc::now();
    for (subject, age_days) in [("old", 800), ("recent", 10)] {
        audit_log::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            at: Set(now - chrono::Duration::days(age_days)),
            subject: Set(subject.into()),
            role: Set("OPERATOR".into()),
            action: Set("READ".into()),
            entity: Set("person".into()),
            record_ids: Set("[]".into()),
            correlation_id: Set(None),
        }
        .insert(&t.db.db)
        .await
        .unwrap();
    }
    let deleted = keluarga_core::audit::prune(&t.db.db, now - chrono::Duration::days(730))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let left: Vec<String> = audit_log::Entity::find()
        .all(&t.db.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.subject)
        .collect();
    assert_eq!(left, ["recent"]);
    assert_eq!(
        keluarga_gateway::config::Config::default()
            .audit
            .retention_days,
        730
    );
}
