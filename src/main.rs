//! `learnwell`: the composition root. Only wiring lives here.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use learnwell_api::auth::{Authenticator, TokenSpec};
use learnwell_api::config::{JwtAlgorithm, Settings};
use learnwell_api::{demo, graphql, startup, telemetry};
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// mimalloc keeps the resident set small and flat under many worker threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "learnwell", version, about = "Learning & development backend")]
struct Cli {
    /// A configuration file layered over the defaults (also LEARNWELL_CONFIG_FILE).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        /// Fill an empty database with a demo organisation and a year of learning, keep the
        /// demo's development keys beside the database, and print the URLs and an admin token.
        #[arg(long)]
        demo: bool,
        /// The demo's seed: the same seed makes the same organisation and learning.
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
    },
    /// Apply database migrations.
    Migrate,
    /// Fill an empty database with the demo organisation and a year of learning.
    SeedDemo {
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
    },
    /// Mint a token with the configured HS256 key, or the demo's (development and scripts).
    Token {
        #[arg(long)]
        sub: String,
        /// employee, ld_admin, hr_admin, performance_advisor, coach, mentor (repeatable). A
        /// manager is not a role: it is anyone with reports (give their --employee-id).
        #[arg(long = "role")]
        roles: Vec<String>,
        /// hris:write, scim, xapi:write, xapi:read, xapi:read:mine, reports:read (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// The person the token is: their Learnwell id or HRIS id (e.g. E-0002); checked
        /// against the directory.
        #[arg(long)]
        employee_id: Option<String>,
        #[arg(long, default_value_t = 60 * 24)]
        ttl_minutes: u64,
    },
    /// Exit 0 when the server on this machine answers GET /healthz (or /readyz) with 200: the
    /// container's HEALTHCHECK, without curl.
    Healthcheck {
        /// Ask /readyz (database migrated and reachable) instead of /healthz.
        #[arg(long)]
        ready: bool,
        /// The port (default: server.port).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Re-seal every advisor note under the first key of advising.note_keys; afterwards the
    /// older keys can be removed from the configuration.
    RotateKeys,
    /// Write schema.graphql and openapi/openapi.json from the code.
    ExportContracts {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config.as_deref()).context("configuration")?;
    match cli.command {
        Command::ExportContracts { dir } => {
            std::fs::create_dir_all(dir.join("openapi"))?;
            std::fs::write(dir.join("schema.graphql"), graphql::sdl())?;
            std::fs::write(
                dir.join("openapi/openapi.json"),
                learnwell_api::rest::openapi_json()?,
            )?;
            println!(
                "wrote {} and {}",
                dir.join("schema.graphql").display(),
                dir.join("openapi/openapi.json").display()
            );
        }
        Command::Token {
            sub,
            roles,
            scopes,
            employee_id,
            ttl_minutes,
        } => {
            demo_keys_if_unconfigured(&mut settings)?;
            let auth = Authenticator::from_settings(&settings.auth)?;
            let employee_id = match employee_id {
                None => None,
                Some(reference) => Some(person(settings, &reference).await?),
            };
            let spec = TokenSpec {
                subject: sub,
                roles,
                scopes,
                employee_id,
                ttl: Duration::from_secs(ttl_minutes * 60),
            };
            println!(
                "{}",
                auth.mint(&spec, now_unix()).map_err(anyhow::Error::msg)?
            );
        }
        Command::Healthcheck { ready, port } => {
            let port = port.unwrap_or(settings.server.port);
            let path = if ready { "/readyz" } else { "/healthz" };
            healthcheck(port, path)?;
        }
        Command::Migrate => {
            let db = learnwell_persistence::Db::connect(settings.database.url.expose_secret(), 2)
                .await?;
            db.migrate().await?;
            println!("migrations applied to the {} database", db.backend().name());
        }
        Command::RotateKeys => {
            let state = startup::state(settings).await?;
            state.services.db.migrate().await?;
            let resealed = learnwell_api::services::advising::rotate_keys(&state.services).await?;
            let active = state
                .services
                .settings
                .advising
                .note_keys
                .active_id()
                .unwrap_or("-")
                .to_owned();
            println!("re-sealed {resealed} advisor notes under key {active}");
        }
        Command::SeedDemo { seed } => {
            demo_keys(&mut settings)?;
            let state = startup::state(settings).await?;
            state.services.db.migrate().await?;
            seed_if_empty(&state.services, seed).await?;
        }
        Command::Serve { demo, seed } => {
            telemetry::init(&settings.log);
            if demo {
                demo_keys(&mut settings)?;
            }
            let state = startup::state(settings.clone()).await.context("start-up")?;
            state.services.db.migrate().await.context("migrations")?;
            let admin = if demo {
                seed_if_empty(&state.services, seed).await?
            } else {
                None
            };
            let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
                .with_context(|| {
                    format!(
                        "listening on {}:{}",
                        settings.server.host, settings.server.port
                    )
                })?;
            let base = format!("http://{}", listener.local_addr()?);
            if demo {
                print_demo(&state.auth, &base, admin)?;
                let advisor = demo::advising::advisor(&state.services).await?;
                print_demo_advisor(&state.auth, &base, advisor.map(|id| id.to_string()))?;
            }
            tracing::info!(%base, database = state.services.db.backend().name(), kv = state.services.kv.kind(), "learnwell listening");
            startup::serve(state, listener)?.await?;
        }
    }
    Ok(())
}

