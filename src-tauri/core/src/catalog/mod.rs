//! The compliance catalog: frameworks, their requirements and evidence rules, and the
//! Security Hub controls with remediation guidance. It is data (`assets/catalog/*.toml`),
//! embedded in the binary, validated on load, and extensible with user files.

mod load;
pub mod mapping;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Invalid, NotFound, Refusal};
use crate::model::Severity;

pub use load::{is_nist_id, read_catalog_file, CatalogError, CatalogErrors, Source};

/// The catalog files shipped with Rampart, as `(name, text)`, in load order: the
/// controls, the legacy ids, then each framework followed by its files per service group.
/// A test checks that every file under `assets/catalog/` is listed.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "assets/catalog/controls.toml",
        include_str!("../../../../assets/catalog/controls.toml"),
    ),
    (
        "assets/catalog/controls/acm-detective.toml",
        include_str!("../../../../assets/catalog/controls/acm-detective.toml"),
    ),
    (
        "assets/catalog/controls/dms-dynamodb.toml",
        include_str!("../../../../assets/catalog/controls/dms-dynamodb.toml"),
    ),
    (
        "assets/catalog/controls/ec2-efs.toml",
        include_str!("../../../../assets/catalog/controls/ec2-efs.toml"),
    ),
    (
        "assets/catalog/controls/eks-inspector.toml",
        include_str!("../../../../assets/catalog/controls/eks-inspector.toml"),
    ),
    (
        "assets/catalog/controls/iot-networkfirewall.toml",
        include_str!("../../../../assets/catalog/controls/iot-networkfirewall.toml"),
    ),
    (
        "assets/catalog/controls/opensearch-s3.toml",
        include_str!("../../../../assets/catalog/controls/opensearch-s3.toml"),
    ),
    (
        "assets/catalog/controls/sagemaker-workspaces.toml",
        include_str!("../../../../assets/catalog/controls/sagemaker-workspaces.toml"),
    ),
    (
        "assets/catalog/legacy.toml",
        include_str!("../../../../assets/catalog/legacy.toml"),
    ),
    (
        "assets/catalog/frameworks/api12.toml",
        include_str!("../../../../assets/catalog/frameworks/api12.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/acm-detective.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/acm-detective.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/dms-dynamodb.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/dms-dynamodb.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/ec2-efs.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/ec2-efs.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/eks-inspector.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/eks-inspector.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/iot-networkfirewall.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/iot-networkfirewall.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/opensearch-s3.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/opensearch-s3.toml"),
    ),
    (
        "assets/catalog/frameworks/api12/sagemaker-workspaces.toml",
        include_str!("../../../../assets/catalog/frameworks/api12/sagemaker-workspaces.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/acm-detective.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/acm-detective.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/dms-dynamodb.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/dms-dynamodb.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/ec2-efs.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/ec2-efs.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/eks-inspector.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/eks-inspector.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/iot-networkfirewall.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/iot-networkfirewall.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/opensearch-s3.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/opensearch-s3.toml"),
    ),
    (
        "assets/catalog/frameworks/gdpr/sagemaker-workspaces.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr/sagemaker-workspaces.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/acm-detective.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/acm-detective.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/dms-dynamodb.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/dms-dynamodb.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/ec2-efs.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/ec2-efs.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/eks-inspector.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/eks-inspector.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/iot-networkfirewall.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/iot-networkfirewall.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/opensearch-s3.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/opensearch-s3.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa/sagemaker-workspaces.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa/sagemaker-workspaces.toml"),
    ),
];

/// A validated catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
    pub controls: BTreeMap<String, Control>,
    /// Legacy (standard-specific) control ids → Security Hub control ids, keyed by
    /// (standard prefix, legacy id), e.g. ("cis-aws-foundations-benchmark/v/1.2.0", "1.10").
    pub legacy: BTreeMap<(String, String), String>,
    /// SHA-256 of every source, in load order: changes when any catalog file changes.
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub requirements: Vec<Requirement>,
    pub differences: Vec<Difference>,
    pub outside: Vec<Outside>,
    pub declined: Vec<Declined>,
}

/// Links of the reference (NIST control → requirement) that Rampart does not follow, and
/// why: a control citing only these NIST ids is not mapped to the requirement by reference,
/// and a catalog control left off the requirement for them needs no difference of its own.
#[derive(Debug, Clone, Serialize)]
pub struct Declined {
    pub requirement: String,
    pub nist: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub parent: Option<String>,
    /// AWS findings cannot judge it at all: only an attestation can.
    pub manual: bool,
    /// What an attestation states, for manual (or partly manual) requirements.
    pub attestation: Option<String>,
    pub evidence: Vec<Evidence>,
    /// The NIST SP 800-53 r5 controls a reference relates to the requirement (for HIPAA,
    /// NIST SP 800-66r2's crosswalk). A control's own NIST references meeting these give
    /// the reference mapping a catalog mapping is checked against, and map a control the
    /// catalog does not know *by reference* (less the links the framework declines).
    pub nist: Vec<String>,
}

