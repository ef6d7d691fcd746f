//! rampart-aws's integration tests, in one test binary: the IAM policy against the calls
//! the sources make, and syncs against the project's AWS endpoint.

mod iam_policy;
mod sync;
