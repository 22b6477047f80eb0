//! Node-local application settings (app.toml): they never affect consensus.

use agora_core::{Dec, Error, Result, SdkCode};

/// Settings one node chooses for itself.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// Minimum gas prices a tx must pay to enter this node's mempool (`minimum-gas-prices`).
    pub min_gas_prices: Vec<(Dec, String)>,
    /// Heights of state to keep (`pruning-keep-recent`); 0 keeps every height.
    pub keep_recent: u64,
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
