//! The ante handler: the checks and charges every tx passes before its Msgs run, in the
//! Cosmos SDK's order.

use agora_auth::{keeper as auth, FEE_COLLECTOR};
use agora_bank::keeper as bank;
use agora_core::{
    Address, Coin, Context, Dec, Error, Event, ExecMode, Result, SdkCode, BOND_DENOM,
};
use base64::Engine;

use crate::sigverify::{pubkey_address, VerifiedSignatures};
use crate::tx::DecodedTx;

/// What the ante handler needs besides state.
pub struct AnteEnv<'a> {
    /// The chain id signatures must commit to.
    pub chain_id: &'a str,
    /// This node's minimum gas prices (checked in CheckTx only).
    pub min_gas_prices: &'a [(Dec, String)],
    /// Signatures already verified for this block.
    pub verified: &'a VerifiedSignatures,
}

/// Runs the ante steps; on error the caller drops every write they made.
pub fn run(ctx: &mut Context, tx: &DecodedTx, signers: &[Address], env: &AnteEnv) -> Result<()> {
    let params = auth::params(ctx)?;
    validate_basic(tx, signers)?;
    let memo_chars = tx.body.memo.chars().count() as u64;
    if memo_chars > params.max_memo_characters {
        return Err(Error::sdk(
            SdkCode::MemoTooLarge,
            format!(
                "maximum number of characters is {} but received {memo_chars} characters",
                params.max_memo_characters
            ),
        ));
    }
    if tx.body.timeout_height > 0 && ctx.block.height > tx.body.timeout_height {
        return Err(Error::sdk(
            SdkCode::TxTimeoutHeight,
            format!(
                "block height: {}, timeout height: {}",
                ctx.block.height, tx.body.timeout_height
            ),
        ));
    }
    ctx.consume_gas(
        params
            .tx_size_cost_per_byte
            .saturating_mul(tx.len as u64 + simulated_bytes(ctx, tx)),
        "txSize",
    )?;
    if ctx.is_check() {
        check_min_gas_price(tx, env.min_gas_prices)?;
    }
    deduct_fee(ctx, tx, signers)?;
    set_pub_keys(ctx, tx, signers)?;
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

fn validate_basic(tx: &DecodedTx, signers: &[Address]) -> Result<()> {
    if tx.signatures.is_empty() {
        return Err(Error::sdk(SdkCode::NoSignatures, "tx has no signatures"));
    }
    if tx.signatures.len() != tx.signers.len() {
        return Err(Error::sdk(
            SdkCode::Unauthorized,
            format!(
                "wrong number of signatures; expected {}, got {}",
                tx.signers.len(),
                tx.signatures.len()
            ),
        ));
    }
    if signers.len() != tx.signers.len() {
        return Err(Error::sdk(
            SdkCode::Unauthorized,
            format!(
                "wrong number of signers; expected {}, got {}",
                signers.len(),
                tx.signers.len()
            ),
        ));
    }
    Ok(())
}

/// The fee a tx must pay at `prices` for its gas limit: any one denom covering its price suffices.
fn check_min_gas_price(tx: &DecodedTx, prices: &[(Dec, String)]) -> Result<()> {
    if prices.iter().all(|(p, _)| p.is_zero()) {
        return Ok(());
    }
    let mut required = Vec::new();
    for (price, denom) in prices {
        let amount = price.mul_ceil(tx.gas_limit as u128)?;
        if tx.fee.amount_of(denom) >= amount {
            return Ok(());
        }
        required.push(format!("{amount}{denom}"));
    }
    Err(Error::sdk(
        SdkCode::InsufficientFee,
        format!(
            "insufficient fees; got: {} required: {}",
            tx.fee,
            required.join(",")
        ),
    ))
}

fn deduct_fee(ctx: &mut Context, tx: &DecodedTx, signers: &[Address]) -> Result<()> {
    let payer = match &tx.fee_payer {
        Some(p) => {
            let p = Address::from_bech32(p)?;
            if !signers.contains(&p) {
                return Err(Error::sdk(
                    SdkCode::InvalidRequest,
                    format!("fee payer {p} must sign the tx"),
                ));
            }
            p
        }
        None => signers[0].clone(),
    };
    if !auth::has_account(ctx, &payer)? {
        return Err(Error::sdk(
            SdkCode::UnknownAddress,
            format!("fee payer address: {payer} does not exist"),
        ));
    }
    if tx.fee.is_empty() && ctx.mode == ExecMode::Simulate {
        // Wallets (cosmjs, Keplr) simulate with no fee; charge what moving one will cost so the
        // estimate covers the real tx. Simulate's writes are discarded, and so is this result.
        let probe = Coin::new(1, BOND_DENOM).into();
        let _ = bank::send_coins_from_account_to_module(ctx, &payer, FEE_COLLECTOR, &probe);
    }
    if !tx.fee.is_empty() {
        bank::send_coins_from_account_to_module(ctx, &payer, FEE_COLLECTOR, &tx.fee).map_err(
            |e| {
                if e.is(SdkCode::InsufficientFunds) {
                    Error::sdk(
                        SdkCode::InsufficientFunds,
                        format!("failed to deduct fees: {}", e.msg),
                    )
                } else {
                    e
                }
            },
        )?;
    }
    ctx.emit(
        Event::new("tx")
            .attr("fee", tx.fee.to_string())
            .attr("fee_payer", payer.to_string()),
    );
    Ok(())
}

fn set_pub_keys(ctx: &mut Context, tx: &DecodedTx, signers: &[Address]) -> Result<()> {
    for (i, (addr, info)) in signers.iter().zip(&tx.signers).enumerate() {
        let mut account = auth::account(ctx, addr)?.ok_or_else(|| {
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
                auth::set_account(ctx, &account)?;
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
        let mut account =
            auth::account(ctx, addr)?.ok_or_else(|| Error::internal("signer vanished"))?;
        if info.sequence != account.sequence {
            return Err(Error::sdk(
                SdkCode::WrongSequence,
                format!(
                    "account sequence mismatch, expected {}, got {}",
                    account.sequence, info.sequence
                ),
            ));
        }
        if ctx.mode != ExecMode::Simulate {
            if !info.direct {
                return Err(Error::sdk(
                    SdkCode::NotSupported,
                    "sign mode 0 is not supported; sign with SIGN_MODE_DIRECT",
                ));
            }
            let key = account
                .pub_key
                .as_deref()
                .ok_or_else(|| Error::internal("public key set above"))?;
            let sign_bytes = tx.sign_bytes(env.chain_id, account.account_number);
            if !env.verified.check(key, &sign_bytes, signature) {
                return Err(Error::sdk(
                    SdkCode::Unauthorized,
                    format!(
                        "signature verification failed; please verify account number ({}) and chain-id ({})",
                        account.account_number, env.chain_id
                    ),
                ));
            }
        }
        account.sequence += 1;
        auth::set_account(ctx, &account)?;
        ctx.emit(Event::new("tx").attr("acc_seq", format!("{addr}/{}", info.sequence)));
        ctx.emit(Event::new("tx").attr("signature", b64.encode(signature)));
    }
    Ok(())
}
