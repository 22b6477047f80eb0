//! `agorad keys ...` through `KeysCommand`, parsed from argv as the binary parses it, with
//! piped answers and captured output.

use std::fs;
use std::path::Path;

use agora_keys::cli::KeysCommand;
use agora_keys::{derive, Backend, Console, KeyInfo, Keyring};
use clap::{CommandFactory, Parser, Subcommand};
use serde_json::Value;

/// A 24-word mnemonic drawn once by cosmjs, and the address cosmjs 0.32.4 derives from it
/// (`DirectSecp256k1HdWallet.fromMnemonic(m, {prefix: "agora"})`, first account).
const MNEMONIC: &str = "loan cannon accident employ legal fossil produce entire mad shadow \
    victory gift essay way ordinary simple return glad beef kick obey glory spend napkin";
const ADDRESS: &str = "agora154w08psdpgfx9cm56cnfaec62g677hdys4luhj";
/// cosmjs's 12-word test mnemonic; address from cosmjs 0.32.4 with prefix "agora".
const MNEMONIC_12: &str =
    "enlist hip relief stomach skate base shallow young switch frequent cry park";
const ADDRESS_12: &str = "agora14qemq0vw6y3gc3u3e0aty2e764u4gs5lu2dknk";
/// The SDK's JSON of that key's public key (its base64 from cosmjs's `getAccounts()`).
const PUBKEY_JSON: &str = r#"{"@type":"/cosmos.crypto.secp256k1.PubKey","key":"Avq0B/3PhQnsJkhpBbCshnDFHQyTwffFyv8sg0U/qAVH"}"#;

/// The binary's shape: `agorad keys <command>`.
#[derive(Parser)]
#[command(name = "agorad")]
struct Agorad {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(subcommand)]
    Keys(KeysCommand),
}

struct Outcome {
    result: anyhow::Result<()>,
    out: String,
    err: String,
}

impl Outcome {
    fn ok(self) -> (String, String) {
        if let Err(e) = &self.result {
            panic!("command failed: {e:#}\nstderr: {}", self.err);
        }
        (self.out, self.err)
    }

    fn fails(self) -> String {
        format!("{:#}", self.result.expect_err("the command should fail"))
    }

    fn json(self) -> Value {
        serde_json::from_str(&self.ok().0).unwrap()
    }
}

