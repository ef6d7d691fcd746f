//! Inspector v2: `ListFindings` (pages of 100, filtered on `updatedAt`) and
//! `ListCoverage` (pages of 200; resources Inspector does not scan are evidence for
//! the security-testing practice).

use aws_sdk_inspector2::types::{DateFilter, FilterCriteria};
use aws_sdk_inspector2::Client;
use aws_smithy_types::DateTime;
use rampart_core::import::ImportOptions;
use rampart_core::sync::{BoxFuture, ErrorKind, FetchError, Fetcher, Page, Query, QuerySpec, SyncTarget};
use rampart_core::time::now_ms;

use crate::capture::Capture;
use crate::{Aws, Origin};

pub struct Inspector {
    client: Client,
    at: Origin,
}

impl Inspector {
    pub fn new(aws: &Aws, target: SyncTarget, profile: Option<String>) -> Inspector {
        let conf = aws_sdk_inspector2::config::Builder::from(aws.sdk())
            .region(Aws::region(&target.region))
            .build();
        Inspector {
            client: Client::from_conf(conf),
            at: Origin { target, profile },
        }
    }

    async fn list_findings(&self, updated_since: Option<i64>, next: Option<&str>) -> Result<Page, FetchError> {
        const ACTION: &str = "inspector2:ListFindings";
        let mut req = self
            .client
            .list_findings()
            .max_results(100)
            .set_next_token(next.map(str::to_string));
        if let Some(ms) = updated_since {
            req = req.filter_criteria(
                FilterCriteria::builder()
                    .updated_at(DateFilter::builder().start_inclusive(DateTime::from_millis(ms)).build())
                    .build(),
            );
        }
        let capture = Capture::default();
        let out = req
            .customize()
            .interceptor(capture.clone())
            .send()
            .await
            .map_err(|e| self.at.fail(e, ACTION))?;
        capture.page(ACTION, out.findings().len(), out.next_token())
    }

    async fn list_coverage(&self, next: Option<&str>) -> Result<Page, FetchError> {
        const ACTION: &str = "inspector2:ListCoverage";
        let capture = Capture::default();
        let out = self
            .client
            .list_coverage()
            .max_results(200)
            .set_next_token(next.map(str::to_string))
            .customize()
            .interceptor(capture.clone())
            .send()
            .await
            .map_err(|e| self.at.fail(e, ACTION))?;
        Ok(Page {
            // Coverage records carry no Region and no time of their own.
            options: ImportOptions {
                account: None,
                region: Some(self.at.target.region.clone()),
                observed_at: Some(now_ms()),
                conformance_pack: None,
            },
            ..capture.page(ACTION, out.covered_resources().len(), out.next_token())?
        })
    }
}

impl Fetcher for Inspector {
    fn target(&self) -> &SyncTarget {
        &self.at.target
    }

    fn fetch<'a>(&'a self, query: &'a Query, next: Option<&'a str>) -> BoxFuture<'a, Result<Page, FetchError>> {
        Box::pin(async move {
            match &query.spec {
                QuerySpec::InspectorFindings { updated_since } => self.list_findings(*updated_since, next).await,
                QuerySpec::InspectorCoverage => self.list_coverage(next).await,
                other => Err(FetchError::new(
                    ErrorKind::Fatal,
                    format!("Inspector cannot run {other:?}"),
                )),
            }
        })
    }
}
