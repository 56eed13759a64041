//! The SecurID answer catalog: the HTTP statuses the Cloud Administration API documents for
//! the help-desk calls, with the vendor's text, our title and what to do next — per
//! operation where the meaning differs. The same shape ([`CodeEntry`]) and lookup
//! ([`describe`]) as CENTAGATE's return codes; here the code is the HTTP status.

use crate::catalog::{on, with, Catalog, CodeEntry, Described};
use crate::vocab::{Backend, Operation};

/// SecurID Cloud's HTTP answers: what the errors of this backend are explained with, and what
/// `tokendesk codes --securid` lists.
pub static CATALOG: Catalog = Catalog::new(Backend::SecurId, true, STATUSES, unknown);

/// The words for `status` when it answered `operation`. Undocumented statuses get a title
/// naming the number, so nothing is swallowed.
pub fn describe(status: i64, operation: Option<Operation>) -> Described {
    CATALOG.describe(status, operation)
}

fn unknown(status: i64) -> Described {
    Described {
        title: format!("The server answered HTTP {status}"),
        hint: "The SecurID Cloud Administration API does not document this answer. Check \
               the profile's URL (the adminRestApiUrl of the key file); a proxy may be in \
               the way. Try again later; if it persists, contact RSA support with the \
               server's message below."
            .to_owned(),
        vendor_text: None,
    }
}

use Operation::{
    DisableUser, EmergencyCode, EnableUser, ListMethods, LookupToken, LookupUser, Register,
    SearchUsers, UnlockMethods, UnregisterToken,
};

static STATUSES: &[CodeEntry] = &[
    with(200, "Success.", "Done", "Nothing more to do.", &[
        on(UnlockMethods, "Unlocked", "Unlock is successful. The lock status of every method is shown."),
    ]),
    with(400, "Invalid User ID or request body.", "The server rejected the request as invalid",
        "The server found the request malformed. Check what was entered; if it looks right, the API may expect a different format.", &[
        on(LookupUser, "The server rejected the lookup", "Check the email address or username as entered; the server could not use it."),
        on(UnlockMethods, "The server rejected the user ID or the methods", "Look the user up again and unlock with the ID the lookup returns; choose at least one of token, SMS and voice."),
        on(SearchUsers, "The server rejected the search", "Search with plain text from the email address (no wildcards) and a page size of 1 to 25."),
        on(EmergencyCode, "The server rejected the emergency tokencode's settings", "Choose a validity between 1 minute and 7 days. If the tenant locks the emergency access settings, the server applies its own; ask a Super Admin to check them."),
        on(Register, "The server rejected the token serial or name", "Check the serial printed on the back of the token (up to 36 characters) and the name (up to 255)."),
    ]),
    with(403, "Not authorized to perform the request.", "The API key was refused",
        "The server refused the signed request. Either the API key was revoked or deleted in the Cloud Administration Console, or the administrator who created it lacks a role that may do this (Help Desk Administrator or higher), or this computer's clock is off by more than a minute (the request's token carries the time). Check the clock first; otherwise ask a Super Admin for a new key file and import it.", &[]),
    with(404, "User is not found.", "No such user",
        "The server has no such user.", &[
        on(LookupUser, "No user with this email address or username", "Check the spelling and whether the user is synchronised from the identity source yet; the lookup does not search unsynchronised users."),
        on(UnlockMethods, "No user with this ID", "The user may have been deleted since the lookup. Look the user up again."),
        on(EnableUser, "No user with this ID", "The user may have been deleted since the lookup. Look the user up again."),
        on(DisableUser, "No user with this ID", "The user may have been deleted since the lookup. Look the user up again."),
        on(ListMethods, "No user with this ID", "The user may have been deleted since the lookup. Look the user up again."),
        on(LookupToken, "No hardware token with this serial", "Check the serial printed on the back of the token; the token must be in this tenant's inventory."),
        on(Register, "No such user or hardware token", "Check the serial printed on the back of the token and that it is in this tenant's inventory; look the user up again."),
        on(UnregisterToken, "No such user or hardware token", "Check the serial and look the user up again; the token may already be unassigned or deleted."),
        on(EmergencyCode, "No user with this ID, or no emergency tokencode call", "The user was found a moment ago, so the tenant may not offer this call in the form asked: it takes whole days only and the tenant's one-time setting. Ask for whole days without one-time use, or issue the code in the Cloud Administration Console."),
    ]),
    with(409, "Conflict.", "The server refused the change in the present state",
        "The vendor does not say what this answer means for this call. Look at the user and the token as they are now (user methods, token lookup), then try again if the change still applies.", &[
        on(Register, "The hardware token cannot be assigned to this user", "It is probably assigned to someone else, or disabled. Look the token up: unassign it from its present user first, or choose another token."),
        on(UnregisterToken, "The hardware token is not assigned to this user", "Look the token up to see whom it is assigned to; nothing was changed."),
        on(EnableUser, "The user cannot be enabled in the present state", "The user may be pending deletion or managed by the identity source. Check the user in the Cloud Administration Console."),
        on(DisableUser, "The user cannot be disabled in the present state", "The user may already be disabled, pending deletion or managed by the identity source. Look the user up to see their status."),
    ]),
    with(415, "Unsupported Media Type.", "The server did not accept the request's format",
        "TokenDesk sends JSON; something in between changed the request, or the API changed. Check the profile's URL and any proxy; if they are right, report it to the TokenDesk maintainers.", &[]),
    with(429, "Too many requests.", "Too many requests: the server is limiting the rate",
        "TokenDesk waited and tried again a few times, and the server still refused. Wait a minute and try again; other tools using the same tenant's API keys share the limit.", &[]),
    with(500, "Internal error occurred when processing the request.", "The server failed with an internal error",
        "The SecurID service failed while handling the request. Try again in a moment; if it persists, check RSA's service status or contact RSA support.", &[
        on(UnlockMethods, "The unlock did not complete", "The server failed part-way: not every method was unlocked (All methods are not unlocked). The lock status shown is what the server reported after trying. Try the unlock again in a moment; if it keeps failing, contact RSA support."),
    ]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_statuses_are_catalogued_in_order() {
        let codes: Vec<i64> = CATALOG.all().iter().map(|e| e.code).collect();
        assert_eq!(codes, [200, 400, 403, 404, 409, 415, 429, 500]);
        for e in CATALOG.all() {
            assert!(!e.title.is_empty() && !e.hint.is_empty() && !e.vendor_text.is_empty());
        }
    }

    #[test]
    fn per_operation_words() {
        assert!(describe(404, Some(LookupUser)).title.contains("email"));
        assert!(describe(404, Some(UnlockMethods)).title.contains("ID"));
        assert_eq!(describe(404, None).title, "No such user");
        let forbidden = describe(403, Some(UnlockMethods)).hint;
        for word in ["revoked", "role", "clock"] {
            assert!(forbidden.contains(word), "{word}");
        }
        assert!(describe(500, Some(UnlockMethods))
            .title
            .contains("did not complete"));
        let unknown = describe(502, Some(LookupUser));
        assert!(unknown.title.contains("502") && unknown.vendor_text.is_none());
    }
}
