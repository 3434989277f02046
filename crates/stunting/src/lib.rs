//! keluarga-stunting: the stunting domain of Keluarga Gateway.

pub mod who;
