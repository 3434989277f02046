//! Stored enumerations of the stunting domain: each is a GraphQL enum stored as its SCREAMING name.

use keluarga_core::stored_enum;

use crate::who;

stored_enum! {
    /// How length/height was measured.
    MeasurePosition {
        /// Recumbent length (lying), expected under 24 months.
        Lying = "LYING",
        /// Standing height, expected from 24 months.
        Standing = "STANDING",
        /// Not recorded: WHO's rules impute it from age.
        Unknown = "UNKNOWN",
    }
}

impl MeasurePosition {
    /// The position in the z-score module's terms.
    pub fn who(self) -> who::Position {
        match self {
            MeasurePosition::Lying => who::Position::Lying,
            MeasurePosition::Standing => who::Position::Standing,
            MeasurePosition::Unknown => who::Position::Unknown,
        }
    }

    /// From the z-score module's position.
    pub fn from_who(p: who::Position) -> Self {
        match p {
            who::Position::Lying => MeasurePosition::Lying,
            who::Position::Standing => MeasurePosition::Standing,
            who::Position::Unknown => MeasurePosition::Unknown,
        }
    }
}

stored_enum! {
    /// Where a measurement was taken or came from.
    MeasurementSource {
        /// A monthly posyandu session (penimbangan).
        PosyanduSession = "POSYANDU_SESSION",
        /// A home visit (kunjungan rumah) by a cadre, TPK or health worker.
        HomeVisit = "HOME_VISIT",
        /// A bulk import from a file (e-PPGBM export, spreadsheet).
        Import = "IMPORT",
    }
}

stored_enum! {
    /// How consent to process a child's data was given (UU 27/2022: by a parent or guardian).
    ConsentMethod {
        /// Signed on paper.
        Written = "WRITTEN",
        /// Given orally, recorded by the officer.
        Verbal = "VERBAL",
        /// Given in an app or by electronic signature.
        Electronic = "ELECTRONIC",
    }
}

stored_enum! {
    /// Posyandu development stratum.
    PosyanduStrata {
        /// Pratama.
        Pratama = "PRATAMA",
        /// Madya.
        Madya = "MADYA",
        /// Purnama.
        Purnama = "PURNAMA",
        /// Mandiri.
        Mandiri = "MANDIRI",
    }
}

stored_enum! {
    /// A member's place in a Tim Pendamping Keluarga (one of each per team).
    TpkRole {
        /// Bidan (midwife).
        Bidan = "BIDAN",
        /// Kader TP PKK.
        KaderPkk = "KADER_PKK",
        /// Kader KB (PPKBD/Sub-PPKBD).
        KaderKb = "KADER_KB",
    }
}

stored_enum! {
    /// Who a pendampingan visit was for.
    PendampinganTarget {
        /// Calon pengantin (bride/groom-to-be).
        CalonPengantin = "CALON_PENGANTIN",
        /// Ibu hamil (pregnant woman).
        IbuHamil = "IBU_HAMIL",
        /// Ibu pascapersalinan (post-partum mother).
        IbuPascapersalinan = "IBU_PASCAPERSALINAN",
        /// Baduta: child under two.
        Baduta = "BADUTA",
        /// Balita: child under five.
        Balita = "BALITA",
    }
}

stored_enum! {
    /// State of one convergence action for one year.
    ActionStatus {
        /// Not started.
        NotStarted = "NOT_STARTED",
        /// Under way.
        InProgress = "IN_PROGRESS",
        /// Done (with its date).
        Done = "DONE",
    }
}

stored_enum! {
    /// The 8 aksi konvergensi stunting (Kemendagri Ditjen Bina Bangda), carried out by each
    /// regency/city every year.
    ConvergenceAksi {
        /// 1. Analisis situasi.
        AnalisisSituasi = "ANALISIS_SITUASI",
        /// 2. Penyusunan rencana kegiatan.
        RencanaKegiatan = "RENCANA_KEGIATAN",
        /// 3. Rembuk stunting.
        RembukStunting = "REMBUK_STUNTING",
        /// 4. Peraturan bupati/wali kota on the role of desa/kelurahan.
        PeraturanDesaKelurahan = "PERATURAN_DESA_KELURAHAN",
        /// 5. Pembinaan Kader Pembangunan Manusia (KPM) / pelaku dan pemerintahan desa/kelurahan.
        PembinaanKpm = "PEMBINAAN_KPM",
        /// 6. Sistem manajemen data stunting.
        ManajemenData = "MANAJEMEN_DATA",
        /// 7. Pengukuran dan publikasi data stunting.
        PengukuranPublikasi = "PENGUKURAN_PUBLIKASI",
        /// 8. Reviu kinerja tahunan.
        ReviuKinerja = "REVIU_KINERJA",
    }
}

impl ConvergenceAksi {
    /// All eight, in order.
    pub const ALL: [ConvergenceAksi; 8] = [
        ConvergenceAksi::AnalisisSituasi,
        ConvergenceAksi::RencanaKegiatan,
        ConvergenceAksi::RembukStunting,
        ConvergenceAksi::PeraturanDesaKelurahan,
        ConvergenceAksi::PembinaanKpm,
        ConvergenceAksi::ManajemenData,
        ConvergenceAksi::PengukuranPublikasi,
        ConvergenceAksi::ReviuKinerja,
    ];

