//! Parsed documents, kept between requests.
//!
//! City frontends send the same few operations all day; parsing one (async-graphql's pest
//! grammar) was about a tenth of the gateway's CPU on the list page. The cache keeps the parse
//! of the last `capacity` distinct documents by their text, so a repeated operation is parsed
//! once. It holds no caller data (the document text only: variables are apart), and a document
//! that does not parse is never kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;

/// Parsed documents by their text, at most `capacity` of them.
#[derive(Debug)]
pub struct DocumentCache {
    capacity: usize,
    docs: Mutex<HashMap<Arc<str>, ExecutableDocument>>,
}

impl DocumentCache {
    /// A cache of at most `capacity` documents; 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        DocumentCache {
            capacity,
            docs: Mutex::new(HashMap::new()),
        }
    }

    /// Gives `req` its parsed document, from the cache when the same text was parsed before;
    /// the parse error otherwise.
    pub fn prepare(
        &self,
        req: &mut async_graphql::Request,
    ) -> Result<(), async_graphql::ServerError> {
        if self.capacity == 0 {
            return req.parsed_query().map(|_| ());
        }
        let cached = self.lock().get(req.query.as_str()).cloned();
        if let Some(doc) = cached {
            req.set_parsed_query(doc);
            return Ok(());
        }
        let doc = req.parsed_query()?.clone();
        let mut docs = self.lock();
        if docs.len() >= self.capacity {
            // Full: start again rather than track recency; a working set larger than the
            // capacity is parsed as it would be without the cache.
            docs.clear();
        }
        docs.insert(Arc::from(req.query.as_str()), doc);
        Ok(())
    }

    /// How many documents are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no document is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, ExecutableDocument>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.docs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_document_is_parsed_once_and_a_bad_one_is_not_kept() {
        let cache = DocumentCache::new(2);
        let mut a = async_graphql::Request::new("{ me { role } }");
        cache.prepare(&mut a).expect("parses");
        assert_eq!(cache.len(), 1);
        let mut again = async_graphql::Request::new("{ me { role } }");
        cache.prepare(&mut again).expect("from the cache");
        assert_eq!(cache.len(), 1);
        assert!(again.parsed_query().is_ok());
        let mut bad = async_graphql::Request::new("{ me { ");
        assert!(cache.prepare(&mut bad).is_err());
        assert_eq!(cache.len(), 1);
        cache
            .prepare(&mut async_graphql::Request::new("{ a: me { role } }"))
            .expect("parses");
        assert_eq!(cache.len(), 2);
        cache
            .prepare(&mut async_graphql::Request::new("{ b: me { role } }"))
            .expect("parses");
        assert_eq!(cache.len(), 1, "full: started again");
        let off = DocumentCache::new(0);
        off.prepare(&mut async_graphql::Request::new("{ me { role } }"))
            .expect("parses");
        assert!(off.is_empty());
    }
}
