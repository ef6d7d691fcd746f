//! The headless command line: `rampart [--db PATH] <command>`. Each command opens the
//! store, calls the core, and prints. Exit codes: 0 ok, 1 failure (one line on stderr),
//! 2 usage error.

use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use rampart_core::demo::{self, DemoSpec};
use rampart_core::import::ImportOptions;
use rampart_core::model::{RecordState, Severity, Source, Status};
use rampart_core::query::findings::{for_each_finding, FindingFilter, CSV_COLUMNS};
use rampart_core::query::overview;
use rampart_core::store::Store;
use rampart_core::time::now_ms;
use rampart_core::ImportInput;

use crate::ipc::IpcError;

#[derive(Parser, Debug)]
#[command(
    name = "rampart",
    version,
    about = "AWS compliance posture: the twelve API-security practices, GDPR and HIPAA."
)]
pub struct Args {
    /// Workspace database (default: the platform data folder, or $RAMPART_DB).
    #[arg(long, global = true, value_name = "PATH", env = "RAMPART_DB")]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import AWS export files ('-' reads stdin). All files go in one transaction: if one
    /// is bad, nothing is stored.
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Account for Config evaluation results (they do not name one).
        #[arg(long)]
        account: Option<String>,
        /// Region for Config evaluation results (they do not name one).
        #[arg(long)]
        region: Option<String>,
    },
    /// Build the bundled demo workspace (180 days, several accounts) in an empty database.
    Demo {
        /// Last day of the demo period, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        end_day: Option<chrono::NaiveDate>,
        #[arg(long)]
        seed: Option<u64>,
    },
    /// List findings.
    Findings {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(long, value_enum)]
        source: Vec<SourceArg>,
        #[arg(long, value_enum)]
        status: Vec<StatusArg>,
        #[arg(long, value_enum, ignore_case = true)]
        severity: Vec<SeverityArg>,
        #[arg(long)]
        account: Vec<String>,
        #[arg(long)]
        region: Vec<String>,
        /// Only active or only archived findings (default: both).
        #[arg(long, value_enum)]
        record_state: Option<RecordStateArg>,
    },
    /// Counts by severity, status, source and account, and the latest import.
    Overview {
        #[arg(long, value_enum, default_value_t = OverviewFormat::Table)]
        format: OverviewFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverviewFormat {
    Table,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SourceArg {
    Securityhub,
    Inspector,
    Config,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum StatusArg {
    Failed,
    Passed,
    Warning,
    #[value(name = "not_available")]
    NotAvailable,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SeverityArg {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RecordStateArg {
    Active,
    Archived,
}

/// Parses the command line; on failure prints clap's message and returns its exit code
/// (0 for --help/--version, 2 for usage errors).
pub fn parse() -> Result<Args, i32> {
    Args::try_parse().map_err(|e| {
        let _ = e.print();
        e.exit_code()
    })
}

/// `<data folder>/dev.rampart.desktop/rampart.db`, the same folder Tauri uses.
pub fn default_db_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(crate::IDENTIFIER).join("rampart.db"))
}

/// Opens the workspace at `path`, building the demo first when no database exists yet.
pub(crate) fn open_or_create_demo(path: &Path) -> Result<(), IpcError> {
    let fresh = !path.exists();
    let mut store = Store::open(path)?;
    if fresh {
        let today = chrono::Utc::now().date_naive();
        demo::build(&mut store, &DemoSpec::new(today))
            .map_err(|e| IpcError::new("internal", e.to_string()))?;
    }
    Ok(())
}

/// Runs one command and returns the exit code.
pub fn execute(db: Option<PathBuf>, command: Command) -> i32 {
    let Some(db) = db.or_else(default_db_path) else {
        eprintln!("rampart: cannot find a data folder for the database; pass --db PATH");
        return 1;
    };
    match run_command(&db, command) {
        Ok(()) => 0,
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            eprintln!("rampart: {}", one_line(&format!("{e:#}")));
            1
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run_command(db: &Path, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import {
            files,
            account,
            region,
        } => import(db, files, ImportOptions { account, region }),
        Command::Demo { end_day, seed } => {
            let mut store = Store::open(db)?;
            let mut spec =
                DemoSpec::new(end_day.unwrap_or_else(|| chrono::Utc::now().date_naive()));
            if let Some(seed) = seed {
                spec.seed = seed;
            }
            let reports = demo::build(&mut store, &spec)?;
            let findings: i64 =
                store
                    .conn()
                    .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))?;
            println!(
                "demo workspace ready: {} files over {} days, {} findings in {}",
                reports.len(),
                spec.days,
                findings,
                db.display()
            );
            Ok(())
        }
        Command::Findings {
            format,
            source,
            status,
            severity,
            account,
            region,
            record_state,
        } => {
            let store = open_existing(db)?;
            let filter = FindingFilter {
                sources: source.into_iter().map(source_of).collect(),
                statuses: status.into_iter().map(status_of).collect(),
                severities: severity.into_iter().map(severity_of).collect(),
                accounts: account,
                regions: region,
                record_state: record_state.map(|r| match r {
                    RecordStateArg::Active => RecordState::Active,
                    RecordStateArg::Archived => RecordState::Archived,
                }),
            };
            print_findings(store.conn(), &filter, format)
        }
        Command::Overview { format } => {
            let store = open_existing(db)?;
            let o = overview::overview(store.conn(), &db.display().to_string())?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                OverviewFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &o)?;
                    writeln!(out)?;
                }
                OverviewFormat::Table => print_overview(&mut out, &o)?,
            }
            out.flush()?;
            Ok(())
        }
    }
}

