//! Running one tx: ante in its own cache, then the Msgs in a cache on top of it.

use agora_core::store::{CacheStore, Writes};
use agora_core::{
    Address, BlockInfo, Context, Dec, Error, Event, ExecMode, GasMeter, Result, SdkCode,
};
use agora_proto::cosmos::base::abci::v1beta1::TxMsgData;
use agora_proto::Any;
use cosmwasm_std::Storage;
use prost::Message;

use crate::ante::{self, AnteEnv};
use crate::modules::ModuleSet;
use crate::sigverify::VerifiedSignatures;
use crate::tx::DecodedTx;

/// What a tx needs besides its bytes and state.
pub struct TxEnv<'a> {
    /// Msg routing.
    pub modules: &'a ModuleSet,
    /// The chain id.
    pub chain_id: &'a str,
    /// This node's minimum gas prices.
    pub min_gas_prices: &'a [(Dec, String)],
    /// Signatures verified ahead of execution.
    pub verified: &'a VerifiedSignatures,
}

/// A decoded tx with its Msgs' signers derived once (which decodes every Msg), shared by the
/// block's signature pre-check and the ante handler.
pub struct PreparedTx {
    /// The decoded tx.
    pub tx: DecodedTx,
    /// The distinct signers of its Msgs, or why they could not be derived.
    pub signers: Result<Vec<Address>>,
}

impl PreparedTx {
    /// Derives the signers of `tx`'s Msgs.
    pub fn new(modules: &ModuleSet, tx: DecodedTx) -> Self {
        let signers = modules.signers(tx.msgs());
        Self { tx, signers }
    }
}

/// The result of one tx, as FinalizeBlock and CheckTx report it.
#[derive(Debug, Clone)]
pub struct TxOutcome {
    /// The encoded `TxMsgData` on success, or the error.
    pub result: Result<Vec<u8>>,
    /// The gas limit the tx asked for.
    pub gas_wanted: u64,
    /// The gas it used (including ante).
    pub gas_used: u64,
    /// Events of the writes that were kept.
    pub events: Vec<Event>,
}

impl TxOutcome {
    /// The outcome of a tx rejected before it ran (undecodable).
    pub fn rejected(err: Error) -> Self {
        Self {
            result: Err(err),
            gas_wanted: 0,
            gas_used: 0,
            events: Vec::new(),
        }
    }
}

/// Runs `tx` over `parent`; returns its outcome and the writes to keep: none if the ante
/// failed, only the ante's (fee, sequence) if a Msg failed, all of them on success.
pub fn run_tx(
    env: &TxEnv,
    block: &BlockInfo,
    mode: ExecMode,
    parent: &dyn Storage,
    prepared: &PreparedTx,
) -> (TxOutcome, Writes) {
    let tx = &prepared.tx;
    let gas = if mode == ExecMode::Simulate {
        GasMeter::infinite()
    } else {
        GasMeter::new(tx.gas_limit)
    };
    let finish = |result, events, gas: &GasMeter| TxOutcome {
        result,
        gas_wanted: tx.gas_limit,
        gas_used: gas.consumed().min(gas.limit()),
        events,
    };

    let signers = match &prepared.signers {
        Ok(signers) if !signers.is_empty() => signers.as_slice(),
        Ok(_) => {
            return (
                finish(
                    Err(Error::sdk(SdkCode::NoSignatures, "tx has no signers")),
                    vec![],
                    &gas,
                ),
                Writes::new(),
            )
        }
        Err(e) => return (finish(Err(e.clone()), vec![], &gas), Writes::new()),
    };

    let mut ante_cache = CacheStore::new(parent);
    let ante_env = AnteEnv {
        chain_id: env.chain_id,
        min_gas_prices: env.min_gas_prices,
        verified: env.verified,
    };
    let mut ctx = Context::new(block, mode, &mut ante_cache, &gas);
    if let Err(e) =
        ante::run(&mut ctx, tx, signers, &ante_env).and_then(|()| out_of_gas_check(&gas))
    {
        return (finish(Err(e), vec![], &gas), Writes::new());
    }
    let mut events = ctx.take_events();

    let mut msg_cache = CacheStore::new(&ante_cache);
    let mut ctx = Context::new(block, mode, &mut msg_cache, &gas);
    let outcome = run_msgs(&mut ctx, env.modules, tx, &signers[0]).and_then(|data| {
        out_of_gas_check(&gas)?;
        Ok(data)
    });
    let msg_events = ctx.take_events();
    match outcome {
        Ok(data) => {
            events.extend(msg_events);
            let writes = msg_cache.into_writes();
            ante_cache.apply(writes);
            (finish(Ok(data), events, &gas), ante_cache.into_writes())
        }
        Err(e) => {
            drop(msg_cache);
            (finish(Err(e), events, &gas), ante_cache.into_writes())
        }
    }
}

fn out_of_gas_check(gas: &GasMeter) -> Result<()> {
    if gas.is_out_of_gas() {
        return Err(Error::sdk(
            SdkCode::OutOfGas,
            format!(
                "out of gas; gasWanted: {}, gasUsed: {}",
                gas.limit(),
                gas.consumed()
            ),
        ));
    }
    Ok(())
}

fn run_msgs(
    ctx: &mut Context,
    modules: &ModuleSet,
    tx: &DecodedTx,
    first_signer: &agora_core::Address,
) -> Result<Vec<u8>> {
    let mut responses = Vec::with_capacity(tx.msgs().len());
    for (index, msg) in tx.msgs().iter().enumerate() {
        let module = modules.for_msg(&msg.type_url)?;
        let before = ctx.events().len();
        let response = module.handle_msg(ctx, msg).map_err(|e| Error {
            msg: format!(
                "failed to execute message; message index: {index}: {}",
                e.msg
            ),
            ..e
        })?;
        let mut emitted = ctx.take_events();
        let handler_events = emitted.split_off(before);
        emitted.push(
            Event::new("message")
                .attr("action", msg.type_url.clone())
                .attr("sender", first_signer.to_string())
                .attr("module", module.name())
                .attr("msg_index", index.to_string()),
        );
        emitted.extend(
            handler_events
                .into_iter()
                .map(|e| e.attr("msg_index", index.to_string())),
        );
        for e in emitted {
            ctx.emit(e);
        }
        responses.push(Any {
            type_url: response_type_url(&msg.type_url),
            value: response,
        });
    }
    #[allow(deprecated)]
    Ok(TxMsgData {
        data: vec![],
        msg_responses: responses,
    }
    .encode_to_vec())
}

/// `/cosmos.bank.v1beta1.MsgSend` -> `/cosmos.bank.v1beta1.MsgSendResponse`.
fn response_type_url(msg_url: &str) -> String {
    format!("{msg_url}Response")
}
