//! Writes a CSV of plausible measurements for the children already in a database, for the import
//! benchmark (`bench/import.sh`): `gen_measurements DATABASE_URL ROWS > file.csv`.

use std::io::Write;

use keluarga_core::entity::person;
use sea_orm::{Database, EntityTrait, QueryOrder};
use stunting::entity::child;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: gen_measurements DATABASE_URL ROWS")?;
    let rows: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let db = Database::connect(url).await?;
    let kids = child::Entity::find()
        .order_by_asc(child::Column::Id)
        .all(&db)
        .await?;
    let people: std::collections::HashMap<_, _> = person::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let today = chrono::Utc::now().date_naive();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "child_id,measured_on,weight_kg,length_cm,position,oedema,muac_mm"
    )?;
    let usable: Vec<_> = kids
        .iter()
        .filter_map(|c| {
            people
                .get(&c.person_id)
                .and_then(|p| p.birth_date)
                .map(|b| (c.id, b))
        })
        .filter(|(_, b)| *b < today)
        .collect();
    if usable.is_empty() {
        return Err("no children in the database: run `keluarga-gateway seed --demo` first".into());
    }
    let mut state = 42u64;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n.max(1)
    };
    for i in 0..rows {
        let (id, birth) = usable[i % usable.len()];
        let span = (today - birth).num_days().clamp(1, 1826) as u64;
        let age = 1 + next(span - 1);
        let day = birth + chrono::Days::new(age);
        let months = age as f64 / 30.4375;
        let length = 50.0 + months * 1.05 + next(60) as f64 / 10.0 - 3.0;
        let weight = 3.4 + months * 0.21 + next(20) as f64 / 10.0 - 1.0;
        let position = if age < 731 { "L" } else { "H" };
        let muac = if age >= 91 {
            format!("{}", 120 + next(40))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{id},{day},{weight:.1},{length:.1},{position},n,{muac}"
        )?;
    }
    out.flush()?;
    Ok(())
}
