//! JSON-RPC over websocket (`/websocket`): every method, plus `subscribe`, `unsubscribe` and
//! `unsubscribe_all`.
//!
//! Requests on one connection run in order, as CometBFT runs them. Each connection has one
//! writer (responses and event messages share an ordered queue) and one forwarder, which
//! matches the node's events against the connection's subscriptions. A subscriber that falls
//! behind (its queue stays full, or the node's event bus overtakes it) has its subscriptions
//! canceled with an error message instead of silently missing events; a closed socket drops
//! its subscriptions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures::{SinkExt as _, StreamExt as _};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use super::events::Prepared;
use super::params::Params;
use super::query::Query;
use super::{envelope, handle_text, Id, Outcome, RpcError, Server};
use crate::config::RpcConfig;
use crate::events::NodeEvent;

/// Messages queued for one connection's socket.
const QUEUE: usize = 512;
/// How long an event message may wait for room in a full queue before the subscriber counts
/// as not keeping up.
const QUEUE_PATIENCE: Duration = Duration::from_secs(2);
/// Why a lagging subscriber's subscriptions end (CometBFT's words).
const TOO_SLOW: &str = "client is not pulling messages fast enough";

/// Subscription counts per client, against `max_subscription_clients` and
/// `max_subscriptions_per_client`.
pub(crate) struct Subscribers {
    max_clients: usize,
    max_per_client: usize,
    counts: Mutex<HashMap<u64, usize>>,
    next_client: AtomicU64,
}

