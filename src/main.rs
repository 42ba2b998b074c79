//! `learnwell`: the composition root. Only wiring lives here.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use learnwell_api::auth::{Authenticator, TokenSpec};
use learnwell_api::config::{JwtAlgorithm, Settings};
use learnwell_api::{demo, graphql, startup, telemetry};
use rand::distributions::{Alphanumeric, DistString};
use secrecy::{ExposeSecret, SecretString};
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
        /// Fill an empty database with a demo organisation and print an admin token.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Fill an empty database with the demo organisation.
    SeedDemo,
    /// Mint a token with the configured HS256 key (development and scripts).
    Token {
        #[arg(long)]
        sub: String,
        /// employee, ld_admin, hr_admin, performance_advisor, coach, mentor (repeatable).
        #[arg(long = "role")]
        roles: Vec<String>,
        /// hris:write, scim, xapi:write, xapi:read, xapi:read:mine, reports:read (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        #[arg(long)]
        employee_id: Option<String>,
        #[arg(long, default_value_t = 60 * 24)]
        ttl_minutes: u64,
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
            let auth = Authenticator::from_settings(&settings.auth)?;
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
        Command::SeedDemo => {
            demo_secret(&mut settings);
            let state = startup::state(settings).await?;
            state.services.db.migrate().await?;
            seed_if_empty(&state.services).await?;
        }
        Command::Serve { demo } => {
            telemetry::init(&settings.log);
            if demo {
                demo_secret(&mut settings);
            }
            let state = startup::state(settings.clone()).await.context("start-up")?;
            state.services.db.migrate().await.context("migrations")?;
            let admin = if demo {
                seed_if_empty(&state.services).await?
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

/// `--demo` without a configured key: generate one for this run and say so.
fn demo_secret(settings: &mut Settings) {
    if settings.auth.algorithm == JwtAlgorithm::HS256
        && settings.auth.secret.expose_secret().len() < 32
    {
        let secret = Alphanumeric.sample_string(&mut rand::thread_rng(), 48);
        eprintln!("demo: no auth.secret configured; generated a JWT key for this run (tokens stop working on restart; set LEARNWELL__AUTH__SECRET to keep them)");
        settings.auth.secret = SecretString::from(secret);
    }
    if settings.advising.note_keys.is_empty() {
        eprintln!("demo: no advising.note_keys configured; generated a note key for this run (the demo's advisor notes cannot be read after a restart; set LEARNWELL__ADVISING__NOTE_KEYS to keep them)");
        settings.advising.note_keys = learnwell_api::services::advising::NoteKeys::generate("demo");
    }
}

async fn seed_if_empty(services: &learnwell_api::services::Services) -> Result<Option<String>> {
    if learnwell_api::services::org::is_empty(services).await? {
        let today = chrono::Utc::now().date_naive();
        let admin = demo::seed(services, today).await?;
        println!("demo: created the demo organisation");
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
        "\nLearnwell is running at {base}\n\n  API docs:  {base}/docs\n  GraphiQL:  {base}/graphql\n\nAdmin token (hr_admin + ld_admin, 12 h):\n\n  export TOKEN={token}\n\nFirst request:\n\n  curl -s -H \"Authorization: Bearer $TOKEN\" '{base}/api/v1/employees?first=3'\n"
    );
    Ok(())
}
