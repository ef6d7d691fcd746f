//! Every limit Rampart puts on what it reads from outside, in one place. Each names what it
//! protects; `docs/limits.md` lists them for users.
//!
//! Lengths are counted in characters (Unicode code points), as AWS counts a field's
//! length. Where AWS documents a maximum for a field, that maximum is the limit (an export
//! beyond it did not come from AWS as AWS describes it); where it documents none, Rampart
//! sets a generous cap, so that no single string can freeze the window or a report.
//!
//! Files from outside (evidence, catalog files) are opened through [`read_regular_file`] and
//! [`stream_regular_file`]: regular files only, never waiting on a FIFO or a device, and never
//! read past their cap.

use std::io::Read;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------

/// How far past the local clock a finding's times may lie: clocks disagree a little, and
/// a misconfigured one by hours, but a finding dated next year would otherwise be "newer"
/// than every genuine update until then. A finding with any time beyond it is not applied
/// and is counted in the import report.
pub const FUTURE_ALLOWANCE_MS: i64 = 24 * 60 * 60 * 1000;

/// The most bytes one finding's JSON may take, whitespace included. AWS refuses an ASFF
/// finding over 240 KB (`BatchImportFindings`); this leaves room for the AWS CLI's
/// indentation and for Inspector and Config records, whose size AWS does not document. It
/// bounds what one finding costs in memory and in the raw JSON kept with it, whatever
/// fields the normaliser does not look at.
pub const FINDING_JSON_BYTES: usize = 2 * 1024 * 1024;

/// The maxima the AWS Security Hub API Reference documents for `AwsSecurityFinding` (ASFF)
/// and the types inside it, for the fields Rampart keeps.
pub mod asff {
    /// `Id`: 1–512.
    pub const ID: usize = 512;
    /// `ProductArn`: 12–2048.
    pub const PRODUCT_ARN: usize = 2048;
    /// `GeneratorId`: 1–512.
    pub const GENERATOR_ID: usize = 512;
    /// `ProductName`: 1–128.
    pub const PRODUCT_NAME: usize = 128;
    /// `CompanyName`: 1–128.
    pub const COMPANY_NAME: usize = 128;
    /// `AwsAccountName`: 1–50 (an AWS Organizations account name's maximum).
    pub const ACCOUNT_NAME: usize = 50;
    /// `Region` and `Resources[].Region`: 1–16.
    pub const REGION: usize = 16;
    /// `Title`: 1–256.
    pub const TITLE: usize = 256;
    /// `Description`: 1–1024.
    pub const DESCRIPTION: usize = 1024;
    /// `Types`: at most 50 entries.
    pub const TYPES: usize = 50;
    /// `Resources`: 1–32 entries.
    pub const RESOURCES: usize = 32;
    /// `Resources[].Type`: 1–256.
    pub const RESOURCE_TYPE: usize = 256;
    /// `Compliance.RelatedRequirements`: at most 32 entries.
    pub const RELATED_REQUIREMENTS: usize = 32;
    /// `ProductFields`: each key at most 128 characters.
    pub const PRODUCT_FIELD_KEY: usize = 128;
    /// `ProductFields`: each value at most 2048 characters.
    pub const PRODUCT_FIELD_VALUE: usize = 2048;
    /// `Remediation.Recommendation.Text`: 1–512.
    pub const RECOMMENDATION_TEXT: usize = 512;
}

/// The maxima of the Amazon Inspector v2 API model (`Finding`, `Resource`,
/// `PackageVulnerabilityDetails`, `VulnerablePackage`, `CoveredResource`) for the fields
/// Rampart keeps.
pub mod inspector {
    /// `findingArn`: 1–100.
    pub const FINDING_ARN: usize = 100;
    /// `title`: 1–1024.
    pub const TITLE: usize = 1024;
    /// `description`: 1–1024.
    pub const DESCRIPTION: usize = 1024;
    /// `resources`: 1–10 entries.
    pub const RESOURCES: usize = 10;
    /// `packageVulnerabilityDetails.vulnerabilityId`: 1–128.
    pub const VULNERABILITY_ID: usize = 128;
    /// `vulnerablePackages[].name`, `.version`, `.fixedInVersion`: 1–1024.
    pub const PACKAGE_TEXT: usize = 1024;
    /// `coveredResources[].resourceId`: 10–341.
    pub const COVERED_RESOURCE_ID: usize = 341;
}

/// The maxima of the AWS Config API model (`EvaluationResult`,
/// `EvaluationResultQualifier`) for the fields Rampart keeps.
pub mod config {
    /// `Annotation`: 1–256.
    pub const ANNOTATION: usize = 256;
    /// `ConfigRuleName`: 1–128.
    pub const RULE_NAME: usize = 128;
    /// `ResourceType`: 1–256.
    pub const RESOURCE_TYPE: usize = 256;
    /// `ResourceId`: 1–768.
    pub const RESOURCE_ID: usize = 768;
}

