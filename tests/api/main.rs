//! End-to-end tests over HTTP against the real app and a real database.
#![expect(clippy::expect_used, reason = "a failed expectation is a failed test")]

mod advising;
mod auth;
mod catalog;
mod contracts;
mod demo;
mod development;
mod development_equity;
mod development_mentoring;
mod docs_queries;
mod employees;
mod enrollments;
mod graphql;
mod graphql_dashboards;
mod graphql_mutations;
mod graphql_mutations_advising;
mod graphql_mutations_development;
mod graphql_mutations_pipeline;
mod helpers;
mod hris;
mod hris_integrations;
mod integration_clients;
mod jwks;
mod layering;
mod learning_time;
mod learning_time_privacy;
mod lms_import;
mod org_units;
mod pipeline;
mod policy;
mod records;
mod scopes;
mod system;
mod wire;
mod xapi;
mod xapi_conformance;
