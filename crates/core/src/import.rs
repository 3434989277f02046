//! The import machinery every domain's CSV import shares: all or nothing. A file's header is
//! checked against the domain's columns, every bad row is collected with its line, column and
//! reason ([`RowError`]), and only a file without one is written (by the domain, in one
//! transaction). The same report reaches the CLI (stderr, via [`run_cli`]) and GraphQL
//! (`extensions.rows` of [`Error::Import`]).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use uuid::Uuid;

use crate::error::Error;

pub use crate::error::{MAX_REPORTED_ROWS, RowError};

/// The phases an import reports progress in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking rows.
    Checking,
    /// Writing rows.
    Writing,
}

/// Progress callback: phase, rows done, rows in all (0 while unknown).
pub type Progress<'a> = &'a (dyn Fn(Phase, u64, u64) + Sync);

/// The columns of a CSV file opened against a domain's columns.
pub struct Columns {
    columns: HashMap<String, usize>,
}

/// A CSV reader positioned after its checked header.
pub type CsvReader<R> = csv::Reader<R>;

impl Columns {
    /// Opens `reader` and maps its header (any order, case-insensitive, a BOM ignored) onto
    /// `columns`; unknown or repeated columns, and missing `required` ones, are line-1 errors.
    pub fn open<R: Read, S: AsRef<str>>(
        reader: R,
        columns: &[S],
        required: &[&str],
    ) -> Result<(CsvReader<R>, Columns), Error> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| Error::bad("file", format!("cannot read the header line: {e}")))?
            .clone();
        let mut map: HashMap<String, usize> = HashMap::new();
        let mut errors = Vec::new();
        let header_error = |column: &str, message: String| RowError {
            line: 1,
            column: Some(column.to_owned()),
            message,
        };
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            match columns.iter().find(|c| c.as_ref() == h) {
                Some(_) if map.contains_key(&h) => {
                    errors.push(header_error(&h, "appears twice".into()))
                }
                Some(_) => {
                    map.insert(h, i);
                }
                None => errors.push(header_error(
                    &h,
                    format!(
                        "unknown column; the columns are {}",
                        columns
                            .iter()
                            .map(AsRef::as_ref)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
        for r in required {
            if !map.contains_key(*r) {
                errors.push(header_error(r, "missing column".into()));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Import {
                rows: errors,
                total: 0,
            });
        }
        Ok((rdr, Columns { columns: map }))
    }

    /// True when the file has `column`.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The cell of `column` in `rec` (`""` when the file lacks the column).
    pub fn get<'r>(&self, rec: &'r csv::StringRecord, column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|i| rec.get(*i))
            .unwrap_or("")
    }
}

/// The line of a record (the header is line 1); `fallback` when csv does not know it.
pub fn line_of(rec: &csv::StringRecord, fallback: u64) -> u64 {
    rec.position().map(|p| p.line()).unwrap_or(fallback)
}

/// The error of a malformed CSV row.
pub fn csv_error(e: &csv::Error, fallback: u64) -> RowError {
    RowError {
        line: e.position().map(|p| p.line()).unwrap_or(fallback),
        column: None,
        message: format!("not a valid CSV row: {e}"),
    }
}

/// One data row of a file being read ([`read_rows`]): its line, its cells by column name, and
/// the error of one of its cells.
pub struct Cells<'a> {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    rec: &'a csv::StringRecord,
    file: &'a Columns,
}

impl Cells<'_> {
    /// The cell of `column` (`""` when the file lacks the column).
    pub fn get(&self, column: &str) -> &str {
        self.file.get(self.rec, column)
    }

    /// The error of this row's `column`.
    pub fn err(&self, column: &str, message: String) -> RowError {
        RowError {
            line: self.line,
            column: Some(column.to_owned()),
            message,
        }
    }
}

