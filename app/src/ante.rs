//! The ante handler: the checks and charges every tx passes before its Msgs run, in the
//! Cosmos SDK's order.

use agora_auth::FEE_COLLECTOR;
use agora_core::{
    Address, Coin, Coins, Context, Dec, Error, Event, ExecMode, Result, SdkCode, BOND_DENOM,
};
use base64::Engine;

use crate::modules::Keepers;
use crate::sigverify::{pubkey_address, VerifiedSignatures};
use crate::tx::{DecodedTx, TxSignMode};

/// What the ante handler needs besides state.
pub struct AnteEnv<'a> {
    /// The keepers of the accounts and fees the ante handler reads and charges.
    pub keepers: &'a Keepers,
    /// The chain id signatures must commit to.
    pub chain_id: &'a str,
    /// This node's minimum gas prices (checked in CheckTx only).
    pub min_gas_prices: &'a [(Dec, String)],
    /// Signatures already verified for this block.
    pub verified: &'a VerifiedSignatures,
    /// The consensus `block.max_gas`, when it limits a tx's gas (`None` where the block's
    /// limits are already enforced, as in FinalizeBlock).
    pub max_block_gas: Option<u64>,
    /// A gentx at InitChain: signatures are over account number 0, as the SDK signs them.
    pub genesis: bool,
}

/// The SDK's `MaxGasWanted`: gas limits above it are refused.
const MAX_GAS_WANTED: u64 = (1 << 63) - 1;

/// Runs the ante steps; on error the caller drops every write they made.
pub fn run(ctx: &mut Context, tx: &DecodedTx, signers: &[Address], env: &AnteEnv) -> Result<()> {
    if let Some(max) = env.max_block_gas.filter(|&max| tx.gas_limit > max) {
        return Err(Error::sdk(
            SdkCode::InvalidGasLimit,
            format!("tx gas limit {} exceeds block max gas {max}", tx.gas_limit),
        ));
    }
    let params = env.keepers.auth.params(ctx)?;
    validate_basic(tx, signers)?;
    if tx.body.timeout_height > 0 && ctx.block.height > tx.body.timeout_height {
        return Err(Error::sdk(
            SdkCode::TxTimeoutHeight,
            format!(
                "block height: {}, timeout height: {}",
                ctx.block.height, tx.body.timeout_height
            ),
        ));
    }
    // the SDK measures the memo in bytes (Go's len), whatever its name says
    let memo_bytes = tx.body.memo.len() as u64;
    if memo_bytes > params.max_memo_characters {
        return Err(Error::sdk(
            SdkCode::MemoTooLarge,
            format!(
                "maximum number of characters is {} but received {memo_bytes} characters",
                params.max_memo_characters
            ),
        ));
    }
    ctx.consume_gas(
        params
            .tx_size_cost_per_byte
            .saturating_mul(tx.len as u64 + simulated_bytes(ctx, tx)),
        "txSize",
    )?;
    let fee = fee_coins(tx)?;
    if ctx.is_check() {
        check_min_gas_price(tx, &fee, env.min_gas_prices)?;
    }
    deduct_fee(ctx, env.keepers, tx, &fee, signers)?;
    set_pub_keys(ctx, env.keepers, tx, signers)?;
    if signers.len() as u64 > params.tx_sig_limit {
        return Err(Error::sdk(
            SdkCode::TooManySignatures,
            format!(
                "signatures: {}, limit: {}",
                signers.len(),
                params.tx_sig_limit
            ),
        ));
    }
    for _ in signers {
        ctx.consume_gas(params.sig_verify_cost_secp256k1, "ante verify: secp256k1")?;
    }
    verify_and_increment(ctx, tx, signers, env)
}

/// Bytes a simulated tx lacks: clients simulate with empty signatures, so count a 64-byte
/// secp256k1 signature for each (as the SDK does) plus a fee of one coin.
fn simulated_bytes(ctx: &Context, tx: &DecodedTx) -> u64 {
    if ctx.mode != ExecMode::Simulate {
        return 0;
    }
    let missing_signatures = tx.signatures.iter().filter(|s| s.is_empty()).count() as u64;
    let missing_fee = if tx.fee.is_empty() { 16 } else { 0 };
    missing_signatures * 64 + missing_fee
}

