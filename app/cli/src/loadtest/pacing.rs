//! Open-loop rate pacing: tx `n` (from 0) is due `n / rate` seconds after the start, whatever
//! happened to the txs before it, so a slow node cannot slow the offered load down.

use std::time::Duration;

/// When each tx of a run at a fixed rate is due.
#[derive(Debug, Clone, Copy)]
pub struct Pacer {
    rate: f64,
}

impl Pacer {
    /// A pacer of `rate` tx/s (positive and finite).
    pub fn new(rate: f64) -> Self {
        assert!(rate.is_finite() && rate > 0.0, "rate must be positive");
        Self { rate }
    }

    /// How many txs are due `elapsed` after the start: the first is due at once.
    pub fn due(&self, elapsed: Duration) -> u64 {
        (elapsed.as_secs_f64() * self.rate).floor() as u64 + 1
    }

    /// When tx `n` is due, after the start.
    pub fn due_at(&self, n: u64) -> Duration {
        Duration::from_secs_f64(n as f64 / self.rate)
    }

    /// How many txs a run of `duration` sends: those due before it ends.
    pub fn total(&self, duration: Duration) -> u64 {
        (duration.as_secs_f64() * self.rate).ceil() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txs_are_due_evenly_from_the_start() {
        let pacer = Pacer::new(1000.0);
        assert_eq!(pacer.due(Duration::ZERO), 1);
        assert_eq!(pacer.due(Duration::from_micros(999)), 1);
        assert_eq!(pacer.due(Duration::from_millis(1)), 2);
        assert_eq!(pacer.due(Duration::from_millis(1500)), 1501);
        assert_eq!(pacer.total(Duration::from_secs(60)), 60_000);
        assert_eq!(pacer.due_at(250), Duration::from_millis(250));
        for n in [0, 1, 7, 999, 59_999] {
            assert!(pacer.due(pacer.due_at(n)) >= n, "{n}");
            assert!(pacer.due_at(n) < Duration::from_secs(60));
        }
    }

    #[test]
    fn fractional_rates_round_up_the_last_tx() {
        let pacer = Pacer::new(2.5);
        assert_eq!(pacer.total(Duration::from_secs(1)), 3);
        assert_eq!(pacer.due(Duration::from_millis(399)), 1);
        assert_eq!(pacer.due(Duration::from_millis(400)), 2);
        assert_eq!(pacer.due_at(2), Duration::from_millis(800));
    }
}
