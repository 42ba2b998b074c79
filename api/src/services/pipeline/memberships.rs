//! Memberships through their states, and the motivation reflection.
//!
//! A retried transition (admit an admitted member, graduate a graduate) answers the membership
//! as it is, without a second seat or audit event; a transition from another state is
//! `conflict` with the state in its message.

use super::programmes::get_cohort;
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::access::pipeline as rules;
use learnwell_domain::access::Relation;
use learnwell_domain::ids::{CohortId, EmployeeId, MembershipId};
use learnwell_domain::org::EmployeeStatus;
use learnwell_domain::pipeline::{CohortState, Membership, MembershipState, Programme, Reflection};
use learnwell_domain::{FieldError, Rule};
use learnwell_persistence::pipeline as store;
use learnwell_persistence::{StoreError, Tx};

/// Nominate someone (yourself without `employee_id`) into a cohort.
#[derive(Debug, Clone, Copy)]
pub struct Nomination {
    pub cohort_id: CohortId,
    pub employee_id: Option<EmployeeId>,
}

async fn programme_of(ctx: &Ctx, m: &Membership) -> ApiResult<Programme> {
    store::get_programme(&ctx.db, m.programme_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("membership {} has no programme", m.id)))
}

fn leads(ctx: &Ctx, p: &Programme) -> bool {
    ctx.principal.employee_id == Some(p.lead_id)
}

#[tracing::instrument(skip_all, fields(cohort_id = %n.cohort_id))]
pub async fn nominate(ctx: &Ctx, n: Nomination) -> ApiResult<Membership> {
    let p = &ctx.principal;
    let who = n
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::Validation(vec![FieldError::new("employee_id", "is required")]))?;
    let (employee, relation) = ctx.directory.relation(p, who).await?;
    ensure(rules::may_nominate(p, relation))?;
    if employee.data.status == EmployeeStatus::Terminated {
        return Err(Rule::EmployeeTerminated {
            action: "nominated",
        }
        .into());
    }
    let cohort = get_cohort(ctx, n.cohort_id).await?;
    if cohort.state(ctx.now.date_naive()) == CohortState::Finished {
        let e = FieldError::new("cohort_id", "this cohort has finished");
        return Err(ApiError::Validation(vec![e]));
    }
    let id = MembershipId::from_uuid(uuid::Uuid::now_v7());
    let m = Membership::nominate(
        id,
        &cohort,
        who,
        &p.subject,
        relation == Relation::Itself,
        ctx.now,
    );
    let tx = ctx.db.begin().await?;
    store::insert_membership(&tx, &m)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => ApiError::Rule(Rule::OpenMembership),
            other => other.into(),
        })?;
    let event = audit::event(
        ctx,
        "pipeline_membership.nominate",
        "pipeline_membership",
        id,
    );
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(m)
}

/// The membership with its programme, how the caller relates to the member and whether they
/// lead the programme; `not_found` unless the caller may see it.
async fn visible(ctx: &Ctx, id: MembershipId) -> ApiResult<(Membership, Relation, bool)> {
    let m = store::get_membership(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("membership"))?;
    let (_, relation) = ctx
        .directory
        .relation(&ctx.principal, m.employee_id)
        .await?;
    let lead = leads(ctx, &programme_of(ctx, &m).await?);
    if !rules::may_see_membership(&ctx.principal, relation, lead) {
        return Err(ApiError::NotFound("membership"));
    }
    Ok((m, relation, lead))
}

#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn get_membership(ctx: &Ctx, id: MembershipId) -> ApiResult<Membership> {
    Ok(visible(ctx, id).await?.0)
}

/// A page of a person's memberships (yours without `who`), oldest first: themselves, their
/// managers, the admins.
#[tracing::instrument(skip_all)]
pub async fn my_memberships(
    ctx: &Ctx,
    who: Option<EmployeeId>,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<Membership>> {
    let p = &ctx.principal;
    let who = who
        .or(p.employee_id)
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("employee_id", "is required")))?;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    ensure(rules::may_see_membership(p, relation, false))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<MembershipId>(after)?;
    let rows = store::memberships_of(&ctx.db, who, after, limit + 1).await?;
    Ok(paginate(rows, limit, |m| m.id.to_string()))
}

/// A cohort's memberships: its programme's lead and the admins.
#[tracing::instrument(skip_all, fields(cohort_id = %cohort))]
pub async fn list_memberships(
    ctx: &Ctx,
    cohort: CohortId,
    first: Option<u64>,
    after: Option<String>,
) -> ApiResult<Page<Membership>> {
    let c = get_cohort(ctx, cohort).await?;
    let programme = store::get_programme(&ctx.db, c.programme_id)
        .await?
        .ok_or(ApiError::NotFound("programme"))?;
    ensure(rules::may_see_membership(
        &ctx.principal,
        Relation::Other,
        leads(ctx, &programme),
    ))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<MembershipId>(after.as_deref())?;
    let rows = store::list_memberships(&ctx.db, cohort, after, limit + 1).await?;
    Ok(paginate(rows, limit, |m| m.id.to_string()))
}