/// Runs `agorad keys <args>` on `home` with `input` piped to standard input.
fn keys(home: &Path, backend: Backend, json: bool, args: &[&str], input: &str) -> Outcome {
    let argv = ["agorad", "keys"].into_iter().chain(args.iter().copied());
    let Command::Keys(command) = Agorad::try_parse_from(argv).unwrap().command;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = command.run_with(
        home,
        backend,
        json,
        &mut Console::new(input.as_bytes(), &mut out, &mut err),
    );
    Outcome {
        result,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

fn files(home: &Path, backend: Backend) -> Vec<String> {
    let dir = home.join(backend.dir_name());
    let mut names: Vec<_> = fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn field_names(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn add_json_has_the_sdk_fields_and_a_working_mnemonic() {
    let home = tempfile::tempdir().unwrap();
    let v = keys(home.path(), Backend::Test, true, &["add", "alice"], "").json();
    // serde_json sorts keys; the printed order is checked in `add_text_output_and_warning`.
    let mut fields = field_names(&v);
    fields.sort();
    assert_eq!(fields, ["address", "mnemonic", "name", "pubkey", "type"]);
    assert_eq!(v["name"], "alice");
    assert_eq!(v["type"], "local");
    let mnemonic = v["mnemonic"].as_str().unwrap();
    assert_eq!(mnemonic.split(' ').count(), 24);
    let key = derive(mnemonic).unwrap();
    let info = KeyInfo::new("alice", key.public_key()).unwrap();
    assert_eq!(v["address"], info.address.to_string());
    // Like the SDK, `pubkey` is a string holding the public key's JSON.
    let pubkey: Value = serde_json::from_str(v["pubkey"].as_str().unwrap()).unwrap();
    assert_eq!(pubkey["@type"], "/cosmos.crypto.secp256k1.PubKey");
    assert_eq!(v["pubkey"], info.pubkey_json());
}

#[test]
fn add_text_output_and_warning() {
    let home = tempfile::tempdir().unwrap();
    let (out, err) = keys(home.path(), Backend::Test, false, &["add", "alice"], "").ok();
    let address = Keyring::open(home.path(), Backend::Test)
        .unwrap()
        .get("alice")
        .unwrap()
        .address;
    assert!(
        out.starts_with(&format!("- address: {address}\n  name: alice\n  pubkey: '{{\"@type\":\"/cosmos.crypto.secp256k1.PubKey\",\"key\":\"")),
        "{out}"
    );
    assert!(out.ends_with("\"}'\n  type: local\n"), "{out}");
    let mnemonic = err.trim_end().rsplit('\n').next().unwrap().to_owned();
    assert_eq!(
        err,
        format!(
            "\n**Important** write this mnemonic phrase in a safe place.\n\
             It is the only way to recover your account if you ever forget your password.\n\n\
             {mnemonic}\n"
        )
    );
    assert_eq!(mnemonic.split(' ').count(), 24);
    let info = KeyInfo::new("x", derive(&mnemonic).unwrap().public_key()).unwrap();
    assert_eq!(info.address, address);

    // The JSON text keeps the SDK's field order.
    let line = keys(home.path(), Backend::Test, true, &["show", "alice"], "")
        .ok()
        .0;
    assert!(
        line.starts_with("{\"name\":\"alice\",\"type\":\"local\",\"address\":\"agora1"),
        "{line}"
    );
    assert!(line.contains("\",\"pubkey\":\"{\\\"@type\\\":"), "{line}");
}

#[test]
fn no_backup_hides_the_mnemonic() {
    let home = tempfile::tempdir().unwrap();
    let v = keys(
        home.path(),
        Backend::Test,
        true,
        &["add", "a", "--no-backup"],
        "",
    )
    .json();
    assert!(v.get("mnemonic").is_none());
    let (_, err) = keys(
        home.path(),
        Backend::Test,
        false,
        &["add", "b", "--no-backup"],
        "",
    )
    .ok();
    assert!(!err.contains("**Important**"), "{err}");
}

#[test]
fn recover_on_the_test_backend_reads_the_mnemonic_line() {
    let home = tempfile::tempdir().unwrap();
    let o = keys(
        home.path(),
        Backend::Test,
        true,
        &["add", "alice", "--recover"],
        &format!("{MNEMONIC_12}\n"),
    );
    let err = o.err.clone();
    let v = o.json();
    assert_eq!(v["address"], ADDRESS_12);
    // A recovered mnemonic is not printed back.
    assert!(v.get("mnemonic").is_none());
    assert_eq!(err, "> Enter your bip39 mnemonic\n");
}

#[test]
fn recover_on_the_file_backend_reads_passphrase_then_mnemonic() {
    let home = tempfile::tempdir().unwrap();
    let input = format!("keyring passphrase\n{MNEMONIC}\n");
    let o = keys(
        home.path(),
        Backend::File,
        false,
        &["add", "alice", "--recover"],
        &input,
    );
    let (out, err) = o.ok();
    assert!(out.starts_with(&format!("- address: {ADDRESS}\n")), "{out}");
    assert!(
        out.contains(&format!("  pubkey: '{PUBKEY_JSON}'\n")),
        "{out}"
    );
    assert_eq!(
        err,
        "Enter a passphrase for the new keyring (at least 8 characters):\n> Enter your bip39 mnemonic\n"
    );
    assert!(!out.contains("napkin") && !err.contains("napkin"));
    assert_eq!(files(home.path(), Backend::File), ["alice.json", "keyhash"]);

    // The next key in the same keyring: the same passphrase, checked.
    let input = format!("keyring passphrase\n{MNEMONIC_12}\n");
    let v = keys(
        home.path(),
        Backend::File,
        true,
        &["add", "bob", "--recover"],
        &input,
    )
    .json();
    assert_eq!(v["address"], ADDRESS_12);
    let keyring = Keyring::open(home.path(), Backend::File).unwrap();
    keyring.unlock("keyring passphrase").unwrap();
    assert_eq!(
        keyring.signing_key("bob").unwrap().public_key(),
        derive(MNEMONIC_12).unwrap().public_key()
    );
}

#[test]
fn file_backend_in_the_wrong_order_or_with_the_wrong_passphrase_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    // Mnemonic first: it is taken as the passphrase, the passphrase as a mnemonic.
    let input = format!("{MNEMONIC}\nkeyring passphrase\n");
    let err = keys(
        home.path(),
        Backend::File,
        false,
        &["add", "alice", "--recover"],
        &input,
    )
    .fails();
    assert!(err.starts_with("invalid bip39 mnemonic"), "{err}");
    assert!(files(home.path(), Backend::File).is_empty());

    keys(
        home.path(),
        Backend::File,
        false,
        &["add", "alice"],
        "keyring passphrase\n",
    )
    .ok();
    let before = files(home.path(), Backend::File);
    let before_bytes = fs::read(home.path().join("keyring-file/alice.json")).unwrap();
    let input = format!("wrong passphrase\n{MNEMONIC}\n");
    let err = keys(
        home.path(),
        Backend::File,
        false,
        &["add", "bob", "--recover"],
        &input,
    )
    .fails();
    assert_eq!(err, "incorrect keyring passphrase");
    let err = keys(home.path(), Backend::File, false, &["add", "bob"], "").fails();
    assert_eq!(
        err,
        "expected the keyring passphrase on standard input, but it ended"
    );
    assert_eq!(files(home.path(), Backend::File), before);
    assert_eq!(
        fs::read(home.path().join("keyring-file/alice.json")).unwrap(),
        before_bytes
    );
}

#[test]
fn bad_mnemonic_is_refused_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let bad = MNEMONIC_12.replace("park", "parks");
    let err = keys(
        home.path(),
        Backend::Test,
        false,
        &["add", "a", "--recover"],
        &bad,
    )
    .fails();
    assert_eq!(
        err,
        "invalid bip39 mnemonic: mnemonic contains an unknown word (word 11)"
    );
    let checksum = MNEMONIC_12.replace("park", "enlist");
    let err = keys(
        home.path(),
        Backend::Test,
        false,
        &["add", "a", "--recover"],
        &checksum,
    )
    .fails();
    assert_eq!(
        err,
        "invalid bip39 mnemonic: the mnemonic has an invalid checksum"
    );
    assert!(files(home.path(), Backend::Test).is_empty());
}

#[test]
fn duplicates_and_overwrite() {
    let home = tempfile::tempdir().unwrap();
    let recover = |name: &str, m: &str, extra: &[&str]| {
        let mut args = vec!["add", name, "--recover"];
        args.extend_from_slice(extra);
        keys(home.path(), Backend::Test, true, &args, &format!("{m}\n"))
    };
    recover("alice", MNEMONIC, &[]).ok();
    let err = recover("alice", MNEMONIC_12, &[]).fails();
    assert_eq!(
        err,
        "a key named alice already exists in the test keyring; pick another name, or delete it first"
    );
    let err = recover("bob", MNEMONIC, &[]).fails();
    assert_eq!(
        err,
        format!("key alice already has address {ADDRESS} in the test keyring")
    );
    let v = recover("alice", MNEMONIC_12, &["--overwrite"]).json();
    assert_eq!(v["address"], ADDRESS_12);
    assert_eq!(files(home.path(), Backend::Test), ["alice.json"]);
}

#[test]
fn list_and_show() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert_eq!(keys(h, Backend::Test, true, &["list"], "").ok().0, "[]\n");
    let (out, err) = keys(h, Backend::Test, false, &["list"], "").ok();
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("", "No records were found in keyring\n")
    );

    keys(
        h,
        Backend::Test,
        true,
        &["add", "zed", "--recover"],
        MNEMONIC_12,
    )
    .ok();
    keys(
        h,
        Backend::Test,
        true,
        &["add", "alice", "--recover"],
        MNEMONIC,
    )
    .ok();

    let list = keys(h, Backend::Test, true, &["list"], "").json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "alice");
    assert_eq!(list[0]["address"], ADDRESS);
    assert_eq!(list[0]["pubkey"], PUBKEY_JSON);
    assert_eq!(list[1]["name"], "zed");
    let mut fields = field_names(&list[0]);
    fields.sort();
    assert_eq!(fields, ["address", "name", "pubkey", "type"]);
    let text = keys(h, Backend::Test, false, &["list"], "").ok().0;
    assert_eq!(
        text,
        format!(
            "- address: {ADDRESS}\n  name: alice\n  pubkey: '{PUBKEY_JSON}'\n  type: local\n\
             - address: {ADDRESS_12}\n  name: zed\n  pubkey: '{}'\n  type: local\n",
            list[1]["pubkey"].as_str().unwrap()
        )
    );
    assert_eq!(
        keys(h, Backend::Test, false, &["list", "-n"], "").ok().0,
        "alice\nzed\n"
    );

    let show = |args: &[&str], json| keys(h, Backend::Test, json, args, "").ok().0;
    let v: Value = serde_json::from_str(&show(&["show", "alice"], true)).unwrap();
    assert_eq!(v["address"], ADDRESS);
    assert!(v.get("mnemonic").is_none());
    assert_eq!(
        show(&["show", ADDRESS, "-a"], false),
        format!("{ADDRESS}\n")
    );
    assert_eq!(
        show(&["show", "alice", "-p"], false),
        format!("{PUBKEY_JSON}\n")
    );
    let valoper = show(&["show", "alice", "--address", "--bech", "val"], false);
    assert!(
        valoper.starts_with("agoravaloper154w08psdpgfx9cm56cnfaec62g677hdy"),
        "{valoper}"
    );
    let v: Value = serde_json::from_str(&show(&["show", "alice", "--bech", "cons"], true)).unwrap();
    assert!(v["address"]
        .as_str()
        .unwrap()
        .starts_with("agoravalcons154w08psdpgfx9cm56cnfaec62g677hdy"));

    let err = keys(h, Backend::Test, false, &["show", "bob"], "").fails();
    assert_eq!(
        err,
        "key bob not found in the test keyring; list them with `agorad keys list`"
    );
}

