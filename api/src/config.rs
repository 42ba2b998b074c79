//! Layered configuration: built-in `config/default.toml` < optional file < `LEARNWELL__*` env.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub hris: HrisSettings,
    pub rate_limit: RateLimitSettings,
    pub graphql: GraphqlSettings,
    pub metrics: MetricsSettings,
    pub privacy: PrivacySettings,
    pub advising: AdvisingSettings,
    pub development: DevelopmentSettings,
    pub pipeline: PipelineSettings,
}

/// Performance advising (`docs/API-DESIGN.md`, "Performance advising").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvisingSettings {
    /// The keys that seal advisor notes at rest, `"<key id>:<base64 of 32 bytes>"`: the first
    /// seals new notes, every one opens the notes it sealed (until `learnwell rotate-keys`).
    pub note_keys: crate::services::advising::NoteKeys,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub json_limit_bytes: usize,
    pub bulk_limit_bytes: usize,
    pub workers: usize,
    /// Origins allowed to call the API from a browser (CORS), e.g. `https://dash.example.com`.
    pub cors_origins: Vec<String>,
    /// `Strict-Transport-Security` max-age in seconds; 0 sends none (set it behind TLS).
    pub hsts_max_age_seconds: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (IP addresses). Without them the
    /// client address is the connection's peer.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// May hold a password: never printed (`Debug` shows `[REDACTED]`).
    pub url: SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSettings {
    /// `redis://` or, over TLS, `rediss://`; empty: the key-value store lives in process.
    pub url: SecretString,
    /// PEM certificates of the CA that signed the server's certificate (a private or
    /// self-signed CA; needs `rediss://`); empty: the Mozilla roots.
    pub ca_file: String,
    pub key_prefix: String,
}

impl RedisSettings {
    pub fn ca_file(&self) -> Option<&Path> {
        Some(Path::new(&self.ca_file)).filter(|_| !self.ca_file.is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub algorithm: JwtAlgorithm,
    pub secret: SecretString,
    pub public_key_pem: String,
    /// The identity provider's JWKS endpoint; when set, keys come from it instead of
    /// `public_key_pem`.
    pub jwks_url: String,
    /// At most one refetch of the JWKS per this many seconds (a token with an unknown `kid`, a
    /// failed fetch or a set older than `jwks_max_age_seconds` asks for one).
    pub jwks_refetch_seconds: u64,
    /// A fetched set is refetched when it is older than this (keys the provider withdrew go).
    pub jwks_max_age_seconds: u64,
    pub issuer: String,
    pub audience: String,
    pub leeway_seconds: u64,
    /// The claim that names the person (`employee_id`, `sub`, `email`, `oid`, ...).
    pub person_claim: String,
    /// What that claim holds: Learnwell's employee id, the work email or the HRIS's id.
    pub person_match: PersonMatch,
    /// The claim that holds the caller's roles (`roles`, `groups`, ...): a string or a list.
    pub roles_claim: String,
    /// Identity-provider role or group names -> Learnwell roles; a name that is itself a
    /// Learnwell role code needs no entry.
    pub role_map: std::collections::BTreeMap<String, String>,
}

/// What `auth.person_claim` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonMatch {
    Id,
    Email,
    ExternalId,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HrisSettings {
    pub max_batch: usize,
    pub max_deactivation_share: f64,
    pub idempotency_ttl_hours: u64,
    /// How long a multi-request reconcile run takes pages before it expires unapplied.
    pub reconcile_run_ttl_seconds: u64,
    /// The most records a reconcile run may hold over all its pages.
    pub max_reconcile_records: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Requests per minute per caller (token subject or LRS client); 0 turns it off.
    pub per_minute: u64,
    /// Requests per minute per client address, authenticated or not; 0 turns it off.
    pub per_address_per_minute: u64,
    /// Failed authentications per minute per client address and per LRS key before further
    /// attempts are refused (429) for the rest of the minute; 0 turns it off.
    pub failed_auth_per_minute: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlSettings {
    /// The deepest field a query may select (introspection measured apart).
    pub max_depth: usize,
    /// The most a query may cost: lists multiply what they select by their size (`first`).
    pub max_complexity: usize,
    /// How long one GraphQL execution may run before it is stopped with `timeout`.
    pub timeout_ms: u64,
    /// A persisted-query manifest (Apollo's, or Relay's map of ids to queries); empty: none.
    pub persisted_queries: String,
    /// Run only the manifest's operations (`query_not_allowed` for anything else).
    pub only_persisted: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// A bearer token for scrapers (`Authorization: Bearer <token>`); an `hr_admin` token works
    /// too. Without either, `/metrics` answers 401.
    pub token: SecretString,
}

/// Aggregates about people the caller may not see one by one (`docs/API-DESIGN.md`, "Aggregates
/// and privacy").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// The minimum group size `k`: no released figure, nor any combination of released figures,
    /// belongs to fewer people. Never below 3 (refused at start).
    pub min_group_size: learnwell_domain::privacy::MinGroupSize,
    /// The job-level bands offered in aggregate (`[[min, max], ...]`); whoever sees every person
    /// of a group one by one may ask for any band.
    pub level_bands: learnwell_domain::learning_time::LevelBands,
}

/// The leadership pipeline (`docs/PIPELINE.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSettings {
    /// A person may read their own readiness assessments (never their 9-box reviews).
    pub self_readiness_visible: bool,
    /// The thresholds of the findings' rules.
    pub findings: learnwell_domain::pipeline::Thresholds,
}

/// PD budgets (`docs/API-DESIGN.md`, "Coaching, mentoring and PD budgets").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentSettings {
    /// The month fiscal years start in (1 = January).
    pub fiscal_year_start_month: learnwell_domain::development::FiscalStartMonth,
    /// The organisation's currency (ISO 4217): budget policies use it unless they name one of
    /// `other_currencies`.
    pub currency: learnwell_domain::development::Currency,
    pub other_currencies: Vec<learnwell_domain::development::Currency>,
    /// Spend requests above this amount (minor units of their budget's currency) need a second
    /// approver.
    pub second_approval_above_minor: i64,
    /// The lowest job level that may ask for a coach (1: every level, juniors included).
    pub coaching_from_level: u8,
    /// The kinds of engagement the mentee's manager (or `hr_admin`) approves before the mentor
    /// or coach is asked.
    pub manager_approves: Vec<learnwell_domain::development::ProfileKind>,
}