/// AWS's tagging limits (Tagging AWS resources, "Tag naming limits and requirements"),
/// which Security Hub and Inspector both say a resource's tags follow: a key at most 128
/// characters, a value at most 256.
pub const TAG_KEY_CHARS: usize = 128;
/// See [`TAG_KEY_CHARS`].
pub const TAG_VALUE_CHARS: usize = 256;

/// Rampart's cap on the tags of one resource. AWS allows 50 user tags per resource and
/// does not count its own `aws:` tags against them, so no number is documented for what a
/// finding may carry; four times the user limit leaves room for those.
pub const TAGS_PER_RESOURCE: usize = 200;

/// Rampart's cap on a short name or identifier AWS documents no maximum for: a finding
/// type, a control id, a vulnerability id and an ASFF package's name and versions (as
/// long as Inspector allows them), a resource type, a workflow status, a scan type or
/// reason. Each is shown on one line in the window and in reports.
pub const NAME_CHARS: usize = 1024;

/// An organizational unit's name as AWS Organizations allows it: 1–128 characters. An
/// account's name is at most [`asff::ACCOUNT_NAME`].
pub const OU_NAME_CHARS: usize = 128;

/// Rampart's cap on a longer text AWS documents no maximum for: a resource id (an ARN is
/// at most 2048 characters where IAM documents it), a remediation or source URL, and
/// Inspector's recommendation text.
pub const LONG_TEXT_CHARS: usize = 2048;

/// Rampart's cap on a list AWS documents no maximum for: a finding's vulnerabilities
/// (ASFF) or its vulnerable packages (Inspector), each of which Rampart stores and shows.
pub const LIST_ITEMS: usize = 1000;

// ---------------------------------------------------------------------------------------
// Governance
// ---------------------------------------------------------------------------------------

/// An attestation's statement. Attestations are append-only: what is accepted is kept for
/// ever, in the table and in the audit log, so a page's 20 MB statement must be refused
/// before anything is written. Four thousand characters is a page of prose.
pub const STATEMENT_CHARS: usize = 4000;

/// A risk acceptance's reason and a revocation's reason (append-only, as statements).
pub const REASON_CHARS: usize = 4000;

/// A person or team named in governance: who attests, who owns, approves, revokes or
/// assigns, and the owner assigned (append-only, and shown in every list).
pub const PERSON_CHARS: usize = 200;

/// The accounts one acceptance may list, and the resource ids: each is kept in the
/// acceptance's row and its audit entry.
pub const ACCEPTANCE_ITEMS: usize = 1000;

/// The profiles or Regions the sync defaults may list: each change of the settings is
/// kept in the audit log.
pub const SETTINGS_LIST_ITEMS: usize = 100;

/// An OCSF finding's description or remediation text. OCSF documents no maximum; AWS's
/// own findings carry ASFF's (1,024), scanners write longer explanations.
pub const OCSF_DESCRIPTION_CHARS: usize = 8192;

// ---------------------------------------------------------------------------------------
// Questions from the window and the command line
// ---------------------------------------------------------------------------------------

/// The longest search text: words typed to find findings, not a document.
pub const SEARCH_CHARS: usize = 1000;

/// The most values one filter or request may list (accounts, Regions, resource types,
/// profiles); each at most [`NAME_CHARS`].
pub const REQUEST_ITEMS: usize = 1000;

/// An identifier the page names (a finding id, a product ARN, a framework or requirement
/// id, a catalog file's name): longer than any AWS or the catalog writes.
pub const REQUEST_ID_CHARS: usize = 2048;

// ---------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------

/// The largest evidence file an attestation may name: it is read once to be hashed, so
/// this bounds how long `rampart attest --evidence` may take.
pub const EVIDENCE_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The largest catalog file read. The whole built-in catalog, every framework and
/// control, is under 2 MiB; a user's file extends or re-maps it.
pub const CATALOG_FILE_BYTES: u64 = 8 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------

/// The most characters of any one string a report template receives; a longer one is
/// clipped and ends in "…". Typst's layout time grows with a string's length, and a
/// workspace filled before the import limits may hold a 4 MB title. No text Rampart
/// accepts today is this long (the longest: a statement or reason, 4,000).
pub const REPORT_STRING_CHARS: usize = 4000;

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

/// The number of characters in `value` when it has more than `max`, else None. Cheap in
/// the usual case: a string of at most `max` bytes has at most `max` characters, so only a
/// longer one is counted.
pub fn chars_over(value: &str, max: usize) -> Option<usize> {
    if value.len() <= max {
        return None;
    }
    let n = value.chars().count();
    (n > max).then_some(n)
}

/// A governance text longer than `max` characters, refused naming its field: checked
/// before anything is written, since what is written is kept for ever.
pub fn check_text(field: &str, value: &str, max: usize) -> Result<(), crate::error::Invalid> {
    match chars_over(value, max) {
        None => Ok(()),
        Some(n) => Err(crate::error::Invalid::new(
            field,
            format!("too long: {n} characters; at most {max} are allowed"),
        )),
    }
}