#[test]
fn show_flag_errors() {
    let parse = |args: &[&str]| {
        let argv = ["agorad", "keys"].into_iter().chain(args.iter().copied());
        Agorad::try_parse_from(argv).err().map(|e| e.to_string())
    };
    let err = parse(&["show", "alice", "--bech", "foo"]).unwrap();
    assert!(
        err.contains("invalid value 'foo' for '--bech <BECH>'"),
        "{err}"
    );
    assert!(err.contains("[possible values: acc, val, cons]"), "{err}");
    let err = parse(&["show", "alice", "-a", "-p"]).unwrap();
    assert!(err.contains("cannot be used with"), "{err}");
    assert!(parse(&["show", "alice", "-a", "--bech", "val"]).is_none());
}

#[test]
fn delete_asks_unless_yes() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    keys(
        h,
        Backend::Test,
        false,
        &["add", "alice", "--recover"],
        MNEMONIC,
    )
    .ok();
    keys(
        h,
        Backend::Test,
        false,
        &["add", "bob", "--recover"],
        MNEMONIC_12,
    )
    .ok();

    let err = keys(h, Backend::Test, false, &["delete", "alice"], "n\n").fails();
    assert_eq!(err, "aborted: key alice was not deleted");
    let err = keys(h, Backend::Test, false, &["delete", "alice"], "").fails();
    assert_eq!(
        err,
        "expected a y/N confirmation on standard input, but it ended"
    );
    assert_eq!(files(h, Backend::Test), ["alice.json", "bob.json"]);

    let (_, err) = keys(h, Backend::Test, false, &["delete", "alice"], "y\n").ok();
    assert_eq!(
        err,
        format!("Key alice ({ADDRESS}) will be deleted. Continue? [y/N]:\nKey alice deleted forever (uh oh!)\n")
    );
    keys(h, Backend::Test, false, &["delete", ADDRESS_12, "-y"], "").ok();
    assert!(files(h, Backend::Test).is_empty());
    let err = keys(h, Backend::Test, false, &["delete", "alice", "--yes"], "").fails();
    assert!(
        err.starts_with("key alice not found in the test keyring"),
        "{err}"
    );
}

