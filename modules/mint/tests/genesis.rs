//! Mint genesis: the SDK's default JSON, validation errors that name the field, the module
//! account created at InitGenesis, and export round-tripping the import.

mod common;

use agora_core::Module;
use agora_mint::MINT_MODULE;
use common::{addr, bank_genesis, Chain, AGR, MODULE_ACCOUNTS};
use serde_json::{json, Value};

/// The SDK's default mint genesis, with Agora's bond denom.
const SDK_DEFAULT: &str = r#"{"minter":{"inflation":"0.130000000000000000","annual_provisions":"0.000000000000000000"},"params":{"mint_denom":"uagr","inflation_rate_change":"0.130000000000000000","inflation_max":"0.200000000000000000","inflation_min":"0.070000000000000000","goal_bonded":"0.670000000000000000","blocks_per_year":"6311520"}}"#;

fn default_genesis() -> Value {
    serde_json::from_str(SDK_DEFAULT).unwrap()
}

/// A change to the default genesis.
type Edit = fn(&mut Value);

fn validation_error(edit: impl FnOnce(&mut Value)) -> String {
    let chain = Chain::new(&[]);
    let mut genesis = default_genesis();
    edit(&mut genesis);
    chain.mint.validate_genesis(&genesis).unwrap_err().msg
}

#[test]
fn the_default_is_the_sdks() {
    let chain = Chain::new(&[]);
    assert_eq!(chain.mint.default_genesis(), default_genesis());
    chain.mint.validate_genesis(&default_genesis()).unwrap();
}

#[test]
fn errors_name_the_field() {
    let cases: [(Edit, &str); 8] = [
        (
            |g| g["minter"]["inflation"] = json!("-0.1"),
            "app_state.mint.minter.inflation: invalid decimal",
        ),
        (
            |g| g["params"]["goal_bonded"] = json!("0"),
            "app_state.mint.params.goal_bonded: goal bonded must be positive",
        ),
        (
            |g| g["params"]["inflation_max"] = json!("1.5"),
            "app_state.mint.params.inflation_max: max inflation too large",
        ),
        (
            |g| g["params"]["inflation_min"] = json!("0.3"),
            "app_state.mint.params.inflation_max: max inflation (0.200000000000000000) must be greater than or equal to min inflation (0.300000000000000000)",
        ),
        (
            |g| g["params"]["blocks_per_year"] = json!("0"),
            "app_state.mint.params.blocks_per_year: blocks per year must be positive",
        ),
        (
            |g| g["params"]["blocks_per_year"] = json!("many"),
            "app_state.mint.params.blocks_per_year:",
        ),
        (
            |g| g["params"]["mint_denom"] = json!(""),
            "app_state.mint.params.mint_denom: mint denom cannot be blank",
        ),
        (
            |g| {
                g.as_object_mut().unwrap().remove("params");
            },
            "app_state.mint: missing field `params`",
        ),
    ];
    for (edit, expected) in cases {
        let msg = validation_error(edit);
        assert!(msg.starts_with(expected), "{msg}");
    }
    let msg = validation_error(|g| g["minter"]["data"] = json!("x"));
    assert!(
        msg.starts_with("app_state.mint.minter.data: unknown field `data`"),
        "{msg}"
    );
    // protobuf JSON also writes a uint64 as a number.
    let chain = Chain::new(&[]);
    let mut genesis = default_genesis();
    genesis["params"]["blocks_per_year"] = json!(6311520);
    chain.mint.validate_genesis(&genesis).unwrap();
}

#[test]
fn init_genesis_creates_the_module_account() {
    let mut chain = Chain::new(&[]);
    let addr = agora_core::Address::module(MINT_MODULE);
    let account = chain.read(|c, ctx| c.auth.account(ctx, &addr)).unwrap();
    let info = account.module.unwrap();
    assert_eq!(info.name, "mint");
    assert_eq!(info.permissions, vec!["minter".to_string()]);

    // An app that did not register the mint module account fails at InitChain.
    const WITHOUT_MINT: &[(&str, &[&str])] = &[(agora_auth::FEE_COLLECTOR, &[])];
    let err = Chain::with_genesis(bank_genesis(&[]), None, WITHOUT_MINT)
        .err()
        .unwrap();
    assert!(
        err.msg.contains("module account mint is not registered"),
        "{}",
        err.msg
    );
    assert_eq!(MODULE_ACCOUNTS[1].0, MINT_MODULE);
}

#[test]
fn export_round_trips_byte_for_byte() {
    let genesis = json!({
        "minter": {"inflation": "0.151234567890123456", "annual_provisions": "12345.000000000000000001"},
        "params": {
            "mint_denom": "uagr",
            "inflation_rate_change": "0.100000000000000000",
            "inflation_max": "0.300000000000000000",
            "inflation_min": "0.000000000000000000",
            "goal_bonded": "1.000000000000000000",
            "blocks_per_year": "18446744073709551615"
        }
    });
    let mut chain =
        Chain::with_genesis(bank_genesis(&[]), Some(genesis.clone()), MODULE_ACCOUNTS).unwrap();
    let exported = chain.read(|c, ctx| c.mint.export_genesis(ctx));
    assert_eq!(
        serde_json::to_string(&exported).unwrap(),
        serde_json::to_string(&genesis).unwrap()
    );
    let mut again =
        Chain::with_genesis(bank_genesis(&[]), Some(exported.clone()), MODULE_ACCOUNTS).unwrap();
    assert_eq!(again.read(|c, ctx| c.mint.export_genesis(ctx)), exported);

    // After blocks, the export carries the moved minter and imports to the same state.
    let mut chain = Chain::new(&[(addr(1), 1000 * AGR)]);
    chain.next_block();
    let exported = chain.read(|c, ctx| c.mint.export_genesis(ctx));
    assert_ne!(exported, default_genesis());
    let mut again =
        Chain::with_genesis(bank_genesis(&[]), Some(exported.clone()), MODULE_ACCOUNTS).unwrap();
    assert_eq!(again.read(|c, ctx| c.mint.export_genesis(ctx)), exported);
}
