//! Demo data: seed 004 (Kota Pekalongan) as facts, and deterministic synthetic posts, awards and
//! prerequisites in the other three seed cities.
//!
//! Seed 004 (the mayor, 18 April 2022): the city holds APE *kategori Utama* because women hold
//! strategic posts, "Sekda, mantan ketua DPRD, dan kepala dinas"; the predicate "can drop
//! because the 7 vacant kepala dinas posts were filled by men"; several sekretaris dinas posts
//! went to women, and the Sekda is still a woman. PUG advocacy is annual: RT, RW and kelurahan
//! in earlier years, and from 2022 for five years every women's organisation. Kabid PPPA Nur
//! Agustina (DPMPPA) is named. What the article does not give is marked synthetic: the award's
//! year (APE 2018, given around Hari Ibu), the holders' names and dates, the other posts, the
//! names of the holders (invented), the 2021 and 2023 advocacy, the prerequisite statuses and the gender analysis. The figures it
//! produces: women held 11 of 22 filled posts (50.0 %) when the award was given; on 18 April
//! 2022, after the seven appointments, 13 of 31 (41.9 %), which raises the early warning.

use chrono::NaiveDate;
use keluarga_core::entity::{organisation, person, programme, region};
use keluarga_core::error::{Error, Result};
use keluarga_core::input::{
    CreateActivityInput, CreateOrganisationInput, CreatePersonInput, OrganiserInput,
    ParticipantInput,
};
use keluarga_core::kinds::{ActivityKind, OrganisationKind, OrganiserRole, ParticipantGroup};
use keluarga_core::seed::Rng;
use keluarga_core::stats::Sex;
use keluarga_core::{Actor, AppContext};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::strategic_post;
use crate::input::*;
use crate::kinds::*;
use crate::service;

/// The PUG programme of Kota Pekalongan (core's seed).
pub const PUG_PROGRAMME: &str = "Advokasi Pengarusutamaan Gender (PUG) Kota Pekalongan";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn gid(t: &str, id: Uuid) -> async_graphql::ID {
    keluarga_core::id::encode(t, &id.to_string())
}

async fn org_named(app: &AppContext, name: &str) -> Result<organisation::Model> {
    organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(&app.db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("seed organisation {name}")))
}

/// A post, its holdings (person, first day, last day), through the service.
struct Seeder<'a> {
    app: &'a AppContext,
    actor: Actor,
}

