//! `agorad keys ...`: the Cosmos SDK's key commands over the [`Keyring`].
//!
//! The binary resolves `--home`, `--keyring-backend` and `--output` and calls
//! [`KeysCommand::run`]. Answers (passphrases, mnemonic, confirmation) are read as described in
//! [`STDIN_HELP`].

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::output::{self, KeyOutput};
use crate::{armor, Backend, Console, Keyring};

pub use crate::output::Bech;

/// What a script must pipe to each command when standard input is not a terminal.
pub const STDIN_HELP: &str = "\
Answers on standard input: on a terminal, passphrases are typed without echo (a new keyring's \
passphrase twice). When standard input is not a terminal, each answer is one line, read once, \
in this order (the keyring passphrase, asked only by the file backend, always comes first):
  keys add <name>                file: keyring passphrase        test: nothing
  keys add <name> --recover      file: keyring passphrase, then the mnemonic
                                 test: the mnemonic
  keys export <name>             file: keyring passphrase, then the export passphrase
                                 test: the export passphrase
  keys import <name> <keyfile>   file: keyring passphrase, then the export passphrase
                                 test: the export passphrase
  keys delete <name>             y to confirm (nothing with --yes)
  keys list, keys show           nothing
A new keyring passphrase and an export passphrase need at least 8 characters.";

/// `agorad keys` subcommands.
#[derive(Debug, clap::Subcommand)]
#[command(after_long_help = STDIN_HELP)]
pub enum KeysCommand {
    /// Adds a key from a fresh 24-word mnemonic, or recovers one with --recover.
    #[command(after_long_help = STDIN_HELP)]
    Add(AddArgs),
    /// Lists every key.
    List(ListArgs),
    /// Shows a key, by name or address.
    Show(ShowArgs),
    /// Deletes a key, after confirmation.
    #[command(after_long_help = STDIN_HELP)]
    Delete(DeleteArgs),
    /// Prints a key's private key, encrypted with a passphrase and ASCII-armored.
    #[command(after_long_help = STDIN_HELP)]
    Export(ExportArgs),
    /// Adds a key from a file written by `keys export`.
    #[command(after_long_help = STDIN_HELP)]
    Import(ImportArgs),
}

/// `keys add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The new key's name: letters, digits, '.', '_' or '-'.
    pub name: String,
    /// Recover the key from a BIP-39 mnemonic read from standard input.
    #[arg(long)]
    pub recover: bool,
    /// Don't print the new mnemonic (if others are watching the terminal).
    #[arg(long)]
    pub no_backup: bool,
    /// Replace an existing key of the same name (its old private key is lost).
    #[arg(long)]
    pub overwrite: bool,
}

/// `keys list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print only the names, one a line.
    #[arg(short = 'n', long)]
    pub list_names: bool,
}

/// `keys show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The key's name or `agora1...` address.
    pub name: String,
    /// Print only the address.
    #[arg(short = 'a', long, conflicts_with = "pubkey")]
    pub address: bool,
    /// Print only the public key.
    #[arg(short = 'p', long)]
    pub pubkey: bool,
    /// The address form: acc (agora1...), val (agoravaloper1...) or cons (agoravalcons1...).
    #[arg(long, value_enum, default_value_t = Bech::Acc)]
    pub bech: Bech,
}

/// `keys delete`.
#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The key's name or address.
    pub name: String,
    /// Delete without asking for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `keys export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The key's name or address.
    pub name: String,
}

/// `keys import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The new key's name.
    pub name: String,
    /// The file `keys export` wrote.
    pub keyfile: PathBuf,
}

impl KeysCommand {
    /// Runs the command against the `backend` keyring in `home`, printing JSON if `json`.
    pub fn run(self, home: &Path, backend: Backend, json: bool) -> Result<()> {
        self.run_with(home, backend, json, &mut Console::stdio())
    }

    /// [`KeysCommand::run`] with answers read from and output written to `console`.
    pub fn run_with(
        self,
        home: &Path,
        backend: Backend,
        json: bool,
        console: &mut Console<'_>,
    ) -> Result<()> {
        let keyring = Keyring::open(home, backend)?;
        match self {
            Self::Add(args) => add(&keyring, args, json, console),
            Self::List(args) => list(&keyring, args, json, console),
            Self::Show(args) => show(&keyring, args, json, console),
            Self::Delete(args) => delete(&keyring, args, console),
            Self::Export(args) => export(&keyring, args, console),
            Self::Import(args) => import(&keyring, args, json, console),
        }
    }
}

