//! The ekonomi-keluarga domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use async_graphql::Context;
use keluarga_core::RegionType;
use keluarga_core::graphql::loaders::node;
use uuid::Uuid;

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
pub use crate::graphql::types::{
    Assistance, IncomeReport, Pekka, Up2kGroup, Up2kMember, WelfareRanking,
};

/// One ekonomi node; the gateway's `Node` interface takes each variant over.
pub enum Node<R> {
    /// A PEKKA record.
    Pekka(Pekka<R>),
    /// A welfare ranking.
    WelfareRanking(WelfareRanking<R>),
    /// A UP2K group.
    Up2kGroup(Up2kGroup<R>),
    /// A UP2K membership.
    Up2kMember(Up2kMember<R>),
    /// An assistance record.
    Assistance(Assistance<R>),
    /// An income report.
    IncomeReport(IncomeReport<R>),
}

/// The node of type `kind` with key `id` (scope, access rule and audit applied by the loader).
pub async fn load<R: RegionType>(
    ctx: &Context<'_>,
    kind: &str,
    id: Uuid,
) -> async_graphql::Result<Option<Node<R>>> {
    Ok(match kind {
        "Pekka" => node::<pekka::Entity>(ctx, id)
            .await?
            .map(|m| Node::Pekka(Pekka::new(m))),
        "WelfareRanking" => node::<welfare_ranking::Entity>(ctx, id)
            .await?
            .map(|m| Node::WelfareRanking(WelfareRanking::new(m))),
        "Up2kGroup" => node::<up2k_group::Entity>(ctx, id)
            .await?
            .map(|m| Node::Up2kGroup(Up2kGroup::new(m))),
        "Up2kMember" => node::<up2k_member::Entity>(ctx, id)
            .await?
            .map(|m| Node::Up2kMember(Up2kMember::new(m))),
        "Assistance" => node::<assistance::Entity>(ctx, id)
            .await?
            .map(|m| Node::Assistance(Assistance::new(m))),
        "IncomeReport" => node::<income_report::Entity>(ctx, id)
            .await?
            .map(|m| Node::IncomeReport(IncomeReport::new(m))),
        _ => None,
    })
}
