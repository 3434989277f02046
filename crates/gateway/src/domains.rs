//! The domains this gateway is built with: the one list the gateway composes from. Everything
//! that depends on the set of domains (the query, mutation and `Region` roots, the `Node`
//! interface, config sections, per-request loaders, migrations, demo data, CLI subcommands) is
//! generated from it by `compose_domains!` (`compose.rs`). To add a domain: add its crate as an
//! optional dependency and a feature in `Cargo.toml`, then one entry here.

compose_domains! {
    node_attributes: [
        // Rust lints a variant much larger than the next largest: stunting's rows are, unless
        // another domain's large rows (a family visit) come close.
        #[cfg_attr(
            all(feature = "stunting", not(feature = "ketahanan-keluarga")),
            expect(
                clippy::large_enum_variant,
                reason = "a Node lives for one field resolution; boxing every row would cost more"
            )
        )]
    ],
    domains: [
        // Children, measurements and WHO z-scores, posyandu, TPK, KPM, convergence actions,
        // foster parents.
        #[cfg(feature = "stunting")]
        stunting: stunting::Stunting [Posyandu, Child, Measurement, TpkTeam, FosterParent, Pendampingan],
        // The 24-indicator family-resilience index, the 1001 cadres, KRPPA, lokus, family visits.
        #[cfg(feature = "ketahanan-keluarga")]
        ketahanan_keluarga: ketahanan_keluarga::KetahananKeluarga [ResilienceFramework, FamilyAssessment, FamilyVisit, KrppaIndicator, Lokus],
        // PEKKA, welfare deciles, UP2K groups and members, assistance, income reports, the
        // priority list.
        #[cfg(feature = "ekonomi-keluarga")]
        ekonomi_keluarga: ekonomi_keluarga::EkonomiKeluarga [Pekka, WelfareRanking, Up2kGroup, Up2kMember, Assistance, IncomeReport],
        // Strategic posts and their holders, APE/KLA awards, PUG prerequisites, advocacy
        // coverage, gender analyses, data terpilah, the early warning.
        #[cfg(feature = "gender-mainstreaming")]
        gender_mainstreaming: gender_mainstreaming::GenderMainstreaming [StrategicPost, PostHolding, Award, PugPrerequisite, AdvocacyTarget, GenderAnalysis],
        // The minimal example of docs/architecture.md.
        #[cfg(feature = "example-domain")]
        example: keluarga_example_domain::Example [ExampleVisit],
    ],
}
