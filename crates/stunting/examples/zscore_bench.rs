//! Benchmark: WHO z-score sets per second on one core (a set = HAZ, WAZ, WHZ, BAZ and ACZ of one
//! measurement, with flags). Run through `bench/zscores.sh`.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use stunting::who::{self, Input, Position, Sex};

/// A deterministic spread of plausible measurements over 0–1826 days, both sexes, all positions.
fn inputs(n: usize) -> Vec<Input> {
    let mut state = 0x1234_5678_9ABC_DEF0u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let age = (next() * 1827.0) as i64;
            let months = age as f64 / who::DAYS_PER_MONTH;
            let length = 50.0 + months * 1.1 + (next() - 0.5) * 8.0;
            let weight = 3.3 + months * 0.22 + (next() - 0.5) * 3.0;
            Input {
                sex: if next() < 0.5 { Sex::Male } else { Sex::Female },
                age_days: Some(age),
                weight_kg: Some(weight.max(1.0)),
                lenhei_cm: Some(length),
                position: match (next() * 3.0) as u32 {
                    0 => Position::Lying,
                    1 => Position::Standing,
                    _ => Position::Unknown,
                },
                oedema: next() < 0.01,
                muac_mm: (age >= 91).then(|| 110.0 + next() * 60.0),
            }
        })
        .collect()
}

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let rounds = 5;
    let tables = who::tables();
    let data = inputs(n);
    // Warm-up round (caches, branch predictors).
    let mut flagged = 0usize;
    for i in &data {
        flagged += usize::from(
            black_box(tables.score(black_box(i)))
                .haz
                .is_some_and(|s| s.flagged),
        );
    }
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        let mut computed = 0usize;
        for i in &data {
            let s = black_box(tables.score(black_box(i)));
            computed += usize::from(s.haz.is_some()) + usize::from(s.whz.is_some());
        }
        black_box(computed);
        best = best.min(start.elapsed().as_secs_f64());
    }
    let per_sec = n as f64 / best;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "z-score sets: {n} measurements x {rounds} rounds, best round {:.1} ms",
        best * 1e3
    )?;
    writeln!(
        out,
        "z-score sets per second on one core: {:.2} million ({:.0} ns per set)",
        per_sec / 1e6,
        best / n as f64 * 1e9
    )?;
    writeln!(out, "(HAZ flagged in the warm-up round: {flagged})")?;
    Ok(())
}
