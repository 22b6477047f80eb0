//! Signing the load before sending it: a MsgSend of 1 uagr from each account to the next,
//! round robin over the accounts, with locally tracked sequences. Every tx of the run is
//! signed before the clock starts (on all cores), so signing cannot limit the rate; only a tx
//! whose account was set back after a refusal is signed again while sending.

use agora_app::testing::{bank_send, Signer as KeySigner, TxSpec};
use anyhow::{bail, Result};
use sha2::{Digest, Sha256};

use super::sequences::Sequences;
use super::setup::LoadAccount;
use super::tracker::TxHash;

/// Most txs signed ahead (about 300 bytes each).
const MAX_PRESIGNED: u64 = 2_000_000;

/// A signed tx ready to broadcast.
pub struct Signed {
    /// Index of the sending account.
    pub account: usize,
    /// The sequence it was signed with.
    pub sequence: u64,
    /// The account's epoch when signed (see [`Sequences`]).
    pub epoch: u32,
    /// `TxRaw` bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes.
    pub hash: TxHash,
}

/// Signs the load's txs.
pub struct LoadSigner<'a> {
    /// The accounts.
    pub accounts: &'a [LoadAccount],
    /// Their sequences.
    pub sequences: &'a Sequences,
    /// The chain id to sign for.
    pub chain_id: &'a str,
    /// Each tx's fee.
    pub fee: &'a [(String, u128)],
    /// Each tx's gas limit.
    pub gas: u64,
}

impl LoadSigner<'_> {
    /// Signs account `account`'s next tx, taking its sequence.
    pub fn sign_next(&self, account: usize) -> Signed {
        let (sequence, epoch) = self.sequences.take(account);
        self.sign(account, sequence, epoch)
    }

    fn sign(&self, account: usize, sequence: u64, epoch: u32) -> Signed {
        let n = self.accounts.len();
        let from = &self.accounts[account];
        let to = &self.accounts[(account + 1) % n];
        let bytes = TxSpec {
            chain_id: self.chain_id,
            msgs: vec![bank_send(&from.key.address, &to.key.address, 1)],
            signers: vec![KeySigner {
                key: &from.key,
                account_number: from.number,
                sequence,
            }],
            fee: self.fee.iter().map(|(d, a)| (d.as_str(), *a)).collect(),
            gas_limit: self.gas,
            memo: String::new(),
            timeout_height: 0,
        }
        .sign();
        Signed {
            account,
            sequence,
            epoch,
            hash: Sha256::digest(&bytes).into(),
            bytes,
        }
    }

    /// The first `total` txs of the run, in sending order (round robin from account 0),
    /// signed on every available core.
    pub fn presign(&self, total: u64) -> Result<Vec<Signed>> {
        if total > MAX_PRESIGNED {
            bail!("--rate x --duration is {total} txs, but at most {MAX_PRESIGNED} are signed ahead: shorten the run");
        }
        let n = self.accounts.len();
        let order: Vec<(usize, u64, u32)> = (0..total as usize)
            .map(|i| {
                let (sequence, epoch) = self.sequences.take(i % n);
                (i % n, sequence, epoch)
            })
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_thread = order.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let parts: Vec<_> = order
                .chunks(per_thread)
                .map(|chunk| {
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|&(account, sequence, epoch)| self.sign(account, sequence, epoch))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            Ok(parts
                .into_iter()
                .flat_map(|part| part.join().expect("a signing thread panicked"))
                .collect())
        })
    }
}
