//! Every path to a personal record, found by introspection, is scoped and audited.
//!
//! The personal record types are not listed here: they are the records core and the domains
//! declare with `Access::Personal` or `Access::Health` (`keluarga_gateway::domains::records()`).
//! The test walks the schema for every field whose type is one of them (directly, as a list, or
//! as a connection), on the query root and on every type reached from a `node`, and checks:
//! - an OPERATOR of a city with no data gets none of them, by any path;
//! - an OPERATOR in scope gets them, and every one returned has its audit entry;
//! - a child who moved city: the new city never sees the measurements taken in the old one, the
//!   old city never sees the child.

use std::collections::{BTreeMap, BTreeSet};

use keluarga_core::Role;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp};

const INTROSPECT: &str = r#"{ __schema { types { name kind possibleTypes { name }
    fields { name args { name type { kind name ofType { kind name ofType { kind name } } } defaultValue }
             type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"#;

/// A field's type with lists and non-nulls removed.
fn base(t: &Value) -> &str {
    let mut t = t;
    while t["name"].is_null() && !t["ofType"].is_null() {
        t = &t["ofType"];
    }
    t["name"].as_str().unwrap_or("")
}

struct Schema {
    /// type name → (field name → base type name), for fields without required arguments.
    fields: BTreeMap<String, BTreeMap<String, String>>,
    /// Root fields with required arguments: field → [(argument, base type)].
    required: BTreeMap<String, Vec<(String, String)>>,
    /// The types implementing `Node`.
    nodes: BTreeSet<String>,
}

fn schema(v: &Value) -> Schema {
    let mut fields = BTreeMap::new();
    let mut required = BTreeMap::new();
    let mut nodes = BTreeSet::new();
    for t in v["__schema"]["types"].as_array().unwrap() {
        if t["name"] == "Node" {
            for p in t["possibleTypes"].as_array().unwrap() {
                nodes.insert(p["name"].as_str().unwrap().to_owned());
            }
        }
        let Some(fs) = t["fields"].as_array() else {
            continue;
        };
        let name = t["name"].as_str().unwrap().to_owned();
        let mut m = BTreeMap::new();
        for f in fs {
            let fname = f["name"].as_str().unwrap().to_owned();
            let req: Vec<(String, String)> = f["args"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null())
                .map(|a| {
                    (
                        a["name"].as_str().unwrap().to_owned(),
                        base(&a["type"]).to_owned(),
                    )
                })
                .collect();
            if !req.is_empty() {
                if name == "Query" {
                    required.insert(fname.clone(), req);
                }
                if name != "Query" {
                    continue;
                }
            }
            m.insert(fname, base(&f["type"]).to_owned());
        }
        fields.insert(name, m);
    }
    Schema {
        fields,
        required,
        nodes,
    }
}

impl Schema {
    /// The record type a field of type `t` yields: `t` itself, or the node of a connection.
    fn yields<'a>(&'a self, t: &'a str) -> &'a str {
        if t.ends_with("Connection")
            && let Some(edge) = self.fields.get(t).and_then(|f| f.get("edges"))
            && let Some(node) = self.fields.get(edge).and_then(|f| f.get("node"))
        {
            return node;
        }
        t
    }

    fn has_id(&self, t: &str) -> bool {
        self.fields.get(t).is_some_and(|f| f.contains_key("id"))
    }

    /// `__typename id` plus, for every field of `t` leading to a personal type, that field with
    /// the same selection inside (each type once per path).
    fn selection(&self, t: &str, personal: &BTreeSet<String>, path: &mut Vec<String>) -> String {
        let mut s = String::from("__typename");
        if self.has_id(t) {
            s.push_str(" id");
        }
        path.push(t.to_owned());
        for (f, ft) in self.fields.get(t).into_iter().flatten() {
            let target = self.yields(ft);
            if !personal.contains(target) || path.iter().any(|p| p == target) {
                continue;
            }
            let inner = self.selection(target, personal, path);
            if target == ft {
                s.push_str(&format!(" {f} {{ {inner} }}"));
            } else {
                s.push_str(&format!(
                    " {f}(first: 100) {{ edges {{ node {{ {inner} }} }} }}"
                ));
            }
        }
        path.pop();
        s
    }

    /// Types with a personal relation field, or personal themselves.
    fn reaches(&self, t: &str, personal: &BTreeSet<String>) -> bool {
        personal.contains(t)
            || self
                .fields
                .get(t)
                .is_some_and(|f| f.values().any(|ft| personal.contains(self.yields(ft))))
    }
}

/// Every (typename, id) in a response.
fn records(v: &Value, out: &mut BTreeSet<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(t)), Some(Value::String(id))) =
                (m.get("__typename"), m.get("id"))
            {
                out.insert((t.clone(), id.clone()));
            }
            m.values().for_each(|x| records(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| records(x, out)),
        _ => {}
    }
}