/// Opens a workspace that must already exist (reading commands never create one).
fn open_existing(db: &Path) -> anyhow::Result<Store> {
    if !db.exists() {
        anyhow::bail!(
            "no workspace at {}: import AWS exports with `rampart import FILE` or build the demo with `rampart demo`",
            db.display()
        );
    }
    Ok(Store::open(db)?)
}

fn import(db: &Path, files: Vec<PathBuf>, options: ImportOptions) -> anyhow::Result<()> {
    let mut inputs = Vec::with_capacity(files.len());
    let mut stdin_used = false;
    for f in &files {
        let label = f.display().to_string();
        if label == "-" {
            if stdin_used {
                anyhow::bail!("'-' (stdin) can be given only once");
            }
            stdin_used = true;
            let reader: Box<dyn Read> = Box::new(io::stdin().lock());
            inputs.push(ImportInput {
                label: "(stdin)".into(),
                reader,
                options: options.clone(),
            });
        } else {
            let file =
                std::fs::File::open(f).map_err(|e| anyhow::anyhow!("{label}: cannot open: {e}"))?;
            if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                anyhow::bail!("{label}: is a folder, not a file");
            }
            inputs.push(ImportInput::new(label, file).with_options(options.clone()));
        }
    }
    let mut store = Store::open(db)?;
    let reports = store.import(inputs, &now_ms)?;
    for r in reports {
        let c = &r.counts;
        println!(
            "{}: {} ({} findings: {} new, {} updated, {} unchanged, {} older than stored)",
            r.label,
            r.shape.as_str(),
            c.findings,
            c.inserted,
            c.updated,
            c.unchanged,
            c.stale
        );
    }
    Ok(())
}

fn source_of(s: SourceArg) -> Source {
    match s {
        SourceArg::Securityhub => Source::Securityhub,
        SourceArg::Inspector => Source::Inspector,
        SourceArg::Config => Source::Config,
    }
}

fn status_of(s: StatusArg) -> Status {
    match s {
        StatusArg::Failed => Status::Failed,
        StatusArg::Passed => Status::Passed,
        StatusArg::Warning => Status::Warning,
        StatusArg::NotAvailable => Status::NotAvailable,
    }
}

