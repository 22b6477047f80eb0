//! Txs without a node: --generate-only, offline signing, encode/decode round trips, and the
//! errors a person gets for bad input or an unreachable node.

mod support;

use agora_proto::cosmos::tx::v1beta1::{SignDoc, TxRaw};
use base64::Engine as _;
use prost::Message as _;
use serde_json::Value;
use support::home::Home;
use support::process::{text, UNREACHABLE};

const CHAIN: &str = "agora-t1";

fn home_with_keys() -> (Home, String, String) {
    let home = Home::new();
    home.ok(&["init", "node0", "--chain-id", CHAIN]);
    let alice = home.add_key("alice");
    let bob = home.add_key("bob");
    (home, alice, bob)
}

#[test]
fn generate_only_then_offline_sign_then_encode_and_decode() {
    let (home, alice, bob) = home_with_keys();
    let unsigned = home.ok(&[
        "tx",
        "bank",
        "send",
        "alice",
        &bob,
        "1000uagr",
        "--generate-only",
        "--fees",
        "200uagr",
        "--gas",
        "100000",
        "--memo",
        "hello",
        "--timeout-height",
        "99",
    ]);
    let tx: Value = serde_json::from_str(&unsigned).expect("generate-only prints tx JSON");
    let msg = &tx["body"]["messages"][0];
    assert_eq!(msg["@type"], "/cosmos.bank.v1beta1.MsgSend");
    assert_eq!(msg["from_address"], alice.as_str());
    assert_eq!(msg["to_address"], bob.as_str());
    assert_eq!(msg["amount"][0]["amount"], "1000");
    assert_eq!(tx["body"]["memo"], "hello");
    assert_eq!(tx["body"]["timeout_height"], "99");
    assert_eq!(tx["auth_info"]["fee"]["gas_limit"], "100000");
    assert_eq!(tx["auth_info"]["fee"]["amount"][0]["amount"], "200");
    assert_eq!(tx["auth_info"]["signer_infos"], serde_json::json!([]));
    assert_eq!(tx["signatures"], serde_json::json!([]));

    // An address works as the sender without a key; gas prices give ceil(price x gas).
    let by_address = home.ok(&[
        "tx",
        "bank",
        "send",
        &alice,
        &bob,
        "1uagr",
        "--generate-only",
        "--gas",
        "3333",
        "--gas-prices",
        "0.01uagr",
    ]);
    let by_address: Value = serde_json::from_str(&by_address).unwrap();
    assert_eq!(by_address["auth_info"]["fee"]["amount"][0]["amount"], "34");

    let file = home.path().join("unsigned.json");
    std::fs::write(&file, &unsigned).unwrap();
    let signed = home.ok(&[
        "tx",
        "sign",
        file.to_str().unwrap(),
        "--from",
        "alice",
        "--offline",
        "--chain-id",
        CHAIN,
        "--account-number",
        "7",
        "--sequence",
        "3",
    ]);
    let signed_json: Value = serde_json::from_str(&signed).unwrap();
    assert_eq!(signed_json["body"], tx["body"]);
    let signer = &signed_json["auth_info"]["signer_infos"][0];
    assert_eq!(signer["sequence"], "3");
    assert_eq!(
        signer["public_key"]["@type"],
        "/cosmos.crypto.secp256k1.PubKey"
    );

    let signed_file = home.path().join("signed.json");
    std::fs::write(&signed_file, &signed).unwrap();
    let encoded = home.ok(&["tx", "encode", signed_file.to_str().unwrap()]);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .expect("tx encode prints base64");

    // The signature verifies over the SIGN_MODE_DIRECT sign doc with account number 7.
    let raw = TxRaw::decode(bytes.as_slice()).unwrap();
    let doc = SignDoc {
        body_bytes: raw.body_bytes.clone(),
        auth_info_bytes: raw.auth_info_bytes.clone(),
        chain_id: CHAIN.into(),
        account_number: 7,
    };
    let pub_key = base64::engine::general_purpose::STANDARD
        .decode(signer["public_key"]["key"].as_str().unwrap())
        .unwrap();
    assert!(agora_app::sigverify::verify(
        &pub_key,
        &doc.encode_to_vec(),
        &raw.signatures[0]
    ));
    let wrong_chain = SignDoc {
        chain_id: "other".into(),
        ..doc
    };
    assert!(!agora_app::sigverify::verify(
        &pub_key,
        &wrong_chain.encode_to_vec(),
        &raw.signatures[0]
    ));

    let decoded = home.ok(&["tx", "decode", encoded.trim(), "-o", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&decoded).unwrap(),
        signed_json
    );
    let text = home.ok(&["tx", "decode", encoded.trim()]);
    assert!(
        text.contains("'@type': /cosmos.bank.v1beta1.MsgSend"),
        "{text}"
    );
    assert!(text.contains("mode: SIGN_MODE_DIRECT"), "{text}");
}

