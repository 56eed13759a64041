//! A string that is a credential: never printed, never serialised, wiped when dropped; and
//! how people are told about one backend's kind of secret ([`SecretKind`]).

use zeroize::Zeroizing;

/// A credential value (auth token, secret code, cenToken, private key).
///
/// It has no `Display` and no `Serialize`, and its `Debug` prints `Secret(***)`, so it cannot
/// reach a log line, an error text or the webview by accident; the memory is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a credential value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value itself, for the few places that must use it (signing, the secret store).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the value is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// Secrets flow one way: they may be read from input (the UI's forms), never written out.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How people are told about one backend's secret: its name, where automation's environment
/// gives it instead of the store, and how to store it again. Each vendor folder has one; the
/// error about a missing secret carries it, so the error type names no vendor (as a server
/// error carries its backend's catalog).
#[derive(Debug)]
pub struct SecretKind {
    /// Its name in a sentence: "credentials", "API key".
    pub word: &'static str,
    /// Its name in a title: "credentials", "SecurID API key".
    pub title: &'static str,
    /// Whether it is named in the plural ("credentials were", "API key was").
    pub plural: bool,
    /// The environment variables that, all set, stand in for the stored secret.
    pub env: &'static [&'static str],
    /// Where the environment gives it, in words: "TOKENDESK_AUTH_TOKEN / TOKENDESK_SECRET_CODE".
    pub env_source: &'static str,
    /// What to do when none is stored, in the window's words.
    pub restore_in_window: &'static str,
    /// What to do when none is stored for `profile`, in the CLI's words.
    pub restore_in_cli: fn(profile: &str) -> String,
}

impl SecretKind {
    /// "were" or "was", as its name takes.
    pub fn was(&self) -> &'static str {
        if self.plural {
            "were"
        } else {
            "was"
        }
    }

    /// "are" or "is", as its name takes.
    pub fn is(&self) -> &'static str {
        if self.plural {
            "are"
        } else {
            "is"
        }
    }

    /// True when the environment gives it: every one of its variables is set and not empty.
    pub fn in_env(&self) -> bool {
        self.env
            .iter()
            .all(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-canary");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2-canary");
    }
}
