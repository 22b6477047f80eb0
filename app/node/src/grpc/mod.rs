//! The Cosmos SDK's gRPC server (app.toml `[grpc] address`, default `127.0.0.1:9090`).
//!
//! One generic service answers every method path: [`services::call`] routes module queries and
//! Simulate to the app's [`QueryService`](agora_app::QueryService) (which reads committed
//! snapshots), and the tx, CometBFT and node services to the node; tonic does the gRPC framing
//! over axum's HTTP/2 ([`codec::Raw`] passes the message bytes through). Server reflection (v1
//! and v1alpha) lists every served service from `agora_proto::FILE_DESCRIPTOR_SET`.
//!
//! The `x-cosmos-block-height` request header reads an earlier height; every response carries
//! the height it was read at in the same header. Errors use the gRPC codes the SDK does:
//! `UNIMPLEMENTED` for an unknown method, `INVALID_ARGUMENT` for bad request bytes or
//! arguments, `NOT_FOUND` for a missing account, tx or block.

// tonic's `Status` (176 bytes) is the error every gRPC handler returns; boxing it would only
// be unboxed again at the framing.
#![allow(clippy::result_large_err)]

mod codec;
pub(crate) mod services;
mod txs;

use std::sync::Arc;

use anyhow::{Context as _, Result};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tonic::server::{Grpc, UnaryService};
use tonic::{Code, Status};

use crate::Node;

/// The request and response header of the height a query reads (the SDK's name).
pub const HEIGHT_HEADER: &str = "x-cosmos-block-height";

/// The settings of app.toml `[grpc]` and what the node's Config service reports.
#[derive(Debug, Clone)]
pub struct GrpcSettings {
    /// Largest request message, in bytes (`max-recv-msg-size`).
    pub max_recv_msg_size: usize,
    /// Largest response message, in bytes (`max-send-msg-size`).
    pub max_send_msg_size: usize,
    /// Requests answered at once; more wait.
    pub max_concurrent_requests: usize,
    /// app.toml `minimum-gas-prices`, as written there.
    pub minimum_gas_price: String,
    /// app.toml `pruning-keep-recent`.
    pub pruning_keep_recent: String,
}

/// What every request shares.
#[derive(Clone)]
pub(crate) struct Server {
    pub(crate) node: Arc<Node>,
    pub(crate) settings: Arc<GrpcSettings>,
    /// Bounds the requests answered at once (`max_concurrent_requests`).
    pub(crate) requests: Arc<tokio::sync::Semaphore>,
}

impl Server {
    /// What the gRPC server (or the REST gateway, which calls the same methods) shares.
    pub(crate) fn new(node: Arc<Node>, settings: GrpcSettings) -> Self {
        Self {
            requests: Arc::new(tokio::sync::Semaphore::new(
                settings.max_concurrent_requests.max(1),
            )),
            settings: Arc::new(settings),
            node,
        }
    }
}

/// Serves gRPC on `listener` until the process ends.
pub async fn serve(
    node: Arc<Node>,
    listener: tokio::net::TcpListener,
    settings: GrpcSettings,
) -> Result<()> {
    let server = Server::new(node, settings);
    let set = agora_proto::FILE_DESCRIPTOR_SET;
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(set)
        .build_v1()
        .context("gRPC reflection (v1)")?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(set)
        .build_v1alpha()
        .context("gRPC reflection (v1alpha)")?;
    let app = Router::new()
        .route_service(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            reflection_v1,
        )
        .route_service(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            reflection_v1alpha,
        )
        .fallback(unary)
        .with_state(server);
    axum::serve(listener, app).await?;
    Ok(())
}

/// Every other path: one unary call, answered by [`services::call`].
async fn unary(
    axum::extract::State(server): axum::extract::State<Server>,
    request: axum::extract::Request,
) -> Response {
    let Ok(_permit) = server.requests.clone().acquire_owned().await else {
        return Status::unavailable("the server is shutting down")
            .into_http()
            .into_response();
    };
    let method = Method {
        path: request.uri().path().to_string(),
        server: server.clone(),
    };
    let mut grpc = Grpc::new(codec::Raw)
        .max_decoding_message_size(server.settings.max_recv_msg_size)
        .max_encoding_message_size(server.settings.max_send_msg_size);
    grpc.unary(method, request)
        .await
        .map(axum::body::Body::new)
        .into_response()
}

