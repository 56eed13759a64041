//! What a bulk job can do, and how one CSV row becomes one checked action: the operations
//! (the single commands' names, joined by a hyphen), the columns each reads on each kind of
//! server (the single command's flag names), and the row's action, validated by the same
//! rules as the single command. Resync is no job: it needs live codes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::input::column_key;
use crate::centagate::tokens::TokenType;
use crate::error::Error;
use crate::ops::{NewToken, RegisterTokenRequest, Session, UserRequest, UserTokenRequest};
use crate::securid::helpdesk::HardwareTokenRequest;
use crate::securid::locks::UnlockMethod;
use crate::securid::users::{LookupBy, LookupUserRequest};
use crate::validate;
use crate::vocab::{Backend, Field};

/// A bulk job's operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum BulkOperation {
    /// CENTAGATE: register an SMS (`sms`) or hardware OTP (`otp`) token; SecurID: assign a
    /// hardware token (`otp`, optional `name`).
    TokenRegister,
    /// CENTAGATE: unlock the user's OTP token.
    TokenUnlock,
    /// CENTAGATE: remove the user's token of a `kind`; SecurID: unassign a hardware token
    /// (`otp`).
    TokenUnregister,
    /// CENTAGATE: unlock the user's account; SecurID: unlock tokencodes (optional `methods`).
    UserUnlock,
    UserEnable,
    UserDisable,
}

/// How a row names its user on each server: CENTAGATE `user`; SecurID `email` or `user`.
const WHO: &[&str] = &["user", "email"];

impl BulkOperation {
    /// Every operation, as documented.
    pub const ALL: [BulkOperation; 6] = [
        BulkOperation::TokenRegister,
        BulkOperation::TokenUnlock,
        BulkOperation::TokenUnregister,
        BulkOperation::UserUnlock,
        BulkOperation::UserEnable,
        BulkOperation::UserDisable,
    ];

    /// Its name: `token-register`, ...
    pub fn name(self) -> &'static str {
        match self {
            BulkOperation::TokenRegister => "token-register",
            BulkOperation::TokenUnlock => "token-unlock",
            BulkOperation::TokenUnregister => "token-unregister",
            BulkOperation::UserUnlock => "user-unlock",
            BulkOperation::UserEnable => "user-enable",
            BulkOperation::UserDisable => "user-disable",
        }
    }

    /// Reads an operation's name.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let v = raw.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|o| o.name() == v)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|o| o.name()).collect();
                Error::input(
                    Field::BulkOperation,
                    format!("must be one of {}", names.join(", ")),
                )
            })
    }

    /// The columns it reads on `backend`: each inner list is one need, met by any one of
    /// its columns; then the optional columns. `None` when the server has no such action.
    pub fn columns(
        self,
        backend: Backend,
    ) -> Option<(&'static [&'static [&'static str]], &'static [&'static str])> {
        use BulkOperation::*;
        Some(match (self, backend) {
            (TokenRegister, Backend::Centagate) => (&[&["user"], &["sms", "otp"]], &[]),
            (TokenUnlock, Backend::Centagate) => (&[&["user"]], &[]),
            (TokenUnregister, Backend::Centagate) => (&[&["user"], &["kind"]], &[]),
            (UserUnlock | UserEnable | UserDisable, Backend::Centagate) => (&[&["user"]], &[]),
            (TokenRegister, Backend::SecurId) => (&[WHO, &["otp"]], &["name"]),
            (TokenUnregister, Backend::SecurId) => (&[WHO, &["otp"]], &[]),
            (UserUnlock, Backend::SecurId) => (&[WHO], &["methods"]),
            (UserEnable | UserDisable, Backend::SecurId) => (&[WHO], &[]),
            (TokenUnlock, Backend::SecurId) => return None,
        })
    }
}

/// One row's checked action, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction {
    Register(RegisterTokenRequest),
    UnlockToken(UserRequest),
    Unregister(UserTokenRequest),
    UnlockAccount(UserRequest),
    SetEnabled(UserRequest, bool),
    SecurIdUnlock(LookupUserRequest, Vec<UnlockMethod>),
    SecurIdSetEnabled(LookupUserRequest, bool),
    SecurIdAssign(LookupUserRequest, HardwareTokenRequest, bool),
}

