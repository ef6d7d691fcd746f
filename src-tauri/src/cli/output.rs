//! Printing: tables for people, JSON and CSV for tools. Strings from AWS are untrusted:
//! control characters never reach the terminal, CSV cells are defused.

use std::io::{self, BufWriter, Write};

use rampart_core::catalog::Stats;
use rampart_core::query::changes::Changes;
use rampart_core::query::coverage::SeenControls;
use rampart_core::query::findings::{count_findings, list_findings, FindingFilter, Page, SortField};
use rampart_core::query::overview;
use rampart_core::query::posture::Posture;
use rampart_core::query::requirement::RequirementDetail;
use rampart_core::query::sla::SlaSummary;
use rampart_core::query::trend::Trend;

use serde::Serialize;

use super::args::{Format, TextFormat};
use crate::export::{self, io_error, unwrap_io, ExportFormat};

pub(super) fn print_findings(
    conn: &rampart_core::rusqlite::Connection,
    filter: &FindingFilter,
    sort: SortField,
    reverse: bool,
    page: Option<Page>,
    now: i64,
    format: Format,
) -> anyhow::Result<()> {
    write_findings(
        BufWriter::new(io::stdout().lock()),
        conn,
        filter,
        (sort, reverse, page),
        now,
        format,
    )
}

/// Writes findings as a table, JSON or CSV (the columns of [`CSV_COLUMNS`]) to `out`.
/// JSON and CSV are the export writer's ([`export::write_findings`]).
pub(super) fn write_findings(
    mut out: impl Write,
    conn: &rampart_core::rusqlite::Connection,
    filter: &FindingFilter,
    (sort, reverse, page): (SortField, bool, Option<Page>),
    now: i64,
    format: Format,
) -> anyhow::Result<()> {
    let format = match format {
        Format::Json => ExportFormat::Json,
        Format::Csv => ExportFormat::Csv,
        Format::Table => return write_findings_table(out, conn, filter, (sort, reverse, page), now),
    };
    export::write_findings(&mut out, conn, filter, (sort, reverse, page), now, format)?;
    Ok(())
}

fn write_findings_table(
    mut out: impl Write,
    conn: &rampart_core::rusqlite::Connection,
    filter: &FindingFilter,
    (sort, reverse, page): (SortField, bool, Option<Page>),
    now: i64,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{:<13} {:<13} {:<11} {:<12} {:<14} {:<16} TITLE",
        "SEVERITY", "STATUS", "SOURCE", "ACCOUNT", "REGION", "CONTROL"
    )?;
    let r = list_findings(conn, filter, sort, reverse, page, now, |row| {
        let control = match (&row.control, &row.security_control) {
            (Some(c), Some(s)) => format!("{c} ({s})"),
            (Some(c), None) => c.clone(),
            (None, _) => row.config_rule.clone().unwrap_or_else(|| "-".into()),
        };
        writeln!(
            out,
            "{:<13} {:<13} {:<11} {:<12} {:<14} {:<16} {}",
            row.severity,
            format!(
                "{}{}",
                row.status,
                if row.record_state == "archived" { "*" } else { "" }
            ),
            row.source,
            clip(&row.account, 12),
            clip(&row.region, 14),
            clip(&control, 16),
            clip(&row.title, 90)
        )
        .map_err(io_error)
    });
    let n = unwrap_io(r)?;
    match page {
        Some(p) => {
            let total = count_findings(conn, filter)?;
            let pages = total.div_ceil(u64::from(p.size)).max(1);
            writeln!(out, "page {} of {pages}: {n} of {total} findings (* archived)", p.page)?;
        }
        None => writeln!(out, "{n} findings (* archived)")?,
    }
    out.flush()?;
    Ok(())
}

