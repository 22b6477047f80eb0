//! The side load's balance query over the API a client would use (`--query-api`): CometBFT
//! `abci_query`, the Cosmos gRPC service (tonic, as Python and Go clients call it) or the REST
//! gateway (HTTP + JSON, as Keplr and explorers call it).

use agora_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use anyhow::{anyhow, bail, Context as _, Result};
use prost::Message as _;
use tonic::codec::ProstCodec;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::{Channel, Endpoint};

use crate::client::rpc::{http_url, Rpc};

/// The gRPC method every API answers the query with.
const BALANCE_METHOD: &str = "/cosmos.bank.v1beta1.Query/Balance";

/// Which of the node's APIs the balance queries go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryApi {
    /// CometBFT JSON-RPC `abci_query` (the node's `--node` address).
    Rpc,
    /// gRPC `cosmos.bank.v1beta1.Query/Balance` (app.toml `[grpc] address`).
    Grpc,
    /// REST `GET /cosmos/bank/v1beta1/balances/{address}/by_denom` (app.toml `[api] address`).
    Rest,
}

impl QueryApi {
    /// The SDK's default address of this API on the local machine.
    pub fn default_endpoint(self, rpc_url: &str) -> String {
        match self {
            QueryApi::Rpc => rpc_url.to_string(),
            QueryApi::Grpc => "http://127.0.0.1:9090".to_string(),
            QueryApi::Rest => "http://127.0.0.1:1317".to_string(),
        }
    }
}

/// One connection asking one API for balances, blocking the calling thread per query.
pub enum BalanceClient {
    /// Over CometBFT RPC.
    Rpc(Rpc),
    /// Over gRPC, on a runtime of its own.
    Grpc {
        /// The runtime the calls run on.
        runtime: tokio::runtime::Runtime,
        /// The connection (HTTP/2, one TCP stream).
        grpc: tonic::client::Grpc<Channel>,
    },
    /// Over REST, on a runtime of its own.
    Rest {
        /// The runtime the calls run on.
        runtime: tokio::runtime::Runtime,
        /// The HTTP client (keep-alive: one connection per worker).
        http: reqwest::Client,
        /// `http://host:port`, without a trailing slash.
        base: String,
    },
}

impl BalanceClient {
    /// A client of `api` at `endpoint` (`host:port`, `http://...` or, for RPC, `tcp://...`).
    pub fn connect(api: QueryApi, endpoint: &str) -> Result<Self> {
        let base = http_url(endpoint);
        let base = if base.contains("://") {
            base
        } else {
            format!("http://{base}")
        };
        let base = base.trim_end_matches('/').to_string();
        let runtime = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")
        };
        Ok(match api {
            QueryApi::Rpc => BalanceClient::Rpc(Rpc::new(endpoint)?),
            QueryApi::Grpc => {
                let runtime = runtime()?;
                let channel = runtime
                    .block_on(
                        Endpoint::from_shared(base.clone())
                            .map_err(|e| anyhow!("--query-endpoint {endpoint:?}: {e}"))?
                            .connect(),
                    )
                    .with_context(|| format!("cannot reach the node's gRPC at {base}"))?;
                let grpc = tonic::client::Grpc::new(channel);
                BalanceClient::Grpc { runtime, grpc }
            }
            QueryApi::Rest => BalanceClient::Rest {
                runtime: runtime()?,
                http: reqwest::Client::new(),
                base,
            },
        })
    }

    /// Asks for `address`'s balance of `denom`; an error unless the node answered it.
    pub fn balance(&mut self, address: &str, denom: &str) -> Result<()> {
        match self {
            BalanceClient::Rpc(rpc) => {
                let request = QueryBalanceRequest {
                    address: address.to_string(),
                    denom: denom.to_string(),
                };
                let answer = rpc.abci_query(BALANCE_METHOD, request.encode_to_vec())?;
                QueryBalanceResponse::decode(answer.as_slice())
                    .context("cannot decode the balance")?;
            }
            BalanceClient::Grpc { runtime, grpc } => {
                let request = tonic::Request::new(QueryBalanceRequest {
                    address: address.to_string(),
                    denom: denom.to_string(),
                });
                let codec = ProstCodec::<QueryBalanceRequest, QueryBalanceResponse>::default();
                runtime
                    .block_on(async {
                        grpc.ready().await.map_err(|e| anyhow!("gRPC: {e}"))?;
                        grpc.unary(request, PathAndQuery::from_static(BALANCE_METHOD), codec)
                            .await
                            .map_err(|s| anyhow!("gRPC {:?}: {}", s.code(), s.message()))
                    })
                    .map(drop)?;
            }
            BalanceClient::Rest {
                runtime,
                http,
                base,
            } => {
                let url = format!("{base}/cosmos/bank/v1beta1/balances/{address}/by_denom");
                runtime.block_on(async {
                    let answer = http
                        .get(&url)
                        .query(&[("denom", denom)])
                        .send()
                        .await
                        .map_err(|e| anyhow!("REST: {e}"))?;
                    let status = answer.status();
                    let body = answer.bytes().await.map_err(|e| anyhow!("REST: {e}"))?;
                    if !status.is_success() {
                        bail!("REST HTTP {status}");
                    }
                    let json: serde_json::Value =
                        serde_json::from_slice(&body).context("REST answer is not JSON")?;
                    json.get("balance")
                        .map(drop)
                        .ok_or_else(|| anyhow!("REST answer has no balance"))
                })?;
            }
        }
        Ok(())
    }
}
