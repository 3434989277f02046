//! The response in the order of its selection set.
//!
//! async-graphql 7.2 resolves the fields of an object concurrently and writes each into the
//! response as it finishes (`do_resolve_container` over a `FuturesUnordered`), so the keys of
//! `data` came in the order resolvers finished: `{ region cadreProgress me }` answered `me`
//! first, and not the same way twice. The GraphQL specification orders an object's entries as
//! CollectFields meets them in the document (clients that diff responses, cache them by bytes or
//! read them with streaming parsers rely on it). [`in_selection_order`] sorts every object of an
//! executed response into that order, at every depth, after execution: resolvers still run
//! concurrently and their DataLoader batches are unchanged.
//!
//! The work is bounded by the gateway's limits, not by the document's shape: the walk is over the
//! response (bounded by page sizes and the selection limit) with explicit stacks, the group of
//! selection sets under each response key is collected once per response (when the response
//! first has an object there), and a fragment is expanded at most once per collection (as
//! CollectFields does).
//!
//! Not decided here: type conditions. The response does not say an object's runtime type, so a
//! fragment on another type takes part in the order; the order differs from the specification
//! only when the same key is selected both under a type condition that does not apply and after
//! it under one that does (`... on A { x } ... on B { y x }` answered `x, y` for a `B`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};

/// Response keys are hashed once per object entry: a fast hasher with a per-process seed (the
/// keys come from the document, whose size the limits bound).
type Keys<'d> = HashMap<&'d Name, usize, foldhash::fast::RandomState>;

/// A group of selection sets collected: where each response key comes first, the selection sets
/// of the fields answered under each key (fields with one key are merged, so all of them), and
/// the groups below each key, collected when the response first has an object there.
struct Collected<'d> {
    order: Keys<'d>,
    subs: Vec<Vec<&'d SelectionSet>>,
    below: RefCell<Vec<Option<Rc<Collected<'d>>>>>,
}

