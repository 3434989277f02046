//! The ekonomi-keluarga module end to end: the priority list and its reasons on a fixture,
//! statistics against a hand computation (median, totals, the income change around assistance),
//! bad input, the cross-scope probe, disclosure control, batching of the facet, the CSV import,
//! the demo data of seed 003 and the README's example queries.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use ekonomi_keluarga::entity::{assistance, income_report, pekka, up2k_member, welfare_ranking};
use keluarga_core::input::{CreateFamilyInput, FamilyMemberInput};
use keluarga_core::kinds::Relationship;
use keluarga_core::stats::Sex;
use keluarga_core::{Actor, Role};
use keluarga_test_support::TestDb;
use keluarga_test_support::fixtures::PersonBuilder;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, config, multipart, readme_queries};

const KAUMAN: &str = "35.76.01.1004";
const MENTIKAN: &str = "35.76.01.1003";
const GAMBIR: &str = "31.71.01.1001";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn gid(t: &str, id: uuid::Uuid) -> String {
    keluarga_core::id::encode(t, &id.to_string()).to_string()
}

/// A family in `village` with a head of `sex` (and, for a man, a wife) and `children` children
/// born in 2015; (family id, head id, wife id).
async fn family(
    t: &TestApp,
    village: &str,
    head: Sex,
    children: usize,
) -> (String, String, Option<String>) {
    let app = t.app();
    let h = PersonBuilder::in_village(village)
        .name("Kepala Keluarga")
        .sex(head)
        .born(d(1985, 5, 5))
        .insert(&app)
        .await;
    let member = |id: uuid::Uuid, relationship| FamilyMemberInput {
        person_id: gid("Person", id).into(),
        relationship,
    };
    let mut members = vec![member(h.id, Relationship::Head)];
    let mut wife = None;
    if head == Sex::Male {
        let w = PersonBuilder::in_village(village)
            .name("Istri")
            .sex(Sex::Female)
            .born(d(1987, 7, 7))
            .insert(&app)
            .await;
        members.push(member(w.id, Relationship::Spouse));
        wife = Some(gid("Person", w.id));
    }
    for _ in 0..children {
        let c = PersonBuilder::in_village(village)
            .name("Anak")
            .sex(Sex::Female)
            .born(d(2015, 1, 1))
            .insert(&app)
            .await;
        members.push(member(c.id, Relationship::Child));
    }
    let f = keluarga_core::service::create_family(
        &app,
        &Actor::system(),
        CreateFamilyInput {
            household_id: None,
            region_code: village.into(),
            kk_number: None,
            registered_on: Some(d(2024, 1, 1).into()),
            members,
        },
    )
    .await
    .unwrap();
    (gid("Family", f.id), gid("Person", h.id), wife)
}

const PEKKA: &str = r#"mutation($i: RegisterPekkaInput!) { registerPekka(input: $i) { id version category current } }"#;
const RANK: &str =
    r#"mutation($i: RecordWelfareRankingInput!) { recordWelfareRanking(input: $i) { id decile } }"#;
const GROUP: &str =
    r#"mutation($i: CreateUp2kGroupInput!) { createUp2kGroup(input: $i) { id version } }"#;
const MEMBER: &str =
    r#"mutation($i: AddUp2kMemberInput!) { addUp2kMember(input: $i) { id version role } }"#;
const AID: &str =
    r#"mutation($i: RecordAssistanceInput!) { recordAssistance(input: $i) { id amount } }"#;
const INCOME: &str =
    r#"mutation($i: RecordIncomeReportInput!) { recordIncomeReport(input: $i) { id month } }"#;