/// Reads every data row of `rdr` (opened with `file`), giving each to `parse`: what it returns
/// is kept, and its error collected with every malformed CSV row, so that the file's whole report
/// is known before anything is written. Reports progress every 10,000 rows. Returns the rows,
/// the errors and the number of data rows.
pub fn read_rows<R: Read, T>(
    rdr: &mut csv::Reader<R>,
    file: &Columns,
    progress: Progress<'_>,
    mut parse: impl FnMut(&Cells<'_>) -> Result<T, RowError>,
) -> (Vec<T>, Vec<RowError>, u64) {
    let (mut rows, mut errors, mut total) = (Vec::new(), Vec::new(), 0u64);
    for rec in rdr.records() {
        total += 1;
        match rec {
            Ok(rec) => {
                let cells = Cells {
                    line: line_of(&rec, total + 1),
                    rec: &rec,
                    file,
                };
                match parse(&cells) {
                    Ok(row) => rows.push(row),
                    Err(e) => errors.push(e),
                }
            }
            Err(e) => errors.push(csv_error(&e, total + 1)),
        }
        if total.is_multiple_of(10_000) {
            progress(Phase::Checking, total, 0);
        }
    }
    (rows, errors, total)
}

/// A decimal cell: `None` when empty, `Some(NaN)` when not a number; `.` or `,` as the mark.
pub fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    t.replace(',', ".").parse::<f64>().ok().or(Some(f64::NAN))
}

/// A yes/no cell: `y`/`n`, `ya`/`tidak`, `true`/`false`, `1`/`0`, or empty (no).
pub fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "n" | "no" | "t" | "tidak" | "false" | "0" => Some(false),
        "y" | "yes" | "ya" | "true" | "1" => Some(true),
        _ => None,
    }
}

/// A record reference cell: a global id of `type_name` or a bare UUID.
pub fn global_uuid(s: &str, type_name: &str) -> Option<Uuid> {
    let t = s.trim();
    Uuid::parse_str(t)
        .ok()
        .or_else(|| crate::id::decode_uuid(t, type_name, "x").ok())
}

/// A family named by an import row: its id (a global id or UUID, column `family_id`) or its KK
/// number (column `kk`, matched by its keyed hash; never stored in clear).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FamilyRef {
    /// By id.
    Id(Uuid),
    /// By the keyed hash of its KK number.
    Kk(String),
}

impl FamilyRef {
    /// Reads the `family_id` or `kk` cell of a row: the column at fault and why on failure.
    pub fn parse(
        pii: &crate::pii::PiiKey,
        id: &str,
        kk: &str,
    ) -> Result<FamilyRef, (&'static str, String)> {
        match (id.trim(), kk.trim()) {
            (id, _) if !id.is_empty() => global_uuid(id, "Family")
                .map(FamilyRef::Id)
                .ok_or(("family_id", "not a valid family id".to_owned())),
            (_, kk) if !kk.is_empty() => pii
                .kk(kk, "kk")
                .map(|h| FamilyRef::Kk(h.hash))
                .map_err(|e| ("kk", e.to_string().replace("kk: ", ""))),
            _ => Err(("family_id", "give family_id or kk".to_owned())),
        }
    }

    /// The column this reference came from.
    pub fn column(&self) -> &'static str {
        match self {
            FamilyRef::Id(_) => "family_id",
            FamilyRef::Kk(_) => "kk",
        }
    }
}

/// A file that names families must have a `family_id` or a `kk` column (a line-1 error otherwise).
pub fn require_family_column(file: &Columns) -> Result<(), Error> {
    if file.has("family_id") || file.has("kk") {
        return Ok(());
    }
    Err(Error::Import {
        rows: vec![RowError {
            line: 1,
            column: Some("family_id".into()),
            message: "missing column: give family_id or kk".into(),
        }],
        total: 0,
    })
}

