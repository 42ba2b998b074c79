//! Bulk sync of the org-unit tree by HRIS id, decided without IO.
//!
//! Per record, in this order (the first problem found is the one reported):
//! 1. the external id is present and not already in the batch;
//! 2. the name and kind parse; the head (`manager_external_id`) is a stored employee;
//! 3. the parent (`parent_external_id`: the batch first, then the directory) exists, resolved in
//!    a second pass, so a parent may come after its children;
//! 4. the parent links, applied in batch order over the stored tree, make no loop; and a unit
//!    whose parent is a new unit refused in this batch is refused too.

use super::{RecordError, RecordOutcome, SyncCounts};
use crate::error::Code;
use crate::ids::{EmployeeId, OrgUnitId};
use crate::org::{non_blank, ExternalId, Label, OrgUnit};
use crate::FieldError;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One org unit as the HRIS sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFields {
    pub external_id: Option<String>,
    pub name: Option<String>,
    /// e.g. division, department, team (default "unit").
    pub kind: Option<String>,
    /// The parent's HRIS id; none for a root.
    pub parent_external_id: Option<String>,
    /// The head's HRIS id (an employee already synced).
    pub manager_external_id: Option<String>,
}

/// What the directory holds for a unit batch.
#[derive(Debug, Clone, Default)]
pub struct UnitKnown {
    /// The whole stored tree.
    pub units: Vec<OrgUnit>,
    /// Employees by HRIS id, for the heads the batch names.
    pub people: HashMap<String, EmployeeId>,
}

/// Why one unit record was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitRejection {
    MissingExternalId,
    DuplicateInBatch {
        first: usize,
    },
    Invalid(Vec<FieldError>),
    UnknownManager,
    UnknownParent,
    /// The parent is a new unit whose own record was refused in this batch.
    ParentRejected,
    /// The parent is this unit or one below it.
    TreeLoop,
}

impl UnitRejection {
    pub fn code(&self) -> Code {
        match self {
            Self::MissingExternalId | Self::Invalid(_) | Self::TreeLoop => Code::ValidationFailed,
            Self::DuplicateInBatch { .. } => Code::DuplicateInBatch,
            Self::UnknownManager => Code::UnknownManager,
            Self::UnknownParent | Self::ParentRejected => Code::UnknownOrgUnit,
        }
    }

    pub fn field(&self) -> Option<&str> {
        Some(match self {
            Self::MissingExternalId | Self::DuplicateInBatch { .. } => "external_id",
            Self::Invalid(errors) => return errors.first().map(|e| e.field.as_str()),
            Self::UnknownManager => "manager_external_id",
            Self::UnknownParent | Self::ParentRejected | Self::TreeLoop => "parent_external_id",
        })
    }

    pub fn to_error(&self, index: usize, external_id: Option<&str>) -> RecordError {
        RecordError {
            index,
            external_id: external_id.map(str::to_owned),
            code: self.code(),
            field: self.field().map(str::to_owned),
            message: self.to_string(),
        }
    }
}

impl fmt::Display for UnitRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingExternalId => f.write_str("is required for HRIS sync"),
            Self::DuplicateInBatch { first } => write!(f, "also in record {first}"),
            Self::Invalid(errors) => {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&all.join("; "))
            }
            Self::UnknownManager => f.write_str("no employee has this external id"),
            Self::UnknownParent => f.write_str("no org unit has this external id"),
            Self::ParentRejected => {
                f.write_str("the parent's own record was rejected in this batch")
            }
            Self::TreeLoop => f.write_str("is this unit or one below it; the tree would loop"),
        }
    }
}

/// What the sync does with one unit record.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitDecision {
    Create(OrgUnit),
    Update(OrgUnit),
    Unchanged(OrgUnitId),
    Reject(UnitRejection),
}

impl UnitDecision {
    pub fn outcome(&self) -> RecordOutcome {
        match self {
            Self::Create(_) => RecordOutcome::Created,
            Self::Update(_) => RecordOutcome::Updated,
            Self::Unchanged(_) => RecordOutcome::Unchanged,
            Self::Reject(_) => RecordOutcome::Error,
        }
    }

    pub fn unit_id(&self) -> Option<OrgUnitId> {
        match self {
            Self::Create(u) | Self::Update(u) => Some(u.id),
            Self::Unchanged(id) => Some(*id),
            Self::Reject(_) => None,
        }
    }
}