async fn register_pekka(t: &TestApp, who: &As, family: &str, on: &str) -> String {
    t.ok(
        who,
        PEKKA,
        json!({ "i": { "familyId": family, "category": "DIVORCED_ABANDONED_OR_WIDOWED",
                       "source": "DP3AKB Kota Mojokerto", "recordedOn": on } }),
    )
    .await["registerPekka"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn rank(t: &TestApp, who: &As, family: &str, source: &str, decile: i32, as_of: &str) {
    t.ok(
        who,
        RANK,
        json!({ "i": { "familyId": family, "source": source, "decile": decile, "asOf": as_of } }),
    )
    .await;
}

async fn group(t: &TestApp, who: &As, village: &str, business: &str, level: &str) -> String {
    t.ok(
        who,
        GROUP,
        json!({ "i": { "name": format!("UP2K {business} {village}"), "regionCode": village,
                       "businessType": business, "level": level, "formedOn": "2025-01-01" } }),
    )
    .await["createUp2kGroup"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn join(t: &TestApp, who: &As, group: &str, person: &str, on: &str) -> String {
    t.ok(
        who,
        MEMBER,
        json!({ "i": { "groupId": group, "personId": person, "joinedOn": on } }),
    )
    .await["addUp2kMember"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn provider(t: &TestApp) -> String {
    let o = keluarga_test_support::fixtures::organisation(
        &t.app(),
        "Dinas Koperasi, UKM, Perindustrian dan Perdagangan Kota Mojokerto",
        "35.76",
    )
    .await;
    gid("Organisation", o.id)
}

/// Records assistance to `(group, member)` of `(kind, amount, day)`.
async fn aid(
    t: &TestApp,
    who: &As,
    (group, member): (&str, Option<&str>),
    provider: &str,
    (kind, amount, on): (&str, i64, &str),
) {
    t.ok(
        who,
        AID,
        json!({ "i": { "groupId": group, "memberId": member, "providerId": provider, "kind": kind,
                       "amount": amount, "givenOn": on } }),
    )
    .await;
}

async fn income(
    t: &TestApp,
    who: &As,
    group: &str,
    member: Option<&str>,
    month: &str,
    revenue: i64,
) {
    t.ok(
        who,
        INCOME,
        json!({ "i": { "groupId": group, "memberId": member, "month": month,
                       "revenue": revenue, "profit": revenue / 10 } }),
    )
    .await;
}

/// The priority fixture in Kauman: (family ids A, B, C, D, E, F in the order of the docs).
///
/// | family | head | children | PEKKA | decile | UP2K | assisted |
/// |---|---|---|---|---|---|---|
/// | A | woman | 2 | yes | 3 | no | no |
/// | B | woman | 0 | yes | 1 | no | no |
/// | C | man | 1 | no | 2 (DTSEN; P3KE 4; an older DTSEN 9) | no | no |
/// | D | woman | 1 | yes | 5 | joined after the group's assistance | no |
/// | E | man | 0 | no | 7 (not a candidate) | no | no |
/// | F | woman | 1 | yes | 3 | yes | through the group |
async fn priority_fixture(t: &TestApp) -> Vec<String> {
    let op = t.token(Role::Operator, "35.76");
    let a = family(t, KAUMAN, Sex::Female, 2).await;
    let b = family(t, KAUMAN, Sex::Female, 0).await;
    let c = family(t, KAUMAN, Sex::Male, 1).await;
    let dd = family(t, KAUMAN, Sex::Female, 1).await;
    let e = family(t, KAUMAN, Sex::Male, 0).await;
    let f = family(t, KAUMAN, Sex::Female, 1).await;
    for fam in [&a, &b, &dd, &f] {
        register_pekka(t, &op, &fam.0, "2025-10-01").await;
    }
    for (fam, dec) in [(&a, 3), (&b, 1), (&c, 2), (&dd, 5), (&e, 7), (&f, 3)] {
        rank(t, &op, &fam.0, "DTSEN", dec, "2025-10-01").await;
    }
    rank(t, &op, &c.0, "DTSEN", 9, "2023-06-01").await;
    rank(t, &op, &c.0, "P3KE", 4, "2023-12-01").await;
    let g = group(t, &op, KAUMAN, "FOOD", "PEMULA").await;
    join(t, &op, &g, &f.1, "2026-01-10").await;
    let p = provider(t).await;
    aid(t, &op, (&g, None), &p, ("CAPITAL", 5_000_000, "2026-03-01")).await;
    join(t, &op, &g, &dd.1, "2026-05-01").await;
    vec![a.0, b.0, c.0, dd.0, e.0, f.0]
}

const PRIORITY: &str = r#"query($first: Int, $after: String) { priorityList(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { rank family { id } children decile inUp2k assisted pekka { category }
      reasons { rule explanation } } } } }"#;

fn entries(data: &Value) -> Vec<Value> {
    data["priorityList"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn rules(node: &Value) -> Vec<String> {
    node["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_priority_list_orders_by_the_configured_rules_and_says_why() {
    let t = TestApp::new().await;
    let ids = priority_fixture(&t).await;
    let (a, b, c, dd, e, f) = (&ids[0], &ids[1], &ids[2], &ids[3], &ids[4], &ids[5]);
    let op = t.token(Role::Operator, "35.76");
    // Two rows a page: A, F | D, B | C, with stable cursors.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = t
            .ok(&op, PRIORITY, json!({ "first": 2, "after": after }))
            .await;
        assert_eq!(
            data["priorityList"]["totalCount"], 5,
            "E (decile 7) is no candidate"
        );
        seen.extend(entries(&data));
        let info = &data["priorityList"]["pageInfo"];
        if info["hasNextPage"] != true {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }
    let order: Vec<&str> = seen
        .iter()
        .map(|n| n["family"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [a.as_str(), f, dd, b, c]);
    let ranks: Vec<i64> = seen.iter().map(|n| n["rank"].as_i64().unwrap()).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5]);
    let why: Vec<Vec<String>> = seen.iter().map(rules).collect();
    let r = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        why,
        [
            r(&[
                "PEKKA_WITH_CHILDREN",
                "LOWEST_DECILE",
                "NOT_IN_UP2K",
                "NOT_ASSISTED"
            ]),
            r(&["PEKKA_WITH_CHILDREN", "LOWEST_DECILE"]),
            r(&["PEKKA_WITH_CHILDREN", "LOWEST_DECILE", "NOT_ASSISTED"]),
            r(&["LOWEST_DECILE", "NOT_IN_UP2K", "NOT_ASSISTED"]),
            r(&["LOWEST_DECILE", "NOT_IN_UP2K", "NOT_ASSISTED"]),
        ]
    );
    assert_eq!(
        seen[0]["reasons"][0]["explanation"],
        "PEKKA (DIVORCED_ABANDONED_OR_WIDOWED) with 2 children under 18"
    );
    assert_eq!(seen[3]["reasons"][0]["explanation"], "decile 1");
    // C's decile is the lowest of its latest per source (DTSEN 2, P3KE 4), not the older 9.
    assert_eq!(seen[4]["decile"], 2);
    assert_eq!(
        (seen[1]["inUp2k"].clone(), seen[1]["assisted"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        (seen[2]["inUp2k"].clone(), seen[2]["assisted"].clone()),
        (json!(true), json!(false))
    );
    // A cursor of another list is refused by name.
    let body = t.gql(&op, PRIORITY, json!({ "after": "bm9wZQ" })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "after",
        "{body:#}"
    );
    // The order is configuration: lowest decile first, then not assisted.
    let mut cfg = config();
    cfg.domains.insert(
        "ekonomi_keluarga".into(),
        json!({ "priority_rules": ["LOWEST_DECILE", "NOT_ASSISTED"] }),
    );
    let t2 = TestApp::on(TestDb::new().await, cfg);
    let ids = priority_fixture(&t2).await;
    let data = t2
        .ok(&t2.token(Role::Operator, "35.76"), PRIORITY, json!({}))
        .await;
    let order: Vec<String> = entries(&data)
        .iter()
        .map(|n| n["family"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        order,
        [
            ids[1].clone(),
            ids[2].clone(),
            ids[0].clone(),
            ids[5].clone(),
            ids[3].clone()
        ]
    );
    // Never for DASHBOARD or ANALYST.
    for role in [Role::Dashboard, Role::Analyst] {
        let body = t.gql(&t.token(role, "35.76"), PRIORITY, json!({})).await;
        assert!(
            body["data"].is_null() || body["data"]["priorityList"].is_null(),
            "{body:#}"
        );
        assert!(body.get("errors").is_some(), "{role:?}: {body:#}");
    }
    // The facts follow every write: E's newer decile 2 makes it a candidate, and B's PEKKA status
    // ends (B stays for its decile 1, without the PEKKA record).
    rank(&t, &op, e, "DTSEN", 2, "2026-10-01").await;
    let b_pekka = t
        .ok(&op, r#"query($id: ID!) { node(id: $id) { ... on Family { ekonomi { pekka { id version } } } } }"#, json!({ "id": b }))
        .await["node"]["ekonomi"]["pekka"]
        .clone();
    t.ok(
        &op,
        r#"mutation($i: EndPekkaInput!) { endPekka(input: $i) { current } }"#,
        json!({ "i": { "id": b_pekka["id"], "version": b_pekka["version"], "endedOn": "2026-11-01", "reason": "remarried" } }),
    )
    .await;
    let data = t.ok(&op, PRIORITY, json!({})).await;
    assert_eq!(data["priorityList"]["totalCount"], 6);
    let b_row = entries(&data)
        .into_iter()
        .find(|n| n["family"]["id"] == b.as_str())
        .unwrap();
    assert_eq!(b_row["pekka"], Value::Null);
    assert_eq!(
        rules(&b_row),
        ["LOWEST_DECILE", "NOT_IN_UP2K", "NOT_ASSISTED"]
    );
    // The families listed are audited.
    let log = t.audit_log().await;
    assert!(
        log.iter()
            .any(|(e, role, ids)| e == "family" && role == "OPERATOR" && ids.len() == 2)
    );
}

/// The statistics fixture (see `statistics_match_a_hand_computation`).
async fn statistics_fixture(t: &TestApp) {
    let op = t.token(Role::Operator, "35.76");
    let a = family(t, KAUMAN, Sex::Female, 2).await;
    let b = family(t, KAUMAN, Sex::Female, 0).await;
    let c = family(t, KAUMAN, Sex::Male, 1).await;
    let dd = family(t, MENTIKAN, Sex::Female, 1).await;
    let g = family(t, MENTIKAN, Sex::Female, 1).await;
    register_pekka(t, &op, &a.0, "2025-10-01").await;
    register_pekka(t, &op, &b.0, "2025-10-01").await;
    register_pekka(t, &op, &dd.0, "2025-10-01").await;
    let ended = register_pekka(t, &op, &g.0, "2025-06-01").await;
    t.ok(
        &op,
        r#"mutation($i: EndPekkaInput!) { endPekka(input: $i) { current } }"#,
        json!({ "i": { "id": ended, "version": 1, "endedOn": "2026-02-01", "reason": "remarried" } }),
    )
    .await;
    for (fam, dec) in [(&a, 3), (&b, 1), (&dd, 5)] {
        rank(t, &op, &fam.0, "DTSEN", dec, "2025-10-01").await;
    }
    let g1 = group(t, &op, KAUMAN, "FOOD", "PEMULA").await;
    let g2 = group(t, &op, MENTIKAN, "CRAFT", "MADYA").await;
    let ma = join(t, &op, &g1, &a.1, "2025-02-01").await;
    join(t, &op, &g1, c.2.as_ref().unwrap(), "2025-02-01").await;
    join(t, &op, &g2, &dd.1, "2025-04-01").await;
    let left = join(t, &op, &g1, &g.1, "2025-03-01").await;
    t.ok(
        &op,
        r#"mutation($i: UpdateUp2kMemberInput!) { updateUp2kMember(input: $i) { leftOn } }"#,
        json!({ "i": { "id": left, "version": 1, "leftOn": "2026-01-01" } }),
    )
    .await;
    let p = provider(t).await;
    aid(
        t,
        &op,
        (&g1, None),
        &p,
        ("CAPITAL", 5_000_000, "2026-04-15"),
    )
    .await;
    aid(
        t,
        &op,
        (&g1, Some(&ma)),
        &p,
        ("EQUIPMENT", 1_500_000, "2026-04-15"),
    )
    .await;
    aid(t, &op, (&g2, None), &p, ("TRAINING", 0, "2026-05-10")).await;
    for m in [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03",
    ] {
        income(t, &op, &g1, None, m, 1_000_000).await;
    }
    income(t, &op, &g1, None, "2026-04", 5_000_000).await;
    for m in [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
    ] {
        income(t, &op, &g1, None, m, 1_300_000).await;
    }
    income(t, &op, &g1, Some(&ma), "2026-02", 400_000).await;
    income(t, &op, &g1, Some(&ma), "2026-06", 600_000).await;
    income(t, &op, &g2, None, "2026-07", 800_000).await;
    // Kauman's population, to divide by.
    keluarga_core::entity::region_population::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        region_code: Set(KAUMAN.into()),
        year: Set(2025),
        population: Set(2_000),
        source: Set("test".into()),
    }
    .insert(&t.db.db)
    .await
    .unwrap();
}

const STATS: &str = r#"query($f: StatisticsFilter, $g: [EkonomiDimension!]) {
    ekonomiStatistics(filter: $f, groupBy: $g) { region { code } period sex decile pekkaCategory
      businessType groupLevel assistanceKind provider { name }
      pekka { count per1000 population inUp2k { numerator denominator percent } withChildren suppressed }
      groups members { members pekkaMembers suppressed }
      assistance { count total recipients suppressed }
      income { reports reporters totalRevenue medianRevenue totalProfit medianProfit suppressed }
      incomeChange { recipients meanRevenueBefore meanRevenueAfter change changePercent suppressed } } }"#;

#[tokio::test]
async fn statistics_match_a_hand_computation() {
    let t = TestApp::new().await;
    statistics_fixture(&t).await;
    let op = t.token(Role::Operator, "35.76");
    let year = json!({ "from": "2026-01-01", "to": "2026-12-31" });
    let data = t.ok(&op, STATS, json!({ "f": year, "g": [] })).await;
    let row = &data["ekonomiStatistics"][0];
    // PEKKA current at the end of 2026: A, B, D (G's status ended in February).
    assert_eq!(row["pekka"]["count"], 3);
    assert_eq!(
        row["pekka"]["inUp2k"],
        json!({ "numerator": 2, "denominator": 3, "percent": 66.7 })
    );
    assert_eq!(row["pekka"]["withChildren"], 2);
    assert_eq!(row["groups"], 2);
    // Members now: A's head and C's wife in group 1, D's head in group 2 (G's head left).
    assert_eq!(row["members"]["members"], 3);
    assert_eq!(row["members"]["pekkaMembers"], 2);
    assert_eq!(
        row["assistance"],
        json!({ "count": 3, "total": 6_500_000, "recipients": 3, "suppressed": false })
    );
    // 13 reports in 2026: 400k, 600k, 800k, 1M ×3, 1.3M ×6, 5M; the median is the 7th: 1.3M.
    let inc = &row["income"];
    assert_eq!(inc["reports"], 13);
    assert_eq!(inc["reporters"], 3);
    assert_eq!(
        inc["totalRevenue"],
        3_000_000 + 5_000_000 + 7_800_000 + 1_000_000 + 800_000
    );
    assert_eq!(inc["medianRevenue"], 1_300_000.0);
    assert_eq!(inc["totalProfit"], 1_760_000);
    assert_eq!(inc["medianProfit"], 130_000.0);
    // Around the April assistance: group 1 averaged 1M in Oct–Mar and 1.3M in May–Oct (April
    // left out); member A 400k before, 600k after. Group 2 reported only after: not counted.
    assert_eq!(
        row["incomeChange"],
        json!({ "recipients": 2, "meanRevenueBefore": 700_000.0, "meanRevenueAfter": 950_000.0,
                "change": 250_000.0, "changePercent": 35.7, "suppressed": false })
    );
    // The end of 2025: G still PEKKA, nobody left yet; no assistance or income change in 2025.
    let data = t
        .ok(
            &op,
            STATS,
            json!({ "f": { "from": "2025-01-01", "to": "2025-12-31" }, "g": [] }),
        )
        .await;
    let row = &data["ekonomiStatistics"][0];
    assert_eq!(row["pekka"]["count"], 4);
    assert_eq!(row["members"]["members"], 4);
    assert_eq!(row["assistance"]["count"], 0);
    assert_eq!(row["income"]["reports"], 3);
    // By village: Kauman's two PEKKA per 1,000 of its 2,000 people.
    let data = t
        .ok(&op, STATS, json!({ "f": year, "g": ["VILLAGE"] }))
        .await;
    let rows = data["ekonomiStatistics"].as_array().unwrap();
    let kauman = rows.iter().find(|r| r["region"]["code"] == KAUMAN).unwrap();
    assert_eq!(kauman["pekka"]["count"], 2);
    assert_eq!(kauman["pekka"]["per1000"], 1.0);
    assert_eq!(kauman["pekka"]["population"], 2000);
    let mentikan = rows
        .iter()
        .find(|r| r["region"]["code"] == MENTIKAN)
        .unwrap();
    assert_eq!(mentikan["pekka"]["per1000"], Value::Null);
    // By group level: assistance to group 1 (PEMULA) and its member, training to group 2.
    let data = t
        .ok(&op, STATS, json!({ "f": year, "g": ["GROUP_LEVEL"] }))
        .await;
    let rows = data["ekonomiStatistics"].as_array().unwrap();
    let by_level: Vec<(Value, Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["groupLevel"].clone(),
                r["assistance"]["total"].clone(),
                r["pekka"].clone(),
            )
        })
        .collect();
    assert_eq!(
        by_level,
        [
            (json!("MADYA"), json!(0), Value::Null),
            (json!("PEMULA"), json!(6_500_000), Value::Null),
        ],
        "PEKKA cannot be split by group level"
    );
    // By kind and provider.
    let data = t
        .ok(
            &op,
            STATS,
            json!({ "f": year, "g": ["ASSISTANCE_KIND", "PROVIDER"] }),
        )
        .await;
    let rows = data["ekonomiStatistics"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| {
        r["provider"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Dinas Koperasi")
    }));
    let capital = rows
        .iter()
        .find(|r| r["assistanceKind"] == "CAPITAL")
        .unwrap();
    assert_eq!(capital["assistance"]["total"], 5_000_000);
    assert_eq!(capital["incomeChange"]["meanRevenueAfter"], 1_300_000.0);
    // By decile and category (PEKKA), by sex (members).
    let data = t
        .ok(&op, STATS, json!({ "f": year, "g": ["DECILE"] }))
        .await;
    let deciles: Vec<(Value, Value)> = data["ekonomiStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["decile"].clone(), r["pekka"]["count"].clone()))
        .collect();
    assert!(deciles.contains(&(json!(1), json!(1))), "{deciles:?}");
    assert!(deciles.contains(&(json!(3), json!(1))), "{deciles:?}");
    assert!(deciles.contains(&(json!(5), json!(1))), "{deciles:?}");
    let data = t.ok(&op, STATS, json!({ "f": year, "g": ["SEX"] })).await;
    let female = data["ekonomiStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sex"] == "FEMALE")
        .unwrap()
        .clone();
    assert_eq!(female["members"]["members"], 3);
    assert_eq!(
        female["assistance"],
        Value::Null,
        "assistance is not split by sex"
    );
    // By month: the income of August 2026 is group 1's 1.3M; stocks are not split by month.
    let data = t.ok(&op, STATS, json!({ "f": year, "g": ["MONTH"] })).await;
    let aug = data["ekonomiStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["period"] == "2026-08")
        .unwrap()
        .clone();
    assert_eq!(aug["income"]["totalRevenue"], 1_300_000);
    assert_eq!(aug["pekka"], Value::Null);
    // A dashboard sees the three PEKKA withheld (fewer than 5).
    let dash = t.token(Role::Dashboard, "35.76");
    let data = t.ok(&dash, STATS, json!({ "f": year, "g": [] })).await;
    let p = &data["ekonomiStatistics"][0]["pekka"];
    assert_eq!(
        (p["count"].clone(), p["suppressed"].clone()),
        (Value::Null, json!(true))
    );
    assert_eq!(
        data["ekonomiStatistics"][0]["groups"], 2,
        "groups are reference data"
    );
}

#[tokio::test]
async fn bad_input_is_refused_by_field_and_writes_nothing() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "35.76");
    let man = family(&t, KAUMAN, Sex::Male, 1).await;
    let woman = family(&t, KAUMAN, Sex::Female, 1).await;
    let elsewhere = family(&t, GAMBIR, Sex::Female, 0).await;
    let g = group(&t, &op, KAUMAN, "FOOD", "PEMULA").await;
    let m = join(&t, &op, &g, &woman.1, "2025-06-01").await;
    let p = provider(&t).await;
    let counts = |t: &TestApp| {
        let db = t.db.db.clone();
        async move {
            (
                pekka::Entity::find().count(&db).await.unwrap(),
                welfare_ranking::Entity::find().count(&db).await.unwrap(),
                up2k_member::Entity::find().count(&db).await.unwrap(),
                assistance::Entity::find().count(&db).await.unwrap(),
                income_report::Entity::find().count(&db).await.unwrap(),
            )
        }
    };
    let before = counts(&t).await;
    let aid_input = |amount: Value| json!({ "i": { "groupId": g, "providerId": p, "kind": "CAPITAL", "amount": amount, "givenOn": "2026-01-01" } });
    let cases = [
        (
            RANK,
            json!({ "i": { "familyId": woman.0, "source": "DTSEN", "decile": 11, "asOf": "2025-10-01" } }),
            "BAD_USER_INPUT",
            "input.decile",
        ),
        (AID, aid_input(json!(-1)), "BAD_USER_INPUT", "input.amount"),
        (
            AID,
            aid_input(json!(9_007_199_254_740_992i64)),
            "BAD_USER_INPUT",
            "input.amount",
        ),
        (
            AID,
            aid_input(json!(1e20)),
            "BAD_USER_INPUT",
            "input.amount",
        ),
        (
            INCOME,
            json!({ "i": { "groupId": g, "month": "2026-11", "revenue": 10, "profit": 1 } }),
            "BAD_USER_INPUT",
            "input.month",
        ),
        (
            INCOME,
            json!({ "i": { "groupId": g, "month": "2026-10", "revenue": 10, "profit": 11 } }),
            "BAD_USER_INPUT",
            "input.profit",
        ),
        (
            MEMBER,
            json!({ "i": { "groupId": g, "personId": elsewhere.1, "joinedOn": "2025-06-01" } }),
            "BAD_USER_INPUT",
            "input.personId",
        ),
        (
            MEMBER,
            json!({ "i": { "groupId": g, "personId": woman.1, "joinedOn": "2025-07-01" } }),
            "BAD_USER_INPUT",
            "input.personId",
        ),
        (
            MEMBER,
            json!({ "i": { "groupId": g, "personId": man.1, "joinedOn": "2024-06-01" } }),
            "BAD_USER_INPUT",
            "input.joinedOn",
        ),
        (
            PEKKA,
            json!({ "i": { "familyId": man.0, "category": "HUSBAND_UNABLE", "source": "x", "recordedOn": "2025-10-01" } }),
            "BAD_USER_INPUT",
            "input.familyId",
        ),
        (
            r#"mutation($i: UpdateUp2kMemberInput!) { updateUp2kMember(input: $i) { id } }"#,
            json!({ "i": { "id": m, "version": 7, "role": "CHAIR" } }),
            "CONFLICT",
            "",
        ),
        (
            r#"mutation($i: UpdateUp2kGroupInput!) { updateUp2kGroup(input: $i) { id } }"#,
            json!({ "i": { "id": g, "version": 2, "level": "MADYA" } }),
            "CONFLICT",
            "",
        ),
    ];
    for (q, vars, want, field) in cases {
        let body = t.gql(&op, q, vars.clone()).await;
        assert_eq!(code(&body), want, "{vars}: {body:#}");
        if !field.is_empty() {
            assert_eq!(
                body["errors"][0]["extensions"]["field"], field,
                "{vars}: {body:#}"
            );
        }
    }
    assert_eq!(counts(&t).await, before, "nothing written");
    // A second current PEKKA status of one family is a conflict; a stale version on ending too.
    let id = register_pekka(&t, &op, &woman.0, "2025-10-01").await;
    let body = t
        .gql(
            &op,
            PEKKA,
            json!({ "i": { "familyId": woman.0, "category": "HUSBAND_ABSENT", "source": "x", "recordedOn": "2025-11-01" } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body:#}");
    let body = t
        .gql(
            &op,
            r#"mutation($i: EndPekkaInput!) { endPekka(input: $i) { id } }"#,
            json!({ "i": { "id": id, "version": 2, "endedOn": "2026-01-01", "reason": "x" } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body:#}");
    assert_eq!(pekka::Entity::find().count(&t.db.db).await.unwrap(), 1);
}

#[tokio::test]
async fn another_city_sees_and_changes_nothing_of_mojokerto() {
    let t = TestApp::new().await;
    let ids = priority_fixture(&t).await;
    let op = t.token(Role::Operator, "35.76");
    let admin = t.token(Role::Admin, "");
    let g = t
        .ok(&op, "{ up2kGroups { edges { node { id } } } }", json!({}))
        .await;
    let g = g["up2kGroups"]["edges"][0]["node"]["id"].as_str().unwrap();
    income(&t, &op, g, None, "2026-09", 1_000).await;
    const ALL: &str = r#"{ pekkaFamilies { totalCount edges { node { id version } } }
        welfareRankings { totalCount edges { node { id } } }
        up2kGroups { totalCount edges { node { id version } } }
        up2kMembers { totalCount edges { node { id version } } }
        assistance { totalCount edges { node { id } } }
        incomeReports { totalCount edges { node { id } } }
        priorityList { totalCount } }"#;
    let mine = t.ok(&admin, ALL, json!({})).await;
    let first = |k: &str| mine[k]["edges"][0]["node"]["id"].clone();
    let version = |k: &str| mine[k]["edges"][0]["node"]["version"].clone();
    let jp = t.token(Role::Operator, "31.71");
    let theirs = t.ok(&jp, ALL, json!({})).await;
    for k in [
        "pekkaFamilies",
        "welfareRankings",
        "up2kGroups",
        "up2kMembers",
        "assistance",
        "incomeReports",
        "priorityList",
    ] {
        assert_eq!(theirs[k]["totalCount"], 0, "{k}: {theirs:#}");
        assert!(
            mine[k]["totalCount"].as_i64().unwrap() > 0,
            "{k} has rows to find"
        );
    }
    let data = t
        .ok(
            &jp,
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { id } }
               "#,
            json!({ "ids": [first("pekkaFamilies"), first("welfareRankings"), first("up2kGroups"),
                            first("up2kMembers"), first("assistance"), first("incomeReports"), ids[0]] }),
        )
        .await;
    assert_eq!(
        data["nodes"],
        json!([null, null, null, null, null, null, null])
    );
    let data = t
        .ok(
            &jp,
            r#"{ all: ekonomiStatistics(groupBy: [REGENCY]) { pekka { count } groups }
                 asked: ekonomiStatistics(filter: { regionCode: "35.76" }) { pekka { count } }
                 scoped: priorityList(regionCode: "35.76") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["all"], json!([]));
    assert_eq!(data["asked"], json!([]));
    assert_eq!(data["scoped"]["totalCount"], 0);
    let data = t
        .ok(&jp, r#"{ region(code: "35.76.01.1004") { ekonomiKeluarga { pekka up2kGroups up2kMembers assistanceTotal } } }"#, json!({}))
        .await;
    let facet = &data["region"]["ekonomiKeluarga"];
    assert!(
        data["region"].is_null()
            || facet
                == &json!({ "pekka": 0, "up2kGroups": 0, "up2kMembers": 0, "assistanceTotal": 0 }),
        "{data:#}"
    );
    let p = provider(&t).await;
    let cases = [
        (
            PEKKA,
            json!({ "i": { "familyId": ids[0], "category": "HUSBAND_ABSENT", "source": "x", "recordedOn": "2025-10-01" } }),
            "NOT_FOUND",
        ),
        (
            r#"mutation($i: EndPekkaInput!) { endPekka(input: $i) { id } }"#,
            json!({ "i": { "id": first("pekkaFamilies"), "version": version("pekkaFamilies"), "endedOn": "2026-01-01", "reason": "x" } }),
            "NOT_FOUND",
        ),
        (
            RANK,
            json!({ "i": { "familyId": ids[0], "source": "DTKS", "decile": 2, "asOf": "2025-10-01" } }),
            "NOT_FOUND",
        ),
        (
            GROUP,
            json!({ "i": { "name": "x", "regionCode": KAUMAN, "businessType": "FOOD", "level": "PEMULA", "formedOn": "2025-01-01" } }),
            "FORBIDDEN",
        ),
        (
            r#"mutation($i: UpdateUp2kGroupInput!) { updateUp2kGroup(input: $i) { id } }"#,
            json!({ "i": { "id": first("up2kGroups"), "version": version("up2kGroups"), "name": "x" } }),
            "NOT_FOUND",
        ),
        (
            MEMBER,
            json!({ "i": { "groupId": first("up2kGroups"), "personId": gid("Person", uuid::Uuid::nil()), "joinedOn": "2025-06-01" } }),
            "NOT_FOUND",
        ),
        (
            r#"mutation($i: UpdateUp2kMemberInput!) { updateUp2kMember(input: $i) { id } }"#,
            json!({ "i": { "id": first("up2kMembers"), "version": version("up2kMembers"), "role": "CHAIR" } }),
            "NOT_FOUND",
        ),
        (
            AID,
            json!({ "i": { "groupId": first("up2kGroups"), "providerId": p, "kind": "CAPITAL", "amount": 1, "givenOn": "2026-01-01" } }),
            "NOT_FOUND",
        ),
        (
            INCOME,
            json!({ "i": { "groupId": first("up2kGroups"), "month": "2026-08", "revenue": 1, "profit": 0 } }),
            "NOT_FOUND",
        ),
    ];
    for (q, vars, want) in cases {
        let body = t.gql(&jp, q, vars).await;
        assert_eq!(code(&body), want, "{q}: {body:#}");
    }
    assert_eq!(t.ok(&admin, ALL, json!({})).await, mine, "nothing changed");
}

#[tokio::test]
async fn the_region_facet_costs_the_same_for_more_regions() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    statistics_fixture(&t).await;
    let op = t.token(Role::Operator, "35.76");
    const FACET: &str = r#"query($n: Int) { region(code: "35.76.01") { children(first: $n) { edges { node {
        ekonomiKeluarga(period: "2026") { pekka pekkaPer1000 up2kGroups up2kMembers assistanceTotal } } } } } }"#;
    let mut costs = Vec::new();
    for n in [1, 4] {
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
    // And a family's economy through a page of families.
    const FAMILIES: &str = r#"query($n: Int) { families(first: $n) { edges { node { id
        ekonomi { pekka { category } deciles { source decile } memberships { role group { name } }
          assistanceReceived { amount } } } } } }"#;
    let mut costs = Vec::new();
    for n in [1, 4] {
        count.store(0, Ordering::SeqCst);
        t.ok(&op, FAMILIES, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "family statements: {costs:?}");
    let data = t
        .ok(&op, r#"{ region(code: "35.76.01.1004") { ekonomiKeluarga(period: "2026") { pekka pekkaPer1000 population up2kGroups up2kMembers assistanceTotal suppressed } } }"#, json!({}))
        .await;
    assert_eq!(
        data["region"]["ekonomiKeluarga"],
        json!({ "pekka": 2, "pekkaPer1000": 1.0, "population": 2000, "up2kGroups": 1, "up2kMembers": 2,
                "assistanceTotal": 6_500_000, "suppressed": false })
    );
    // The facet counts with bare specs of its own; they agree with the statistics' counts on
    // either side of a status ended (2026-02-01) and a member who left (2026-01-01).
    for (period, to) in [
        ("2025-10", "2025-10-31"),
        ("2026-01", "2026-01-31"),
        ("2026", "2026-12-31"),
    ] {
        for code in [KAUMAN, MENTIKAN, "35.76.01", "35.76"] {
            let data = t
                .ok(
                    &op,
                    r#"query($c: String!, $p: String, $to: Date) {
                         region(code: $c) { ekonomiKeluarga(period: $p) { pekka up2kMembers } }
                         ekonomiStatistics(filter: { regionCode: $c, to: $to }) {
                           pekka { count } members { members } } }"#,
                    json!({ "c": code, "p": period, "to": to }),
                )
                .await;
            let facet = &data["region"]["ekonomiKeluarga"];
            let stats = &data["ekonomiStatistics"][0];
            assert!(facet["pekka"].is_i64(), "{code} {period}: {data}");
            assert!(facet["up2kMembers"].is_i64(), "{code} {period}: {data}");
            assert_eq!(facet["pekka"], stats["pekka"]["count"], "{code} {period}");
            assert_eq!(
                facet["up2kMembers"], stats["members"]["members"],
                "{code} {period}"
            );
        }
    }
}

