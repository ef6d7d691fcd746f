//! Governance commands: `accept`, `revoke`, `exceptions`, `assign`, `sla --by-owner`,
//! `audit [verify]`, `settings [set]`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::NaiveDate;
use clap::{Args as ClapArgs, Subcommand};
use rampart_core::query::sla::OwnerSla;
use rampart_core::store::acceptances::{self, NewAcceptance, Scope};
use rampart_core::store::audit;
use rampart_core::store::owners::OwnerScope;
use rampart_core::store::settings::{self, Settings, SlaDays, SyncDefaults};
use rampart_core::store::Store;
use rampart_core::time::{now_ms, start_of_day_ms};

use super::args::TextFormat;
use super::output::{clip, print_as, Stdout};
use super::run::{open_mapped, open_read};
use crate::workspace::load_catalog;

/// What `rampart accept` covers: exactly one of these.
#[derive(ClapArgs, Debug)]
#[group(required = true, multiple = false)]
pub struct AcceptTarget {
    /// One finding, by its id (as `rampart findings` shows it).
    #[arg(long, value_name = "ID")]
    pub finding: Option<String>,
    /// Every finding of a Security Hub control, e.g. S3.5.
    #[arg(long, value_name = "ID")]
    pub control: Option<String>,
    /// Every finding mapped to a requirement, as FRAMEWORK:REQUIREMENT.
    #[arg(long, value_name = "FRAMEWORK:REQUIREMENT")]
    pub requirement: Option<String>,
}

#[derive(ClapArgs, Debug)]
pub struct AcceptArgs {
    #[command(flatten)]
    pub target: AcceptTarget,
    /// Only findings in this account (repeatable; default: every account).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Vec<String>,
    /// Only findings on this resource id (repeatable; default: every resource).
    #[arg(long, value_name = "RESOURCE")]
    pub resource: Vec<String>,
    /// Why the risk is accepted.
    #[arg(long)]
    pub reason: String,
    /// Who owns the risk and its eventual fix.
    #[arg(long)]
    pub owner: String,
    /// Who approved the acceptance (recorded as the author in the audit log).
    #[arg(long)]
    pub approver: String,
    /// The acceptance lapses at the start of this day (UTC), YYYY-MM-DD. Required; at most
    /// `max_acceptance_days` away (see `rampart settings`).
    #[arg(long, value_name = "DATE")]
    pub expires: NaiveDate,
    /// This acceptance renews acceptance no. ID (same scope; not revoked): the two are linked.
    #[arg(long, value_name = "ID")]
    pub renews: Option<i64>,
}

/// What `rampart assign` covers: exactly one of these.
#[derive(ClapArgs, Debug)]
#[group(required = true, multiple = false)]
pub struct AssignTarget {
    #[arg(long, value_name = "ID")]
    pub finding: Option<String>,
    #[arg(long, value_name = "ID")]
    pub control: Option<String>,
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// An organizational unit (its id, as `rampart overview` lists them): the accounts in
    /// it and in the OUs below it that no account assignment covers.
    #[arg(long, value_name = "OU_ID")]
    pub ou: Option<String>,
}

#[derive(ClapArgs, Debug)]
pub struct AssignArgs {
    #[command(flatten)]
    pub target: AssignTarget,
    /// The owner (a person or team); empty to clear.
    #[arg(long)]
    pub owner: String,
    /// Who makes the assignment.
    #[arg(long)]
    pub by: String,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the hash chain and compare every audited record with its entry; exit 1
    /// naming each entry that was edited or deleted.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum SettingsCommand {
    /// Change settings (each change is written to the audit log).
    Set {
        /// Days to fix a failing finding, per severity.
        #[arg(long, value_name = "DAYS")]
        sla_critical: Option<u32>,
        #[arg(long, value_name = "DAYS")]
        sla_high: Option<u32>,
        #[arg(long, value_name = "DAYS")]
        sla_medium: Option<u32>,
        #[arg(long, value_name = "DAYS")]
        sla_low: Option<u32>,
        /// The longest a risk acceptance may run.
        #[arg(long, value_name = "DAYS")]
        max_acceptance_days: Option<u32>,
        /// The AWS profile `rampart sync` (and the window's Sync form) uses when not told.
        /// Repeat for several accounts; replaces the saved list.
        #[arg(long = "sync-profile", value_name = "NAME")]
        sync_profiles: Vec<String>,
        /// The Regions a sync reads when not told. Repeat for several; replaces the saved list.
        #[arg(long = "sync-region", value_name = "REGION")]
        sync_regions: Vec<String>,
        /// The sources a sync reads when not told (securityhub, inspector, config).
        #[arg(long = "sync-source", value_name = "SOURCE")]
        sync_sources: Vec<String>,
        /// Forget the saved sync profiles, Regions and sources (the standard choice again).
        #[arg(long, conflicts_with_all = ["sync_profiles", "sync_regions", "sync_sources"])]
        clear_sync: bool,
        /// Who makes the change.
        #[arg(long)]
        by: String,
    },
}

