//! `rampart report`: the executive summary or a framework report as PDF, its data as JSON,
//! or the findings as CSV — the window's exports, planned and written by
//! [`crate::export`].

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rampart_core::query::findings::FindingsQuery;
use rampart_core::time::now_ms;

use super::run::open_mapped;
use crate::export::{self, ExportFormat, ExportKind, ExportRequest};
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
    pub ou: Vec<String>,
}

pub fn run(db: &Path, extra: &[PathBuf], a: ReportArgs) -> anyhow::Result<()> {
    let catalog = load_catalog(db, extra)?;
    let (what, format) = match a.format {
        ReportFormat::Pdf => (ExportKind::Report, ExportFormat::Pdf),
        ReportFormat::Json => (ExportKind::Report, ExportFormat::Json),
        ReportFormat::Csv => (ExportKind::Findings, ExportFormat::Csv),
    };
    let request = ExportRequest {
        what,
        format,
        framework: a.framework.clone(),
        from: a.from.map(|d| d.to_string()),
        to: a.to.map(|d| d.to_string()),
        query: Some(FindingsQuery {
            framework: a.framework.clone(),
            units: a.ou.clone(),
            ..FindingsQuery::default()
        }),
        // A CSV follows its query's units; a PDF or JSON report is the OUs' summary.
        units: (what == ExportKind::Report).then(|| a.ou.clone()),
    };
    let plan = export::plan(&catalog, &request, now_ms())?;
    let mut store = open_mapped(db, &catalog)?;
    rampart_core::store::accounts::check_units(store.conn(), "ou", &a.ou)?;
    let bytes = export::bytes(&mut store, &catalog, &plan)?;
    export::write_whole(&a.out, &bytes)?;
    println!("{}: {} bytes written", a.out.display(), bytes.len());
    Ok(())
}
