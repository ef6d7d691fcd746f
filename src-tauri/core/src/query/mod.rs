//! Read-only questions asked of the store. Each takes a connection and returns plain data
//! that the CLI prints and the window receives over IPC.

pub mod changes;
pub mod findings;
pub mod overview;
pub mod posture;
pub mod requirement;
pub mod sla;
pub mod trend;