/// The SDK's `ValidateBasic`: one signature per signer info and per signer (the fee payer
/// included), a gas limit within `MaxGasWanted`.
fn validate_basic(tx: &DecodedTx, signers: &[Address]) -> Result<()> {
    if tx.gas_limit > MAX_GAS_WANTED {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            format!("invalid gas supplied; {} > {MAX_GAS_WANTED}", tx.gas_limit),
        ));
    }
    if tx.signatures.is_empty() {
        return Err(Error::sdk(SdkCode::NoSignatures, "tx has no signatures"));
    }
    for expected in [tx.signers.len(), signers.len()] {
        if tx.signatures.len() != expected {
            return Err(Error::sdk(
                SdkCode::Unauthorized,
                format!(
                    "wrong number of signers; expected {expected}, got {}",
                    tx.signatures.len()
                ),
            ));
        }
    }
    Ok(())
}

/// The fee as a coin set, as `DeductFees` requires it: nothing to deduct when every amount is
/// zero, else the coins must be canonical (sorted by denom, no repeats, positive, valid denoms).
fn fee_coins(tx: &DecodedTx) -> Result<Coins> {
    if tx.fee.iter().all(|c| c.amount == 0) {
        return Ok(Coins::empty());
    }
    Coins::from_canonical(tx.fee.clone()).map_err(|_| {
        Error::sdk(
            SdkCode::InsufficientFee,
            format!("invalid fee amount: {}", show_coins(&tx.fee)),
        )
    })
}

