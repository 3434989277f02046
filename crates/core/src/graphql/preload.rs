//! The preload slot of a node: what a page read for it before it resolves.

/// A value a page read for one of its nodes before the node resolves (a `preload` slot of
/// [`crate::model_wrapper!`]). The node's resolver takes it: a second selection of the same field
/// (under another alias) finds the slot empty and reads through its DataLoader, as a node that
/// was not preloaded does. Boxed, so that an empty slot costs a pointer.
pub struct Preloaded<T>(std::sync::Mutex<Option<Box<T>>>);

impl<T> std::fmt::Debug for Preloaded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Preloaded")
    }
}

impl<T> Default for Preloaded<T> {
    fn default() -> Self {
        Preloaded(std::sync::Mutex::new(None))
    }
}

impl<T> Preloaded<T> {
    /// Fills the slot.
    pub fn set(&mut self, value: T) {
        *self.0.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(value));
    }

    /// Takes the value, if the slot holds one.
    pub fn take(&self) -> Option<T> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .map(|b| *b)
    }
}
