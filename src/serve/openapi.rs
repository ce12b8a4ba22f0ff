//! The OpenAPI 3.1 document, generated from the code: every route is registered with its
//! `#[utoipa::path]` documentation in one call (utoipa-axum), so the router and the document
//! come from the same list; the schemas are derived from the very types the handlers read and
//! answer. The refusals every route shares (401, 403, 404, 413, 415, 422, 503) are added here
//! from what a route takes, rather than written on each. `assets/openapi.json` is the document
//! as committed (a test fails when it differs); `orderdesk openapi` prints it.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    Components, Content, InfoBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Tag,
};
use utoipa::{PartialSchema as _, ToSchema as _};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::answers::ErrorBody;
use super::{health, ops, orders, products, users};
use crate::db::Db;

/// The routes that need a token (when auth is on).
pub(super) fn guarded() -> OpenApiRouter<Db> {
    OpenApiRouter::new()
        .routes(routes!(users::create, users::list))
        .routes(routes!(users::show, users::update, users::delete))
        .routes(routes!(users::orders))
        .routes(routes!(products::create, products::list))
        .routes(routes!(products::show, products::update, products::delete))
        .routes(routes!(orders::create, orders::list))
        .routes(routes!(orders::place_order))
        .routes(routes!(orders::edit, orders::show, orders::delete))
        .routes(routes!(orders::set_status, orders::put_status))
        .routes(routes!(orders::cancel))
        .routes(routes!(orders::events))
        .routes(routes!(health::stats))
}

/// The routes open to anyone: the health check and this document.
pub(super) fn open() -> OpenApiRouter<Db> {
    OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(openapi_json))
}

/// `/metrics`, over the metrics' own state.
pub(super) fn metrics() -> OpenApiRouter<ops::Ops> {
    OpenApiRouter::new().routes(routes!(ops::metrics))
}

/// The document: the routes' own, with the shared refusals, the bearer scheme and the info.
#[must_use]
pub fn document() -> OpenApi {
    let mut doc = guarded().into_openapi();
    doc.merge(open().into_openapi());
    doc.merge(metrics().into_openapi());
    doc.info = InfoBuilder::new()
        .title("orderdesk")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "The order desk's HTTP API: users, products and orders over one service layer, \
             the same operations and JSON shapes as `orderdesk --json`. Every refusal is \
             `{\"error\": {\"code\", \"field\", \"message\"}}` and writes nothing.",
        ))
        .build();
    doc.tags = Some(
        [
            ("users", "Customers"),
            ("products", "Products and their stock"),
            (
                "orders",
                "Orders, their lifecycle, the figures and the outbox",
            ),
            (
                "operations",
                "Health, metrics and this document: open to anyone",
            ),
        ]
        .into_iter()
        .map(|(name, about)| {
            let mut tag = Tag::new(name);
            tag.description = Some(about.to_owned());
            tag
        })
        .collect(),
    );
    let components = doc.components.get_or_insert_with(Components::new);
    components
        .schemas
        .insert(ErrorBody::name().into_owned(), ErrorBody::schema());
    let mut bearer = Http::new(HttpAuthScheme::Bearer);
    bearer.description = Some(
        "An API token (`orderdesk token create`) or, when serve is given a key, a JWT whose \
         scope holds orders:read to read and orders:write to write"
            .to_owned(),
    );
    components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    for (name, description) in REFUSALS {
        let response = ResponseBuilder::new()
            .description(*description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            )
            .build();
        components
            .responses
            .insert((*name).to_owned(), RefOr::T(response));
    }
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    for (path, item) in &mut doc.paths.paths {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            refusals(path, operation);
        }
    }
    doc
}

/// The refusals shared by routes, by name: the status and what it means.
const REFUSALS: &[(&str, &str)] = &[
    (
        "BadRequest",
        "400 bad_request: the body is not JSON or is cut off, or a path id is not a number",
    ),
    (
        "Unauthorized",
        "401 unauthorized: no token, or an unknown, revoked or expired one, or a JWT that fails \
         a check (the message says which)",
    ),
    (
        "Forbidden",
        "403 forbidden: a read-only token or a JWT without orders:write writing, or a JWT \
         without orders:read reading",
    ),
    ("NotFound", "404 not_found: no row has the id in the path"),
    ("TooLarge", "413 too_large: the body is over 1 MiB"),
    (
        "UnsupportedMediaType",
        "415 unsupported_media_type: the body is not application/json",
    ),
    (
        "Validation",
        "422 validation: a missing, unknown or mistyped field, a bad value, or an unknown id in \
         the body or query (the field is named)",
    ),
    (
        "Unavailable",
        "503 unavailable: the database did not answer in time; nothing was written",
    ),
];

/// Adds to `operation` the refusals its route can give.
fn refusals(path: &str, operation: &mut Operation) {
    let open = operation.security.is_some();
    let body = operation.request_body.is_some();
    let query = operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    let in_path = path.contains('{');
    let mut add = |status: &str, name: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    };
    if open {
        return;
    }
    add("401", "Unauthorized");
    add("403", "Forbidden");
    if in_path {
        add("400", "BadRequest");
        add("404", "NotFound");
    }
    if body {
        add("400", "BadRequest");
        add("413", "TooLarge");
        add("415", "UnsupportedMediaType");
    }
    if body || query || in_path {
        add("422", "Validation");
    }
    add("503", "Unavailable");
}

/// The document as JSON, made once.
pub static JSON: LazyLock<String> = LazyLock::new(|| {
    let mut text = document()
        .to_pretty_json()
        .expect("the document serializes");
    text.push('\n');
    text
});

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", operation_id = "openapi", tag = "operations", security(()),
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object)))]
pub async fn openapi_json() -> Response {
    let mut response = JSON.as_str().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
