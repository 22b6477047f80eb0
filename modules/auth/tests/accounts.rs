//! Accounts, module accounts, queries and genesis of the auth module, on real state.

use std::sync::Arc;

use agora_auth::{
    Account, Auth, Keeper, BASE_ACCOUNT_TYPE_URL, FEE_COLLECTOR, MINTER, MODULE,
    MODULE_ACCOUNT_TYPE_URL,
};
use agora_core::authority::gov_authority;
use agora_core::store::CacheStore;
use agora_core::{
    Address, BlockInfo, Context, ExecMode, GasMeter, Module, Result, SdkCode, StoreKey,
};
use agora_proto::cosmos::auth::v1beta1 as pb;
use agora_proto::cosmos::base::query::v1beta1::PageRequest;
use agora_proto::cosmos::crypto::secp256k1::PubKey;
use cosmwasm_std::testing::MockStorage as MemoryStorage;
use cosmwasm_std::Timestamp;
use prost::Message;
use serde_json::json;

const MODULE_ACCOUNTS: &[(&str, &[&str])] = &[(FEE_COLLECTOR, &[]), ("mint", &[MINTER])];

/// An auth keeper as the app wires one (keepers hold no state of their own, so every one made
/// here reaches the same store).
fn keeper() -> Keeper {
    Keeper::new(StoreKey::new(MODULE), gov_authority(), MODULE_ACCOUNTS)
}

fn auth_module() -> Auth {
    Auth::new(Arc::new(keeper()))
}

fn block() -> BlockInfo {
    BlockInfo {
        height: 1,
        time: Timestamp::from_seconds(1_700_000_000),
        chain_id: "agora-test".into(),
        ..Default::default()
    }
}

/// Runs `f` on a fresh state after `genesis` (the default one if `None`), with a gas limit.
fn with_state<R>(
    genesis: Option<serde_json::Value>,
    gas_limit: u64,
    f: impl FnOnce(&Auth, &mut Context) -> Result<R>,
) -> R {
    let base = MemoryStorage::new();
    let mut cache = CacheStore::new(&base);
    let block = block();
    let auth = auth_module();
    let genesis = genesis.unwrap_or_else(|| auth.default_genesis());
    let unlimited = GasMeter::infinite();
    let mut ctx = Context::new(&block, ExecMode::Finalize, &mut cache, &unlimited);
    auth.init_genesis(&mut ctx, &genesis).expect("genesis");
    drop(ctx);
    let gas = GasMeter::new(gas_limit);
    let mut ctx = Context::new(&block, ExecMode::Finalize, &mut cache, &gas);
    f(&auth, &mut ctx).expect("test body")
}

fn addr(n: u8) -> Address {
    Address::from_bytes(vec![n; 20]).unwrap()
}

fn pub_key() -> Vec<u8> {
    let mut key = vec![2u8];
    key.extend(1..=32u8);
    key
}

#[test]
fn accounts_get_sequential_numbers() {
    with_state(None, u64::MAX, |_, ctx| {
        // the fee collector took number 0 at genesis
        assert_eq!(
            keeper().module_account(ctx, FEE_COLLECTOR)?.account_number,
            0
        );
        let a = keeper().new_account(ctx, &addr(1))?;
        let b = keeper().new_account(ctx, &addr(2))?;
        assert_eq!((a.account_number, b.account_number), (1, 2));
        assert_eq!((a.sequence, a.pub_key.as_ref()), (0, None));
        assert!(keeper().has_account(ctx, &addr(1))?);
        assert!(!keeper().has_account(ctx, &addr(3))?);
        assert!(
            keeper().new_account(ctx, &addr(1)).is_err(),
            "an existing account is not replaced"
        );

        let mut a = keeper().account(ctx, &addr(1))?.unwrap();
        a.sequence = 5;
        a.pub_key = Some(pub_key());
        keeper().set_account(ctx, &a)?;
        assert_eq!(keeper().account(ctx, &addr(1))?.unwrap(), a);
        assert_eq!(keeper().new_account(ctx, &addr(3))?.account_number, 3);
        Ok(())
    });
}

