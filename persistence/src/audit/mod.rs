//! The append-only audit log. There is no update or delete here, by design.

use crate::db::insert_all;
use crate::{Conn, StoreError, StoreResult, Tx};
use learnwell_domain::audit::{AuditEvent, AuditQuery};
use learnwell_domain::ids::AuditEventId;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub occurred_at: DateTimeUtc,
        pub actor: String,
        pub action: String,
        pub resource_type: String,
        pub resource_id: String,
        pub request_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub async fn append(tx: &Tx, events: &[AuditEvent]) -> StoreResult<()> {
    let rows: Vec<entity::Model> = events
        .iter()
        .map(|e| entity::Model {
            id: e.id.to_string(),
            occurred_at: e.occurred_at,
            actor: e.actor.clone(),
            action: e.action.clone(),
            resource_type: e.resource_type.clone(),
            resource_id: e.resource_id.clone(),
            request_id: e.request_id.clone(),
        })
        .collect();
    insert_all::<entity::Entity>(tx, &rows, &[]).await
}

/// Newest first, before the cursor id.
pub async fn list(
    c: &impl Conn,
    q: &AuditQuery,
    before: Option<AuditEventId>,
    limit: u64,
) -> StoreResult<Vec<AuditEvent>> {
    use entity::Column;
    let mut find = entity::Entity::find();
    for (col, value) in [
        (Column::Actor, &q.actor),
        (Column::Action, &q.action),
        (Column::ResourceType, &q.resource_type),
        (Column::ResourceId, &q.resource_id),
    ] {
        if let Some(v) = value {
            find = find.filter(col.eq(v.clone()));
        }
    }
    if let Some(b) = before {
        find = find.filter(Column::Id.lt(b.to_string()));
    }
    find.order_by_desc(Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok(AuditEvent {
                id: m.id.parse().map_err(|_| StoreError::corrupt("audit id"))?,
                occurred_at: m.occurred_at,
                actor: m.actor,
                action: m.action,
                resource_type: m.resource_type,
                resource_id: m.resource_id,
                request_id: m.request_id,
            })
        })
        .collect()
}
