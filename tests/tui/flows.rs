//! What a clerk does, key by key, and what the database holds afterwards; on both backends.

use crossterm::event::KeyCode;
use orderdesk::service::{self, ListQuery, OrderQuery, Status};
use orderdesk::tui::app::Event;
use orderdesk::tui::popups::Overlay;
use orderdesk::tui::request::{Request, Response, execute};
use orderdesk::tui::screens::Screen;

use crate::Harness;
use crate::backend::TestDb;

crate::on_every_backend!(
    a_two_line_order_in_fifteen_keys,
    a_refused_order_keeps_the_form_with_the_reason_on_the_line,
    a_line_over_the_stock_shows_how_many_units_short,
    point_14_a_paste_types_into_the_field_and_never_submits,
    forms_refuse_bad_input_beside_the_field_and_write_nothing,
    a_new_user_and_product_then_an_order_then_shipped_and_a_cancel,
    deleting_a_user_with_orders_is_refused_with_the_reason,
    text_fields_take_every_printable_key,
    stale_answers_are_dropped,
    an_outage_message_gives_way_when_the_database_answers_again,
    e_on_a_pending_order_edits_its_lines_in_order_entry,
);

async fn orders_of(h: &Harness, email: &str) -> Vec<service::Order> {
    let users = service::list_users(
        &h.db,
        &ListQuery {
            filter: Some(email.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    service::list_orders(&h.db, users[0].id).await.unwrap()
}

async fn a_two_line_order_in_fifteen_keys(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('3')).await;
    let before = orders_of(&h, "ada@").await.len();
    // n, "ad" Enter, "mu" Enter "2" Enter, "te" Enter "1" Enter, Ctrl-S: 15 keys.
    h.key(KeyCode::Char('n')).await;
    h.type_text("ad").await;
    h.key(KeyCode::Enter).await;
    h.type_text("mu").await;
    h.key(KeyCode::Enter).await;
    h.type_text("2").await;
    h.key(KeyCode::Enter).await;
    h.type_text("te").await;
    h.key(KeyCode::Enter).await;
    h.type_text("1").await;
    h.key(KeyCode::Enter).await;
    h.ctrl('s').await;

    assert!(h.app.overlays.is_empty(), "the form closed");
    let orders = orders_of(&h, "ada@").await;
    assert_eq!(orders.len(), before + 1);
    let placed = orders.last().unwrap();
    let lines: Vec<(&str, i64)> = placed
        .items
        .iter()
        .map(|i| (i.product_name.as_str(), i.quantity))
        .collect();
    assert_eq!(lines, [("Ceramic mug", 2), ("Paper filters (100)", 1)]);
    assert_eq!(placed.total_amount_cents, 2 * 850 + 420);
    // The new order is at the top of the orders screen and in the message line.
    assert_eq!(h.app.screen, Screen::Orders);
    assert_eq!(h.app.orders.page.rows[0].order.id, placed.id);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Placed order {}", placed.id)),
        "{screen}"
    );
}

async fn a_refused_order_keeps_the_form_with_the_reason_on_the_line(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('3')).await;
    h.key(KeyCode::Char('n')).await;
    h.type_text("grace").await;
    h.key(KeyCode::Enter).await;
    h.type_text("mug").await;
    h.key(KeyCode::Enter).await;
    h.type_text("1").await;
    h.key(KeyCode::Enter).await;
    h.type_text("knock").await;
    h.key(KeyCode::Enter).await;
    h.type_text("6").await;
    h.key(KeyCode::Enter).await;
    let orders = service::list_orders_page(&h.db, OrderQuery::default())
        .await
        .unwrap()
        .len();
    h.ctrl('s').await;
    let Some(Overlay::Entry(entry)) = h.app.overlays.last() else {
        panic!("the form stays open");
    };
    assert_eq!(entry.lines.len(), 2);
    assert_eq!(entry.lines[0].error, None);
    let reason = entry.lines[1].error.as_deref().unwrap();
    assert!(
        reason.contains("(Knock box) has 5 left, 6 requested"),
        "{reason}"
    );
    let screen = h.screen();
    assert!(screen.contains("has 5 left, 6 requested"), "{screen}");
    assert_eq!(
        service::list_orders_page(&h.db, OrderQuery::default())
            .await
            .unwrap()
            .len(),
        orders
    );
    // Fix the line (Enter edits its quantity) and place it.
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::Backspace).await;
    h.type_text("5").await;
    h.key(KeyCode::Enter).await;
    h.ctrl('s').await;
    assert!(h.app.overlays.is_empty());
    let knock = service::list_products(
        &h.db,
        &ListQuery {
            filter: Some("knock".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(knock[0].stock, Some(0));
}

/// Trust issue, point 6: 99 units against a stock of 5 are 94 short (not "-94 short"), and
/// two lines of one product count against its stock together.
async fn a_line_over_the_stock_shows_how_many_units_short(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('3')).await;
    h.key(KeyCode::Char('n')).await;
    h.type_text("grace").await;
    h.key(KeyCode::Enter).await;
    h.type_text("knock").await;
    h.key(KeyCode::Enter).await;
    h.type_text("99").await;
    h.key(KeyCode::Enter).await;
    let screen = h.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("Knock box") && l.contains("99"))
        .unwrap_or_else(|| panic!("the line in {screen}"));
    assert!(line.contains(" 94 short"), "{line}");
    assert!(!line.contains('-'), "{line}");
    // Down to 3, and 3 more of the same product: order entry adds them to the line, which
    // is then 1 short.
    h.key(KeyCode::Up).await;
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::Backspace).await;
    h.key(KeyCode::Backspace).await;
    h.type_text("3").await;
    h.key(KeyCode::Enter).await;
    h.type_text("knock").await;
    h.key(KeyCode::Enter).await;
    h.type_text("3").await;
    h.key(KeyCode::Enter).await;
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().filter(|l| l.contains("Knock box")).collect();
    assert_eq!(lines.len(), 1, "{screen}");
    assert!(
        lines[0].contains("  6 ") && lines[0].contains(" 1 short"),
        "{screen}"
    );
}

