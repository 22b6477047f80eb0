//! Building and signing txs from the SDK's tx flags (`--fees`, `--gas`, `--gas-prices`, ...):
//! the SDK's `tx.Factory`.

use agora_app::config::parse_gas_prices;
use agora_core::{Coins, Dec};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::crypto::secp256k1;
use agora_proto::cosmos::tx::signing::v1beta1::SignMode;
use agora_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, SimulateRequest, SimulateResponse, Tx,
    TxBody,
};
use agora_proto::Any;
use anyhow::{anyhow, bail, Context as _, Result};
use cosmrs::crypto::secp256k1::SigningKey;
use prost::Message;

use super::args::{parse_coins, NodeArg};
use super::rpc::{query_error, Rpc};
use crate::Globals;
use agora_app::{aminojson, txjson};

/// `--gas`: a limit, or `auto` to simulate.
#[derive(Debug, Clone, Copy)]
pub enum Gas {
    /// Simulate and multiply by `--gas-adjustment`.
    Auto,
    /// This limit.
    Limit(u64),
}

impl std::str::FromStr for Gas {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "auto" {
            return Ok(Gas::Auto);
        }
        s.parse()
            .map(Gas::Limit)
            .map_err(|_| format!("{s:?} is neither `auto` nor a whole number of gas"))
    }
}

/// The SDK's default gas limit.
pub const DEFAULT_GAS: u64 = 200_000;

/// How a signer is identified to the chain: `--chain-id`, and the account number and
/// sequence from `--account-number`/`--sequence` or from the node.
#[derive(Debug, Clone, clap::Args)]
pub struct SignerFlags {
    /// The chain to sign for (default: client.toml's `chain-id`).
    #[arg(long = "chain-id")]
    pub chain_id: Option<String>,
    /// Do not contact the node; needs --account-number and --sequence to sign.
    #[arg(long)]
    pub offline: bool,
    /// The signer's account number (default: asked of the node).
    #[arg(long = "account-number")]
    pub account_number: Option<u64>,
    /// The signer's sequence (default: asked of the node).
    #[arg(long)]
    pub sequence: Option<u64>,
    /// The sign mode: `direct` (SIGN_MODE_DIRECT) or `amino-json` (SIGN_MODE_LEGACY_AMINO_JSON,
    /// what Ledger and Keplr's amino signers sign).
    #[arg(long = "sign-mode", value_enum, default_value_t = SignModeFlag::Direct)]
    pub sign_mode: SignModeFlag,
    #[command(flatten)]
    node: NodeArg,
}

/// `--sign-mode`: how a signature is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SignModeFlag {
    /// SIGN_MODE_DIRECT: over the protobuf `SignDoc`.
    Direct,
    /// SIGN_MODE_LEGACY_AMINO_JSON: over the amino JSON sign doc.
    AminoJson,
}

impl SignModeFlag {
    fn proto(self) -> SignMode {
        match self {
            SignModeFlag::Direct => SignMode::Direct,
            SignModeFlag::AminoJson => SignMode::LegacyAminoJson,
        }
    }
}

/// The account number and sequence a signature commits to.
#[derive(Debug, Clone, Copy)]
pub struct AccountSeq {
    /// The account number.
    pub account_number: u64,
    /// The sequence.
    pub sequence: u64,
}

impl SignerFlags {
    /// `--chain-id`, else client.toml's; errors when neither is set.
    pub fn chain_id(&self, globals: &Globals) -> Result<String> {
        match self.chain_id.clone() {
            Some(id) if !id.is_empty() => Ok(id),
            _ if !globals.client.chain_id.is_empty() => Ok(globals.client.chain_id.clone()),
            _ => bail!("no chain id: pass --chain-id or set chain-id in client.toml"),
        }
    }

    /// The node client, unless `--offline`.
    pub fn rpc(&self, globals: &Globals) -> Result<Option<Rpc>> {
        if self.offline {
            return Ok(None);
        }
        Rpc::new(&self.node.url(globals)).map(Some)
    }

