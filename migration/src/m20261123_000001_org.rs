//! The organisation directory, HRIS sync runs and the audit log.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_org"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum OrgUnits {
    Table,
    Id,
    ExternalId,
    Name,
    Kind,
    ParentId,
    ManagerId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Employees {
    Table,
    ExternalId,
    EmployeeNumber,
    Email,
    GivenName,
    FamilyName,
    JobTitle,
    JobLevel,
    OrgUnitId,
    ManagerId,
    EmploymentType,
    Status,
    HireDate,
    LeaveStartDate,
    LeaveEndDate,
    TerminationDate,
    ContractedCentihours,
    Location,
    ContentHash,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum HrisSyncRuns {
    Table,
    Actor,
    RequestId,
    StartedAt,
    FinishedAt,
    DeactivateMissing,
    Total,
    Created,
    Updated,
    Unchanged,
    Failed,
    Deactivated,
    Errors,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    OccurredAt,
    Actor,
    Action,
    ResourceType,
    ResourceId,
    RequestId,
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

fn index(
    table: impl IntoIden + Clone + 'static,
    name: &str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrgUnits::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(OrgUnits::ExternalId)
                            .string_len(128)
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(OrgUnits::Name).string_len(200).not_null())
                    .col(ColumnDef::new(OrgUnits::Kind).string_len(200).not_null())
                    .col(ColumnDef::new(OrgUnits::ParentId).string_len(36).null())
                    .col(ColumnDef::new(OrgUnits::ManagerId).string_len(36).null())
                    .col(ColumnDef::new(OrgUnits::Version).big_integer().not_null())
                    .col(
                        ColumnDef::new(OrgUnits::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrgUnits::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgUnits::Table, OrgUnits::ParentId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                OrgUnits::Table,
                "ix_org_units_parent",
                &["parent_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Employees::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Employees::ExternalId)
                            .string_len(128)
                            .null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Employees::EmployeeNumber)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Employees::Email)
                            .string_len(254)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Employees::GivenName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Employees::FamilyName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Employees::JobTitle).string_len(200).null())
                    .col(
                        ColumnDef::new(Employees::JobLevel)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Employees::OrgUnitId).string_len(36).null())
                    // No foreign key: employees are never deleted, and the service checks that a
                    // manager exists (and closes no cycle) before linking. The per-row check cost
                    // PostgreSQL a third of a bulk HRIS load.
                    .col(ColumnDef::new(Employees::ManagerId).string_len(36).null())
                    .col(
                        ColumnDef::new(Employees::EmploymentType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Employees::Status).string_len(32).not_null())
                    .col(ColumnDef::new(Employees::HireDate).date().null())
                    .col(ColumnDef::new(Employees::LeaveStartDate).date().null())
                    .col(ColumnDef::new(Employees::LeaveEndDate).date().null())
                    .col(ColumnDef::new(Employees::TerminationDate).date().null())
                    .col(
                        ColumnDef::new(Employees::ContractedCentihours)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Employees::Location).string_len(200).null())
                    // A fingerprint of the HRIS-managed fields: a sync compares it instead of
                    // loading and parsing every stored record.
                    .col(
                        ColumnDef::new(Employees::ContentHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Employees::Version).big_integer().not_null())
                    .col(
                        ColumnDef::new(Employees::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Employees::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Employees::Table, Employees::OrgUnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_employees_manager", &["manager_id"][..]),
            ("ix_employees_org_unit", &["org_unit_id", "id"][..]),
            ("ix_employees_status", &["status", "id"][..]),
        ] {
            manager
                .create_index(index(Employees::Table, name, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(HrisSyncRuns::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(HrisSyncRuns::Actor)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(HrisSyncRuns::RequestId)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(HrisSyncRuns::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(HrisSyncRuns::FinishedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(HrisSyncRuns::DeactivateMissing)
                            .boolean()
                            .not_null(),
                    )
                    .col(ColumnDef::new(HrisSyncRuns::Total).integer().not_null())
                    .col(ColumnDef::new(HrisSyncRuns::Created).integer().not_null())
                    .col(ColumnDef::new(HrisSyncRuns::Updated).integer().not_null())
                    .col(ColumnDef::new(HrisSyncRuns::Unchanged).integer().not_null())
                    .col(ColumnDef::new(HrisSyncRuns::Failed).integer().not_null())
                    .col(
                        ColumnDef::new(HrisSyncRuns::Deactivated)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(HrisSyncRuns::Errors).text().not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(AuditEvents::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::Actor)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::Action)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ResourceType)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ResourceId)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::RequestId)
                            .string_len(200)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                AuditEvents::Table,
                "ix_audit_resource",
                &["resource_type", "resource_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_events", "hris_sync_runs", "employees", "org_units"] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