/// Typenames of objects without an id in a response.
fn typenames(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(t)) = m.get("__typename") {
                out.insert(t.clone());
            }
            m.values().for_each(|x| typenames(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| typenames(x, out)),
        _ => {}
    }
}

fn uuid_of(global: &str) -> String {
    keluarga_core::id::decode(&async_graphql::ID::from(global))
        .unwrap()
        .1
}

const NIK: &str = "3171010101900001";

/// Every query that can return a personal record: the root fields and `node` on each fixture id.
fn queries(
    s: &Schema,
    personal: &BTreeSet<String>,
    ids: &BTreeSet<(String, String)>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (f, ft) in &s.fields["Query"] {
        let target = s.yields(ft);
        if !personal.contains(target) {
            continue;
        }
        let args: Vec<String> = s
            .required
            .get(f)
            .into_iter()
            .flatten()
            .map(|(a, t)| match t.as_str() {
                "String" => format!("{a}: \"{NIK}\""),
                other => panic!("{f}: no value for a required {other} argument"),
            })
            .collect();
        let inner = s.selection(target, personal, &mut Vec::new());
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        if target == ft {
            out.push(format!("{{ {f}{args} {{ {inner} }} }}"));
        } else {
            let args = if args.is_empty() {
                "(first: 100)".to_owned()
            } else {
                args
            };
            out.push(format!(
                "{{ {f}{args} {{ edges {{ node {{ {inner} }} }} }} }}"
            ));
        }
    }
    for (t, id) in ids {
        if s.nodes.contains(t) && s.reaches(t, personal) {
            let inner = s.selection(t, personal, &mut Vec::new());
            out.push(format!(
                "{{ node(id: \"{id}\") {{ __typename ... on {t} {{ {inner} }} }} }}"
            ));
        }
    }
    out
}

/// What `who` gets from every query (errors such as FORBIDDEN count as nothing returned).
async fn crawl(
    t: &TestApp,
    who: &As,
    qs: &[String],
) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let (mut ids, mut types) = (BTreeSet::new(), BTreeSet::new());
    for q in qs {
        let body = t.gql(who, q, json!({})).await;
        if let Some(errors) = body.get("errors") {
            for e in errors.as_array().unwrap() {
                let code = e["extensions"]["code"].as_str().unwrap_or("");
                assert!(
                    ["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"].contains(&code),
                    "{q}: {e}"
                );
            }
        }
        records(&body["data"], &mut ids);
        typenames(&body["data"], &mut types);
    }
    (ids, types)
}

