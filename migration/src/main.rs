//! `learnwell-migration [up|down|status]`: runs the migrations against `DATABASE_URL`.
//! (`learnwell migrate` does the same with the service's configuration.)

use sea_orm_migration::{sea_orm::Database, MigratorTrait};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| "set DATABASE_URL, e.g. sqlite://learnwell.db?mode=rwc")?;
    let db = Database::connect(url).await?;
    match std::env::args().nth(1).as_deref().unwrap_or("up") {
        "up" => learnwell_migration::Migrator::up(&db, None).await?,
        "down" => learnwell_migration::Migrator::down(&db, Some(1)).await?,
        "status" => learnwell_migration::Migrator::status(&db).await?,
        other => return Err(format!("unknown command {other}: use up, down or status").into()),
    }
    Ok(())
}