    /// The account number and sequence of `address`: from the flags, the rest from the node.
    pub fn account(&self, rpc: Option<&Rpc>, address: &agora_core::Address) -> Result<AccountSeq> {
        if let (Some(account_number), Some(sequence)) = (self.account_number, self.sequence) {
            return Ok(AccountSeq {
                account_number,
                sequence,
            });
        }
        let rpc =
            rpc.ok_or_else(|| anyhow!("--offline needs --account-number and --sequence to sign"))?;
        let account = super::query::base_account(rpc, address)?;
        Ok(AccountSeq {
            account_number: self.account_number.unwrap_or(account.account_number),
            sequence: self.sequence.unwrap_or(account.sequence),
        })
    }
}

/// The fee and body options of a new tx.
#[derive(Debug, Clone, clap::Args)]
pub struct FeeFlags {
    /// Fees to pay, e.g. `5000uagr`.
    #[arg(long)]
    pub fees: Option<String>,
    /// Gas limit, or `auto` to simulate the tx first.
    #[arg(long, default_value = "200000")]
    pub gas: Gas,
    /// Multiplies the simulated gas of `--gas auto`.
    #[arg(long = "gas-adjustment", default_value_t = 1.0)]
    pub gas_adjustment: f64,
    /// Gas prices; fees = ceil(price x gas limit), e.g. `0.025uagr`.
    #[arg(long = "gas-prices")]
    pub gas_prices: Option<String>,
    /// A note carried in the tx.
    #[arg(long, default_value = "")]
    pub memo: String,
    /// The last block height at which the tx may be included (0: none).
    #[arg(long = "timeout-height", default_value_t = 0)]
    pub timeout_height: u64,
}

/// A tx under construction: messages and fee options, then a gas limit, then a signature.
pub struct Factory {
    msgs: Vec<Any>,
    memo: String,
    timeout_height: u64,
    fees: Option<Coins>,
    gas_prices: Vec<(Dec, String)>,
    gas_adjustment: f64,
}

impl Factory {
    /// Checks the fee flags for `msgs`.
    pub fn new(flags: &FeeFlags, msgs: Vec<Any>) -> Result<Self> {
        if flags.fees.is_some() && flags.gas_prices.is_some() {
            bail!("cannot provide both fees and gas prices");
        }
        if !(flags.gas_adjustment.is_finite() && flags.gas_adjustment > 0.0) {
            bail!("--gas-adjustment must be a positive number");
        }
        let gas_prices = match &flags.gas_prices {
            Some(p) => parse_gas_prices(p).map_err(|e| anyhow!("--gas-prices: {}", e.msg))?,
            None => vec![],
        };
        Ok(Self {
            msgs,
            memo: flags.memo.clone(),
            timeout_height: flags.timeout_height,
            fees: flags.fees.as_deref().map(parse_coins).transpose()?,
            gas_prices,
            gas_adjustment: flags.gas_adjustment,
        })
    }

    /// The fee for a gas limit: `--fees`, or ceil(price x gas) of each `--gas-prices` denom.
    fn fee(&self, gas: u64) -> Result<Vec<Coin>> {
        let coins = match &self.fees {
            Some(fees) => fees.clone().into_vec(),
            None => self
                .gas_prices
                .iter()
                .map(|(price, denom)| {
                    Ok(agora_core::Coin::new(
                        price.mul_ceil(gas as u128)?,
                        denom.clone(),
                    ))
                })
                .collect::<Result<Vec<_>, agora_core::Error>>()
                .map_err(|e| anyhow!("--gas-prices: {}", e.msg))?,
        };
        Ok(Coins::new(coins)
            .map_err(|e| anyhow!("{}", e.msg))?
            .into_vec()
            .into_iter()
            .map(|c| Coin {
                denom: c.denom,
                amount: c.amount.to_string(),
            })
            .collect())
    }

    /// The unsigned tx with gas limit `gas` (no signer infos, as `--generate-only` prints it).
    pub fn unsigned(&self, gas: u64) -> Result<Tx> {
        #[allow(deprecated)]
        let auth_info = AuthInfo {
            signer_infos: vec![],
            fee: Some(Fee {
                amount: self.fee(gas)?,
                gas_limit: gas,
                payer: String::new(),
                granter: String::new(),
            }),
            tip: None,
        };
        Ok(Tx {
            body: Some(TxBody {
                messages: self.msgs.clone(),
                memo: self.memo.clone(),
                timeout_height: self.timeout_height,
                ..Default::default()
            }),
            auth_info: Some(auth_info),
            signatures: vec![],
        })
    }

