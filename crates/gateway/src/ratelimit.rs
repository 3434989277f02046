//! Rate limits: a token bucket per API key, per actor (a token's subject) and per client
//! address, from `[rate_limits]`. Each bucket holds up to `burst` requests and refills at
//! `per_minute`; an empty bucket refuses with `RATE_LIMITED` and the seconds until it holds one
//! request again (`Retry-After`).
//!
//! The buckets live in memory (each gateway copy keeps its own) unless `rate_limits.redis_url`
//! is set: then every copy takes from the same bucket in Redis, one atomic script per check, on
//! Redis's clock. When Redis cannot be reached the copy falls back to its own buckets (logged,
//! and counted in `rate_limit_redis_errors_total`), so a Redis outage loosens the limits to one
//! share per copy instead of refusing or admitting everything, and it tries Redis again after
//! [`RETRY_REDIS`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::{Bucket, RateLimits};

/// How long a copy keeps to its own buckets after Redis failed.
pub const RETRY_REDIS: Duration = Duration::from_secs(5);

/// How many buckets are kept in memory before full ones are forgotten.
const MEMORY_CAPACITY: usize = 100_000;

/// What a bucket is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// One API key.
    ApiKey,
    /// One token subject.
    Actor,
    /// One client address.
    Address,
}

impl Limit {
    /// The name in metrics, messages and Redis keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::ApiKey => "api_key",
            Limit::Actor => "actor",
            Limit::Address => "address",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::ApiKey => "this API key",
            Limit::Actor => "this user",
            Limit::Address => "this client address",
        }
    }
}

/// A refused request: which limit, and when to come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The limit that refused it.
    pub limit: Limit,
    /// Whole seconds until the bucket holds a request again (at least 1).
    pub retry_after_secs: u64,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rate limit exceeded for {}; retry in {} s",
            self.limit.what(),
            self.retry_after_secs
        )
    }
}

/// A bucket's settings as rates.
#[derive(Debug, Clone, Copy)]
struct Rate {
    /// Requests added per millisecond.
    per_ms: f64,
    /// Most requests held.
    burst: f64,
}

impl Rate {
    fn of(b: &Bucket) -> Option<Rate> {
        (b.per_minute > 0).then(|| Rate {
            per_ms: f64::from(b.per_minute) / 60_000.0,
            burst: f64::from(if b.burst == 0 { b.per_minute } else { b.burst }),
        })
    }

    /// Takes one request from a bucket holding `tokens` `elapsed_ms` ago: the new level, or the
    /// milliseconds until one request is available.
    fn take(self, tokens: f64, elapsed_ms: f64) -> Result<f64, u64> {
        let level = (tokens + elapsed_ms.max(0.0) * self.per_ms).min(self.burst);
        if level >= 1.0 {
            Ok(level - 1.0)
        } else {
            Err(((1.0 - level) / self.per_ms).ceil() as u64)
        }
    }
}

/// The shared buckets of `rate_limits.redis_url`.
struct Shared {
    client: redis::Client,
    prefix: String,
    conn: tokio::sync::Mutex<Option<redis::aio::ConnectionManager>>,
    failed_at: Mutex<Option<Instant>>,
    script: redis::Script,
}

/// Takes one request from the bucket at KEYS[1] (ARGV: requests per millisecond, burst) on
/// Redis's own clock; returns {1, 0} when allowed, {0, milliseconds to wait} when not.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local per_ms = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
local level = math.min(burst, tokens + math.max(0, now - at) * per_ms)
local allowed, wait = 0, 0
if level >= 1 then
  allowed = 1
  level = level - 1
else
  wait = math.ceil((1 - level) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(level), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / per_ms) + 1000)
return {allowed, wait}
";

/// Every rate limit of the gateway.
pub struct RateLimiter {
    api_key: Option<Rate>,
    actor: Option<Rate>,
    address: Option<Rate>,
    /// The header holding the client address, behind a proxy.
    pub address_header: Option<axum::http::HeaderName>,
    memory: Mutex<HashMap<(Limit, String), (f64, Instant)>>,
    shared: Option<Shared>,
}

impl RateLimiter {
    /// From `[rate_limits]`; a Redis URL that does not parse is an error (it is connected on
    /// first use).
    pub fn from_config(c: &RateLimits) -> anyhow::Result<RateLimiter> {
        let shared = match c.redis_url.as_deref().filter(|u| !u.is_empty()) {
            None => None,
            Some(url) => Some(Shared {
                client: redis::Client::open(url)
                    .map_err(|e| anyhow::anyhow!("rate_limits.redis_url: {e}"))?,
                prefix: c.key_prefix.clone(),
                conn: tokio::sync::Mutex::new(None),
                failed_at: Mutex::new(None),
                script: redis::Script::new(TAKE),
            }),
        };
        let address_header = match c.client_address_header.as_deref() {
            None | Some("") => None,
            Some(h) => Some(axum::http::HeaderName::try_from(h).map_err(|_| {
                anyhow::anyhow!("rate_limits.client_address_header: {h:?} is not a header name")
            })?),
        };
        Ok(RateLimiter {
            api_key: Rate::of(&c.per_api_key),
            actor: Rate::of(&c.per_actor),
            address: Rate::of(&c.per_address),
            address_header,
            memory: Mutex::new(HashMap::new()),
            shared,
        })
    }