/// Trust issue, point 14: a paste goes into the focused field, its newlines as spaces; it
/// never submits a form, picks a customer or places an order, and with no field focused it
/// runs no screen command.
async fn point_14_a_paste_types_into_the_field_and_never_submits(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('1')).await;
    let users = service::list_users(&h.db, &ListQuery::default())
        .await
        .unwrap()
        .len();
    // No field has focus: "q" and "3\n" pasted do nothing (no quit, no screen switch).
    h.paste("q3\n").await;
    assert!(!h.app.quitting());
    assert_eq!(h.app.screen, Screen::Users);
    // A new-user form: a paste with line breaks stays in the email field.
    h.key(KeyCode::Char('n')).await;
    h.paste("paste@example.com\nPasted Name\n").await;
    let Some(Overlay::Form(form)) = h.app.overlays.last() else {
        panic!("the form stays open");
    };
    assert_eq!(form.focus, 0, "still on the email field");
    assert_eq!(form.fields[0].value(), "paste@example.com Pasted Name ");
    assert_eq!(
        service::list_users(&h.db, &ListQuery::default())
            .await
            .unwrap()
            .len(),
        users,
        "nothing was saved"
    );
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char('y')).await;
    assert!(h.app.overlays.is_empty());
    // Order entry: a pasted customer with a newline does not pick, nor place anything.
    h.key(KeyCode::Char('3')).await;
    let orders = service::list_orders_page(&h.db, OrderQuery::default())
        .await
        .unwrap()
        .len();
    h.key(KeyCode::Char('n')).await;
    h.paste("grace\r\n").await;
    let Some(Overlay::Entry(entry)) = h.app.overlays.last() else {
        panic!("order entry stays open");
    };
    assert!(entry.customer.is_none(), "the paste picked no customer");
    assert_eq!(
        service::list_orders_page(&h.db, OrderQuery::default())
            .await
            .unwrap()
            .len(),
        orders
    );
}

