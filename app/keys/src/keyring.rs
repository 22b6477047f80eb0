//! The keyring: named keys in a node home, plain (test backend) or sealed with the keyring
//! passphrase (file backend).

use std::path::Path;
use std::sync::Mutex;

use agora_core::Address;
use anyhow::{anyhow, bail, Context, Result};
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::crypto::PublicKey;
use zeroize::Zeroizing;

use crate::console::{check_new_passphrase, Console};
use crate::hd::{self, Secret};
use crate::store::{is_valid_name, KeyFile, Store, StoredSecret, MAX_NAME_LEN};
use crate::{armor, seal, Backend, KeyInfo};

/// The SDK's type of keys whose private part is in the keyring.
const LOCAL: &str = "local";

/// A keyring in a node home: `<home>/keyring-file/` or `<home>/keyring-test/`.
///
/// Public parts (name, address, public key) are readable without a passphrase, so `list`,
/// `show` and address lookups never ask for one. On the file backend, private keys are sealed
/// with the keyring passphrase; it is asked for (see [`Console`]) the first time a private key
/// is read or written, unless [`Keyring::unlock`] was called, and then kept for the keyring's
/// lifetime.
pub struct Keyring {
    backend: Backend,
    store: Store,
    passphrase: Mutex<Option<Zeroizing<String>>>,
}

