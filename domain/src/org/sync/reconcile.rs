//! A reconcile that spans several requests: open a run, send its pages, commit. Nothing reaches
//! the directory before the commit, which plans every page at once (the deactivation guard
//! included); a run not committed before it expires changes nothing.

use super::SyncMode;
use crate::ids::{ReconcileRunId, SyncRunId};
use crate::Rule;
use chrono::{DateTime, Duration, Utc};

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Taking pages.
    Open,
    /// Applied: `sync_run_id` names the sync run it made.
    Committed,
    /// Not committed in time; its pages are dropped.
    Expired,
}

impl RunState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Committed => "committed",
            Self::Expired => "expired",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "open" => Some(Self::Open),
            "committed" => Some(Self::Committed),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }
}

/// The highest page number of a run.
pub const MAX_PAGE: u32 = 10_000;

/// One multi-request reconcile.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconcileRun {
    pub id: ReconcileRunId,
    pub actor: String,
    pub mode: SyncMode,
    /// As stored; see [`ReconcileRun::state_at`] for the state at a time.
    pub state: RunState,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Pages received, and the records in them.
    pub pages: u32,
    pub records: u64,
    pub committed_at: Option<DateTime<Utc>>,
    pub sync_run_id: Option<SyncRunId>,
}

impl ReconcileRun {
    /// A new run, open for `ttl`.
    pub fn open(
        id: ReconcileRunId,
        actor: String,
        mode: SyncMode,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Self {
        Self {
            id,
            actor,
            mode,
            state: RunState::Open,
            opened_at: now,
            expires_at: now + ttl,
            pages: 0,
            records: 0,
            committed_at: None,
            sync_run_id: None,
        }
    }

    /// The state at `now`: an open run past its expiry has expired.
    pub fn state_at(&self, now: DateTime<Utc>) -> RunState {
        match self.state {
            RunState::Open if now >= self.expires_at => RunState::Expired,
            s => s,
        }
    }

    /// May the run take a page, or be committed, at `now`?
    pub fn ensure_open(&self, now: DateTime<Utc>, action: &'static str) -> Result<(), Rule> {
        let state = self.state_at(now);
        let hint = match state {
            RunState::Open => return Ok(()),
            RunState::Committed => "",
            RunState::Expired => "; open a new run and send every page again",
        };
        Err(Rule::ReconcileRunState {
            state: state.code(),
            action,
            hint,
        })
    }

    /// A page number is 1..=[`MAX_PAGE`].
    pub fn valid_page(page: u32) -> bool {
        (1..=MAX_PAGE).contains(&page)
    }

    /// Would the run, with `page_records` more records, stay within `max_records`?
    pub fn ensure_room(&self, replaced: u64, page_records: usize, max: u64) -> Result<(), Rule> {
        let total = self.records - replaced.min(self.records) + page_records as u64;
        if total > max {
            return Err(Rule::BatchTooLarge {
                what: "a reconcile run",
                items: "records",
                max: usize::try_from(max).unwrap_or(usize::MAX),
                sent: usize::try_from(total).unwrap_or(usize::MAX),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> ReconcileRun {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("a time");
        ReconcileRun::open(
            ReconcileRunId::from_uuid(uuid::Uuid::from_u128(1)),
            "hris".into(),
            SyncMode::Replace,
            now,
            Duration::hours(6),
        )
    }

    #[test]
    fn a_run_takes_pages_until_it_expires() {
        let r = run();
        assert_eq!(r.ensure_open(r.opened_at, "sent a page"), Ok(()));
        let late = r.expires_at;
        assert_eq!(r.state_at(late), RunState::Expired);
        let refused = r.ensure_open(late, "committed").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "this reconcile run is expired; it cannot be committed; open a new run and send every page again"
        );
        let done = ReconcileRun {
            state: RunState::Committed,
            ..r
        };
        assert_eq!(
            done.state_at(late),
            RunState::Committed,
            "a commit never expires"
        );
    }

    #[test]
    fn a_resent_page_replaces_its_records_in_the_count() {
        let r = ReconcileRun {
            records: 100,
            ..run()
        };
        assert!(r.ensure_room(40, 40, 100).is_ok());
        assert!(r.ensure_room(0, 1, 100).is_err());
        assert!(!ReconcileRun::valid_page(0));
        assert!(ReconcileRun::valid_page(MAX_PAGE));
    }
}
