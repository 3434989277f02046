//! Every GraphQL example of the README runs as written against the demo data, mutations
//! included, on the real clock.
//!
//! An example starts at a line that begins with `{`, `query` or `mutation` and continues over the
//! lines below it that are not comments, up to the next one. An example that takes variables gets each from the comment lines of
//! its block, which tell the reader the same thing:
//! `#   $name: { a query }` (the first `id` in its answer) or `#   $name: the id field returned`
//! (the `id` of the root field `field` of an example above it in the README).

use serde_json::{Map, Value, json};

use crate::helpers::{TestApp, config};
use keluarga_core::{Clock, Role};

/// How the reader gets a variable's value.
#[derive(Clone)]
enum Source {
    /// The first `id` in this query's answer.
    Query(String),
    /// The `id` of this root field in an earlier example's answer.
    Returned(String),
}

struct Example {
    section: String,
    text: String,
    variables: Vec<(String, Source)>,
}

fn examples() -> Vec<Example> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut out: Vec<Example> = Vec::new();
    let mut section = String::new();
    let mut in_block = false;
    let mut sources: Vec<(String, Source)> = Vec::new();
    let mut block_start = 0;
    for line in readme.lines() {
        if !in_block {
            if let Some(title) = line.strip_prefix("## ") {
                section = title.to_owned();
            }
            if line.trim() == "```graphql" {
                in_block = true;
                sources.clear();
                block_start = out.len();
            }
            continue;
        }
        if line.trim() == "```" {
            in_block = false;
            // Every example of the block may use the variables its comments give.
            for ex in &mut out[block_start..] {
                ex.variables = sources
                    .iter()
                    .filter(|(name, _)| ex.text.contains(&format!("${name}")))
                    .cloned()
                    .collect();
            }
            continue;
        }
        if let Some(var) = line.strip_prefix("#   $") {
            let (name, how) = var.split_once(':').expect("`#   $name: source`");
            let how = how.trim();
            let source = match how.strip_prefix("the id ") {
                Some(rest) => Source::Returned(
                    rest.strip_suffix(" returned")
                        .expect("`the id FIELD returned`")
                        .to_owned(),
                ),
                None => Source::Query(how.to_owned()),
            };
            sources.push((name.trim().to_owned(), source));
        } else if line.starts_with('{') || line.starts_with("query") || line.starts_with("mutation")
        {
            out.push(Example {
                section: section.clone(),
                text: line.to_owned(),
                variables: Vec::new(),
            });
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            let last = out
                .last_mut()
                .expect("a continuation line after an example");
            last.text.push('\n');
            last.text.push_str(line);
        }
    }
    out
}

/// The first `id` in `v`, depth first.
fn first_id(v: &Value) -> Option<&str> {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(id)) = m.get("id") {
                    return Some(id);
                }
                stack.extend(m.values().rev());
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
    None
}

#[tokio::test]
async fn every_example_runs_as_written() {
    // On the real clock, as a reader runs them.
    let db = keluarga_test_support::TestDb::new().await;
    let cfg = config();
    let state =
        keluarga_gateway::startup::state_at(&cfg, db.db.clone(), Clock::System).expect("state");
    let t = TestApp { db, cfg, state };
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .expect("demo data");
    let admin = t.token(Role::Admin, "");
    let all = examples();
    assert!(all.len() >= 40, "only {} examples found", all.len());
    assert!(
        all.iter()
            .filter(|e| e.text.starts_with("mutation"))
            .count()
            >= 15
    );
    let mut returned: Map<String, Value> = Map::new();
    for ex in &all {
        let mut vars = Map::new();
        for (name, source) in &ex.variables {
            let id = match source {
                Source::Query(q) => {
                    let data = t.ok(&admin, q, json!({})).await;
                    first_id(&data)
                        .unwrap_or_else(|| panic!("${name}: {q} answered no id: {data}"))
                        .to_owned()
                }
                Source::Returned(field) => returned
                    .get(field)
                    .and_then(|v| v.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("${name}: no earlier `{field}` returned an id"))
                    .to_owned(),
            };
            vars.insert(name.clone(), Value::String(id));
        }
        let body = t.gql(&admin, &ex.text, Value::Object(vars)).await;
        assert!(
            body.get("errors").is_none(),
            "README, section {}: the example\n{}\nanswered {body}",
            ex.section,
            ex.text
        );
        let data = body["data"].as_object().expect("data").clone();
        assert!(
            data.values().all(|v| !v.is_null()),
            "README, section {}: {}\nanswered null: {body}",
            ex.section,
            ex.text
        );
        returned.extend(data);
    }
}
