//! One table of (key, what it does) per screen and mode: the hint bar and the `?` help are both
//! drawn from these.

/// Keys and what they do.
pub type KeyTable = &'static [(&'static str, &'static str)];

/// Keys that work on every screen when no field has focus.
pub const GLOBAL: KeyTable = &[
    ("1-5 Tab", "switch screen"),
    ("L", "SQL log panel"),
    ("t", "transaction stepper"),
    ("?", "help"),
    ("q Ctrl-C", "quit"),
];

/// The users screen.
pub const USERS: KeyTable = &[
    ("↑↓ j k", "move"),
    ("PgUp PgDn", "page"),
    ("/", "filter"),
    ("Enter", "their orders"),
    ("n", "new user"),
    ("e", "edit"),
    ("d", "delete"),
];

/// The products screen.
pub const PRODUCTS: KeyTable = &[
    ("↑↓ j k", "move"),
    ("PgUp PgDn", "page"),
    ("/", "filter"),
    ("n", "new product"),
    ("e", "edit"),
    ("d", "delete"),
];

/// The orders screen.
pub const ORDERS: KeyTable = &[
    ("↑↓ j k", "move"),
    ("PgUp PgDn", "page"),
    ("Enter", "open"),
    ("n", "new order"),
    ("s", "next status"),
    ("c", "cancel order"),
    ("f", "status filter"),
    ("/", "customer filter"),
    ("Esc", "clear filters"),
    ("z", "lazy/eager loading"),
    ("v", "events outbox"),
];

/// The dashboard.
pub const DASHBOARD: KeyTable = &[("r", "refresh")];

/// The SQL log screen.
pub const SQL_LOG: KeyTable = &[
    ("↑↓ j k", "select"),
    ("Enter", "values + plan"),
    ("x", "clear"),
    ("End", "follow newest"),
];

/// A form.
pub const FORM: KeyTable = &[
    ("Tab S-Tab", "field"),
    ("Enter", "next / save"),
    ("Ctrl-S", "save"),
    ("Esc", "cancel"),
];

/// The order entry form.
pub const ENTRY: KeyTable = &[
    ("Ctrl-S", "place"),
    ("Enter", "pick/add"),
    ("↑↓", "move"),
    ("Ctrl-D", "drop line"),
    ("Esc", "cancel"),
    ("Tab", "section"),
];

/// The order detail popup.
pub const DETAIL: KeyTable = &[
    ("↑↓", "scroll"),
    ("s", "next status"),
    ("c", "cancel order"),
    ("Esc", "close"),
];

/// A yes/no question.
pub const CONFIRM: KeyTable = &[("y Enter", "yes"), ("n Esc", "no")];

/// The first-run offer of the demo data (the prompt says the same).
pub const DEMO: KeyTable = &[
    ("d y Enter", "load the demo data"),
    ("other keys", "start empty"),
];

/// Typing a list filter.
pub const FILTER: KeyTable = &[("type", "filter"), ("Enter", "keep"), ("Esc", "clear")];

/// The help overlay.
pub const HELP: KeyTable = &[("Esc ?", "close")];

/// While a stepped transaction is paused.
pub const PAUSED: KeyTable = &[("y", "COMMIT"), ("r", "ROLLBACK")];

/// The events popup.
pub const EVENTS: KeyTable = &[("↑↓", "select"), ("Esc", "close")];
