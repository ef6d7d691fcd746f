//! Rampart's PDF reports. A report model built by the core (`rampart_core::query::report`)
//! is serialised to JSON and handed to a Typst template as the virtual file `/data.json`;
//! an embedded Typst compiler lays it out with the fonts bundled in `assets/fonts` and
//! exports a tagged PDF.
//!
//! Strings from AWS reach the template only as JSON string values, which Typst inserts as
//! text: nothing in them is read as markup or code, whatever characters they hold.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Which report to lay out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every framework: scores, trend, changes, risks, SLA, acceptances, the plan.
    Executive,
    /// One framework in full: every requirement, failing controls and their remediation.
    Framework,
}

impl Kind {
    fn template(self) -> &'static str {
        match self {
            Kind::Executive => include_str!("../templates/executive.typ"),
            Kind::Framework => include_str!("../templates/framework.typ"),
        }
    }
}

/// What can go wrong laying out a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report data could not be serialised: {0}")]
    Data(#[from] serde_json::Error),
    #[error("the report template failed: {0}")]
    Template(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

const COMMON: &str = include_str!("../templates/common.typ");

static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    [
        &include_bytes!("../../../assets/fonts/DejaVuSans.ttf")[..],
        &include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf")[..],
        &include_bytes!("../../../assets/fonts/DejaVuSansMono.ttf")[..],
    ]
    .into_iter()
    .flat_map(|data| Font::iter(Bytes::new(data)))
    .collect()
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));
static BOOK: LazyLock<LazyHash<FontBook>> = LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid virtual path"),
    )
    .intern()
}

/// The compiler's view of one report: three virtual files and the bundled fonts.
struct ReportWorld {
    main: Source,
    common: Source,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &BOOK
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.common.id() {
            Ok(self.common.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id("/data.json") {
            Ok(self.data.clone())
        } else if id == self.common.id() {
            Ok(Bytes::from_string(self.common.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Reports state their own generation time (from the data); the template never
        // asks the clock.
        None
    }
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Lays out `model` (any serialisable report model) with the template of `kind` and
/// returns the PDF.
pub fn render<T: serde::Serialize>(kind: Kind, model: &T) -> Result<Vec<u8>, ReportError> {
    let data = serde_json::to_vec(model)?;
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ"), kind.template().to_string()),
        common: Source::new(file_id("/common.typ"), COMMON.to_string()),
        data: Bytes::new(data),
    };
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|e| ReportError::Template(describe(&e)))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|e| ReportError::Pdf(describe(&e)))
}