impl Seeder<'_> {
    async fn person(&self, name: &str, sex: Sex, village: &str) -> Result<Uuid> {
        Ok(keluarga_core::service::create_person(
            self.app,
            &self.actor,
            CreatePersonInput {
                full_name: name.to_owned(),
                sex,
                birth_date: Some(d(1972, 5, 1).into()),
                region_code: village.to_owned(),
                rw: None,
                rt: None,
                dasawisma: None,
                nik: None,
                registered_on: Some(d(2014, 1, 2).into()),
            },
        )
        .await?
        .id)
    }

    async fn post(
        &self,
        org: Uuid,
        title: &str,
        kind: PostKind,
        echelon: Option<Echelon>,
        region: Option<&str>,
    ) -> Result<Uuid> {
        Ok(service::create_post(
            self.app,
            &self.actor,
            CreateStrategicPostInput {
                organisation_id: gid("Organisation", org),
                title: title.to_owned(),
                kind,
                echelon,
                region_code: region.map(str::to_owned),
                established_on: None,
            },
        )
        .await?
        .id)
    }

    async fn version(&self, post: Uuid) -> Result<i32> {
        Ok(strategic_post::Entity::find_by_id(post)
            .one(&self.app.db)
            .await?
            .map_or(1, |p| p.version))
    }

    async fn hold(
        &self,
        post: Uuid,
        person: Uuid,
        from: NaiveDate,
        until: Option<NaiveDate>,
    ) -> Result<()> {
        service::appoint(
            self.app,
            &self.actor,
            AppointToPostInput {
                post_id: gid("StrategicPost", post),
                version: self.version(post).await?,
                person_id: gid("Person", person),
                started_on: from.into(),
                decree: None,
            },
        )
        .await?;
        if let Some(u) = until {
            service::vacate(
                self.app,
                &self.actor,
                VacatePostInput {
                    post_id: gid("StrategicPost", post),
                    version: self.version(post).await?,
                    ended_on: u.into(),
                    reason: Some("term ended".to_owned()),
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// Writes the demo data (idempotent: nothing when posts exist already). True when written.
pub async fn demo(app: &AppContext) -> Result<bool> {
    if strategic_post::Entity::find().count(&app.db).await? > 0 {
        return Ok(false);
    }
    if organisation::Entity::find()
        .filter(organisation::Column::RegionCode.eq("33.75"))
        .count(&app.db)
        .await?
        == 0
    {
        // Core's demo data is not there (a bare database): nothing to attach to.
        return Ok(false);
    }
    let s = Seeder {
        app,
        actor: Actor::system(),
    };
    pekalongan(&s).await?;
    for (city, award) in [
        ("31.71", Some((AwardType::Kla, AwardLevel::Nindya, 2023))),
        ("63.72", Some((AwardType::Ape, AwardLevel::Madya, 2022))),
        ("35.76", Some((AwardType::Ape, AwardLevel::Pratama, 2022))),
    ] {
        synthetic_city(&s, city, award).await?;
    }
    Ok(true)
}

/// Kota Pekalongan, seed 004.
async fn pekalongan(s: &Seeder<'_>) -> Result<()> {
    use Echelon as E;
    use PostKind as K;
    use Sex::{Female as P, Male as L};
    let app = s.app;
    let v = "33.75.01.1002"; // Medono: where the synthetic officials are registered
    let pemkot = org_named(app, "Pemerintah Kota Pekalongan").await?.id;
    let dprd = org_named(app, "DPRD Kota Pekalongan").await?.id;
    let dpmppa = org_named(
        app,
        "Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Kota Pekalongan",
    )
    .await?
    .id;
    let dinkes = org_named(app, "Dinas Kesehatan Kota Pekalongan").await?.id;
    let bappeda = org_named(app, "Bappeda Kota Pekalongan").await?.id;
    let dinsos = org_named(
        app,
        "Dinas Sosial, Pengendalian Penduduk dan Keluarga Berencana Kota Pekalongan",
    )
    .await?
    .id;
    let disdik = org_named(app, "Dinas Pendidikan Kota Pekalongan").await?.id;
    let mut dinas = Vec::new();
    for (name, acronym) in [
        ("Dinas Perhubungan", "Dishub"),
        ("Dinas Lingkungan Hidup", "DLH"),
        ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
        ("Dinas Perdagangan, Koperasi dan UKM", "Dindagkop-UKM"),
        ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
        ("Dinas Komunikasi dan Informatika", "Dinkominfo"),
        (
            "Dinas Pariwisata, Kebudayaan, Kepemudaan dan Olahraga",
            "Disparbudpora",
        ),
        ("Dinas Perindustrian dan Tenaga Kerja", "Dinperinaker"),
        ("Dinas Perpustakaan dan Kearsipan", "Dinarpus"),
        ("Dinas Ketahanan Pangan dan Pertanian", "DKPP"),
    ] {
        let m = keluarga_core::service::create_organisation(
            app,
            &s.actor,
            CreateOrganisationInput {
                name: format!("{name} Kota Pekalongan"),
                acronym: Some(acronym.to_owned()),
                kind: OrganisationKind::Dinas,
                region_code: "33.75".to_owned(),
                parent_id: None,
            },
        )
        .await?;
        dinas.push((name, m.id));
    }
    let start = d(2018, 1, 2);

    // Sekda: a woman, still in 2022.
    let p = s
        .post(
            pemkot,
            "Sekretaris Daerah Kota Pekalongan",
            K::Sekda,
            Some(E::IIa),
            None,
        )
        .await?;
    let h = s.person("Ratna Kusumawati", P, v).await?;
    s.hold(p, h, d(2017, 3, 1), None).await?;
    for (title, sex, name) in [
        (
            "Asisten Pemerintahan dan Kesejahteraan Rakyat",
            L,
            "Bambang Sutrisno",
        ),
        (
            "Asisten Perekonomian dan Pembangunan",
            P,
            "Endang Purwaningsih",
        ),
        ("Asisten Administrasi Umum", L, "Agus Riyanto"),
    ] {
        let p = s
            .post(pemkot, title, K::Asisten, Some(E::IIb), None)
            .await?;
        let h = s.person(name, sex, v).await?;
        s.hold(p, h, start, None).await?;
    }
    // DPRD chair: a woman until the 2019 election ("mantan ketua DPRD"), then a man.
    let p = s
        .post(dprd, "Ketua DPRD Kota Pekalongan", K::DprdChair, None, None)
        .await?;
    let h = s.person("Nurul Hidayah", P, v).await?;
    s.hold(p, h, d(2014, 9, 1), Some(d(2019, 9, 1))).await?;
    let h = s.person("Ahmad Syaifudin", L, v).await?;
    s.hold(p, h, d(2019, 9, 1), None).await?;
    let p = s
        .post(
            bappeda,
            "Kepala Bappeda",
            K::KepalaBadan,
            Some(E::IIb),
            None,
        )
        .await?;
    let h = s.person("Tutik Rahmawati", P, v).await?;
    s.hold(p, h, start, None).await?;
    // Heads of dinas: three women and four men in office; seven posts vacant until January
    // 2022, then filled by men.
    for (org, title, sex, name) in [
        (dpmppa, "Kepala DPMPPA", P, "Siti Aminah"),
        (dinkes, "Kepala Dinas Kesehatan", P, "Yuli Astuti"),
        (disdik, "Kepala Dinas Pendidikan", P, "Dyah Kartika"),
        (dinsos, "Kepala Dinas Sosial P2KB", L, "Hendro Wibisono"),
        (dinas[0].1, "Kepala Dinas Perhubungan", L, "Suryo Pratomo"),
        (
            dinas[1].1,
            "Kepala Dinas Lingkungan Hidup",
            L,
            "Sutarno Hadi",
        ),
        (dinas[2].1, "Kepala Dinas PUPR", L, "Joko Purnomo"),
    ] {
        let p = s
            .post(org, title, K::KepalaDinas, Some(E::IIb), None)
            .await?;
        let h = s.person(name, sex, v).await?;
        s.hold(p, h, start, None).await?;
    }
    let men = [
        "Budi Prasetyo",
        "Hadi Wibowo",
        "Eko Saputro",
        "Teguh Santosa",
        "Wahyu Hidayat",
        "Rudi Hartono",
        "Dwi Cahyono",
    ];
    for ((name, org), holder) in dinas[3..].iter().zip(men) {
        let p = s
            .post(
                *org,
                &format!("Kepala {name}"),
                K::KepalaDinas,
                Some(E::IIb),
                None,
            )
            .await?;
        let h = s.person(holder, L, v).await?;
        s.hold(p, h, d(2022, 1, 10), None).await?;
    }
    // Sekretaris dinas: two women and two men; two more posts filled by women in January 2022
    // ("di sekretaris dinas beberapa kita isi perempuan").
    for (org, title, sex, name, from) in [
        (dpmppa, "Sekretaris DPMPPA", P, "Retno Dwi Astuti", start),
        (
            dinkes,
            "Sekretaris Dinas Kesehatan",
            L,
            "Ahmad Fauzi",
            start,
        ),
        (
            disdik,
            "Sekretaris Dinas Pendidikan",
            P,
            "Lilik Sumarni",
            start,
        ),
        (
            dinsos,
            "Sekretaris Dinas Sosial P2KB",
            L,
            "Imam Santoso",
            start,
        ),
        (
            dinas[0].1,
            "Sekretaris Dinas Perhubungan",
            P,
            "Tri Ratna Dewi",
            d(2022, 1, 10),
        ),
        (
            dinas[1].1,
            "Sekretaris Dinas Lingkungan Hidup",
            P,
            "Nining Suryani",
            d(2022, 1, 10),
        ),
    ] {
        let p = s
            .post(org, title, K::SekretarisDinas, Some(E::IIIa), None)
            .await?;
        let h = s.person(name, sex, v).await?;
        s.hold(p, h, from, None).await?;
    }
    // Named in the article.
    let p = s
        .post(
            dpmppa,
            "Kepala Bidang Pemberdayaan Perempuan dan Perlindungan Anak",
            K::KepalaBidang,
            Some(E::IIIb),
            None,
        )
        .await?;
    let h = s.person("Nur Agustina", P, v).await?;
    s.hold(p, h, start, None).await?;
    // Camat: one woman, then a second from July 2020.
    for (district, name, sex) in [
        ("33.75.01", "Barat", P),
        ("33.75.02", "Timur", L),
        ("33.75.03", "Utara", L),
        ("33.75.04", "Selatan", L),
    ] {
        let p = s
            .post(
                pemkot,
                &format!("Camat Pekalongan {name}"),
                K::Camat,
                Some(E::IIIa),
                Some(district),
            )
            .await?;
        let holder = match sex {
            P => "Siti Rofiqoh",
            L => "Camat Pekalongan",
        };
        let h = s.person(&format!("{holder} {name}"), sex, v).await?;
        if name == "Utara" {
            s.hold(p, h, d(2016, 1, 4), Some(d(2020, 7, 1))).await?;
            let w = s.person("Mutmainah Utara", P, v).await?;
            s.hold(p, w, d(2020, 7, 1), None).await?;
        } else {
            s.hold(p, h, start, None).await?;
        }
    }

    // APE Utama (the year is synthetic: the article says only that the city holds it).
    service::record_award(
        app,
        &s.actor,
        RecordAwardInput {
            region_code: "33.75".to_owned(),
            award_type: AwardType::Ape,
            level: AwardLevel::Utama,
            year: 2018,
            awarded_on: d(2018, 12, 22).into(),
            note: Some("Kategori Utama, cited by the mayor on 18 April 2022 (seed 004); the year is assumed.".to_owned()),
        },
    )
    .await?;

    // PUG prerequisites of 2022 (synthetic statuses).
    use Prerequisite as Q;
    use PrerequisiteStatus as S;
    for (q, st, ev) in [
        (
            Q::Commitment,
            S::Met,
            "APE Utama; the mayor opens the annual PUG advocacy",
        ),
        (
            Q::Policy,
            S::Met,
            "PUG carried by the 1001-cadre programme (TP PKK, DPMPPA)",
        ),
        (
            Q::Institutions,
            S::Met,
            "Pokja PUG led by Bappeda, DPMPPA as secretariat",
        ),
        (
            Q::Resources,
            S::InProgress,
            "Focal points trained in some OPD only",
        ),
        (
            Q::SexDisaggregatedData,
            S::InProgress,
            "Data terpilah published for some sectors",
        ),
        (
            Q::AnalysisTools,
            S::Met,
            "GAP used for the 1001-cadre programme",
        ),
        (
            Q::CommunityParticipation,
            S::Met,
            "Annual advocacy: RT, RW, kelurahan, women's organisations",
        ),
    ] {
        service::set_prerequisite(
            app,
            &s.actor,
            SetPugPrerequisiteInput {
                region_code: "33.75".to_owned(),
                year: 2022,
                prerequisite: q,
                status: st,
                evidence: Some(ev.to_owned()),
                version: None,
            },
        )
        .await?;
    }

    // Advocacy: RT, RW and kelurahan in 2021; every women's organisation 2022–2027.
    let pug = programme::Entity::find()
        .filter(programme::Column::Name.eq(PUG_PROGRAMME))
        .one(&app.db)
        .await?
        .ok_or_else(|| Error::NotFound("seed programme PUG".into()))?;
    for (audience, from, to, note) in [
        (
            Audience::Rt,
            2021,
            2021,
            "Tahun sebelumnya tingkat RT (seed 004)",
        ),
        (
            Audience::Rw,
            2021,
            2021,
            "Tahun sebelumnya tingkat RW (seed 004)",
        ),
        (
            Audience::Village,
            2021,
            2021,
            "Tahun sebelumnya tingkat kelurahan (seed 004)",
        ),
        (
            Audience::WomensOrganisation,
            2022,
            2027,
            "Tahun ini dan 5 tahun ke depan: semua organisasi perempuan (seed 004)",
        ),
    ] {
        service::set_advocacy_target(
            app,
            &s.actor,
            SetAdvocacyTargetInput {
                region_code: "33.75".to_owned(),
                audience,
                from_year: from,
                to_year: to,
                target_count: None,
                programme_id: Some(gid("Programme", pug.id)),
                note: Some(note.to_owned()),
                version: None,
            },
        )
        .await?;
    }
    advocacy_2021(s, &pug).await?;
    advocacy_2023(s, &pug).await?;

    // A gender analysis of the 1001-cadre programme (synthetic content).
    if let Some(p1001) = programme::Entity::find()
        .filter(programme::Column::Name.eq(keluarga_core::seed::PROGRAMME_1001))
        .one(&app.db)
        .await?
    {
        service::record_gender_analysis(
            app,
            &s.actor,
            RecordGenderAnalysisInput {
                programme_id: gid("Programme", p1001.id),
                year: 2022,
                data_pilah: Some("Cadres trained by sex (registry cadres, data terpilah)".to_owned()),
                access_gap: Some("Training is held on weekdays, when working fathers cannot attend.".to_owned()),
                participation_gap: Some("Almost all of the 420 cadres are women; men are rarely reached as family companions.".to_owned()),
                control_gap: Some("Decisions on family plans rest with heads of family, mostly men, who are not cadres.".to_owned()),
                benefit_gap: None,
                internal_causes: Some("Recruitment goes through TP PKK and dasawisma, which are women's structures.".to_owned()),
                external_causes: Some("Care work is seen as women's work.".to_owned()),
                objective: Some("Reach fathers and male heads of family as well as mothers.".to_owned()),
                actions: vec![
                    "Hold one weekend session per kelurahan for fathers".to_owned(),
                    "Recruit male cadres through RW and mosque networks".to_owned(),
                ],
                baseline: Some("2022: cadres almost all women".to_owned()),
                indicators: vec!["Share of men among cadres".to_owned()],
            },
        )
        .await?;
    }
    Ok(())
}

/// 2021: advocacy in 20 of the 27 kelurahan, one resident per RT of RW 001–004 taking part
/// (synthetic, deterministic).
async fn advocacy_2021(s: &Seeder<'_>, pug: &programme::Model) -> Result<()> {
    let app = s.app;
    let villages = region::Entity::find()
        .filter(region::Column::Code.starts_with("33.75."))
        .filter(region::Column::Level.eq(4))
        .order_by_asc(region::Column::Code)
        .all(&app.db)
        .await?;
    let dpmppa = org_named(
        app,
        "Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Kota Pekalongan",
    )
    .await?
    .id;
    for (i, v) in villages.iter().take(20).enumerate() {
        let residents = person::Entity::find()
            .filter(person::Column::RegionCode.eq(v.code.as_str()))
            .filter(person::Column::Rw.lte("004"))
            .order_by_asc(person::Column::Rw)
            .order_by_asc(person::Column::Rt)
            .order_by_asc(person::Column::FullName)
            .all(&app.db)
            .await?;
        let mut seen = std::collections::BTreeSet::new();
        let participants: Vec<ParticipantInput> = residents
            .into_iter()
            .filter(|p| seen.insert((p.rw.clone(), p.rt.clone())))
            .map(|p| ParticipantInput {
                person_id: gid("Person", p.id),
                group: ParticipantGroup::CommunityMember,
            })
            .collect();
        let day = u32::try_from(i % 28).unwrap_or(0) + 1;
        keluarga_core::service::create_activity(
            app,
            &s.actor,
            CreateActivityInput {
                title: format!("Advokasi PUG tingkat RT/RW Kelurahan {}", v.name),
                kind: ActivityKind::Advocacy,
                held_on: (d(2021, 3 + u32::try_from(i / 10).unwrap_or(0), day)).into(),
                venue: Some(format!("Kantor Kelurahan {}", v.name)),
                region_code: v.code.clone(),
                programme_id: Some(gid("Programme", pug.id)),
                stage: None,
                total_participants: None,
                description: Some("Synthetic: seed 004 says only that earlier years' advocacy was at RT, RW and kelurahan level.".to_owned()),
                organisers: vec![OrganiserInput {
                    organisation_id: gid("Organisation", dpmppa),
                    role: OrganiserRole::Organiser,
                }],
                participant_counts: Vec::new(),
                participants,
                commitments: Vec::new(),
            },
        )
        .await?;
    }
    Ok(())
}

/// 2023: four more women's organisations reached (synthetic).
async fn advocacy_2023(s: &Seeder<'_>, pug: &programme::Model) -> Result<()> {
    let app = s.app;
    let women = organisation::Entity::find()
        .filter(organisation::Column::RegionCode.eq("33.75"))
        .filter(organisation::Column::Kind.eq(OrganisationKind::WomensOrganisation.as_str()))
        .order_by_asc(organisation::Column::CreatedAt)
        .order_by_asc(organisation::Column::Id)
        .all(&app.db)
        .await?;
    let dpmppa = org_named(
        app,
        "Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Kota Pekalongan",
    )
    .await?
    .id;
    let mut organisers = vec![OrganiserInput {
        organisation_id: gid("Organisation", dpmppa),
        role: OrganiserRole::Organiser,
    }];
    for o in women.iter().skip(5).take(4) {
        organisers.push(OrganiserInput {
            organisation_id: gid("Organisation", o.id),
            role: OrganiserRole::Participant,
        });
    }
    keluarga_core::service::create_activity(
        app,
        &s.actor,
        CreateActivityInput {
            title: "Advokasi PUG bagi organisasi perempuan".to_owned(),
            kind: ActivityKind::Advocacy,
            held_on: d(2023, 5, 16).into(),
            venue: Some("Gedung Diklat Pemerintah Kota Pekalongan".to_owned()),
            region_code: "33.75".to_owned(),
            programme_id: Some(gid("Programme", pug.id)),
            stage: None,
            total_participants: None,
            description: Some(
                "Synthetic: the second year of the five-year target of seed 004.".to_owned(),
            ),
            organisers,
            participant_counts: Vec::new(),
            participants: Vec::new(),
            commitments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// A synthetic city: a head post for each of its government organisations and a camat per
/// kecamatan, holders picked from its adults, an award and prerequisite statuses.
async fn synthetic_city(
    s: &Seeder<'_>,
    city: &str,
    give: Option<(AwardType, AwardLevel, i32)>,
) -> Result<()> {
    let app = s.app;
    let mut rng = Rng(u64::from_str_radix(&city.replace('.', ""), 16).unwrap_or(7));
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::RegionCode.eq(city))
        .order_by_asc(organisation::Column::Name)
        .all(&app.db)
        .await?;
    let adults = person::Entity::find()
        .filter(person::Column::RegionCode.starts_with(format!("{city}.")))
        .filter(person::Column::BirthDate.lte(d(1985, 12, 31)))
        .order_by_asc(person::Column::RegionCode)
        .order_by_asc(person::Column::FullName)
        .order_by_asc(person::Column::Id)
        .all(&app.db)
        .await?;
    let mut women = adults.iter().filter(|p| p.sex == "P");
    let mut men = adults.iter().filter(|p| p.sex == "L");
    let mut pick = |rng: &mut Rng| -> Option<Uuid> {
        // Two in five posts to a woman.
        if rng.below(5) < 2 {
            women.next().map(|p| p.id)
        } else {
            men.next().map(|p| p.id)
        }
    };
    let mut government = None;
    for o in &orgs {
        let (kind, echelon, title) = match OrganisationKind::parse(&o.kind) {
            Some(OrganisationKind::LocalGovernment) => {
                government = Some(o.id);
                (
                    PostKind::Sekda,
                    Some(Echelon::IIa),
                    format!("Sekretaris Daerah ({})", o.name),
                )
            }
            Some(OrganisationKind::Dinas) => (
                PostKind::KepalaDinas,
                Some(Echelon::IIb),
                format!("Kepala {}", o.name),
            ),
            Some(OrganisationKind::Dprd) => {
                (PostKind::DprdChair, None, format!("Ketua {}", o.name))
            }
            _ => continue,
        };
        let p = s.post(o.id, &title, kind, echelon, None).await?;
        if let Some(h) = pick(&mut rng) {
            s.hold(
                p,
                h,
                d(2019 + i32::try_from(rng.below(3)).unwrap_or(0), 1, 2),
                None,
            )
            .await?;
        }
    }
    if let Some(gov) = government {
        let districts = region::Entity::find()
            .filter(region::Column::Code.starts_with(format!("{city}.")))
            .filter(region::Column::Level.eq(3))
            .order_by_asc(region::Column::Code)
            .all(&app.db)
            .await?;
        for dist in districts {
            let p = s
                .post(
                    gov,
                    &format!("Camat {}", dist.name),
                    PostKind::Camat,
                    Some(Echelon::IIIa),
                    Some(&dist.code),
                )
                .await?;
            // One in four camat posts is vacant.
            if rng.below(4) > 0
                && let Some(h) = pick(&mut rng)
            {
                s.hold(p, h, d(2020, 1, 2), None).await?;
            }
        }
    }
    if let Some((t, level, year)) = give {
        service::record_award(
            app,
            &s.actor,
            RecordAwardInput {
                region_code: city.to_owned(),
                award_type: t,
                level,
                year,
                awarded_on: (d(year, 12, 22)).into(),
                note: Some("Synthetic demo award.".to_owned()),
            },
        )
        .await?;
    }
    for q in Prerequisite::ALL {
        let status = match rng.below(3) {
            0 => PrerequisiteStatus::NotMet,
            1 => PrerequisiteStatus::InProgress,
            _ => PrerequisiteStatus::Met,
        };
        service::set_prerequisite(
            app,
            &s.actor,
            SetPugPrerequisiteInput {
                region_code: city.to_owned(),
                year: 2025,
                prerequisite: q,
                status,
                evidence: Some("Synthetic demo status.".to_owned()),
                version: None,
            },
        )
        .await?;
    }
    Ok(())
}
