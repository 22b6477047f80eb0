//! Delivering a genesis tx at InitChain (what the module set offers genutil through the Msg
//! router): the tx JSON `collect-gentxs` wrote, encoded as the tx it is, run through the ante
//! handler with the SDK's genesis rule (signatures over account number 0) and then its Msgs.

use agora_core::{Context, Error, Result, SdkCode};

use crate::ante::{self, AnteEnv};
use crate::modules::ModuleSet;
use crate::runner::{run_msgs, PreparedTx};
use crate::sigverify::VerifiedSignatures;
use crate::tx::DecodedTx;
use crate::txjson;

/// Runs `tx` (SDK tx JSON) in a branch of `ctx`, kept only if the ante handler and every Msg
/// pass, charging the genesis context's (unlimited) gas meter, as the SDK's `DeliverGenTxs`.
pub(crate) fn deliver(
    modules: &ModuleSet,
    ctx: &mut Context,
    tx: &serde_json::Value,
) -> Result<()> {
    let decoded = txjson::from_json(tx)
        .map_err(|e| Error::sdk(SdkCode::TxDecode, format!("{e:#}")))
        .and_then(|tx| DecodedTx::decode(&txjson::encode(&tx)))?;
    let prepared = PreparedTx::new(modules, decoded);
    let signers = prepared.signers.clone()?;
    let verified = VerifiedSignatures::default();
    let env = AnteEnv {
        keepers: modules.keepers(),
        chain_id: &ctx.block.chain_id.clone(),
        min_gas_prices: &[],
        verified: &verified,
        max_block_gas: None,
        genesis: true,
    };
    ctx.branch(|ctx| {
        ante::run(ctx, &prepared.tx, &signers, &env)?;
        run_msgs(ctx, modules, &prepared.msgs).map(|_| ())
    })
}
