//! Forms for users and products: one-line text inputs, checks on submit with the message beside
//! the field, input kept on error.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui_textarea::TextArea;

use super::confirm::discard_or_close;
use crate::money::format_cents;
use crate::service::{
    Error, NewProduct, NewUser, Product, ProductChanges, UserChanges, UserRow, validate,
};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{BACK_TAB, Bindings, DOWN, ENTER, ESC, Key, TAB, UP, bind};
use crate::tui::request::Request;
use crate::tui::widgets::{Look, centered, input_box, popup};

/// What a form creates or changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// A new user.
    NewUser,
    /// An existing user.
    EditUser(i64),
    /// A new product.
    NewProduct,
    /// An existing product.
    EditProduct(i64),
}

/// One labelled input.
#[derive(Debug, Clone)]
pub struct Field {
    /// The label, which is also the name errors use for it.
    pub label: &'static str,
    /// What the input takes.
    pub hint: &'static str,
    /// The input.
    pub input: TextArea<'static>,
    /// The message shown beside it.
    pub error: Option<String>,
    original: String,
}

impl Field {
    fn new(label: &'static str, hint: &'static str, value: &str) -> Self {
        let mut input = TextArea::new(vec![value.to_owned()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        Field {
            label,
            hint,
            input,
            error: None,
            original: value.to_owned(),
        }
    }

    /// The text typed.
    pub fn value(&self) -> &str {
        self.input.lines().first().map_or("", String::as_str)
    }
}

/// The keys of a form.
pub const BINDINGS: Bindings = &[
    bind(&[TAB, BACK_TAB, UP, DOWN], "field"),
    bind(&[ENTER], "next / save"),
    bind(&[Key::Ctrl('s')], "save"),
    bind(&[ESC], "cancel"),
    bind(&[Key::Typing], "edits"),
];

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormAction {
    /// Nothing beyond editing.
    None,
    /// Submit it.
    Submit,
    /// Leave it (the caller asks first when something was typed).
    Cancel,
}

/// A form.
#[derive(Debug, Clone)]
pub struct Form {
    /// What it is for.
    pub kind: FormKind,
    /// Its inputs.
    pub fields: Vec<Field>,
    /// The input with focus.
    pub focus: usize,
    /// True while the save is in flight.
    pub saving: bool,
}

impl Form {
    /// An empty new-user form.
    #[must_use]
    pub fn new_user() -> Self {
        Self::with(
            FormKind::NewUser,
            vec![
                Field::new("email", "name@domain.tld", ""),
                Field::new("name", "full name", ""),
            ],
        )
    }

    /// A form to edit a user.
    #[must_use]
    pub fn edit_user(user: &UserRow) -> Self {
        Self::with(
            FormKind::EditUser(user.id),
            vec![
                Field::new("email", "name@domain.tld", &user.email),
                Field::new("name", "full name", &user.full_name),
            ],
        )
    }

    /// An empty new-product form.
    #[must_use]
    pub fn new_product() -> Self {
        Self::with(
            FormKind::NewProduct,
            vec![
                Field::new("name", "product name", ""),
                Field::new("price", "such as 12.34", ""),
                Field::new("stock", "units; empty = not tracked", ""),
            ],
        )
    }

    /// A form to edit a product.
    #[must_use]
    pub fn edit_product(product: &Product) -> Self {
        Self::with(
            FormKind::EditProduct(product.id),
            vec![
                Field::new("name", "product name", &product.name),
                Field::new("price", "such as 12.34", &format_cents(product.price_cents)),
                Field::new(
                    "stock",
                    "units; empty = not tracked",
                    &product.stock.map(|s| s.to_string()).unwrap_or_default(),
                ),
            ],
        )
    }

    fn with(kind: FormKind, fields: Vec<Field>) -> Self {
        Form {
            kind,
            fields,
            focus: 0,
            saving: false,
        }
    }

    /// The title of the form's box.
    #[must_use]
    pub fn title(&self) -> String {
        match self.kind {
            FormKind::NewUser => "New user".to_owned(),
            FormKind::EditUser(id) => format!("Edit user {id}"),
            FormKind::NewProduct => "New product".to_owned(),
            FormKind::EditProduct(id) => format!("Edit product {id}"),
        }
    }

    /// Whether anything differs from what the form started with.
    #[must_use]
    pub fn dirty(&self) -> bool {
        self.fields.iter().any(|f| f.value() != f.original)
    }

    /// Handles a key: Tab / Shift-Tab / Up / Down move between fields, Enter moves on or
    /// submits from the last field, Ctrl-S submits, Esc cancels (asking first when something
    /// was typed); typing edits. While saving, keys wait.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        if self.saving {
            return Some(Vec::new());
        }
        Some(match self.edit_key(key) {
            FormAction::Cancel => discard_or_close(self.dirty(), "Discard what you typed?"),
            FormAction::Submit => self.submit().map(Action::Run).into_iter().collect(),
            FormAction::None => Vec::new(),
        })
    }

