//! Where the other files of a multi-file spec come from, and how a `$ref` names one.
//!
//! The generator reads no file itself: whoever calls it passes a [`SpecFiles`] (`cargo xtask`
//! passes one that reads the disk; tests pass [`MemoryFiles`]; text given without its files gets
//! [`NoFiles`]). A `$ref` may name a local file only, by a path relative to the file that holds
//! it or by an absolute one: URLs are refused, so generation never touches the network.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The files a spec's `$ref`s may read.
pub trait SpecFiles {
    /// The canonical form of `path`, which names one file however it was reached (the cache of
    /// files read is keyed by it); an error if there is no such file.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf>;

    /// The bytes of the file at a canonical path; an error for a directory.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
}

/// No file at all: for a spec given as text, which can refer only to itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl SpecFiles for NoFiles {
    fn canonical(&self, _path: &Path) -> io::Result<PathBuf> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the spec was given as text, without its files, so no other file can be read",
        ))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.canonical(path).map(|_| Vec::new())
    }
}

/// Files held in memory, by path; paths are compared after [`normalise`].
#[derive(Debug, Clone, Default)]
pub struct MemoryFiles {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryFiles {
    /// Adds (or replaces) the file at `path`.
    pub fn insert(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        self.files.insert(normalise(path.as_ref()), contents.into());
    }
}

impl SpecFiles for MemoryFiles {
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let path = normalise(path);
        if self.files.contains_key(&path) {
            return Ok(path);
        }
        if self.files.keys().any(|file| file.starts_with(&path)) {
            return Ok(path);
        }
        Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.files.get(&normalise(path)) {
            Some(contents) => Ok(contents.clone()),
            None => Err(io::Error::other("it is a directory, not a file")),
        }
    }
}

/// `path` with `.` left out and each `..` taking away the component before it, without looking
/// at the disk (a `..` with nothing before it stays).
pub fn normalise(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

/// What a `$ref` names: a file (when it names one) and a JSON pointer in it (`""` for the whole
/// document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefTarget {
    /// The file's path as written, percent-decoded; `None` for the document holding the `$ref`.
    pub path: Option<PathBuf>,
    /// The fragment, a JSON pointer without its `#`.
    pub pointer: String,
}

/// Reads a `$ref` as a URI reference: `#/a/b`, `file.yaml`, `dir/file.json#/a`. URLs and
/// fragments that are not JSON pointers are refused with the reason.
pub(crate) fn parse_ref(reference: &str) -> Result<RefTarget, String> {
    let (path, fragment) = match reference.split_once('#') {
        Some((path, fragment)) => (path, fragment),
        None => (reference, ""),
    };
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err(format!(
            "unsupported $ref `{reference}`: the part after `#` must be a JSON pointer (`#/components/...`), not an anchor"
        ));
    }
    if path.is_empty() {
        return Ok(RefTarget { path: None, pointer: fragment.to_owned() });
    }
    if is_remote(path) {
        return Err(format!(
            "remote $ref `{reference}` refused: only files on this machine are read (a path relative to the file \
             that holds the $ref, or an absolute one), never the network; download the file and refer to it by path"
        ));
    }
    // A `$ref` is a URI reference, so a space in a file name is written `%20`.
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    Ok(RefTarget { path: Some(PathBuf::from(decoded.as_ref())), pointer: fragment.to_owned() })
}

/// Whether the path part of a reference is a URL: it has a scheme (`https:`, `file:`; one letter
/// is a Windows drive) or names a host (`//host/...`).
fn is_remote(path: &str) -> bool {
    if path.starts_with("//") {
        return true;
    }
    let Some((scheme, _)) = path.split_once(':') else { return false };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_local_files_and_pointers() {
        let target = |path: Option<&str>, pointer: &str| {
            Ok(RefTarget { path: path.map(PathBuf::from), pointer: pointer.to_owned() })
        };
        assert_eq!(parse_ref("#/components/schemas/A"), target(None, "/components/schemas/A"));
        assert_eq!(parse_ref("other.yaml"), target(Some("other.yaml"), ""));
        assert_eq!(parse_ref("../common.yaml#/Y"), target(Some("../common.yaml"), "/Y"));
        assert_eq!(parse_ref("./my%20schemas/x.json#"), target(Some("./my schemas/x.json"), ""));
        assert_eq!(parse_ref("/abs/x.yaml#/a~1b"), target(Some("/abs/x.yaml"), "/a~1b"));
        assert_eq!(parse_ref("C:/specs/x.yaml"), target(Some("C:/specs/x.yaml"), ""));
        for remote in
            ["https://example.com/x.yaml", "http://h/x#/a", "file:///etc/x.yaml", "//host/x.yaml", "git+ssh:x"]
        {
            let message = parse_ref(remote).err().unwrap_or_default();
            assert!(message.starts_with("remote $ref"), "{remote}: {message}");
        }
        assert!(parse_ref("x.yaml#Anchor").is_err());
    }

    #[test]
    fn paths_are_normalised_without_the_disk() {
        assert_eq!(normalise(Path::new("spec/./a/../b.yaml")), PathBuf::from("spec/b.yaml"));
        assert_eq!(normalise(Path::new("spec/../../b.yaml")), PathBuf::from("../b.yaml"));
        assert_eq!(normalise(Path::new("/../b.yaml")), PathBuf::from("/b.yaml"));
    }

    #[test]
    fn memory_files_tell_files_directories_and_nothing_apart() {
        let mut files = MemoryFiles::default();
        files.insert("spec/a.yaml", "a: 1");
        assert_eq!(files.canonical(Path::new("spec/x/../a.yaml")).ok(), Some(PathBuf::from("spec/a.yaml")));
        assert!(files.read(Path::new("spec")).is_err());
        assert!(files.canonical(Path::new("spec/b.yaml")).is_err());
    }
}
