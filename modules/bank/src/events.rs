//! Bank events with the SDK's types and attribute keys.

use agora_core::{Address, Coins, Event};

/// `coin_spent{spender, amount}`.
pub fn coin_spent(spender: &Address, coins: &Coins) -> Event {
    Event::new("coin_spent")
        .attr("spender", spender.to_string())
        .attr("amount", coins.to_string())
}

/// `coin_received{receiver, amount}`.
pub fn coin_received(receiver: &Address, coins: &Coins) -> Event {
    Event::new("coin_received")
        .attr("receiver", receiver.to_string())
        .attr("amount", coins.to_string())
}

/// `transfer{recipient, sender, amount}`.
pub fn transfer(recipient: &Address, sender: &Address, coins: &Coins) -> Event {
    Event::new("transfer")
        .attr("recipient", recipient.to_string())
        .attr("sender", sender.to_string())
        .attr("amount", coins.to_string())
}

/// `message{sender}`.
pub fn message_sender(sender: &Address) -> Event {
    Event::new("message").attr("sender", sender.to_string())
}

/// `coinbase{minter, amount}`.
pub fn coinbase(minter: &Address, coins: &Coins) -> Event {
    Event::new("coinbase")
        .attr("minter", minter.to_string())
        .attr("amount", coins.to_string())
}

/// `burn{burner, amount}`.
pub fn burn(burner: &Address, coins: &Coins) -> Event {
    Event::new("burn")
        .attr("burner", burner.to_string())
        .attr("amount", coins.to_string())
}
