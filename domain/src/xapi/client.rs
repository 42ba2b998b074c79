//! LRS clients: the credentials an LMS sends statements with, and the settings a learning admin
//! gives a new one.

use super::LearningVerbs;
use crate::access::{Scope, LRS_SCOPES};
use crate::FieldError;
use chrono::{DateTime, Utc};
use learnwell_xapi::{is_iri, XapiVersion};

/// What a client was issued for: an LMS's statements (by a learning admin) or any integration
/// (by an HR admin). Both are one kind of credential, checked alike, in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    Lrs,
    Integration,
}

impl ClientKind {
    pub fn code(self) -> &'static str {
        match self {
            ClientKind::Lrs => "lrs",
            ClientKind::Integration => "integration",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [ClientKind::Lrs, ClientKind::Integration]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A client: HTTP Basic credentials (`api_key:secret`, the secret only as its argon2 hash) for an
/// LMS sending statements, or an integration client that gets tokens by the OAuth 2.0
/// client-credentials grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LrsClient {
    pub id: String,
    pub kind: ClientKind,
    pub name: String,
    pub api_key: String,
    pub secret_hash: String,
    /// Space-separated scope codes.
    pub scopes: String,
    /// The `account.homePage` whose `name` is an employee's external id.
    pub account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened, beside the four ADL verbs.
    pub learning_verbs: Vec<String>,
    /// The version the LRS answers in when a request names none (it is still refused).
    pub default_version: XapiVersion,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the client last got a token.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl LrsClient {
    /// The scopes the client was given.
    pub fn scope_set(&self) -> Vec<Scope> {
        self.scopes.split(' ').filter_map(Scope::parse).collect()
    }
}

/// What an HR admin gives for a new integration client, checked: a name of 1 to 200 characters
/// and at least one integration scope (repeats dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationClientSettings {
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl IntegrationClientSettings {
    pub fn parse(name: &str, scopes: &[String]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("name", "must be 1 to 200 characters"));
        }
        let mut parsed: Vec<Scope> = Vec::new();
        for s in scopes {
            match Scope::parse(s) {
                Some(scope) if !parsed.contains(&scope) => parsed.push(scope),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "scopes",
                    format!(
                        "unknown scope {s:?}; use one of: {}",
                        scope_codes(Scope::ALL)
                    ),
                )),
            }
        }
        if scopes.is_empty() {
            errors.push(FieldError::new("scopes", "give at least one scope"));
        }
        if errors.is_empty() {
            Ok(Self {
                name,
                scopes: parsed,
            })
        } else {
            Err(errors)
        }
    }
}

fn scope_codes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a token request (OAuth 2.0 client credentials, RFC 6749 section 4.4) is refused: the
/// error codes of RFC 6749 section 5.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRefusal {
    InvalidClient(String),
    InvalidRequest(String),
    UnsupportedGrantType(String),
    InvalidScope(String),
}

impl TokenRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            TokenRefusal::InvalidClient(_) => "invalid_client",
            TokenRefusal::InvalidRequest(_) => "invalid_request",
            TokenRefusal::UnsupportedGrantType(_) => "unsupported_grant_type",
            TokenRefusal::InvalidScope(_) => "invalid_scope",
        }
    }
    pub fn description(&self) -> &str {
        match self {
            TokenRefusal::InvalidClient(d)
            | TokenRefusal::InvalidRequest(d)
            | TokenRefusal::UnsupportedGrantType(d)
            | TokenRefusal::InvalidScope(d) => d,
        }
    }
}

/// The scopes a token gets: those requested (space-separated), all of which the client must
/// hold, or without a request all the client's.
pub fn granted_scopes(held: &[Scope], requested: Option<&str>) -> Result<Vec<Scope>, TokenRefusal> {
    let Some(requested) = requested.filter(|r| !r.trim().is_empty()) else {
        return Ok(held.to_vec());
    };
    let mut granted = Vec::new();
    for code in requested.split_whitespace() {
        match Scope::parse(code).filter(|s| held.contains(s)) {
            Some(s) if !granted.contains(&s) => granted.push(s),
            Some(_) => {}
            None => {
                return Err(TokenRefusal::InvalidScope(format!(
                    "{code:?} is not one of this client's scopes ({})",
                    scope_codes(held)
                )))
            }
        }
    }
    Ok(granted)
}

/// What a learning admin gives for a new LRS client, checked: a name of 1 to 200 characters, at
/// least one xAPI scope (repeats dropped), an absolute home page IRL for its accounts if any, and
/// its own learning verbs, and the xAPI version its requests default to (1.0.3 unless given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    name: String,
    scopes: Vec<Scope>,
    account_home_page: Option<String>,
    learning_verbs: LearningVerbs,
    default_version: XapiVersion,
}