/// The families of many [`FamilyRef`]s inside `scope`, read in batches.
pub async fn resolve_families<C: sea_orm::ConnectionTrait>(
    db: &C,
    scope: &crate::actor::Scope,
    refs: impl IntoIterator<Item = FamilyRef>,
) -> Result<HashMap<FamilyRef, crate::entity::family::Model>, Error> {
    let (mut ids, mut hashes) = (Vec::new(), Vec::new());
    for r in refs {
        match r {
            FamilyRef::Id(u) => ids.push(u),
            FamilyRef::Kk(h) => hashes.push(h),
        }
    }
    ids.sort();
    ids.dedup();
    hashes.sort();
    hashes.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for f in crate::store::families_in(db, scope, chunk).await? {
            out.insert(FamilyRef::Id(f.id), f);
        }
    }
    for chunk in hashes.chunks(5_000) {
        for f in crate::store::families_by_kk_in(db, scope, chunk).await? {
            if let Some(h) = f.kk_hash.clone() {
                out.insert(FamilyRef::Kk(h), f);
            }
        }
    }
    Ok(out)
}

/// `weightKg` → `weight_kg`: an input field's name as a file column.
pub fn snake(field: &str) -> String {
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An import run from the command line: a progress bar while it runs, then the summary line on
/// stdout, or every bad row on stderr as `FILE: line N: column: reason`.
pub struct CliImport {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    file: std::path::PathBuf,
}

impl CliImport {
    /// Opens `file` and starts the progress bar.
    pub fn open(file: &Path) -> anyhow::Result<(CliImport, std::io::BufReader<std::fs::File>)> {
        use anyhow::Context as _;
        let reader =
            std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg} {pos}/{len} rows [{elapsed}] {wide_bar}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message("checking");
        Ok((
            CliImport {
                bar,
                started: std::time::Instant::now(),
                file: file.to_owned(),
            },
            std::io::BufReader::new(reader),
        ))
    }

    /// Reports progress on the bar.
    pub fn progress(&self, phase: Phase, done: u64, total: u64) {
        match phase {
            Phase::Checking => self.bar.set_message("checking"),
            Phase::Writing => self.bar.set_message("writing"),
        }
        if total > 0 {
            self.bar.set_length(total);
        }
        self.bar.set_position(done);
    }

    /// Clears the bar and reports `result`; `done` words the summary from the result and the
    /// seconds taken.
    pub fn finish<S>(
        self,
        result: Result<S, Error>,
        done: impl FnOnce(&S, f64) -> String,
    ) -> anyhow::Result<()> {
        self.bar.finish_and_clear();
        match result {
            Ok(s) => {
                writeln!(
                    std::io::stdout(),
                    "{}",
                    done(&s, self.started.elapsed().as_secs_f64())
                )?;
                Ok(())
            }
            Err(Error::Import { rows, total }) => {
                let mut err = std::io::stderr();
                for r in &rows {
                    writeln!(err, "{}: {r}", self.file.display())?;
                }
                anyhow::bail!(
                    "{} of {total} rows are invalid; nothing was imported",
                    rows.len()
                )
            }
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_as_documented() {
        assert_eq!(number("10,5"), Some(10.5));
        assert_eq!(number(" 7.25 "), Some(7.25));
        assert_eq!(number(""), None);
        assert!(number("berat").is_some_and(f64::is_nan));
        assert_eq!(yes_no("ya"), Some(true));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(snake("measuredOn"), "measured_on");
        assert_eq!(snake("muacMm"), "muac_mm");
    }

    #[test]
    fn a_header_with_unknown_repeated_or_missing_columns_is_refused_on_line_1() {
        let file = "a,b,b,zz\n1,2,3,4\n";
        let Err(Error::Import { rows, .. }) =
            Columns::open(file.as_bytes(), &["a", "b", "c"], &["c"])
        else {
            panic!("expected an import error");
        };
        let cols: Vec<_> = rows
            .iter()
            .map(|r| r.column.clone().unwrap_or_default())
            .collect();
        assert_eq!(cols, ["b", "zz", "c"]);
        assert!(rows.iter().all(|r| r.line == 1));
    }
}
