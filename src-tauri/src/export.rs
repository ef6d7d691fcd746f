//! Writing report and export files, for the command line (`rampart report`) and the
//! window (the Export buttons): the executive summary or a framework report as PDF, its
//! data as JSON, findings as CSV or JSON. A file is never left half-written: a temporary
//! file in the same folder is renamed into place once complete.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context};
use rampart_core::catalog::Catalog;
use rampart_core::error::Refusal;
use rampart_core::query::findings::{list_findings, FindingFilter, FindingsQuery, Page, SortField, CSV_COLUMNS};
use rampart_core::query::report::{self, Period};
use rampart_core::store::Store;
use rampart_core::time::parse_optional_day;
use rampart_core::Invalid;
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

/// What the window asks to export.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    /// `report` (the executive summary, or `framework`'s report) or `findings` (the
    /// explorer's current selection).
    pub what: ExportKind,
    pub format: ExportFormat,
    pub framework: Option<String>,
    /// The report's period (YYYY-MM-DD; default the last 30 days).
    pub from: Option<String>,
    pub to: Option<String>,
    /// The explorer's query (its page and page size are ignored: every match is written).
    pub query: Option<FindingsQuery>,
    /// The executive summary of these organizational units' accounts only (the Overview's
    /// scope); none: the whole workspace.
    #[serde(default)]
    #[ts(optional)]
    pub units: Option<Vec<String>>,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Report,
    Findings,
}

/// An export request, checked: the file name to offer, the period and what to write.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub file_name: String,
    pub format: ExportFormat,
    pub period: Period,
    pub framework: Option<String>,
    /// For findings: the selection and its order.
    pub findings: Option<(FindingFilter, SortField, bool)>,
    /// For the executive summary: the organizational units it covers (empty: all).
    pub units: Vec<String>,
}

