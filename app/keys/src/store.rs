//! Key files on disk: one `<name>.json` per key and, for the file backend, a `keyhash` file,
//! all mode 0600 in a mode 0700 directory. Files are written to a temporary name and then linked
//! or renamed into place, so a crash never leaves a half-written key.

use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rand::{rngs::OsRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::seal::Sealed;

/// Name of the file holding the PHC hash of the file backend's passphrase.
pub(crate) const KEYHASH: &str = "keyhash";
/// Extension of key files.
const KEY_EXT: &str = ".json";
/// Longest key name.
pub(crate) const MAX_NAME_LEN: usize = 64;

/// Whether `name` can name a key: 1-64 ASCII letters, digits, `.`, `_` or `-`, not starting with
/// `.` or `-` (so it is a plain file name, never hidden, never a flag).
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// One key as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyFile {
    /// The key's name; equals the file's stem.
    pub name: String,
    /// Always `local` (the SDK's type for keys whose private part is in the keyring).
    #[serde(rename = "type")]
    pub kind: String,
    /// The account address, `agora1...`.
    pub address: String,
    /// The compressed secp256k1 public key.
    #[serde(with = "hex")]
    pub pubkey: Vec<u8>,
    /// The private key.
    pub secret: StoredSecret,
}

/// A stored private key: plain for the test backend, sealed for the file backend.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum StoredSecret {
    /// Hex of the 32 raw bytes (test backend only).
    Plain(String),
    /// Encrypted with the keyring passphrase; the address is the associated data.
    Sealed(Sealed),
}

/// A keyring directory.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `dir` (created on first write).
    pub(crate) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn key_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}{KEY_EXT}"))
    }

    /// The key called `name`, if stored. `name` must be valid.
    pub(crate) fn read(&self, name: &str) -> Result<Option<KeyFile>> {
        debug_assert!(is_valid_name(name));
        let path = self.key_path(name);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let file: KeyFile = serde_json::from_str(&text)
            .with_context(|| format!("corrupt key file {}", path.display()))?;
        if file.name != name {
            bail!(
                "corrupt key file {}: it holds key {:?}",
                path.display(),
                file.name
            );
        }
        Ok(Some(file))
    }

    /// Every stored key, sorted by name.
    pub(crate) fn list(&self) -> Result<Vec<KeyFile>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.dir.display())),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("reading {}", self.dir.display()))?;
            let file_name = entry.file_name();
            let Some(stem) = file_name.to_str().and_then(|f| f.strip_suffix(KEY_EXT)) else {
                continue;
            };
            if is_valid_name(stem) {
                names.push(stem.to_owned());
            }
        }
        names.sort();
        let mut files = Vec::with_capacity(names.len());
        for name in names {
            // A file removed between listing and reading is simply gone.
            files.extend(self.read(&name)?);
        }
        Ok(files)
    }

    /// Stores `file`; fails if the name is taken unless `overwrite`.
    pub(crate) fn write(&self, file: &KeyFile, overwrite: bool) -> Result<()> {
        let json = serde_json::to_vec_pretty(file).expect("key files serialize");
        self.put(&self.key_path(&file.name), &json, overwrite)
    }

    /// Removes the key called `name`.
    pub(crate) fn remove(&self, name: &str) -> Result<()> {
        let path = self.key_path(name);
        fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        self.sync_dir()
    }

    /// The stored passphrase hash, if any.
    pub(crate) fn read_keyhash(&self) -> Result<Option<String>> {
        let path = self.dir.join(KEYHASH);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Stores the passphrase hash; fails if there already is one.
    pub(crate) fn write_keyhash(&self, phc: &str) -> Result<()> {
        self.put(
            &self.dir.join(KEYHASH),
            format!("{phc}\n").as_bytes(),
            false,
        )
    }

    /// Creates the directory (mode 0700) if needed and tightens its mode if it was looser.
    fn ensure_dir(&self) -> Result<()> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        fs::set_permissions(&self.dir, Permissions::from_mode(0o700))
            .with_context(|| format!("setting the mode of {}", self.dir.display()))
    }

    fn sync_dir(&self) -> Result<()> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("syncing {}", self.dir.display()))
    }

    /// Writes `bytes` to `path` (mode 0600) through a temporary file: renamed over an existing
    /// file if `overwrite`, else hard-linked so an existing file makes it fail.
    fn put(&self, path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
        self.ensure_dir()?;
        let tmp = self.dir.join(format!(".tmp-{:016x}", OsRng.next_u64()));
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .and_then(|mut f| {
                f.write_all(bytes)?;
                f.sync_all()
            });
        let placed = written.and_then(|()| {
            if overwrite {
                fs::rename(&tmp, path)
            } else {
                let linked = fs::hard_link(&tmp, path);
                fs::remove_file(&tmp)?;
                linked
            }
        });
        if placed.is_err() {
            // Best effort: the temporary file may not exist, or may already be gone.
            let _ = fs::remove_file(&tmp);
        }
        match placed {
            Ok(()) => self.sync_dir(),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                bail!("{} already exists", path.display())
            }
            Err(e) => Err(e).with_context(|| format!("writing {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> KeyFile {
        KeyFile {
            name: name.into(),
            kind: "local".into(),
            address: "agora1x".into(),
            pubkey: vec![2; 33],
            secret: StoredSecret::Plain("00".into()),
        }
    }

    #[test]
    fn names() {
        for ok in [
            "alice",
            "validator-0",
            "a.b_c",
            "A1",
            &"x".repeat(MAX_NAME_LEN),
        ] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".hidden",
            "-flag",
            "a/b",
            "..",
            "a b",
            "ünï",
            &"x".repeat(MAX_NAME_LEN + 1),
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn write_read_list_remove_with_modes() {
        let home = tempfile::tempdir().unwrap();
        let store = Store::new(home.path().join("keyring-test"));
        assert!(store.list().unwrap().is_empty());
        assert!(store.read("bob").unwrap().is_none());
        store.write(&sample("bob"), false).unwrap();
        store.write(&sample("alice"), false).unwrap();
        let err = store.write(&sample("bob"), false).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        store.write(&sample("bob"), true).unwrap();
        let names: Vec<_> = store.list().unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["alice", "bob"]);

        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.dir()), 0o700);
        assert_eq!(mode(&store.dir().join("bob.json")), 0o600);
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(store.dir()).unwrap().count(), 2);

        store.remove("bob").unwrap();
        assert!(store.read("bob").unwrap().is_none());
        assert!(store.remove("bob").is_err());
    }

    #[test]
    fn a_file_under_another_name_is_corrupt() {
        let home = tempfile::tempdir().unwrap();
        let store = Store::new(home.path().to_path_buf());
        store.write(&sample("alice"), false).unwrap();
        fs::rename(home.path().join("alice.json"), home.path().join("eve.json")).unwrap();
        let err = format!("{:#}", store.list().unwrap_err());
        assert!(err.contains("holds key \"alice\""), "{err}");
    }

    #[test]
    fn keyhash_is_written_once() {
        let home = tempfile::tempdir().unwrap();
        let store = Store::new(home.path().join("k"));
        assert!(store.read_keyhash().unwrap().is_none());
        store.write_keyhash("$argon2id$x").unwrap();
        assert_eq!(store.read_keyhash().unwrap().unwrap().trim(), "$argon2id$x");
        assert!(store.write_keyhash("$argon2id$y").is_err());
    }
}
