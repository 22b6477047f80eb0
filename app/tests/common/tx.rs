//! Fee-paying sends between the chain's keys, and the check that a refused tx left state alone.

use agora_app::testing::{bank_send, Signer, TestKey, TxSpec};
use agora_core::Address;

use super::{Chain, CHAIN_ID};

/// The fee [`send`] pays.
pub const FEE: u128 = 5_000;

/// A send of `amount` uagr from key `from` to key `to` (account numbers are key indexes),
/// at sequence 0, paying [`FEE`].
pub fn send(keys: &[TestKey], from: usize, to: usize, amount: u128) -> TxSpec<'_> {
    let mut spec = TxSpec::new(
        CHAIN_ID,
        vec![bank_send(&keys[from].address, &keys[to].address, amount)],
        Signer {
            key: &keys[from],
            account_number: from as u64,
            sequence: 0,
        },
    );
    spec.fee = vec![("uagr", FEE)];
    spec
}

/// The fee collector module account.
pub fn fee_collector() -> Address {
    Address::module("fee_collector")
}

/// Every key's balance and (account number, sequence), and the fee collector's and
/// distribution's balances.
fn snapshot(chain: &mut Chain) -> Vec<(u128, (u64, u64))> {
    let keys = chain.keys.clone();
    let mut out: Vec<_> = keys
        .iter()
        .map(|k| (chain.balance(&k.address), chain.account(&k.address)))
        .collect();
    out.push((chain.balance(&fee_collector()), (0, 0)));
    out.push((chain.balance(&Address::module("distribution")), (0, 0)));
    out
}

/// Delivers `tx` in a block; asserts it is refused with `sdk/<code>` and a log containing
/// `log_part`, and that no balance, sequence or other state changed: the chain ends with the
/// app hash of a twin that got an empty block instead.
pub fn assert_refused(chain: &mut Chain, tx: Vec<u8>, code: u32, log_part: &str) {
    let mut twin = chain.twin();
    twin.block(vec![]);
    let before = snapshot(&mut twin);
    let hash = twin.app.store().app_hash();
    let res = chain.deliver(tx);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", code),
        "{}",
        res.log
    );
    assert!(
        res.log.contains(log_part),
        "{:?} lacks {log_part:?}",
        res.log
    );
    assert_eq!(snapshot(chain), before);
    assert_eq!(
        chain.app.store().app_hash(),
        hash,
        "a refused tx changed state"
    );
}
