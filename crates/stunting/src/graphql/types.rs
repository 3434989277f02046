//! GraphQL object types of the stunting domain. Each wraps an entity model; none derives from it.

use std::marker::PhantomData;

use async_graphql::{Context, ID, Object, SimpleObject};
use keluarga_core::RegionType;
use keluarga_core::entity::{organisation, person};
use keluarga_core::error::internal;
use keluarga_core::graphql::loaders::ById;
use keluarga_core::graphql::loaders::DataLoader;
use keluarga_core::graphql::types::{
    CadreRole, Organisation, Person, RecordAccess, many, one, record_access, region,
};
use keluarga_core::stats::Sex;
use uuid::Uuid;

use crate::entity::{
    child, convergence_action, foster_parent, foster_parent_child, measurement,
    measurement_revision, pendampingan, posyandu, tpk_member, tpk_team,
};
use crate::graphql::loaders::PosyanduCadres;
use crate::kinds::*;
use crate::stats::{AgeGroup, Counts};
use crate::who;

keluarga_core::model_wrapper!(
    /// A posyandu: the monthly community health post of a desa/kelurahan.
    Posyandu,
    posyandu::Model
);
keluarga_core::model_wrapper!(
    /// A child under five with stunting data (children's data: record access only).
    Child,
    child::Model,
    preload {
        /// The child's person record (`None` inside: not visible to the actor).
        person: Option<person::Model>,
        /// The latest measurement (`None` inside: none yet).
        latest_measurement: Option<measurement::Model>,
    }
);

/// Preloads the person and the latest measurement of a page's children, each in one statement
/// (the two run together), when the page's nodes select them: without it every child would
/// wait on the persons loader and on the latest-measurement loader.
pub async fn preload_children<R: RegionType>(
    ctx: &Context<'_>,
    children: &mut [async_graphql::connection::Edge<
        String,
        Child<R>,
        async_graphql::connection::EmptyFields,
    >],
) -> async_graphql::Result<()> {
    use keluarga_core::error::GqlResultExt;
    use keluarga_core::graphql::{nodes_select, reader};
    if children.is_empty() {
        return Ok(());
    }
    let r = reader(ctx);
    let with_person = nodes_select(ctx, &["person"]);
    let with_latest = nodes_select(ctx, &["latestMeasurement"]);
    let mut persons: Vec<Uuid> = children.iter().map(|e| e.node.model.person_id).collect();
    persons.sort_unstable();
    persons.dedup();
    let ids: Vec<Uuid> = children.iter().map(|e| e.node.model.id).collect();
    let (persons, latest) = tokio::try_join!(
        async {
            match with_person {
                true => r.by_ids::<person::Entity>(&persons).await.map(Some),
                false => Ok(None),
            }
        },
        async {
            match with_latest {
                true => crate::store::latest_measurements(r, &ids).await.map(Some),
                false => Ok(None),
            }
        }
    )
    .gql()?;
    let persons: Option<std::collections::HashMap<Uuid, person::Model>> =
        persons.map(|rows| rows.into_iter().map(|p| (p.id, p)).collect());
    let mut latest: Option<std::collections::HashMap<Uuid, measurement::Model>> =
        latest.map(|rows| rows.into_iter().map(|m| (m.child_id, m)).collect());
    for e in children {
        let c = &mut e.node;
        if let Some(p) = &persons {
            c.person.set(p.get(&c.model.person_id).cloned());
        }
        if let Some(l) = &mut latest {
            c.latest_measurement.set(l.remove(&c.model.id));
        }
    }
    Ok(())
}
keluarga_core::model_wrapper!(
    /// One measurement of a child, scored on write against the WHO 2006 standards (health data).
    Measurement,
    measurement::Model
);
keluarga_core::model_wrapper!(
    /// A Tim Pendamping Keluarga: a bidan, a kader PKK and a kader KB serving one village.
    TpkTeam,
    tpk_team::Model
);
keluarga_core::model_wrapper!(
    /// One member of a TPK team.
    TpkMember,
    tpk_member::Model
);
keluarga_core::model_wrapper!(
    /// A pendampingan (family assistance) visit by a TPK team.
    Pendampingan,
    pendampingan::Model
);
keluarga_core::model_wrapper!(
    /// A foster parent (orang tua asuh, BAAS): an organisation sponsoring stunted children in a village.
    FosterParent,
    foster_parent::Model
);

