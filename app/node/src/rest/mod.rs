//! The Cosmos SDK's REST gateway (LCD) on app.toml `[api] address` (default
//! `127.0.0.1:1317`), for Keplr, explorers and `curl`.
//!
//! Routes are the served gRPC methods' `google.api.http` rules, read from the descriptor set
//! ([`routes`]); a request becomes the method's request message ([`request`]), is answered by
//! the same code as gRPC (`grpc::services::call`, committed snapshots), and the answer is
//! written as the SDK's gateway writes JSON (`agora_proto::json`). `x-cosmos-block-height` reads an
//! earlier height, and the response names the height read (as `x-cosmos-block-height` and the
//! gateway's `grpc-metadata-x-cosmos-block-height`). Errors are `{code, message, details}`
//! with the gRPC code and the gateway's HTTP status. `GET /openapi.json` describes every route.

mod openapi;
mod request;
mod routes;

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use prost::Message;
use serde_json::json;
use tonic::Code;

use crate::grpc::{requested_height, services, GrpcSettings, Server, HEIGHT_HEADER};
use crate::Node;
use agora_proto::json as protojson;
use routes::{Found, Routes};

/// The settings of app.toml `[api]`.
#[derive(Debug, Clone)]
pub struct RestSettings {
    /// Requests answered at once (`max-open-connections`); more wait.
    pub max_concurrent_requests: usize,
    /// Largest request body in bytes (`rpc-max-body-bytes`).
    pub max_body_bytes: usize,
    /// Whether any web origin may call the API (`enabled-unsafe-cors`).
    pub unsafe_cors: bool,
}

/// What every request shares.
#[derive(Clone)]
struct Rest {
    calls: Server,
    routes: Arc<Routes>,
    openapi: Arc<String>,
    settings: Arc<RestSettings>,
}

/// Serves the REST API on `listener` until the process ends; `grpc` are the settings the
/// node's Config method reports.
pub async fn serve(
    node: Arc<Node>,
    listener: tokio::net::TcpListener,
    settings: RestSettings,
    grpc: GrpcSettings,
) -> Result<()> {
    let routes = Routes::new(|path| services::serves(&node, path)).map_err(anyhow::Error::msg)?;
    // REST calls the gRPC methods with its own bound on requests at once.
    let grpc = GrpcSettings {
        max_concurrent_requests: settings.max_concurrent_requests,
        ..grpc
    };
    let rest = Rest {
        openapi: Arc::new(openapi::document(&routes).to_string()),
        routes: Arc::new(routes),
        settings: Arc::new(settings),
        calls: Server::new(node, grpc),
    };
    let app = Router::new().fallback(handle).with_state(rest);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn handle(
    axum::extract::State(rest): axum::extract::State<Rest>,
    request: axum::extract::Request,
) -> Response {
    let cors = rest.settings.unsafe_cors;
    let mut response = if cors && request.method() == Method::OPTIONS {
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .body(Body::empty())
            .expect("a valid response")
    } else {
        answer(&rest, request).await
    };
    if cors {
        let headers = response.headers_mut();
        for (name, value) in [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, "*"),
            (header::ACCESS_CONTROL_EXPOSE_HEADERS, HEIGHT_HEADER),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

async fn answer(rest: &Rest, request: axum::extract::Request) -> Response {
    let (verb, path) = (request.method().clone(), request.uri().path().to_string());
    if verb == Method::GET && path == "/openapi.json" {
        return respond(StatusCode::OK, rest.openapi.as_str().to_string(), None);
    }
    let Ok(_permit) = rest.calls.requests.clone().acquire_owned().await else {
        return error(Code::Unavailable, "the server is shutting down");
    };
    let (route, fields) = match rest.routes.find(&verb, &path) {
        Found::Route(route, fields) => (route, fields),
        Found::WrongMethod => {
            return with_status(
                StatusCode::METHOD_NOT_ALLOWED,
                Code::Unimplemented,
                "Method Not Allowed",
            )
        }
        Found::Nothing => return error(Code::NotFound, "Not Found"),
    };
    let started = Instant::now();
    let response = call(rest, route, &fields, request).await;
    rest.calls
        .node
        .metrics
        .rest_request(&route.template, started.elapsed());
    response
}

/// Calls `route`'s method with the request and writes its answer.
async fn call(
    rest: &Rest,
    route: &routes::Route,
    fields: &[(String, String)],
    request: axum::extract::Request,
) -> Response {
    let header = request.headers().get(HEIGHT_HEADER).map(|v| v.as_bytes());
    let height = match requested_height(header) {
        Ok(height) => height,
        Err(status) => return error(status.code(), status.message()),
    };
    let query = request.uri().query().map(str::to_string);
    let limit = rest.settings.max_body_bytes;
    let Ok(body) = axum::body::to_bytes(request.into_body(), limit).await else {
        let message =
            format!("the request body is over {limit} bytes (app.toml [api] rpc-max-body-bytes)");
        return with_status(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::ResourceExhausted,
            &message,
        );
    };
    let message = match request::build(route, fields, query.as_deref(), &body) {
        Ok(message) => message,
        Err(e) => return error(Code::InvalidArgument, &e),
    };
    let answer = services::call(
        &rest.calls,
        &route.grpc_path,
        message.encode_to_vec(),
        height,
    )
    .await;
    let (bytes, height) = match answer {
        Ok(answer) => answer,
        Err(status) => return error(status.code(), status.message()),
    };
    let output = route.output.clone();
    let encoded = agora_proto::prost_reflect::DynamicMessage::decode(output, bytes.as_slice())
        .map_err(|e| e.to_string())
        .and_then(|m| protojson::to_json(&m));
    match encoded {
        Ok(value) => respond(StatusCode::OK, value.to_string(), Some(height)),
        Err(e) => error(
            Code::Internal,
            &format!("cannot write the answer as JSON: {e}"),
        ),
    }
}

fn respond(status: StatusCode, body: String, height: Option<u64>) -> Response {
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("a valid response");
    if let Some(height) = height {
        let value = HeaderValue::from(height);
        let headers = response.headers_mut();
        headers.insert(HEIGHT_HEADER, value.clone());
        headers.insert("grpc-metadata-x-cosmos-block-height", value);
    }
    response
}

/// The gateway's error body, with the HTTP status it gives `code`.
fn error(code: Code, message: &str) -> Response {
    with_status(http_status(code), code, message)
}

fn with_status(status: StatusCode, code: Code, message: &str) -> Response {
    let body = json!({"code": code as i32, "message": message, "details": []});
    respond(status, body.to_string(), None)
}

/// grpc-gateway's HTTP status of a gRPC code (`runtime.HTTPStatusFromCode`).
fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::REQUEST_TIMEOUT,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
