//! Turning tx outcomes and events into their ABCI shapes.

use agora_core::Event;
use tendermint_proto::v0_38::abci;

use crate::runner::TxOutcome;

/// An event as ABCI carries it (every attribute indexed, as the SDK does by default).
pub fn event(e: Event) -> abci::Event {
    abci::Event {
        r#type: e.kind,
        attributes: e
            .attributes
            .into_iter()
            .map(|(key, value)| abci::EventAttribute {
                key,
                value,
                index: true,
            })
            .collect(),
    }
}

/// A FinalizeBlock tx result.
pub fn exec_tx(outcome: TxOutcome) -> abci::ExecTxResult {
    let (code, codespace, log, data) = match outcome.result {
        Ok(data) => (0, String::new(), String::new(), data),
        Err(e) => (e.code, e.codespace.into_owned(), e.msg, Vec::new()),
    };
    abci::ExecTxResult {
        code,
        data: data.into(),
        log,
        info: String::new(),
        gas_wanted: outcome.gas_wanted as i64,
        gas_used: outcome.gas_used as i64,
        events: outcome.events.into_iter().map(event).collect(),
        codespace,
    }
}

/// A CheckTx response: the same fields as a FinalizeBlock result, but no data. The SDK's
/// CheckTx runs no Msg, so its data is the empty `TxMsgData`: nothing. RPC clients rely on
/// it: `broadcast_tx_sync` shows the data in hex (CometBFT's HexBytes) and cosmjs decodes
/// it as base64, which fails on most non-empty data.
pub fn check_tx(outcome: TxOutcome) -> abci::ResponseCheckTx {
    let r = exec_tx(outcome);
    abci::ResponseCheckTx {
        code: r.code,
        data: Default::default(),
        log: r.log,
        info: r.info,
        gas_wanted: r.gas_wanted,
        gas_used: r.gas_used,
        events: r.events,
        codespace: r.codespace,
    }
}
