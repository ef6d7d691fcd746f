//! The TypeScript types in `ui/src/lib/backend/bindings/` are generated from the Rust
//! types that cross IPC. This test fails when a committed file is stale, missing or no
//! longer generated; `BLESS=1 cargo test -p rampart --test it bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::Path;

use rampart_app::{ExportFormat, ExportKind, ExportRequest, IpcError, WorkspaceStatus};
use rampart_core::model::{RecordState, Resource, Severity, Source, Status, Vulnerability};
use rampart_core::query::changes::{ChangeCounts, ChangeGroup, ChangedFinding, Changes};
use rampart_core::query::findings::{FindingRow, FindingsPage, FindingsQuery};
use rampart_core::query::overview::{
    AccountCount, GroupCount, Overview, SeverityCount, Totals, UnitCount, WorkspaceInfo,
};
use rampart_core::query::posture::{ControlPosture, FrameworkPosture, Posture, RequirementPosture, RequirementStatus};
use rampart_core::query::requirement::{ControlDetail, EvidenceView, FailingFinding, RequirementDetail};
use rampart_core::query::sla::{SeveritySla, SlaSummary};
use rampart_core::query::trend::{FrameworkTrend, Trend, TrendPoint};
use rampart_core::store::acceptances::{Acceptance, NewAcceptance, Scope};
use rampart_core::store::attestations::Attestation;
use rampart_core::store::audit::{AuditEntry, AuditReport};
use rampart_core::store::imports::ImportSummary;
use rampart_core::store::settings::{Settings, SlaDays};
use rampart_core::ErrorCode;
use ts_rs::{Config, TS};

fn generated() -> BTreeMap<String, String> {
    fn one<T: TS + 'static>(cfg: &Config, out: &mut BTreeMap<String, String>) {
        let name = T::ident(cfg);
        let text = T::export_to_string(cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.insert(format!("{name}.ts"), text);
    }
    let cfg = Config::new();
    let mut out = BTreeMap::new();
    one::<Severity>(&cfg, &mut out);
    one::<Status>(&cfg, &mut out);
    one::<Source>(&cfg, &mut out);
    one::<RecordState>(&cfg, &mut out);
    one::<Resource>(&cfg, &mut out);
    one::<Vulnerability>(&cfg, &mut out);
    one::<WorkspaceInfo>(&cfg, &mut out);
    one::<Totals>(&cfg, &mut out);
    one::<SeverityCount>(&cfg, &mut out);
    one::<GroupCount>(&cfg, &mut out);
    one::<AccountCount>(&cfg, &mut out);
    one::<UnitCount>(&cfg, &mut out);
    one::<rampart_core::store::accounts::AccountInfo>(&cfg, &mut out);
    one::<rampart_core::store::accounts::OrgUnit>(&cfg, &mut out);
    one::<rampart_core::store::accounts::AccountsView>(&cfg, &mut out);
    one::<ImportSummary>(&cfg, &mut out);
    one::<Overview>(&cfg, &mut out);
    one::<WorkspaceStatus>(&cfg, &mut out);
    one::<ErrorCode>(&cfg, &mut out);
    one::<IpcError>(&cfg, &mut out);
    one::<RequirementStatus>(&cfg, &mut out);
    one::<ControlPosture>(&cfg, &mut out);
    one::<RequirementPosture>(&cfg, &mut out);
    one::<FrameworkPosture>(&cfg, &mut out);
    one::<Posture>(&cfg, &mut out);
    one::<Attestation>(&cfg, &mut out);
    one::<EvidenceView>(&cfg, &mut out);
    one::<rampart_core::catalog::Remediation>(&cfg, &mut out);
    one::<rampart_core::catalog::CliKind>(&cfg, &mut out);
    one::<FailingFinding>(&cfg, &mut out);
    one::<ControlDetail>(&cfg, &mut out);
    one::<RequirementDetail>(&cfg, &mut out);
    one::<TrendPoint>(&cfg, &mut out);
    one::<FrameworkTrend>(&cfg, &mut out);
    one::<Trend>(&cfg, &mut out);
    one::<ChangeCounts>(&cfg, &mut out);
    one::<ChangeGroup>(&cfg, &mut out);
    one::<ChangedFinding>(&cfg, &mut out);
    one::<Changes>(&cfg, &mut out);
    one::<Scope>(&cfg, &mut out);
    one::<NewAcceptance>(&cfg, &mut out);
    one::<Acceptance>(&cfg, &mut out);
    one::<Settings>(&cfg, &mut out);
    one::<AuditEntry>(&cfg, &mut out);
    one::<AuditReport>(&cfg, &mut out);
    one::<ExportFormat>(&cfg, &mut out);
    one::<ExportKind>(&cfg, &mut out);
    one::<ExportRequest>(&cfg, &mut out);
    one::<FindingRow>(&cfg, &mut out);
    one::<FindingsQuery>(&cfg, &mut out);
    one::<FindingsPage>(&cfg, &mut out);
    one::<SlaDays>(&cfg, &mut out);
    one::<SeveritySla>(&cfg, &mut out);
    one::<SlaSummary>(&cfg, &mut out);
    one::<rampart_core::query::overview::SyncHealth>(&cfg, &mut out);
    one::<rampart_core::query::overview::SyncFailure>(&cfg, &mut out);
    one::<rampart_aws::profiles::AwsProfile>(&cfg, &mut out);
    one::<rampart_core::store::settings::SyncDefaults>(&cfg, &mut out);
    one::<rampart_core::store::owners::OwnerScope>(&cfg, &mut out);
    one::<rampart_core::store::owners::OwnerAssignment>(&cfg, &mut out);
    one::<rampart_core::query::sla::OwnerSla>(&cfg, &mut out);
    one::<rampart_app::OwnersView>(&cfg, &mut out);
    one::<rampart_app::CatalogFileInfo>(&cfg, &mut out);
    one::<rampart_app::FrameworkInfo>(&cfg, &mut out);
    one::<rampart_app::CatalogInfo>(&cfg, &mut out);
    one::<rampart_app::WorkspaceDetails>(&cfg, &mut out);
    one::<rampart_app::ChosenEvidence>(&cfg, &mut out);
    one::<rampart_core::query::findings::HistoryEvent>(&cfg, &mut out);
    one::<rampart_core::query::findings::FindingDetail>(&cfg, &mut out);
    one::<rampart_core::query::findings::RawDocument>(&cfg, &mut out);
    one::<rampart_core::sync::SyncTarget>(&cfg, &mut out);
    one::<rampart_core::sync::SourceStatus>(&cfg, &mut out);
    one::<rampart_core::sync::ErrorKind>(&cfg, &mut out);
    one::<rampart_core::sync::SyncEvent>(&cfg, &mut out);
    one::<rampart_app::sync::SyncRequest>(&cfg, &mut out);
    one::<rampart_app::sync::TargetReport>(&cfg, &mut out);
    one::<rampart_app::sync::SyncReport>(&cfg, &mut out);
    out
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/bindings");
    let want = generated();
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(&dir).expect("create bindings folder");
        for entry in std::fs::read_dir(&dir).expect("read bindings") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "ts") {
                std::fs::remove_file(path).expect("remove stale binding");
            }
        }
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).expect("write binding");
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &want {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(found) if &found == text => {}
            Ok(_) => problems.push(format!("{name} is stale")),
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).expect("read bindings") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") && !want.contains_key(&name) {
            problems.push(format!("{name} is no longer generated"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nrun `BLESS=1 cargo test -p rampart --test it bindings` and commit the result",
        problems.join("\n")
    );
}
