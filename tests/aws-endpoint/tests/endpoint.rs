//! The endpoint over real TCP with a tiny HTTP/1.1 client: routing, filters, paging, quotas, faults.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use aws_endpoint::{synth, Aggregator, ConfigRule, ConformancePack, Dataset, Endpoint, Faults};
use chrono::{SecondsFormat, Utc};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";

// ---- a tiny client ------------------------------------------------------------------------------------

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

struct Client {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(ep: &Endpoint) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", ep.port())).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // Head and body go in separate writes: without this, Nagle plus delayed ACKs cost 40 ms a request.
        stream.set_nodelay(true).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client { stream, reader }
    }

    /// Send one request; `None` when the server closed the connection without answering.
    fn send(&mut self, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Option<Resp> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let expect_continue = headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("expect"));
        self.stream.write_all(head.as_bytes()).ok()?;
        if !expect_continue {
            self.stream.write_all(body).ok()?;
        }
        loop {
            let resp = self.read_response()?;
            if resp.status == 100 {
                self.stream.write_all(body).ok()?;
                continue;
            }
            return Some(resp);
        }
    }

    fn read_response(&mut self) -> Option<Resp> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).ok()?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':')?;
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).ok()?;
        Some(Resp { status, headers, body })
    }

    fn call(&mut self, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Resp {
        self.send(method, path, headers, body)
            .expect("the server closed the connection without answering")
    }

    /// A SigV4-looking Authorization header (the endpoint reads the scope, not the signature).
    fn auth(region: &str, service: &str) -> (&'static str, String) {
        (
            "Authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/{region}/{service}/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=0000"
            ),
        )
    }

    fn get_findings(&mut self, region: &str, body: Value) -> Resp {
        let headers = [
            Client::auth(region, "securityhub"),
            ("Content-Type", "application/json".into()),
        ];
        self.call("POST", "/findings", &headers, body.to_string().as_bytes())
    }

    fn get_findings_v2(&mut self, region: &str, body: Value) -> Resp {
        let headers = [
            Client::auth(region, "securityhub"),
            ("Content-Type", "application/json".into()),
        ];
        self.call("POST", "/findingsv2", &headers, body.to_string().as_bytes())
    }

    fn inspector(&mut self, path: &str, region: &str, body: Value) -> Resp {
        let headers = [
            Client::auth(region, "inspector2"),
            ("Content-Type", "application/json".into()),
        ];
        self.call("POST", path, &headers, body.to_string().as_bytes())
    }

    fn config(&mut self, op: &str, region: &str, body: Value) -> Resp {
        let headers = [
            Client::auth(region, "config"),
            ("Content-Type", "application/x-amz-json-1.1".into()),
            ("X-Amz-Target", format!("StarlingDoveService.{op}")),
        ];
        self.call("POST", "/", &headers, body.to_string().as_bytes())
    }
}

fn ids(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect()
}

fn no_quota() -> Faults {
    Faults {
        disable_quotas: true,
        ..Faults::default()
    }
}

fn sh_dataset(n: usize, regions: &[&str]) -> Dataset {
    Dataset {
        account: ACCOUNT.into(),
        securityhub: synth::securityhub_findings(n, ACCOUNT, regions, 42),
        ..Default::default()
    }
}

fn iso(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

// ---- Security Hub -------------------------------------------------------------------------------------

#[test]
fn get_findings_pages_250_as_100_100_50_without_duplicates() {
    let ep = Endpoint::start(sh_dataset(250, &["us-east-1"]), Faults::default()).unwrap();
    let mut c = Client::connect(&ep);
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"MaxResults": 100});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let r = c.get_findings("us-east-1", body);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert!(r.header("x-amzn-RequestId").is_some());
        let v = r.json();
        sizes.push(v["Findings"].as_array().unwrap().len());
        seen.extend(ids(&v["Findings"]));
        match v.get("NextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(sizes, vec![100, 100, 50]);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 250);
    // Default order is insertion order.
    let expected: Vec<String> = sh_dataset(250, &["us-east-1"])
        .securityhub
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(ep.stats().op("GetFindings").items_served, 250);
    assert_eq!(ep.stats().op("GetFindings").ok, 3);
}

/// Ten findings, the i-th updated i days and one hour ago, created i+10 days ago.
fn dated_dataset() -> Dataset {
    let now = Utc::now();
    let mut ds = sh_dataset(10, &["us-east-1"]);
    for (i, f) in ds.securityhub.iter_mut().enumerate() {
        let updated = now - chrono::Duration::days(i as i64) - chrono::Duration::hours(1);
        f["UpdatedAt"] = json!(iso(updated));
        f["CreatedAt"] = json!(iso(now - chrono::Duration::days(i as i64 + 10)));
        f["RecordState"] = json!(if i % 3 == 0 { "ARCHIVED" } else { "ACTIVE" });
        f["Compliance"]["Status"] = json!(if i % 2 == 0 { "FAILED" } else { "PASSED" });
    }
    ds
}

