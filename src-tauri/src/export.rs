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
    /// The whole audit log with its hash chain (CSV or JSON), oldest entry first.
    Audit,
}

/// An export request, checked: the file name to offer, the period and what to write.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub file_name: String,
    /// The audit log rather than findings or a report.
    pub audit: bool,
    pub format: ExportFormat,
    pub period: Period,
    pub framework: Option<String>,
    /// For findings: the selection and its order.
    pub findings: Option<(FindingFilter, SortField, bool)>,
    /// For the executive summary: the organizational units it covers (empty: all).
    pub units: Vec<String>,
}

/// An export's file name with the workspace's in it (`rampart-payments-findings-….csv` for
/// `payments.db`), so exports of two workspaces are told apart; the default workspace
/// (`rampart.db`) adds nothing. Only letters, digits, hyphens and underscores are kept.
pub fn name_for_workspace(workspace: &std::path::Path, file_name: &str) -> String {
    let stem: String = workspace
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let stem = stem.trim_matches('-');
    match file_name.strip_prefix("rampart-") {
        Some(rest) if !stem.is_empty() && !stem.eq_ignore_ascii_case("rampart") => format!("rampart-{stem}-{rest}"),
        _ => file_name.to_string(),
    }
}

/// `dir/name`, or, when that file exists, `dir/name (2)` (then 3…) before the extension: an
/// export written without a dialog never replaces an earlier one.
pub fn unused_path(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) => (stem, format!(".{ext}")),
        None => (name, String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
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
    if !units.is_empty() && request.what != ExportKind::Report {
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
        (ExportKind::Audit, _, ExportFormat::Pdf) => {
            return Err(Invalid::new("format", "the audit log is exported as CSV or JSON").into());
        }
        (ExportKind::Audit, _, _) => format!("rampart-audit-log-{day}.{ext}"),
    };
    let findings = match request.what {
        ExportKind::Findings => {
            let query = request.query.clone().unwrap_or_default();
            query.check_sizes()?;
            let sort = query.sort_field()?;
            Some((query.filter(now), sort, query.reverse))
        }
        ExportKind::Report | ExportKind::Audit => None,
    };
    Ok(ExportPlan {
        audit: request.what == ExportKind::Audit,
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
    let workspace = workspace_label(store)?;
    if plan.audit {
        return audit_bytes(store.conn(), plan.format);
    }
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

/// The columns of an audit log CSV: each entry as recorded, with the hash chain.
pub const AUDIT_CSV_COLUMNS: [&str; 8] = [
    "seq",
    "at",
    "actor",
    "action",
    "subject",
    "details",
    "prev_hash",
    "hash",
];

/// The whole audit log, oldest entry first (the order of its hash chain): CSV with
/// [`AUDIT_CSV_COLUMNS`] (formula-safe), or JSON with the chain's head and length beside the
/// entries, so a copy can be checked against the workspace later.
pub fn audit_bytes(conn: &rampart_core::rusqlite::Connection, format: ExportFormat) -> anyhow::Result<Vec<u8>> {
    let mut entries = rampart_core::store::audit::entries(conn, usize::MAX)?;
    entries.reverse();
    Ok(match format {
        ExportFormat::Csv => {
            let mut out = String::new();
            out.push_str(&AUDIT_CSV_COLUMNS.join(","));
            out.push('\n');
            for e in &entries {
                let seq = e.seq.to_string();
                let fields = [
                    &seq,
                    &e.at,
                    &e.actor,
                    &e.action,
                    &e.subject,
                    &e.details,
                    &e.prev_hash,
                    &e.hash,
                ];
                out.push_str(&fields.iter().map(|v| csv_field(v)).collect::<Vec<_>>().join(","));
                out.push('\n');
            }
            out.into_bytes()
        }
        _ => serde_json::to_vec_pretty(&serde_json::json!({
            "length": entries.len(),
            "head": entries.last().map(|e| e.hash.as_str()),
            "entries": entries,
        }))?,
    })
}

/// The workspace as a report names it: its name and file (`payments (payments.db)`), the
/// demo marked as such, so a made-up posture is never read as a real one.
pub fn workspace_label(store: &Store) -> anyhow::Result<String> {
    let path = store.path();
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    Ok(if rampart_core::store::is_demo(store.conn())? {
        format!("Demo workspace, made-up data ({file})")
    } else {
        format!("{stem} ({file})")
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn export_names_carry_the_workspace_but_not_the_default_one() {
        let name = "rampart-findings-2026-12-08.csv";
        assert_eq!(
            name_for_workspace(Path::new("/w/payments prod.db"), name),
            "rampart-payments-prod-findings-2026-12-08.csv"
        );
        assert_eq!(
            name_for_workspace(Path::new("/w/demo.db"), name),
            "rampart-demo-findings-2026-12-08.csv"
        );
        assert_eq!(name_for_workspace(Path::new("/w/rampart.db"), name), name);
        assert_eq!(name_for_workspace(Path::new("/"), name), name);
    }

    #[test]
    fn an_export_without_a_dialog_never_replaces_an_earlier_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = unused_path(dir.path(), "r.pdf");
        assert_eq!(first, dir.path().join("r.pdf"));
        std::fs::write(&first, b"one").expect("write");
        let second = unused_path(dir.path(), "r.pdf");
        assert_eq!(second, dir.path().join("r (2).pdf"));
        std::fs::write(&second, b"two").expect("write");
        assert_eq!(unused_path(dir.path(), "r.pdf"), dir.path().join("r (3).pdf"));
        assert_eq!(std::fs::read(&first).expect("read"), b"one");
    }

    #[test]
    fn the_audit_log_exports_whole_with_its_chain_oldest_first() {
        use rampart_core::store::owners::OwnerScope;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("w.db")).expect("open");
        store
            .assign_owner(OwnerScope::Account, "111122223333", "=cmd|' /C calc'!A0", "Dana", 1_000)
            .expect("assign");
        store
            .assign_owner(OwnerScope::Account, "111122223333", "Payments", "Dana", 2_000)
            .expect("assign");
        let csv = String::from_utf8(audit_bytes(store.conn(), ExportFormat::Csv).expect("csv")).expect("utf-8");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], AUDIT_CSV_COLUMNS.join(","));
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("1,") && lines[2].starts_with("2,"), "{csv}");
        assert!(!lines[1].contains(",=cmd"), "formula-safe: {csv}");
        let json: serde_json::Value =
            serde_json::from_slice(&audit_bytes(store.conn(), ExportFormat::Json).expect("json")).expect("parse");
        let entries = json["entries"].as_array().expect("entries");
        assert_eq!(json["length"], 2);
        assert_eq!(json["head"], entries[1]["hash"]);
        assert_eq!(entries[1]["prev_hash"], entries[0]["hash"], "the chain, in order");
        let refused = plan(
            &Catalog::builtin().expect("catalog"),
            &ExportRequest {
                what: ExportKind::Audit,
                format: ExportFormat::Pdf,
                framework: None,
                from: None,
                to: None,
                query: None,
                units: None,
            },
            0,
        )
        .expect_err("no PDF of the log");
        assert!(refused.to_string().contains("CSV or JSON"), "{refused}");
    }
}
