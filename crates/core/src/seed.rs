//! Demo data of the shared registry: the organisations, programmes, activities and commitments of
//! the five seed articles in their real regions, plus a small deterministic synthetic population
//! (households, families, persons, cadres) in the four seed cities so that statistics show something.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::actor::Actor;
use crate::context::AppContext;
use crate::entity::{cadre_role, family, family_member, household, person, programme, region};
use crate::error::{Error, Result};
use crate::input::*;
use crate::kinds::*;
use crate::service;
use crate::stats::Sex;

/// The four seed cities (Kemendagri codes).
pub const SEED_CITIES: [&str; 4] = ["33.75", "31.71", "63.72", "35.76"];

/// Name of the 1001-cadre programme (seed 000).
pub const PROGRAMME_1001: &str = "#1001KaderPendampingKetahananKeluarga";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid literal date")
}

fn gid(t: &str, id: Uuid) -> async_graphql::ID {
    crate::id::encode(t, &id.to_string())
}

/// A tiny deterministic generator (SplitMix64), so synthetic demo data is the same every run.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.bits() % n
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.bits() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

const GIVEN_F: [&str; 12] = [
    "Siti", "Sri", "Dewi", "Nur", "Rina", "Ani", "Wati", "Lestari", "Yuni", "Fitri", "Ayu", "Indah",
];
const GIVEN_M: [&str; 12] = [
    "Budi", "Agus", "Slamet", "Eko", "Joko", "Rudi", "Hadi", "Bambang", "Dedi", "Andi", "Yusuf",
    "Rizki",
];
const FAMILY: [&str; 10] = [
    "Santoso",
    "Wibowo",
    "Rahayu",
    "Hidayat",
    "Kurniawan",
    "Setiawan",
    "Susanti",
    "Pratama",
    "Saputra",
    "Wulandari",
];

