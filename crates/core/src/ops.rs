//! The admin operations: one path for each, shared by the desktop app and the CLI.
//! Validate → (load credentials) → sign → send → interpret. Nothing is sent when the input
//! is invalid, and credentials are not even read.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::OnceCell;
use ts_rs::TS;

use crate::centagate::answer::Answer;
use crate::centagate::client::{Call, Client};
use crate::centagate::methods::AuthMethods;
use crate::credentials::{self, CentagateCredentials};
use crate::error::{ConfigError, Error};
use crate::profiles::Profile;
use crate::validate::{self, Field};

/// An admin operation, as the catalog and the activity list name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Operation {
    Register,
    Sync,
    Unlock,
    ListMethods,
}

impl Operation {
    /// The operation's name as a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Operation::Register => "register",
            Operation::Sync => "resync",
            Operation::Unlock => "unlock",
            Operation::ListMethods => "list methods",
        }
    }
}

/// The token to register to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum NewToken {
    /// An SMS token: the user's mobile number.
    Sms { phone: String },
    /// A hardware OTP token: its serial, unbound and deactivated on the server.
    Otp { serial: String },
}

/// Register an active SMS or OTP token to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisterTokenRequest {
    pub username: String,
    pub token: NewToken,
}

/// Resynchronise a user's OTP token with two consecutive codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncTokenRequest {
    pub username: String,
    pub otp1: String,
    pub otp2: String,
}

/// An operation on one user (unlock, list methods).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserRequest {
    pub username: String,
}

impl NewToken {
    /// The serial or phone number, as `tokenSn`.
    pub fn sn(&self) -> &str {
        match self {
            NewToken::Sms { phone } => phone,
            NewToken::Otp { serial } => serial,
        }
    }
}

impl RegisterTokenRequest {
    /// Checks every field; returns the request as it will be sent (trimmed, normalised).
    pub fn validate(&self) -> Result<Self, Error> {
        Ok(RegisterTokenRequest {
            username: validate::username(Field::Username, &self.username)?,
            token: match &self.token {
                NewToken::Sms { phone } => NewToken::Sms {
                    phone: validate::phone(phone)?,
                },
                NewToken::Otp { serial } => NewToken::Otp {
                    serial: validate::serial(serial)?,
                },
            },
        })
    }
}

impl SyncTokenRequest {
    /// Checks every field; returns the request as it will be sent.
    pub fn validate(&self) -> Result<Self, Error> {
        let username = validate::username(Field::Username, &self.username)?;
        let (otp1, otp2) = validate::otp_pair(&self.otp1, &self.otp2)?;
        Ok(SyncTokenRequest {
            username,
            otp1,
            otp2,
        })
    }
}

impl UserRequest {
    /// Checks the username; returns it trimmed.
    pub fn validate(&self) -> Result<Self, Error> {
        Ok(UserRequest {
            username: validate::username(Field::Username, &self.username)?,
        })
    }
}

/// A successful answer: code 0, the server's message, and the object.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Outcome<T> {
    pub code: i64,
    pub message: Option<String>,
    /// What the operation did, in words for the person ("Registered SMS +6012… to alice").
    pub summary: String,
    pub object: T,
}

/// Whether a profile's server answered and accepted its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionCheck {
    /// The code of the probe call (0, or 22002 when the admin is no user themselves).
    pub code: i64,
    pub summary: String,
}

/// A connection to one server profile. Credentials are read on first use, after the input
/// of the first operation was found valid.
#[derive(Debug)]
pub struct Session {
    profile: Profile,
    given: Option<CentagateCredentials>,
    client: OnceCell<Client>,
}

impl Session {
    /// A session that finds credentials in the environment or the OS store.
    pub fn new(profile: Profile) -> Self {
        Session {
            profile,
            given: None,
            client: OnceCell::new(),
        }
    }

    /// A session with credentials supplied by the caller (tests, practice mode).
    pub fn with_credentials(profile: Profile, creds: CentagateCredentials) -> Self {
        Session {
            profile,
            given: Some(creds),
            client: OnceCell::new(),
        }
    }

