//! Governance: risk acceptances flip failing requirements until they expire or are
//! revoked (time injected, never read from the clock), are checked before they are
//! recorded, and everything is written to a hash-chained audit log that detects edits and
//! deletions.

use chrono::NaiveDate;
use rampart_core::catalog::Catalog;
use rampart_core::query::posture::{posture, Posture, RequirementPosture, RequirementStatus};
use rampart_core::store::acceptances::{list, NewAcceptance, Scope};
use rampart_core::store::attestations::NewAttestation;
use rampart_core::store::audit::verify;
use rampart_core::store::settings::{settings, Settings, SlaDays, SyncDefaults};
use rampart_core::{ImportInput, Store, StoreError};
use serde_json::json;

use crate::support::ms;

const DAY: i64 = rampart_core::time::DAY_MS;
const REQ: &str = "164.312(a)(2)(iv)"; // RDS.3 (storage encryption) bears on it.

fn rds3(id: &str, account: &str, status: &str) -> serde_json::Value {
    json!({
        "SchemaVersion": "2018-10-08", "Id": id,
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": "security-control/RDS.3", "AwsAccountId": account,
        "CreatedAt": "2026-03-01T00:00:00Z", "UpdatedAt": "2026-03-01T08:00:00Z", "Title": "RDS.3",
        "Description": "d", "Severity": {"Label": "HIGH"},
        "Resources": [{"Type": "AwsRdsDbInstance", "Id": format!("arn:aws:rds:eu-west-1:{account}:db:{id}")}],
        "Compliance": {"Status": status, "SecurityControlId": "RDS.3"}
    })
}

fn workspace(findings: Vec<serde_json::Value>) -> (tempfile::TempDir, Store, Catalog) {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let body = serde_json::to_vec(&json!({ "Findings": findings })).expect("json");
    store
        .import_mapped(
            vec![ImportInput::new("f.json", std::io::Cursor::new(body))],
            &rampart_core::time::now_ms,
            &catalog,
        )
        .expect("import");
    (dir, store, catalog)
}

fn req<'p>(p: &'p Posture, fw: &str, id: &str) -> &'p RequirementPosture {
    p.frameworks
        .iter()
        .find(|f| f.id == fw)
        .and_then(|f| f.requirements.iter().find(|r| r.id == id))
        .unwrap_or_else(|| panic!("{fw}:{id} missing"))
}

fn hipaa(store: &Store, catalog: &Catalog, t: i64) -> Posture {
    posture(store.conn(), catalog, Some("hipaa"), None, t).expect("posture")
}

fn accept(scope: Scope, expires_at: i64) -> NewAcceptance {
    NewAcceptance {
        scope,
        accounts: vec![],
        resources: vec![],
        reason: "Legacy database, replaced in Q2".into(),
        owner: "dba-team".into(),
        approver: "ciso".into(),
        expires_at,
        renews: None,
    }
}

