//! Order entry, built for speed: type part of a customer, Enter; type part of a product, Enter,
//! a quantity, Enter; again for each line; Ctrl-S places the order.

mod draw;
mod keys;

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use super::confirm::discard_or_close;
use crate::service::{Error, OrderDetail, Product, UserRow};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{BACK_TAB, Bindings, DOWN, ENTER, ESC, Key, TAB, UP, bind};
use crate::tui::request::Request;

/// Which part of the form has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryFocus {
    /// Choosing the customer.
    Customer,
    /// Searching for a product to add.
    Product,
    /// Typing the quantity of the chosen product (or of the line being edited).
    Quantity,
    /// Moving among the lines.
    Lines,
}

/// A line of the order being entered.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryLine {
    /// The product as it was when picked (price and stock shown from it).
    pub product: Product,
    /// Units.
    pub quantity: i64,
    /// Why the database refused this line, if it did.
    pub error: Option<String>,
}

impl EntryLine {
    /// quantity x current price, in cents (saturating: the database checks for real).
    #[must_use]
    pub fn amount_cents(&self) -> i64 {
        self.quantity.saturating_mul(self.product.price_cents)
    }
}

/// The keys of order entry.
pub const BINDINGS: Bindings = &[
    bind(&[Key::Ctrl('s')], "place"),
    bind(&[ENTER], "pick/add"),
    bind(&[UP, DOWN], "move"),
    bind(&[Key::Ctrl('d')], "drop line"),
    bind(&[ESC], "cancel"),
    bind(&[TAB, BACK_TAB], "section"),
    bind(&[Key::Typing], "searches"),
];

/// The keys of order entry on an order being edited (the customer stays).
pub const EDIT_BINDINGS: Bindings = &[
    bind(&[Key::Ctrl('s')], "save"),
    bind(&[ENTER], "pick/add"),
    bind(&[UP, DOWN], "move"),
    bind(&[Key::Ctrl('d')], "drop line"),
    bind(&[ESC], "cancel"),
    bind(&[TAB, BACK_TAB], "section"),
    bind(&[Key::Typing], "searches"),
];

/// What a key asks for.
#[derive(Debug, Clone, PartialEq)]
enum EntryAction {
    /// Nothing beyond the form itself.
    None,
    /// Refresh a pick list.
    Search(Request),
    /// Place the order.
    Place(Request),
    /// Leave the form (the app asks first when something was entered).
    Cancel,
}

/// The customer an order is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The user's id.
    pub id: i64,
    /// Their email.
    pub email: String,
    /// Their name.
    pub full_name: String,
}

impl From<&UserRow> for Customer {
    fn from(u: &UserRow) -> Self {
        Customer {
            id: u.id,
            email: u.email.clone(),
            full_name: u.full_name.clone(),
        }
    }
}

/// A product already on an order being edited: the price it was bought at, and the units its
/// lines hold (they come back to the stock the edit may use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    price_cents: i64,
    units: i64,
}

/// The order entry form: a new order, or a pending order's lines being edited.
#[derive(Debug, Clone)]
pub struct OrderEntry {
    /// The order being edited; `None` for a new order.
    pub order: Option<i64>,
    /// The lines the edited order had (product, quantity), to tell whether anything changed.
    original: Vec<(i64, i64)>,
    /// Per product already on the edited order: its price and the units it holds.
    held: std::collections::HashMap<i64, Held>,
    /// The part with focus.
    pub focus: EntryFocus,
    /// The customer, once chosen.
    pub customer: Option<Customer>,
    /// Text typed to find the customer.
    pub customer_input: TextArea<'static>,
    /// Text typed to find a product.
    pub product_input: TextArea<'static>,
    /// The quantity being typed.
    pub quantity_input: TextArea<'static>,
    /// Customers matching the text.
    pub users: Vec<UserRow>,
    /// Products matching the text.
    pub products: Vec<Product>,
    /// The highlighted row of the pick list.
    pub pick: usize,
    /// The product picked, waiting for its quantity.
    pub chosen: Option<Product>,
    /// The line whose quantity is being edited.
    pub editing: Option<usize>,
    /// The lines so far.
    pub lines: Vec<EntryLine>,
    /// The selected line.
    pub line: usize,
    /// A message about the whole form.
    pub error: Option<String>,
    /// True while the order is being placed.
    pub placing: bool,
}

fn input() -> TextArea<'static> {
    TextArea::default()
}

fn text(area: &TextArea<'_>) -> String {
    area.lines().first().cloned().unwrap_or_default()
}

fn clear(area: &mut TextArea<'static>) {
    *area = input();
}

impl Default for OrderEntry {
    fn default() -> Self {
        Self::new(None)
    }
}