fn gid(t: &str, id: Uuid) -> ID {
    keluarga_core::id::encode(t, &id.to_string())
}

#[Object(name = "Posyandu", use_type_description)]
impl<R: RegionType> Posyandu<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Posyandu", self.model.id))
    }
    /// Name (`Posyandu Melati 3`).
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// The desa/kelurahan it belongs to.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The RWs it serves (`003`).
    async fn rws(&self) -> Vec<String> {
        self.model
            .rws
            .as_deref()
            .map(|s| s.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    }
    /// Development stratum.
    async fn strata(&self) -> async_graphql::Result<Option<PosyanduStrata>> {
        self.model
            .strata
            .as_deref()
            .map(PosyanduStrata::stored)
            .transpose()
    }
    /// Active posyandu cadres: persons with a current KADER_POSYANDU role in the posyandu's village.
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn cadres(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CadreRole<R>>> {
        Ok(
            one::<String, PosyanduCadres>(ctx, self.model.region_code.clone())
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(CadreRole::new)
                .collect(),
        )
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "Child", use_type_description)]
impl<R: RegionType> Child<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Child", self.model.id))
    }
    /// The child in the core registry (name, sex, birth date, family).
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        if let Some(p) = self.person.take() {
            return Ok(p.map(Person::new));
        }
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
    /// The desa/kelurahan of the child.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The posyandu the child attends.
    async fn posyandu(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Posyandu<R>>> {
        let Some(id) = self.model.posyandu_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<posyandu::Entity>>(ctx, id)
            .await?
            .map(Posyandu::new))
    }
    /// Who gave consent for the child's data (name and relationship).
    async fn consent_given_by(&self) -> &str {
        &self.model.consent_given_by
    }
    /// When consent was given.
    async fn consent_given_on(&self) -> keluarga_core::Date {
        self.model.consent_given_on.into()
    }
    /// How consent was given.
    async fn consent_method(&self) -> async_graphql::Result<ConsentMethod> {
        ConsentMethod::stored(&self.model.consent_method)
    }
    /// The growth history: every measurement, oldest first.
    async fn measurements(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Measurement<R>>> {
        let mut rows = many::<measurement::Entity>(ctx, self.model.id).await?;
        rows.sort_by_key(|a| (a.measured_on, a.id));
        Ok(rows.into_iter().map(Measurement::new).collect())
    }
    /// The latest measurement (by day; the later recorded on the same day) among those you may
    /// see.
    async fn latest_measurement(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Measurement<R>>> {
        if let Some(m) = self.latest_measurement.take() {
            return Ok(m.map(Measurement::new));
        }
        Ok(
            one::<Uuid, crate::graphql::loaders::LatestMeasurement>(ctx, self.model.id)
                .await?
                .map(Measurement::new),
        )
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// One z-score with WHO's implausibility flag.
#[derive(SimpleObject)]
pub struct ZScore {
    /// The z-score, 2 decimals.
    pub z: f64,
    /// True when WHO considers the value implausible (HAZ |z| > 6; WAZ z < −6 or > 5; WHZ, BAZ, ACZ
    /// |z| > 5). Flagged values are stored but left out of statistics.
    pub flagged: bool,
}

fn zs(z: Option<f64>, flagged: bool) -> Option<ZScore> {
    z.map(|z| ZScore { z, flagged })
}

#[Object(name = "Measurement", use_type_description)]
impl<R: RegionType> Measurement<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Measurement", self.model.id))
    }
    /// The child.
    async fn child(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Child<R>>> {
        Ok(one::<Uuid, ById<child::Entity>>(ctx, self.model.child_id)
            .await?
            .map(Child::new))
    }
    /// The child's desa/kelurahan when measured.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// Day of measurement.
    async fn measured_on(&self) -> keluarga_core::Date {
        self.model.measured_on.into()
    }
    /// Age in days on that day.
    async fn age_days(&self) -> i32 {
        self.model.age_days
    }
    /// Age in completed months (days / 30.4375, rounded down).
    async fn age_months(&self) -> i32 {
        (f64::from(self.model.age_days) / who::DAYS_PER_MONTH).floor() as i32
    }
    /// Sex.
    async fn sex(&self) -> async_graphql::Result<Sex> {
        Sex::stored(&self.model.sex)
    }
    /// Weight in kg.
    async fn weight_kg(&self) -> Option<f64> {
        self.model.weight_kg
    }
    /// Length/height in cm, as measured.
    async fn length_cm(&self) -> Option<f64> {
        self.model.lenhei_cm
    }
    /// How it was measured.
    async fn position(&self) -> async_graphql::Result<MeasurePosition> {
        MeasurePosition::stored(&self.model.position)
    }
    /// Length/height after WHO's 0.7 cm position correction (lying under 731 days, standing from
    /// 731), the value the z-scores use.
    async fn corrected_length_cm(&self) -> Option<f64> {
        self.model.clenhei_cm
    }
    /// True when a child under 9 months was recorded as measured standing: WHO treats the position
    /// as implausible and ignores it.
    async fn position_implausible(&self) -> bool {
        self.model.c9mo_flag
    }
    /// Bilateral pitting oedema (weight-based z-scores are then not computed; counted as severe).
    async fn oedema(&self) -> bool {
        self.model.oedema
    }
    /// Mid-upper-arm circumference (LiLA) in mm.
    async fn muac_mm(&self) -> Option<f64> {
        self.model.muac_mm
    }
    /// BMI (kg/m²) from weight and corrected length/height.
    async fn bmi(&self) -> Option<f64> {
        self.model.bmi
    }
    /// Length/height-for-age z-score (HAZ/LAZ).
    async fn height_for_age(&self) -> Option<ZScore> {
        zs(self.model.haz, self.model.haz_flag)
    }
    /// Weight-for-age z-score (WAZ).
    async fn weight_for_age(&self) -> Option<ZScore> {
        zs(self.model.waz, self.model.waz_flag)
    }
    /// Weight-for-length (under 731 days) or weight-for-height z-score (WLZ/WHZ).
    async fn weight_for_height(&self) -> Option<ZScore> {
        zs(self.model.whz, self.model.whz_flag)
    }
    /// BMI-for-age z-score (BAZ).
    async fn bmi_for_age(&self) -> Option<ZScore> {
        zs(self.model.baz, self.model.baz_flag)
    }
    /// Arm-circumference-for-age z-score (from 91 days).
    async fn arm_circumference_for_age(&self) -> Option<ZScore> {
        zs(self.model.acz, self.model.acz_flag)
    }
    /// PB/U or TB/U category (Permenkes 2/2020); null when not computable or flagged.
    async fn height_for_age_category(&self) -> async_graphql::Result<Option<HeightForAgeCategory>> {
        self.model
            .haz_category
            .as_deref()
            .map(HeightForAgeCategory::stored)
            .transpose()
    }
    /// BB/U category; SEVERELY_UNDERWEIGHT with oedema.
    async fn weight_for_age_category(&self) -> async_graphql::Result<Option<WeightForAgeCategory>> {
        self.model
            .waz_category
            .as_deref()
            .map(WeightForAgeCategory::stored)
            .transpose()
    }
    /// BB/PB or BB/TB category; SEVERELY_WASTED with oedema.
    async fn weight_for_height_category(&self) -> async_graphql::Result<Option<NutritionCategory>> {
        self.model
            .whz_category
            .as_deref()
            .map(NutritionCategory::stored)
            .transpose()
    }
    /// IMT/U category.
    async fn bmi_for_age_category(&self) -> async_graphql::Result<Option<NutritionCategory>> {
        self.model
            .baz_category
            .as_deref()
            .map(NutritionCategory::stored)
            .transpose()
    }
    /// Where it was taken or came from.
    async fn source(&self) -> async_graphql::Result<MeasurementSource> {
        MeasurementSource::stored(&self.model.source)
    }
    /// The posyandu it was taken at.
    async fn posyandu(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Posyandu<R>>> {
        let Some(id) = self.model.posyandu_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<posyandu::Entity>>(ctx, id)
            .await?
            .map(Posyandu::new))
    }
    /// The person who measured.
    async fn measured_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        let Some(id) = self.model.measured_by else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<person::Entity>>(ctx, id)
            .await?
            .map(Person::new))
    }
    /// Earlier versions of this measurement, oldest first (each correction keeps one).
    async fn revisions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MeasurementRevision>> {
        Ok(many::<measurement_revision::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(MeasurementRevision)
            .collect())
    }
    /// Version: 1 when recorded, plus one per correction.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// An earlier version of a corrected measurement.
#[derive(async_graphql::Description)]
pub struct MeasurementRevision(pub measurement_revision::Model);

#[Object(use_type_description)]
impl MeasurementRevision {
    /// The version these values had.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The values before the correction (measured values, z-scores and categories), as JSON.
    async fn previous(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(serde_json::from_str(&self.0.previous).unwrap_or_default())
    }
    /// Why it was corrected.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// Who corrected it (token subject).
    async fn changed_by(&self) -> &str {
        &self.0.changed_by
    }
    /// When.
    async fn changed_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.changed_at
    }
}

