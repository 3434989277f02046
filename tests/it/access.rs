//! An OPERATOR scoped to Kota Pekalongan (33.75) cannot read or change anything under Jakarta
//! Pusat (31.71) through any query, relation, count, statistic or mutation.

use keluarga_core::Role;
use keluarga_test_support::fixtures::{PersonBuilder, organisation};
use serde_json::json;

use crate::helpers::{TestApp, code};

#[tokio::test]
async fn operator_in_pekalongan_sees_nothing_of_jakarta_pusat() {
    let t = TestApp::new().await;
    let app = t.app();
    let jp_person = PersonBuilder::in_village("31.71.07.1002")
        .name("Dewi Jakarta")
        .insert(&app)
        .await;
    let jp_org = organisation(&app, "Sudin Jakarta Pusat", "31.71").await;
    PersonBuilder::in_village("33.75.01.1012")
        .name("Sri Pekalongan")
        .insert(&app)
        .await;
    let op = t.token(Role::Operator, "33.75");
    let person_id = keluarga_core::id::encode("Person", &jp_person.id.to_string());
    let org_id = keluarga_core::id::encode("Organisation", &jp_org.id.to_string());

    let data = t.ok(&op, r#"query($p: ID!, $o: ID!) {
        region(code: "31.71") { code }
        jakarta: region(code: "31") { code children(first: 50) { totalCount edges { node { code } } } }
        jateng: region(code: "33") { children(first: 50) { totalCount edges { node { code } } } }
        regions(filter: { within: "31.71" }) { totalCount edges { node { code } } }
        organisations(filter: { regionCode: "31.71" }) { totalCount edges { node { name } } }
        allOrgs: organisations { totalCount edges { node { name } } }
        persons { totalCount edges { node { fullName region { code } } } }
        jpPersons: persons(filter: { regionCode: "31.71" }) { totalCount }
        p: node(id: $p) { id }
        o: node(id: $o) { id }
        nodes(ids: [$p, $o]) { id }
        stats: registryStatistics(measure: PERSONS, filter: { regionCode: "31.71" }, groupBy: [VILLAGE]) { count }
        all: registryStatistics(measure: PERSONS, groupBy: [REGENCY]) { region { code } count }
    }"#, json!({ "p": person_id, "o": org_id })).await;

    assert_eq!(data["region"], json!(null));
    assert_eq!(data["jakarta"], json!(null));
    assert_eq!(data["jateng"]["children"]["totalCount"], 1);
    assert_eq!(
        data["jateng"]["children"]["edges"][0]["node"]["code"],
        "33.75"
    );
    assert_eq!(data["regions"]["totalCount"], 0);
    assert_eq!(data["organisations"]["totalCount"], 0);
    assert_eq!(data["allOrgs"]["totalCount"], 0);
    assert_eq!(data["persons"]["totalCount"], 1);
    assert_eq!(
        data["persons"]["edges"][0]["node"]["fullName"],
        "Sri Pekalongan"
    );
    assert_eq!(data["jpPersons"]["totalCount"], 0);
    assert_eq!(data["p"], json!(null));
    assert_eq!(data["o"], json!(null));
    assert_eq!(data["nodes"], json!([null, null]));
    assert_eq!(data["stats"], json!([]));
    assert_eq!(
        data["all"],
        json!([{ "region": { "code": "33.75" }, "count": 1 }])
    );

    // Mutations: creating in 31.71 is forbidden; changing a 31.71 record finds nothing.
    let body = t.gql(&op, r#"mutation { createPerson(input: { fullName: "X", sex: MALE, regionCode: "31.71.07.1002" }) { id } }"#, json!({})).await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let body = t.gql(&op, r#"mutation($id: ID!) { updatePerson(input: { id: $id, version: 1, fullName: "Y" }) { id } }"#, json!({ "id": person_id })).await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = t.gql(&op, r#"mutation($id: ID!) { updateOrganisation(input: { id: $id, version: 1, name: "Y" }) { id } }"#, json!({ "id": org_id })).await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = t.gql(&op, r#"mutation($p: ID!) { createFamily(input: { regionCode: "33.75.01.1012", members: [{ personId: $p, relationship: HEAD }] }) { id } }"#, json!({ "p": person_id })).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");

    // Nothing changed.
    let admin = t.token(Role::Admin, "");
    let data = t.ok(&admin, r#"query($p: ID!) { node(id: $p) { ... on Person { fullName version } } persons { totalCount } families { totalCount } }"#, json!({ "p": person_id })).await;
    assert_eq!(data["node"]["fullName"], "Dewi Jakarta");
    assert_eq!(data["node"]["version"], 1);
    assert_eq!(data["persons"]["totalCount"], 2);
    assert_eq!(data["families"]["totalCount"], 0);
}

#[tokio::test]
async fn dashboard_gets_suppressed_aggregates_and_no_records() {
    let t = TestApp::new().await;
    let app = t.app();
    for i in 0..6 {
        PersonBuilder::in_village("33.75.01.1012")
            .name(&format!("P{i}"))
            .insert(&app)
            .await;
    }
    for i in 0..2 {
        PersonBuilder::in_village("33.75.02.1002")
            .name(&format!("Q{i}"))
            .insert(&app)
            .await;
    }
    let q = r#"{ registryStatistics(measure: PERSONS, groupBy: [VILLAGE]) { region { code name } count suppressed } }"#;
    let dash = t.token(Role::Dashboard, "33.75");
    let data = t.ok(&dash, q, json!({})).await;
    assert_eq!(
        data["registryStatistics"],
        json!([
            { "region": { "code": "33.75.01.1012", "name": "Pringrejo" }, "count": 6, "suppressed": false },
            { "region": { "code": "33.75.02.1002", "name": "Noyontaansari" }, "count": null, "suppressed": true },
        ])
    );
    // An operator has record access: no suppression.
    let op = t.token(Role::Operator, "33.75");
    let data = t.ok(&op, q, json!({})).await;
    assert_eq!(data["registryStatistics"][1]["count"], 2);
    // Records are refused to a dashboard.
    let body = t.gql(&dash, "{ persons { totalCount } }", json!({})).await;
    assert_eq!(code(&body), "FORBIDDEN");
    // Anonymous reads nothing by default.
    let body = t.gql(&crate::helpers::As::Anonymous, q, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn analyst_sees_de_identified_records_only() {
    let t = TestApp::new().await;
    PersonBuilder::in_village("33.75.01.1012")
        .insert(&t.app())
        .await;
    let analyst = t.token(Role::Analyst, "33");
    let data = t
        .ok(
            &analyst,
            "{ persons { totalCount edges { node { sex region { code } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["persons"]["totalCount"], 1);
    assert_eq!(data["persons"]["edges"][0]["node"]["sex"], "FEMALE");
    // Personal fields are hidden from the role's introspection and refused if asked for.
    let body = t
        .gql(
            &analyst,
            "{ persons { edges { node { fullName } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    assert!(!body.to_string().contains("Siti"), "{body}");
    let body = t
        .gql(
            &analyst,
            "{ __type(name: \"Person\") { fields { name } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = body["data"]["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"fullName")
            && !names.contains(&"birthDate")
            && !names.contains(&"nikMasked"),
        "{names:?}"
    );
    assert!(names.contains(&"sex"));
}