/// One record and what happens to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedUnit {
    pub index: usize,
    pub external_id: Option<String>,
    pub decision: UnitDecision,
}

/// Everything a unit sync writes, in batch order.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPlan {
    pub records: Vec<PlannedUnit>,
}

impl UnitPlan {
    /// The units to insert, every parent before its children (the tree's foreign key).
    pub fn creates(&self) -> Vec<&OrgUnit> {
        let mut pending: Vec<&OrgUnit> = self
            .records
            .iter()
            .filter_map(|r| match &r.decision {
                UnitDecision::Create(u) => Some(u),
                _ => None,
            })
            .collect();
        let mut out = Vec::with_capacity(pending.len());
        while !pending.is_empty() {
            let waiting: HashSet<OrgUnitId> = pending.iter().map(|u| u.id).collect();
            let (ready, rest): (Vec<&OrgUnit>, Vec<&OrgUnit>) = pending
                .into_iter()
                .partition(|u| u.parent_id.is_none_or(|p| !waiting.contains(&p)));
            if ready.is_empty() {
                // Unreachable: loops are refused by the plan. Keep what is left rather than spin.
                out.extend(rest);
                break;
            }
            out.extend(ready);
            pending = rest;
        }
        out
    }

    pub fn updates(&self) -> impl Iterator<Item = &OrgUnit> {
        self.records.iter().filter_map(|r| match &r.decision {
            UnitDecision::Update(u) => Some(u),
            _ => None,
        })
    }

    pub fn errors(&self) -> Vec<RecordError> {
        self.records
            .iter()
            .filter_map(|r| match &r.decision {
                UnitDecision::Reject(why) => Some(why.to_error(r.index, r.external_id.as_deref())),
                _ => None,
            })
            .collect()
    }

    pub fn counts(&self) -> SyncCounts {
        let mut counts = SyncCounts {
            total: u32::try_from(self.records.len()).unwrap_or(u32::MAX),
            ..SyncCounts::default()
        };
        for r in &self.records {
            counts.add(r.decision.outcome());
        }
        counts
    }

    pub fn writes_anything(&self) -> bool {
        self.records.iter().any(|r| {
            matches!(
                r.decision,
                UnitDecision::Create(_) | UnitDecision::Update(_)
            )
        })
    }
}

#[derive(Debug, Clone)]
struct Pending {
    unit: OrgUnit,
    existing: Option<OrgUnit>,
    parent_key: Option<String>,
}

#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every slot is pending; boxing would allocate once per record for nothing"
)]
enum Slot {
    Pending(Pending),
    Refused {
        why: UnitRejection,
        /// The id a refused new unit would have had (nothing may hang below it).
        lost: Option<OrgUnitId>,
    },
}

impl Slot {
    fn refuse(&mut self, why: UnitRejection) {
        if let Slot::Pending(p) = self {
            let lost = p.existing.is_none().then_some(p.unit.id);
            *self = Slot::Refused { why, lost };
        }
    }
}

/// The plan of a unit batch against what the directory holds. New units get their id from
/// `new_id`, in batch order.
pub fn plan_units(
    records: &[UnitFields],
    known: &UnitKnown,
    mut new_id: impl FnMut() -> OrgUnitId,
) -> UnitPlan {
    let stored: HashMap<&str, &OrgUnit> = known
        .units
        .iter()
        .filter_map(|u| Some((u.external_id.as_ref()?.as_str(), u)))
        .collect();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    let mut slots: Vec<Slot> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let refused = |why| Slot::Refused { why, lost: None };
            let Some(ext) = non_blank(&r.external_id) else {
                return refused(UnitRejection::MissingExternalId);
            };
            if let Some(first) = first_seen.get(ext) {
                return refused(UnitRejection::DuplicateInBatch { first: *first });
            }
            first_seen.insert(ext, i);
            parse_unit(r, ext, stored.get(ext).copied(), known, &mut new_id)
        })
        .collect();
    resolve_parents(&mut slots, &stored);
    loop {
        refuse_loops(&mut slots, &known.units);
        if !refuse_orphans(&mut slots) {
            break;
        }
    }
    let records = slots
        .into_iter()
        .zip(records)
        .enumerate()
        .map(|(index, (slot, r))| PlannedUnit {
            index,
            external_id: non_blank(&r.external_id).map(str::to_owned),
            decision: match slot {
                Slot::Refused { why, .. } => UnitDecision::Reject(why),
                Slot::Pending(Pending {
                    unit,
                    existing: None,
                    ..
                }) => UnitDecision::Create(unit),
                Slot::Pending(Pending {
                    unit,
                    existing: Some(e),
                    ..
                }) => {
                    if unit == e {
                        UnitDecision::Unchanged(e.id)
                    } else {
                        UnitDecision::Update(e.revised(unit))
                    }
                }
            },
        })
        .collect();
    UnitPlan { records }
}

