//! What the integration tests share: timestamps written as text, and findings imported
//! into a store as one ASFF export.

use rampart_core::catalog::Catalog;
use rampart_core::time::parse_ts;
use rampart_core::{ImportInput, Store};
use serde_json::json;

/// An RFC 3339 timestamp in ms.
pub fn ms(s: &str) -> i64 {
    parse_ts(s).expect("timestamp")
}

/// Imports `findings` as one Security Hub export named `label`, observed at `at` (ms), and
/// maps them with `catalog`.
pub fn import_findings(store: &mut Store, catalog: &Catalog, label: &str, at: i64, findings: Vec<serde_json::Value>) {
    let body = serde_json::to_vec(&json!({ "Findings": findings })).expect("json");
    store
        .import(vec![ImportInput::new(label, std::io::Cursor::new(body))], &|| at)
        .expect("import");
    store.ensure_mapped(catalog).expect("map");
}
