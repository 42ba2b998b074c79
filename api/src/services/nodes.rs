//! Fetching by id alone (GraphQL's `node`): which kind of object each id names. What the caller
//! may see of the object is then decided by that kind's own lookup, as for any other read.

use crate::error::ApiResult;
use crate::services::Ctx;
pub use learnwell_persistence::nodes::NodeKind;
use std::collections::HashMap;

/// The kind of each of `ids` that names an object; one statement.
pub async fn kinds(ctx: &Ctx, ids: &[uuid::Uuid]) -> ApiResult<HashMap<uuid::Uuid, NodeKind>> {
    Ok(learnwell_persistence::nodes::kinds(&ctx.db, ids)
        .await?
        .into_iter()
        .collect())
}
