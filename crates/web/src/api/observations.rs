//! `POST /api/v1/observations` — bulk upsert of observed values (all or nothing).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plantrack_app::Permission;
use plantrack_app::observations::{self, ObservationInput};
use serde::Deserialize;

use super::{json, parse_body};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// An array of observations, or `{"observations": [...]}`.
#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum Body {
    List(Vec<ObservationInput>),
    Wrapped { observations: Vec<ObservationInput> },
}

/// Upsert observations by org unit + period + data element.
#[utoipa::path(post, path = "/api/v1/observations", tag = "data",
    request_body(content = serde_json::Value, description = "`[{\"org_unit\": \"211102\", \"period\": \"2019\", \"data_element\": \"gdp\", \"value\": \"1234.5\", \"source\": \"区统计局\"}]`; a department user only its own department's elements; derived elements are refused"),
    responses(
        (status = 200, description = "`{\"inserted\", \"updated\", \"unchanged\"}`", body = serde_json::Value),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody),
        (status = 422, description = "Every bad entry with its position (`row`) and field", body = super::ErrorBody),
    ))]
pub async fn upsert(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    if let Err(e) = ctx.principal.require(&Permission::EnterObservations) {
        return ApiError(e).into_response();
    }
    let inputs = match parse_body::<Body>(&body) {
        Ok(Body::List(v) | Body::Wrapped { observations: v }) => v,
        Err(r) => return r,
    };
    let g = match state.generation().await {
        Ok(g) => g,
        Err(e) => return ApiError(e).into_response(),
    };
    match observations::upsert(state.store(), &ctx.principal, &g.plan, &inputs).await {
        Ok(c) => json(StatusCode::OK, &c),
        Err(e) => ApiError(e).into_response(),
    }
}
