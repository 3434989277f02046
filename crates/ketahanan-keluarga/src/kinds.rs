//! Stored enumerations of the ketahanan-keluarga domain.

use keluarga_core::stored_enum;

stored_enum! {
    /// What a family visit found (several may apply).
    VisitIssue {
        /// Violence against women (KDRT and other).
        ViolenceAgainstWomen = "VIOLENCE_AGAINST_WOMEN",
        /// Violence against children.
        ViolenceAgainstChildren = "VIOLENCE_AGAINST_CHILDREN",
        /// A child at risk of stunting.
        StuntingRisk = "STUNTING_RISK",
        /// Economic hardship.
        EconomicHardship = "ECONOMIC_HARDSHIP",
        /// Child marriage (under 19).
        ChildMarriage = "CHILD_MARRIAGE",
        /// Child labour.
        ChildLabour = "CHILD_LABOUR",
        /// Something else (see the note).
        Other = "OTHER",
    }
}

impl VisitIssue {
    /// Every issue, in catalogue order.
    pub const ALL: [VisitIssue; 7] = [
        VisitIssue::ViolenceAgainstWomen,
        VisitIssue::ViolenceAgainstChildren,
        VisitIssue::StuntingRisk,
        VisitIssue::EconomicHardship,
        VisitIssue::ChildMarriage,
        VisitIssue::ChildLabour,
        VisitIssue::Other,
    ];

    /// The `family_visit` column that records it.
    pub fn column(self) -> &'static str {
        match self {
            VisitIssue::ViolenceAgainstWomen => "violence_against_women",
            VisitIssue::ViolenceAgainstChildren => "violence_against_children",
            VisitIssue::StuntingRisk => "stunting_risk",
            VisitIssue::EconomicHardship => "economic_hardship",
            VisitIssue::ChildMarriage => "child_marriage",
            VisitIssue::ChildLabour => "child_labour",
            VisitIssue::Other => "other_issue",
        }
    }

    /// True for the two violence issues (the most sensitive visits).
    pub fn is_violence(self) -> bool {
        matches!(
            self,
            VisitIssue::ViolenceAgainstWomen | VisitIssue::ViolenceAgainstChildren
        )
    }
}

stored_enum! {
    /// Where a family visit's case stands.
    VisitOutcome {
        /// Waiting for the follow-up.
        Pending = "PENDING",
        /// Being handled.
        InProgress = "IN_PROGRESS",
        /// Referred to an organisation (UPTD PPA, puskesmas, dinas sosial...).
        Referred = "REFERRED",
        /// Resolved.
        Resolved = "RESOLVED",
        /// The family could not be reached again.
        Unreachable = "UNREACHABLE",
    }
}

impl VisitOutcome {
    /// Every outcome, in catalogue order.
    pub const ALL: [VisitOutcome; 5] = [
        VisitOutcome::Pending,
        VisitOutcome::InProgress,
        VisitOutcome::Referred,
        VisitOutcome::Resolved,
        VisitOutcome::Unreachable,
    ];
}

stored_enum! {
    /// The status of one KRPPA indicator in a year.
    KrppaStatus {
        /// Terpenuhi.
        Met = "MET",
        /// Belum terpenuhi.
        NotMet = "NOT_MET",
    }
}

stored_enum! {
    /// How an assessment reached the system.
    AssessmentSource {
        /// Entered through the API (a form).
        Form = "FORM",
        /// A CSV import.
        Import = "IMPORT",
    }
}

/// The 10 KRPPA indicators (docs/domain.md §2): number, group, name.
pub const KRPPA_INDICATORS: [(i32, &str, &str); 10] = [
    (
        1,
        "INSTITUTIONAL",
        "Women's and children's groups organised (forum anak, women's groups)",
    ),
    (
        2,
        "INSTITUTIONAL",
        "Village data include data pilah (sex- and age-disaggregated) on women and children",
    ),
    (
        3,
        "INSTITUTIONAL",
        "A regulation on KRPPA (Perwal or lurah decree; Perdes for a desa)",
    ),
    (
        4,
        "INSTITUTIONAL",
        "Funding and local assets for women's empowerment and child protection",
    ),
    (
        5,
        "INSTITUTIONAL",
        "Women represented in the village apparatus, LPM and other LKK",
    ),
    (
        6,
        "THEMATIC",
        "Women's entrepreneurship with a gender perspective (priority to women heads of household and survivors)",
    ),
    (
        7,
        "THEMATIC",
        "Mothers and families care for and educate every child, rights-based",
    ),
    (
        8,
        "THEMATIC",
        "No violence against women and children, no TPPO victims; victims get services",
    ),
    (9, "THEMATIC", "No child labour"),
    (10, "THEMATIC", "No child marriage (under 19)"),
];
