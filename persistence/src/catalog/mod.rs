//! Stores of the catalog context: skills and courses (with their skills).

mod entities;

use crate::{
    from_u32, like_pattern, parse_id, to_u32, Conn, StoreError, StoreResult, Tx, LOOKUP_CHUNK,
};
use entities::{course, course_skill, skill};
use learnwell_domain::catalog::{
    ActivityId, Course, CourseCode, CourseData, CourseLevel, Description, Modality, Provider, Skill,
};
use learnwell_domain::ids::{CourseId, SkillId};
use learnwell_domain::org::Label;
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use std::collections::HashMap;

// ---- skills ----

fn to_skill(m: skill::Model) -> StoreResult<Skill> {
    Ok(Skill {
        id: parse_id(&m.id)?,
        name: Label::parse(&m.name).map_err(StoreError::corrupt)?,
        parent_id: m.parent_id.as_deref().map(parse_id).transpose()?,
        created_at: m.created_at,
    })
}

/// Every skill, by name.
/// The whole taxonomy, by name.
pub async fn list_skills(c: &impl Conn) -> StoreResult<Vec<Skill>> {
    skill::Entity::find()
        .order_by_asc(skill::Column::Name)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_skill)
        .collect()
}

/// A page of the taxonomy by name (names are unique), after the skill named `after`.
pub async fn list_skills_after(
    c: &impl Conn,
    after: Option<String>,
    limit: u64,
) -> StoreResult<Vec<Skill>> {
    crate::paging::after_key(skill::Entity::find(), skill::Column::Name, after, limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_skill)
        .collect()
}

pub async fn insert_skill(tx: &Tx, s: &Skill) -> StoreResult<()> {
    skill::Entity::insert(skill::ActiveModel {
        id: Set(s.id.to_string()),
        name: Set(s.name.as_str().to_owned()),
        parent_id: Set(s.parent_id.map(|p| p.to_string())),
        created_at: Set(s.created_at),
    })
    .exec_without_returning(tx.conn())
    .await
    .map_err(StoreError::from_write)?;
    Ok(())
}

// ---- courses ----

