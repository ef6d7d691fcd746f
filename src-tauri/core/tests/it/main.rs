//! The core's integration tests, in one test binary (one link instead of one per file):
//! each module is one area; `support` holds what they share.

mod catalog;
mod demo;
mod explorer;
mod governance;
mod hardening;
mod history;
mod import_fixtures;
mod limits;
mod posture;
mod queries;
mod store;
mod support;
