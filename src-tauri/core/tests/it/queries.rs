//! Query answers as data. Each case is a folder `tests/fixtures/<question>/<case>/` for the
//! questions `posture`, `sla`, `changes` and `trend`: AWS export files named by the day
//! they arrived (`YYYY-MM-DD.json`, imported in that order and observed at noon UTC),
//! `question.json` (the question's parameters, `now` among them) and `expected.json` (the
//! answer as the window and `--format json` receive it). `BLESS=1` rewrites the answers.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rampart_core::catalog::Catalog;
use rampart_core::import::ImportOptions;
use rampart_core::query::{changes, posture, sla, trend};
use rampart_core::time::{day_of_ms, end_of_day_ms, start_of_day_ms, DAY_MS};
use rampart_core::{ImportInput, Store};
use serde_json::Value;

use crate::support::ms;

/// The fixtures of one question, one folder per case, sorted.
fn cases(question: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(question);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    assert!(!found.is_empty(), "{}: no cases", dir.display());
    found
}

/// A workspace holding the case's exports, each imported on its own day, mapped.
fn workspace(case: &Path, catalog: &Catalog) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db")).expect("open");
    let mut files: Vec<PathBuf> = std::fs::read_dir(case)
        .expect("case")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.ends_with(".json") && NaiveDate::parse_from_str(&name[..name.len() - 5], "%Y-%m-%d").is_ok()
        })
        .collect();
    files.sort();
    for file in files {
        let day = file.file_stem().expect("stem").to_string_lossy().into_owned();
        let at = start_of_day_ms(NaiveDate::parse_from_str(&day, "%Y-%m-%d").expect("day")) + DAY_MS / 2;
        let input =
            ImportInput::new(day, std::fs::File::open(&file).expect("open export")).with_options(ImportOptions {
                observed_at: Some(at),
                ..ImportOptions::default()
            });
        store.import(vec![input], &|| at).expect("import");
    }
    store.ensure_mapped(catalog).expect("map");
    (dir, store)
}

fn json<T: serde::Serialize>(answer: Result<T, rampart_core::StoreError>) -> Value {
    serde_json::to_value(answer.expect("answer")).expect("json")
}

fn text<'a>(q: &'a Value, key: &str) -> Option<&'a str> {
    q.get(key).and_then(Value::as_str)
}

fn day(q: &Value, key: &str) -> Option<NaiveDate> {
    text(q, key).map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a day as YYYY-MM-DD"))
}

/// Asks `question` of the case's workspace, as `question.json` words it.
fn answer(question: &str, case: &Path) -> Value {
    let catalog = Catalog::builtin().expect("catalog");
    let q: Value = serde_json::from_str(&std::fs::read_to_string(case.join("question.json")).expect("question.json"))
        .expect("question.json is JSON");
    let now = ms(text(&q, "now").expect("question.json names `now`"));
    let (_dir, mut store) = workspace(case, &catalog);
    let framework = text(&q, "framework");
    match question {
        "posture" => json(posture::posture(
            store.conn(),
            &catalog,
            framework,
            day(&q, "at").map(end_of_day_ms),
            now,
        )),
        "sla" => json(sla::summary(store.conn(), now)),
        "changes" => {
            let since = day(&q, "since").expect("question.json names `since`");
            let (since, until) = changes::window(since, day(&q, "until"), now).expect("window");
            json(changes::changes(store.conn(), since, until))
        }
        "trend" => {
            let today = day_of_ms(now);
            store.refresh_snapshots(&catalog, today).expect("snapshots");
            let days = q.get("days").and_then(Value::as_u64).expect("days") as u32;
            let (from, to) = trend::window(days, day(&q, "until"), today).expect("window");
            let weekly = q.get("weekly").and_then(Value::as_bool).unwrap_or(false);
            json(trend::trend(store.conn(), &catalog, framework, from, to, weekly))
        }
        other => panic!("no question {other:?}"),
    }
}

#[test]
fn every_question_answers_as_recorded() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut problems = Vec::new();
    for question in ["posture", "sla", "changes", "trend"] {
        for case in cases(question) {
            let got = answer(question, &case);
            let file = case.join("expected.json");
            if bless {
                let text = serde_json::to_string_pretty(&got).expect("json") + "\n";
                std::fs::write(&file, text).expect("write expected.json");
                continue;
            }
            let want: Value = std::fs::read_to_string(&file)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null);
            if got != want {
                problems.push(format!(
                    "{}: the answer differs from expected.json; got:\n{}",
                    case.display(),
                    serde_json::to_string_pretty(&got).expect("json")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(BLESS=1 cargo test -p rampart-core every_question rewrites expected.json)",
        problems.join("\n\n")
    );
}
