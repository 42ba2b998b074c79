//! Referrals, the read-only export for the HR file (never an advisor note), caseload reports,
//! which support role fits a need, and the re-sealing of advisor notes under the newest key.

use super::check_ins::{keys_unavailable, open_note};
use super::{allowed, audit_read, list_check_ins, view, CheckInView, EngagementView};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page, Services};
use learnwell_domain::access::advising::{may_read_caseload, sees_all_engagements, Action};
use learnwell_domain::advising::{
    caseloads, outcomes_by_unit as outcomes, parse_referral, support_fit as fit, Caseload,
    HistoryEntry, Referral, SupportFit,
};
use learnwell_domain::ids::{EmployeeId, EngagementId, OrgUnitId, ReferralId};
use learnwell_domain::learning_time::Place;
use learnwell_domain::privacy::Cell;
use learnwell_domain::FieldError;
use learnwell_persistence::advising as store;
use learnwell_persistence::audit::append;

/// A referral as sent.
#[derive(Debug, Clone, Default)]
pub struct ReferralCommand {
    pub target: Option<String>,
    pub referred_on: Option<chrono::NaiveDate>,
    pub note: Option<String>,
}

/// Refer the client to a coach, a mentor or the EAP (the advisor or `hr_admin`). For the EAP
/// only the fact and the date are stored.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn refer(ctx: &Ctx, id: EngagementId, cmd: ReferralCommand) -> ApiResult<Referral> {
    allowed(ctx, id, Action::Refer).await?;
    let (target, referred_on, note) = parse_referral(
        cmd.target.as_deref(),
        cmd.referred_on,
        cmd.note.as_deref(),
        ctx.now.date_naive(),
    )?;
    let referral = Referral {
        id: ReferralId::from_uuid(uuid::Uuid::now_v7()),
        engagement_id: id,
        target,
        referred_on,
        note,
        created_at: ctx.now,
    };
    let tx = ctx.db.begin().await?;
    store::insert_referral(&tx, &referral).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "advising.referral.create",
            "advising_referral",
            referral.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(referral)
}

/// The engagement's referrals (client, advisor, `hr_admin`; never the supervisor).
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn list_referrals(ctx: &Ctx, id: EngagementId) -> ApiResult<Vec<Referral>> {
    allowed(ctx, id, Action::ReadReferrals).await?;
    Ok(store::list_referrals(&ctx.db, id).await?)
}

/// Everything of an engagement that belongs in the HR file: the plan, the state and outcome,
/// the history, the check-ins with every rating and reflection, the referrals. No advisor note.
#[derive(Debug, Clone)]
pub struct EngagementExport {
    pub engagement: EngagementView,
    pub history: Vec<HistoryEntry>,
    pub check_ins: Vec<CheckInView>,
    pub referrals: Vec<Referral>,
}

/// The export of an engagement for the HR file (`hr_admin`); audited.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn export(ctx: &Ctx, id: EngagementId) -> ApiResult<EngagementExport> {
    let (e, _) = allowed(ctx, id, Action::Export).await?;
    let history = store::list_history(&ctx.db, id).await?;
    let check_ins = list_check_ins(ctx, id).await?;
    let referrals = store::list_referrals(&ctx.db, id).await?;
    audit_read(ctx, "advising.engagement.export", id).await?;
    Ok(EngagementExport {
        engagement: view(ctx, e),
        history,
        check_ins,
        referrals,
    })
}

/// An advisor's place in the caseload list (what its cursor names): their id, or empty for the
/// engagements without an advisor.
struct AdvisorKey(Option<EmployeeId>);

impl std::str::FromStr for AdvisorKey {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        if s.is_empty() {
            return Ok(Self(None));
        }
        s.parse().map(|a| Self(Some(a))).map_err(|_| ())
    }
}

