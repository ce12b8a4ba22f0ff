//! Every colour and style of the TUI. With `NO_COLOR` set, no colour at all: selection and
//! emphasis use reverse and bold.

use ratatui::style::{Color, Modifier, Style};

/// The styles the screens draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything non-empty).
    #[must_use]
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    /// A theme with or without colour.
    #[must_use]
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The selected row of a list.
    #[must_use]
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// Column headers.
    #[must_use]
    pub fn header(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The active tab.
    #[must_use]
    pub fn tab_active(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Inactive tabs, hints and other quiet text.
    #[must_use]
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// Keys in the hint bar and help.
    #[must_use]
    pub fn key(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// An error message.
    #[must_use]
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A success message.
    #[must_use]
    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    /// Low stock.
    #[must_use]
    pub fn low(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The focused field's border.
    #[must_use]
    pub fn focus(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Bars and sparklines.
    #[must_use]
    pub fn chart(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// A status name, coloured by where it is in the lifecycle.
    #[must_use]
    pub fn status(self, status: crate::service::Status) -> Style {
        use crate::service::Status;
        match status {
            Status::Pending => self.fg(Color::Yellow),
            Status::Confirmed => self.fg(Color::Blue),
            Status::Shipped => self.fg(Color::Magenta),
            Status::Delivered => self.fg(Color::Green),
            Status::Cancelled => self.fg(Color::Red),
        }
    }
}