fn print_key(console: &mut Console<'_>, record: &KeyOutput, json: bool) -> Result<()> {
    if json {
        writeln!(console.out(), "{}", serde_json::to_string(record)?)?;
    } else {
        write!(
            console.out(),
            "{}",
            output::text(std::slice::from_ref(record))
        )?;
    }
    Ok(())
}

fn add(keyring: &Keyring, args: AddArgs, json: bool, console: &mut Console<'_>) -> Result<()> {
    keyring.check_new_name(&args.name, args.overwrite)?;
    keyring.unlock_with(console)?;
    let recovered = if args.recover {
        Some(console.line("> Enter your bip39 mnemonic", "the bip39 mnemonic")?)
    } else {
        None
    };
    let (info, mnemonic) = keyring.add_with(
        &args.name,
        recovered.as_deref().map(String::as_str),
        args.overwrite,
    )?;
    // Like the SDK: a recovered mnemonic is not printed back.
    let show_mnemonic = !args.no_backup && !args.recover;
    let mut record = KeyOutput::new(&info, Bech::Acc);
    if json {
        record.mnemonic = show_mnemonic.then_some(mnemonic);
        print_key(console, &record, true)
    } else {
        print_key(console, &record, false)?;
        if show_mnemonic {
            write!(
                console.err(),
                "\n**Important** write this mnemonic phrase in a safe place.\n\
                 It is the only way to recover your account if you ever forget your password.\n\n\
                 {mnemonic}\n"
            )?;
        }
        Ok(())
    }
}

fn list(keyring: &Keyring, args: ListArgs, json: bool, console: &mut Console<'_>) -> Result<()> {
    let keys = keyring.list()?;
    if args.list_names {
        for key in &keys {
            writeln!(console.out(), "{}", key.name)?;
        }
        return Ok(());
    }
    let records: Vec<_> = keys.iter().map(|k| KeyOutput::new(k, Bech::Acc)).collect();
    if json {
        writeln!(console.out(), "{}", serde_json::to_string(&records)?)?;
    } else if records.is_empty() {
        writeln!(console.err(), "No records were found in keyring")?;
    } else {
        write!(console.out(), "{}", output::text(&records))?;
    }
    Ok(())
}

fn show(keyring: &Keyring, args: ShowArgs, json: bool, console: &mut Console<'_>) -> Result<()> {
    let info = keyring.get(&args.name)?;
    if args.address {
        writeln!(console.out(), "{}", output::address(&info, args.bech))?;
    } else if args.pubkey {
        writeln!(console.out(), "{}", info.pubkey_json())?;
    } else {
        print_key(console, &KeyOutput::new(&info, args.bech), json)?;
    }
    Ok(())
}

fn delete(keyring: &Keyring, args: DeleteArgs, console: &mut Console<'_>) -> Result<()> {
    let info = keyring.get(&args.name)?;
    if !args.yes {
        let answer = console.line(
            &format!(
                "Key {} ({}) will be deleted. Continue? [y/N]:",
                info.name, info.address
            ),
            "a y/N confirmation",
        )?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            bail!("aborted: key {} was not deleted", info.name);
        }
    }
    keyring.delete(&info.name)?;
    writeln!(console.err(), "Key {} deleted forever (uh oh!)", info.name)?;
    Ok(())
}

fn export(keyring: &Keyring, args: ExportArgs, console: &mut Console<'_>) -> Result<()> {
    let info = keyring.get(&args.name)?;
    keyring.unlock_with(console)?;
    let passphrase = console.new_secret(
        "Enter passphrase to encrypt the exported key:",
        "Re-enter passphrase:",
        "the export passphrase",
    )?;
    let armored = keyring.export(&info.name, &passphrase)?;
    write!(console.out(), "{armored}")?;
    Ok(())
}

fn import(
    keyring: &Keyring,
    args: ImportArgs,
    json: bool,
    console: &mut Console<'_>,
) -> Result<()> {
    keyring.check_new_name(&args.name, false)?;
    let text = std::fs::read_to_string(&args.keyfile)
        .with_context(|| format!("reading {}", args.keyfile.display()))?;
    // Checked before any passphrase is asked for.
    armor::parse(&text)?;
    keyring.unlock_with(console)?;
    let passphrase = console.secret(
        "Enter passphrase to decrypt your key:",
        "the passphrase of the exported key",
    )?;
    let info = keyring.import(&args.name, &text, &passphrase)?;
    print_key(console, &KeyOutput::new(&info, Bech::Acc), json)
}
