//! One span per request with the method and the route pattern — not the concrete path,
//! the query string, the client address or the user agent.

use axum::{extract::MatchedPath, extract::Request, middleware::Next, response::Response};
use tracing::Instrument;

/// An answer slower than this is logged as a warning, so that it shows at the `warn` level
/// operators and the browser tests run with.
const SLOW_MS: u64 = 2_000;

pub async fn request_span(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("(other)", |m| m.as_str()).to_owned();
    let method = request.method().clone();
    let span = tracing::info_span!("request", %method, %route);
    async move {
        let started = std::time::Instant::now();
        let response = next.run(request).await;
        let (status, ms) = (response.status().as_u16(), started.elapsed().as_millis() as u64);
        if ms >= SLOW_MS {
            tracing::warn!(status, ms, "served slowly");
        } else {
            tracing::info!(status, ms, "served");
        }
        response
    }
    .instrument(span)
    .await
}