/// A file from outside that Rampart will not read, and why. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadRefused {
    #[error("{}: cannot open: {source}", path.display())]
    Open { path: PathBuf, source: std::io::Error },
    #[error("{}: is {kind}, not a regular file; only a regular file is read", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{}: is {}; {what} may be at most {}", path.display(), bytes(*size), bytes(*max))]
    TooLarge {
        path: PathBuf,
        /// What the file is for (`a catalog file`), for the message.
        what: &'static str,
        size: u64,
        max: u64,
    },
    #[error("{}: grew past {} while being read; {what} may be at most that", path.display(), bytes(*max))]
    Grew {
        path: PathBuf,
        what: &'static str,
        max: u64,
    },
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
}

/// A size for a message: its bytes, with MiB too when it is a whole number of them.
fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB ({n} bytes)", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// Opens `path` for reading as a regular file of at most `max` bytes. On Unix the file is
/// opened with `O_NONBLOCK`, so a FIFO with no writer does not hang the open; its type is
/// then read from the open file itself (no race between a check and the open), and a FIFO,
/// a device such as `/dev/zero`, a socket or a directory is refused. The returned reader
/// stops one byte past `max`, so a file that grows while it is read still ends.
fn open_regular(path: &Path, what: &'static str, max: u64) -> Result<std::io::Take<std::fs::File>, ReadRefused> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|source| ReadRefused::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let meta = file.metadata().map_err(|source| ReadRefused::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(ReadRefused::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(&meta.file_type()),
        });
    }
    if meta.len() > max {
        return Err(ReadRefused::TooLarge {
            path: path.to_path_buf(),
            what,
            size: meta.len(),
            max,
        });
    }
    Ok(file.take(max + 1))
}

/// What a file that is not a regular file is, for the message.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "another kind of file"
}

/// Reads all of `reader` through `each`, refusing it when it yields more than `max` bytes.
fn read_bounded(
    path: &Path,
    what: &'static str,
    max: u64,
    mut reader: impl Read,
    mut each: impl FnMut(&[u8]),
) -> Result<(), ReadRefused> {
    let mut buf = vec![0u8; 1 << 16];
    let mut total: u64 = 0;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(ReadRefused::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        total += n as u64;
        if total > max {
            return Err(ReadRefused::Grew {
                path: path.to_path_buf(),
                what,
                max,
            });
        }
        each(&buf[..n]);
    }
    Ok(())
}

/// The text of the regular file at `path`, at most `max` bytes and UTF-8. `what` names what
/// the file is for in a refusal (`a catalog file`).
pub fn read_regular_file(path: &Path, what: &'static str, max: u64) -> Result<String, ReadRefused> {
    let reader = open_regular(path, what, max)?;
    let mut bytes = Vec::new();
    read_bounded(path, what, max, reader, |chunk| bytes.extend_from_slice(chunk))?;
    String::from_utf8(bytes).map_err(|e| ReadRefused::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })
}

/// Feeds the regular file at `path`, at most `max` bytes, to `each` chunk by chunk (to
/// hash it without holding it). `what` names what the file is for in a refusal.
pub fn stream_regular_file(
    path: &Path,
    what: &'static str,
    max: u64,
    each: impl FnMut(&[u8]),
) -> Result<(), ReadRefused> {
    let reader = open_regular(path, what, max)?;
    read_bounded(path, what, max, reader, each)
}

/// A list longer than `max_items`, or with a value longer than `max_chars`, refused
/// naming its field (and the position of the value).
pub fn check_list(
    field: &str,
    values: &[String],
    max_items: usize,
    max_chars: usize,
) -> Result<(), crate::error::Invalid> {
    if values.len() > max_items {
        return Err(crate::error::Invalid::new(
            field,
            format!("{} values; at most {max_items} are allowed", values.len()),
        ));
    }
    for (i, v) in values.iter().enumerate() {
        if let Some(n) = chars_over(v, max_chars) {
            return Err(crate::error::Invalid::new(
                field,
                format!(
                    "value #{}: too long: {n} characters; at most {max_chars} are allowed",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_are_counted_not_bytes() {
        assert_eq!(chars_over("abc", 3), None);
        assert_eq!(chars_over("abcd", 3), Some(4));
        assert_eq!(chars_over("ééé", 3), None, "6 bytes, 3 characters");
        assert_eq!(chars_over("éééé", 3), Some(4));
    }

    /// What `open_regular` hands to `read_bounded`: a file that keeps growing (here an
    /// endless one, as `/dev/zero` would be) stops one byte past the cap and is refused.
    #[test]
    fn a_file_that_grows_while_read_stops_at_the_cap() {
        let endless = std::io::repeat(0).take(1024 + 1);
        let mut seen = 0;
        let err = read_bounded(Path::new("growing.log"), "an evidence file", 1024, endless, |c| {
            seen += c.len()
        })
        .expect_err("grew");
        assert_eq!(
            err.to_string(),
            "growing.log: grew past 1024 bytes while being read; an evidence file may be at most that"
        );
        assert!(seen <= 1024, "{seen} bytes passed on");
    }
}