    /// The profile this session talks to.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    async fn client(&self) -> Result<&Client, Error> {
        self.client
            .get_or_try_init(|| async {
                let creds = match &self.given {
                    Some(c) => c.clone(),
                    None => {
                        let name = self.profile.name.clone();
                        tokio::task::spawn_blocking(move || credentials::resolve(&name))
                            .await
                            .map_err(|e| ConfigError::StoreFailed {
                                detail: e.to_string(),
                            })??
                    }
                };
                Client::new(&self.profile, &creds)
            })
            .await
    }

    async fn send(&self, call: Call, fields: &[(&str, &str)]) -> Result<Answer, Error> {
        let answer = self.client().await?.call(call, fields).await?;
        if answer.code != 0 {
            return Err(Error::Server {
                code: answer.code,
                operation: Some(call.operation()),
                server_message: answer.message,
            });
        }
        Ok(answer)
    }

    /// Registers an active SMS (tokenType 1) or hardware OTP (tokenType 2) token to a user.
    pub async fn register_token(
        &self,
        req: &RegisterTokenRequest,
    ) -> Result<Outcome<Value>, Error> {
        let v = req.validate()?;
        let (token_type, what) = match v.token {
            NewToken::Sms { .. } => ("1", "SMS number"),
            NewToken::Otp { .. } => ("2", "hardware token"),
        };
        let sn = v.token.sn();
        let a = self
            .send(
                Call::RegisterActiveToken,
                &[
                    ("username", &v.username),
                    ("tokenSn", sn),
                    ("tokenType", token_type),
                ],
            )
            .await?;
        Ok(outcome(
            a,
            format!("Registered {what} {sn} to {}; it is active.", v.username),
        ))
    }

    /// Resynchronises the user's OTP token with two consecutive codes.
    pub async fn sync_token(&self, req: &SyncTokenRequest) -> Result<Outcome<Value>, Error> {
        let username = validate::username(Field::Username, &req.username)?;
        let (otp1, otp2) = validate::otp_pair(&req.otp1, &req.otp2)?;
        let a = self
            .send(
                Call::SyncToken,
                &[
                    ("username", &username),
                    ("otpStr1", &otp1),
                    ("otpStr2", &otp2),
                ],
            )
            .await?;
        Ok(outcome(
            a,
            format!(
                "Resynchronised the OTP token of {username}; the next code it shows will work."
            ),
        ))
    }

    /// Unlocks (or unsuspends) the user's OTP token.
    pub async fn unlock_token(&self, req: &UserRequest) -> Result<Outcome<Value>, Error> {
        let username = validate::username(Field::Username, &req.username)?;
        let a = self
            .send(Call::UnlockToken, &[("username", &username)])
            .await?;
        Ok(outcome(
            a,
            format!("Unlocked the OTP token of {username}; it is active again."),
        ))
    }

    /// Lists the authentication methods bound to a user.
    pub async fn list_methods(&self, req: &UserRequest) -> Result<Outcome<AuthMethods>, Error> {
        let username = validate::username(Field::Username, &req.username)?;
        let a = self
            .send(Call::ListAuthMethods, &[("username", &username)])
            .await?;
        let methods = AuthMethods::from_object(&a.object);
        let n = methods.tokens.len()
            + methods.certificates.len()
            + usize::from(methods.device.is_some());
        let summary = match n {
            0 => format!("{username} has no methods bound."),
            1 => format!("{username} has 1 method bound."),
            n => format!("{username} has {n} methods bound."),
        };
        Ok(Outcome {
            code: a.code,
            message: a.message,
            summary,
            object: methods,
        })
    }

    /// Proves the server answers and accepts the credentials: a methods lookup of the admin's
    /// own username, where 0 or 22002 (no such user) mean accepted and 10001 means refused.
    pub async fn test_connection(&self) -> Result<ConnectionCheck, Error> {
        let admin = self.profile.admin.clone();
        match self
            .send(Call::ListAuthMethods, &[("username", &admin)])
            .await
        {
            Ok(a) => Ok(ConnectionCheck {
                code: a.code,
                summary: self.accepted(),
            }),
            Err(Error::Server { code: 22002, .. }) => Ok(ConnectionCheck {
                code: 22002,
                summary: self.accepted(),
            }),
            Err(e) => Err(e),
        }
    }

    fn accepted(&self) -> String {
        format!(
            "{} answered and accepted the credentials of {}.",
            self.profile.url, self.profile.admin
        )
    }
}

fn outcome(a: Answer, summary: String) -> Outcome<Value> {
    Outcome {
        code: a.code,
        message: a.message,
        summary,
        object: a.object,
    }
}
