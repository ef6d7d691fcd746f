//! `rampart-core`: everything Rampart knows and does, without a window.
//!
//! - [`model`]: the one normalised [`model::Finding`].
//! - [`import`]: streaming readers for AWS export files.
//! - [`store`]: the SQLite workspace (schema, writer, readers).
//! - [`ingest`]: files → store, one transaction per call.
//! - [`query`]: read-only questions (overview, finding lists).
//! - [`demo`]: the bundled demo workspace, generated and fed through [`ingest`].

pub mod catalog;
pub mod demo;
pub mod error;
pub mod import;
pub mod ingest;
pub mod limits;
pub mod model;
pub mod query;
pub mod score;
pub mod store;
pub mod sync;
pub mod text;
pub mod time;

pub use error::{ErrorCode, Invalid};
pub use ingest::{ImportFailure, ImportInput, ImportReport};
pub use rusqlite;
pub use store::{Store, StoreError};