/// The demo's development keys where none are configured: read from the file beside the
/// database, or made and kept there, so tokens and sealed notes survive a restart.
fn demo_keys(settings: &mut Settings) -> Result<()> {
    let path = demo::keys::path(settings);
    let (keys, made) = demo::keys::DemoKeys::read_or_create(&path)
        .with_context(|| format!("the demo keys in {}", path.display()))?;
    let used = keys.fill(settings).map_err(anyhow::Error::msg)?;
    if !used.is_empty() {
        let how = if made { "made and kept" } else { "read" };
        eprintln!(
            "demo: no {} configured; {how} the demo's development keys in {} (tokens and advisor notes survive restarts; delete the file to make new ones, or configure your own keys)",
            used.join(" or "),
            path.display()
        );
    }
    Ok(())
}

/// `learnwell token` without a configured key: the demo's, when a demo made one.
fn demo_keys_if_unconfigured(settings: &mut Settings) -> Result<()> {
    if settings.auth.algorithm != JwtAlgorithm::HS256
        || settings.auth.secret.expose_secret().len() >= 32
    {
        return Ok(());
    }
    let path = demo::keys::path(settings);
    match demo::keys::DemoKeys::read(&path)? {
        Some(keys) => {
            keys.fill(settings).map_err(anyhow::Error::msg)?;
            eprintln!("token: signed with the demo's key in {}", path.display());
            Ok(())
        }
        None => bail!(
            "no auth.secret configured (32 bytes or more) and no demo key in {}: set LEARNWELL__AUTH__SECRET, or run `learnwell serve --demo` first",
            path.display()
        ),
    }
}

/// The employee id a token names, checked against the directory (by id or HRIS id).
async fn person(settings: Settings, reference: &str) -> Result<String> {
    let state = startup::state(settings).await.context("the database")?;
    let found = learnwell_api::services::org::find_person(&state.services, reference)
        .await
        .map_err(|e| anyhow::anyhow!("looking up --employee-id {reference}: {e} (is the database migrated? `learnwell migrate`)"))?;
    match found {
        Some(id) => Ok(id.to_string()),
        None => bail!("--employee-id {reference}: nobody in the directory has this id or HRIS id"),
    }
}

/// GET `path` on this machine's `port` over plain HTTP/1.1; Ok when it answers 200.
fn healthcheck(port: u16, path: &str) -> Result<()> {
    use std::io::{Read, Write};
    let timeout = Duration::from_secs(3);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head)?;
    let status = String::from_utf8_lossy(&head[..n]);
    let line = status.lines().next().unwrap_or_default();
    if line.split_whitespace().nth(1) == Some("200") {
        println!("{path}: {line}");
        Ok(())
    } else {
        bail!("{path} answered {line:?}")
    }
}

async fn seed_if_empty(
    services: &learnwell_api::services::Services,
    seed: u64,
) -> Result<Option<String>> {
    if learnwell_api::services::org::is_empty(services).await? {
        let today = chrono::Utc::now().date_naive();
        let admin = demo::seed(services, today, seed).await?;
        println!("demo: created the demo organisation and a year of learning (seed {seed})");
        Ok(Some(admin.to_string()))
    } else {
        println!("demo: the database already has people; not seeding");
        Ok(learnwell_api::services::org::demo_admin(services)
            .await?
            .map(|id| id.to_string()))
    }
}

/// A token for the demo's performance advisor, who reads their own notes.
fn print_demo_advisor(auth: &Authenticator, base: &str, advisor: Option<String>) -> Result<()> {
    let Some(advisor) = advisor else {
        return Ok(());
    };
    let spec = TokenSpec {
        subject: "demo-advisor".into(),
        roles: vec!["employee".into(), "performance_advisor".into()],
        scopes: vec![],
        employee_id: Some(advisor),
        ttl: Duration::from_secs(12 * 3600),
    };
    let token = auth.mint(&spec, now_unix()).map_err(anyhow::Error::msg)?;
    println!("Performance advisor token (their engagements and notes, 12 h):\n\n  export ADVISOR_TOKEN={token}\n\n  curl -s -H \"Authorization: Bearer $ADVISOR_TOKEN\" '{base}/api/v1/advising/engagements'\n");
    Ok(())
}

fn print_demo(auth: &Authenticator, base: &str, admin: Option<String>) -> Result<()> {
    let spec = TokenSpec {
        subject: "demo-admin".into(),
        roles: vec!["hr_admin".into(), "ld_admin".into()],
        scopes: vec!["hris:write".into()],
        employee_id: admin,
        ttl: Duration::from_secs(12 * 3600),
    };
    let token = auth.mint(&spec, now_unix()).map_err(anyhow::Error::msg)?;
    if token.is_empty() {
        bail!("could not mint the demo token");
    }
    println!(
        "\nLearnwell is running at {base}\n\n  Landing page:  {base}/\n  API docs:      {base}/docs\n  GraphiQL:      {base}/graphql\n  OpenAPI:       {base}/openapi.json\n  xAPI LRS:      {base}/xapi\n  Health:        {base}/healthz, {base}/readyz\n\nAdmin token (hr_admin + ld_admin, 12 h; it keeps working when the demo restarts, and\n`learnwell token` mints more with the same demo key):\n\n  export TOKEN={token}\n\nFirst request:\n\n  curl -s -H \"Authorization: Bearer $TOKEN\" '{base}/api/v1/employees?first=3'\n"
    );
    Ok(())
}
