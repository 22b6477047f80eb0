//! The compute market's providers through the whole app with real signed txs: registering
//! locks the bond, updates and pauses change the record, deregistering returns the bond after
//! the unbonding time (on a second store too, with equal app hashes), the Providers filters and
//! pages, genesis round-trips, and every refusal has its code and changes nothing.

mod common;

use agora_core::authority::gov_authority;
use agora_core::Address;
use agora_proto::agora::market::v1::{self as pb, ProviderStatus};
use agora_proto::cosmos::base::query::v1beta1::PageRequest;
use agora_proto::cosmos::base::v1beta1::Coin;
use common::gov::any;
use common::Chain;

const AGR: u128 = 1_000_000;
/// Blocks are 1 s apart: a bond returns 5 blocks after deregistering.
const UNBONDING_S: u64 = 5;

fn chain() -> Chain {
    let mut chain = Chain::with_init(4, Default::default(), |req| {
        let mut state: serde_json::Value = serde_json::from_slice(&req.app_state_bytes).unwrap();
        state["market"] = serde_json::json!({
            "params": {
                "min_provider_bond": {"denom": "uagr", "amount": (100 * AGR).to_string()},
                "provider_unbonding_time": format!("{UNBONDING_S}s"),
            },
            "providers": [],
        });
        req.app_state_bytes = serde_json::to_vec(&state).unwrap().into();
    });
    chain.block(vec![]);
    chain
}

fn resources(gpus: u32) -> pb::Resources {
    pb::Resources {
        cpu_millicores: 8_000,
        memory_mib: 32_768,
        gpu_count: gpus,
        gpu_model: if gpus > 0 {
            "A100-80GB".into()
        } else {
            String::new()
        },
        storage_gib: 500,
    }
}

fn prices(gpus: u32) -> pb::Prices {
    pb::Prices {
        cpu_per_millicore: "1".into(),
        memory_per_mib: "1".into(),
        per_gpu: if gpus > 0 {
            "5000".into()
        } else {
            String::new()
        },
        storage_per_gib: "2".into(),
    }
}

fn register(owner: &Address, gpus: u32, bond: u128) -> pb::MsgRegisterProvider {
    pb::MsgRegisterProvider {
        owner: owner.to_string(),
        moniker: format!("provider with {gpus} GPUs"),
        endpoint: "https://compute.example.com".into(),
        resources: Some(resources(gpus)),
        attributes: vec![pb::Attribute {
            key: "region".into(),
            value: "eu-west".into(),
        }],
        prices: Some(prices(gpus)),
        bond: Some(Coin {
            denom: "uagr".into(),
            amount: bond.to_string(),
        }),
    }
}

fn provider(chain: &mut Chain, owner: &Address) -> pb::Provider {
    let res: pb::QueryProviderResponse = chain.query_as(
        "/agora.market.v1.Query/Provider",
        pb::QueryProviderRequest {
            owner: owner.to_string(),
        },
    );
    res.provider.unwrap()
}

fn providers(chain: &mut Chain, req: pb::QueryProvidersRequest) -> pb::QueryProvidersResponse {
    chain.query_as("/agora.market.v1.Query/Providers", req)
}

fn market_account(chain: &mut Chain) -> u128 {
    chain.balance(&Address::module(agora_market::MARKET_MODULE))
}

fn ok(chain: &mut Chain, key: usize, msg: agora_proto::Any) {
    let res = chain.tx(key, vec![msg]);
    assert_eq!(res.code, 0, "{}", res.log);
}

fn refused(chain: &mut Chain, key: usize, msg: agora_proto::Any, code: u32, part: &str) {
    let before = market_account(chain);
    let res = chain.tx(key, vec![msg]);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("market", code),
        "{}",
        res.log
    );
    assert!(res.log.contains(part), "{}", res.log);
    assert_eq!(market_account(chain), before, "no bond moved");
}

