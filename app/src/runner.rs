//! Running one tx: ante in its own cache, then the Msgs in a cache on top of it.

use agora_core::store::{CacheStore, Writes};
use agora_core::{
    Address, BlockInfo, Context, Dec, DecodedMsg, Error, Event, ExecMode, GasMeter, MsgRouter,
    Result, SdkCode,
};
use agora_proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmwasm_std::Storage;
use prost::Message;

use crate::ante::{self, AnteEnv};
use crate::modules::{distinct, ModuleSet};
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
    /// The gas a simulation may use (the node's `query-gas-limit`; unused by other modes).
    pub simulate_gas_limit: u64,
    /// The consensus `block.max_gas` when it limits a tx's gas, for the ante handler; `None`
    /// in FinalizeBlock, where ProcessProposal has refused blocks whose gas exceeds it.
    pub max_block_gas: Option<u64>,
}

/// A decoded tx with its Msgs decoded and checked once, and its signers derived from them;
/// shared by the block's signature pre-check, the ante handler and the Msg handlers.
pub struct PreparedTx {
    /// The decoded tx.
    pub tx: DecodedTx,
    /// The tx's Msgs, decoded and checked without state (empty if one failed: see `signers`).
    pub msgs: Vec<DecodedMsg>,
    /// The tx's signers, as the SDK's `GetSigners`: its Msgs' distinct signers in first-seen
    /// order, then the fee payer unless it is one of them; or why a Msg could not be decoded.
    pub signers: Result<Vec<Address>>,
}

impl PreparedTx {
    /// Decodes the Msgs of `tx` and derives its signers.
    pub fn new(modules: &ModuleSet, tx: DecodedTx) -> Self {
        let (msgs, signers) = match modules.decode_msgs(tx.msgs()) {
            Ok(msgs) => {
                let all = msgs
                    .iter()
                    .flat_map(|m| m.signers().iter().cloned())
                    .chain(tx.fee_payer.clone());
                let signers = distinct(all);
                (msgs, Ok(signers))
            }
            Err(e) => (Vec::new(), Err(e)),
        };
        Self { tx, msgs, signers }
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

/// Runs `tx` over `parent` (its Msgs too, except in CheckTx and ReCheckTx); returns its
/// outcome and the writes to keep: none if the ante failed, only the ante's (fee, sequence)
/// if a Msg failed, all of them on success.
pub fn run_tx(
    env: &TxEnv,
    block: &BlockInfo,
    mode: ExecMode,
    parent: &dyn Storage,
    prepared: &PreparedTx,
) -> (TxOutcome, Writes) {
    let tx = &prepared.tx;
    let gas = if mode == ExecMode::Simulate {
        GasMeter::new(env.simulate_gas_limit)
    } else {
        GasMeter::new(tx.gas_limit)
    };
    // Out of gas, the SDK reports all the gas consumed, which exceeds the limit.
    let finish = |result, events, gas: &GasMeter| TxOutcome {
        result,
        gas_wanted: tx.gas_limit,
        gas_used: gas.consumed(),
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
        keepers: env.modules.keepers(),
        chain_id: env.chain_id,
        min_gas_prices: env.min_gas_prices,
        verified: env.verified,
        max_block_gas: env.max_block_gas,
        genesis: false,
    };
    let mut ctx = Context::new(block, mode, &mut ante_cache, &gas);
    if let Err(e) = gas_checked(&gas, ante::run(&mut ctx, tx, signers, &ante_env)) {
        return (finish(Err(e), vec![], &gas), Writes::new());
    }
    let mut events = ctx.take_events();
    // As the SDK's baseapp: CheckTx and ReCheckTx run the ante handler only (fee, sequence,
    // signatures); the Msgs run when a block executes the tx.
    if matches!(mode, ExecMode::Check | ExecMode::ReCheck) {
        return (
            finish(Ok(Vec::new()), events, &gas),
            ante_cache.into_writes(),
        );
    }

    let mut msg_cache = CacheStore::new(&ante_cache);
    let mut ctx = Context::new(block, mode, &mut msg_cache, &gas).with_router(env.modules);
    let outcome = gas_checked(&gas, run_msgs(&mut ctx, env.modules, &prepared.msgs));
    match outcome {
        Ok((data, msg_events)) => {
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

/// `result`, unless the tx ran out of gas: then the out-of-gas error, since a store access past
/// the limit found nothing and may be what `result` failed on.
fn gas_checked<T>(gas: &GasMeter, result: Result<T>) -> Result<T> {
    match (result, gas.out_of_gas_error()) {
        (Err(e), _) if e.is(SdkCode::OutOfGas) => Err(e),
        (_, Some(out_of_gas)) => Err(out_of_gas),
        (result, None) => result,
    }
}

/// Runs the Msgs in order through the router; returns the encoded `TxMsgData` and the
/// events: per Msg, its `message` event then the handler's, all tagged with `msg_index`.
pub(crate) fn run_msgs(
    ctx: &mut Context,
    modules: &ModuleSet,
    msgs: &[DecodedMsg],
) -> Result<(Vec<u8>, Vec<Event>)> {
    let mut responses = Vec::with_capacity(msgs.len());
    let mut events = Vec::new();
    for (index, msg) in msgs.iter().enumerate() {
        let response = modules.dispatch(ctx, msg).map_err(|e| Error {
            msg: format!(
                "failed to execute message; message index: {index}: {}",
                e.msg
            ),
            ..e
        })?;
        let index = index.to_string();
        let mut message = Event::new("message").attr("action", msg.type_url());
        if let Some(sender) = msg.signers().first() {
            message = message.attr("sender", sender.to_string());
        }
        let module = modules.for_msg(msg.type_url())?.name();
        events.push(
            message
                .attr("module", module)
                .attr("msg_index", index.clone()),
        );
        events.extend(
            ctx.take_events()
                .into_iter()
                .map(|e| e.attr("msg_index", index.clone())),
        );
        responses.push(response);
    }
    #[allow(deprecated)]
    let data = TxMsgData {
        data: vec![],
        msg_responses: responses,
    }
    .encode_to_vec();
    Ok((data, events))
}
