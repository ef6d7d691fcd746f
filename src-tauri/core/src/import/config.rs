//! AWS Config evaluation results as `aws configservice get-compliance-details-by-config-rule`
//! prints them. They name neither account nor Region: those come from the resource ARN when
//! it is one, or from [`ImportOptions`].

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    arn_region_account, check_len, check_opt, element_error, required_ts, By, ImportError, ImportOptions, TsValue,
};
use crate::limits::config as max;
use crate::model::{Finding, RecordState, Resource, Severity, Source, Status};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EvaluationResult {
    evaluation_result_identifier: Identifier,
    compliance_type: String,
    result_recorded_time: Option<TsValue>,
    config_rule_invoked_time: Option<TsValue>,
    annotation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Identifier {
    evaluation_result_qualifier: Qualifier,
    ordering_timestamp: Option<TsValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Qualifier {
    config_rule_name: String,
    resource_type: String,
    resource_id: String,
}

/// Normalises one Config evaluation result.
pub fn normalise(raw: &RawValue, index: usize, opts: &ImportOptions) -> Result<Finding, ImportError> {
    let bad = |message: String| ImportError::BadFinding {
        index,
        id: None,
        message,
    };
    let e: EvaluationResult = serde_json::from_str(raw.get()).map_err(|e| bad(element_error(&e)))?;
    let q = &e.evaluation_result_identifier.evaluation_result_qualifier;
    check_sizes(&e).map_err(bad)?;
    let recorded = match (
        &e.result_recorded_time,
        &e.evaluation_result_identifier.ordering_timestamp,
        &e.config_rule_invoked_time,
    ) {
        (Some(t), _, _) => required_ts(t, "ResultRecordedTime"),
        (None, Some(t), _) => required_ts(t, "EvaluationResultIdentifier.OrderingTimestamp"),
        (None, None, Some(t)) => required_ts(t, "ConfigRuleInvokedTime"),
        (None, None, None) => Err("missing field `ResultRecordedTime`".to_string()),
    }
    .map_err(bad)?;
    let mut lenient = None;
    let status = match e.compliance_type.as_str() {
        "COMPLIANT" => Status::Passed,
        "NON_COMPLIANT" => Status::Failed,
        "NOT_APPLICABLE" | "INSUFFICIENT_DATA" => Status::NotAvailable,
        other => {
            let (status, note) = super::nearest_status("ComplianceType", other);
            lenient = Some(note);
            status
        }
    };
    let from_arn = arn_region_account(&q.resource_id);
    let account = opts
        .account
        .clone()
        .or_else(|| from_arn.map(|(_, a)| a.to_string()).filter(|a| !a.is_empty()))
        .unwrap_or_default();
    // Evaluations name no account: it comes from the import or the resource ARN, and may
    // be unknown (empty); a known one must be an account id.
    if !account.is_empty() {
        super::check_account("account", &account).map_err(bad)?;
    }
    let region = opts
        .region
        .clone()
        .or_else(|| from_arn.map(|(r, _)| r.to_string()).filter(|r| !r.is_empty()))
        .unwrap_or_default();
    let description = e.annotation.clone().filter(|a| !a.is_empty()).unwrap_or_else(|| {
        format!(
            "AWS Config rule {} evaluated {} {} as {}.",
            q.config_rule_name, q.resource_type, q.resource_id, e.compliance_type
        )
    });
    Ok(Finding {
        id: format!(
            "config:{account}:{region}:{}:{}:{}",
            q.config_rule_name, q.resource_type, q.resource_id
        ),
        product_arn: super::aws_product_arn(&q.resource_id, &region, "config"),
        source: Source::Config,
        product: "Config".into(),
        account,
        account_name: None,
        region: region.clone(),
        control_id: None,
        related_nist: Vec::new(),
        declared: Vec::new(),
        standard: opts.conformance_pack.as_ref().map(|p| format!("conformance-pack/{p}")),
        config_rule: Some(q.config_rule_name.clone()),
        generator_id: None,
        types: vec!["Software and Configuration Checks".into()],
        title: q.config_rule_name.clone(),
        description,
        // Config has no severity; Security Hub gives Config findings MEDIUM by default.
        severity: Severity::Medium,
        status,
        record_state: RecordState::Active,
        workflow_status: None,
        resources: vec![Resource {
            kind: q.resource_type.clone(),
            id: q.resource_id.clone(),
            region: (!region.is_empty()).then_some(region),
            tags: Vec::new(),
        }],
        remediation_text: None,
        remediation_url: None,
        vulnerabilities: Vec::new(),
        first_observed_at: Some(recorded),
        last_observed_at: Some(recorded),
        created_at: recorded,
        updated_at: recorded,
        lenient,
    })
}

/// Every text of `e` that Rampart keeps, against the maxima of the AWS Config API model.
fn check_sizes(e: &EvaluationResult) -> Result<(), String> {
    let q = &e.evaluation_result_identifier.evaluation_result_qualifier;
    let at = "EvaluationResultIdentifier.EvaluationResultQualifier";
    check_len(
        &format_args!("{at}.ConfigRuleName"),
        &q.config_rule_name,
        max::RULE_NAME,
        By::Config,
    )?;
    check_len(
        &format_args!("{at}.ResourceType"),
        &q.resource_type,
        max::RESOURCE_TYPE,
        By::Config,
    )?;
    check_len(
        &format_args!("{at}.ResourceId"),
        &q.resource_id,
        max::RESOURCE_ID,
        By::Config,
    )?;
    check_opt(&"Annotation", e.annotation.as_deref(), max::ANNOTATION, By::Config)
}