/// Writes the demo data unless it is already there. Returns true when it wrote.
pub async fn demo(app: &AppContext) -> Result<bool> {
    if programme::Entity::find().count(&app.db).await? > 0 {
        return Ok(false);
    }
    let a = Actor::system();
    let org = |name: &str, acronym: Option<&str>, kind: OrganisationKind, code: &str| {
        CreateOrganisationInput {
            name: name.to_owned(),
            acronym: acronym.map(str::to_owned),
            kind,
            region_code: code.to_owned(),
            parent_id: None,
        }
    };
    use OrganisationKind as K;
    let mut ids = std::collections::HashMap::new();
    for (key, input) in [
        (
            "pemkot_pkl",
            org(
                "Pemerintah Kota Pekalongan",
                Some("Pemkot Pekalongan"),
                K::LocalGovernment,
                "33.75",
            ),
        ),
        (
            "pkk_pkl",
            org(
                "Tim Penggerak PKK Kota Pekalongan",
                Some("TP PKK Kota Pekalongan"),
                K::TpPkk,
                "33.75",
            ),
        ),
        (
            "dpmppa_pkl",
            org(
                "Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Kota Pekalongan",
                Some("DPMPPA"),
                K::Dinas,
                "33.75",
            ),
        ),
        (
            "lppar_pkl",
            org("LP-PAR Kota Pekalongan", Some("LP-PAR"), K::Ngo, "33.75"),
        ),
        (
            "dinkes_pkl",
            org(
                "Dinas Kesehatan Kota Pekalongan",
                Some("Dinkes"),
                K::Dinas,
                "33.75",
            ),
        ),
        (
            "bappeda_pkl",
            org(
                "Bappeda Kota Pekalongan",
                Some("Bappeda"),
                K::Dinas,
                "33.75",
            ),
        ),
        (
            "dinsos_pkl",
            org(
                "Dinas Sosial, Pengendalian Penduduk dan Keluarga Berencana Kota Pekalongan",
                Some("Dinsos P2KB"),
                K::Dinas,
                "33.75",
            ),
        ),
        (
            "dindik_pkl",
            org(
                "Dinas Pendidikan Kota Pekalongan",
                Some("Disdik"),
                K::Dinas,
                "33.75",
            ),
        ),
        (
            "dprd_pkl",
            org("DPRD Kota Pekalongan", Some("DPRD"), K::Dprd, "33.75"),
        ),
        (
            "unicef",
            org(
                "UNICEF (SAFE4C, Jawa Tengah)",
                Some("UNICEF"),
                K::International,
                "33",
            ),
        ),
        (
            "pemkot_jp",
            org(
                "Pemerintah Kota Administrasi Jakarta Pusat",
                Some("Pemkot Jakpus"),
                K::LocalGovernment,
                "31.71",
            ),
        ),
        (
            "sudin_jp",
            org(
                "Suku Dinas Pemberdayaan, Perlindungan Anak dan Pengendalian Penduduk Jakarta Pusat",
                Some("Sudin PPAPP Jakpus"),
                K::Dinas,
                "31.71",
            ),
        ),
        (
            "pkk_jp",
            org(
                "Tim Penggerak PKK Kota Administrasi Jakarta Pusat",
                Some("TP PKK Jakpus"),
                K::TpPkk,
                "31.71",
            ),
        ),
        (
            "pamjaya",
            org("Perumda PAM Jaya", Some("PAM Jaya"), K::Bumd, "31"),
        ),
        (
            "jakpro",
            org(
                "PT Jakarta Propertindo (Perseroda)",
                Some("PT Jakpro"),
                K::Bumd,
                "31",
            ),
        ),
        (
            "greenpramuka",
            org("PT Green Pramuka", None, K::Company, "31.71"),
        ),
        (
            "kejari_jp",
            org(
                "Kejaksaan Negeri Jakarta Pusat",
                Some("Kejari Jakpus"),
                K::VerticalAgency,
                "31.71",
            ),
        ),
        (
            "dp3a_kalsel",
            org(
                "Dinas Pemberdayaan Perempuan dan Perlindungan Anak Provinsi Kalimantan Selatan",
                Some("DP3A Kalsel"),
                K::Dinas,
                "63",
            ),
        ),
        (
            "pemkot_bjb",
            org(
                "Pemerintah Kota Banjarbaru",
                Some("Pemkot Banjarbaru"),
                K::LocalGovernment,
                "63.72",
            ),
        ),
        (
            "pemkot_mjk",
            org(
                "Pemerintah Kota Mojokerto",
                Some("Pemkot Mojokerto"),
                K::LocalGovernment,
                "35.76",
            ),
        ),
        (
            "pkk_mjk",
            org(
                "Tim Penggerak PKK Kota Mojokerto (Pokja II)",
                Some("TP PKK Kota Mojokerto"),
                K::TpPkk,
                "35.76",
            ),
        ),
        (
            "diskop_mjk",
            org(
                "Dinas Koperasi, UKM, Perindustrian dan Perdagangan Kota Mojokerto",
                Some("Diskopukmperindag"),
                K::Dinas,
                "35.76",
            ),
        ),
    ] {
        let m = service::create_organisation(app, &a, input).await?;
        ids.insert(key, m.id);
    }
    // Seed 004: "semua organisasi perempuan harus teradvokasi PUG". The article names none; these
    // are the women's organisations every Indonesian city has (synthetic, by their usual names).
    let mut women_pkl = Vec::new();
    for (name, acronym) in WOMENS_ORGANISATIONS_PKL {
        let m = service::create_organisation(
            app,
            &a,
            org(
                &format!("{name} Kota Pekalongan"),
                Some(acronym),
                K::WomensOrganisation,
                "33.75",
            ),
        )
        .await?;
        women_pkl.push(m.id);
    }
    let o = |k: &str| -> Result<async_graphql::ID> {
        ids.get(k)
            .map(|id| gid("Organisation", *id))
            .ok_or_else(|| Error::NotFound(format!("seed organisation {k}")))
    };

    let prog = |name: &str,
                desc: &str,
                domain: ProgrammeDomain,
                owner: async_graphql::ID,
                code: &str,
                launched: Option<NaiveDate>,
                targets: Vec<ProgrammeTargetInput>| CreateProgrammeInput {
        name: name.to_owned(),
        description: Some(desc.to_owned()),
        domain,
        owner_id: Some(owner),
        region_code: code.to_owned(),
        launched_on: launched.map(Into::into),
        targets,
    };
    let target =
        |measure: &str, value: i32, achieved: Option<(i32, NaiveDate)>| ProgrammeTargetInput {
            measure: measure.to_owned(),
            target_value: value,
            due_on: None,
            achieved_value: achieved.map(|a| a.0),
            achieved_as_of: (achieved.map(|a| a.1)).map(Into::into),
        };
    let p1001 = service::create_programme(app, &a, prog(
        PROGRAMME_1001,
        "TP PKK, DPMPPA and LP-PAR programme to train 1001 family-resilience cadres (kader pendamping ketahanan keluarga), rolled out kecamatan → kelurahan → RT/RW → dasawisma; problems in scope: violence and stunting. 150 cadres trained through SAFE4C at launch; 420 by 14 Sep 2022.",
        ProgrammeDomain::KetahananKeluarga, o("pkk_pkl")?, "33.75", Some(d(2022, 1, 26)),
        vec![target("family-resilience cadres", 1001, Some((420, d(2022, 9, 14))))],
    )).await?;
    service::create_programme(app, &a, prog(
        "SAFE4C (Safe and Friendly Environment for Children)",
        "UNICEF-supported programme in Central Java run through DPMPPA; trains kelurahan-level community facilitators. Its 150 trained cadres became the first family-resilience cadres.",
        ProgrammeDomain::PerlindunganAnak, o("dpmppa_pkl")?, "33.75", None,
        vec![target("community facilitators trained", 150, Some((150, d(2022, 1, 26))))],
    )).await?;
    service::create_programme(app, &a, prog(
        "Kelurahan Ramah Perempuan dan Peduli Anak (KRPPA) Kota Pekalongan",
        "KRPPA pilots, one per kecamatan: Pringrejo (33.75.01.1012), Noyontaansari (33.75.02.1002), Krapyak (33.75.03.1002), Jenggot (33.75.04.1004).",
        ProgrammeDomain::PerlindunganAnak, o("dpmppa_pkl")?, "33.75", Some(d(2022, 1, 26)),
        vec![target("pilot kelurahan", 4, Some((4, d(2022, 1, 26))))],
    )).await?;
    let pug = service::create_programme(app, &a, prog(
        "Advokasi Pengarusutamaan Gender (PUG) Kota Pekalongan",
        "Annual PUG advocacy (Akses, Kontrol, Partisipasi, Manfaat). Earlier years: RT, RW and kelurahan; this year and the next 5: all women's organisations. PUG is training content for the 1001 cadres. The city holds APE kategori Utama.",
        ProgrammeDomain::Gender, o("dpmppa_pkl")?, "33.75", None, vec![],
    )).await?;
    let stunting_jp = service::create_programme(app, &a, prog(
        "Percepatan Penurunan Stunting Jakarta Pusat",
        "Stunting convergence in Jakarta Pusat: KPM coaching (aksi 5 of the 8 convergence actions), TPK capacity building, and 8 foster parents (orang tua asuh) for stunted toddlers.",
        ProgrammeDomain::Stunting, o("pemkot_jp")?, "31.71", None,
        vec![target("foster parents (orang tua asuh)", 8, Some((8, d(2023, 10, 5))))],
    )).await?;
    let tpk2d = service::create_programme(app, &a, prog(
        "Peningkatan Kualitas Keluarga Kota Banjarbaru 2022 (TPK2D)",
        "Family-quality programme of KemenPPPA run by DP3A Kalimantan Selatan through the TPK2D; family resilience measured with the 24-indicator questionnaire. Lokus 2022: Kelurahan Guntung Manggis, Kecamatan Landasan Ulin (63.72.02.1005).",
        ProgrammeDomain::KetahananKeluarga, o("dp3a_kalsel")?, "63.72", Some(d(2022, 6, 9)),
        vec![target("lokus kelurahan", 1, Some((1, d(2022, 6, 9))))],
    )).await?;
    let up2k = service::create_programme(app, &a, prog(
        "Usaha Peningkatan Pendapatan Keluarga (UP2K) Kota Mojokerto",
        "TP PKK Pokja II programme; priority beneficiaries are women heads of household (PEKKA): 170 out of 142,000 residents. Poverty = desil 1–5; economic resilience kept for desil 1–10. Linked to Cita Ketiga of the Panca Cita.",
        ProgrammeDomain::EkonomiKeluarga, o("pkk_mjk")?, "35.76", None,
        vec![target("PEKKA prioritised as beneficiaries", 170, None)],
    )).await?;

    let act = |title: &str,
               kind: ActivityKind,
               held_on: NaiveDate,
               venue: Option<&str>,
               code: &str,
               programme: Option<Uuid>| CreateActivityInput {
        title: title.to_owned(),
        kind,
        held_on: held_on.into(),
        venue: venue.map(str::to_owned),
        region_code: code.to_owned(),
        programme_id: programme.map(|p| gid("Programme", p)),
        stage: None,
        total_participants: None,
        description: None,
        organisers: vec![],
        participant_counts: vec![],
        participants: vec![],
        commitments: vec![],
    };
    let organiser = |id: async_graphql::ID, role: OrganiserRole| OrganiserInput {
        organisation_id: id,
        role,
    };
    let sign = |name: &str, title: &str, org: Option<async_graphql::ID>| CommitmentInput {
        signatory_name: name.to_owned(),
        signatory_title: Some(title.to_owned()),
        organisation_id: org,
        statement: None,
    };
    let count = |group: ParticipantGroup, n: i32, note: Option<&str>| ParticipantCountInput {
        group,
        sex: None,
        count: n,
        note: note.map(str::to_owned),
    };

    let mut launch = act(
        "Peluncuran #1001KaderPendampingKetahananKeluarga dan KRPPA",
        ActivityKind::Launch,
        d(2022, 1, 26),
        Some("Ruang Amarta, Kantor Setda Kota Pekalongan"),
        "33.75",
        Some(p1001.id),
    );
    launch.organisers = vec![
        organiser(o("pkk_pkl")?, OrganiserRole::Organiser),
        organiser(o("dpmppa_pkl")?, OrganiserRole::CoOrganiser),
        organiser(o("lppar_pkl")?, OrganiserRole::CoOrganiser),
    ];
    launch.commitments = vec![
        sign(
            "H. A. Afzan Arslan Djunaid",
            "Wali Kota Pekalongan",
            Some(o("pemkot_pkl")?),
        ),
        sign(
            "Hj. Inggit Soraya",
            "Ketua TP PKK Kota Pekalongan",
            Some(o("pkk_pkl")?),
        ),
        sign(
            "Sabaryo Pramono",
            "Kepala DPMPPA Kota Pekalongan",
            Some(o("dpmppa_pkl")?),
        ),
        sign(
            "Kepala Dinas Kesehatan",
            "Kepala OPD",
            Some(o("dinkes_pkl")?),
        ),
        sign("Kepala Bappeda", "Kepala OPD", Some(o("bappeda_pkl")?)),
        sign("Kepala Dinsos P2KB", "Kepala OPD", Some(o("dinsos_pkl")?)),
        sign(
            "Kepala Dinas Pendidikan",
            "Kepala OPD",
            Some(o("dindik_pkl")?),
        ),
        sign(
            "Para camat se-Kota Pekalongan",
            "Camat (4 kecamatan)",
            Some(o("pemkot_pkl")?),
        ),
    ];
    launch.description = Some("Launch of the 1001-cadre programme and KRPPA, signed by the mayor, the TP PKK chair, the head of DPMPPA, heads of related OPD and all camat.".to_owned());
    service::create_activity(app, &a, launch).await?;

    let mut brief = act(
        "Pembekalan tahap pertama kader pendamping ketahanan keluarga",
        ActivityKind::Training,
        d(2022, 1, 26),
        Some("Ruang Amarta, Kantor Setda Kota Pekalongan"),
        "33.75",
        Some(p1001.id),
    );
    brief.stage = Some(1);
    brief.total_participants = Some(150);
    brief.participant_counts = vec![count(
        ParticipantGroup::FamilyResilienceCadre,
        150,
        Some("already trained through SAFE4C"),
    )];
    brief.organisers = vec![
        organiser(o("pkk_pkl")?, OrganiserRole::Organiser),
        organiser(o("dpmppa_pkl")?, OrganiserRole::CoOrganiser),
    ];
    service::create_activity(app, &a, brief).await?;

    let mut second = act(
        "Pembekalan kader pendamping ketahanan keluarga angkatan kedua (kader posyandu)",
        ActivityKind::Training,
        d(2022, 9, 14),
        None,
        "33.75",
        Some(p1001.id),
    );
    second.stage = Some(2);
    second.total_participants = Some(135);
    second.participant_counts = vec![count(
        ParticipantGroup::PosyanduCadre,
        135,
        Some("second batch; cadre total reached 420"),
    )];
    second.organisers = vec![organiser(o("pkk_pkl")?, OrganiserRole::Organiser)];
    service::create_activity(app, &a, second).await?;

    let mut advo = act(
        "Advokasi Pengarusutamaan Gender (PUG)",
        ActivityKind::Advocacy,
        d(2022, 4, 18),
        Some("Gedung Diklat Pemerintah Kota Pekalongan"),
        "33.75",
        Some(pug.id),
    );
    advo.organisers = vec![organiser(o("dpmppa_pkl")?, OrganiserRole::Organiser)];
    // The first five women's organisations took part in 2022 (synthetic: the article gives no
    // list); the gender module's seed reaches more in later years.
    for id in women_pkl.iter().take(5) {
        advo.organisers.push(organiser(
            gid("Organisation", *id),
            OrganiserRole::Participant,
        ));
    }
    advo.description = Some("Opened by the mayor; the city's APE Utama predicate rests on women in strategic posts (Sekda, former DPRD chair, heads of dinas) and is at risk because 7 vacant kepala dinas posts went to men. Prepares participants to join the 1001 cadres.".to_owned());
    service::create_activity(app, &a, advo).await?;

    let mut jp = act(
        "Pembinaan KPM dan peningkatan kapasitas TPK tingkat Kota Jakarta Pusat",
        ActivityKind::Training,
        d(2023, 10, 5),
        None,
        "31.71",
        Some(stunting_jp.id),
    );
    jp.total_participants = Some(120);
    jp.participant_counts = vec![
        count(ParticipantGroup::TpkMember, 36, Some("kelurahan level")),
        count(
            ParticipantGroup::Kpm,
            8,
            Some("kecamatan level, one per kecamatan"),
        ),
        count(ParticipantGroup::TpPkk, 76, None),
    ];
    jp.organisers = vec![
        organiser(o("sudin_jp")?, OrganiserRole::Organiser),
        organiser(o("pemkot_jp")?, OrganiserRole::Host),
    ];
    jp.description =
        Some("KPM coaching is aksi 5 of the 8 stunting convergence actions.".to_owned());
    service::create_activity(app, &a, jp).await?;

    let mut rakor = act(
        "Rapat Koordinasi TPK2D Kota Banjarbaru dan penandatanganan komitmen",
        ActivityKind::CoordinationMeeting,
        d(2022, 6, 9),
        Some("Aula Gawi Sabarataan, Balai Kota Banjarbaru"),
        "63.72",
        Some(tpk2d.id),
    );
    rakor.organisers = vec![
        organiser(o("dp3a_kalsel")?, OrganiserRole::Organiser),
        organiser(o("pemkot_bjb")?, OrganiserRole::Host),
    ];
    rakor.commitments = vec![
        sign(
            "Wartono, S.E.",
            "Wakil Wali Kota Banjarbaru",
            Some(o("pemkot_bjb")?),
        ),
        sign(
            "Kepala SKPD, instansi vertikal dan lembaga masyarakat Kota Banjarbaru",
            "Signatories",
            None,
        ),
    ];
    if let Some(c) = rakor.commitments.last_mut() {
        c.statement =
            Some("Commitment to improve family quality in Kelurahan Guntung Manggis".to_owned());
    }
    service::create_activity(app, &a, rakor).await?;

    let mut up = act(
        "Fasilitasi dan asistensi pelaku UP2K",
        ActivityKind::Assistance,
        d(2025, 10, 7),
        Some("Ruang Sabha Mandala Madya, Balai Kota Mojokerto"),
        "35.76",
        Some(up2k.id),
    );
    up.organisers = vec![
        organiser(o("pemkot_mjk")?, OrganiserRole::Organiser),
        organiser(o("pkk_mjk")?, OrganiserRole::CoOrganiser),
    ];
    service::create_activity(app, &a, up).await?;

    // Seed 003: "170 kepala keluarga perempuan di Kota Mojokerto dari total penduduk 142.000
    // jiwa" (Wali Kota Ika Puspitasari, 7 October 2025).
    crate::entity::region_population::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_code: Set("35.76".to_owned()),
        year: Set(2025),
        population: Set(142_000),
        source: Set("Wali Kota Mojokerto, fasilitasi UP2K, 7 Oktober 2025 (seed 003)".to_owned()),
    }
    .insert(&app.db)
    .await?;

    population(app, p1001.id).await?;
    Ok(true)
}

