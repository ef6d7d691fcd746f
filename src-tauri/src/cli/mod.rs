//! The headless command line: `rampart [--db PATH] <command>`. Each command opens the
//! store, calls the core, and prints. Exit codes: 0 ok, 1 failure (one line on stderr),
//! 2 usage error.

mod governance;
mod output;
mod report;
mod sync;

use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use rampart_core::catalog::Catalog;
use rampart_core::demo::{self, DemoSpec};
use rampart_core::import::ImportOptions;
use rampart_core::model::{RecordState, Severity, Source, Status};
use rampart_core::query::findings::{FindingFilter, Page, SortField};
use rampart_core::query::{changes, overview, posture, requirement, sla, trend};
use rampart_core::store::attestations::NewAttestation;
use rampart_core::store::Store;
use rampart_core::time::now_ms;
use rampart_core::ImportInput;
use sha2::{Digest, Sha256};

use crate::workspace::{default_db_path, load_catalog, read_sources};

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
        /// Full-text search over titles, descriptions, resource ids and CVE ids.
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
        /// Order: severity (default), updated, first_seen, title, account, control, status.
        #[arg(long, value_name = "FIELD", default_value = "severity", value_parser = parse_sort)]
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
    /// Counts by severity, status, source and account, and the latest import.
    Overview {
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
    /// Assign the remediation owner of a finding, a control or an account (the most
    /// specific assignment wins); an empty --owner clears it.
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

/// Parses the command line; on failure prints clap's message and returns its exit code
/// (0 for --help/--version, 2 for usage errors).
pub fn parse() -> Result<Args, i32> {
    Args::try_parse().map_err(|e| {
        let _ = e.print();
        e.exit_code()
    })
}

/// Runs one command and returns the exit code.
pub fn execute(db: Option<PathBuf>, catalogs: Vec<PathBuf>, command: Command) -> i32 {
    let Some(db) = db.or_else(default_db_path) else {
        eprintln!("rampart: cannot find a data folder for the database; pass --db PATH");
        return 1;
    };
    match run_command(&db, &catalogs, command) {
        Ok(()) => 0,
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            let text = format!("{e:#}");
            // Catalog errors are one per line (file:line: problem); everything else is one line.
            if text.contains("the catalog has errors") {
                eprintln!("rampart: {text}");
            } else {
                eprintln!("rampart: {}", text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            1
        }
    }
}

/// Opens the workspace for a reading command (which never creates one) and brings its
/// mapping up to date with the catalog.
fn open_mapped(db: &Path, catalog: &Catalog) -> anyhow::Result<Store> {
    if !db.exists() {
        bail!(
            "no workspace at {}: import AWS exports with `rampart import FILE` or build the demo with `rampart demo`",
            db.display()
        );
    }
    let mut store = Store::open(db)?;
    store.ensure_mapped(catalog)?;
    Ok(store)
}

fn end_of_day_ms(d: NaiveDate) -> i64 {
    d.and_hms_milli_opt(23, 59, 59, 999)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(i64::MAX)
}

fn start_of_day_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

fn run_command(db: &Path, extra_catalogs: &[PathBuf], command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import { files, account, region } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            import(
                db,
                &catalog,
                files,
                ImportOptions {
                    account,
                    region,
                    // A file is dated by its own records (re-importing it changes nothing).
                    observed_at: None,
                    conformance_pack: None,
                },
            )
        }
        Command::Demo { end_day, seed } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let mut store = Store::open(db)?;
            let mut spec = DemoSpec::new(end_day.unwrap_or_else(|| chrono::Utc::now().date_naive()));
            if let Some(seed) = seed {
                spec.seed = seed;
            }
            let reports = demo::build(&mut store, &spec)?;
            store.ensure_mapped(&catalog)?;
            let findings: i64 = store
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
            framework,
            requirement,
            unmapped,
            search,
            resource_type,
            min_age,
            max_age,
            sort,
            reverse,
            page,
            page_size,
            overdue,
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            if page == Some(0) || page_size == 0 {
                bail!("--page and --page-size count from 1");
            }
            let now = now_ms();
            let days_ago = |d: u32| now - i64::from(d) * 86_400_000;
            if let Some(fw) = &framework {
                let Some(f) = catalog.framework(fw) else {
                    bail!("unknown framework {fw:?}; known: {}", framework_ids(&catalog));
                };
                if let Some(req) = &requirement {
                    if f.requirements.iter().all(|r| &r.id != req) {
                        bail!("framework {fw} has no requirement {req:?}");
                    }
                }
            }
            let store = open_mapped(db, &catalog)?;
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
                framework,
                requirement,
                unmapped,
                search,
                resource_types: resource_type,
                first_seen_before: min_age.map(days_ago),
                first_seen_after: max_age.map(days_ago),
                overdue_at: overdue.then_some(now),
            };
            let page = page.map(|page| Page { page, size: page_size });
            output::print_findings(store.conn(), &filter, sort, reverse, page, now, format)
        }
        Command::Overview { format } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let store = open_mapped(db, &catalog)?;
            let o = overview::overview(store.conn(), &db.display().to_string())?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &o)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_overview(&mut out, &o)?,
            }
            out.flush()?;
            Ok(())
        }
        Command::Posture { framework, at, format } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            if let Some(fw) = &framework {
                if catalog.framework(fw).is_none() {
                    bail!("unknown framework {fw:?}; known: {}", framework_ids(&catalog));
                }
            }
            let store = open_mapped(db, &catalog)?;
            let p = posture::posture(
                store.conn(),
                &catalog,
                framework.as_deref(),
                at.map(end_of_day_ms),
                now_ms(),
            )?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &p)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_posture(&mut out, &p)?,
            }
            out.flush()?;
            Ok(())
        }
        Command::Trend {
            framework,
            days,
            until,
            weekly,
            format,
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            if let Some(fw) = &framework {
                if catalog.framework(fw).is_none() {
                    bail!("unknown framework {fw:?}; known: {}", framework_ids(&catalog));
                }
            }
            if days == 0 {
                bail!("--days must be at least 1");
            }
            let mut store = open_mapped(db, &catalog)?;
            let today = chrono::Utc::now().date_naive();
            store.refresh_snapshots(&catalog, today)?;
            let to = until.unwrap_or(today).min(today);
            let from = to - chrono::Duration::days(i64::from(days) - 1);
            let t = trend::trend(store.conn(), &catalog, framework.as_deref(), from, to, weekly)?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &t)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_trend(&mut out, &t)?,
            }
            out.flush()?;
            Ok(())
        }
        Command::Changes { since, until, format } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let store = open_mapped(db, &catalog)?;
            let until_ms = until.map(end_of_day_ms).unwrap_or_else(now_ms);
            let since_ms = end_of_day_ms(since);
            if since_ms >= until_ms {
                bail!("--since must be before --until");
            }
            let c = changes::changes(store.conn(), since_ms, until_ms)?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &c)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_changes(&mut out, &c)?,
            }
            out.flush()?;
            Ok(())
        }
        Command::Sla { by_owner: true, format } => governance::sla_by_owner(db, extra_catalogs, format),
        Command::Sla { format, .. } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let store = open_mapped(db, &catalog)?;
            let s = sla::summary(store.conn(), now_ms())?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &s)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_sla(&mut out, &s)?,
            }
            out.flush()?;
            Ok(())
        }
        Command::Requirement { target, format } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let Some((fw, req)) = target.split_once(':') else {
                bail!("{target:?}: expected FRAMEWORK:REQUIREMENT, e.g. hipaa:164.312(b)");
            };
            let store = open_mapped(db, &catalog)?;
            let d = requirement::requirement_detail(store.conn(), &catalog, fw, req, now_ms())?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &d)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_requirement(&mut out, &d)?,
            }
            out.flush()?;
            Ok(())
        }
        Command::Attest {
            target,
            by,
            statement,
            evidence,
            expires,
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let Some((fw, req)) = target.split_once(':') else {
                bail!("{target:?}: expected FRAMEWORK:REQUIREMENT, e.g. hipaa:164.316(b)(1)");
            };
            let Some(f) = catalog.framework(fw) else {
                bail!("unknown framework {fw:?}; known: {}", framework_ids(&catalog));
            };
            let Some(r) = f.requirements.iter().find(|r| r.id == req) else {
                bail!("framework {fw} has no requirement {req:?}");
            };
            if r.attestation.is_none() {
                bail!("{fw}:{req} is judged from AWS findings only; it takes no attestation");
            }
            if by.trim().is_empty() || statement.trim().is_empty() {
                bail!("--by and --statement must not be empty");
            }
            let now = now_ms();
            let expires_at = expires.map(start_of_day_ms);
            if expires_at.is_some_and(|e| e <= now) {
                bail!("--expires must be a future date");
            }
            let evidence = match evidence {
                Some(path) => {
                    let mut file =
                        std::fs::File::open(&path).with_context(|| format!("{}: cannot open", path.display()))?;
                    let mut hasher = Sha256::new();
                    let mut buf = vec![0u8; 1 << 16];
                    loop {
                        let n = file
                            .read(&mut buf)
                            .with_context(|| format!("{}: cannot read", path.display()))?;
                        if n == 0 {
                            break;
                        }
                        hasher.update(&buf[..n]);
                    }
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Some((name, format!("{:x}", hasher.finalize())))
                }
                None => None,
            };
            let mut store = Store::open(db)?;
            let id = store.attest(&NewAttestation {
                framework: fw.to_string(),
                requirement: req.to_string(),
                by,
                statement,
                at: now,
                expires_at,
                evidence: evidence.clone(),
            })?;
            match evidence {
                Some((name, sha)) => {
                    println!("attestation #{id} recorded for {fw}:{req} (evidence {name}, sha256 {sha})")
                }
                None => println!("attestation #{id} recorded for {fw}:{req}"),
            }
            Ok(())
        }
        Command::Report {
            format,
            out,
            framework,
            from,
            to,
        } => report::run(
            db,
            extra_catalogs,
            report::ReportArgs {
                format,
                out,
                framework,
                from,
                to,
            },
        ),
        Command::Sync(a) => sync::run(db, extra_catalogs, a),
        Command::Accept(a) => governance::accept(db, extra_catalogs, a),
        Command::Assign(a) => governance::assign(db, a),
        Command::Revoke { id, by, reason } => governance::revoke(db, id, &by, &reason),
        Command::Exceptions { expiring, format } => governance::exceptions(db, extra_catalogs, expiring, format),
        Command::Audit { command, limit, format } => governance::audit(db, command, limit, format),
        Command::Settings { command, format } => governance::settings(db, command, format),
        Command::Catalog {
            command: CatalogCommand::Check { files },
        } => {
            let sources = read_sources(&files)?;
            let catalog =
                Catalog::with_user_files(&sources).map_err(|e| anyhow::anyhow!("the catalog has errors:\n{e}"))?;
            let s = catalog.stats();
            println!(
                "ok: {} file(s) valid; the catalog now has {} frameworks, {} controls",
                files.len(),
                catalog.frameworks.len(),
                s.controls
            );
            Ok(())
        }
        Command::Catalog {
            command: CatalogCommand::Stats { format },
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let s = catalog.stats();
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                TextFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &s)?;
                    writeln!(out)?;
                }
                TextFormat::Table => output::print_stats(&mut out, &s)?,
            }
            out.flush()?;
            Ok(())
        }
    }
}

