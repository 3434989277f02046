//! Stored enumerations of the ekonomi-keluarga domain.

use keluarga_core::stored_enum;

stored_enum! {
    /// Why a woman heads her family (Yayasan PEKKA's categories): PEKKA counts women
    /// by the head-of-family role, not by marital status.
    PekkaCategory {
        /// Divorced, abandoned or widowed.
        DivorcedAbandonedOrWidowed = "DIVORCED_ABANDONED_OR_WIDOWED",
        /// Unmarried, with dependants.
        UnmarriedWithDependants = "UNMARRIED_WITH_DEPENDANTS",
        /// Married, the husband unable to act as head (illness, disability).
        HusbandUnable = "HUSBAND_UNABLE",
        /// Married, the husband not living with the family (migrant work, polygamy).
        HusbandAbsent = "HUSBAND_ABSENT",
    }
}

stored_enum! {
    /// Where a welfare decile comes from.
    WelfareSource {
        /// Data Terpadu Kesejahteraan Sosial (Kemensos).
        Dtks = "DTKS",
        /// Pensasaran Percepatan Penghapusan Kemiskinan Ekstrem (Kemenko PMK, deciles 1–4).
        #[graphql(name = "P3KE")]
        P3ke = "P3KE",
        /// Data Tunggal Sosial dan Ekonomi Nasional (BPS, Inpres 4/2025; re-ranked quarterly).
        Dtsen = "DTSEN",
    }
}

impl WelfareSource {
    /// Every source, in catalogue order.
    pub const ALL: [WelfareSource; 3] = [
        WelfareSource::Dtks,
        WelfareSource::P3ke,
        WelfareSource::Dtsen,
    ];
}

stored_enum! {
    /// The maturity class of a UP2K group (the Pokja II form's four levels).
    Up2kLevel as "Up2kLevel" {
        /// Pemula.
        Pemula = "PEMULA",
        /// Madya.
        Madya = "MADYA",
        /// Utama.
        Utama = "UTAMA",
        /// Mandiri.
        Mandiri = "MANDIRI",
    }
}

stored_enum! {
    /// What a UP2K group makes or sells.
    BusinessType {
        /// Food and processed food (kuliner, makanan olahan).
        Food = "FOOD",
        /// Crafts (kerajinan).
        Craft = "CRAFT",
        /// Clothing, sewing, batik.
        Clothing = "CLOTHING",
        /// Retail and trade (warung, dagang).
        Trade = "TRADE",
        /// Farming, livestock, fisheries, home gardens.
        Agriculture = "AGRICULTURE",
        /// Services (salon, laundry, catering).
        Services = "SERVICES",
        /// Anything else.
        Other = "OTHER",
    }
}

stored_enum! {
    /// A member's place in a UP2K group.
    Up2kRole as "Up2kRole" {
        /// A member.
        Member = "MEMBER",
        /// The chair (ketua), an officer.
        Chair = "CHAIR",
        /// The secretary, an officer.
        Secretary = "SECRETARY",
        /// The treasurer (bendahara), an officer.
        Treasurer = "TREASURER",
    }
}

stored_enum! {
    /// What kind of assistance was given.
    AssistanceKind {
        /// Capital (modal usaha).
        Capital = "CAPITAL",
        /// Equipment.
        Equipment = "EQUIPMENT",
        /// Training.
        Training = "TRAINING",
        /// Marketing (bazaar, e-commerce onboarding).
        Marketing = "MARKETING",
        /// Licensing (NIB, PIRT, halal certification).
        Licensing = "LICENSING",
    }
}
