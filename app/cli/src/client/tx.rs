//! `agorad tx ...`: build, sign, broadcast, encode and decode transactions.

use std::path::PathBuf;

use agora_app::modules::ModuleSet;
use agora_core::Address;
use agora_proto::cosmos::bank::v1beta1::MsgSend;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::Any;
use anyhow::{anyhow, bail, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

use super::args::{keyring, parse_address, parse_coins, NodeArg};
use super::broadcast::{broadcast, broadcast_file, confirm, BroadcastFlags};
use super::factory::{sign_with, Factory, FeeFlags, Gas, SignerFlags};
use crate::{output, Globals};
use agora_app::txjson;

/// `agorad tx` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TxCommand {
    /// Bank transactions.
    #[command(subcommand)]
    Bank(BankTx),
    /// Staking transactions: delegate, unbond, redelegate.
    #[command(subcommand)]
    Staking(super::staking::StakingTx),
    /// Distribution transactions: withdraw rewards and commission, fund the community pool.
    #[command(subcommand)]
    Distribution(super::distribution::DistributionTx),
    /// Slashing transactions: unjail a validator.
    #[command(subcommand)]
    Slashing(super::slashing::SlashingTx),
    /// Governance: submit proposals, deposit, vote, cancel.
    #[command(subcommand)]
    Gov(super::gov::GovTx),
    /// Software upgrades, proposed to governance.
    #[command(subcommand)]
    Upgrade(super::upgrade::UpgradeTx),
    /// Signs a tx JSON file (e.g. from --generate-only) and prints the signed tx JSON
    /// (`--sign-mode amino-json` for SIGN_MODE_LEGACY_AMINO_JSON).
    Sign {
        /// The tx JSON file.
        file: PathBuf,
        /// The signing key (name or address).
        #[arg(long)]
        from: String,
        #[command(flatten)]
        signer: SignerFlags,
    },
    /// Broadcasts a signed tx JSON file.
    Broadcast {
        /// The signed tx JSON file.
        file: PathBuf,
        #[command(flatten)]
        node: NodeArg,
        #[command(flatten)]
        broadcast: BroadcastFlags,
    },
    /// Prints a tx JSON file as base64 protobuf bytes.
    Encode {
        /// The tx JSON file.
        file: PathBuf,
    },
    /// Prints base64 protobuf tx bytes as the tx's JSON.
    Decode {
        /// Base64 tx bytes.
        tx: String,
    },
}

/// `agorad tx bank` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum BankTx {
    /// Sends coins from a key's account to an address.
    Send(SendArgs),
}

/// `agorad tx bank send <from> <to> <amount>`.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The sender: a key name, or an address with --generate-only.
    pub from: String,
    /// The recipient's address.
    pub to: String,
    /// Coins, e.g. `1000uagr`.
    pub amount: String,
    /// The sender again (optional; must match <from>).
    #[arg(long = "from")]
    pub from_flag: Option<String>,
    #[command(flatten)]
    pub tx: TxFlags,
}

/// What every tx-building command takes besides its own arguments.
#[derive(Debug, clap::Args)]
pub struct TxFlags {
    /// Skip the confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the unsigned tx JSON instead of signing and broadcasting.
    #[arg(long = "generate-only")]
    pub generate_only: bool,
    #[command(flatten)]
    signer: SignerFlags,
    #[command(flatten)]
    fee: FeeFlags,
    #[command(flatten)]
    broadcast: BroadcastFlags,
}

impl TxCommand {
    /// Runs the tx command.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            TxCommand::Bank(BankTx::Send(args)) => args.run(globals),
            TxCommand::Staking(tx) => tx.run(globals),
            TxCommand::Distribution(tx) => tx.run(globals),
            TxCommand::Slashing(tx) => tx.run(globals),
            TxCommand::Gov(tx) => tx.run(globals),
            TxCommand::Upgrade(tx) => tx.run(globals),
            TxCommand::Sign { file, from, signer } => sign_file(&file, &from, &signer, globals),
            TxCommand::Broadcast {
                file,
                node,
                broadcast,
            } => broadcast_file(&file, &node, &broadcast, globals),
            TxCommand::Encode { file } => {
                println!("{}", B64.encode(txjson::encode(&txjson::read_file(&file)?)));
                Ok(())
            }
            TxCommand::Decode { tx } => {
                let bytes = B64
                    .decode(tx.trim())
                    .map_err(|e| anyhow!("the tx is not base64: {e}"))?;
                output::print(&txjson::to_json(&txjson::decode(&bytes)?)?, globals.json)
            }
        }
    }
}

impl SendArgs {
    /// Builds the MsgSend, then prints it unsigned or signs and broadcasts it.
    pub fn run(self, globals: &Globals) -> Result<()> {
        if let Some(flag) = &self.from_flag {
            if *flag != self.from {
                bail!(
                    "--from {flag} differs from the sender argument {}",
                    self.from
                );
            }
        }
        let to = parse_address(&self.to)?;
        let amount = parse_coins(&self.amount)?;
        self.tx.run(&self.from, globals, |from| {
            Ok(vec![msg_send(from, &to, amount.clone())?])
        })
    }
}

