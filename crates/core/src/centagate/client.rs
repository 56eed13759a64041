//! The CENTAGATE web-services client: builds each admin call exactly as the vendor pages give
//! it (PUT, JSON, `{base}/{call}/{admin}`, the documented keys plus `cenToken`) and reads the
//! answer. A non-zero code becomes an [`Error::Server`] carrying this backend's catalog;
//! what a success means in words is `ops`' business.

use serde_json::{Map, Value};
use url::Url;

use super::answer::{self, Answer};
use super::catalog::CATALOG;
use super::credentials::CentagateCredentials;
use crate::error::Error;
use crate::secret::Secret;
use crate::sign::cen_token;
use crate::transport::{Endpoint, HttpClient};
use crate::vocab::{Backend, Field, Operation};

/// The admin calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    RegisterActiveToken,
    SyncToken,
    UnlockToken,
    ListAuthMethods,
    UnregisterActiveToken,
    GetTokenStatus,
    UpdateTokenStatus,
    UnlockUser,
    /// `user/status/update`; enabling and disabling are its two operations.
    UpdateUserStatus {
        enable: bool,
    },
}

impl Call {
    /// Path segments below the base, before the admin username.
    pub fn segments(self) -> &'static [&'static str] {
        match self {
            Call::RegisterActiveToken => &["token", "registerActiveToken"],
            Call::SyncToken => &["token", "syncToken"],
            Call::UnlockToken => &["token", "unlockToken"],
            Call::ListAuthMethods => &["user", "auth", "list"],
            Call::UnregisterActiveToken => &["token", "unregisterActiveToken"],
            Call::GetTokenStatus => &["token", "getStatus"],
            Call::UpdateTokenStatus => &["token", "update", "token", "status"],
            Call::UnlockUser => &["user", "unlockUser"],
            Call::UpdateUserStatus { .. } => &["user", "status", "update"],
        }
    }

    /// The admin operation the call carries out.
    pub fn operation(self) -> Operation {
        match self {
            Call::RegisterActiveToken => Operation::Register,
            Call::SyncToken => Operation::Sync,
            Call::UnlockToken => Operation::Unlock,
            Call::ListAuthMethods => Operation::ListMethods,
            Call::UnregisterActiveToken => Operation::UnregisterToken,
            Call::GetTokenStatus => Operation::TokenStatus,
            Call::UpdateTokenStatus => Operation::SetTokenStatus,
            Call::UnlockUser => Operation::UnlockUser,
            Call::UpdateUserStatus { enable: true } => Operation::EnableUser,
            Call::UpdateUserStatus { enable: false } => Operation::DisableUser,
        }
    }
}

/// The admin username goes in the path as one segment; `.` and `..` cannot (URL rules drop
/// them, so the call would silently go to `{base}/{call}` without the admin).
pub fn check_admin_segment(admin: &str) -> Result<(), Error> {
    if matches!(admin, "." | "..") {
        return Err(Error::input(
            Field::AdminUsername,
            "must not be . or .. (it cannot be sent as a URL path segment)",
        ));
    }
    Ok(())
}

/// A client for one profile with its credentials.
#[derive(Debug, Clone)]
pub struct Client {
    http: HttpClient,
    base: Url,
    admin: String,
    cen_token: Secret,
}

impl Client {
    /// Prepares a client for the server at `endpoint`, signing as `admin` (a profile's
    /// admin username): checks the URL, reads the CA file, computes the cenToken once.
    pub fn new(
        endpoint: &Endpoint,
        admin: &str,
        creds: &CentagateCredentials,
    ) -> Result<Self, Error> {
        check_admin_segment(admin)?;
        Ok(Client {
            http: HttpClient::for_endpoint(endpoint)?,
            base: endpoint.base_url()?,
            admin: admin.to_owned(),
            cen_token: cen_token(admin, &creds.auth_token, &creds.secret_code),
        })
    }

    /// The full URL of a call; the admin username is percent-encoded as one path segment.
    pub fn endpoint(&self, call: Call) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("an http(s) base URL has path segments")
            .pop_if_empty()
            .extend(call.segments())
            .push(&self.admin);
        url
    }

    /// The JSON body: the given fields, then `cenToken`.
    pub fn body(&self, fields: &[(&str, &str)]) -> Value {
        let mut map = Map::new();
        for (k, v) in fields {
            map.insert((*k).to_owned(), Value::String((*v).to_owned()));
        }
        map.insert(
            "cenToken".into(),
            Value::String(self.cen_token.expose().to_owned()),
        );
        Value::Object(map)
    }

    /// Sends one call and parses the answer. A non-zero code is returned, not raised.
    pub async fn call(&self, call: Call, fields: &[(&str, &str)]) -> Result<Answer, Error> {
        let url = self.endpoint(call);
        let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        tracing::info!(call = ?call, url = %url, "sending");
        tracing::debug!(fields = ?keys, "body keys (values not logged)");
        let answer = self
            .http
            .send_json(
                reqwest::Method::PUT,
                &url,
                &[],
                &self.body(fields),
                Backend::Centagate.label(),
            )
            .await;
        let answer = match answer {
            Ok(a) => answer::parse(&a.body)?,
            Err(e) => {
                tracing::warn!(call = ?call, error = %e, "call failed");
                return Err(e);
            }
        };
        tracing::info!(call = ?call, code = answer.code, "answered");
        Ok(answer)
    }

    /// Sends one call; a non-zero code is an [`Error::Server`] explained by CENTAGATE's
    /// catalog.
    pub async fn send(&self, call: Call, fields: &[(&str, &str)]) -> Result<Answer, Error> {
        let answer = self.call(call, fields).await?;
        if answer.code != 0 {
            return Err(Error::Server {
                code: answer.code,
                operation: Some(call.operation()),
                server_message: answer.message,
                catalog: &CATALOG,
            });
        }
        Ok(answer)
    }

    /// Proves the server answers and accepts the credentials: a methods lookup of the admin's
    /// own username, where 0 or 22002 (no such user: the admin is no user themselves) mean
    /// accepted and 10001 means refused. The code that proved it.
    pub async fn probe(&self) -> Result<i64, Error> {
        let admin = self.admin.clone();
        match self
            .send(Call::ListAuthMethods, &[("username", &admin)])
            .await
        {
            Ok(a) => Ok(a.code),
            Err(Error::Server { code: 22002, .. }) => Ok(22002),
            Err(e) => Err(e),
        }
    }
}
