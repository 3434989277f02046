//! The shape of a document, measured before anything else walks it.
//!
//! async-graphql's validation and execution walk a document recursively and expand every
//! fragment spread where it stands. A chain of fragments each spreading the next is a recursion
//! as deep as the chain (15,000 of them overflowed a worker's stack and aborted the process),
//! and fragments that each spread the previous one twice are 2^n fields to walk for a document
//! of n lines. So the gateway measures every document here first, without recursion and in time
//! linear in its size, and refuses it with `QUERY_TOO_COMPLEX` (naming the measure and the
//! limit) before async-graphql sees it:
//!
//! - on the text, before parsing ([`scan`]): its tokens, and how deep its brackets nest;
//! - on the parse ([`measure`]): its fragments, the longest chain of fragment spreads, and the
//!   selections it has once every spread is expanded where it stands, which is what
//!   async-graphql's inline walks visit (each fragment's expansion is computed once, from the
//!   fragments it spreads, so the doubling chain costs one step per fragment); a fragment that
//!   spreads itself, directly or not, is a validation failure here rather than a recursion.
//!
//! A document within these bounds costs async-graphql's validation work in proportion to
//! `max_selections`, and its recursion is as deep as `max_nesting` times `max_fragment_depth`
//! at most. The shape also holds what the role limits check after authentication (depth,
//! aliases, root fields) and the root field names an unauthenticated caller is allowed.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use serde::{Deserialize, Serialize};

use crate::limits::Exceeded;

/// The bounds every document is held to, whoever sends it (`[graphql]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLimits {
    /// Most lexical tokens (names, punctuators, strings, numbers) in the document's text.
    pub max_tokens: usize,
    /// Deepest nesting of `{`, `[` and `(` in the text.
    pub max_nesting: usize,
    /// Most fragment definitions.
    pub max_fragments: usize,
    /// Longest chain of fragment spreads (an operation spreading `A`, which spreads `B`: 2).
    pub max_fragment_depth: usize,
    /// Most selections (fields, inline fragments, spreads) of all operations with every fragment
    /// spread expanded where it stands.
    pub max_selections: usize,
}

impl DocumentLimits {
    /// The bounds of `[graphql]`.
    pub fn of(g: &crate::config::Graphql) -> Self {
        DocumentLimits {
            max_tokens: g.max_tokens,
            max_nesting: g.max_nesting,
            max_fragments: g.max_fragments,
            max_fragment_depth: g.max_fragment_depth,
            max_selections: g.max_selections,
        }
    }
}

impl Default for DocumentLimits {
    fn default() -> Self {
        DocumentLimits::of(&crate::config::Graphql::default())
    }
}

/// What [`measure`] found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Lexical tokens of the text.
    pub tokens: usize,
    /// Deepest bracket nesting of the text.
    pub nesting: usize,
    /// Fragment definitions.
    pub fragments: usize,
    /// Longest chain of fragment spreads, from an operation or a fragment.
    pub fragment_depth: usize,
    /// Selections of all operations with every spread expanded.
    pub selections: u64,
    /// Deepest field, fragments expanded, over all operations: async-graphql's `depth`.
    pub depth: usize,
    /// Aliased fields as written (fragments counted once).
    pub aliases: usize,
    operations: Vec<OperationShape>,
}

/// One operation: its name, whether it is a mutation, and its root fields.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OperationShape {
    name: Option<String>,
    mutation: bool,
    /// Names of the fields selected at the root, through fragments (each fragment once).
    root_fields: Vec<String>,
}

/// Why a document is refused before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A measure is over its limit: `QUERY_TOO_COMPLEX`.
    Over(Exceeded),
    /// A fragment spreads itself, directly or through others: `GRAPHQL_VALIDATION_FAILED`.
    Cycle(String),
}

impl Shape {
    /// The names of the fields selected at the root of the operation that runs (`name`, or the
    /// only one), through fragments, each fragment counted once; empty when the operation is
    /// not in the document (validation then refuses it).
    pub fn root_fields(&self, name: Option<&str>) -> &[String] {
        let op = match name {
            Some(n) => self
                .operations
                .iter()
                .find(|o| o.name.as_deref() == Some(n)),
            None if self.operations.len() == 1 => self.operations.first(),
            None => None,
        };
        op.map_or(&[], |o| o.root_fields.as_slice())
    }