fn severity_of(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Informational => Severity::Informational,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

fn print_findings(
    conn: &rampart_core::rusqlite::Connection,
    filter: &FindingFilter,
    format: Format,
) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let io_err = |e: io::Error| {
        rampart_core::StoreError::Sql(rampart_core::rusqlite::Error::ToSqlConversionFailure(
            Box::new(e),
        ))
    };
    match format {
        Format::Json => {
            out.write_all(b"[")?;
            let mut first = true;
            let r = for_each_finding(conn, filter, |row| {
                out.write_all(if first { b"\n  " } else { b",\n  " })
                    .map_err(io_err)?;
                first = false;
                serde_json::to_writer(&mut out, &row).map_err(|e| io_err(e.into()))
            });
            unwrap_io(r)?;
            out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
        }
        Format::Csv => {
            writeln!(out, "{}", CSV_COLUMNS.join(","))?;
            let r = for_each_finding(conn, filter, |row| {
                let line = row
                    .csv_values()
                    .iter()
                    .map(|v| csv_field(v))
                    .collect::<Vec<_>>()
                    .join(",");
                writeln!(out, "{line}").map_err(io_err)
            });
            unwrap_io(r)?;
        }
        Format::Table => {
            writeln!(
                out,
                "{:<13} {:<13} {:<11} {:<12} {:<14} {:<16} TITLE",
                "SEVERITY", "STATUS", "SOURCE", "ACCOUNT", "REGION", "CONTROL"
            )?;
            let r = for_each_finding(conn, filter, |row| {
                let control = row
                    .control
                    .clone()
                    .or(row.config_rule.clone())
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{:<13} {:<13} {:<11} {:<12} {:<14} {:<16} {}",
                    row.severity,
                    format!(
                        "{}{}",
                        row.status,
                        if row.record_state == "archived" {
                            "*"
                        } else {
                            ""
                        }
                    ),
                    row.source,
                    clip(&row.account, 12),
                    clip(&row.region, 14),
                    clip(&control, 16),
                    clip(&row.title, 90)
                )
                .map_err(io_err)
            });
            let n = unwrap_io(r)?;
            writeln!(out, "{n} findings (* archived)")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Turns an I/O error smuggled through the store's error back into an `io::Error`, so a
/// closed pipe ends the command quietly.
fn unwrap_io(r: Result<u64, rampart_core::StoreError>) -> anyhow::Result<u64> {
    match r {
        Ok(n) => Ok(n),
        Err(rampart_core::StoreError::Sql(
            rampart_core::rusqlite::Error::ToSqlConversionFailure(e),
        )) => match e.downcast::<io::Error>() {
            Ok(io) => Err((*io).into()),
            Err(other) => Err(anyhow::anyhow!("{other}")),
        },
        Err(e) => Err(e.into()),
    }
}

/// Strings from AWS are untrusted: no control characters (terminal escapes) reach the
/// terminal, and long values are cut to the column.
fn clip(s: &str, width: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= width {
        clean
    } else {
        let mut t: String = clean.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// RFC 4180 quoting, and a leading `'` on values a spreadsheet would run as a formula.
fn csv_field(v: &str) -> String {
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

fn print_overview(out: &mut impl Write, o: &overview::Overview) -> io::Result<()> {
    let t = &o.totals;
    writeln!(
        out,
        "Workspace  {}{}",
        o.workspace.db_path,
        if o.workspace.is_demo { " (demo)" } else { "" }
    )?;
    writeln!(
        out,
        "Findings   {} ({} active, {} archived)\nActive     {} failed, {} passed, {} warning, {} not available",
        t.findings, t.active, t.archived, t.failed, t.passed, t.warning, t.not_available
    )?;
    writeln!(out, "\nSEVERITY       ACTIVE  FAILED")?;
    for s in &o.by_severity {
        writeln!(
            out,
            "{:<14} {:>6}  {:>6}",
            s.severity.as_str(),
            s.total,
            s.failed
        )?;
    }
    writeln!(out, "\nSOURCE         ACTIVE  FAILED")?;
    for s in &o.by_source {
        writeln!(out, "{:<14} {:>6}  {:>6}", s.key, s.total, s.failed)?;
    }
    writeln!(out, "\nACCOUNT        ACTIVE  FAILED")?;
    for s in &o.by_account {
        writeln!(
            out,
            "{:<14} {:>6}  {:>6}",
            clip(
                if s.key.is_empty() {
                    "(unknown)"
                } else {
                    &s.key
                },
                14
            ),
            s.total,
            s.failed
        )?;
    }
    match &o.last_import {
        Some(i) => writeln!(
            out,
            "\nLast import {} at {} ({}; {} findings: {} new, {} updated) — {} imports in all",
            clip(&i.label, 80),
            i.finished_at,
            i.shape,
            i.findings,
            i.inserted,
            i.updated,
            o.imports
        )?,
        None => writeln!(
            out,
            "\nNo imports yet: run `rampart import FILE` or `rampart demo`."
        )?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn clip_strips_terminal_escapes() {
        assert_eq!(clip("a\u{1b}[31mred", 20), "a [31mred");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