/// Coins as the SDK prints them: `5uagr,7ustake`, in the order given.
fn show_coins(coins: &[Coin]) -> String {
    coins
        .iter()
        .map(Coin::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The fee a tx must pay at `prices` for its gas limit: any one denom covering its price suffices.
fn check_min_gas_price(tx: &DecodedTx, fee: &Coins, prices: &[(Dec, String)]) -> Result<()> {
    if prices.iter().all(|(p, _)| p.is_zero()) {
        return Ok(());
    }
    let mut required = Vec::new();
    for (price, denom) in prices {
        let amount = price.mul_ceil(tx.gas_limit as u128)?;
        if fee.amount_of(denom) >= amount {
            return Ok(());
        }
        required.push(format!("{amount}{denom}"));
    }
    Err(Error::sdk(
        SdkCode::InsufficientFee,
        format!(
            "insufficient fees; got: {} required: {}",
            show_coins(&tx.fee),
            required.join(",")
        ),
    ))
}

/// Moves the fee from the fee payer (a signer: the explicit payer, else the first signer).
fn deduct_fee(
    ctx: &mut Context,
    keepers: &Keepers,
    tx: &DecodedTx,
    fee: &Coins,
    signers: &[Address],
) -> Result<()> {
    let payer = tx.fee_payer.as_ref().unwrap_or(&signers[0]);
    if !keepers.auth.has_account(ctx, payer)? {
        return Err(Error::sdk(
            SdkCode::UnknownAddress,
            format!("fee payer address: {payer} does not exist"),
        ));
    }
    if fee.is_empty() && ctx.mode == ExecMode::Simulate {
        // Wallets (cosmjs, Keplr) simulate with no fee; charge what moving one will cost so the
        // estimate covers the real tx. Simulate's writes are discarded, and so is this result.
        let probe = Coin::new(1, BOND_DENOM).into();
        let _ = keepers
            .bank
            .send_coins_from_account_to_module(ctx, payer, FEE_COLLECTOR, &probe);
    }
    if !fee.is_empty() {
        keepers
            .bank
            .send_coins_from_account_to_module(ctx, payer, FEE_COLLECTOR, fee)
            .map_err(|e| {
                if e.is(SdkCode::InsufficientFunds) {
                    Error::sdk(
                        SdkCode::InsufficientFunds,
                        format!("failed to deduct fees: {}", e.msg),
                    )
                } else {
                    e
                }
            })?;
    }
    ctx.emit(
        Event::new("tx")
            .attr("fee", show_coins(&tx.fee))
            .attr("fee_payer", payer.to_string()),
    );
    Ok(())
}

fn set_pub_keys(
    ctx: &mut Context,
    keepers: &Keepers,
    tx: &DecodedTx,
    signers: &[Address],
) -> Result<()> {
    for (i, (addr, info)) in signers.iter().zip(&tx.signers).enumerate() {
        let mut account = keepers.auth.account(ctx, addr)?.ok_or_else(|| {
            Error::sdk(
                SdkCode::UnknownAddress,
                format!("account {addr} not found: has it received funds yet?"),
            )
        })?;
        if let Some(key) = &info.pub_key {
            if pubkey_address(key) != addr.as_bytes() {
                return Err(Error::sdk(
                    SdkCode::InvalidPubKey,
                    format!("pubKey does not match signer address {addr} with signer index: {i}"),
                ));
            }
            if account.pub_key.is_none() {
                account.pub_key = Some(key.clone());
                keepers.auth.set_account(ctx, &account)?;
            }
        } else if account.pub_key.is_none() && ctx.mode != ExecMode::Simulate {
            return Err(Error::sdk(
                SdkCode::InvalidPubKey,
                format!("account {addr} has no public key yet: its first tx must carry it in signer_infos"),
            ));
        }
    }
    Ok(())
}

fn verify_and_increment(
    ctx: &mut Context,
    tx: &DecodedTx,
    signers: &[Address],
    env: &AnteEnv,
) -> Result<()> {
    let b64 = base64::engine::general_purpose::STANDARD;
    for ((addr, info), signature) in signers.iter().zip(&tx.signers).zip(&tx.signatures) {
        let mut account = env
            .keepers
            .auth
            .account(ctx, addr)?
            .ok_or_else(|| Error::internal("signer vanished"))?;
        // Simulations read the last committed state, which lacks the sender's txs still in the
        // mempool, so a sequence ahead of the committed one is a client chaining txs (the SDK
        // simulates over its mempool state and would expect exactly that sequence).
        let sequence_ok = match ctx.mode {
            ExecMode::Simulate => info.sequence >= account.sequence,
            _ => info.sequence == account.sequence,
        };
        if !sequence_ok {
            return Err(Error::sdk(
                SdkCode::WrongSequence,
                format!(
                    "account sequence mismatch, expected {}, got {}",
                    account.sequence, info.sequence
                ),
            ));
        }
        // Simulations carry no signatures; a ReCheck verified them when the tx entered the
        // mempool and the signed bytes cannot have changed since (as the SDK skips them).
        if !matches!(ctx.mode, ExecMode::Simulate | ExecMode::ReCheck) {
            let key = account
                .pub_key
                .as_deref()
                .ok_or_else(|| Error::internal("public key set above"))?;
            let account_number = if env.genesis {
                0
            } else {
                account.account_number
            };
            // as the SDK, the amino sign doc handler's errors fail the signature
            let (sign_bytes, refused) = match tx.signed_bytes(info, env.chain_id, account_number) {
                Some(Ok(bytes)) => (bytes, None),
                Some(Err(e)) => (Vec::new(), Some(e.to_string())),
                None => {
                    return Err(Error::sdk(
                        SdkCode::NotSupported,
                        "sign mode 0 is not supported; sign with SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON",
                    ))
                }
            };
            if refused.is_some() || !env.verified.check(key, &sign_bytes, signature) {
                // as the SDK: with amino-JSON signers the sequence is a likely cause too
                let mut msg = match info.mode {
                    TxSignMode::LegacyAminoJson => format!(
                        "signature verification failed; please verify account number ({}), sequence ({}) and chain-id ({})",
                        account_number, account.sequence, env.chain_id
                    ),
                    _ => format!(
                        "signature verification failed; please verify account number ({}) and chain-id ({})",
                        account_number, env.chain_id
                    ),
                };
                if let Some(reason) = refused {
                    msg.push_str(&format!(" (cannot build the amino sign doc: {reason})"));
                }
                return Err(Error::sdk(SdkCode::Unauthorized, msg));
            }
        }
        account.sequence += 1;
        env.keepers.auth.set_account(ctx, &account)?;
        ctx.emit(Event::new("tx").attr("acc_seq", format!("{addr}/{}", info.sequence)));
        ctx.emit(Event::new("tx").attr("signature", b64.encode(signature)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use agora_proto::cosmos::tx::signing::v1beta1::SignMode;
    use agora_proto::cosmos::tx::v1beta1::{TxBody, TxRaw};
    use prost::Message;
    use tendermint_proto::v0_38::abci::{CheckTxType, ExecTxResult, RequestCheckTx};

    use crate::testing::{
        bank_send, finalize_request, funded_app_state, init_chain_request, Signer, TestKey, TxSpec,
    };
    use crate::{App, AppConfig};

    const CHAIN_ID: &str = "agora-amino-1";

    /// An app past its first block whose genesis funds two keys (account numbers 0 and 1).
    fn chain() -> (App, Vec<TestKey>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
        let keys: Vec<TestKey> = (0..2).map(TestKey::from_seed).collect();
        let app_state = funded_app_state(&keys, 1_000_000_000);
        app.init_chain(init_chain_request(CHAIN_ID, &app_state))
            .unwrap();
        block(&mut app, 1, vec![]);
        (app, keys, dir)
    }

    fn block(app: &mut App, height: u64, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        let res = app.finalize_block(finalize_request(height, txs)).unwrap();
        app.commit().unwrap();
        res.tx_results
    }

    fn send<'a>(keys: &'a [TestKey], sequence: u64, memo: &str) -> TxSpec<'a> {
        let signer = Signer {
            key: &keys[0],
            account_number: 0,
            sequence,
        };
        let msgs = vec![bank_send(&keys[0].address, &keys[1].address, 1_000)];
        let mut spec = TxSpec::new(CHAIN_ID, msgs, signer);
        spec.fee = vec![("uagr", 5_000)];
        spec.memo = memo.into();
        spec
    }

    fn check(app: &App, tx: &[u8]) -> (u32, String) {
        let res = app.check_tx(RequestCheckTx {
            tx: tx.to_vec().into(),
            r#type: CheckTxType::New as i32,
        });
        (res.code, res.log)
    }

    #[test]
    fn amino_json_signatures_are_verified() {
        let (mut app, keys, _dir) = chain();
        // accepted by CheckTx and in a block, twice (the sign doc carries the sequence)
        let first = send(&keys, 0, "a & <b>").sign_with(SignMode::LegacyAminoJson);
        assert_eq!(check(&app, &first).0, 0, "{}", check(&app, &first).1);
        let second = send(&keys, 1, "").sign_with(SignMode::LegacyAminoJson);
        let results = block(&mut app, 2, vec![first, second]);
        assert_eq!(
            results.iter().map(|r| r.code).collect::<Vec<_>>(),
            [0, 0],
            "{results:?}"
        );

        // the memo changed after signing
        let signed = send(&keys, 2, "pay alice").sign_with(SignMode::LegacyAminoJson);
        let mut raw = TxRaw::decode(signed.as_slice()).unwrap();
        let mut body = TxBody::decode(raw.body_bytes.as_slice()).unwrap();
        body.memo = "pay mallory".into();
        raw.body_bytes = body.encode_to_vec();
        let tampered = raw.encode_to_vec();
        let expected = format!(
            "signature verification failed; please verify account number (0), sequence (2) and chain-id ({CHAIN_ID}): unauthorized"
        );
        assert_eq!(check(&app, &tampered), (4, expected.clone()));
        let results = block(&mut app, 3, vec![tampered]);
        assert_eq!(
            (results[0].code, results[0].log.as_str()),
            (4, expected.as_str())
        );

        // a SIGN_MODE_DIRECT signature of the very bytes, declared as amino JSON
        let spec = send(&keys, 2, "");
        let direct = spec.sign_parts(
            spec.body().encode_to_vec(),
            spec.auth_info_with(SignMode::LegacyAminoJson)
                .encode_to_vec(),
        );
        assert_eq!(check(&app, &direct).0, 4);
        // and an amino signature declared as direct
        let amino = TxRaw::decode(spec.sign_with(SignMode::LegacyAminoJson).as_slice()).unwrap();
        let mut as_direct = TxRaw::decode(spec.sign().as_slice()).unwrap();
        as_direct.signatures = amino.signatures;
        assert_eq!(check(&app, &as_direct.encode_to_vec()).0, 4);
        // the untampered tx at that sequence still lands
        let results = block(&mut app, 4, vec![spec.sign_with(SignMode::LegacyAminoJson)]);
        assert_eq!(results[0].code, 0, "{}", results[0].log);
    }

    #[test]
    fn amino_json_signatures_are_verified_before_the_ante_handler() {
        let (app, keys, _dir) = chain();
        let queries = app.queries();
        let passed = |tx: &[u8]| queries.prepare(tx).verified.passed();
        assert_eq!(passed(&send(&keys, 0, "").sign()), 1);
        assert_eq!(
            passed(&send(&keys, 0, "").sign_with(SignMode::LegacyAminoJson)),
            1
        );
        // an amino signature of another memo is left to the ante handler, which refuses it
        let signed = send(&keys, 0, "pay alice").sign_with(SignMode::LegacyAminoJson);
        let mut raw = TxRaw::decode(signed.as_slice()).unwrap();
        raw.body_bytes = send(&keys, 0, "pay mallory").body().encode_to_vec();
        assert_eq!(passed(&raw.encode_to_vec()), 0);
    }

    #[test]
    fn other_sign_modes_are_not_supported() {
        let (app, keys, _dir) = chain();
        for mode in [SignMode::Textual, SignMode::DirectAux] {
            let (code, log) = check(&app, &send(&keys, 0, "").sign_with(mode));
            assert_eq!(code, 37, "{log}");
            assert!(
                log.contains("sign with SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON"),
                "{log}"
            );
        }
    }
}
