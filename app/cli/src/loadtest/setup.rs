//! Before the load: derive the accounts, fund them from `--from` with MsgMultiSend, wait for
//! the funding to commit and read each account's number and sequence.

use std::time::{Duration, Instant};

use agora_app::testing::TestKey;
use agora_core::{Address, Coins};
use agora_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, Output};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::Any;
use anyhow::{anyhow, bail, Context as _, Result};
use cosmrs::crypto::secp256k1::SigningKey;
use tendermint_rpc::Client as _;

use crate::client::factory::{sign, AccountSeq, Factory, FeeFlags, Gas};
use crate::client::query::base_account;
use crate::client::rpc::Rpc;
use agora_app::txjson;

/// Outputs per funding MsgMultiSend (about 80 bytes and a few thousand gas each).
const FUND_BATCH: usize = 500;
/// How long the funding txs may take to commit.
const FUND_TIMEOUT: Duration = Duration::from_secs(60);

/// One sending account: its key and account number.
pub struct LoadAccount {
    /// The key (deterministic: the same seed and index give the same key).
    pub key: TestKey,
    /// Its account number in state.
    pub number: u64,
}

/// The keys of accounts `0..n` of `seed`.
pub fn derive_keys(seed: u32, n: u32) -> Vec<TestKey> {
    (0..n)
        .map(|i| TestKey::from_seed((u64::from(seed) << 32) | u64::from(i)))
        .collect()
}

/// The funding key: `--from`.
pub struct Funder<'a> {
    /// The node.
    pub rpc: &'a Rpc,
    /// The chain id to sign for.
    pub chain_id: &'a str,
    /// The key's address.
    pub address: Address,
    /// The key.
    pub key: SigningKey,
    /// `--gas-prices`, for the funding txs' fees.
    pub gas_prices: Option<String>,
}

impl Funder<'_> {
    /// Sends `amount` to each of `keys` (MsgMultiSend, [`FUND_BATCH`] outputs a tx) and waits
    /// until every funding tx is committed.
    pub fn fund(&self, keys: &[TestKey], amount: &Coins) -> Result<()> {
        let account = base_account(self.rpc, &self.address)?;
        let mut seq = AccountSeq {
            account_number: account.account_number,
            sequence: account.sequence,
        };
        let pub_key = self.key.public_key().to_bytes();
        let mut hashes = Vec::new();
        for batch in keys.chunks(FUND_BATCH) {
            let fee = FeeFlags {
                fees: None,
                gas: Gas::Auto,
                gas_adjustment: 1.3,
                gas_prices: self.gas_prices.clone(),
                memo: String::new(),
                timeout_height: 0,
            };
            let factory = Factory::new(&fee, vec![self.multi_send(batch, amount)?])?;
            let gas = factory.estimate_gas(self.rpc, &pub_key, seq)?;
            let mut tx = factory.unsigned(gas)?;
            sign(&mut tx, &self.key, self.chain_id, seq)?;
            let answer = self
                .rpc
                .call(|c| c.broadcast_tx_sync(txjson::encode(&tx)))?;
            if answer.code.is_err() {
                bail!(
                    "the funding tx was refused: {} (codespace {}, code {})",
                    answer.log,
                    answer.codespace,
                    answer.code.value()
                );
            }
            hashes.push(answer.hash);
            seq.sequence += 1;
        }
        hashes.iter().try_for_each(|h| self.wait_committed(*h))
    }

    fn multi_send(&self, to: &[TestKey], amount: &Coins) -> Result<Any> {
        let coins = |times: u128| -> Result<Vec<Coin>> {
            amount
                .iter()
                .map(|c| {
                    let total = c
                        .amount
                        .checked_mul(times)
                        .ok_or_else(|| anyhow!("--fund {amount} x {times} overflows"))?;
                    Ok(Coin {
                        denom: c.denom.clone(),
                        amount: total.to_string(),
                    })
                })
                .collect()
        };
        let msg = MsgMultiSend {
            inputs: vec![Input {
                address: self.address.to_string(),
                coins: coins(to.len() as u128)?,
            }],
            outputs: to
                .iter()
                .map(|k| {
                    Ok(Output {
                        address: k.address.to_string(),
                        coins: coins(1)?,
                    })
                })
                .collect::<Result<_>>()?,
        };
        Ok(Any::from_msg(&msg)?)
    }

    fn wait_committed(&self, hash: tendermint::Hash) -> Result<()> {
        let deadline = Instant::now() + FUND_TIMEOUT;
        loop {
            if let Ok(found) = self.rpc.call(|c| c.tx(hash, false)) {
                let result = found.tx_result;
                if result.code.is_err() {
                    bail!("the funding tx {hash} failed: {}", result.log);
                }
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "the funding tx {hash} was not committed within {} s",
                    FUND_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The funded accounts with their numbers, and their current sequences, read from the node
/// over `connections` connections at once.
pub fn accounts(
    url: &str,
    keys: Vec<TestKey>,
    connections: usize,
) -> Result<(Vec<LoadAccount>, Vec<u64>)> {
    let per_thread = keys.len().div_ceil(connections);
    let found: Vec<(u64, u64)> = std::thread::scope(|s| {
        let threads: Vec<_> = keys
            .chunks(per_thread)
            .map(|chunk| {
                s.spawn(move || -> Result<Vec<(u64, u64)>> {
                    let rpc = Rpc::new(url)?;
                    chunk
                        .iter()
                        .map(|k| {
                            let account = base_account(&rpc, &k.address)?;
                            Ok((account.account_number, account.sequence))
                        })
                        .collect()
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .map_err(|_| anyhow!("an account reader panicked"))?
            })
            .collect::<Result<Vec<_>>>()
            .map(|chunks| chunks.concat())
    })
    .context("cannot read the load accounts")?;
    let sequences = found.iter().map(|(_, seq)| *seq).collect();
    let accounts = keys
        .into_iter()
        .zip(found)
        .map(|(key, (number, _))| LoadAccount { key, number })
        .collect();
    Ok((accounts, sequences))
}