/// A rule a row breaks: its number, the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RowProblem {
    pub row: usize,
    pub field: Field,
    /// The field's name in words, as the CLI's dry run prints it.
    pub label: String,
    pub rule: String,
}

/// Where a job's columns are in the file: the index of each column the operation reads.
#[derive(Debug, Clone)]
pub struct Columns {
    index: Vec<(String, usize)>,
}

impl Columns {
    /// Maps `header` for `operation` on `backend`; a need no column meets is an input error
    /// naming the columns that would.
    pub fn map(
        operation: BulkOperation,
        backend: Backend,
        header: &[String],
    ) -> Result<Self, Error> {
        let (needs, optional) = operation.columns(backend).ok_or_else(|| {
            Error::input(
                Field::BulkOperation,
                format!(
                    "{} is not something {} does in bulk",
                    operation.name(),
                    backend.label()
                ),
            )
        })?;
        let find = |name: &str| {
            header
                .iter()
                .position(|h| column_key(h) == column_key(name))
        };
        let mut index = Vec::new();
        for need in needs {
            let found: Vec<(String, usize)> = need
                .iter()
                .filter_map(|n| find(n).map(|i| ((*n).to_owned(), i)))
                .collect();
            if found.is_empty() {
                return Err(Error::input(
                    Field::CsvFile,
                    format!(
                        "must have a {} column for {}",
                        need.join(" or "),
                        operation.name()
                    ),
                ));
            }
            index.extend(found);
        }
        index.extend(
            optional
                .iter()
                .filter_map(|n| find(n).map(|i| ((*n).to_owned(), i))),
        );
        Ok(Columns { index })
    }

    fn cell<'a>(&self, cells: &'a [String], name: &str) -> Option<&'a str> {
        self.index
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, i)| cells.get(*i))
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }
}

fn problem(row: usize, e: Error) -> RowProblem {
    match e {
        Error::Input { field, rule } => RowProblem {
            row,
            field,
            label: field.label().to_owned(),
            rule,
        },
        other => RowProblem {
            row,
            field: Field::CsvFile,
            label: Field::CsvFile.label().to_owned(),
            rule: other.to_string(),
        },
    }
}

/// The user a SecurID row names: `email` when given, else `user`.
fn who(columns: &Columns, cells: &[String]) -> Result<LookupUserRequest, Error> {
    let req = match (columns.cell(cells, "email"), columns.cell(cells, "user")) {
        (Some(e), _) => LookupUserRequest::email(e),
        (None, Some(u)) => LookupUserRequest::username(u),
        (None, None) => return Err(Error::input(Field::Email, "must be given (or user)")),
    };
    req.validate()
}

/// `token,sms,voice` (also `;` or spaces; any case); all three when empty.
fn methods(raw: Option<&str>) -> Result<Vec<UnlockMethod>, Error> {
    let Some(raw) = raw else {
        return Ok(UnlockMethod::ALL.to_vec());
    };
    raw.split([',', ';', ' '])
        .filter(|m| !m.is_empty())
        .map(|m| {
            UnlockMethod::ALL
                .into_iter()
                .find(|u| u.label().eq_ignore_ascii_case(m) || u.wire().eq_ignore_ascii_case(m))
                .ok_or_else(|| {
                    Error::input(
                        Field::Methods,
                        "must be token, sms or voice, comma-separated",
                    )
                })
        })
        .collect()
}

