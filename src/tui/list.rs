//! A list screen's page: rows fetched by keyset, the selection, the filter, the moves between
//! rows and pages, and the keys every list shares.

use std::fmt::Write as _;

use crossterm::event::KeyCode;
use ratatui::layout::Constraint;
use ratatui::widgets::Row;

use super::action::{Action, Ctx, Handled};
use super::keymap::{Binding, DOWN, END, HOME, PAGE_DOWN, PAGE_UP, UP, bind, ch};
use super::popups::Overlay;
use super::popups::confirm::{Confirm, OnYes};
use super::popups::filter::Filter;
use super::popups::form::Form;
use super::request::Request;
use super::theme::Theme;
use super::widgets::{ListView, list_block};

/// Whether a list's current page is being fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// Never fetched (or invalidated by a change).
    Stale,
    /// A fetch is in flight.
    Busy,
    /// Shown rows are current.
    Done,
}

/// The moves every list shares.
pub const MOVE: Binding = bind(&[UP, DOWN, ch('j'), ch('k')], "move");
/// Paging.
pub const PAGE: Binding = bind(&[PAGE_UP, PAGE_DOWN], "page");
/// First and last row.
pub const ENDS: Binding = bind(&[HOME, END, ch('g'), ch('G')], "first / last row");

/// A screen that shows a [`Page`]: the keys every list shares come with it.
pub trait ListScreen {
    /// A row of the list.
    type Row;

    /// The page shown.
    fn page_mut(&mut self) -> &mut Page<Self::Row>;

    /// The keyset cursor of a row (the next page starts after the last row's).
    fn cursor_of(row: &Self::Row) -> i64;

    /// Marks the page as loading and returns the query that fetches it.
    fn load(&mut self, ctx: &Ctx) -> Request;

    /// The moves (`None`: not a move key), with the fetch a move to another page needs.
    fn move_key(&mut self, key: KeyCode, ctx: &Ctx) -> Handled {
        let moved = self
            .page_mut()
            .navigate(key, ctx.page_rows, Self::cursor_of)?;
        Some(match moved {
            Moved::Within => Vec::new(),
            Moved::Fetch => vec![Action::Run(self.load(ctx))],
        })
    }

    /// `/`: the filter popup, starting from the current filter.
    fn open_filter(&mut self) -> Action {
        Action::Open(Overlay::Filter(Filter::new(&self.page_mut().filter)))
    }

    /// The keys every list shares: the moves and `/` (`None` for other keys).
    fn list_key(&mut self, key: KeyCode, ctx: &Ctx) -> Handled {
        if key == KeyCode::Char('/') {
            return Some(vec![self.open_filter()]);
        }
        self.move_key(key, ctx)
    }
}

/// A list whose rows are edited in forms: how to make each form and the delete question.
pub struct Editing<T> {
    /// The form for a new row.
    pub new: fn() -> Form,
    /// The form that edits a row.
    pub edit: fn(&T) -> Form,
    /// The question before deleting a row, and the request that deletes it.
    pub delete: fn(&T) -> (String, Request),
}

impl<T> Editing<T> {
    /// `n` new, `e` edit, `d` delete (asks); `None` for other keys. Without a row, `e` and `d`
    /// do nothing.
    #[must_use]
    pub fn key(&self, key: KeyCode, selected: Option<&T>) -> Handled {
        let action = match (key, selected) {
            (KeyCode::Char('n'), _) => Action::Open(Overlay::Form((self.new)())),
            (KeyCode::Char('e'), Some(row)) => Action::Open(Overlay::Form((self.edit)(row))),
            (KeyCode::Char('d'), Some(row)) => {
                let (question, request) = (self.delete)(row);
                Action::Open(Overlay::Confirm(Confirm {
                    question,
                    on_yes: OnYes::Run(request),
                }))
            }
            (KeyCode::Char('e' | 'd'), None) => return Some(Vec::new()),
            _ => return None,
        };
        Some(vec![action])
    }
}

/// One page of a list, fetched by keyset: `cursors` holds the cursor of each page visited so
/// far (`PgUp` pops back to the previous one).
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows of the page.
    pub rows: Vec<T>,
    /// The selected row.
    pub selected: usize,
    /// The cursor of each page visited, the current page last.
    pub cursors: Vec<Option<i64>>,
    /// The text filter (applied in the database).
    pub filter: String,
    /// Whether the rows are current.
    pub loading: Loading,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            rows: Vec::new(),
            selected: 0,
            cursors: vec![None],
            filter: String::new(),
            loading: Loading::Stale,
        }
    }
}

