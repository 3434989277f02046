//! The served schema matches `schema.graphql`, and no two merged parts define the same field.

use std::collections::BTreeMap;

use async_graphql::{EmptyMutation, EmptySubscription, Object, ObjectType, Schema};
use keluarga_core::Actor;
use keluarga_core::graphql::region::RegionQuery;
use keluarga_gateway::schema::{Region, sdl};

#[test]
fn served_schema_matches_schema_graphql() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let served = sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &served).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        served == checked_in,
        "schema.graphql is out of date; regenerate it with:\n  UPDATE_SCHEMA=1 cargo test -p integration-tests --test it schema\n(or: cargo run -- schema > schema.graphql)"
    );
}

/// The field names a part contributes, introspected on a schema of its own.
async fn query_fields<Q: ObjectType + Default + 'static>() -> Vec<String> {
    let schema = Schema::build(Q::default(), EmptyMutation, EmptySubscription).finish();
    fields(
        &schema
            .execute(
                async_graphql::Request::new("{ __schema { queryType { fields { name } } } }")
                    .data(Actor::system()),
            )
            .await
            .data
            .into_json()
            .unwrap()["__schema"]["queryType"],
    )
}

fn fields(v: &serde_json::Value) -> Vec<String> {
    v["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Names defined by more than one part.
fn overlaps(parts: &[(&str, Vec<String>)]) -> Vec<String> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut dup = Vec::new();
    for (part, names) in parts {
        for n in names {
            if let Some(other) = seen.insert(n, part) {
                dup.push(format!("{n} ({other} and {part})"));
            }
        }
    }
    dup
}

#[tokio::test]
async fn merged_parts_define_disjoint_fields() {
    // The parts come from the gateway's one domain list, introspected one by one.
    let parts = keluarga_gateway::domains::part_fields().await;
    assert_eq!(
        parts.len(),
        3 + keluarga_gateway::schema::DOMAINS.len(),
        "core's three parts plus one per domain"
    );
    for p in &parts {
        assert!(
            !p.query.is_empty() || !p.mutation.is_empty(),
            "{} contributes nothing",
            p.part
        );
    }
    let query: Vec<(&str, Vec<String>)> = parts
        .iter()
        .map(|p| (p.part.as_str(), p.query.clone()))
        .collect();
    assert_eq!(overlaps(&query), Vec::<String>::new());
    let mutation: Vec<(&str, Vec<String>)> = parts
        .iter()
        .map(|p| (p.part.as_str(), p.mutation.clone()))
        .collect();
    assert_eq!(overlaps(&mutation), Vec::<String>::new());
    let region: Vec<(&str, Vec<String>)> = parts
        .iter()
        .map(|p| (p.part.as_str(), p.region.clone()))
        .collect();
    assert!(parts[0].region.contains(&"children".to_owned()));
    for p in parts.iter().skip(3) {
        // Each domain adds one namespaced field to Region, named after itself.
        assert_eq!(p.region.len(), 1, "{}: {:?}", p.part, p.region);
    }
    assert_eq!(overlaps(&region), Vec::<String>::new());
}

#[tokio::test]
async fn the_overlap_check_catches_a_shadowed_field() {
    #[derive(Default)]
    struct Shadow;
    #[Object]
    impl Shadow {
        /// Same name as core's `region`.
        async fn region(&self) -> String {
            String::new()
        }
    }
    let parts = vec![
        ("RegionQuery", query_fields::<RegionQuery<Region>>().await),
        ("Shadow", query_fields::<Shadow>().await),
    ];
    assert_eq!(
        overlaps(&parts),
        vec!["region (RegionQuery and Shadow)".to_owned()]
    );
}

#[test]
fn error_codes_are_the_documented_catalogue() {
    let codes: Vec<&str> = keluarga_core::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "BAD_USER_INPUT",
            "UNAUTHENTICATED",
            "FORBIDDEN",
            "NOT_FOUND",
            "CONFLICT",
            "RATE_LIMITED",
            "QUERY_TOO_COMPLEX",
            "GRAPHQL_PARSE_FAILED",
            "GRAPHQL_VALIDATION_FAILED",
            "PERSISTED_QUERY_NOT_FOUND",
            "OPERATION_NOT_TRUSTED",
            "UNAVAILABLE",
            "RESULT_OUT_OF_RANGE",
            "INTERNAL"
        ]
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for c in codes {
        assert!(readme.contains(c), "README.md does not document {c}");
    }
}

/// The gateway's domain list names each domain's node types (the `Node` interface is generated
/// from it) and each domain declares them once (`domain_nodes!`): the two agree, and every type
/// resolves through `node(id:)`.
#[test]
fn the_gateway_and_each_domain_name_the_same_node_types() {
    let lists = keluarga_gateway::domains::node_lists();
    assert!(!lists.is_empty(), "this build has domains");
    for (domain, gateway, declared) in lists {
        assert_eq!(gateway, declared, "node types of {domain}");
        assert!(!declared.is_empty(), "{domain} declares its node types");
    }
}
