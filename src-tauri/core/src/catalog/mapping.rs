//! The mapping engine: which requirements a finding bears on, and why. Deterministic (the
//! catalog's order decides ties) and explained (each match names the rule that matched).
//! A match on a point of a requirement (e.g. `Art.32(1)(a)`) also counts for its parents.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Catalog, Rule};
use crate::model::Source;

/// The fields of a finding that mapping looks at.
#[derive(Debug, Clone, Copy)]
pub struct FindingKey<'a> {
    pub source: Source,
    pub product: &'a str,
    pub control_id: Option<&'a str>,
    pub standard: Option<&'a str>,
    pub config_rule: Option<&'a str>,
    pub types: &'a [String],
    /// The NIST SP 800-53 ids AWS relates the finding's control to.
    pub related_nist: &'a [String],
    /// Requirements a scanner declares the check evidences (`framework:requirement`).
    pub declared: &'a [String],
}

/// One requirement a finding bears on, and the rule that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub framework: String,
    pub requirement: String,
    pub rule: Rule,
    pub why: String,
    /// Set when the match was inherited from a point of this requirement.
    pub via: Option<String>,
}

/// Where an evidence rule sits: (framework index, requirement index, evidence index).
type Slot = (usize, usize, usize);

/// What made a requirement match: an evidence rule, or (for a control the catalog does not
/// know) a NIST reference: (the control, the NIST id).
#[derive(Debug, Clone)]
enum Hit {
    Evidence(Slot),
    Reference(String, String),
    /// What the scanner declared (`framework:requirement`, as it was written).
    Declared(String),
}

/// Indexes over a catalog for fast mapping.
pub struct Mapper<'c> {
    catalog: &'c Catalog,
    by_rule: HashMap<Rule, Vec<Slot>>,
    prefixes: Vec<(String, Slot)>,
    /// Managed rule identifier → controls that use it.
    controls_by_config_rule: HashMap<String, Vec<String>>,
    /// (framework index, requirement index) → ancestor requirement indexes, nearest first.
    ancestors: HashMap<(usize, usize), Vec<usize>>,
    /// A control id in ASCII lower case → the catalog's spelling (AWS's own: `Autoscaling.5`
    /// beside `AutoScaling.1`). Security Hub matches control ids without regard to case.
    control_ids: HashMap<String, String>,
    /// NIST SP 800-53 id listed by a requirement's reference → the (framework,
    /// requirement) indexes that list it (declined links are checked at lookup).
    by_reference: HashMap<String, Vec<(usize, usize)>>,
}

