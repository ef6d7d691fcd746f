//! The profiles of the standard AWS config files, for the Sync and Settings screens:
//! names, Regions and whether a profile signs in through IAM Identity Center (SSO). Only
//! section names are read from the credentials file; no key is kept or returned.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AwsProfile {
    pub name: String,
    pub region: Option<String>,
    /// Signs in through IAM Identity Center (`aws sso login --profile NAME`).
    pub sso: bool,
}

fn home_file(env: &str, rel: &str) -> Option<PathBuf> {
    std::env::var_os(env)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rel)))
}

/// Profiles from `$AWS_CONFIG_FILE` (or `~/.aws/config`) and the section names of
/// `$AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`), sorted, `default` first.
pub fn list() -> Vec<AwsProfile> {
    let read = |p: Option<PathBuf>| p.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    let config = read(home_file("AWS_CONFIG_FILE", ".aws/config"));
    let credentials = read(home_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"));
    merge(parse(&config, true), parse(&credentials, false))
}

/// Parses one file. In the config file a profile's section is `[default]` or
/// `[profile NAME]` (other sections, like `[sso-session X]`, are not profiles); in the
/// credentials file it is `[NAME]`, and only the name is read.
pub fn parse(text: &str, is_config: bool) -> Vec<AwsProfile> {
    let mut out: Vec<AwsProfile> = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.trim();
            let name = if !is_config || section == "default" {
                Some(section)
            } else {
                section.strip_prefix("profile ").map(str::trim)
            };
            current = name.filter(|n| !n.is_empty()).map(|n| {
                out.push(AwsProfile {
                    name: n.to_string(),
                    region: None,
                    sso: false,
                });
                out.len() - 1
            });
            continue;
        }
        let (Some(i), true) = (current, is_config) else {
            continue;
        };
        if let Some((k, v)) = line.split_once('=') {
            match k.trim() {
                "region" => out[i].region = Some(v.trim().to_string()),
                "sso_session" | "sso_start_url" => out[i].sso = true,
                _ => {}
            }
        }
    }
    out
}

fn merge(config: Vec<AwsProfile>, credentials: Vec<AwsProfile>) -> Vec<AwsProfile> {
    let mut all = config;
    for c in credentials {
        if !all.iter().any(|p| p.name == c.name) {
            all.push(c);
        }
    }
    all.sort_by(|a, b| (a.name != "default", &a.name).cmp(&(b.name != "default", &b.name)));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_and_credentials_files_give_profiles_without_secrets() {
        let config = "[default]\nregion = eu-west-1\n\n[profile audit]\nsso_session = corp\nsso_account_id = 111122223333\nregion=us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n# comment\n[profile  ci ]\ncredential_process = /usr/bin/creds\n";
        let credentials = "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = SECRET\n[legacy]\naws_access_key_id = AKIA2\n";
        let all = merge(parse(config, true), parse(credentials, false));
        assert_eq!(
            all,
            vec![
                AwsProfile {
                    name: "default".into(),
                    region: Some("eu-west-1".into()),
                    sso: false
                },
                AwsProfile {
                    name: "audit".into(),
                    region: Some("us-east-1".into()),
                    sso: true
                },
                AwsProfile {
                    name: "ci".into(),
                    region: None,
                    sso: false
                },
                AwsProfile {
                    name: "legacy".into(),
                    region: None,
                    sso: false
                },
            ]
        );
        assert!(!format!("{all:?}").contains("SECRET"));
    }
}
