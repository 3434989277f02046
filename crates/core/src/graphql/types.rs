//! GraphQL object types of the shared registry. Each wraps an entity model; none derives from it.

use async_graphql::dataloader::Loader;

use crate::graphql::loaders::DataLoader;
use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::actor::Actor;
use crate::entity::{
    activity, activity_organiser, activity_participant, activity_participant_count, cadre_role,
    commitment, family, family_member, household, organisation, person, programme,
    programme_target,
};
use crate::error::internal;
use crate::graphql::loaders::{ById, ByParent, MemberOf};
use crate::graphql::region::{RegionRef, RegionType};
use crate::kinds::{
    ActivityKind, CadreRoleKind, OrganisationKind, OrganiserRole, ParticipantGroup,
    ProgrammeDomain, Relationship,
};
use crate::pii::mask;
use crate::stats::Sex;

/// Visibility of personal fields: only roles with record access see them (and the SDL export,
/// which runs without an actor).
pub fn record_access(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Actor>()
        .is_none_or(|a| a.has_record_access())
}

/// Refuses personal fields to roles without record access (FORBIDDEN), whatever the query.
pub struct RecordAccess;

impl async_graphql::Guard for RecordAccess {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        if personal(ctx) {
            Ok(())
        } else {
            Err(crate::error::coded(
                crate::error::ErrorCode::Forbidden,
                "your role may not read personal data",
            ))
        }
    }
}

/// The region handle of `code` (its row is loaded, batched, when a field needs it).
pub fn region<R: RegionType>(code: &str) -> R {
    R::from(RegionRef::new(code))
}

/// One value through the request's DataLoader `L`.
pub async fn one<K, L>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<L::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    L: Loader<K, Error = crate::graphql::loaders::LoadError>,
{
    ctx.data_unchecked::<DataLoader<L>>()
        .load_one(key)
        .await
        .map_err(|e| internal(&e))
}

/// The rows of `E` under the parent `key`, through the request's `ByParent<E>` loader.
pub async fn many<E: crate::records::Record>(
    ctx: &Context<'_>,
    key: Uuid,
) -> async_graphql::Result<Vec<E::Model>> {
    Ok(one::<Uuid, ByParent<E>>(ctx, key)
        .await?
        .unwrap_or_default())
}

pub use crate::graphql::preload::Preloaded;

/// Declares a GraphQL object type wrapping an entity model, generic over the composed `Region`
/// type: `pub struct Name<R> { pub model, .. }` with `Name::new(model)`.
///
/// `preload { field: Type, .. }` adds slots a page fills for its nodes before they resolve
/// (`pub field: Preloaded<Type>`, empty from `new`): a relation every node would otherwise load
/// through a DataLoader, read once for the whole page (`docs/architecture.md`, "Preloading").
/// The relation's resolver takes the slot's value when there is one and asks its DataLoader when
/// not.
#[macro_export]
macro_rules! model_wrapper {
    ($(#[$m:meta])* $name:ident, $model:path $(, preload { $($(#[$fm:meta])* $field:ident: $ty:ty),* $(,)? })? $(,)?) => {
        $(#[$m])*
        #[derive(::async_graphql::Description)]
        pub struct $name<R> {
            /// The row.
            pub model: $model,
            $($(
                $(#[$fm])*
                pub $field: $crate::graphql::types::Preloaded<$ty>,
            )*)?
            _r: ::std::marker::PhantomData<fn() -> R>,
        }

        impl<R> $name<R> {
            /// Wraps a row.
            pub fn new(model: $model) -> Self {
                $name {
                    model,
                    $($($field: ::std::default::Default::default(),)*)?
                    _r: ::std::marker::PhantomData,
                }
            }
        }
    };
}

model_wrapper!(
    /// An organisation: TP PKK, dinas, DPRD, agency, company, BUMD, NGO or community group.
    Organisation,
    organisation::Model
);
model_wrapper!(
    /// A programme: a named initiative with an owner, a region and targets.
    Programme,
    programme::Model
);
model_wrapper!(
    /// An activity (kegiatan): launch, training, meeting, advocacy, socialisation, assistance.
    Activity,
    activity::Model
);
model_wrapper!(
    /// A person in the registry. Names, birth dates, NIK and address details are personal data,
    /// visible only to roles with record access.
    Person,
    person::Model
);
model_wrapper!(
    /// Core's part of a family (keluarga, one Kartu Keluarga).
    FamilyCore,
    family::Model
);

impl<R> From<family::Model> for FamilyCore<R> {
    fn from(model: family::Model) -> Self {
        FamilyCore::new(model)
    }
}
model_wrapper!(
    /// A household (rumah tangga): one dwelling, one or more families.
    Household,
    household::Model
);
model_wrapper!(
    /// A cadre role held by a person over a date range.
    CadreRole,
    cadre_role::Model
);
model_wrapper!(
    /// A family membership: a person and their relationship to the head.
    FamilyMember,
    family_member::Model
);
model_wrapper!(
    /// An organisation's part in an activity.
    ActivityOrganiser,
    activity_organiser::Model
);
model_wrapper!(
    /// A named participant of an activity.
    ActivityParticipant,
    activity_participant::Model
);
model_wrapper!(
    /// A commitment signed at an activity.
    Commitment,
    commitment::Model
);

#[Object(name = "Organisation", use_type_description)]
impl<R: RegionType> Organisation<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode(
            "Organisation",
            &self.model.id.to_string(),
        ))
    }
    /// Full name (`DPMPPA Kota Pekalongan`).
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// Usual abbreviation (`DPMPPA`).
    async fn acronym(&self) -> Option<&str> {
        self.model.acronym.as_deref()
    }
    /// What kind of body it is.
    async fn kind(&self) -> async_graphql::Result<OrganisationKind> {
        OrganisationKind::stored(&self.model.kind)
    }
    /// The region it works in (any level).
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The parent body (the city TP PKK for a kecamatan TP PKK), if recorded and in scope.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation<R>>> {
        let Some(id) = self.model.parent_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<organisation::Entity>>(ctx, id)
            .await?
            .map(Organisation::new))
    }
    /// Version for optimistic concurrency: send it back with an update.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "Programme", use_type_description)]