impl<'c> Mapper<'c> {
    pub fn new(catalog: &'c Catalog) -> Mapper<'c> {
        let mut by_rule: HashMap<Rule, Vec<Slot>> = HashMap::new();
        let mut by_reference: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut prefixes = Vec::new();
        let mut ancestors = HashMap::new();
        for (fi, fw) in catalog.frameworks.iter().enumerate() {
            let index: HashMap<&str, usize> = fw
                .requirements
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i))
                .collect();
            for (ri, req) in fw.requirements.iter().enumerate() {
                if !req.manual {
                    for n in &req.nist {
                        by_reference.entry(n.clone()).or_default().push((fi, ri));
                    }
                }
                for (ei, ev) in req.evidence.iter().enumerate() {
                    match &ev.rule {
                        Rule::TypePrefix(p) => prefixes.push((p.clone(), (fi, ri, ei))),
                        other => by_rule.entry(other.clone()).or_default().push((fi, ri, ei)),
                    }
                }
                let mut chain = Vec::new();
                let mut parent = req.parent.as_deref();
                while let Some(p) = parent {
                    match index.get(p) {
                        Some(&pi) if !chain.contains(&pi) && pi != ri => {
                            chain.push(pi);
                            parent = fw.requirements[pi].parent.as_deref();
                        }
                        _ => break,
                    }
                }
                ancestors.insert((fi, ri), chain);
            }
        }
        let mut controls_by_config_rule: HashMap<String, Vec<String>> = HashMap::new();
        for c in catalog.controls.values() {
            if let Some(r) = &c.config_rule {
                controls_by_config_rule.entry(r.clone()).or_default().push(c.id.clone());
            }
        }
        let control_ids = catalog
            .controls
            .keys()
            .map(|id| (id.to_ascii_lowercase(), id.clone()))
            .collect();
        Mapper {
            catalog,
            by_rule,
            prefixes,
            controls_by_config_rule,
            ancestors,
            control_ids,
            by_reference,
        }
    }

    /// The Security Hub control a finding is about: its own consolidated control id, or a
    /// legacy standard-specific id translated through the catalog's legacy table.
    /// Ids are compared without regard to case, as Security Hub does; a known control comes
    /// back spelled as the catalog (and AWS) spells it.
    pub fn resolve_control(&self, key: &FindingKey<'_>) -> Option<String> {
        let id = key.control_id?;
        // The exact spelling is the common case; only a miss pays for the lower-casing.
        let known = if self.catalog.controls.contains_key(id) {
            Some(id.to_string())
        } else {
            self.control_ids.get(&id.to_ascii_lowercase()).cloned()
        };
        match key.standard {
            None => Some(known.unwrap_or_else(|| id.to_string())),
            Some(standard) => {
                let legacy = self
                    .catalog
                    .legacy
                    .iter()
                    .find(|((std_prefix, legacy_id), _)| {
                        legacy_id.eq_ignore_ascii_case(id) && standard.starts_with(std_prefix.as_str())
                    })
                    .map(|(_, control)| control.clone());
                // Legacy FSBP findings already use the Security Hub control ids.
                legacy.or(known)
            }
        }
    }

    /// The managed rule identifier of a Config rule name: service-linked names
    /// (`securityhub-<identifier>-<suffix>`) are resolved to the identifier.
    pub fn resolve_config_rule(&self, name: &str) -> String {
        let known = |s: &str| {
            self.controls_by_config_rule.contains_key(s) || self.by_rule.contains_key(&Rule::ConfigRule(s.to_string()))
        };
        // Some managed rules are themselves called securityhub-… (securityhub-enabled).
        if known(name) {
            return name.to_string();
        }
        if let Some(rest) = name.strip_prefix("securityhub-") {
            if let Some((head, _suffix)) = rest.rsplit_once('-') {
                if known(head) {
                    return head.to_string();
                }
            }
            if known(rest) {
                return rest.to_string();
            }
            if let Some((head, _)) = rest.rsplit_once('-') {
                return head.to_string();
            }
        }
        name.to_string()
    }

    /// Every requirement the finding bears on, in catalog order, with the first rule
    /// that matched (rules are tried in the order: control, Config rule, Inspector type,
    /// type prefix, product). Parents inherit their points' matches.
    pub fn map(&self, key: &FindingKey<'_>) -> Vec<Match> {
        let mut hits: BTreeMap<(usize, usize), (Hit, Option<usize>)> = BTreeMap::new();
        let mut add = |slots: &[Slot]| {
            for &(fi, ri, ei) in slots {
                hits.entry((fi, ri)).or_insert((Hit::Evidence((fi, ri, ei)), None));
            }
        };
        let control = self.resolve_control(key);
        if let Some(c) = &control {
            if let Some(s) = self.by_rule.get(&Rule::Control(c.clone())) {
                add(s);
            }
        }
        if let Some(name) = key.config_rule {
            let rule = self.resolve_config_rule(name);
            if let Some(s) = self.by_rule.get(&Rule::ConfigRule(rule.clone())) {
                add(s);
            }
            // A Config evaluation of the managed rule behind a control is evidence of that
            // control — but a control finding is not evidence of its rule's other controls.
            if control.is_none() {
                for c in self.controls_by_config_rule.get(&rule).into_iter().flatten() {
                    if let Some(s) = self.by_rule.get(&Rule::Control(c.clone())) {
                        add(s);
                    }
                }
            }
        }
        if key.source == Source::Inspector {
            for t in key.types {
                if let Some(s) = self.by_rule.get(&Rule::InspectorType(t.clone())) {
                    add(s);
                }
            }
        }
        for (prefix, slot) in &self.prefixes {
            if key.types.iter().any(|t| t.starts_with(prefix.as_str())) {
                add(&[*slot]);
            }
        }
        if let Some(s) = self.by_rule.get(&Rule::Product(key.product.to_string())) {
            add(s);
        }
        // A control the catalog does not know: by reference, through the NIST SP 800-53
        // controls AWS relates it to (where no rule of the catalog already matched).
        if let Some(c) = control.as_deref().filter(|c| !self.catalog.controls.contains_key(*c)) {
            for n in key.related_nist {
                // An enhancement (`AC-3(7)`) is part of its base control (`AC-3`).
                let base = n.split_once('(').map(|(b, _)| b);
                for listed in std::iter::once(n.as_str()).chain(base) {
                    for &(fi, ri) in self.by_reference.get(listed).into_iter().flatten() {
                        let fw = &self.catalog.frameworks[fi];
                        if fw.reaches_by_reference(&fw.requirements[ri], n) {
                            hits.entry((fi, ri))
                                .or_insert((Hit::Reference(c.to_string(), n.clone()), None));
                        }
                    }
                }
            }
        }
        // A scanner's check that names no Security Hub control: the requirements it declares
        // it evidences, where the catalog knows them (a declared paragraph the catalog does
        // not list counts for the nearest one above it that it does), never a manual one.
        if control.is_none() {
            for declared in key.declared {
                let Some((fw_id, req)) = declared.split_once(':') else {
                    continue;
                };
                let Some(fi) = self.catalog.frameworks.iter().position(|f| f.id == fw_id) else {
                    continue;
                };
                let fw = &self.catalog.frameworks[fi];
                let mut id = req;
                let found = loop {
                    if let Some(ri) = fw.requirements.iter().position(|r| r.id == id) {
                        break Some(ri);
                    }
                    match id.rfind('(') {
                        Some(at) if at > 0 => id = &id[..at],
                        _ => break None,
                    }
                };
                if let Some(ri) = found.filter(|&ri| !fw.requirements[ri].manual) {
                    hits.entry((fi, ri)).or_insert((Hit::Declared(declared.clone()), None));
                }
            }
        }
        // Parents inherit their points' matches.
        let direct: Vec<((usize, usize), Hit)> = hits.iter().map(|(k, (hit, _))| (*k, hit.clone())).collect();
        for ((fi, ri), hit) in direct {
            for &pi in self.ancestors.get(&(fi, ri)).into_iter().flatten() {
                hits.entry((fi, pi)).or_insert((hit.clone(), Some(ri)));
            }
        }
        hits.into_iter()
            .map(|((fi, ri), (hit, via))| {
                let fw = &self.catalog.frameworks[fi];
                let (rule, why) = match hit {
                    Hit::Evidence((sf, sr, se)) => {
                        let ev = &self.catalog.frameworks[sf].requirements[sr].evidence[se];
                        (ev.rule.clone(), ev.why.clone())
                    }
                    Hit::Reference(control, n) => {
                        let why = format!(
                            "Mapped by reference: {control} is not in the catalog; AWS relates it to NIST SP 800-53 {n}, which the {} reference relates to this requirement.",
                            fw.name
                        );
                        (Rule::Reference(n), why)
                    }
                    Hit::Declared(declared) => {
                        let why = format!(
                            "The scanner declares its check evidences {declared}; the finding names no Security Hub control."
                        );
                        (Rule::Declared(declared), why)
                    }
                };
                Match {
                    framework: fw.id.clone(),
                    requirement: fw.requirements[ri].id.clone(),
                    rule,
                    why,
                    via: via.map(|v| fw.requirements[v].id.clone()),
                }
            })
            .collect()
    }
}
