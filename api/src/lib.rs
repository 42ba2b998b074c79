//! Learnwell's API: configuration, telemetry, the app factory, authentication, the error table,
//! the use cases (`services`) and the REST, GraphQL and xAPI adapters.

pub mod auth;
pub mod body;
pub mod config;
pub mod demo;
pub mod error;
pub mod graphql;
pub mod idempotency;
pub mod jwks;
pub mod metrics;
pub mod observe;
pub mod policy;
pub mod request_id;
pub mod rest;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod xapi;
