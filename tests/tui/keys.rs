//! House issue, part 2: the key tables are the truth. Every key a screen or popup lists does
//! something there (changes the view or asks the app for something), and every key it does not
//! list does nothing at all (the whole app's state is the same after it, and no work starts).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orderdesk::tui::action::{Ctx, Handled};
use orderdesk::tui::app::{App, Event};
use orderdesk::tui::keymap::{self, Binding, Key};
use orderdesk::tui::popups::Overlay;
use orderdesk::tui::popups::stepper;
use orderdesk::tui::screens::Screen;

use crate::backend::{Backend, setup};
use crate::{Harness, day};

/// Every key a keyboard sends that the test presses: printable characters, Ctrl and a
/// letter, and the named keys.
fn every_key() -> Vec<KeyEvent> {
    let plain = (' '..='~').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let ctrl = ('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    let named = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::F(1),
        KeyCode::F(5),
    ]
    .map(|code| KeyEvent::new(code, KeyModifiers::NONE));
    plain.chain(ctrl).chain(named).collect()
}

/// The keys a binding lists, one event each (one character for a class of keys).
fn events_of(binding: &Binding) -> Vec<KeyEvent> {
    binding
        .keys
        .iter()
        .flat_map(|key| match *key {
            Key::Code(code) => vec![KeyEvent::new(code, KeyModifiers::NONE)],
            Key::Ctrl(c) => vec![KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)],
            Key::Range(a, b) => (a..=b)
                .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
                .collect(),
            Key::Typing => vec![KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE)],
            Key::Other => vec![KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)],
        })
        .collect()
}

/// Presses every listed key on a copy of `view`: each must change the view or ask for
/// something. Returns the failures.
fn listed_keys_act<V: Clone + std::fmt::Debug>(
    name: &str,
    view: &V,
    bindings: &[Binding],
    handle: impl Fn(&mut V, KeyEvent) -> Handled,
) -> Vec<String> {
    let mut failures = Vec::new();
    for binding in bindings {
        for key in events_of(binding) {
            let mut copy = view.clone();
            let before = format!("{copy:?}");
            let asked = handle(&mut copy, key);
            let acted = asked.as_ref().is_some_and(|a| !a.is_empty());
            if !acted && format!("{copy:?}") == before {
                failures.push(format!(
                    "{name}: {:?} is listed as \"{} {}\" and does nothing",
                    key.code,
                    binding.label(),
                    binding.what
                ));
            }
        }
    }
    failures
}

/// Presses every key not listed where the focus is (nor globally when no popup is open) on
/// the app itself: nothing may change and no work may start. Returns the failures.
fn unlisted_keys_do_nothing(name: &str, app: &mut App, listed: &[&[Binding]]) -> Vec<String> {
    let mut failures = Vec::new();
    for key in every_key() {
        if listed.iter().any(|b| keymap::listed(b, &key)) {
            continue;
        }
        let before = format!("{app:?}");
        let tickets = app.update(Event::Key(key));
        if !tickets.is_empty() || format!("{app:?}") != before {
            failures.push(format!("{name}: {key:?} is not listed and does something"));
            break;
        }
    }
    failures
}

/// The app's state for a screen or popup: its bindings, what it lists besides, and a check
/// of its listed keys on a copy of the view.
fn check(h: &mut Harness, name: &str) -> Vec<String> {
    let ctx: Ctx = h.app.ctx();
    let mut failures = match h.app.overlays.last() {
        Some(top) => listed_keys_act(name, top, top.bindings(), |v, k| v.handle_key(k, &ctx)),
        None if h.app.stepper.paused() => {
            listed_keys_act(name, &h.app.stepper, stepper::BINDINGS, |v, k| {
                v.handle_key(k)
            })
        }
        None => match h.app.screen {
            Screen::Users => {
                listed_keys_act(name, &h.app.users, h.app.screen.bindings(), |v, k| {
                    v.handle_key(k, &ctx)
                })
            }
            Screen::Products => {
                listed_keys_act(name, &h.app.products, h.app.screen.bindings(), |v, k| {
                    v.handle_key(k, &ctx)
                })
            }
            Screen::Orders => {
                listed_keys_act(name, &h.app.orders, h.app.screen.bindings(), |v, k| {
                    v.handle_key(k, &ctx)
                })
            }
            Screen::Dashboard => {
                listed_keys_act(name, &h.app.dashboard, h.app.screen.bindings(), |v, k| {
                    v.handle_key(k, &ctx)
                })
            }
            Screen::SqlLog => {
                listed_keys_act(name, &h.app.sql_log, h.app.screen.bindings(), |v, k| {
                    v.handle_key(k)
                })
            }
            Screen::Lessons => {
                listed_keys_act(name, &h.app.lessons, h.app.screen_bindings(), |v, k| {
                    v.handle_key(k)
                })
            }
        },
    };
    let listed: Vec<&[Binding]> = match h.app.overlays.last() {
        Some(top) => vec![top.bindings(), keymap::ALWAYS],
        None if h.app.stepper.paused() => {
            vec![stepper::BINDINGS, h.app.screen.bindings(), keymap::GLOBAL]
        }
        None => vec![h.app.screen_bindings(), keymap::GLOBAL],
    };
    failures.extend(unlisted_keys_do_nothing(name, &mut h.app, &listed));
    failures
}