#[test]
fn export_import_round_trip_on_the_file_backend() {
    let home = tempfile::tempdir().unwrap();
    let input = format!("keyring passphrase\n{MNEMONIC}\n");
    keys(
        home.path(),
        Backend::File,
        false,
        &["add", "alice", "--recover"],
        &input,
    )
    .ok();

    // Export: the keyring passphrase, then the export passphrase.
    let (armor, err) = keys(
        home.path(),
        Backend::File,
        false,
        &["export", "alice"],
        "keyring passphrase\nexport passphrase\n",
    )
    .ok();
    assert!(
        armor.starts_with("-----BEGIN TENDERMINT PRIVATE KEY-----\n"),
        "{armor}"
    );
    assert_eq!(
        err,
        "Enter keyring passphrase:\nEnter passphrase to encrypt the exported key:\n"
    );
    let err = keys(
        home.path(),
        Backend::File,
        false,
        &["export", "alice"],
        "keyring passphrasE\nexport passphrase\n",
    )
    .fails();
    assert_eq!(err, "incorrect keyring passphrase");
    let keyfile = home.path().join("alice.armor");
    fs::write(&keyfile, &armor).unwrap();
    let keyfile = keyfile.to_str().unwrap();

    // Import into another home: its new keyring passphrase, then the export passphrase.
    let other = tempfile::tempdir().unwrap();
    let err = keys(
        other.path(),
        Backend::File,
        true,
        &["import", "alice", keyfile],
        "other keyring passphrase\nexport passphrasE\n",
    )
    .fails();
    assert!(
        err.starts_with("incorrect passphrase for the exported key"),
        "{err}"
    );
    assert!(files(other.path(), Backend::File).is_empty());

    let o = keys(
        other.path(),
        Backend::File,
        true,
        &["import", "alice", keyfile],
        "other keyring passphrase\nexport passphrase\n",
    );
    assert_eq!(
        o.err,
        "Enter a passphrase for the new keyring (at least 8 characters):\nEnter passphrase to decrypt your key:\n"
    );
    let v = o.json();
    assert_eq!(v["address"], ADDRESS);
    assert_eq!(
        files(other.path(), Backend::File),
        ["alice.json", "keyhash"]
    );

    // The imported key signs as the original.
    let keyring = Keyring::open(other.path(), Backend::File).unwrap();
    keyring.unlock("other keyring passphrase").unwrap();
    assert_eq!(
        keyring.signing_key(ADDRESS).unwrap().public_key(),
        derive(MNEMONIC).unwrap().public_key()
    );

    // Importing over an existing name, or a file that is not an armor, fails before any prompt.
    let err = keys(
        other.path(),
        Backend::File,
        true,
        &["import", "alice", keyfile],
        "",
    )
    .fails();
    assert!(err.starts_with("a key named alice already exists"), "{err}");
    let err = keys(
        other.path(),
        Backend::File,
        true,
        &["import", "bob", "/nonexistent/file"],
        "",
    )
    .fails();
    assert!(err.starts_with("reading /nonexistent/file"), "{err}");
    let junk = other.path().join("junk");
    fs::write(&junk, "hello").unwrap();
    let err = keys(
        other.path(),
        Backend::File,
        true,
        &["import", "bob", junk.to_str().unwrap()],
        "",
    )
    .fails();
    assert!(
        err.starts_with(
            "invalid exported key armor: it must start with -----BEGIN TENDERMINT PRIVATE KEY-----"
        ),
        "{err}"
    );
}

