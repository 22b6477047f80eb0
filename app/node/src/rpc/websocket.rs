//! JSON-RPC over websocket (`/websocket`): every method, plus `subscribe`, `unsubscribe` and
//! `unsubscribe_all`.
//!
//! Requests on one connection run in order, as CometBFT runs them. Each connection has one
//! writer (responses and event messages share an ordered queue, bounded in bytes by
//! `rpc.websocket_write_buffer_bytes`) and one forwarder, which matches the node's events
//! against the connection's subscriptions and never waits: a client whose queue overflows is
//! too slow and is disconnected, with the reason logged. A subscriber the node's event bus
//! overtakes has its subscriptions canceled with an error message (CometBFT's "client is not
//! pulling messages fast enough") instead of silently missing events. The server pings every
//! 9/10 of `rpc.websocket_read_wait` and drops a client that sends nothing (not even a pong)
//! for that long; a closed socket drops its subscriptions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures::{SinkExt as _, StreamExt as _};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{mpsc, watch};

use super::params::Params;
use super::query::Query;
use super::{envelope, handle_text, Id, Outcome, RpcError, Server};
use crate::config::RpcConfig;
use crate::events::Published;

/// How long a write to the socket (a message, a ping, the close frame) may take
/// (CometBFT's `writeWait`).
const WRITE_WAIT: Duration = Duration::from_secs(10);
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

/// One connection's outgoing messages, bounded in bytes. A message always fits an empty
/// queue, so one large response cannot exceed the bound by itself.
struct Outbox {
    queue: mpsc::UnboundedSender<String>,
    queued: Arc<AtomicUsize>,
    max_bytes: usize,
    /// Set (to the reason) when the connection must close.
    closed: watch::Sender<Option<String>>,
}

impl Outbox {
    /// Queues `text`; false if the connection is closing, or the queue is over its bound (the
    /// client is then disconnected as too slow).
    fn push(&self, client: u64, text: String) -> bool {
        if self.closed.borrow().is_some() {
            return false;
        }
        let len = text.len();
        let before = self.queued.fetch_add(len, Ordering::SeqCst);
        if before > 0 && before + len > self.max_bytes {
            self.queued.fetch_sub(len, Ordering::SeqCst);
            self.close(
                client,
                format!(
                    "{TOO_SLOW}: {before} bytes already queued (rpc.websocket_write_buffer_bytes is {})",
                    self.max_bytes
                ),
            );
            return false;
        }
        self.queue.send(text).is_ok()
    }

    /// Closes the connection, logging why (the first reason wins).
    fn close(&self, client: u64, reason: String) {
        self.closed.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            tracing::warn!(client, %reason, "dropping websocket client");
            *current = Some(reason);
            true
        });
    }
}

/// One websocket connection's state.
pub(crate) struct Conn {
    client: u64,
    subscribers: Arc<Subscribers>,
    subscriptions: Mutex<Vec<Subscription>>,
    out: Outbox,
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
    fn cancel_all(&self, reason: &str) {
        for id in self.unsubscribe_all() {
            let error = RpcError::server(format!("subscription was canceled (reason: {reason})"));
            tracing::debug!(client = self.client, reason, "subscription canceled");
            if !self.out.push(self.client, envelope(Some(&id), Err(error))) {
                return;
            }
        }
    }

