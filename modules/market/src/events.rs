//! The market's events.

use agora_core::{Address, Coin, Event};

/// `register_provider`: a provider registered and locked its bond.
pub fn register_provider(owner: &Address, bond: &Coin) -> Event {
    Event::new("register_provider")
        .attr("owner", owner.to_string())
        .attr("bond", bond.to_string())
}

/// `update_provider`: a provider changed its description, resources or prices.
pub fn update_provider(owner: &Address) -> Event {
    Event::new("update_provider").attr("owner", owner.to_string())
}

/// `pause_provider`: a provider paused (or resumed).
pub fn pause_provider(owner: &Address, paused: bool) -> Event {
    Event::new("pause_provider")
        .attr("owner", owner.to_string())
        .attr("paused", paused.to_string())
}

/// `deregister_provider`: a provider started to leave; its bond returns at `release_ns`.
pub fn deregister_provider(owner: &Address, release_ns: u64) -> Event {
    Event::new("deregister_provider")
        .attr("owner", owner.to_string())
        .attr("bond_release_time_ns", release_ns.to_string())
}

/// `release_provider_bond`: a deregistered provider's bond went back and the provider is gone.
pub fn release_provider_bond(owner: &Address, bond: &Coin) -> Event {
    Event::new("release_provider_bond")
        .attr("owner", owner.to_string())
        .attr("amount", bond.to_string())
}
