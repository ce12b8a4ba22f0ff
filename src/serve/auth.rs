//! Who may call the API. `Authorization: Bearer <token>` with an API token
//! (`orderdesk token create`, read-only or read-write) or, when a key is configured, a JWT whose
//! `scope` holds `orders:read` to read and `orders:write` to write. Auth is on as soon as a token
//! exists or a JWT key is configured; with neither, the API runs open (on loopback only).
//! `/health`, `/openapi.json` and `/metrics` are always open.

pub mod jwt;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{ApiError, Ids};
use crate::db::Db;
use crate::service::{self, Access};
pub use jwt::{Jwt, KeySource};

/// How often an open API looks again for a token created since (then it closes).
const RECHECK: Duration = Duration::from_secs(1);

/// How long a token found valid is taken as valid without asking the database again: a token
/// revoked (by `orderdesk token revoke`, in another process) is refused within this time.
/// Without it every request would cost one more statement (W2 on PostgreSQL: phase B at half
/// its speed, phase A 18% slower).
pub const TRUSTED_FOR: Duration = Duration::from_secs(2);

/// The most tokens kept as recently valid (then the list starts again).
const TRUSTED_MAX: usize = 10_000;

/// Who sent a request, as the handlers and the idempotency keys see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The idempotency keys' scope: the token's, the JWT subject's, or "" on an open API.
    pub scope: String,
    /// Who, for a refusal: `token 3 ("shop")`, `JWT subject "u42"`.
    pub who: String,
    /// May read.
    pub read: bool,
    /// May write.
    pub write: bool,
}

/// The API's auth: the database's tokens and, if configured, the JWT checker.
#[derive(Debug)]
pub struct Auth {
    db: Db,
    jwt: Option<Arc<Jwt>>,
    closed: AtomicBool,
    checked: Mutex<Instant>,
    /// Tokens found valid lately, by their SHA-256: the caller and when it was looked up.
    trusted: Mutex<HashMap<[u8; 32], (Caller, Instant)>>,
}

impl Auth {
    /// Auth over `db`'s tokens and `jwt`; looks once whether a token exists.
    ///
    /// # Errors
    /// The database failing.
    pub async fn new(db: Db, jwt: Option<Arc<Jwt>>) -> Result<Auth, service::Error> {
        let closed = jwt.is_some() || service::any_token(&db).await?;
        Ok(Auth {
            db,
            jwt,
            closed: AtomicBool::new(closed),
            checked: Mutex::new(Instant::now()),
            trusted: Mutex::new(HashMap::new()),
        })
    }

    /// Whether requests need a token (else the API is open).
    #[must_use]
    pub fn is_on(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// What the start-up line says about auth.
    #[must_use]
    pub fn describe(&self) -> String {
        match (&self.jwt, self.is_on()) {
            (Some(jwt), _) => format!("API tokens or {}", jwt.describe()),
            (None, true) => "API tokens".to_owned(),
            (None, false) => {
                "no authentication (no token exists and no JWT key is configured), so loopback \
                 only; `orderdesk token create` turns it on"
                    .to_owned()
            }
        }
    }

    /// Whether the API needs a token now: once a token exists it always does; an open API looks
    /// again at most every [`RECHECK`].
    async fn needs_token(&self) -> Result<bool, service::Error> {
        if self.is_on() {
            return Ok(true);
        }
        {
            let mut checked = self.checked.lock().expect("the auth lock");
            if checked.elapsed() < RECHECK {
                return Ok(false);
            }
            *checked = Instant::now();
        }
        let on = service::any_token(&self.db).await?;
        if on {
            self.closed.store(true, Ordering::Relaxed);
        }
        Ok(on)
    }

    /// Who sent a request with these headers.
    async fn caller(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return if self.needs_token().await.map_err(|e| service_error(&e))? {
                Err(unauthorized(
                    "missing: this API needs `Authorization: Bearer <token>`",
                ))
            } else {
                Ok(Caller {
                    scope: String::new(),
                    who: "anyone (the API is open)".to_owned(),
                    read: true,
                    write: true,
                })
            };
        };
        let bearer = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("must be `Bearer <token>`"))?;
        if bearer.starts_with(service::TOKEN_PREFIX) {
            return self.api_token(bearer).await;
        }
        let Some(jwt) = &self.jwt else {
            return Err(unauthorized(
                "unknown token (API tokens start with odt_; no JWT key is configured)",
            ));
        };
        let claims = jwt.check(bearer).await.map_err(|why| unauthorized(&why))?;
        Ok(Caller {
            scope: jwt_scope(&claims.issuer, &claims.subject),
            who: format!("JWT subject {:?}", claims.subject),
            read: claims.scopes.contains(jwt::READ),
            write: claims.scopes.contains(jwt::WRITE),
        })
    }

    /// The caller an API token stands for: from the tokens found valid in the last
    /// [`TRUSTED_FOR`], else from the database.
    async fn api_token(&self, bearer: &str) -> Result<Caller, ApiError> {
        use sha2::Digest as _;
        let key: [u8; 32] = sha2::Sha256::digest(bearer.as_bytes()).into();
        if let Some((caller, at)) = self.trusted.lock().expect("the auth lock").get(&key)
            && at.elapsed() < TRUSTED_FOR
        {
            return Ok(caller.clone());
        }
        let token = service::find_token(&self.db, bearer)
            .await
            .map_err(|e| service_error(&e))?
            .ok_or_else(|| unauthorized("unknown token"))?;
        let who = format!("token {} ({:?})", token.id, token.name);
        if let Some(at) = token.revoked_at {
            return Err(unauthorized(&format!(
                "{who} was revoked at {}",
                at.format("%Y-%m-%d %H:%M:%S UTC")
            )));
        }
        let caller = Caller {
            scope: format!("token:{}", token.id),
            who,
            read: true,
            write: token.access == Access::ReadWrite,
        };
        let mut trusted = self.trusted.lock().expect("the auth lock");
        if trusted.len() >= TRUSTED_MAX {
            trusted.clear();
        }
        trusted.insert(key, (caller.clone(), Instant::now()));
        Ok(caller)
    }
}

/// The middleware on every route but the open ones: 401 without a good token, 403 when the
/// token may not do what the method does; the caller goes on in the request's extensions.
pub async fn guard(State(auth): State<Arc<Auth>>, mut request: Request, next: Next) -> Response {
    let caller = match auth.caller(request.headers()).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal.into_response(),
    };
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
    let refused = match (writes, caller.write, caller.read) {
        (true, false, _) => Some(if caller.scope.starts_with("jwt:") {
            format!(
                "{} has no {} scope, so it may not write",
                caller.who,
                jwt::WRITE
            )
        } else {
            format!("{} is read-only", caller.who)
        }),
        (false, _, false) => Some(format!(
            "{} has no {} scope, so it may not read",
            caller.who,
            jwt::READ
        )),
        _ => None,
    };
    if let Some(why) = refused {
        return ApiError::new(StatusCode::FORBIDDEN, "forbidden", None, why).into_response();
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// A JWT subject's idempotency scope: bounded in length whatever the issuer and subject are.
fn jwt_scope(issuer: &str, subject: &str) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(format!("{issuer}\n{subject}").as_bytes());
    format!("jwt:{hash:x}")
}

fn unauthorized(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        Some("Authorization"),
        why.to_owned(),
    )
}

fn service_error(e: &service::Error) -> ApiError {
    ApiError::service(e, Ids::InInput)
}
