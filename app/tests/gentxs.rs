//! Gentxs at InitChain: delivered through the ante handler (signatures over account number
//! 0) and staking, which bonds their validators and decides the genesis validator set.

use agora_app::testing::{
    consensus_address, finalize_request, funded_app_state, init_chain_request, Signer, TestKey,
    TxSpec,
};
use agora_app::{txjson, App, AppConfig};
use agora_core::{Address, Dec, VALCONS_PREFIX, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::slashing::v1beta1 as slashing;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::consensus_pubkey_any;
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestQuery, ValidatorUpdate};
use tendermint_proto::v0_38::crypto::{public_key::Sum, PublicKey};

const CHAIN: &str = "gentx-1";
const AGR: u128 = 1_000_000;

/// The JSON of key 0's gentx bonding 10 AGR to consensus key `[7; 32]`, signed over
/// `account_number`.
fn gentx(key: &TestKey, account_number: u64) -> serde_json::Value {
    let rate = Dec::from_ratio(1, 10).unwrap().to_atomics_string();
    #[allow(deprecated)]
    let msg = pb::MsgCreateValidator {
        description: Some(pb::Description {
            moniker: "genesis".into(),
            ..Default::default()
        }),
        commission: Some(pb::CommissionRates {
            rate: rate.clone(),
            max_rate: rate.clone(),
            max_change_rate: rate,
        }),
        min_self_delegation: "1".into(),
        delegator_address: String::new(),
        validator_address: key.address.to_bech32_with(VALOPER_PREFIX),
        pubkey: Some(consensus_pubkey_any(&[7; 32])),
        value: Some(Coin {
            denom: "uagr".into(),
            amount: (10 * AGR).to_string(),
        }),
    };
    let any = Any {
        type_url: agora_staking::MSG_CREATE_VALIDATOR_TYPE_URL.into(),
        value: msg.encode_to_vec(),
    };
    let signed = TxSpec::new(
        CHAIN,
        vec![any],
        Signer {
            key,
            account_number,
            sequence: 0,
        },
    )
    .sign();
    serde_json::to_value(txjson::to_json(&txjson::decode(&signed).unwrap()).unwrap()).unwrap()
}

fn validator_update(power: i64) -> ValidatorUpdate {
    ValidatorUpdate {
        pub_key: Some(PublicKey {
            sum: Some(Sum::Ed25519(vec![7; 32])),
        }),
        power,
    }
}

fn app_with(
    gentx: serde_json::Value,
    validators: Vec<ValidatorUpdate>,
) -> (tempfile::TempDir, agora_core::Result<App>) {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<TestKey> = (0..2).map(TestKey::from_seed).collect();
    let mut state = funded_app_state(&keys, 100 * AGR);
    state["genutil"] = serde_json::json!({ "gen_txs": [gentx] });
    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    let mut req = init_chain_request(CHAIN, &state);
    req.validators = validators;
    let result = app.init_chain(req).map(|response| {
        assert_eq!(response.validators, vec![validator_update(10)]);
        app
    });
    (dir, result)
}

#[test]
fn a_gentx_bonds_its_validator_and_makes_the_genesis_set() {
    let key = TestKey::from_seed(0);
    let (_dir, app) = app_with(gentx(&key, 0), vec![]);
    let mut app = app.expect("InitChain");
    app.finalize_block(finalize_request(1, vec![])).unwrap();
    app.commit().unwrap();

    let query = |app: &App, path: &str, data: Vec<u8>| {
        let res = app.query(RequestQuery {
            path: path.into(),
            data: data.into(),
            ..Default::default()
        });
        assert_eq!(res.code, 0, "{}", res.log);
        res.value
    };
    let bonded = pb::QueryValidatorsRequest {
        status: "BOND_STATUS_BONDED".into(),
        pagination: None,
    };
    let value = query(
        &app,
        "/cosmos.staking.v1beta1.Query/Validators",
        bonded.encode_to_vec(),
    );
    let validators = pb::QueryValidatorsResponse::decode(value.as_ref())
        .unwrap()
        .validators;
    assert_eq!(validators.len(), 1);
    assert_eq!(validators[0].tokens, (10 * AGR).to_string());
    let value = query(
        &app,
        "/cosmos.staking.v1beta1.Query/Pool",
        pb::QueryPoolRequest {}.encode_to_vec(),
    );
    let pool = pb::QueryPoolResponse::decode(value.as_ref())
        .unwrap()
        .pool
        .unwrap();
    assert_eq!(pool.bonded_tokens, (10 * AGR).to_string());

    // Bonded at genesis, which runs at height 0 as in the SDK: its signing window starts
    // there, and it signed block 1.
    let cons_address = Address::from_bytes(consensus_address(&[7; 32]))
        .unwrap()
        .to_bech32_with(VALCONS_PREFIX);
    let value = query(
        &app,
        "/cosmos.slashing.v1beta1.Query/SigningInfo",
        slashing::QuerySigningInfoRequest { cons_address }.encode_to_vec(),
    );
    let info = slashing::QuerySigningInfoResponse::decode(value.as_ref())
        .unwrap()
        .val_signing_info
        .unwrap();
    assert_eq!((info.start_height, info.missed_blocks_counter), (0, 0));
}

#[test]
fn the_genesis_files_validators_must_be_the_ones_the_gentxs_make() {
    let key = TestKey::from_seed(0);
    let (_dir, same) = app_with(gentx(&key, 0), vec![validator_update(10)]);
    same.expect("the same set");
    let (_dir, other) = app_with(gentx(&key, 0), vec![validator_update(11)]);
    let err = other.err().expect("a different power");
    assert!(err.msg.contains("validators differ"), "{}", err.msg);
}

#[test]
fn a_gentx_signed_over_its_real_account_number_is_refused() {
    let key = TestKey::from_seed(1);
    // key 1 holds account number 1; gentxs are signed over 0, as the SDK's
    let (_dir, app) = app_with(gentx(&key, 1), vec![]);
    let err = app.err().expect("refused");
    assert!(
        err.msg
            .starts_with("app_state.genutil.gen_txs[0]: signature verification failed"),
        "{}",
        err.msg
    );
}
