//! Importers for AWS export files and scanners' finding files. One streaming pass over the
//! JSON: a file is one document or several (one per line, as log pipelines write them); a
//! document is a wrapper object whose findings are under a key of any case (`Findings`,
//! `findings`, `EvaluationResults`, `coveredResources`), an EventBridge event (its
//! `detail.findings`), an array of findings or events, or a single finding. What each
//! finding is — ASFF, OCSF, Inspector, a Config result or an Inspector coverage record —
//! is recognised from its own keys, never from the wrapper's name. Each is normalised into
//! a [`Finding`] and handed to a sink as soon as it is read, so memory stays bounded by
//! one finding.

pub mod asff;
pub mod config;
pub mod inspector;
pub mod ocsf;

use std::fmt;
use std::io::Read;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::Finding;

/// The kinds of export Rampart reads: the kind of finding the file holds, or the event
/// that carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// ASFF findings: `aws securityhub get-findings` (`{"Findings": […]}`), a bare array,
    /// one per line, or a single finding.
    SecurityHubFindings,
    /// An EventBridge event from either Security Hub (`{"detail": {"findings": […]}}`):
    /// ASFF ("Findings - Imported") or OCSF ("Findings Imported V2").
    EventBridgeEvent,
    /// `aws inspector2 list-findings`: `{"findings": [camelCase…]}`.
    Inspector2Findings,
    /// `aws configservice get-compliance-details-by-config-rule`: `{"EvaluationResults": […]}`.
    ConfigEvaluations,
    /// `aws inspector2 list-coverage`: `{"coveredResources": […]}`.
    Inspector2Coverage,
    /// OCSF findings: the new Security Hub's `GetFindingsV2` pages and exports, Prowler's
    /// and Security Lake's OCSF JSON.
    OcsfFindings,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::SecurityHubFindings => "securityhub-findings",
            Shape::EventBridgeEvent => "eventbridge-event",
            Shape::Inspector2Findings => "inspector2-findings",
            Shape::ConfigEvaluations => "config-evaluations",
            Shape::Inspector2Coverage => "inspector2-coverage",
            Shape::OcsfFindings => "ocsf-findings",
        }
    }
}

/// What one finding is, recognised from its own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Asff,
    Ocsf,
    Inspector2,
    ConfigEvaluation,
    Inspector2Coverage,
}

impl Kind {
    fn raw_format(self) -> RawFormat {
        match self {
            Kind::Asff => RawFormat::Asff,
            Kind::Ocsf => RawFormat::Ocsf,
            Kind::Inspector2 => RawFormat::Inspector2,
            Kind::ConfigEvaluation => RawFormat::ConfigEvaluation,
            Kind::Inspector2Coverage => RawFormat::Inspector2Coverage,
        }
    }

    /// The shape of a file whose findings are of this kind.
    fn shape(self) -> Shape {
        match self {
            Kind::Asff => Shape::SecurityHubFindings,
            Kind::Ocsf => Shape::OcsfFindings,
            Kind::Inspector2 => Shape::Inspector2Findings,
            Kind::ConfigEvaluation => Shape::ConfigEvaluations,
            Kind::Inspector2Coverage => Shape::Inspector2Coverage,
        }
    }

    /// The format's name and the key that identifies it, for messages.
    fn name(self) -> &'static str {
        match self {
            Kind::Asff => "ASFF (Security Hub CSPM)",
            Kind::Ocsf => "OCSF",
            Kind::Inspector2 => "Inspector",
            Kind::ConfigEvaluation => "Config evaluation",
            Kind::Inspector2Coverage => "Inspector coverage",
        }
    }
}

/// What the raw JSON kept with a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFormat {
    Asff,
    Ocsf,
    Inspector2,
    ConfigEvaluation,
    Inspector2Coverage,
}

impl RawFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            RawFormat::Asff => "asff",
            RawFormat::Ocsf => "ocsf",
            RawFormat::Inspector2 => "inspector2",
            RawFormat::ConfigEvaluation => "config-evaluation",
            RawFormat::Inspector2Coverage => "inspector2-coverage",
        }
    }
}

