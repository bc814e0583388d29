//! Reading files people give us: bounded in size, UTF-8, errors naming the file.

use std::io::Read;
use std::path::Path;

use microcred_specfile::{MAX_FILE_BYTES, ParseError, SourceFile};

/// Reads a specification, catalogue or profile file, refusing one over [`MAX_FILE_BYTES`]
/// without reading it all.
pub fn read_source(path: &Path) -> Result<SourceFile, ParseError> {
    let name = path.display().to_string();
    let cannot =
        |e: std::io::Error| ParseError::whole_file(&name, format!("cannot read the file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    SourceFile::from_bytes(name, bytes)
}
