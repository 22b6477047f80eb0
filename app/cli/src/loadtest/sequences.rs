//! Each load account's next sequence, kept locally so txs can be signed ahead of sending.
//!
//! A refused tx leaves a gap that would make every later tx of its account fail too. So a
//! refusal starts a new *epoch* for the account: its sequence goes back (to the one the node
//! said it expects, else to the refused tx's), and txs signed in the old epoch and not yet
//! sent are dropped rather than sent.

use std::sync::Mutex;

#[derive(Debug, Clone, Copy)]
struct State {
    next: u64,
    epoch: u32,
}

/// The accounts' sequences.
pub struct Sequences {
    states: Mutex<Vec<State>>,
}

impl Sequences {
    /// Sequences starting at `starts[i]` for account `i`.
    pub fn new(starts: &[u64]) -> Self {
        Self {
            states: Mutex::new(
                starts
                    .iter()
                    .map(|&next| State { next, epoch: 0 })
                    .collect(),
            ),
        }
    }

    /// The sequence to sign account `account`'s next tx with, and the epoch it belongs to.
    pub fn take(&self, account: usize) -> (u64, u32) {
        let mut states = self.states.lock().expect("sequences lock");
        let state = &mut states[account];
        state.next += 1;
        (state.next - 1, state.epoch)
    }

    /// True if a tx signed in `epoch` may still be sent.
    pub fn is_current(&self, account: usize, epoch: u32) -> bool {
        self.states.lock().expect("sequences lock")[account].epoch == epoch
    }

    /// The node refused account `account`'s tx at `sequence` signed in `epoch`; `expected` is
    /// the sequence the node named, if it named one. Refusals of txs from an old epoch change
    /// nothing: the account was already set back.
    pub fn refused(&self, account: usize, sequence: u64, epoch: u32, expected: Option<u64>) {
        let mut states = self.states.lock().expect("sequences lock");
        let state = &mut states[account];
        if state.epoch == epoch {
            state.epoch += 1;
            state.next = expected.unwrap_or(sequence);
        }
    }
}

/// The sequence in the ante handler's "account sequence mismatch, expected 5, got 6".
pub fn expected_sequence(log: &str) -> Option<u64> {
    const MARK: &str = "sequence mismatch, expected ";
    let rest = &log[log.find(MARK)? + MARK.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_sets_the_account_back_once() {
        let seqs = Sequences::new(&[0, 7]);
        assert_eq!(seqs.take(1), (7, 0));
        assert_eq!(seqs.take(1), (8, 0));
        assert_eq!(seqs.take(1), (9, 0));
        // 8 refused (mempool full): 9, signed in the same epoch, is stale and 8 is signed again.
        seqs.refused(1, 8, 0, None);
        assert!(!seqs.is_current(1, 0));
        assert_eq!(seqs.take(1), (8, 1));
        // 9 was in flight and is refused for its sequence: already handled.
        seqs.refused(1, 9, 0, Some(8));
        assert_eq!(seqs.take(1), (9, 1));
        // The node names the sequence it expects.
        seqs.refused(1, 9, 1, Some(5));
        assert_eq!(seqs.take(1), (5, 2));
        assert_eq!(seqs.take(0), (0, 0));
        assert!(seqs.is_current(0, 0));
    }

    #[test]
    fn the_expected_sequence_is_read_from_the_log() {
        assert_eq!(
            expected_sequence("account sequence mismatch, expected 12, got 13: incorrect"),
            Some(12)
        );
        assert_eq!(expected_sequence("insufficient funds"), None);
    }
}
