//! sea-orm entities of the org context. Private to persistence.

pub mod employee {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "employees")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub external_id: Option<String>,
        pub employee_number: Option<String>,
        pub email: String,
        pub given_name: String,
        pub family_name: String,
        pub job_title: Option<String>,
        pub job_level: i16,
        pub org_unit_id: Option<String>,
        pub manager_id: Option<String>,
        pub employment_type: String,
        pub status: String,
        pub hire_date: Option<Date>,
        pub leave_start_date: Option<Date>,
        pub leave_end_date: Option<Date>,
        pub termination_date: Option<Date>,
        pub contracted_centihours: i32,
        pub location: Option<String>,
        pub content_hash: String,
        /// SHA-1 (hex) of `mailto:<email>`: how xAPI statements may name the person
        /// (`mbox_sha1sum`).
        pub email_sha1: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod org_unit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_units")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub external_id: Option<String>,
        pub name: String,
        pub kind: String,
        pub parent_id: Option<String>,
        pub manager_id: Option<String>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sync_run {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "hris_sync_runs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub actor: String,
        pub request_id: Option<String>,
        pub started_at: DateTimeUtc,
        pub finished_at: DateTimeUtc,
        pub deactivate_missing: bool,
        pub total: i32,
        pub created: i32,
        pub updated: i32,
        pub unchanged: i32,
        pub failed: i32,
        pub deactivated: i32,
        #[sea_orm(column_type = "Text")]
        pub errors: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod reconcile_run {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "hris_reconcile_runs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub actor: String,
        pub mode: String,
        pub state: String,
        pub opened_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub pages: i32,
        pub records: i64,
        pub committed_at: Option<DateTimeUtc>,
        pub sync_run_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod reconcile_page {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "hris_reconcile_pages")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub run_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub page: i32,
        pub record_count: i32,
        #[sea_orm(column_type = "Text")]
        pub records: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