/// Step 2 for one record.
fn parse_unit(
    r: &UnitFields,
    ext: &str,
    existing: Option<&OrgUnit>,
    known: &UnitKnown,
    new_id: &mut impl FnMut() -> OrgUnitId,
) -> Slot {
    let mut errors = Vec::new();
    let external_id = ExternalId::parse(ext)
        .map_err(|e| errors.push(FieldError::new("external_id", e.message)))
        .ok();
    let name = match non_blank(&r.name) {
        None => {
            errors.push(FieldError::new("name", "is required"));
            None
        }
        Some(n) => Label::parse(n)
            .map_err(|e| errors.push(FieldError::new("name", e.message)))
            .ok(),
    };
    let kind = Label::parse(non_blank(&r.kind).unwrap_or("unit"))
        .map_err(|e| errors.push(FieldError::new("kind", e.message)))
        .ok();
    let (Some(external_id), Some(name), Some(kind), true) =
        (external_id, name, kind, errors.is_empty())
    else {
        return Slot::Refused {
            why: UnitRejection::Invalid(errors),
            lost: None,
        };
    };
    let manager_id = match non_blank(&r.manager_external_id) {
        None => None,
        Some(key) => match known.people.get(key) {
            Some(id) => Some(*id),
            None => {
                return Slot::Refused {
                    why: UnitRejection::UnknownManager,
                    lost: None,
                }
            }
        },
    };
    let unit = OrgUnit {
        id: existing.map_or_else(&mut *new_id, |e| e.id),
        external_id: Some(external_id),
        name,
        kind,
        parent_id: None,
        manager_id,
        version: existing.map_or(crate::org::FIRST_VERSION, |e| e.version),
    };
    Slot::Pending(Pending {
        unit,
        existing: existing.cloned(),
        parent_key: non_blank(&r.parent_external_id).map(str::to_owned),
    })
}

/// Step 3: each parent, the batch first, then the directory.
fn resolve_parents(slots: &mut [Slot], stored: &HashMap<&str, &OrgUnit>) {
    let in_batch: HashMap<String, OrgUnitId> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Pending(p) => Some((p.unit.external_id.as_ref()?.to_string(), p.unit.id)),
            Slot::Refused { .. } => None,
        })
        .collect();
    for slot in slots.iter_mut() {
        let Slot::Pending(p) = slot else { continue };
        let Some(key) = p.parent_key.as_deref() else {
            continue;
        };
        match in_batch
            .get(key)
            .copied()
            .or_else(|| stored.get(key).map(|u| u.id))
        {
            Some(parent) => p.unit.parent_id = Some(parent),
            None => slot.refuse(UnitRejection::UnknownParent),
        }
    }
}

/// Step 4, first half: the links in batch order over the stored tree; a link that makes a unit
/// its own ancestor is refused (the unit then keeps its stored parent).
fn refuse_loops(slots: &mut [Slot], tree: &[OrgUnit]) {
    let mut parents: HashMap<OrgUnitId, Option<OrgUnitId>> =
        tree.iter().map(|u| (u.id, u.parent_id)).collect();
    for slot in slots.iter_mut() {
        let Slot::Pending(p) = slot else { continue };
        let id = p.unit.id;
        if p.unit
            .parent_id
            .is_some_and(|parent| reaches(&parents, parent, id))
        {
            slot.refuse(UnitRejection::TreeLoop);
        } else {
            parents.insert(id, p.unit.parent_id);
        }
    }
}

/// Does walking up from `from` reach `target` (or start at it)?
fn reaches(
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    from: OrgUnitId,
    target: OrgUnitId,
) -> bool {
    let mut at = from;
    // Bounded: a stored tree never loops, but a walk longer than the tree would mean it does.
    for _ in 0..=parents.len() {
        if at == target {
            return true;
        }
        match parents.get(&at).copied().flatten() {
            None => return false,
            Some(up) => at = up,
        }
    }
    true
}