/// Context that an export does not carry itself. Config evaluation results name neither
/// account nor Region; these fill them in (otherwise they are taken from the resource ARN
/// when it has them, or left empty).
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub account: Option<String>,
    pub region: Option<String>,
    /// When the data was fetched (ms), for records that carry no time of their own
    /// (Inspector coverage from a live sync).
    pub observed_at: Option<i64>,
    /// The conformance pack a Config rule's evaluation results belong to, if any.
    pub conformance_pack: Option<String>,
}

/// Why an export could not be read. The caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not valid JSON ({0})")]
    Json(String),
    #[error("the file ends too early: truncated JSON ({0})")]
    Truncated(String),
    #[error("the JSON is not shaped like an AWS export: {0}")]
    Structure(String),
    #[error(
        "not a recognised finding file: expected findings under `Findings` or `findings` (Security Hub, \
         GetFindingsV2, Inspector), `EvaluationResults` (aws configservice get-compliance-details-by-config-rule), \
         `coveredResources` (aws inspector2 list-coverage), an EventBridge event with `detail.findings`, \
         an array of findings, one finding per line, or a single finding (ASFF, OCSF, Inspector); found {0}"
    )]
    UnknownShape(String),
    #[error("finding #{index}{}: {message}", id.as_deref().map(|i| format!(" ({i})")).unwrap_or_default())]
    BadFinding {
        /// Zero-based position in the file's array of findings.
        index: usize,
        id: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Sink(String),
}

/// A finding as read, with the exact JSON it was read from.
pub struct Item<'a> {
    pub index: usize,
    pub finding: Finding,
    pub raw: &'a RawValue,
    pub format: RawFormat,
}

/// Reads one export, calling `sink` for every finding in file order, and returns its shape.
/// A sink error stops the read and is returned as [`ImportError::Sink`].
pub fn read_export<R, S, E>(reader: R, opts: &ImportOptions, mut sink: S) -> Result<Shape, ImportError>
where
    R: Read,
    S: FnMut(Item<'_>) -> Result<(), E>,
    E: fmt::Display,
{
    let mut state = State {
        opts,
        sink: &mut sink,
        error: None,
        shape: None,
        next_index: 0,
        keys_seen: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, reader));
    // One document, or several one after another (JSON Lines: one finding or event per line).
    loop {
        let result = TopLevel { state: &mut state }.deserialize(&mut de);
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        if let Err(e) = result {
            return Err(json_error(e));
        }
        match de.end() {
            Ok(()) => break,
            Err(e) if e.to_string().starts_with("trailing characters") => continue,
            Err(e) => return Err(json_error(e)),
        }
    }
    state.shape.ok_or_else(|| {
        ImportError::UnknownShape(if state.keys_seen.is_empty() {
            "an object with no keys".to_string()
        } else {
            format!("top-level keys {}", state.keys_seen.join(", "))
        })
    })
}

fn json_error(e: serde_json::Error) -> ImportError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => ImportError::Io(e.into()),
        Category::Eof => ImportError::Truncated(e.to_string()),
        Category::Syntax => ImportError::Json(e.to_string()),
        Category::Data => ImportError::Structure(e.to_string()),
    }
}

/// Strips serde_json's " at line L column C" suffix: positions inside one finding's own
/// text mean nothing to the user, who is told the finding's index instead.
pub(crate) fn element_error(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(pos) if e.line() > 0 => s[..pos].to_string(),
        _ => s,
    }
}