fn to_course(m: course::Model, skills: Vec<SkillId>) -> StoreResult<Course> {
    let c = StoreError::corrupt;
    Ok(Course {
        id: parse_id(&m.id)?,
        data: CourseData {
            code: CourseCode::parse(&m.code).map_err(c)?,
            title: Label::parse(&m.title).map_err(c)?,
            description: m
                .description
                .as_deref()
                .map(Description::parse)
                .transpose()
                .map_err(c)?,
            provider: Provider::parse(&m.provider).map_err(c)?,
            modality: Modality::parse(&m.modality).map_err(c)?,
            level: m
                .level
                .as_deref()
                .map(CourseLevel::parse)
                .transpose()
                .map_err(c)?,
            estimated_minutes: to_u32(m.estimated_minutes)?,
            xapi_activity_id: m
                .xapi_activity_id
                .as_deref()
                .map(ActivityId::parse)
                .transpose()
                .map_err(c)?,
            skills,
            archived: m.archived,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_course_row(e: &Course) -> course::ActiveModel {
    let d = &e.data;
    course::ActiveModel {
        id: Set(e.id.to_string()),
        code: Set(d.code.as_str().to_owned()),
        title: Set(d.title.as_str().to_owned()),
        description: Set(d.description.as_ref().map(|x| x.as_str().to_owned())),
        provider: Set(d.provider.code().to_owned()),
        modality: Set(d.modality.code().to_owned()),
        level: Set(d.level.map(|l| l.code().to_owned())),
        estimated_minutes: Set(from_u32(d.estimated_minutes)),
        xapi_activity_id: Set(d.xapi_activity_id.as_ref().map(|a| a.as_str().to_owned())),
        archived: Set(d.archived),
        version: Set(e.version),
        created_at: Set(e.created_at),
        updated_at: Set(e.updated_at),
    }
}

/// Courses with their skills, in the order of `rows`.
async fn with_skills(c: &impl Conn, rows: Vec<course::Model>) -> StoreResult<Vec<Course>> {
    let mut skills: HashMap<String, Vec<SkillId>> = HashMap::new();
    for chunk in rows.chunks(LOOKUP_CHUNK) {
        let links = course_skill::Entity::find()
            .filter(course_skill::Column::CourseId.is_in(chunk.iter().map(|r| r.id.clone())))
            .order_by_asc(course_skill::Column::SkillId)
            .all(c.conn())
            .await?;
        for l in links {
            skills
                .entry(l.course_id)
                .or_default()
                .push(parse_id(&l.skill_id)?);
        }
    }
    rows.into_iter()
        .map(|r| {
            let s = skills.remove(&r.id).unwrap_or_default();
            to_course(r, s)
        })
        .collect()
}

pub async fn get_course(c: &impl Conn, id: CourseId) -> StoreResult<Option<Course>> {
    Ok(courses_by_ids(c, &[id]).await?.pop())
}

/// The courses with these ids (any order; missing ids are skipped).
pub async fn courses_by_ids(c: &impl Conn, ids: &[CourseId]) -> StoreResult<Vec<Course>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        rows.extend(
            course::Entity::find()
                .filter(course::Column::Id.is_in(chunk.iter().map(ToString::to_string)))
                .all(c.conn())
                .await?,
        );
    }
    with_skills(c, rows).await
}

/// The courses whose xAPI activity id is one of `activity_ids`, by activity id.
pub async fn courses_by_activity_ids(
    c: &impl Conn,
    activity_ids: &[String],
) -> StoreResult<HashMap<String, Course>> {
    let mut rows = Vec::new();
    for chunk in activity_ids.chunks(LOOKUP_CHUNK) {
        rows.extend(
            course::Entity::find()
                .filter(course::Column::XapiActivityId.is_in(chunk.iter().cloned()))
                .all(c.conn())
                .await?,
        );
    }
    Ok(with_skills(c, rows)
        .await?
        .into_iter()
        .filter_map(|course| {
            let id = course.data.xapi_activity_id.as_ref()?.as_str().to_owned();
            Some((id, course))
        })
        .collect())
}

/// code -> course id, for the codes given (codes are stored upper-case).
pub async fn course_ids_by_codes(
    c: &impl Conn,
    codes: &[&str],
) -> StoreResult<HashMap<String, (CourseId, u32)>> {
    let mut out = HashMap::new();
    for chunk in codes.chunks(LOOKUP_CHUNK) {
        let rows = course::Entity::find()
            .filter(course::Column::Code.is_in(chunk.iter().copied()))
            .all(c.conn())
            .await?;
        for r in rows {
            out.insert(r.code, (parse_id(&r.id)?, to_u32(r.estimated_minutes)?));
        }
    }
    Ok(out)
}

/// Filters of the course list; all optional, combined with AND.
#[derive(Debug, Default, Clone)]
pub struct CourseQuery {
    /// Case-insensitive text in the code, title or description.
    pub text: Option<String>,
    pub skill_id: Option<SkillId>,
    pub provider: Option<Provider>,
    pub modality: Option<Modality>,
    pub level: Option<CourseLevel>,
    pub include_archived: bool,
}

/// How many courses match `q` (every page of it).
pub async fn count_courses(c: &impl Conn, q: &CourseQuery) -> StoreResult<u64> {
    Ok(courses_matching(c, q).await?.count(c.conn()).await?)
}

async fn courses_matching(c: &impl Conn, q: &CourseQuery) -> StoreResult<Select<course::Entity>> {
    let mut find = course::Entity::find();
    if !q.include_archived {
        find = find.filter(course::Column::Archived.eq(false));
    }
    if let Some(p) = q.provider {
        find = find.filter(course::Column::Provider.eq(p.code()));
    }
    if let Some(m) = q.modality {
        find = find.filter(course::Column::Modality.eq(m.code()));
    }
    if let Some(l) = q.level {
        find = find.filter(course::Column::Level.eq(l.code()));
    }
    if let Some(s) = q.skill_id {
        let linked: Vec<String> = course_skill::Entity::find()
            .filter(course_skill::Column::SkillId.eq(s.to_string()))
            .all(c.conn())
            .await?
            .into_iter()
            .map(|l| l.course_id)
            .collect();
        find = find.filter(course::Column::Id.is_in(linked));
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text.trim());
        let like = || LikeExpr::new(p.clone()).escape('!');
        find = find.filter(
            Expr::expr(Func::lower(Expr::col(course::Column::Title)))
                .like(like())
                .or(Expr::expr(Func::lower(Expr::col(course::Column::Code))).like(like()))
                .or(Expr::expr(Func::lower(Expr::col(course::Column::Description))).like(like())),
        );
    }
    Ok(find)
}

/// One page of courses in id order, after the cursor id.
pub async fn list_courses(
    c: &impl Conn,
    q: &CourseQuery,
    after: Option<CourseId>,
    limit: u64,
) -> StoreResult<Vec<Course>> {
    let mut find = courses_matching(c, q).await?;
    if let Some(a) = after {
        find = find.filter(course::Column::Id.gt(a.to_string()));
    }
    let rows = find
        .order_by_asc(course::Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?;
    with_skills(c, rows).await
}

async fn write_skills(tx: &Tx, course: &Course) -> StoreResult<()> {
    course_skill::Entity::delete_many()
        .filter(course_skill::Column::CourseId.eq(course.id.to_string()))
        .exec(tx.conn())
        .await?;
    if course.data.skills.is_empty() {
        return Ok(());
    }
    course_skill::Entity::insert_many(course.data.skills.iter().map(|s| {
        course_skill::ActiveModel {
            course_id: Set(course.id.to_string()),
            skill_id: Set(s.to_string()),
        }
    }))
    .exec_without_returning(tx.conn())
    .await?;
    Ok(())
}

pub async fn insert_course(tx: &Tx, e: &Course) -> StoreResult<()> {
    course::Entity::insert(to_course_row(e))
        .exec_without_returning(tx.conn())
        .await
        .map_err(StoreError::from_write)?;
    write_skills(tx, e).await
}

/// Write `e` (whose `version` is already the new one) if the stored row still has `e.version - 1`.
pub async fn update_course(tx: &Tx, e: &Course) -> StoreResult<()> {
    let result = course::Entity::update_many()
        .set(to_course_row(e))
        .filter(course::Column::Id.eq(e.id.to_string()))
        .filter(course::Column::Version.eq(e.version - 1))
        .exec(tx.conn())
        .await
        .map_err(StoreError::from_write)?;
    if result.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    write_skills(tx, e).await
}
