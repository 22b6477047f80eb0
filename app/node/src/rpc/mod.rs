//! CometBFT v0.38 JSON-RPC over HTTP (POST JSON-RPC and GET URI) and websocket (`/websocket`).
//!
//! - `POST /`: a JSON-RPC 2.0 request or a batch of them.
//! - `GET /<method>?arg=value`: CometBFT's URI form, answered with `"id": -1`.
//! - `GET /websocket`: JSON-RPC over websocket, plus `subscribe`, `unsubscribe` and
//!   `unsubscribe_all`.
//!
//! Results are written in the JSON shapes CometBFT v0.38 writes (see [`json`]); errors carry
//! CometBFT's codes and messages. Batches run in order, at most `max_request_batch_size`
//! requests each; [`limits`] holds the connection, concurrency and CORS limits.

mod abci;
mod blocks;
mod events;
mod info;
mod json;
mod limits;
mod methods;
mod params;
mod query;
mod search;
mod txs;
mod websocket;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use serde::Serialize;
use serde_json::Value;

use crate::Node;
pub(crate) use events::Encodings;
pub(crate) use info::{indexing, CHANNELS};
use params::Params;
pub(crate) use txs::search_positions;

/// A JSON-RPC error as CometBFT writes it: `{"code":…,"message":…,"data":…}`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RpcError {
    code: i32,
    message: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    data: String,
}

impl RpcError {
    fn new(code: i32, message: &'static str, data: impl Into<String>) -> Self {
        Self {
            code,
            message,
            data: data.into(),
        }
    }

    /// -32700: the body is not JSON.
    pub(crate) fn parse(data: impl Into<String>) -> Self {
        Self::new(-32700, "Parse error. Invalid JSON", data)
    }

    /// -32600: JSON, but not a JSON-RPC request (or a body too large to read).
    pub(crate) fn invalid_request(data: impl Into<String>) -> Self {
        Self::new(-32600, "Invalid Request", data)
    }

    /// -32601: no such method.
    pub(crate) fn method_not_found() -> Self {
        Self::new(-32601, "Method not found", "")
    }

    /// -32602: a parameter cannot be decoded.
    pub(crate) fn invalid_params(data: impl Into<String>) -> Self {
        Self::new(-32602, "Invalid params", data)
    }

    /// -32603: the method failed; `data` says why.
    pub(crate) fn internal(data: impl Into<String>) -> Self {
        Self::new(-32603, "Internal error", data)
    }

    /// -32000: a server-side condition, e.g. a subscription canceled.
    pub(crate) fn server(data: impl Into<String>) -> Self {
        Self::new(-32000, "Server error", data)
    }
}

impl From<anyhow::Error> for RpcError {
    fn from(e: anyhow::Error) -> Self {
        Self::internal(format!("{e:#}"))
    }
}

/// A JSON-RPC request id: CometBFT accepts integers and strings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Id {
    /// A numeric id.
    Num(i64),
    /// A string id.
    Str(String),
}

impl Id {
    fn json(&self) -> String {
        match self {
            Id::Num(n) => n.to_string(),
            Id::Str(s) => Value::String(s.clone()).to_string(),
        }
    }
}

/// One JSON-RPC response: `{"jsonrpc":"2.0","id":…,"result":…}` or `…,"error":…}`. `result`
/// is already JSON text, so fields keep CometBFT's order.
pub(crate) fn envelope(id: Option<&Id>, outcome: Result<String, RpcError>) -> String {
    let id = id
        .map(|id| format!(",\"id\":{}", id.json()))
        .unwrap_or_default();
    match outcome {
        Ok(result) => format!("{{\"jsonrpc\":\"2.0\"{id},\"result\":{result}}}"),
        Err(error) => {
            let error = serde_json::to_string(&error).expect("an error serializes");
            format!("{{\"jsonrpc\":\"2.0\"{id},\"error\":{error}}}")
        }
    }
}

/// Serializes a result.
pub(crate) fn to_json(value: &impl Serialize) -> Result<String, RpcError> {
    serde_json::to_string(value)
        .map_err(|e| RpcError::internal(format!("cannot encode the result: {e}")))
}

/// What the server shares between requests.
#[derive(Clone)]
pub(crate) struct Server {
    node: Arc<Node>,
    subscribers: Arc<websocket::Subscribers>,
    /// Permits for requests running at once (`max_concurrent_requests`).
    requests: Arc<tokio::sync::Semaphore>,
}