#[test]
fn updated_at_start_end_and_date_range_filters() {
    let ds = dated_dataset();
    let all = ids(&json!(ds.securityhub));
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let now = Utc::now();

    // Start 4.5 days ago, written with an offset and fractional seconds: findings 0..=4.
    let start = (now - chrono::Duration::hours(108)).with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap());
    let start = start.to_rfc3339_opts(SecondsFormat::Micros, false);
    let r = c.get_findings("us-east-1", json!({"Filters": {"UpdatedAt": [{"Start": start}]}}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(ids(&r.json()["Findings"]), all[0..5].to_vec());

    // End only: findings updated more than 6.5 days ago: 7, 8, 9.
    let end = iso(now - chrono::Duration::hours(156));
    let r = c.get_findings("us-east-1", json!({"Filters": {"UpdatedAt": [{"End": end}]}}));
    assert_eq!(ids(&r.json()["Findings"]), all[7..10].to_vec());

    // DateRange: the last 3 days: 0, 1, 2.
    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {"UpdatedAt": [{"DateRange": {"Value": 3, "Unit": "DAYS"}}]}}),
    );
    assert_eq!(ids(&r.json()["Findings"]), all[0..3].to_vec());

    // CreatedAt: created within the last 12 days: 0, 1 (created 10 and 11 days ago).
    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {"CreatedAt": [{"DateRange": {"Value": 12, "Unit": "DAYS"}}]}}),
    );
    assert_eq!(ids(&r.json()["Findings"]), all[0..2].to_vec());

    // Sorted by UpdatedAt ascending: oldest first.
    let r = c.get_findings(
        "us-east-1",
        json!({"SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "asc"}]}),
    );
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(ids(&r.json()["Findings"]), reversed);

    // An unparsable date is invalid input.
    let r = c.get_findings("us-east-1", json!({"Filters": {"UpdatedAt": [{"Start": "yesterday"}]}}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (400, Some("InvalidInputException"))
    );
}

#[test]
fn string_filters_record_state_and_compliance() {
    let ds = dated_dataset();
    let all = ids(&json!(ds.securityhub));
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let pick = |idx: &[usize]| idx.iter().map(|&i| all[i].clone()).collect::<Vec<_>>();

    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}}),
    );
    assert_eq!(ids(&r.json()["Findings"]), pick(&[1, 2, 4, 5, 7, 8]));

    // Across keys AND; within a key EQUALS ORed.
    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {
            "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
            "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}, {"Value": "WARNING", "Comparison": "EQUALS"}],
        }}),
    );
    assert_eq!(ids(&r.json()["Findings"]), pick(&[2, 4, 8]));

    // NOT_EQUALS filters are ANDed.
    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {"RecordState": [
            {"Value": "ACTIVE", "Comparison": "NOT_EQUALS"}, {"Value": "DELETED", "Comparison": "NOT_EQUALS"}]}}),
    );
    assert_eq!(ids(&r.json()["Findings"]), pick(&[0, 3, 6, 9]));

    // PREFIX on the control id.
    let control = json!(dated_dataset().securityhub[0]["Compliance"]["SecurityControlId"]);
    let prefix = control.as_str().unwrap().split('.').next().unwrap().to_string() + ".";
    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {"ComplianceSecurityControlId": [{"Value": prefix, "Comparison": "PREFIX"}]}}),
    );
    assert!(ids(&r.json()["Findings"]).contains(&all[0]));

    // Unsupported keys are refused loudly rather than ignored.
    let r = c.get_findings(
        "us-east-1",
        json!({"Filters": {"ResourceTags": [{"Key": "a", "Value": "b", "Comparison": "EQUALS"}]}}),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn bad_next_token_and_max_results_are_invalid_input() {
    let ep = Endpoint::start(sh_dataset(30, &["us-east-1"]), no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let r = c.get_findings("us-east-1", json!({"NextToken": "not-a-token"}));
    assert_eq!(r.status, 400);
    assert_eq!(r.header("x-amzn-ErrorType"), Some("InvalidInputException"));
    assert_eq!(r.json()["Code"], "InvalidInputException");
    assert!(r.json()["Message"].as_str().unwrap().contains("NextToken"));

    // A real token used with other filters is refused too.
    let first = c.get_findings("us-east-1", json!({"MaxResults": 10})).json();
    let token = first["NextToken"].as_str().unwrap().to_string();
    let r = c.get_findings(
        "us-east-1",
        json!({"MaxResults": 10, "NextToken": token, "Filters": {"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}}),
    );
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (400, Some("InvalidInputException"))
    );
    // ... and in another region.
    let r = c.get_findings("eu-west-1", json!({"MaxResults": 10, "NextToken": token}));
    assert_eq!(r.status, 400);
    // With the same request it works.
    let r = c.get_findings("us-east-1", json!({"MaxResults": 10, "NextToken": token}));
    assert_eq!(r.status, 200);

    for bad in [0, 101, -1] {
        let r = c.get_findings("us-east-1", json!({"MaxResults": bad}));
        assert_eq!(
            (r.status, r.header("x-amzn-ErrorType")),
            (400, Some("InvalidInputException")),
            "{bad}"
        );
    }
    assert_eq!(ep.stats().op("GetFindings").errors_4xx, 6);
}

#[test]
fn quota_throttles_rapid_get_findings_per_region() {
    let ep = Endpoint::start(sh_dataset(5, &["us-east-1", "eu-west-1"]), Faults::default()).unwrap();
    let mut c = Client::connect(&ep);
    let started = Instant::now();
    let mut ok = 0;
    let mut throttled = 0;
    for _ in 0..20 {
        let r = c.get_findings("us-east-1", json!({}));
        match r.status {
            200 => ok += 1,
            429 => {
                throttled += 1;
                assert_eq!(r.header("x-amzn-ErrorType"), Some("TooManyRequestsException"));
                assert_eq!(r.json()["Code"], "TooManyRequestsException");
                assert_eq!(r.header("Retry-After"), None);
            }
            s => panic!("unexpected status {s}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Burst 6 plus what 3/s refilled meanwhile.
    assert!(
        ok >= 6 && ok as f64 <= 6.0 + 3.0 * elapsed + 1.0,
        "ok {ok} in {elapsed}s"
    );
    assert!(throttled > 0);
    assert_eq!(ep.stats().op("GetFindings").throttled_quota, throttled);

    // Another region has its own bucket.
    assert_eq!(c.get_findings("eu-west-1", json!({})).status, 200);
    // Other operations have their own quota.
    let list = c.call(
        "GET",
        "/findingAggregator/list",
        &[Client::auth("us-east-1", "securityhub")],
        b"",
    );
    assert_eq!(list.status, 200);
    // It refills: after ~400 ms at least one more passes.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 200);
}

#[test]
fn denied_region_gets_access_denied() {
    let faults = Faults {
        deny_regions: vec!["eu-west-1".into()],
        ..no_quota()
    };
    let mut ds = sh_dataset(5, &["us-east-1", "eu-west-1"]);
    ds.config_rules = synth::config_rules(2, 1, &["eu-west-1"], 1);
    let ep = Endpoint::start(ds, faults).unwrap();
    let mut c = Client::connect(&ep);
    let r = c.get_findings("eu-west-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (403, Some("AccessDeniedException"))
    );
    assert!(r.json()["Message"]
        .as_str()
        .unwrap()
        .contains("not authorized to perform: securityhub:GetFindings"));
    let r = c.inspector("/findings/list", "eu-west-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (403, Some("AccessDeniedException"))
    );
    assert!(r.json()["message"].is_string());
    let r = c.config("DescribeComplianceByConfigRule", "eu-west-1", json!({}));
    assert_eq!(
        (r.status, r.json()["__type"].as_str()),
        (400, Some("AccessDeniedException"))
    );
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 200);
    assert_eq!(ep.stats().op("GetFindings").denied, 1);
}

#[test]
fn missing_credentials_unknown_routes_and_wrong_service() {
    let ep = Endpoint::start(sh_dataset(1, &["us-east-1"]), no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let r = c.call("POST", "/findings", &[], b"{}");
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (403, Some("MissingAuthenticationTokenException"))
    );
    let r = c.call("POST", "/findings", &[Client::auth("us-east-1", "inspector2")], b"{}");
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (403, Some("InvalidSignatureException"))
    );
    let r = c.call("GET", "/nowhere", &[Client::auth("us-east-1", "securityhub")], b"");
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (404, Some("UnknownOperationException"))
    );
    let r = c.config("PutConfigRule", "us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (404, Some("UnknownOperationException"))
    );
    let r = c.call(
        "POST",
        "/findings",
        &[Client::auth("us-east-1", "securityhub")],
        b"{not json",
    );
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (400, Some("InvalidInputException"))
    );
}

// ---- Security Hub GetFindingsV2 (OCSF) -------------------------------------------------------------------

/// The `finding_info.uid` of each OCSF finding.
fn uids(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["finding_info"]["uid"].as_str().unwrap().to_string())
        .collect()
}

/// A GetFindingsV2 body with one composite filter of these conditions (`Operator` left out, as the
/// SDK leaves it when it is not set).
fn v2_filters(conditions: Value) -> Value {
    json!({"Filters": {"CompositeFilters": [conditions]}})
}

#[test]
fn get_findings_v2_pages_every_finding_as_ocsf_with_max_results_10() {
    let mut ds = sh_dataset(45, &["us-east-1"]);
    let day = |n: i64| {
        (chrono::Utc::now() - chrono::Duration::days(n))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    };
    for f in &mut ds.securityhub {
        f["UpdatedAt"] = json!(day(1));
    }
    let all = ids(&json!(ds.securityhub));
    // What the new Security Hub no longer holds: closed 14 days, active 90 days after the
    // last update.
    for (n, (state, age)) in [("ARCHIVED", 20), ("ACTIVE", 100)].into_iter().enumerate() {
        let mut old = ds.securityhub[0].clone();
        old["Id"] = json!(format!("expired-{n}"));
        old["RecordState"] = json!(state);
        old["UpdatedAt"] = json!(day(age));
        ds.securityhub.push(old);
    }
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"MaxResults": 10});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let r = c.get_findings_v2("us-east-1", body);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        let v = r.json();
        for f in v["Findings"].as_array().unwrap() {
            assert_eq!(f["class_uid"], 2003, "{f}");
            assert_eq!(f["metadata"]["version"], "1.6.0");
            assert_eq!(
                f["metadata"]["product"]["uid"],
                "arn:aws:securityhub:us-east-1::productv2/aws/securityhub"
            );
            assert_eq!(f["cloud"]["account"]["uid"], ACCOUNT);
            assert!(f["compliance"]["control"].is_string(), "{f}");
            assert!(f["finding_info"]["modified_time_dt"].is_string(), "{f}");
        }
        sizes.push(v["Findings"].as_array().unwrap().len());
        seen.extend(uids(&v["Findings"]));
        match v.get("NextToken") {
            Some(Value::String(t)) => token = Some(t.clone()),
            None | Some(Value::Null) => break,
            Some(other) => panic!("NextToken {other}"),
        }
    }
    assert_eq!(sizes, vec![10, 10, 10, 10, 5]);
    // Every finding once, as its ASFF Id, in the dataset's order (no SortCriteria).
    assert_eq!(seen, all);
    let s = ep.stats().op("GetFindingsV2");
    assert_eq!((s.requests, s.ok, s.items_served), (5, 5, 45));
    assert_eq!(ep.stats().op("GetFindings").requests, 0);
}

