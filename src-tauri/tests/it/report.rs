//! Reports as a user makes them: the real binary writes the PDFs, which are read back with
//! `pdftotext` and compared with the posture and report JSON of the same workspace; the
//! CSV export round-trips; strings full of Typst markup cannot change the layout.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{demo_workspace, json as json_of, ok, rampart};
use serde_json::{json, Value};

/// The demo workspace these tests share.
fn demo() -> &'static Path {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    DEMO.get_or_init(|| demo_workspace(None))
}

/// The PDF's text with all whitespace (and the zero-width break hints) removed, so that
/// line wrapping does not matter.
fn pdf_text(pdf: &Path) -> (String, String) {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    (squash(&text), text)
}

/// The PDF's lines as `pdftotext -layout` places them, each squashed: a table row is one line.
fn pdf_rows(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout).lines().map(squash).collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect()
}

/// A score as the report prints it: percent rounded to one decimal, no trailing ".0".
/// A framework's row in the PDFs' score table, squashed: its name, score, requirements
/// fully met (N of M) and control score, as posture computes them.
fn score_row(f: &Value) -> String {
    let met = f["passing"].as_u64().expect("passing");
    let scored = met + f["failing"].as_u64().expect("failing");
    squash(&format!(
        "{}{}{met} of {scored}{}",
        f["name"].as_str().expect("name"),
        pct(&f["score"]),
        pct(&f["control_score"])
    ))
}

fn pct(v: &Value) -> String {
    match v.as_f64() {
        None => "—".into(),
        Some(x) => {
            let r = (x * 1000.0).round() / 10.0;
            if r.fract() == 0.0 {
                format!("{}%", r as i64)
            } else {
                format!("{r}%")
            }
        }
    }
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().expect("pages")))
        .expect("a page count")
}

#[test]
fn the_executive_summary_shows_the_posture_of_the_same_data() {
    let db = demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("exec.pdf");
    ok(rampart(
        db,
        &["report", "--format", "pdf", "--out", pdf.to_str().expect("path")],
    ));
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let model_path = dir.path().join("exec.json");
    ok(rampart(
        db,
        &[
            "report",
            "--format",
            "json",
            "--out",
            model_path.to_str().expect("path"),
        ],
    ));
    let model: Value = serde_json::from_slice(&std::fs::read(&model_path).expect("json")).expect("json");
    let posture = json_of(db, &["posture", "--format", "json"]);
    let (text, raw) = pdf_text(&pdf);
    let rows = pdf_rows(&pdf);

    // The demo says it is the demo; the moment is written as people write it; "What changed"
    // names frameworks (not `api12`), with numbers grouped by thousands.
    assert!(
        text.contains(&squash("Demo workspace, made-up data")),
        "the demo is marked"
    );
    assert!(
        !raw.contains(model["scope"]["as_of"].as_str().expect("as_of")),
        "a raw RFC 3339 moment is shown"
    );
    for pair in model["changes"]["by_framework"].as_array().expect("by_framework") {
        let (id, change) = (&pair[0], &pair[1]);
        let name = posture["frameworks"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| &f["id"] == id))
            .and_then(|f| f["name"].as_str())
            .expect("framework name");
        let row = squash(&format!(
            "{name} {} {} {}",
            change["new"], change["fixed"], change["regressed"]
        ));
        assert!(rows.iter().any(|r| r.contains(&row)), "{row} not in the PDF");
    }
    let active = model["active_findings"].as_u64().expect("active");
    assert!(active >= 1000, "the demo has thousands of findings");
    let grouped = format!("{},{:03}", active / 1000, active % 1000);
    assert!(
        text.contains(&squash(&format!("{grouped} active"))),
        "{grouped} active not in the PDF"
    );

    // Every framework's score and control score, as posture computes them, in its row.
    for f in posture["frameworks"].as_array().expect("frameworks") {
        let row = score_row(f);
        assert!(rows.iter().any(|r| r.contains(&row)), "{row} not in the PDF");
    }
    assert!(
        text.contains(&squash(
            "the share of its controls that pass, weighing critical controls 8"
        )),
        "the formula is stated"
    );
    // Requirement ids a reader searches for are in the text as written (the requirements
    // section lists every automated requirement with data).
    for id in ["164.312(b)", "Art.32", "API-5"] {
        assert!(raw.contains(id), "{id} is not in the PDF as written");
    }
    // The top risks are failing requirements with posture's counts, and the PDF lists them.
    let risks = model["top_risks"].as_array().expect("risks");
    assert!(!risks.is_empty());
    for r in risks {
        let (fw, req) = (
            r["framework"].as_str().expect("fw"),
            r["requirement"].as_str().expect("req"),
        );
        let p = posture["frameworks"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["id"] == fw))
            .and_then(|f| f["requirements"].as_array())
            .and_then(|rs| rs.iter().find(|x| x["id"] == req))
            .expect("in posture");
        assert_eq!(p["status"], "failing");
        assert_eq!(p["failed"], r["failed"]);
        assert!(
            text.contains(&squash(&format!("{fw}:{req}"))),
            "{fw}:{req} not in the PDF"
        );
        // Ids are printed as written, nothing inside them: the PDF can be searched for one.
        assert!(raw.contains(&format!("{fw}:{req}")), "{fw}:{req} is not written as is");
    }
    // The plan's controls and the latest overdue findings are there too.
    for p in model["plan"].as_array().expect("plan") {
        assert!(text.contains(p["control"].as_str().expect("control")));
    }
    for f in model["overdue"]["oldest"].as_array().expect("overdue").iter().take(5) {
        assert!(text.contains(&squash(f["title"].as_str().expect("title"))));
    }
    // The footer: page numbers and the fingerprint of the data (the same as the JSON's:
    // same data, same fingerprint).
    let n = pages(&pdf);
    assert!(n >= 3);
    assert!(raw.contains(&format!("Page 1 of {n}")) && raw.contains(&format!("Page {n} of {n}")));
    let fp = model["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(fp.len(), 64);
    assert!(text.contains(fp), "the fingerprint is printed");
}

