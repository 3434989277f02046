//! The stunting domain's `Node` types, resolved by `node(id:)` through the request's `Reader`.

use crate::entity::{child, foster_parent, measurement, pendampingan, posyandu, tpk_team};
pub use crate::graphql::types::{
    Child, FosterParent, Measurement, Pendampingan, Posyandu, TpkTeam,
};

keluarga_core::domain_nodes! {
    /// One stunting node; the gateway's `Node` interface takes each variant over.
    pub enum Node {
        /// A posyandu.
        Posyandu = posyandu::Entity,
        /// A child under five with stunting data.
        Child = child::Entity,
        /// A growth measurement.
        Measurement = measurement::Entity,
        /// A TPK team.
        TpkTeam = tpk_team::Entity,
        /// A foster parent (orang tua asuh).
        FosterParent = foster_parent::Entity,
        /// A pendampingan visit.
        Pendampingan = pendampingan::Entity,
    }
}
