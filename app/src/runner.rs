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

/// A decoded tx with its signers derived once (which decodes every Msg), shared by the
/// block's signature pre-check and the ante handler.
pub struct PreparedTx {
    /// The decoded tx.
    pub tx: DecodedTx,
    /// The tx's signers, as the SDK's `GetSigners`: its Msgs' distinct signers in first-seen
    /// order, then the fee payer unless it is one of them; or why they could not be derived.
    pub signers: Result<Vec<Address>>,
    /// Each Msg's first signer: the `sender` of its `message` event.
    pub senders: Vec<Option<Address>>,
}

impl PreparedTx {
    /// Derives the signers of `tx`.
    pub fn new(modules: &ModuleSet, tx: DecodedTx) -> Self {
        let (signers, senders) = match modules.msg_signers(tx.msgs()) {
            Ok(per_msg) => {
                let senders = per_msg.iter().map(|s| s.first().cloned()).collect();
                let all = per_msg.into_iter().flatten().chain(tx.fee_payer.clone());
                (Ok(distinct(all)), senders)
            }
            Err(e) => (Err(e), Vec::new()),
        };
        Self {
            tx,
            signers,
            senders,
        }
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
        chain_id: env.chain_id,
        min_gas_prices: env.min_gas_prices,
        verified: env.verified,
        max_block_gas: env.max_block_gas,
    };
    let mut ctx = Context::new(block, mode, &mut ante_cache, &gas);
    if let Err(e) = gas_checked(&gas, ante::run(&mut ctx, tx, signers, &ante_env)) {
        return (finish(Err(e), vec![], &gas), Writes::new());
    }
    let mut events = ctx.take_events();

    let mut msg_cache = CacheStore::new(&ante_cache);
    let mut ctx = Context::new(block, mode, &mut msg_cache, &gas);
    let outcome = gas_checked(&gas, run_msgs(&mut ctx, env.modules, tx, &prepared.senders));
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

/// Runs the Msgs in order; returns the encoded `TxMsgData` and the events: per Msg, its
/// `message` event then the handler's, all tagged with `msg_index`.
fn run_msgs(
    ctx: &mut Context,
    modules: &ModuleSet,
    tx: &DecodedTx,
    senders: &[Option<Address>],
) -> Result<(Vec<u8>, Vec<Event>)> {
    let mut responses = Vec::with_capacity(tx.msgs().len());
    let mut events = Vec::new();
    for (index, (msg, sender)) in tx.msgs().iter().zip(senders).enumerate() {
        let module = modules.for_msg(&msg.type_url)?;
        let response = module.handle_msg(ctx, msg).map_err(|e| Error {
            msg: format!(
                "failed to execute message; message index: {index}: {}",
                e.msg
            ),
            ..e
        })?;
        let index = index.to_string();
        let mut message = Event::new("message").attr("action", msg.type_url.clone());
        if let Some(sender) = sender {
            message = message.attr("sender", sender.to_string());
        }
        events.push(
            message
                .attr("module", module.name())
                .attr("msg_index", index.clone()),
        );
        events.extend(
            ctx.take_events()
                .into_iter()
                .map(|e| e.attr("msg_index", index.clone())),
        );
        responses.push(Any {
            type_url: response_type_url(&msg.type_url),
            value: response,
        });
    }
    #[allow(deprecated)]
    let data = TxMsgData {
        data: vec![],
        msg_responses: responses,
    }
    .encode_to_vec();
    Ok((data, events))
}

/// `/cosmos.bank.v1beta1.MsgSend` -> `/cosmos.bank.v1beta1.MsgSendResponse`.
fn response_type_url(msg_url: &str) -> String {
    format!("{msg_url}Response")
}