/// A page of the caseloads and outcomes per advisor, by advisor (the engagements without an
/// advisor yet first): `hr_admin` every advisor, or the one named; an advisor their own.
#[tracing::instrument(skip_all)]
pub async fn caseload(
    ctx: &Ctx,
    advisor: Option<EmployeeId>,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<Caseload>> {
    let p = &ctx.principal;
    let hr = p.has(learnwell_domain::access::Role::HrAdmin);
    let advisor = if hr {
        advisor
    } else {
        advisor.or(p.employee_id)
    };
    ensure(hr || may_read_caseload(p, advisor))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<AdvisorKey>(after)?.map(|k| k.0);
    let advisors = store::list_advisors(&ctx.db, advisor, after, limit + 1).await?;
    let page = paginate(advisors, limit, |a| {
        a.map_or(String::new(), |a| a.to_string())
    });
    let theirs = store::engagements_of_advisors(&ctx.db, &page.items).await?;
    Ok(Page {
        items: caseloads(&theirs, ctx.now.date_naive()),
        next_cursor: page.next_cursor,
    })
}

/// Outcomes for the organisation and every org unit (with its descendants), each figure through
/// the privacy engine (`privacy.min_group_size` clients at least, complementary suppression
/// across the tree): `hr_admin`, since a PIP is itself sensitive even in aggregate.
#[tracing::instrument(skip_all)]
pub async fn outcomes_by_unit(ctx: &Ctx) -> ApiResult<UnitOutcomes> {
    ensure(sees_all_engagements(&ctx.principal))?;
    let all = store::list_engagements(&ctx.db, None, None, 100_000).await?;
    let units = store::client_units(&ctx.db).await?;
    let parents = ctx.directory.unit_parent_map().await?;
    let with_units: Vec<_> = all
        .iter()
        .map(|e| (e, units.get(&e.id).copied().flatten()))
        .collect();
    let k = ctx.settings.privacy.min_group_size;
    let mut organisation = None;
    let mut units = Vec::new();
    for (place, cell) in outcomes(k, &parents, &with_units, ctx.now.date_naive()) {
        match place {
            Place::Organisation => organisation = Some(cell),
            Place::Subtree(u) | Place::Own(u) => units.push((u, cell)),
        }
    }
    let organisation = organisation
        .ok_or_else(|| ApiError::Internal("the outcomes have no organisation group".into()))?;
    Ok(UnitOutcomes {
        organisation,
        units,
    })
}

/// The outcomes of the organisation and of every org unit with its descendants (in id order).
#[derive(Debug, Clone)]
pub struct UnitOutcomes {
    pub organisation: Cell<Caseload>,
    pub units: Vec<(OrgUnitId, Cell<Caseload>)>,
}

/// Which support role fits a described need, with the reason (any person; not integrations).
pub fn support_fit(ctx: &Ctx, need: Option<&str>) -> ApiResult<SupportFit> {
    let p = &ctx.principal;
    ensure(p.is_person() && !p.leaver)?;
    let need = need.map(str::trim).unwrap_or_default();
    if need.is_empty() || need.chars().count() > 2000 {
        return Err(ApiError::InvalidQuery(FieldError::new(
            "need",
            "describe the need in 1 to 2000 characters",
        )));
    }
    Ok(fit(need))
}

/// Re-seal every advisor note sealed with an older key under the first configured key
/// (`learnwell rotate-keys`); returns how many notes were re-sealed. Old keys can be removed
/// from the configuration afterwards.
pub async fn rotate_keys(svc: &Services) -> ApiResult<u64> {
    let keys = &svc.settings.advising.note_keys;
    let active = keys
        .active_id()
        .ok_or_else(|| keys_unavailable(&super::cipher::CipherError::NoKey))?
        .to_owned();
    let mut resealed = 0;
    loop {
        let batch = store::notes_not_sealed_with(&svc.db, &active, 500).await?;
        if batch.is_empty() {
            return Ok(resealed);
        }
        let tx = svc.db.begin().await?;
        for note in &batch {
            let text = open_note(svc, note)?;
            let mut next = note.clone();
            (next.key_id, next.ciphertext) = keys
                .seal(text.expose(), &super::check_ins::note_context(note))
                .map_err(|e| keys_unavailable(&e))?;
            if store::reseal_note(&tx, note.id, &note.key_id, &next.key_id, &next.ciphertext)
                .await?
            {
                resealed += 1;
            }
        }
        tx.commit().await?;
    }
}