/// Women's organisations of Kota Pekalongan (synthetic: seed 004 names none), name and acronym.
pub const WOMENS_ORGANISATIONS_PKL: [(&str, &str); 12] = [
    ("Gabungan Organisasi Wanita (GOW)", "GOW"),
    ("Pimpinan Daerah Aisyiyah", "PDA"),
    ("Pimpinan Cabang Muslimat NU", "Muslimat NU"),
    ("Pimpinan Cabang Fatayat NU", "Fatayat NU"),
    ("Pimpinan Daerah Nasyiatul Aisyiyah", "PDNA"),
    ("Dharma Wanita Persatuan", "DWP"),
    ("Bhayangkari Cabang", "Bhayangkari"),
    ("Persit Kartika Chandra Kirana", "Persit KCK"),
    ("Ikatan Wanita Pengusaha Indonesia (IWAPI)", "IWAPI"),
    ("Ikatan Bidan Indonesia Cabang", "IBI"),
    ("Wanita Islam", "WI"),
    ("Persatuan Wanita Kristen Indonesia", "PWKI"),
];

/// The synthetic population: a few households per village of the four seed cities, families of
/// 1–5 persons, and the cadres the articles name (420 in Pekalongan, 36 TPK members, 8 KPM and
/// 76 TP PKK in Jakarta Pusat).
async fn population(app: &AppContext, p1001: Uuid) -> Result<()> {
    let mut rng = Rng(0x4B45_4C55_4152_4741);
    let now = chrono::Utc::now();
    let mut households = Vec::new();
    let mut families = Vec::new();
    let mut persons: Vec<person::ActiveModel> = Vec::new();
    let mut members = Vec::new();
    // Adults per city, for cadre roles: most cadres are women, so women are picked first.
    let mut women: std::collections::HashMap<&str, Vec<(Uuid, String)>> = Default::default();
    let mut men: std::collections::HashMap<&str, Vec<(Uuid, String)>> = Default::default();
    let mut serial = 0u32;
    for city in SEED_CITIES {
        let villages = region::Entity::find()
            .filter(region::Column::Code.starts_with(format!("{city}.")))
            .filter(region::Column::Level.eq(4))
            .order_by_asc(region::Column::Code)
            .all(&app.db)
            .await?;
        for v in villages {
            let n_households = 12 + rng.below(6);
            for h in 0..n_households {
                let registered = d(2022, 1, 1) + chrono::Days::new(rng.below(1400));
                let hid = Uuid::now_v7();
                let rw = format!("{:03}", 1 + rng.below(8));
                let rt = format!("{:03}", 1 + rng.below(10));
                households.push(household::ActiveModel {
                    id: Set(hid),
                    region_code: Set(v.code.clone()),
                    rw: Set(Some(rw.clone())),
                    rt: Set(Some(rt.clone())),
                    dasawisma: Set(Some(format!("Dasawisma {}", 1 + h / 3))),
                    address: Set(Some(format!("RT {rt}/RW {rw}, {}", v.name))),
                    registered_on: Set(registered),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                let fid = Uuid::now_v7();
                serial += 1;
                let kk_digits = format!(
                    "{}{:06}{:04}",
                    v.code.replace('.', "").get(..6).unwrap_or("000000"),
                    10_122,
                    serial % 10_000 + 1
                );
                let kk = app.pii.kk(&kk_digits, "kk")?;
                families.push(family::ActiveModel {
                    id: Set(fid),
                    household_id: Set(Some(hid)),
                    region_code: Set(v.code.clone()),
                    kk_hash: Set(Some(kk.hash)),
                    kk_last4: Set(Some(kk.last4)),
                    registered_on: Set(registered),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                let surname = FAMILY[rng.below(FAMILY.len() as u64) as usize];
                let size = 1 + rng.below(5);
                let female_headed = rng.below(10) == 0;
                for i in 0..size {
                    let (sex, rel, age) = match i {
                        0 if female_headed => (Sex::Female, Relationship::Head, 30 + rng.below(35)),
                        0 => (Sex::Male, Relationship::Head, 25 + rng.below(40)),
                        1 if !female_headed => {
                            (Sex::Female, Relationship::Spouse, 22 + rng.below(40))
                        }
                        _ => (
                            if rng.below(2) == 0 {
                                Sex::Male
                            } else {
                                Sex::Female
                            },
                            Relationship::Child,
                            rng.below(18),
                        ),
                    };
                    let given = match sex {
                        Sex::Female => GIVEN_F[rng.below(12) as usize],
                        Sex::Male => GIVEN_M[rng.below(12) as usize],
                    };
                    let birth = d(
                        2025 - age as i32,
                        1 + rng.below(12) as u32,
                        1 + rng.below(28) as u32,
                    );
                    let pid = Uuid::now_v7();
                    serial += 1;
                    let day = birth.format("%d").to_string().parse::<u32>().unwrap_or(1)
                        + if sex == Sex::Female { 40 } else { 0 };
                    let nik_digits = format!(
                        "{}{day:02}{}{:04}",
                        v.code.replace('.', "").get(..6).unwrap_or("000000"),
                        birth.format("%m%y"),
                        serial % 10_000 + 1
                    );
                    let nik = app.pii.nik(&nik_digits, "nik")?;
                    persons.push(person::ActiveModel {
                        id: Set(pid),
                        full_name: Set(format!("{given} {surname}")),
                        sex: Set(sex.letter().to_owned()),
                        birth_date: Set(Some(birth)),
                        region_code: Set(v.code.clone()),
                        rw: Set(Some(rw.clone())),
                        rt: Set(Some(rt.clone())),
                        dasawisma: Set(Some(format!("Dasawisma {}", 1 + h / 3))),
                        nik_hash: Set(Some(nik.hash)),
                        nik_last4: Set(Some(nik.last4)),
                        registered_on: Set(registered),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                    members.push(family_member::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        family_id: Set(fid),
                        person_id: Set(pid),
                        relationship: Set(rel.as_str().to_owned()),
                    });
                    if age >= 20 {
                        let pool = if sex == Sex::Female {
                            &mut women
                        } else {
                            &mut men
                        };
                        pool.entry(city).or_default().push((pid, v.code.clone()));
                    }
                }
            }
        }
    }
    // Cadres: (city, role, how many, start day, programme, level).
    let plan: [(&str, CadreRoleKind, usize, NaiveDate, Option<Uuid>); 6] = [
        (
            "33.75",
            CadreRoleKind::PendampingKetahananKeluarga,
            150,
            d(2022, 1, 26),
            Some(p1001),
        ),
        (
            "33.75",
            CadreRoleKind::PendampingKetahananKeluarga,
            135,
            d(2022, 3, 1),
            Some(p1001),
        ),
        (
            "33.75",
            CadreRoleKind::PendampingKetahananKeluarga,
            135,
            d(2022, 9, 14),
            Some(p1001),
        ),
        ("31.71", CadreRoleKind::TpkMember, 36, d(2023, 1, 16), None),
        ("31.71", CadreRoleKind::KaderPkk, 76, d(2021, 7, 1), None),
        ("31.71", CadreRoleKind::Kpm, 8, d(2023, 1, 16), None),
    ];
    for (city, list) in men {
        women.entry(city).or_default().extend(list);
    }
    let role_row = |person_id: Uuid,
                    role: CadreRoleKind,
                    region_code: String,
                    programme_id: Option<Uuid>,
                    started_on: NaiveDate| cadre_role::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person_id),
        role: Set(role.as_str().to_owned()),
        region_code: Set(region_code),
        programme_id: Set(programme_id),
        started_on: Set(started_on),
        ended_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let mut roles = Vec::new();
    let mut used: std::collections::HashMap<&str, usize> = Default::default();
    // Jakarta Pusat deploys one KPM per kecamatan (31.71.01–31.71.08).
    let kpm_districts: Vec<String> = (1..=8).map(|k| format!("31.71.{k:02}")).collect();
    for (city, role, n, start, programme_id) in plan {
        let pool = women.get(city).map(Vec::as_slice).unwrap_or(&[]);
        for k in 0..n {
            let next = used.entry(city).or_default();
            let Some((pid, village)) = pool.get(*next) else {
                break;
            };
            *next += 1;
            let region_code = if role == CadreRoleKind::Kpm {
                kpm_districts[k % kpm_districts.len()].clone()
            } else {
                village.clone()
            };
            roles.push(role_row(*pid, role, region_code, programme_id, start));
            // The second batch of Pekalongan cadres are posyandu cadres too.
            if start == d(2022, 9, 14) {
                roles.push(role_row(
                    *pid,
                    CadreRoleKind::KaderPosyandu,
                    village.clone(),
                    None,
                    d(2020, 1, 1),
                ));
            }
        }
    }
    let txn = crate::store::begin_write(&app.db).await?;
    for chunk in households.chunks(500) {
        household::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in families.chunks(500) {
        family::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in persons.chunks(500) {
        person::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in members.chunks(500) {
        family_member::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in roles.chunks(500) {
        cadre_role::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
