//! What each command does: open the workspace, call the core once, print the answer as
//! a table or JSON ([`print_as`]). Checks of what was asked live in the core, shared with
//! the window.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::bail;
use rampart_core::catalog::Catalog;
use rampart_core::demo::{self, DemoSpec};
use rampart_core::import::ImportOptions;
use rampart_core::query::findings::{FindingFilter, Page};
use rampart_core::query::{changes, overview, posture, requirement, sla, trend};
use rampart_core::store::attestations::{evidence_of, NewAttestation};
use rampart_core::store::Store;
use rampart_core::text;
use rampart_core::time::{days_ms, end_of_day_ms, now_ms};
use rampart_core::ImportInput;

use super::args::{CatalogCommand, Command};
use super::output::{self, print_as};
use super::{governance, report, sync};
use crate::workspace::{self, load_catalog, read_sources};

/// Opens the workspace for a reading command (which never creates one) and brings its
/// mapping up to date with the catalog.
pub(super) fn open_mapped(db: &Path, catalog: &Catalog) -> anyhow::Result<Store> {
    if !db.exists() {
        bail!(
            "no workspace at {}: import AWS exports with `rampart import FILE` or build the demo with `rampart demo`",
            db.display()
        );
    }
    let mut store = Store::open_existing(db)?;
    store.ensure_mapped(catalog)?;
    Ok(store)
}

/// The catalog of the workspace and the workspace, mapped with it: what reading commands need.
pub(super) fn open_read(db: &Path, extra: &[PathBuf]) -> anyhow::Result<(Catalog, Store)> {
    let catalog = load_catalog(db, extra)?;
    let store = open_mapped(db, &catalog)?;
    Ok((catalog, store))
}