async fn forms_refuse_bad_input_beside_the_field_and_write_nothing(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    let users = service::list_users(&h.db, &ListQuery::default())
        .await
        .unwrap()
        .len();
    h.key(KeyCode::Char('n')).await;
    h.type_text("ADA@example.com").await;
    h.key(KeyCode::Tab).await;
    h.type_text("Ada Again").await;
    h.key(KeyCode::Enter).await;
    let Some(Overlay::Form(form)) = h.app.overlays.last() else {
        panic!("the form stays open");
    };
    assert_eq!(
        form.fields[0].error.as_deref(),
        Some("ada@example.com is already registered")
    );
    assert_eq!(form.fields[0].value(), "ADA@example.com", "input kept");
    assert_eq!(form.focus, 0);
    assert!(
        h.screen()
            .contains("✗ ada@example.com is already registered")
    );
    assert_eq!(
        service::list_users(&h.db, &ListQuery::default())
            .await
            .unwrap()
            .len(),
        users
    );

    // Esc with something typed asks; n keeps the form.
    h.key(KeyCode::Esc).await;
    assert!(matches!(h.app.overlays.last(), Some(Overlay::Confirm(_))));
    h.key(KeyCode::Char('n')).await;
    assert!(matches!(h.app.overlays.last(), Some(Overlay::Form(_))));
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char('y')).await;
    assert!(h.app.overlays.is_empty());

    h.key(KeyCode::Char('2')).await;
    let products = service::list_products(&h.db, &ListQuery::default())
        .await
        .unwrap()
        .len();
    h.key(KeyCode::Char('n')).await;
    h.type_text("Gift box").await;
    h.key(KeyCode::Tab).await;
    h.type_text("12.345").await;
    h.key(KeyCode::Tab).await;
    h.type_text("-2").await;
    h.ctrl('s').await;
    let Some(Overlay::Form(form)) = h.app.overlays.last() else {
        panic!("the form stays open");
    };
    assert_eq!(
        form.fields[1].error.as_deref(),
        Some("has more than 2 decimals (got 12.345)")
    );
    assert_eq!(
        form.fields[2].error.as_deref(),
        Some("must be 0..=1000000000 (got -2)")
    );
    assert_eq!(form.focus, 1, "focus on the first bad field");
    assert_eq!(
        service::list_products(&h.db, &ListQuery::default())
            .await
            .unwrap()
            .len(),
        products
    );
}

