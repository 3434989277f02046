//! The family-resilience part of a synthetic province (`seed --synthetic`): about a third of the
//! families assessed in the last year on the current framework (answers drawn as in the demo
//! data, scored like any assessment), by a cadre of their village.

use chrono::Utc;
use keluarga_core::error::Error as CoreError;
use keluarga_core::kinds::Relationship;
use keluarga_core::synthetic::{Batch, id_on, insert_all};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::entity::ketahanan_assessment;
use crate::kinds::AssessmentSource;
use crate::seed::{Household, synthetic_answers};
use crate::service::{current_framework, score_rows};

/// Writes the batch's assessments with their answers and scores.
pub async fn write<C: ConnectionTrait>(db: &C, batch: &Batch) -> Result<(), CoreError> {
    let now = Utc::now();
    let today = batch.plan.today;
    let mut rng = batch.rng(0x4B45_5441);
    let fw = current_framework(db).await?;
    let (mut assessments, mut answers, mut scores) = (vec![], vec![], vec![]);
    for f in &batch.families {
        if rng.below(3) != 0 {
            continue;
        }
        let cadres: Vec<_> = batch.cadres_in(&f.region_code).collect();
        if cadres.is_empty() {
            continue;
        }
        let on = today
            .checked_sub_days(chrono::Days::new(rng.below(365)))
            .unwrap_or(today);
        let age = |b: chrono::NaiveDate| on.years_since(b).unwrap_or(0);
        let children: Vec<u32> = f
            .members
            .iter()
            .filter(|m| m.relationship == Relationship::Child)
            .map(|m| age(m.birth))
            .collect();
        let household = Household {
            spouse: f
                .members
                .iter()
                .any(|m| m.relationship == Relationship::Spouse),
            children: !children.is_empty(),
            school_age: children.iter().any(|a| (7..=18).contains(a)),
            elderly: f.members.iter().any(|m| age(m.birth) >= 60),
        };
        let resilience = rng.normal();
        let given = synthetic_answers(&fw.framework, &mut rng, household, resilience);
        let s = fw
            .framework
            .score(&given)
            .map_err(|(field, m)| CoreError::bad(format!("synthetic{field}"), m))?;
        let id = id_on(&mut rng, on);
        let assessor = cadres[rng.below(cadres.len() as u64) as usize].person_id;
        assessments.push(ketahanan_assessment::ActiveModel {
            id: Set(id),
            family_id: Set(f.id),
            region_code: Set(f.region_code.clone()),
            assessed_on: Set(on),
            assessor_id: Set(assessor),
            framework_version: Set(fw.version),
            index_score: Set(Some(s.index)),
            category: Set(s.category.clone()),
            head_sex: Set(Some(f.head().sex.to_owned())),
            source: Set(AssessmentSource::Form.as_str().to_owned()),
            recorded_by: Set("synthetic".to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let (a, sc) = score_rows(id, &s);
        answers.extend(a);
        scores.extend(sc);
    }
    insert_all(db, assessments, 2_000).await?;
    insert_all(db, answers, 5_000).await?;
    insert_all(db, scores, 5_000).await?;
    Ok(())
}
