//! Key bindings. Every screen and popup lists its keys as [`Binding`]s next to the code that
//! handles them; the hint bar and the `?` help are drawn from those lists, their labels are
//! made from the keys themselves, and a test presses every listed key (it must do something)
//! and every other key (it must do nothing).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key, or a class of keys, as a binding lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A key pressed without Ctrl or Alt (Shift is part of the character).
    Code(KeyCode),
    /// Ctrl and a letter.
    Ctrl(char),
    /// The characters from the first to the last, shown as `1-5`.
    Range(char, char),
    /// Typing into the focused text field: characters (with any modifier: the field's editing
    /// shortcuts), Backspace, Delete, ← →, Home and End.
    Typing,
    /// Every key (the demo offer's "other keys").
    Other,
}

/// A plain character key.
#[must_use]
pub const fn ch(c: char) -> Key {
    Key::Code(KeyCode::Char(c))
}

/// ↑.
pub const UP: Key = Key::Code(KeyCode::Up);
/// ↓.
pub const DOWN: Key = Key::Code(KeyCode::Down);
/// Enter.
pub const ENTER: Key = Key::Code(KeyCode::Enter);
/// Esc.
pub const ESC: Key = Key::Code(KeyCode::Esc);
/// Tab.
pub const TAB: Key = Key::Code(KeyCode::Tab);
/// Shift-Tab.
pub const BACK_TAB: Key = Key::Code(KeyCode::BackTab);
/// Page Up.
pub const PAGE_UP: Key = Key::Code(KeyCode::PageUp);
/// Page Down.
pub const PAGE_DOWN: Key = Key::Code(KeyCode::PageDown);
/// Home.
pub const HOME: Key = Key::Code(KeyCode::Home);
/// End.
pub const END: Key = Key::Code(KeyCode::End);

/// Keys and what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The keys.
    pub keys: &'static [Key],
    /// What they do, in a few words.
    pub what: &'static str,
}

/// A view's bindings, in the order the hint bar shows them.
pub type Bindings = &'static [Binding];

/// A binding of `keys` to `what`.
#[must_use]
pub const fn bind(keys: &'static [Key], what: &'static str) -> Binding {
    Binding { keys, what }
}

/// Keys that work on every screen when no popup is open.
pub const GLOBAL: Bindings = &[
    bind(&[Key::Range('1', '6'), TAB, BACK_TAB], "switch screen"),
    bind(&[ch('L')], "SQL log panel"),
    bind(&[ch('t')], "transaction stepper"),
    bind(&[ch('?')], "help"),
    bind(&[ch('q'), Key::Ctrl('c')], "quit"),
];

/// Keys that work wherever the focus is, popups included.
pub const ALWAYS: Bindings = &[bind(&[Key::Ctrl('c')], "quit")];

/// What the hint bar ends with when no popup is open.
pub const TAIL: Bindings = &[bind(&[ch('?')], "help"), bind(&[ch('q')], "quit")];

impl Key {
    /// Whether `event` is this key.
    #[must_use]
    pub fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        match self {
            Key::Code(code) => !ctrl && !alt && event.code == code,
            Key::Ctrl(c) => ctrl && event.code == KeyCode::Char(c),
            Key::Range(first, last) => {
                !ctrl
                    && !alt
                    && matches!(event.code, KeyCode::Char(c) if (first..=last).contains(&c))
            }
            Key::Typing => matches!(
                event.code,
                KeyCode::Char(_)
                    | KeyCode::Backspace
                    | KeyCode::Delete
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Home
                    | KeyCode::End
            ),
            Key::Other => true,
        }
    }

    fn label(self) -> String {
        match self {
            Key::Code(code) => match code {
                KeyCode::Up => "↑".to_owned(),
                KeyCode::Down => "↓".to_owned(),
                KeyCode::Left => "←".to_owned(),
                KeyCode::Right => "→".to_owned(),
                KeyCode::PageUp => "PgUp".to_owned(),
                KeyCode::PageDown => "PgDn".to_owned(),
                KeyCode::BackTab => "S-Tab".to_owned(),
                KeyCode::Char(c) => c.to_string(),
                other => other.to_string(),
            },
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Range(first, last) => format!("{first}-{last}"),
            Key::Typing => "type".to_owned(),
            Key::Other => "other keys".to_owned(),
        }
    }

    fn is_arrow(self) -> bool {
        matches!(
            self,
            Key::Code(KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right)
        )
    }
}

impl Binding {
    /// The keys as the hint bar and the help show them: `↑↓ j k`, `Ctrl-S`, `1-5 Tab`.
    #[must_use]
    pub fn label(&self) -> String {
        let mut out = String::new();
        let mut previous: Option<Key> = None;
        for &key in self.keys {
            let joined = previous.is_some_and(|p| p.is_arrow() && key.is_arrow());
            if previous.is_some() && !joined {
                out.push(' ');
            }
            out.push_str(&key.label());
            previous = Some(key);
        }
        out
    }

    /// Whether `event` is one of the keys.
    #[must_use]
    pub fn matches(&self, event: &KeyEvent) -> bool {
        self.keys.iter().any(|k| k.matches(event))
    }
}

/// Whether `bindings` list `event`.
#[must_use]
pub fn listed(bindings: &[Binding], event: &KeyEvent) -> bool {
    bindings.iter().any(|b| b.matches(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_made_from_the_keys() {
        const B: Binding = bind(&[UP, DOWN, ch('j'), ch('k')], "move");
        assert_eq!(B.label(), "↑↓ j k");
        assert_eq!(GLOBAL[0].label(), "1-6 Tab S-Tab");
        assert_eq!(GLOBAL[4].label(), "q Ctrl-C");
        assert_eq!(bind(&[Key::Ctrl('s')], "save").label(), "Ctrl-S");
        assert_eq!(bind(&[PAGE_UP, PAGE_DOWN], "page").label(), "PgUp PgDn");
    }

    #[test]
    fn ctrl_keys_are_not_plain_keys() {
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(!ch('s').matches(&ctrl_s));
        assert!(Key::Ctrl('s').matches(&ctrl_s));
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert!(ch('G').matches(&shifted));
    }
}
