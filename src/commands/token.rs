//! `orderdesk token ...`: the API tokens `serve` accepts.

use serde_json::json;

use super::Result;
use super::output::{Output, emit, table, when};
use crate::cli::TokenCommand;
use crate::db::Db;
use crate::service::{self, Access, ApiToken};

fn access_text(access: Access) -> &'static str {
    match access {
        Access::ReadOnly => "read-only",
        Access::ReadWrite => "read-write",
    }
}

/// Runs a `token` subcommand.
pub(super) async fn run(db: &Db, out: &Output, cmd: TokenCommand) -> Result<()> {
    match cmd {
        TokenCommand::Create { name, read_only } => {
            let access = if read_only {
                Access::ReadOnly
            } else {
                Access::ReadWrite
            };
            let (token, secret) = service::create_token(db, &name, access).await?;
            if out.json {
                let mut value = serde_json::to_value(&token)
                    .map_err(|e| super::CommandError::Failed(e.to_string()))?;
                value["token"] = json!(secret);
                return out.show(&value, String::new);
            }
            // The token alone on stdout (`TOKEN=$(orderdesk token create --name shop)`); the
            // words on stderr.
            eprintln!(
                "Created token {} ({:?}, {}). It is shown this once: orderdesk keeps only its hash.\n\
                 Send it as `Authorization: Bearer <token>`.",
                token.id,
                token.name,
                access_text(token.access)
            );
            emit(&format!("{secret}\n"))
        }
        TokenCommand::List => {
            let tokens = service::list_tokens(db).await?;
            out.show(&json!({ "tokens": tokens, "total": tokens.len() }), || {
                tokens_table(&tokens)
            })
        }
        TokenCommand::Revoke { id } => {
            let token = service::revoke_token(db, id).await?;
            out.show(&token, || {
                format!(
                    "Revoked token {} ({:?}): serve refuses it from now on.",
                    token.id, token.name
                )
            })
        }
    }
}

fn tokens_table(tokens: &[ApiToken]) -> String {
    if tokens.is_empty() {
        return "No tokens: serve runs open, on loopback only. \
                `orderdesk token create --name NAME` makes one."
            .to_owned();
    }
    let mut t = table(
        &[
            "id",
            "name",
            "starts",
            "access",
            "created (local)",
            "revoked (local)",
        ],
        &[0],
    );
    for token in tokens {
        t.add_row([
            token.id.to_string(),
            token.name.clone(),
            format!("{}…", token.prefix),
            access_text(token.access).to_owned(),
            when(&token.created_at),
            token.revoked_at.as_ref().map_or_else(String::new, when),
        ]);
    }
    t.to_string()
}
