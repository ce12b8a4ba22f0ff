//! The API's one error shape, `{"error": {"code", "field", "message"}}`, the same as the
//! command line's `--json` refusals, with the status codes of DESIGN.md's table.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::service::Error;

/// An answer that is not a success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable code (`validation`, `not_found`, ...).
    pub code: &'static str,
    /// The field to blame, if one is.
    pub field: Option<String>,
    /// What went wrong, for a person.
    pub message: String,
}

/// Where the ids a service refused came from: an unknown id in the path is 404, one in the
/// body or the query string is a bad value (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    /// The path names a row of this kind (`order`); ids of other kinds came in the body.
    InPath(&'static str),
    /// Ids come from the body or the query.
    InInput,
}

impl ApiError {
    /// An error of `status` and `code` about `field`.
    #[must_use]
    pub fn new(
        status: StatusCode,
        code: &'static str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    /// 400: the body is not JSON, or a path id is not a number.
    #[must_use]
    pub fn bad_request(field: Option<&str>, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", field, message)
    }

    /// 422: well-formed input with a bad value.
    #[must_use]
    pub fn validation(field: Option<&str>, message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            field,
            message,
        )
    }

    /// A service's refusal or failure, as the API answers it.
    #[must_use]
    pub fn service(e: &Error, ids: Ids) -> Self {
        let status = match e {
            Error::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::NotFound { what, .. } if ids == Ids::InPath(what) => StatusCode::NOT_FOUND,
            Error::NotFound { .. } => return ApiError::validation(e.field(), e.reason()),
            Error::Conflict { .. } | Error::OutOfStock { .. } | Error::InvalidTransition { .. } => {
                StatusCode::CONFLICT
            }
            Error::Db(_) if e.code() == "unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            Error::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.code(), e.field(), e.reason())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = super::answers::ErrorBody {
            error: super::answers::ErrorDetail {
                code: self.code.to_owned(),
                field: self.field,
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: a 401 says how to authenticate.
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"orderdesk\""),
            );
        }
        response
    }
}

/// A handler's result: a JSON answer or an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;

/// A service's result as the API answers it.
pub trait Answer<T> {
    /// For a route whose path names a row of kind `what`: an unknown one is 404 (other
    /// unknown ids came in the body: 422).
    ///
    /// # Errors
    /// The service's refusal or failure, as an [`ApiError`].
    fn in_path(self, what: &'static str) -> ApiResult<T>;

    /// For ids in the body or query: an unknown one is a bad value (422).
    ///
    /// # Errors
    /// The service's refusal or failure, as an [`ApiError`].
    fn in_input(self) -> ApiResult<T>;
}

impl<T> Answer<T> for Result<T, Error> {
    fn in_path(self, what: &'static str) -> ApiResult<T> {
        self.map_err(|e| ApiError::service(&e, Ids::InPath(what)))
    }

    fn in_input(self) -> ApiResult<T> {
        self.map_err(|e| ApiError::service(&e, Ids::InInput))
    }
}
