//! Learning records: the list, and what records do to enrolments (a record of a course someone is
//! enrolled in completes the enrolment; removing it reopens the enrolment).

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::audit::AuditEvent;
use learnwell_domain::ids::{CourseId, EmployeeId, LearningRecordId};
use learnwell_domain::learning::{Enrollment, EnrollmentStatus, LearningRecord};
use learnwell_persistence::learning as store;
use learnwell_persistence::Tx;
use std::collections::{HashMap, HashSet};

/// A page of learning records: a person's (yourself, their managers, admins); default your own,
/// or everyone's for those who see everyone's learning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListRecords {
    pub employee: Option<EmployeeId>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list_records(ctx: &Ctx, q: ListRecords) -> ApiResult<Page<LearningRecord>> {
    let p = &ctx.principal;
    let employee = match q.employee {
        Some(e) => {
            let (_, relation) = ctx.directory.relation(p, e).await?;
            ensure(access::can_see_learning(p, relation))?;
            Some(e)
        }
        None if access::can_see_learning(p, Relation::Other) => None,
        None => Some(p.employee_id.ok_or(ApiError::Forbidden)?),
    };
    let limit = page_size(q.first)?;
    let after = decode_cursor::<LearningRecordId>(q.after.as_deref())?;
    let rows = store::list_records(&ctx.db, employee, after, limit + 1).await?;
    Ok(paginate(rows, limit, |r| r.id.to_string()))
}

/// Complete the open enrolments (`open`, by person and course) that these new records complete
/// ([`Enrollment::completed_by`]); the first record of a person and course wins. Which record
/// completed which enrolment, and what the enrolment was before, is kept so that removing the
/// record reopens it ([`reopen_enrollments`]). Returns the audit events of the enrolments changed.
pub(crate) async fn complete_enrollments(
    tx: &Tx,
    ctx: &Ctx,
    records: &[LearningRecord],
    open: &HashMap<(EmployeeId, CourseId), Enrollment>,
) -> ApiResult<Vec<AuditEvent>> {
    let mut completed: HashSet<(EmployeeId, CourseId)> = HashSet::new();
    let mut completions = Vec::new();
    let mut events = Vec::new();
    for r in records {
        let Some((key, e)) = r
            .course_id
            .and_then(|c| open.get_key_value(&(r.employee_id, c)))
            .filter(|(key, _)| !completed.contains(*key))
        else {
            continue;
        };
        let Some((done, completion)) = e.completed_by(r, ctx.now) else {
            continue;
        };
        store::update_enrollment(tx, &done).await?;
        events.push(audit::event(
            ctx,
            "enrollment.update",
            "enrollment",
            done.id(),
        ));
        completions.push(completion);
        completed.insert(*key);
    }
    store::insert_completions(tx, &completions).await?;
    Ok(events)
}

/// Reopen the enrolments these records completed (the records have just been removed, for
/// instance because the xAPI statement behind them was voided): each goes back to the status and
/// score it had before ([`Enrollment::reopen`]). While another record of the person for the
/// course remains, the enrolment stays completed, by the newest of them
/// ([`Enrollment::completed_instead_by`]). An enrolment changed since (withdrawn, or completed
/// again by hand) is left as it is. Returns the audit events of the enrolments changed.
pub(crate) async fn reopen_enrollments(
    tx: &Tx,
    ctx: &Ctx,
    records: &[LearningRecordId],
) -> ApiResult<Vec<AuditEvent>> {
    let mut events = Vec::new();
    for c in store::take_completions(tx, records).await? {
        let Some(e) = store::get_enrollment(tx, c.enrollment_id).await? else {
            continue;
        };
        if e.status() != EnrollmentStatus::Completed {
            continue;
        }
        let changed = match store::newest_record_for(tx, e.employee_id(), e.course_id()).await? {
            Some(r) => e
                .completed_instead_by(&c, &r, ctx.now)
                .map(|(changed, moved)| (changed, Some(moved))),
            None => e.reopen(&c, ctx.now).map(|changed| (changed, None)),
        };
        let Some((changed, moved)) = changed else {
            continue;
        };
        if let Some(moved) = moved {
            store::insert_completions(tx, std::slice::from_ref(&moved)).await?;
        }
        store::update_enrollment(tx, &changed).await?;
        events.push(audit::event(
            ctx,
            "enrollment.update",
            "enrollment",
            changed.id(),
        ));
    }
    Ok(events)
}
