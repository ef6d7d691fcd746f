//! The workspace's audited settings, kept in `workspace_meta`: remediation deadlines per
//! severity (`sla_days`), the longest risk acceptance (`max_acceptance_days`) and what a
//! sync reads when it is not told (`sync_defaults`). A stored value that cannot be read
//! is an error naming the setting, never a silent default.

use std::collections::HashSet;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{audit, meta, Store, StoreError};
use crate::model::Severity;

/// The default and the largest allowed `max_acceptance_days`.
pub const DEFAULT_MAX_ACCEPTANCE_DAYS: u32 = 365;
pub const LIMIT_MAX_ACCEPTANCE_DAYS: u32 = 3650;

/// Days allowed to fix a failing finding, per severity (none for informational).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlaDays {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl Default for SlaDays {
    fn default() -> Self {
        SlaDays {
            critical: 7,
            high: 30,
            medium: 90,
            low: 180,
        }
    }
}

impl SlaDays {
    /// The workspace's SLA days (setting `sla_days`), or the defaults when unset.
    pub fn load(conn: &Connection) -> Result<SlaDays, StoreError> {
        Ok(stored(conn, "sla_days", |s| serde_json::from_str(s).ok())?.unwrap_or_default())
    }

    pub fn days(&self, severity: Severity) -> Option<u32> {
        match severity {
            Severity::Critical => Some(self.critical),
            Severity::High => Some(self.high),
            Severity::Medium => Some(self.medium),
            Severity::Low => Some(self.low),
            Severity::Informational => None,
        }
    }
}

/// Workspace settings that are audited when changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    pub sla_days: SlaDays,
    pub max_acceptance_days: u32,
    /// What a sync reads when it is not told (the window's Sync form and `rampart sync`).
    #[serde(default)]
    pub sync: SyncDefaults,
}

/// The sources a sync knows.
pub const SYNC_SOURCES: [&str; 3] = ["securityhub", "inspector", "config"];

/// What a sync reads by default. An empty list means the standard choice: the credentials
/// chain's default profile, that profile's Region, all three sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncDefaults {
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    pub sources: Vec<String>,
}

/// Whether `s` looks like an AWS Region name (`eu-west-1`, `us-gov-west-1`, `ap-southeast-4`).
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].len() <= 2
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

impl SyncDefaults {
    /// Checks each entry (a refusal names the list and the entry) and drops repeats.
    pub fn checked(&self) -> Result<SyncDefaults, StoreError> {
        fn dedup(items: &[String]) -> Vec<String> {
            let mut seen = HashSet::new();
            items
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| seen.insert(s.clone()))
                .collect()
        }
        let out = SyncDefaults {
            profiles: dedup(&self.profiles),
            regions: dedup(&self.regions),
            sources: dedup(&self.sources),
        };
        // Each change of the settings is kept in the audit log, old and new values.
        for (field, n) in [
            ("sync.profiles", out.profiles.len()),
            ("sync.regions", out.regions.len()),
        ] {
            if n > crate::limits::SETTINGS_LIST_ITEMS {
                return Err(StoreError::invalid(
                    field,
                    format!(
                        "{n} entries; at most {} are allowed",
                        crate::limits::SETTINGS_LIST_ITEMS
                    ),
                ));
            }
        }
        for p in &out.profiles {
            if p.is_empty() || p.len() > 128 || p.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(StoreError::invalid(
                    "sync.profiles",
                    format!("{p:?} is not a profile name (no spaces, at most 128 characters)"),
                ));
            }
        }
        for r in &out.regions {
            if !is_region_name(r) {
                return Err(StoreError::invalid(
                    "sync.regions",
                    format!("{r:?} is not an AWS Region name such as eu-west-1"),
                ));
            }
        }
        for s in &out.sources {
            if !SYNC_SOURCES.contains(&s.as_str()) {
                return Err(StoreError::invalid(
                    "sync.sources",
                    format!("{s:?} is not a source; known: {}", SYNC_SOURCES.join(", ")),
                ));
            }
        }
        Ok(out)
    }
}

/// A stored setting read with `parse`: None when unset, an error naming it when the stored
/// text cannot be read.
fn stored<T>(conn: &Connection, key: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, StoreError> {
    match meta(conn, key)? {
        None => Ok(None),
        Some(text) => parse(&text).map(Some).ok_or_else(|| StoreError::Setting {
            key: key.to_string(),
            value: text.chars().take(80).collect(),
        }),
    }
}

/// The workspace's settings (defaults where unset).
pub fn settings(conn: &Connection) -> Result<Settings, StoreError> {
    Ok(Settings {
        sla_days: SlaDays::load(conn)?,
        max_acceptance_days: stored(conn, "max_acceptance_days", |s| s.parse().ok())?
            .unwrap_or(DEFAULT_MAX_ACCEPTANCE_DAYS),
        sync: stored(conn, "sync_defaults", |s| serde_json::from_str(s).ok())?.unwrap_or_default(),
    })
}
impl Store {
    /// Changes the settings, recording the change (old and new values) in the audit log.
    pub fn set_settings(&mut self, s: &Settings, actor: &str, now: i64) -> Result<(), StoreError> {
        let d = s.sla_days;
        for (name, v) in [
            ("critical", d.critical),
            ("high", d.high),
            ("medium", d.medium),
            ("low", d.low),
        ] {
            if !(1..=3650).contains(&v) {
                return Err(StoreError::invalid(
                    &format!("sla_days.{name}"),
                    format!("{v} is not between 1 and 3650"),
                ));
            }
        }
        if !(d.critical <= d.high && d.high <= d.medium && d.medium <= d.low) {
            return Err(StoreError::invalid(
                "sla_days",
                "a more severe finding cannot get more days than a less severe one",
            ));
        }
        if !(1..=LIMIT_MAX_ACCEPTANCE_DAYS).contains(&s.max_acceptance_days) {
            return Err(StoreError::invalid(
                "max_acceptance_days",
                format!(
                    "{} is not between 1 and {LIMIT_MAX_ACCEPTANCE_DAYS}",
                    s.max_acceptance_days
                ),
            ));
        }
        let sync = s.sync.checked()?;
        crate::limits::check_text("by", actor.trim(), crate::limits::PERSON_CHARS)?;
        let old = settings(self.conn())?;
        let tx = self.conn_mut().transaction()?;
        let changes: [(&str, String, serde_json::Value, serde_json::Value); 3] = [
            (
                "sla_days",
                serde_json::to_string(&s.sla_days).unwrap_or_default(),
                serde_json::to_value(old.sla_days).unwrap_or_default(),
                serde_json::to_value(s.sla_days).unwrap_or_default(),
            ),
            (
                "max_acceptance_days",
                s.max_acceptance_days.to_string(),
                old.max_acceptance_days.into(),
                s.max_acceptance_days.into(),
            ),
            (
                "sync_defaults",
                serde_json::to_string(&sync).unwrap_or_default(),
                serde_json::to_value(&old.sync).unwrap_or_default(),
                serde_json::to_value(&sync).unwrap_or_default(),
            ),
        ];
        for (key, stored, from, to) in changes {
            if from == to {
                continue;
            }
            tx.execute(
                "INSERT INTO workspace_meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, stored],
            )?;
            let details = serde_json::json!({"key": key, "from": from, "to": to});
            audit::append(&tx, now, actor, "setting.change", &format!("setting:{key}"), &details)?;
        }
        tx.commit()?;
        Ok(())
    }
}
