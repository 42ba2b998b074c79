//! Stores of the leadership pipeline. A cohort's `seats_taken` changes only by conditional
//! updates that keep it within its capacity, and a person's open membership of a programme is
//! unique by index, so concurrent admissions and nominations cannot break either rule.

mod entities;
pub mod facts;

use crate::db::statement;
use crate::paging::{after_key, after_pair};
use crate::{parse_id, Conn, StoreError, StoreResult, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    cohort, history, membership, placement, position, programme, readiness, reflection, review,
    slate,
};
use learnwell_domain::catalog::Description;
use learnwell_domain::ids::{
    CohortId, EmployeeId, MembershipId, PlacementId, PositionId, ProgrammeId,
};
use learnwell_domain::org::{JobLevel, Label};
use learnwell_domain::pipeline::{
    Cohort, Incumbency, Membership, MembershipState, NineBox, Outcome, Placement, Position,
    Programme, Rationale, Readiness, ReadinessAssessment, Reflection, TalentReview,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};

fn c<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::corrupt(e)
}

fn level(v: i16) -> StoreResult<JobLevel> {
    JobLevel::new(v.into()).map_err(c)
}

fn count(v: i32) -> StoreResult<u32> {
    u32::try_from(v).map_err(c)
}

fn ids<T: ToString>(v: &[T]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

async fn insert<A: ActiveModelTrait + Send>(tx: &Tx, m: A) -> StoreResult<()>
where
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    <A::Entity as EntityTrait>::insert(m)
        .exec_without_returning(tx.conn())
        .await
        .map_err(StoreError::from_write)?;
    Ok(())
}

async fn change(tx: &Tx, sql: &str, values: Vec<sea_orm::Value>) -> StoreResult<bool> {
    let r = tx
        .conn()
        .execute(statement(tx.backend(), sql, values))
        .await?;
    Ok(r.rows_affected() == 1)
}

// ---- programmes ----