/// One automated evidence rule and why it bears on its requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub rule: Rule,
    pub why: String,
}

/// What an evidence rule matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Rule {
    /// A Security Hub control id.
    Control(String),
    /// An AWS Config managed rule identifier.
    ConfigRule(String),
    /// An Inspector finding type.
    InspectorType(String),
    /// A prefix of an ASFF `Types` entry.
    TypePrefix(String),
    /// An ASFF product name.
    Product(String),
    /// Not written in catalog files: a control the catalog does not know, mapped because
    /// AWS relates it to this NIST SP 800-53 control and the framework's reference relates
    /// that to the requirement ("mapped by reference").
    Reference(String),
    /// Not written in catalog files: a scanner's check that names no Security Hub control,
    /// mapped to a requirement the scanner declares it evidences (`framework:requirement`).
    Declared(String),
}

impl Rule {
    /// The rule's kind as stored and shown (`control`, `config_rule`, `inspector_type`,
    /// `type_prefix`, `product`) and its value.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Rule::Control(v) => ("control", v),
            Rule::ConfigRule(v) => ("config_rule", v),
            Rule::InspectorType(v) => ("inspector_type", v),
            Rule::TypePrefix(v) => ("type_prefix", v),
            Rule::Product(v) => ("product", v),
            Rule::Reference(v) => ("reference", v),
            Rule::Declared(v) => ("declared", v),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Rule::Control(c) => format!("control {c}"),
            Rule::ConfigRule(r) => format!("Config rule {r}"),
            Rule::InspectorType(t) => format!("Inspector type {t}"),
            Rule::TypePrefix(p) => format!("finding type {p}*"),
            Rule::Product(p) => format!("product {p}"),
            Rule::Reference(n) => format!("NIST SP 800-53 {n} (by reference)"),
            Rule::Declared(r) => format!("{r} (declared by the scanner)"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// The AWS Config managed rule identifier behind the control, if any.
    pub config_rule: Option<String>,
    pub resource_types: Vec<String>,
    /// The NIST SP 800-53 r5 controls AWS relates the control to (`AC-3`, `SI-4(2)`): the
    /// reference a mapping is grounded in (docs/catalog-method.md).
    pub nist: Vec<String>,
    /// Set when AWS has retired the control: why, and what replaced it. Old findings of it
    /// still resolve.
    pub retired: Option<String>,
    pub remediation: Remediation,
}

/// Remediation guidance for a control (also sent to the window as is).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "RemediationView")]
pub struct Remediation {
    pub problem: String,
    pub why: String,
    pub steps: Vec<String>,
    pub console: Option<String>,
    pub cli: Option<String>,
    /// Whether `cli` changes the resource (a fix) or only reads its state (a check).
    pub cli_kind: Option<CliKind>,
    pub url: Option<String>,
}

/// What a remediation's CLI command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum CliKind {
    /// Changes the resource so that the control passes.
    Fix,
    /// Only reads state, to confirm what the control reports.
    Check,
}

/// Controls a framework deliberately does not map, and why (a considered "no", as opposed
/// to a control nobody looked at).
#[derive(Debug, Clone, Serialize)]
pub struct Outside {
    pub controls: Vec<String>,
    pub why: String,
}

/// Where a mapping deliberately differs from the open-source crosswalks.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub control: String,
    pub requirement: String,
    pub tools: Vec<String>,
    pub decision: String,
    pub reason: String,
}

/// Whether the NIST SP 800-53 id `listed` covers `cited`: the same id, or `cited` is an
/// enhancement of the base control `listed` (`AC-3` covers `AC-3(7)`; `AC-3(7)` covers only
/// itself).
pub fn nist_covers(listed: &str, cited: &str) -> bool {
    listed == cited || (!listed.contains('(') && cited.strip_prefix(listed).is_some_and(|rest| rest.starts_with('(')))
}

/// Coverage figures for `rampart catalog stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every control the catalog knows, retired ones included.
    pub controls: usize,
    /// The ids of the controls AWS runs today (not retired), sorted.
    pub known: Vec<String>,
    /// Retired controls the catalog still knows so that old findings resolve.
    pub retired: Vec<String>,
    /// Controls mapped to at least one requirement of each framework, by framework id.
    pub mapped: BTreeMap<String, usize>,
    /// Controls each framework records as bearing on none of its requirements, with why.
    pub outside: BTreeMap<String, usize>,
    /// Controls a framework neither maps nor records as outside: nobody decided them yet.
    pub undecided: BTreeMap<String, Vec<String>>,
    /// Controls mapped anywhere, each with a remediation and a rationale per mapping.
    pub mapped_any: usize,
    pub requirements: BTreeMap<String, usize>,
    pub manual_requirements: BTreeMap<String, usize>,
    pub config_rules: usize,
    pub differences: usize,
}