impl<R: RegionType> Programme<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode("Programme", &self.model.id.to_string()))
    }
    /// Name (`#1001KaderPendampingKetahananKeluarga`).
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.model.description.as_deref()
    }
    /// The domain it belongs to.
    async fn domain(&self) -> async_graphql::Result<ProgrammeDomain> {
        ProgrammeDomain::stored(&self.model.domain)
    }
    /// The organisation that owns it, if in scope.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation<R>>> {
        let Some(id) = self.model.owner_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<organisation::Entity>>(ctx, id)
            .await?
            .map(Organisation::new))
    }
    /// The region it runs in.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// Launch date.
    async fn launched_on(&self) -> Option<crate::Date> {
        self.model.launched_on.map(Into::into)
    }
    /// Its targets: what is counted, how many, by when, and how far it got.
    async fn targets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProgrammeTarget>> {
        Ok(many::<programme_target::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(ProgrammeTarget)
            .collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// A programme target (e.g. 1001 cadres), with the latest recorded achievement.
#[derive(async_graphql::Description)]
pub struct ProgrammeTarget(pub programme_target::Model);

#[Object(use_type_description)]
impl ProgrammeTarget {
    /// What is counted (`family-resilience cadres trained`).
    async fn measure(&self) -> &str {
        &self.0.measure
    }
    /// The number to reach.
    async fn target_value(&self) -> i32 {
        self.0.target_value
    }
    /// When it should be reached.
    async fn due_on(&self) -> Option<crate::Date> {
        self.0.due_on.map(Into::into)
    }
    /// The latest recorded achievement.
    async fn achieved_value(&self) -> Option<i32> {
        self.0.achieved_value
    }
    /// When the achievement was recorded.
    async fn achieved_as_of(&self) -> Option<crate::Date> {
        self.0.achieved_as_of.map(Into::into)
    }
    /// Achievement as a percentage of the target (one decimal), when both are known.
    async fn progress_percent(&self) -> Option<f64> {
        let a = self.0.achieved_value?;
        (self.0.target_value > 0)
            .then(|| (f64::from(a) * 1000.0 / f64::from(self.0.target_value)).round() / 10.0)
    }
}

#[Object(name = "Activity", use_type_description)]
impl<R: RegionType> Activity<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode("Activity", &self.model.id.to_string()))
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.model.title
    }
    /// Kind of activity.
    async fn kind(&self) -> async_graphql::Result<ActivityKind> {
        ActivityKind::stored(&self.model.kind)
    }
    /// The day it took place.
    async fn held_on(&self) -> crate::Date {
        self.model.held_on.into()
    }
    /// Venue (`Ruang Amarta, Kantor Setda Kota Pekalongan`).
    async fn venue(&self) -> Option<&str> {
        self.model.venue.as_deref()
    }
    /// The region it took place in or was for.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The programme it belongs to, if any and in scope.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        let Some(id) = self.model.programme_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<programme::Entity>>(ctx, id)
            .await?
            .map(Programme::new))
    }
    /// Stage of a staged training (1 = first stage).
    async fn stage(&self) -> Option<i32> {
        self.model.stage
    }
    /// Total number of participants, when reported.
    async fn total_participants(&self) -> Option<i32> {
        self.model.total_participants
    }
    /// Notes.
    async fn description(&self) -> Option<&str> {
        self.model.description.as_deref()
    }
    /// The organisations that ran, hosted or supported it.
    async fn organisers(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ActivityOrganiser<R>>> {
        Ok(many::<activity_organiser::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(ActivityOrganiser::new)
            .collect())
    }
    /// Participant counts by group and sex (they add up to `totalParticipants` when both are given).
    async fn participant_counts(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ParticipantCount>> {
        Ok(
            many::<activity_participant_count::Entity>(ctx, self.model.id)
                .await?
                .into_iter()
                .map(ParticipantCount)
                .collect(),
        )
    }
    /// Named participants (personal data: roles with record access only).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn participants(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ActivityParticipant<R>>> {
        if !ctx.data_unchecked::<Actor>().has_record_access() {
            return Ok(Vec::new());
        }
        Ok(many::<activity_participant::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(ActivityParticipant::new)
            .collect())
    }
    /// Commitments signed at the activity.
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Commitment<R>>> {
        Ok(many::<commitment::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(Commitment::new)
            .collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "ActivityOrganiser", use_type_description)]
impl<R: RegionType> ActivityOrganiser<R> {
    /// The organisation, if in scope.
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
    /// Its part in the activity.
    async fn role(&self) -> async_graphql::Result<OrganiserRole> {
        OrganiserRole::stored(&self.model.role)
    }
}

/// A number of participants of one group (and sex, when known).
#[derive(async_graphql::Description)]
pub struct ParticipantCount(pub activity_participant_count::Model);

#[Object(use_type_description)]
impl ParticipantCount {
    /// The group counted.
    async fn group(&self) -> async_graphql::Result<ParticipantGroup> {
        ParticipantGroup::stored(&self.0.participant_group)
    }
    /// Sex, when the count is split by sex.
    async fn sex(&self) -> async_graphql::Result<Option<Sex>> {
        self.0.sex.as_deref().map(Sex::stored).transpose()
    }
    /// How many.
    async fn count(&self) -> i32 {
        self.0.count
    }
    /// A note (`kelurahan level`, `one per kecamatan`).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

#[Object(name = "ActivityParticipant", use_type_description)]
impl<R: RegionType> ActivityParticipant<R> {
    /// The person, if in scope.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
    /// The group they took part as.
    async fn group(&self) -> async_graphql::Result<ParticipantGroup> {
        ParticipantGroup::stored(&self.model.participant_group)
    }
}

#[Object(name = "Commitment", use_type_description)]
impl<R: RegionType> Commitment<R> {
    /// Who signed (name of the office holder, as published).
    async fn signatory_name(&self) -> &str {
        &self.model.signatory_name
    }
    /// Their office (`Wali Kota Pekalongan`).
    async fn signatory_title(&self) -> Option<&str> {
        self.model.signatory_title.as_deref()
    }
    /// The organisation they signed for, if in scope.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organisation<R>>> {
        let Some(id) = self.model.organisation_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<organisation::Entity>>(ctx, id)
            .await?
            .map(Organisation::new))
    }
    /// What was committed to.
    async fn statement(&self) -> Option<&str> {
        self.model.statement.as_deref()
    }
}