    /// Whether the operation that runs is a mutation: the only anonymous one whatever `name`
    /// says; the one called `name`; without a name, any of them (GET refuses a document that
    /// could run one).
    pub fn is_mutation(&self, name: Option<&str>) -> bool {
        match (self.operations.as_slice(), name) {
            ([only], _) if only.name.is_none() => only.mutation,
            (ops, Some(n)) => ops
                .iter()
                .any(|o| o.name.as_deref() == Some(n) && o.mutation),
            (ops, None) => ops.iter().any(|o| o.mutation),
        }
    }

    /// The role's limits on what was counted in the document: its depth, its aliases and the
    /// root fields of the operation that runs (`operation`, or the only one), before validation
    /// walks it.
    pub fn within(
        &self,
        limits: &crate::limits::OperationLimits,
        operation: Option<&str>,
    ) -> Result<(), Exceeded> {
        limits.check("depth", self.depth, limits.max_depth)?;
        limits.check("aliases", self.aliases, limits.max_aliases)?;
        let root_fields = self.root_fields(operation).len();
        limits.check("rootFields", root_fields, limits.max_root_fields)
    }

    /// The name of the document's operation when it has exactly one and it is named.
    pub fn only_operation_name(&self) -> Option<&str> {
        match self.operations.as_slice() {
            [only] => only.name.as_deref(),
            _ => None,
        }
    }
}

fn over(measure: &'static str, cost: usize, limit: usize) -> Result<(), Refusal> {
    if cost > limit {
        Err(Refusal::Over(Exceeded {
            measure,
            cost: cost as u64,
            limit: limit as u64,
            role: None,
        }))
    } else {
        Ok(())
    }
}

