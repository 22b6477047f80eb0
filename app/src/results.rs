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
            .map(|(key, value)| abci::EventAttribute { key, value, index: true })
            .collect(),
    }
}

struct Parts {
    code: u32,
    codespace: String,
    log: String,
    data: Vec<u8>,
}

fn parts(outcome: &mut TxOutcome) -> Parts {
    match std::mem::replace(&mut outcome.result, Ok(Vec::new())) {
        Ok(data) => Parts { code: 0, codespace: String::new(), log: String::new(), data },
        Err(e) => Parts { code: e.code, codespace: e.codespace.into_owned(), log: e.msg, data: Vec::new() },
    }
}

/// A FinalizeBlock tx result.
pub fn exec_tx(mut outcome: TxOutcome) -> abci::ExecTxResult {
    let p = parts(&mut outcome);
    abci::ExecTxResult {
        code: p.code,
        data: p.data.into(),
        log: p.log,
        info: String::new(),
        gas_wanted: outcome.gas_wanted as i64,
        gas_used: outcome.gas_used as i64,
        events: outcome.events.into_iter().map(event).collect(),
        codespace: p.codespace,
    }
}

/// A CheckTx response.
pub fn check_tx(mut outcome: TxOutcome) -> abci::ResponseCheckTx {
    let p = parts(&mut outcome);
    abci::ResponseCheckTx {
        code: p.code,
        data: p.data.into(),
        log: p.log,
        info: String::new(),
        gas_wanted: outcome.gas_wanted as i64,
        gas_used: outcome.gas_used as i64,
        events: outcome.events.into_iter().map(event).collect(),
        codespace: p.codespace,
    }
}
