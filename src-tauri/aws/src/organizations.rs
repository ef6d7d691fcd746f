//! AWS Organizations: every account's name and the organizational unit it sits in.
//!
//! `ListAccounts` (pages of 20) names the accounts; `ListParents` gives each account's
//! parent (an OU or the root) and each OU's parent in turn, and
//! `DescribeOrganizationalUnit` each OU's name, each asked once per run. Only the
//! organisation's management account or a delegated administrator may call these: anyone
//! else is refused, and the sync says so and goes on. Organizations is a global service,
//! answered in one Region of each partition.

use std::collections::HashMap;

use aws_sdk_organizations::types::ParentType;
use aws_sdk_organizations::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rampart_core::store::accounts::{OrgAccountEntry, OrgUnitEntry, Organization};
use rampart_core::sync::retry::{Jitter, RetryPolicy};
use rampart_core::sync::{ErrorKind, FetchError};

use crate::{classify, Aws};

/// The Region that answers Organizations in the partition of `region`.
fn home_region(region: Option<&str>) -> &'static str {
    match region {
        Some(r) if r.starts_with("cn-") => "cn-northwest-1",
        Some(r) if r.starts_with("us-gov-") => "us-gov-west-1",
        _ => "us-east-1",
    }
}

struct Reader<'a> {
    api: Client,
    region: &'static str,
    profile: Option<&'a str>,
    cancelled: &'a (dyn Fn() -> bool + Sync),
    jitter: Jitter,
}

impl Reader<'_> {
    /// Runs `call` until it succeeds, retrying throttling and transient failures as the
    /// engine does (the SDK's own retries are off).
    async fn retried<T, E, F, Fut>(&mut self, action: &str, call: F) -> Result<T, FetchError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let policy = RetryPolicy::default();
        let mut attempt = 0;
        loop {
            if (self.cancelled)() {
                return Err(FetchError::new(ErrorKind::Cancelled, "cancelled"));
            }
            match call().await {
                Ok(out) => return Ok(out),
                Err(e) => {
                    let err = not_in_organization(&e).unwrap_or_else(|| classify(e, action, self.region, self.profile));
                    match policy.delay(err.kind, attempt, self.jitter.unit(), err.retry_after) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(err),
                    }
                    attempt += 1;
                }
            }
        }
    }

    /// The parent (id, is the root) of an account or an OU.
    async fn parent(&mut self, child: &str) -> Result<(String, bool), FetchError> {
        let client = self.api.clone();
        let out = self
            .retried("organizations:ListParents", || {
                client.list_parents().child_id(child).send()
            })
            .await?;
        let parent = out.parents().first().ok_or_else(|| {
            FetchError::new(
                ErrorKind::Fatal,
                format!("organizations:ListParents named no parent for {child}"),
            )
        })?;
        let id = parent.id().unwrap_or_default().to_string();
        Ok((id, parent.r#type() == Some(&ParentType::Root)))
    }
}

/// An account outside any organisation is told so with its own error code: not a failure.
fn not_in_organization<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> Option<FetchError> {
    let code = e.as_service_error().and_then(|s| s.code())?;
    (code == "AWSOrganizationsNotInUseException").then(|| {
        FetchError::new(
            ErrorKind::Denied,
            "the account is not a member of an organization (AWSOrganizationsNotInUseException)",
        )
    })
}

/// Reads the organisation: every account with its name and parent, and every OU above
/// them up to the root. `cancelled` is asked before each call.
pub async fn organization(aws: &Aws, cancelled: &(dyn Fn() -> bool + Sync)) -> Result<Organization, FetchError> {
    let region = home_region(aws.default_region().as_deref());
    let conf = aws_sdk_organizations::config::Builder::from(aws.sdk())
        .region(Aws::region(region))
        .build();
    let mut reader = Reader {
        api: Client::from_conf(conf),
        region,
        profile: aws.profile.as_deref(),
        cancelled,
        jitter: Jitter::new(rampart_core::time::now_ms() as u64),
    };
    let mut listed = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let client = reader.api.clone();
        let token = next.clone();
        let out = reader
            .retried("organizations:ListAccounts", || {
                client.list_accounts().set_next_token(token.clone()).send()
            })
            .await?;
        for a in out.accounts() {
            if let (Some(id), Some(name)) = (a.id(), a.name()) {
                listed.push((id.to_string(), name.to_string()));
            }
        }
        next = crate::token(out.next_token());
        if next.is_none() {
            break;
        }
    }
    if listed.is_empty() {
        // An organisation always lists its management account.
        return Err(FetchError::new(
            ErrorKind::Denied,
            "organizations:ListAccounts listed no account: the account is not a member of an organization",
        ));
    }
    let mut org = Organization::default();
    // OU id → its entry; the root is named "Root", as Organizations names every root.
    let mut units: HashMap<String, OrgUnitEntry> = HashMap::new();
    for (id, name) in listed {
        let (parent, is_root) = reader.parent(&id).await?;
        let mut at = (parent.clone(), is_root);
        while !units.contains_key(&at.0) {
            let (unit, root) = at;
            if root {
                units.insert(
                    unit.clone(),
                    OrgUnitEntry {
                        id: unit,
                        name: "Root".into(),
                        parent_id: None,
                    },
                );
                break;
            }
            let client = reader.api.clone();
            let described = reader
                .retried("organizations:DescribeOrganizationalUnit", || {
                    client
                        .describe_organizational_unit()
                        .organizational_unit_id(&unit)
                        .send()
                })
                .await?;
            let name = described
                .organizational_unit()
                .and_then(|u| u.name())
                .unwrap_or(&unit)
                .to_string();
            let above = reader.parent(&unit).await?;
            units.insert(
                unit.clone(),
                OrgUnitEntry {
                    id: unit,
                    name,
                    parent_id: Some(above.0.clone()),
                },
            );
            at = above;
        }
        org.accounts.push(OrgAccountEntry {
            id,
            name,
            parent_id: parent,
        });
    }
    let mut units: Vec<OrgUnitEntry> = units.into_values().collect();
    units.sort_by(|a, b| a.id.cmp(&b.id));
    org.units = units;
    Ok(org)
}

#[cfg(test)]
mod tests {
    #[test]
    fn organizations_is_asked_in_its_partitions_home_region() {
        assert_eq!(super::home_region(Some("eu-west-1")), "us-east-1");
        assert_eq!(super::home_region(None), "us-east-1");
        assert_eq!(super::home_region(Some("cn-north-1")), "cn-northwest-1");
        assert_eq!(super::home_region(Some("us-gov-east-1")), "us-gov-west-1");
    }
}
