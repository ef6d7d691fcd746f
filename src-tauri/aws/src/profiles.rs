//! The profiles of the standard AWS config files, for the Sync and Settings screens:
//! names, Regions and whether a profile signs in through IAM Identity Center (SSO), as the
//! SDK's profile loader sees them. No key is kept or returned.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AwsProfile {
    pub name: String,
    pub region: Option<String>,
    /// Signs in through IAM Identity Center (`aws sso login --profile NAME`).
    pub sso: bool,
}

/// Profiles from `$AWS_CONFIG_FILE` (or `~/.aws/config`) and `$AWS_SHARED_CREDENTIALS_FILE`
/// (or `~/.aws/credentials`), read by the SDK's own loader, so the list is exactly what a
/// sync can resolve; sorted, `default` first. Files that cannot be read or parsed give no
/// profiles (a sync then uses the default credentials chain).
pub fn list() -> Vec<AwsProfile> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    match runtime {
        Ok(rt) => rt.block_on(load(&Fs::real(), &Env::real())),
        Err(_) => Vec::new(),
    }
}

/// The profiles the SDK finds with this file system and environment.
async fn load(fs: &Fs, env: &Env) -> Vec<AwsProfile> {
    let Ok(set) = aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None).await else {
        return Vec::new();
    };
    let mut all: Vec<AwsProfile> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|p| AwsProfile {
            name: p.name().to_string(),
            region: p.get("region").map(str::to_string),
            sso: p.get("sso_session").is_some() || p.get("sso_start_url").is_some(),
        })
        .collect();
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
        let fs = Fs::from_slice(&[("/c/config", config), ("/c/credentials", credentials)]);
        let env = Env::from_slice(&[
            ("AWS_CONFIG_FILE", "/c/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/c/credentials"),
        ]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let all = rt.block_on(load(&fs, &env));
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
