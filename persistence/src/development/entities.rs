//! The development context's tables (private to this crate).

pub mod policy {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pd_budget_policies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub fiscal_year: i32,
        pub job_level: i16,
        pub amount_minor: i64,
        pub currency: String,
        pub carry_over_cap_minor: i64,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod budget {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pd_budgets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub employee_id: String,
        pub fiscal_year: i32,
        pub currency: String,
        pub allocated_minor: i64,
        pub carried_in_minor: i64,
        pub reserved_minor: i64,
        pub spent_minor: i64,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod spend {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pd_spend_requests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub employee_id: String,
        pub budget_id: String,
        pub fiscal_year: i32,
        pub category: String,
        pub amount_minor: i64,
        pub currency: String,
        pub description: String,
        pub course_id: Option<String>,
        pub engagement_id: Option<String>,
        pub state: String,
        pub approvals_needed: i16,
        pub first_approved_by: Option<String>,
        pub second_approved_by: Option<String>,
        pub decided_by: Option<String>,
        pub actual_minor: Option<i64>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
