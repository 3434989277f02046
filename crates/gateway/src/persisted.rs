//! Persisted documents: automatic persisted queries (APQ) for first-party apps, and trusted
//! documents (a manifest of the operations some callers may run, and no other).
//!
//! A request names a document by its SHA-256 hash, in `extensions.persistedQuery.sha256Hash`
//! (Apollo's APQ protocol, `version: 1`) or in `documentId` (`sha256:<hex>`, the GraphQL over
//! HTTP persisted-documents proposal). Without its text the hash is looked up in the manifest,
//! then among the documents registered by APQ; unknown, it is `PERSISTED_QUERY_NOT_FOUND`, and
//! an APQ client sends the text with the hash once, which registers it (when the text hashes
//! to that value and the caller authenticated). Callers for whom `[graphql.trusted_documents]`
//! requires it (by role, or every API key) may run only documents whose text is in the
//! manifest, sent in full or by id; anything else is `OPERATION_NOT_TRUSTED`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_graphql::Value;
use keluarga_core::{Actor, Credential, ErrorCode};
use sha2::{Digest, Sha256};

use crate::config::TrustedDocuments;

/// The hex SHA-256 of a document's text, as APQ and the manifests write it.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A refusal while resolving a persisted document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Its catalogue code.
    pub code: ErrorCode,
    /// What is wrong.
    pub message: String,
    /// The request field it is about.
    pub field: Option<&'static str>,
}

impl Refusal {
    fn new(code: ErrorCode, message: impl Into<String>, field: Option<&'static str>) -> Self {
        Refusal {
            code,
            message: message.into(),
            field,
        }
    }

    /// The response body of the refusal.
    pub fn body(&self) -> serde_json::Value {
        let mut ext = serde_json::json!({ "code": self.code.as_str() });
        if let Some(f) = self.field {
            ext["field"] = serde_json::Value::from(f);
        }
        serde_json::json!({ "errors": [{ "message": self.message, "extensions": ext }] })
    }
}

/// The document a request runs, once its hash is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The document's text.
    pub query: String,
    /// The hash to register the text under when the caller is authenticated (APQ with text).
    pub register: Option<String>,
}

/// The manifest, the APQ registrations and who must use trusted documents.
#[derive(Debug, Default)]
pub struct Persisted {
    /// Manifest documents by id (the hash, without a `sha256:` prefix).
    manifest: HashMap<String, Arc<str>>,
    /// Manifest document texts, to recognise a trusted document sent in full.
    trusted: HashSet<Arc<str>>,
    required_for_roles: HashSet<String>,
    required_for_api_keys: bool,
    apq_capacity: usize,
    registered: Mutex<HashMap<String, Arc<str>>>,
}

impl Persisted {
    /// From `[graphql.trusted_documents]` and `graphql.apq_cache`; reads the manifest.
    pub fn from_config(t: &TrustedDocuments, apq_capacity: usize) -> anyhow::Result<Persisted> {
        let requires = !t.required_for_roles.is_empty() || t.required_for_api_keys;
        if let Some(bad) = t
            .required_for_roles
            .iter()
            .find(|r| !crate::limits::ROLE_KEYS.contains(&r.as_str()))
        {
            anyhow::bail!(
                "graphql.trusted_documents.required_for_roles: {bad:?} is not a role (one of {})",
                crate::limits::ROLE_KEYS.join(", ")
            );
        }
        let manifest = match &t.manifest {
            Some(path) => read_manifest(path)?,
            None if requires => anyhow::bail!(
                "graphql.trusted_documents: required_for_roles or required_for_api_keys needs a manifest"
            ),
            None => HashMap::new(),
        };
        let trusted = manifest.values().cloned().collect();
        Ok(Persisted {
            manifest,
            trusted,
            required_for_roles: t.required_for_roles.iter().cloned().collect(),
            required_for_api_keys: t.required_for_api_keys,
            apq_capacity,
            registered: Mutex::new(HashMap::new()),
        })
    }