#[Object(name = "TpkTeam", use_type_description)]
impl<R: RegionType> TpkTeam<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("TpkTeam", self.model.id))
    }
    /// Team name.
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// The desa/kelurahan it serves.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// When it was formed.
    async fn formed_on(&self) -> Option<keluarga_core::Date> {
        self.model.formed_on.map(Into::into)
    }
    /// The three members (bidan, kader PKK, kader KB).
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TpkMember<R>>> {
        Ok(many::<tpk_member::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(TpkMember::new)
            .collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "TpkMember", use_type_description)]
impl<R: RegionType> TpkMember<R> {
    /// Place in the team.
    async fn role(&self) -> async_graphql::Result<TpkRole> {
        TpkRole::stored(&self.model.role)
    }
    /// The person (names need record access).
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
}

#[Object(name = "Pendampingan", use_type_description)]
impl<R: RegionType> Pendampingan<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Pendampingan", self.model.id))
    }
    /// The team.
    async fn team(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TpkTeam<R>>> {
        Ok(one::<Uuid, ById<tpk_team::Entity>>(ctx, self.model.team_id)
            .await?
            .map(TpkTeam::new))
    }
    /// The team's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// Day of the visit.
    async fn visited_on(&self) -> keluarga_core::Date {
        self.model.visited_on.into()
    }
    /// Who the visit was for.
    async fn target_type(&self) -> async_graphql::Result<PendampinganTarget> {
        PendampinganTarget::stored(&self.model.target_type)
    }
    /// The person visited, if registered.
    async fn target_person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        let Some(id) = self.model.target_person_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<person::Entity>>(ctx, id)
            .await?
            .map(Person::new))
    }
    /// What was done.
    async fn activity(&self) -> &str {
        &self.model.activity
    }
    /// Where the person was referred.
    async fn referral(&self) -> Option<&str> {
        self.model.referral.as_deref()
    }
}