/// Write the membership's next state over the one read, with its audit event.
pub(super) async fn write(tx: &Tx, ctx: &Ctx, next: &Membership, action: &str) -> ApiResult<()> {
    store::update_membership(tx, next)
        .await
        .map_err(|e| match e {
            StoreError::StaleVersion => ApiError::Conflict(
                "the membership changed while this was decided; read it again".into(),
            ),
            other => other.into(),
        })?;
    let event = audit::event(ctx, action, "pipeline_membership", next.id);
    learnwell_persistence::audit::append(tx, &[event]).await?;
    Ok(())
}

fn today(ctx: &Ctx, on: Option<NaiveDate>) -> ApiResult<NaiveDate> {
    let today = ctx.now.date_naive();
    let on = on.unwrap_or(today);
    if on > today {
        return Err(FieldError::new("on", "must not be in the future").into());
    }
    Ok(on)
}

/// Admit a nominee (the programme lead): takes a seat of the cohort, refused with
/// `capacity_reached` when none is free, whatever runs concurrently.
#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn admit(ctx: &Ctx, id: MembershipId) -> ApiResult<Membership> {
    let (m, _, lead) = visible(ctx, id).await?;
    ensure(rules::may_admit(&ctx.principal, lead))?;
    if m.state == MembershipState::Admitted {
        return Ok(m);
    }
    let next = m.clone().admit(ctx.now.date_naive(), ctx.now)?;
    let tx = ctx.db.begin().await?;
    if !store::take_seat(&tx, m.cohort_id, ctx.now).await? {
        // Read in the transaction: it holds a connection, and another could wait for a pool
        // that the concurrent admissions hold.
        let c = store::get_cohort(&tx, m.cohort_id)
            .await?
            .ok_or(ApiError::NotFound("cohort"))?;
        return Err(Rule::CohortFull {
            seats_taken: c.seats_taken,
            capacity: c.capacity,
        }
        .into());
    }
    write(&tx, ctx, &next, "pipeline_membership.admit").await?;
    tx.commit().await?;
    Ok(next)
}

type Step = fn(Membership, NaiveDate, DateTime<Utc>) -> Result<Membership, Rule>;

/// A transition by the lead or ld_admin (start, graduate).
async fn progress(
    ctx: &Ctx,
    id: MembershipId,
    target: MembershipState,
    on: Option<NaiveDate>,
    step: Step,
    action: &str,
) -> ApiResult<Membership> {
    let (m, _, lead) = visible(ctx, id).await?;
    ensure(rules::may_progress(&ctx.principal, lead))?;
    if m.state == target {
        return Ok(m);
    }
    let next = step(m, today(ctx, on)?, ctx.now)?;
    let tx = ctx.db.begin().await?;
    write(&tx, ctx, &next, action).await?;
    tx.commit().await?;
    Ok(next)
}

#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn start(ctx: &Ctx, id: MembershipId) -> ApiResult<Membership> {
    let step: Step = |m, _, now| m.start(now);
    progress(
        ctx,
        id,
        MembershipState::Active,
        None,
        step,
        "pipeline_membership.start",
    )
    .await
}

#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn graduate(ctx: &Ctx, id: MembershipId, on: Option<NaiveDate>) -> ApiResult<Membership> {
    let step: Step = Membership::graduate;
    progress(
        ctx,
        id,
        MembershipState::Graduated,
        on,
        step,
        "pipeline_membership.graduate",
    )
    .await
}

/// Withdraw (the member, the lead, ld_admin); an admitted or active member's seat is freed.
#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn withdraw(ctx: &Ctx, id: MembershipId) -> ApiResult<Membership> {
    let (m, relation, lead) = visible(ctx, id).await?;
    ensure(rules::may_withdraw(&ctx.principal, relation, lead))?;
    if m.state == MembershipState::Withdrawn {
        return Ok(m);
    }
    let seat = m.state.holds_seat();
    let next = m.withdraw(ctx.now.date_naive(), ctx.now)?;
    let tx = ctx.db.begin().await?;
    write(&tx, ctx, &next, "pipeline_membership.withdraw").await?;
    if seat {
        store::free_seat(&tx, next.cohort_id, ctx.now).await?;
    }
    tx.commit().await?;
    Ok(next)
}

