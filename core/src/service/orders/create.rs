//! `create_order`: one transaction, captured prices, stock taken with one conditional UPDATE,
//! the order, its event, its share of the running figures and its items in one round trip.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Checks a new order's shape before anything is sent to the database.
pub(crate) fn check_new_order(input: &NewOrder) -> Result<(), Error> {
    check_id("user", input.user_id)?;
    if !input.status.is_initial() {
        return Err(Error::invalid(
            "status",
            format!(
                "a new order starts pending or confirmed, not {}",
                input.status
            ),
        ));
    }
    check_items(&input.items)
}

/// Checks an order's lines: at least one, at most [`MAX_LINES`], ids and quantities valid.
pub(crate) fn check_items(items: &[NewOrderItem]) -> Result<(), Error> {
    if items.is_empty() {
        return Err(Error::invalid("items", "an order needs at least one item"));
    }
    if items.len() > MAX_LINES {
        return Err(Error::invalid(
            "items",
            format!(
                "an order has at most {MAX_LINES} lines (got {})",
                items.len()
            ),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let field = line_field(i + 1);
        check_id(&format!("{field} product"), item.product_id)?;
        validate::quantity_value(&format!("{field} quantity"), item.quantity)?;
    }
    Ok(())
}

/// Places an order in one transaction: validates the user, every product and every quantity,
/// captures each price, takes tracked stock with a conditional update (never overselling), and
/// writes an `order_created` event. On any failure it rolls back and says which line and why.
///
/// # Errors
/// Validation, `NotFound` (user or a line's product), `OutOfStock` (with the line); nothing is
/// written.
pub async fn create_order(db: &Db, input: NewOrder) -> Result<Order, Error> {
    check_new_order(&input)?;
    let tx = db.begin_write().await?;
    let result = insert_order(&*tx, &input, db.now()).await;
    finish(tx, result).await
}

/// The body of `create_order`, inside the caller's transaction, at a given time (seeding uses it).
///
/// Round trips, inside the caller's BEGIN and COMMIT: one SELECT of all the order's products,
/// one UPDATE of the stock of the tracked ones (only if there are any), and one round trip that
/// writes the order, its items and its `order_created` event (see [`write_order`]).
pub(crate) async fn insert_order(
    conn: &impl ConnectionTrait,
    input: &NewOrder,
    at: DateTime<Utc>,
) -> Result<Order, Error> {
    let mut ids: Vec<i64> = input.items.iter().map(|i| i.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let products = products_by_id(conn, &ids).await?;
    let lines = priced_lines(&input.items, &products)?;
    let total_amount_cents = order_total(&lines)?;

    take_stock(conn, &lines).await?;

    let payload = created_payload(input, &lines, total_amount_cents)?;
    let rows = write_order(conn, input, &lines, total_amount_cents, &payload, at).await?;
    // No rows is an error `written_items` returns.
    let order_id = rows.first().map_or(0, |r| r.order_id);
    assemble(
        order_id,
        input.user_id,
        input.status,
        at,
        written_items(rows, &lines)?,
    )
}

/// The order's items as written (`rows`, in any order), each with its line's product name and
/// amount; an error if the database wrote another number of them.
pub(super) fn written_items(
    mut rows: Vec<order_item::Model>,
    lines: &[Line<'_>],
) -> Result<Vec<OrderItem>, Error> {
    rows.sort_by_key(|r| r.id);
    if rows.len() != lines.len() {
        return Err(Error::Db(sea_orm::DbErr::Custom(format!(
            "the order was written with {} of its {} items",
            rows.len(),
            lines.len()
        ))));
    }
    Ok(rows
        .into_iter()
        .zip(lines)
        .map(|(row, line)| OrderItem {
            id: row.id,
            product_id: row.product_id,
            product_name: line.product.name.clone(),
            quantity: row.quantity,
            price_cents_at_purchase: row.price_cents_at_purchase,
            amount_cents: line.amount_cents,
        })
        .collect())
}

/// The order's lines, each with its product and amount (`NotFound` naming the line of an
/// unknown product).
pub(super) fn priced_lines<'a>(
    items: &'a [NewOrderItem],
    products: &'a HashMap<i64, product::Model>,
) -> Result<Vec<Line<'a>>, Error> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let product = products.get(&item.product_id).ok_or(Error::NotFound {
                field: line_field(i + 1),
                what: "product",
                id: item.product_id,
            })?;
            let amount_cents = item
                .quantity
                .checked_mul(product.price_cents)
                .ok_or_else(|| too_large(&line_field(i + 1)))?;
            Ok(Line {
                number: i + 1,
                item,
                product,
                amount_cents,
            })
        })
        .collect()
}