#[Object(name = "FosterParent", use_type_description)]
impl<R: RegionType> FosterParent<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("FosterParent", self.model.id))
    }
    /// The sponsoring organisation.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organisation<R>>> {
        Ok(
            one::<Uuid, ById<organisation::Entity>>(ctx, self.model.organisation_id)
                .await?
                .map(Organisation::new),
        )
    }
    /// The desa/kelurahan supported.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// First day of support.
    async fn started_on(&self) -> keluarga_core::Date {
        self.model.started_on.into()
    }
    /// Last day, if known.
    async fn ended_on(&self) -> Option<keluarga_core::Date> {
        self.model.ended_on.map(Into::into)
    }
    /// What is given.
    async fn support(&self) -> async_graphql::Result<FosterSupport> {
        FosterSupport::stored(&self.model.support)
    }
    /// Free note.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }
    /// How many named children it supports.
    async fn child_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(many::<foster_parent_child::Entity>(ctx, self.model.id)
            .await?
            .len() as i32)
    }
    /// The named children it supports (children's data: record access only).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Child<R>>> {
        let links = many::<foster_parent_child::Entity>(ctx, self.model.id).await?;
        let ids: Vec<Uuid> = links.iter().map(|l| l.child_id).collect();
        let found = ctx
            .data_unchecked::<DataLoader<ById<child::Entity>>>()
            .load_many(ids.clone())
            .await
            .map_err(|e| internal(&e))?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(Child::new)
            .collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// The state of one of the 8 convergence actions for a regency/city and year.