/// Step 4, second half: refuse every unit whose parent is a new unit refused in this batch.
/// True when any was refused.
fn refuse_orphans(slots: &mut [Slot]) -> bool {
    let lost: HashSet<OrgUnitId> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Refused { lost, .. } => *lost,
            Slot::Pending(_) => None,
        })
        .collect();
    let mut any = false;
    for slot in slots.iter_mut() {
        let Slot::Pending(p) = slot else { continue };
        if p.unit
            .parent_id
            .is_some_and(|parent| lost.contains(&parent))
        {
            slot.refuse(UnitRejection::ParentRejected);
            any = true;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(ext: &str, parent: Option<&str>) -> UnitFields {
        UnitFields {
            external_id: Some(ext.into()),
            name: Some(format!("Unit {ext}")),
            parent_external_id: parent.map(Into::into),
            ..UnitFields::default()
        }
    }

    fn ids() -> impl FnMut() -> OrgUnitId {
        let mut n = 0u128;
        move || {
            n += 1;
            OrgUnitId::from_uuid(uuid::Uuid::from_u128(n))
        }
    }

    fn outcomes(plan: &UnitPlan) -> Vec<RecordOutcome> {
        plan.records.iter().map(|r| r.decision.outcome()).collect()
    }

    #[test]
    fn children_may_come_before_their_parents_and_are_inserted_after_them() {
        let batch = [rec("T", Some("D")), rec("D", Some("R")), rec("R", None)];
        let plan = plan_units(&batch, &UnitKnown::default(), ids());
        assert_eq!(outcomes(&plan), [RecordOutcome::Created; 3]);
        let order: Vec<&str> = plan.creates().iter().map(|u| u.name.as_str()).collect();
        assert_eq!(order, ["Unit R", "Unit D", "Unit T"]);
    }

    #[test]
    fn a_replay_is_unchanged_and_a_move_is_an_update() {
        let first = plan_units(
            &[rec("A", None), rec("B", Some("A"))],
            &UnitKnown::default(),
            ids(),
        );
        let known = UnitKnown {
            units: first.creates().into_iter().cloned().collect(),
            ..UnitKnown::default()
        };
        let replay = plan_units(&[rec("A", None), rec("B", Some("A"))], &known, ids());
        assert_eq!(outcomes(&replay), [RecordOutcome::Unchanged; 2]);
        let moved = plan_units(&[rec("A", Some("B"))], &known, ids());
        assert!(matches!(
            &moved.records[0].decision,
            UnitDecision::Reject(UnitRejection::TreeLoop)
        ));
        let renamed = plan_units(
            &[UnitFields {
                name: Some("Sales".into()),
                ..rec("B", None)
            }],
            &known,
            ids(),
        );
        let UnitDecision::Update(b) = &renamed.records[0].decision else {
            panic!("{renamed:?}")
        };
        assert_eq!(
            (b.name.as_str(), b.parent_id, b.version),
            ("Sales", None, 2)
        );
    }

    #[test]
    fn refusals_carry_their_field_and_reach_the_children_of_a_refused_unit() {
        let batch = [
            UnitFields {
                name: None,
                ..rec("X", None)
            },
            rec("Y", Some("X")),
            rec("Z", Some("NOPE")),
            rec("Y", None),
            UnitFields {
                manager_external_id: Some("E-404".into()),
                ..rec("M", None)
            },
            rec("L1", Some("L2")),
            rec("L2", Some("L1")),
        ];
        let plan = plan_units(&batch, &UnitKnown::default(), ids());
        let errors = plan.errors();
        let codes: Vec<(Code, Option<&str>)> = errors
            .iter()
            .map(|e| (e.code, e.field.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                (Code::ValidationFailed, Some("name")),
                (Code::UnknownOrgUnit, Some("parent_external_id")),
                (Code::UnknownOrgUnit, Some("parent_external_id")),
                (Code::DuplicateInBatch, Some("external_id")),
                (Code::UnknownManager, Some("manager_external_id")),
                (Code::UnknownOrgUnit, Some("parent_external_id")),
                (Code::ValidationFailed, Some("parent_external_id")),
            ]
        );
        assert_eq!(errors[0].index, 0);
        assert_eq!(
            errors[1].message, "no org unit has this external id",
            "X never existed"
        );
    }
}
