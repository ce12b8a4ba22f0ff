//! Every answer the API tests receive is checked against `assets/openapi.json`: its status must
//! be one the document lists for the route and method, and its JSON must validate against the
//! schema the document gives (JSON Schema 2020-12, as OpenAPI 3.1 uses). A handler that answers
//! a shape or a status the document does not say fails the test that received it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The committed document.
pub static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
});

static VALIDATORS: LazyLock<Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The document's path template that `path` (without its query) matches, if one does.
pub fn template(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    DOCUMENT["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p.starts_with('{') || p == s)
        })
        .map(String::as_str)
}

/// Follows a `$ref` to `#/components/...`.
fn resolve(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(pointer) => DOCUMENT
            .pointer(pointer.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{pointer} is not in the document")),
        None => value,
    }
}

/// Checks an answer against the document (see the module's comment). Answers for routes the
/// document does not have (404 no route) and methods it does not list (405) are the router's
/// own and are not checked here.
pub fn check(method: &Method, path: &str, status: StatusCode, body: &Value) {
    let Some(template) = template(path) else {
        return;
    };
    let Some(operation) = DOCUMENT["paths"][template].get(method.as_str().to_lowercase()) else {
        assert_eq!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {body}"
        );
        return;
    };
    let Some(response) = operation["responses"].get(status.as_str()) else {
        panic!(
            "{method} {path} answered {status}, which the document does not list for {method} \
             {template}: {body}"
        );
    };
    let Some(schema) = resolve(response).pointer("/content/application~1json/schema") else {
        return;
    };
    let mut root = schema.clone();
    root["components"] = DOCUMENT["components"].clone();
    let key = root.to_string();
    let validator = VALIDATORS
        .lock()
        .unwrap()
        .entry(key)
        .or_insert_with(|| {
            std::sync::Arc::new(
                jsonschema::draft202012::new(&root)
                    .unwrap_or_else(|e| panic!("the schema of {method} {template} {status}: {e}")),
            )
        })
        .clone();
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} answered {status} with JSON the document's schema refuses:\n{}\n{}",
        errors.join("\n"),
        json!(body)
    );
}
