//! Keyset paging, shared by the stores: a page is the rows after the last one read, in a stable
//! order, at most `limit` of them (the services ask for one more to know whether a page follows).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

/// Where a page of a list with a change feed starts: after an id (the list's order, creation),
/// or after a change (the change feed's order: `updated_at`, then id) from `since` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder<I> {
    Created {
        after: Option<I>,
    },
    Changed {
        since: DateTime<Utc>,
        after: Option<(DateTime<Utc>, I)>,
    },
}

impl<I: ToString> ListOrder<I> {
    /// `find` in this order from its cursor on, at most `limit` rows; `id` and `updated_at` are
    /// the table's columns.
    pub(crate) fn select<E: EntityTrait>(
        &self,
        find: Select<E>,
        id: E::Column,
        updated_at: E::Column,
        limit: u64,
    ) -> Select<E> {
        match self {
            Self::Created { after } => {
                after_key(find, id, after.as_ref().map(ToString::to_string), limit)
            }
            Self::Changed { since, after } => {
                let find = find.filter(updated_at.gte(*since));
                let after = after.as_ref().map(|(at, i)| (*at, i.to_string()));
                after_pair(find, updated_at, id, after, limit)
            }
        }
    }
}

/// `find` ordered by the unique column `key`, after the row whose key is `after`, at most
/// `limit` rows.
pub(crate) fn after_key<E: EntityTrait, K: Into<sea_orm::Value>>(
    mut find: Select<E>,
    key: E::Column,
    after: Option<K>,
    limit: u64,
) -> Select<E> {
    if let Some(a) = after {
        find = find.filter(key.gt(a));
    }
    find.order_by_asc(key).limit(limit)
}

/// `find` ordered by `first`, then `second` (unique together), after the row `after`, at most
/// `limit` rows.
pub(crate) fn after_pair<E, A, B>(
    mut find: Select<E>,
    first: E::Column,
    second: E::Column,
    after: Option<(A, B)>,
    limit: u64,
) -> Select<E>
where
    E: EntityTrait,
    A: Into<sea_orm::Value> + Clone,
    B: Into<sea_orm::Value>,
{
    if let Some((a, b)) = after {
        find = find.filter(
            Condition::any()
                .add(first.gt(a.clone()))
                .add(Condition::all().add(first.eq(a)).add(second.gt(b))),
        );
    }
    find.order_by_asc(first).order_by_asc(second).limit(limit)
}
