//! Writing files as CometBFT does: atomically (temp file, fsync, rename, fsync the directory),
//! with keys and sign state readable by their owner only.

use std::fs::{File, OpenOptions, Permissions};
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use anyhow::{Context as _, Result};

/// Mode of files that hold keys or the sign state (CometBFT writes them 0600).
pub const PRIVATE_MODE: u32 = 0o600;

/// Replaces `path` with `bytes` so that a crash leaves either the old file or the new one:
/// writes a temp file beside it, fsyncs it, renames it over `path` and fsyncs the directory.
/// With `private` the file is created with mode 0600.
pub fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if private {
        options.mode(PRIVATE_MODE);
    }
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    if private {
        // A leftover temp file keeps its old mode: set it explicitly.
        file.set_permissions(Permissions::from_mode(PRIVATE_MODE))?;
    }
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    drop(file);
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync directory {}", dir.display()))
}

/// The permission bits of `path` when its group or others may read or write it.
pub fn exposed_mode(path: &Path) -> Result<Option<u32>> {
    let mode = std::fs::metadata(path)
        .with_context(|| format!("cannot stat {}", path.display()))?
        .permissions()
        .mode()
        & 0o777;
    Ok((mode & 0o077 != 0).then_some(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_private_files_are_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.json");
        write_atomic(&path, b"one", true).unwrap();
        write_atomic(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(exposed_mode(&path).unwrap(), None);
        std::fs::set_permissions(&path, Permissions::from_mode(0o644)).unwrap();
        assert_eq!(exposed_mode(&path).unwrap(), Some(0o644));
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(exposed_mode(&path).unwrap(), None);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temp file is left behind");
    }
}
