//! Relay's object identification: every object a client can fetch by id alone implements `Node`,
//! and `node(id:)`/`nodes(ids:)` fetch any of them. Ids are the UUIDs REST uses, unique across
//! every type, so they are global ids as they are. One statement finds each id's kind; the
//! kind's own lookup then decides what the caller may see, as for every other read.

use super::advising::AdvisingEngagement;
use super::catalog::CourseNode;
use super::development::{EngagementNode, MentorProfileNode, MentoringRequestNode, PdSpendRequest};
use super::learning::EnrollmentNode;
use super::learning_time::TimeEntryNode;
use super::org::{EmployeeNode, OrgUnitNode};
use super::pipeline::{CohortNode, MembershipNode, PositionNode, ProgrammeNode};
use super::service_ctx;
use super::types::{absent_is_none, found, nullable};
use crate::error::{ApiError, ApiResult, Gql};
use crate::services::nodes::{self, NodeKind};
use crate::services::{
    advising, catalog, development, learning, learning_time, org, pipeline, Ctx,
};
use async_graphql::{Context, Interface, Object, Result, ID};
use learnwell_domain::FieldError;

/// The most ids one `nodes` call takes.
const MAX_IDS: usize = 100;

/// An object with an id that `node(id:)` fetches.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The object's id: a UUID, unique across every type, the same id REST uses."
))]
pub enum Node {
    Employee(EmployeeNode),
    OrgUnit(OrgUnitNode),
    Course(CourseNode),
    Enrollment(EnrollmentNode),
    TimeEntry(TimeEntryNode),
    AdvisingEngagement(AdvisingEngagement),
    MentorProfile(MentorProfileNode),
    MentoringRequest(MentoringRequestNode),
    MentoringEngagement(EngagementNode),
    PdSpendRequest(PdSpendRequest),
    PipelineProgramme(ProgrammeNode),
    PipelineCohort(CohortNode),
    PipelineMembership(MembershipNode),
    PipelinePosition(PositionNode),
}

/// The object `id` names, through its kind's own lookup (and its authorization).
async fn fetch(ctx: &Ctx, kind: NodeKind, id: uuid::Uuid) -> ApiResult<Node> {
    let id = ID(id.to_string());
    Ok(match kind {
        NodeKind::Employee => Node::Employee(
            org::get_employee(ctx, found(&id, "employee")?)
                .await?
                .into(),
        ),
        NodeKind::OrgUnit => Node::OrgUnit(
            org::get_org_unit(ctx, found(&id, "org unit")?)
                .await?
                .into(),
        ),
        NodeKind::Course => Node::Course(
            catalog::get_course(ctx, found(&id, "course")?)
                .await?
                .into(),
        ),
        NodeKind::Enrollment => Node::Enrollment(
            learning::get_enrollment(ctx, found(&id, "enrollment")?)
                .await?
                .into(),
        ),
        NodeKind::TimeEntry => Node::TimeEntry(
            learning_time::get_entry(ctx, found(&id, "time entry")?)
                .await?
                .into(),
        ),
        NodeKind::AdvisingEngagement => Node::AdvisingEngagement(
            advising::get_engagement(ctx, found(&id, "engagement")?)
                .await?
                .into(),
        ),
        NodeKind::MentorProfile => Node::MentorProfile(
            development::get_profile(ctx, found(&id, "mentor profile")?)
                .await?
                .into(),
        ),
        NodeKind::MentoringRequest => Node::MentoringRequest(
            development::get_mentoring_request(ctx, found(&id, "mentoring request")?)
                .await?
                .into(),
        ),
        NodeKind::MentoringEngagement => Node::MentoringEngagement(
            development::get_engagement(ctx, found(&id, "engagement")?)
                .await?
                .into(),
        ),
        NodeKind::PdSpendRequest => Node::PdSpendRequest(
            development::get_request(ctx, found(&id, "spend request")?)
                .await?
                .into(),
        ),
        NodeKind::PipelineProgramme => Node::PipelineProgramme(
            pipeline::get_programme(ctx, found(&id, "programme")?)
                .await?
                .into(),
        ),
        NodeKind::PipelineCohort => {
            let cohort = pipeline::get_cohort(ctx, found(&id, "cohort")?).await?;
            Node::PipelineCohort(CohortNode::new(&cohort, ctx.now.date_naive()))
        }
        NodeKind::PipelineMembership => Node::PipelineMembership(
            pipeline::get_membership(ctx, found(&id, "membership")?)
                .await?
                .into(),
        ),
        NodeKind::PipelinePosition => Node::PipelinePosition(
            pipeline::get_position(ctx, found(&id, "position")?)
                .await?
                .into(),
        ),
    })
}

/// Each of `ids` as the caller may see it: `Ok(None)` when it names nothing.
async fn find(ctx: &Ctx, ids: &[ID]) -> ApiResult<Vec<ApiResult<Option<Node>>>> {
    let parsed: Vec<Option<uuid::Uuid>> = ids.iter().map(|id| id.parse().ok()).collect();
    let known: Vec<uuid::Uuid> = parsed.iter().flatten().copied().collect();
    let kinds = nodes::kinds(ctx, &known).await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in parsed {
        out.push(match id.and_then(|id| Some((id, *kinds.get(&id)?))) {
            Some((id, kind)) => absent_is_none(fetch(ctx, kind, id).await),
            None => Ok(None),
        });
    }
    Ok(out)
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its id: null when the id names nothing; null with a `forbidden` error when
    /// the caller may not see it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> Result<Option<Node>> {
        let found = find(service_ctx(ctx)?, &[id]).await.gql()?;
        let answer = found.into_iter().next().unwrap_or(Ok(None));
        Ok(nullable(ctx, answer.gql()).flatten())
    }

    /// Objects by their ids (at most 100), in the order asked: each is null when its id names
    /// nothing, or when the caller may not see it (then with an error whose `path` names its
    /// place in the list).
    #[graphql(complexity = "super::limits::list(ids.len().min(MAX_IDS), child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objects' ids, 1-100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "ids",
                format!("at most {MAX_IDS} ids at once, not {}", ids.len()),
            )))
            .gql();
        }
        let found = find(service_ctx(ctx)?, &ids).await.gql()?;
        Ok(found
            .into_iter()
            .enumerate()
            .map(|(i, answer)| nullable(&ctx.with_index(i), answer.gql()).flatten())
            .collect())
    }
}