async fn a_new_user_and_product_then_an_order_then_shipped_and_a_cancel(t: TestDb) {
    let mut h = Harness::new(t, 80, 24).await;
    h.key(KeyCode::Char('x')).await; // any key but d: start empty
    assert!(!h.app.offering_demo());
    h.key(KeyCode::Char('n')).await;
    h.type_text("lee@example.com").await;
    h.key(KeyCode::Tab).await;
    h.type_text("Lee Quinn").await;
    h.key(KeyCode::Enter).await;
    assert!(h.app.overlays.is_empty(), "{}", h.screen());
    assert!(h.screen().contains("lee@example.com"));

    h.key(KeyCode::Char('2')).await;
    h.key(KeyCode::Char('n')).await;
    h.type_text("Lamp").await;
    h.key(KeyCode::Tab).await;
    h.type_text("19.90").await;
    h.key(KeyCode::Tab).await;
    h.type_text("5").await;
    h.key(KeyCode::Enter).await;
    assert!(h.screen().contains("5 low"), "{}", h.screen());

    h.key(KeyCode::Char('1')).await;
    h.key(KeyCode::Enter).await; // Lee's orders
    assert_eq!(h.app.screen, Screen::Orders);
    h.key(KeyCode::Char('n')).await; // starts with Lee as the customer
    h.type_text("lamp").await;
    h.key(KeyCode::Enter).await;
    h.type_text("2").await;
    h.key(KeyCode::Enter).await;
    h.ctrl('s').await;
    assert_eq!(h.app.orders.page.rows.len(), 1);
    let first = h.app.orders.page.rows[0].order.id;

    // confirmed, then shipped.
    for _ in 0..2 {
        h.key(KeyCode::Char('s')).await;
        h.key(KeyCode::Char('y')).await;
    }
    assert_eq!(h.app.orders.page.rows[0].order.status, Status::Shipped);

    // A second order, cancelled: its stock comes back.
    h.key(KeyCode::Char('n')).await;
    h.type_text("lamp").await;
    h.key(KeyCode::Enter).await;
    h.type_text("3").await;
    h.key(KeyCode::Enter).await;
    h.ctrl('s').await;
    let stock = |h: &Harness| {
        let db = h.db.clone();
        async move {
            service::list_products(&db, &ListQuery::default())
                .await
                .unwrap()[0]
                .stock
        }
    };
    assert_eq!(stock(&h).await, Some(0));
    h.key(KeyCode::Char('c')).await;
    h.key(KeyCode::Char('y')).await;
    assert_eq!(stock(&h).await, Some(3));
    let orders = orders_of(&h, "lee@").await;
    let states: Vec<(i64, Status)> = orders.iter().map(|o| (o.id, o.status)).collect();
    assert_eq!(
        states,
        [(first, Status::Shipped), (orders[1].id, Status::Cancelled)]
    );
    assert!(h.screen().contains("cancelled"));
    // A cancelled order cannot move on.
    h.key(KeyCode::Char('s')).await;
    assert!(
        h.screen().contains("is cancelled, which is final"),
        "{}",
        h.screen()
    );
}

async fn deleting_a_user_with_orders_is_refused_with_the_reason(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('d')).await;
    assert!(h.screen().contains("Delete user 1 (ada@example.com)?"));
    h.key(KeyCode::Char('y')).await;
    let screen = h.screen();
    assert!(
        screen.contains("user 1 has 7 order(s) and cannot be deleted"),
        "{screen}"
    );
    assert_eq!(
        service::list_users(&h.db, &ListQuery::default())
            .await
            .unwrap()
            .len(),
        8
    );
}

async fn text_fields_take_every_printable_key(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('/')).await;
    h.type_text("q2?").await;
    assert!(!h.app.quitting());
    assert_eq!(h.app.screen, Screen::Users);
    assert_eq!(h.app.users.page.filter, "q2?");
    h.key(KeyCode::Esc).await;
    assert_eq!(h.app.users.page.filter, "");
    h.key(KeyCode::Char('/')).await;
    h.type_text("LOVE").await;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.users.page.rows.len(), 1);
    assert_eq!(h.app.users.page.rows[0].email, "ada@example.com");
    h.key(KeyCode::Char('q')).await;
    assert!(h.app.quitting());
}

async fn stale_answers_are_dropped(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    // Two filters typed quickly: the answer to the first arrives last and must not win.
    h.app
        .update(Event::Key(crossterm::event::KeyEvent::from(KeyCode::Char(
            '/',
        ))));
    let first = h
        .app
        .update(Event::Key(crossterm::event::KeyEvent::from(KeyCode::Char(
            'a',
        ))));
    let second = h
        .app
        .update(Event::Key(crossterm::event::KeyEvent::from(KeyCode::Char(
            'd',
        ))));
    assert!(matches!(first[0].request, Request::Users(_)));
    let newer = execute(&h.env, second[0].request.clone()).await;
    h.app.update(Event::Response(second[0].seq, newer));
    let older = execute(&h.env, first[0].request.clone()).await;
    assert!(matches!(&older, Response::Users(Ok(rows)) if rows.len() > 1));
    h.app.update(Event::Response(first[0].seq, older));
    let emails: Vec<&str> = h
        .app
        .users
        .page
        .rows
        .iter()
        .map(|u| u.email.as_str())
        .collect();
    assert_eq!(emails, ["ada@example.com"]);
}

