//! The shipped IAM policy lists exactly the actions the code calls: every SDK operation
//! called on a client in this crate's sources (`client.<operation>()`, the service
//! taken from the client's crate in that file) must be in the policy, and every action
//! in the policy must be called somewhere.

use std::collections::BTreeSet;
use std::path::Path;

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// IAM service prefix of each SDK crate.
const SERVICES: [(&str, &str); 5] = [
    ("aws_sdk_securityhub", "securityhub"),
    ("aws_sdk_inspector2", "inspector2"),
    ("aws_sdk_config", "config"),
    ("aws_sdk_sts", "sts"),
    ("aws_sdk_organizations", "organizations"),
];

/// Calls of the form `client.op()` / `.client.op()` / `client\n    .op()`, in one file.
fn calls_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let squashed: String = text.split_whitespace().collect::<Vec<_>>().join("");
    let mut rest = squashed.as_str();
    while let Some(at) = rest.find("client.") {
        rest = &rest[at + "client.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !name.is_empty() && rest[name.len()..].starts_with("()") {
            out.push(name);
        }
    }
    out
}

#[test]
fn the_policy_lists_exactly_the_actions_the_code_calls() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut called = BTreeSet::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let calls = calls_in(&text);
        if calls.is_empty() {
            continue;
        }
        let services: Vec<&str> = SERVICES
            .iter()
            .filter(|(krate, _)| {
                text.contains(&format!("{krate}::Client")) || text.contains(&format!("{krate}::Client::from_conf"))
            })
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(
            services.len(),
            1,
            "{}: calls {calls:?} but uses the clients of {services:?}; keep one service's client per file",
            path.display()
        );
        for c in calls {
            called.insert(format!("{}:{}", services[0], pascal(&c)));
        }
    }
    let policy_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/iam/rampart-readonly-policy.json");
    let policy: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(policy_path).unwrap()).unwrap();
    let listed: BTreeSet<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let missing: Vec<_> = called.difference(&listed).collect();
    let unused: Vec<_> = listed.difference(&called).collect();
    assert!(
        missing.is_empty(),
        "the code calls actions the policy does not allow: {missing:?}"
    );
    assert!(
        unused.is_empty(),
        "the policy allows actions the code never calls: {unused:?}"
    );
    // Read-only: nothing that writes.
    for a in &listed {
        let op = a.split(':').nth(1).unwrap();
        assert!(
            ["Get", "List", "Describe"].iter().any(|p| op.starts_with(p)),
            "{a} is not a read action"
        );
    }
}

#[test]
fn the_scanner_finds_calls_across_lines() {
    let text = "let c = aws_sdk_config::Client::from_conf(x);\nself\n  .client\n  .get_compliance_details_by_config_rule()\n  .limit(1);\nclient.list_x(); other.get_y()";
    assert_eq!(calls_in(text), ["get_compliance_details_by_config_rule", "list_x"]);
}
