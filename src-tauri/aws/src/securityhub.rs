//! Security Hub: `GetFindings` (pages of 100, filtered on `UpdatedAt` and `RecordState`,
//! oldest update first), `ListSecurityControlDefinitions` (pages of 100), the new Security
//! Hub's `GetFindingsV2` (OCSF, pages of 100, filtered on `finding_info.modified_time_dt`,
//! oldest first) and the cross-Region finding aggregator.

use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, CompositeFilter, DateFilter, OcsfDateField, OcsfDateFilter, OcsfFindingFilters,
    SortCriterion, SortOrder, StringFilter, StringFilterComparison,
};
use aws_sdk_securityhub::Client;
use rampart_core::store::definitions::ControlDefinition;
use rampart_core::sync::{BoxFuture, ErrorKind, FetchError, Fetcher, Page, Query, QuerySpec, SyncTarget};

use crate::capture::Capture;
use crate::{classify, Aws, Origin};

pub struct SecurityHub {
    client: Client,
    at: Origin,
}

impl SecurityHub {
    pub fn new(aws: &Aws, target: SyncTarget, profile: Option<String>) -> SecurityHub {
        let conf = aws_sdk_securityhub::config::Builder::from(aws.sdk())
            .region(Aws::region(&target.region))
            .build();
        SecurityHub {
            client: Client::from_conf(conf),
            at: Origin { target, profile },
        }
    }

    async fn get_findings(
        &self,
        updated_since: Option<i64>,
        record_state: Option<&str>,
        next: Option<&str>,
    ) -> Result<Page, FetchError> {
        let mut filters = AwsSecurityFindingFilters::builder();
        if let Some(ms) = updated_since {
            filters = filters.updated_at(DateFilter::builder().start(iso(ms)).build());
        }
        if let Some(state) = record_state {
            filters = filters.record_state(
                StringFilter::builder()
                    .value(state)
                    .comparison(StringFilterComparison::Equals)
                    .build(),
            );
        }
        let capture = Capture::default();
        let out = self
            .client
            .get_findings()
            .filters(filters.build())
            .sort_criteria(
                SortCriterion::builder()
                    .field("UpdatedAt")
                    .sort_order(SortOrder::Ascending)
                    .build(),
            )
            .max_results(100)
            .set_next_token(next.map(str::to_string))
            .customize()
            .interceptor(capture.clone())
            .send()
            .await
            .map_err(|e| self.at.fail(e, "securityhub:GetFindings"))?;
        capture.page("securityhub:GetFindings", out.findings().len(), out.next_token())
    }
}