async fn an_outage_message_gives_way_when_the_database_answers_again(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    let timeout = || {
        service::Error::Db(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout,
        ))
    };
    let asked = h.app.update(Event::Key(KeyCode::Char('2').into()));
    h.app.update(Event::Response(
        asked[0].seq,
        Response::Products(Err(timeout())),
    ));
    let message = h.app.message.clone().unwrap();
    assert!(message.error && message.outage, "{message:?}");
    assert!(h.screen().contains("did not answer"), "{}", h.screen());
    h.key(KeyCode::Char('1')).await;
    assert_eq!(
        h.app.message.as_ref().map(|m| (m.text.as_str(), m.error)),
        Some(("The database answers again.", false))
    );
    // A refusal is not an outage: it stays until something else is said.
    let asked = h.app.update(Event::Key(KeyCode::Char('2').into()));
    let refused = service::Error::invalid("filter", "too long");
    h.app.update(Event::Response(
        asked[0].seq,
        Response::Products(Err(refused)),
    ));
    h.key(KeyCode::Char('1')).await;
    let message = h.app.message.clone().unwrap();
    assert!(message.error && !message.outage, "{message:?}");
    assert!(message.text.contains("too long"), "{message:?}");
}

mod stepper {
    use super::*;
    use orderdesk::service::Error;
    use orderdesk::tui::request::STEP_TIMEOUT;

    crate::on_every_backend!(
        a_stepped_order_is_seen_by_another_connection_only_after_commit,
        a_stepped_order_rolled_back_or_timed_out_is_never_seen,
        a_stepped_cancel_keeps_the_old_state_until_commit,
    );

    async fn place_two_mugs(h: &mut Harness) {
        h.key(KeyCode::Char('3')).await;
        h.key(KeyCode::Char('n')).await;
        h.type_text("ad").await;
        h.key(KeyCode::Enter).await;
        h.type_text("mug").await;
        h.key(KeyCode::Enter).await;
        h.type_text("2").await;
        h.key(KeyCode::Enter).await;
        h.ctrl('s').await;
    }

    fn paused_order(h: &Harness) -> i64 {
        let view = h.app.stepper.view.as_ref().expect("a stepped transaction");
        assert!(view.paused());
        view.info.what.order_id()
    }

    async fn a_stepped_order_is_seen_by_another_connection_only_after_commit(t: TestDb) {
        let mut h = Harness::demo(t, 80, 24).await;
        h.key(KeyCode::Char('t')).await;
        assert!(h.app.stepper.is_on());
        place_two_mugs(&mut h).await;
        let id = paused_order(&h);
        let screen = h.screen();
        assert!(
            screen.contains("Transaction paused before COMMIT"),
            "{screen}"
        );
        assert!(
            screen.contains(&format!("order {id}: not there")),
            "{screen}"
        );
        assert!(matches!(
            service::get_order(&h.db, id).await,
            Err(Error::NotFound { .. })
        ));
        // Reads go on meanwhile.
        h.key(KeyCode::Char('1')).await;
        assert_eq!(h.app.users.page.rows.len(), 8);
        h.key(KeyCode::Char('y')).await;
        let view = h.app.stepper.view.as_ref().unwrap();
        assert_eq!(view.outcome.as_deref(), Some("committed ✓"));
        assert_eq!(
            view.peek.as_deref(),
            Some(&*format!("order {id}: pending, 2 item(s), total 17.00"))
        );
        assert_eq!(
            service::get_order(&h.db, id)
                .await
                .unwrap()
                .order
                .total_amount_cents,
            1700
        );
        // The log shows the stepped transaction as one band that ends in COMMIT.
        let entries = h.app.sql_log().unwrap().entries();
        let band: Vec<_> = entries
            .iter()
            .filter(|e| {
                e.action
                    .as_ref()
                    .is_some_and(|a| a.label.ends_with("stepped"))
            })
            .collect();
        assert_eq!(band.first().unwrap().kind, orderdesk::sql_log::Kind::Begin);
        assert_eq!(band.last().unwrap().kind, orderdesk::sql_log::Kind::Commit);
        assert!(band.iter().all(|e| e.tx == band[0].tx));
    }