impl Framework {
    /// Whether a control citing the NIST id `cited` evidences `requirement` by reference:
    /// one of the requirement's references covers it and no declined link of the
    /// requirement does. Never for manual requirements.
    pub fn reaches_by_reference(&self, requirement: &Requirement, cited: &str) -> bool {
        !requirement.manual
            && requirement.nist.iter().any(|l| nist_covers(l, cited))
            && !self
                .declined
                .iter()
                .filter(|d| d.requirement == requirement.id)
                .flat_map(|d| &d.nist)
                .any(|d| nist_covers(d, cited))
    }

    /// The Security Hub controls that evidence at least one requirement.
    pub fn mapped_controls(&self) -> std::collections::BTreeSet<&str> {
        self.requirements
            .iter()
            .flat_map(|r| &r.evidence)
            .filter_map(|e| match &e.rule {
                Rule::Control(c) => Some(c.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Catalog {
    /// The catalog shipped with Rampart.
    pub fn builtin() -> Result<Catalog, CatalogErrors> {
        Catalog::load(&BUILTIN.iter().map(|(n, t)| Source::new(*n, *t)).collect::<Vec<_>>())
    }

    /// The built-in catalog with user files applied on top, in order.
    pub fn with_user_files(user: &[Source]) -> Result<Catalog, CatalogErrors> {
        let mut all: Vec<Source> = BUILTIN.iter().map(|(n, t)| Source::new(*n, *t)).collect();
        all.extend(user.iter().cloned());
        Catalog::load(&all)
    }

    pub fn load(sources: &[Source]) -> Result<Catalog, CatalogErrors> {
        load::load(sources)
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    /// The framework `id`, or a refusal that lists the known ones.
    pub fn find_framework(&self, id: &str) -> Result<&Framework, NotFound> {
        self.framework(id).ok_or_else(|| {
            let known: Vec<&str> = self.frameworks.iter().map(|f| f.id.as_str()).collect();
            NotFound(format!("unknown framework {id:?}; known: {}", known.join(", ")))
        })
    }

    /// Requirement `requirement` of framework `framework`.
    pub fn find_requirement(&self, framework: &str, requirement: &str) -> Result<&Requirement, NotFound> {
        self.find_framework(framework)?
            .requirements
            .iter()
            .find(|r| r.id == requirement)
            .ok_or_else(|| NotFound(format!("framework {framework} has no requirement {requirement:?}")))
    }

    /// A `FRAMEWORK:REQUIREMENT` target (`hipaa:164.312(b)`), checked against the catalog.
    pub fn find_target(&self, target: &str) -> Result<(&Framework, &Requirement), Refusal> {
        let (fw, req) = target.split_once(':').ok_or_else(|| {
            Invalid::new(
                "requirement",
                format!("{target:?}: expected FRAMEWORK:REQUIREMENT, e.g. hipaa:164.312(b)"),
            )
        })?;
        let r = self.find_requirement(fw, req)?;
        Ok((self.find_framework(fw)?, r))
    }

    pub fn stats(&self) -> Stats {
        let mut mapped = BTreeMap::new();
        let mut outside = BTreeMap::new();
        let mut undecided = BTreeMap::new();
        let mut any = std::collections::BTreeSet::new();
        for f in &self.frameworks {
            let ids = f.mapped_controls();
            any.extend(ids.iter().copied());
            mapped.insert(f.id.clone(), ids.len());
            let out: std::collections::BTreeSet<&str> = f
                .outside
                .iter()
                .flat_map(|o| o.controls.iter().map(String::as_str))
                .collect();
            outside.insert(f.id.clone(), out.len());
            let open: Vec<String> = self
                .controls
                .keys()
                .filter(|c| !ids.contains(c.as_str()) && !out.contains(c.as_str()))
                .cloned()
                .collect();
            undecided.insert(f.id.clone(), open);
        }
        let (retired, known): (Vec<&Control>, Vec<&Control>) =
            self.controls.values().partition(|c| c.retired.is_some());
        Stats {
            controls: self.controls.len(),
            known: known.iter().map(|c| c.id.clone()).collect(),
            retired: retired.iter().map(|c| c.id.clone()).collect(),
            mapped,
            outside,
            undecided,
            mapped_any: any.len(),
            requirements: self
                .frameworks
                .iter()
                .map(|f| (f.id.clone(), f.requirements.len()))
                .collect(),
            manual_requirements: self
                .frameworks
                .iter()
                .map(|f| (f.id.clone(), f.requirements.iter().filter(|r| r.manual).count()))
                .collect(),
            config_rules: self.controls.values().filter(|c| c.config_rule.is_some()).count(),
            differences: self.frameworks.iter().map(|f| f.differences.len()).sum(),
        }
    }
}