    /// `--gas auto`: simulates the tx signed by `pub_key` at `seq`, raising or lowering the
    /// limit until it is the simulated gas of the tx carrying it x `--gas-adjustment`. (The
    /// limit and the fee are part of the tx, so its size and gas depend on them; this takes
    /// two simulations unless the number of digits changes.)
    pub fn estimate_gas(&self, rpc: &Rpc, pub_key: &[u8], seq: AccountSeq) -> Result<u64> {
        let mut limit = DEFAULT_GAS;
        for _ in 0..5 {
            let mut tx = self.unsigned(limit)?;
            set_signer(&mut tx, pub_key, seq.sequence, SignMode::Direct);
            tx.signatures = vec![vec![0; 64]];
            let used = simulate(rpc, &tx)?;
            let next = (used as f64 * self.gas_adjustment).ceil() as u64;
            if next == limit {
                break;
            }
            limit = next;
        }
        Ok(limit)
    }
}

/// Sets `tx`'s only signer to `pub_key` at `sequence`, signing in `mode`.
fn set_signer(tx: &mut Tx, pub_key: &[u8], sequence: u64, mode: SignMode) {
    let info = SignerInfo {
        public_key: Some(
            Any::from_msg(&secp256k1::PubKey {
                key: pub_key.to_vec(),
            })
            .expect("encoding into a Vec cannot fail"),
        ),
        mode_info: Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single {
                mode: mode as i32,
            })),
        }),
        sequence,
    };
    tx.auth_info
        .get_or_insert_with(Default::default)
        .signer_infos = vec![info];
}

/// Signs `tx` with `key` as its only signer (SIGN_MODE_DIRECT), replacing any signatures.
pub fn sign(tx: &mut Tx, key: &SigningKey, chain_id: &str, seq: AccountSeq) -> Result<()> {
    sign_with(tx, key, chain_id, seq, SignModeFlag::Direct)
}

/// Signs `tx` with `key` as its only signer in `mode`, replacing any signatures: over the
/// protobuf `SignDoc`, or over the amino JSON sign doc the chain rebuilds from the tx.
pub fn sign_with(
    tx: &mut Tx,
    key: &SigningKey,
    chain_id: &str,
    seq: AccountSeq,
    mode: SignModeFlag,
) -> Result<()> {
    set_signer(tx, &key.public_key().to_bytes(), seq.sequence, mode.proto());
    let body = tx.body.clone().unwrap_or_default();
    let auth_info = tx.auth_info.clone().unwrap_or_default();
    let bytes = match mode {
        SignModeFlag::Direct => SignDoc {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth_info.encode_to_vec(),
            chain_id: chain_id.to_string(),
            account_number: seq.account_number,
        }
        .encode_to_vec(),
        SignModeFlag::AminoJson => {
            let signer = aminojson::SignerData {
                chain_id,
                account_number: seq.account_number,
                sequence: seq.sequence,
            };
            aminojson::sign_bytes(&body, &auth_info.fee.unwrap_or_default(), &signer)
                .context("cannot sign in amino-json mode")?
        }
    };
    let signature = key.sign(&bytes).map_err(|e| anyhow!("cannot sign: {e}"))?;
    tx.signatures = vec![signature.to_bytes().to_vec()];
    Ok(())
}

/// The gas `tx` uses, run by the node without committing it.
fn simulate(rpc: &Rpc, tx: &Tx) -> Result<u64> {
    #[allow(deprecated)]
    let req = SimulateRequest {
        tx: None,
        tx_bytes: txjson::encode(tx),
    };
    let bytes = rpc
        .abci_query(agora_app::SIMULATE_PATH, req.encode_to_vec())
        .map_err(|e| match query_error(&e) {
            Some(q) => anyhow!("gas estimation failed: {}", q.log),
            None => e,
        })?;
    let res = SimulateResponse::decode(bytes.as_slice()).context("cannot decode the simulation")?;
    Ok(res.gas_info.unwrap_or_default().gas_used)
}