#[test]
fn module_accounts_get_sdk_addresses_and_permissions() {
    with_state(None, u64::MAX, |_, ctx| {
        let fee = keeper().module_account(ctx, FEE_COLLECTOR)?;
        assert_eq!(
            fee.address.to_bech32_with("cosmos"),
            "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta"
        );
        assert_eq!(fee.module.as_ref().unwrap().name, FEE_COLLECTOR);

        let mint = keeper().module_account(ctx, "mint")?;
        assert_eq!(mint.address, Address::module("mint"));
        assert!(mint.module.as_ref().unwrap().has_permission(MINTER));
        assert_eq!(mint.account_number, 1);
        assert_eq!(keeper().module_account(ctx, "mint")?, mint, "created once");

        let err = keeper().module_account(ctx, "unknown").unwrap_err();
        assert!(err.msg.contains("not registered"), "{}", err.msg);
        Ok(())
    });
}

fn query<Req: Message, Resp: Message + Default>(
    auth: &Auth,
    ctx: &mut Context,
    method: &str,
    req: Req,
) -> Result<Resp> {
    let path = format!("/cosmos.auth.v1beta1.Query/{method}");
    assert!(
        auth.query_paths().contains(&path.as_str()),
        "{path} not served"
    );
    let bytes = auth.query(ctx, &path, &req.encode_to_vec())?;
    Ok(Resp::decode(bytes.as_slice()).expect("response decodes"))
}

#[test]
fn query_account_returns_protobuf_accounts() {
    with_state(None, u64::MAX, |auth, ctx| {
        let mut account = keeper().new_account(ctx, &addr(7))?;
        account.pub_key = Some(pub_key());
        account.sequence = 3;
        keeper().set_account(ctx, &account)?;

        let resp: pb::QueryAccountResponse = query(
            auth,
            ctx,
            "Account",
            pb::QueryAccountRequest {
                address: addr(7).to_string(),
            },
        )?;
        let any = resp.account.unwrap();
        assert_eq!(any.type_url, BASE_ACCOUNT_TYPE_URL);
        let base = pb::BaseAccount::decode(any.value.as_slice()).unwrap();
        assert_eq!(base.address, addr(7).to_string());
        assert_eq!((base.account_number, base.sequence), (1, 3));
        let key = base.pub_key.unwrap();
        assert_eq!(key.type_url, "/cosmos.crypto.secp256k1.PubKey");
        assert_eq!(PubKey::decode(key.value.as_slice()).unwrap().key, pub_key());

        let fee = Address::module(FEE_COLLECTOR).to_string();
        let resp: pb::QueryAccountResponse = query(
            auth,
            ctx,
            "Account",
            pb::QueryAccountRequest {
                address: fee.clone(),
            },
        )?;
        let any = resp.account.unwrap();
        assert_eq!(any.type_url, MODULE_ACCOUNT_TYPE_URL);
        let module = pb::ModuleAccount::decode(any.value.as_slice()).unwrap();
        assert_eq!(
            (module.name.as_str(), module.base_account.unwrap().address),
            (FEE_COLLECTOR, fee)
        );

        let missing = addr(9).to_string();
        let err = query::<_, pb::QueryAccountResponse>(
            auth,
            ctx,
            "Account",
            pb::QueryAccountRequest {
                address: missing.clone(),
            },
        )
        .unwrap_err();
        // The SDK's gRPC NotFound status wrapped in sdk/22, which cosmjs reads as "no account".
        let wording =
            format!("rpc error: code = NotFound desc = account {missing} not found: key not found");
        assert!(err.is(SdkCode::KeyNotFound), "{err:?}");
        assert_eq!(err.msg, wording);
        let err = query::<_, pb::QueryAccountInfoResponse>(
            auth,
            ctx,
            "AccountInfo",
            pb::QueryAccountInfoRequest {
                address: missing.clone(),
            },
        )
        .unwrap_err();
        assert_eq!((err.is(SdkCode::KeyNotFound), err.msg), (true, wording));
        let err = query::<_, pb::QueryModuleAccountByNameResponse>(
            auth,
            ctx,
            "ModuleAccountByName",
            pb::QueryModuleAccountByNameRequest { name: "gov".into() },
        )
        .unwrap_err();
        assert_eq!(
            err.msg,
            "rpc error: code = NotFound desc = account gov not found: key not found"
        );
        Ok(())
    });
}

