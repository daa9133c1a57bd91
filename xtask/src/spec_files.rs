//! The files a multi-file spec's `$ref`s read, from the disk: the generator reads no file itself
//! (see `generator::load::files`).

use std::io;
use std::path::{Path, PathBuf};

/// Reads the files `$ref`s name with `std::fs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl generator::load::files::SpecFiles for Disk {
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if std::fs::metadata(path)?.is_dir() {
            return Err(io::Error::other("it is a directory, not a file"));
        }
        std::fs::read(path)
    }
}