#[Object(name = "Person", use_type_description)]
impl<R: RegionType> Person<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode("Person", &self.model.id.to_string()))
    }
    /// Full name (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn full_name(&self, ctx: &Context<'_>) -> Option<&str> {
        personal(ctx).then_some(self.model.full_name.as_str())
    }
    /// Sex.
    async fn sex(&self) -> async_graphql::Result<Sex> {
        Sex::stored(&self.model.sex)
    }
    /// Birth date (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn birth_date(&self, ctx: &Context<'_>) -> Option<crate::Date> {
        (self.model.birth_date.filter(|_| personal(ctx))).map(Into::into)
    }
    /// The NIK, masked to its last four digits (`••••••••••••0001`); the full NIK is never stored.
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn nik_masked(&self, ctx: &Context<'_>) -> Option<String> {
        self.model
            .nik_last4
            .as_deref()
            .filter(|_| personal(ctx))
            .map(mask)
    }
    /// The desa/kelurahan of domicile.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// RW number (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn rw(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.rw.as_deref().filter(|_| personal(ctx))
    }
    /// RT number (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn rt(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.rt.as_deref().filter(|_| personal(ctx))
    }
    /// Dasawisma group (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn dasawisma(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.dasawisma.as_deref().filter(|_| personal(ctx))
    }
    /// The day the person was registered.
    async fn registered_on(&self) -> crate::Date {
        self.model.registered_on.into()
    }
    /// Cadre roles held, current and past.
    async fn cadre_roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CadreRole<R>>> {
        Ok(many::<cadre_role::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(CadreRole::new)
            .collect())
    }
    /// The families the person belongs to, with the relationship to each head.
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn families(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FamilyMember<R>>> {
        if !personal(ctx) {
            return Ok(Vec::new());
        }
        let rows = ctx
            .data_unchecked::<MemberOf>()
            .0
            .load_one(self.model.id)
            .await
            .map_err(|e| internal(&e))?
            .unwrap_or_default();
        Ok(rows.into_iter().map(FamilyMember::new).collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

fn personal(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Actor>()
        .is_some_and(Actor::has_record_access)
}

/// Core's fields of `Family`; the gateway composes them with each domain's family part into
/// the one `Family` type (`RegionType::Family`).
#[Object]
impl<R: RegionType> FamilyCore<R> {
    /// Opaque global id (the family's own stable id: KK numbers change when a card is re-issued).
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode("Family", &self.model.id.to_string()))
    }
    /// The KK number masked to its last four digits (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn kk_masked(&self, ctx: &Context<'_>) -> Option<String> {
        self.model
            .kk_last4
            .as_deref()
            .filter(|_| personal(ctx))
            .map(mask)
    }
    /// The desa/kelurahan of the family.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The household it lives in, if recorded and in scope.
    async fn household(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Household<R>>> {
        let Some(id) = self.model.household_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<household::Entity>>(ctx, id)
            .await?
            .map(Household::new))
    }
    /// Members with their relationship to the head (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FamilyMember<R>>> {
        if !personal(ctx) {
            return Ok(Vec::new());
        }
        Ok(many::<family_member::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(FamilyMember::new)
            .collect())
    }
    /// The number of members.
    async fn member_count(&self, ctx: &Context<'_>) -> async_graphql::Result<usize> {
        Ok(many::<family_member::Entity>(ctx, self.model.id)
            .await?
            .len())
    }
    /// The day the family was registered.
    async fn registered_on(&self) -> crate::Date {
        self.model.registered_on.into()
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "FamilyMember", use_type_description)]
impl<R: RegionType> FamilyMember<R> {
    /// Relationship to the head of the family.
    async fn relationship(&self) -> async_graphql::Result<Relationship> {
        Relationship::stored(&self.model.relationship)
    }
    /// The person, if in scope.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
    /// The family, if in scope.
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        Ok(one::<Uuid, ById<family::Entity>>(ctx, self.model.family_id)
            .await?
            .map(R::Family::from))
    }
}

