//! The gate in front of every route: counts the request, applies the route's delay, and the
//! failure, dropped connection or raw answer queued for it in [`Control`], before the handler
//! runs.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::MethodRouter;
use tokio::time::Instant;

use crate::answer::Scripted;
use crate::control::{Control, Fault};
use crate::request::BODY_LIMIT;
use crate::server::ConnectionHandle;

/// Renders an error of the vendor: its status and its error body carrying `message`.
pub(crate) type RenderError = fn(StatusCode, &str) -> Response;

/// Put into the extensions of every request that passes a gate: the operationId of its route.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operation(pub(crate) &'static str);

/// What the gate of one route needs.
#[derive(Clone)]
pub(crate) struct Gate {
    /// The server's control.
    pub(crate) control: Arc<Control>,
    /// The route's operationId.
    pub(crate) operation: &'static str,
    /// The vendor's error renderer, for injected failures.
    pub(crate) render: RenderError,
}

impl Gate {
    /// `route` behind this gate (the gate runs only for requests that match the route).
    pub(crate) fn guard<S: Clone + Send + Sync + 'static>(
        self,
        route: MethodRouter<S>,
    ) -> MethodRouter<S> {
        route.route_layer(middleware::from_fn_with_state(self, pass))
    }
}

async fn pass(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(Operation(gate.operation));
    let started = Instant::now();
    let method = request.method().clone();
    let (delay, fault) = gate.control.enter(gate.operation);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let response = match fault {
        None => {
            gate.control.count_handled(gate.operation);
            next.run(request).await
        }
        Some(Fault::Drop) => match request.extensions().get::<ConnectionHandle>() {
            Some(kill) => {
                tracing::info!(operation = gate.operation, "dropping the connection");
                kill.kill();
                // The connection task drops this future with the connection.
                return std::future::pending().await;
            }
            None => (gate.render)(
                StatusCode::SERVICE_UNAVAILABLE,
                "The fake server was asked to drop this connection but cannot.",
            ),
        },
        Some(Fault::Raw(answer)) => match request.extensions().get::<ConnectionHandle>() {
            Some(connection) => {
                let connection = connection.clone();
                answer_raw(&gate, request, &connection, &answer).await;
                connection.kill();
                // The connection task drops this future with the connection.
                return std::future::pending().await;
            }
            None => (gate.render)(
                StatusCode::SERVICE_UNAVAILABLE,
                "The fake server was asked to answer raw on this connection but cannot.",
            ),
        },
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (gate.render)(status, status.canonical_reason().unwrap_or("Error"));
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
    };
    tracing::info!(
        operation = gate.operation,
        %method,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// Writes `answer` on the connection of `request` in hyper's stead.
async fn answer_raw(
    gate: &Gate,
    request: Request,
    connection: &ConnectionHandle,
    answer: &Scripted,
) {
    // Read what the client sends first: closing a socket with unread data resets the
    // connection, and the client may lose the answer with it.
    let _ = axum::body::to_bytes(request.into_body(), BODY_LIMIT).await;
    let Some(mut writer) = connection.take_writer() else {
        return;
    };
    tracing::info!(
        operation = gate.operation,
        status = answer.status,
        "answering raw"
    );
    let control = &gate.control;
    let _in_flight = control.raw_in_flight(gate.operation);
    let written = answer
        .write(&mut writer, |n| control.count_raw_bytes(gate.operation, n))
        .await;
    match written {
        // Tell the client the answer is over; the connection closes with its last half.
        Ok(()) => {
            let _ = tokio::io::AsyncWriteExt::shutdown(&mut writer).await;
        }
        Err(error) => tracing::debug!(operation = gate.operation, %error, "raw answer cut"),
    }
}