/// Counts the tokens of `text` and the deepest nesting of its brackets, in one pass that stops
/// at the first bound passed. Strings (block strings too) and comments are skipped as GraphQL's
/// lexer skips them; what the lexer would refuse counts as a token, and the parser refuses it.
pub fn scan(text: &str, limits: &DocumentLimits) -> Result<(usize, usize), Refusal> {
    let b = text.as_bytes();
    let (mut i, mut tokens, mut depth, mut deepest) = (0usize, 0usize, 0usize, 0usize);
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    // `\"""` is an escaped delimiter inside a block string.
                    i += if b[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                over("nesting", deepest, limits.max_nesting)?;
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'.' if b[i..].starts_with(b"...") => i += 3,
            c if c == b'_' || c.is_ascii_alphabetic() => {
                i += 1;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            c if c == b'-' || c.is_ascii_digit() => {
                // A number, with its fraction and exponent.
                i += 1;
                while i < b.len() && (b[i] == b'.' || b[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        tokens += 1;
        over("tokens", tokens, limits.max_tokens)?;
    }
    Ok((tokens, deepest))
}

/// What one selection set holds itself, before its spreads are expanded.
#[derive(Debug, Default)]
struct Local<'d> {
    selections: u64,
    depth: usize,
    aliases: usize,
    /// Each spread with the field depth it stands at.
    spreads: Vec<(&'d str, usize)>,
}

/// Walks `set` with a stack of its nested sets (no recursion).
fn local(set: &SelectionSet) -> Local<'_> {
    let mut l = Local::default();
    let mut stack = vec![(set, 0usize)];
    while let Some((set, at)) = stack.pop() {
        for s in &set.items {
            l.selections += 1;
            match &s.node {
                Selection::Field(f) => {
                    let d = at + 1;
                    l.depth = l.depth.max(d);
                    l.aliases += usize::from(f.node.alias.is_some());
                    stack.push((&f.node.selection_set.node, d));
                }
                Selection::InlineFragment(i) => stack.push((&i.node.selection_set.node, at)),
                Selection::FragmentSpread(f) => {
                    l.spreads.push((f.node.fragment_name.node.as_str(), at));
                }
            }
        }
    }
    l
}

/// A selection set with its spreads expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Expanded {
    selections: u64,
    depth: usize,
    /// Longest chain of spreads from here.
    chain: usize,
}

fn expand(l: &Local<'_>, done: &HashMap<&str, Expanded>) -> Expanded {
    let mut e = Expanded {
        selections: l.selections,
        depth: l.depth,
        chain: 0,
    };
    for (name, at) in &l.spreads {
        // An unknown fragment adds nothing (validation refuses it).
        if let Some(t) = done.get(name) {
            e.selections = e.selections.saturating_add(t.selections);
            e.depth = e.depth.max(at + t.depth);
            e.chain = e.chain.max(t.chain + 1);
        }
    }
    e
}

/// Measures a parsed document (whose text [`scan`] gave `tokens` and `nesting`) against
/// `limits`: every walk is a loop over an explicit stack, and each fragment is expanded once.
pub fn measure(
    doc: &ExecutableDocument,
    (tokens, nesting): (usize, usize),
    limits: &DocumentLimits,
) -> Result<Shape, Refusal> {
    over("fragments", doc.fragments.len(), limits.max_fragments)?;
    let locals: HashMap<&str, Local<'_>> = doc
        .fragments
        .iter()
        .map(|(name, f)| (name.as_str(), local(&f.node.selection_set.node)))
        .collect();
    // Fragments in an order where each comes after the ones it spreads (depth first, with an
    // explicit stack); a spread back into the stack is a cycle.
    let mut done: HashMap<&str, Expanded> = HashMap::with_capacity(locals.len());
    let mut open: HashSet<&str> = HashSet::new();
    let mut names: Vec<&str> = locals.keys().copied().collect();
    names.sort_unstable();
    for &start in &names {
        if done.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        open.insert(start);
        while let Some((name, next)) = stack.last_mut() {
            let l = &locals[*name];
            if let Some(&(target, _)) = l.spreads.get(*next) {
                *next += 1;
                if open.contains(target) {
                    return Err(Refusal::Cycle(target.to_owned()));
                }
                if locals.contains_key(target) && !done.contains_key(target) {
                    open.insert(target);
                    stack.push((target, 0));
                }
            } else {
                let name = *name;
                done.insert(name, expand(l, &done));
                open.remove(name);
                stack.pop();
            }
        }
    }
    let mut shape = Shape {
        tokens,
        nesting,
        fragments: doc.fragments.len(),
        fragment_depth: done.values().map(|e| e.chain).max().unwrap_or(0),
        selections: 0,
        depth: 0,
        aliases: locals.values().map(|l| l.aliases).sum(),
        operations: Vec::new(),
    };
    for (name, op) in doc.operations.iter() {
        let set = &op.node.selection_set.node;
        let l = local(set);
        let e = expand(&l, &done);
        shape.selections = shape.selections.saturating_add(e.selections);
        shape.depth = shape.depth.max(e.depth);
        shape.fragment_depth = shape.fragment_depth.max(e.chain);
        shape.aliases += l.aliases;
        shape.operations.push(OperationShape {
            name: name.map(|n| n.to_string()),
            mutation: op.node.ty == OperationType::Mutation,
            root_fields: root_fields(doc, set),
        });
    }
    over(
        "fragmentDepth",
        shape.fragment_depth,
        limits.max_fragment_depth,
    )?;
    over(
        "selections",
        usize::try_from(shape.selections).unwrap_or(usize::MAX),
        limits.max_selections,
    )?;
    Ok(shape)
}

/// The fields selected at the root of `set`, through inline fragments and fragment spreads,
/// each fragment counted once (a fragment spread twice selects the same fields).
fn root_fields(doc: &ExecutableDocument, set: &SelectionSet) -> Vec<String> {
    let mut fields = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack = vec![set];
    while let Some(set) = stack.pop() {
        for s in &set.items {
            match &s.node {
                Selection::Field(f) => fields.push(f.node.name.node.to_string()),
                Selection::InlineFragment(i) => stack.push(&i.node.selection_set.node),
                Selection::FragmentSpread(f) => {
                    let name = &f.node.fragment_name.node;
                    if let Some(fr) = doc.fragments.get(name)
                        && seen.insert(name.as_str())
                    {
                        stack.push(&fr.node.selection_set.node);
                    }
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(doc: &str) -> Result<Shape, Refusal> {
        let limits = DocumentLimits {
            max_tokens: 1_000_000,
            max_nesting: 1_000,
            max_fragments: 100_000,
            max_fragment_depth: 100_000,
            max_selections: usize::MAX,
        };
        let scanned = scan(doc, &limits)?;
        let parsed = async_graphql::parser::parse_query(doc).expect("the test document parses");
        measure(&parsed, scanned, &limits)
    }

    fn measure_of<T: std::fmt::Debug>(r: Result<T, Refusal>) -> &'static str {
        match r {
            Err(Refusal::Over(e)) => e.measure,
            other => panic!("not refused by a measure: {other:?}"),
        }
    }

    #[test]
    fn tokens_and_nesting_skip_strings_and_comments() {
        let l = DocumentLimits::default();
        assert_eq!(scan("{ me { role } }", &l), Ok((6, 2)));
        assert_eq!(
            scan(r#"{ a(s: "{{{ \" [[[") # {{{{ "#, &l),
            Ok((7, 2)),
            "a string and a comment are one token and none"
        );
        assert_eq!(scan(r#"{ a(s: """ {{ \""" [[ """) }"#, &l), Ok((8, 2)));
        assert_eq!(scan("query ($n: Int = -1.5e3) { ...f }", &l), Ok((13, 1)));
        assert_eq!(scan("{a...f}", &l), Ok((5, 1)));
        let deep = format!("{}{}", "{a".repeat(60), "}".repeat(60));
        assert_eq!(measure_of(scan(&deep, &l)), "nesting");
        let long = format!("{{ {} }}", "a ".repeat(20_000));
        assert_eq!(measure_of(scan(&long, &l)), "tokens");
    }

    #[test]
    fn root_fields_are_counted_through_fragments_once_each() {
        let roots =
            |doc: &str, name: Option<&str>| shape(doc).expect("measured").root_fields(name).len();
        assert_eq!(roots("{ a b c }", None), 3);
        assert_eq!(
            roots(
                "{ a ... on Query { b } ...f } fragment f on Query { c d }",
                None
            ),
            4
        );
        assert_eq!(roots("{ ...f ...f } fragment f on Query { c d }", None), 2);
        let two = "query A { a } mutation B { b c }";
        let s = shape(two).expect("measured");
        assert!(s.is_mutation(Some("B")) && !s.is_mutation(Some("A")) && s.is_mutation(None));
        assert_eq!(s.only_operation_name(), None);
        let one = shape("mutation M { a }").expect("measured");
        assert_eq!(one.only_operation_name(), Some("M"));
        assert!(
            shape("mutation { a }")
                .expect("measured")
                .is_mutation(Some("X"))
        );
        assert!(!shape("{ a }").expect("measured").is_mutation(None));
        assert_eq!(roots(two, Some("B")), 2);
        assert_eq!(roots(two, Some("C")), 0);
        assert_eq!(roots(two, None), 0);
    }

    #[test]
    fn fragments_are_expanded_once_each_in_linear_time() {
        // Each fragment spreads the previous one twice: 2^40 selections, measured in 40 steps.
        let mut doc = String::from("{ ...f40 } fragment f0 on Query { last }");
        for i in 1..=40 {
            doc.push_str(&format!(
                " fragment f{i} on Query {{ x ...f{p} ...f{p} }}",
                p = i - 1
            ));
        }
        let s = shape(&doc).expect("measured");
        assert_eq!(s.fragments, 41);
        assert_eq!(s.fragment_depth, 41);
        // f_i expands to 3 + 2 * f_{i-1}; f0 is 1: f_i = 2^(i+2) - 3; the operation adds 1.
        assert_eq!(s.selections, (1u64 << 42) - 3 + 1);
        assert_eq!(s.root_fields(None).len(), 41);
        // Depth through spreads at depth: async-graphql's count of nested fields.
        let s = shape("{ a { ...f } } fragment f on A { b { c { d } } }").expect("measured");
        assert_eq!((s.depth, s.fragment_depth, s.selections), (4, 1, 5));
        assert_eq!(s.aliases, 0);
        let s = shape("{ x: a { ...f } } fragment f on A { y: b z: b }").expect("measured");
        assert_eq!(s.aliases, 3);
    }

    #[test]
    fn a_long_chain_is_measured_without_recursion_and_a_cycle_is_refused() {
        let n = 50_000;
        let mut doc = String::from("query { ...F0 }");
        for i in 0..n {
            doc.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        doc.push_str(&format!(" fragment F{n} on Query {{ __typename }}"));
        let s = shape(&doc).expect("measured");
        assert_eq!(s.fragment_depth, n + 1);
        assert_eq!(
            shape("{ ...a } fragment a on Query { ...b } fragment b on Query { x ...a }"),
            Err(Refusal::Cycle("a".to_owned()))
        );
        assert_eq!(
            shape("{ x } fragment a on Query { ...a }"),
            Err(Refusal::Cycle("a".to_owned()))
        );
    }
}
