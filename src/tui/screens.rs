//! The screens, one file each: its state, its keys, what a key asks for, and its drawing.

pub mod dashboard;
pub mod lessons;
pub mod orders;
pub mod products;
pub mod sql_log;
pub mod users;

use super::keymap::Bindings;

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Customers.
    Users,
    /// Products and stock.
    Products,
    /// Orders.
    Orders,
    /// Figures and charts.
    Dashboard,
    /// Every SQL statement (the teaching issue).
    SqlLog,
    /// Lessons: what an ORM does, step by step, on a sandbox.
    Lessons,
}

impl Screen {
    /// Every screen in tab order.
    pub const ALL: [Screen; 6] = [
        Screen::Users,
        Screen::Products,
        Screen::Orders,
        Screen::Dashboard,
        Screen::SqlLog,
        Screen::Lessons,
    ];

    /// The tab title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Screen::Users => "Users",
            Screen::Products => "Products",
            Screen::Orders => "Orders",
            Screen::Dashboard => "Dashboard",
            Screen::SqlLog => "SQL log",
            Screen::Lessons => "Lessons",
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    /// The next screen (wrapping).
    #[must_use]
    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    /// The previous screen (wrapping).
    #[must_use]
    pub fn prev(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }

    /// The keys of this screen.
    #[must_use]
    pub fn bindings(self) -> Bindings {
        match self {
            Screen::Users => users::BINDINGS,
            Screen::Products => products::BINDINGS,
            Screen::Orders => orders::BINDINGS,
            Screen::Dashboard => dashboard::BINDINGS,
            Screen::SqlLog => sql_log::BINDINGS,
            Screen::Lessons => lessons::BINDINGS,
        }
    }
}