#[derive(SimpleObject)]
pub struct ConvergenceActionState {
    /// Which aksi.
    pub aksi: ConvergenceAksi,
    /// Its number, 1–8.
    pub number: i32,
    /// Its official name.
    pub title: String,
    /// Its state (NOT_STARTED when nothing was recorded).
    pub status: ActionStatus,
    /// The day it was done.
    pub done_on: Option<keluarga_core::Date>,
    /// Evidence reference.
    pub evidence: Option<String>,
    /// Assessment score, 0–100.
    pub score: Option<f64>,
}

impl ConvergenceActionState {
    /// The state of `aksi` from its stored row (NOT_STARTED when there is none).
    pub fn new(aksi: ConvergenceAksi, row: Option<&convergence_action::Model>) -> Self {
        ConvergenceActionState {
            aksi,
            number: aksi.number(),
            title: aksi.title().to_owned(),
            status: row
                .and_then(|r| ActionStatus::parse(&r.status))
                .unwrap_or(ActionStatus::NotStarted),
            done_on: (row.and_then(|r| r.done_on)).map(Into::into),
            evidence: row.and_then(|r| r.evidence.clone()),
            score: row.and_then(|r| r.score),
        }
    }
}

/// The 8 convergence actions of a regency/city for one year.
#[derive(async_graphql::Description)]
pub struct ConvergenceScorecard<R> {
    /// The regency/city code.
    pub region_code: String,
    /// The year.
    pub year: i32,
    /// The eight actions, in order.
    pub actions: Vec<ConvergenceActionState>,
    pub(crate) _r: PhantomData<fn() -> R>,
}

#[Object(name = "ConvergenceScorecard", use_type_description)]
impl<R: RegionType> ConvergenceScorecard<R> {
    /// The kabupaten/kota.
    async fn region(&self) -> R {
        region(&self.region_code)
    }
    /// The year.
    async fn year(&self) -> i32 {
        self.year
    }
    /// How many of the 8 actions are DONE.
    async fn done(&self) -> i32 {
        self.actions
            .iter()
            .filter(|a| a.status == ActionStatus::Done)
            .count() as i32
    }
    /// The eight actions, in order.
    async fn actions(&self) -> &[ConvergenceActionState] {
        &self.actions
    }
}

pub use keluarga_core::stats::Rate;

/// Values WHO flags as implausible, left out of their index's rates.
#[derive(SimpleObject)]
pub struct FlaggedCounts {
    /// Flagged length/height-for-age.
    pub height_for_age: i64,
    /// Flagged weight-for-length/height.
    pub weight_for_height: i64,
    /// Flagged weight-for-age.
    pub weight_for_age: i64,
}

/// One group of a stunting statistics answer: counts from each child's latest measurement.
#[derive(async_graphql::Description)]
pub struct StuntingStatisticsRow<R> {
    pub(crate) region: Option<R>,
    pub(crate) period: Option<String>,
    pub(crate) sex: Option<Sex>,
    pub(crate) age_group: Option<AgeGroup>,
    pub(crate) counts: Option<Counts>,
    pub(crate) suppressed: bool,
}