#[test]
fn get_findings_v2_date_filters_sort_and_string_filters() {
    let mut ds = dated_dataset();
    // Findings 5 and 6 updated at the same moment: the sort breaks the tie by finding_info.uid.
    ds.securityhub[6]["UpdatedAt"] = ds.securityhub[5]["UpdatedAt"].clone();
    let all = ids(&json!(ds.securityhub));
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let pick = |idx: &[usize]| idx.iter().map(|&i| all[i].clone()).collect::<Vec<_>>();
    let now = Utc::now();

    // What Rampart's sync sends: modified at or after Start, oldest first. Start 4.5 days ago: 0..=4.
    let start = iso(now - chrono::Duration::hours(108));
    let mut body = v2_filters(json!({"DateFilters": [
        {"FieldName": "finding_info.modified_time_dt", "Filter": {"Start": start}}]}));
    body["SortCriteria"] = json!([{"Field": "finding_info.modified_time_dt", "SortOrder": "asc"}]);
    body["MaxResults"] = json!(100);
    let r = c.get_findings_v2("us-east-1", body);
    assert_eq!(r.status, 200, "{}", r.text());
    let got = r.json();
    assert_eq!(uids(&got["Findings"]), pick(&[4, 3, 2, 1, 0]));
    assert!(got.get("NextToken").is_none_or(Value::is_null), "{got}");
    for f in got["Findings"].as_array().unwrap() {
        let modified = f["finding_info"]["modified_time_dt"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(modified).unwrap()
                >= chrono::DateTime::parse_from_rfc3339(&start).unwrap()
        );
    }

    // Everything, ascending and descending: the tie (5, 6) is in uid order both ways.
    let (first, second) = if all[5] < all[6] { (5, 6) } else { (6, 5) };
    let r = c.get_findings_v2(
        "us-east-1",
        json!({"SortCriteria": [{"Field": "finding_info.modified_time_dt", "SortOrder": "asc"}]}),
    );
    assert_eq!(
        uids(&r.json()["Findings"]),
        pick(&[9, 8, 7, first, second, 4, 3, 2, 1, 0])
    );
    let r = c.get_findings_v2(
        "us-east-1",
        json!({"SortCriteria": [{"Field": "finding_info.modified_time_dt", "SortOrder": "desc"}]}),
    );
    assert_eq!(
        uids(&r.json()["Findings"]),
        pick(&[0, 1, 2, 3, 4, first, second, 7, 8, 9])
    );

    // End and DateRange (WITHIN, OLDER_THAN); created_time_dt too.
    let end = iso(now - chrono::Duration::hours(156));
    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"DateFilters": [{"FieldName": "finding_info.modified_time_dt", "Filter": {"End": end}}]})),
    );
    assert_eq!(uids(&r.json()["Findings"]), pick(&[7, 8, 9]));
    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"DateFilters": [{"FieldName": "finding_info.modified_time_dt",
            "Filter": {"DateRange": {"Value": 3, "Unit": "DAYS"}}}]})),
    );
    assert_eq!(uids(&r.json()["Findings"]), pick(&[0, 1, 2]));
    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"DateFilters": [{"FieldName": "finding_info.created_time_dt",
            "Filter": {"DateRange": {"Value": 18, "Unit": "DAYS", "Comparison": "OLDER_THAN"}}}]})),
    );
    assert_eq!(uids(&r.json()["Findings"]), pick(&[8, 9]));

    // Strings: within a composite AND by default, OR when asked. Even findings failed, every
    // third is archived (activity 3).
    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"StringFilters": [
            {"FieldName": "compliance.status", "Filter": {"Value": "Fail", "Comparison": "EQUALS"}},
            {"FieldName": "cloud.region", "Filter": {"Value": "us-", "Comparison": "PREFIX"}},
            {"FieldName": "metadata.product.name", "Filter": {"Value": "Security Hub", "Comparison": "EQUALS"}},
        ], "NumberFilters": [{"FieldName": "activity_id", "Filter": {"Eq": 1}}]})),
    );
    assert_eq!(uids(&r.json()["Findings"]), pick(&[2, 4, 8]));
    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"Operator": "OR", "StringFilters": [
            {"FieldName": "finding_info.uid", "Filter": {"Value": all[1].clone(), "Comparison": "EQUALS"}},
            {"FieldName": "finding_info.uid", "Filter": {"Value": all[7].clone(), "Comparison": "EQUALS"}},
        ]})),
    );
    assert_eq!(uids(&r.json()["Findings"]), pick(&[1, 7]));
    // Composites combined by CompositeOperator; NOT_EQUALS; CONTAINS.
    let r = c.get_findings_v2(
        "us-east-1",
        json!({"Filters": {"CompositeOperator": "AND", "CompositeFilters": [
            {"StringFilters": [{"FieldName": "compliance.status", "Filter": {"Value": "Fail", "Comparison": "NOT_EQUALS"}}]},
            {"StringFilters": [{"FieldName": "cloud.account.uid", "Filter": {"Value": "1122", "Comparison": "CONTAINS"}}]},
        ]}}),
    );
    assert_eq!(uids(&r.json()["Findings"]), pick(&[1, 3, 5, 7, 9]));
}

