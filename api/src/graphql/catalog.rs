use super::types::{
    absent_is_none, connection, found, nullable, payload, wire_enum, Counted, Enum, TotalCount,
};
use super::{parse_id, service_ctx};
use crate::error::Gql;
use crate::services::catalog::{self as svc, ListCourses, UpdateCourse};
use crate::services::encode_cursor;
use crate::services::Ctx;
use async_graphql::connection::{Connection, Edge};
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use learnwell_domain::catalog::{
    Course, CourseChanges, CourseFields, CourseLevel, Modality, Provider, Skill, SkillFields,
};
use learnwell_domain::ids::SkillId;
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

wire_enum!(
    Provider,
    "CourseProvider",
    "Who runs a course: INTERNAL or EXTERNAL."
);
wire_enum!(
    Modality,
    "CourseModality",
    "How a course is taken: ONLINE, CLASSROOM, BLENDED, SELF_PACED or ON_THE_JOB."
);
wire_enum!(
    CourseLevel,
    "CourseLevel",
    "A course's level: BEGINNER, INTERMEDIATE or ADVANCED."
);

/// A skill of the taxonomy.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Skill")]
pub struct SkillNode {
    /// The skill's id.
    id: ID,
    /// The skill's name, unique in the taxonomy.
    name: String,
    /// The broader skill this one belongs to.
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

/// The skill `id` through the request's loader (`None`: no such skill).
pub(crate) async fn skill_node(ctx: &Context<'_>, id: SkillId) -> Result<Option<SkillNode>> {
    ctx.data::<DataLoader<SkillLoader>>()?.load_one(id).await
}

/// A course of the catalog.
pub struct CourseNode(pub Course);

impl From<Course> for CourseNode {
    fn from(c: Course) -> Self {
        Self(c)
    }
}

/// A course of the catalog: what it teaches, how it is taken, how long it takes.
#[Object(name = "Course")]
impl CourseNode {
    /// The course's id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique, stored upper-case.
    async fn code(&self) -> String {
        self.0.data.code.to_string()
    }
    /// The course's title.
    async fn title(&self) -> String {
        self.0.data.title.to_string()
    }
    /// What the course is about; null when it has no description.
    async fn description(&self) -> Option<String> {
        self.0.data.description.as_ref().map(ToString::to_string)
    }
    /// Who runs it.
    async fn provider(&self) -> Enum<Provider> {
        Enum(self.0.data.provider)
    }
    /// How it is taken.
    async fn modality(&self) -> Enum<Modality> {
        Enum(self.0.data.modality)
    }
    /// How advanced it is; null when no level is set.
    async fn level(&self) -> Option<Enum<CourseLevel>> {
        self.0.data.level.map(Enum)
    }
    /// How long the course takes, in minutes.
    async fn estimated_minutes(&self) -> u32 {
        self.0.data.estimated_minutes
    }
    /// Send it back to `updateCourse`.
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// When the course was added to the catalog.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the course last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The xAPI activity IRI whose completion completes this course.
    async fn xapi_activity_id(&self) -> Option<String> {
        self.0
            .data
            .xapi_activity_id
            .as_ref()
            .map(ToString::to_string)
    }
    /// A retired course: kept for history, no longer offered.
    async fn archived(&self) -> bool {
        self.0.data.archived
    }
    /// The skills it teaches; empty when none are named.
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

/// Which courses to list.
#[derive(InputObject, Default)]
pub struct CourseFilterInput {
    /// Case-insensitive text in the code, title or description.
    q: Option<String>,
    /// Courses that teach this skill.
    skill_id: Option<ID>,
    /// Courses run by this provider.
    provider: Option<Enum<Provider>>,
    /// Courses taken this way.
    modality: Option<Enum<Modality>>,
    /// Courses of this level (a course without a level matches no level).
    level: Option<Enum<CourseLevel>>,
    /// Include archived courses (default false).
    include_archived: Option<bool>,
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// The skills taxonomy (a flat list by name; follow `parentId`), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, SkillNode>> {
        let first = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_skills(service_ctx(ctx)?, first, after.as_deref())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            svc::skill_cursor,
            SkillNode::from,
        ))
    }

    /// A course by id: null when there is no such course.
    async fn course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course's id; an id that names no course answers null.")] id: ID,
    ) -> Result<Option<CourseNode>> {
        let Ok(id) = id.parse() else {
            return Ok(None);
        };
        let found = absent_is_none(svc::get_course(service_ctx(ctx)?, id).await);
        Ok(nullable(ctx, found.gql()).flatten().map(CourseNode))
    }

    /// Search and filter the catalog (Relay connection, `first` up to 200).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; absent: every course still offered.")] filter: Option<
            CourseFilterInput,
        >,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Counted<CourseNode>> {
        let f = filter.unwrap_or_default();
        let query = ListCourses {
            text: f.q,
            skill: f
                .skill_id
                .as_ref()
                .map(|i| parse_id(i, "skill"))
                .transpose()?,
            provider: f.provider.map(|e| e.0),
            modality: f.modality.map(|e| e.0),
            level: f.level.map(|e| e.0),
            include_archived: f.include_archived.unwrap_or(false),
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after: after.clone(),
        };
        let page = svc::list_courses(service_ctx(ctx)?, query.clone())
            .await
            .gql()?;
        let total = TotalCount::new(move |ctx| {
            let query = query.clone();
            async move { svc::count_courses(&ctx, &query).await }
        });
        let mut conn =
            Connection::with_additional_fields(after.is_some(), page.next_cursor.is_some(), total);
        conn.edges.extend(
            page.items
                .into_iter()
                .map(|c| Edge::new(encode_cursor(c.id), CourseNode(c))),
        );
        Ok(conn)
    }
}

