//! The `rampart` binary's integration tests, in one test binary: the command line run for
//! real (`cli`, `cli_posture`, `sync_cli` against the project's AWS endpoint), reports read
//! back with `pdftotext`, and the TypeScript bindings' drift check. `common` runs the
//! binary.

mod bindings;
mod cli;
mod cli_posture;
mod common;
mod private;
mod report;
mod sync_cli;