    /// Whether the buckets are shared through Redis.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Takes one request from `who`'s bucket of `limit`.
    pub async fn check(&self, limit: Limit, who: &str) -> Result<(), Refused> {
        let Some(rate) = self.rate(limit) else {
            return Ok(());
        };
        let waited = match &self.shared {
            Some(shared) => match shared.take(limit, who, rate).await {
                Some(r) => r,
                None => self.take_in_memory(limit, who, rate),
            },
            None => self.take_in_memory(limit, who, rate),
        };
        waited.map_err(|ms| {
            metrics::counter!("rate_limit_refusals_total", "limit" => limit.as_str()).increment(1);
            Refused {
                limit,
                retry_after_secs: ms.div_ceil(1000).max(1),
            }
        })
    }

    /// The rate of `limit`'s buckets; `None` when it is off.
    fn rate(&self, limit: Limit) -> Option<Rate> {
        match limit {
            Limit::ApiKey => self.api_key,
            Limit::Actor => self.actor,
            Limit::Address => self.address,
        }
    }

    fn take_in_memory(&self, limit: Limit, who: &str, rate: Rate) -> Result<(), u64> {
        let now = Instant::now();
        let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= MEMORY_CAPACITY && !m.contains_key(&(limit, who.to_owned())) {
            // Forget the buckets that have refilled: they hold what a new one would.
            let full_after = |r: Rate| Duration::from_millis((r.burst / r.per_ms) as u64);
            m.retain(|(l, _), (_, at)| {
                self.rate(*l)
                    .is_some_and(|r| now.duration_since(*at) < full_after(r))
            });
        }
        let entry = m
            .entry((limit, who.to_owned()))
            .or_insert((rate.burst, now));
        let elapsed = now.duration_since(entry.1).as_secs_f64() * 1000.0;
        let level = rate.take(entry.0, elapsed)?;
        *entry = (level, now);
        Ok(())
    }
}

impl Shared {
    /// The shared bucket's answer; `None` when Redis could not give one.
    async fn take(&self, limit: Limit, who: &str, rate: Rate) -> Option<Result<(), u64>> {
        if self
            .failed_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < RETRY_REDIS)
        {
            return None;
        }
        let mut conn = {
            let mut slot = self.conn.lock().await;
            match slot.as_ref() {
                Some(c) => c.clone(),
                None => {
                    let cfg = redis::aio::ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(Duration::from_millis(500)))
                        .set_response_timeout(Some(Duration::from_millis(500)))
                        .set_number_of_retries(1);
                    match self.client.get_connection_manager_with_config(cfg).await {
                        Ok(c) => {
                            *slot = Some(c.clone());
                            c
                        }
                        Err(e) => return self.failed(&e),
                    }
                }
            }
        };
        let key = format!("{}{}:{}", self.prefix, limit.as_str(), who);
        let answer: redis::RedisResult<(i64, i64)> = self
            .script
            .key(key)
            .arg(rate.per_ms)
            .arg(rate.burst)
            .invoke_async(&mut conn)
            .await;
        match answer {
            Ok((1, _)) => Some(Ok(())),
            Ok((_, wait)) => Some(Err(wait.max(1) as u64)),
            Err(e) => self.failed(&e),
        }
    }

    fn failed<T>(&self, e: &redis::RedisError) -> Option<T> {
        tracing::warn!(error = %e, "rate limits: Redis is unreachable; each copy limits on its own for now");
        metrics::counter!("rate_limit_redis_errors_total").increment(1);
        *self.failed_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_holds_its_burst_and_refills_at_its_rate() {
        let r = Rate {
            per_ms: 1.0 / 1000.0,
            burst: 2.0,
        };
        let l = r.take(2.0, 0.0).expect("first");
        let l = r.take(l, 0.0).expect("second");
        assert_eq!(r.take(l, 0.0), Err(1000), "empty: one request a second");
        assert_eq!(r.take(l, 400.0), Err(600));
        assert!(r.take(l, 1000.0).is_ok());
        // Never more than the burst, however long it waited.
        let l = r.take(0.0, 1e9).expect("refilled");
        assert_eq!(l, 1.0);
    }
}