impl OrderEntry {
    /// Units of line `i`'s product left after every line of that product, when its stock is
    /// tracked (negative: short by that many).
    pub fn stock_left(&self, i: usize) -> Option<i64> {
        let line = self.lines.get(i)?;
        let wanted: i64 = self
            .lines
            .iter()
            .filter(|l| l.product.id == line.product.id)
            .map(|l| l.quantity)
            .sum();
        line.product.stock.map(|s| s - wanted)
    }

    /// An empty form; with a customer, it starts at the products.
    #[must_use]
    pub fn new(customer: Option<&UserRow>) -> Self {
        let customer = customer.map(Customer::from);
        OrderEntry {
            order: None,
            original: Vec::new(),
            held: std::collections::HashMap::new(),
            focus: if customer.is_some() {
                EntryFocus::Product
            } else {
                EntryFocus::Customer
            },
            customer,
            customer_input: input(),
            product_input: input(),
            quantity_input: input(),
            users: Vec::new(),
            products: Vec::new(),
            pick: 0,
            chosen: None,
            editing: None,
            lines: Vec::new(),
            line: 0,
            error: None,
            placing: false,
        }
    }

    /// The form on a pending order's lines (`products`: its lines' products as they are now):
    /// the customer stays; a product already on the order shows the price it was bought at and
    /// the stock it may use, the shelf's plus what the order holds.
    #[must_use]
    pub fn edit(detail: &OrderDetail, products: &[Product]) -> Self {
        let o = &detail.order;
        let mut held: std::collections::HashMap<i64, Held> = std::collections::HashMap::new();
        for item in o.items.iter().rev() {
            let h = held.entry(item.product_id).or_insert(Held {
                price_cents: item.price_cents_at_purchase,
                units: 0,
            });
            h.price_cents = item.price_cents_at_purchase;
            h.units += item.quantity;
        }
        let mut entry = OrderEntry::new(None);
        entry.order = Some(o.id);
        entry.customer = Some(Customer {
            id: o.user_id,
            email: detail.customer_email.clone(),
            full_name: detail.customer_name.clone(),
        });
        entry.focus = EntryFocus::Lines;
        entry.held = held;
        for item in &o.items {
            let Some(now) = products.iter().find(|p| p.id == item.product_id) else {
                continue;
            };
            entry.lines.push(EntryLine {
                product: entry.as_held(now.clone()),
                quantity: item.quantity,
                error: None,
            });
        }
        entry.original = entry.shape();
        entry
    }

    /// A product as this form prices and stocks it: on an edited order, a product already on
    /// it keeps its price and may use what the order holds.
    fn as_held(&self, mut product: Product) -> Product {
        if let Some(h) = self.held.get(&product.id) {
            product.price_cents = h.price_cents;
            product.stock = product.stock.map(|s| s + h.units);
        }
        product
    }

    /// The lines as (product, quantity).
    fn shape(&self) -> Vec<(i64, i64)> {
        self.lines
            .iter()
            .map(|l| (l.product.id, l.quantity))
            .collect()
    }

    /// The question Esc asks when something was entered.
    #[must_use]
    pub fn discard_question(&self) -> String {
        match self.order {
            Some(id) => format!("Discard the changes to order {id}?"),
            None => "Discard this order?".to_owned(),
        }
    }

    /// Whether anything was entered (leaving then asks first).
    pub fn dirty(&self) -> bool {
        if self.order.is_some() {
            return self.shape() != self.original;
        }
        self.customer.is_some()
            || !self.lines.is_empty()
            || !text(&self.customer_input).is_empty()
            || !text(&self.product_input).is_empty()
    }

    /// The running total in cents.
    pub fn total_cents(&self) -> i64 {
        self.lines
            .iter()
            .fold(0_i64, |sum, l| sum.saturating_add(l.amount_cents()))
    }

    /// Handles a key; while the order is being placed, keys wait.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        if self.placing {
            return Some(Vec::new());
        }
        Some(match self.edit_key(key) {
            EntryAction::Cancel => discard_or_close(self.dirty(), &self.discard_question()),
            EntryAction::None => Vec::new(),
            EntryAction::Search(request) | EntryAction::Place(request) => {
                vec![Action::Run(request)]
            }
        })
    }

    /// Puts a refusal where it belongs: on the line it names (`item 2 ...`), or on the form.
    pub fn show_error(&mut self, err: &Error) {
        self.placing = false;
        let line = err
            .field()
            .and_then(|f| f.strip_prefix("item "))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| i < self.lines.len());
        match line {
            Some(i) => {
                let message = err.to_string();
                let reason = message
                    .split_once(": ")
                    .map_or(message.as_str(), |(_, r)| r)
                    .to_owned();
                self.lines[i].error = Some(reason);
                self.line = i;
                self.focus = EntryFocus::Lines;
                self.error = Some(format!("refused: {message}"));
            }
            None => self.error = Some(err.to_string()),
        }
    }
}