#[test]
fn a_provider_registers_updates_pauses_and_leaves_with_its_bond() {
    let mut chain = chain();
    let owner = chain.keys[1].address.clone();
    let before = chain.balance(&owner);
    ok(&mut chain, 1, any(&register(&owner, 2, 150 * AGR)));
    assert_eq!(chain.balance(&owner), before - 150 * AGR - common::tx::FEE);
    assert_eq!(market_account(&mut chain), 150 * AGR);
    let p = provider(&mut chain, &owner);
    assert_eq!(p.status, ProviderStatus::Active as i32);
    assert_eq!(p.reputation, agora_market::STARTING_REPUTATION);
    assert_eq!(p.resources.unwrap().gpu_count, 2);

    let mut update = pb::MsgUpdateProvider {
        owner: owner.to_string(),
        moniker: "renamed".into(),
        endpoint: "https://gpu.example.com".into(),
        resources: Some(resources(4)),
        attributes: vec![],
        prices: Some(prices(4)),
    };
    ok(&mut chain, 1, any(&update));
    assert_eq!(provider(&mut chain, &owner).moniker, "renamed");
    ok(
        &mut chain,
        1,
        any(&pb::MsgPauseProvider {
            owner: owner.to_string(),
            paused: true,
        }),
    );
    assert_eq!(
        provider(&mut chain, &owner).status,
        ProviderStatus::Paused as i32
    );

    let mut twin = chain.twin();
    let deregister = any(&pb::MsgDeregisterProvider {
        owner: owner.to_string(),
    });
    let tx = chain.signed(1, vec![deregister]);
    let (a, b) = (chain.block(vec![tx.clone()]), twin.block(vec![tx]));
    assert_eq!(a.tx_results[0].code, 0, "{}", a.tx_results[0].log);
    assert_eq!(a.app_hash, b.app_hash);
    let p = provider(&mut chain, &owner);
    assert_eq!(p.status, ProviderStatus::Deregistering as i32);
    assert!(p.bond_release_time.is_some());
    update.moniker = "too late".into();
    let tx = chain.signed(1, vec![any(&update)]);
    let (a, b) = (chain.block(vec![tx.clone()]), twin.block(vec![tx]));
    let res = &a.tx_results[0];
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("market", 7),
        "{}",
        res.log
    );
    assert_eq!(a.app_hash, b.app_hash);
    let after_fees = chain.balance(&owner);
    for _ in 0..UNBONDING_S {
        let (a, b) = (chain.block(vec![]), twin.block(vec![]));
        assert_eq!(a.app_hash, b.app_hash);
    }
    assert_eq!(chain.balance(&owner), after_fees + 150 * AGR);
    assert_eq!(market_account(&mut chain), 0);
    let gone = chain
        .app
        .query(tendermint_proto::v0_38::abci::RequestQuery {
            path: "/agora.market.v1.Query/Provider".into(),
            data: prost::Message::encode_to_vec(&pb::QueryProviderRequest {
                owner: owner.to_string(),
            })
            .into(),
            ..Default::default()
        });
    assert_eq!(
        (gone.codespace.as_str(), gone.code),
        ("market", 4),
        "{}",
        gone.log
    );
}