#[Object(name = "Household", use_type_description)]
impl<R: RegionType> Household<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode("Household", &self.model.id.to_string()))
    }
    /// The desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// RW number (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn rw(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.rw.as_deref().filter(|_| personal(ctx))
    }
    /// RT number (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn rt(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.rt.as_deref().filter(|_| personal(ctx))
    }
    /// Dasawisma group (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn dasawisma(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.dasawisma.as_deref().filter(|_| personal(ctx))
    }
    /// Address (personal data).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn address(&self, ctx: &Context<'_>) -> Option<&str> {
        self.model.address.as_deref().filter(|_| personal(ctx))
    }
    /// The families living in it.
    async fn families(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<R::Family>> {
        Ok(many::<family::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(R::Family::from)
            .collect())
    }
    /// The day it was registered.
    async fn registered_on(&self) -> crate::Date {
        self.model.registered_on.into()
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "CadreRole", use_type_description)]
impl<R: RegionType> CadreRole<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(crate::id::encode("CadreRole", &self.model.id.to_string()))
    }
    /// The role.
    async fn role(&self) -> async_graphql::Result<CadreRoleKind> {
        CadreRoleKind::stored(&self.model.role)
    }
    /// Where the cadre serves (a village, or a district for a kecamatan-level KPM).
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// First day in the role.
    async fn started_on(&self) -> crate::Date {
        self.model.started_on.into()
    }
    /// Last day in the role, if it ended.
    async fn ended_on(&self) -> Option<crate::Date> {
        self.model.ended_on.map(Into::into)
    }
    /// True when the role has no end date or ends today or later.
    async fn active(&self) -> bool {
        self.model
            .ended_on
            .is_none_or(|e| e >= chrono::Utc::now().date_naive())
    }
    /// The programme the role was taken up under, if any and in scope.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        let Some(id) = self.model.programme_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<programme::Entity>>(ctx, id)
            .await?
            .map(Programme::new))
    }
    /// The person holding the role, if in scope.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// A part that adds no fields: the `FamilyPart` of a domain with nothing to add to `Family`.