impl TxFlags {
    /// The node client of `--node`, unless `--offline`.
    pub fn rpc(&self, globals: &Globals) -> Result<Option<super::rpc::Rpc>> {
        self.signer.rpc(globals)
    }

    /// Builds the Msgs of `from` (a key, or an address with `--generate-only`) with `msgs`,
    /// then prints them unsigned or signs and broadcasts them.
    pub fn run(
        &self,
        from: &str,
        globals: &Globals,
        msgs: impl Fn(&Address) -> Result<Vec<Any>>,
    ) -> Result<()> {
        // An unsigned tx with a fixed gas limit needs neither the key nor the node.
        if let (true, Ok(address), Gas::Limit(gas)) =
            (self.generate_only, parse_address(from), self.fee.gas)
        {
            let factory = Factory::new(&self.fee, msgs(&address)?)?;
            return print_tx(&factory.unsigned(gas)?);
        }
        let keyring = keyring(globals)?;
        let info = keyring.get(from)?;
        let pub_key = info.pub_key.to_bytes();
        let factory = Factory::new(&self.fee, msgs(&info.address)?)?;
        let rpc = self.signer.rpc(globals)?;
        if self.generate_only {
            let gas = match self.fee.gas {
                Gas::Limit(gas) => gas,
                Gas::Auto => {
                    let rpc = rpc
                        .as_ref()
                        .ok_or_else(|| anyhow!("cannot estimate gas in offline mode"))?;
                    let seq = self.signer.account(Some(rpc), &info.address)?;
                    factory.estimate_gas(rpc, &pub_key, seq)?
                }
            };
            return print_tx(&factory.unsigned(gas)?);
        }
        let Some(rpc) = rpc else {
            bail!("--offline cannot broadcast: add --generate-only, then sign with `agorad tx sign --offline` and send with `agorad tx broadcast`");
        };
        let chain_id = self.signer.chain_id(globals)?;
        rpc.check_chain_id(&chain_id)?;
        let seq = self.signer.account(Some(&rpc), &info.address)?;
        let gas = match self.fee.gas {
            Gas::Limit(gas) => gas,
            Gas::Auto => factory.estimate_gas(&rpc, &pub_key, seq)?,
        };
        let mut tx = factory.unsigned(gas)?;
        if !self.yes && !confirm(&tx)? {
            eprintln!("canceled transaction");
            return Ok(());
        }
        let key = keyring.signing_key(from)?;
        sign_with(&mut tx, &key, &chain_id, seq, self.signer.sign_mode)?;
        broadcast(&rpc, &tx, self.broadcast.mode(globals)?, globals)
    }
}

/// Msgs as `Any`s, checked as the chain will check them (decoded, signers and stateless rules).
pub fn checked(msgs: Vec<Any>) -> Result<Vec<Any>> {
    ModuleSet::agora()
        .decode_msgs(&msgs)
        .map_err(|e| anyhow!("{}", e.msg))?;
    Ok(msgs)
}

fn msg_send(from: &Address, to: &Address, amount: agora_core::Coins) -> Result<Any> {
    let msg = Any::from_msg(&MsgSend {
        from_address: from.to_string(),
        to_address: to.to_string(),
        amount: amount
            .into_vec()
            .into_iter()
            .map(|c| Coin {
                denom: c.denom,
                amount: c.amount.to_string(),
            })
            .collect(),
    })?;
    ModuleSet::agora()
        .signers(std::slice::from_ref(&msg))
        .map_err(|e| anyhow!("{}", e.msg))?;
    Ok(msg)
}

/// Prints a tx as one line of JSON, as the SDK prints generated and signed txs.
fn print_tx(tx: &agora_proto::cosmos::tx::v1beta1::Tx) -> Result<()> {
    println!("{}", serde_json::to_string(&txjson::to_json(tx)?)?);
    Ok(())
}

/// `agorad tx sign <file> --from <key>`.
fn sign_file(
    file: &std::path::Path,
    from: &str,
    flags: &SignerFlags,
    globals: &Globals,
) -> Result<()> {
    let mut tx = txjson::read_file(file)?;
    let keyring = keyring(globals)?;
    let info = keyring.get(from)?;
    let msgs = tx.body.clone().unwrap_or_default().messages;
    let signers = ModuleSet::agora()
        .signers(&msgs)
        .map_err(|e| anyhow!("{}: {}", file.display(), e.msg))?;
    match signers.as_slice() {
        [only] if *only == info.address => {}
        [only] => bail!(
            "key {from:?} ({}) cannot sign this tx: its signer is {only}",
            info.address
        ),
        _ => bail!("txs with {} signers are not supported", signers.len()),
    }
    let chain_id = flags.chain_id(globals)?;
    let rpc = flags.rpc(globals)?;
    if let Some(rpc) = &rpc {
        rpc.check_chain_id(&chain_id)?;
    }
    let seq = flags.account(rpc.as_ref(), &info.address)?;
    let key = keyring.signing_key(from)?;
    sign_with(&mut tx, &key, &chain_id, seq, flags.sign_mode)?;
    print_tx(&tx)
}
