//! The stunting part of a synthetic province (`seed --synthetic`): a posyandu in every village,
//! every child under five registered there, and a measurement a month for the last year, scored
//! with the WHO tables like any other. Each child's height-for-age is drawn around a level set
//! so that the share stunted is near the province's prevalence (SSGI 2022).

use chrono::{Datelike, NaiveDate, Utc};
use keluarga_core::error::Error as CoreError;
use keluarga_core::synthetic::{Batch, id_on, insert_all, plus_days};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::entity::{child, posyandu};
use crate::kinds::{ConsentMethod, MeasurePosition, MeasurementSource};
use crate::service::{Provenance, Values, measurement_row};
use crate::store::ChildInfo;
use crate::who;

/// Stunting prevalence (%) among children under five by province, SSGI 2022; 21.6, the national
/// figure, for the others.
pub fn prevalence(province: &str) -> f64 {
    match province {
        "31" => 14.8,
        "32" => 20.2,
        "33" => 20.8,
        "34" => 16.4,
        "35" => 19.2,
        "36" => 20.0,
        "63" => 24.6,
        _ => 21.6,
    }
}

/// The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 in the
/// middle): the mean height-for-age z that puts `p` of children below −2.
fn normal_quantile(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    let a = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    let b = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    let c = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    let d = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
    }
}

/// Writes the batch's posyandu, children and measurements.
pub async fn write<C: ConnectionTrait>(db: &C, batch: &Batch) -> Result<(), CoreError> {
    let now = Utc::now();
    let today = batch.plan.today;
    let mut rng = batch.rng(0x5354_554E);
    // Children's latent HAZ ~ N(mu, 1.1^2) with month-to-month noise: mu puts the prevalence
    // below −2.
    let sd = 1.1;
    let mu = -2.0 - sd * normal_quantile(prevalence(&batch.plan.province) / 100.0);
    let tables = who::tables();
    let mut posts = Vec::with_capacity(batch.villages.len());
    let mut post_of = std::collections::HashMap::new();
    let opened = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or(today);
    for v in &batch.villages {
        let id = id_on(&mut rng, opened);
        post_of.insert(v.as_str(), id);
        posts.push(posyandu::ActiveModel {
            id: Set(id),
            name: Set(format!("Posyandu {}", v.rsplit('.').next().unwrap_or(v))),
            region_code: Set(v.clone()),
            rws: Set(None),
            strata: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    let mut children = Vec::new();
    let mut rows = Vec::new();
    let start = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(11)))
        .unwrap_or(today);
    for f in &batch.families {
        let post = post_of.get(f.region_code.as_str()).copied();
        for m in &f.members {
            let age_now = (today - m.birth).num_days();
            if !(0..1826).contains(&age_now) {
                continue;
            }
            let registered = m.birth.max(f.registered_on);
            let id = id_on(&mut rng, registered);
            children.push(child::ActiveModel {
                id: Set(id),
                person_id: Set(m.id),
                region_code: Set(f.region_code.clone()),
                posyandu_id: Set(post),
                consent_given_by: Set("Orang tua".to_owned()),
                consent_given_on: Set(registered),
                consent_method: Set(ConsentMethod::Written.as_str().to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let info = ChildInfo {
                id,
                region_code: f.region_code.clone(),
                posyandu_id: post,
                sex: m.sex.to_owned(),
                birth_date: m.birth,
            };
            let sex = info.who_sex();
            let haz = mu + sd * rng.normal();
            let waz_own = rng.normal();
            for k in 0..12 {
                let Some(month) = start.checked_add_months(chrono::Months::new(k)) else {
                    continue;
                };
                let on = plus_days(month, 4 + rng.below(10)).min(today);
                let age = (on - m.birth).num_days();
                if !(1..1856).contains(&age) || on < registered {
                    continue;
                }
                let z = haz + 0.15 * rng.normal();
                let waz = 0.6 * haz + 0.8 * waz_own + 0.1 * rng.normal();
                let (Some(h), Some(w)) = (tables.lhfa.get(sex, age), tables.wfa.get(sex, age))
                else {
                    continue;
                };
                let position = if age < 731 {
                    MeasurePosition::Lying
                } else {
                    MeasurePosition::Standing
                };
                let values = Values {
                    measured_on: on,
                    weight_kg: Some((w.sd(waz.clamp(-4.5, 4.5)) * 10.0).round() / 10.0),
                    length_cm: Some((h.sd(z.clamp(-5.5, 5.5)) * 10.0).round() / 10.0),
                    position,
                    oedema: false,
                    muac_mm: None,
                };
                let p = Provenance {
                    measured_by: None,
                    posyandu_id: post,
                    source: MeasurementSource::PosyanduSession,
                };
                rows.push(measurement_row(
                    id_on(&mut rng, on),
                    &info,
                    &values,
                    age,
                    p,
                    now,
                ));
            }
        }
    }
    insert_all(db, posts, 2_000).await?;
    insert_all(db, children, 2_000).await?;
    insert_all(db, rows, 800).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantile_inverts_the_normal_distribution() {
        assert!((normal_quantile(0.5)).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.207) + 0.816_9).abs() < 1e-3);
        assert!((normal_quantile(0.01) + 2.326_348).abs() < 1e-5);
    }
}
