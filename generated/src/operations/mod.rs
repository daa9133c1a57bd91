//! Operations.
/// Default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
