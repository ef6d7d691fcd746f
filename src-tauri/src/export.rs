//! Writing report and export files, for the command line (`rampart report`) and the
//! window (the Export buttons): the executive summary or a framework report as PDF, its
//! data as JSON, findings as CSV or JSON. A file is never left half-written: a temporary
//! file in the same folder is renamed into place once complete.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use rampart_core::catalog::Catalog;
use rampart_core::query::findings::{list_findings, FindingFilter, SortField, CSV_COLUMNS};
use rampart_core::query::report::{self, Period};
use rampart_core::store::Store;
use rampart_report::Kind;
use serde::Deserialize;
use ts_rs::TS;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// The executive summary, or a framework's report.
    Pdf,
    /// Findings, with the columns of `findings --format csv`.
    Csv,
    /// The report's data (as the PDF shows it).
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// The period of a report: `from`..=`to`, by default the 30 days ending today.
pub fn period(from: Option<NaiveDate>, to: Option<NaiveDate>, now: i64) -> anyhow::Result<Period> {
    let today = chrono::Utc::now().date_naive();
    let to = to.unwrap_or(today).min(today);
    let from = from.unwrap_or(to - chrono::Duration::days(29));
    if from > to {
        bail!("the period starts ({from}) after it ends ({to})");
    }
    Ok(Period { from, to, now })
}

/// The bytes of a report: PDF or its JSON data (executive, or the framework's).
pub fn report_bytes(
    store: &mut Store,
    catalog: &Catalog,
    workspace: &str,
    format: ExportFormat,
    framework: Option<&str>,
    period: &Period,
) -> anyhow::Result<Vec<u8>> {
    store.refresh_snapshots(catalog, chrono::Utc::now().date_naive())?;
    let conn = store.conn();
    Ok(match (format, framework) {
        (ExportFormat::Csv, _) => bail!("a report is PDF or JSON; findings are exported as CSV"),
        (format, None) => {
            let model = report::executive(conn, catalog, workspace, period)?;
            match format {
                ExportFormat::Pdf => rampart_report::render(Kind::Executive, &model)?,
                _ => serde_json::to_vec_pretty(&model)?,
            }
        }
        (format, Some(fw)) => {
            let model = report::framework(conn, catalog, workspace, fw, period)?
                .with_context(|| format!("unknown framework {fw:?}"))?;
            match format {
                ExportFormat::Pdf => rampart_report::render(Kind::Framework, &model)?,
                _ => serde_json::to_vec_pretty(&model)?,
            }
        }
    })
}

/// The findings a filter selects, as CSV (RFC 4180, formula-safe) or a JSON array.
pub fn findings_bytes(
    conn: &rampart_core::rusqlite::Connection,
    filter: &FindingFilter,
    (sort, reverse): (SortField, bool),
    now: i64,
    format: ExportFormat,
) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    {
        let mut out = BufWriter::new(&mut buf);
        match format {
            ExportFormat::Csv => {
                writeln!(out, "{}", CSV_COLUMNS.join(","))?;
                let mut err = None;
                list_findings(conn, filter, sort, reverse, None, now, |row| {
                    let line: Vec<String> = row.csv_values().iter().map(|v| csv_field(v)).collect();
                    if let Err(e) = writeln!(out, "{}", line.join(",")) {
                        err.get_or_insert(e);
                    }
                    Ok(())
                })?;
                if let Some(e) = err {
                    return Err(e.into());
                }
            }
            _ => {
                let mut rows = Vec::new();
                list_findings(conn, filter, sort, reverse, None, now, |row| {
                    rows.push(row);
                    Ok(())
                })?;
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            }
        }
        out.flush()?;
    }
    Ok(buf)
}

/// RFC 4180 quoting, and a leading `'` on values a spreadsheet would run as a formula.
pub fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
pub fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        bail!("{}: the folder does not exist", dir.display());
    }
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.partial", name.to_string_lossy()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("{}: cannot write: {e}", path.display())
    })
}
