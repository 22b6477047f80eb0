//! The REST (LCD) API against a running `agorad start`, over plain HTTP (reqwest): accounts,
//! balances, node info, blocks, staking, simulate, broadcast and the tx lookups of a real
//! signed tx, the historical height header, OpenAPI, and the gateway's errors. Bodies are
//! compared with the JSON the Cosmos SDK v0.50 gateway writes (proto names, 64-bit integers
//! as strings, `@type` in Any, defaults present, `null` for empty bytes and unset messages).

mod support;

use serde_json::{json, Value};
use support::home::Home;

const CHAIN: &str = "agora-rest";
const HEIGHT: &str = "x-cosmos-block-height";

/// One response: HTTP status, the height header, and the JSON body.
struct Answer {
    status: u16,
    height: Option<u64>,
    body: Value,
}

struct Rest {
    base: String,
    client: reqwest::Client,
}

impl Rest {
    /// Waits (at most 10 s) until the gateway answers a first request. Once in ~15 runs the
    /// first request after start was closed without an answer (hyper IncompleteMessage, no
    /// server error logged): the probe reports each such failure and tries again.
    async fn wait_ready(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let url = format!("{}/cosmos/base/tendermint/v1beta1/node_info", self.base);
        loop {
            match self.client.get(&url).send().await {
                Ok(response) if response.status().is_success() => return,
                Ok(response) => eprintln!("REST not ready: HTTP {}", response.status()),
                Err(e) => eprintln!("REST not ready: {e:?}"),
            }
            assert!(std::time::Instant::now() < deadline, "REST never answered");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the REST server answers");
        let status = response.status().as_u16();
        let height = response
            .headers()
            .get(HEIGHT)
            .map(|v| v.to_str().unwrap().parse().unwrap());
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        Answer {
            status,
            height,
            body,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    /// A GET that must succeed.
    async fn ok(&self, path: &str) -> Value {
        let answer = self.get(path).await;
        assert_eq!(answer.status, 200, "GET {path}: {}", answer.body);
        answer.body
    }

    async fn post(&self, path: &str, body: String) -> Answer {
        self.send(self.client.post(format!("{}{path}", self.base)).body(body))
            .await
    }
}

/// Asserts the gateway's error shape, its gRPC code and its HTTP status.
fn assert_error(answer: &Answer, status: u16, code: i64) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["code"], code, "{}", answer.body);
    assert!(answer.body["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(answer.body["details"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_serves_the_sdk_gateway_routes() {
    let home = Home::new();
    let validator = home.validator(CHAIN, 1_000_000_000);
    let mut node = home.start();
    node.wait_for_height(3);
    let rest = Rest {
        base: format!("http://{}", node.rest_addr()),
        client: reqwest::Client::new(),
    };
    rest.wait_ready().await;

    // Balances, in the SDK's exact shapes.
    let balance = home.balance(&node, &validator);
    let all = rest
        .get(&format!("/cosmos/bank/v1beta1/balances/{validator}"))
        .await;
    assert_eq!(all.status, 200);
    assert!(all.height.is_some_and(|h| h >= 3));
    assert_eq!(
        all.body,
        json!({"balances": [{"denom": "uagr", "amount": balance.to_string()}],
               "pagination": {"next_key": null, "total": "1"}})
    );
    let by_denom = rest
        .ok(&format!(
            "/cosmos/bank/v1beta1/balances/{validator}/by_denom?denom=uagr"
        ))
        .await;
    assert_eq!(
        by_denom,
        json!({"balance": {"denom": "uagr", "amount": balance.to_string()}})
    );
    let spendable = rest
        .ok(&format!(
            "/cosmos/bank/v1beta1/spendable_balances/{validator}"
        ))
        .await;
    assert_eq!(spendable["balances"], all.body["balances"]);
    let historical = rest
        .send(
            rest.client
                .get(format!(
                    "{}/cosmos/bank/v1beta1/balances/{validator}",
                    rest.base
                ))
                .header(HEIGHT, "1"),
        )
        .await;
    assert_eq!((historical.status, historical.height), (200, Some(1)));

    // The account, an Any with @type, its numbers as strings.
    let account = rest
        .ok(&format!("/cosmos/auth/v1beta1/accounts/{validator}"))
        .await;
    let account = &account["account"];
    assert_eq!(account["@type"], "/cosmos.auth.v1beta1.BaseAccount");
    assert_eq!(account["address"], validator.as_str());
    assert_eq!(
        account["pub_key"]["@type"],
        "/cosmos.crypto.secp256k1.PubKey"
    );
    assert!(account["account_number"].is_string() && account["sequence"].is_string());

    // Gov: params in the SDK's JSON (durations and decimals as strings), an empty list.
    let gov = rest.ok("/cosmos/gov/v1/params/tallying").await;
    assert_eq!(gov["params"]["quorum"], "0.334000000000000000");
    assert_eq!(gov["tally_params"]["threshold"], "0.500000000000000000");
    assert_eq!(gov["voting_params"], Value::Null);
    assert!(gov["params"]["voting_period"]
        .as_str()
        .is_some_and(|p| p.ends_with('s')));
    let proposals = rest.ok("/cosmos/gov/v1/proposals").await;
    assert_eq!(proposals["proposals"], json!([]));
    assert_error(&rest.get("/cosmos/gov/v1/proposals/7").await, 404, 5);

    // Upgrade: no plan yet, every module's version, the authority.
    let plan = rest.ok("/cosmos/upgrade/v1beta1/current_plan").await;
    assert_eq!(plan["plan"], Value::Null);
    let versions = rest.ok("/cosmos/upgrade/v1beta1/module_versions").await;
    let names: Vec<&str> = versions["module_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"upgrade") && names.contains(&"bank"),
        "{versions}"
    );
    let applied = rest.ok("/cosmos/upgrade/v1beta1/applied_plan/v2").await;
    assert_eq!(applied["height"], "0");
    let authority = rest.ok("/cosmos/upgrade/v1beta1/authority").await;
    assert_eq!(
        authority["address"],
        agora_core::authority::gov_authority().to_string()
    );

    // Node info and blocks.
    let info = rest.ok("/cosmos/base/tendermint/v1beta1/node_info").await;
    assert_eq!(info["default_node_info"]["network"], CHAIN);
    assert_eq!(info["application_version"]["cosmos_sdk_version"], "v0.50.9");
    let latest = rest
        .ok("/cosmos/base/tendermint/v1beta1/blocks/latest")
        .await;
    let height: u64 = latest["block"]["header"]["height"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(height >= 3);
    assert!(latest["sdk_block"]["header"]["proposer_address"]
        .as_str()
        .unwrap()
        .starts_with("agoravalcons1"));
    let second = rest.ok("/cosmos/base/tendermint/v1beta1/blocks/2").await;
    assert_eq!(second["block"]["header"]["height"], "2");
    assert_error(
        &rest.get("/cosmos/base/tendermint/v1beta1/blocks/abc").await,
        400,
        3,
    );

    // Staking: enums by name, decimals as the SDK writes them.
    let validators = rest.ok("/cosmos/staking/v1beta1/validators").await;
    let first = &validators["validators"][0];
    assert_eq!(first["status"], "BOND_STATUS_BONDED");
    let rate = first["commission"]["commission_rates"]["rate"]
        .as_str()
        .unwrap();
    assert!(rate.contains('.') && rate.len() > 18, "{rate}");
    assert_eq!(
        first["consensus_pubkey"]["@type"],
        "/cosmos.crypto.ed25519.PubKey"
    );

    // Simulate, broadcast (as txBytes, camelCase) and find a real signed tx.
    let to = home.add_key("bob");
    let file = home.signed_send(&node, &to, "1234uagr");
    let tx_b64 = home.ok(&["tx", "encode", file.to_str().unwrap()]);
    let tx_b64 = tx_b64.trim();
    let simulated = rest
        .post(
            "/cosmos/tx/v1beta1/simulate",
            json!({"tx_bytes": tx_b64}).to_string(),
        )
        .await;
    assert_eq!(simulated.status, 200, "{}", simulated.body);
    let gas: u64 = simulated.body["gas_info"]["gas_used"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(gas > 0);
    let sent = rest
        .post(
            "/cosmos/tx/v1beta1/txs",
            json!({"txBytes": tx_b64, "mode": "BROADCAST_MODE_SYNC"}).to_string(),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let response = &sent.body["tx_response"];
    assert_eq!(response["code"], 0, "{response}");
    let hash = response["txhash"].as_str().unwrap().to_string();
    home.wait_for_tx(&node, &hash);
    let found = rest.ok(&format!("/cosmos/tx/v1beta1/txs/{hash}")).await;
    assert_eq!(found["tx_response"]["txhash"], hash.as_str());
    assert_eq!(found["tx_response"]["tx"]["@type"], "/cosmos.tx.v1beta1.Tx");
    let message = &found["tx"]["body"]["messages"][0];
    assert_eq!(message["@type"], "/cosmos.bank.v1beta1.MsgSend");
    assert_eq!(message["to_address"], to.as_str());
    assert_eq!(
        message["amount"],
        json!([{"denom": "uagr", "amount": "1234"}])
    );
    let tx_height = found["tx_response"]["height"].as_str().unwrap().to_string();
    let query = format!("message.sender='{validator}'");
    let searched = rest
        .ok(&format!("/cosmos/tx/v1beta1/txs?query={}", percent(&query)))
        .await;
    assert_eq!(searched["total"], "1");
    assert_eq!(searched["tx_responses"][0]["txhash"], hash.as_str());
    let by_events = rest
        .ok(&format!(
            "/cosmos/tx/v1beta1/txs?events={}&events={}",
            percent(&query),
            percent(&format!("tx.height={tx_height}"))
        ))
        .await;
    assert_eq!(by_events["tx_responses"][0]["txhash"], hash.as_str());
    let block = rest
        .ok(&format!("/cosmos/tx/v1beta1/txs/block/{tx_height}"))
        .await;
    assert_eq!(block["txs"].as_array().unwrap().len(), 1);
    assert_eq!(block["pagination"]["total"], "1");

    // Bad input: clear errors with the gateway's codes, and the node keeps going.
    assert_error(
        &rest
            .get("/cosmos/bank/v1beta1/balances/agora1notbech32")
            .await,
        400,
        3,
    );
    assert_error(
        &rest
            .post(
                "/cosmos/tx/v1beta1/txs",
                json!({"txBytes": "not base64!", "mode": "BROADCAST_MODE_SYNC"}).to_string(),
            )
            .await,
        400,
        3,
    );
    assert_error(
        &rest.post("/cosmos/tx/v1beta1/simulate", "{".into()).await,
        400,
        3,
    );
    assert_error(
        &rest
            .get(&format!("/cosmos/tx/v1beta1/txs/{}", "00".repeat(32)))
            .await,
        404,
        5,
    );
    assert_error(&rest.get("/cosmos/nothing/here").await, 404, 5);
    assert_error(
        &rest.get("/cosmos/bank/v1beta1/denoms_metadata/unote").await,
        404,
        5,
    );
    assert_error(
        &rest
            .post(
                &format!("/cosmos/bank/v1beta1/balances/{validator}"),
                "{}".into(),
            )
            .await,
        405,
        12,
    );
    let huge = format!("{{\"tx_bytes\": \"{}\"}}", "A".repeat(2_000_000));
    assert_error(
        &rest.post("/cosmos/tx/v1beta1/simulate", huge).await,
        413,
        8,
    );
    assert_error(
        &rest
            .send(
                rest.client
                    .get(format!(
                        "{}/cosmos/bank/v1beta1/balances/{validator}",
                        rest.base
                    ))
                    .header(HEIGHT, "ten"),
            )
            .await,
        400,
        3,
    );

    // The OpenAPI document lists the routes.
    let openapi = rest.ok("/openapi.json").await;
    assert_eq!(openapi["openapi"], "3.0.3");
    assert!(openapi["paths"]["/cosmos/bank/v1beta1/balances/{address}"]["get"].is_object());
    assert!(openapi["paths"]["/cosmos/tx/v1beta1/txs"]["post"].is_object());

    node.wait_for_height(height + 3);
    node.assert_running();
}

/// `text` percent-encoded for a query string.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