    /// Queues the messages for `event`'s matching subscriptions, without waiting.
    fn deliver(&self, event: &Published) {
        let subs = self.subscriptions();
        let mut targets = subs.iter().filter(|s| s.active).peekable();
        if targets.peek().is_none() {
            return;
        }
        let keys = event.matched_keys();
        let messages: Vec<String> = targets
            .filter(|s| s.query.matches(keys))
            .filter_map(|s| match event.message(&s.id, &s.text) {
                Ok(message) => Some(message),
                Err(e) => {
                    tracing::error!(error = %e, "cannot encode an event for subscribers");
                    None
                }
            })
            .collect();
        drop(subs);
        for message in messages {
            if !self.out.push(self.client, message) {
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

/// Writes queued messages and pings until the queue closes, a write fails or times out, or
/// the connection is closed (then with a close frame carrying the reason).
async fn write(
    mut sink: futures::stream::SplitSink<WebSocket, Message>,
    mut queue: mpsc::UnboundedReceiver<String>,
    queued: Arc<AtomicUsize>,
    mut closed: watch::Receiver<Option<String>>,
    ping_every: Duration,
) {
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    loop {
        let message = tokio::select! {
            text = queue.recv() => match text {
                Some(text) => {
                    queued.fetch_sub(text.len(), Ordering::SeqCst);
                    Message::Text(text.into())
                }
                None => return,
            },
            _ = ping.tick() => Message::Ping(Vec::new().into()),
            _ = closed.changed() => {
                let reason = closed.borrow().clone().unwrap_or_default();
                let frame = axum::extract::ws::CloseFrame {
                    code: axum::extract::ws::close_code::POLICY,
                    reason: reason.chars().take(120).collect::<String>().into(),
                };
                let _ = tokio::time::timeout(WRITE_WAIT, sink.send(Message::Close(Some(frame)))).await;
                return;
            }
        };
        match tokio::time::timeout(WRITE_WAIT, sink.send(message)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
}

async fn connection(server: Server, socket: WebSocket) {
    let config = &server.node.config.rpc;
    let read_wait = *config.websocket_read_wait;
    let (sink, mut stream) = socket.split();
    let (out, queue) = mpsc::unbounded_channel::<String>();
    let (closed, mut closed_rx) = watch::channel(None);
    let queued = Arc::new(AtomicUsize::new(0));
    let conn = Arc::new(Conn {
        client: server.subscribers.new_client(),
        subscribers: server.subscribers.clone(),
        subscriptions: Mutex::new(Vec::new()),
        out: Outbox {
            queue: out,
            queued: queued.clone(),
            max_bytes: config.websocket_write_buffer_bytes,
            closed,
        },
    });
    tracing::debug!(client = conn.client, "websocket connected");
    let mut writer = tokio::spawn(write(
        sink,
        queue,
        queued,
        closed_rx.clone(),
        read_wait.mul_f64(0.9).max(Duration::from_millis(1)),
    ));
    let forwarder = tokio::spawn(forward(server.node.events.subscribe(), conn.clone()));
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(read_wait, stream.next()) => next,
            _ = closed_rx.changed() => break,
            _ = &mut writer => break,
        };
        let message = match next {
            Ok(Some(Ok(message))) => message,
            Ok(_) => break,
            Err(_) => {
                conn.out.close(
                    conn.client,
                    format!("nothing read for {read_wait:?} (rpc.websocket_read_wait)"),
                );
                break;
            }
        };
        let text = match message {
            Message::Text(text) => text.as_bytes().to_vec(),
            Message::Binary(bytes) => bytes.to_vec(),
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        match handle_text(&server, &text, Some(&conn)).await {
            Outcome::Reply(reply) | Outcome::Refused(reply) => {
                if !conn.out.push(conn.client, reply) {
                    break;
                }
            }
            Outcome::Nothing => {}
        }
        conn.activate();
    }
    forwarder.abort();
    // Let the writer send a close frame, if the connection was closed for a reason.
    if !writer.is_finished() && conn.out.closed.borrow().is_some() {
        let _ = tokio::time::timeout(WRITE_WAIT, &mut writer).await;
    }
    writer.abort();
    conn.unsubscribe_all();
    tracing::debug!(client = conn.client, "websocket closed");
}

/// Delivers each of the node's events to the connection's matching subscriptions.
async fn forward(mut bus: tokio::sync::broadcast::Receiver<Arc<Published>>, conn: Arc<Conn>) {
    loop {
        match bus.recv().await {
            Ok(event) => conn.deliver(&event),
            Err(RecvError::Lagged(_)) => conn.cancel_all(TOO_SLOW),
            Err(RecvError::Closed) => {
                conn.cancel_all("the node stopped");
                return;
            }
        }
    }
}
