//! The Postman collection and the `.http` file in `assets/` run against a server on the demo
//! data (with a token, as a user would run them): every request answers the status it expects,
//! and every answer is checked against the OpenAPI document (`contract.rs`) on the way.
//!
//! The collection's test scripts are read, not run: a line either checks the status
//! (`pm.response.to.have.status(N)`) or keeps a value for later requests
//! (`pm.collectionVariables.set("name", pm.response.json().field)`, or `String(Date.now())`);
//! any other line fails this test, so the collection holds nothing it does not check.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::Api;
use crate::backend::TestDb;
use orderdesk::service::{self, Access};

crate::on_every_backend!(
    the_postman_collection_runs_green_on_the_demo_data,
    the_http_file_runs_on_the_demo_data,
);

fn asset(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(name),
    )
    .unwrap()
}

/// The demo data and a token; the server.
async fn demo(t: TestDb) -> (Api, String) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    service::seed::seed_demo(&t.db, today).await.unwrap();
    let (_, token) = service::create_token(&t.db, "postman", Access::ReadWrite)
        .await
        .unwrap();
    (Api::start(t).await, token)
}

/// `text` with each `{{name}}` replaced by its value.
fn fill(text: &str, vars: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    assert!(!out.contains("{{"), "a variable is not set in {out:?}");
    out
}

/// Sends one request: the status and the JSON answer (checked against the document).
async fn send(
    api: &Api,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<String>,
) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let path = url
        .strip_prefix(&api.base)
        .unwrap_or_else(|| panic!("{url}"));
    let mut request = api.client.request(method.clone(), url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let answer = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
    crate::contract::check(&method, path, status, &answer);
    (status, answer)
}

fn requests(items: &Value, out: &mut Vec<Value>) {
    for item in items.as_array().unwrap() {
        if item.get("request").is_some() {
            out.push(item.clone());
        } else {
            requests(&item["item"], out);
        }
    }
}

async fn the_postman_collection_runs_green_on_the_demo_data(t: TestDb) {
    let (api, token) = demo(t).await;
    let collection: Value =
        serde_json::from_str(&asset("orderdesk.postman_collection.json")).unwrap();
    assert_eq!(collection["auth"]["type"], "bearer");
    assert_eq!(collection["auth"]["bearer"][0]["value"], "{{token}}");
    let mut vars: HashMap<String, String> = HashMap::new();
    for var in collection["variable"].as_array().unwrap() {
        vars.insert(
            var["key"].as_str().unwrap().to_owned(),
            var["value"].as_str().unwrap().to_owned(),
        );
    }
    vars.insert("base".to_owned(), api.base.clone());
    vars.insert("token".to_owned(), token);
    let mut items = Vec::new();
    requests(&collection["item"], &mut items);
    assert!(items.len() >= 25, "{}", items.len());
    let status_check = regex_lite("pm.test(\"answers ", "pm.response.to.have.status(", "));");
    for item in &items {
        let name = item["name"].as_str().unwrap();
        let request = &item["request"];
        let mut headers = vec![("Authorization".to_owned(), fill("Bearer {{token}}", &vars))];
        for h in request["header"].as_array().unwrap() {
            headers.push((
                h["key"].as_str().unwrap().to_owned(),
                fill(h["value"].as_str().unwrap(), &vars),
            ));
        }
        let body = request["body"]["raw"].as_str().map(|b| fill(b, &vars));
        let url = fill(request["url"]["raw"].as_str().unwrap(), &vars);
        let method = request["method"].as_str().unwrap();
        let (status, answer) = send(&api, method, &url, &headers, body).await;
        let lines: Vec<&str> = item["event"][0]["script"]["exec"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let mut checked = false;
        for line in lines {
            if let Some(expected) = status_check(line) {
                assert_eq!(
                    status.as_u16().to_string(),
                    expected,
                    "{name}: {method} {url}: {answer}"
                );
                checked = true;
            } else if let Some(rest) = line.strip_prefix("pm.collectionVariables.set(\"") {
                let (var, expr) = rest.split_once("\", ").unwrap();
                let expr = expr.strip_suffix(");").unwrap();
                let value = if expr == "String(Date.now())" {
                    chrono::Utc::now().timestamp_millis().to_string()
                } else {
                    let field = expr
                        .strip_prefix("pm.response.json().")
                        .unwrap_or_else(|| panic!("{line}"));
                    answer[field].to_string()
                };
                vars.insert(var.to_owned(), value);
            } else {
                panic!("{name}: a script line this replay does not check: {line}");
            }
        }
        assert!(checked, "{name} checks its status");
    }
    // What the collection did is in the database: the order it placed, edited and cancelled.
    let order: i64 = vars["order_id"].parse().unwrap();
    let detail = service::get_order(&api.t.db, order).await.unwrap();
    assert_eq!(detail.order.status, service::Status::Cancelled);
    assert_eq!(detail.order.items.len(), 1);
    assert_eq!(detail.order.items[0].quantity, 2);
}

/// A matcher for `prefix...middle<N>suffix`: the N.
fn regex_lite(
    prefix: &'static str,
    middle: &'static str,
    suffix: &'static str,
) -> impl Fn(&str) -> Option<String> {
    move |line: &str| {
        let rest = line.strip_prefix(prefix)?;
        let (_, after) = rest.split_once(middle)?;
        Some(after.strip_suffix(suffix)?.to_owned())
    }
}

async fn the_http_file_runs_on_the_demo_data(t: TestDb) {
    let (api, token) = demo(t).await;
    let text = asset("orderdesk.http");
    let mut vars = HashMap::new();
    for line in text.lines() {
        if let Some((name, value)) = line.strip_prefix('@').and_then(|l| l.split_once(" = ")) {
            vars.insert(name.to_owned(), value.to_owned());
        }
    }
    assert_eq!(vars["base"], "http://127.0.0.1:8021");
    vars.insert("base".to_owned(), api.base.clone());
    vars.insert("token".to_owned(), token);
    let blocks: Vec<&str> = text.split("\n### ").skip(1).collect();
    assert_eq!(blocks.len(), 13);
    for block in blocks {
        let mut lines = block.lines();
        let title = lines.next().unwrap();
        let expected = title
            .rsplit_once("(expect ")
            .and_then(|(_, n)| n.strip_suffix(')'))
            .unwrap_or_else(|| panic!("{title} says what it expects"));
        let (method, url) = lines.next().unwrap().split_once(' ').unwrap();
        let mut headers = Vec::new();
        let mut body = String::new();
        let mut in_body = false;
        for line in lines {
            if in_body {
                body.push_str(line);
            } else if line.is_empty() {
                in_body = true;
            } else {
                let (name, value) = line.split_once(": ").unwrap();
                headers.push((name.to_owned(), fill(value, &vars)));
            }
        }
        let body = (!body.trim().is_empty()).then(|| fill(&body, &vars));
        let (status, answer) = send(&api, method, &fill(url, &vars), &headers, body).await;
        assert_eq!(status.as_u16().to_string(), expected, "{title}: {answer}");
    }
}
