//! Stored enumerations of the gender-mainstreaming domain.

use keluarga_core::stored_enum;

stored_enum! {
    /// What kind of strategic post (jabatan strategis) it is.
    PostKind {
        /// Head of region (wali kota, bupati, gubernur).
        HeadOfRegion = "HEAD_OF_REGION",
        /// Deputy head of region (wakil wali kota, wakil bupati, wakil gubernur).
        DeputyHeadOfRegion = "DEPUTY_HEAD_OF_REGION",
        /// Sekretaris daerah (Sekda).
        Sekda = "SEKDA",
        /// Asisten of the Sekda.
        Asisten = "ASISTEN",
        /// Kepala dinas (head of an agency).
        KepalaDinas = "KEPALA_DINAS",
        /// Sekretaris dinas.
        SekretarisDinas = "SEKRETARIS_DINAS",
        /// Kepala badan (Bappeda, BKPSDM...).
        KepalaBadan = "KEPALA_BADAN",
        /// Kepala bidang of a dinas or badan.
        KepalaBidang = "KEPALA_BIDANG",
        /// Kepala bagian of the Setda.
        KepalaBagian = "KEPALA_BAGIAN",
        /// Camat (head of a kecamatan).
        Camat = "CAMAT",
        /// Lurah (head of a kelurahan).
        Lurah = "LURAH",
        /// Chair of the DPRD.
        DprdChair = "DPRD_CHAIR",
        /// Vice chair of the DPRD.
        DprdViceChair = "DPRD_VICE_CHAIR",
        /// Any other strategic post.
        Other = "OTHER",
    }
}

stored_enum! {
    /// The echelon (eselon) of a structural post; elected posts have none.
    Echelon {
        /// Eselon I.a.
        #[graphql(name = "I_A")]
        Ia = "I_A",
        /// Eselon I.b.
        #[graphql(name = "I_B")]
        Ib = "I_B",
        /// Eselon II.a (Sekda of a city or regency).
        #[graphql(name = "II_A")]
        IIa = "II_A",
        /// Eselon II.b (asisten, kepala dinas, kepala badan).
        #[graphql(name = "II_B")]
        IIb = "II_B",
        /// Eselon III.a (sekretaris dinas, camat, kepala bagian).
        #[graphql(name = "III_A")]
        IIIa = "III_A",
        /// Eselon III.b (kepala bidang, sekretaris camat).
        #[graphql(name = "III_B")]
        IIIb = "III_B",
        /// Eselon IV.a (lurah, kepala seksi).
        #[graphql(name = "IV_A")]
        IVa = "IV_A",
        /// Eselon IV.b.
        #[graphql(name = "IV_B")]
        IVb = "IV_B",
    }
}

stored_enum! {
    /// An award a region can receive.
    AwardType {
        /// Anugerah Parahita Ekapraya (KemenPPPA): PUG and women's empowerment. Levels Pratama <
        /// Madya < Utama < Mentor.
        Ape = "APE",
        /// Kabupaten/Kota Layak Anak (KemenPPPA): child-friendly regions. Levels Pratama < Madya
        /// < Nindya < Utama < KLA.
        Kla = "KLA",
    }
}

stored_enum! {
    /// The level of an award; which levels exist depends on the award type.
    AwardLevel {
        /// Pratama (APE and KLA, the lowest).
        Pratama = "PRATAMA",
        /// Madya (APE and KLA).
        Madya = "MADYA",
        /// Nindya (KLA only).
        Nindya = "NINDYA",
        /// Utama (APE and KLA).
        Utama = "UTAMA",
        /// Mentor (APE only, the highest).
        Mentor = "MENTOR",
        /// KLA itself (KLA only, the highest).
        Kla = "KLA",
    }
}

impl AwardType {
    /// The levels of this award, lowest first.
    pub fn levels(self) -> &'static [AwardLevel] {
        use AwardLevel as L;
        match self {
            AwardType::Ape => &[L::Pratama, L::Madya, L::Utama, L::Mentor],
            AwardType::Kla => &[L::Pratama, L::Madya, L::Nindya, L::Utama, L::Kla],
        }
    }

    /// The rank of `level` within this award (1 is the lowest), if it is one of its levels.
    pub fn rank(self, level: AwardLevel) -> Option<i32> {
        self.levels()
            .iter()
            .position(|l| *l == level)
            .and_then(|i| i32::try_from(i + 1).ok())
    }
}

stored_enum! {
    /// The 7 prerequisites of gender mainstreaming (prasyarat PUG, KemenPPPA).
    Prerequisite {
        /// Komitmen: the region's commitment (a regulation, the head of region's statement).
        Commitment = "COMMITMENT",
        /// Kebijakan: policies and programmes that carry PUG.
        Policy = "POLICY",
        /// Kelembagaan: the Pokja PUG (led by Bappeda), focal points in every OPD, DPMPPA as
        /// secretariat.
        Institutions = "INSTITUTIONS",
        /// Sumber daya: trained people and budget.
        Resources = "RESOURCES",
        /// Data terpilah: sex-disaggregated data and a gender information system.
        SexDisaggregatedData = "SEX_DISAGGREGATED_DATA",
        /// Alat analisis: analysis tools in use (GAP, PROBA).
        AnalysisTools = "ANALYSIS_TOOLS",
        /// Partisipasi masyarakat: community participation and networks.
        CommunityParticipation = "COMMUNITY_PARTICIPATION",
    }
}

impl Prerequisite {
    /// Every prerequisite, in KemenPPPA's order.
    pub const ALL: [Prerequisite; 7] = [
        Prerequisite::Commitment,
        Prerequisite::Policy,
        Prerequisite::Institutions,
        Prerequisite::Resources,
        Prerequisite::SexDisaggregatedData,
        Prerequisite::AnalysisTools,
        Prerequisite::CommunityParticipation,
    ];
}

stored_enum! {
    /// How far a region has met one PUG prerequisite.
    PrerequisiteStatus {
        /// Not met.
        NotMet = "NOT_MET",
        /// Being put in place.
        InProgress = "IN_PROGRESS",
        /// Met.
        Met = "MET",
    }
}

stored_enum! {
    /// Who a PUG advocacy target aims to reach, and how reach is counted from core's advocacy
    /// activities.
    Audience {
        /// Rukun tetangga: an RT is reached when a resident of it took part in an advocacy
        /// activity.
        Rt = "RT",
        /// Rukun warga: an RW is reached when a resident of it took part in an advocacy activity.
        Rw = "RW",
        /// Desa/kelurahan: a village is reached when an advocacy activity was held in it.
        Village = "VILLAGE",
        /// Women's organisations: one is reached when it took part (organiser role PARTICIPANT)
        /// in an advocacy activity.
        WomensOrganisation = "WOMENS_ORGANISATION",
    }
}
