//! The keyring through its public API, on real files in temporary homes.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use agora_keys::{derive, Backend, Keyring};
use base64::{engine::general_purpose::STANDARD, Engine};

/// A 24-word mnemonic drawn once by cosmjs; its address below was computed by cosmjs 0.32.4
/// (`DirectSecp256k1HdWallet.fromMnemonic(m, {prefix: "agora"})`, first account).
const MNEMONIC: &str = "loan cannon accident employ legal fossil produce entire mad shadow \
    victory gift essay way ordinary simple return glad beef kick obey glory spend napkin";
const ADDRESS: &str = "agora154w08psdpgfx9cm56cnfaec62g677hdys4luhj";
/// cosmjs's own 12-word test mnemonic and the address cosmjs 0.32.4 gives it with prefix "agora".
const MNEMONIC_12: &str =
    "enlist hip relief stomach skate base shallow young switch frequent cry park";
const ADDRESS_12: &str = "agora14qemq0vw6y3gc3u3e0aty2e764u4gs5lu2dknk";

const PASS: &str = "correct horse battery";

/// The raw private key of `MNEMONIC`, derived here with bip39 + bip32 directly.
fn raw_private_key() -> [u8; 32] {
    let seed = bip39::Mnemonic::parse(MNEMONIC).unwrap().to_seed("");
    bip32::XPrv::derive_from_path(seed, &"m/44'/118'/0'/0/0".parse().unwrap())
        .unwrap()
        .to_bytes()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect(),
        Err(_) => BTreeMap::new(),
    }
}

/// Whether any file under `dir` contains the private key or the mnemonic in any plain encoding.
fn leaks_secret(dir: &Path) -> Vec<String> {
    let key = raw_private_key();
    let needles: Vec<Vec<u8>> = vec![
        key.to_vec(),
        hex::encode(key).into_bytes(),
        hex::encode_upper(key).into_bytes(),
        STANDARD.encode(key).into_bytes(),
        b"loan cannon accident".to_vec(),
        b"napkin".to_vec(),
    ];
    let mut leaks = Vec::new();
    for (file, bytes) in snapshot(dir) {
        for needle in &needles {
            if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                leaks.push(format!(
                    "{file} contains {}",
                    String::from_utf8_lossy(needle)
                ));
            }
        }
    }
    leaks
}

fn file_keyring_with_alice(home: &Path) -> Keyring {
    let keyring = Keyring::open(home, Backend::File).unwrap();
    keyring.unlock(PASS).unwrap();
    let (info, mnemonic) = keyring.add("alice", Some(MNEMONIC)).unwrap();
    assert_eq!(info.address.to_string(), ADDRESS);
    assert_eq!(mnemonic, MNEMONIC);
    keyring
}

#[test]
fn file_backend_right_passphrase_gets_and_signs() {
    let home = tempfile::tempdir().unwrap();
    file_keyring_with_alice(home.path());

    // A fresh handle: public parts need no passphrase, by name or by address.
    let keyring = Keyring::open(home.path(), Backend::File).unwrap();
    let info = keyring.get("alice").unwrap();
    assert_eq!(info.address.to_string(), ADDRESS);
    assert_eq!(keyring.get(ADDRESS).unwrap().name, "alice");

    keyring.unlock(PASS).unwrap();
    let key = keyring.signing_key("alice").unwrap();
    assert_eq!(key.public_key(), info.pub_key);
    assert_eq!(
        keyring.signing_key(ADDRESS).unwrap().public_key(),
        derive(MNEMONIC).unwrap().public_key()
    );
    // The signature verifies under the stored public key.
    use bip32::secp256k1::ecdsa::{signature::Verifier, VerifyingKey};
    let signature = key.sign(b"agora").unwrap();
    let verifying = VerifyingKey::from_sec1_bytes(&info.pub_key.to_bytes()).unwrap();
    assert!(verifying.verify(b"agora", &signature).is_ok());
    assert!(verifying.verify(b"agorb", &signature).is_err());
}