#[test]
fn an_acceptance_flips_a_failing_requirement_until_it_expires() {
    let (_d, mut store, catalog) = workspace(vec![rds3("db-1", "111122223333", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    assert_eq!(
        req(&hipaa(&store, &catalog, now), "hipaa", REQ).status,
        RequirementStatus::Failing
    );

    let expires = now + 10 * DAY;
    let id = store
        .accept(&catalog, &accept(Scope::Finding("db-1".into()), expires), "ciso", now)
        .expect("accept");
    let p = hipaa(&store, &catalog, now + DAY);
    let r = req(&p, "hipaa", REQ);
    assert_eq!((r.status, r.failed, r.accepted), (RequirementStatus::Passing, 0, 1));
    let rds3 = r.controls.iter().find(|c| c.id == "RDS.3").expect("RDS.3 listed");
    assert_eq!(rds3.status, "accepted");
    // Not before it was made, and not from its expiry on.
    assert_eq!(
        req(&hipaa(&store, &catalog, now - 1), "hipaa", REQ).status,
        RequirementStatus::Failing
    );
    assert_eq!(
        req(&hipaa(&store, &catalog, expires - 1), "hipaa", REQ).status,
        RequirementStatus::Passing
    );
    assert_eq!(
        req(&hipaa(&store, &catalog, expires), "hipaa", REQ).status,
        RequirementStatus::Failing
    );
    // A past moment is judged with the acceptances valid then.
    let past = posture(store.conn(), &catalog, Some("hipaa"), Some(now + DAY), now + 20 * DAY).expect("posture");
    assert_eq!(req(&past, "hipaa", REQ).status, RequirementStatus::Passing);

    // The listing: active, expiring soon (10 days ≤ 14), covering one failing finding.
    let l = list(store.conn(), now + DAY, None).expect("list");
    assert_eq!(l.len(), 1);
    assert_eq!((l[0].id, l[0].status.as_str(), l[0].covers), (id, "active", 1));
    assert!(l[0].expiring_soon);
    assert_eq!(list(store.conn(), now + DAY, Some(5)).expect("list").len(), 0);
    assert_eq!(list(store.conn(), now + DAY, Some(14)).expect("list").len(), 1);
    assert_eq!(list(store.conn(), expires, None).expect("list")[0].status, "expired");

    // Daily snapshots (the trend) see the acceptance on the days it was valid.
    store
        .refresh_snapshots(&catalog, NaiveDate::from_ymd_opt(2026, 3, 20).expect("day"))
        .expect("snapshots");
    let day_status = |d: &str| -> String {
        store
            .conn()
            .query_row(
                "SELECT status FROM snapshot_requirements WHERE framework = 'hipaa' AND requirement = ?1 AND day = ?2",
                [REQ, d],
                |r| r.get(0),
            )
            .expect("snapshot")
    };
    assert_eq!(day_status("2026-03-01"), "failing");
    assert_eq!(day_status("2026-03-05"), "passing");
    assert_eq!(day_status("2026-03-12"), "failing", "expired on the 12th");
}

#[test]
fn a_revoked_acceptance_stops_applying_at_once() {
    let (_d, mut store, catalog) = workspace(vec![rds3("db-1", "111122223333", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    let id = store
        .accept(
            &catalog,
            &accept(Scope::Control("RDS.3".into()), now + 30 * DAY),
            "ciso",
            now,
        )
        .expect("accept");
    assert_eq!(
        req(&hipaa(&store, &catalog, now + DAY), "hipaa", REQ).status,
        RequirementStatus::Passing
    );
    store
        .revoke(id, "ciso", "the database is still in use", now + 2 * DAY)
        .expect("revoke");
    assert_eq!(
        req(&hipaa(&store, &catalog, now + 2 * DAY), "hipaa", REQ).status,
        RequirementStatus::Failing
    );
    assert_eq!(
        req(&hipaa(&store, &catalog, now + DAY), "hipaa", REQ).status,
        RequirementStatus::Passing,
        "before the revocation"
    );
    let l = list(store.conn(), now + 3 * DAY, None).expect("list");
    assert_eq!(l[0].status, "revoked");
    assert_eq!(l[0].revoked_by.as_deref(), Some("ciso"));
    let again = store.revoke(id, "ciso", "twice", now + 3 * DAY).expect_err("twice");
    assert!(again.to_string().contains("already revoked"), "{again}");
}

#[test]
fn a_scoped_acceptance_covers_only_its_accounts_and_a_requirement_acceptance_only_its_requirement() {
    let (_d, mut store, catalog) = workspace(vec![
        rds3("db-a", "111111111111", "FAILED"),
        rds3("db-b", "222222222222", "FAILED"),
    ]);
    let now = ms("2026-03-02T00:00:00Z");
    let mut a = accept(Scope::Control("RDS.3".into()), now + 30 * DAY);
    a.accounts = vec!["111111111111".into()];
    store.accept(&catalog, &a, "ciso", now).expect("accept");
    let p = posture(store.conn(), &catalog, None, None, now + DAY).expect("posture");
    let r = req(&p, "hipaa", REQ);
    assert_eq!((r.status, r.failed, r.accepted), (RequirementStatus::Failing, 1, 1));

    // Accepting the requirement covers db-b there, but not in the other frameworks.
    store
        .accept(
            &catalog,
            &accept(Scope::Requirement(format!("hipaa:{REQ}")), now + 30 * DAY),
            "ciso",
            now,
        )
        .expect("accept");
    let p = posture(store.conn(), &catalog, None, None, now + DAY).expect("posture");
    let r = req(&p, "hipaa", REQ);
    assert_eq!((r.status, r.failed, r.accepted), (RequirementStatus::Passing, 0, 2));
    let elsewhere: Vec<_> = p
        .frameworks
        .iter()
        .filter(|f| f.id != "hipaa")
        .flat_map(|f| f.requirements.iter())
        .filter(|r| r.controls.iter().any(|c| c.id == "RDS.3"))
        .collect();
    assert!(!elsewhere.is_empty());
    for r in elsewhere {
        assert_eq!((r.failed, r.accepted), (1, 1), "{}", r.id);
    }
}

#[test]
fn bad_acceptances_are_refused_naming_the_problem() {
    let (_d, mut store, catalog) = workspace(vec![rds3("db-1", "111122223333", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    let refused = |store: &mut Store, a: NewAcceptance| -> String {
        store
            .accept(&catalog, &a, "ciso", now)
            .expect_err("refused")
            .to_string()
    };
    let mut a = accept(Scope::Finding("db-1".into()), now + DAY);
    a.reason = " ".into();
    assert_eq!(refused(&mut store, a), "reason: required");
    let past = refused(&mut store, accept(Scope::Finding("db-1".into()), now - DAY));
    assert!(
        past.starts_with("expires:") && past.contains("not in the future"),
        "{past}"
    );
    let far = refused(&mut store, accept(Scope::Finding("db-1".into()), now + 400 * DAY));
    assert!(
        far.contains("more than 365 days") && far.contains("max_acceptance_days"),
        "{far}"
    );
    let unknown = refused(&mut store, accept(Scope::Finding("nope".into()), now + DAY));
    assert!(unknown.contains("no finding has the id"), "{unknown}");
    let manual = store
        .accept(
            &catalog,
            &accept(Scope::Requirement("hipaa:164.308(a)(1)(ii)(A)".into()), now + DAY),
            "x",
            now,
        )
        .expect_err("manual");
    assert!(
        matches!(manual, StoreError::Invalid(_) | StoreError::NotFound(_)),
        "{manual}"
    );
    let mut a = accept(Scope::Control("RDS.3".into()), now + DAY);
    a.accounts = vec!["12345".into()];
    assert!(refused(&mut store, a).starts_with("accounts:"));
    assert_eq!(
        list(store.conn(), now, None).expect("list").len(),
        0,
        "nothing was recorded"
    );

    // The maximum is a setting (and its change is audited).
    store
        .set_settings(
            &Settings {
                sla_days: SlaDays::default(),
                max_acceptance_days: 500,
                sync: Default::default(),
            },
            "admin",
            now,
        )
        .expect("settings");
    assert_eq!(settings(store.conn()).expect("settings").max_acceptance_days, 500);
    store
        .accept(
            &catalog,
            &accept(Scope::Finding("db-1".into()), now + 400 * DAY),
            "ciso",
            now,
        )
        .expect("within the new maximum");
    let bad = store
        .set_settings(
            &Settings {
                sla_days: SlaDays {
                    critical: 90,
                    high: 30,
                    medium: 90,
                    low: 180,
                },
                max_acceptance_days: 365,
                sync: Default::default(),
            },
            "admin",
            now,
        )
        .expect_err("critical > high");
    assert!(bad.to_string().starts_with("sla_days:"), "{bad}");
}

#[test]
fn sync_defaults_are_checked_kept_and_audited() {
    let (_d, mut store, _catalog) = workspace(vec![rds3("db-1", "111122223333", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    assert_eq!(settings(store.conn()).expect("settings").sync, SyncDefaults::default());
    let with = |profiles: &[&str], regions: &[&str], sources: &[&str]| Settings {
        sla_days: SlaDays::default(),
        max_acceptance_days: 365,
        sync: SyncDefaults {
            profiles: profiles.iter().map(|s| s.to_string()).collect(),
            regions: regions.iter().map(|s| s.to_string()).collect(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
        },
    };
    for (bad, field) in [
        (with(&["prod audit"], &[], &[]), "sync.profiles:"),
        (with(&[], &["eu-west"], &[]), "sync.regions:"),
        (with(&[], &["EU-WEST-1"], &[]), "sync.regions:"),
        (with(&[], &[], &["guardduty"]), "sync.sources:"),
    ] {
        let e = store.set_settings(&bad, "admin", now).expect_err("refused");
        assert!(e.to_string().starts_with(field), "{e}");
    }
    assert_eq!(settings(store.conn()).expect("settings").sync, SyncDefaults::default());
    store
        .set_settings(
            &with(&["prod", " prod "], &["eu-west-1", "us-gov-west-1"], &["config"]),
            "admin",
            now,
        )
        .expect("valid");
    let kept = settings(store.conn()).expect("settings").sync;
    assert_eq!(kept.profiles, ["prod"], "trimmed and deduplicated");
    assert_eq!(kept.regions, ["eu-west-1", "us-gov-west-1"]);
    assert_eq!(kept.sources, ["config"]);
    let log = rampart_core::store::audit::entries(store.conn(), 10).expect("audit");
    assert!(
        log.iter()
            .any(|e| e.subject == "setting:sync_defaults" && e.actor == "admin"),
        "the change is in the audit log"
    );
}

/// A workspace with an acceptance, a revocation, an attestation and a settings change.
fn audited() -> (tempfile::TempDir, Store) {
    let (d, mut store, catalog) = workspace(vec![rds3("db-1", "111122223333", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    let id = store
        .accept(&catalog, &accept(Scope::Finding("db-1".into()), now + DAY), "ciso", now)
        .expect("accept");
    store.revoke(id, "ciso", "fixed instead", now + 1).expect("revoke");
    store
        .attest(&NewAttestation {
            framework: "api12".into(),
            requirement: "API-6".into(),
            by: "officer".into(),
            statement: "Reviewed".into(),
            at: now + 2,
            expires_at: None,
            evidence: None,
        })
        .expect("attest");
    store
        .set_settings(
            &Settings {
                sla_days: SlaDays {
                    critical: 3,
                    ..SlaDays::default()
                },
                max_acceptance_days: 365,
                sync: Default::default(),
            },
            "admin",
            now + 3,
        )
        .expect("settings");
    (d, store)
}

fn tamper(store: &Store, sql: &str) {
    store
        .conn()
        .execute_batch(&format!(
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
             DROP TRIGGER acceptances_no_update; {sql}"
        ))
        .expect("tamper");
}

#[test]
fn the_audit_log_is_chained_and_verify_names_what_was_tampered_with() {
    let (_d, store) = audited();
    let report = verify(store.conn()).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.entries, 4);
    let entries = rampart_core::store::audit::entries(store.conn(), 10).expect("entries");
    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "acceptance.create",
            "acceptance.revoke",
            "attestation.create",
            "setting.change"
        ]
    );
    for pair in entries.windows(2) {
        assert_eq!(pair[0].prev_hash, pair[1].hash);
    }
    // The triggers refuse edits through SQL.
    for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"] {
        let err = store.conn().execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{err}");
    }
}

#[test]
fn verify_detects_an_edited_entry() {
    let (_d, store) = audited();
    tamper(&store, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2;");
    let r = verify(store.conn()).expect("verify");
    assert!(!r.ok());
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("entry 2 (acceptance.revoke acceptance:1) was edited")),
        "{:?}",
        r.problems
    );
}

#[test]
fn verify_detects_a_deleted_entry_in_the_middle_and_at_the_end() {
    let (_d, store) = audited();
    tamper(&store, "DELETE FROM audit_log WHERE seq = 2;");
    let r = verify(store.conn()).expect("verify");
    assert!(
        r.problems.iter().any(|p| p == "entry 2 is missing (deleted)"),
        "{:?}",
        r.problems
    );
    assert!(
        r.problems.iter().any(|p| p.starts_with("entry 3 does not follow")),
        "{:?}",
        r.problems
    );

    let (_d2, store) = audited();
    tamper(&store, "DELETE FROM audit_log WHERE seq = 4;");
    let r = verify(store.conn()).expect("verify");
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("entries 4 to 4 are missing (the newest entries were deleted)")),
        "{:?}",
        r.problems
    );
}

#[test]
fn verify_detects_an_edited_acceptance() {
    let (_d, store) = audited();
    tamper(
        &store,
        "UPDATE acceptances SET expires_at = expires_at + 999999999 WHERE id = 1;",
    );
    let r = verify(store.conn()).expect("verify");
    assert_eq!(
        r.problems,
        vec!["acceptance.create acceptance:1 was edited after it was recorded".to_string()]
    );
}

#[test]
fn owners_are_assigned_most_specific_first_and_the_sla_is_shown_per_owner() {
    use rampart_core::query::sla::by_owner;
    use rampart_core::store::owners::OwnerScope;
    let (_d, mut store, catalog) = workspace(vec![
        rds3("db-a", "111111111111", "FAILED"),
        rds3("db-b", "222222222222", "FAILED"),
        rds3("db-c", "222222222222", "FAILED"),
        rds3("db-ok", "222222222222", "PASSED"),
    ]);
    let now = ms("2026-05-01T00:00:00Z"); // first seen 2026-03-01, HIGH: due after 30 days
    store
        .assign_owner(OwnerScope::Control, "RDS.3", "dba-team", "lead", now)
        .expect("assign");
    store
        .assign_owner(OwnerScope::Account, "222222222222", "payments", "lead", now)
        .expect("assign");
    store
        .assign_owner(OwnerScope::Finding, "db-c", "alice", "lead", now)
        .expect("assign");
    let err = store
        .assign_owner(OwnerScope::Account, "12", "x", "lead", now)
        .expect_err("bad account");
    assert!(err.to_string().starts_with("account:"), "{err}");
    // The control's owner beats the account's; the finding's beats both.
    let per = by_owner(store.conn(), now).expect("by owner");
    let get = |o: &str| per.iter().find(|p| p.owner.as_deref() == Some(o)).cloned();
    assert_eq!(get("dba-team").map(|p| (p.open, p.overdue)), Some((2, 2)));
    assert_eq!(get("alice").map(|p| (p.open, p.overdue)), Some((1, 1)));
    assert!(get("payments").is_none());
    assert_eq!(per[0].most_overdue_days, Some(31));

    // Clearing the control level lets the account's owner through; accepted risks are
    // counted apart and are not overdue.
    store
        .assign_owner(OwnerScope::Control, "RDS.3", "", "lead", now)
        .expect("clear");
    store
        .accept(
            &catalog,
            &accept(Scope::Finding("db-b".into()), now + 10 * DAY),
            "ciso",
            now,
        )
        .expect("accept");
    let per = by_owner(store.conn(), now).expect("by owner");
    let get = |o: Option<&str>| per.iter().find(|p| p.owner.as_deref() == o).cloned();
    assert_eq!(
        get(Some("payments")).map(|p| (p.open, p.overdue, p.accepted)),
        Some((0, 0, 1))
    );
    assert_eq!(get(None).map(|p| p.open), Some(1), "db-a has no owner now");

    // Assignments are audited like everything else.
    assert!(verify(store.conn()).expect("verify").ok());
    store
        .conn()
        .execute_batch(
            "DROP TRIGGER owner_assignments_no_update; UPDATE owner_assignments SET owner = 'mallory' WHERE id = 3;",
        )
        .expect("tamper");
    let r = verify(store.conn()).expect("verify");
    assert_eq!(
        r.problems,
        vec!["owner.assign owner:3 was edited after it was recorded".to_string()]
    );
}

/// The rows of every append-only governance table and of the audit log.
fn governance_rows(store: &Store) -> Vec<i64> {
    [
        "attestations",
        "acceptances",
        "acceptance_revocations",
        "owner_assignments",
        "audit_log",
    ]
    .iter()
    .map(|t| {
        store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .expect("count")
    })
    .collect()
}

/// A page's `attest` call with a 20 MB statement grew the append-only tables by 86 MB for
/// ever (#20, item 6). Text over its limit is now refused, naming the field and the
/// maximum, before anything is written; text at the limit is kept.
#[test]
fn a_20_mb_statement_is_refused_and_nothing_is_written() {
    use rampart_core::limits::{PERSON_CHARS, REASON_CHARS, STATEMENT_CHARS};
    use rampart_core::store::owners::OwnerScope;
    let (_d, mut store, catalog) = workspace(vec![rds3("db-1", "111122223333", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    const MANUAL: &str = "164.308(a)(1)(ii)(A)";
    let to_revoke = store
        .accept(&catalog, &accept(Scope::Finding("db-1".into()), now + DAY), "ciso", now)
        .expect("accept");
    let before = governance_rows(&store);

    let huge = "x".repeat(20 * 1024 * 1024);
    let err = NewAttestation::checked(&catalog, "hipaa", MANUAL, "officer", &huge, None, None, now)
        .expect_err("a 20 MB statement");
    assert_eq!(
        err.to_string(),
        format!(
            "statement: too long: {} characters; at most {STATEMENT_CHARS} are allowed",
            huge.len()
        )
    );
    let long_name = "n".repeat(PERSON_CHARS + 1);
    let err =
        NewAttestation::checked(&catalog, "hipaa", MANUAL, &long_name, "s", None, None, now).expect_err("a long name");
    assert!(err.to_string().starts_with("by: too long: 201 characters"), "{err}");

    let refused = |store: &mut Store, a: NewAcceptance| store.accept(&catalog, &a, "ciso", now).expect_err("refused");
    let mut a = accept(Scope::Finding("db-1".into()), now + DAY);
    a.reason = huge.clone();
    let err = refused(&mut store, a);
    assert!(matches!(&err, StoreError::Invalid(i) if i.field == "reason"), "{err}");
    assert!(
        err.to_string()
            .ends_with(&format!("at most {REASON_CHARS} are allowed")),
        "{err}"
    );
    for field in ["owner", "approver"] {
        let mut a = accept(Scope::Finding("db-1".into()), now + DAY);
        *(if field == "owner" {
            &mut a.owner
        } else {
            &mut a.approver
        }) = long_name.clone();
        let err = refused(&mut store, a);
        assert!(err.to_string().starts_with(&format!("{field}: too long")), "{err}");
    }
    let mut a = accept(Scope::Control("RDS.3".into()), now + DAY);
    a.resources = (0..1001)
        .map(|i| format!("arn:aws:rds:eu-west-1:111122223333:db:{i}"))
        .collect();
    let err = refused(&mut store, a);
    assert_eq!(err.to_string(), "resources: 1001 entries; at most 1000 are allowed");

    let err = store.revoke(to_revoke, "ciso", &huge, now).expect_err("a 20 MB reason");
    assert!(err.to_string().starts_with("reason: too long"), "{err}");
    let err = store
        .assign_owner(OwnerScope::Control, "RDS.3", &huge, "lead", now)
        .expect_err("a 20 MB owner");
    assert!(err.to_string().starts_with("owner: too long"), "{err}");
    let err = store
        .assign_owner(OwnerScope::Control, &huge, "dba-team", "lead", now)
        .expect_err("a 20 MB control id");
    assert!(err.to_string().starts_with("control: too long"), "{err}");

    assert_eq!(governance_rows(&store), before, "nothing was written");

    // At the limits (counted in characters, not bytes), everything is kept.
    let name = "é".repeat(PERSON_CHARS);
    let statement = "s".repeat(STATEMENT_CHARS);
    let a =
        NewAttestation::checked(&catalog, "hipaa", MANUAL, &name, &statement, None, None, now).expect("at the limits");
    store.attest(&a).expect("attest");
    store
        .revoke(to_revoke, &name, &"r".repeat(REASON_CHARS), now)
        .expect("revoke");
    assert!(verify(store.conn()).expect("verify").ok());
}

#[test]
fn acceptances_are_listed_with_what_they_cover_in_words() {
    let (_d, mut store, catalog) = workspace(vec![rds3("db-a", "111111111111", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    for scope in [
        Scope::Control("RDS.3".into()),
        Scope::Requirement(format!("hipaa:{REQ}")),
        Scope::Finding("db-a".into()),
    ] {
        store
            .accept(&catalog, &accept(scope, now + 30 * DAY), "ciso", now)
            .expect("accept");
    }
    let mut listed = list(store.conn(), now + DAY, None).expect("list");
    assert!(listed.iter().all(|a| a.title.is_none()), "named only when asked");
    rampart_core::store::acceptances::name_targets(store.conn(), &catalog, &mut listed).expect("names");
    let title = |kind: &str| {
        listed
            .iter()
            .find(|a| {
                matches!(
                    (&a.scope, kind),
                    (Scope::Control(_), "control")
                        | (Scope::Requirement(_), "requirement")
                        | (Scope::Finding(_), "finding")
                )
            })
            .and_then(|a| a.title.clone())
    };
    assert_eq!(title("control"), catalog.controls.get("RDS.3").map(|c| c.title.clone()));
    assert_eq!(
        title("requirement"),
        Some(
            catalog
                .find_requirement("hipaa", REQ)
                .expect("requirement")
                .title
                .clone()
        )
    );
    assert_eq!(title("finding").as_deref(), Some("RDS.3"), "the finding's own title");
}

#[test]
fn an_acceptance_is_renewed_in_one_step_linked_to_the_one_it_renews() {
    let (_d, mut store, catalog) = workspace(vec![rds3("db-a", "111111111111", "FAILED")]);
    let now = ms("2026-03-02T00:00:00Z");
    let first = store
        .accept(
            &catalog,
            &accept(Scope::Control("RDS.3".into()), now + 10 * DAY),
            "ciso",
            now,
        )
        .expect("accept");
    let before = list(store.conn(), now + DAY, Some(14)).expect("list");
    assert!(
        before.iter().any(|a| a.id == first && a.expiring_soon),
        "expiring within 14 days"
    );
    let mut renewal = accept(Scope::Control("RDS.3".into()), now + 90 * DAY);
    renewal.renews = Some(first);
    let second = store.accept(&catalog, &renewal, "ciso", now + DAY).expect("renew");
    let listed = list(store.conn(), now + 2 * DAY, None).expect("list");
    let get = |id: i64| listed.iter().find(|a| a.id == id).expect("listed").clone();
    assert_eq!((get(first).renewed_by, get(second).renews), (Some(second), Some(first)));
    assert!(
        !get(first).expiring_soon,
        "a renewed acceptance carries on in its renewal"
    );
    assert!(list(store.conn(), now + 2 * DAY, Some(14)).expect("list").is_empty());
    // The audit log records the link, and the chain still verifies with old records unchanged.
    let entries = rampart_core::store::audit::entries(store.conn(), 10).expect("audit");
    assert!(
        entries[0].details.contains(&format!("\"renews\":{first}")),
        "{}",
        entries[0].details
    );
    assert!(!entries[1].details.contains("renews"), "{}", entries[1].details);
    let report = verify(store.conn()).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);

    // A renewal keeps the scope, and a revoked acceptance is not renewed.
    let mut other = accept(Scope::Requirement(format!("hipaa:{REQ}")), now + 30 * DAY);
    other.renews = Some(first);
    let refused = store
        .accept(&catalog, &other, "ciso", now + DAY)
        .expect_err("other scope");
    assert!(refused.to_string().contains("keeps the scope"), "{refused}");
    store.revoke(second, "ciso", "fixed", now + 3 * DAY).expect("revoke");
    let mut again = accept(Scope::Control("RDS.3".into()), now + 60 * DAY);
    again.renews = Some(second);
    let refused = store
        .accept(&catalog, &again, "ciso", now + 4 * DAY)
        .expect_err("revoked");
    assert!(refused.to_string().contains("was revoked"), "{refused}");
    again.renews = Some(999);
    assert!(matches!(
        store.accept(&catalog, &again, "ciso", now + 4 * DAY),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn the_explorer_lists_exactly_what_an_acceptance_covers() {
    use rampart_core::query::findings::{findings_page, FindingsQuery};
    let (_d, mut store, catalog) = workspace(vec![
        rds3("db-a", "111111111111", "FAILED"),
        rds3("db-b", "222222222222", "FAILED"),
        rds3("db-c", "111111111111", "PASSED"),
    ]);
    let now = ms("2026-03-02T00:00:00Z");
    let mut a = accept(Scope::Control("RDS.3".into()), now + 30 * DAY);
    a.accounts = vec!["111111111111".into()];
    let id = store.accept(&catalog, &a, "ciso", now).expect("accept");
    let listed = list(store.conn(), now + DAY, None).expect("list");
    let covers = listed.iter().find(|x| x.id == id).expect("listed").covers;
    let q = FindingsQuery {
        acceptance: Some(id),
        page: 1,
        page_size: 50,
        ..Default::default()
    };
    let page = findings_page(store.conn(), &q, now + DAY).expect("page");
    assert_eq!(
        page.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["db-a"],
        "failing, in its account"
    );
    assert_eq!(page.total, covers, "what 'Covers N' counts");
    let none = FindingsQuery {
        acceptance: Some(id + 100),
        ..q
    };
    assert_eq!(findings_page(store.conn(), &none, now + DAY).expect("page").total, 0);
}
