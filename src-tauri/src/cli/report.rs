//! `rampart report`: the executive summary or a framework report as PDF, its data as JSON,
//! or the findings as CSV (see [`crate::export`]).

use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::NaiveDate;
use rampart_core::query::findings::{FindingFilter, SortField};
use rampart_core::time::now_ms;

use super::{framework_ids, open_mapped};
use crate::export::{self, ExportFormat};
use crate::workspace::load_catalog;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
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
    let period = export::period(a.from, a.to, now_ms())?;
    let mut store = open_mapped(db, &catalog)?;
    let bytes = match a.format {
        ReportFormat::Csv => {
            let filter = FindingFilter {
                framework: a.framework.clone(),
                ..Default::default()
            };
            export::findings_bytes(
                store.conn(),
                &filter,
                (SortField::Severity, false),
                period.now,
                ExportFormat::Csv,
            )?
        }
        format => {
            let workspace = db
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| db.display().to_string());
            let format = if format == ReportFormat::Pdf {
                ExportFormat::Pdf
            } else {
                ExportFormat::Json
            };
            export::report_bytes(
                &mut store,
                &catalog,
                &workspace,
                format,
                a.framework.as_deref(),
                &period,
            )?
        }
    };
    export::write_whole(&a.out, &bytes)?;
    println!("{}: {} bytes written", a.out.display(), bytes.len());
    Ok(())
}