payload!(
    /// The answer of `createSkill`.
    SkillPayload,
    skill: SkillNode
);
payload!(
    /// The answer of the course mutations.
    CoursePayload,
    course: CourseNode
);

/// A new skill.
#[derive(InputObject)]
pub struct CreateSkillInput {
    /// The skill's name, 1-200 characters, unique in the taxonomy.
    name: String,
    /// The broader skill this one belongs to.
    parent_id: Option<ID>,
}

/// A new course.
#[derive(InputObject)]
pub struct CreateCourseInput {
    /// Unique, 1-40 letters, digits, `-`, `_`, `.`; stored upper-case.
    code: String,
    /// The course's title, 1-200 characters.
    title: String,
    /// What the course is about, 1-10,000 characters.
    description: Option<String>,
    /// Default INTERNAL.
    provider: Option<Enum<Provider>>,
    /// Default ONLINE.
    modality: Option<Enum<Modality>>,
    /// How advanced it is; absent: no level.
    level: Option<Enum<CourseLevel>>,
    /// How long the course takes, in minutes: 1-100,000.
    estimated_minutes: i32,
    /// The xAPI activity IRI whose completion completes this course.
    xapi_activity_id: Option<String>,
    /// The skills it teaches, each a skill of the taxonomy (default none).
    #[graphql(default)]
    skill_ids: Vec<ID>,
}

/// A course's fields to change: absent fields stay; `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateCourseInput {
    /// Unique, 1-40 letters, digits, `-`, `_`, `.`; stored upper-case.
    code: Option<String>,
    /// The course's title, 1-200 characters.
    title: Option<String>,
    /// What the course is about, 1-10,000 characters; null clears it.
    description: MaybeUndefined<String>,
    /// Who runs it.
    provider: Option<Enum<Provider>>,
    /// How it is taken.
    modality: Option<Enum<Modality>>,
    /// How advanced it is; null clears it.
    level: MaybeUndefined<Enum<CourseLevel>>,
    /// How long the course takes, in minutes: 1-100,000.
    estimated_minutes: Option<i32>,
    /// The xAPI activity IRI whose completion completes this course; null clears it.
    xapi_activity_id: MaybeUndefined<String>,
    /// The whole new list.
    skill_ids: Option<Vec<ID>>,
    /// True retires the course.
    archived: Option<bool>,
}

fn ids(ids: Vec<ID>) -> Vec<String> {
    ids.into_iter().map(|i| i.0).collect()
}

/// Absent: unchanged (`None`); null: cleared (`Some(None)`).
pub(crate) fn change<T, U>(v: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(f(v))),
    }
}

impl From<CreateCourseInput> for CourseFields {
    fn from(i: CreateCourseInput) -> Self {
        Self {
            code: Some(i.code),
            title: Some(i.title),
            description: i.description,
            provider: i.provider.map(Enum::wire),
            modality: i.modality.map(Enum::wire),
            level: i.level.map(Enum::wire),
            estimated_minutes: Some(i64::from(i.estimated_minutes)),
            xapi_activity_id: i.xapi_activity_id,
            skill_ids: Some(ids(i.skill_ids)),
            archived: None,
        }
    }
}

impl From<UpdateCourseInput> for CourseChanges {
    fn from(i: UpdateCourseInput) -> Self {
        Self {
            code: i.code,
            title: i.title,
            description: change(i.description, |d| d),
            provider: i.provider.map(Enum::wire),
            modality: i.modality.map(Enum::wire),
            level: change(i.level, Enum::wire),
            estimated_minutes: i.estimated_minutes.map(i64::from),
            xapi_activity_id: change(i.xapi_activity_id, |x| x),
            skill_ids: i.skill_ids.map(ids),
            archived: i.archived,
        }
    }
}

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Add a skill (ld_admin).
    async fn create_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new skill.")] input: CreateSkillInput,
    ) -> Result<SkillPayload> {
        let fields = SkillFields {
            name: Some(input.name),
            parent_id: input.parent_id.map(|p| p.0),
        };
        SkillPayload::from_result(svc::create_skill(service_ctx(ctx)?, fields).await)
    }
    /// Add a course (ld_admin).
    async fn create_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new course.")] input: CreateCourseInput,
    ) -> Result<CoursePayload> {
        CoursePayload::from_result(svc::create_course(service_ctx(ctx)?, input.into()).await)
    }
    /// Change a course read at `version` (ld_admin); `archived: true` retires it.
    async fn update_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course to change.")] id: ID,
        #[graphql(desc = "The `version` as read; a newer one stored answers `version_mismatch`.")]
        version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateCourseInput,
    ) -> Result<CoursePayload> {
        let c = service_ctx(ctx)?;
        CoursePayload::from_result(
            async {
                let cmd = UpdateCourse {
                    id: found(&id, "course")?,
                    if_match: Some(version),
                    changes: input.into(),
                };
                svc::update_course(c, cmd).await
            }
            .await,
        )
    }
}
