//! Node-local application settings (app.toml): they never affect consensus.

use agora_core::{Dec, Error, Result, SdkCode};

/// Default gas limit of one query or simulation (`query-gas-limit`). The SDK's default (0) is
/// unbounded; a public node needs a bound, and this one is far above any page or tx a client
/// sends (a full 100-entry page costs under 200,000 gas).
pub const DEFAULT_QUERY_GAS_LIMIT: u64 = 50_000_000;

/// Default number of recent committed heights kept as snapshots for queries at past heights.
pub const DEFAULT_QUERY_SNAPSHOTS: usize = 100;

/// Settings one node chooses for itself.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Minimum gas prices a tx must pay to enter this node's mempool (`minimum-gas-prices`).
    pub min_gas_prices: Vec<(Dec, String)>,
    /// Heights of state to keep (`pruning-keep-recent`); 0 keeps every height.
    pub keep_recent: u64,
    /// Gas limit of each query and simulation (`query-gas-limit`); 0 means unbounded.
    pub query_gas_limit: u64,
    /// Recent committed heights whose snapshots answer gRPC-path queries at a past `height`
    /// (`query-snapshots`); at least 1 (the latest).
    pub query_snapshots: usize,
    /// Bytes of the state database's block cache (`store-cache-bytes`).
    pub store_cache_bytes: usize,
    /// Bytes the state database's memtables may hold before flushing (`store-write-buffer-bytes`).
    pub store_write_buffer_bytes: usize,
    /// The upgrade handlers this binary has and the heights whose upgrade this node skips
    /// (`--unsafe-skip-upgrades`).
    pub upgrades: agora_upgrade::Upgrades,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            min_gas_prices: Vec::new(),
            keep_recent: 0,
            query_gas_limit: DEFAULT_QUERY_GAS_LIMIT,
            query_snapshots: DEFAULT_QUERY_SNAPSHOTS,
            store_cache_bytes: agora_store::DEFAULT_CACHE_BYTES,
            store_write_buffer_bytes: agora_store::DEFAULT_WRITE_BUFFER_BYTES,
            upgrades: agora_upgrade::Upgrades::default(),
        }
    }
}

impl AppConfig {
    /// The gas limit a query or simulation runs under.
    pub fn query_gas(&self) -> u64 {
        match self.query_gas_limit {
            0 => u64::MAX,
            limit => limit,
        }
    }
}

/// Parses decimal coins like `0.025uagr,0.1ufoo` (empty = none).
pub fn parse_gas_prices(s: &str) -> Result<Vec<(Dec, String)>> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let split = p
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(p.len());
            let (amount, denom) = p.split_at(split);
            if amount.is_empty() {
                return Err(Error::sdk(
                    SdkCode::InvalidCoins,
                    format!("gas price {p:?} must be an amount then a denom, like 0.025uagr"),
                ));
            }
            agora_core::validate_denom(denom)?;
            Ok((amount.parse()?, denom.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_coins() {
        let p = parse_gas_prices("0.025uagr, 1ufoo").unwrap();
        assert_eq!(p[0].0.to_string(), "0.025000000000000000");
        assert_eq!(p[1].1, "ufoo");
        assert!(parse_gas_prices("uagr").is_err());
        assert!(parse_gas_prices("0.1u").is_err());
        assert!(parse_gas_prices("").unwrap().is_empty());
    }
}