#[test]
fn providers_filter_by_status_resources_and_reputation_and_page() {
    let mut chain = chain();
    let keys: Vec<Address> = chain.keys.iter().map(|k| k.address.clone()).collect();
    for (key, gpus) in [(1, 0), (2, 8), (3, 1)] {
        ok(&mut chain, key, any(&register(&keys[key], gpus, 100 * AGR)));
    }
    ok(
        &mut chain,
        3,
        any(&pb::MsgPauseProvider {
            owner: keys[3].to_string(),
            paused: true,
        }),
    );
    let with_gpus = providers(
        &mut chain,
        pb::QueryProvidersRequest {
            min_resources: Some(pb::Resources {
                gpu_count: 1,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    assert_eq!(with_gpus.providers.len(), 2);
    let active_with_gpus = providers(
        &mut chain,
        pb::QueryProvidersRequest {
            status: ProviderStatus::Active as i32,
            min_resources: Some(pb::Resources {
                gpu_count: 4,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    assert_eq!(active_with_gpus.providers.len(), 1);
    assert_eq!(active_with_gpus.providers[0].owner, keys[2].to_string());
    let reputable = providers(
        &mut chain,
        pb::QueryProvidersRequest {
            min_reputation: agora_market::STARTING_REPUTATION + 1,
            ..Default::default()
        },
    );
    assert!(reputable.providers.is_empty());
    let first = providers(
        &mut chain,
        pb::QueryProvidersRequest {
            pagination: Some(PageRequest {
                limit: 2,
                count_total: true,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let page = first.pagination.unwrap();
    assert_eq!((first.providers.len(), page.total), (2, 3));
    let rest = providers(
        &mut chain,
        pb::QueryProvidersRequest {
            pagination: Some(PageRequest {
                key: page.next_key,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    assert_eq!(rest.providers.len(), 1);

    // The state exports and imports back to the same records.
    let exported = chain.app.export_app_state().unwrap();
    assert_eq!(exported["market"]["providers"].as_array().unwrap().len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = agora_app::App::open(dir.path(), Default::default()).unwrap();
    fresh
        .init_chain(agora_app::testing::init_chain_request(
            common::CHAIN_ID,
            &exported,
        ))
        .unwrap();
    fresh
        .finalize_block(agora_app::testing::finalize_request(1, vec![]))
        .unwrap();
    fresh.commit().unwrap();
    assert_eq!(
        fresh.export_app_state().unwrap()["market"],
        exported["market"]
    );
}

#[test]
fn bad_providers_and_bonds_are_refused_with_their_codes() {
    let mut chain = chain();
    let owner = chain.keys[1].address.clone();
    let bad = |edit: fn(&mut pb::MsgRegisterProvider)| {
        let mut msg = register(&chain.keys[1].address, 1, 100 * AGR);
        edit(&mut msg);
        any(&msg)
    };
    let cases: Vec<(agora_proto::Any, u32, &str)> = vec![
        (bad(|m| m.moniker = String::new()), 2, "moniker"),
        (bad(|m| m.endpoint = "ftp://x".into()), 2, "endpoint"),
        (
            bad(|m| m.prices.as_mut().unwrap().per_gpu = "0".into()),
            2,
            "prices.per_gpu",
        ),
        (
            bad(|m| m.prices.as_mut().unwrap().per_gpu = "1e9".into()),
            2,
            "not a whole number",
        ),
        (
            bad(|m| m.prices.as_mut().unwrap().per_gpu = "9".repeat(60)),
            2,
            "too large",
        ),
        (
            bad(|m| m.resources.as_mut().unwrap().gpu_model = String::new()),
            2,
            "gpu_model",
        ),
        (
            bad(|m| m.attributes.push(m.attributes[0].clone())),
            2,
            "twice",
        ),
        (
            bad(|m| m.bond.as_mut().unwrap().amount = (99 * AGR).to_string()),
            5,
            "not at least",
        ),
        (
            bad(|m| m.bond.as_mut().unwrap().denom = "uatom".into()),
            5,
            "not at least",
        ),
    ];
    for (msg, code, part) in cases {
        refused(&mut chain, 1, msg, code, part);
    }
    assert_eq!(market_account(&mut chain), 0);
    ok(&mut chain, 1, any(&register(&owner, 0, 100 * AGR)));
    refused(
        &mut chain,
        1,
        any(&register(&owner, 0, 100 * AGR)),
        3,
        "is a provider",
    );
    let stranger = chain.keys[2].address.clone();
    let pause = any(&pb::MsgPauseProvider {
        owner: stranger.to_string(),
        paused: true,
    });
    refused(&mut chain, 2, pause, 4, "no provider");
    // Only the authority changes the params.
    let params = any(&pb::MsgUpdateParams {
        authority: stranger.to_string(),
        params: Some(agora_market::Params::default().to_proto()),
    });
    let res = chain.tx(2, vec![params]);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("gov", 13),
        "{}",
        res.log
    );
    assert_ne!(stranger, gov_authority());
}
