use super::{parse_id, service_ctx};
use crate::error::{ApiError, Gql};
use crate::services::catalog::{self as svc, ListCourses};
use crate::services::encode_cursor;
use crate::services::Ctx;
use async_graphql::connection::{Connection, Edge};
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use learnwell_domain::catalog::{Course, CourseLevel, Modality, Provider, Skill};
use learnwell_domain::ids::SkillId;
use learnwell_domain::FieldError;
use std::collections::HashMap;

/// Skills by id: the taxonomy is small, so one query loads it for the whole request.
pub struct SkillLoader(pub Ctx);

impl Loader<SkillId> for SkillLoader {
    type Value = SkillNode;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[SkillId]) -> Result<HashMap<SkillId, SkillNode>> {
        let found = svc::skills_by_ids(&self.0, keys).await.gql()?;
        Ok(found
            .into_iter()
            .map(|s| (s.id, SkillNode::from(s)))
            .collect())
    }
}

#[derive(SimpleObject, Clone)]
pub struct SkillNode {
    id: ID,
    name: String,
    parent_id: Option<ID>,
}

impl From<Skill> for SkillNode {
    fn from(s: Skill) -> Self {
        Self {
            id: ID(s.id.to_string()),
            name: s.name.to_string(),
            parent_id: s.parent_id.map(|p| ID(p.to_string())),
        }
    }
}

pub struct CourseNode(pub Course);

#[Object(name = "Course")]
impl CourseNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn code(&self) -> String {
        self.0.data.code.to_string()
    }
    async fn title(&self) -> String {
        self.0.data.title.to_string()
    }
    async fn description(&self) -> Option<String> {
        self.0.data.description.as_ref().map(ToString::to_string)
    }
    async fn provider(&self) -> String {
        self.0.data.provider.to_string()
    }
    async fn modality(&self) -> String {
        self.0.data.modality.to_string()
    }
    async fn level(&self) -> Option<String> {
        self.0.data.level.map(|l| l.to_string())
    }
    async fn estimated_minutes(&self) -> u32 {
        self.0.data.estimated_minutes
    }
    async fn xapi_activity_id(&self) -> Option<String> {
        self.0
            .data
            .xapi_activity_id
            .as_ref()
            .map(ToString::to_string)
    }
    async fn archived(&self) -> bool {
        self.0.data.archived
    }
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    async fn skills(&self, ctx: &Context<'_>) -> Result<Vec<SkillNode>> {
        let loader = ctx.data::<DataLoader<SkillLoader>>()?;
        let found = loader.load_many(self.0.data.skills.iter().copied()).await?;
        Ok(self
            .0
            .data
            .skills
            .iter()
            .filter_map(|s| found.get(s).cloned())
            .collect())
    }
}

/// A filter's code (`online`, `beginner`, ...), refused as an invalid query argument.
fn code<T>(v: Option<&str>, parse: fn(&str) -> Result<T, FieldError>) -> Result<Option<T>> {
    v.map(parse)
        .transpose()
        .map_err(ApiError::InvalidQuery)
        .gql()
}

#[derive(InputObject, Default)]
pub struct CourseFilterInput {
    /// Case-insensitive text in the code, title or description.
    q: Option<String>,
    skill_id: Option<ID>,
    provider: Option<String>,
    modality: Option<String>,
    level: Option<String>,
    include_archived: Option<bool>,
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// The skills taxonomy (a flat list; follow `parentId`).
    #[graphql(complexity = "super::limits::list(super::limits::SKILLS, child_complexity)")]
    async fn skills(&self, ctx: &Context<'_>) -> Result<Vec<SkillNode>> {
        let skills = svc::list_skills(service_ctx(ctx)?).await.gql()?;
        Ok(skills.into_iter().map(SkillNode::from).collect())
    }

    async fn course(&self, ctx: &Context<'_>, id: ID) -> Result<CourseNode> {
        let id = parse_id(&id, "course")?;
        Ok(CourseNode(
            svc::get_course(service_ctx(ctx)?, id).await.gql()?,
        ))
    }

    /// Search and filter the catalog (Relay connection, `first` up to 200).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn courses(
        &self,
        ctx: &Context<'_>,
        filter: Option<CourseFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, CourseNode>> {
        let f = filter.unwrap_or_default();
        let query = ListCourses {
            text: f.q,
            skill: f
                .skill_id
                .as_ref()
                .map(|i| parse_id(i, "skill"))
                .transpose()?,
            provider: code(f.provider.as_deref(), Provider::parse)?,
            modality: code(f.modality.as_deref(), Modality::parse)?,
            level: code(f.level.as_deref(), CourseLevel::parse)?,
            include_archived: f.include_archived.unwrap_or(false),
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after: after.clone(),
        };
        let page = svc::list_courses(service_ctx(ctx)?, query).await.gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .into_iter()
                .map(|c| Edge::new(encode_cursor(c.id), CourseNode(c))),
        );
        Ok(conn)
    }
}
