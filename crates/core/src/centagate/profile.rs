//! What a person enters to make a CENTAGATE profile, and the checks that turn it into a
//! [`Profile`]. The credentials are not part of it: they are given beside it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::client::check_admin_segment;
use crate::error::Error;
use crate::profile::{self, Profile, DEFAULT_BASE_PATH};
use crate::transport::check_url;
use crate::validate;
use crate::vocab::{Backend, Field};

/// What a person enters to create or edit a profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileDraft {
    pub name: String,
    pub url: String,
    pub admin: String,
    pub base_path: Option<String>,
    pub ca_file: Option<String>,
    pub timeout_secs: Option<u64>,
    /// The sign-in app's Integration Key: set, the administrator signs in and the profile
    /// keeps the session (its Secret Key is given beside the draft, for the OS store).
    #[serde(default)]
    #[ts(optional)]
    pub integration_key: Option<String>,
    /// Where the sign-in calls live, when not below the base path (e.g.
    /// `/v2/CentagateWS/webresources`); only with an Integration Key.
    #[serde(default)]
    #[ts(optional)]
    pub auth_base_path: Option<String>,
}

impl ProfileDraft {
    /// Checks every field and builds the profile. A URL that carries a path (e.g.
    /// `https://host/CentagateWS/webresources`) gives the base path when none is set.
    pub fn validate(&self) -> Result<Profile, Error> {
        let name = validate::profile_name(&self.name)?;
        let mut url = Url::parse(self.url.trim()).map_err(|_| {
            Error::input(
                Field::Url,
                "must be a full address such as https://mfa.example.com",
            )
        })?;
        check_url(&url)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::input(
                Field::Url,
                "must not contain a user name or password",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::input(Field::Url, "must not contain ? or #"));
        }
        let url_path = url.path().trim_end_matches('/').to_owned();
        url.set_path("");
        let base_path = match self.base_path.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => profile::base_path(p)?,
            _ if !url_path.is_empty() => url_path,
            _ => DEFAULT_BASE_PATH.to_owned(),
        };
        let admin = validate::username(Field::AdminUsername, &self.admin)?;
        check_admin_segment(&admin)?;
        let ca_file = profile::ca_file(self.ca_file.as_deref())?;
        let (timeout_secs, connect_timeout_secs) = profile::timeouts(self.timeout_secs)?;
        let integration_key = integration_key(self.integration_key.as_deref())?;
        let auth_base_path = match self.auth_base_path.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => {
                if integration_key.is_none() {
                    return Err(Error::input(
                        Field::AuthBasePath,
                        "is used only for signing in: give the Integration Key too",
                    ));
                }
                let p = profile::base_path(p).map_err(|_| {
                    Error::input(
                        Field::AuthBasePath,
                        "must start with / and contain no spaces, ? or #",
                    )
                })?;
                (p != base_path).then_some(p)
            }
            _ => None,
        };
        Ok(Profile {
            name,
            backend: Backend::Centagate,
            id: None,
            url: url.origin().ascii_serialization(),
            admin,
            base_path,
            ca_file,
            timeout_secs,
            connect_timeout_secs,
            customer_name: None,
            integration_key,
            auth_base_path,
        })
    }
}

/// The longest Integration Key accepted (the portal's are far shorter).
const MAX_INTEGRATION_KEY: usize = 200;

/// An optional Integration Key: printable, no spaces, at most 200 characters.
fn integration_key(raw: Option<&str>) -> Result<Option<String>, Error> {
    let Some(key) = raw.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    if key.chars().count() > MAX_INTEGRATION_KEY
        || key.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::input(
            Field::IntegrationKey,
            format!("must be the app's key as the portal shows it: no spaces, at most {MAX_INTEGRATION_KEY} characters"),
        ));
    }
    Ok(Some(key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, url: &str) -> ProfileDraft {
        ProfileDraft {
            name: name.into(),
            url: url.into(),
            admin: "helpdesk01".into(),
            ..Default::default()
        }
    }

    #[test]
    fn drafts_become_profiles() {
        let p = draft("prod", "https://mfa.example.com").validate().unwrap();
        assert_eq!(
            p.base_url().unwrap().as_str(),
            "https://mfa.example.com/CentagateWS/webresources"
        );
        let p = draft(
            "v2",
            "https://mfa.example.com:8443/v2/CentagateWS/webresources/",
        )
        .validate()
        .unwrap();
        assert_eq!(
            (p.url.as_str(), p.base_path.as_str()),
            (
                "https://mfa.example.com:8443",
                "/v2/CentagateWS/webresources"
            )
        );
        let mut d = draft("x", "http://127.0.0.1:8790");
        d.base_path = Some("/custom/ws/".into());
        assert_eq!(
            d.validate().unwrap().base_url().unwrap().as_str(),
            "http://127.0.0.1:8790/custom/ws"
        );
    }

    #[test]
    fn bad_drafts_name_the_field() {
        let field = |d: ProfileDraft| match d.validate().unwrap_err() {
            Error::Input { field, .. } => field,
            e => panic!("{e:?}"),
        };
        assert_eq!(field(draft("a b", "https://h")), Field::ProfileName);
        assert_eq!(field(draft("a", "mfa.example.com")), Field::Url);
        assert_eq!(field(draft("a", "http://mfa.example.com")), Field::Url);
        assert_eq!(field(draft("a", "https://u:p@mfa.example.com")), Field::Url);
        let mut d = draft("a", "https://h");
        d.admin = " ".into();
        assert_eq!(field(d), Field::AdminUsername);
        let mut d = draft("a", "https://h");
        d.timeout_secs = Some(0);
        assert_eq!(field(d), Field::Timeout);
        let mut d = draft("a", "https://h");
        d.ca_file = Some("/nonexistent/ca.pem".into());
        assert_eq!(field(d), Field::CaFile);
        let mut d = draft("a", "https://h");
        d.base_path = Some("no-slash".into());
        assert_eq!(field(d), Field::BasePath);
        let mut d = draft("a", "https://h");
        d.integration_key = Some("two words".into());
        assert_eq!(field(d), Field::IntegrationKey);
        let mut d = draft("a", "https://h");
        d.auth_base_path = Some("/v2/CentagateWS/webresources".into());
        assert_eq!(
            field(d.clone()),
            Field::AuthBasePath,
            "an auth base path alone"
        );
        d.integration_key = Some("IK-1".into());
        d.auth_base_path = Some("v2".into());
        assert_eq!(field(d), Field::AuthBasePath);
    }

    #[test]
    fn a_sign_in_profile_keeps_its_key_and_auth_base() {
        let mut d = draft("a", "https://h");
        d.integration_key = Some(" IK-1 ".into());
        let p = d.validate().unwrap();
        assert!(p.signs_in());
        assert_eq!(p.integration_key.as_deref(), Some("IK-1"));
        assert_eq!(p.auth_endpoint().base_path, "/CentagateWS/webresources");
        d.auth_base_path = Some("/v2/CentagateWS/webresources/".into());
        let p = d.validate().unwrap();
        assert_eq!(p.auth_endpoint().base_path, "/v2/CentagateWS/webresources");
        assert_eq!(p.endpoint().base_path, "/CentagateWS/webresources");
        assert!(!draft("b", "https://h").validate().unwrap().signs_in());
    }
}
