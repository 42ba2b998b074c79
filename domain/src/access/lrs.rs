//! Who may use the LRS (`/xapi`): LRS clients and tokens, by their xAPI scopes.

use super::{Principal, Scope};

/// The scopes that open `/xapi` (and that an LRS client may hold).
pub const LRS_SCOPES: [Scope; 3] = [Scope::XapiWrite, Scope::XapiRead, Scope::XapiReadMine];

/// What of the LRS a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LrsReads {
    /// Every statement and document (`xapi:read`).
    All,
    /// Only the statements it stored itself (`xapi:read:mine`); documents as with `All`.
    Own,
    /// Nothing.
    Nothing,
}

/// May the caller use `/xapi` at all (does it hold an xAPI scope)?
pub fn can_use_lrs(principal: &Principal) -> bool {
    LRS_SCOPES.iter().any(|s| principal.has_scope(*s))
}

/// May the caller store statements and documents?
pub fn can_write_lrs(principal: &Principal) -> bool {
    principal.has_scope(Scope::XapiWrite)
}

/// What the caller may read.
pub fn lrs_reads(principal: &Principal) -> LrsReads {
    if principal.has_scope(Scope::XapiRead) {
        LrsReads::All
    } else if principal.has_scope(Scope::XapiReadMine) {
        LrsReads::Own
    } else {
        LrsReads::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(scopes: &[Scope]) -> Principal {
        Principal {
            subject: "lrs-client:1".into(),
            roles: Default::default(),
            scopes: scopes.iter().copied().collect(),
            employee_id: None,
            leaver: false,
        }
    }

    #[test]
    fn xapi_scopes_decide_who_writes_and_who_reads_what() {
        let writer = with(&[Scope::XapiWrite, Scope::XapiReadMine]);
        assert!(can_use_lrs(&writer) && can_write_lrs(&writer));
        assert_eq!(lrs_reads(&writer), LrsReads::Own);
        let reader = with(&[Scope::XapiRead, Scope::XapiReadMine]);
        assert!(!can_write_lrs(&reader));
        assert_eq!(
            lrs_reads(&reader),
            LrsReads::All,
            "read wins over read:mine"
        );
        let write_only = with(&[Scope::XapiWrite]);
        assert_eq!(lrs_reads(&write_only), LrsReads::Nothing);
        let other = with(&[Scope::HrisWrite]);
        assert!(!can_use_lrs(&other) && !can_write_lrs(&other));
    }
}