#[test]
fn file_backend_wrong_passphrase_fails_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let keyring = file_keyring_with_alice(home.path());
    let dir = keyring.dir().to_path_buf();
    let before = snapshot(&dir);
    assert_eq!(before.keys().collect::<Vec<_>>(), ["alice.json", "keyhash"]);

    let keyring = Keyring::open(home.path(), Backend::File).unwrap();
    let err = keyring.unlock("correct horse batteryy").unwrap_err();
    assert_eq!(err.to_string(), "incorrect keyring passphrase");
    // Still locked: the right passphrase is needed before a key can be read or written.
    keyring.unlock(PASS).unwrap();
    assert!(keyring.signing_key("alice").is_ok());
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn file_backend_stores_no_plain_secret_but_test_backend_does() {
    let home = tempfile::tempdir().unwrap();
    let keyring = file_keyring_with_alice(home.path());
    assert_eq!(leaks_secret(keyring.dir()), Vec::<String>::new());

    // The same check finds the key in a test keyring, which stores it in plain hex.
    let test = Keyring::open(home.path(), Backend::Test).unwrap();
    test.add("alice", Some(MNEMONIC)).unwrap();
    let leaks = leaks_secret(test.dir());
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert!(leaks[0].starts_with("alice.json contains "), "{leaks:?}");
}

#[test]
fn files_are_private() {
    let home = tempfile::tempdir().unwrap();
    let keyring = file_keyring_with_alice(home.path());
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(keyring.dir()), 0o700);
    assert_eq!(keyring.dir(), home.path().join("keyring-file"));
    for file in ["alice.json", "keyhash"] {
        assert_eq!(mode(&keyring.dir().join(file)), 0o600, "{file}");
    }
}

#[test]
fn a_new_file_keyring_needs_a_long_passphrase() {
    let home = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(home.path(), Backend::File).unwrap();
    assert!(keyring.is_new().unwrap());
    let err = keyring.unlock("short").unwrap_err().to_string();
    assert!(err.contains("at least 8 characters"), "{err}");
    keyring.unlock(PASS).unwrap();
    // Nothing is written until a key is.
    assert!(!keyring.dir().exists());
    keyring.add("alice", None).unwrap();
    assert!(!keyring.is_new().unwrap());
}

#[test]
fn export_import_round_trip_into_another_keyring() {
    let home = tempfile::tempdir().unwrap();
    let keyring = file_keyring_with_alice(home.path());
    let armor = keyring.export("alice", "export passphrase").unwrap();
    assert!(armor.starts_with("-----BEGIN TENDERMINT PRIVATE KEY-----\nkdf: argon2id\n"));
    assert!(armor.contains("\nsalt: "));
    assert!(armor
        .trim_end()
        .ends_with("-----END TENDERMINT PRIVATE KEY-----"));

    // Into a second home's file keyring under another passphrase.
    let other = tempfile::tempdir().unwrap();
    let second = Keyring::open(other.path(), Backend::File).unwrap();
    second.unlock("another passphrase").unwrap();
    let info = second.import("bob", &armor, "export passphrase").unwrap();
    assert_eq!(info.address.to_string(), ADDRESS);
    assert_eq!(
        second.signing_key("bob").unwrap().public_key(),
        derive(MNEMONIC).unwrap().public_key()
    );
    assert_eq!(leaks_secret(second.dir()), Vec::<String>::new());

    // And into a test keyring.
    let test = Keyring::open(other.path(), Backend::Test).unwrap();
    let info = test.import("carol", &armor, "export passphrase").unwrap();
    assert_eq!(info.address.to_string(), ADDRESS);
}

#[test]
fn import_with_the_wrong_passphrase_fails_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let keyring = file_keyring_with_alice(home.path());
    let armor = keyring.export("alice", "export passphrase").unwrap();

    let other = tempfile::tempdir().unwrap();
    let second = Keyring::open(other.path(), Backend::File).unwrap();
    second.unlock("another passphrase").unwrap();
    let err = second
        .import("bob", &armor, "export passphrasE")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("incorrect passphrase for the exported key"),
        "{err}"
    );
    assert!(!second.dir().exists());

    // Importing a key the keyring already holds under another name is refused.
    let err = keyring
        .import("alice2", &armor, "export passphrase")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!("key alice already has address {ADDRESS} in the file keyring")
    );
}

