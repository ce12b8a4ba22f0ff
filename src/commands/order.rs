//! `orderdesk order ...` and `orderdesk events`.

use std::fmt::Write as _;

use serde_json::json;

use super::output::{Output, emit, fields, table, when};
use super::{CommandError, Result};
use crate::cli::OrderCommand;
use crate::db::Db;
use crate::money::format_cents;
use crate::service::{
    self, NewOrder, NewOrderItem, Order, OrderDetail, OrderQuery, OrderSummary, validate,
};

fn items_table(order: &Order, current: Option<&[i64]>) -> String {
    let mut header = vec!["line", "product", "qty", "price", "amount"];
    if current.is_some() {
        header.push("price now");
    }
    let mut t = table(&header, &[0, 2, 3, 4, 5]);
    for (i, item) in order.items.iter().enumerate() {
        let mut row = vec![
            item.id.to_string(),
            format!("{} ({})", item.product_name, item.product_id),
            item.quantity.to_string(),
            format_cents(item.price_cents_at_purchase),
            format_cents(item.amount_cents),
        ];
        if let Some(now) = current.and_then(|c| c.get(i)) {
            row.push(format_cents(*now));
        }
        t.add_row(row);
    }
    t.to_string()
}

/// `--item PRODUCT_ID:QTY` values as order lines (`item N` names a bad one).
fn parse_items(raw: &[String]) -> Result<Vec<NewOrderItem>> {
    raw.iter()
        .enumerate()
        .map(|(i, raw)| {
            validate::item(&format!("item {}", i + 1), raw).map(|(product_id, quantity)| {
                NewOrderItem {
                    product_id,
                    quantity,
                }
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(CommandError::from)
}

fn order_text(verb: &str, o: &Order) -> String {
    format!(
        "{verb} order {} for user {}: {}, {} item(s), total {}.\n{}",
        o.id,
        o.user_id,
        o.status,
        o.total_quantity,
        format_cents(o.total_amount_cents),
        items_table(o, None)
    )
}

fn detail_text(d: &OrderDetail) -> String {
    let o = &d.order;
    let mut s = fields(&[
        ("order", o.id.to_string()),
        (
            "customer",
            format!(
                "{} <{}> (user {})",
                d.customer_name, d.customer_email, o.user_id
            ),
        ),
        ("status", o.status.to_string()),
        ("created (local)", when(&o.created_at)),
        ("updated (local)", when(&d.updated_at)),
        (
            "total",
            format!(
                "{} ({} item(s))",
                format_cents(o.total_amount_cents),
                o.total_quantity
            ),
        ),
    ]);
    s.push('\n');
    s.push_str(&items_table(o, Some(&d.current_prices_cents)));
    s.push_str("\nHistory\n");
    let mut t = table(&["when (local)", "event", "details"], &[]);
    for e in &d.events {
        t.add_row([
            when(&e.created_at),
            e.event_type.clone(),
            e.payload.to_string(),
        ]);
    }
    s.push_str(&t.to_string());
    s
}

fn orders_table(orders: &[OrderSummary], limit: u64) -> String {
    if orders.is_empty() {
        return "No orders.".to_owned();
    }
    let mut t = table(
        &[
            "id",
            "customer",
            "status",
            "items",
            "total",
            "created (local)",
        ],
        &[0, 3, 4],
    );
    for s in orders {
        let o = &s.order;
        t.add_row([
            o.id.to_string(),
            s.customer_email.clone(),
            o.status.to_string(),
            o.total_quantity.to_string(),
            format_cents(o.total_amount_cents),
            when(&o.created_at),
        ]);
    }
    let mut text = t.to_string();
    if let Some(last) = orders.last().filter(|_| orders.len() as u64 == limit) {
        let _ = write!(text, "\nNext page: --before {}", last.order.id);
    }
    text
}

/// Runs an `order` subcommand.
pub(super) async fn run(db: &Db, out: &Output, cmd: OrderCommand) -> Result<()> {
    match cmd {
        OrderCommand::Add {
            user,
            items,
            status,
        } => {
            let status = service::Status::from(status);
            let items = parse_items(&items)?;
            let o = service::create_order(
                db,
                NewOrder {
                    user_id: user,
                    status,
                    items,
                },
            )
            .await?;
            out.show(&o, || order_text("Placed", &o))
        }
        OrderCommand::Edit { id, items } => {
            let items = parse_items(&items)?;
            let o = service::edit_order(db, id, items).await?;
            out.show(&o, || order_text("Edited", &o))
        }
        OrderCommand::List {
            user,
            customer,
            status,
            limit,
            before,
            lazy,
        } => {
            let query = OrderQuery {
                user_id: user,
                customer,
                status: status.map(service::Status::from),
                before,
                limit: Some(limit),
                lazy,
            };
            let orders = service::list_orders_page(db, query).await?;
            out.show(&json!({ "orders": orders, "total": orders.len() }), || {
                orders_table(&orders, limit)
            })
        }
        OrderCommand::Show { id } => {
            let d = service::get_order(db, id).await?;
            out.show(&d, || detail_text(&d))
        }
        OrderCommand::Status { id, status } => {
            let o = service::set_order_status(db, id, status.into()).await?;
            out.show(&o, || order_text("Updated", &o))
        }
        OrderCommand::Cancel { id } => {
            let c = service::cancel_order(db, id).await?;
            out.show(&c.order, || {
                let back: Vec<String> = c
                    .restocked
                    .iter()
                    .map(|(p, q)| format!("{q} x product {p}"))
                    .collect();
                let back = if back.is_empty() {
                    "no tracked stock to give back".to_owned()
                } else {
                    format!("back in stock: {}", back.join(", "))
                };
                format!("{}\n{back}", order_text("Cancelled", &c.order))
            })
        }
    }
}

/// How often `events --follow` looks for new events.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

pub(super) async fn events(db: &Db, order: Option<i64>, follow: bool) -> Result<()> {
    let mut after = None;
    loop {
        let batch = service::list_order_events(db, order, after, Some(service::MAX_PAGE)).await?;
        let mut text = String::new();
        for e in &batch {
            text.push_str(
                &serde_json::to_string(e).map_err(|e| CommandError::Failed(e.to_string()))?,
            );
            text.push('\n');
        }
        emit(&text)?;
        if let Some(last) = batch.last() {
            after = Some(last.id);
        }
        if batch.len() as u64 == service::MAX_PAGE {
            continue;
        }
        if !follow {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
