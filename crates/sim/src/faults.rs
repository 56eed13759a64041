//! Fault injection for reliability tests: added latency, failed answers (code 10004 or an
//! HTTP 500 HTML page) and connections dropped in the middle of an answer. Applies to the
//! vendor routes only (the SecurID routes get latency and dropped connections).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;

use crate::centagate::Answer;
use crate::codes::Code;

/// How a failed answer looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailMode {
    /// Either of the two below, at random.
    #[default]
    Mixed,
    /// HTTP 200 with code 10004 "DB error" (nothing changed).
    DbError,
    /// HTTP 500 with an application server's HTML error page.
    Http500,
}

/// Which faults to inject. `Default` injects none.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every answer.
    pub latency: Duration,
    /// Up to this much more, uniformly at random.
    pub jitter: Duration,
    /// Probability (0..=1) that a request fails before it is handled.
    pub fail_rate: f64,
    /// What a failure looks like.
    pub fail_mode: FailMode,
    /// Probability (0..=1) that the connection is dropped part-way through the answer; the
    /// request itself has been handled (as when a real network fails on the way back).
    pub close_rate: f64,
}

impl Faults {
    /// Whether any fault is configured.
    pub fn any(&self) -> bool {
        !self.latency.is_zero()
            || !self.jitter.is_zero()
            || self.fail_rate > 0.0
            || self.close_rate > 0.0
    }
}

const ERROR_PAGE: &str =
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\
<body><h1>HTTP Status 500 - Internal Server Error</h1><hr>\
<p><b>type</b> Exception report</p><p><b>message</b> java.lang.NullPointerException</p>\
<hr><h3>GlassFish Server Open Source Edition</h3></body></html>\n";

fn chance(p: f64) -> bool {
    p > 0.0 && (p >= 1.0 || rand::rng().random_bool(p))
}

/// Sleep for the configured latency plus jitter.
async fn delay(faults: &Faults) {
    let delay = faults.latency
        + if faults.jitter.is_zero() {
            Duration::ZERO
        } else {
            let max = faults.jitter.as_micros().min(u64::MAX as u128) as u64;
            Duration::from_micros(rand::rng().random_range(0..=max))
        };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

/// Axum middleware for the SecurID routes: latency, jitter and dropped connections only
/// (`fail_rate` makes CENTAGATE-shaped failures, so it stays on the CENTAGATE routes).
pub async fn inject_transport(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    delay(&faults).await;
    let response = next.run(request).await;
    if chance(faults.close_rate) {
        tracing::info!("fault injected: connection dropped mid-answer");
        return truncated(response).await;
    }
    response
}

/// Axum middleware applying `faults` to each request.
pub async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    delay(&faults).await;
    if chance(faults.fail_rate) {
        let http500 = match faults.fail_mode {
            FailMode::DbError => false,
            FailMode::Http500 => true,
            FailMode::Mixed => rand::rng().random_bool(0.5),
        };
        tracing::info!(http500, "fault injected: failed answer");
        return if http500 {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html;charset=ISO-8859-1")],
                ERROR_PAGE,
            )
                .into_response()
        } else {
            Json(Answer::<()>::of(Code::DbError)).into_response()
        };
    }
    let response = next.run(request).await;
    if chance(faults.close_rate) {
        tracing::info!("fault injected: connection dropped mid-answer");
        return truncated(response).await;
    }
    response
}

/// The same head, but the body stops half-way with an error, so the server aborts the
/// connection.
async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
    // Send the head and the first half, pause so they leave the server, then fail the body.
    let body = futures_util::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok(half), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            "fault injection: connection dropped",
                        )),
                        2,
                    ))
                }
                _ => None,
            }
        }
    });
    // Announce the full length so the client knows the answer was cut short.
    if let Ok(len) = HeaderValue::from_str(&bytes.len().to_string()) {
        parts.headers.insert(header::CONTENT_LENGTH, len);
    }
    Response::from_parts(parts, Body::from_stream(body))
}