pub(super) fn run_command(db: &Path, extra_catalogs: &[PathBuf], command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import {
            files,
            account,
            region,
            into_demo,
        } => {
            refuse_demo(db, "an import", into_demo)?;
            let catalog = load_catalog(db, extra_catalogs)?;
            let options = ImportOptions {
                account,
                region,
                // A file is dated by its own records (re-importing it changes nothing).
                observed_at: None,
                conformance_pack: None,
            };
            import(db, &catalog, files, options)
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
            ou,
            region,
            record_state,
            framework,
            requirement,
            unmapped,
            search,
            resource_type,
            min_age,
            max_age,
            owner,
            unowned,
            acceptance,
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
            match (&framework, &requirement) {
                (Some(fw), Some(req)) => {
                    catalog.find_requirement(fw, req)?;
                }
                (Some(fw), None) => {
                    catalog.find_framework(fw)?;
                }
                _ => {}
            }
            let store = open_mapped(db, &catalog)?;
            rampart_core::store::accounts::check_units(store.conn(), "ou", &ou)?;
            let now = now_ms();
            let days_ago = |d: u32| now - days_ms(d);
            let filter = FindingFilter {
                sources: source.into_iter().map(Into::into).collect(),
                statuses: status.into_iter().map(Into::into).collect(),
                severities: severity.into_iter().map(Into::into).collect(),
                accounts: account,
                units: ou,
                regions: region,
                record_state: record_state.map(Into::into),
                framework,
                requirement,
                unmapped,
                search,
                resource_types: resource_type,
                first_seen_before: min_age.map(days_ago),
                first_seen_after: max_age.map(days_ago),
                overdue_at: overdue.then_some(now),
                owners: owner
                    .into_iter()
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
                unowned,
                covered_by: acceptance.map(|id| (id, now)),
            };
            let page = page.map(|page| Page { page, size: page_size });
            output::print_findings(store.conn(), &filter, sort, reverse, page, now, format)
        }
        Command::Overview { ou, format } => {
            let (_, store) = open_read(db, extra_catalogs)?;
            rampart_core::store::accounts::check_units(store.conn(), "ou", &ou)?;
            let o = overview::overview_of(store.conn(), &db.display().to_string(), &ou)?;
            print_as(format, &o, output::print_overview)
        }
        Command::Posture {
            framework,
            at,
            ou,
            format,
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            if let Some(fw) = &framework {
                catalog.find_framework(fw)?;
            }
            let store = open_mapped(db, &catalog)?;
            rampart_core::store::accounts::check_units(store.conn(), "ou", &ou)?;
            let at = at.map(end_of_day_ms);
            let scope = posture::Scope { units: &ou };
            let p = posture::posture_of(store.conn(), &catalog, framework.as_deref(), at, now_ms(), scope)?;
            print_as(format, &p, output::print_posture)
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
                catalog.find_framework(fw)?;
            }
            let today = chrono::Utc::now().date_naive();
            let (from, to) = trend::window(days, until, today)?;
            let mut store = open_mapped(db, &catalog)?;
            store.refresh_snapshots(&catalog, today)?;
            let t = trend::trend(store.conn(), &catalog, framework.as_deref(), from, to, weekly)?;
            print_as(format, &t, output::print_trend)
        }
        Command::Changes {
            since,
            until,
            ou,
            format,
        } => {
            let (_, store) = open_read(db, extra_catalogs)?;
            rampart_core::store::accounts::check_units(store.conn(), "ou", &ou)?;
            let (since_ms, until_ms) = changes::window(since, until, now_ms())?;
            let c = changes::changes_of(store.conn(), since_ms, until_ms, &ou)?;
            print_as(format, &c, output::print_changes)
        }
        Command::Sla { by_owner: true, format } => {
            let (_, store) = open_read(db, extra_catalogs)?;
            let rows = sla::by_owner(store.conn(), now_ms())?;
            print_as(format, &rows, |out, rows| governance::print_owner_sla(out, rows))
        }
        Command::Sla { format, .. } => {
            let (_, store) = open_read(db, extra_catalogs)?;
            let s = sla::summary(store.conn(), now_ms())?;
            print_as(format, &s, output::print_sla)
        }
        Command::Requirement { target, format } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let (fw, req) = catalog.find_target(&target)?;
            let (fw, req) = (fw.id.clone(), req.id.clone());
            let store = open_mapped(db, &catalog)?;
            let d = requirement::requirement_detail(store.conn(), &catalog, &fw, &req, now_ms())?;
            print_as(format, &d, output::print_requirement)
        }
        Command::Attest {
            target,
            by,
            statement,
            evidence,
            expires,
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            let (fw, req) = catalog.find_target(&target)?;
            let evidence = evidence.as_deref().map(evidence_of).transpose()?;
            let a = NewAttestation::checked(&catalog, &fw.id, &req.id, &by, &statement, expires, evidence, now_ms())?;
            let id = Store::open(db)?.attest(&a)?;
            match &a.evidence {
                Some((name, sha)) => println!(
                    "attestation #{id} recorded for {}:{} (evidence {}, sha256 {sha})",
                    a.framework,
                    a.requirement,
                    text::display(name)
                ),
                None => println!("attestation #{id} recorded for {}:{}", a.framework, a.requirement),
            }
            Ok(())
        }
        Command::Report {
            format,
            out,
            framework,
            from,
            to,
            ou,
        } => report::run(
            db,
            extra_catalogs,
            report::ReportArgs {
                format,
                out,
                framework,
                from,
                to,
                ou,
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
            let catalog = workspace::catalog_from(&read_sources(&files)?)?;
            println!(
                "ok: {} file(s) valid; the catalog now has {} frameworks, {} controls",
                files.len(),
                catalog.frameworks.len(),
                catalog.stats().controls
            );
            Ok(())
        }
        Command::Catalog {
            command: CatalogCommand::Add { file, by },
        } => {
            let (name, catalog) = workspace::add_catalog_file(db, extra_catalogs, &file, &by, now_ms())?;
            println!(
                "{} added to {}; the catalog now has {} frameworks, {} controls",
                text::display(&name),
                workspace::user_catalog_dir(db).display(),
                catalog.frameworks.len(),
                catalog.stats().controls
            );
            Ok(())
        }
        Command::Catalog {
            command: CatalogCommand::Remove { name, by },
        } => {
            let catalog = workspace::remove_catalog_file(db, extra_catalogs, &name, &by, now_ms())?;
            println!(
                "{} removed; the catalog now has {} frameworks, {} controls",
                text::display(&name),
                catalog.frameworks.len(),
                catalog.stats().controls
            );
            Ok(())
        }
        Command::Catalog {
            command: CatalogCommand::Stats { format },
        } => {
            let catalog = load_catalog(db, extra_catalogs)?;
            // With a workspace, coverage against the controls it actually holds too.
            let workspace = match db.exists() {
                true => {
                    let store = open_mapped(db, &catalog)?;
                    Some(rampart_core::query::coverage::controls_seen(store.conn(), &catalog)?)
                }
                false => None,
            };
            let report = output::CatalogStats {
                stats: catalog.stats(),
                workspace,
            };
            print_as(format, &report, output::print_stats)
        }
    }
}

/// Refuses to add real findings to the demo workspace unless asked to (`--into-demo`): its
/// accounts and findings are made up, and one posture would mix the two. `what` is what
/// would add them ("an import", "a sync").
pub(crate) fn refuse_demo(db: &Path, what: &str, into_demo: bool) -> anyhow::Result<()> {
    if into_demo || !db.exists() {
        return Ok(());
    }
    // Opened as the import or sync itself opens it (an older schema is brought up to date).
    let store = Store::open(db)?;
    if rampart_core::store::is_demo(store.conn())? {
        bail!(
            "{} is the demo workspace: its accounts and findings are made up, and {what} would mix real findings \
             into them. Use a workspace of your own (--db PATH; a new file is created), or pass --into-demo to add \
             them anyway",
            db.display()
        );
    }
    Ok(())
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
        let future = match c.future {
            0 => String::new(),
            n => format!(
                ", {n} not applied: dated more than {} h in the future",
                rampart_core::limits::FUTURE_ALLOWANCE_MS / 3_600_000
            ),
        };
        let lenient = match c.lenient {
            0 => String::new(),
            n => format!(", {n} read leniently: a value outside the documented ones, read as the nearest"),
        };
        println!(
            "{}: {} ({} findings: {} new, {} updated, {} unchanged, {} older than stored{future}{lenient})",
            rampart_core::text::display(&r.label),
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
