//! The code a lesson shows: functions cut from orderdesk's own source as it was compiled
//! (`include_str!` of the very files), so what the student reads is what runs. A test checks
//! that every action's function is found.

use std::sync::OnceLock;

/// A function of orderdesk's source.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The name lessons use (the function's).
    pub name: &'static str,
    /// The file, from the repository's root.
    pub path: &'static str,
    /// Its signature and body.
    pub text: String,
}

/// The functions lessons show: (name, file, the file's text).
const SHOWN: [(&str, &str, &str); 18] = [
    (
        "create_user",
        "core/src/service/users.rs",
        include_str!("../service/users.rs"),
    ),
    (
        "create_product",
        "core/src/service/products.rs",
        include_str!("../service/products.rs"),
    ),
    (
        "create_order",
        "core/src/service/orders/create.rs",
        include_str!("../service/orders/create.rs"),
    ),
    (
        "insert_order",
        "core/src/service/orders/create.rs",
        include_str!("../service/orders/create.rs"),
    ),
    (
        "insert_order_builder",
        "core/src/service/orders/builder.rs",
        include_str!("../service/orders/builder.rs"),
    ),
    (
        "list_orders_builder",
        "core/src/service/orders/builder.rs",
        include_str!("../service/orders/builder.rs"),
    ),
    (
        "take_stock",
        "core/src/service/orders/stock.rs",
        include_str!("../service/orders/stock.rs"),
    ),
    (
        "list_orders",
        "core/src/service/orders/read.rs",
        include_str!("../service/orders/read.rs"),
    ),
    (
        "list_orders_lazy",
        "core/src/service/orders/read.rs",
        include_str!("../service/orders/read.rs"),
    ),
    (
        "begin_write",
        "core/src/db/begin.rs",
        include_str!("../db/begin.rs"),
    ),
    (
        "counts",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "add_orders",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "read_twice",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "sell_naive",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "order_then_event",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "one_unit_order",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "outbox_counts",
        "core/src/service/lessons.rs",
        include_str!("../service/lessons.rs"),
    ),
    (
        "time_both",
        "core/src/service/lessons/fast_path.rs",
        include_str!("../service/lessons/fast_path.rs"),
    ),
];

fn all() -> &'static [Snippet] {
    static ALL: OnceLock<Vec<Snippet>> = OnceLock::new();
    ALL.get_or_init(|| {
        SHOWN
            .iter()
            .filter_map(|(name, path, source)| {
                cut(source, name).map(|text| Snippet { name, path, text })
            })
            .collect()
    })
}

/// The function `name`, if lessons show it and it was found in its file.
#[must_use]
pub fn snippet(name: &str) -> Option<&'static Snippet> {
    all().iter().find(|s| s.name == name)
}

/// The names lessons may show.
#[must_use]
pub fn names() -> Vec<&'static str> {
    SHOWN.iter().map(|(name, ..)| *name).collect()
}

/// Cuts the function `name` out of `source`: its signature and its body, up to the closing
/// brace at the signature's indentation (the step's text says what its doc comment would).
pub(crate) fn cut(source: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| {
        let t = l.trim_start();
        let t = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub(super) "))
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        let t = t.strip_prefix("async ").unwrap_or(t);
        t.strip_prefix("fn ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with('(') || rest.starts_with('<'))
    })?;
    let indent = &lines[start][..lines[start].len() - lines[start].trim_start().len()];
    let close = format!("{indent}}}");
    let end = (start..lines.len()).find(|&i| lines[i] == close)?;
    let text: Vec<&str> = lines[start..=end]
        .iter()
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .collect();
    Some(text.join("\n"))
}