#[test]
fn a_framework_report_lists_every_requirement_and_the_failing_controls() {
    let db = demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("hipaa.pdf");
    ok(rampart(
        db,
        &[
            "report",
            "--format",
            "pdf",
            "--framework",
            "hipaa",
            "--out",
            pdf.to_str().expect("path"),
        ],
    ));
    let posture = json_of(db, &["posture", "--framework", "hipaa", "--format", "json"]);
    let (text, _) = pdf_text(&pdf);
    let f = &posture["frameworks"][0];
    let row = score_row(f);
    assert!(pdf_rows(&pdf).iter().any(|r| r.contains(&row)), "{row} not in the PDF");
    for r in f["requirements"].as_array().expect("requirements") {
        let id = r["id"].as_str().expect("id");
        assert!(text.contains(&squash(id)), "{id} missing");
        for c in r["controls"].as_array().expect("controls") {
            if c["status"] == "failed" {
                assert!(text.contains(c["id"].as_str().expect("control")), "{} missing", c["id"]);
            }
        }
    }
    // Remediation steps and the manual requirements' attestation state.
    assert!(text.contains(&squash("Why it matters.")) && text.contains("Steps."));
    assert!(text.contains(&squash("164.316(b)(2)(i)")));
    assert!(text.contains("Attestations") && text.contains("Appendix"));
}