impl DevelopmentSettings {
    /// Every currency budgets may hold, the organisation's first.
    pub fn currencies(&self) -> Vec<learnwell_domain::development::Currency> {
        let mut all = vec![self.currency];
        all.extend(
            self.other_currencies
                .iter()
                .filter(|c| **c != self.currency),
        );
        all
    }
}

/// The token algorithms Learnwell accepts (never `none`, never more than the one configured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum JwtAlgorithm {
    HS256,
    RS256,
    ES256,
}

impl std::str::FromStr for JwtAlgorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "HS256" => Ok(Self::HS256),
            "RS256" => Ok(Self::RS256),
            "ES256" => Ok(Self::ES256),
            other => Err(format!(
                "auth.algorithm must be HS256, RS256 or ES256, not {other}"
            )),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
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
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("server.cors_origins")
                    .with_list_parse_key("server.trusted_proxies")
                    .with_list_parse_key("advising.note_keys")
                    .with_list_parse_key("development.other_currencies"),
            )
            .build()?
            .try_deserialize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn load_toml(extra: &str) -> Result<Settings, String> {
        let path =
            std::env::temp_dir().join(format!("learnwell-config-{}.toml", uuid::Uuid::now_v7()));
        std::fs::write(&path, extra).map_err(|e| e.to_string())?;
        let loaded = Settings::load(Some(&path)).map_err(|e| e.to_string());
        let _ = std::fs::remove_file(&path);
        loaded
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_name() {
        let err = load_toml("[server]\nprot = 9090\n").unwrap_err();
        assert!(err.contains("prot"), "{err}");
        let err = load_toml("[ratelimit]\nper_minute = 5\n").unwrap_err();
        assert!(err.contains("ratelimit"), "{err}");
    }

    #[test]
    fn enumerated_settings_refuse_other_values() {
        let err = load_toml("[auth]\nalgorithm = \"none\"\n").unwrap_err();
        assert!(err.contains("none"), "{err}");
        let err = load_toml("[log]\nformat = \"xml\"\n").unwrap_err();
        assert!(err.contains("xml"), "{err}");
        let ok = load_toml("[log]\nformat = \"json\"\n").expect("json is a format");
        assert_eq!(ok.log.format, LogFormat::Json);
    }

    #[test]
    fn urls_and_secrets_never_appear_in_debug_output() {
        let mut s = load_toml("").expect("defaults");
        s.database.url = SecretString::from("postgres://app:hunter2@db/learnwell");
        s.redis.url = SecretString::from("redis://:hunter3@cache:6379");
        s.auth.secret = SecretString::from("a-very-long-shared-secret-of-32-chars!");
        let printed = format!("{s:?}");
        for secret in ["hunter2", "hunter3", "a-very-long"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(s.database.url.expose_secret().contains("hunter2"));
    }
}
