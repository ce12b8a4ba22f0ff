//! The OpenAPI document: the committed `assets/openapi.json` is what the code generates and what
//! `/openapi.json` serves; it lists exactly the router's routes and methods. (Every answer the
//! other API tests receive is checked against its schemas: `contract.rs`.)

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::Api;
use crate::backend::TestDb;
use crate::contract::DOCUMENT;

crate::on_every_backend!(the_document_lists_exactly_the_routers_routes_and_methods);

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

#[test]
fn the_committed_document_is_the_generated_one() {
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/openapi.json"),
    )
    .unwrap();
    assert!(
        committed == *orderdesk::serve::openapi::JSON,
        "assets/openapi.json differs from the document the code generates; if the change is \
         meant, write it again with `cargo run -- openapi > assets/openapi.json`"
    );
    assert_eq!(DOCUMENT["openapi"], "3.1.0");
    let mut ids: Vec<&str> = operations()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
}

fn operations() -> impl Iterator<Item = (&'static str, Method, &'static Value)> {
    DOCUMENT["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |m| {
                item.get(m.as_str().to_lowercase())
                    .map(|op| (path.as_str(), m.clone(), op))
            })
        })
}

async fn the_document_lists_exactly_the_routers_routes_and_methods(t: TestDb) {
    let api = Api::start(t).await;
    let (s, served) = api.get("/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        served, *DOCUMENT,
        "/openapi.json serves the committed document"
    );
    let paths = DOCUMENT["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 15, "{:?}", paths.keys());
    for (template, item) in paths {
        let path = template.replace("{id}", "1");
        for method in METHODS {
            let documented = item.get(method.as_str().to_lowercase()).is_some();
            let (status, answer) = api.send(method.clone(), &path, &Value::Null).await;
            let no_route = status == StatusCode::NOT_FOUND
                && answer["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("no route"));
            if documented {
                assert!(
                    status != StatusCode::METHOD_NOT_ALLOWED && !no_route,
                    "{method} {template} is documented but not routed: {status} {answer}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {template} is routed but not documented: {answer}"
                );
            }
        }
    }
    // Paths the document does not have are not routed.
    for path in [
        "/",
        "/user",
        "/tokens",
        "/orders/1/items",
        "/users/1/orders/1",
        "/docs",
    ] {
        for method in METHODS {
            let (status, answer) = api.send(method.clone(), path, &Value::Null).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {answer}");
            assert!(
                answer["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("no route")
            );
        }
    }
}
