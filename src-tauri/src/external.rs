//! Opening web links outside the app: only `https` links, handed to the desktop's own
//! opener as a single argument (no shell). Everything else is ignored.

use tauri::Url;

/// Opens `url` in the system browser when it is an `https` link; returns whether it tried.
pub fn open(url: &Url) -> bool {
    if url.scheme() != "https" || url.host_str().is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_links_leave_the_app() {
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "http://example.com/",
            "tauri://localhost/x",
        ] {
            let url = Url::parse(bad).expect("url");
            assert!(!open(&url), "{bad}");
        }
    }
}
