//! Every limit Rampart puts on what it reads from outside, in one place. Each names what it
//! protects; `docs/limits.md` lists them for users.

/// How far past the local clock a finding's times may lie: clocks disagree a little, and
/// a misconfigured one by hours, but a finding dated next year would otherwise be "newer"
/// than every genuine update until then. A finding with any time beyond it is not applied
/// and is counted in the import report.
pub const FUTURE_ALLOWANCE_MS: i64 = 24 * 60 * 60 * 1000;
