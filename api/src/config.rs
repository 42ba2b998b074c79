//! Layered configuration: built-in `config/default.toml` < optional file < `LEARNWELL__*` env.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub hris: HrisSettings,
    pub rate_limit: RateLimitSettings,
    pub graphql: GraphqlSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub json_limit_bytes: usize,
    pub bulk_limit_bytes: usize,
    pub workers: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RedisSettings {
    pub url: SecretString,
    pub key_prefix: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    pub algorithm: String,
    pub secret: SecretString,
    pub public_key_pem: String,
    pub issuer: String,
    pub audience: String,
    pub leeway_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: String,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HrisSettings {
    pub max_batch: usize,
    pub max_deactivation_share: f64,
    pub idempotency_ttl_hours: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    pub per_minute: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    pub max_complexity: usize,
}

/// The defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

impl Settings {
    /// Defaults, then `file` (or `$LEARNWELL_CONFIG_FILE`) when given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, config::ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if let Ok(dir) = std::env::var("LEARNWELL_CONFIG_DIR") {
            let path = Path::new(&dir).join("default.toml");
            builder = builder.add_source(config::File::from(path).required(false));
        }
        let env_file = std::env::var("LEARNWELL_CONFIG_FILE").ok();
        if let Some(path) = file.map(Path::to_path_buf).or(env_file.map(Into::into)) {
            builder = builder.add_source(config::File::from(path).required(true));
        }
        builder
            .add_source(
                config::Environment::with_prefix("LEARNWELL")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }
}