trait ErasedSink {
    fn take(&mut self, item: Item<'_>) -> Result<(), String>;
}

impl<S, E> ErasedSink for S
where
    S: FnMut(Item<'_>) -> Result<(), E>,
    E: fmt::Display,
{
    fn take(&mut self, item: Item<'_>) -> Result<(), String> {
        self(item).map_err(|e| e.to_string())
    }
}

struct State<'s> {
    opts: &'s ImportOptions,
    sink: &'s mut dyn ErasedSink,
    /// The first error raised inside the stream (a bad finding or a sink failure); serde
    /// only carries a string, so the real error waits here.
    error: Option<ImportError>,
    shape: Option<Shape>,
    next_index: usize,
    keys_seen: Vec<String>,
}

impl State<'_> {
    fn handle(&mut self, kind: Kind, in_event: bool, raw: &RawValue) -> Result<(), ImportError> {
        let index = self.next_index;
        self.next_index += 1;
        self.shape.get_or_insert(if in_event {
            Shape::EventBridgeEvent
        } else {
            kind.shape()
        });
        let size = raw.get().len();
        if size > crate::limits::FINDING_JSON_BYTES {
            return Err(ImportError::BadFinding {
                index,
                id: None,
                message: format!(
                    "its JSON is {size} bytes long; Rampart reads at most {} bytes of one finding \
                     (AWS allows 240 KB for an ASFF finding)",
                    crate::limits::FINDING_JSON_BYTES
                ),
            });
        }
        let finding = match kind {
            Kind::Asff => asff::normalise(raw, index),
            Kind::Ocsf => ocsf::normalise(raw, index),
            Kind::Inspector2 => inspector::normalise(raw, index),
            Kind::ConfigEvaluation => config::normalise(raw, index, self.opts),
            Kind::Inspector2Coverage => inspector::normalise_coverage(raw, index, self.opts),
        }
        .map_err(|e| match e {
            // Say which format the finding was read as, so a refusal names the right one.
            ImportError::BadFinding { index, id, message } => ImportError::BadFinding {
                index,
                id,
                message: format!("read as {}: {message}", kind.name()),
            },
            other => other,
        })?;
        self.sink
            .take(Item {
                index,
                finding,
                raw,
                format: kind.raw_format(),
            })
            .map_err(ImportError::Sink)
    }

    /// A finding of a kind recognised from its own keys, or an error naming what was
    /// looked for.
    fn handle_sniffed(&mut self, sniff: &Sniff, in_event: bool, raw: &RawValue) -> Result<(), ImportError> {
        match sniff.kind() {
            Some(kind) => self.handle(kind, in_event, raw),
            None => Err(ImportError::BadFinding {
                index: self.next_index,
                id: None,
                message: "not a finding: no `ProductArn` (ASFF), `finding_info` (OCSF), `findingArn` \
                          (Inspector), `EvaluationResultIdentifier` (Config) or `resourceId` (Inspector coverage)"
                    .into(),
            }),
        }
    }

    fn fail<E: serde::de::Error>(&mut self, e: ImportError) -> E {
        self.error = Some(e);
        E::custom("import stopped")
    }
}

/// The keys that say what one JSON object is.
#[derive(serde::Deserialize, Default)]
struct Sniff {
    #[serde(rename = "ProductArn")]
    product_arn: Option<IgnoredAny>,
    #[serde(rename = "SchemaVersion")]
    schema_version: Option<IgnoredAny>,
    finding_info: Option<IgnoredAny>,
    class_uid: Option<IgnoredAny>,
    #[serde(rename = "findingArn")]
    finding_arn: Option<IgnoredAny>,
    #[serde(rename = "EvaluationResultIdentifier")]
    evaluation: Option<IgnoredAny>,
    #[serde(rename = "resourceId")]
    resource_id: Option<IgnoredAny>,
    detail: Option<EventSniff>,
}

impl Sniff {
    fn of(raw: &RawValue) -> Sniff {
        serde_json::from_str(raw.get()).unwrap_or_default()
    }

