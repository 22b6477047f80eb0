//! `agorad init` and the genesis ceremony as a validator runs them: init, keys,
//! add-genesis-account, gentx, collect-gentxs, validate; and each refusal of bad input.

mod support;

use serde_json::Value;
use support::home::{Home, SELF_DELEGATION};
use support::process::text;

#[test]
fn init_writes_a_home_and_keeps_it_unless_told() {
    let home = Home::new();
    let out = home.run(&["init", "node0", "--chain-id", "agora-t1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let info: Value = serde_json::from_slice(&out.stderr).expect("init prints its JSON to stderr");
    assert_eq!(info["moniker"], "node0");
    assert_eq!(info["chain_id"], "agora-t1");
    assert_eq!(
        info["app_message"]["genutil"]["gen_txs"],
        serde_json::json!([])
    );
    let node_id = info["node_id"].as_str().unwrap();
    assert_eq!(node_id.len(), 40, "{node_id}");
    for file in [
        "config/genesis.json",
        "config/config.toml",
        "config/app.toml",
        "config/client.toml",
        "config/priv_validator_key.json",
        "config/node_key.json",
    ] {
        assert!(home.path().join(file).is_file(), "{file} missing");
    }
    assert!(home.path().join("data").is_dir());
    assert_eq!(home.genesis()["chain_id"], "agora-t1");
    assert!(home
        .read("config/config.toml")
        .contains("moniker = \"node0\""));
    assert!(home
        .read("config/client.toml")
        .contains("chain-id = \"agora-t1\""));
    home.ok(&["genesis", "validate"]);

    let genesis = home.read("config/genesis.json");
    let key = home.read("config/priv_validator_key.json");
    let err = home.fails(&["init", "node1", "--chain-id", "agora-t2"]);
    assert!(err.contains("genesis.json file already exists"), "{err}");
    assert_eq!(home.read("config/genesis.json"), genesis);

    home.ok(&[
        "init",
        "node1",
        "--chain-id",
        "agora-t2",
        "--overwrite",
        "--initial-height",
        "5",
    ]);
    assert_eq!(home.genesis()["chain_id"], "agora-t2");
    assert_eq!(home.genesis()["initial_height"], "5");
    assert_eq!(
        home.read("config/priv_validator_key.json"),
        key,
        "keys are kept"
    );
    assert!(home
        .read("config/config.toml")
        .contains("moniker = \"node1\""));

    let fresh = Home::new();
    let err = fresh.fails(&["init", "node0", "--chain-id", "bad chain id!"]);
    assert!(err.contains("invalid chain id"), "{err}");
    assert!(!fresh.path().join("config").exists(), "nothing is written");
}

#[test]
fn comet_shows_the_consensus_key_address_and_node_id() {
    let home = Home::new();
    let out = home.run(&["init", "node0", "--chain-id", "agora-t1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let info: Value = serde_json::from_slice(&out.stderr).unwrap();
    let key: Value = serde_json::from_str(&home.read("config/priv_validator_key.json")).unwrap();

    let shown: Value = serde_json::from_str(home.ok(&["comet", "show-validator"]).trim()).unwrap();
    assert_eq!(shown["@type"], "/cosmos.crypto.ed25519.PubKey");
    assert_eq!(
        shown["key"], key["pub_key"]["value"],
        "the key create-validator takes"
    );

    let address = home.ok(&["comet", "show-address"]);
    let address = address.trim();
    assert!(address.starts_with("agoravalcons1"), "{address}");
    let (_, bytes) = bech32::decode(address).unwrap();
    assert_eq!(
        hex::encode_upper(bytes),
        key["address"].as_str().unwrap(),
        "the consensus address is the key's address"
    );
    let json = home.ok(&["tendermint", "show-node-id", "--output", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(json.trim()).unwrap(),
        info["node_id"]
    );

    let empty = Home::new();
    let err = empty.fails(&["comet", "show-validator"]);
    assert!(err.contains("priv_validator_key.json"), "{err}");
}

#[test]
fn the_ceremony_makes_a_genesis_with_this_nodes_validator() {
    let home = Home::new();
    let address = home.validator("agora-t1", 1_000_000_000);
    let genesis = home.genesis();
    let app = &genesis["app_state"];
    assert_eq!(app["auth"]["accounts"][0]["address"], address.as_str());
    assert_eq!(
        app["bank"]["balances"][0]["coins"][0]["amount"],
        "1000000000"
    );

    let gentx = &app["genutil"]["gen_txs"][0];
    let msg = &gentx["body"]["messages"][0];
    assert_eq!(msg["@type"], "/cosmos.staking.v1beta1.MsgCreateValidator");
    assert_eq!(msg["value"]["amount"], SELF_DELEGATION.to_string());
    assert_eq!(msg["commission"]["rate"], "0.100000000000000000");
    assert!(msg["validator_address"]
        .as_str()
        .unwrap()
        .starts_with("agoravaloper1"));
    assert_eq!(
        gentx["auth_info"]["signer_infos"][0]["mode_info"]["single"]["mode"],
        "SIGN_MODE_DIRECT"
    );
    let node_key: Value = serde_json::from_str(&home.read("config/node_key.json")).unwrap();
    assert!(node_key.is_object());
    let memo = gentx["body"]["memo"].as_str().unwrap();
    assert!(memo.ends_with(":26656") && memo.contains('@'), "{memo}");

    let validators = genesis["validators"].as_array().unwrap();
    assert_eq!(validators.len(), 1);
    assert_eq!(validators[0]["power"], "100");
    assert_eq!(validators[0]["name"], "node0");
    let pv: Value = serde_json::from_str(&home.read("config/priv_validator_key.json")).unwrap();
    assert_eq!(validators[0]["pub_key"], pv["pub_key"]);
    assert_eq!(validators[0]["address"], pv["address"]);
    assert_eq!(msg["pubkey"]["key"], pv["pub_key"]["value"]);

    let out = home.ok(&["genesis", "validate"]);
    assert!(out.contains("is a valid genesis file"), "{out}");
}

#[test]
fn add_genesis_account_refuses_bad_input_and_duplicates() {
    let home = Home::new();
    home.ok(&["init", "node0", "--chain-id", "agora-t1"]);
    let alice = home.add_key("alice");
    home.ok(&[
        "genesis",
        "add-genesis-account",
        &alice,
        "1000000uagr,5ufoo",
    ]);
    let genesis = home.read("config/genesis.json");

    let err = home.fails(&["genesis", "add-genesis-account", "alice", "1uagr"]);
    assert!(
        err.contains(&format!("cannot add account at existing address {alice}")),
        "{err}"
    );
    for (coins, cause) in [
        ("10", "invalid coins"),
        ("1.5uagr", "invalid coins"),
        ("5uagr,5uagr", "duplicate denomination"),
        ("0uagr", "must be positive"),
    ] {
        let bob = "agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh";
        let err = home.fails(&["genesis", "add-genesis-account", bob, coins]);
        assert!(err.contains(cause), "{coins}: {err}");
    }
    let mut bad_checksum = alice.clone();
    let last = bad_checksum.pop().unwrap();
    bad_checksum.push(if last == 'q' { 'p' } else { 'q' });
    let err = home.fails(&["genesis", "add-genesis-account", &bad_checksum, "1uagr"]);
    assert!(err.contains("invalid address"), "{err}");
    let foreign = agora_core::Address::from_bytes(vec![1; 20])
        .unwrap()
        .to_bech32_with("cosmos");
    let err = home.fails(&["genesis", "add-genesis-account", &foreign, "1uagr"]);
    assert!(
        err.contains("expected prefix \"agora\", got \"cosmos\""),
        "{err}"
    );
    let err = home.fails(&["genesis", "add-genesis-account", "nobody", "1uagr"]);
    assert!(err.contains("key nobody not found"), "{err}");
    assert_eq!(
        home.read("config/genesis.json"),
        genesis,
        "failures change nothing"
    );

    home.ok(&[
        "genesis",
        "add-genesis-account",
        "agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh",
        "7uagr",
    ]);
    let genesis = home.genesis();
    assert_eq!(
        genesis["app_state"]["auth"]["accounts"][1]["account_number"],
        "1"
    );
    assert_eq!(
        genesis["app_state"]["bank"]["balances"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn gentx_needs_a_funded_account_and_the_genesis_chain() {
    let home = Home::new();
    home.ok(&["init", "node0", "--chain-id", "agora-t1"]);
    let val = home.add_key("val");
    let err = home.fails(&["genesis", "gentx", "val", "100000000uagr"]);
    assert!(
        err.contains("does not have a balance in the genesis state"),
        "{err}"
    );
    home.ok(&["genesis", "add-genesis-account", "val", "50000000uagr"]);
    let err = home.fails(&["genesis", "gentx", "val", "100000000uagr"]);
    assert!(
        err.contains(&format!("account {val} has a balance in genesis, but it only has 50000000uagr available to stake, not 100000000uagr")),
        "{err}"
    );
    let err = home.fails(&[
        "genesis",
        "gentx",
        "val",
        "10000000uagr",
        "--chain-id",
        "other",
    ]);
    assert!(
        err.contains("does not match the genesis file's chain id agora-t1"),
        "{err}"
    );
    let err = home.fails(&[
        "genesis",
        "gentx",
        "val",
        "10000000uagr",
        "--commission-rate",
        "0.5",
    ]);
    assert!(
        err.contains("commission rate cannot be more than the max rate"),
        "{err}"
    );
    let err = home.fails(&["genesis", "gentx", "val", "10uagr"]);
    assert!(err.contains("gives no voting power"), "{err}");
    let err = home.fails(&["genesis", "gentx", "nobody", "10000000uagr"]);
    assert!(err.contains("key nobody not found"), "{err}");
    assert!(
        !home.path().join("config/gentx").exists(),
        "no gentx written"
    );
    let err = home.fails(&["genesis", "collect-gentxs"]);
    assert!(err.contains("run `agorad genesis gentx` first"), "{err}");
}

#[test]
fn collect_gentxs_rejects_tampered_and_foreign_gentxs() {
    let home = Home::new();
    home.validator("agora-t1", 1_000_000_000);
    let gentx_dir = home.path().join("config/gentx");
    let file = std::fs::read_dir(&gentx_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let original = std::fs::read_to_string(&file).unwrap();
    let genesis = home.read("config/genesis.json");

    let tampered = original.replace("\"amount\":\"100000000\"", "\"amount\":\"200000000\"");
    assert_ne!(tampered, original);
    std::fs::write(&file, &tampered).unwrap();
    let err = home.fails(&["genesis", "collect-gentxs"]);
    assert!(err.contains("signature does not verify"), "{err}");
    assert_eq!(
        home.read("config/genesis.json"),
        genesis,
        "failures change nothing"
    );

    // The same gentx in a home of another chain.
    let other = Home::new();
    other.validator("agora-t2", 1_000_000_000);
    let other_dir = other.path().join("config/gentx");
    let other_file = std::fs::read_dir(&other_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&other_file, &original).unwrap();
    let err = other.fails(&["genesis", "collect-gentxs"]);
    assert!(err.contains("invalid gentx"), "{err}");

    std::fs::write(&file, &original).unwrap();
    home.ok(&["genesis", "collect-gentxs"]);
}

#[test]
fn validate_names_the_bad_gentx() {
    let home = Home::new();
    home.validator("agora-t1", 1_000_000_000);
    let mut genesis = home.genesis();
    genesis["app_state"]["genutil"]["gen_txs"][0]["body"]["messages"][0]["@type"] =
        "/cosmos.bank.v1beta1.MsgSend".into();
    let path = home.path().join("config/genesis.json");
    std::fs::write(&path, genesis.to_string()).unwrap();
    let err = home.fails(&["genesis", "validate"]);
    assert!(
        err.contains("app_state.genutil.gen_txs[0].body.messages[0]: genesis transaction does not contain a MsgCreateValidator"),
        "{err}"
    );
}

#[test]
fn keplr_chain_info_describes_this_home_for_experimental_suggest_chain() {
    let home = Home::new();
    let address = home.validator("agora-keplr", 1_000_000_000);
    let app_toml = home.path().join("config/app.toml");
    let text = std::fs::read_to_string(&app_toml).unwrap();
    let (before, after) = text.split_once("minimum-gas-prices").unwrap();
    let rest_of_line = after.split_once('\n').unwrap().1;
    let edited = format!("{before}minimum-gas-prices = \"0.02uagr\"\n{rest_of_line}");
    std::fs::write(&app_toml, edited).unwrap();

    let info: Value = serde_json::from_str(&home.ok(&["keplr-chain-info"])).unwrap();
    assert_eq!(info["chainId"], "agora-keplr");
    assert_eq!(info["chainName"], "agora-keplr");
    assert_eq!(info["rpc"], "http://localhost:26657", "client.toml's node");
    assert_eq!(info["rest"], "http://127.0.0.1:1317");
    assert_eq!(info["bip44"]["coinType"], 118);
    // The prefixes are the ones this chain's keys and validators really carry.
    let config = &info["bech32Config"];
    let valcons = home.ok(&["comet", "show-address"]);
    for (prefix, shown) in [
        ("bech32PrefixAccAddr", address.as_str()),
        ("bech32PrefixConsAddr", valcons.trim()),
    ] {
        let hrp = config[prefix].as_str().unwrap();
        assert_eq!(bech32::decode(shown).unwrap().0.as_str(), hrp, "{prefix}");
    }
    let genesis: Value = serde_json::from_str(&home.read("config/genesis.json")).unwrap();
    let valoper = genesis["app_state"]["genutil"]["gen_txs"][0]["body"]["messages"][0]
        ["validator_address"]
        .as_str()
        .unwrap();
    let hrp = config["bech32PrefixValAddr"].as_str().unwrap();
    assert_eq!(bech32::decode(valoper).unwrap().0.as_str(), hrp);
    let agr =
        serde_json::json!({"coinDenom": "AGR", "coinMinimalDenom": "uagr", "coinDecimals": 6});
    assert_eq!(info["stakeCurrency"], agr);
    assert_eq!(info["currencies"], serde_json::json!([agr]));
    assert_eq!(
        info["feeCurrencies"][0]["gasPriceStep"],
        serde_json::json!({"low": 0.02, "average": 0.05, "high": 0.08}),
        "from app.toml's minimum-gas-prices"
    );

    let custom: Value = serde_json::from_str(&home.ok(&[
        "keplr-chain-info",
        "--rpc",
        "https://rpc.example.org",
        "--rest",
        "https://lcd.example.org",
        "--chain-name",
        "Agora devnet",
    ]))
    .unwrap();
    assert_eq!(
        (&custom["rpc"], &custom["rest"], &custom["chainName"]),
        (
            &Value::from("https://rpc.example.org"),
            &Value::from("https://lcd.example.org"),
            &Value::from("Agora devnet")
        )
    );
    let err = home.fails(&["keplr-chain-info", "--rest", "localhost:1317"]);
    assert!(
        err.contains("--rest \"localhost:1317\" must be an http"),
        "{err}"
    );
    let err = Home::new().fails(&["keplr-chain-info"]);
    assert!(err.contains("run `agorad init` first"), "{err}");
}