    /// How many documents the manifest holds.
    pub fn manifest_len(&self) -> usize {
        self.manifest.len()
    }

    /// The document of a request: its text, or the text its hash names.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: &HashMap<String, Value>,
        document_id: Option<&str>,
    ) -> Result<Resolved, Refusal> {
        let query = query.filter(|q| !q.trim().is_empty());
        let hash = match document_id {
            Some(id) => Some(
                id.strip_prefix("sha256:")
                    .unwrap_or(id)
                    .to_ascii_lowercase(),
            ),
            None => apq_hash(extensions)?,
        };
        let Some(hash) = hash else {
            return query
                .map(|query| Resolved {
                    query,
                    register: None,
                })
                .ok_or_else(|| {
                    Refusal::new(
                        ErrorCode::GraphqlParseFailed,
                        "the request has no `query` (nor a persisted document's hash)",
                        Some("query"),
                    )
                });
        };
        if let Some(query) = query {
            if sha256_hex(&query) != hash && self.manifest.get(&hash).is_none_or(|t| **t != *query)
            {
                return Err(Refusal::new(
                    ErrorCode::BadUserInput,
                    "the persisted document's hash is not the SHA-256 of `query`",
                    Some("extensions.persistedQuery.sha256Hash"),
                ));
            }
            let register =
                (self.apq_capacity > 0 && !self.manifest.contains_key(&hash)).then_some(hash);
            return Ok(Resolved { query, register });
        }
        let text = self.manifest.get(&hash).cloned().or_else(|| {
            self.registered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&hash)
                .cloned()
        });
        match text {
            Some(t) => Ok(Resolved {
                query: t.to_string(),
                register: None,
            }),
            None => Err(Refusal::new(
                ErrorCode::PersistedQueryNotFound,
                "PersistedQueryNotFound: no document has this hash; send it once with `query`",
                None,
            )),
        }
    }

    /// Whether `actor` may run only manifest documents.
    pub fn required_for(&self, actor: &Actor) -> bool {
        (self.required_for_api_keys && matches!(actor.credential, Credential::ApiKey(_)))
            || self
                .required_for_roles
                .contains(actor.role.map_or("ANONYMOUS", |r| r.as_str()))
    }

    /// `Err` when `actor` must use trusted documents and `query` is not one.
    pub fn check_trusted(&self, actor: &Actor, query: &str) -> Result<(), Refusal> {
        if !self.required_for(actor) || self.trusted.contains(query) {
            return Ok(());
        }
        Err(Refusal::new(
            ErrorCode::OperationNotTrusted,
            "this caller may run only the operations of the trusted-documents manifest; \
             send one of them (its text, or its hash as extensions.persistedQuery or documentId)",
            None,
        ))
    }

    /// Registers `query` under `hash` (APQ), forgetting every registration when full.
    pub fn register(&self, hash: String, query: &str) {
        if self.apq_capacity == 0 {
            return;
        }
        let mut r = self.registered.lock().unwrap_or_else(|e| e.into_inner());
        if r.len() >= self.apq_capacity && !r.contains_key(&hash) {
            // Full: start again, as the document cache does; APQ clients resend the text.
            r.clear();
        }
        r.insert(hash, Arc::from(query));
    }
}

/// The hash of `extensions.persistedQuery`, when the request has one.
fn apq_hash(extensions: &HashMap<String, Value>) -> Result<Option<String>, Refusal> {
    let Some(pq) = extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let bad = |m: &str| {
        Refusal::new(
            ErrorCode::BadUserInput,
            m,
            Some("extensions.persistedQuery"),
        )
    };
    let Value::Object(pq) = pq else {
        return Err(bad("extensions.persistedQuery must be an object"));
    };
    match pq.get("version") {
        None => {}
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(_) => return Err(bad("extensions.persistedQuery.version must be 1")),
    }
    match pq.get("sha256Hash") {
        Some(Value::String(h)) if is_sha256(h) => Ok(Some(h.to_ascii_lowercase())),
        _ => Err(bad(
            "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits",
        )),
    }
}