#[test]
fn get_findings_v2_refuses_unknown_fields_and_bad_paging() {
    let ep = Endpoint::start(sh_dataset(30, &["us-east-1"]), no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let refused = |r: &Resp, what: &str| {
        assert_eq!(
            (r.status, r.header("x-amzn-ErrorType")),
            (400, Some("InvalidInputException")),
            "{what}: {}",
            r.text()
        );
        assert_eq!(r.json()["Code"], "InvalidInputException");
        r.json()["Message"].as_str().unwrap().to_string()
    };

    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"StringFilters": [
            {"FieldName": "finding_info.no_such_field", "Filter": {"Value": "x", "Comparison": "EQUALS"}}]})),
    );
    let msg = refused(&r, "unknown string field");
    assert!(msg.contains("\"finding_info.no_such_field\""), "{msg}");
    assert!(
        msg.contains("Filters.CompositeFilters[0].StringFilters[0].FieldName"),
        "{msg}"
    );

    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(json!({"DateFilters": [{"FieldName": "UpdatedAt", "Filter": {"Start": "2026-01-01T00:00:00Z"}}]})),
    );
    assert!(refused(&r, "an ASFF date key").contains("\"UpdatedAt\""));

    let r = c.get_findings_v2(
        "us-east-1",
        json!({"SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "asc"}]}),
    );
    assert!(refused(&r, "unknown sort field").contains("SortCriteria[0].Field: \"UpdatedAt\""));

    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(
            json!({"DateFilters": [{"FieldName": "finding_info.modified_time_dt", "Filter": {"Start": "yesterday"}}]}),
        ),
    );
    assert!(refused(&r, "bad date").contains("yesterday"));

    let r = c.get_findings_v2(
        "us-east-1",
        v2_filters(
            json!({"IpFilters": [{"FieldName": "evidences.src_endpoint.ip", "Filter": {"Cidr": "10.0.0.0/8"}}]}),
        ),
    );
    assert!(refused(&r, "IpFilters").contains("IpFilters"));

    // Paging: a token is bound to the request's Filters and SortCriteria and to GetFindingsV2.
    let first = c.get_findings_v2("us-east-1", json!({"MaxResults": 10})).json();
    let token = first["NextToken"].as_str().unwrap().to_string();
    let sorted = json!([{"Field": "finding_info.modified_time_dt", "SortOrder": "asc"}]);
    let r = c.get_findings_v2(
        "us-east-1",
        json!({"MaxResults": 10, "NextToken": token, "SortCriteria": sorted}),
    );
    assert!(refused(&r, "token of another request").contains("NextToken"));
    let r = c.get_findings("us-east-1", json!({"MaxResults": 10, "NextToken": token}));
    assert_eq!(r.status, 400, "a GetFindingsV2 token is not a GetFindings one");
    refused(
        &c.get_findings_v2("us-east-1", json!({"NextToken": "not-a-token"})),
        "garbage token",
    );
    assert_eq!(
        c.get_findings_v2("us-east-1", json!({"MaxResults": 10, "NextToken": token}))
            .status,
        200
    );
    for bad in [0, 101, -1] {
        refused(
            &c.get_findings_v2("us-east-1", json!({"MaxResults": bad})),
            &format!("MaxResults {bad}"),
        );
    }
    assert_eq!(ep.stats().op("GetFindingsV2").errors_4xx, 10);
}

