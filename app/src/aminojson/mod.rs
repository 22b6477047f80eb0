//! SIGN_MODE_LEGACY_AMINO_JSON (what Keplr, Ledger and cosmjs' amino signers sign): the Cosmos
//! SDK v0.50 `x/tx/signing/aminojson` encoder, driven by the message descriptors of
//! [`agora_proto::descriptors`] and their `amino.*` and `cosmos_proto.scalar` options, and the
//! sign doc its sign mode handler builds. Deterministic: the output depends on the bytes and
//! descriptors only.
//!
//! One departure from v0.50.9: a `cosmos.Dec` held as a string is printed as a decimal
//! (`"0.100000000000000000"`, as legacy amino, cosmjs, Keplr and later x/tx releases do) rather
//! than as its 18-decimal integer wire form, which no wallet signs (cosmos-sdk#18546).

mod encoder;
mod options;
mod scalars;
mod time;

#[cfg(test)]
mod tests;

use agora_proto::cosmos::tx::v1beta1::{Fee, TxBody};
use agora_proto::prost_reflect::DynamicMessage;
use anyhow::{anyhow, bail, Result};
use prost::Message as _;
use std::fmt::Write as _;

/// Who signs, besides the tx: the fields of the sign doc that are not in the tx.
#[derive(Debug, Clone, Copy)]
pub struct SignerData<'a> {
    /// The chain id.
    pub chain_id: &'a str,
    /// The signer's account number (0 for gentxs).
    pub account_number: u64,
    /// The signer's sequence.
    pub sequence: u64,
}

/// The SIGN_MODE_LEGACY_AMINO_JSON sign bytes of a tx with `body` and `fee`: the SDK's
/// `AminoSignDoc` (`account_number`, `chain_id`, `fee` {`amount`, `gas`, `granter`, `payer`},
/// `memo`, `msgs`, `sequence`, `timeout_height`), compact, keys sorted, empty `timeout_height`,
/// `payer` and `granter` left out.
pub fn sign_bytes(body: &TxBody, fee: &Fee, signer: &SignerData) -> Result<Vec<u8>> {
    if !body.extension_options.is_empty() || !body.non_critical_extension_options.is_empty() {
        bail!("SIGN_MODE_LEGACY_AMINO_JSON does not support protobuf extension options: invalid request");
    }
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        r#"{{"account_number":"{}","chain_id":"#,
        signer.account_number
    );
    scalars::write_string(&mut out, signer.chain_id);
    out.push_str(r#","fee":{"amount":["#);
    let coin_desc = options::pool()
        .get_message_by_name("cosmos.base.v1beta1.Coin")
        .ok_or_else(|| anyhow!("the descriptor pool lacks cosmos.base.v1beta1.Coin"))?;
    for (i, coin) in fee.amount.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let coin = DynamicMessage::decode(coin_desc.clone(), coin.encode_to_vec().as_slice())?;
        encoder::write_message(&mut out, &coin)?;
    }
    let _ = write!(out, r#"],"gas":"{}""#, fee.gas_limit);
    for (name, value) in [("granter", &fee.granter), ("payer", &fee.payer)] {
        if !value.is_empty() {
            let _ = write!(out, r#","{name}":"#);
            scalars::write_string(&mut out, value);
        }
    }
    out.push_str(r#"},"memo":"#);
    scalars::write_string(&mut out, &body.memo);
    out.push_str(r#","msgs":"#);
    if body.messages.is_empty() {
        out.push_str("null");
    } else {
        out.push('[');
        for (i, msg) in body.messages.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            encoder::write_any(&mut out, &msg.type_url, &msg.value)?;
        }
        out.push(']');
    }
    let _ = write!(out, r#","sequence":"{}""#, signer.sequence);
    if body.timeout_height != 0 {
        let _ = write!(out, r#","timeout_height":"{}""#, body.timeout_height);
    }
    out.push('}');
    Ok(out.into_bytes())
}