    fn kind(&self) -> Option<Kind> {
        if self.finding_info.is_some() || self.class_uid.is_some() {
            Some(Kind::Ocsf)
        } else if self.product_arn.is_some() || self.schema_version.is_some() {
            Some(Kind::Asff)
        } else if self.finding_arn.is_some() {
            Some(Kind::Inspector2)
        } else if self.evaluation.is_some() {
            Some(Kind::ConfigEvaluation)
        } else if self.resource_id.is_some() {
            Some(Kind::Inspector2Coverage)
        } else {
            None
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct EventSniff {
    findings: Option<Vec<Box<RawValue>>>,
}

/// A key that holds a file's findings, in any case (`Findings` from the AWS CLI and
/// GetFindingsV2, `findings` from Inspector and some pipelines).
fn is_findings_key(key: &str) -> bool {
    ["findings", "evaluationresults", "coveredresources"]
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k))
}

/// One JSON document of the file.
struct TopLevel<'a, 's> {
    state: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (an export, an EventBridge event or one finding) or an array of findings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Until a key that holds findings shows up, the object may be a single finding:
        // its members are kept (bounded like one finding) to be read as one at the end.
        let mut members: Vec<(String, Box<RawValue>)> = Vec::new();
        let mut kept = 0usize;
        let mut wrapper = false;
        while let Some(key) = map.next_key::<String>()? {
            if self.state.keys_seen.len() < 8 {
                self.state.keys_seen.push(format!("`{}`", crate::text::display(&key)));
            }
            if is_findings_key(&key) {
                wrapper = true;
                members.clear();
                map.next_value_seed(Elements {
                    state: self.state,
                    bare: false,
                    in_event: false,
                    coverage: key.eq_ignore_ascii_case("coveredresources"),
                })?;
            } else if key == "detail" {
                wrapper = true;
                members.clear();
                map.next_value_seed(EventDetail { state: self.state })?;
            } else if wrapper {
                map.next_value::<IgnoredAny>()?;
            } else {
                let value = map.next_value::<Box<RawValue>>()?;
                kept += key.len() + value.get().len();
                if kept > crate::limits::FINDING_JSON_BYTES {
                    // Not one finding (or one too large to read): the rest is not kept.
                    wrapper = true;
                    members.clear();
                    continue;
                }
                members.push((key, value));
            }
        }
        if !wrapper && !members.is_empty() {
            let mut json = String::with_capacity(kept + 4 * members.len() + 2);
            json.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&serde_json::to_string(k).map_err(A::Error::custom)?);
                json.push(':');
                json.push_str(v.get());
            }
            json.push('}');
            let raw = RawValue::from_string(json).map_err(A::Error::custom)?;
            let sniff = Sniff::of(&raw);
            if sniff.kind().is_some() {
                if let Err(e) = self.state.handle_sniffed(&sniff, false, &raw) {
                    return Err(self.state.fail(e));
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Elements {
            state: self.state,
            bare: true,
            in_event: false,
            coverage: false,
        }
        .visit_seq(seq)
    }
}

/// The `detail` object of an EventBridge event.
struct EventDetail<'a, 's> {
    state: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for EventDetail<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventDetail<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an EventBridge `detail` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key.eq_ignore_ascii_case("findings") {
                self.state.shape.get_or_insert(Shape::EventBridgeEvent);
                map.next_value_seed(Elements {
                    state: self.state,
                    bare: false,
                    in_event: true,
                    coverage: false,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    // A `detail` that is not an object is simply not an event we know.
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// An array of findings (or, at the top level, of findings and EventBridge events). Each
/// element's kind is recognised from its keys; in a wrapper's array, whose findings are all
/// of one kind, only the first is examined and the rest are read as the same kind.
struct Elements<'a, 's> {
    state: &'a mut State<'s>,
    /// The file itself is an array (not a wrapper's or an event's): its elements may be of
    /// different kinds, and events.
    bare: bool,
    in_event: bool,
    /// Under `coveredResources`: coverage records, whatever keys they lack.
    coverage: bool,
}

impl<'de> DeserializeSeed<'de> for Elements<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut same: Option<Kind> = self.coverage.then_some(Kind::Inspector2Coverage);
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let result = match same {
                Some(kind) => self.state.handle(kind, self.in_event, &raw),
                None => {
                    let sniff = Sniff::of(&raw);
                    match (&sniff.detail, sniff.kind()) {
                        (Some(EventSniff { findings: Some(list) }), None) if self.bare => {
                            // An array of EventBridge events: each carries its own findings.
                            self.state.shape.get_or_insert(Shape::EventBridgeEvent);
                            let mut r = Ok(());
                            for f in list {
                                r = self.state.handle_sniffed(&Sniff::of(f), true, f);
                                if r.is_err() {
                                    break;
                                }
                            }
                            r
                        }
                        (_, Some(kind)) => {
                            // A wrapper's findings are one kind: the first says which.
                            if !self.bare {
                                same = Some(kind);
                            }
                            self.state.handle(kind, self.in_event, &raw)
                        }
                        _ => self.state.handle_sniffed(&sniff, self.in_event, &raw),
                    }
                }
            };
            if let Err(e) = result {
                return Err(self.state.fail(e));
            }
        }
        if !self.in_event && self.state.shape.is_none() {
            // An empty array: nothing to import, but it is a valid (empty) findings list.
            self.state.shape = Some(if self.coverage {
                Shape::Inspector2Coverage
            } else {
                Shape::SecurityHubFindings
            });
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(A::Error::custom("expected an array of findings, found an object"))
    }
}

/// Reads an optional string-ish JSON value leniently (numbers and booleans become text).
pub(crate) fn value_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Account and Region from an ARN (`arn:partition:service:region:account:…`), if it is one.
pub(crate) fn arn_region_account(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let _partition = parts.next()?;
    let _service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    parts.next()?;
    Some((region, account))
}

/// The product ARN Security Hub gives an AWS service's findings in a Region
/// (`arn:aws:securityhub:us-east-1::product/aws/inspector`), in the partition of `arn`
/// (`aws` when it is not an ARN): the product half of the identity of findings Rampart
/// reads from the service itself.
pub(crate) fn aws_product_arn(arn: &str, region: &str, product: &str) -> String {
    let partition = arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    format!("arn:{partition}:securityhub:{region}::product/aws/{product}")
}

/// A timestamp that may be an ISO string (AWS CLI output) or epoch seconds (the wire).
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum TsValue {
    Text(String),
    Number(f64),
}

impl TsValue {
    pub(crate) fn ms(&self) -> Option<i64> {
        match self {
            TsValue::Text(s) => crate::time::parse_ts(s),
            TsValue::Number(n) => crate::time::epoch_seconds_to_ms(*n),
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            TsValue::Text(s) => format!("{s:?}"),
            TsValue::Number(n) => n.to_string(),
        }
    }
}

/// Parses a required timestamp field or says which field is wrong.
pub(crate) fn required_ts(v: &TsValue, field: &str) -> Result<i64, String> {
    v.ms()
        .ok_or_else(|| format!("field `{field}` is not a timestamp: {}", v.describe()))
}

/// A status outside a format's documented values, read as the nearest one: a pass, a
/// failure or a warning by its usual names, else no verdict. Returns the status and the
/// note that says so.
pub(crate) fn nearest_status(field: &str, value: &str) -> (crate::model::Status, String) {
    use crate::model::Status;
    let word = value.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    let status = match word.as_str() {
        "PASS" | "PASSED" | "COMPLIANT" | "OK" | "SUCCESS" | "SUCCEEDED" => Status::Passed,
        "FAIL" | "FAILED" | "FAILURE" | "NON_COMPLIANT" | "NONCOMPLIANT" | "VIOLATION" | "ALARM" => Status::Failed,
        "WARN" | "WARNING" => Status::Warning,
        _ => Status::NotAvailable,
    };
    (status, lenient_note(field, value, status.as_str()))
}

/// The note kept with a finding whose `field` held `value`, outside the format's documented
/// values, and was read as `read_as` (see `model::Finding::lenient`).
pub(crate) fn lenient_note(field: &str, value: &str, read_as: &str) -> String {
    format!(
        "`{field}` {} is not one of the documented values: read as {read_as}",
        quoted(value)
    )
}

/// Who sets the limit a field is held to, for the message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum By {
    /// The AWS Security Hub API Reference (ASFF).
    Asff,
    /// The Amazon Inspector v2 API.
    Inspector,
    /// The AWS Config API.
    Config,
    /// AWS's tagging limits.
    Tags,
    /// Rampart, where AWS documents no maximum.
    Rampart,
}

impl By {
    /// Who allows at most so many: the start of the sentence naming the limit.
    fn allows(self) -> &'static str {
        match self {
            By::Asff => "ASFF allows",
            By::Inspector => "Inspector allows",
            By::Config => "AWS Config allows",
            By::Tags => "AWS tags allow",
            By::Rampart => "Rampart allows",
        }
    }
}

/// A field longer than `max` characters is refused, naming the field, its length, the
/// maximum and who sets it. Lengths only: this runs on every field of every finding.
pub(crate) fn check_len(field: &dyn fmt::Display, value: &str, max: usize, by: By) -> Result<(), String> {
    match crate::limits::chars_over(value, max) {
        None => Ok(()),
        Some(n) => Err(format!(
            "field `{field}` is {n} characters long; {} at most {max}{}",
            by.allows(),
            undocumented(by)
        )),
    }
}

/// As [`check_len`] for an optional field.
pub(crate) fn check_opt(field: &dyn fmt::Display, value: Option<&str>, max: usize, by: By) -> Result<(), String> {
    value.map_or(Ok(()), |v| check_len(field, v, max, by))
}

/// A list with more than `max` entries is refused, naming the field and who sets the limit.
pub(crate) fn check_count(field: &dyn fmt::Display, n: usize, max: usize, by: By) -> Result<(), String> {
    if n <= max {
        return Ok(());
    }
    Err(format!(
        "field `{field}` has {n} entries; {} at most {max}{}",
        by.allows(),
        undocumented(by)
    ))
}

/// A resource's tags (as kept: key and text) against AWS's tagging limits and Rampart's
/// cap on their number; `prefix` names the resource (`Resources[0]`).
pub(crate) fn check_tags(prefix: &dyn fmt::Display, tags: &[(String, String)], tags_field: &str) -> Result<(), String> {
    use crate::limits::{TAGS_PER_RESOURCE, TAG_KEY_CHARS, TAG_VALUE_CHARS};
    if tags.len() > TAGS_PER_RESOURCE {
        return Err(format!(
            "field `{prefix}.{tags_field}` has {} entries; Rampart allows at most {TAGS_PER_RESOURCE} \
             (AWS allows 50 tags per resource, not counting its own `aws:` tags)",
            tags.len()
        ));
    }
    for (k, v) in tags {
        if crate::limits::chars_over(k, TAG_KEY_CHARS).is_some() {
            // The key itself is too long to name the field by: say which tag it is instead.
            let n = k.chars().count();
            return Err(format!(
                "a tag key of field `{prefix}.{tags_field}` is {n} characters long; {} at most {TAG_KEY_CHARS}",
                By::Tags.allows()
            ));
        }
        check_len(&format_args!("{prefix}.{tags_field}.{k}"), v, TAG_VALUE_CHARS, By::Tags)?;
    }
    Ok(())
}

fn undocumented(by: By) -> &'static str {
    match by {
        By::Rampart => " (AWS documents no maximum)",
        _ => "",
    }
}

/// A value from a file, quoted for a message about it: shown safely (see
/// [`crate::text::display`]) and at most 40 characters, so that an unknown 1 MB value makes
/// a one-line message.
pub(crate) fn quoted(v: &str) -> String {
    let shown = crate::text::display(v);
    let mut clipped: String = shown.chars().take(40).collect();
    if clipped.len() < shown.len() {
        clipped.push('…');
    }
    format!("{clipped:?}")
}

/// An AWS account id is twelve digits; anything else (a formula, an escape sequence, a
/// bidi control that makes digits read as another account) is refused, naming the field.
pub(crate) fn check_account(field: &str, v: &str) -> Result<(), String> {
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let shown: String = crate::text::display(v).chars().take(40).collect();
    Err(format!(
        "field `{field}` must be a 12-digit AWS account id, got {shown:?}"
    ))
}
