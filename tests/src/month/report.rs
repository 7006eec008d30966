//! Sizes of the two SQLite files of a state directory: the file (and its WAL), the live data
//! ((page_count − freelist_count) × page_size: what a `VACUUM` would keep, less the unused space
//! inside pages), and the biggest tables with their indexes from SQLite's `dbstat` table (the
//! bundled SQLite is built with it; python's often is not).

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::Connection;

const MIB: f64 = 1024.0 * 1024.0;

fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB)
}

/// One file's measurement.
pub struct FileSize {
    pub file_bytes: i64,
    pub wal_bytes: i64,
    pub live_bytes: i64,
    pub free_bytes: i64,
    /// Unused bytes inside live pages (what a `VACUUM` would also repack).
    pub unused_bytes: i64,
    /// (table, bytes with its indexes, rows), biggest first.
    pub tables: Vec<(String, i64, i64)>,
}

pub fn measure(path: &Path) -> anyhow::Result<FileSize> {
    let wal_bytes = std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len() as i64);
    let file_bytes = std::fs::metadata(path)?.len() as i64;
    let db = Connection::open(path)?;
    db.busy_timeout(std::time::Duration::from_secs(30))?;
    let pragma = |name: &str| db.query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, i64>(0));
    let (page_size, page_count, freelist) = (pragma("page_size")?, pragma("page_count")?, pragma("freelist_count")?);
    let mut statement = db.prepare(
        "SELECT COALESCE(s.tbl_name, d.name) AS tbl, SUM(d.pgsize), SUM(d.unused)
         FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name
         GROUP BY tbl ORDER BY 2 DESC",
    )?;
    let sized: Vec<(String, i64, i64)> = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<_, _>>()?;
    let unused_bytes = sized.iter().map(|(_, _, unused)| unused).sum();
    let mut tables = Vec::new();
    for (name, bytes, _) in sized {
        let rows = db.query_row(&format!("SELECT COUNT(*) FROM \"{name}\""), [], |row| row.get(0)).unwrap_or(-1);
        tables.push((name, bytes, rows));
    }
    Ok(FileSize {
        file_bytes,
        wal_bytes,
        live_bytes: (page_count - freelist) * page_size,
        free_bytes: freelist * page_size,
        unused_bytes,
        tables,
    })
}

/// A short text report of both files of `state_dir` under `title`.
pub fn describe(state_dir: &Path, title: &str) -> anyhow::Result<String> {
    let mut out = format!("== {title}\n");
    for name in ["sqlite_db.db", "sqlite_key_value.db"] {
        let size = measure(&state_dir.join(name))?;
        writeln!(
            out,
            "{name}: file {} (+ WAL {}), live {} , free pages {}, unused inside pages {}",
            mib(size.file_bytes),
            mib(size.wal_bytes),
            mib(size.live_bytes),
            mib(size.free_bytes),
            mib(size.unused_bytes)
        )?;
        for (table, bytes, rows) in size.tables.iter().take(8) {
            writeln!(out, "  {table:<24} {:>12} {rows:>10} rows", mib(*bytes))?;
        }
    }
    Ok(out)
}

/// The size `VACUUM` would leave: `VACUUM INTO` a temporary copy, measured and removed.
pub fn vacuumed_size(path: &Path) -> anyhow::Result<i64> {
    let copy = path.with_extension("vacuumed");
    let _ = std::fs::remove_file(&copy);
    Connection::open(path)?.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
    let bytes = std::fs::metadata(&copy)?.len() as i64;
    std::fs::remove_file(&copy)?;
    Ok(bytes)
}