#[Object(name = "StuntingStatisticsRow", use_type_description)]
impl<R: RegionType> StuntingStatisticsRow<R> {
    /// The group's region, when grouped by a region level.
    async fn region(&self) -> Option<&R> {
        self.region.as_ref()
    }
    /// The group's period (`2026`, `2026-Q1`, `2026-01`), when grouped by a grain.
    async fn period(&self) -> Option<&str> {
        self.period.as_deref()
    }
    /// The group's sex, when grouped by sex.
    async fn sex(&self) -> Option<Sex> {
        self.sex
    }
    /// The group's age group, when grouped by it.
    async fn age_group(&self) -> Option<AgeGroup> {
        self.age_group
    }
    /// Children measured (each once, by their latest measurement); null when suppressed.
    async fn children_measured(&self) -> Option<i64> {
        self.counts.map(|c| c.measured)
    }
    /// Stunted: HAZ < −2 (pendek + sangat pendek).
    async fn stunting(&self) -> Option<Rate> {
        self.counts.map(|c| Rate::of(c.stunted, c.haz_valid))
    }
    /// Severely stunted: HAZ < −3 (sangat pendek).
    async fn severe_stunting(&self) -> Option<Rate> {
        self.counts
            .map(|c| Rate::of(c.severely_stunted, c.haz_valid))
    }
    /// Wasted: WHZ < −2 or oedema (gizi kurang + gizi buruk).
    async fn wasting(&self) -> Option<Rate> {
        self.counts.map(|c| Rate::of(c.wasted, c.whz_valid))
    }
    /// Severely wasted: WHZ < −3 or oedema (gizi buruk).
    async fn severe_wasting(&self) -> Option<Rate> {
        self.counts
            .map(|c| Rate::of(c.severely_wasted, c.whz_valid))
    }
    /// Underweight: WAZ < −2 or oedema.
    async fn underweight(&self) -> Option<Rate> {
        self.counts.map(|c| Rate::of(c.underweight, c.waz_valid))
    }
    /// Severely underweight: WAZ < −3 or oedema.
    async fn severe_underweight(&self) -> Option<Rate> {
        self.counts
            .map(|c| Rate::of(c.severely_underweight, c.waz_valid))
    }
    /// Overweight: WHZ > +2 (gizi lebih + obesitas).
    async fn overweight(&self) -> Option<Rate> {
        self.counts.map(|c| Rate::of(c.overweight, c.whz_valid))
    }
    /// Values flagged as implausible, excluded from the rates above.
    async fn flagged(&self) -> Option<FlaggedCounts> {
        self.counts.map(|c| FlaggedCounts {
            height_for_age: c.haz_flagged,
            weight_for_height: c.whz_flagged,
            weight_for_age: c.waz_flagged,
        })
    }
    /// True when fewer children than the disclosure threshold were measured and the figures are
    /// withheld.
    async fn suppressed(&self) -> bool {
        self.suppressed
    }
}

/// WHO z-scores computed on the fly, without storing anything.
#[derive(SimpleObject)]
pub struct ZScoreCalculation {
    /// Length/height after the position correction.
    pub corrected_length_cm: Option<f64>,
    /// True when the under-9-months standing position was discarded.
    pub position_implausible: bool,
    /// BMI.
    pub bmi: Option<f64>,
    /// Length/height-for-age.
    pub height_for_age: Option<ZScore>,
    /// Weight-for-age.
    pub weight_for_age: Option<ZScore>,
    /// Weight-for-length/height.
    pub weight_for_height: Option<ZScore>,
    /// BMI-for-age.
    pub bmi_for_age: Option<ZScore>,
    /// Arm-circumference-for-age.
    pub arm_circumference_for_age: Option<ZScore>,
    /// PB/U or TB/U category.
    pub height_for_age_category: Option<HeightForAgeCategory>,
    /// BB/U category.
    pub weight_for_age_category: Option<WeightForAgeCategory>,
    /// BB/PB or BB/TB category.
    pub weight_for_height_category: Option<NutritionCategory>,
    /// IMT/U category.
    pub bmi_for_age_category: Option<NutritionCategory>,
}

impl ZScoreCalculation {
    /// From the z-score module's result.
    pub fn from_scores(s: &who::Scores, oedema: bool) -> Self {
        let z = |x: Option<who::Score>| {
            x.map(|x| ZScore {
                z: x.z,
                flagged: x.flagged,
            })
        };
        let c = s.categories(oedema);
        ZScoreCalculation {
            corrected_length_cm: s.clenhei.map(|h| (h * 100.0).round() / 100.0),
            position_implausible: s.c9mo_flag,
            bmi: s.bmi.map(|b| (b * 100.0).round() / 100.0),
            height_for_age: z(s.haz),
            weight_for_age: z(s.waz),
            weight_for_height: z(s.whz),
            bmi_for_age: z(s.baz),
            arm_circumference_for_age: z(s.acz),
            height_for_age_category: c.height_for_age.map(Into::into),
            weight_for_age_category: c.weight_for_age.map(Into::into),
            weight_for_height_category: c.weight_for_height.map(Into::into),
            bmi_for_age_category: c.bmi_for_age.map(Into::into),
        }
    }
}