fn is_sha256(h: &str) -> bool {
    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads a manifest: Apollo's persisted query manifest (`{"format":
/// "apollo-persisted-query-manifest", "operations": [{"id", "body"}, ...]}`) or a flat object
/// of id to text (GraphQL Codegen's `persisted-documents.json`, Relay's). An id of 64
/// hexadecimal digits must be the SHA-256 of its text.
pub fn read_manifest(path: &Path) -> anyhow::Result<HashMap<String, Arc<str>>> {
    let at = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!("graphql.trusted_documents.manifest {path:?}: {e}")
    };
    let text = std::fs::read_to_string(path).map_err(|e| at(&e))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| at(&e))?;
    let entries: Vec<(String, String)> = match &json {
        serde_json::Value::Object(o) if o.contains_key("operations") => {
            let ops = o["operations"]
                .as_array()
                .ok_or_else(|| at(&"`operations` must be an array"))?;
            ops.iter()
                .map(|op| match (op["id"].as_str(), op["body"].as_str()) {
                    (Some(id), Some(body)) => Ok((id.to_owned(), body.to_owned())),
                    _ => Err(at(&"each operation needs a string `id` and `body`")),
                })
                .collect::<anyhow::Result<_>>()?
        }
        serde_json::Value::Object(o) => o
            .iter()
            .map(|(id, body)| match body.as_str() {
                Some(b) => Ok((id.clone(), b.to_owned())),
                None => Err(at(&format!("the document of {id:?} is not a string"))),
            })
            .collect::<anyhow::Result<_>>()?,
        _ => return Err(at(&"not a JSON object")),
    };
    let mut out = HashMap::with_capacity(entries.len());
    for (id, body) in entries {
        let id = id
            .strip_prefix("sha256:")
            .unwrap_or(&id)
            .to_ascii_lowercase();
        if is_sha256(&id) && sha256_hex(&body) != id {
            return Err(at(&format!("{id} is not the SHA-256 of its document")));
        }
        out.insert(id, Arc::from(body));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(hash: &str) -> HashMap<String, Value> {
        let mut pq = async_graphql::indexmap::IndexMap::new();
        pq.insert(async_graphql::Name::new("version"), Value::from(1));
        pq.insert(async_graphql::Name::new("sha256Hash"), Value::from(hash));
        HashMap::from([("persistedQuery".to_owned(), Value::Object(pq))])
    }

    #[test]
    fn a_hash_resolves_after_registration_and_a_wrong_hash_is_refused() {
        let p = Persisted::from_config(&TrustedDocuments::default(), 10).expect("config");
        let q = "{ me { role } }";
        let h = sha256_hex(q);
        let miss = p.resolve(None, &ext(&h), None).unwrap_err();
        assert_eq!(miss.code, ErrorCode::PersistedQueryNotFound);
        let with = p.resolve(Some(q.to_owned()), &ext(&h), None).expect("text");
        assert_eq!(with.register.as_deref(), Some(h.as_str()));
        p.register(h.clone(), q);
        assert_eq!(p.resolve(None, &ext(&h), None).expect("hit").query, q);
        assert_eq!(
            p.resolve(None, &HashMap::new(), Some(&format!("sha256:{h}")))
                .expect("documentId")
                .query,
            q
        );
        let wrong = p
            .resolve(
                Some("{ regions { totalCount } }".to_owned()),
                &ext(&h),
                None,
            )
            .unwrap_err();
        assert_eq!(wrong.field, Some("extensions.persistedQuery.sha256Hash"));
        assert_eq!(
            p.resolve(None, &ext("abc"), None).unwrap_err().code,
            ErrorCode::BadUserInput
        );
    }
}
