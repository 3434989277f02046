//! The served schema matches `schema.graphql`, and no two merged parts define the same field.

use std::collections::BTreeMap;

use async_graphql::{EmptyMutation, EmptySubscription, Object, ObjectType, Schema};
use keluarga_core::graphql::mutation::{ApiKeyMutation, RegistryMutation};
use keluarga_core::graphql::query::RegistryQuery;
use keluarga_core::graphql::region::{RegionCore, RegionQuery};
use keluarga_core::{Actor, RegionRef};
use keluarga_gateway::schema::{NodeQuery, Region, sdl};
use keluarga_stunting::graphql::mutation::StuntingMutation;
use keluarga_stunting::graphql::query::StuntingQuery;
use keluarga_stunting::graphql::region::RegionStuntingPart;

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

#[derive(Default)]
struct Dummy;

#[Object]
impl Dummy {
    /// Placeholder.
    async fn dummy(&self) -> bool {
        true
    }
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

async fn mutation_fields<M: ObjectType + Default + 'static>() -> Vec<String> {
    let schema = Schema::build(Dummy, M::default(), EmptySubscription).finish();
    fields(
        &schema
            .execute(
                async_graphql::Request::new("{ __schema { mutationType { fields { name } } } }")
                    .data(Actor::system()),
            )
            .await
            .data
            .into_json()
            .unwrap()["__schema"]["mutationType"],
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

/// A Region part as a query root, so that its fields can be introspected alone.
enum RegionPartRoot {
    Core,
    Stunting,
}

#[Object]
impl RegionPartRoot {
    async fn core(&self) -> RegionCore<Region> {
        RegionCore::from(RegionRef::new("33"))
    }
    async fn stunting(&self) -> RegionStuntingPart<Region> {
        RegionStuntingPart::from(RegionRef::new("33"))
    }
}

#[tokio::test]
async fn merged_parts_define_disjoint_fields() {
    let query_parts = vec![
        ("RegionQuery", query_fields::<RegionQuery<Region>>().await),
        (
            "RegistryQuery",
            query_fields::<RegistryQuery<Region>>().await,
        ),
        ("NodeQuery", query_fields::<NodeQuery>().await),
        (
            "StuntingQuery",
            query_fields::<StuntingQuery<Region>>().await,
        ),
    ];
    assert!(query_parts.iter().all(|(_, f)| !f.is_empty()));
    assert_eq!(overlaps(&query_parts), Vec::<String>::new());

    let mutation_parts = vec![
        (
            "RegistryMutation",
            mutation_fields::<RegistryMutation<Region>>().await,
        ),
        ("ApiKeyMutation", mutation_fields::<ApiKeyMutation>().await),
        (
            "StuntingMutation",
            mutation_fields::<StuntingMutation<Region>>().await,
        ),
    ];
    assert!(mutation_parts.iter().all(|(_, f)| !f.is_empty()));
    assert_eq!(overlaps(&mutation_parts), Vec::<String>::new());

    // Region parts: core's fields and each domain's facet, introspected one by one.
    let core_fields = region_part_fields::<RegionCore<Region>>(RegionPartRoot::Core).await;
    assert!(
        core_fields.contains(&"children".to_owned()),
        "{core_fields:?}"
    );
    let stunting_fields =
        region_part_fields::<RegionStuntingPart<Region>>(RegionPartRoot::Stunting).await;
    assert_eq!(stunting_fields, vec!["stunting".to_owned()]);
    assert_eq!(
        overlaps(&[
            ("RegionCore", core_fields),
            ("RegionStuntingPart", stunting_fields)
        ]),
        Vec::<String>::new()
    );
}

async fn region_part_fields<T: async_graphql::OutputType>(root: RegionPartRoot) -> Vec<String> {
    let schema = Schema::build(root, EmptyMutation, EmptySubscription).finish();
    let type_name = <T as async_graphql::OutputType>::type_name();
    let q = format!("{{ __type(name: \"{type_name}\") {{ fields {{ name }} }} }}");
    fields(
        &schema
            .execute(async_graphql::Request::new(q).data(Actor::system()))
            .await
            .data
            .into_json()
            .unwrap()["__type"],
    )
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
            "INTERNAL"
        ]
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for c in codes {
        assert!(readme.contains(c), "README.md does not document {c}");
    }
}