/// Prints `value` on stdout: as pretty JSON, or as the table `table` draws.
pub(super) fn print_as<T: Serialize>(
    format: TextFormat,
    value: &T,
    table: impl FnOnce(&mut Stdout, &T) -> io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        TextFormat::Json => {
            serde_json::to_writer_pretty(&mut out, value)?;
            writeln!(out)?;
        }
        TextFormat::Table => {
            // Tables carry AWS's and catalog files' text: drawn, then made safe to show as a
            // whole, so no column can smuggle a control sequence into the terminal.
            let mut drawn = Vec::new();
            table(&mut drawn, value)?;
            let text = String::from_utf8_lossy(&drawn);
            out.write_all(rampart_core::text::display_lines(&text).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Where [`print_as`] draws its tables (then written out, made safe to display).
pub(super) type Stdout = Vec<u8>;

/// Strings from AWS are untrusted: no control characters (terminal escapes) reach the
/// terminal, and long values are cut to the column.
pub(super) fn clip(s: &str, width: usize) -> String {
    let clean = rampart_core::text::display(s);
    if clean.chars().count() <= width {
        clean.into_owned()
    } else {
        let mut t: String = clean.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(super) fn print_overview(out: &mut impl Write, o: &overview::Overview) -> io::Result<()> {
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
        writeln!(out, "{:<14} {:>6}  {:>6}", s.severity.as_str(), s.total, s.failed)?;
    }
    writeln!(out, "\nSOURCE         ACTIVE  FAILED")?;
    for s in &o.by_source {
        writeln!(out, "{:<14} {:>6}  {:>6}", s.key, s.total, s.failed)?;
    }
    writeln!(
        out,
        "\nACCOUNT        NAME                   ACTIVE  FAILED  ORGANIZATIONAL UNIT"
    )?;
    for s in &o.by_account {
        writeln!(
            out,
            "{:<14} {:<22} {:>6}  {:>6}  {}",
            clip(if s.account.is_empty() { "(unknown)" } else { &s.account }, 14),
            clip(s.name.as_deref().unwrap_or("—"), 22),
            s.total,
            s.failed,
            clip(s.ou_path.as_deref().unwrap_or("—"), 60),
        )?;
    }
    if !o.by_unit.is_empty() {
        writeln!(
            out,
            "\nORGANIZATIONAL UNIT                        ACCOUNTS  ACTIVE  FAILED  ID"
        )?;
        for u in &o.by_unit {
            writeln!(
                out,
                "{:<42} {:>8}  {:>6}  {:>6}  {}",
                clip(&u.path, 42),
                u.accounts,
                u.total,
                u.failed,
                clip(&u.id, 40)
            )?;
        }
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
        None => writeln!(out, "\nNo imports yet: run `rampart import FILE` or `rampart demo`.")?,
    }
    if let Some(s) = &o.sync {
        let when = |ms: Option<i64>| {
            ms.and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
                .unwrap_or_else(|| "never".into())
        };
        writeln!(
            out,
            "Last sync  attempt {}, success {} — {} of {} sources failing",
            when(s.last_attempt),
            when(s.last_success),
            s.failing.len(),
            s.targets
        )?;
        for f in &s.failing {
            writeln!(out, "  {}: {}", clip(&f.target, 60), clip(&f.error, 160))?;
        }
    }
    Ok(())
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{:.0}%", v * 100.0))
}

pub(super) fn print_posture(out: &mut impl Write, p: &Posture) -> io::Result<()> {
    writeln!(
        out,
        "Posture as of {}  ({} active findings, {} unmapped)",
        p.as_of, p.active, p.unmapped
    )?;
    for f in &p.frameworks {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({})  score {}  requirements fully met {} of {} [{} no data]  control score {}  [{} passed, {} failed]",
            f.name,
            f.id,
            pct(f.score),
            f.passing,
            f.passing + f.failing,
            f.no_data,
            pct(f.control_score),
            f.controls_passed,
            f.controls_failed
        )?;
        if f.attested + f.expired + f.not_attested > 0 {
            writeln!(
                out,
                "  manual: {} attested, {} expired, {} not attested",
                f.attested, f.expired, f.not_attested
            )?;
        }
        writeln!(
            out,
            "  {:<24} {:<13} {:>6} {:>6} {:>6}  TITLE",
            "REQUIREMENT", "STATUS", "SCORE", "FAILED", "PASSED"
        )?;
        for r in &f.requirements {
            writeln!(
                out,
                "  {:<24} {:<13} {:>6} {:>6} {:>6}  {}",
                clip(&r.id, 24),
                r.status.as_str(),
                pct(r.score),
                r.failed,
                r.passed,
                clip(&r.title, 70)
            )?;
        }
        writeln!(out, "  ({})", f.formula)?;
    }
    Ok(())
}

/// `rampart catalog stats`: the catalog's own coverage and, with a workspace, coverage
/// against the controls it holds.
#[derive(Serialize)]
pub(super) struct CatalogStats {
    #[serde(flatten)]
    pub stats: Stats,
    pub workspace: Option<SeenControls>,
}

pub(super) fn print_stats(out: &mut impl Write, report: &CatalogStats) -> io::Result<()> {
    let s = &report.stats;
    writeln!(
        out,
        "Controls in the catalog        {} ({} current, {} retired)",
        s.controls,
        s.known.len(),
        s.retired.len()
    )?;
    writeln!(out, "Controls with a Config rule    {}", s.config_rules)?;
    writeln!(out, "Controls mapped (any)          {}", s.mapped_any)?;
    for (fw, n) in &s.mapped {
        writeln!(
            out,
            "  {:<10} {:>4} controls mapped, {:>4} outside, {:>3} undecided; {:>3} requirements ({} manual)",
            fw,
            n,
            s.outside.get(fw).copied().unwrap_or(0),
            s.undecided.get(fw).map_or(0, Vec::len),
            s.requirements.get(fw).copied().unwrap_or(0),
            s.manual_requirements.get(fw).copied().unwrap_or(0)
        )?;
    }
    writeln!(
        out,
        "Recorded departures from the references (NIST crosswalk, open-source tools): {}",
        s.differences
    )?;
    if let Some(w) = &report.workspace {
        let list = |v: &[String]| {
            if v.is_empty() {
                String::new()
            } else {
                format!(": {}", clip(&v.join(", "), 200))
            }
        };
        writeln!(out, "\nIn this workspace")?;
        writeln!(out, "  controls named by findings     {}", w.seen)?;
        writeln!(out, "  known to the catalog           {}", w.known)?;
        writeln!(
            out,
            "  retired (old findings)         {}{}",
            w.retired.len(),
            list(&w.retired)
        )?;
        writeln!(
            out,
            "  mapped by reference            {}{}",
            w.by_reference.len(),
            list(&w.by_reference)
        )?;
        writeln!(
            out,
            "  unknown, mapped to nothing     {}{}",
            w.unknown.len(),
            list(&w.unknown)
        )?;
        if w.listed_by_security_hub > 0 {
            writeln!(
                out,
                "  Security Hub lists {} controls; {} not in the catalog{}",
                w.listed_by_security_hub,
                w.listed_not_in_catalog.len(),
                list(&w.listed_not_in_catalog)
            )?;
        }
    }
    Ok(())
}

pub(super) fn print_requirement(out: &mut impl Write, d: &RequirementDetail) -> io::Result<()> {
    writeln!(out, "{} {} — {}", d.framework_name, d.id, d.title)?;
    writeln!(
        out,
        "Status: {}  ({} failed, {} passed findings)",
        d.posture.status.as_str(),
        d.posture.failed,
        d.posture.passed
    )?;
    writeln!(out, "\n{}", d.summary)?;
    if let Some(p) = &d.attestation_prompt {
        writeln!(out, "\nAttestation: {p}")?;
        match d.attestations.first() {
            Some(a) => writeln!(
                out,
                "  latest: {} by {} (expires {}): {}",
                a.attested_at,
                clip(&a.by, 40),
                a.expires_at.as_deref().unwrap_or("never"),
                clip(&a.statement, 200)
            )?,
            None => writeln!(
                out,
                "  none yet: `rampart attest {}:{} --by NAME --statement TEXT`",
                d.framework_id, d.id
            )?,
        }
    }
    for c in d.controls.iter().filter(|c| c.status == "failed") {
        writeln!(
            out,
            "\n✗ {} {} ({} failing, {} passing) — {}",
            c.id,
            c.severity,
            c.failed,
            c.passed,
            clip(&c.title, 90)
        )?;
        if let Some(r) = &c.rationale {
            writeln!(out, "  Why it matters here: {}", clip(r, 200))?;
        }
        if let Some(rem) = &c.remediation {
            writeln!(out, "  Problem: {}", clip(&rem.problem, 300))?;
            for (i, step) in rem.steps.iter().enumerate() {
                writeln!(out, "  {}. {}", i + 1, clip(step, 300))?;
            }
            if let Some(u) = &rem.url {
                writeln!(out, "  More: {u}")?;
            }
        }
        for f in &c.failing {
            writeln!(
                out,
                "    - {} {} {} {}",
                f.severity,
                clip(&f.account, 12),
                clip(&f.region, 14),
                clip(&f.resources.join(", "), 100)
            )?;
        }
    }
    let passing: Vec<&str> = d
        .controls
        .iter()
        .filter(|c| c.status == "passed")
        .map(|c| c.id.as_str())
        .collect();
    if !passing.is_empty() {
        writeln!(out, "\n✓ passing: {}", passing.join(", "))?;
    }
    let silent: Vec<&str> = d
        .controls
        .iter()
        .filter(|c| c.status == "no_data")
        .map(|c| c.id.as_str())
        .collect();
    if !silent.is_empty() {
        writeln!(out, "· no data: {}", silent.join(", "))?;
    }
    if !d.other_failing.is_empty() {
        writeln!(out, "\nOther failing findings:")?;
        for f in &d.other_failing {
            writeln!(
                out,
                "    - {} {} {}",
                f.severity,
                clip(&f.account, 12),
                clip(&f.title, 100)
            )?;
        }
    }
    Ok(())
}

pub(super) fn print_trend(out: &mut impl Write, t: &Trend) -> io::Result<()> {
    writeln!(out, "Trend {} → {} ({})", t.from, t.to, t.granularity)?;
    for f in &t.frameworks {
        writeln!(out, "\n{} ({})", f.name, f.id)?;
        writeln!(
            out,
            "  {:<10} {:>6} {:>8} {:>8} {:>9} {:>8}",
            "DAY", "SCORE", "CONTROLS", "FAILING", "FINDINGS", ""
        )?;
        for p in &f.points {
            writeln!(
                out,
                "  {:<10} {:>6} {:>8} {:>8} {:>9} {:>8}",
                p.day,
                pct(p.score),
                pct(p.control_score),
                p.failing,
                p.failed_findings,
                if p.carried { "carried" } else { "" }
            )?;
        }
    }
    writeln!(
        out,
        "\n({} In the table: SCORE is that score, CONTROLS the control score, FAILING the failing requirements, FINDINGS the active failing findings.)",
        rampart_core::score::FORMULA
    )?;
    Ok(())
}

pub(super) fn print_changes(out: &mut impl Write, c: &Changes) -> io::Result<()> {
    writeln!(
        out,
        "Changes after {} up to {}: {} new, {} fixed, {} regressed",
        c.since, c.until, c.totals.new, c.totals.fixed, c.totals.regressed
    )?;
    if !c.by_framework.is_empty() {
        writeln!(
            out,
            "\n  {:<12} {:>5} {:>6} {:>10}",
            "FRAMEWORK", "NEW", "FIXED", "REGRESSED"
        )?;
        for g in &c.by_framework {
            writeln!(
                out,
                "  {:<12} {:>5} {:>6} {:>10}",
                clip(&g.key, 12),
                g.counts.new,
                g.counts.fixed,
                g.counts.regressed
            )?;
        }
    }
    writeln!(
        out,
        "\n  {:<10} {:<9} {:<24} {:<12} {:<16} TITLE",
        "CHANGE", "SEVERITY", "WHEN", "ACCOUNT", "CONTROL"
    )?;
    for f in &c.findings {
        writeln!(
            out,
            "  {:<10} {:<9} {:<24} {:<12} {:<16} {}",
            f.kind,
            f.severity,
            f.at,
            clip(&f.account, 12),
            clip(f.control.as_deref().unwrap_or("-"), 16),
            clip(&f.title, 80)
        )?;
    }
    Ok(())
}

pub(super) fn print_sla(out: &mut impl Write, s: &SlaSummary) -> io::Result<()> {
    writeln!(
        out,
        "{:<14} {:>8} {:>6} {:>8} {:>11} {:>14} {:>12}",
        "SEVERITY", "SLA DAYS", "OPEN", "OVERDUE", "REMEDIATED", "MEAN DAYS", "OLDEST OPEN"
    )?;
    for r in &s.by_severity {
        writeln!(
            out,
            "{:<14} {:>8} {:>6} {:>8} {:>11} {:>14} {:>12}",
            r.severity.as_str(),
            r.sla_days.map_or("-".to_string(), |d| d.to_string()),
            r.open,
            r.overdue,
            r.remediated,
            r.mean_days_to_remediate.map_or("-".to_string(), |d| format!("{d:.1}")),
            r.oldest_open_days.map_or("-".to_string(), |d| d.to_string())
        )?;
    }
    writeln!(
        out,
        "(a failing finding is due SLA days after it was first seen; mean days = from failing to fixed or archived)"
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        // A later part of a `;`-joined cell is defused too, and such a cell is quoted: a
        // spreadsheet splitting on `;` would start a new cell at the `=`.
        assert_eq!(csv_field("safe;=1+1"), "\"safe;'=1+1\"");
        assert_eq!(
            csv_field("arn:aws:s3:::a;=HYPERLINK(\"http://x\");b"),
            "\"arn:aws:s3:::a;'=HYPERLINK(\"\"http://x\"\");b\""
        );
        assert_eq!(csv_field("a; -1"), "\"a;' -1\"");
    }

    /// A link planted where a temporary file could be expected is never followed: the
    /// temporary file has a fresh, unpredictable name and is created exclusively.
    #[test]
    fn a_whole_file_write_never_follows_a_planted_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").expect("victim");
        for planted in [".report.csv.partial", "report.csv.partial", ".report.csv.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(planted)).expect("link");
        }
        let out = dir.path().join("report.csv");
        crate::export::write_whole(&out, b"id,title\n").expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
        assert_eq!(std::fs::read_to_string(&out).expect("out"), "id,title\n");
        // Writing over a link at the destination replaces the link, not its target.
        let linked = dir.path().join("linked.csv");
        std::os::unix::fs::symlink(&victim, &linked).expect("link");
        crate::export::write_whole(&linked, b"new").expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
        assert!(!std::fs::symlink_metadata(&linked)
            .expect("meta")
            .file_type()
            .is_symlink());
    }

    #[test]
    fn clip_strips_terminal_escapes() {
        assert_eq!(clip("a\u{1b}[31mred", 20), "a [31mred");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