pub fn accept(db: &Path, extra: &[PathBuf], a: AcceptArgs) -> anyhow::Result<()> {
    let catalog = load_catalog(db, extra)?;
    let mut store = open_mapped(db, &catalog)?;
    let scope = match (a.target.finding, a.target.control, a.target.requirement) {
        (Some(f), _, _) => Scope::Finding(f),
        (_, Some(c), _) => Scope::Control(c),
        (_, _, Some(r)) => Scope::Requirement(r),
        _ => bail!("give one of --finding, --control or --requirement"),
    };
    let now = now_ms();
    let new = NewAcceptance {
        scope,
        accounts: a.account,
        resources: a.resource,
        reason: a.reason,
        owner: a.owner,
        approver: a.approver.clone(),
        expires_at: start_of_day_ms(a.expires),
        renews: a.renews,
    };
    let id = store.accept(&catalog, &new, &a.approver, now)?;
    let listed = acceptances::list(store.conn(), now, None)?;
    let covers = listed.iter().find(|x| x.id == id).map_or(0, |x| x.covers);
    println!(
        "acceptance {id} recorded: {} until {} (owner {}, approved by {}); it covers {covers} failing finding(s) now",
        describe(&new.scope),
        a.expires,
        clip(&new.owner, 80),
        clip(&new.approver, 80)
    );
    Ok(())
}

fn describe(s: &Scope) -> String {
    match s {
        Scope::Finding(f) => format!("finding {}", clip(f, 200)),
        Scope::Control(c) => format!("control {}", clip(c, 40)),
        Scope::Requirement(r) => format!("requirement {}", clip(r, 80)),
    }
}

pub fn assign(db: &Path, a: AssignArgs) -> anyhow::Result<()> {
    if !db.exists() {
        bail!("no workspace at {}", db.display());
    }
    let t = a.target;
    let (scope, target) = match (t.finding, t.control, t.account, t.ou) {
        (Some(f), ..) => (OwnerScope::Finding, f),
        (_, Some(c), ..) => (OwnerScope::Control, c),
        (_, _, Some(acct), _) => (OwnerScope::Account, acct),
        (.., Some(ou)) => (OwnerScope::Unit, ou),
        _ => bail!("give one of --finding, --control, --account or --ou"),
    };
    let mut store = Store::open(db)?;
    store.assign_owner(scope, &target, &a.owner, &a.by, now_ms())?;
    if a.owner.trim().is_empty() {
        println!("{} {}: owner cleared", scope.as_str(), clip(&target, 200));
    } else {
        println!(
            "{} {}: owner {}",
            scope.as_str(),
            clip(&target, 200),
            clip(a.owner.trim(), 80)
        );
    }
    Ok(())
}

/// The table of `rampart sla --by-owner`.
pub fn print_owner_sla(out: &mut Stdout, rows: &[OwnerSla]) -> io::Result<()> {
    writeln!(
        out,
        "{:<24}  {:>6}  {:>8}  {:>8}  {:<10}  MOST OVERDUE",
        "OWNER", "OPEN", "OVERDUE", "ACCEPTED", "NEXT DUE"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<24}  {:>6}  {:>8}  {:>8}  {:<10}  {}",
            r.owner.as_deref().map_or("(no owner)".to_string(), |o| clip(o, 24)),
            r.open,
            r.overdue,
            r.accepted,
            r.next_due.as_deref().map_or("-", |d| &d[..10]),
            r.most_overdue_days.map_or("-".to_string(), |d| format!("{d} days"))
        )?;
    }
    Ok(())
}

pub fn revoke(db: &Path, id: i64, by: &str, reason: &str) -> anyhow::Result<()> {
    if !db.exists() {
        bail!("no workspace at {}", db.display());
    }
    let mut store = Store::open(db)?;
    store.revoke(id, by, reason, now_ms())?;
    println!("acceptance {id} revoked: it no longer applies");
    Ok(())
}