/// A graduate leaves with the organisation's help (hr_admin): alumni, perhaps an ambassador.
#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn alumni(
    ctx: &Ctx,
    id: MembershipId,
    ambassador: bool,
    on: Option<NaiveDate>,
) -> ApiResult<Membership> {
    let (m, _, _) = visible(ctx, id).await?;
    ensure(rules::can_manage_positions(&ctx.principal))?;
    let next = m.alumni(today(ctx, on)?, ambassador, ctx.now)?;
    let tx = ctx.db.begin().await?;
    write(&tx, ctx, &next, "pipeline_membership.alumni").await?;
    tx.commit().await?;
    Ok(next)
}

/// The reflection as its two readers see it.
#[derive(Debug, Clone)]
pub struct ReflectionView {
    pub membership_id: MembershipId,
    pub text: Reflection,
    pub discussed_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

/// Write your motivation reflection ("why do you want to lead?") while your membership is
/// open; never scored.
#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn write_reflection(
    ctx: &Ctx,
    id: MembershipId,
    text: &str,
) -> ApiResult<ReflectionView> {
    let (m, relation, _) = visible(ctx, id).await?;
    ensure(rules::may_write_reflection(&ctx.principal, relation))?;
    if !m.state.is_open() {
        return Err(Rule::MembershipState {
            state: m.state.code(),
            action: "given a new reflection",
        }
        .into());
    }
    let text = Reflection::parse(text).map_err(|e| ApiError::Validation(vec![e]))?;
    let tx = ctx.db.begin().await?;
    store::put_reflection(&tx, id, m.employee_id, &text, ctx.now).await?;
    let event = audit::event(ctx, "pipeline_reflection.write", "pipeline_membership", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    load(&ctx.db, id).await
}

async fn load(c: &impl learnwell_persistence::Conn, id: MembershipId) -> ApiResult<ReflectionView> {
    let (text, discussed_on, updated_at) = store::get_reflection(c, id)
        .await?
        .ok_or(ApiError::NotFound("reflection"))?;
    Ok(ReflectionView {
        membership_id: id,
        text,
        discussed_on,
        updated_at,
    })
}

/// Read a reflection: the member and the programme lead only (`forbidden` for anyone else who
/// sees the membership). Every read is audited, in the transaction that reads it.
#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn read_reflection(ctx: &Ctx, id: MembershipId) -> ApiResult<ReflectionView> {
    let (_, relation, lead) = visible(ctx, id).await?;
    ensure(rules::may_read_reflection(&ctx.principal, relation, lead))?;
    let tx = ctx.db.begin().await?;
    let view = load(&tx, id).await?;
    let event = audit::event(ctx, "pipeline_reflection.read", "pipeline_membership", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(view)
}

/// The lead records that they discussed the reflection with the member.
#[tracing::instrument(skip_all, fields(membership_id = %id))]
pub async fn discuss_reflection(ctx: &Ctx, id: MembershipId) -> ApiResult<()> {
    let (_, _, lead) = visible(ctx, id).await?;
    ensure(rules::may_admit(&ctx.principal, lead))?;
    let tx = ctx.db.begin().await?;
    if !store::mark_discussed(&tx, id, ctx.now.date_naive(), ctx.now).await? {
        return Err(ApiError::NotFound("reflection"));
    }
    let event = audit::event(
        ctx,
        "pipeline_reflection.discuss",
        "pipeline_membership",
        id,
    );
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(())
}

/// A past membership, as the demo (and a back-fill of a programme's earlier cohorts) records
/// it: nominated, admitted on `admitted_on`, then started and graduated on `graduated_on` (or
/// withdrawn then), through the domain's transitions, with its seat and audit events, in one
/// transaction. ld_admin only.
pub(crate) async fn record_past(
    ctx: &Ctx,
    cohort: CohortId,
    who: EmployeeId,
    admitted_on: NaiveDate,
    ended: (NaiveDate, bool),
) -> ApiResult<Membership> {
    ensure(rules::can_run_programmes(&ctx.principal))?;
    let c = get_cohort(ctx, cohort).await?;
    let (ended_on, graduated) = ended;
    let id = MembershipId::from_uuid(uuid::Uuid::now_v7());
    let m = Membership::nominate(id, &c, who, &ctx.principal.subject, false, ctx.now)
        .admit(admitted_on, ctx.now)?
        .start(ctx.now)?;
    let m = if graduated {
        m.graduate(ended_on, ctx.now)?
    } else {
        m.withdraw(ended_on, ctx.now)?
    };
    let tx = ctx.db.begin().await?;
    store::insert_membership(&tx, &m).await?;
    if graduated && !store::take_seat(&tx, cohort, ctx.now).await? {
        return Err(Rule::CohortFull {
            seats_taken: c.seats_taken,
            capacity: c.capacity,
        }
        .into());
    }
    let event = audit::event(
        ctx,
        "pipeline_membership.record_past",
        "pipeline_membership",
        id,
    );
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(m)
}
