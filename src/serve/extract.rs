//! Reading a request: a JSON body, query parameters and a path id, each refused with its own
//! clear 4xx (DESIGN.md's table) before any service is called.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The largest body the API reads.
pub const MAX_BODY: usize = 1 << 20;

/// A JSON body of type `T`: 415 when the content type is not JSON, 413 over [`MAX_BODY`], 400
/// when it is not JSON (or is cut off), 422 when it is JSON of the wrong shape (the field named).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !is_json(content_type) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                None,
                format!(
                    "the body must be JSON (Content-Type: application/json), not {}",
                    if content_type.is_empty() {
                        "nothing"
                    } else {
                        content_type
                    }
                ),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    None,
                    format!("the body is over {MAX_BODY} bytes"),
                )
            } else {
                ApiError::bad_request(None, format!("the body could not be read: {e}"))
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            if inner.is_data() {
                data_error(&e.path().to_string(), &inner.to_string())
            } else {
                ApiError::bad_request(None, format!("the body is not valid JSON: {inner}"))
            }
        })?;
        de.end()
            .map_err(|e| ApiError::bad_request(None, format!("the body is not valid JSON: {e}")))?;
        Ok(JsonBody(value))
    }
}

/// `application/json`, with parameters or as a `+json` type.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A well-formed input of the wrong shape: 422 naming the field (the path to it, or the field
/// serde says is missing or unknown).
fn data_error(path: &str, message: &str) -> ApiError {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    // An unknown field's path ends with it; a missing one's path is its parent's.
    let field = match (path, named) {
        (".", Some(name)) => Some(name.to_owned()),
        (".", None) => None,
        (path, Some(name)) if !path.ends_with(name) => Some(format!("{path}.{name}")),
        (path, _) => Some(path.to_owned()),
    };
    // serde's "at line 1 column 9" helps no one reading a field's error.
    let message = message.split(" at line ").next().unwrap_or(message);
    ApiError::validation(field.as_deref(), message.to_owned())
}

/// Query parameters of type `T`: 422 naming the parameter when one is unknown or not a value
/// of its type.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Params)
            .map_err(|e| data_error(&e.path().to_string(), &e.inner().to_string()))
    }
}

/// The `{id}` of a path: 400 when it is not a number.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(Some("id"), e.to_string()))?;
        raw.parse().map(PathId).map_err(|_| {
            ApiError::bad_request(
                Some("id"),
                format!("the id in the path is not a number: {raw}"),
            )
        })
    }
}
