//! JWTs from a user service: checked against a configured key (a PEM public key or a shared
//! secret) or a JWKS (a file, or a URL fetched at start and again when a token names a key it
//! does not hold). The issuer, the audience, the expiry and the subject are required and checked;
//! the `scope` claim says what the caller may do.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// The scope that lets a JWT read.
pub const READ: &str = "orders:read";

/// The scope that lets a JWT write.
pub const WRITE: &str = "orders:write";

/// How often a JWKS URL may be fetched again for a key it did not hold.
const REFETCH: Duration = Duration::from_secs(30);

/// The shortest shared secret taken (HS256 needs 256 bits to be as strong as its hash).
const MIN_SECRET: usize = 32;

/// Where the keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A PEM public key (RSA, EC or Ed25519) or, when the file is not PEM, a shared secret.
    KeyFile(std::path::PathBuf),
    /// A JWKS document in a file.
    JwksFile(std::path::PathBuf),
    /// A JWKS document at an `http://` or `https://` URL.
    JwksUrl(String),
}

impl KeySource {
    /// `--jwks`'s value: a URL when it starts with `http://` or `https://`, else a file.
    #[must_use]
    pub fn jwks(value: &str) -> KeySource {
        if value.starts_with("http://") || value.starts_with("https://") {
            KeySource::JwksUrl(value.to_owned())
        } else {
            KeySource::JwksFile(value.into())
        }
    }
}

/// One key a token may be signed with.
struct Key {
    kid: Option<String>,
    decoding: DecodingKey,
    algorithms: Vec<Algorithm>,
}

/// The JWT checker: its keys and what a token must claim.
pub struct Jwt {
    source: KeySource,
    issuer: String,
    audience: String,
    keys: std::sync::RwLock<Vec<Key>>,
    fetched: Mutex<Instant>,
    client: Option<reqwest::Client>,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwt")
            .field("source", &self.source)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// A JWT that passed: who sent it and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The issuer.
    pub issuer: String,
    /// The subject.
    pub subject: String,
    /// The scopes.
    pub scopes: HashSet<String>,
}

/// The claims read; `iss` and `sub` are optional here so that a token without them is refused
/// by the validation, which names the missing claim.
#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    scope: Option<Scope>,
}

/// `scope`: space-separated (RFC 8693) or, as some issuers send it, an array.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scope {
    Text(String),
    List(Vec<String>),
}

impl Jwt {
    /// Loads the keys from `source`; tokens must name `issuer` and `audience`.
    ///
    /// # Errors
    /// A file that cannot be read, a key or JWKS that cannot be used, a URL that does not answer
    /// with a JWKS; the message says which.
    pub async fn load(source: KeySource, issuer: &str, audience: &str) -> Result<Jwt, String> {
        if issuer.trim().is_empty() || audience.trim().is_empty() {
            return Err(
                "a JWT key needs --jwt-issuer and --jwt-audience: orderdesk checks both".to_owned(),
            );
        }
        let client = match &source {
            KeySource::JwksUrl(_) => Some(
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|e| format!("--jwks: {e}"))?,
            ),
            _ => None,
        };
        let jwt = Jwt {
            source,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            keys: std::sync::RwLock::new(Vec::new()),
            fetched: Mutex::new(Instant::now()),
            client,
        };
        let keys = jwt.read_keys().await?;
        *jwt.keys.write().expect("the key lock") = keys;
        Ok(jwt)
    }

    /// What the keys come from, for the start-up line.
    #[must_use]
    pub fn describe(&self) -> String {
        let from = match &self.source {
            KeySource::KeyFile(p) => format!("the key in {}", p.display()),
            KeySource::JwksFile(p) => format!("the JWKS in {}", p.display()),
            KeySource::JwksUrl(u) => format!("the JWKS at {u}"),
        };
        format!(
            "JWTs from {} for {} signed with {from}",
            self.issuer, self.audience
        )
    }

    async fn read_keys(&self) -> Result<Vec<Key>, String> {
        match &self.source {
            KeySource::KeyFile(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("--jwt-key {}: {e}", path.display()))?;
                key_file(&bytes).map_err(|e| format!("--jwt-key {}: {e}", path.display()))
            }
            KeySource::JwksFile(path) => {
                let bytes =
                    std::fs::read(path).map_err(|e| format!("--jwks {}: {e}", path.display()))?;
                jwks(&bytes).map_err(|e| format!("--jwks {}: {e}", path.display()))
            }
            KeySource::JwksUrl(url) => {
                let client = self.client.as_ref().expect("a client for a URL");
                let answer = client
                    .get(url)
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .map_err(|e| format!("--jwks {url}: {e}"))?;
                let bytes = answer
                    .bytes()
                    .await
                    .map_err(|e| format!("--jwks {url}: {e}"))?;
                jwks(&bytes).map_err(|e| format!("--jwks {url}: {e}"))
            }
        }
    }

    /// Checks `token`: signature, issuer, audience, expiry, subject.
    ///
    /// # Errors
    /// Why the token is refused, in words for the 401's message.
    pub async fn check(&self, token: &str) -> Result<Claims, String> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| "not a JWT orderdesk can read")?;
        if !self.holds(header.kid.as_deref()) && self.may_refetch() {
            // A key the issuer added since: fetch the set again (a JWKS URL only).
            if let Ok(keys) = self.read_keys().await {
                *self.keys.write().expect("the key lock") = keys;
            }
        }
        let keys = self.keys.read().expect("the key lock");
        let mut candidates = keys
            .iter()
            .filter(|k| header.kid.is_none() || k.kid.is_none() || k.kid == header.kid)
            .filter(|k| k.algorithms.contains(&header.alg))
            .peekable();
        if candidates.peek().is_none() {
            return Err(match &header.kid {
                Some(kid) => format!(
                    "the JWT's key {kid:?} ({:?}) is not one orderdesk holds",
                    header.alg
                ),
                None => format!("the JWT's algorithm {:?} is not the key's", header.alg),
            });
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let mut last = String::new();
        for key in candidates {
            match jsonwebtoken::decode::<Raw>(token, &key.decoding, &validation) {
                Ok(data) => {
                    let scopes = match data.claims.scope {
                        Some(Scope::Text(text)) => {
                            text.split_whitespace().map(str::to_owned).collect()
                        }
                        Some(Scope::List(list)) => list.into_iter().collect(),
                        None => HashSet::new(),
                    };
                    return Ok(Claims {
                        issuer: data.claims.iss.unwrap_or_default(),
                        subject: data.claims.sub.unwrap_or_default(),
                        scopes,
                    });
                }
                Err(e) => last = self.reason(e.kind()),
            }
        }
        Err(last)
    }

    fn holds(&self, kid: Option<&str>) -> bool {
        let keys = self.keys.read().expect("the key lock");
        kid.is_none_or(|kid| keys.iter().any(|k| k.kid.as_deref() == Some(kid)))
    }

    fn may_refetch(&self) -> bool {
        if !matches!(self.source, KeySource::JwksUrl(_)) {
            return false;
        }
        let mut fetched = self.fetched.lock().expect("the fetch lock");
        if fetched.elapsed() < REFETCH {
            return false;
        }
        *fetched = Instant::now();
        true
    }

    fn reason(&self, kind: &ErrorKind) -> String {
        match kind {
            ErrorKind::ExpiredSignature => "the JWT has expired".to_owned(),
            ErrorKind::ImmatureSignature => "the JWT is not valid yet (nbf)".to_owned(),
            ErrorKind::InvalidIssuer => format!("the JWT's issuer (iss) is not {}", self.issuer),
            ErrorKind::InvalidAudience => {
                format!("the JWT's audience (aud) is not {}", self.audience)
            }
            ErrorKind::InvalidSignature => "the JWT's signature does not verify".to_owned(),
            ErrorKind::MissingRequiredClaim(claim) => format!("the JWT has no {claim} claim"),
            ErrorKind::InvalidAlgorithm => "the JWT's algorithm is not the key's".to_owned(),
            ErrorKind::Json(_) | ErrorKind::InvalidClaimFormat(_) => {
                "the JWT's claims are not what orderdesk reads (iss, sub, aud, exp, scope)"
                    .to_owned()
            }
            _ => "not a JWT orderdesk can read".to_owned(),
        }
    }
}