#[test]
fn other_queries() {
    with_state(None, u64::MAX, |auth, ctx| {
        keeper().new_account(ctx, &addr(1))?;
        let resp: pb::QueryParamsResponse = query(auth, ctx, "Params", pb::QueryParamsRequest {})?;
        let params = resp.params.unwrap();
        assert_eq!(
            (
                params.max_memo_characters,
                params.tx_sig_limit,
                params.sig_verify_cost_secp256k1
            ),
            (256, 7, 1000)
        );

        let resp: pb::QueryAccountsResponse =
            query(auth, ctx, "Accounts", pb::QueryAccountsRequest::default())?;
        assert_eq!(
            (resp.accounts.len(), resp.pagination.unwrap().total),
            (2, 2)
        );

        let req = pb::QueryModuleAccountByNameRequest {
            name: FEE_COLLECTOR.into(),
        };
        let resp: pb::QueryModuleAccountByNameResponse =
            query(auth, ctx, "ModuleAccountByName", req)?;
        assert_eq!(resp.account.unwrap().type_url, MODULE_ACCOUNT_TYPE_URL);

        let req = pb::QueryAccountInfoRequest {
            address: addr(1).to_string(),
        };
        let resp: pb::QueryAccountInfoResponse = query(auth, ctx, "AccountInfo", req)?;
        assert_eq!(resp.info.unwrap().account_number, 1);
        Ok(())
    });
}

#[test]
fn gas_is_charged_and_a_tiny_limit_runs_out() {
    let used = with_state(None, 1_000_000, |_, ctx| {
        keeper().new_account(ctx, &addr(1))?;
        Ok(ctx.gas().consumed())
    });
    assert!(used > 0);
    let out_of_gas = with_state(None, 10, |_, ctx| {
        let _ = keeper().new_account(ctx, &addr(1));
        Ok(ctx.gas().is_out_of_gas())
    });
    assert!(out_of_gas);
}

fn base_json(a: &Address, number: u64) -> serde_json::Value {
    json!({"@type": BASE_ACCOUNT_TYPE_URL, "address": a.to_string(), "pub_key": null, "account_number": number.to_string(), "sequence": "0"})
}

fn validate(genesis: &serde_json::Value) -> String {
    auth_module().validate_genesis(genesis).unwrap_err().msg
}

#[test]
fn genesis_validation_errors_name_the_field() {
    let auth = auth_module();
    let mut g = auth.default_genesis();
    let params = json!({"max_memo_characters": "256", "tx_sig_limit": "7", "tx_size_cost_per_byte": "10",
        "sig_verify_cost_ed25519": "590", "sig_verify_cost_secp256k1": "1000"});
    assert_eq!(g, json!({"params": params, "accounts": []}));
    g["accounts"] = json!([base_json(&addr(1), 0), base_json(&addr(2), 1)]);
    auth.validate_genesis(&g).unwrap();

    let mut dup = g.clone();
    dup["accounts"][1]["address"] = addr(1).to_string().into();
    assert!(
        validate(&dup).starts_with("app_state.auth.accounts[1].address: duplicate account"),
        "{}",
        validate(&dup)
    );

    let mut dup = g.clone();
    dup["accounts"][1]["account_number"] = "0".into();
    assert!(
        validate(&dup).starts_with("app_state.auth.accounts[1].account_number: duplicate"),
        "{}",
        validate(&dup)
    );

    let mut bad = g.clone();
    bad["accounts"][0]["address"] = "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a".into();
    assert!(
        validate(&bad).starts_with("app_state.auth.accounts[0].address: "),
        "{}",
        validate(&bad)
    );

    let mut bad = g.clone();
    bad["accounts"][0]["pub_key"] =
        json!({"@type": "/cosmos.crypto.secp256k1.PubKey", "key": "AAAA"});
    assert!(
        validate(&bad).starts_with("app_state.auth.accounts[0].pub_key.key: "),
        "{}",
        validate(&bad)
    );

    let mut bad = g.clone();
    bad["params"]["tx_sig_limit"] = "0".into();
    assert_eq!(
        validate(&bad),
        "app_state.auth.params: tx_sig_limit: must be positive: invalid request"
    );

    let mut bad = g.clone();
    bad["accounts"][1] = json!({"@type": MODULE_ACCOUNT_TYPE_URL, "base_account": base_json(&addr(2), 1), "name": "mint", "permissions": []});
    bad["accounts"][1]["base_account"]
        .as_object_mut()
        .unwrap()
        .remove("@type");
    assert!(
        validate(&bad).starts_with("app_state.auth.accounts[1].base_account.address: "),
        "{}",
        validate(&bad)
    );
}