impl<'d> Collected<'d> {
    /// The group under the key at position `i`.
    fn below(&self, doc: &'d ExecutableDocument, i: usize) -> Rc<Collected<'d>> {
        let mut below = self.below.borrow_mut();
        below[i]
            .get_or_insert_with(|| Rc::new(collect(doc, &self.subs[i])))
            .clone()
    }
}

/// Sorts every object of `data`, the response of `operation` (or the document's only one) of
/// `doc`, into the order its fields are selected in. Leaves `data` as it is when the operation is
/// not in the document (nothing ran then). An object already in order (most are: async-graphql
/// writes a nested object's fields in order when they finish together) is only checked.
pub fn in_selection_order(data: &mut Value, doc: &ExecutableDocument, operation: Option<&str>) {
    let Some(op) = operation_of(doc, operation) else {
        return;
    };
    let root = Rc::new(collect(doc, &[&op.selection_set.node]));
    let mut stack: Vec<(&mut Value, Rc<Collected<'_>>)> = vec![(data, root)];
    while let Some((value, collected)) = stack.pop() {
        match value {
            Value::List(items) => {
                for item in items {
                    stack.push((item, collected.clone()));
                }
            }
            Value::Object(map) => {
                let position = |k: &Name| collected.order.get(k).copied().unwrap_or(usize::MAX);
                let in_order = map
                    .keys()
                    .map(position)
                    .try_fold(0, |last, p| (p >= last).then_some(p))
                    .is_some();
                if !in_order {
                    map.sort_by_cached_key(|k, _| position(k));
                }
                for (k, v) in map.iter_mut() {
                    if !matches!(v, Value::Object(_) | Value::List(_)) {
                        continue;
                    }
                    if let Some(&i) = collected.order.get(k)
                        && !collected.subs[i].is_empty()
                    {
                        stack.push((v, collected.below(doc, i)));
                    }
                }
            }
            _ => {}
        }
    }
}

fn operation_of<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(n)) => ops.get(n).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// CollectFields over `sets` in document order (fragments expanded once each, type conditions
/// not decided: see the module's note).
fn collect<'d>(doc: &'d ExecutableDocument, sets: &[&'d SelectionSet]) -> Collected<'d> {
    let mut order = Keys::default();
    let mut subs: Vec<Vec<&'d SelectionSet>> = Vec::new();
    let mut visited = HashSet::new();
    let mut work: Vec<std::slice::Iter<'d, Positioned<Selection>>> =
        sets.iter().rev().map(|s| s.items.iter()).collect();
    while let Some(top) = work.last_mut() {
        let Some(selection) = top.next() else {
            work.pop();
            continue;
        };
        match &selection.node {
            Selection::Field(f) => {
                let key = &f.node.response_key().node;
                let next = order.len();
                let i = *order.entry(key).or_insert(next);
                if i == subs.len() {
                    subs.push(Vec::new());
                }
                let set = &f.node.selection_set.node;
                if !set.items.is_empty() {
                    subs[i].push(set);
                }
            }
            Selection::FragmentSpread(s) => {
                let name = &s.node.fragment_name.node;
                if visited.insert(name)
                    && let Some(fragment) = doc.fragments.get(name)
                {
                    work.push(fragment.node.selection_set.node.items.iter());
                }
            }
            Selection::InlineFragment(i) => work.push(i.node.selection_set.node.items.iter()),
        }
    }
    let below = RefCell::new(vec![None; subs.len()]);
    Collected { order, subs, below }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &Value) -> Vec<String> {
        match v {
            Value::Object(m) => m.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn objects_take_the_order_of_their_selections_at_every_depth() {
        let doc = async_graphql::parser::parse_query(
            r#"query Q { me { role scope } a: region(code: "33") { ...R name } b: region(code: "34") { code } }
               fragment R on Region { code children(first: 2) { nodes { name code } } }"#,
        )
        .expect("parses");
        // As the resolvers finished: reversed everywhere.
        let mut data = serde_json::from_str::<Value>(
            r#"{ "b": { "code": "34" },
                 "a": { "name": "Jawa Tengah", "children": { "nodes": [
                          { "code": "33.01", "name": "Cilacap" }, { "code": "33.02", "name": "Banyumas" } ] },
                        "code": "33" },
                 "me": { "scope": "33", "role": "ANALYST" } }"#,
        )
        .expect("json");
        in_selection_order(&mut data, &doc, Some("Q"));
        assert_eq!(keys(&data), ["me", "a", "b"]);
        let Value::Object(root) = &data else {
            panic!("object")
        };
        assert_eq!(keys(&root["me"]), ["role", "scope"]);
        assert_eq!(keys(&root["a"]), ["code", "children", "name"]);
        let Value::Object(a) = &root["a"] else {
            panic!("object")
        };
        let Value::Object(children) = &a["children"] else {
            panic!("object")
        };
        let Value::List(nodes) = &children["nodes"] else {
            panic!("list")
        };
        for n in nodes {
            assert_eq!(keys(n), ["name", "code"]);
        }
    }

    #[test]
    fn fields_with_one_key_merge_and_an_unknown_operation_changes_nothing() {
        let doc = async_graphql::parser::parse_query(
            "query A { me { role } me { scope } ... on Query { x: me { role } } } query B { me { role } }",
        )
        .expect("parses");
        let text = r#"{ "x": { "role": "R" }, "me": { "scope": "S", "role": "R" } }"#;
        let mut data = serde_json::from_str::<Value>(text).expect("json");
        in_selection_order(&mut data, &doc, Some("A"));
        assert_eq!(keys(&data), ["me", "x"]);
        let Value::Object(root) = &data else {
            panic!("object")
        };
        assert_eq!(keys(&root["me"]), ["role", "scope"]);
        let mut untouched = serde_json::from_str::<Value>(text).expect("json");
        in_selection_order(&mut untouched, &doc, None);
        assert_eq!(
            keys(&untouched),
            ["x", "me"],
            "two operations and no name: nothing ran"
        );
    }
}