#[tokio::test]
async fn the_ranking_import_is_all_or_nothing_with_line_numbers() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "35.76");
    let (f, _, _) = family(&t, KAUMAN, Sex::Female, 1).await;
    let (other, _, _) = family(&t, GAMBIR, Sex::Female, 1).await;
    const IMPORT: &str = "mutation($file: Upload!) { importWelfareRankings(file: $file) { rows imported families } }";
    let bad = [
        "family_id,source,decile,as_of".to_owned(),
        format!("{f},DTSEN,3,2025-10-01"),
        format!("{f},BPS,3,2025-10-01"),
        format!("{f},DTSEN,0,2025-10-01"),
        format!("{other},DTSEN,3,2025-10-01"),
        format!("{f},P3KE,2,2027-01-01"),
        format!("{f},DTSEN,4,2025-10-01"),
    ]
    .join("\n");
    let (_, body, _) = t.send(multipart(&op, IMPORT, &bad)).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    let rows: Vec<(i64, Value)> = body["errors"][0]["extensions"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_i64().unwrap(), r["column"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (3, json!("source")),
            (4, json!("decile")),
            (5, json!("family_id")),
            (6, json!("as_of")),
            (7, json!("as_of"))
        ]
    );
    assert_eq!(
        welfare_ranking::Entity::find()
            .count(&t.db.db)
            .await
            .unwrap(),
        0,
        "nothing written"
    );
    let good = [
        "family_id,source,decile,as_of".to_owned(),
        format!("{f},DTSEN,3,2025-10-01"),
        format!("{f},p3ke,2,2023-12-01"),
    ]
    .join("\n");
    let (_, body, _) = t.send(multipart(&op, IMPORT, &good)).await;
    assert_eq!(
        body["data"]["importWelfareRankings"],
        json!({ "rows": 2, "imported": 2, "families": 1 }),
        "{body:#}"
    );
    let data = t
        .ok(&op, r#"query($id: ID!) { node(id: $id) { ... on Family { ekonomi { deciles { source decile asOf } } } } }"#, json!({ "id": f }))
        .await;
    assert_eq!(
        data["node"]["ekonomi"]["deciles"],
        json!([{ "source": "P3KE", "decile": 2, "asOf": "2023-12-01" }, { "source": "DTSEN", "decile": 3, "asOf": "2025-10-01" }])
    );
}

