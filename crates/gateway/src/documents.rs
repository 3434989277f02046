//! Parsed documents, kept between requests.
//!
//! City frontends send the same few operations all day; parsing one (async-graphql's pest
//! grammar) was about a tenth of the gateway's CPU on the list page. The cache keeps the parse
//! of the last `capacity` distinct documents by their text, so a repeated operation is parsed
//! once. It holds no caller data (the document text only: variables are apart), and a document
//! that does not parse, or is over a bound of [`crate::shape`], is never kept. With the parse it
//! keeps the document's [`Shape`], measured once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;

use crate::shape::{DocumentLimits, Refusal, Shape};

/// Why a document is not run.
#[derive(Debug)]
pub enum Unfit {
    /// It does not parse: `GRAPHQL_PARSE_FAILED`.
    Parse(async_graphql::ServerError),
    /// It is over a bound, or spreads a fragment into itself.
    Shape(Refusal),
}

type Entry = (Arc<ExecutableDocument>, Arc<Shape>);

/// A document ready to run: its parse (also given to the request) and its shape.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The parse, kept to put the response in selection order ([`crate::order`]).
    pub doc: Arc<ExecutableDocument>,
    /// What [`crate::shape::measure`] found in it.
    pub shape: Arc<Shape>,
}

/// Parsed documents by their text, at most `capacity` of them, each with its shape.
#[derive(Debug)]
pub struct DocumentCache {
    capacity: usize,
    limits: DocumentLimits,
    docs: Mutex<HashMap<Arc<str>, Entry>>,
}

impl DocumentCache {
    /// A cache of at most `capacity` documents (0 turns it off), which measures every document
    /// against `limits`.
    pub fn new(capacity: usize, limits: DocumentLimits) -> Self {
        DocumentCache {
            capacity,
            limits,
            docs: Mutex::new(HashMap::new()),
        }
    }

    /// Gives `req` its parsed document and returns its shape, from the cache when the same text
    /// was parsed before. Otherwise the text is scanned (tokens, nesting) before it is parsed,
    /// and the parse measured ([`crate::shape::measure`]) before it is kept.
    pub fn prepare(&self, req: &mut async_graphql::Request) -> Result<Prepared, Unfit> {
        if self.capacity > 0
            && let Some((doc, shape)) = self.lock().get(req.query.as_str()).cloned()
        {
            req.set_parsed_query((*doc).clone());
            return Ok(Prepared { doc, shape });
        }
        let scanned = crate::shape::scan(&req.query, &self.limits).map_err(Unfit::Shape)?;
        let doc = req.parsed_query().map_err(Unfit::Parse)?;
        let shape =
            Arc::new(crate::shape::measure(doc, scanned, &self.limits).map_err(Unfit::Shape)?);
        let doc = Arc::new(doc.clone());
        if self.capacity == 0 {
            return Ok(Prepared { doc, shape });
        }
        let mut docs = self.lock();
        if docs.len() >= self.capacity {
            // Full: start again rather than track recency; a working set larger than the
            // capacity is parsed as it would be without the cache.
            docs.clear();
        }
        docs.insert(Arc::from(req.query.as_str()), (doc.clone(), shape.clone()));
        Ok(Prepared { doc, shape })
    }

    /// How many documents are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no document is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Entry>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.docs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_document_is_parsed_once_and_a_bad_one_is_not_kept() {
        let cache = DocumentCache::new(2, DocumentLimits::default());
        let mut a = async_graphql::Request::new("{ me { role } }");
        cache.prepare(&mut a).expect("parses");
        assert_eq!(cache.len(), 1);
        let mut again = async_graphql::Request::new("{ me { role } }");
        cache.prepare(&mut again).expect("from the cache");
        assert_eq!(cache.len(), 1);
        assert!(again.parsed_query().is_ok());
        let mut bad = async_graphql::Request::new("{ me { ");
        assert!(matches!(cache.prepare(&mut bad), Err(Unfit::Parse(_))));
        assert_eq!(cache.len(), 1);
        // Over a bound: refused before parsing, and not kept.
        let deep = format!("{}{}", "{ a ".repeat(100), "}".repeat(100));
        let mut deep = async_graphql::Request::new(deep);
        assert!(matches!(cache.prepare(&mut deep), Err(Unfit::Shape(_))));
        assert_eq!(cache.len(), 1);
        cache
            .prepare(&mut async_graphql::Request::new("{ a: me { role } }"))
            .expect("parses");
        assert_eq!(cache.len(), 2);
        cache
            .prepare(&mut async_graphql::Request::new("{ b: me { role } }"))
            .expect("parses");
        assert_eq!(cache.len(), 1, "full: started again");
        let off = DocumentCache::new(0, DocumentLimits::default());
        off.prepare(&mut async_graphql::Request::new("{ me { role } }"))
            .expect("parses");
        assert!(off.is_empty());
    }
}