    fn edit_key(&mut self, key: KeyEvent) -> FormAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return FormAction::Cancel,
            KeyCode::Char('s') if ctrl => return FormAction::Submit,
            KeyCode::Enter if self.focus + 1 == self.fields.len() => return FormAction::Submit,
            KeyCode::Enter | KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len();
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
            }
            _ => {
                let field = &mut self.fields[self.focus];
                if field.input.input(key) {
                    field.error = None;
                }
            }
        }
        FormAction::None
    }

    /// Checks every field; on success the request that saves the form, otherwise the messages
    /// beside the fields (focus on the first bad one) and `None`.
    pub fn submit(&mut self) -> Option<Request> {
        for f in &mut self.fields {
            f.error = None;
        }
        let request = match self.kind {
            FormKind::NewUser | FormKind::EditUser(_) => self.user_request(),
            FormKind::NewProduct | FormKind::EditProduct(_) => self.product_request(),
        };
        match request {
            Ok(r) => {
                self.saving = true;
                Some(r)
            }
            Err(errors) => {
                for e in errors {
                    self.show_error(&e);
                }
                None
            }
        }
    }

    fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", Field::value)
    }

    fn user_request(&self) -> Result<Request, Vec<Error>> {
        let email = validate::email("email", self.value("email"));
        let name = validate::name("name", self.value("name"));
        match (email, name) {
            (Ok(email), Ok(full_name)) => Ok(match self.kind {
                FormKind::EditUser(id) => Request::UpdateUser(
                    id,
                    UserChanges {
                        email: Some(email),
                        full_name: Some(full_name),
                    },
                ),
                _ => Request::CreateUser(NewUser { email, full_name }),
            }),
            (e, n) => Err([e.err(), n.err()].into_iter().flatten().collect()),
        }
    }

    fn product_request(&self) -> Result<Request, Vec<Error>> {
        let name = validate::name("name", self.value("name"));
        let price = validate::price("price", self.value("price"));
        let stock_text = self.value("stock").trim();
        let stock = if stock_text.is_empty() {
            Ok(None)
        } else {
            validate::stock("stock", stock_text).map(Some)
        };
        match (name, price, stock) {
            (Ok(name), Ok(price_cents), Ok(stock)) => Ok(match self.kind {
                FormKind::EditProduct(id) => Request::UpdateProduct(
                    id,
                    ProductChanges {
                        name: Some(name),
                        price_cents: Some(price_cents),
                        stock: Some(stock),
                    },
                ),
                _ => Request::CreateProduct(NewProduct {
                    name,
                    price_cents,
                    stock,
                }),
            }),
            (n, p, s) => Err([n.err(), p.err(), s.err()].into_iter().flatten().collect()),
        }
    }

    /// Shows a refusal beside the field it names (the first field when it names none of them)
    /// and moves focus there; the form keeps what was typed.
    pub fn show_error(&mut self, err: &Error) {
        self.saving = false;
        let index = err
            .field()
            .and_then(|name| self.fields.iter().position(|f| f.label == name))
            .unwrap_or(0);
        let message = match err {
            Error::Validation { reason, .. } | Error::Conflict { reason, .. } => reason.clone(),
            other => other.to_string(),
        };
        let already = self.fields.iter().any(|f| f.error.is_some());
        self.fields[index].error = Some(message);
        if !already {
            self.focus = index;
        }
    }

    /// The saved row's description for the status line.
    #[must_use]
    pub fn saved_message(&self, what: &str, id: i64) -> String {
        match self.kind {
            FormKind::NewUser | FormKind::NewProduct => format!("Created {what} {id}."),
            _ => format!("Saved {what} {id}."),
        }
    }

    /// Draws the form.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let height = self.fields.len() as u16 * 4 + 3;
        let inner = popup(&self.title(), theme, frame, centered(area, 64, height));
        let mut constraints: Vec<Constraint> = self
            .fields
            .iter()
            .flat_map(|_| [Constraint::Length(3), Constraint::Length(1)])
            .collect();
        constraints.push(Constraint::Length(1));
        let rows = Layout::vertical(constraints).split(inner);
        for (i, field) in self.fields.iter().enumerate() {
            let focused = i == self.focus && !self.saving;
            input_box(
                field.label,
                &field.input,
                focused,
                theme,
                frame,
                rows[i * 2],
            );
            let note = match &field.error {
                Some(e) => Span::styled(format!("  ✗ {e}"), theme.error()),
                None => Span::styled(format!("  {}", field.hint), theme.dim()),
            };
            frame.render_widget(Paragraph::new(note), rows[i * 2 + 1]);
        }
        let foot = if self.saving {
            Span::styled("  saving…", theme.dim())
        } else {
            Span::styled(
                "  Ctrl-S or Enter on the last field saves · Esc cancels",
                theme.dim(),
            )
        };
        frame.render_widget(Paragraph::new(foot), rows[self.fields.len() * 2]);
    }
}