pub struct NoFields;

impl From<crate::entity::family::Model> for NoFields {
    fn from(_: crate::entity::family::Model) -> Self {
        NoFields
    }
}

impl async_graphql::ContainerType for NoFields {
    fn is_empty() -> bool {
        true
    }

    async fn resolve_field(
        &self,
        _ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::ServerResult<Option<async_graphql::Value>> {
        Ok(None)
    }
}

impl async_graphql::OutputType for NoFields {
    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("NoFields")
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        registry.create_output_type::<Self, _>(async_graphql::registry::MetaTypeId::Object, |_| {
            async_graphql::registry::MetaType::Object {
                name: "NoFields".to_owned(),
                description: None,
                fields: Default::default(),
                cache_control: Default::default(),
                extends: false,
                shareable: false,
                resolvable: true,
                keys: None,
                visible: None,
                inaccessible: false,
                interface_object: false,
                tags: Default::default(),
                is_subscription: false,
                rust_typename: Some(std::any::type_name::<Self>()),
                directive_invocations: Default::default(),
                requires_scopes: Default::default(),
            }
        })
    }

    async fn resolve(
        &self,
        _ctx: &async_graphql::ContextSelectionSet<'_>,
        _field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
    ) -> async_graphql::ServerResult<async_graphql::Value> {
        Ok(async_graphql::Value::Null)
    }
}

impl async_graphql::ObjectType for NoFields {}

/// A domain's node types (made by [`crate::domain_nodes!`]): their GraphQL type names, and how
/// each is read by `node(id:)` through the request's `Reader` (scope, access rule, audit).
pub trait NodeSet<R: RegionType>: Sized + Send {
    /// The GraphQL type names, one per variant.
    const TYPES: &'static [&'static str];

    /// The node of type `kind` (one of [`NodeSet::TYPES`]) with primary key `id`: `None` when it
    /// does not exist or is outside the actor's scope.
    fn load(
        ctx: &async_graphql::Context<'_>,
        kind: &str,
        id: uuid::Uuid,
    ) -> impl std::future::Future<Output = async_graphql::Result<Option<Self>>> + Send;
}

/// The node types of a domain that resolves none through `node(id:)`.
pub enum NoNodes {}

impl<R: RegionType> NodeSet<R> for NoNodes {
    const TYPES: &'static [&'static str] = &[];

    async fn load(
        _ctx: &async_graphql::Context<'_>,
        _kind: &str,
        _id: uuid::Uuid,
    ) -> async_graphql::Result<Option<Self>> {
        Ok(None)
    }
}

/// Declares a domain's node types once: the enum (one variant per GraphQL type, named after it
/// and holding it), its [`NodeSet`] (the type names, and the read of each through the request's
/// `Reader` by the entity given after `=`):
///
/// ```ignore
/// keluarga_core::domain_nodes! {
///     /// One stunting node.
///     pub enum Node {
///         /// A posyandu.
///         Posyandu = posyandu::Entity,
///         /// A child under five.
///         Child = child::Entity,
///     }
/// }
/// ```
///
/// Each type is a [`crate::model_wrapper!`] of its entity (`Type::new(model)`).
#[macro_export]
macro_rules! domain_nodes {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $( $(#[$vm:meta])* $variant:ident = $entity:path ),* $(,)? }) => {
        $(#[$m])*
        $vis enum $name<R> {
            $( $(#[$vm])* $variant($variant<R>), )*
        }

        impl<R: $crate::RegionType> $crate::graphql::types::NodeSet<R> for $name<R> {
            const TYPES: &'static [&'static str] = &[$(stringify!($variant)),*];

            async fn load(
                ctx: &::async_graphql::Context<'_>,
                kind: &str,
                id: ::uuid::Uuid,
            ) -> ::async_graphql::Result<Option<Self>> {
                Ok(match kind {
                    $(
                        stringify!($variant) => $crate::graphql::loaders::node::<$entity>(ctx, id)
                            .await?
                            .map(|m| $name::$variant($variant::new(m))),
                    )*
                    _ => None,
                })
            }
        }
    };
}
