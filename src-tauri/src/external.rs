//! What may leave the app, and where the window may go.
//!
//! - A link opens in the system browser only when it is `https`, names no user or password
//!   and no port, and its host is AWS's own documentation or console (or NVD, for the CVE
//!   links Rampart writes itself): a finding's remediation URL comes from whoever sent the
//!   finding, so `https://console.aws.amazon.com@evil.example/` or a look-alike host is
//!   refused. It is handed to the desktop's opener as a single argument (no shell).
//! - The window itself stays on the app's own pages: any other navigation is refused.

use tauri::Url;

/// Hosts a link may open, with every subdomain of each (`us-east-1.console.aws.amazon.com`,
/// `docs.aws.amazon.com`). Keep in step with `EXTERNAL_HOSTS` in `ui/src/lib/format.ts`,
/// which decides what the page shows as a link.
pub const ALLOWED_HOSTS: &[&str] = &[
    // AWS's documentation, consoles, Knowledge Center and advisories (ALAS).
    "aws.amazon.com",
    // The consoles and documentation of the China and GovCloud partitions.
    "console.amazonaws.cn",
    "docs.amazonaws.cn",
    "console.amazonaws-us-gov.com",
    // NIST's vulnerability database: the CVE links the finding panel builds.
    "nvd.nist.gov",
];

/// Why a link may not leave the app, or Ok when it may.
pub fn check(url: &Url) -> Result<(), &'static str> {
    if url.scheme() != "https" {
        return Err("only https links open");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a link naming a user or password does not open");
    }
    if url.port().is_some() {
        return Err("a link naming a port does not open");
    }
    let Some(host) = url.host_str() else {
        return Err("the link names no host");
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let allowed = ALLOWED_HOSTS
        .iter()
        .any(|a| host == *a || host.strip_suffix(a).is_some_and(|head| head.ends_with('.')));
    if allowed {
        Ok(())
    } else {
        Err("the host is not AWS documentation, an AWS console or NVD")
    }
}

/// Opens `url` in the system browser when [`check`] allows it; returns whether it tried.
pub fn open(url: &Url) -> bool {
    if let Err(why) = check(url) {
        eprintln!(
            "rampart: not opening {}: {why}",
            rampart_core::text::display(url.as_str())
        );
        return false;
    }
    #[cfg(target_os = "linux")]
    let program = "xdg-open";
    #[cfg(target_os = "macos")]
    let program = "open";
    #[cfg(target_os = "windows")]
    let program = "explorer";
    std::process::Command::new(program)
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

/// Whether the window may load `url`: only the app's own pages — served by the app's
/// protocol (`tauri://localhost` on Linux and macOS, `http(s)://tauri.localhost` on
/// Windows), or in a development build without the embedded UI, the Vite server.
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" if url.host_str() == Some("tauri.localhost") => true,
        #[cfg(not(feature = "custom-protocol"))]
        "http" => url.host_str() == Some("localhost") && url.port() == Some(5173),
        _ => false,
    }
}

/// The navigation guard: lets the app's own pages load and refuses everything else (a
/// page setting `location.href` to a remote site stays where it is).
pub fn guard_navigation(url: &Url) -> bool {
    let ok = is_app_page(url);
    if !ok {
        eprintln!(
            "rampart: the window stays on Rampart: refused to load {}",
            rampart_core::text::display(url.as_str())
        );
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn only_https_links_to_aws_documentation_consoles_and_nvd_leave_the_app() {
        for good in [
            "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8",
            "https://console.aws.amazon.com/securityhub/home",
            "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1",
            "https://alas.aws.amazon.com/AL2/ALAS-2024-2500.html",
            "https://DOCS.AWS.AMAZON.COM./x",
            "https://console.amazonaws.cn/iam",
            "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
        ] {
            assert_eq!(check(&url(good)), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("javascript:alert(1)", "only https"),
            ("file:///etc/passwd", "only https"),
            ("http://docs.aws.amazon.com/", "only https"),
            ("tauri://localhost/x", "only https"),
            ("https://console.aws.amazon.com@evil.example/", "user or password"),
            ("https://user:pw@docs.aws.amazon.com/", "user or password"),
            ("https://user@docs.aws.amazon.com/", "user or password"),
            ("https://docs.aws.amazon.com:8443/", "port"),
            ("https://aws.amazon.com.evil.example/", "not AWS"),
            ("https://evilaws.amazon.com.example/", "not AWS"),
            ("https://notaws.amazon.com/", "not AWS"),
            ("https://evil.example/?u=https://docs.aws.amazon.com", "not AWS"),
            ("https://bucket.s3.amazonaws.com/page.html", "not AWS"),
            ("https://xn--ws-fka.amazon.com/", "not AWS"),
        ] {
            let err = check(&url(bad)).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
            assert!(!open(&url(bad)), "{bad}");
        }
    }

    #[test]
    fn the_window_stays_on_the_apps_own_pages() {
        for good in [
            "tauri://localhost/",
            "tauri://localhost/#/findings",
            "http://tauri.localhost/index.html",
        ] {
            assert!(is_app_page(&url(good)), "{good}");
        }
        for bad in [
            "https://evil.example/",
            "https://docs.aws.amazon.com/",
            "tauri://evil/",
            "file:///etc/passwd",
            "data:text/html,<h1>x</h1>",
            "http://localhost:8080/",
            "about:blank",
        ] {
            assert!(!guard_navigation(&url(bad)), "{bad}");
        }
    }
}