#[test]
fn get_findings_v2_has_its_quota_and_faults() {
    let ep = Endpoint::start(sh_dataset(5, &["us-east-1"]), Faults::default()).unwrap();
    let mut c = Client::connect(&ep);
    let started = Instant::now();
    let mut ok = 0;
    let mut throttled = 0;
    for _ in 0..12 {
        let r = c.get_findings_v2("us-east-1", json!({}));
        match r.status {
            200 => ok += 1,
            429 => {
                throttled += 1;
                assert_eq!(r.json()["Code"], "TooManyRequestsException");
            }
            s => panic!("unexpected status {s}: {}", r.text()),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert!(
        ok >= 6 && ok as f64 <= 6.0 + 3.0 * elapsed + 1.0,
        "ok {ok} in {elapsed}s"
    );
    assert_eq!(ep.stats().op("GetFindingsV2").throttled_quota, throttled);
    assert!(throttled > 0);
    // GetFindings has a bucket of its own.
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 200);

    // Denied by name; the message names the IAM action, securityhub:GetFindings.
    ep.set_faults(Faults {
        deny_operations: vec!["GetFindingsV2".into()],
        ..no_quota()
    });
    let r = c.get_findings_v2("us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (403, Some("AccessDeniedException"))
    );
    let msg = r.json()["Message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("not authorized to perform: securityhub:GetFindings in region us-east-1"),
        "{msg}"
    );
    assert_eq!(ep.stats().op("GetFindingsV2").denied, 1);
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 200);

    // The other knobs apply as to every data operation.
    ep.set_faults(Faults {
        error_500_rate: 1.0,
        ..no_quota()
    });
    let r = c.get_findings_v2("us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (500, Some("InternalException"))
    );
    ep.set_faults(Faults {
        invalid_json: 1,
        ..no_quota()
    });
    let r = c.get_findings_v2("us-east-1", json!({}));
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    assert_eq!(
        c.get_findings_v2("us-east-1", json!({})).json()["Findings"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let s = ep.stats().op("GetFindingsV2");
    assert_eq!((s.errors_5xx, s.invalid_json), (1, 1));
}

#[test]
fn aggregator_home_region_includes_linked_regions() {
    let mut ds = sh_dataset(60, &["us-east-1", "eu-west-1", "ap-south-1"]);
    let count = |r: &str| ds.securityhub.iter().filter(|f| f["Region"] == r).count();
    let (us, eu, ap) = (count("us-east-1"), count("eu-west-1"), count("ap-south-1"));
    assert!(us > 0 && eu > 0 && ap > 0);
    ds.aggregator = Some(Aggregator {
        home_region: "us-east-1".into(),
        linking_mode: "SPECIFIED_REGIONS".into(),
        regions: vec!["eu-west-1".into()],
    });
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let n = |c: &mut Client, region: &str| {
        c.get_findings(region, json!({})).json()["Findings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(n(&mut c, "us-east-1"), us + eu);
    assert_eq!(n(&mut c, "eu-west-1"), eu);
    assert_eq!(n(&mut c, "ap-south-1"), ap);

    let auth = [Client::auth("eu-west-1", "securityhub")];
    let list = c
        .call("GET", "/findingAggregator/list?MaxResults=10", &auth, b"")
        .json();
    let arn = list["FindingAggregators"][0]["FindingAggregatorArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        arn,
        format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:finding-aggregator/1")
    );
    // The SDK sends the ARN as a greedy label: percent-encoded, slashes kept.
    let path = format!("/findingAggregator/get/{}", arn.replace(':', "%3A"));
    let got = c.call("GET", &path, &auth, b"").json();
    assert_eq!(got["FindingAggregationRegion"], "us-east-1");
    assert_eq!(got["RegionLinkingMode"], "SPECIFIED_REGIONS");
    assert_eq!(got["Regions"], json!(["eu-west-1"]));
    let missing = c.call("GET", "/findingAggregator/get/arn%3Aaws%3Ax/2", &auth, b"");
    assert_eq!(missing.status, 404);

    for (mode, expected) in [
        ("ALL_REGIONS", us + eu + ap),
        ("ALL_REGIONS_EXCEPT_SPECIFIED", us + ap),
        ("NO_REGIONS", us),
    ] {
        ep.update_dataset(|d| d.aggregator.as_mut().unwrap().linking_mode = mode.into());
        assert_eq!(n(&mut c, "us-east-1"), expected, "{mode}");
    }
    ep.update_dataset(|d| d.aggregator = None);
    assert_eq!(n(&mut c, "us-east-1"), us);
    let list = c.call("GET", "/findingAggregator/list", &auth, b"").json();
    assert_eq!(list["FindingAggregators"], json!([]));
}

#[test]
fn touch_moves_updated_at_and_flips_compliance() {
    let ep = Endpoint::start(sh_dataset(50, &["us-east-1"]), no_quota()).unwrap();
    let before = Utc::now();
    std::thread::sleep(Duration::from_millis(5));
    let touched = ep.touch_securityhub(0.1, 3);
    assert_eq!(touched.len(), 5);
    assert_eq!(touched, {
        let other = Endpoint::start(sh_dataset(50, &["us-east-1"]), no_quota()).unwrap();
        other.touch_securityhub(0.1, 3)
    });
    let mut c = Client::connect(&ep);
    let r = c.get_findings("us-east-1", json!({"Filters": {"UpdatedAt": [{"Start": iso(before)}]}}));
    let mut got = ids(&r.json()["Findings"]);
    got.sort();
    let mut want = touched.clone();
    want.sort();
    assert_eq!(got, want);
    let original = sh_dataset(50, &["us-east-1"]).securityhub;
    for f in r.json()["Findings"].as_array().unwrap() {
        let old = original.iter().find(|o| o["Id"] == f["Id"]).unwrap();
        assert_ne!(old["Compliance"]["Status"], f["Compliance"]["Status"]);
    }
    // The admin route does the same.
    let r = c.call(
        "POST",
        "/_endpoint/touch",
        &[],
        json!({"fraction": 0.02, "seed": 9}).to_string().as_bytes(),
    );
    assert_eq!(r.json()["ids"].as_array().unwrap().len(), 1);
}

// ---- Inspector2 ---------------------------------------------------------------------------------------

#[test]
fn inspector_list_findings_and_coverage_paging_and_filters() {
    let now = Utc::now();
    let findings = synth::inspector_findings_at(230, ACCOUNT, &["us-east-1"], 5, now);
    let mut other = synth::inspector_findings_at(7, ACCOUNT, &["eu-west-1"], 6, now);
    let active = findings.iter().filter(|f| f["status"] == "ACTIVE").count();
    let cutoff = now.timestamp() as f64 - 20.0 * 86_400.0;
    let recent = findings
        .iter()
        .filter(|f| f["updatedAt"].as_f64().unwrap() >= cutoff)
        .count();
    let mut all = findings.clone();
    all.append(&mut other);
    let ds = Dataset {
        account: ACCOUNT.into(),
        inspector: all,
        coverage: synth::coverage_at(450, ACCOUNT, &["us-east-1"], 5, now),
        ..Default::default()
    };
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);

    let page_through = |c: &mut Client, path: &str, key: &str, body: Value| {
        let mut sizes = Vec::new();
        let mut body = body;
        loop {
            let r = c.inspector(path, "us-east-1", body.clone());
            assert_eq!(r.status, 200, "{}", r.text());
            let v = r.json();
            sizes.push(v[key].as_array().unwrap().len());
            match v.get("nextToken").and_then(Value::as_str) {
                Some(t) => body["nextToken"] = json!(t),
                None => return sizes,
            }
        }
    };
    assert_eq!(
        page_through(&mut c, "/findings/list", "findings", json!({})),
        vec![100, 100, 30]
    );
    assert_eq!(
        page_through(&mut c, "/coverage/list", "coveredResources", json!({})),
        vec![200, 200, 50]
    );
    assert_eq!(
        page_through(&mut c, "/findings/list", "findings", json!({"maxResults": 50})).len(),
        5
    );

    let filtered = |c: &mut Client, criteria: Value| -> usize {
        page_through(c, "/findings/list", "findings", json!({"filterCriteria": criteria}))
            .iter()
            .sum()
    };
    assert_eq!(
        filtered(
            &mut c,
            json!({"findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]})
        ),
        active
    );
    assert_eq!(
        filtered(
            &mut c,
            json!({"findingStatus": [{"comparison": "NOT_EQUALS", "value": "ACTIVE"}]})
        ),
        230 - active
    );
    assert_eq!(
        filtered(&mut c, json!({"updatedAt": [{"startInclusive": cutoff}]})),
        recent
    );
    assert_eq!(
        filtered(
            &mut c,
            json!({"awsAccountId": [{"comparison": "EQUALS", "value": "999"}]})
        ),
        0
    );

    // Sorted by lastObservedAt descending.
    let r = c.inspector(
        "/findings/list",
        "us-east-1",
        json!({"sortCriteria": {"field": "LAST_OBSERVED_AT", "sortOrder": "DESC"}}),
    );
    let times: Vec<f64> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["lastObservedAt"].as_f64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));

    let r = c.inspector("/findings/list", "eu-west-1", json!({}));
    assert_eq!(r.json()["findings"].as_array().unwrap().len(), 7);

    let r = c.inspector("/findings/list", "us-east-1", json!({"maxResults": 101}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (400, Some("ValidationException"))
    );
    let r = c.inspector("/coverage/list", "us-east-1", json!({"maxResults": 200}));
    assert_eq!(r.status, 200);
    let r = c.inspector("/coverage/list", "us-east-1", json!({"nextToken": "zz"}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (400, Some("ValidationException"))
    );
    assert_eq!(ep.stats().op("ListCoverage").items_served, 650);
}

// ---- Config -------------------------------------------------------------------------------------------

#[test]
fn config_target_routing_paging_and_errors() {
    let mut rules = synth::config_rules(25, 5, &["us-east-1"], 3);
    rules.extend(synth::config_rules(2, 1, &["eu-west-1"], 3));
    rules.push(ConfigRule {
        region: "us-east-1".into(),
        name: "empty-rule".into(),
        results: vec![],
    });
    let first_rule = rules[0].name.clone();
    let non_compliant = rules
        .iter()
        .filter(|r| r.region == "us-east-1")
        .filter(|r| r.results.iter().any(|x| x["ComplianceType"] == "NON_COMPLIANT"))
        .count();
    let ds = Dataset {
        account: ACCOUNT.into(),
        config_rules: rules,
        conformance_packs: vec![ConformancePack {
            region: "us-east-1".into(),
            name: "cis".into(),
            rule_names: vec![first_rule.clone(), "empty-rule".into(), "not-deployed".into()],
        }],
        ..Default::default()
    };
    let ep = Endpoint::start(ds, no_quota()).unwrap();
    let mut c = Client::connect(&ep);

    let mut sizes = Vec::new();
    let mut token = None;
    let mut verdicts = Vec::new();
    loop {
        let mut body = json!({});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let r = c.config("DescribeComplianceByConfigRule", "us-east-1", body);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("Content-Type"), Some("application/x-amz-json-1.1"));
        let v = r.json();
        let list = v["ComplianceByConfigRules"].as_array().unwrap();
        sizes.push(list.len());
        verdicts.extend(
            list.iter()
                .map(|e| e["Compliance"]["ComplianceType"].as_str().unwrap().to_string()),
        );
        match v.get("NextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(sizes, vec![10, 10, 6]);
    assert_eq!(verdicts.iter().filter(|v| *v == "NON_COMPLIANT").count(), non_compliant);
    assert_eq!(verdicts.last().map(String::as_str), Some("INSUFFICIENT_DATA"));

    let r = c.config(
        "DescribeComplianceByConfigRule",
        "us-east-1",
        json!({"ComplianceTypes": ["NON_COMPLIANT"]}),
    );
    let entry = &r.json()["ComplianceByConfigRules"][0];
    assert!(
        entry["Compliance"]["ComplianceContributorCount"]["CappedCount"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let r = c.config("DescribeComplianceByConfigRule", "eu-west-1", json!({}));
    assert_eq!(r.json()["ComplianceByConfigRules"].as_array().unwrap().len(), 2);

    // Evaluation results: Limit 2 over 5 results gives 2/2/1.
    let mut sizes = Vec::new();
    let mut body = json!({"ConfigRuleName": first_rule, "Limit": 2});
    loop {
        let v = c
            .config("GetComplianceDetailsByConfigRule", "us-east-1", body.clone())
            .json();
        sizes.push(v["EvaluationResults"].as_array().unwrap().len());
        match v.get("NextToken").and_then(Value::as_str) {
            Some(t) => body["NextToken"] = json!(t),
            None => break,
        }
    }
    assert_eq!(sizes, vec![2, 2, 1]);
    let v = c
        .config(
            "GetComplianceDetailsByConfigRule",
            "us-east-1",
            json!({"ConfigRuleName": first_rule, "Limit": 0}),
        )
        .json();
    assert_eq!(v["EvaluationResults"].as_array().unwrap().len(), 5);
    assert!(v["EvaluationResults"][0]["EvaluationResultIdentifier"]["OrderingTimestamp"].is_f64());

    let r = c.config(
        "GetComplianceDetailsByConfigRule",
        "us-east-1",
        json!({"ConfigRuleName": "no-such-rule"}),
    );
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (400, Some("NoSuchConfigRuleException"))
    );
    assert_eq!(r.json()["__type"], "NoSuchConfigRuleException");
    let r = c.config(
        "GetComplianceDetailsByConfigRule",
        "us-east-1",
        json!({"ConfigRuleName": first_rule, "Limit": 101}),
    );
    assert_eq!(r.status, 400);
    let r = c.config(
        "DescribeComplianceByConfigRule",
        "us-east-1",
        json!({"NextToken": "bogus"}),
    );
    assert_eq!(r.json()["__type"], "InvalidNextTokenException");

    // Conformance packs.
    let v = c.config("DescribeConformancePacks", "us-east-1", json!({})).json();
    assert_eq!(v["ConformancePackDetails"][0]["ConformancePackName"], "cis");
    let v = c.config("DescribeConformancePacks", "eu-west-1", json!({})).json();
    assert_eq!(v["ConformancePackDetails"], json!([]));
    let v = c
        .config(
            "DescribeConformancePackCompliance",
            "us-east-1",
            json!({"ConformancePackName": "cis"}),
        )
        .json();
    let list = v["ConformancePackRuleComplianceList"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[1]["ComplianceType"], "INSUFFICIENT_DATA");
    let v = c
        .config(
            "DescribeConfigRules",
            "us-east-1",
            json!({"ConfigRuleNames": ["empty-rule"]}),
        )
        .json();
    assert_eq!(v["ConfigRules"][0]["ConfigRuleState"], "ACTIVE");
}

// ---- STS ----------------------------------------------------------------------------------------------

#[test]
fn sts_get_caller_identity_answers_xml() {
    let ep = Endpoint::start(
        Dataset {
            account: ACCOUNT.into(),
            ..Default::default()
        },
        Faults {
            drop_connections: 5,
            ..Faults::default()
        },
    )
    .unwrap();
    let mut c = Client::connect(&ep);
    let headers = [
        Client::auth("us-east-1", "sts"),
        ("Content-Type", "application/x-www-form-urlencoded".into()),
    ];
    let r = c.call("POST", "/", &headers, b"Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/xml"));
    let xml = r.text();
    assert!(xml.starts_with("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"));
    assert!(xml.contains(&format!("<Account>{ACCOUNT}</Account>")));
    assert!(xml.contains(&format!("<Arn>arn:aws:iam::{ACCOUNT}:user/rampart-test</Arn>")));
    // Not subject to faults: the drop counter is untouched.
    assert_eq!(ep.faults().drop_connections, 5);
    let r = c.call("POST", "/", &headers, b"Action=AssumeRole");
    assert_eq!(r.status, 404);
}

// ---- faults -------------------------------------------------------------------------------------------

#[test]
fn drop_connections_then_invalid_json_then_healthy() {
    let ep = Endpoint::start(sh_dataset(20, &["us-east-1"]), no_quota()).unwrap();
    ep.set_faults(Faults {
        drop_connections: 1,
        invalid_json: 1,
        ..no_quota()
    });
    let mut c = Client::connect(&ep);
    assert!(c
        .send("POST", "/findings", &[Client::auth("us-east-1", "securityhub")], b"{}")
        .is_none());

    let mut c = Client::connect(&ep);
    let r = c.get_findings("us-east-1", json!({}));
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_slice::<Value>(&r.body).is_err(),
        "body should be spoiled"
    );

    let r = c.get_findings("us-east-1", json!({}));
    assert_eq!(r.json()["Findings"].as_array().unwrap().len(), 20);

    let s = ep.stats().op("GetFindings");
    assert_eq!(
        (s.requests, s.dropped, s.invalid_json, s.ok, s.items_served),
        (3, 1, 1, 1, 20)
    );
    assert!(s.first_at_ms.unwrap() <= s.last_at_ms.unwrap());
}

#[test]
fn injected_throttle_500_503_and_retry_after() {
    let ep = Endpoint::start(sh_dataset(3, &["us-east-1"]), no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    ep.set_faults(Faults {
        throttle_rate: 1.0,
        retry_after_secs: Some(2),
        ..no_quota()
    });
    let r = c.get_findings("us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType"), r.header("Retry-After")),
        (429, Some("TooManyRequestsException"), Some("2"))
    );
    let r = c.inspector("/findings/list", "us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (429, Some("ThrottlingException"))
    );
    let r = c.config("DescribeComplianceByConfigRule", "us-east-1", json!({}));
    assert_eq!(
        (r.status, r.json()["__type"].as_str()),
        (400, Some("ThrottlingException"))
    );

    ep.set_faults(Faults {
        error_500_rate: 1.0,
        ..no_quota()
    });
    let r = c.get_findings("us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (500, Some("InternalException"))
    );
    let r = c.inspector("/coverage/list", "us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (500, Some("InternalServerException"))
    );

    ep.set_faults(Faults {
        error_503_rate: 1.0,
        ..no_quota()
    });
    let r = c.get_findings("us-east-1", json!({}));
    assert_eq!(
        (r.status, r.header("x-amzn-ErrorType")),
        (503, Some("ServiceUnavailableException"))
    );

    // Rates are dice from the seed: reproducible.
    let mut pattern = |seed: u64| {
        ep.set_faults(Faults {
            seed,
            error_500_rate: 0.5,
            ..no_quota()
        });
        (0..16)
            .map(|_| c.get_findings("us-east-1", json!({})).status)
            .collect::<Vec<_>>()
    };
    let a = pattern(7);
    assert_eq!(a, pattern(7));
    assert!(a.contains(&200) && a.contains(&500), "{a:?}");

    ep.set_faults(Faults {
        slow_rate: 1.0,
        slow_ms: 150,
        ..no_quota()
    });
    let t = Instant::now();
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    let s = ep.stats();
    assert_eq!(s.op("GetFindings").throttled_injected, 1);
    assert_eq!(s.op("ListCoverage").errors_5xx, 1);
}

// ---- HTTP details and admin ---------------------------------------------------------------------------

#[test]
fn expect_continue_keep_alive_and_connection_close() {
    let ep = Endpoint::start(sh_dataset(2, &["us-east-1"]), no_quota()).unwrap();
    let mut c = Client::connect(&ep);
    let headers = [
        Client::auth("us-east-1", "securityhub"),
        ("Expect", "100-continue".into()),
    ];
    let r = c.call("POST", "/findings", &headers, b"{\"MaxResults\": 1}");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["Findings"].as_array().unwrap().len(), 1);
    assert_eq!(r.header("Connection"), Some("keep-alive"));
    // Same connection, then ask to close.
    let headers = [Client::auth("us-east-1", "securityhub"), ("Connection", "close".into())];
    let r = c.call("POST", "/findings", &headers, b"{}");
    assert_eq!((r.status, r.header("Connection")), (200, Some("close")));
    let mut rest = Vec::new();
    assert_eq!(c.reader.read_to_end(&mut rest).unwrap_or(0), 0);
}

#[test]
fn admin_routes_set_faults_and_report_stats() {
    let ep = Endpoint::start(sh_dataset(2, &["us-east-1"]), Faults::default()).unwrap();
    let mut c = Client::connect(&ep);
    let r = c.call(
        "POST",
        "/_endpoint/faults",
        &[],
        br#"{"deny_regions": ["us-east-1"], "disable_quotas": true}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 403);
    let stats = c.call("GET", "/_endpoint/stats", &[], b"").json();
    assert_eq!(stats["operations"]["GetFindings"]["denied"], 1);
    assert_eq!(
        c.call("GET", "/_endpoint/faults", &[], b"").json()["deny_regions"],
        json!(["us-east-1"])
    );
    assert_eq!(c.call("POST", "/_endpoint/reset-stats", &[], b"").status, 200);
    assert_eq!(ep.stats().operations.len(), 0);
    assert_eq!(c.call("POST", "/_endpoint/faults", &[], b"{oops").status, 400);
    assert_eq!(c.call("GET", "/_endpoint/health", &[], b"").status, 200);
}

#[test]
fn shutdown_closes_open_connections_promptly() {
    let ep = Endpoint::start(sh_dataset(2, &["us-east-1"]), no_quota()).unwrap();
    let port = ep.port();
    let mut c = Client::connect(&ep);
    assert_eq!(c.get_findings("us-east-1", json!({})).status, 200);
    let t = Instant::now();
    ep.shutdown();
    assert!(t.elapsed() < Duration::from_secs(2));
    let mut buf = Vec::new();
    assert_eq!(c.reader.read_to_end(&mut buf).unwrap_or(0), 0);
    // Nothing listens any more (or, if the port was reused, it is not ours answering instantly).
    assert!(TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_err());
}

#[test]
fn binary_serves_synthetic_data_and_writes_the_port_file() {
    let dir = std::env::temp_dir().join(format!("aws-endpoint-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port_file = dir.join("port");
    let dataset_file = dir.join("dataset.json");
    let ds = Dataset {
        account: ACCOUNT.into(),
        config_rules: vec![ConfigRule {
            region: "eu-west-1".into(),
            name: "from-file".into(),
            results: vec![],
        }],
        ..Default::default()
    };
    std::fs::write(&dataset_file, serde_json::to_string(&ds).unwrap()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aws-endpoint"))
        .args([
            "--port-file",
            port_file.to_str().unwrap(),
            "--dataset",
            dataset_file.to_str().unwrap(),
        ])
        .args([
            "--synth-securityhub",
            "25",
            "--regions",
            "us-east-1,eu-west-1",
            "--seed",
            "4",
            "--disable-quotas",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = std::fs::read_to_string(&port_file).unwrap().trim().parse().unwrap();
    assert_eq!(line.trim(), format!("listening on http://127.0.0.1:{port}"));

    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut c = Client {
        reader: BufReader::new(stream.try_clone().unwrap()),
        stream,
    };
    let n = |c: &mut Client, r: &str| {
        c.get_findings(r, json!({})).json()["Findings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(n(&mut c, "us-east-1") + n(&mut c, "eu-west-1"), 25);
    let v = c
        .config("DescribeComplianceByConfigRule", "eu-west-1", json!({}))
        .json();
    assert_eq!(v["ComplianceByConfigRules"][0]["ConfigRuleName"], "from-file");
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