impl Subscribers {
    /// No subscribers yet, with the limits of `[rpc]`.
    pub(crate) fn new(config: &RpcConfig) -> Self {
        Self {
            max_clients: config.max_subscription_clients,
            max_per_client: config.max_subscriptions_per_client,
            counts: Mutex::new(HashMap::new()),
            next_client: AtomicU64::new(0),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<u64, usize>> {
        self.counts.lock().expect("subscriber counts poisoned")
    }

    fn new_client(&self) -> u64 {
        self.next_client.fetch_add(1, Ordering::Relaxed)
    }

    /// Counts one more subscription for `client`, if the limits allow it.
    fn add(&self, client: u64) -> Result<(), String> {
        let mut counts = self.counts();
        let mine = counts.get(&client).copied().unwrap_or(0);
        if mine == 0 && counts.len() >= self.max_clients {
            return Err(format!(
                "max_subscription_clients {} reached",
                self.max_clients
            ));
        }
        if mine >= self.max_per_client {
            return Err(format!(
                "max_subscriptions_per_client {} reached",
                self.max_per_client
            ));
        }
        counts.insert(client, mine + 1);
        Ok(())
    }

    /// Forgets `n` of `client`'s subscriptions.
    fn remove(&self, client: u64, n: usize) {
        let mut counts = self.counts();
        if let Some(count) = counts.get_mut(&client) {
            *count = count.saturating_sub(n);
            if *count == 0 {
                counts.remove(&client);
            }
        }
    }

    /// A subscription for one `broadcast_tx_commit`, counted until the guard drops.
    pub(crate) fn reserve_one_shot(self: &Arc<Self>) -> Result<OneShot, String> {
        let client = self.new_client();
        self.add(client)?;
        Ok(OneShot {
            subscribers: self.clone(),
            client,
        })
    }
}

/// A counted one-shot subscription; dropping it uncounts it.
pub(crate) struct OneShot {
    subscribers: Arc<Subscribers>,
    client: u64,
}

impl Drop for OneShot {
    fn drop(&mut self) {
        self.subscribers.remove(self.client, 1);
    }
}

struct Subscription {
    id: Id,
    query: Query,
    text: String,
    /// False until the `subscribe` reply is queued, so no event overtakes it.
    active: bool,
}

/// One websocket connection's state.
pub(crate) struct Conn {
    client: u64,
    subscribers: Arc<Subscribers>,
    subscriptions: Mutex<Vec<Subscription>>,
    out: mpsc::Sender<String>,
}

impl Conn {
    fn subscriptions(&self) -> std::sync::MutexGuard<'_, Vec<Subscription>> {
        self.subscriptions.lock().expect("subscriptions poisoned")
    }

    fn subscribe(&self, id: &Id, text: &str) -> Result<(), RpcError> {
        let query = Query::parse(text).map_err(RpcError::internal)?;
        let canonical = query.to_string();
        let mut subs = self.subscriptions();
        if subs.iter().any(|s| s.text == canonical) {
            return Err(RpcError::internal("already subscribed"));
        }
        self.subscribers
            .add(self.client)
            .map_err(RpcError::internal)?;
        tracing::debug!(client = self.client, query = %canonical, "subscribe");
        subs.push(Subscription {
            id: id.clone(),
            query,
            text: canonical,
            active: false,
        });
        Ok(())
    }

    fn unsubscribe(&self, text: &str) -> Result<(), RpcError> {
        let canonical = Query::parse(text).map_err(RpcError::internal)?.to_string();
        let mut subs = self.subscriptions();
        let before = subs.len();
        subs.retain(|s| s.text != canonical);
        if subs.len() == before {
            return Err(RpcError::internal("subscription not found"));
        }
        self.subscribers.remove(self.client, before - subs.len());
        Ok(())
    }

    /// Drops every subscription; returns their ids.
    fn unsubscribe_all(&self) -> Vec<Id> {
        let dropped: Vec<Subscription> = self.subscriptions().drain(..).collect();
        self.subscribers.remove(self.client, dropped.len());
        dropped.into_iter().map(|s| s.id).collect()
    }

    fn activate(&self) {
        for sub in self.subscriptions().iter_mut() {
            sub.active = true;
        }
    }

    /// Cancels every subscription, telling the client why.
    async fn cancel_all(&self, reason: &str) {
        for id in self.unsubscribe_all() {
            let error = RpcError::server(format!("subscription was canceled (reason: {reason})"));
            tracing::debug!(client = self.client, reason, "subscription canceled");
            if self
                .out
                .send(envelope(Some(&id), Err(error)))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let n = self.subscriptions().len();
        self.subscribers.remove(self.client, n);
    }
}

/// `subscribe`, `unsubscribe` and `unsubscribe_all` on connection `conn`.
pub(crate) async fn call(
    conn: &Conn,
    id: &Id,
    method: &str,
    p: &Params,
) -> Result<String, RpcError> {
    match method {
        "subscribe" => conn.subscribe(id, &p.string("query")?.unwrap_or_default())?,
        "unsubscribe" => conn.unsubscribe(&p.string("query")?.unwrap_or_default())?,
        _ => {
            if conn.unsubscribe_all().is_empty() {
                return Err(RpcError::internal("subscription not found"));
            }
        }
    }
    Ok("{}".into())
}

/// `GET /websocket`: upgrades, with messages limited to `rpc.max_body_bytes`.
pub(crate) async fn upgrade(State(server): State<Server>, ws: WebSocketUpgrade) -> Response {
    let limit = usize::try_from(server.node.config.rpc.max_body_bytes).unwrap_or(usize::MAX);
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| connection(server, socket))
}

async fn connection(server: Server, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (out, mut queue) = mpsc::channel::<String>(QUEUE);
    let conn = Arc::new(Conn {
        client: server.subscribers.new_client(),
        subscribers: server.subscribers.clone(),
        subscriptions: Mutex::new(Vec::new()),
        out,
    });
    tracing::debug!(client = conn.client, "websocket connected");
    let writer = tokio::spawn(async move {
        while let Some(text) = queue.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    let forwarder = tokio::spawn(forward(server.node.events.subscribe(), conn.clone()));
    while let Some(Ok(message)) = stream.next().await {
        let text = match message {
            Message::Text(text) => text.as_bytes().to_vec(),
            Message::Binary(bytes) => bytes.to_vec(),
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        match handle_text(&server, &text, Some(&conn)).await {
            Outcome::Reply(reply) | Outcome::ParseError(reply) => {
                if conn.out.send(reply).await.is_err() {
                    break;
                }
            }
            Outcome::Nothing => {}
        }
        conn.activate();
    }
    forwarder.abort();
    writer.abort();
    conn.unsubscribe_all();
    tracing::debug!(client = conn.client, "websocket closed");
}

/// Sends each of the node's events to the connection's matching subscriptions.
async fn forward(mut bus: tokio::sync::broadcast::Receiver<NodeEvent>, conn: Arc<Conn>) {
    loop {
        let event = match bus.recv().await {
            Ok(event) => event,
            Err(RecvError::Lagged(_)) => {
                conn.cancel_all(TOO_SLOW).await;
                continue;
            }
            Err(RecvError::Closed) => {
                conn.cancel_all("the node stopped").await;
                return;
            }
        };
        let targets: Vec<(Id, String, Query)> = conn
            .subscriptions()
            .iter()
            .filter(|s| s.active)
            .map(|s| (s.id.clone(), s.text.clone(), s.query.clone()))
            .collect();
        if targets.is_empty() {
            continue;
        }
        let prepared = match Prepared::new(&event) {
            Ok(prepared) => prepared,
            Err(e) => {
                tracing::error!(error = ?e, "cannot encode an event for subscribers");
                continue;
            }
        };
        for (id, text, query) in targets {
            if !query.matches(&prepared.keys) {
                continue;
            }
            match tokio::time::timeout(QUEUE_PATIENCE, conn.out.send(prepared.message(&id, &text)))
                .await
            {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return,
                Err(_) => {
                    conn.cancel_all(TOO_SLOW).await;
                    break;
                }
            }
        }
    }
}
