//! The method table: each method's name, its parameter names (which give positional `params`
//! their meaning and URI calls their arguments) and its handler.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::params::Params;
use super::websocket::{self, Conn};
use super::{abci, blocks, info, txs, Id, RpcError, Server};
use crate::Node;

/// A handler that reads the store or the app: run on the blocking pool.
type Blocking = fn(&Node, &Params) -> Result<String, RpcError>;

/// How a method runs.
#[derive(Clone, Copy)]
enum Handler {
    Blocking(Blocking),
    BroadcastAsync,
    BroadcastSync,
    BroadcastCommit,
    /// `subscribe`, `unsubscribe`, `unsubscribe_all`: websocket only.
    Subscription,
}

/// One RPC method.
pub(crate) struct Method {
    /// Its name.
    pub(crate) name: &'static str,
    /// Its parameters, in positional order.
    pub(crate) args: &'static [&'static str],
    /// Only callable over a websocket.
    pub(crate) ws_only: bool,
    handler: Handler,
}

const fn method(name: &'static str, args: &'static [&'static str], handler: Handler) -> Method {
    Method {
        name,
        args,
        ws_only: matches!(handler, Handler::Subscription),
        handler,
    }
}

static METHODS: &[Method] = &[
    method("health", &[], Handler::Blocking(info::health)),
    method("status", &[], Handler::Blocking(info::status)),
    method("genesis", &[], Handler::Blocking(info::genesis)),
    method(
        "genesis_chunked",
        &["chunk"],
        Handler::Blocking(info::genesis_chunked),
    ),
    method(
        "validators",
        &["height", "page", "per_page"],
        Handler::Blocking(info::validators),
    ),
    method(
        "consensus_params",
        &["height"],
        Handler::Blocking(info::consensus_params),
    ),
    method("abci_info", &[], Handler::Blocking(abci::info)),
    method(
        "abci_query",
        &["path", "data", "height", "prove"],
        Handler::Blocking(abci::query),
    ),
    method("block", &["height"], Handler::Blocking(blocks::block)),
    method(
        "block_by_hash",
        &["hash"],
        Handler::Blocking(blocks::block_by_hash),
    ),
    method(
        "block_results",
        &["height"],
        Handler::Blocking(blocks::block_results),
    ),
    method(
        "block_search",
        &["query", "page", "per_page", "order_by"],
        Handler::Blocking(blocks::search),
    ),
    method(
        "blockchain",
        &["minHeight", "maxHeight"],
        Handler::Blocking(blocks::blockchain),
    ),
    method("header", &["height"], Handler::Blocking(blocks::header)),
    method(
        "header_by_hash",
        &["hash"],
        Handler::Blocking(blocks::header_by_hash),
    ),
    method("commit", &["height"], Handler::Blocking(blocks::commit)),
    method("tx", &["hash", "prove"], Handler::Blocking(txs::tx)),
    method(
        "tx_search",
        &["query", "prove", "page", "per_page", "order_by"],
        Handler::Blocking(txs::search),
    ),
    method(
        "unconfirmed_txs",
        &["limit"],
        Handler::Blocking(txs::unconfirmed),
    ),
    method(
        "num_unconfirmed_txs",
        &[],
        Handler::Blocking(txs::num_unconfirmed),
    ),
    method("broadcast_tx_async", &["tx"], Handler::BroadcastAsync),
    method("broadcast_tx_sync", &["tx"], Handler::BroadcastSync),
    method("broadcast_tx_commit", &["tx"], Handler::BroadcastCommit),
    method("subscribe", &["query"], Handler::Subscription),
    method("unsubscribe", &["query"], Handler::Subscription),
    method("unsubscribe_all", &[], Handler::Subscription),
];

/// The method called `name`.
pub(crate) fn find(name: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.name == name)
}

thread_local! {
    /// Set, on a blocking-pool thread running a handler, once its request is gone.
    static GONE: std::cell::RefCell<Option<Arc<AtomicBool>>> = const { std::cell::RefCell::new(None) };
}

/// Sets its flag when dropped: when the request future is dropped because its client
/// disconnected or `timeout_write` passed (or, harmlessly, once it finished).
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// An error once the request the calling handler serves is gone, so long scans stop.
pub(crate) fn ensure_live() -> Result<(), RpcError> {
    let gone = GONE.with(|g| {
        g.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    });
    if gone {
        return Err(RpcError::internal(
            "the request was canceled (client gone or rpc.timeout_write passed)",
        ));
    }
    Ok(())
}

