//! The answers to database work: each goes to the view that asked for it, and a change
//! reloads what is on screen.

use std::time::Instant;

use super::{App, Ticket};
use crate::service::Error;
use crate::tui::popups::Overlay;
use crate::tui::popups::entry::OrderEntry;
use crate::tui::popups::form::Form;
use crate::tui::request::Response;
use crate::tui::screens::Screen;

impl App {
    fn top_form(&mut self) -> Option<&mut Form> {
        match self.overlays.last_mut() {
            Some(Overlay::Form(f)) => Some(f),
            _ => None,
        }
    }

    fn top_entry(&mut self) -> Option<&mut OrderEntry> {
        match self.overlays.last_mut() {
            Some(Overlay::Entry(e)) => Some(e),
            _ => None,
        }
    }

    /// Shows `e` in order entry when it is open, and in the message line.
    fn entry_failed(&mut self, e: &Error) {
        if let Some(entry) = self.top_entry() {
            entry.show_error(e);
        }
        self.fail(e);
    }

    /// Closes order entry when it is on top (the order was placed or paused).
    fn close_entry(&mut self) {
        if matches!(self.overlays.last(), Some(Overlay::Entry(_))) {
            self.overlays.pop();
        }
    }

    /// Applies one answer; returns the work it asks for.
    pub(super) fn on_response(&mut self, response: Response) -> Vec<Ticket> {
        match response {
            Response::Users(r) => match r {
                Ok(rows) => self.users.page.receive(rows),
                Err(e) => self.fail(&e),
            },
            Response::Products(r) => match r {
                Ok(rows) => self.products.page.receive(rows),
                Err(e) => self.fail(&e),
            },
            Response::Orders(r) => match r {
                Ok(rows) => self.orders.page.receive(rows),
                Err(e) => self.fail(&e),
            },
            Response::Order(r) => match r {
                Ok(order) => {
                    let open = self.overlays.iter_mut().find_map(|o| match o {
                        Overlay::Detail(d) if d.id == order.order.id => Some(d),
                        _ => None,
                    });
                    if let Some(d) = open {
                        d.order = Some(order);
                    }
                }
                Err(e) => {
                    self.overlays.retain(|o| !matches!(o, Overlay::Detail(_)));
                    self.fail(&e);
                }
            },
            Response::Dashboard(r) => match r {
                Ok(d) => self.dashboard.receive(d),
                Err(e) => self.fail(&e),
            },
            Response::PickUsers(r) => match (r, self.top_entry()) {
                (Ok(rows), Some(entry)) => entry.users = rows,
                (Err(e), _) => self.fail(&e),
                _ => {}
            },
            Response::PickProducts(r) => match (r, self.top_entry()) {
                (Ok(rows), Some(entry)) => entry.products = rows,
                (Err(e), _) => self.fail(&e),
                _ => {}
            },
            Response::IsEmpty(r) => match r {
                // Under any popup already open: it waits until they close.
                Ok(true) => self.overlays.insert(0, Overlay::DemoOffer),
                Ok(false) => {}
                Err(e) => self.fail(&e),
            },
            Response::Seeded(r) => {
                match r {
                    Ok(report) => self.say(format!(
                        "Loaded the demo data: {} users, {} products, {} orders.",
                        report.users, report.products, report.orders
                    )),
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
            Response::UserSaved(r) => return self.saved(r.map(|u| ("user", u.id))),
            Response::ProductSaved(r) => return self.saved(r.map(|p| ("product", p.id))),
            Response::Deleted(what, r) => {
                match r {
                    Ok(id) => self.say(format!("Deleted {what} {id}.")),
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
            Response::OrderPlaced(r) => match r {
                Ok(order) => {
                    self.close_entry();
                    self.say(format!(
                        "Placed order {} for user {}: {} item(s), {}.",
                        order.id,
                        order.user_id,
                        order.total_quantity,
                        crate::money::format_cents(order.total_amount_cents)
                    ));
                    self.orders.page.restart();
                    self.screen = Screen::Orders;
                    return self.after_change();
                }
                Err(e) => self.entry_failed(&e),
            },
            Response::EditReady(r) => match r {
                Ok((detail, _)) if detail.order.status != crate::service::Status::Pending => {
                    self.refuse(format!(
                        "Order {} is {}: only a pending order can be edited.",
                        detail.order.id, detail.order.status
                    ));
                }
                Ok((detail, products)) => {
                    self.say(format!(
                        "Editing order {}: Ctrl-S saves, Esc leaves it as it was.",
                        detail.order.id
                    ));
                    let entry = OrderEntry::edit(&detail, &products);
                    self.overlays.push(Overlay::Entry(Box::new(entry)));
                }
                Err(e) => self.fail(&e),
            },
            Response::OrderEdited(r) => match r {
                Ok(order) => {
                    self.close_entry();
                    self.say(format!(
                        "Edited order {}: {} item(s), {}.",
                        order.id,
                        order.total_quantity,
                        crate::money::format_cents(order.total_amount_cents)
                    ));
                    return self.after_change();
                }
                Err(e) => self.entry_failed(&e),
            },
            Response::Explained(r) => {
                if let Some(Overlay::Explain(e)) = self.overlays.last_mut() {
                    e.plan = Some(r.map_err(|e| e.to_string()));
                }
            }
            Response::StepPaused(r) => match r {
                Ok(info) => {
                    self.close_entry();
                    let now = self.now.unwrap_or_else(Instant::now);
                    let (said, peek) = self.stepper.paused_at(info, now);
                    self.say(said);
                    return vec![self.ticket(peek)];
                }
                Err(e) => self.entry_failed(&e),
            },
            Response::StepFinished(r) => match r {
                Ok((decision, what)) => {
                    let id = what.order_id();
                    let said = self.stepper.finished(decision, id);
                    self.say(said);
                    let mut out = vec![self.ticket(crate::tui::request::Request::Peek(id))];
                    out.extend(self.after_change());
                    return out;
                }
                Err(e) => {
                    self.stepper.failed(&e);
                    self.fail(&e);
                }
            },
            Response::Events(r) => match r {
                Ok((rows, lag)) => {
                    if let Some(Overlay::Events(e)) = self.overlays.last_mut() {
                        e.rows = Some(rows);
                        e.lag = Some(lag);
                    }
                }
                Err(e) => self.fail(&e),
            },
            Response::LessonReady(r) => {
                let asked = self.lessons.ready(r.map_err(|e| e.to_string()));
                return self.apply(asked);
            }
            Response::LessonStepped(r) => match r {
                Ok(run) => self.lessons.stepped(run),
                Err(e) => {
                    self.lessons.open = None;
                    self.fail(&e);
                }
            },
            Response::Peeked(id, r) => self.stepper.peeked(id, r),
            Response::SecondWriter(row, r) => self.stepper.second_writer_done(row, r),
            Response::StatusSet(r) => {
                match r {
                    Ok(o) => self.say(format!("Order {} is now {}.", o.id, o.status)),
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
            Response::Cancelled(r) => {
                match r {
                    Ok(c) => {
                        let units: i64 = c.restocked.iter().map(|(_, q)| q).sum();
                        self.say(format!(
                            "Cancelled order {}; {units} unit(s) back in stock.",
                            c.order.id
                        ));
                    }
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
        }
        Vec::new()
    }

    fn saved(&mut self, result: Result<(&'static str, i64), Error>) -> Vec<Ticket> {
        match result {
            Ok((what, id)) => {
                let text = self.top_form().map_or_else(
                    || format!("Saved {what} {id}."),
                    |f| f.saved_message(what, id),
                );
                if self.top_form().is_some() {
                    self.overlays.pop();
                }
                self.say(text);
                self.after_change()
            }
            Err(e) => {
                match self.top_form() {
                    Some(form) => form.show_error(&e),
                    None => self.fail(&e),
                }
                Vec::new()
            }
        }
    }
}