impl SecurityHub {
    /// One page of the new Security Hub's OCSF findings modified at or after
    /// `updated_since`, oldest first. The body is kept as AWS sent it: `{"Findings": [OCSF…]}`,
    /// which the importer reads.
    async fn get_findings_v2(&self, updated_since: Option<i64>, next: Option<&str>) -> Result<Page, FetchError> {
        let mut request = self.client.get_findings_v2();
        if let Some(ms) = updated_since {
            request = request.filters(
                OcsfFindingFilters::builder()
                    .composite_filters(
                        CompositeFilter::builder()
                            .date_filters(
                                OcsfDateFilter::builder()
                                    .field_name(OcsfDateField::FindingInfoModifiedTimeDt)
                                    .filter(DateFilter::builder().start(iso(ms)).build())
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            );
        }
        let capture = Capture::default();
        let out = request
            .sort_criteria(
                SortCriterion::builder()
                    .field("finding_info.modified_time_dt")
                    .sort_order(SortOrder::Ascending)
                    .build(),
            )
            .max_results(100)
            .set_next_token(next.map(str::to_string))
            .customize()
            .interceptor(capture.clone())
            .send()
            .await
            .map_err(|e| self.at.fail(e, "securityhub:GetFindingsV2"))?;
        capture.page("securityhub:GetFindingsV2", out.findings().len(), out.next_token())
    }

    /// One page of the controls Security Hub runs, as it defines them. Entries without an
    /// id are left out; everything else is kept as AWS wrote it (text).
    async fn control_definitions(&self, next: Option<&str>) -> Result<Page, FetchError> {
        let out = self
            .client
            .list_security_control_definitions()
            .max_results(100)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.at.fail(e, "securityhub:ListSecurityControlDefinitions"))?;
        let listed = out.security_control_definitions();
        let definitions: Vec<ControlDefinition> = listed
            .iter()
            .filter_map(|d| {
                Some(ControlDefinition {
                    id: d.security_control_id()?.to_string(),
                    title: d.title().unwrap_or_default().to_string(),
                    description: d.description().unwrap_or_default().to_string(),
                    severity: d.severity_rating().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    remediation_url: d.remediation_url().map(str::to_string),
                })
            })
            .collect();
        Ok(Page {
            items: listed.len(),
            definitions,
            next_token: crate::token(out.next_token()),
            ..Page::default()
        })
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` from epoch milliseconds (the ASFF date format).
fn iso(ms: i64) -> String {
    aws_smithy_types::DateTime::from_millis(ms)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

impl Fetcher for SecurityHub {
    fn target(&self) -> &SyncTarget {
        &self.at.target
    }

    fn fetch<'a>(&'a self, query: &'a Query, next: Option<&'a str>) -> BoxFuture<'a, Result<Page, FetchError>> {
        Box::pin(async move {
            match &query.spec {
                QuerySpec::SecurityHubFindings {
                    updated_since,
                    record_state,
                } => self.get_findings(*updated_since, *record_state, next).await,
                QuerySpec::SecurityHubControlDefinitions => self.control_definitions(next).await,
                QuerySpec::SecurityHubFindingsV2 { updated_since } => self.get_findings_v2(*updated_since, next).await,
                other => Err(FetchError::new(
                    ErrorKind::Fatal,
                    format!("Security Hub cannot run {other:?}"),
                )),
            }
        })
    }
}

/// A cross-Region finding aggregator: its home Region and which Regions it links.
#[derive(Debug, Clone)]
pub struct Aggregator {
    pub home: String,
    pub mode: String,
    pub regions: Vec<String>,
}

impl Aggregator {
    /// Whether findings of `region` arrive in the home Region.
    pub fn links(&self, region: &str) -> bool {
        let listed = self.regions.iter().any(|r| r == region);
        match self.mode.as_str() {
            "ALL_REGIONS" => true,
            "SPECIFIED_REGIONS" => listed,
            "ALL_REGIONS_EXCEPT_SPECIFIED" => !listed,
            _ => false,
        }
    }
}

/// The aggregator visible from `region`, if any (`ListFindingAggregators`,
/// `GetFindingAggregator`).
pub async fn aggregator(aws: &Aws, region: &str) -> Result<Option<Aggregator>, FetchError> {
    let conf = aws_sdk_securityhub::config::Builder::from(aws.sdk())
        .region(Aws::region(region))
        .build();
    let client = Client::from_conf(conf);
    let list = client
        .list_finding_aggregators()
        .send()
        .await
        .map_err(|e| classify(e, "securityhub:ListFindingAggregators", region, None))?;
    let Some(arn) = list
        .finding_aggregators()
        .iter()
        .find_map(|a| a.finding_aggregator_arn().map(str::to_string))
    else {
        return Ok(None);
    };
    let got = client
        .get_finding_aggregator()
        .finding_aggregator_arn(arn)
        .send()
        .await
        .map_err(|e| classify(e, "securityhub:GetFindingAggregator", region, None))?;
    Ok(got.finding_aggregation_region().map(|home| Aggregator {
        home: home.to_string(),
        mode: got.region_linking_mode().unwrap_or("").to_string(),
        regions: got.regions().to_vec(),
    }))
}