/// Checks one row for `operation` on `backend` with the single command's rules.
pub fn parse_row(
    operation: BulkOperation,
    backend: Backend,
    columns: &Columns,
    row: usize,
    cells: &[String],
) -> Result<RowAction, RowProblem> {
    use BulkOperation::*;
    let cell = |name| columns.cell(cells, name).unwrap_or_default().to_owned();
    let user = || UserRequest {
        username: cell("user"),
    };
    let action = match (operation, backend) {
        (TokenRegister, Backend::Centagate) => {
            let token = match (columns.cell(cells, "sms"), columns.cell(cells, "otp")) {
                (Some(phone), None) => NewToken::Sms {
                    phone: phone.into(),
                },
                (None, Some(serial)) => NewToken::Otp {
                    serial: serial.into(),
                },
                (Some(_), Some(_)) => {
                    return Err(problem(
                        row,
                        Error::input(Field::Phone, "give sms or otp in a row, not both"),
                    ))
                }
                (None, None) => {
                    return Err(problem(
                        row,
                        Error::input(Field::Phone, "must be given (or otp)"),
                    ))
                }
            };
            RegisterTokenRequest {
                username: cell("user"),
                token,
            }
            .validate()
            .map(RowAction::Register)
        }
        (TokenUnlock, Backend::Centagate) => user().validate().map(RowAction::UnlockToken),
        (TokenUnregister, Backend::Centagate) => TokenType::parse(&cell("kind")).and_then(|kind| {
            Ok(RowAction::Unregister(UserTokenRequest {
                username: validate::username(Field::Username, &cell("user"))?,
                kind,
            }))
        }),
        (UserUnlock, Backend::Centagate) => user().validate().map(RowAction::UnlockAccount),
        (UserEnable | UserDisable, Backend::Centagate) => user()
            .validate()
            .map(|u| RowAction::SetEnabled(u, operation == UserEnable)),
        (TokenRegister | TokenUnregister, Backend::SecurId) => who(columns, cells).and_then(|w| {
            let token = HardwareTokenRequest {
                serial: cell("otp"),
                name: columns.cell(cells, "name").map(str::to_owned),
            }
            .validate()?;
            Ok(RowAction::SecurIdAssign(
                w,
                token,
                operation == TokenRegister,
            ))
        }),
        (UserUnlock, Backend::SecurId) => who(columns, cells).and_then(|w| {
            Ok(RowAction::SecurIdUnlock(
                w,
                methods(columns.cell(cells, "methods"))?,
            ))
        }),
        (UserEnable | UserDisable, Backend::SecurId) => {
            who(columns, cells).map(|w| RowAction::SecurIdSetEnabled(w, operation == UserEnable))
        }
        (TokenUnlock, Backend::SecurId) => Err(Error::input(
            Field::BulkOperation,
            "token-unlock is CENTAGATE's; use user-unlock on SecurID",
        )),
    };
    action.map_err(|e| problem(row, e))
}

/// What a row's action did: its summary and the code that proved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowDone {
    pub code: i64,
    pub summary: String,
}

impl RowAction {
    /// The user (and token) acted on, for finding a target twice in one file.
    pub fn target(&self) -> String {
        let user = |u: &str| u.to_lowercase();
        let who = |w: &LookupUserRequest| match w.by {
            LookupBy::Email => format!("email:{}", w.value.to_lowercase()),
            LookupBy::Username => format!("user:{}", w.value.to_lowercase()),
        };
        match self {
            RowAction::Register(r) => user(&r.username),
            RowAction::UnlockToken(u)
            | RowAction::UnlockAccount(u)
            | RowAction::SetEnabled(u, _) => user(&u.username),
            RowAction::Unregister(r) => format!("{}/{}", user(&r.username), r.kind.name()),
            RowAction::SecurIdUnlock(w, _) | RowAction::SecurIdSetEnabled(w, _) => who(w),
            RowAction::SecurIdAssign(w, t, _) => format!("{}/{}", who(w), t.serial),
        }
    }

