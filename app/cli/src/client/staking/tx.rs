//! `agorad tx staking create-validator | edit-validator | delegate | unbond | cancel-unbond |
//! redelegate`, with gaiad's names and flags.

use agora_app::txjson::{dec_proto, pubkey_any, PubKeyJson};
use agora_core::{Address, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use anyhow::{bail, Context as _, Result};

use super::super::args::{parse_coins, parse_valoper};
use super::super::tx::{checked, TxFlags};
use crate::Globals;

/// What the SDK's edit-validator sends for a description field it leaves alone.
const DO_NOT_MODIFY: &str = "[do-not-modify]";

/// `agorad tx staking` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum StakingTx {
    /// Creates a validator from a JSON file, as the SDK's `create-validator` reads it:
    /// `{"pubkey": <agorad comet show-validator>, "amount": "1000000uagr", "moniker": "...",
    /// "commission-rate": "0.1", "commission-max-rate": "0.2",
    /// "commission-max-change-rate": "0.01", "min-self-delegation": "1"}` (and optional
    /// "identity", "website", "security", "details").
    CreateValidator {
        /// The validator JSON file.
        file: std::path::PathBuf,
        /// The operator's key: the validator is its account's.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Changes the validator of the `--from` key: its description, commission rate (at most
    /// once a day, by at most the max change rate) or minimum self-delegation (only upwards).
    /// Fields without a flag keep their value.
    EditValidator {
        /// The new name.
        #[arg(long = "new-moniker", default_value = DO_NOT_MODIFY)]
        moniker: String,
        /// The identity signature (e.g. a Keybase key's 16-digit id).
        #[arg(long, default_value = DO_NOT_MODIFY)]
        identity: String,
        /// The website.
        #[arg(long, default_value = DO_NOT_MODIFY)]
        website: String,
        /// The security contact email.
        #[arg(long = "security-contact", default_value = DO_NOT_MODIFY)]
        security_contact: String,
        /// Other details.
        #[arg(long, default_value = DO_NOT_MODIFY)]
        details: String,
        /// The new commission rate, e.g. `0.1`.
        #[arg(long = "commission-rate")]
        commission_rate: Option<String>,
        /// The new minimum self-delegation, in tokens.
        #[arg(long = "min-self-delegation")]
        min_self_delegation: Option<String>,
        /// The operator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Delegates tokens to a validator.
    Delegate {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Undelegates tokens; they return after the unbonding time.
    Unbond {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Delegates back an unbonding entry (named by its creation height) before it completes.
    CancelUnbond {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The creation height of the unbonding entry.
        creation_height: u64,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Moves a delegation from one validator to another at once.
    Redelegate {
        /// The validator delegated to now.
        src: String,
        /// The validator to delegate to.
        dst: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
}

/// The SDK's `create-validator` file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidatorFile {
    pubkey: PubKeyJson,
    amount: String,
    moniker: String,
    #[serde(default)]
    identity: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    security: String,
    #[serde(default)]
    details: String,
    #[serde(rename = "commission-rate")]
    commission_rate: String,
    #[serde(rename = "commission-max-rate")]
    commission_max_rate: String,
    #[serde(rename = "commission-max-change-rate")]
    commission_max_change_rate: String,
    #[serde(rename = "min-self-delegation")]
    min_self_delegation: String,
}

/// The MsgCreateValidator of `file` for the operator `operator`.
#[allow(deprecated)] // delegator_address: empty, as the SDK v0.50 leaves it
fn create_validator_msg(file: &std::path::Path, operator: &Address) -> Result<Any> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let v: ValidatorFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a create-validator file", file.display()))?;
    let msg = pb::MsgCreateValidator {
        description: Some(pb::Description {
            moniker: v.moniker,
            identity: v.identity,
            website: v.website,
            security_contact: v.security,
            details: v.details,
        }),
        commission: Some(pb::CommissionRates {
            rate: dec_proto(&v.commission_rate)?,
            max_rate: dec_proto(&v.commission_max_rate)?,
            max_change_rate: dec_proto(&v.commission_max_change_rate)?,
        }),
        min_self_delegation: v.min_self_delegation,
        delegator_address: String::new(),
        validator_address: operator.to_bech32_with(VALOPER_PREFIX),
        pubkey: Some(pubkey_any(v.pubkey)),
        value: Some(one_coin(&v.amount)?),
    };
    Ok(Any::from_msg(&msg)?)
}

/// One coin, e.g. `1000000uagr`.
fn one_coin(s: &str) -> Result<Coin> {
    let coins = parse_coins(s)?.into_vec();
    let [coin] = coins.as_slice() else {
        bail!("{s:?}: give one amount of one denom, e.g. 1000000uagr");
    };
    Ok(Coin {
        denom: coin.denom.clone(),
        amount: coin.amount.to_string(),
    })
}

impl StakingTx {
    /// Builds the Msg, then prints it unsigned or signs and broadcasts it.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            StakingTx::CreateValidator { file, from, tx } => tx.run(&from, globals, |operator| {
                checked(vec![create_validator_msg(&file, operator)?])
            }),
            StakingTx::EditValidator {
                moniker,
                identity,
                website,
                security_contact,
                details,
                commission_rate,
                min_self_delegation,
                from,
                tx,
            } => {
                let commission_rate = commission_rate
                    .map(|rate| {
                        dec_proto(&rate).with_context(|| format!("--commission-rate {rate:?}"))
                    })
                    .transpose()?
                    .unwrap_or_default();
                let min_self_delegation = match min_self_delegation {
                    Some(min) if min.is_empty() || !min.bytes().all(|b| b.is_ascii_digit()) => {
                        bail!("--min-self-delegation {min:?} is not a whole number of tokens")
                    }
                    min => min.unwrap_or_default(),
                };
                let description = pb::Description {
                    moniker,
                    identity,
                    website,
                    security_contact,
                    details,
                };
                tx.run(&from, globals, |operator| {
                    checked(vec![Any::from_msg(&pb::MsgEditValidator {
                        description: Some(description.clone()),
                        validator_address: operator.to_bech32_with(VALOPER_PREFIX),
                        commission_rate: commission_rate.clone(),
                        min_self_delegation: min_self_delegation.clone(),
                    })?])
                })
            }
            StakingTx::CancelUnbond {
                validator,
                amount,
                creation_height,
                from,
                tx,
            } => {
                let (validator, amount) = (parse_valoper(&validator)?, one_coin(&amount)?);
                let creation_height = i64::try_from(creation_height)?;
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgCancelUnbondingDelegation {
                        delegator_address: delegator.to_string(),
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                        creation_height,
                    })?])
                })
            }
            StakingTx::Delegate {
                validator,
                amount,
                from,
                tx,
            } => {
                let (validator, amount) = (parse_valoper(&validator)?, one_coin(&amount)?);
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgDelegate {
                        delegator_address: delegator.to_string(),
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                    })?])
                })
            }
            StakingTx::Unbond {
                validator,
                amount,
                from,
                tx,
            } => {
                let (validator, amount) = (parse_valoper(&validator)?, one_coin(&amount)?);
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgUndelegate {
                        delegator_address: delegator.to_string(),
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                    })?])
                })
            }
            StakingTx::Redelegate {
                src,
                dst,
                amount,
                from,
                tx,
            } => {
                let (src, dst, amount) = (
                    parse_valoper(&src)?,
                    parse_valoper(&dst)?,
                    one_coin(&amount)?,
                );
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgBeginRedelegate {
                        delegator_address: delegator.to_string(),
                        validator_src_address: src.to_bech32_with(VALOPER_PREFIX),
                        validator_dst_address: dst.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                    })?])
                })
            }
        }
    }
}