/// Serves the RPC on `listener` until the process ends.
pub async fn serve(node: Arc<Node>, listener: tokio::net::TcpListener) -> Result<()> {
    let config = &node.config.rpc;
    let cors = limits::Cors::new(config);
    let idle = (*config.timeout_idle)
        .max(*config.websocket_read_wait)
        .max(*config.timeout_broadcast_tx_commit + std::time::Duration::from_secs(1));
    let listener = limits::LimitedListener::new(listener, config.max_open_connections, idle);
    let server = Server {
        subscribers: Arc::new(websocket::Subscribers::new(config)),
        requests: Arc::new(tokio::sync::Semaphore::new(
            config.max_concurrent_requests.max(1),
        )),
        node,
    };
    tracing::info!(addr = %axum::serve::Listener::local_addr(&listener)?, "serving the CometBFT JSON-RPC");
    let app = Router::new()
        .route("/", any(json_rpc))
        .route("/websocket", get(websocket::upgrade))
        .route("/{method}", any(uri_call))
        .with_state(server)
        .layer(axum::middleware::from_fn_with_state(cors, limits::cors));
    axum::serve(listener, app).await?;
    Ok(())
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// What a body of JSON-RPC text comes to.
pub(crate) enum Outcome {
    /// A response (or a batch of them) to send.
    Reply(String),
    /// An error for the whole body (not JSON, or a batch too large): sent with HTTP 500.
    Refused(String),
    /// Only notifications: nothing to send.
    Nothing,
}

/// Handles the text of a JSON-RPC request or batch, from HTTP or a websocket.
pub(crate) async fn handle_text(
    server: &Server,
    text: &[u8],
    conn: Option<&websocket::Conn>,
) -> Outcome {
    let value: Value = match serde_json::from_slice(text) {
        Ok(v) => v,
        Err(e) => {
            let error = RpcError::parse(format!("error unmarshaling request: {e}"));
            return Outcome::Refused(envelope(None, Err(error)));
        }
    };
    match value {
        Value::Array(items) if items.is_empty() => Outcome::Reply(envelope(
            None,
            Err(RpcError::invalid_request("empty batch")),
        )),
        Value::Array(items) => {
            let max = server.node.config.rpc.max_request_batch_size;
            if max > 0 && items.len() > max {
                let error = RpcError::invalid_request(format!(
                    "batch request exceeds maximum ({max}) allowed number of requests"
                ));
                return Outcome::Refused(envelope(None, Err(error)));
            }
            // In order, one after another, as CometBFT runs a batch.
            let mut replies = Vec::with_capacity(items.len());
            for item in items {
                replies.extend(handle_one(server, item, conn).await);
            }
            if replies.is_empty() {
                Outcome::Nothing
            } else {
                Outcome::Reply(format!("[{}]", replies.join(",")))
            }
        }
        single => match handle_one(server, single, conn).await {
            Some(reply) => Outcome::Reply(reply),
            None => Outcome::Nothing,
        },
    }
}

/// A JSON-RPC request's parts.
#[derive(Debug)]
struct Request {
    /// None for a notification.
    id: Option<Id>,
    method: String,
    params: Option<Value>,
}

/// Why a request was refused, with its id if one was readable.
type Refusal = (Option<Id>, RpcError);

/// A request's parts, or why it is not a request.
fn parse_request(value: Value) -> Result<Request, Refusal> {
    let Value::Object(mut object) = value else {
        return Err((
            None,
            RpcError::invalid_request(format!("a request must be a JSON object, got {value}")),
        ));
    };
    let id = match object.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(Id::Str(s)),
        Some(Value::Number(n)) => match n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)) {
            Some(n) => Some(Id::Num(n)),
            None => {
                return Err((
                    None,
                    RpcError::invalid_request(format!("json-rpc ID ({n}) is of unknown type")),
                ))
            }
        },
        Some(other) => {
            return Err((
                None,
                RpcError::invalid_request(format!("json-rpc ID ({other}) is of unknown type")),
            ))
        }
    };
    match object.remove("method") {
        Some(Value::String(method)) => Ok(Request {
            id,
            method,
            params: object.remove("params"),
        }),
        _ => Err((
            id,
            RpcError::invalid_request("the request has no \"method\" string"),
        )),
    }
}