#[tokio::test]
async fn demo_data_holds_seed_003() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let admin = t.token(Role::Admin, "");
    let data = t
        .ok(
            &admin,
            r#"{ region(code: "35.76") { name population { population year }
                   ekonomiKeluarga(period: "2025-10") { pekka pekkaPer1000 population up2kGroups up2kMembers assistanceTotal } }
                 mjk: ekonomiStatistics(filter: { regionCode: "35.76", to: "2025-10-31" }, groupBy: [REGENCY]) { pekka { count per1000 } }
                 cities: ekonomiStatistics(filter: { to: "2026-10-31" }, groupBy: [REGENCY]) { region { code } pekka { count } groups members { members } }
                 families: families(filter: { regionCode: "33.75" }) { totalCount }
                 aid: assistance(filter: { regionCode: "35.76", from: "2025-10-07", to: "2025-10-07" }) { totalCount edges { node { provider { name } } } } }"#,
            json!({}),
        )
        .await;
    let mjk = &data["region"]["ekonomiKeluarga"];
    assert_eq!(data["region"]["population"]["population"], 142_000);
    assert_eq!(mjk["pekka"], 170);
    assert_eq!(mjk["pekkaPer1000"], 1.2);
    assert_eq!(mjk["population"], 142_000);
    assert!(mjk["up2kGroups"].as_i64().unwrap() >= 18, "{mjk:#}");
    assert!(mjk["assistanceTotal"].as_i64().unwrap() > 0, "{mjk:#}");
    assert_eq!(
        data["mjk"][0]["pekka"],
        json!({ "count": 170, "per1000": 1.2 })
    );
    assert!(data["aid"]["totalCount"].as_i64().unwrap() >= 18);
    assert!(
        data["aid"]["edges"][0]["node"]["provider"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Dinas Koperasi")
    );
    let pekalongan = data["cities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"]["code"] == "33.75")
        .unwrap()
        .clone();
    let families = t
        .ok(
            &admin,
            r#"{ families(filter: { regionCode: "33.75" }) { totalCount } }"#,
            json!({}),
        )
        .await["families"]["totalCount"]
        .as_i64()
        .unwrap();
    let share = pekalongan["pekka"]["count"].as_f64().unwrap() / families as f64;
    assert!(
        (0.12..=0.18).contains(&share),
        "about 15 % PEKKA in Pekalongan: {share}"
    );
    assert_eq!(data["cities"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_readme_queries_run_on_the_demo_data() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let queries = readme_queries("Ekonomi keluarga");
    assert!(queries.len() >= 4, "{queries:?}");
    let op = t.token(Role::Operator, "35.76");
    for q in queries {
        let body = t.gql(&op, &q, json!({})).await;
        assert!(body.get("errors").is_none(), "{q}\n{body:#}");
        assert!(body["data"].to_string().len() > 50, "{q}: {body:#}");
    }
}

type Part = (Value, String, Option<i64>);

fn cells(data: &Value, section: &str) -> Vec<Part> {
    data["ekonomiStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["pekkaCategory"].clone(),
                r["region"]["code"].as_str().unwrap_or("").to_owned(),
                r[section]["count"]
                    .as_i64()
                    .or_else(|| r[section]["members"].as_i64()),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_dashboard_cannot_recover_a_withheld_cell_by_subtraction() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let threshold = 5;
    let mut withheld_seen = 0;
    for city in ["33.75", "35.76"] {
        let dash = t.token(Role::Dashboard, city);
        let query = |g: &str| {
            format!(
                r#"{{ ekonomiStatistics(filter: {{ from: "2026-10-01", to: "2026-10-31" }}, groupBy: [{g}]) {{ region {{ code }} pekkaCategory
                   pekka {{ count suppressed }} members {{ members suppressed }} }} }}"#
            )
        };
        type Parent = fn(&str) -> String;
        let pairs: [(&str, &str, Parent, &str); 5] = [
            ("DISTRICT", "VILLAGE", |r| r[..8].to_owned(), "pekka"),
            ("REGENCY", "DISTRICT", |r| r[..5].to_owned(), "pekka"),
            (
                "VILLAGE",
                "VILLAGE, PEKKA_CATEGORY",
                |r| r.to_owned(),
                "pekka",
            ),
            (
                "DISTRICT, PEKKA_CATEGORY",
                "VILLAGE, PEKKA_CATEGORY",
                |r| r[..8].to_owned(),
                "pekka",
            ),
            ("DISTRICT", "VILLAGE", |r| r[..8].to_owned(), "members"),
        ];
        for (total_g, parts_g, parent, section) in pairs {
            let totals = cells(&t.ok(&dash, &query(total_g), json!({})).await, section);
            let parts = cells(&t.ok(&dash, &query(parts_g), json!({})).await, section);
            let same_cat = total_g.contains("CATEGORY") == parts_g.contains("CATEGORY");
            for (tcat, tregion, tcount) in &totals {
                let Some(total) = tcount else { continue };
                let members: Vec<&Option<i64>> = parts
                    .iter()
                    .filter(|(c, r, _)| parent(r) == *tregion && (!same_cat || c == tcat))
                    .map(|(_, _, n)| n)
                    .collect();
                let hidden = members.iter().filter(|n| n.is_none()).count();
                if hidden == 0 {
                    continue;
                }
                withheld_seen += hidden;
                let visible: i64 = members.iter().filter_map(|n| **n).sum();
                assert!(
                    hidden >= 2 && total - visible >= threshold,
                    "{section} {parts_g} under {tregion} {tcat}: total {total}, visible {visible}, {hidden} withheld"
                );
            }
        }
        // The facet: a kecamatan's figure against its kelurahan's, however many a page shows.
        for n in [2, 50] {
            let q = format!(
                r#"{{ regions(filter: {{ within: "{city}", level: DISTRICT }}) {{ edges {{ node {{ code
                     ekonomiKeluarga(period: "2026") {{ pekka }}
                     children(first: {n}) {{ edges {{ node {{ ekonomiKeluarga(period: "2026") {{ pekka }} }} }} }} }} }} }} }}"#
            );
            let data = t.ok(&dash, &q, json!({})).await;
            for d in data["regions"]["edges"].as_array().unwrap() {
                let Some(total) = d["node"]["ekonomiKeluarga"]["pekka"].as_i64() else {
                    continue;
                };
                let kids: Vec<Option<i64>> = d["node"]["children"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["node"]["ekonomiKeluarga"]["pekka"].as_i64())
                    .collect();
                let hidden = kids.iter().filter(|k| k.is_none()).count();
                if n == 50 && hidden > 0 {
                    withheld_seen += hidden;
                    let visible: i64 = kids.iter().flatten().sum();
                    assert!(
                        hidden >= 2 && total - visible >= threshold,
                        "facet under {}: {kids:?} of {total}",
                        d["node"]["code"]
                    );
                }
            }
        }
    }
    assert!(
        withheld_seen > 0,
        "the demo data withholds something to attack"
    );
}