pub fn exceptions(db: &Path, extra: &[PathBuf], expiring: Option<u32>, format: TextFormat) -> anyhow::Result<()> {
    let (_, store) = open_read(db, extra)?;
    let list = acceptances::list(store.conn(), now_ms(), expiring)?;
    print_as(format, &list, |out, list| {
        if list.is_empty() {
            writeln!(
                out,
                "{}",
                if expiring.is_some() {
                    "No active acceptance expires in that time."
                } else {
                    "No risk acceptances. Record one with `rampart accept`."
                }
            )?;
        }
        writeln!(
            out,
            "{:>4}  {:<8}  {:<32}  {:<10}  {:<10}  {:>6}  {:<16}  REASON",
            "ID", "STATUS", "COVERS", "EXPIRES", "DAYS LEFT", "FAILS", "OWNER"
        )?;
        for a in list {
            let days = a.days_left.map_or("-".to_string(), |d| {
                if a.expiring_soon {
                    format!("{d} !")
                } else {
                    d.to_string()
                }
            });
            let mut scope = describe(&a.scope);
            if !a.accounts.is_empty() {
                scope.push_str(&format!(" [{}]", a.accounts.join(",")));
            }
            writeln!(
                out,
                "{:>4}  {:<8}  {:<32}  {:<10}  {:<10}  {:>6}  {:<16}  {}",
                a.id,
                a.status,
                clip(&scope, 32),
                &a.expires_at[..10],
                days,
                a.covers,
                clip(&a.owner, 16),
                clip(&a.reason, 60)
            )?;
        }
        Ok(())
    })
}

pub fn audit(db: &Path, command: Option<AuditCommand>, limit: usize, format: TextFormat) -> anyhow::Result<()> {
    if !db.exists() {
        bail!("no workspace at {}", db.display());
    }
    let store = Store::open_existing(db)?;
    match command {
        Some(AuditCommand::Verify) => {
            let report = audit::verify(store.conn())?;
            if format == TextFormat::Json {
                print_as(format, &report, |_, _| Ok(()))?;
            }
            if !report.ok() {
                bail!(
                    "the audit log fails verification ({} entries): {}",
                    report.entries,
                    report.problems.join("; ")
                );
            }
            if format == TextFormat::Table {
                println!(
                    "audit log intact: {} entries, chain and records verified",
                    report.entries
                );
            }
            Ok(())
        }
        None => {
            let entries = audit::entries(store.conn(), limit)?;
            print_as(format, &entries, |out, entries| {
                writeln!(
                    out,
                    "{:>5}  {:<24}  {:<16}  {:<20}  {:<26}  HASH",
                    "SEQ", "AT", "BY", "ACTION", "SUBJECT"
                )?;
                for e in entries {
                    writeln!(
                        out,
                        "{:>5}  {:<24}  {:<16}  {:<20}  {:<26}  {}",
                        e.seq,
                        e.at,
                        clip(&e.actor, 16),
                        e.action,
                        clip(&e.subject, 26),
                        &e.hash[..16]
                    )?;
                }
                Ok(())
            })
        }
    }
}

pub fn settings(db: &Path, command: Option<SettingsCommand>, format: TextFormat) -> anyhow::Result<()> {
    if !db.exists() {
        bail!("no workspace at {}", db.display());
    }
    let mut store = Store::open(db)?;
    if let Some(SettingsCommand::Set {
        sla_critical,
        sla_high,
        sla_medium,
        sla_low,
        max_acceptance_days,
        sync_profiles,
        sync_regions,
        sync_sources,
        clear_sync,
        by,
    }) = command
    {
        let old = settings::settings(store.conn())?;
        let keep_or = |given: Vec<String>, old: &[String]| if given.is_empty() { old.to_vec() } else { given };
        let sync = if clear_sync {
            SyncDefaults::default()
        } else {
            SyncDefaults {
                profiles: keep_or(sync_profiles, &old.sync.profiles),
                regions: keep_or(sync_regions, &old.sync.regions),
                sources: keep_or(sync_sources, &old.sync.sources),
            }
        };
        let new = Settings {
            sla_days: SlaDays {
                critical: sla_critical.unwrap_or(old.sla_days.critical),
                high: sla_high.unwrap_or(old.sla_days.high),
                medium: sla_medium.unwrap_or(old.sla_days.medium),
                low: sla_low.unwrap_or(old.sla_days.low),
            },
            max_acceptance_days: max_acceptance_days.unwrap_or(old.max_acceptance_days),
            sync,
        };
        if by.trim().is_empty() {
            return Err(rampart_core::Invalid::new("by", "required").into());
        }
        store.set_settings(&new, by.trim(), now_ms())?;
    }
    let s = settings::settings(store.conn())?;
    print_as(format, &s, |out, s| {
        let d = s.sla_days;
        writeln!(
            out,
            "SLA days: critical {}, high {}, medium {}, low {}",
            d.critical, d.high, d.medium, d.low
        )?;
        writeln!(out, "longest risk acceptance: {} days", s.max_acceptance_days)?;
        let or = |list: &[String], standard: &str| {
            if list.is_empty() {
                standard.to_string()
            } else {
                list.join(", ")
            }
        };
        writeln!(
            out,
            "sync reads: profiles {}; Regions {}; sources {}",
            or(&s.sync.profiles, "(the default credentials chain)"),
            or(&s.sync.regions, "(each profile's own)"),
            or(&s.sync.sources, "(all three)")
        )
    })
}
