//! The demo set: a small shop over the 30 days before a given day, from assets/demo.json,
//! written through the service layer's own order and status functions.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The demo data set, kept in `assets/demo.json`.
pub const DEMO_JSON: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/demo.json"));

#[derive(Debug, Deserialize)]
pub(super) struct Demo {
    users: Vec<DemoUser>,
    products: Vec<DemoProduct>,
    orders: Vec<DemoOrder>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DemoUser {
    email: String,
    full_name: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct DemoProduct {
    name: String,
    price: String,
    stock: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DemoOrder {
    /// 1-based index into users.
    user: usize,
    days_ago: i64,
    time: String,
    status: Status,
    /// `[product index (1-based), quantity]`.
    items: Vec<(usize, i64)>,
}

/// Loads the demo set: about 8 users, 20 products with stock and 40 orders over the 30 days
/// before `today`, in every status, in one transaction.
///
/// # Errors
/// Conflict when the database has orders (or a demo email is taken); nothing is written then.
pub async fn seed_demo(db: &Db, today: NaiveDate) -> Result<SeedReport, Error> {
    let demo: Demo = serde_json::from_str(DEMO_JSON)
        .map_err(|e| Error::invalid("seed", format!("assets/demo.json is not valid: {e}")))?;
    let tx = db.begin_write().await?;
    let result = async {
        let conn = &*tx;
        refuse_if_orders(conn).await?;
        let midnight = today.and_time(NaiveTime::MIN).and_utc();
        let start = midnight - Duration::days(31);
        let mut report = SeedReport::default();
        let mut user_ids = Vec::new();
        for (i, u) in demo.users.iter().enumerate() {
            let email = validate::email("email", &u.email)?;
            let created = user::ActiveModel {
                email: Set(email.clone()),
                full_name: Set(validate::name("name", &u.full_name)?),
                created_at: Set(start + Duration::hours(9 + i as i64)),
                ..Default::default()
            }
            .insert(conn)
            .await
            .map_err(|e| {
                crate::service::unique_to_conflict(e, "email", || {
                    format!("{email} is already registered")
                })
            })?;
            user_ids.push(created.id);
            report.users += 1;
        }
        let mut product_ids = Vec::new();
        for p in &demo.products {
            let created = product::ActiveModel {
                name: Set(validate::name("name", &p.name)?),
                price_cents: Set(validate::price("price", &p.price)?),
                stock: Set(p.stock),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            product_ids.push(created.id);
            report.products += 1;
        }
        for (n, o) in demo.orders.iter().enumerate() {
            let field = || format!("demo order {}", n + 1);
            let time = NaiveTime::parse_from_str(&o.time, "%H:%M")
                .map_err(|e| Error::invalid(field(), e.to_string()))?;
            let created_at = (today - Duration::days(o.days_ago))
                .and_time(time)
                .and_utc();
            let (initial, steps) = path_to(o.status);
            let items = o
                .items
                .iter()
                .map(|&(p, quantity)| {
                    let product_id = *product_ids
                        .get(p.wrapping_sub(1))
                        .ok_or_else(|| Error::invalid(field(), format!("no product {p}")))?;
                    Ok(NewOrderItem {
                        product_id,
                        quantity,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let user_id = *user_ids
                .get(o.user.wrapping_sub(1))
                .ok_or_else(|| Error::invalid(field(), format!("no user {}", o.user)))?;
            let placed = insert_order(
                conn,
                &NewOrder {
                    user_id,
                    status: initial,
                    items,
                },
                created_at,
            )
            .await?;
            report.orders += 1;
            report.items += placed.items.len() as u64;
            report.events += 1;
            for (k, &to) in steps.iter().enumerate() {
                // Every change lands before today, in order, even for recent orders.
                let latest = midnight - Duration::minutes((steps.len() - k) as i64);
                let at = (created_at + step_offset(to)).min(latest).max(created_at);
                if to == Status::Cancelled {
                    cancel_in(conn, placed.id, at).await?;
                } else {
                    change_status(conn, placed.id, to, at).await?;
                }
                report.events += 1;
            }
        }
        Ok(report)
    }
    .await;
    finish(tx, result).await
}