#[test]
fn genesis_round_trips() {
    let auth = auth_module();
    let fee = Address::module(FEE_COLLECTOR);
    let mut with_key = base_json(&addr(3), 7);
    with_key["pub_key"] = json!({"@type": "/cosmos.crypto.secp256k1.PubKey", "key": "AgECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"});
    with_key["sequence"] = "4".into();
    let mut fee_json = json!({"@type": MODULE_ACCOUNT_TYPE_URL, "base_account": base_json(&fee, 0), "name": FEE_COLLECTOR, "permissions": []});
    fee_json["base_account"]
        .as_object_mut()
        .unwrap()
        .remove("@type");
    let mut accounts = vec![
        (addr(3), with_key),
        (fee, fee_json),
        (addr(1), base_json(&addr(1), 2)),
    ];
    accounts.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut genesis = auth.default_genesis();
    genesis["params"]["tx_sig_limit"] = "9".into();
    genesis["accounts"] = accounts.into_iter().map(|(_, json)| json).collect();

    let (exported, next) = with_state(Some(genesis.clone()), u64::MAX, |auth, ctx| {
        let exported = auth.export_genesis(ctx)?;
        Ok((exported, keeper().new_account(ctx, &addr(5))?))
    });
    assert_eq!(exported, genesis);
    assert_eq!(
        next.account_number, 8,
        "numbering continues after the highest genesis number"
    );
    let account: Account = with_state(Some(exported.clone()), u64::MAX, |_, ctx| {
        Ok(keeper().account(ctx, &addr(3))?.unwrap())
    });
    assert_eq!((account.sequence, account.pub_key), (4, Some(pub_key())));
    let again = with_state(Some(exported.clone()), u64::MAX, |auth, ctx| {
        auth.export_genesis(ctx)
    });
    assert_eq!(again, exported);
}

/// The addresses of one `Accounts` page, and its `next_key`.
fn accounts_page(
    auth: &Auth,
    ctx: &mut Context,
    pagination: PageRequest,
) -> Result<(Vec<String>, Vec<u8>)> {
    let req = pb::QueryAccountsRequest {
        pagination: Some(pagination),
    };
    let resp: pb::QueryAccountsResponse = query(auth, ctx, "Accounts", req)?;
    let addresses = resp
        .accounts
        .iter()
        .map(|any| match any.type_url.as_str() {
            BASE_ACCOUNT_TYPE_URL => pb::BaseAccount::decode(any.value.as_slice()).unwrap(),
            _ => pb::ModuleAccount::decode(any.value.as_slice())
                .unwrap()
                .base_account
                .unwrap(),
        })
        .map(|base| base.address)
        .collect();
    Ok((addresses, resp.pagination.unwrap().next_key))
}