#[tokio::test]
async fn every_path_to_a_personal_record_is_scoped_and_audited() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let admin = t.token(Role::Admin, "");

    // A person with a NIK in Jakarta Pusat (for personByNik), and a Pekalongan child who moves
    // to Jakarta Pusat, leaving measurements taken in Pekalongan behind.
    t.ok(
        &admin,
        r#"mutation($nik: String!) { createPerson(input: { fullName: "Dewi", sex: FEMALE, regionCode: "31.71.01.1001", nik: $nik }) { id } }"#,
        json!({ "nik": NIK }),
    )
    .await;
    let moving = t
        .ok(
            &admin,
            r#"{ children(filter: { regionCode: "33.75" }, first: 1) { edges { node { id
                 person { id version } measurements { id } } } } }"#,
            json!({}),
        )
        .await["children"]["edges"][0]["node"]
        .clone();
    let left_behind: BTreeSet<String> = moving["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!left_behind.is_empty());
    t.ok(
        &admin,
        r#"mutation($p: ID!, $v: Int!) { updatePerson(input: { id: $p, version: $v, regionCode: "31.71.01.1001" }) { id } }"#,
        json!({ "p": moving["person"]["id"], "v": moving["person"]["version"] }),
    )
    .await;
    let moved_child = moving["id"].as_str().unwrap().to_owned();

    // The marker: every personal record type core and the domains declare, each in the schema.
    let declared = keluarga_gateway::domains::records();
    let personal: BTreeSet<String> = declared
        .iter()
        .filter(|r| r.access.is_personal())
        .map(|r| r.type_name.to_owned())
        .collect();
    let table: BTreeMap<&str, &str> = declared.iter().map(|r| (r.type_name, r.table)).collect();
    let s = schema(&t.ok(&admin, INTROSPECT, json!({})).await);
    for p in &personal {
        assert!(
            s.fields.contains_key(p),
            "{p} is declared personal but is not in the schema"
        );
    }
    for expected in ["Person", "Family", "Child", "Measurement"] {
        assert!(
            personal.contains(expected),
            "{expected} must be declared personal"
        );
    }

    // Fixture ids: everything the root fields give an ADMIN, the moved child and what it left.
    let mut fixture = BTreeSet::new();
    for (f, ft) in &s.fields["Query"] {
        let target = s.yields(ft).to_owned();
        if target == *ft || !s.has_id(&target) || !s.reaches(&target, &personal) {
            continue;
        }
        let body = t
            .gql(
                &admin,
                &format!("{{ {f}(first: 100) {{ edges {{ node {{ __typename id }} }} }} }}"),
                json!({}),
            )
            .await;
        records(&body["data"], &mut fixture);
    }
    fixture.insert(("Child".to_owned(), moved_child.clone()));
    for m in &left_behind {
        fixture.insert(("Measurement".to_owned(), m.clone()));
    }
    let qs = queries(&s, &personal, &fixture);
    assert!(
        qs.len() > 50,
        "the walk covers the root fields and many nodes: {}",
        qs.len()
    );

    // A city with no data (Surabaya): no personal record by any path.
    let (ids, types) = crawl(&t, &t.token(Role::Operator, "35.78"), &qs).await;
    let leaked: Vec<_> = types.iter().filter(|t| personal.contains(*t)).collect();
    assert!(
        leaked.is_empty(),
        "Surabaya got {leaked:?} ({} records)",
        ids.len()
    );

    // Jakarta Pusat: its records, each audited; never the measurements taken in Pekalongan.
    let (ids, types) = crawl(&t, &t.token(Role::Operator, "31.71"), &qs).await;
    let got: BTreeSet<&str> = types
        .iter()
        .map(String::as_str)
        .filter(|t| personal.contains(*t))
        .collect();
    for expected in ["Person", "Family", "Child", "Measurement", "CadreRole"] {
        assert!(
            got.contains(expected),
            "Jakarta Pusat sees no {expected}: {got:?}"
        );
    }
    assert!(
        ids.contains(&("Child".to_owned(), moved_child.clone())),
        "the moved child is seen in its new city"
    );
    for m in &left_behind {
        assert!(
            !ids.contains(&("Measurement".to_owned(), m.clone())),
            "a measurement taken in Pekalongan reached Jakarta"
        );
    }
    let log = t.audit_log().await;
    let mut audited: BTreeSet<(String, String)> = BTreeSet::new();
    let mut tables_audited: BTreeSet<String> = BTreeSet::new();
    for (entity, role, record_ids) in &log {
        if role == "OPERATOR" {
            tables_audited.insert(entity.clone());
            for id in record_ids {
                audited.insert((entity.clone(), id.clone()));
            }
        }
    }
    let mut unaudited = Vec::new();
    for (ty, id) in &ids {
        if personal.contains(ty) && !audited.contains(&(table[ty.as_str()].to_owned(), uuid_of(id)))
        {
            unaudited.push((ty.clone(), id.clone()));
        }
    }
    assert!(
        unaudited.is_empty(),
        "returned without an audit entry: {unaudited:?}"
    );
    // Personal types without an id (family links, revisions) are audited by table.
    for ty in got.iter().filter(|t| !s.has_id(t)) {
        assert!(
            tables_audited.contains(table[ty]),
            "{ty} returned but its table is not audited"
        );
    }

    // Pekalongan: never the child who left, by any path.
    let (ids, _) = crawl(&t, &t.token(Role::Operator, "33.75"), &qs).await;
    assert!(
        !ids.contains(&("Child".to_owned(), moved_child)),
        "Pekalongan still sees the child who moved"
    );
    assert!(
        ids.iter().any(|(t, _)| t == "Child"),
        "Pekalongan sees its own children"
    );
}