    async fn a_stepped_order_rolled_back_or_timed_out_is_never_seen(t: TestDb) {
        let mut h = Harness::demo(t, 80, 24).await;
        let before = service::list_orders_page(
            &h.db,
            OrderQuery {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len();
        h.key(KeyCode::Char('t')).await;
        place_two_mugs(&mut h).await;
        let id = paused_order(&h);
        h.key(KeyCode::Char('r')).await;
        assert_eq!(
            h.app.stepper.view.as_ref().unwrap().outcome.as_deref(),
            Some("rolled back ✗")
        );
        assert!(service::get_order(&h.db, id).await.is_err());

        place_two_mugs(&mut h).await;
        let id = paused_order(&h);
        let since = h.app.stepper.view.as_ref().unwrap().since;
        let tickets = h.app.update(Event::Tick(since + STEP_TIMEOUT));
        h.run(tickets).await;
        assert_eq!(
            h.app.stepper.view.as_ref().unwrap().outcome.as_deref(),
            Some("rolled back ✗ by itself after 60 s")
        );
        assert!(service::get_order(&h.db, id).await.is_err());
        let after = service::list_orders_page(
            &h.db,
            OrderQuery {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len();
        assert_eq!(after, before);
    }

    async fn a_stepped_cancel_keeps_the_old_state_until_commit(t: TestDb) {
        let mut h = Harness::demo(t, 80, 24).await;
        h.key(KeyCode::Char('3')).await;
        let newest = h.app.orders.page.rows[0].order.id;
        assert_eq!(h.app.orders.page.rows[0].order.status, Status::Pending);
        h.key(KeyCode::Char('t')).await;
        h.key(KeyCode::Char('c')).await;
        h.key(KeyCode::Char('y')).await; // yes, cancel
        assert_eq!(paused_order(&h), newest);
        let peek = h.app.stepper.view.as_ref().unwrap().peek.clone().unwrap();
        assert!(
            peek.starts_with(&format!("order {newest}: pending")),
            "{peek}"
        );
        // A second writer tries the order's row, which the paused cancel holds, and is
        // refused in the database's words once its own lock wait runs out.
        assert!(h.screen().contains("A second writer    w: one tries a row"));
        h.key(KeyCode::Char('w')).await;
        let second = h.app.stepper.view.as_ref().unwrap().second.clone().unwrap();
        let words = match h.db.backend() {
            sea_orm::DbBackend::MySql => "Lock wait timeout exceeded",
            sea_orm::DbBackend::Postgres => "canceling statement due to lock timeout",
            _ => "database is locked",
        };
        assert!(
            second.starts_with("refused after waiting 3.") && second.contains(words),
            "{second}"
        );
        let screen = h.screen();
        assert!(
            screen.contains("A second writer    refused after waiting 3."),
            "{screen}"
        );
        h.key(KeyCode::Char('y')).await; // commit
        assert_eq!(
            service::get_order(&h.db, newest)
                .await
                .unwrap()
                .order
                .status,
            Status::Cancelled
        );
        let peek = h.app.stepper.view.as_ref().unwrap().peek.clone().unwrap();
        assert!(
            peek.starts_with(&format!("order {newest}: cancelled")),
            "{peek}"
        );
        assert_eq!(h.app.screen, Screen::Orders);
    }
}

mod form_fields {
    use super::*;

    crate::on_every_backend!(every_bad_form_field_is_refused_beside_it_and_writes_nothing);

    /// (screen key, field values, the field that must show the error, the start of the error)
    type Case = (char, [&'static str; 3], usize, &'static str);

    /// The number of users and of products.
    async fn row_counts(h: &Harness) -> (usize, usize) {
        let all = ListQuery {
            limit: Some(1000),
            ..Default::default()
        };
        (
            service::list_users(&h.db, &all).await.unwrap().len(),
            service::list_products(&h.db, &all).await.unwrap().len(),
        )
    }

    async fn every_bad_form_field_is_refused_beside_it_and_writes_nothing(t: TestDb) {
        let mut h = Harness::demo(t, 80, 24).await;
        let long: &'static str = Box::leak("y".repeat(300).into_boxed_str());
        let cases: Vec<Case> = vec![
            ('1', ["", "Name", ""], 0, "is empty"),
            ('1', ["   ", "Name", ""], 0, "is empty"),
            (
                '1',
                ["no-at", "Name", ""],
                0,
                "\"no-at\" is not a valid email",
            ),
            ('1', ["a b@x.io", "Name", ""], 0, "must not contain spaces"),
            (
                '1',
                ["zoë🚀@x", "Name", ""],
                0,
                "\"zoë🚀@x\" is not a valid email",
            ),
            (
                '1',
                ["ADA@example.com", "Name", ""],
                0,
                "ada@example.com is already registered",
            ),
            ('1', ["new@x.io", "", ""], 1, "is empty"),
            (
                '1',
                ["new@x.io", long, ""],
                1,
                "is longer than 200 characters",
            ),
            ('2', ["", "1.00", ""], 0, "is empty"),
            ('2', [long, "1.00", ""], 0, "is longer than 200 characters"),
            ('2', ["X", "", ""], 1, "is empty"),
            ('2', ["X", "12.345", ""], 1, "has more than 2 decimals"),
            ('2', ["X", "1e3", ""], 1, "is not a number"),
            ('2', ["X", "-1", ""], 1, "must not be negative"),
            (
                '2',
                ["X", "abc'; DROP TABLE products;--", ""],
                1,
                "is not a number",
            ),
            ('2', ["X", "99999999999999999999", ""], 1, "is too large"),
            ('2', ["X", "1.00", "-1"], 2, "must be 0..=1000000000"),
            (
                '2',
                ["X", "1.00", "1.5"],
                2,
                "\"1.5\" is not a whole number",
            ),
            (
                '2',
                ["X", "1.00", "99999999999999999999"],
                2,
                "99999999999999999999 is out of range",
            ),
            (
                '2',
                ["X", "1.00", "lots"],
                2,
                "\"lots\" is not a whole number",
            ),
        ];
        let before = row_counts(&h).await;
        let count = cases.len();
        for (screen, values, field, message) in cases {
            h.key(KeyCode::Char(screen)).await;
            h.key(KeyCode::Char('n')).await;
            let fields = if screen == '1' { 2 } else { 3 };
            for (i, value) in values.iter().take(fields).enumerate() {
                if i > 0 {
                    h.key(KeyCode::Tab).await;
                }
                h.type_text(value).await;
            }
            h.ctrl('s').await;
            let Some(Overlay::Form(form)) = h.app.overlays.last() else {
                panic!("{values:?}: the form closed");
            };
            let error = form.fields[field].error.clone().unwrap_or_default();
            assert!(
                error.starts_with(message),
                "{values:.40?}: field {field} says {error:?}"
            );
            assert_eq!(form.fields[field].value(), values[field], "input kept");
            // Leave without saving.
            h.key(KeyCode::Esc).await;
            h.key(KeyCode::Char('y')).await;
            assert!(h.app.overlays.is_empty());
        }
        assert_eq!(row_counts(&h).await, before, "nothing was written");
        eprintln!("{count} bad form inputs refused beside their field, row counts unchanged");
    }
}

/// The serve issue, part 2, in the TUI: `e` on a pending order opens order entry on its lines;
/// Ctrl-S saves them (stock follows); on an order that is not pending `e` says why not.
async fn e_on_a_pending_order_edits_its_lines_in_order_entry(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    h.key(KeyCode::Char('3')).await;
    let top = h.app.orders.page.rows[0].order.clone();
    assert_eq!(top.status, Status::Pending);
    let mug = service::list_products(
        &h.db,
        &ListQuery {
            filter: Some("ceramic mug".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()[0]
        .clone();
    h.key(KeyCode::Char('e')).await;
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Edit order {}", top.id)),
        "{screen}"
    );
    assert!(screen.contains("Ctrl-S saves the order"), "{screen}");
    assert!(
        screen.lines().last().unwrap().starts_with("Ctrl-S save · "),
        "the hint bar says save: {screen}"
    );
    let Some(Overlay::Entry(entry)) = h.app.overlays.last() else {
        panic!("order entry is open: {screen}");
    };
    let lines: Vec<(i64, i64)> = entry
        .lines
        .iter()
        .map(|l| (l.product.id, l.quantity))
        .collect();
    let had: Vec<(i64, i64)> = top
        .items
        .iter()
        .map(|i| (i.product_id, i.quantity))
        .collect();
    assert_eq!(lines, had, "the form starts from the order's lines");
    // Esc without a change leaves at once; again, drop the first line, add 2 mugs, save.
    h.key(KeyCode::Esc).await;
    assert!(h.app.overlays.is_empty(), "nothing changed, nothing to ask");
    h.key(KeyCode::Char('e')).await;
    h.ctrl('d').await;
    h.type_text("ceramic").await;
    h.key(KeyCode::Enter).await;
    h.type_text("2").await;
    h.key(KeyCode::Enter).await;
    let stock_before = service::get_product(&h.db, mug.id).await.unwrap().stock;
    h.ctrl('s').await;
    assert!(
        h.app.overlays.is_empty(),
        "the form closed: {:?}",
        h.app.message
    );
    let message = h.app.message.clone().unwrap();
    assert!(
        message
            .text
            .starts_with(&format!("Edited order {}:", top.id)),
        "{message:?}"
    );
    let edited = service::get_order(&h.db, top.id).await.unwrap();
    let mut want: Vec<(i64, i64)> = had[1..].to_vec();
    match want.iter_mut().find(|(p, _)| *p == mug.id) {
        Some((_, q)) => *q += 2,
        None => want.push((mug.id, 2)),
    }
    let now: Vec<(i64, i64)> = edited
        .order
        .items
        .iter()
        .map(|i| (i.product_id, i.quantity))
        .collect();
    assert_eq!(now, want);
    assert_eq!(edited.events.last().unwrap().event_type, "order_updated");
    let held_before = had
        .iter()
        .filter(|(p, _)| *p == mug.id)
        .map(|(_, q)| q)
        .sum::<i64>();
    let held_now = want
        .iter()
        .filter(|(p, _)| *p == mug.id)
        .map(|(_, q)| q)
        .sum::<i64>();
    assert_eq!(
        service::get_product(&h.db, mug.id).await.unwrap().stock,
        stock_before.map(|s| s + held_before - held_now)
    );
    // Confirmed now: e says why it cannot edit it, and opens nothing.
    service::set_order_status(&h.db, top.id, Status::Confirmed)
        .await
        .unwrap();
    h.key(KeyCode::Char('3')).await;
    h.key(KeyCode::Char('e')).await;
    assert!(h.app.overlays.is_empty());
    let message = h.app.message.clone().unwrap();
    assert!(message.error, "{message:?}");
    assert_eq!(
        message.text,
        format!(
            "Order {} is confirmed: only a pending order can be edited.",
            top.id
        )
    );
}