/// What a move key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// The selection moved (or could not) within the page.
    Within,
    /// Another page is needed: fetch it.
    Fetch,
}

impl<T> Page<T> {
    /// The cursor of the current page.
    #[must_use]
    pub fn cursor(&self) -> Option<i64> {
        self.cursors.last().copied().flatten()
    }

    /// The page number, from 1.
    #[must_use]
    pub fn number(&self) -> usize {
        self.cursors.len()
    }

    /// The selected row.
    #[must_use]
    pub fn selected_row(&self) -> Option<&T> {
        self.rows.get(self.selected)
    }

    /// Takes fetched rows.
    pub fn receive(&mut self, rows: Vec<T>) {
        self.selected = self.selected.min(rows.len().saturating_sub(1));
        self.rows = rows;
        self.loading = Loading::Done;
    }

    /// Back to the first page (a filter changed).
    pub fn restart(&mut self) {
        self.cursors = vec![None];
        self.selected = 0;
    }

    /// Sets the filter and goes back to the first page.
    pub fn set_filter(&mut self, text: String) {
        self.filter = text;
        self.restart();
    }

    /// Moves for a list key (`None`: not a move key); `key_of` gives a row's keyset cursor.
    pub fn navigate(
        &mut self,
        key: KeyCode,
        page_rows: u64,
        key_of: impl Fn(&T) -> i64,
    ) -> Option<Moved> {
        enum Step {
            To(usize),
            Next,
            Prev,
        }
        let page_rows = usize::try_from(page_rows).unwrap_or(usize::MAX);
        let (len, selected, number) = (self.rows.len(), self.selected, self.number());
        let full = len == page_rows;
        let step = match key {
            KeyCode::Up | KeyCode::Char('k') if selected > 0 => Step::To(selected - 1),
            KeyCode::Up | KeyCode::Char('k') if number > 1 => Step::Prev,
            KeyCode::Down | KeyCode::Char('j') if selected + 1 < len => Step::To(selected + 1),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown if full => Step::Next,
            KeyCode::PageUp if number > 1 => Step::Prev,
            KeyCode::PageUp => Step::To(0),
            KeyCode::PageDown => Step::To(len.saturating_sub(1)),
            KeyCode::Home | KeyCode::Char('g') => Step::To(0),
            KeyCode::End | KeyCode::Char('G') => Step::To(len.saturating_sub(1)),
            KeyCode::Up | KeyCode::Down | KeyCode::Char('j' | 'k') => return Some(Moved::Within),
            _ => return None,
        };
        match step {
            Step::To(i) => {
                self.selected = i;
                return Some(Moved::Within);
            }
            Step::Next => {
                let next = self.rows.last().map(&key_of);
                self.cursors.push(next);
                self.selected = 0;
            }
            Step::Prev => {
                self.cursors.pop();
                let to_end = matches!(key, KeyCode::Up | KeyCode::Char('k'));
                self.selected = if to_end { page_rows - 1 } else { 0 };
            }
        }
        Some(Moved::Fetch)
    }

    /// The box title: name, page, filter, `extra`, and whether it is loading.
    #[must_use]
    pub fn title(&self, name: &str, extra: &str) -> String {
        let mut title = format!(" {name} · page {}", self.number());
        if !self.filter.is_empty() {
            let _ = write!(title, " · filter \"{}\"", self.filter);
        }
        title.push_str(extra);
        if self.loading == Loading::Busy {
            title.push_str(" · loading…");
        }
        title.push(' ');
        title
    }

    /// The page as a table in a box titled `title`, with the selection, saying `empty` (or
    /// that it is loading) when it has no rows.
    #[must_use]
    pub fn table<'a>(
        &self,
        title: String,
        theme: Theme,
        (header, widths): (&'a [&'static str], &'a [Constraint]),
        rows: Vec<Row<'a>>,
        empty: &'static str,
    ) -> ListView<'a> {
        ListView {
            block: list_block(title, theme),
            header,
            widths,
            rows,
            selected: Some(self.selected),
            empty: match self.loading {
                Loading::Done => empty,
                _ => "Loading…",
            },
        }
    }
}
