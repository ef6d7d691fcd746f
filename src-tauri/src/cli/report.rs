//! `rampart report`: the executive summary or a framework report as PDF, its data as JSON,
//! or the findings as CSV — written to a file, never half: a temporary file in the same
//! folder is renamed into place once complete.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::ValueEnum;
use rampart_core::query::findings::{FindingFilter, SortField};
use rampart_core::query::report::{self, Period};
use rampart_core::time::now_ms;
use rampart_report::Kind;

use super::output::write_findings;
use super::{framework_ids, open_mapped, Format};
use crate::workspace::load_catalog;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// The executive summary, or with --framework the framework report.
    Pdf,
    /// The findings (with --framework, those mapped to it); columns as `findings --format csv`.
    Csv,
    /// The report's data: exactly what the PDF shows (scores, trend, changes, risks…).
    Json,
}

pub struct ReportArgs {
    pub format: ReportFormat,
    pub out: PathBuf,
    pub framework: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub fn run(db: &Path, extra: &[PathBuf], a: ReportArgs) -> anyhow::Result<()> {
    let catalog = load_catalog(db, extra)?;
    if let Some(fw) = &a.framework {
        if catalog.framework(fw).is_none() {
            bail!("unknown framework {fw:?}; known: {}", framework_ids(&catalog));
        }
    }
    let today = chrono::Utc::now().date_naive();
    let to = a.to.unwrap_or(today).min(today);
    let from = a.from.unwrap_or(to - chrono::Duration::days(29));
    if from > to {
        bail!("--from ({from}) is after --to ({to})");
    }
    let mut store = open_mapped(db, &catalog)?;
    store.refresh_snapshots(&catalog, today)?;
    let period = Period {
        from,
        to,
        now: now_ms(),
    };
    let workspace = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| db.display().to_string());
    let conn = store.conn();
    let bytes: Vec<u8> = match (a.format, &a.framework) {
        (ReportFormat::Csv, fw) => {
            let filter = FindingFilter {
                framework: fw.clone(),
                ..Default::default()
            };
            let mut buf = Vec::new();
            write_findings(
                BufWriter::new(&mut buf),
                conn,
                &filter,
                (SortField::Severity, false, None),
                period.now,
                Format::Csv,
            )?;
            buf
        }
        (format, None) => {
            let model = report::executive(conn, &catalog, &workspace, &period)?;
            match format {
                ReportFormat::Pdf => rampart_report::render(Kind::Executive, &model)?,
                _ => serde_json::to_vec_pretty(&model)?,
            }
        }
        (format, Some(fw)) => {
            let model = report::framework(conn, &catalog, &workspace, fw, &period)?
                .with_context(|| format!("unknown framework {fw:?}"))?;
            match format {
                ReportFormat::Pdf => rampart_report::render(Kind::Framework, &model)?,
                _ => serde_json::to_vec_pretty(&model)?,
            }
        }
    };
    write_whole(&a.out, &bytes)?;
    println!("{}: {} bytes written", a.out.display(), bytes.len());
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
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