async fn handle_one(
    server: &Server,
    value: Value,
    conn: Option<&websocket::Conn>,
) -> Option<String> {
    let Request { id, method, params } = match parse_request(value) {
        Ok(request) => request,
        Err((id, error)) => return Some(envelope(id.as_ref(), Err(error))),
    };
    // A request without an id is a notification: CometBFT runs nothing and answers nothing.
    let id = id?;
    let Some(spec) = methods::find(&method).filter(|m| conn.is_some() || !m.ws_only) else {
        return Some(envelope(Some(&id), Err(RpcError::method_not_found())));
    };
    let outcome = match Params::from_json(spec.args, params) {
        Ok(params) => methods::call(server, conn, &id, spec, params).await,
        Err(e) => Err(e),
    };
    Some(envelope(Some(&id), outcome))
}

/// `/`: JSON-RPC. An empty body (a browser's GET) gets the list of methods.
async fn json_rpc(State(server): State<Server>, request: axum::extract::Request) -> Response {
    let limit = usize::try_from(server.node.config.rpc.max_body_bytes).unwrap_or(usize::MAX);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let too_large = || {
        let error = RpcError::invalid_request(format!(
            "error reading request body: http: request body too large (rpc.max_body_bytes is {limit})"
        ));
        json_response(StatusCode::BAD_REQUEST, envelope(None, Err(error)))
    };
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let body = match axum::body::to_bytes(request.into_body(), limit).await {
        Ok(body) => body,
        Err(_) => return too_large(),
    };
    if body.is_empty() {
        return methods::list_page();
    }
    match handle_text(&server, &body, None).await {
        Outcome::Reply(text) => json_response(StatusCode::OK, text),
        Outcome::Refused(text) => json_response(StatusCode::INTERNAL_SERVER_ERROR, text),
        Outcome::Nothing => StatusCode::OK.into_response(),
    }
}

/// `/<method>?…`: CometBFT's URI form.
async fn uri_call(
    State(server): State<Server>,
    Path(method): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let id = Id::Num(-1);
    let Some(spec) = methods::find(&method).filter(|m| !m.ws_only) else {
        return json_response(
            StatusCode::NOT_FOUND,
            envelope(Some(&id), Err(RpcError::method_not_found())),
        );
    };
    let params = match query {
        Ok(Query(query)) => Params::from_uri(query),
        Err(e) => {
            let error =
                RpcError::invalid_params(format!("error converting http params to arguments: {e}"));
            return json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                envelope(Some(&id), Err(error)),
            );
        }
    };
    match methods::call(&server, None, &id, spec, params).await {
        Ok(result) => json_response(StatusCode::OK, envelope(Some(&id), Ok(result))),
        Err(error) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            envelope(Some(&id), Err(error)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_are_cometbft_shaped() {
        assert_eq!(
            envelope(Some(&Id::Num(3)), Ok("{}".into())),
            r#"{"jsonrpc":"2.0","id":3,"result":{}}"#
        );
        assert_eq!(
            envelope(
                Some(&Id::Str("a\"b".into())),
                Err(RpcError::method_not_found())
            ),
            r#"{"jsonrpc":"2.0","id":"a\"b","error":{"code":-32601,"message":"Method not found"}}"#
        );
        assert_eq!(
            envelope(None, Err(RpcError::internal("tx already exists in cache"))),
            r#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error","data":"tx already exists in cache"}}"#
        );
    }

    #[test]
    fn requests_are_validated() {
        let request = parse_request(serde_json::json!(
            {"jsonrpc": "2.0", "id": 7.0, "method": "block", "params": {"height": "1"}}
        ))
        .unwrap();
        assert_eq!(
            (request.id, request.method.as_str()),
            (Some(Id::Num(7)), "block")
        );
        assert!(request.params.is_some());
        let notification = parse_request(serde_json::json!({"method": "health"})).unwrap();
        assert_eq!(notification.id, None);
        assert_eq!(
            parse_request(serde_json::json!([1])).unwrap_err().1.code,
            -32600
        );
        let (id, error) = parse_request(serde_json::json!({"id": "x"})).unwrap_err();
        assert_eq!((id, error.code), (Some(Id::Str("x".into())), -32600));
        assert_eq!(
            parse_request(serde_json::json!({"id": true, "method": "health"}))
                .unwrap_err()
                .1
                .code,
            -32600
        );
    }
}