impl ClientSettings {
    /// Check every field; the errors name each offending one, in the order of the fields.
    pub fn parse(
        name: &str,
        scopes: &[String],
        account_home_page: Option<&str>,
        learning_verbs: &[String],
        default_version: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("name", "must be 1 to 200 characters"));
        }
        let mut parsed: Vec<Scope> = Vec::new();
        for s in scopes {
            match Scope::parse(s).filter(|s| LRS_SCOPES.contains(s)) {
                Some(scope) if !parsed.contains(&scope) => parsed.push(scope),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "scopes",
                    format!("unknown scope {s:?}; use xapi:write, xapi:read or xapi:read:mine"),
                )),
            }
        }
        if scopes.is_empty() {
            errors.push(FieldError::new("scopes", "give at least one scope"));
        }
        let home_page = account_home_page.map(|h| h.trim().to_owned());
        if home_page.as_deref().is_some_and(|h| !is_iri(h)) {
            errors.push(FieldError::new(
                "account_home_page",
                "must be an absolute IRL such as https://lms.example.com",
            ));
        }
        let learning_verbs = LearningVerbs::parse(learning_verbs)
            .map_err(|e| errors.push(e.into()))
            .ok();
        let default_version = match default_version.map(str::trim) {
            None => Some(XapiVersion::V1_0_3),
            Some(v @ ("1.0.3" | "2.0.0")) => XapiVersion::parse(v).ok(),
            Some(_) => {
                errors.push(FieldError::new("default_version", "must be 1.0.3 or 2.0.0"));
                None
            }
        };
        match (learning_verbs, default_version, errors.is_empty()) {
            (Some(learning_verbs), Some(default_version), true) => Ok(Self {
                name,
                scopes: parsed,
                account_home_page: home_page,
                learning_verbs,
                default_version,
            }),
            _ => Err(errors),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    pub fn account_home_page(&self) -> Option<&str> {
        self.account_home_page.as_deref()
    }

    pub fn learning_verbs(&self) -> &LearningVerbs {
        &self.learning_verbs
    }

    pub fn default_version(&self) -> XapiVersion {
        self.default_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_client_is_named_scoped_and_given_its_verbs() {
        let settings = ClientSettings::parse(
            " Moodle ",
            &strings(&["xapi:write", "xapi:read", "xapi:write"]),
            Some(" https://lms.example.com "),
            &strings(&["https://lms.example.com/verbs/read"]),
            Some("2.0.0"),
        )
        .unwrap();
        assert_eq!(settings.default_version(), XapiVersion::V2_0_0);
        assert_eq!(settings.name(), "Moodle");
        assert_eq!(settings.scopes(), [Scope::XapiWrite, Scope::XapiRead]);
        assert_eq!(
            settings.account_home_page(),
            Some("https://lms.example.com")
        );
        assert_eq!(
            settings.learning_verbs().own(),
            ["https://lms.example.com/verbs/read"]
        );
    }

    #[test]
    fn a_token_gets_the_requested_scopes_within_the_clients() {
        let held = [Scope::HrisWrite, Scope::ReportsRead];
        assert_eq!(granted_scopes(&held, None).unwrap(), held);
        assert_eq!(granted_scopes(&held, Some(" ")).unwrap(), held);
        assert_eq!(
            granted_scopes(&held, Some("reports:read reports:read")).unwrap(),
            [Scope::ReportsRead]
        );
        let refused = granted_scopes(&held, Some("hris:write scim")).unwrap_err();
        assert_eq!(refused.code(), "invalid_scope");
        assert!(refused.description().contains("scim"));
    }

    #[test]
    fn an_integration_client_takes_any_integration_scope() {
        let s = IntegrationClientSettings::parse(" HRIS ", &strings(&["hris:write", "xapi:read"]))
            .unwrap();
        assert_eq!(s.name, "HRIS");
        assert_eq!(s.scopes, [Scope::HrisWrite, Scope::XapiRead]);
        let errors = IntegrationClientSettings::parse("", &strings(&["admin"])).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "scopes"]);
        assert_eq!(
            ClientKind::parse("integration"),
            Some(ClientKind::Integration)
        );
    }

    #[test]
    fn every_bad_field_is_named_in_order() {
        let errors = ClientSettings::parse(
            " ",
            &strings(&["hris:write"]),
            Some("lms"),
            &strings(&["read"]),
            Some("1.0"),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "scopes",
                "account_home_page",
                "learning_verbs[0]",
                "default_version"
            ]
        );
        let none = ClientSettings::parse("LMS", &[], None, &[], None).unwrap_err();
        assert_eq!(none[0].message, "give at least one scope");
    }
}
