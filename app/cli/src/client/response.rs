//! The SDK's `TxResponse`: what `tx ... ` broadcasts and `query tx` print; and the SDK's
//! JSON of the scalars query answers carry (times, `LegacyDec` bytes).

use agora_proto::tendermint::google::protobuf::Timestamp;
use anyhow::{anyhow, bail, Result};
use serde::Serialize;
use tendermint::abci;
use tendermint_rpc::endpoint::{broadcast, tx};

use agora_app::txjson::{dec_json, TxJson};

/// `cosmos.base.abci.v1beta1.TxResponse` in the SDK's JSON field order.
#[derive(Serialize)]
pub struct TxResponse {
    height: String,
    txhash: String,
    codespace: String,
    code: u32,
    data: String,
    raw_log: String,
    logs: Vec<serde_json::Value>,
    info: String,
    gas_wanted: String,
    gas_used: String,
    tx: Option<TxJson>,
    timestamp: String,
    events: Vec<EventJson>,
}

#[derive(Serialize)]
struct EventJson {
    #[serde(rename = "type")]
    kind: String,
    attributes: Vec<AttributeJson>,
}

#[derive(Serialize)]
struct AttributeJson {
    key: String,
    value: String,
    index: bool,
}

impl TxResponse {
    /// What `broadcast_tx_sync` answers: CheckTx's verdict, not yet in a block.
    pub fn from_sync(r: broadcast::tx_sync::Response) -> Self {
        Self::checked(r.hash, r.codespace, r.code, &r.data, r.log)
    }

    /// What `broadcast_tx_async` answers: only the hash.
    pub fn from_async(r: broadcast::tx_async::Response) -> Self {
        Self::checked(r.hash, r.codespace, r.code, &r.data, r.log)
    }

    fn checked(
        hash: tendermint::Hash,
        codespace: String,
        code: abci::Code,
        data: &[u8],
        log: String,
    ) -> Self {
        Self {
            height: "0".into(),
            txhash: hash.to_string(),
            codespace,
            code: code.value(),
            data: hex::encode_upper(data),
            raw_log: log,
            logs: vec![],
            info: String::new(),
            gas_wanted: "0".into(),
            gas_used: "0".into(),
            tx: None,
            timestamp: String::new(),
            events: vec![],
        }
    }

    /// A committed tx with its decoded body and its block's time.
    pub fn committed(r: tx::Response, tx: TxJson, time: tendermint::Time) -> Self {
        let result = r.tx_result;
        Self {
            height: r.height.to_string(),
            txhash: r.hash.to_string(),
            codespace: result.codespace,
            code: result.code.value(),
            data: hex::encode_upper(exec_data(&result.data)),
            raw_log: result.log,
            logs: vec![],
            info: result.info,
            gas_wanted: result.gas_wanted.to_string(),
            gas_used: result.gas_used.to_string(),
            tx: Some(tx),
            timestamp: rfc3339_seconds(time),
            events: result.events.iter().map(event_json).collect(),
        }
    }

    /// Errors if the tx failed, with its code, codespace and log (after it was printed).
    pub fn ensure_success(&self) -> Result<()> {
        if self.code != 0 {
            bail!(
                "tx {} failed with code {} (codespace {}): {}",
                self.txhash,
                self.code,
                self.codespace,
                self.raw_log
            );
        }
        Ok(())
    }
}

/// The bytes of `tx_result.data`. CometBFT sends them as base64, which tendermint-rpc
/// keeps as text; anything that is not base64 is taken as the bytes themselves.
fn exec_data(data: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    std::str::from_utf8(data)
        .ok()
        .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .unwrap_or_else(|| data.to_vec())
}

/// `2026-01-01T00:00:00Z`, as Go's `time.RFC3339` prints a UTC time.
fn rfc3339_seconds(time: tendermint::Time) -> String {
    let text = time.to_rfc3339();
    match text.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => text,
    }
}

fn event_json(e: &abci::Event) -> EventJson {
    EventJson {
        kind: e.kind.clone(),
        attributes: e
            .attributes
            .iter()
            .map(|a| AttributeJson {
                key: String::from_utf8_lossy(a.key_bytes()).into_owned(),
                value: String::from_utf8_lossy(a.value_bytes()).into_owned(),
                index: a.index(),
            })
            .collect(),
    }
}

/// A protobuf time in RFC 3339 (`1970-01-01T00:00:00Z`), as the SDK's JSON shows it.
pub fn time_json(t: Option<&Timestamp>) -> String {
    let t = t.cloned().unwrap_or_default();
    tendermint::Time::from_unix_timestamp(t.seconds, t.nanos.max(0) as u32)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// A `LegacyDec` that protobuf carries as bytes holding the ASCII of its 10^18-scaled integer
/// (`b"500000000000000000"`), as the SDK's JSON shows it (`"0.500000000000000000"`).
pub fn dec_bytes(bytes: &[u8]) -> Result<String> {
    let s = std::str::from_utf8(bytes).map_err(|_| anyhow!("the node answered a bad decimal"))?;
    dec_json(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_decimal_bytes_print_as_the_sdk_prints_them() {
        assert_eq!(time_json(None), "1970-01-01T00:00:00Z");
        let t = Timestamp {
            seconds: 253_402_300_799,
            nanos: 0,
        };
        assert_eq!(time_json(Some(&t)), "9999-12-31T23:59:59Z");
        assert_eq!(
            dec_bytes(b"500000000000000000").unwrap(),
            "0.500000000000000000"
        );
        assert_eq!(dec_bytes(b"0").unwrap(), "0.000000000000000000");
        assert!(dec_bytes(b"0.5").is_err());
        assert!(dec_bytes(&[0xff]).is_err());
    }
}
