//! Builds every request's `Actor`: a bearer JWT (HS256 secret, or RS256/ES256 public key), an API
//! key (`X-Api-Key`, stored hashed), or the anonymous actor the configuration allows.

use axum::http::HeaderMap;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use keluarga_core::{Actor, Credential, Role, Scope};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::config::{Anonymous, Config};

/// The claims of a gateway JWT.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// Subject (user id or name).
    pub sub: String,
    /// Role name (`OPERATOR`...).
    pub role: String,
    /// Scope region code (`""` for the whole country).
    #[serde(default)]
    pub scope: String,
    /// Audience.
    pub aud: String,
    /// Issuer.
    pub iss: String,
    /// Expiry (seconds since the epoch).
    pub exp: u64,
    /// Issued at.
    pub iat: u64,
}

/// Why a request could not be authenticated (the message is safe to show).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Bad, expired or unsigned token; unknown or revoked key.
    #[error("{0}")]
    Unauthenticated(String),
    /// The key store could not be read.
    #[error("internal error")]
    Internal(#[from] keluarga_core::error::Error),
}

/// Verifies tokens and keys.
pub struct Authenticator {
    decoding: DecodingKey,
    validation: Validation,
    anonymous: Anonymous,
    anonymous_scope: Scope,
}

impl Authenticator {
    /// Reads the keys the configuration names.
    pub fn new(cfg: &Config) -> anyhow::Result<Self> {
        let alg: Algorithm = cfg
            .auth
            .jwt_algorithm
            .parse()
            .map_err(|_| anyhow::anyhow!("auth.jwt_algorithm: unknown algorithm"))?;
        let decoding = match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
                DecodingKey::from_secret(cfg.jwt_secret().as_bytes())
            }
            Algorithm::RS256 | Algorithm::ES256 => {
                let path = cfg.auth.jwt_public_key_file.as_ref().ok_or_else(|| {
                    anyhow::anyhow!("auth.jwt_public_key_file is required for {alg:?}")
                })?;
                let pem = std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("auth.jwt_public_key_file {path:?}: {e}"))?;
                if alg == Algorithm::RS256 {
                    DecodingKey::from_rsa_pem(&pem)?
                } else {
                    DecodingKey::from_ec_pem(&pem)?
                }
            }
            other => anyhow::bail!("auth.jwt_algorithm {other:?} is not supported"),
        };
        let mut validation = Validation::new(alg);
        validation.set_audience(&[cfg.auth.audience.as_str()]);
        validation.set_issuer(&[cfg.auth.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        validation.leeway = cfg.auth.leeway_secs;
        let anonymous_scope = Scope::new(&cfg.auth.anonymous_scope)
            .map_err(|e| anyhow::anyhow!("auth.anonymous_scope: {e}"))?;
        Ok(Authenticator {
            decoding,
            validation,
            anonymous: cfg.auth.anonymous,
            anonymous_scope,
        })
    }

    /// The actor of a request.
    pub async fn actor(
        &self,
        db: &DatabaseConnection,
        headers: &HeaderMap,
    ) -> Result<Actor, AuthError> {
        if let Some(value) = headers.get(axum::http::header::AUTHORIZATION) {
            let value = value
                .to_str()
                .map_err(|_| AuthError::Unauthenticated("malformed Authorization header".into()))?;
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .ok_or_else(|| {
                    AuthError::Unauthenticated("Authorization must be `Bearer <token>`".into())
                })?;
            return self.verify(token.trim());
        }
        if let Some(key) = headers.get("x-api-key") {
            let key = key
                .to_str()
                .map_err(|_| AuthError::Unauthenticated("malformed X-Api-Key header".into()))?;
            let actor = keluarga_core::service::actor_for_api_key(db, key.trim())
                .await?
                .ok_or_else(|| AuthError::Unauthenticated("unknown or revoked API key".into()))?;
            return Ok(actor);
        }
        Ok(match self.anonymous {
            Anonymous::None => Actor::anonymous(),
            Anonymous::Dashboard => Actor::new(
                "anonymous",
                Role::Dashboard,
                self.anonymous_scope.clone(),
                Credential::Anonymous,
            ),
        })
    }

    fn verify(&self, token: &str) -> Result<Actor, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                let why = match e.kind() {
                    ErrorKind::ExpiredSignature => "token expired",
                    ErrorKind::InvalidSignature => "token signature is invalid",
                    ErrorKind::InvalidAudience => "token audience is not this gateway",
                    ErrorKind::InvalidIssuer => "token issuer is not accepted",
                    ErrorKind::InvalidAlgorithm => "token algorithm is not accepted",
                    ErrorKind::MissingRequiredClaim(_) => "token lacks a required claim",
                    _ => "token is malformed",
                };
                AuthError::Unauthenticated(why.to_owned())
            })?;
        let c = data.claims;
        let role = Role::parse(&c.role)
            .ok_or_else(|| AuthError::Unauthenticated(format!("unknown role {:?}", c.role)))?;
        let scope = Scope::new(&c.scope)
            .map_err(|_| AuthError::Unauthenticated("token scope is not a region code".into()))?;
        Ok(Actor::new(
            c.sub.clone(),
            role,
            scope,
            Credential::Token(c.sub),
        ))
    }
}

/// Signs a development token with the configured HS256 secret.
pub fn sign_token(
    cfg: &Config,
    sub: &str,
    role: Role,
    scope: &Scope,
    ttl_secs: u64,
) -> anyhow::Result<String> {
    if !cfg.auth.jwt_algorithm.eq_ignore_ascii_case("HS256") {
        anyhow::bail!(
            "`token` signs HS256 development tokens only; with {} sign tokens with your identity provider",
            cfg.auth.jwt_algorithm
        );
    }
    let now = chrono::Utc::now().timestamp() as u64;
    let claims = Claims {
        sub: sub.to_owned(),
        role: role.as_str().to_owned(),
        scope: scope.code().to_owned(),
        aud: cfg.auth.audience.clone(),
        iss: cfg.auth.issuer.clone(),
        exp: now + ttl_secs,
        iat: now,
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(cfg.jwt_secret().as_bytes()),
    )?)
}
