//! Slashing and evidence from the CLI against a running one-validator node: the params, the
//! validator's signing info (by consensus key and by address) and the list of them, an unjail
//! of a validator that is not jailed refused with `slashing/5`, no evidence, and refusals of
//! bad arguments.

mod support;

use serde_json::{json, Value};
use support::home::{json, Home};

const CHAIN: &str = "agora-slashing";
const BALANCE: u128 = 1_000_000_000;

#[test]
fn signing_infos_unjail_and_evidence_from_the_cli() {
    let home = Home::new();
    let address = home.validator(CHAIN, BALANCE);
    let mut node = home.start();
    let height = node.wait_for_height(5);
    let set = home.query(&node, &["query", "staking", "validators"]);
    let valoper = set["validators"][0]["operator_address"]
        .as_str()
        .unwrap()
        .to_string();

    // The SDK's default params, printed in the SDK's field order.
    let params = home.ok(&[
        "query",
        "slashing",
        "params",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]);
    assert_eq!(
        params.trim(),
        r#"{"signed_blocks_window":"100","min_signed_per_window":"0.500000000000000000","downtime_jail_duration":"600s","slash_fraction_double_sign":"0.050000000000000000","slash_fraction_downtime":"0.010000000000000000"}"#
    );

    // The validator's signing info, by the consensus key `comet show-validator` prints.
    let pubkey = home.ok(&["comet", "show-validator"]);
    let valcons = home.ok(&["comet", "show-address"]).trim().to_string();
    assert!(valcons.starts_with("agoravalcons1"), "{valcons}");
    let info = home.query(&node, &["query", "slashing", "signing-info", pubkey.trim()]);
    assert_eq!(info["address"], valcons, "{info}");
    let start: u64 = info["start_height"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        start, 0,
        "bonded by its gentx at genesis, which runs at height 0: {info}"
    );
    let signed: u64 = info["index_offset"].as_str().unwrap().parse().unwrap();
    assert!(signed >= 1, "it signed the blocks so far: {info}");
    assert_eq!(info["missed_blocks_counter"], "0", "{info}");
    assert_eq!(info["jailed_until"], "1970-01-01T00:00:00Z", "{info}");
    assert_eq!(info["tombstoned"], false, "{info}");
    let keys: Vec<&String> = info.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 6, "{info}");
    // ... and by its consensus address.
    let by_address = home.query(&node, &["query", "slashing", "signing-info", &valcons]);
    assert_eq!(by_address["address"], valcons, "{by_address}");
    assert_eq!(by_address["start_height"], info["start_height"]);

    // Every signing info: this validator's; one page with its total.
    let all = home.query(&node, &["query", "slashing", "signing-infos"]);
    let infos = all["info"].as_array().unwrap();
    assert_eq!(infos.len(), 1, "{all}");
    assert_eq!(infos[0]["address"], valcons, "{all}");
    let page = home.query(
        &node,
        &[
            "query",
            "slashing",
            "signing-infos",
            "--limit",
            "1",
            "--count-total",
        ],
    );
    assert_eq!(page["info"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["pagination"]["total"], "1", "{page}");
    assert_eq!(page["pagination"]["next_key"], Value::Null, "{page}");

    // An unjail, unsigned: the Msg in the SDK's tx JSON.
    let unsigned = json(&home.ok(&[
        "tx",
        "slashing",
        "unjail",
        "--from",
        &address,
        "--generate-only",
        "--gas",
        "200000",
    ]));
    assert_eq!(
        unsigned["body"]["messages"],
        json!([{"@type": "/cosmos.slashing.v1beta1.MsgUnjail", "validator_addr": valoper}]),
        "{unsigned}"
    );

    // ... which `tx encode` and `tx decode` carry through the protobuf bytes.
    let file = home.path().join("unjail.json");
    std::fs::write(&file, unsigned.to_string()).unwrap();
    let bytes = home.ok(&["tx", "encode", file.to_str().unwrap()]);
    let decoded = json(&home.ok(&["tx", "decode", bytes.trim(), "-o", "json"]));
    assert_eq!(decoded, unsigned);

    // The validator is not jailed: CheckTx (the ante handler only, as the SDK's) accepts the
    // unjail, and the block refuses it with slashing/5.
    let refused = home.validator_tx(&node, &["slashing", "unjail"]);
    assert_eq!(
        refused["tx"]["body"]["messages"][0]["validator_addr"], valoper,
        "{refused}"
    );
    assert_eq!(refused["code"], 5, "{refused}");
    assert_eq!(refused["codespace"], "slashing", "{refused}");
    let log = refused["raw_log"].as_str().unwrap();
    assert!(log.contains("validator not jailed"), "{refused}");
    let info = home.query(&node, &["query", "slashing", "signing-info", &valcons]);
    assert_eq!(info["jailed_until"], "1970-01-01T00:00:00Z", "{info}");

    // No evidence.
    let list = home.query(&node, &["query", "evidence", "list"]);
    assert_eq!(list["evidence"], json!([]), "{list}");
    let zeros = "0".repeat(64);
    let err = home.fails(&[
        "query",
        "evidence",
        "evidence",
        &zeros,
        "--node",
        &node.laddr,
    ]);
    assert!(err.contains("evidence/4"), "{err}");
    assert!(err.contains(&zeros), "names the hash: {err}");
    assert!(err.contains("evidence does not exist"), "{err}");

    // Bad arguments: refused before (or by) the node, with what is wrong.
    let mut bad_valcons = valcons.clone();
    let last = bad_valcons.pop().unwrap();
    bad_valcons.push(if last == 'q' { 'p' } else { 'q' });
    for (arg, says) in [
        (bad_valcons.as_str(), "invalid consensus address"),
        ("agoravalcons1nope", "invalid consensus address"),
        (valoper.as_str(), "invalid consensus address"),
        (address.as_str(), "invalid consensus address"),
        (
            r#"{"@type":"/cosmos.crypto.ed25519.PubKey","key":"AAEC"}"#,
            "32 bytes",
        ),
        (r#"{"key":"AAEC"}"#, "not a consensus public key"),
    ] {
        let err = home.fails(&[
            "query",
            "slashing",
            "signing-info",
            arg,
            "--node",
            &node.laddr,
        ]);
        assert!(err.contains(says), "{arg}: {err}");
    }
    let unknown = agora_core::Address::from_bytes(vec![0; 20])
        .unwrap()
        .to_bech32_with(agora_core::VALCONS_PREFIX);
    let err = home.fails(&[
        "query",
        "slashing",
        "signing-info",
        &unknown,
        "--node",
        &node.laddr,
    ]);
    assert!(err.contains("not found"), "{err}");
    for hash in ["abc", "zz", &"0".repeat(62)] {
        let err = home.fails(&["query", "evidence", "evidence", hash, "--node", &node.laddr]);
        assert!(err.contains("not an evidence hash"), "{hash}: {err}");
    }
    let err = home.fails(&[
        "query",
        "slashing",
        "signing-infos",
        "--page-key",
        "not base64!",
        "--node",
        &node.laddr,
    ]);
    assert!(err.contains("--page-key"), "{err}");

    assert!(
        node.wait_for_height(height + 1) > height,
        "the node kept going"
    );
}
