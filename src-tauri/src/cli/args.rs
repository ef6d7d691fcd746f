//! The command line's grammar: every command, flag and value (clap). Parsing only: what a
//! command does is in `run.rs`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use rampart_core::model::{RecordState, Severity, Source, Status};
use rampart_core::query::findings::SortField;

use super::{governance, report, sync};

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
    /// Extra catalog file (custom frameworks or mappings), on top of the built-in catalog
    /// and the files in `<db folder>/catalog/`. May be repeated.
    #[arg(long = "catalog", global = true, value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
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
        /// Import into the demo workspace anyway, mixing real findings with its made-up ones.
        #[arg(long)]
        into_demo: bool,
    },
    /// Build the bundled demo workspace (180 days, several accounts) in an empty database.
    Demo {
        /// Last day of the demo period, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        end_day: Option<NaiveDate>,
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
        /// Only accounts in this organizational unit or in one below it (an id such as
        /// ou-ab12-34cd5678 or the root's r-ab12, as `rampart overview` lists them).
        #[arg(long, value_name = "OU_ID")]
        ou: Vec<String>,
        #[arg(long)]
        region: Vec<String>,
        /// Only active or only archived findings (default: both).
        #[arg(long, value_enum)]
        record_state: Option<RecordStateArg>,
        /// Only findings mapped to this framework (api12, gdpr, hipaa, or a custom one).
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        /// Only findings mapped to this requirement (needs --framework), e.g. 164.312(b).
        #[arg(long, value_name = "ID", requires = "framework")]
        requirement: Option<String>,
        /// Only findings that no catalog rule maps to any requirement.
        #[arg(long, conflicts_with_all = ["framework", "requirement"])]
        unmapped: bool,
        /// Full-text search over titles, descriptions, resource ids and CVE ids; one word
        /// also finds the finding whose id is or starts with it.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only findings with a resource of this type (e.g. AwsS3Bucket, AWS_EC2_INSTANCE).
        #[arg(long, value_name = "TYPE")]
        resource_type: Vec<String>,
        /// Only findings first seen at least this many days ago.
        #[arg(long, value_name = "DAYS")]
        min_age: Option<u32>,
        /// Only findings first seen at most this many days ago.
        #[arg(long, value_name = "DAYS")]
        max_age: Option<u32>,
        /// Only findings whose remediation owner in force is this one (repeatable; as
        /// `rampart sla --by-owner` lists them).
        #[arg(long, value_name = "NAME")]
        owner: Vec<String>,
        /// Only findings no owner assignment covers (with --owner: those too).
        #[arg(long)]
        unowned: bool,
        /// Only the failing findings risk acceptance ID covers now (`rampart exceptions`).
        #[arg(long, value_name = "ID")]
        acceptance: Option<i64>,
        /// Order: severity (default), updated, first_seen, title, account, control, status,
        /// due (the remediation deadline, the most overdue first).
        #[arg(long, value_name = "FIELD", default_value = "severity", value_parser = |s: &str| SortField::named(s).map_err(|e| e.message))]
        sort: SortField,
        /// Reverse the order.
        #[arg(long)]
        reverse: bool,
        /// Print only this page (from 1) of --page-size findings.
        #[arg(long, value_name = "N")]
        page: Option<u32>,
        #[arg(long, value_name = "N", default_value_t = 50)]
        page_size: u32,
        /// Only failing findings past their SLA deadline (days per severity: `rampart sla`).
        #[arg(long)]
        overdue: bool,
    },
    /// Remediation deadlines: open and overdue findings and mean time to remediate, per severity.
    Sla {
        /// Per remediation owner instead (see `rampart assign`): open, overdue and accepted.
        #[arg(long)]
        by_owner: bool,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// Counts by severity, status, source, account and organizational unit, and the latest import.
    Overview {
        /// Only the accounts in this organizational unit and the OUs below it (repeatable).
        #[arg(long, value_name = "OU_ID")]
        ou: Vec<String>,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// Status of every requirement, framework scores and control scores, now or as of a day.
    Posture {
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        /// Posture at the end of this day (UTC), from the history: YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        at: Option<NaiveDate>,
        /// Only the accounts in this organizational unit and the OUs below it (repeatable).
        #[arg(long, value_name = "OU_ID")]
        ou: Vec<String>,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// Each framework's score and failing requirements per day over a period (from the
    /// daily snapshots, carried forward over days without imports).
    Trend {
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        /// How many days, ending with --until (inclusive).
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Last day of the period, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        until: Option<NaiveDate>,
        /// One point per week (the week's last day) instead of per day.
        #[arg(long)]
        weekly: bool,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// Findings that are new, fixed or regressed between two days.
    Changes {
        /// Start of the window: changes after the end of this day (UTC), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        since: NaiveDate,
        /// End of the window, inclusive (default: now).
        #[arg(long, value_name = "DATE")]
        until: Option<NaiveDate>,
        /// Only the accounts in this organizational unit and the OUs below it (repeatable).
        #[arg(long, value_name = "OU_ID")]
        ou: Vec<String>,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// One requirement in depth: summary, evidence rules, controls with remediation and
    /// their failing findings, attestations.
    Requirement {
        /// FRAMEWORK:REQUIREMENT, e.g. hipaa:164.312(b).
        #[arg(value_name = "FRAMEWORK:REQUIREMENT")]
        target: String,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// Record an attestation for a requirement that AWS findings cannot judge.
    Attest {
        /// FRAMEWORK:REQUIREMENT, e.g. hipaa:164.316(b)(1) or api12:API-6.
        #[arg(value_name = "FRAMEWORK:REQUIREMENT")]
        target: String,
        /// Who attests.
        #[arg(long)]
        by: String,
        /// What is attested.
        #[arg(long)]
        statement: String,
        /// A supporting document: its name and SHA-256 are recorded (not the file).
        #[arg(long, value_name = "FILE")]
        evidence: Option<PathBuf>,
        /// The attestation lapses at the start of this day (UTC), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        expires: Option<NaiveDate>,
    },
    /// Accept a risk: the failing findings it covers stop failing their requirements
    /// until it expires or is revoked.
    Accept(governance::AcceptArgs),
    /// Assign the remediation owner of a finding, a control, an account or an
    /// organizational unit (the most specific assignment wins); an empty --owner clears it.
    Assign(governance::AssignArgs),
    /// Revoke a risk acceptance: it stops applying at once.
    Revoke {
        /// The acceptance's id (as `rampart exceptions` lists it).
        id: i64,
        /// Who revokes it.
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Risk acceptances with their status, expiry and the failing findings they cover.
    Exceptions {
        /// Only active acceptances that expire within this many days.
        #[arg(long, value_name = "DAYS")]
        expiring: Option<u32>,
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
    /// The audit log (newest first), or `audit verify` to check it has not been tampered with.
    Audit {
        #[command(subcommand)]
        command: Option<governance::AuditCommand>,
        /// How many entries to list.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = TextFormat::Table, global = true)]
        format: TextFormat,
    },
    /// Show the workspace settings, or `settings set` to change them.
    Settings {
        #[command(subcommand)]
        command: Option<governance::SettingsCommand>,
        #[arg(long, value_enum, default_value_t = TextFormat::Table, global = true)]
        format: TextFormat,
    },
    /// Pull findings from AWS: Security Hub, Inspector and Config, incrementally, with the
    /// standard credentials chain. Ctrl-C cancels; the next run resumes.
    Sync(sync::SyncArgs),
    /// Write a report: the executive summary (or, with --framework, that framework's
    /// report) as PDF, its data as JSON, or the findings as CSV.
    Report {
        #[arg(long, value_enum)]
        format: report::ReportFormat,
        /// The file to write (replaced whole, never left half-written).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        /// First day of the period (default: 29 days before --to), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Last day of the period (default: today, UTC), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        /// The executive summary (or the CSV of findings) of the accounts in this
        /// organizational unit and the OUs below it only (repeatable).
        #[arg(long, value_name = "OU_ID")]
        ou: Vec<String>,
    },
    /// Inspect and validate the compliance catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum CatalogCommand {
    /// Validate catalog files (custom frameworks or mappings) against the built-in catalog.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Add a catalog file to the workspace's `catalog/` folder: checked with the files in
    /// force first, then copied, the findings mapped again and the change audited.
    Add {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Who changes the catalog (recorded in the audit log).
        #[arg(long)]
        by: String,
    },
    /// Remove a file (by its name) from the workspace's `catalog/` folder, if the catalog
    /// stays valid without it; the findings are mapped again and the change audited.
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
        /// Who changes the catalog (recorded in the audit log).
        #[arg(long)]
        by: String,
    },
    /// Coverage: controls mapped per framework, requirements, manual requirements.
    Stats {
        #[arg(long, value_enum, default_value_t = TextFormat::Table)]
        format: TextFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFormat {
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

impl From<SourceArg> for Source {
    fn from(s: SourceArg) -> Source {
        match s {
            SourceArg::Securityhub => Source::Securityhub,
            SourceArg::Inspector => Source::Inspector,
            SourceArg::Config => Source::Config,
        }
    }
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Status {
        match s {
            StatusArg::Failed => Status::Failed,
            StatusArg::Passed => Status::Passed,
            StatusArg::Warning => Status::Warning,
            StatusArg::NotAvailable => Status::NotAvailable,
        }
    }
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Informational => Severity::Informational,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

impl From<RecordStateArg> for RecordState {
    fn from(r: RecordStateArg) -> RecordState {
        match r {
            RecordStateArg::Active => RecordState::Active,
            RecordStateArg::Archived => RecordState::Archived,
        }
    }
}