impl Keyring {
    /// Opens the keyring of `backend` under `home`; the directory is created on the first write.
    pub fn open(home: &Path, backend: Backend) -> Result<Self> {
        let dir = home.join(backend.dir_name());
        if dir.exists() && !dir.is_dir() {
            bail!("{} is not a directory", dir.display());
        }
        Ok(Self {
            backend,
            store: Store::new(dir),
            passphrase: Mutex::new(None),
        })
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The keyring's directory.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// Whether the next passphrase is being chosen: a file keyring that has none yet.
    pub fn is_new(&self) -> Result<bool> {
        Ok(self.backend == Backend::File
            && self.store.read_keyhash()?.is_none()
            && self.store.list()?.is_empty())
    }

    /// Checks `passphrase` against the file keyring's and keeps it for later reads and writes;
    /// a new keyring takes it as its passphrase (at least 8 characters) at the first write.
    /// Wrong: "incorrect keyring passphrase", and nothing changes. A no-op on the test backend.
    pub fn unlock(&self, passphrase: &str) -> Result<()> {
        if self.backend == Backend::Test {
            return Ok(());
        }
        match self.store.read_keyhash()? {
            Some(phc) => {
                if !seal::verify_passphrase(passphrase.as_bytes(), &phc)
                    .with_context(|| format!("in {}", self.dir().join("keyhash").display()))?
                {
                    bail!("incorrect keyring passphrase");
                }
            }
            None if !self.store.list()?.is_empty() => bail!(
                "the keyring {} holds keys but no keyhash file, so its passphrase cannot be checked",
                self.dir().display()
            ),
            None => check_new_passphrase(passphrase)?,
        }
        *self.lock() = Some(Zeroizing::new(passphrase.to_owned()));
        Ok(())
    }

    /// Asks `console` for the keyring passphrase (twice on a terminal if the keyring is new) and
    /// unlocks with it. A no-op on the test backend or when already unlocked.
    pub fn unlock_with(&self, console: &mut Console<'_>) -> Result<()> {
        if self.backend == Backend::Test || self.lock().is_some() {
            return Ok(());
        }
        let what = "the keyring passphrase";
        let passphrase = if self.is_new()? {
            console.new_secret(
                "Enter a passphrase for the new keyring (at least 8 characters):",
                "Re-enter keyring passphrase:",
                what,
            )?
        } else {
            console.secret("Enter keyring passphrase:", what)?
        };
        self.unlock(&passphrase)
    }

    /// Every key, sorted by name.
    pub fn list(&self) -> Result<Vec<KeyInfo>> {
        self.store.list()?.iter().map(key_info).collect()
    }

    /// The key called `name_or_address`, or whose `agora1...` address it is.
    pub fn get(&self, name_or_address: &str) -> Result<KeyInfo> {
        key_info(&self.find(name_or_address)?)
    }

    /// The private key of `name_or_address` (a name or address), for signing. On the file
    /// backend this needs the passphrase.
    pub fn signing_key(&self, name_or_address: &str) -> Result<SigningKey> {
        self.secret(&self.find(name_or_address)?)?.signing_key()
    }

    /// Checks `name` can name a new key: well formed, not an address, and not taken (unless
    /// `overwrite`).
    pub fn check_new_name(&self, name: &str, overwrite: bool) -> Result<()> {
        if !is_valid_name(name) {
            bail!("invalid key name {name:?}: use 1 to {MAX_NAME_LEN} ASCII letters, digits, '.', '_' or '-', not starting with '.' or '-'");
        }
        if Address::from_bech32(name).is_ok() {
            bail!("invalid key name {name:?}: a name cannot be an address");
        }
        if !overwrite && self.store.read(name)?.is_some() {
            bail!(
                "a key named {name} already exists in the {} keyring; pick another name, or delete it first",
                self.backend
            );
        }
        Ok(())
    }

    /// Adds `name` from `mnemonic`, or from a fresh 24-word mnemonic; returns the key and the mnemonic.
    /// Fails, changing nothing, if the name is taken, the mnemonic is invalid or its key is
    /// already in the keyring under another name.
    pub fn add(&self, name: &str, mnemonic: Option<&str>) -> Result<(KeyInfo, String)> {
        self.add_with(name, mnemonic, false)
    }

    /// [`Keyring::add`], replacing an existing key of the same name if `overwrite`.
    pub fn add_with(
        &self,
        name: &str,
        mnemonic: Option<&str>,
        overwrite: bool,
    ) -> Result<(KeyInfo, String)> {
        self.check_new_name(name, overwrite)?;
        let mnemonic = match mnemonic {
            Some(words) => hd::parse_mnemonic(words)?,
            None => hd::fresh_mnemonic(),
        };
        let secret = hd::derive_secret(&mnemonic)?;
        let info = self.put(name, &secret, overwrite)?;
        Ok((info, mnemonic.to_string()))
    }

    /// Removes the key `name_or_address`; returns what it was.
    pub fn delete(&self, name_or_address: &str) -> Result<KeyInfo> {
        let file = self.find(name_or_address)?;
        let info = key_info(&file)?;
        self.store.remove(&file.name)?;
        Ok(info)
    }

    /// The private key of `name_or_address`, encrypted under `passphrase` (at least 8
    /// characters) and ASCII-armored (see the `armor` module).
    pub fn export(&self, name_or_address: &str, passphrase: &str) -> Result<String> {
        check_new_passphrase(passphrase)?;
        let secret = self.secret(&self.find(name_or_address)?)?;
        armor::encode(&secret, passphrase)
    }

    /// Adds `name` from an armor made by [`Keyring::export`], decrypted with `passphrase`.
    pub fn import(&self, name: &str, armor: &str, passphrase: &str) -> Result<KeyInfo> {
        self.check_new_name(name, false)?;
        let secret = armor::parse(armor)?.decrypt(passphrase)?;
        self.put(name, &secret, false)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Zeroizing<String>>> {
        self.passphrase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The file keyring's passphrase, asked on the console the first time.
    fn passphrase(&self) -> Result<Zeroizing<String>> {
        self.unlock_with(&mut Console::stdio())?;
        Ok(self.lock().clone().expect("unlocked"))
    }

    fn not_found(&self, name_or_address: &str) -> anyhow::Error {
        anyhow!(
            "key {name_or_address} not found in the {} keyring; list them with `agorad keys list`",
            self.backend
        )
    }

    fn find(&self, name_or_address: &str) -> Result<KeyFile> {
        if is_valid_name(name_or_address) {
            if let Some(file) = self.store.read(name_or_address)? {
                return Ok(file);
            }
        }
        if let Ok(address) = Address::from_bech32(name_or_address) {
            let address = address.to_string();
            if let Some(file) = self
                .store
                .list()?
                .into_iter()
                .find(|f| f.address == address)
            {
                return Ok(file);
            }
        }
        Err(self.not_found(name_or_address))
    }

    fn secret(&self, file: &KeyFile) -> Result<Secret> {
        let secret = match (&file.secret, self.backend) {
            (StoredSecret::Plain(hex), Backend::Test) => Secret::from_slice(&Zeroizing::new(
                hex::decode(hex).context("private key is not hex")?,
            ))?,
            (StoredSecret::Sealed(sealed), Backend::File) => {
                let passphrase = self.passphrase()?;
                let plain = seal::open(passphrase.as_bytes(), sealed, file.address.as_bytes())?
                    .ok_or_else(|| {
                        anyhow!(
                            "cannot decrypt key {}: its file was altered or sealed with another passphrase",
                            file.name
                        )
                    })?;
                Secret::from_slice(&plain)?
            }
            _ => bail!(
                "key {} is stored the way of another backend than {}",
                file.name,
                self.backend
            ),
        };
        if secret.signing_key()?.public_key().to_bytes() != file.pubkey {
            bail!(
                "corrupt key file of {}: its private key does not match its public key",
                file.name
            );
        }
        Ok(secret)
    }

    /// Stores `secret` as `name`; on the file backend, sealed with the passphrase (whose hash is
    /// written first if the keyring is new).
    fn put(&self, name: &str, secret: &Secret, overwrite: bool) -> Result<KeyInfo> {
        let info = KeyInfo::new(name, secret.signing_key()?.public_key())?;
        let address = info.address.to_string();
        if let Some(other) = self
            .store
            .list()?
            .into_iter()
            .find(|f| f.address == address && f.name != name)
        {
            bail!(
                "key {} already has address {address} in the {} keyring",
                other.name,
                self.backend
            );
        }
        let secret = match self.backend {
            Backend::Test => StoredSecret::Plain(hex::encode(secret.as_bytes())),
            Backend::File => {
                let passphrase = self.passphrase()?;
                if self.store.read_keyhash()?.is_none() {
                    self.store
                        .write_keyhash(&seal::hash_passphrase(passphrase.as_bytes())?)?;
                }
                StoredSecret::Sealed(seal::seal(
                    passphrase.as_bytes(),
                    secret.as_bytes(),
                    address.as_bytes(),
                )?)
            }
        };
        self.store.write(
            &KeyFile {
                name: name.to_owned(),
                kind: LOCAL.to_owned(),
                address,
                pubkey: info.pub_key.to_bytes(),
                secret,
            },
            overwrite,
        )?;
        Ok(info)
    }
}

/// The public part of a stored key, checking the address matches the public key.
fn key_info(file: &KeyFile) -> Result<KeyInfo> {
    let pub_key = cosmrs::tendermint::PublicKey::from_raw_secp256k1(&file.pubkey)
        .map(PublicKey::from)
        .ok_or_else(|| anyhow!("corrupt key file of {}: bad public key", file.name))?;
    let info = KeyInfo::new(file.name.clone(), pub_key)?;
    if info.address.to_string() != file.address {
        bail!(
            "corrupt key file of {}: address {} does not match its public key",
            file.name,
            file.address
        );
    }
    Ok(info)
}
