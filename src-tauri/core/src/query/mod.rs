//! Read-only questions asked of the store. Each takes a connection and returns plain data
//! that the CLI prints and the window receives over IPC.

pub mod changes;
pub mod coverage;
pub mod findings;
pub mod overview;
pub mod posture;
pub mod report;
pub mod requirement;
pub mod sla;
pub mod trend;

/// good ÷ (good + bad), or None when there is nothing to divide (the score formula).
pub(crate) fn ratio(good: u32, bad: u32) -> Option<f64> {
    (good + bad > 0).then(|| f64::from(good) / f64::from(good + bad))
}
