//! Request id, one span and one log line per request, and the request metrics. Outermost layer.

use crate::error::ErrorCode;
use crate::metrics::Metrics;
use crate::request_id::{self, current_request_id, REQUEST_ID_HEADER};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Next;
use actix_web::web::Data;
use std::time::Instant;
use tracing::Instrument;

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id::from_request(&req);
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().to_string();
    let metrics = req.app_data::<Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", %method, %route, request_id = %id);
    let started = Instant::now();
    let fut = async move {
        let mut res = next.call(req).await?;
        if let Ok(v) = HeaderValue::from_str(&current_request_id()) {
            res.headers_mut().insert(REQUEST_ID_HEADER, v);
        }
        Ok::<_, actix_web::Error>(res)
    };
    let res = request_id::scope(id, fut).instrument(span.clone()).await;
    let (status, code) = match &res {
        Ok(r) => (
            r.status().as_u16(),
            r.response()
                .extensions()
                .get::<ErrorCode>()
                .map(|c| c.0.as_str()),
        ),
        Err(e) => (e.as_response_error().status_code().as_u16(), None),
    };
    let elapsed = started.elapsed();
    if let Some(m) = metrics {
        m.record(&method, &route, status, elapsed);
    }
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            code = code.unwrap_or(""),
            "request"
        );
    });
    res
}
