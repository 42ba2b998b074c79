//! Signing keys every instance shares: one row per purpose, written once by the first instance
//! that needs it and read by all the others (and by the same instance after a restart).

use crate::db::statement;
use crate::{Conn, Db, StoreError, StoreResult};
use sea_orm::{ConnectionTrait, FromQueryResult};

/// The key stored under `name`, storing `candidate` first if there is none: whichever instance
/// gets there first decides, and every caller gets the same key back.
pub async fn shared_key(db: &Db, name: &str, candidate: &str) -> StoreResult<String> {
    #[derive(FromQueryResult)]
    struct Row {
        secret: String,
    }
    let tx = db.begin().await?;
    tx.conn()
        .execute(statement(
            tx.backend(),
            "INSERT INTO signing_keys (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            vec![name.into(), candidate.into()],
        ))
        .await?;
    let row = Row::find_by_statement(statement(
        tx.backend(),
        "SELECT secret FROM signing_keys WHERE name = ?",
        vec![name.into()],
    ))
    .one(tx.conn())
    .await?
    .ok_or_else(|| StoreError::corrupt(format!("signing key {name} was not stored")))?;
    tx.commit().await?;
    Ok(row.secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_key_stored_is_the_one_every_caller_gets() {
        let path = std::env::temp_dir().join(format!("learnwell-keys-{}.db", uuid::Uuid::now_v7()));
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", path.display()), 2)
            .await
            .unwrap();
        db.migrate().await.unwrap();
        assert_eq!(shared_key(&db, "test", "first").await.unwrap(), "first");
        assert_eq!(shared_key(&db, "test", "second").await.unwrap(), "first");
        assert_eq!(shared_key(&db, "other", "third").await.unwrap(), "third");
        db.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