/// Organizational unit ids as part of a file name (letters, digits and hyphens only).
fn file_part(units: &[String]) -> String {
    units
        .iter()
        .map(|u| {
            u.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Checks an export request against the catalog at `now`: the framework exists, the period
/// is well formed, the format suits what is exported; names the file by what and when.
pub fn plan(catalog: &Catalog, request: &ExportRequest, now: i64) -> Result<ExportPlan, Refusal> {
    if let Some(fw) = &request.framework {
        catalog.find_framework(fw)?;
    }
    let period = Period::new(
        parse_optional_day(request.from.as_deref(), "from")?,
        parse_optional_day(request.to.as_deref(), "to")?,
        now,
    )?;
    let units = request.units.clone().unwrap_or_default();
    rampart_core::limits::check_list(
        "units",
        &units,
        rampart_core::limits::REQUEST_ITEMS,
        rampart_core::limits::NAME_CHARS,
    )?;
    if !units.is_empty() && request.what == ExportKind::Findings {
        return Err(Invalid::new(
            "units",
            "a findings export follows the explorer's filters (its `units`), not the report's",
        )
        .into());
    }
    let day = period.to.format("%Y-%m-%d");
    let ext = request.format.extension();
    let file_name = match (request.what, &request.framework, request.format) {
        (ExportKind::Findings, _, ExportFormat::Pdf) => {
            return Err(Invalid::new("format", "findings are exported as CSV or JSON").into());
        }
        (ExportKind::Findings, _, _) => format!("rampart-findings-{day}.{ext}"),
        (ExportKind::Report, _, ExportFormat::Csv) => {
            return Err(Invalid::new("format", "a report is exported as PDF or JSON").into());
        }
        (ExportKind::Report, None, _) if units.is_empty() => format!("rampart-executive-summary-{day}.{ext}"),
        (ExportKind::Report, None, _) => format!("rampart-executive-summary-{}-{day}.{ext}", file_part(&units)),
        (ExportKind::Report, Some(fw), _) if units.is_empty() => format!("rampart-{fw}-report-{day}.{ext}"),
        (ExportKind::Report, Some(fw), _) => format!("rampart-{fw}-report-{}-{day}.{ext}", file_part(&units)),
    };
    let findings = match request.what {
        ExportKind::Findings => {
            let query = request.query.clone().unwrap_or_default();
            query.check_sizes()?;
            let sort = query.sort_field()?;
            Some((query.filter(now), sort, query.reverse))
        }
        ExportKind::Report => None,
    };
    Ok(ExportPlan {
        file_name,
        format: request.format,
        period,
        framework: request.framework.clone(),
        findings,
        units,
    })
}

/// The bytes an export plan writes: the findings it selects, or its report (which names the
/// workspace by its file name).
pub fn bytes(store: &mut Store, catalog: &Catalog, plan: &ExportPlan) -> anyhow::Result<Vec<u8>> {
    let workspace = store
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| store.path().display().to_string());
    match &plan.findings {
        Some((filter, sort, reverse)) => {
            findings_bytes(store.conn(), filter, (*sort, *reverse), plan.period.now, plan.format)
        }
        None => report_bytes(
            store,
            catalog,
            &workspace,
            plan.format,
            plan.framework.as_deref(),
            &plan.period,
            &plan.units,
        ),
    }
}

/// The bytes of a report: PDF or its JSON data (executive, or the framework's).
pub fn report_bytes(
    store: &mut Store,
    catalog: &Catalog,
    workspace: &str,
    format: ExportFormat,
    framework: Option<&str>,
    period: &Period,
    units: &[String],
) -> anyhow::Result<Vec<u8>> {
    store.refresh_snapshots(catalog, chrono::Utc::now().date_naive())?;
    let conn = store.conn();
    rampart_core::store::accounts::check_units(conn, "units", units)?;
    Ok(match (format, framework) {
        (ExportFormat::Csv, _) => bail!("a report is PDF or JSON; findings are exported as CSV"),
        (format, None) => {
            let model = report::executive_of(conn, catalog, workspace, period, units)?;
            match format {
                ExportFormat::Pdf => pdf(Kind::Executive, &model)?,
                _ => serde_json::to_vec_pretty(&model)?,
            }
        }
        (format, Some(fw)) => {
            let model = report::framework_of(conn, catalog, workspace, fw, period, units)?
                .with_context(|| format!("unknown framework {fw:?}"))?;
            match format {
                ExportFormat::Pdf => pdf(Kind::Framework, &model)?,
                _ => serde_json::to_vec_pretty(&model)?,
            }
        }
    })
}

/// A report model laid out as PDF, every string made safe to display first (control
/// characters replaced, bidi and zero-width characters shown by code point). The JSON
/// export keeps the data as stored.
fn pdf<T: serde::Serialize>(kind: Kind, model: &T) -> anyhow::Result<Vec<u8>> {
    let safe = rampart_core::text::display_json(serde_json::to_value(model)?);
    Ok(rampart_report::render(kind, &safe)?)
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
    write_findings(&mut buf, conn, filter, (sort, reverse, None), now, format)?;
    Ok(buf)
}

/// Streams the findings a filter selects (one page of them, or all) to `out` as CSV (the
/// columns of [`CSV_COLUMNS`], RFC 4180, formula-safe) or a JSON array, one finding a
/// line. The one writer of findings files, for `rampart findings` and every export. A
/// failed write (a closed pipe) stops the listing and is returned as the `io::Error`.
pub fn write_findings(
    out: impl Write,
    conn: &rampart_core::rusqlite::Connection,
    filter: &FindingFilter,
    (sort, reverse, page): (SortField, bool, Option<Page>),
    now: i64,
    format: ExportFormat,
) -> anyhow::Result<u64> {
    let mut out = BufWriter::new(out);
    let n = match format {
        ExportFormat::Csv => {
            writeln!(out, "{}", CSV_COLUMNS.join(","))?;
            unwrap_io(list_findings(conn, filter, sort, reverse, page, now, |row| {
                let line: Vec<String> = row.csv_values().iter().map(|v| csv_field(v)).collect();
                writeln!(out, "{}", line.join(",")).map_err(io_error)
            }))?
        }
        ExportFormat::Json | ExportFormat::Pdf => {
            out.write_all(b"[")?;
            let mut first = true;
            let n = unwrap_io(list_findings(conn, filter, sort, reverse, page, now, |row| {
                out.write_all(if first { b"\n  " } else { b",\n  " })
                    .map_err(io_error)?;
                first = false;
                serde_json::to_writer(&mut out, &row).map_err(|e| io_error(e.into()))
            }))?;
            out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
            n
        }
    };
    out.flush()?;
    Ok(n)
}

/// An I/O error of a listing's callback, carried through the store's error type.
pub fn io_error(e: std::io::Error) -> rampart_core::StoreError {
    rampart_core::StoreError::Sql(rampart_core::rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Turns an I/O error carried by [`io_error`] back into an `io::Error`, so a closed pipe
/// ends a command quietly.
pub fn unwrap_io(r: Result<u64, rampart_core::StoreError>) -> anyhow::Result<u64> {
    match r {
        Ok(n) => Ok(n),
        Err(rampart_core::StoreError::Sql(rampart_core::rusqlite::Error::ToSqlConversionFailure(e))) => {
            match e.downcast::<std::io::Error>() {
                Ok(io) => Err((*io).into()),
                Err(other) => Err(anyhow::anyhow!("{other}")),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// RFC 4180 quoting, and a `'` before every part a spreadsheet would run as a formula: the
/// cell's start and each part after a `;` (lists are joined with `;`, and a spreadsheet
/// that splits on `;` starts a new cell there). A cell holding `;` is quoted too. Control
/// characters (but newlines and tabs) become spaces; bidi and zero-width characters are
/// shown by code point, so a cell reads as what it holds.
pub fn csv_field(v: &str) -> String {
    let v = rampart_core::text::display_lines(v);
    let formula = |part: &str| {
        part.trim_start_matches(' ')
            .starts_with(['=', '+', '-', '@', '\t', '\r'])
    };
    let v = v
        .split(';')
        .map(|part| match formula(part) {
            true => format!("'{part}"),
            false => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";");
    if v.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Writes `bytes` to a new temporary file beside `path` (a fresh, unpredictable name,
/// created exclusively: never a file or link already there), then renames it into place.
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
    let write = || -> std::io::Result<()> {
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{}.", name.to_string_lossy()))
            .suffix(".partial")
            .tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
}