/// The lines' total, refused over [`MAX_ORDER_TOTAL_CENTS`].
pub(super) fn order_total(lines: &[Line<'_>]) -> Result<i64, Error> {
    lines
        .iter()
        .try_fold(0i64, |sum, l| sum.checked_add(l.amount_cents))
        .filter(|total| *total <= MAX_ORDER_TOTAL_CENTS)
        .ok_or_else(|| {
            let total: i128 = lines.iter().map(|l| i128::from(l.amount_cents)).sum();
            Error::invalid(
                "items",
                format!(
                    "the order totals {}, over the most one order may total, {} \
                     (2^53 - 1 cents, which every JSON client reads exactly)",
                    crate::money::format_cents(total),
                    crate::money::format_cents(MAX_ORDER_TOTAL_CENTS)
                ),
            )
        })
}

/// The `order_created` event's payload as JSON text.
pub(super) fn created_payload(
    input: &NewOrder,
    lines: &[Line<'_>],
    total_amount_cents: i64,
) -> Result<String, Error> {
    let payload = CreatedPayload {
        user_id: input.user_id,
        status: input.status,
        items: lines
            .iter()
            .map(|l| CreatedItem {
                product_id: l.item.product_id,
                quantity: l.item.quantity,
                price_cents_at_purchase: l.product.price_cents,
            })
            .collect(),
        total_amount_cents,
    };
    serde_json::to_string(&payload).map_err(|e| {
        Error::Db(sea_orm::DbErr::Custom(format!(
            "the order_created payload: {e}"
        )))
    })
}

/// The `order_created` event's payload, serialised straight to its JSON text.
#[derive(Serialize)]
pub(super) struct CreatedPayload {
    user_id: i64,
    status: Status,
    items: Vec<CreatedItem>,
    total_amount_cents: i64,
}

/// A line of the `order_created` payload.
#[derive(Serialize)]
pub(super) struct CreatedItem {
    product_id: i64,
    quantity: i64,
    price_cents_at_purchase: i64,
}

/// The products with these ids (sorted, distinct), by id: one SELECT written out and read by
/// column position, which costs `create_order` less than SeaORM's query builder and its decoding
/// by column name (every order sends it).
pub(super) async fn products_by_id(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, product::Model>, Error> {
    let mut sql = SqlText::new(conn.get_database_backend());
    sql.push("SELECT id, name, price_cents, stock FROM products WHERE id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(")");
    let mut products = HashMap::with_capacity(ids.len());
    for row in conn.query_all_raw(sql.statement()).await? {
        let product = product::Model {
            id: row.try_get_by_index(0)?,
            name: row.try_get_by_index(1)?,
            price_cents: row.try_get_by_index(2)?,
            stock: row.try_get_by_index(3)?,
            search_key: None,
        };
        products.insert(product.id, product);
    }
    Ok(products)
}

/// A line of a new order, checked against its product.
pub(super) struct Line<'a> {
    /// 1-based, as errors name it (`item 2`).
    pub(super) number: usize,
    pub(super) item: &'a NewOrderItem,
    pub(super) product: &'a product::Model,
    pub(super) amount_cents: i64,
}

impl Line<'_> {
    /// What the line takes from stock: its quantity when the product's stock is tracked.
    pub(super) fn stock_taken(&self) -> i64 {
        if self.product.stock.is_some() {
            self.item.quantity
        } else {
            0
        }
    }
}

/// The units the lines ask for, summed per product, products in the order of their first line.
pub(super) fn units_by_product<'l, 'a: 'l>(
    lines: impl IntoIterator<Item = &'l Line<'a>>,
) -> Vec<(i64, i64)> {
    let mut units: Vec<(i64, i64)> = Vec::new();
    for line in lines {
        match units.iter_mut().find(|(id, _)| *id == line.item.product_id) {
            Some((_, sum)) => *sum += line.item.quantity,
            None => units.push((line.item.product_id, line.item.quantity)),
        }
    }
    units
}

/// An amount as `order_stats` keeps revenue: `(hi, lo)` with `amount = hi * 2^30 + lo`, so that
/// the sums of either column stay far from overflowing whatever the number of orders.
pub(crate) fn split_revenue(cents: i64) -> (i64, i64) {
    (
        cents >> REVENUE_SPLIT_BITS,
        cents & ((1 << REVENUE_SPLIT_BITS) - 1),
    )
}
