//! Reading and validating catalog files. Every problem is reported with the file, the
//! line and what is wrong; all problems are collected, not just the first.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{
    Catalog, CliKind, Control, Declined, Difference, Evidence, Framework, Outside, Remediation, Requirement, Rule,
};
use crate::model::Severity;

/// One catalog file's text and the name used in messages.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// The text of the catalog file at `path`, read as every file from outside is: a regular
/// file (a FIFO, a device or a directory is refused at once, never waited on), at most
/// [`crate::limits::CATALOG_FILE_BYTES`], UTF-8. The refusal names the file and the cap.
/// The one way a user's catalog file is read, by the CLI and the window alike.
pub fn read_catalog_file(path: &std::path::Path) -> Result<String, crate::limits::ReadRefused> {
    crate::limits::read_regular_file(path, "a catalog file", crate::limits::CATALOG_FILE_BYTES)
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Every problem found while loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogErrors(pub Vec<CatalogError>);

impl fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for CatalogErrors {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    framework: Option<Spanned<FrameworkDoc>>,
    #[serde(default)]
    requirement: Vec<Spanned<RequirementDoc>>,
    #[serde(default)]
    control: Vec<Spanned<ControlDoc>>,
    #[serde(default)]
    difference: Vec<Spanned<DifferenceDoc>>,
    #[serde(default)]
    unmap: Vec<Spanned<UnmapDoc>>,
    #[serde(default)]
    legacy: Vec<Spanned<LegacyDoc>>,
    #[serde(default)]
    outside: Vec<Spanned<OutsideDoc>>,
    #[serde(default)]
    declined: Vec<Spanned<DeclinedDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclinedDoc {
    requirement: String,
    nist: Vec<String>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutsideDoc {
    controls: Vec<String>,
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkDoc {
    id: String,
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementDoc {
    id: String,
    title: Option<String>,
    summary: Option<String>,
    parent: Option<String>,
    manual: Option<bool>,
    attestation: Option<String>,
    nist: Option<Vec<String>>,
    #[serde(default)]
    evidence: Vec<Spanned<EvidenceDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceDoc {
    control: Option<String>,
    config_rule: Option<String>,
    inspector_type: Option<String>,
    type_prefix: Option<String>,
    product: Option<String>,
    why: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlDoc {
    id: String,
    title: String,
    severity: String,
    config_rule: Option<String>,
    #[serde(default)]
    resource_types: Vec<String>,
    #[serde(default)]
    nist: Vec<String>,
    retired: Option<String>,
    remediation: RemediationDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemediationDoc {
    problem: String,
    why: String,
    steps: Vec<String>,
    console: Option<String>,
    cli: Option<String>,
    cli_kind: Option<CliKind>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DifferenceDoc {
    control: String,
    requirement: String,
    #[serde(default)]
    tools: Vec<String>,
    decision: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnmapDoc {
    framework: String,
    requirement: String,
    control: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyDoc {
    standard: String,
    id: String,
    control: String,
}

/// Where something was declared, for messages raised after merging.
#[derive(Debug, Clone)]
struct At {
    file: String,
    line: usize,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Where each line of a file starts, so that the line of every entry is found by a binary
/// search instead of counting newlines from the top each time (a large file loads in
/// linear time).
struct Lines(Vec<usize>);

impl Lines {
    fn of(text: &str) -> Lines {
        Lines(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// The 1-based line of byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

struct Loader {
    errors: Vec<CatalogError>,
    frameworks: Vec<Framework>,
    framework_at: BTreeMap<String, At>,
    requirement_at: BTreeMap<(String, String), At>,
    evidence_at: Vec<(String, String, Rule, At)>,
    difference_at: Vec<(String, usize, At)>,
    outside_at: Vec<(String, usize, At)>,
    declined_at: Vec<(String, usize, At)>,
    /// (framework, requirement) → its index in the framework's list: loading stays linear
    /// in the number of requirements.
    requirement_index: HashMap<(String, String), usize>,
    controls: BTreeMap<String, Control>,
    legacy: BTreeMap<(String, String), String>,
    legacy_at: Vec<(String, At)>,
}

impl Loader {
    fn err(&mut self, at: &At, message: impl Into<String>) {
        self.errors.push(CatalogError {
            file: at.file.clone(),
            line: at.line,
            message: message.into(),
        });
    }
}

fn is_rule_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A NIST SP 800-53 control or enhancement id: `AC-3`, `SI-4(2)`.
pub fn is_nist_id(s: &str) -> bool {
    let (base, enh) = match s.split_once('(') {
        Some((b, rest)) => match rest.strip_suffix(')') {
            Some(n) => (b, Some(n)),
            None => return false,
        },
        None => (s, None),
    };
    let Some((family, number)) = base.split_once('-') else {
        return false;
    };
    family.len() == 2
        && family.chars().all(|c| c.is_ascii_uppercase())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && enh.is_none_or(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

pub(super) fn load(sources: &[Source]) -> Result<Catalog, CatalogErrors> {
    let mut l = Loader {
        errors: Vec::new(),
        frameworks: Vec::new(),
        framework_at: BTreeMap::new(),
        requirement_at: BTreeMap::new(),
        evidence_at: Vec::new(),
        difference_at: Vec::new(),
        outside_at: Vec::new(),
        declined_at: Vec::new(),
        requirement_index: HashMap::new(),
        controls: BTreeMap::new(),
        legacy: BTreeMap::new(),
        legacy_at: Vec::new(),
    };
    let mut hasher = Sha256::new();
    for src in sources {
        hasher.update(src.name.as_bytes());
        hasher.update([0]);
        hasher.update(src.text.as_bytes());
        hasher.update([0]);
        let doc: FileDoc = match toml::from_str(&src.text) {
            Ok(d) => d,
            Err(e) => {
                let line = e.span().map_or(1, |s| line_of(&src.text, s.start));
                let message = e.message().trim().to_string();
                l.errors.push(CatalogError {
                    file: src.name.clone(),
                    line,
                    message,
                });
                continue;
            }
        };
        apply_file(&mut l, src, doc);
    }
    validate(&mut l);
    if !l.errors.is_empty() {
        return Err(CatalogErrors(l.errors));
    }
    Ok(Catalog {
        frameworks: l.frameworks,
        controls: l.controls,
        legacy: l.legacy,
        fingerprint: format!("{:x}", hasher.finalize()),
    })
}

fn apply_file(l: &mut Loader, src: &Source, doc: FileDoc) {
    let lines = Lines::of(&src.text);
    let at = |span: std::ops::Range<usize>| At {
        file: src.name.clone(),
        line: lines.line(span.start),
    };

    // Controls: a later file may replace a control; one file may not name it twice.
    let mut seen_controls = BTreeSet::new();
    for c in doc.control {
        let here = at(c.span());
        let c = c.into_inner();
        if !seen_controls.insert(c.id.clone()) {
            l.err(&here, format!("duplicate control id {:?} in this file", c.id));
            continue;
        }
        let Some(severity) = Severity::parse_label(&c.severity).filter(|_| c.severity != "UNTRIAGED") else {
            l.err(&here, format!("control {}: unknown severity {:?}", c.id, c.severity));
            continue;
        };
        if let Some(rule) = &c.config_rule {
            if !is_rule_identifier(rule) {
                l.err(&here, format!("control {}: config_rule {rule:?} is not a managed rule identifier (lower-case letters, digits, hyphens)", c.id));
            }
        }
        if let Some(bad) = c.nist.iter().find(|n| !is_nist_id(n)) {
            l.err(
                &here,
                format!(
                    "control {}: nist {bad:?} is not a NIST SP 800-53 id (like AC-3 or SI-4(2))",
                    c.id
                ),
            );
        }
        if c.retired.as_deref().is_some_and(|r| r.trim().is_empty()) {
            l.err(
                &here,
                format!("control {}: retired needs the reason (and what replaced it)", c.id),
            );
        }
        let r = c.remediation;
        if r.cli.is_some() != r.cli_kind.is_some() {
            l.err(
                &here,
                format!(
                    "control {}: a remediation cli needs cli_kind = \"fix\" or \"check\" (and cli_kind needs a cli)",
                    c.id
                ),
            );
        }
        if r.steps.is_empty() || r.problem.trim().is_empty() || r.why.trim().is_empty() {
            l.err(
                &here,
                format!(
                    "control {}: remediation needs a problem, a why and at least one step",
                    c.id
                ),
            );
        }
        l.controls.insert(
            c.id.clone(),
            Control {
                id: c.id,
                title: c.title,
                severity,
                config_rule: c.config_rule,
                resource_types: c.resource_types,
                nist: c.nist,
                retired: c.retired,
                remediation: Remediation {
                    problem: r.problem,
                    why: r.why,
                    steps: r.steps,
                    console: r.console,
                    cli: r.cli,
                    cli_kind: r.cli_kind,
                    url: r.url,
                },
            },
        );
    }

    for g in doc.legacy {
        let here = at(g.span());
        let g = g.into_inner();
        l.legacy.insert((g.standard, g.id), g.control.clone());
        l.legacy_at.push((g.control, here));
    }

    // The framework this file declares or extends.
    let framework_id = match doc.framework {
        Some(f) => {
            let here = at(f.span());
            let f = f.into_inner();
            if f.id.is_empty()
                || !f
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                l.err(
                    &here,
                    format!("framework id {:?} must be lower-case letters, digits, '-' or '_'", f.id),
                );
            }
            match l.frameworks.iter_mut().find(|x| x.id == f.id) {
                Some(existing) => {
                    if let Some(n) = f.name {
                        existing.name = n;
                    }
                    if let Some(v) = f.version {
                        existing.version = v;
                    }
                    if let Some(d) = f.description {
                        existing.description = d;
                    }
                }
                None => {
                    if f.name.is_none() {
                        l.err(&here, format!("framework {:?} is new here and needs a name", f.id));
                    }
                    l.framework_at.insert(f.id.clone(), here);
                    l.frameworks.push(Framework {
                        id: f.id.clone(),
                        name: f.name.unwrap_or_default(),
                        version: f.version.unwrap_or_default(),
                        description: f.description.unwrap_or_default(),
                        requirements: Vec::new(),
                        differences: Vec::new(),
                        outside: Vec::new(),
                        declined: Vec::new(),
                    });
                }
            }
            Some(f.id)
        }
        None => None,
    };

    if framework_id.is_none() {
        if let Some(r) = doc.requirement.first() {
            let here = at(r.span());
            l.err(
                &here,
                "requirements need a [framework] table naming the framework they belong to",
            );
        }
        if let Some(d) = doc.difference.first() {
            let here = at(d.span());
            l.err(
                &here,
                "differences need a [framework] table naming the framework they belong to",
            );
        }
        if let Some(d) = doc.declined.first() {
            let here = at(d.span());
            l.err(
                &here,
                "declined entries need a [framework] table naming the framework they belong to",
            );
        }
        if let Some(o) = doc.outside.first() {
            let here = at(o.span());
            l.err(
                &here,
                "outside entries need a [framework] table naming the framework they belong to",
            );
        }
    }

    if let Some(fid) = &framework_id {
        let mut seen = BTreeSet::new();
        for r in doc.requirement {
            let here = at(r.span());
            let r = r.into_inner();
            if !seen.insert(r.id.clone()) {
                l.err(&here, format!("duplicate requirement id {:?} in this file", r.id));
                continue;
            }
            if let Some(bad) = r.nist.iter().flatten().find(|n| !is_nist_id(n)) {
                l.err(
                    &here,
                    format!(
                        "requirement {}: nist {bad:?} is not a NIST SP 800-53 id (like AC-3 or SI-4(2))",
                        r.id
                    ),
                );
            }
            let mut evidence = Vec::new();
            for e in r.evidence {
                let e_at = at(e.span());
                let e = e.into_inner();
                let keys: Vec<Rule> = [
                    e.control.clone().map(Rule::Control),
                    e.config_rule.clone().map(Rule::ConfigRule),
                    e.inspector_type.clone().map(Rule::InspectorType),
                    e.type_prefix.clone().map(Rule::TypePrefix),
                    e.product.clone().map(Rule::Product),
                ]
                .into_iter()
                .flatten()
                .collect();
                if keys.len() != 1 {
                    l.err(&e_at, format!(
                        "requirement {}: an evidence entry needs exactly one of control, config_rule, inspector_type, type_prefix, product (found {})",
                        r.id, keys.len()
                    ));
                    continue;
                }
                let Some(why) = nonempty(&e.why) else {
                    l.err(
                        &e_at,
                        format!("requirement {}: evidence {} has no `why`", r.id, keys[0].describe()),
                    );
                    continue;
                };
                if let Rule::ConfigRule(rule) = &keys[0] {
                    if !is_rule_identifier(rule) {
                        l.err(
                            &e_at,
                            format!(
                                "requirement {}: config_rule {rule:?} is not a managed rule identifier",
                                r.id
                            ),
                        );
                    }
                }
                l.evidence_at.push((fid.clone(), r.id.clone(), keys[0].clone(), e_at));
                evidence.push(Evidence {
                    rule: keys[0].clone(),
                    why,
                });
            }
            let fw = l
                .frameworks
                .iter_mut()
                .find(|f| &f.id == fid)
                .expect("framework was just ensured");
            let known = l.requirement_index.get(&(fid.clone(), r.id.clone())).copied();
            match known.map(|i| &mut fw.requirements[i]) {
                Some(existing) => {
                    // A later file extends a requirement: new evidence, and any texts it gives.
                    if let Some(t) = nonempty(&r.title) {
                        existing.title = t;
                    }
                    if let Some(s) = nonempty(&r.summary) {
                        existing.summary = s;
                    }
                    if r.parent.is_some() {
                        existing.parent = r.parent;
                    }
                    if let Some(m) = r.manual {
                        existing.manual = m;
                    }
                    if r.attestation.is_some() {
                        existing.attestation = nonempty(&r.attestation);
                    }
                    if let Some(n) = r.nist {
                        existing.nist = n;
                    }
                    for e in evidence {
                        if !existing.evidence.contains(&e) {
                            existing.evidence.push(e);
                        }
                    }
                }
                None => {
                    let (title, summary) = (nonempty(&r.title), nonempty(&r.summary));
                    if title.is_none() || summary.is_none() {
                        l.errors.push(CatalogError {
                            file: here.file.clone(),
                            line: here.line,
                            message: format!("requirement {:?} is new and needs a title and a summary", r.id),
                        });
                    }
                    l.requirement_at.insert((fid.clone(), r.id.clone()), here);
                    l.requirement_index
                        .insert((fid.clone(), r.id.clone()), fw.requirements.len());
                    fw.requirements.push(Requirement {
                        id: r.id,
                        title: title.unwrap_or_default(),
                        summary: summary.unwrap_or_default(),
                        parent: r.parent,
                        manual: r.manual.unwrap_or(false),
                        attestation: nonempty(&r.attestation),
                        evidence,
                        nist: r.nist.unwrap_or_default(),
                    });
                }
            }
        }
        for d in doc.declined {
            let here = at(d.span());
            let d = d.into_inner();
            if d.reason.trim().is_empty() || d.nist.is_empty() {
                l.err(&here, "a declined entry needs nist ids and a `reason`");
            }
            if let Some(fw) = l.frameworks.iter_mut().find(|f| &f.id == fid) {
                fw.declined.push(Declined {
                    requirement: d.requirement,
                    nist: d.nist,
                    reason: d.reason.trim().to_string(),
                });
                let n = fw.declined.len() - 1;
                l.declined_at.push((fid.clone(), n, here));
            }
        }
        for o in doc.outside {
            let here = at(o.span());
            let o = o.into_inner();
            if o.why.trim().is_empty() || o.controls.is_empty() {
                l.err(&here, "an outside entry needs controls and a `why`");
            }
            if let Some(fw) = l.frameworks.iter_mut().find(|f| &f.id == fid) {
                fw.outside.push(Outside {
                    controls: o.controls,
                    why: o.why.trim().to_string(),
                });
                let n = fw.outside.len() - 1;
                l.outside_at.push((fid.clone(), n, here));
            }
        }
        for d in doc.difference {
            let here = at(d.span());
            let d = d.into_inner();
            if d.decision != "mapped" && d.decision != "not mapped" {
                l.err(
                    &here,
                    format!(
                        "difference for {}: decision must be \"mapped\" or \"not mapped\", not {:?}",
                        d.control, d.decision
                    ),
                );
            }
            if let Some(fw) = l.frameworks.iter_mut().find(|f| &f.id == fid) {
                fw.differences.push(Difference {
                    control: d.control,
                    requirement: d.requirement,
                    tools: d.tools,
                    decision: d.decision,
                    reason: d.reason,
                });
                let n = fw.differences.len() - 1;
                l.difference_at.push((fid.clone(), n, here));
            }
        }
    }

    for u in doc.unmap {
        let here = at(u.span());
        let u = u.into_inner();
        let Some(fw) = l.frameworks.iter_mut().find(|f| f.id == u.framework) else {
            l.err(&here, format!("unmap: unknown framework {:?}", u.framework));
            continue;
        };
        let index = l
            .requirement_index
            .get(&(u.framework.clone(), u.requirement.clone()))
            .copied();
        let Some(req) = index.map(|i| &mut fw.requirements[i]) else {
            let msg = format!(
                "unmap: framework {} has no requirement {:?}",
                u.framework, u.requirement
            );
            l.err(&here, msg);
            continue;
        };
        let before = req.evidence.len();
        req.evidence.retain(|e| e.rule != Rule::Control(u.control.clone()));
        if req.evidence.len() == before {
            let msg = format!(
                "unmap: {} {} is not mapped to control {}",
                u.framework, u.requirement, u.control
            );
            l.err(&here, msg);
        }
    }
}

fn validate(l: &mut Loader) {
    let mut problems: Vec<(At, String)> = Vec::new();
    for fw in &l.frameworks {
        let ids: BTreeSet<&str> = fw.requirements.iter().map(|r| r.id.as_str()).collect();
        let by_id: HashMap<&str, &Requirement> = fw.requirements.iter().map(|r| (r.id.as_str(), r)).collect();
        // Requirements that something can evidence: their own rules, or a point below them
        // (points roll up to their parents).
        let mut evidenced: BTreeSet<&str> = BTreeSet::new();
        for r in fw.requirements.iter().filter(|r| !r.evidence.is_empty()) {
            let mut at = Some(r);
            while let Some(x) = at.filter(|x| evidenced.insert(x.id.as_str())) {
                at = x.parent.as_deref().and_then(|p| by_id.get(p).copied());
            }
        }
        for r in &fw.requirements {
            let here = l
                .requirement_at
                .get(&(fw.id.clone(), r.id.clone()))
                .cloned()
                .unwrap_or(At {
                    file: "?".into(),
                    line: 1,
                });
            if let Some(p) = &r.parent {
                if !ids.contains(p.as_str()) || p == &r.id {
                    problems.push((
                        here.clone(),
                        format!("requirement {}: parent {p:?} is not a requirement of {}", r.id, fw.id),
                    ));
                }
            }
            if r.manual && r.attestation.is_none() {
                problems.push((
                    here.clone(),
                    format!("requirement {} is manual and needs an `attestation` text", r.id),
                ));
            }
            if !r.manual && !evidenced.contains(r.id.as_str()) {
                problems.push((
                    here.clone(),
                    format!(
                        "requirement {} is automated but no evidence rule reaches it (it would read \"no data\" forever): add evidence, or make it manual with an attestation",
                        r.id
                    ),
                ));
            }
            if r.manual && !r.evidence.is_empty() {
                problems.push((
                    here,
                    format!("requirement {} is manual but lists automated evidence", r.id),
                ));
            }
        }
        if fw.requirements.is_empty() {
            if let Some(here) = l.framework_at.get(&fw.id).cloned() {
                problems.push((here, format!("framework {} has no requirements", fw.id)));
            }
        }
    }
    for (fid, rid, rule, here) in &l.evidence_at {
        if let Rule::Control(c) = rule {
            if !l.controls.contains_key(c) {
                let spelled = l.controls.keys().find(|k| k.eq_ignore_ascii_case(c));
                let hint = match spelled {
                    Some(k) => format!("AWS writes it {k:?}"),
                    None => "not in any controls file".to_string(),
                };
                problems.push((
                    here.clone(),
                    format!("requirement {rid} ({fid}): unknown control {c:?} ({hint})"),
                ));
            }
        }
    }
    for (fid, n, here) in &l.difference_at {
        let Some(fw) = l.frameworks.iter().find(|f| &f.id == fid) else {
            continue;
        };
        let d = &fw.differences[*n];
        if !l.controls.contains_key(&d.control) {
            problems.push((here.clone(), format!("difference: unknown control {:?}", d.control)));
        }
        let known = l.requirement_index.contains_key(&(fid.clone(), d.requirement.clone()));
        if !d.requirement.is_empty() && !known && d.decision == "mapped" {
            problems.push((
                here.clone(),
                format!("difference: {} has no requirement {:?}", fid, d.requirement),
            ));
        }
    }
    for (fid, n, here) in &l.declined_at {
        let Some(fw) = l.frameworks.iter().find(|f| &f.id == fid) else {
            continue;
        };
        let d = &fw.declined[*n];
        let index = l.requirement_index.get(&(fid.clone(), d.requirement.clone()));
        match index.map(|&i| &fw.requirements[i]) {
            None => problems.push((
                here.clone(),
                format!("declined: {fid} has no requirement {:?}", d.requirement),
            )),
            Some(r) => {
                for n in d
                    .nist
                    .iter()
                    .filter(|n| !r.nist.iter().any(|l| super::nist_covers(l, n)))
                {
                    problems.push((
                        here.clone(),
                        format!("declined: {fid} {} has no reference link to {n}", r.id),
                    ));
                }
            }
        }
    }
    // Per framework, once: the controls it maps, and those listed outside so far.
    let mut mapped_by: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut outside_so_far: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (fid, n, here) in &l.outside_at {
        let Some(fw) = l.frameworks.iter().find(|f| &f.id == fid) else {
            continue;
        };
        let mapped = mapped_by.entry(fw.id.as_str()).or_insert_with(|| fw.mapped_controls());
        let earlier = outside_so_far.entry(fw.id.as_str()).or_default();
        for c in &fw.outside[*n].controls {
            if !l.controls.contains_key(c) {
                problems.push((here.clone(), format!("outside ({fid}): unknown control {c:?}")));
            } else if mapped.contains(c.as_str()) {
                problems.push((
                    here.clone(),
                    format!(
                        "outside ({fid}): control {c} is also mapped to a requirement of {fid}; it is one or the other"
                    ),
                ));
            } else if earlier.contains(c.as_str()) {
                problems.push((
                    here.clone(),
                    format!("outside ({fid}): control {c} is already listed outside"),
                ));
            }
            earlier.insert(c.as_str());
        }
    }
    for (control, here) in &l.legacy_at {
        if !l.controls.contains_key(control) {
            problems.push((here.clone(), format!("legacy mapping to unknown control {control:?}")));
        }
    }
    for (at, msg) in problems {
        l.err(&at, msg);
    }
}
