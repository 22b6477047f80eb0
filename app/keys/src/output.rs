//! How `keys` commands print a key: the SDK's `KeyOutput`, as JSON or as its YAML list.

use agora_core::{VALCONS_PREFIX, VALOPER_PREFIX};
use serde::Serialize;

use crate::KeyInfo;

/// Which bech32 form of the address to print (`--bech`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Bech {
    /// Account address, `agora1...`.
    #[default]
    Acc,
    /// Validator operator address, `agoravaloper1...`.
    Val,
    /// Validator consensus address, `agoravalcons1...`.
    Cons,
}

/// The SDK's `keyring.KeyOutput`: fields in its order, `pubkey` as a JSON string.
#[derive(Debug, Serialize)]
pub(crate) struct KeyOutput {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub address: String,
    pub pubkey: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnemonic: Option<String>,
}

impl KeyOutput {
    /// The output of `info` with its address in the `bech` form.
    pub(crate) fn new(info: &KeyInfo, bech: Bech) -> Self {
        Self {
            name: info.name.clone(),
            kind: "local",
            address: address(info, bech),
            pubkey: info.pubkey_json(),
            mnemonic: None,
        }
    }
}

/// The key's address in the `bech` form.
pub(crate) fn address(info: &KeyInfo, bech: Bech) -> String {
    match bech {
        Bech::Acc => info.address.to_string(),
        Bech::Val => info.address.to_bech32_with(VALOPER_PREFIX),
        Bech::Cons => info.address.to_bech32_with(VALCONS_PREFIX),
    }
}

/// The SDK's text output: a YAML list of records with keys in alphabetical order.
pub(crate) fn text(records: &[KeyOutput]) -> String {
    let mut out = String::new();
    for r in records {
        out.push_str(&format!(
            "- address: {}\n  name: {}\n  pubkey: {}\n  type: {}\n",
            r.address,
            yaml_scalar(&r.name),
            yaml_quote(&r.pubkey),
            r.kind
        ));
    }
    out
}

/// `s` as a YAML plain scalar, quoted if YAML would read it as something other than a string.
fn yaml_scalar(s: &str) -> String {
    const KEYWORDS: [&str; 10] = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    let starts_with_letter = s.starts_with(|c: char| c.is_ascii_alphabetic());
    if starts_with_letter && !KEYWORDS.contains(&s.to_ascii_lowercase().as_str()) {
        s.to_owned()
    } else {
        yaml_quote(s)
    }
}

/// `s` as a single-quoted YAML scalar.
fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars() {
        assert_eq!(yaml_scalar("alice"), "alice");
        assert_eq!(yaml_scalar("validator-0"), "validator-0");
        assert_eq!(yaml_scalar("123"), "'123'");
        assert_eq!(yaml_scalar("Yes"), "'Yes'");
        assert_eq!(yaml_scalar("_x"), "'_x'");
        assert_eq!(yaml_quote("it's"), "'it''s'");
    }
}