fn parse_sort(s: &str) -> Result<SortField, String> {
    SortField::parse(s).ok_or_else(|| {
        format!("unknown sort field {s:?}: use severity, updated, first_seen, title, account, control or status")
    })
}

fn framework_ids(c: &Catalog) -> String {
    c.frameworks
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn import(db: &Path, catalog: &Catalog, files: Vec<PathBuf>, options: ImportOptions) -> anyhow::Result<()> {
    let mut inputs = Vec::with_capacity(files.len());
    let mut stdin_used = false;
    for f in &files {
        let label = f.display().to_string();
        if label == "-" {
            if stdin_used {
                bail!("'-' (stdin) can be given only once");
            }
            stdin_used = true;
            let reader: Box<dyn Read> = Box::new(io::stdin().lock());
            inputs.push(ImportInput {
                label: "(stdin)".into(),
                reader,
                options: options.clone(),
            });
        } else {
            let file = std::fs::File::open(f).map_err(|e| anyhow::anyhow!("{label}: cannot open: {e}"))?;
            if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                bail!("{label}: is a folder, not a file");
            }
            inputs.push(ImportInput::new(label, file).with_options(options.clone()));
        }
    }
    let mut store = Store::open(db)?;
    let reports = store.import_mapped(inputs, &now_ms, catalog)?;
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
