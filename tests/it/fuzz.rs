//! Property tests (proptest) of the two parsers that take anything from the network: the GraphQL
//! request (body, query string, headers) and the CSV import. Whatever arrives, the answer is a
//! GraphQL response with a catalogue code, never a server error, and a refused import writes
//! nothing.

use axum::body::Body;
use axum::http::Request;
use keluarga_core::Role;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, multipart, urlencode};

const CODES: &[&str] = &[
    "BAD_USER_INPUT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "FORBIDDEN",
    "NOT_FOUND",
    "QUERY_TOO_COMPLEX",
    "PERSISTED_QUERY_NOT_FOUND",
    "UNAUTHENTICATED",
];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// An answer to anything: below 500, JSON, with data or errors that each carry a known code.
fn well_formed(status: u16, body: &Value) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "status {status}: {body}");
    let errors = body.get("errors").and_then(Value::as_array);
    prop_assert!(
        body.get("data").is_some() || errors.is_some(),
        "not a GraphQL response: {body}"
    );
    for e in errors.into_iter().flatten() {
        let code = e["extensions"]["code"].as_str().unwrap_or("");
        prop_assert!(CODES.contains(&code), "code {code:?} in {body}");
    }
    Ok(())
}

/// Fragments of GraphQL and JSON that random requests are built from, so that they get past
/// the first byte often.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("query".to_owned()),
        Just("mutation".to_owned()),
        Just("me { role }".to_owned()),
        Just("children(first: 5) { totalCount }".to_owned()),
        Just("regions(first: -1)".to_owned()),
        Just("region(code: \"33.75\") { name }".to_owned()),
        Just("...on Query".to_owned()),
        Just("fragment F on Query { ...F }".to_owned()),
        Just("$v".to_owned()),
        Just("@skip(if: true)".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        "[a-zA-Z_]{1,8}".prop_map(|s| s),
        "\\PC{0,6}".prop_map(|s| s),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|v| v.join(" "))
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The body of a POST: random bytes, a random JSON value, or a request object whose members are
/// random.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        (
            document(),
            json_value(),
            prop::option::of("[A-Za-z]{0,8}"),
            json_value()
        )
            .prop_map(|(q, vars, name, ext)| {
                json!({ "query": q, "variables": vars, "operationName": name, "extensions": ext })
                    .to_string()
                    .into_bytes()
            }),
    ]
}

#[test]
fn any_request_gets_a_graphql_answer_with_a_code() {
    let rt = runtime();
    let t = rt.block_on(TestApp::new());
    let As::Token(tok) = t.token(Role::Operator, "33.75") else {
        unreachable!()
    };
    proptest!(config(300), |(bytes in body(), authed in any::<bool>(), ct in prop_oneof![
        Just("application/json"), Just("application/graphql-response+json"),
        Just("text/plain"), Just("application/json; charset=latin1"), Just("")
    ])| {
        let mut req = Request::post("/graphql");
        if !ct.is_empty() {
            req = req.header("content-type", ct);
        }
        if authed {
            req = req.header("authorization", format!("Bearer {tok}"));
        }
        let (status, body, _) = rt.block_on(t.send(req.body(Body::from(bytes)).unwrap()));
        if status == 415 {
            // A body that is not JSON by its content type: refused before it is read.
            return Ok(());
        }
        well_formed(status.as_u16(), &body)?;
    });
    proptest!(config(200), |(q in document(), vars in json_value())| {
        let url = format!(
            "/graphql?query={}&variables={}",
            urlencode(&q),
            urlencode(&vars.to_string())
        );
        let req = Request::get(url)
            .header("accept", "application/graphql-response+json")
            .header("authorization", format!("Bearer {tok}"));
        let (status, body, _) = rt.block_on(t.send(req.body(Body::empty()).unwrap()));
        if status == 405 {
            // A mutation over GET.
            prop_assert_eq!(body["errors"][0]["extensions"]["code"].as_str(), Some("BAD_USER_INPUT"));
            return Ok(());
        }
        well_formed(status.as_u16(), &body)?;
    });
}

/// A CSV line of measurements: mostly plausible cells, sometimes anything.
fn csv_cell(good: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(good).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
        1 => Just("\"a,b\"".to_owned()),
        1 => Just("\"unterminated".to_owned()),
    ]
}

#[test]
fn any_csv_import_is_imported_whole_or_refused_with_nothing_written() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let rt = runtime();
    let t = rt.block_on(TestApp::new());
    let child = rt.block_on(crate::stunting::child(
        &t,
        "33.75.01.1012",
        keluarga_core::stats::Sex::Male,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
    ));
    let child: &'static str = Box::leak(child.into_boxed_str());
    let op = t.token(Role::Operator, "33.75");
    let count = |t: &TestApp| {
        rt.block_on(stunting::entity::measurement::Entity::find().count(&t.db.db))
            .unwrap()
    };
    const IMPORT: &str =
        "mutation($file: Upload!) { importMeasurements(file: $file) { rows imported } }";
    let ids: &'static [&'static str] = Box::leak(vec![child, "Q2hpbGQ6MQ", ""].into_boxed_slice());
    let line = (
        csv_cell(ids),
        csv_cell(&["2025-03-01", "2025-13-01", "2023-01-01", ""]),
        csv_cell(&["9.6", "9,9", "-1", "0", "300", ""]),
        csv_cell(&["74.5", "75", "20", "abc", ""]),
        csv_cell(&["L", "H", "LYING", ""]),
        csv_cell(&["n", "ya", "y", ""]),
    )
        .prop_map(|(a, b, c, d, e, f)| format!("{a},{b},{c},{d},{e},{f}"));
    let header = prop_oneof![
        4 => Just("child_id,measured_on,weight_kg,length_cm,position,oedema".to_owned()),
        1 => Just("child_id,measured_on,weight".to_owned()),
        1 => "\\PC{0,20}",
    ];
    proptest!(config(64), |(header in header, lines in prop::collection::vec(line, 0..6))| {
        let file = format!("{header}\n{}\n", lines.join("\n"));
        let before = count(&t);
        let (status, body, _) = rt.block_on(t.send(multipart(&op, IMPORT, &file)));
        well_formed(status.as_u16(), &body)?;
        let after = count(&t);
        match body["data"]["importMeasurements"]["imported"].as_u64() {
            Some(n) => prop_assert_eq!(after, before + n, "{}", body),
            None => prop_assert_eq!(after, before, "refused, yet written: {}", body),
        }
    });
}
