//! Stored enumerations of the registry: each is a GraphQL enum and is stored as its SCREAMING name.

/// Declares an enumeration that is a GraphQL enum and is stored as its SCREAMING name.
#[macro_export]
macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident $(as $gql:literal)? { $($(#[$vm:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
        $(#[graphql(name = $gql)])?
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }

            /// From the stored name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$v),)* _ => None }
            }

            /// From a stored column: a value no variant names is a corrupt row, reported as an
            /// INTERNAL error (the field stays non-null in the schema).
            pub fn stored(s: &str) -> async_graphql::Result<Self> {
                Self::parse(s).ok_or_else(|| {
                    $crate::error::internal(&format!(
                        "{} column holds {s:?}", stringify!($name)
                    ))
                })
            }
        }
    };
}

stored_enum! {
    /// What kind of body an organisation is.
    OrganisationKind {
        /// Tim Penggerak PKK, at any level.
        TpPkk = "TP_PKK",
        /// Regional government (Pemkot/Pemkab/Pemprov, Setda) and its leadership.
        LocalGovernment = "LOCAL_GOVERNMENT",
        /// A dinas/OPD or suku dinas (DPMPPA, Dinkes, Bappeda...).
        Dinas = "DINAS",
        /// The regional parliament (DPRD).
        Dprd = "DPRD",
        /// A vertical agency of the central government (Kejaksaan, BKKBN perwakilan, Kemenag...).
        VerticalAgency = "VERTICAL_AGENCY",
        /// A ministry or national body (KemenPPPA, BKKBN, Kemendagri).
        Ministry = "MINISTRY",
        /// A regional state-owned enterprise (BUMD, Perumda).
        Bumd = "BUMD",
        /// A private or state company.
        Company = "COMPANY",
        /// A non-governmental organisation or foundation (LP-PAR, Yayasan...).
        Ngo = "NGO",
        /// A community group (forum anak, dasawisma, karang taruna...).
        CommunityGroup = "COMMUNITY_GROUP",
        /// A women's organisation (GOW, Aisyiyah, Muslimat NU, Fatayat NU, Dharma Wanita,
        /// Bhayangkari, IWAPI...): an audience of gender-mainstreaming (PUG) advocacy.
        WomensOrganisation = "WOMENS_ORGANISATION",
        /// An international organisation (UNICEF).
        International = "INTERNATIONAL",
    }
}

stored_enum! {
    /// The domain a programme belongs to.
    ProgrammeDomain {
        /// Family resilience, KRPPA, cadres.
        KetahananKeluarga = "KETAHANAN_KELUARGA",
        /// Stunting reduction.
        Stunting = "STUNTING",
        /// Family economy (UP2K, PEKKA).
        EkonomiKeluarga = "EKONOMI_KELUARGA",
        /// Gender mainstreaming (PUG).
        Gender = "GENDER",
        /// Child protection and child-friendly regions.
        PerlindunganAnak = "PERLINDUNGAN_ANAK",
    }
}

stored_enum! {
    /// What kind of activity (kegiatan) took place.
    ActivityKind {
        /// A programme launch (peresmian, launching).
        Launch = "LAUNCH",
        /// Training or briefing (pelatihan, pembekalan, pembinaan), possibly in stages.
        Training = "TRAINING",
        /// Coordination meeting (rakor).
        CoordinationMeeting = "COORDINATION_MEETING",
        /// Advocacy (advokasi).
        Advocacy = "ADVOCACY",
        /// Socialisation (sosialisasi).
        Socialisation = "SOCIALISATION",
        /// Facilitation and assistance (fasilitasi, asistensi, pendampingan).
        Assistance = "ASSISTANCE",
        /// Commitment signing on its own.
        CommitmentSigning = "COMMITMENT_SIGNING",
    }
}

stored_enum! {
    /// An organisation's part in an activity.
    OrganiserRole {
        /// Runs the activity.
        Organiser = "ORGANISER",
        /// Runs it together with the organiser.
        CoOrganiser = "CO_ORGANISER",
        /// Hosts it.
        Host = "HOST",
        /// Supports or funds it.
        Supporter = "SUPPORTER",
        /// Takes part: its members were the audience (an organisation reached by advocacy).
        Participant = "PARTICIPANT",
    }
}

stored_enum! {
    /// The group a participant of an activity is counted in.
    ParticipantGroup {
        /// Members of a Tim Pendamping Keluarga.
        TpkMember = "TPK_MEMBER",
        /// Kader Pembangunan Manusia.
        Kpm = "KPM",
        /// TP PKK members.
        TpPkk = "TP_PKK",
        /// Family-resilience cadres (kader pendamping ketahanan keluarga).
        FamilyResilienceCadre = "FAMILY_RESILIENCE_CADRE",
        /// Posyandu cadres.
        PosyanduCadre = "POSYANDU_CADRE",
        /// Government officials (heads of OPD, camat, lurah).
        Official = "OFFICIAL",
        /// Programme beneficiaries (e.g. UP2K actors).
        Beneficiary = "BENEFICIARY",
        /// Members of women's or community organisations.
        CommunityMember = "COMMUNITY_MEMBER",
        /// Anyone else.
        Other = "OTHER",
    }
}

stored_enum! {
    /// A cadre role a person can hold (several at once, each over a date range).
    CadreRoleKind {
        /// Kader PKK.
        KaderPkk = "KADER_PKK",
        /// Kader dasawisma (ketua dasawisma).
        KaderDasawisma = "KADER_DASAWISMA",
        /// Kader posyandu.
        KaderPosyandu = "KADER_POSYANDU",
        /// Kader KB (PPKBD/Sub-PPKBD).
        KaderKb = "KADER_KB",
        /// Member of a Tim Pendamping Keluarga.
        TpkMember = "TPK_MEMBER",
        /// Kader Pembangunan Manusia.
        Kpm = "KPM",
        /// Relawan SAPA (Sahabat Perempuan dan Anak).
        RelawanSapa = "RELAWAN_SAPA",
        /// Kader pendamping ketahanan keluarga.
        PendampingKetahananKeluarga = "PENDAMPING_KETAHANAN_KELUARGA",
    }
}

stored_enum! {
    /// A member's relationship to the head of the family (as on the Kartu Keluarga).
    Relationship {
        /// Kepala keluarga.
        Head = "HEAD",
        /// Suami/istri.
        Spouse = "SPOUSE",
        /// Anak.
        Child = "CHILD",
        /// Menantu.
        ChildInLaw = "CHILD_IN_LAW",
        /// Cucu.
        Grandchild = "GRANDCHILD",
        /// Orang tua.
        Parent = "PARENT",
        /// Mertua.
        ParentInLaw = "PARENT_IN_LAW",
        /// Famili lain.
        OtherRelative = "OTHER_RELATIVE",
        /// Lainnya.
        Other = "OTHER",
    }
}
