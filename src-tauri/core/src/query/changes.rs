//! What changed between two moments: findings that are **new** (first seen in the window
//! and failing at its end), **fixed** (failing at the start, not at the end) and
//! **regressed** (passed, then failed again within the window, and failing at its end),
//! with counts by framework, requirement, control and account.

use std::collections::{HashMap, HashSet};

use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Invalid;
use crate::store::findings::flags;
use crate::store::mapping::load_sets;
use crate::store::StoreError;
use crate::time::{end_of_day_ms, format_ts};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ChangeCounts {
    pub new: u32,
    pub fixed: u32,
    pub regressed: u32,
}

impl ChangeCounts {
    fn add(&mut self, kind: &str) {
        match kind {
            "new" => self.new += 1,
            "fixed" => self.fixed += 1,
            _ => self.regressed += 1,
        }
    }

    fn merge(&mut self, o: &ChangeCounts) {
        self.new += o.new;
        self.fixed += o.fixed;
        self.regressed += o.regressed;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangeGroup {
    /// Framework id, `framework:requirement`, control id or account id.
    pub key: String,
    pub counts: ChangeCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangedFinding {
    pub id: String,
    /// new | fixed | regressed
    pub kind: String,
    /// When the finding reached the state that makes it count (RFC 3339).
    pub at: String,
    pub title: String,
    pub severity: String,
    pub account: String,
    /// The account's name, when the workspace knows one.
    pub account_name: Option<String>,
    pub region: String,
    pub control: Option<String>,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Changes {
    pub since: String,
    pub until: String,
    pub totals: ChangeCounts,
    pub by_framework: Vec<ChangeGroup>,
    pub by_requirement: Vec<ChangeGroup>,
    pub by_control: Vec<ChangeGroup>,
    pub by_account: Vec<ChangeGroup>,
    /// The changed findings, newest change first (at most [`LISTED`]).
    pub findings: Vec<ChangedFinding>,
}

/// How many changed findings are listed (newest change first); totals and groups count all.
pub const LISTED: usize = 1000;

/// Above this many changed findings, one scan of the covering index is cheaper than a
/// lookup per finding.
const SCAN_ABOVE: usize = 4_000;

/// Changes in the window (`since`, `until`] (ms).
///
/// One range scan over the window's events in the covering window index: each event
/// carries the state before it, so a finding's state before the window is its first
/// window event's `prev_*`, and no seek outside the window is needed. The changed
/// findings' grouping attributes (account, control, requirement set) are then read by
/// one scan of a covering index (or by lookups when few changed), and counted per
/// requirement set before being spread over the set's requirements.
pub fn changes(conn: &Connection, since: i64, until: i64) -> Result<Changes, StoreError> {
    changes_with(conn, since, until, SCAN_ABOVE, None)
}

/// [`changes`] among the findings of the accounts in organizational units `units` (and the
/// OUs below them); all findings when `units` is empty.
pub fn changes_of(conn: &Connection, since: i64, until: i64, units: &[String]) -> Result<Changes, StoreError> {
    if units.is_empty() {
        return changes(conn, since, until);
    }
    let in_scope = crate::store::accounts::findings_in(conn, units)?;
    changes_with(conn, since, until, SCAN_ABOVE, Some(&in_scope))
}

/// One finding's walk through the window's events.
#[derive(Clone, Copy)]
struct Walk {
    seen_before: bool,
    failing_before: bool,
    first_at: i64,
    regressed_at: Option<i64>,
    failing: bool,
    last_at: i64,
}

impl Walk {
    fn kind(&self) -> Option<(&'static str, i64)> {
        if !self.seen_before && self.failing {
            Some(("new", self.first_at))
        } else if let (true, Some(at)) = (self.failing, self.regressed_at) {
            Some(("regressed", at))
        } else if self.failing_before && !self.failing {
            Some(("fixed", self.last_at))
        } else {
            None
        }
    }
}

/// Counts by group key, allocating a key only the first time it is seen.
#[derive(Default)]
struct Tally(HashMap<String, ChangeCounts>);

impl Tally {
    fn add(&mut self, key: &str, kind: &str) {
        match self.0.get_mut(key) {
            Some(c) => c.add(kind),
            None => self.0.entry(key.to_string()).or_default().add(kind),
        }
    }

    fn merge(&mut self, key: &str, counts: &ChangeCounts) {
        match self.0.get_mut(key) {
            Some(c) => c.merge(counts),
            None => self.0.entry(key.to_string()).or_default().merge(counts),
        }
    }

    /// Largest total first, then by key.
    fn sorted(self) -> Vec<ChangeGroup> {
        let mut v: Vec<ChangeGroup> = self
            .0
            .into_iter()
            .map(|(key, counts)| ChangeGroup { key, counts })
            .collect();
        v.sort_by(|a, b| {
            let t = |c: &ChangeCounts| c.new + c.fixed + c.regressed;
            t(&b.counts).cmp(&t(&a.counts)).then_with(|| a.key.cmp(&b.key))
        });
        v
    }
}

/// The window of a `changes` question: after the end of day `since` up to the end of day
/// `until` (default: `now`), in ms.
pub fn window(since: chrono::NaiveDate, until: Option<chrono::NaiveDate>, now: i64) -> Result<(i64, i64), Invalid> {
    let since_ms = end_of_day_ms(since);
    let until_ms = until.map(end_of_day_ms).unwrap_or(now);
    if since_ms >= until_ms {
        return Err(Invalid::new("since", "must be before until"));
    }
    Ok((since_ms, until_ms))
}

/// [`changes`] with the lookup/scan threshold chosen by the caller (tests use it to
/// check that both ways of reading the grouping attributes agree).
#[doc(hidden)]
pub fn changes_with(
    conn: &Connection,
    since: i64,
    until: i64,
    scan_above: usize,
    in_scope: Option<&HashSet<i64>>,
) -> Result<Changes, StoreError> {
    // With a large window most of the time goes to two independent reads: the window's
    // events, and every finding's grouping attributes. The second runs on its own
    // read-only connection in a second thread; it is told to stop if few findings changed
    // (a lookup per changed finding is then cheaper).
    let stop = AtomicBool::new(false);
    let path = conn.path().filter(|p| !p.is_empty()).map(str::to_owned);
    std::thread::scope(|scope| {
        let reader = path.map(|path| {
            let stop = &stop;
            scope.spawn(move || -> rusqlite::Result<Option<DimsTable>> {
                let own = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                DimsTable::read(&own, stop)
            })
        });
        let result = changes_in(conn, since, until, scan_above, &stop, reader, in_scope);
        stop.store(true, Ordering::Relaxed);
        result
    })
}

/// All findings' grouping attributes, indexed by fid, with account and control interned.
struct DimsTable {
    set: Vec<Option<i64>>,
    /// Index into `controls`, or `u32::MAX` when the finding has no control.
    control: Vec<u32>,
    account: Vec<u32>,
    controls: Vec<String>,
    accounts: Vec<String>,
}

impl DimsTable {
    /// One scan of the covering index, in its order (so equal values come together).
    /// `None` if told to stop.
    fn read(conn: &Connection, stop: &AtomicBool) -> rusqlite::Result<Option<DimsTable>> {
        let max_fid: i64 = conn.query_row("SELECT coalesce(max(fid), 0) FROM findings", [], |r| r.get(0))?;
        let n = usize::try_from(max_fid).unwrap_or(0) + 1;
        let mut t = DimsTable {
            set: vec![None; n],
            control: vec![u32::MAX; n],
            account: vec![u32::MAX; n],
            controls: Vec::new(),
            accounts: Vec::new(),
        };
        fn intern(list: &mut Vec<String>, index: &mut HashMap<String, u32>, last: &mut u32, v: &str) -> u32 {
            if list.get(*last as usize).is_some_and(|x| x == v) {
                return *last;
            }
            *last = *index.entry(v.to_string()).or_insert_with(|| {
                list.push(v.to_string());
                (list.len() - 1) as u32
            });
            *last
        }
        let (mut ci, mut ai) = (HashMap::new(), HashMap::new());
        let (mut cl, mut al) = (u32::MAX, u32::MAX);
        let mut stmt =
            conn.prepare("SELECT fid, req_set, mapped_control, account FROM findings INDEXED BY findings_dims")?;
        let mut rows = stmt.query([])?;
        let mut k = 0u32;
        while let Some(r) = rows.next()? {
            k = k.wrapping_add(1);
            if k % 4096 == 0 && stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let Some(i) = usize::try_from(r.get::<_, i64>(0)?).ok().filter(|i| *i < n) else {
                continue;
            };
            t.set[i] = r.get(1)?;
            if let Some(c) = text(r, 2)? {
                t.control[i] = intern(&mut t.controls, &mut ci, &mut cl, c);
            }
            t.account[i] = intern(&mut t.accounts, &mut ai, &mut al, text(r, 3)?.unwrap_or_default());
        }
        Ok(Some(t))
    }
}

type DimsReader<'s> = std::thread::ScopedJoinHandle<'s, rusqlite::Result<Option<DimsTable>>>;

fn changes_in(
    conn: &Connection,
    since: i64,
    until: i64,
    scan_above: usize,
    stop: &AtomicBool,
    reader: Option<DimsReader<'_>>,
    in_scope: Option<&HashSet<i64>>,
) -> Result<Changes, StoreError> {
    // fids are dense rowids: index walks by fid.
    let max_fid: i64 = conn.query_row("SELECT coalesce(max(fid), 0) FROM findings", [], |r| r.get(0))?;
    let mut walks: Vec<Option<Walk>> = vec![None; usize::try_from(max_fid).unwrap_or(0) + 1];
    let mut touched: Vec<i64> = Vec::new();
    {
        let mut events = conn.prepare_cached(
            "SELECT fid, at, flags FROM finding_history INDEXED BY finding_history_window
             WHERE at > ?1 AND at <= ?2 ORDER BY at, fid",
        )?;
        let mut rows = events.query(params![since, until])?;
        while let Some(r) = rows.next()? {
            let fid: i64 = r.get(0)?;
            let Some(slot) = usize::try_from(fid).ok().and_then(|i| walks.get_mut(i)) else {
                continue;
            };
            let (at, bits): (i64, i64) = (r.get(1)?, r.get(2)?);
            let now_failing = bits & flags::FAILING != 0;
            let w = slot.get_or_insert_with(|| {
                touched.push(fid);
                Walk {
                    seen_before: bits & flags::HAS_PREV != 0,
                    failing_before: bits & flags::PREV_FAILING != 0,
                    first_at: at,
                    regressed_at: None,
                    failing: false,
                    last_at: at,
                }
            });
            if now_failing && bits & flags::PREV_PASSED != 0 {
                w.regressed_at = Some(at);
            }
            w.failing = now_failing;
            w.last_at = at;
        }
    }
    // The kind of each changed finding, by fid.
    let mut kinds: Vec<Option<&'static str>> = vec![None; walks.len()];
    let mut classified: Vec<(i64, &'static str, i64)> = Vec::new();
    for fid in touched {
        if in_scope.is_some_and(|s| !s.contains(&fid)) {
            continue;
        }
        if let Some((kind, at)) = walks[fid as usize].and_then(|w| w.kind()) {
            kinds[fid as usize] = Some(kind);
            classified.push((fid, kind, at));
        }
    }
    drop(walks);
    classified.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));

    let mut totals = ChangeCounts::default();
    for (_, kind, _) in &classified {
        totals.add(kind);
    }

    // Group by account, control and requirement set.
    let mut per_set: HashMap<i64, ChangeCounts> = HashMap::new();
    let mut by_control = Tally::default();
    let mut by_account = Tally::default();
    let mut count = |kind: &str, set: Option<i64>, control: Option<&str>, account: &str| {
        if let Some(set) = set {
            per_set.entry(set).or_default().add(kind);
        }
        if let Some(control) = control {
            by_control.add(control, kind);
        }
        by_account.add(account, kind);
    };
    let many = classified.len() > scan_above;
    if !many {
        stop.store(true, Ordering::Relaxed);
    }
    // The other thread's table when it finished; read here in the same way if there is
    // no other thread (an in-memory database).
    let table = match reader.map(|h| h.join()) {
        Some(Ok(t)) => t?,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None if many => DimsTable::read(conn, &AtomicBool::new(false))?,
        None => None,
    };
    match table.filter(|_| many) {
        Some(t) => {
            for (fid, kind, _) in &classified {
                let i = *fid as usize;
                let Some(&account) = t.account.get(i).filter(|a| **a != u32::MAX) else {
                    continue; // not in the table: removed since, or added after it was read
                };
                let control = t.controls.get(t.control[i] as usize).map(String::as_str);
                count(kind, t.set[i], control, &t.accounts[account as usize]);
            }
        }
        None => {
            let mut stmt =
                conn.prepare_cached("SELECT req_set, mapped_control, account FROM findings WHERE fid = ?1")?;
            for (fid, kind, _) in &classified {
                let mut rows = stmt.query([fid])?;
                if let Some(r) = rows.next()? {
                    count(kind, r.get(0)?, text(r, 1)?, text(r, 2)?.unwrap_or_default());
                }
            }
        }
    }
    let sets = load_sets(conn)?;
    let mut by_framework = Tally::default();
    let mut by_requirement = Tally::default();
    for (set, counts) in &per_set {
        let members = sets.get(set).map(Vec::as_slice).unwrap_or_default();
        let mut frameworks: Vec<&str> = members.iter().map(|(f, _)| f.as_str()).collect();
        frameworks.dedup(); // members are sorted, so one framework's are adjacent
        for fw in frameworks {
            by_framework.merge(fw, counts);
        }
        for (fw, req) in members {
            by_requirement.merge(&format!("{fw}:{req}"), counts);
        }
    }

    let mut stmt = conn.prepare_cached(
        "SELECT id, title, severity, account, region, mapped_control, req_set,
                (SELECT a.name FROM accounts a WHERE a.account_id = findings.account)
         FROM findings WHERE fid = ?1",
    )?;
    let mut findings = Vec::with_capacity(classified.len().min(LISTED));
    for (fid, kind, at) in classified.iter().take(LISTED) {
        let Some(f) = stmt
            .query_row([fid], |r| {
                Ok(ChangedFinding {
                    id: r.get(0)?,
                    kind: (*kind).to_string(),
                    at: format_ts(*at),
                    title: r.get(1)?,
                    severity: r.get(2)?,
                    account: r.get(3)?,
                    account_name: r.get(7)?,
                    region: r.get(4)?,
                    control: r.get(5)?,
                    requirements: r
                        .get::<_, Option<i64>>(6)?
                        .and_then(|s| sets.get(&s))
                        .map(|m| m.iter().map(|(f, q)| format!("{f}:{q}")).collect())
                        .unwrap_or_default(),
                })
            })
            .optional()?
        else {
            continue;
        };
        findings.push(f);
    }
    Ok(Changes {
        since: format_ts(since),
        until: format_ts(until),
        totals,
        by_framework: by_framework.sorted(),
        by_requirement: by_requirement.sorted(),
        by_control: by_control.sorted(),
        by_account: by_account.sorted(),
        findings,
    })
}

/// A text column read in place (no copy).
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(rusqlite::Error::from)
}
