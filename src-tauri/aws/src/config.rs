//! AWS Config: `DescribeComplianceByConfigRule` lists the rules (every page names rules
//! whose evaluations are fetched next), `GetComplianceDetailsByConfigRule` pages through
//! one rule's compliant and non-compliant evaluations (100 per page). Conformance packs
//! are listed first (`DescribeConformancePacks`, `DescribeConformancePackCompliance`) so
//! that each evaluation of a pack's rule is stored with the pack as its standard.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_sdk_config::types::ComplianceType;
use aws_sdk_config::Client;
use rampart_core::import::ImportOptions;
use rampart_core::sync::{BoxFuture, ErrorKind, FetchError, Fetcher, Page, Query, QuerySpec, SyncTarget};

use crate::capture::Capture;
use crate::{token, Aws, Origin};

pub struct Config {
    client: Client,
    at: Origin,
    /// Rule name → the conformance pack it belongs to, learnt from the pack queries that
    /// run before the rules in each sync.
    packs: Mutex<HashMap<String, String>>,
}

impl Config {
    pub fn new(aws: &Aws, target: SyncTarget, profile: Option<String>) -> Config {
        let conf = aws_sdk_config::config::Builder::from(aws.sdk())
            .region(Aws::region(&target.region))
            .build();
        Config {
            client: Client::from_conf(conf),
            at: Origin { target, profile },
            packs: Mutex::new(HashMap::new()),
        }
    }

    async fn packs(&self, next: Option<&str>) -> Result<Page, FetchError> {
        let out = self
            .client
            .describe_conformance_packs()
            .limit(20)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.at.fail(e, "config:DescribeConformancePacks"))?;
        let packs = out.conformance_pack_details();
        Ok(Page {
            next_token: token(out.next_token()),
            follow_up: packs
                .iter()
                .map(|p| p.conformance_pack_name())
                .map(|name| Query {
                    key: format!("pack:{name}"),
                    spec: QuerySpec::ConfigPackRules { pack: name.to_string() },
                })
                .collect(),
            items: packs.len(),
            ..Page::default()
        })
    }

    async fn pack_rules(&self, pack: &str, next: Option<&str>) -> Result<Page, FetchError> {
        let out = self
            .client
            .describe_conformance_pack_compliance()
            .conformance_pack_name(pack)
            .limit(1000)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.at.fail(e, "config:DescribeConformancePackCompliance"))?;
        let rules = out.conformance_pack_rule_compliance_list();
        let mut map = self.packs.lock().unwrap_or_else(|p| p.into_inner());
        for r in rules {
            if let Some(name) = r.config_rule_name() {
                map.insert(name.to_string(), pack.to_string());
            }
        }
        Ok(Page {
            next_token: token(out.next_token()),
            items: rules.len(),
            ..Page::default()
        })
    }

    async fn rules(&self, next: Option<&str>) -> Result<Page, FetchError> {
        const ACTION: &str = "config:DescribeComplianceByConfigRule";
        let out = self
            .client
            .describe_compliance_by_config_rule()
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.at.fail(e, ACTION))?;
        let rules = out.compliance_by_config_rules();
        let follow_up = rules
            .iter()
            .filter_map(|r| r.config_rule_name())
            .map(|name| Query {
                key: format!("rule:{name}"),
                spec: QuerySpec::ConfigRuleDetails { rule: name.to_string() },
            })
            .collect();
        Ok(Page {
            next_token: token(out.next_token()),
            follow_up,
            items: rules.len(),
            ..Page::default()
        })
    }

    async fn details(&self, rule: &str, next: Option<&str>) -> Result<Page, FetchError> {
        const ACTION: &str = "config:GetComplianceDetailsByConfigRule";
        let capture = Capture::default();
        let out = self
            .client
            .get_compliance_details_by_config_rule()
            .config_rule_name(rule)
            .compliance_types(ComplianceType::NonCompliant)
            .compliance_types(ComplianceType::Compliant)
            .limit(100)
            .set_next_token(next.map(str::to_string))
            .customize()
            .interceptor(capture.clone())
            .send()
            .await
            .map_err(|e| self.at.fail(e, ACTION))?;
        Ok(Page {
            // Evaluation results name neither account nor Region.
            options: ImportOptions {
                account: Some(self.at.target.account.clone()),
                region: Some(self.at.target.region.clone()),
                observed_at: None,
                conformance_pack: self.packs.lock().unwrap_or_else(|p| p.into_inner()).get(rule).cloned(),
            },
            ..capture.page(ACTION, out.evaluation_results().len(), out.next_token())?
        })
    }
}

impl Fetcher for Config {
    fn target(&self) -> &SyncTarget {
        &self.at.target
    }

    fn fetch<'a>(&'a self, query: &'a Query, next: Option<&'a str>) -> BoxFuture<'a, Result<Page, FetchError>> {
        Box::pin(async move {
            match &query.spec {
                QuerySpec::ConfigPacks => self.packs(next).await,
                QuerySpec::ConfigPackRules { pack } => self.pack_rules(pack, next).await,
                QuerySpec::ConfigRules => self.rules(next).await,
                QuerySpec::ConfigRuleDetails { rule } => self.details(rule, next).await,
                other => Err(FetchError::new(
                    ErrorKind::Fatal,
                    format!("Config cannot run {other:?}"),
                )),
            }
        })
    }
}