/// Every record of a CSV file (RFC 4180), the header first.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(s.as_bytes())
        .records()
        .map(|r| {
            r.expect("a well-formed CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn the_csv_export_round_trips() {
    let db = demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("findings.csv");
    ok(rampart(
        db,
        &[
            "report",
            "--format",
            "csv",
            "--framework",
            "gdpr",
            "--out",
            csv.to_str().expect("path"),
        ],
    ));
    let rows = parse_csv(&std::fs::read_to_string(&csv).expect("csv"));
    let header = &rows[0];
    assert_eq!(header[0], "id");
    assert!(header.contains(&"accepted".to_string()) && header.contains(&"requirements".to_string()));
    let listed = json_of(db, &["findings", "--framework", "gdpr", "--format", "json"]);
    let listed = listed.as_array().expect("findings");
    assert_eq!(rows.len() - 1, listed.len());
    for (row, f) in rows[1..].iter().zip(listed) {
        assert_eq!(row.len(), header.len(), "every row has every column");
        assert_eq!(row[0], f["id"].as_str().expect("id"));
        let title = header.iter().position(|h| h == "title").expect("title column");
        assert_eq!(&row[title], f["title"].as_str().expect("title"));
    }
}

#[test]
fn typst_markup_in_aws_strings_is_printed_as_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let now = chrono::Utc::now();
    let recent = (now - chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let long_token = "A".repeat(300);
    let hostile = [
        "#set page(width: 10pt) #panic(\"boom\")",
        "$x^2$ *bold* _under_ `raw` [link](javascript:alert(1)) <label> @ref",
        "= Heading \\ backslash // comment /* block */ #{ 1 + } #import \"/etc/passwd\"",
        "<script>alert(1)</script> ]] [[ }} {{ ## $$",
        // A bidi override and a zero-width space are shown for what they are.
        "Bucket \u{202e}olleh\u{200b} is public",
    ];
    let findings: Vec<Value> = hostile
        .iter()
        .enumerate()
        .map(|(i, title)| {
            json!({
                "SchemaVersion": "2018-10-08", "Id": format!("hostile-{i}-#[x]*"),
                "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
                "GeneratorId": "security-control/S3.5", "AwsAccountId": "111122223333",
                "CreatedAt": "2025-01-01T00:00:00Z", "UpdatedAt": recent,
                "FirstObservedAt": "2025-01-01T00:00:00Z",
                "Title": title, "Description": title, "Severity": {"Label": "CRITICAL"},
                "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::{long_token}-#{i}$[*]")}],
                "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.5"}, "RecordState": "ACTIVE"
            })
        })
        .collect();
    let file = dir.path().join("hostile.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&json!({ "Findings": findings })).expect("json"),
    )
    .expect("write");
    ok(rampart(&db, &["import", file.to_str().expect("path")]));
    let owner = "#strong[team] $owner$";
    ok(rampart(
        &db,
        &["assign", "--control", "S3.5", "--owner", owner, "--by", "lead"],
    ));
    let expires = (now + chrono::Duration::days(20)).format("%Y-%m-%d").to_string();
    ok(rampart(
        &db,
        &[
            "accept",
            "--finding",
            "hostile-3-#[x]*",
            "--reason",
            "#pagebreak() [x] *y*",
            "--owner",
            "o",
            "--approver",
            "a",
            "--expires",
            &expires,
        ],
    ));
    for (args, name) in [(vec![], "exec.pdf"), (vec!["--framework", "api12"], "api12.pdf")] {
        let pdf = dir.path().join(name);
        let mut all = vec!["report", "--format", "pdf", "--out", pdf.to_str().expect("path")];
        all.extend(args);
        ok(rampart(&db, &all));
        let (text, _) = pdf_text(&pdf);
        for (i, t) in hostile.iter().enumerate() {
            let shown = rampart_core::text::display(t);
            assert!(
                text.contains(&squash(&shown)),
                "{name}: title {i} is not printed literally"
            );
        }
        assert!(
            !text.contains(['\u{202e}', '\u{200b}']),
            "{name}: an invisible character reached the PDF"
        );
        assert!(
            text.contains("<U+202E>olleh<U+200B>"),
            "{name}: the bidi override is not shown"
        );
        if name == "exec.pdf" {
            assert!(text.contains(&squash(owner)), "the owner is printed literally");
            assert!(
                text.contains(&squash("#pagebreak() [x] *y*")),
                "the reason is printed literally"
            );
        } else {
            // The long resource ids wrap (24 characters a line at most) instead of running
            // off the page, and are printed whole: every run of A's adds up to the four
            // 300-character tokens, and each id's end is there.
            let (_, raw) = pdf_text(&pdf);
            let runs: Vec<usize> = raw
                .split(|c: char| c != 'A')
                .map(str::len)
                .filter(|n| *n >= 10)
                .collect();
            assert!(runs.iter().all(|n| *n <= 36), "an unwrapped run: {runs:?}");
            assert_eq!(runs.iter().sum::<usize>(), hostile.len() * long_token.len(), "{runs:?}");
            for i in 0..hostile.len() {
                assert!(text.contains(&format!("-#{i}$[*]")));
            }
        }
    }
}
