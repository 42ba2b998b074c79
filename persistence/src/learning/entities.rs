//! sea-orm entities of the learning context. Private to persistence.

pub mod enrollment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "enrollments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub employee_id: String,
        pub course_id: String,
        pub origin: String,
        pub assigned_by: Option<String>,
        pub status: String,
        pub due_date: Option<Date>,
        pub completed_on: Option<Date>,
        pub score: Option<f64>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod learning_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "learning_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub employee_id: String,
        pub course_id: Option<String>,
        pub title: String,
        pub completed_on: Date,
        pub minutes: i32,
        pub score: Option<f64>,
        pub source: String,
        pub source_id: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