    /// Its number, 1–8.
    pub fn number(self) -> i32 {
        Self::ALL.iter().position(|a| *a == self).unwrap_or(0) as i32 + 1
    }

    /// The aksi with number `n`.
    pub fn from_number(n: i32) -> Option<Self> {
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// Its official name.
    pub fn title(self) -> &'static str {
        match self {
            ConvergenceAksi::AnalisisSituasi => "Analisis situasi",
            ConvergenceAksi::RencanaKegiatan => "Penyusunan rencana kegiatan",
            ConvergenceAksi::RembukStunting => "Rembuk stunting",
            ConvergenceAksi::PeraturanDesaKelurahan => {
                "Peraturan bupati/wali kota tentang peran desa/kelurahan"
            }
            ConvergenceAksi::PembinaanKpm => {
                "Pembinaan Kader Pembangunan Manusia (KPM) dan pelaku desa/kelurahan"
            }
            ConvergenceAksi::ManajemenData => "Sistem manajemen data stunting",
            ConvergenceAksi::PengukuranPublikasi => "Pengukuran dan publikasi data stunting",
            ConvergenceAksi::ReviuKinerja => "Reviu kinerja tahunan",
        }
    }
}

stored_enum! {
    /// What a foster parent (orang tua asuh, BAAS) gives.
    FosterSupport {
        /// Supplementary food (PMT), eggs, milk, animal protein.
        Nutrition = "NUTRITION",
        /// Money.
        Cash = "CASH",
        /// Health services or checks.
        Health = "HEALTH",
        /// Clean water and sanitation.
        Sanitation = "SANITATION",
        /// Several of these.
        Mixed = "MIXED",
    }
}

stored_enum! {
    /// BB/U category (Permenkes 2/2020).
    WeightForAgeCategory {
        /// Berat badan sangat kurang: z < −3 (or oedema).
        SeverelyUnderweight = "SEVERELY_UNDERWEIGHT",
        /// Berat badan kurang: −3 ≤ z < −2.
        Underweight = "UNDERWEIGHT",
        /// Berat badan normal: −2 ≤ z ≤ +1.
        Normal = "NORMAL",
        /// Risiko berat badan lebih: z > +1.
        RiskOfOverweight = "RISK_OF_OVERWEIGHT",
    }
}

stored_enum! {
    /// PB/U or TB/U category (Permenkes 2/2020).
    HeightForAgeCategory {
        /// Sangat pendek (severely stunted): z < −3.
        SeverelyStunted = "SEVERELY_STUNTED",
        /// Pendek (stunted): −3 ≤ z < −2.
        Stunted = "STUNTED",
        /// Normal: −2 ≤ z ≤ +3.
        Normal = "NORMAL",
        /// Tinggi: z > +3.
        Tall = "TALL",
    }
}

stored_enum! {
    /// BB/PB, BB/TB or IMT/U category (Permenkes 2/2020).
    NutritionCategory {
        /// Gizi buruk (severely wasted): z < −3 (or oedema).
        SeverelyWasted = "SEVERELY_WASTED",
        /// Gizi kurang (wasted): −3 ≤ z < −2.
        Wasted = "WASTED",
        /// Gizi baik: −2 ≤ z ≤ +1.
        Normal = "NORMAL",
        /// Berisiko gizi lebih: +1 < z ≤ +2.
        RiskOfOverweight = "RISK_OF_OVERWEIGHT",
        /// Gizi lebih (overweight): +2 < z ≤ +3.
        Overweight = "OVERWEIGHT",
        /// Obesitas: z > +3.
        Obese = "OBESE",
    }
}

impl From<who::WeightForAge> for WeightForAgeCategory {
    fn from(c: who::WeightForAge) -> Self {
        match c {
            who::WeightForAge::SeverelyUnderweight => Self::SeverelyUnderweight,
            who::WeightForAge::Underweight => Self::Underweight,
            who::WeightForAge::Normal => Self::Normal,
            who::WeightForAge::RiskOfOverweight => Self::RiskOfOverweight,
        }
    }
}

impl From<who::HeightForAge> for HeightForAgeCategory {
    fn from(c: who::HeightForAge) -> Self {
        match c {
            who::HeightForAge::SeverelyStunted => Self::SeverelyStunted,
            who::HeightForAge::Stunted => Self::Stunted,
            who::HeightForAge::Normal => Self::Normal,
            who::HeightForAge::Tall => Self::Tall,
        }
    }
}

impl From<who::Nutrition> for NutritionCategory {
    fn from(c: who::Nutrition) -> Self {
        match c {
            who::Nutrition::SeverelyWasted => Self::SeverelyWasted,
            who::Nutrition::Wasted => Self::Wasted,
            who::Nutrition::Normal => Self::Normal,
            who::Nutrition::RiskOfOverweight => Self::RiskOfOverweight,
            who::Nutrition::Overweight => Self::Overweight,
            who::Nutrition::Obese => Self::Obese,
        }
    }
}
