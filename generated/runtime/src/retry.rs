//! Retry decisions and delays: which failures are retried and how long to wait in between.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// The function that waits between attempts.
type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// How the backoff delay is randomised so that many clients do not retry in lock-step.
///
/// Jitter applies to the computed exponential backoff only; a delay the server asked for
/// with `Retry-After` / `retry-after-ms` is used as is (capped by [`RetryPolicy::max_retry_after`]).
#[derive(Clone, Copy, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// The exact backoff delay (deterministic; handy in tests).
    None,
    /// A uniformly random delay between half the backoff and the full backoff (the default).
    #[default]
    Equal,
    /// A uniformly random delay between zero and the full backoff.
    Full,
    /// A custom function of the backoff delay.
    Custom(fn(Duration) -> Duration),
}

impl Jitter {
    fn apply(self, delay: Duration) -> Duration {
        match self {
            Jitter::None => delay,
            Jitter::Equal => delay / 2 + delay.mul_f64(fastrand::f64() / 2.0),
            Jitter::Full => delay.mul_f64(fastrand::f64()),
            Jitter::Custom(f) => f(delay),
        }
    }
}

impl fmt::Debug for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Jitter::None => "None",
            Jitter::Equal => "Equal",
            Jitter::Full => "Full",
            Jitter::Custom(_) => "Custom(..)",
        })
    }
}

/// When and how requests are retried.
///
/// Retried: connection failures, timeouts, HTTP 408, 429 and 5xx. A response header
/// `x-should-retry: true|false` overrides the status-based decision. Requests that are not
/// idempotent (POST, PATCH) are sent again only when they certainly did not reach the server
/// (the connection could not be made) or the server asked for it (HTTP 429, `Retry-After`,
/// `retry-after-ms`, `x-should-retry: true`), unless the request opts in to every retry. The wait before retry
/// `n` (0-based) is `initial_backoff * 2^n` capped at `max_backoff`, randomised by [`Jitter`];
/// when the server sends `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date)
/// that delay is used instead, capped at `max_retry_after`.
///
/// The defaults are 2 retries, 0.5 s initial backoff, 8 s maximum backoff, 60 s maximum
/// `Retry-After`, [`Jitter::Equal`] and `tokio::time::sleep`.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
/// use cloudflare_realtimekit_runtime::{Jitter, RetryPolicy};
///
/// // Record the delays instead of sleeping (e.g. in tests).
/// let delays = Arc::new(Mutex::new(Vec::<Duration>::new()));
/// let recorded = delays.clone();
/// let policy = RetryPolicy::default()
///     .with_max_retries(3)
///     .with_jitter(Jitter::None)
///     .with_sleeper(move |d| {
///         recorded.lock().unwrap().push(d);
///         async {}
///     });
/// assert_eq!(policy.max_retries(), 3);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: Jitter,
    sleeper: Sleeper,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            jitter: Jitter::default(),
            sleeper: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy::default().with_max_retries(0)
    }

    /// Sets how many times a failed request is sent again (0 disables retries).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the delay before the first retry; it doubles for each further retry.
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the upper bound of the exponential backoff.
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the upper bound of a server-requested delay (`Retry-After`, `retry-after-ms`).
    pub fn with_max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Sets how the backoff is randomised.
    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Replaces `tokio::time::sleep` as the way to wait between attempts
    /// (e.g. to record the delays in a test and return at once).
    pub fn with_sleeper<F, Fut>(mut self, sleeper: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.sleeper = Arc::new(move |d| Box::pin(sleeper(d)));
        self
    }

    /// How many times a failed request is sent again.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The upper bound of the exponential backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The upper bound of a server-requested delay.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The jitter applied to the backoff.
    pub fn jitter(&self) -> Jitter {
        self.jitter
    }

    /// The exponential backoff before retry `retry` (0-based), capped, before jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.checked_pow(retry).unwrap_or(u32::MAX);
        self.initial_backoff.checked_mul(factor).unwrap_or(Duration::MAX).min(self.max_backoff)
    }

    /// The delay before retry `retry` (0-based): the server's request when it made one, else the jittered backoff.
    pub(crate) fn delay(&self, retry: u32, headers: Option<&HeaderMap>, now: SystemTime) -> Duration {
        match headers.and_then(|h| parse_retry_after(h, now)) {
            Some(asked) => asked.min(self.max_retry_after),
            None => self.jitter.apply(self.backoff(retry)),
        }
    }

    /// Waits `delay` with the configured sleeper.
    pub(crate) async fn sleep(&self, delay: Duration) {
        (self.sleeper)(delay).await;
    }
}