/// Runs `f` on the blocking pool (store reads and the app lock can take milliseconds); `f`
/// can check [`ensure_live`] to stop once nobody waits for its answer.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, RpcError>
where
    F: FnOnce() -> Result<T, RpcError> + Send + 'static,
    T: Send + 'static,
{
    let gone = Arc::new(AtomicBool::new(false));
    let _guard = SetOnDrop(gone.clone());
    tokio::task::spawn_blocking(move || {
        GONE.with(|g| *g.borrow_mut() = Some(gone));
        let outcome = f();
        GONE.with(|g| *g.borrow_mut() = None);
        outcome
    })
    .await
    .map_err(|e| RpcError::internal(format!("the handler failed: {e}")))?
}

/// Calls a method found with [`find`]; `conn` is the websocket the call came on, if any.
pub(crate) async fn call(
    server: &Server,
    conn: Option<&Conn>,
    id: &Id,
    spec: &Method,
    params: Params,
) -> Result<String, RpcError> {
    let transport = if conn.is_some() { "websocket" } else { "http" };
    tracing::debug!(method = spec.name, transport, ?params, "rpc request");
    let config = &server.node.config.rpc;
    let timeout = match spec.handler {
        Handler::BroadcastCommit => {
            *config.timeout_broadcast_tx_commit + std::time::Duration::from_secs(1)
        }
        _ => *config.timeout_write,
    };
    let run = async {
        // Waiting for a permit counts against the request's time. `broadcast_tx_commit`
        // mostly waits for a block; `max_subscription_clients` bounds it instead.
        let _permit = match spec.handler {
            Handler::BroadcastCommit => None,
            _ => Some(
                server
                    .requests
                    .acquire()
                    .await
                    .map_err(|_| RpcError::internal("the server is shutting down"))?,
            ),
        };
        run(server, conn, id, spec, params).await
    };
    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(timeout, run)
        .await
        .unwrap_or_else(|_| {
            Err(RpcError::internal(format!(
                "{} did not finish within {timeout:?} (rpc.timeout_write)",
                spec.name
            )))
        });
    server.node.metrics.rpc(spec.name, started.elapsed());
    outcome
}

async fn run(
    server: &Server,
    conn: Option<&Conn>,
    id: &Id,
    spec: &Method,
    params: Params,
) -> Result<String, RpcError> {
    let node = server.node.clone();
    match spec.handler {
        Handler::Blocking(f) => blocking(move || f(&node, &params)).await,
        Handler::BroadcastAsync => txs::broadcast(&node, &params, false).await,
        Handler::BroadcastSync => txs::broadcast(&node, &params, true).await,
        Handler::BroadcastCommit => {
            txs::broadcast_commit(&node, &server.subscribers, &params).await
        }
        Handler::Subscription => match conn {
            Some(conn) => websocket::call(conn, id, spec.name, &params).await,
            None => Err(RpcError::method_not_found()),
        },
    }
}

/// What `GET /` shows: the methods and their arguments, as CometBFT lists them.
pub(crate) fn list_page() -> Response {
    let mut html = String::from("<html><body><br>Available endpoints:<br>");
    for m in METHODS.iter().filter(|m| !m.ws_only) {
        let args: Vec<String> = m.args.iter().map(|a| format!("{a}=_")).collect();
        let link = if args.is_empty() {
            format!("/{}", m.name)
        } else {
            format!("/{}?{}", m.name, args.join("&amp;"))
        };
        html.push_str(&format!("<a href=\"{link}\">{link}</a></br>"));
    }
    html.push_str("<br>Websocket (JSON-RPC): /websocket, with subscribe?query=_, unsubscribe?query=_, unsubscribe_all</body></html>");
    ([(header::CONTENT_TYPE, "text/html")], html).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[tokio::test]
    async fn blocking_work_stops_once_its_request_is_gone() {
        let steps = Arc::new(AtomicUsize::new(0));
        let counted = steps.clone();
        let work = blocking(move || -> Result<(), RpcError> {
            loop {
                ensure_live()?;
                counted.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        assert!(tokio::time::timeout(Duration::from_millis(50), work)
            .await
            .is_err());
        tokio::time::sleep(Duration::from_millis(20)).await;
        let stopped_at = steps.load(Ordering::SeqCst);
        assert!(stopped_at > 0);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(steps.load(Ordering::SeqCst), stopped_at);
    }
}