#[test]
fn export_on_the_test_backend_asks_only_the_export_passphrase() {
    let home = tempfile::tempdir().unwrap();
    keys(
        home.path(),
        Backend::Test,
        false,
        &["add", "alice", "--recover"],
        MNEMONIC,
    )
    .ok();
    let err = keys(
        home.path(),
        Backend::Test,
        false,
        &["export", "alice"],
        "short\n",
    )
    .fails();
    assert_eq!(err, "the passphrase must be at least 8 characters");
    let (armor, _) = keys(
        home.path(),
        Backend::Test,
        false,
        &["export", "alice"],
        "export passphrase\n",
    )
    .ok();
    let keyfile = home.path().join("a.armor");
    fs::write(&keyfile, armor).unwrap();
    let other = tempfile::tempdir().unwrap();
    let v = keys(
        other.path(),
        Backend::Test,
        true,
        &["import", "alice", keyfile.to_str().unwrap()],
        "export passphrase\n",
    )
    .json();
    assert_eq!(v["address"], ADDRESS);
}

#[test]
fn help_documents_the_stdin_protocol() {
    let mut cmd = Agorad::command();
    let keys = cmd.find_subcommand_mut("keys").unwrap();
    let add = keys
        .find_subcommand_mut("add")
        .unwrap()
        .render_long_help()
        .to_string();
    assert!(
        add.contains("file: keyring passphrase, then the mnemonic"),
        "{add}"
    );
    assert!(add.contains("--recover"), "{add}");
    assert!(add.contains("--overwrite"), "{add}");
    let keys_help = keys.render_long_help().to_string();
    assert!(keys_help.contains("keys export <name>"), "{keys_help}");
}

#[test]
fn run_uses_the_process_stdio() {
    // `list` asks nothing, so it runs on the real standard input and output.
    let home = tempfile::tempdir().unwrap();
    let Command::Keys(command) = Agorad::try_parse_from(["agorad", "keys", "list"])
        .unwrap()
        .command;
    command.run(home.path(), Backend::File, true).unwrap();
    let Command::Keys(command) = Agorad::try_parse_from(["agorad", "keys", "show", "nobody"])
        .unwrap()
        .command;
    let err = command.run(home.path(), Backend::File, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "key nobody not found in the file keyring; list them with `agorad keys list`"
    );
}
