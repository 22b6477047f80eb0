//! The server's limits: `max_open_connections` (a listener that stops accepting at the
//! limit, as CometBFT's `netutil.LimitListener`), `timeout_idle` (a connection without
//! traffic is closed), `max_concurrent_requests`, and CORS from
//! `cors_allowed_origins`, `cors_allowed_methods` and `cors_allowed_headers` (as CometBFT's
//! rs/cors: preflights answered with 204, the origin echoed, or `*` when any is allowed).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future as _;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::RpcConfig;

/// A TCP listener that holds at most `max_open_connections` connections open at once;
/// beyond that, new connections wait in the kernel's backlog until one closes.
pub(crate) struct LimitedListener {
    listener: TcpListener,
    slots: Option<Arc<Semaphore>>,
    idle: Duration,
}

impl LimitedListener {
    /// `listener`, limited to `max` open connections (0: no limit), each closed after
    /// `idle` without traffic.
    pub(crate) fn new(listener: TcpListener, max: usize, idle: Duration) -> Self {
        Self {
            listener,
            slots: (max > 0).then(|| Arc::new(Semaphore::new(max))),
            idle,
        }
    }
}

/// An accepted connection, holding its slot until it closes.
pub(crate) struct Limited {
    stream: TcpStream,
    _slot: Option<OwnedSemaphorePermit>,
    idle: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl Limited {
    /// After progress: the idle deadline moves on.
    fn touch(&mut self) {
        let next = tokio::time::Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }

    /// While waiting: an error once the connection has been idle too long.
    fn check_idle(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection idle beyond rpc.timeout_idle",
            )),
            Poll::Pending => Ok(()),
        }
    }
}

impl axum::serve::Listener for LimitedListener {
    type Io = Limited;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Limited, SocketAddr) {
        let slot = match &self.slots {
            Some(slots) => Some(
                slots
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the slots are never closed"),
            ),
            None => None,
        };
        loop {
            match self.listener.accept().await {
                Ok((stream, addr)) => {
                    return (
                        Limited {
                            stream,
                            _slot: slot,
                            idle: self.idle,
                            deadline: Box::pin(tokio::time::sleep(self.idle)),
                        },
                        addr,
                    )
                }
                Err(e) => {
                    // As axum's own listener: per-connection errors are not fatal.
                    tracing::debug!(error = %e, "rpc accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl AsyncRead for Limited {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Pending => match self.check_idle(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            },
            ready => {
                self.touch();
                ready
            }
        }
    }
}

impl AsyncWrite for Limited {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, buf) {
            Poll::Pending => match self.check_idle(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            },
            ready => {
                self.touch();
                ready
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write_vectored(cx, bufs) {
            Poll::Pending => match self.check_idle(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            },
            ready => {
                self.touch();
                ready
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The CORS policy of `[rpc]`.
#[derive(Debug, Clone)]
pub(crate) struct Cors {
    origins: Vec<String>,
    any_origin: bool,
    methods: Vec<String>,
    headers: Vec<String>,
}

impl Cors {
    /// The policy, or `None` when `cors_allowed_origins` is empty (CORS off).
    pub(crate) fn new(config: &RpcConfig) -> Option<Arc<Self>> {
        if config.cors_allowed_origins.is_empty() {
            return None;
        }
        Some(Arc::new(Self {
            any_origin: config.cors_allowed_origins.iter().any(|o| o == "*"),
            origins: config
                .cors_allowed_origins
                .iter()
                .map(|o| o.to_ascii_lowercase())
                .collect(),
            methods: config
                .cors_allowed_methods
                .iter()
                .map(|m| m.to_ascii_uppercase())
                .collect(),
            headers: config
                .cors_allowed_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
        }))
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        self.any_origin
            || self
                .origins
                .iter()
                .any(|allowed| match allowed.split_once('*') {
                    Some((prefix, suffix)) => {
                        origin.len() >= prefix.len() + suffix.len()
                            && origin.starts_with(prefix)
                            && origin.ends_with(suffix)
                    }
                    None => *allowed == origin,
                })
    }

    fn allow_origin(&self, origin: &str) -> HeaderValue {
        if self.any_origin {
            HeaderValue::from_static("*")
        } else {
            HeaderValue::from_str(origin).unwrap_or(HeaderValue::from_static("null"))
        }
    }

    /// The answer to a preflight: 204 with the allowed origin, method and headers, or 204
    /// without them when the preflight asks for something not allowed.
    fn preflight(&self, request: &Request) -> Response {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let h = response.headers_mut();
        for vary in [
            "Origin",
            "Access-Control-Request-Method",
            "Access-Control-Request-Headers",
        ] {
            h.append(header::VARY, HeaderValue::from_static(vary));
        }
        let get = |name: header::HeaderName| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let origin = get(header::ORIGIN);
        let method = get(header::ACCESS_CONTROL_REQUEST_METHOD).to_ascii_uppercase();
        let asked = get(header::ACCESS_CONTROL_REQUEST_HEADERS);
        let headers_ok = asked
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .all(|h| self.headers.iter().any(|a| a == "*" || *a == h));
        if !self.origin_allowed(&origin) || !self.methods.contains(&method) || !headers_ok {
            return response;
        }
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            self.allow_origin(&origin),
        );
        if let Ok(method) = HeaderValue::from_str(&method) {
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method);
        }
        if !asked.is_empty() {
            if let Ok(asked) = HeaderValue::from_str(&asked) {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
        }
        response
    }
}

/// The CORS middleware: answers preflights and adds `Access-Control-Allow-Origin` to the
/// responses of allowed origins.
pub(crate) async fn cors(
    State(cors): State<Option<Arc<Cors>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(cors) = cors else {
        return next.run(request).await;
    };
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    if request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return cors.preflight(&request);
    }
    let allowed =
        cors.origin_allowed(&origin) && cors.methods.iter().any(|m| m == request.method().as_str());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if allowed {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            cors.allow_origin(&origin),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_exactly_or_by_wildcard() {
        let config = RpcConfig {
            cors_allowed_origins: vec!["https://app.example".into(), "http://*.agora.dev".into()],
            ..RpcConfig::default()
        };
        let cors = Cors::new(&config).unwrap();
        assert!(cors.origin_allowed("https://app.example"));
        assert!(cors.origin_allowed("HTTP://wallet.agora.dev"));
        assert!(!cors.origin_allowed("https://evil.example"));
        assert!(!cors.origin_allowed("http://agora.dev.evil"));
        assert!(Cors::new(&RpcConfig::default()).is_none());
    }
}