/// Whether a non-2xx status should be retried: `x-should-retry` wins, else 408, 429 and 5xx.
pub(crate) fn should_retry_status(status: StatusCode, headers: &HeaderMap) -> bool {
    if let Some(asked) = x_should_retry(headers) {
        return asked;
    }
    status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The server's `x-should-retry: true|false`, when it sent one (any other value is ignored).
fn x_should_retry(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get("x-should-retry")?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Whether the server asked for the request to be sent again, which makes resending safe even
/// when it is not idempotent: HTTP 429, a `Retry-After` or `retry-after-ms` header, or
/// `x-should-retry: true` (and not `x-should-retry: false`).
pub(crate) fn server_asked_to_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    if let Some(asked) = x_should_retry(headers) {
        return asked;
    }
    status == StatusCode::TOO_MANY_REQUESTS
        || headers.contains_key("retry-after")
        || headers.contains_key("retry-after-ms")
}

/// Whether sending `method` twice has the effect of sending it once (RFC 9110, section 9.2.2):
/// such requests are retried after any retryable failure, the others only when
/// [`Error::is_safe_to_resend`](crate::Error::is_safe_to_resend).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// The delay the server asked for: `retry-after-ms` (milliseconds, may be fractional) first,
/// then `Retry-After` as seconds or as an HTTP date (relative to `now`; a past date means 0).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && let Ok(d) = Duration::try_from_secs_f64(ms / 1000.0)
    {
        return Some(d);
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("valid header"));
        }
        map
    }

    fn now() -> SystemTime {
        httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("valid date")
    }

    #[test]
    fn retry_after_seconds_date_and_ms() {
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(parse_retry_after(&h, now()), Some(Duration::from_secs(3)));
        let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")]);
        assert_eq!(parse_retry_after(&h, now()), Some(Duration::from_secs(10)));
        let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:40:00 GMT")]);
        assert_eq!(parse_retry_after(&h, now()), Some(Duration::ZERO));
        let h = headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]);
        assert_eq!(parse_retry_after(&h, now()), Some(Duration::from_millis(1500)));
        let h = headers(&[("retry-after-ms", "-5"), ("retry-after", "9")]);
        assert_eq!(parse_retry_after(&h, now()), Some(Duration::from_secs(9)));
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(parse_retry_after(&h, now()), None);
        assert_eq!(parse_retry_after(&HeaderMap::new(), now()), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy::default();
        let h = headers(&[("retry-after", "3600")]);
        assert_eq!(policy.delay(0, Some(&h), now()), Duration::from_secs(60));
        let h = headers(&[("retry-after", "2")]);
        assert_eq!(policy.delay(5, Some(&h), now()), Duration::from_secs(2));
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = RetryPolicy::default().with_jitter(Jitter::None);
        let delays: Vec<_> = (0..7).map(|n| policy.delay(n, None, now())).collect();
        let ms = |v: u64| Duration::from_millis(v);
        assert_eq!(delays, vec![ms(500), ms(1000), ms(2000), ms(4000), ms(8000), ms(8000), ms(8000)]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(8));
    }

    #[test]
    fn jitter_stays_in_range() {
        let base = Duration::from_secs(4);
        for _ in 0..100 {
            let d = Jitter::Equal.apply(base);
            assert!(d >= Duration::from_secs(2) && d <= base, "{d:?}");
            assert!(Jitter::Full.apply(base) <= base);
        }
        assert_eq!(Jitter::Custom(|d| d * 3).apply(base), Duration::from_secs(12));
    }

    #[test]
    fn status_decisions_and_override() {
        let none = HeaderMap::new();
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(should_retry_status(StatusCode::from_u16(code).expect("status"), &none), "{code}");
        }
        for code in [400, 401, 403, 404, 409, 422] {
            assert!(!should_retry_status(StatusCode::from_u16(code).expect("status"), &none), "{code}");
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert!(!should_retry_status(StatusCode::SERVICE_UNAVAILABLE, &no));
        let yes = headers(&[("x-should-retry", "TRUE")]);
        assert!(should_retry_status(StatusCode::CONFLICT, &yes));
        let junk = headers(&[("x-should-retry", "maybe")]);
        assert!(should_retry_status(StatusCode::BAD_GATEWAY, &junk));
    }

    #[test]
    fn resending_is_asked_for_by_429_retry_after_or_the_header() {
        let none = HeaderMap::new();
        assert!(server_asked_to_retry(StatusCode::TOO_MANY_REQUESTS, &none));
        assert!(!server_asked_to_retry(StatusCode::INTERNAL_SERVER_ERROR, &none));
        assert!(!server_asked_to_retry(StatusCode::SERVICE_UNAVAILABLE, &none));
        assert!(server_asked_to_retry(StatusCode::SERVICE_UNAVAILABLE, &headers(&[("retry-after", "1")])));
        assert!(server_asked_to_retry(StatusCode::BAD_GATEWAY, &headers(&[("retry-after-ms", "10")])));
        assert!(server_asked_to_retry(StatusCode::BAD_GATEWAY, &headers(&[("x-should-retry", "true")])));
        assert!(!server_asked_to_retry(StatusCode::TOO_MANY_REQUESTS, &headers(&[("x-should-retry", "false")])));
        for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS] {
            assert!(is_idempotent(&method), "{method}");
        }
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }

    #[test]
    fn debug_lists_settings() {
        let shown = format!("{:?}", RetryPolicy::never());
        assert!(shown.contains("max_retries: 0"), "{shown}");
    }
}
