//! The early warning of seed 004: a region whose women's share of strategic posts has fallen
//! below the share it had when its current APE award was given ("the predicate can drop because
//! the 7 vacant kepala dinas posts were filled by men"), with the changes that caused it.

use std::collections::HashMap;

use chrono::NaiveDate;
use keluarga_core::Scope;
use keluarga_core::error::Result;
use keluarga_core::stats::Rate;
use sea_orm::ConnectionTrait;

use crate::entity::{award, post_holding};
use crate::stats::PostFigures;

/// The early-warning state of one region on one day.
#[derive(Debug, Clone)]
pub struct Warning {
    /// The region's current APE award (the latest given by the day).
    pub award: award::Model,
    /// The region's strategic posts on the day.
    pub now: PostFigures,
    /// True when the women's share on the day is below the share kept with the award.
    pub raised: bool,
    /// Men appointed to the region's posts since the award, by first day.
    pub appointments: Vec<post_holding::Model>,
    /// Women whose holding of a post ended since the award, by last day.
    pub departures: Vec<post_holding::Model>,
}

impl Warning {
    /// The women's share kept with the award.
    pub fn then(&self) -> Rate {
        Rate::of(
            i64::from(self.award.women_in_posts),
            i64::from(self.award.filled_posts),
        )
    }
}

pub use crate::store::current_awards;

/// The early warning of each of `codes` that has an award, given their posts on `on`
/// (`posts`): two statements (the award, and the changes since it), whatever the number of
/// regions.
pub async fn warnings<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
    posts: &HashMap<String, PostFigures>,
    on: NaiveDate,
) -> Result<HashMap<String, Warning>> {
    let awards = current_awards(db, codes, on).await?;
    let Some(since) = awards.values().map(|a| a.awarded_on).min() else {
        return Ok(HashMap::new());
    };
    let codes: Vec<String> = awards.keys().cloned().collect();
    let changes = crate::store::holdings_changed_since(db, &codes, since).await?;
    let sex: HashMap<uuid::Uuid, String> = if changes.is_empty() {
        HashMap::new()
    } else {
        let persons: Vec<uuid::Uuid> = changes.iter().map(|h| h.person_id).collect();
        crate::store::holder_sexes(db, &persons)
            .await?
            .into_iter()
            .collect()
    };
    let mut out = HashMap::new();
    for (code, award) in awards {
        let scope = Scope::new(&code)?;
        let now = posts.get(&code).copied().unwrap_or_default();
        let mine = changes.iter().filter(|h| scope.contains(&h.region_code));
        let is = |h: &post_holding::Model, s: &str| sex.get(&h.person_id).is_some_and(|x| x == s);
        let appointments: Vec<post_holding::Model> = mine
            .clone()
            .filter(|h| h.started_on > award.awarded_on && h.started_on <= on && is(h, "L"))
            .cloned()
            .collect();
        let mut departures: Vec<post_holding::Model> = mine
            .filter(|h| h.ended_on.is_some_and(|e| e > award.awarded_on && e <= on) && is(h, "P"))
            .cloned()
            .collect();
        departures.sort_by_key(|h| (h.ended_on, h.id));
        let mut w = Warning {
            raised: false,
            award,
            now,
            appointments,
            departures,
        };
        w.raised = crate::stats::fell_below(now.women_share(), w.then());
        out.insert(code, w);
    }
    Ok(out)
}
