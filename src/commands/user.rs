//! `orderdesk user ...`.

use serde_json::json;

use super::Result;
use super::output::{Output, fields, list_query, table, when};
use crate::cli::UserCommand;
use crate::db::Db;
use crate::service::{self, NewUser, User, UserChanges, UserRow};

fn user_fields(u: &User) -> String {
    fields(&[
        ("id", u.id.to_string()),
        ("email", u.email.clone()),
        ("name", u.full_name.clone()),
        ("created (local)", when(&u.created_at)),
    ])
}

/// Runs a `user` subcommand.
pub(super) async fn run(db: &Db, out: &Output, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add { email, name } => {
            let u = service::create_user(
                db,
                NewUser {
                    email,
                    full_name: name,
                },
            )
            .await?;
            out.show(&u, || {
                format!("Created user {}.\n{}", u.id, user_fields(&u))
            })
        }
        UserCommand::List(page) => {
            let users = service::list_users(db, &list_query(page)).await?;
            out.show(&json!({ "users": users, "total": users.len() }), || {
                users_table(&users)
            })
        }
        UserCommand::Show { id } => {
            let u = service::get_user(db, id).await?;
            out.show(&u, || user_fields(&u))
        }
        UserCommand::Update { id, email, name } => {
            let u = service::update_user(
                db,
                id,
                UserChanges {
                    email,
                    full_name: name,
                },
            )
            .await?;
            out.show(&u, || {
                format!("Updated user {}.\n{}", u.id, user_fields(&u))
            })
        }
        UserCommand::Delete { id } => {
            service::delete_user(db, id).await?;
            out.deleted("user", id)
        }
    }
}

fn users_table(users: &[UserRow]) -> String {
    if users.is_empty() {
        return "No users.".to_owned();
    }
    let mut t = table(
        &["id", "email", "name", "orders", "created (local)"],
        &[0, 3],
    );
    for u in users {
        t.add_row([
            u.id.to_string(),
            u.email.clone(),
            u.full_name.clone(),
            u.order_count.to_string(),
            when(&u.created_at),
        ]);
    }
    t.to_string()
}