/// The key in a `--jwt-key` file: PEM (RSA, EC or Ed25519 public key), else a shared secret.
fn key_file(bytes: &[u8]) -> Result<Vec<Key>, String> {
    let text = String::from_utf8_lossy(bytes);
    let single = |key: DecodingKey| {
        let algorithms = key.family().algorithms().to_vec();
        Ok(vec![Key {
            kid: None,
            decoding: key,
            algorithms,
        }])
    };
    if text.trim_start().starts_with("-----BEGIN") {
        if text.contains("PRIVATE KEY") {
            return Err("this is a private key; give the issuer's public key".to_owned());
        }
        if let Ok(key) = DecodingKey::from_rsa_pem(bytes) {
            return single(key);
        }
        if let Ok(key) = DecodingKey::from_ec_pem(bytes) {
            return single(key);
        }
        if let Ok(key) = DecodingKey::from_ed_pem(bytes) {
            return single(key);
        }
        return Err("not an RSA, EC or Ed25519 public key in PEM".to_owned());
    }
    let secret = text.trim();
    if secret.len() < MIN_SECRET {
        return Err(format!(
            "a shared secret must be at least {MIN_SECRET} bytes (this one is {})",
            secret.len()
        ));
    }
    single(DecodingKey::from_secret(secret.as_bytes()).map_err(|e| e.to_string())?)
}

/// The keys of a JWKS document.
fn jwks(bytes: &[u8]) -> Result<Vec<Key>, String> {
    let set: JwkSet =
        serde_json::from_slice(bytes).map_err(|e| format!("not a JWKS document: {e}"))?;
    let mut keys = Vec::new();
    for jwk in &set.keys {
        let key = DecodingKey::from_jwk(jwk).map_err(|e| {
            let kid = jwk.common.key_id.as_deref().unwrap_or("without a kid");
            format!("key {kid}: {e}")
        })?;
        let algorithms = match jwk.common.key_algorithm {
            Some(alg) => match alg.to_string().parse::<Algorithm>() {
                Ok(alg) => vec![alg],
                Err(_) => continue,
            },
            None => key.family().algorithms().to_vec(),
        };
        keys.push(Key {
            kid: jwk.common.key_id.clone(),
            decoding: key,
            algorithms,
        });
    }
    if keys.is_empty() {
        return Err("the JWKS holds no key orderdesk can use".to_owned());
    }
    Ok(keys)
}