#[test]
fn bad_input_names_the_cause_and_changes_nothing() {
    let (home, alice, bob) = home_with_keys();
    let send = |extra: &[&str]| -> String {
        let mut args = vec![
            "tx",
            "bank",
            "send",
            "alice",
            bob.as_str(),
            "10uagr",
            "--generate-only",
        ];
        args.extend_from_slice(extra);
        home.fails(&args)
    };
    assert!(send(&["--fees", "1uagr", "--gas-prices", "0.1uagr"])
        .contains("cannot provide both fees and gas prices"));
    let usage = home.run(&[
        "tx", "bank", "send", "alice", &bob, "1uagr", "--gas", "lots",
    ]);
    assert_eq!(usage.status.code(), Some(2), "a usage error");
    assert!(text(&usage.stderr).contains("neither `auto` nor a whole number"));
    assert!(send(&["--gas", "auto", "--offline"]).contains("cannot estimate gas in offline mode"));
    assert!(send(&["--fees", "1.5uagr"]).contains("invalid coins"));
    assert!(send(&["--gas-prices", "cheap"]).contains("gas price"));

    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "alice",
        &bob,
        "ten",
        "--generate-only",
    ]);
    assert!(err.contains("invalid coins \"ten\""), "{err}");
    let mut bad_checksum = bob.clone();
    let last = bad_checksum.pop().unwrap();
    bad_checksum.push(if last == 'q' { 'p' } else { 'q' });
    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "alice",
        &bad_checksum,
        "1uagr",
        "--generate-only",
    ]);
    assert!(err.contains("invalid address"), "{err}");
    let foreign = agora_core::Address::from_bytes(vec![9; 20])
        .unwrap()
        .to_bech32_with("cosmos");
    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "alice",
        &foreign,
        "1uagr",
        "--generate-only",
    ]);
    assert!(err.contains("expected prefix \"agora\""), "{err}");
    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "carol",
        &bob,
        "1uagr",
        "--generate-only",
    ]);
    assert!(err.contains("key carol not found"), "{err}");

    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "alice",
        &bob,
        "1uagr",
        "-y",
        "--node",
        UNREACHABLE,
    ]);
    assert!(
        err.contains(&format!(
            "cannot reach the node at {UNREACHABLE}: is `agorad start` running?"
        )),
        "{err}"
    );
    let err = home.fails(&["query", "bank", "balances", &alice, "--node", UNREACHABLE]);
    assert!(err.contains("cannot reach the node"), "{err}");
    let err = home.fails(&["status", "--node", UNREACHABLE]);
    assert!(err.contains("cannot reach the node"), "{err}");
    let err = home.fails(&["query", "bank", "balances", "agora1nope"]);
    assert!(err.contains("invalid address"), "{err}");
    let err = home.fails(&["query", "tx", "xyz"]);
    assert!(err.contains("is not a tx hash"), "{err}");

    // Offline send without --generate-only would need to broadcast.
    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "alice",
        &bob,
        "1uagr",
        "--offline",
        "-y",
    ]);
    assert!(err.contains("--offline cannot broadcast"), "{err}");

    let err = home.fails(&["tx", "decode", "%%%"]);
    assert!(err.contains("not base64"), "{err}");
    let not_tx = home.path().join("config/client.toml");
    let err = home.fails(&["tx", "encode", not_tx.to_str().unwrap()]);
    assert!(err.contains("is not JSON"), "{err}");

    // A tx only its sender can sign.
    let unsigned = home.ok(&[
        "tx",
        "bank",
        "send",
        "alice",
        &bob,
        "1uagr",
        "--generate-only",
    ]);
    let file = home.path().join("unsigned.json");
    std::fs::write(&file, unsigned).unwrap();
    let err = home.fails(&[
        "tx",
        "sign",
        file.to_str().unwrap(),
        "--from",
        "bob",
        "--offline",
        "--account-number",
        "0",
        "--sequence",
        "0",
    ]);
    assert!(
        err.contains(&format!("cannot sign this tx: its signer is {alice}")),
        "{err}"
    );
    let err = home.fails(&[
        "tx",
        "sign",
        file.to_str().unwrap(),
        "--from",
        "alice",
        "--offline",
    ]);
    assert!(
        err.contains("needs --account-number and --sequence"),
        "{err}"
    );
    let err = home.fails(&["tx", "broadcast", file.to_str().unwrap()]);
    assert!(err.contains("is not signed"), "{err}");
}
