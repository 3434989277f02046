//! Fixture builders over the real services (so fixtures pass the same validation as clients).

use chrono::NaiveDate;
use keluarga_core::entity::{organisation, person};
use keluarga_core::input::{CreateOrganisationInput, CreatePersonInput};
use keluarga_core::kinds::OrganisationKind;
use keluarga_core::stats::Sex;
use keluarga_core::{Actor, AppContext, service};

/// Builds a person in a village.
pub struct PersonBuilder {
    input: CreatePersonInput,
}

impl PersonBuilder {
    /// A woman born in 1990 living in `village`.
    pub fn in_village(village: &str) -> Self {
        PersonBuilder {
            input: CreatePersonInput {
                full_name: "Siti Rahayu".to_owned(),
                sex: Sex::Female,
                birth_date: (NaiveDate::from_ymd_opt(1990, 7, 5)).map(Into::into),
                region_code: village.to_owned(),
                rw: Some("3".to_owned()),
                rt: Some("8".to_owned()),
                dasawisma: None,
                nik: None,
                registered_on: (NaiveDate::from_ymd_opt(2024, 3, 1)).map(Into::into),
            },
        }
    }

    /// Sets the name.
    pub fn name(mut self, name: &str) -> Self {
        self.input.full_name = name.to_owned();
        self
    }

    /// Sets the sex.
    pub fn sex(mut self, sex: Sex) -> Self {
        self.input.sex = sex;
        self
    }

    /// Sets the birth date.
    pub fn born(mut self, birth: NaiveDate) -> Self {
        self.input.birth_date = Some(birth.into());
        self
    }

    /// Sets the RW (`"1"` is stored `001`).
    pub fn rw(mut self, rw: &str) -> Self {
        self.input.rw = Some(rw.to_owned());
        self
    }

    /// Sets the RT.
    pub fn rt(mut self, rt: &str) -> Self {
        self.input.rt = Some(rt.to_owned());
        self
    }

    /// Sets the registration day.
    pub fn registered(mut self, on: NaiveDate) -> Self {
        self.input.registered_on = Some(on.into());
        self
    }

    /// Sets the NIK.
    pub fn nik(mut self, nik: &str) -> Self {
        self.input.nik = Some(nik.to_owned());
        self
    }

    /// Inserts it through the service, as the system actor.
    pub async fn insert(self, app: &AppContext) -> person::Model {
        service::create_person(app, &Actor::system(), self.input)
            .await
            .expect("fixture person")
    }
}

/// Inserts an organisation in `region`.
pub async fn organisation(app: &AppContext, name: &str, region: &str) -> organisation::Model {
    service::create_organisation(
        app,
        &Actor::system(),
        CreateOrganisationInput {
            name: name.to_owned(),
            acronym: None,
            kind: OrganisationKind::Dinas,
            region_code: region.to_owned(),
            parent_id: None,
        },
    )
    .await
    .expect("fixture organisation")
}