#[test]
fn export_needs_a_long_passphrase() {
    let home = tempfile::tempdir().unwrap();
    let keyring = file_keyring_with_alice(home.path());
    let err = keyring.export("alice", "short").unwrap_err().to_string();
    assert!(err.contains("at least 8 characters"), "{err}");
}

#[test]
fn errors_are_clear_and_change_nothing() {
    let home = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(home.path(), Backend::Test).unwrap();
    keyring.add("alice", Some(MNEMONIC)).unwrap();
    let before = snapshot(keyring.dir());

    let err = keyring.get("bob").unwrap_err().to_string();
    assert_eq!(
        err,
        "key bob not found in the test keyring; list them with `agorad keys list`"
    );
    let err = keyring.get(ADDRESS_12).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "key {ADDRESS_12} not found in the test keyring; list them with `agorad keys list`"
        )
    );
    assert!(keyring.signing_key("bob").is_err());
    assert!(keyring.delete("bob").is_err());

    let err = keyring
        .add("alice", Some(MNEMONIC_12))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "a key named alice already exists in the test keyring; pick another name, or delete it first"
    );
    let err = keyring
        .add("alice2", Some(MNEMONIC))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!("key alice already has address {ADDRESS} in the test keyring")
    );
    let bad = MNEMONIC.replace("napkin", "napkins");
    let err = keyring.add("bob", Some(&bad)).unwrap_err().to_string();
    assert!(err.starts_with("invalid bip39 mnemonic: "), "{err}");
    let err = keyring.add("../evil", None).unwrap_err().to_string();
    assert!(err.starts_with("invalid key name \"../evil\""), "{err}");
    let err = keyring.add(ADDRESS_12, None).unwrap_err().to_string();
    assert!(err.contains("a name cannot be an address"), "{err}");

    assert_eq!(snapshot(keyring.dir()), before);
}

#[test]
fn overwrite_replaces_and_delete_removes() {
    let home = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(home.path(), Backend::Test).unwrap();
    keyring.add("alice", Some(MNEMONIC)).unwrap();
    keyring.add("bob", Some(MNEMONIC_12)).unwrap();
    let names = |k: &Keyring| {
        k.list()
            .unwrap()
            .into_iter()
            .map(|i| i.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&keyring), ["alice", "bob"]);

    let (info, _) = keyring.add_with("alice", None, true).unwrap();
    assert_ne!(info.address.to_string(), ADDRESS);
    assert_eq!(keyring.get("alice").unwrap().address, info.address);

    // By address.
    let deleted = keyring.delete(ADDRESS_12).unwrap();
    assert_eq!(deleted.name, "bob");
    assert_eq!(names(&keyring), ["alice"]);
    assert!(keyring.get("bob").is_err());
}

#[test]
fn fresh_keys_use_24_words_that_recover_the_same_address() {
    let home = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(home.path(), Backend::Test).unwrap();
    let (info, mnemonic) = keyring.add("fresh", None).unwrap();
    assert_eq!(mnemonic.split(' ').count(), 24);
    let other = tempfile::tempdir().unwrap();
    let recovered = Keyring::open(other.path(), Backend::Test).unwrap();
    let (again, _) = recovered.add("fresh", Some(&mnemonic)).unwrap();
    assert_eq!(again.address, info.address);
    assert_eq!(
        recovered.signing_key("fresh").unwrap().public_key(),
        info.pub_key
    );
}

#[test]
fn tampered_files_are_detected() {
    let home = tempfile::tempdir().unwrap();
    file_keyring_with_alice(home.path());
    let dir = home.path().join("keyring-file");
    let path = dir.join("alice.json");
    let original = fs::read_to_string(&path).unwrap();

    // An address that is not the public key's.
    fs::write(&path, original.replace(ADDRESS, ADDRESS_12)).unwrap();
    let keyring = Keyring::open(home.path(), Backend::File).unwrap();
    let err = keyring.get("alice").unwrap_err().to_string();
    assert!(err.contains("does not match its public key"), "{err}");

    // Keys without the passphrase hash cannot be unlocked.
    fs::write(&path, &original).unwrap();
    fs::remove_file(dir.join("keyhash")).unwrap();
    let err = keyring.unlock(PASS).unwrap_err().to_string();
    assert!(err.contains("holds keys but no keyhash file"), "{err}");
}
