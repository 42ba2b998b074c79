//! The xAPI Learning Record Store, one module per use case: LRS clients and who calls `/xapi`
//! ([`clients`]), storing statements ([`statements`]), reading them ([`queries`], paged by the
//! signed tokens of [`more`]), documents ([`documents`]) and the projection of statements to
//! learning ([`projection`], with what statements produce in `outcomes`).

pub mod clients;
pub mod documents;
pub mod more;
mod outcomes;
pub mod projection;
pub mod queries;
pub mod statements;

pub use clients::{
    authenticate, create_client, list_clients, revoke_client, ClientInput, CredentialCache,
    IssuedClient, XapiCaller, AUTHORITY_HOME_PAGE,
};
pub use queries::{
    attachment_contents, get_statement, more_statements, query_statements, StatementFilter,
    StatementPage, StatementView, MAX_STATEMENTS,
};
pub use statements::{store_statements, StoreStatements};

use queries::parse_stored;
