//! Order entry's keys: moving between its parts, picking a customer and products, typing
//! quantities, editing and dropping lines, placing (or saving) the order.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::{Customer, EntryAction, EntryFocus, EntryLine, OrderEntry, clear, text};
use crate::service::{NewOrder, NewOrderItem, Status, validate};
use crate::tui::request::Request;

/// What typing a key into a search field did.
enum Typed {
    /// The text did not change.
    Unchanged,
    /// It became blank: the pick list empties.
    Blank,
    /// Search for this text (the pick goes back to the first row).
    Search(String),
}

/// Types `key` into a search field.
fn searched(input: &mut TextArea<'static>, key: KeyEvent, pick: &mut usize) -> Typed {
    if !input.input(key) {
        return Typed::Unchanged;
    }
    *pick = 0;
    let typed = text(input);
    if typed.trim().is_empty() {
        Typed::Blank
    } else {
        Typed::Search(typed)
    }
}

impl OrderEntry {
    pub(super) fn edit_key(&mut self, key: KeyEvent) -> EntryAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return EntryAction::Cancel,
            KeyCode::Char('s') if ctrl => return self.place(),
            // Editing an order, the customer stays: Tab goes between the products and the lines.
            KeyCode::Tab | KeyCode::BackTab if self.order.is_some() => {
                self.focus = match self.focus {
                    EntryFocus::Product | EntryFocus::Quantity if !self.lines.is_empty() => {
                        EntryFocus::Lines
                    }
                    _ => EntryFocus::Product,
                };
                self.pick = 0;
                return EntryAction::None;
            }
            KeyCode::Tab => {
                self.focus = match self.focus {
                    EntryFocus::Customer => EntryFocus::Product,
                    EntryFocus::Product | EntryFocus::Quantity if !self.lines.is_empty() => {
                        EntryFocus::Lines
                    }
                    _ => EntryFocus::Customer,
                };
                self.pick = 0;
                return EntryAction::None;
            }
            KeyCode::BackTab => {
                self.focus = match self.focus {
                    EntryFocus::Lines => EntryFocus::Product,
                    EntryFocus::Customer if !self.lines.is_empty() => EntryFocus::Lines,
                    EntryFocus::Customer => EntryFocus::Product,
                    _ => EntryFocus::Customer,
                };
                self.pick = 0;
                return EntryAction::None;
            }
            _ => {}
        }
        match self.focus {
            EntryFocus::Customer => self.customer_key(key),
            EntryFocus::Product => self.product_key(key),
            EntryFocus::Quantity => self.quantity_key(key),
            EntryFocus::Lines => self.lines_key(key),
        }
    }

    fn move_pick(&mut self, key: KeyCode, len: usize) -> bool {
        match key {
            KeyCode::Up if len > 0 => {
                self.pick = self.pick.saturating_sub(1);
                true
            }
            KeyCode::Down if len > 0 => {
                self.pick = (self.pick + 1).min(len - 1);
                true
            }
            _ => false,
        }
    }

    fn customer_key(&mut self, key: KeyEvent) -> EntryAction {
        if self.move_pick(key.code, self.users.len()) {
            return EntryAction::None;
        }
        if key.code == KeyCode::Enter {
            match self.users.get(self.pick) {
                Some(user) => {
                    self.customer = Some(Customer::from(user));
                    self.users.clear();
                    clear(&mut self.customer_input);
                    self.focus = EntryFocus::Product;
                    self.pick = 0;
                    self.error = None;
                }
                None => self.error = Some("type part of the customer's email or name".to_owned()),
            }
            return EntryAction::None;
        }
        match searched(&mut self.customer_input, key, &mut self.pick) {
            Typed::Search(typed) => EntryAction::Search(Request::PickUsers(typed)),
            Typed::Blank => {
                self.users.clear();
                EntryAction::None
            }
            Typed::Unchanged => EntryAction::None,
        }
    }

    fn product_key(&mut self, key: KeyEvent) -> EntryAction {
        if text(&self.product_input).is_empty()
            && !self.lines.is_empty()
            && matches!(key.code, KeyCode::Up | KeyCode::Down)
        {
            self.focus = EntryFocus::Lines;
            return EntryAction::None;
        }
        if self.move_pick(key.code, self.products.len()) {
            return EntryAction::None;
        }
        if key.code == KeyCode::Enter {
            match self.products.get(self.pick) {
                Some(product) => {
                    self.chosen = Some(self.as_held(product.clone()));
                    self.editing = None;
                    self.products.clear();
                    clear(&mut self.product_input);
                    clear(&mut self.quantity_input);
                    self.focus = EntryFocus::Quantity;
                    self.error = None;
                }
                None => self.error = Some("type part of a product name".to_owned()),
            }
            return EntryAction::None;
        }
        match searched(&mut self.product_input, key, &mut self.pick) {
            Typed::Search(typed) => EntryAction::Search(Request::PickProducts(typed)),
            Typed::Blank => {
                self.products.clear();
                EntryAction::None
            }
            Typed::Unchanged => EntryAction::None,
        }
    }

    fn quantity_key(&mut self, key: KeyEvent) -> EntryAction {
        match key.code {
            KeyCode::Enter => {
                let quantity = match validate::quantity("quantity", &text(&self.quantity_input)) {
                    Ok(q) => q,
                    Err(e) => {
                        self.error = Some(e.to_string());
                        return EntryAction::None;
                    }
                };
                if let Some(i) = self.editing.take() {
                    if let Some(line) = self.lines.get_mut(i) {
                        line.quantity = quantity;
                        line.error = None;
                    }
                } else if let Some(product) = self.chosen.take() {
                    if let Some(i) = self.lines.iter().position(|l| l.product.id == product.id) {
                        let line = &mut self.lines[i];
                        line.quantity = line.quantity.saturating_add(quantity);
                        line.error = None;
                        self.line = i;
                    } else {
                        self.lines.push(EntryLine {
                            product,
                            quantity,
                            error: None,
                        });
                        self.line = self.lines.len() - 1;
                    }
                }
                clear(&mut self.quantity_input);
                self.error = None;
                self.focus = EntryFocus::Product;
            }
            KeyCode::Char(c) if !c.is_ascii_digit() => {
                self.error = Some("quantity: type a whole number such as 2".to_owned());
            }
            _ => {
                self.quantity_input.input(key);
            }
        }
        EntryAction::None
    }

    fn lines_key(&mut self, key: KeyEvent) -> EntryAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') if !ctrl && self.lines.is_empty() => {}
            KeyCode::Up => self.line = self.line.saturating_sub(1),
            KeyCode::Down => self.line = (self.line + 1).min(self.lines.len().saturating_sub(1)),
            KeyCode::Char('d') if ctrl => {
                if self.line < self.lines.len() {
                    self.lines.remove(self.line);
                    self.line = self.line.min(self.lines.len().saturating_sub(1));
                }
                if self.lines.is_empty() {
                    self.focus = EntryFocus::Product;
                }
            }
            KeyCode::Enter => {
                if let Some(line) = self.lines.get(self.line) {
                    self.editing = Some(self.line);
                    self.quantity_input = TextArea::new(vec![line.quantity.to_string()]);
                    self.quantity_input
                        .move_cursor(ratatui_textarea::CursorMove::End);
                    self.focus = EntryFocus::Quantity;
                }
            }
            KeyCode::Char(_) if !ctrl => {
                self.focus = EntryFocus::Product;
                return self.product_key(key);
            }
            _ => {}
        }
        EntryAction::None
    }

    fn place(&mut self) -> EntryAction {
        if let Some(id) = self.order {
            if self.lines.is_empty() {
                self.error =
                    Some("an order keeps at least one line (c on Orders cancels it)".to_owned());
                self.focus = EntryFocus::Product;
                return EntryAction::None;
            }
            self.placing = true;
            self.error = None;
            return EntryAction::Place(Request::EditOrder(id, self.items()));
        }
        let Some(customer) = &self.customer else {
            self.error = Some("choose the customer first".to_owned());
            self.focus = EntryFocus::Customer;
            return EntryAction::None;
        };
        if self.lines.is_empty() {
            self.error = Some("add at least one line".to_owned());
            self.focus = EntryFocus::Product;
            return EntryAction::None;
        }
        self.placing = true;
        self.error = None;
        for line in &mut self.lines {
            line.error = None;
        }
        EntryAction::Place(Request::CreateOrder(
            NewOrder {
                user_id: customer.id,
                status: Status::Pending,
                items: self.items(),
            },
            customer.email.clone(),
        ))
    }

    /// The lines as an order's items.
    fn items(&self) -> Vec<NewOrderItem> {
        self.lines
            .iter()
            .map(|l| NewOrderItem {
                product_id: l.product.id,
                quantity: l.quantity,
            })
            .collect()
    }
}