fn to_programme(m: programme::Model) -> StoreResult<Programme> {
    Ok(Programme {
        id: parse_id(&m.id)?,
        name: Label::parse(&m.name).map_err(c)?,
        description: m
            .description
            .as_deref()
            .map(Description::parse)
            .transpose()
            .map_err(c)?,
        lead_id: parse_id(&m.lead_id)?,
        target_levels: (level(m.level_min)?, level(m.level_max)?),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Insert a programme; another of the same name is `Duplicate("name")`.
pub async fn insert_programme(tx: &Tx, p: &Programme) -> StoreResult<()> {
    let m = programme::Model {
        id: p.id.to_string(),
        name: p.name.to_string(),
        description: p.description.as_ref().map(ToString::to_string),
        lead_id: p.lead_id.to_string(),
        level_min: i16::from(p.target_levels.0.get()),
        level_max: i16::from(p.target_levels.1.get()),
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    };
    insert(tx, m.into_active_model().reset_all()).await
}

pub async fn get_programme(db: &impl Conn, id: ProgrammeId) -> StoreResult<Option<Programme>> {
    programme::Entity::find_by_id(id.to_string())
        .one(db.conn())
        .await?
        .map(to_programme)
        .transpose()
}

/// Every programme, by name.
/// A page of programmes by name (names are unique), after the one named `after`.
pub async fn list_programmes(
    db: &impl Conn,
    after: Option<String>,
    limit: u64,
) -> StoreResult<Vec<Programme>> {
    after_key(
        programme::Entity::find(),
        programme::Column::Name,
        after,
        limit,
    )
    .all(db.conn())
    .await?
    .into_iter()
    .map(to_programme)
    .collect()
}

// ---- cohorts ----

fn to_cohort(m: cohort::Model) -> StoreResult<Cohort> {
    Ok(Cohort {
        id: parse_id(&m.id)?,
        programme_id: parse_id(&m.programme_id)?,
        name: Label::parse(&m.name).map_err(c)?,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        capacity: count(m.capacity)?,
        seats_taken: count(m.seats_taken)?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub async fn insert_cohort(tx: &Tx, x: &Cohort) -> StoreResult<()> {
    let m = cohort::Model {
        id: x.id.to_string(),
        programme_id: x.programme_id.to_string(),
        name: x.name.to_string(),
        starts_on: x.starts_on,
        ends_on: x.ends_on,
        capacity: i32::try_from(x.capacity).unwrap_or(i32::MAX),
        seats_taken: i32::try_from(x.seats_taken).unwrap_or(i32::MAX),
        version: x.version,
        created_at: x.created_at,
        updated_at: x.updated_at,
    };
    insert(tx, m.into_active_model().reset_all()).await
}

pub async fn get_cohort(db: &impl Conn, id: CohortId) -> StoreResult<Option<Cohort>> {
    cohort::Entity::find_by_id(id.to_string())
        .one(db.conn())
        .await?
        .map(to_cohort)
        .transpose()
}

/// The cohorts of a programme (or of every programme), by start date.
/// A page of a programme's cohorts by start date (then id), after the cohort `after`.
pub async fn list_cohorts(
    db: &impl Conn,
    programme: ProgrammeId,
    after: Option<(NaiveDate, CohortId)>,
    limit: u64,
) -> StoreResult<Vec<Cohort>> {
    let find = cohort::Entity::find().filter(cohort::Column::ProgrammeId.eq(programme.to_string()));
    let after = after.map(|(day, id)| (day, id.to_string()));
    after_pair(
        find,
        cohort::Column::StartsOn,
        cohort::Column::Id,
        after,
        limit,
    )
    .all(db.conn())
    .await?
    .into_iter()
    .map(to_cohort)
    .collect()
}

/// Take a seat of the cohort: false when none is free (one conditional update, so concurrent
/// admissions never exceed the capacity).
pub async fn take_seat(tx: &Tx, id: CohortId, now: DateTime<Utc>) -> StoreResult<bool> {
    change(
        tx,
        "UPDATE pipeline_cohorts SET seats_taken = seats_taken + 1, version = version + 1, \
         updated_at = ? WHERE id = ? AND seats_taken < capacity",
        vec![now.into(), id.to_string().into()],
    )
    .await
}

/// Give a seat back (a member withdrew).
pub async fn free_seat(tx: &Tx, id: CohortId, now: DateTime<Utc>) -> StoreResult<()> {
    change(
        tx,
        "UPDATE pipeline_cohorts SET seats_taken = seats_taken - 1, version = version + 1, \
         updated_at = ? WHERE id = ? AND seats_taken > 0",
        vec![now.into(), id.to_string().into()],
    )
    .await
    .map(drop)
}

// ---- memberships ----

fn to_membership(m: membership::Model) -> StoreResult<Membership> {
    Ok(Membership {
        id: parse_id(&m.id)?,
        cohort_id: parse_id(&m.cohort_id)?,
        programme_id: parse_id(&m.programme_id)?,
        employee_id: parse_id(&m.employee_id)?,
        state: MembershipState::parse(&m.state).map_err(c)?,
        nominated_by: m.nominated_by,
        self_nominated: m.self_nominated,
        admitted_on: m.admitted_on,
        graduated_on: m.graduated_on,
        withdrawn_on: m.withdrawn_on,
        outcome: m
            .outcome
            .as_deref()
            .map(Outcome::parse)
            .transpose()
            .map_err(c)?,
        outcome_on: m.outcome_on,
        ambassador: m.ambassador,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_membership_model(m: &Membership) -> membership::Model {
    membership::Model {
        id: m.id.to_string(),
        cohort_id: m.cohort_id.to_string(),
        programme_id: m.programme_id.to_string(),
        employee_id: m.employee_id.to_string(),
        state: m.state.code().to_owned(),
        open_programme_id: m.state.is_open().then(|| m.programme_id.to_string()),
        nominated_by: m.nominated_by.clone(),
        self_nominated: m.self_nominated,
        admitted_on: m.admitted_on,
        graduated_on: m.graduated_on,
        withdrawn_on: m.withdrawn_on,
        outcome: m.outcome.map(|o| o.code().to_owned()),
        outcome_on: m.outcome_on,
        ambassador: m.ambassador,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Insert a nomination; a person with an open membership of the programme is `Duplicate`.
pub async fn insert_membership(tx: &Tx, m: &Membership) -> StoreResult<()> {
    membership::Entity::insert(to_membership_model(m).into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await
        .map_err(|e| match StoreError::from_write(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("open membership".into()),
            other => other,
        })?;
    Ok(())
}

pub async fn get_membership(db: &impl Conn, id: MembershipId) -> StoreResult<Option<Membership>> {
    membership::Entity::find_by_id(id.to_string())
        .one(db.conn())
        .await?
        .map(to_membership)
        .transpose()
}

/// Write `m` (whose `version` is already the new one) over the version before it.
pub async fn update_membership(tx: &Tx, m: &Membership) -> StoreResult<()> {
    let res = membership::Entity::update_many()
        .set(to_membership_model(m).into_active_model().reset_all())
        .filter(membership::Column::Id.eq(m.id.to_string()))
        .filter(membership::Column::Version.eq(m.version - 1))
        .exec(tx.conn())
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// One page of a cohort's memberships, in id order.
pub async fn list_memberships(
    db: &impl Conn,
    cohort: CohortId,
    after: Option<MembershipId>,
    limit: u64,
) -> StoreResult<Vec<Membership>> {
    let mut find =
        membership::Entity::find().filter(membership::Column::CohortId.eq(cohort.to_string()));
    if let Some(a) = after {
        find = find.filter(membership::Column::Id.gt(a.to_string()));
    }
    find.order_by_asc(membership::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_membership)
        .collect()
}

/// A page of a person's memberships, oldest first, after the membership `after`.
pub async fn memberships_of(
    db: &impl Conn,
    who: EmployeeId,
    after: Option<MembershipId>,
    limit: u64,
) -> StoreResult<Vec<Membership>> {
    let find =
        membership::Entity::find().filter(membership::Column::EmployeeId.eq(who.to_string()));
    after_key(
        find,
        membership::Column::Id,
        after.map(|a| a.to_string()),
        limit,
    )
    .all(db.conn())
    .await?
    .into_iter()
    .map(to_membership)
    .collect()
}

/// The graduates among `people` who have no outcome yet (one query).
pub async fn waiting_graduates_among(
    db: &impl Conn,
    people: &[EmployeeId],
) -> StoreResult<Vec<Membership>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    membership::Entity::find()
        .filter(membership::Column::EmployeeId.is_in(ids(people)))
        .filter(membership::Column::State.eq(MembershipState::Graduated.code()))
        .filter(membership::Column::Outcome.is_null())
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_membership)
        .collect()
}

// ---- reflections ----

/// A membership's reflection: its text and when the lead discussed it.
pub async fn get_reflection(
    db: &impl Conn,
    id: MembershipId,
) -> StoreResult<Option<(Reflection, Option<NaiveDate>, DateTime<Utc>)>> {
    reflection::Entity::find_by_id(id.to_string())
        .one(db.conn())
        .await?
        .map(|m| {
            Ok((
                Reflection::parse(&m.text).map_err(c)?,
                m.discussed_on,
                m.updated_at,
            ))
        })
        .transpose()
}

/// Write the reflection of a membership (the first, or a new text over it).
pub async fn put_reflection(
    tx: &Tx,
    id: MembershipId,
    who: EmployeeId,
    text: &Reflection,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let m = reflection::Model {
        id: id.to_string(),
        employee_id: who.to_string(),
        text: text.as_str().to_owned(),
        discussed_on: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    reflection::Entity::insert(m.into_active_model().reset_all())
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(reflection::Column::Id)
                .update_columns([reflection::Column::Text, reflection::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// Record that the lead discussed the reflection; false when there is none.
pub async fn mark_discussed(
    tx: &Tx,
    id: MembershipId,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    change(
        tx,
        "UPDATE pipeline_reflections SET discussed_on = ?, version = version + 1, updated_at = ? \
         WHERE id = ?",
        vec![on.into(), now.into(), id.to_string().into()],
    )
    .await
}

// ---- readiness and talent reviews ----

fn to_readiness(m: readiness::Model) -> StoreResult<ReadinessAssessment> {
    Ok(ReadinessAssessment {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        readiness: Readiness::parse(&m.readiness).map_err(c)?,
        assessor_id: parse_id(&m.assessor_id)?,
        assessed_on: m.assessed_on,
        rationale: m.rationale.map(Rationale::new),
        created_at: m.created_at,
    })
}

pub async fn insert_readiness(tx: &Tx, a: &ReadinessAssessment) -> StoreResult<()> {
    let m = readiness::Model {
        id: a.id.to_string(),
        employee_id: a.employee_id.to_string(),
        readiness: a.readiness.code().to_owned(),
        assessor_id: a.assessor_id.to_string(),
        assessed_on: a.assessed_on,
        rationale: a.rationale.as_ref().map(|r| r.as_str().to_owned()),
        version: 1,
        created_at: a.created_at,
        updated_at: a.created_at,
    };
    insert(tx, m.into_active_model().reset_all()).await
}

/// The readiness history of `people` (every one when `None`), oldest first per person.
pub async fn readiness_of(
    db: &impl Conn,
    people: Option<&[EmployeeId]>,
) -> StoreResult<Vec<ReadinessAssessment>> {
    let mut find = readiness::Entity::find();
    if let Some(p) = people {
        find = find.filter(readiness::Column::EmployeeId.is_in(ids(p)));
    }
    find.order_by_asc(readiness::Column::EmployeeId)
        .order_by_asc(readiness::Column::AssessedOn)
        .order_by_asc(readiness::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_readiness)
        .collect()
}

fn to_review(m: review::Model) -> StoreResult<TalentReview> {
    let nine_box = NineBox::new(m.performance.into(), m.potential.into())
        .map_err(|_| StoreError::corrupt(format!("talent review {} is off the grid", m.id)))?;
    Ok(TalentReview {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        nine_box,
        assessor_id: parse_id(&m.assessor_id)?,
        calibrated_by: m.calibrated_by.as_deref().map(parse_id).transpose()?,
        reviewed_on: m.reviewed_on,
        created_at: m.created_at,
    })
}

pub async fn insert_review(tx: &Tx, r: &TalentReview) -> StoreResult<()> {
    let m = review::Model {
        id: r.id.to_string(),
        employee_id: r.employee_id.to_string(),
        performance: i16::from(r.nine_box.performance()),
        potential: i16::from(r.nine_box.potential()),
        assessor_id: r.assessor_id.to_string(),
        calibrated_by: r.calibrated_by.map(|x| x.to_string()),
        reviewed_on: r.reviewed_on,
        version: 1,
        created_at: r.created_at,
        updated_at: r.created_at,
    };
    insert(tx, m.into_active_model().reset_all()).await
}

/// The talent reviews of `people`, oldest first per person.
pub async fn reviews_of(db: &impl Conn, people: &[EmployeeId]) -> StoreResult<Vec<TalentReview>> {
    review::Entity::find()
        .filter(review::Column::EmployeeId.is_in(ids(people)))
        .order_by_asc(review::Column::EmployeeId)
        .order_by_asc(review::Column::ReviewedOn)
        .order_by_asc(review::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_review)
        .collect()
}

// ---- positions, their history and slates ----

fn to_position(m: position::Model) -> StoreResult<Position> {
    Ok(Position {
        id: parse_id(&m.id)?,
        title: Label::parse(&m.title).map_err(c)?,
        org_unit_id: parse_id(&m.org_unit_id)?,
        level: level(m.level)?,
        incumbent_id: m.incumbent_id.as_deref().map(parse_id).transpose()?,
        incumbent_since: m.incumbent_since,
        created_for_growth: m.created_for_growth,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_position_model(p: &Position) -> position::Model {
    position::Model {
        id: p.id.to_string(),
        title: p.title.to_string(),
        org_unit_id: p.org_unit_id.to_string(),
        level: i16::from(p.level.get()),
        incumbent_id: p.incumbent_id.map(|x| x.to_string()),
        incumbent_since: p.incumbent_since,
        created_for_growth: p.created_for_growth,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

/// Insert a position and, when it has an incumbent, the first line of its history.
pub async fn insert_position(tx: &Tx, p: &Position) -> StoreResult<()> {
    insert(tx, to_position_model(p).into_active_model().reset_all()).await?;
    if let (Some(who), Some(since)) = (p.incumbent_id, p.incumbent_since) {
        open_history(tx, p.id, who, since, p.updated_at).await?;
    }
    Ok(())
}

pub async fn get_position(db: &impl Conn, id: PositionId) -> StoreResult<Option<Position>> {
    position::Entity::find_by_id(id.to_string())
        .one(db.conn())
        .await?
        .map(to_position)
        .transpose()
}

/// One page of positions (of some org units), in id order.
pub async fn list_positions(
    db: &impl Conn,
    units: Option<&[learnwell_domain::ids::OrgUnitId]>,
    after: Option<PositionId>,
    limit: u64,
) -> StoreResult<Vec<Position>> {
    let mut find = position::Entity::find();
    if let Some(u) = units {
        find = find.filter(position::Column::OrgUnitId.is_in(ids(u)));
    }
    if let Some(a) = after {
        find = find.filter(position::Column::Id.gt(a.to_string()));
    }
    find.order_by_asc(position::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_position)
        .collect()
}

/// Write `p` over the version before it (`StaleVersion` when it changed meanwhile).
pub async fn update_position(tx: &Tx, p: &Position) -> StoreResult<()> {
    let res = position::Entity::update_many()
        .set(to_position_model(p).into_active_model().reset_all())
        .filter(position::Column::Id.eq(p.id.to_string()))
        .filter(position::Column::Version.eq(p.version - 1))
        .exec(tx.conn())
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

async fn open_history(
    tx: &Tx,
    position: PositionId,
    who: EmployeeId,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let m = history::Model {
        id: uuid::Uuid::now_v7().to_string(),
        position_id: position.to_string(),
        employee_id: who.to_string(),
        started_on: on,
        ended_on: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    insert(tx, m.into_active_model().reset_all()).await
}

/// Move a position's history on: the current incumbency (if any) ends `on`, `who` starts.
pub async fn change_incumbent(
    tx: &Tx,
    position: PositionId,
    who: EmployeeId,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    change(
        tx,
        "UPDATE pipeline_position_history SET ended_on = ?, version = version + 1, updated_at = ? \
         WHERE position_id = ? AND ended_on IS NULL",
        vec![on.into(), now.into(), position.to_string().into()],
    )
    .await?;
    open_history(tx, position, who, on, now).await
}

/// A position's incumbents, oldest first.
pub async fn history_of(db: &impl Conn, position: PositionId) -> StoreResult<Vec<Incumbency>> {
    history::Entity::find()
        .filter(history::Column::PositionId.eq(position.to_string()))
        .order_by_asc(history::Column::StartedOn)
        .order_by_asc(history::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok(Incumbency {
                employee_id: parse_id(&m.employee_id)?,
                started_on: m.started_on,
                ended_on: m.ended_on,
            })
        })
        .collect()
}

/// Replace a position's succession slate with `candidates` in rank order.
pub async fn replace_slate(
    tx: &Tx,
    position: PositionId,
    candidates: &[EmployeeId],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    slate::Entity::delete_many()
        .filter(slate::Column::PositionId.eq(position.to_string()))
        .exec(tx.conn())
        .await?;
    if candidates.is_empty() {
        return Ok(());
    }
    let rows = candidates.iter().zip(1i16..).map(|(who, rank)| {
        slate::Model {
            id: uuid::Uuid::now_v7().to_string(),
            position_id: position.to_string(),
            employee_id: who.to_string(),
            rank,
            version: 1,
            created_at: now,
            updated_at: now,
        }
        .into_active_model()
        .reset_all()
    });
    slate::Entity::insert_many(rows)
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// The slates of `positions` (every one when `None`): (position, candidate) in rank order.
pub async fn slates(
    db: &impl Conn,
    positions: Option<&[PositionId]>,
) -> StoreResult<Vec<(PositionId, EmployeeId)>> {
    let mut find = slate::Entity::find();
    if let Some(p) = positions {
        find = find.filter(slate::Column::PositionId.is_in(ids(p)));
    }
    find.order_by_asc(slate::Column::PositionId)
        .order_by_asc(slate::Column::Rank)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| Ok((parse_id(&m.position_id)?, parse_id(&m.employee_id)?)))
        .collect()
}

// ---- placements ----

/// Insert a placement; a membership placed already is `Duplicate`.
pub async fn insert_placement(tx: &Tx, p: &Placement) -> StoreResult<()> {
    let m = placement::Model {
        id: p.id.to_string(),
        membership_id: p.membership_id.to_string(),
        employee_id: p.employee_id.to_string(),
        position_id: p.position_id.to_string(),
        placed_on: p.placed_on,
        previous_incumbent_id: p.previous_incumbent_id.map(|x| x.to_string()),
        role_grown: p.role_grown,
        version: 1,
        created_at: p.created_at,
        updated_at: p.created_at,
    };
    insert(tx, m.into_active_model().reset_all()).await
}

/// One page of placements, newest first.
pub async fn list_placements(
    db: &impl Conn,
    membership: Option<MembershipId>,
    before: Option<PlacementId>,
    limit: u64,
) -> StoreResult<Vec<Placement>> {
    let mut find = placement::Entity::find();
    if let Some(m) = membership {
        find = find.filter(placement::Column::MembershipId.eq(m.to_string()));
    }
    if let Some(b) = before {
        find = find.filter(placement::Column::Id.lt(b.to_string()));
    }
    find.order_by_desc(placement::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok(Placement {
                id: parse_id(&m.id)?,
                membership_id: parse_id(&m.membership_id)?,
                employee_id: parse_id(&m.employee_id)?,
                position_id: parse_id(&m.position_id)?,
                placed_on: m.placed_on,
                previous_incumbent_id: m
                    .previous_incumbent_id
                    .as_deref()
                    .map(parse_id)
                    .transpose()?,
                role_grown: m.role_grown,
                created_at: m.created_at,
            })
        })
        .collect()
}
