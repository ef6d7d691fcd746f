//! The compliance catalog: frameworks, their requirements and evidence rules, and the
//! Security Hub controls with remediation guidance. It is data (`assets/catalog/*.toml`),
//! embedded in the binary, validated on load, and extensible with user files.

mod load;
pub mod mapping;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Invalid, NotFound, Refusal};
use crate::model::Severity;

pub use load::{CatalogError, CatalogErrors, Source};

/// The catalog files shipped with Rampart, as `(name, text)`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "assets/catalog/controls.toml",
        include_str!("../../../../assets/catalog/controls.toml"),
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
        "assets/catalog/frameworks/gdpr.toml",
        include_str!("../../../../assets/catalog/frameworks/gdpr.toml"),
    ),
    (
        "assets/catalog/frameworks/hipaa.toml",
        include_str!("../../../../assets/catalog/frameworks/hipaa.toml"),
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
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Rule::Control(c) => format!("control {c}"),
            Rule::ConfigRule(r) => format!("Config rule {r}"),
            Rule::InspectorType(t) => format!("Inspector type {t}"),
            Rule::TypePrefix(p) => format!("finding type {p}*"),
            Rule::Product(p) => format!("product {p}"),
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
    pub url: Option<String>,
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

/// Coverage figures for `rampart catalog stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub controls: usize,
    /// Controls mapped to at least one requirement of each framework, by framework id.
    pub mapped: BTreeMap<String, usize>,
    /// Controls mapped anywhere, each with a remediation and a rationale per mapping.
    pub mapped_any: usize,
    pub requirements: BTreeMap<String, usize>,
    pub manual_requirements: BTreeMap<String, usize>,
    pub config_rules: usize,
    pub differences: usize,
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
        let mut any = std::collections::BTreeSet::new();
        for f in &self.frameworks {
            let ids: std::collections::BTreeSet<&str> = f
                .requirements
                .iter()
                .flat_map(|r| &r.evidence)
                .filter_map(|e| match &e.rule {
                    Rule::Control(c) => Some(c.as_str()),
                    _ => None,
                })
                .collect();
            any.extend(ids.iter().copied());
            mapped.insert(f.id.clone(), ids.len());
        }
        Stats {
            controls: self.controls.len(),
            mapped,
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
