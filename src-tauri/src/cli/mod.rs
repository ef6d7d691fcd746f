//! The headless command line: `rampart [--db PATH] <command>`. `args.rs` is the grammar
//! (clap), `run.rs` opens the store, calls the core and prints through `output.rs`.
//! Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage error.

mod args;
mod governance;
mod output;
mod report;
mod run;
mod sync;

use std::io;
use std::path::PathBuf;

use clap::Parser;

pub use args::{Args, Command};

use crate::workspace::{default_db_path, CatalogRefused};

/// Parses the command line; on failure prints clap's message and returns its exit code
/// (0 for --help/--version, 2 for usage errors).
pub fn parse() -> Result<Args, i32> {
    Args::try_parse().map_err(|e| {
        let _ = e.print();
        e.exit_code()
    })
}

/// Runs one command and returns the exit code.
pub fn execute(db: Option<PathBuf>, catalogs: Vec<PathBuf>, command: Command) -> i32 {
    let Some(db) = db.or_else(default_db_path) else {
        eprintln!("rampart: cannot find a data folder for the database; pass --db PATH");
        return 1;
    };
    for n in crate::private::secure_workspace(&db) {
        eprintln!("rampart: {}", rampart_core::text::display(&n));
    }
    match run::run_command(&db, &catalogs, command) {
        Ok(()) => 0,
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            let text = format!("{e:#}");
            // Catalog errors are one per line (file:line: problem); everything else is one line.
            // Messages carry untrusted text (finding ids, catalog content, AWS's messages):
            // shown, never obeyed by the terminal.
            if e.chain().any(|c| c.downcast_ref::<CatalogRefused>().is_some()) {
                eprintln!("rampart: {}", rampart_core::text::display_lines(&text));
            } else {
                let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
                eprintln!("rampart: {}", rampart_core::text::display(&line));
            }
            1
        }
    }
}
