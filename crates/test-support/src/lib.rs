//! ts