#[test]
fn accounts_come_in_pages_chained_by_next_key() {
    with_state(None, u64::MAX, |auth, ctx| {
        for n in 1..=4 {
            keeper().new_account(ctx, &addr(n))?;
        }
        // Address-byte order: the fee collector's address sorts among the test ones.
        let mut all: Vec<Address> = (1..=4).map(addr).collect();
        all.push(Address::module(FEE_COLLECTOR));
        all.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        let all: Vec<String> = all.iter().map(Address::to_string).collect();
        for reverse in [false, true] {
            for limit in [1, 2, 5] {
                let (mut seen, mut key) = (Vec::new(), Vec::new());
                loop {
                    let (page, next_key) = accounts_page(
                        auth,
                        ctx,
                        PageRequest {
                            key,
                            limit,
                            reverse,
                            ..PageRequest::default()
                        },
                    )?;
                    assert!(page.len() as u64 <= limit);
                    seen.extend(page);
                    if next_key.is_empty() {
                        break;
                    }
                    key = next_key;
                }
                let mut expected = all.clone();
                if reverse {
                    expected.reverse();
                }
                assert_eq!(seen, expected, "limit {limit} reverse {reverse}");
            }
        }
        // next_key is the next account's address bytes.
        let (_, next_key) = accounts_page(
            auth,
            ctx,
            PageRequest {
                offset: 1,
                limit: 1,
                ..PageRequest::default()
            },
        )?;
        assert_eq!(Address::from_bytes(next_key)?.to_string(), all[2]);
        let err = accounts_page(
            auth,
            ctx,
            PageRequest {
                key: addr(1).as_bytes().to_vec(),
                offset: 1,
                ..PageRequest::default()
            },
        )
        .unwrap_err();
        assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
        Ok(())
    });
}

#[test]
fn module_accounts_lists_the_registered_ones_that_exist() {
    with_state(None, u64::MAX, |auth, ctx| {
        keeper().new_account(ctx, &addr(1))?;
        let names = |auth: &Auth, ctx: &mut Context| -> Result<Vec<String>> {
            let resp: pb::QueryModuleAccountsResponse = query(
                auth,
                ctx,
                "ModuleAccounts",
                pb::QueryModuleAccountsRequest {},
            )?;
            Ok(resp
                .accounts
                .iter()
                .map(|any| {
                    assert_eq!(any.type_url, MODULE_ACCOUNT_TYPE_URL);
                    pb::ModuleAccount::decode(any.value.as_slice())
                        .unwrap()
                        .name
                })
                .collect())
        };
        assert_eq!(names(auth, ctx)?, [FEE_COLLECTOR]);
        keeper().module_account(ctx, "mint")?;
        assert_eq!(names(auth, ctx)?, [FEE_COLLECTOR, "mint"]);
        Ok(())
    });
}

fn update_params(authority: &Address, params: pb::Params) -> agora_proto::Any {
    agora_proto::Any {
        type_url: agora_auth::MSG_UPDATE_PARAMS_TYPE_URL.into(),
        value: pb::MsgUpdateParams {
            authority: authority.to_string(),
            params: Some(params),
        }
        .encode_to_vec(),
    }
}

#[test]
fn only_the_authority_updates_params() {
    with_state(None, u64::MAX, |auth, ctx| {
        let mut wanted = keeper().params(ctx)?.to_proto();
        wanted.max_memo_characters = 512;

        let by_other = update_params(&addr(1), wanted.clone());
        let decoded = auth.decode_msg(&by_other)?;
        assert_eq!(decoded.signers(), [addr(1)]);
        let err = auth.handle_msg(ctx, &decoded).unwrap_err();
        assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));
        assert_eq!(keeper().params(ctx)?.max_memo_characters, 256);

        let mut zero = wanted.clone();
        zero.tx_sig_limit = 0;
        let decoded = auth.decode_msg(&update_params(&gov_authority(), zero))?;
        let err = auth.handle_msg(ctx, &decoded).unwrap_err();
        assert!(
            err.msg.contains("tx_sig_limit: must be positive"),
            "{}",
            err.msg
        );
        assert_eq!(
            keeper().params(ctx)?.tx_sig_limit,
            7,
            "invalid params are not stored"
        );

        let decoded = auth.decode_msg(&update_params(&gov_authority(), wanted))?;
        assert_eq!(decoded.signers(), [gov_authority()]);
        auth.handle_msg(ctx, &decoded)?;
        assert_eq!(keeper().params(ctx)?.max_memo_characters, 512);
        Ok(())
    });
}
