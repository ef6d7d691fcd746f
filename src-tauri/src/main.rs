//! The `rampart` binary: the window when run without a command, the CLI with one.

// No console window on Windows release builds; the CLI still prints when run from one.
#![cfg_attr(all(not(debug_assertions), target_os = "windows"), windows_subsystem = "windows")]

fn main() {
    std::process::exit(rampart_app::run());
}