/// One call of the method at `path`.
struct Method {
    path: String,
    server: Server,
}

impl UnaryService<Vec<u8>> for Method {
    type Response = Vec<u8>;
    type Future = futures::future::BoxFuture<'static, Result<tonic::Response<Vec<u8>>, Status>>;

    fn call(&mut self, request: tonic::Request<Vec<u8>>) -> Self::Future {
        let (server, path) = (self.server.clone(), std::mem::take(&mut self.path));
        Box::pin(async move {
            let started = std::time::Instant::now();
            let height =
                requested_height(request.metadata().get(HEIGHT_HEADER).map(|v| v.as_bytes()))?;
            let answer = services::call(&server, &path, request.into_inner(), height).await;
            // Label by path only for served methods, so unknown paths cannot grow the metrics.
            let served = !matches!(&answer, Err(s) if s.code() == Code::Unimplemented);
            let label = if served { path.as_str() } else { "unknown" };
            server.node.metrics.grpc_request(label, started.elapsed());
            let (bytes, height) = answer?;
            let mut response = tonic::Response::new(bytes);
            response.metadata_mut().insert(
                HEIGHT_HEADER,
                height.to_string().parse().expect("digits are ASCII"),
            );
            Ok(response)
        })
    }
}

/// A request's `x-cosmos-block-height` header value (0, the latest, when absent).
pub(crate) fn requested_height(value: Option<&[u8]>) -> Result<u64, Status> {
    let Some(value) = value else {
        return Ok(0);
    };
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|h| u64::try_from(h).ok())
        .ok_or_else(|| {
            Status::invalid_argument(format!(
                "invalid height header {HEIGHT_HEADER}: {:?} is not a non-negative whole number",
                String::from_utf8_lossy(value)
            ))
        })
}

/// The gRPC status of an SDK error, with the codes the SDK's query handlers use.
pub(crate) fn status(e: agora_core::Error) -> Status {
    use agora_core::SdkCode::*;
    let code = match (e.codespace.as_ref(), e.code) {
        ("sdk", c) if c == UnknownRequest as u32 => Code::Unimplemented,
        ("sdk", c)
            if [NotFound, KeyNotFound, UnknownAddress]
                .iter()
                .any(|k| *k as u32 == c) =>
        {
            Code::NotFound
        }
        ("sdk", c) if c == OutOfGas as u32 => Code::ResourceExhausted,
        ("sdk", c) if c == Unauthorized as u32 => Code::Unauthenticated,
        ("sdk", c)
            if [
                TxDecode,
                InvalidRequest,
                InvalidAddress,
                InvalidPubKey,
                InvalidCoins,
                InvalidType,
                InvalidHeight,
                JsonUnmarshal,
                TxTooLarge,
                InvalidChainId,
            ]
            .iter()
            .any(|k| *k as u32 == c) =>
        {
            Code::InvalidArgument
        }
        _ => Code::Unknown,
    };
    Status::new(code, e.msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_core::{Error, SdkCode};

    #[test]
    fn sdk_errors_get_the_sdk_grpc_codes() {
        let code = |e: Error| status(e).code();
        assert_eq!(
            code(Error::sdk(SdkCode::UnknownRequest, "x")),
            Code::Unimplemented
        );
        assert_eq!(
            code(Error::sdk(SdkCode::InvalidAddress, "x")),
            Code::InvalidArgument
        );
        assert_eq!(
            code(Error::sdk(SdkCode::TxDecode, "x")),
            Code::InvalidArgument
        );
        assert_eq!(code(Error::not_found("account agora1x")), Code::NotFound);
        assert_eq!(
            code(Error::sdk(SdkCode::OutOfGas, "x")),
            Code::ResourceExhausted
        );
        assert_eq!(code(Error::new("staking", 3, "x")), Code::Unknown);
    }

    #[test]
    fn the_height_header_must_be_a_whole_number() {
        assert_eq!(requested_height(None).unwrap(), 0);
        assert_eq!(requested_height(Some(b"12")).unwrap(), 12);
        for bad in ["-1", "ten", "1.5"] {
            let error = requested_height(Some(bad.as_bytes())).unwrap_err();
            assert_eq!(error.code(), Code::InvalidArgument, "{bad}");
        }
    }
}
