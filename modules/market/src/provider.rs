//! The stateless rules of a provider's description, resources, attributes and prices, shared
//! by its Msgs and genesis.

use agora_core::Result;
use agora_proto::agora::market::v1 as pb;

use crate::errors::MarketCode;

/// The longest moniker (as the SDK's validator monikers).
pub const MAX_MONIKER: usize = 70;
/// The longest endpoint URL.
pub const MAX_ENDPOINT: usize = 256;
/// The most attributes a provider lists.
pub const MAX_ATTRIBUTES: usize = 16;
/// The longest attribute key (and GPU model); values may be twice as long.
pub const MAX_KEY: usize = 64;

fn invalid(detail: impl std::fmt::Display) -> agora_core::Error {
    MarketCode::InvalidProvider.err(detail)
}

/// Checks a provider's moniker, endpoint, resources, attributes and prices.
pub fn check(
    moniker: &str,
    endpoint: &str,
    resources: Option<&pb::Resources>,
    attributes: &[pb::Attribute],
    prices: Option<&pb::Prices>,
) -> Result<()> {
    if moniker.trim().is_empty() || moniker.len() > MAX_MONIKER {
        return Err(invalid(format!(
            "moniker must be 1 to {MAX_MONIKER} bytes, got {}",
            moniker.len()
        )));
    }
    let scheme = endpoint.starts_with("https://") || endpoint.starts_with("http://");
    if !scheme || endpoint.len() > MAX_ENDPOINT || endpoint.contains(char::is_whitespace) {
        return Err(invalid(format!(
            "endpoint {endpoint:?} must be an http:// or https:// URL of at most {MAX_ENDPOINT} bytes"
        )));
    }
    let resources = resources.ok_or_else(|| invalid("resources are required"))?;
    let offered = [
        resources.cpu_millicores > 0,
        resources.memory_mib > 0,
        resources.gpu_count > 0,
        resources.storage_gib > 0,
    ];
    if !offered.contains(&true) {
        return Err(invalid(
            "resources must offer at least one of cpu, memory, gpu, storage",
        ));
    }
    if (resources.gpu_count > 0) == resources.gpu_model.is_empty()
        || resources.gpu_model.len() > MAX_KEY
    {
        return Err(invalid(format!(
            "gpu_model must name the model (at most {MAX_KEY} bytes) exactly when gpu_count > 0"
        )));
    }
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(invalid(format!("at most {MAX_ATTRIBUTES} attributes")));
    }
    for (i, a) in attributes.iter().enumerate() {
        if a.key.is_empty() || a.key.len() > MAX_KEY || a.value.len() > 2 * MAX_KEY {
            return Err(invalid(format!(
                "attributes[{i}]: a key of 1 to {MAX_KEY} bytes and a value of at most {} bytes",
                2 * MAX_KEY
            )));
        }
        if attributes[..i].iter().any(|b| b.key == a.key) {
            return Err(invalid(format!("attributes[{i}]: key {:?} twice", a.key)));
        }
    }
    let prices = prices.ok_or_else(|| invalid("prices are required"))?;
    let named = [
        ("cpu_per_millicore", &prices.cpu_per_millicore),
        ("memory_per_mib", &prices.memory_per_mib),
        ("per_gpu", &prices.per_gpu),
        ("storage_per_gib", &prices.storage_per_gib),
    ];
    for ((name, price), offers) in named.into_iter().zip(offered) {
        let amount = price_amount(price).map_err(|e| invalid(format!("prices.{name}: {e}")))?;
        if offers && amount == 0 {
            return Err(invalid(format!(
                "prices.{name} must be above 0 for an offered resource"
            )));
        }
        if !offers && amount != 0 {
            return Err(invalid(format!(
                "prices.{name} is set for a resource not offered"
            )));
        }
    }
    Ok(())
}

/// A price: a whole number of the market's denom per block and unit ("" is 0).
pub fn price_amount(price: &str) -> std::result::Result<u128, String> {
    if price.is_empty() {
        return Ok(0);
    }
    if !price.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{price:?} is not a whole number"));
    }
    price.parse().map_err(|_| format!("{price:?} is too large"))
}