    /// Sends it through `session` (one recorded action).
    pub async fn run(&self, session: &Session) -> Result<RowDone, Error> {
        fn done<T>(o: crate::ops::Outcome<T>) -> RowDone {
            RowDone {
                code: o.code,
                summary: o.summary,
            }
        }
        Ok(match self {
            RowAction::Register(r) => done(session.register_token(r).await?),
            RowAction::UnlockToken(u) => done(session.unlock_token(u).await?),
            RowAction::Unregister(r) => done(session.unregister_token(r).await?),
            RowAction::UnlockAccount(u) => done(session.unlock_user(u).await?),
            RowAction::SetEnabled(u, on) => done(session.set_user_enabled(u, *on).await?),
            RowAction::SecurIdUnlock(w, m) => done(session.unlock_found_user(w, m).await?),
            RowAction::SecurIdSetEnabled(w, on) => {
                done(session.securid_set_user_enabled(w, *on).await?)
            }
            RowAction::SecurIdAssign(w, t, on) => done(session.assign_token(w, t, *on).await?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| (*c).to_owned()).collect()
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn operations_read_by_name() {
        assert_eq!(
            BulkOperation::parse(" Token-Register ").unwrap(),
            BulkOperation::TokenRegister
        );
        let e = BulkOperation::parse("token-sync").unwrap_err();
        assert!(e.to_string().contains("token-register"), "{e}");
    }

    #[test]
    fn missing_columns_are_named_before_any_row() {
        let e = Columns::map(
            BulkOperation::TokenRegister,
            Backend::Centagate,
            &header(&["user", "ticket"]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("sms or otp column"), "{e}");
        let e = Columns::map(
            BulkOperation::TokenUnlock,
            Backend::SecurId,
            &header(&["email"]),
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Input {
                    field: Field::BulkOperation,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn rows_are_checked_with_the_single_commands_rules() {
        let cols = Columns::map(
            BulkOperation::TokenRegister,
            Backend::Centagate,
            &header(&["User", "SMS", "OTP", "ticket"]),
        )
        .unwrap();
        let ok = parse_row(
            BulkOperation::TokenRegister,
            Backend::Centagate,
            &cols,
            1,
            &row(&["alice", "+60 12-345 6789", "", "T1"]),
        )
        .unwrap();
        assert_eq!(
            ok,
            RowAction::Register(RegisterTokenRequest {
                username: "alice".into(),
                token: NewToken::Sms {
                    phone: "+60123456789".into()
                }
            })
        );
        let bad = parse_row(
            BulkOperation::TokenRegister,
            Backend::Centagate,
            &cols,
            7,
            &row(&["alice", "12", "", ""]),
        )
        .unwrap_err();
        assert_eq!((bad.row, bad.field), (7, Field::Phone));
        let both = parse_row(
            BulkOperation::TokenRegister,
            Backend::Centagate,
            &cols,
            2,
            &row(&["a", "+60123456789", "SN1", ""]),
        )
        .unwrap_err();
        assert!(both.rule.contains("not both"));

        let cols = Columns::map(
            BulkOperation::UserUnlock,
            Backend::SecurId,
            &header(&["email", "methods"]),
        )
        .unwrap();
        let a = parse_row(
            BulkOperation::UserUnlock,
            Backend::SecurId,
            &cols,
            1,
            &row(&["A@corp.example", "sms; TOKEN"]),
        )
        .unwrap();
        assert_eq!(a.target(), "email:a@corp.example");
        let RowAction::SecurIdUnlock(_, m) = a else {
            panic!()
        };
        assert_eq!(m, [UnlockMethod::Sms, UnlockMethod::Token]);
        let all = parse_row(
            BulkOperation::UserUnlock,
            Backend::SecurId,
            &cols,
            1,
            &row(&["a@corp.example", ""]),
        )
        .unwrap();
        let RowAction::SecurIdUnlock(_, m) = all else {
            panic!()
        };
        assert_eq!(m.len(), 3);

        let cols = Columns::map(
            BulkOperation::TokenUnregister,
            Backend::Centagate,
            &header(&["user", "kind"]),
        )
        .unwrap();
        let e = parse_row(
            BulkOperation::TokenUnregister,
            Backend::Centagate,
            &cols,
            3,
            &row(&["bob", "otp"]),
        )
        .unwrap_err();
        assert_eq!(e.field, Field::TokenKind);
    }
}