async fn press(h: &mut Harness, keys: &[KeyCode]) {
    for &k in keys {
        h.key(k).await;
    }
}

#[tokio::test]
async fn every_listed_key_acts_and_every_other_key_does_nothing() {
    use KeyCode::{Char, Down, Enter, Esc};
    let t = setup(Backend::Sqlite).await.unwrap();
    let mut h = Harness::new(t, 80, 24).await;
    let mut failures = check(&mut h, "demo offer");
    h.key(Char('d')).await;
    // Each list with its second row selected, so that every move can move.
    for (screen, key) in [("users", '1'), ("products", '2'), ("orders", '3')] {
        press(&mut h, &[Char(key), Down]).await;
        failures.extend(check(&mut h, screen));
    }
    press(&mut h, &[Char('4')]).await;
    failures.extend(check(&mut h, "dashboard"));
    press(&mut h, &[Char('5'), KeyCode::Up, KeyCode::Up]).await;
    failures.extend(check(&mut h, "sql log"));
    // The popup of the longest statement (the demo data's), one line down, so that every
    // scroll key can move.
    press(&mut h, &[KeyCode::End]).await;
    let entries = h.app.sql_log().unwrap().entries();
    let longest = (0..entries.len())
        .max_by_key(|&i| entries[i].sql.len())
        .unwrap();
    for _ in longest + 1..entries.len() {
        h.key(KeyCode::Up).await;
    }
    press(&mut h, &[Enter]).await;
    // Drawn, it knows how far it can scroll.
    assert!(
        !h.screen().contains("Plan:"),
        "a statement longer than its popup"
    );
    press(&mut h, &[Down]).await;
    failures.extend(check(&mut h, "explain"));
    press(&mut h, &[Esc, Char('1'), Char('?')]).await;
    failures.extend(check(&mut h, "help"));
    press(&mut h, &[Esc, Char('/')]).await;
    failures.extend(check(&mut h, "filter"));
    press(&mut h, &[Esc, Char('e')]).await;
    failures.extend(check(&mut h, "form"));
    press(&mut h, &[Esc, Char('d')]).await;
    failures.extend(check(&mut h, "confirm"));
    press(&mut h, &[Esc, Char('3'), Enter, Down]).await;
    failures.extend(check(&mut h, "order detail"));
    press(&mut h, &[Esc, Char('v'), Down]).await;
    failures.extend(check(&mut h, "events"));
    // Order entry with three lines, the second selected.
    press(&mut h, &[Esc, Char('n')]).await;
    h.type_text("ad").await;
    h.key(Enter).await;
    for product in ["mug", "tea", "kettle"] {
        h.type_text(product).await;
        press(&mut h, &[Enter, Char('1'), Enter]).await;
    }
    press(&mut h, &[KeyCode::Tab, KeyCode::Up]).await;
    assert!(
        matches!(h.app.overlays.last(), Some(Overlay::Entry(e)) if e.lines.len() == 3),
        "{}",
        h.screen()
    );
    failures.extend(check(&mut h, "order entry"));
    // A stepped order, paused before COMMIT.
    h.ctrl('s').await;
    assert!(!h.app.stepper.paused(), "{:?}", h.app.message);
    press(&mut h, &[Char('t'), Char('n')]).await;
    h.type_text("ad").await;
    h.key(Enter).await;
    h.type_text("mug").await;
    press(&mut h, &[Enter, Char('1'), Enter]).await;
    h.ctrl('s').await;
    assert!(h.app.stepper.paused(), "{:?}", h.app.message);
    failures.extend(check(&mut h, "paused transaction"));
    h.key(Char('r')).await;
    // The lessons: the list (its second lesson chosen), a lesson open and scrolled, its
    // answer box.
    "orderdesk_test_lesson_".clone_into(&mut h.env.sandbox_prefix);
    press(&mut h, &[Char('6'), Down]).await;
    failures.extend(check(&mut h, "lessons"));
    press(&mut h, &[Enter, Down]).await;
    failures.extend(check(&mut h, "a lesson"));
    press(&mut h, &[Enter]).await;
    failures.extend(check(&mut h, "a lesson's answer"));
    h.env.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The global keys, each on a fresh app (no database needed: the work they ask for is not
/// run): each does something.
#[test]
fn every_global_key_acts() {
    let mut failures = Vec::new();
    for binding in keymap::GLOBAL {
        for key in events_of(binding) {
            let mut app = App::new(day(), 24);
            let before = format!("{app:?}");
            let tickets = app.update(Event::Key(key));
            if tickets.is_empty() && format!("{app:?}") == before {
                failures.push(format!("{:?} ({}) does nothing", key.code, binding.what));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