#[tokio::test]
async fn a_lone_small_village_is_not_given_away_by_its_district() {
    // Kauman has 6 PEKKA, Mentikan 2: withholding Mentikan alone would let a dashboard read it
    // off as the district's 8 minus Kauman's 6.
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "35.76");
    for (village, n) in [(KAUMAN, 6), (MENTIKAN, 2)] {
        for _ in 0..n {
            let f = family(&t, village, Sex::Female, 1).await;
            register_pekka(&t, &op, &f.0, "2025-10-01").await;
        }
    }
    let dash = t.token(Role::Dashboard, "35.76");
    let q = |g: &str| {
        format!(
            r#"{{ ekonomiStatistics(groupBy: [{g}]) {{ region {{ code }} pekka {{ count suppressed }} }} }}"#
        )
    };
    let district = t.ok(&dash, &q("DISTRICT"), json!({})).await;
    assert_eq!(district["ekonomiStatistics"][0]["pekka"]["count"], 8);
    let villages = t.ok(&dash, &q("VILLAGE"), json!({})).await;
    let counts: Vec<Value> = villages["ekonomiStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pekka"]["count"].clone())
        .collect();
    assert_eq!(
        counts,
        [Value::Null, Value::Null],
        "Mentikan and, to protect it, Kauman"
    );
    let facet = t
        .ok(
            &dash,
            r#"{ region(code: "35.76.01") { ekonomiKeluarga { pekka }
                 children(first: 20) { edges { node { code ekonomiKeluarga { pekka suppressed } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(facet["region"]["ekonomiKeluarga"]["pekka"], 8);
    for c in facet["region"]["children"]["edges"].as_array().unwrap() {
        let code = c["node"]["code"].as_str().unwrap();
        if code == KAUMAN || code == MENTIKAN {
            assert_eq!(c["node"]["ekonomiKeluarga"]["pekka"], Value::Null, "{code}");
        }
    }
    // With record access, everything.
    let villages = t.ok(&op, &q("VILLAGE"), json!({})).await;
    assert_eq!(
        villages["ekonomiStatistics"][0]["pekka"]["count"], 2,
        "Mentikan comes first"
    );
}
