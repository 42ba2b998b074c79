//! Which kind of object an id names. Every id is a random UUID, unique across every table, so an
//! id names at most one object; one statement finds the table that holds it.

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult};
use sea_orm::FromQueryResult;

/// The kinds of object a client may fetch by id alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Employee,
    OrgUnit,
    Course,
    Enrollment,
    TimeEntry,
    AdvisingEngagement,
    MentorProfile,
    MentoringRequest,
    MentoringEngagement,
    PdSpendRequest,
    PipelineProgramme,
    PipelineCohort,
    PipelineMembership,
    PipelinePosition,
}

/// Each kind's table, in the order a statement asks them.
const TABLES: &[(NodeKind, &str)] = &[
    (NodeKind::Employee, "employees"),
    (NodeKind::OrgUnit, "org_units"),
    (NodeKind::Course, "courses"),
    (NodeKind::Enrollment, "enrollments"),
    (NodeKind::TimeEntry, "time_entries"),
    (NodeKind::AdvisingEngagement, "advising_engagements"),
    (NodeKind::MentorProfile, "mentor_profiles"),
    (NodeKind::MentoringRequest, "mentoring_requests"),
    (NodeKind::MentoringEngagement, "engagements"),
    (NodeKind::PdSpendRequest, "pd_spend_requests"),
    (NodeKind::PipelineProgramme, "pipeline_programmes"),
    (NodeKind::PipelineCohort, "pipeline_cohorts"),
    (NodeKind::PipelineMembership, "pipeline_memberships"),
    (NodeKind::PipelinePosition, "pipeline_positions"),
];

#[derive(FromQueryResult)]
struct KindRow {
    id: String,
    k: i32,
}

/// The kind of each of `ids` that names an object (ids that name nothing are left out). One
/// statement: a primary-key probe per table.
pub async fn kinds(c: &impl Conn, ids: &[uuid::Uuid]) -> StoreResult<Vec<(uuid::Uuid, NodeKind)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(",");
    let sql = TABLES
        .iter()
        .enumerate()
        .map(|(k, (_, table))| format!("SELECT id, {k} AS k FROM {table} WHERE id IN ({marks})"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let values = TABLES
        .iter()
        .flat_map(|_| ids.iter().map(|id| id.to_string().into()))
        .collect();
    let rows = KindRow::find_by_statement(statement(c.backend(), &sql, values))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|r| {
            let kind = usize::try_from(r.k)
                .ok()
                .and_then(|k| TABLES.get(k))
                .ok_or_else(|| StoreError::corrupt(format!("no kind {}", r.k)))?;
            Ok((parse_id(&r.id)?, kind.0))
        })
        .collect()
}
