//! The data a practice server starts with: administrators, users, phones, hardware tokens and
//! bindings, read from TOML (format in crates/sim/README.md) and checked for consistency.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::token::{OtpKind, TokenStatus, MAX_COUNTER, MAX_DRIFT_STEPS};

/// Session credentials of a CENTAGATE administrator.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminCredentials {
    pub username: String,
    pub auth_token: String,
    pub secret_code: String,
}

impl AdminCredentials {
    /// The fixed practice administrator (`practice-admin`).
    pub fn practice() -> AdminCredentials {
        AdminCredentials {
            username: "practice-admin".into(),
            auth_token: "practice-auth-token".into(),
            secret_code: "practice-secret-code".into(),
        }
    }

    /// The cenToken these credentials sign calls with.
    pub fn cen_token(&self) -> String {
        crate::auth::cen_token(&self.username, &self.auth_token, &self.secret_code)
    }
}

impl fmt::Debug for AdminCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminCredentials")
            .field("username", &self.username)
            .field("auth_token", &"<redacted>")
            .field("secret_code", &"<redacted>")
            .finish()
    }
}

/// The practice "Web API" app administrators sign in through: its Integration Key and the
/// Secret Key that signs (`hmac`) every sign-in call.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// The app's Integration Key, sent as `integrationKey`.
    pub integration_key: String,
    /// The app's Secret Key: the HMAC-SHA256 key of the sign-in calls' `hmac` (as text bytes).
    pub secret_key: String,
}

impl AppSpec {
    /// The public practice app ([`PRACTICE_INTEGRATION_KEY`], [`PRACTICE_APP_SECRET_KEY`]).
    pub fn practice() -> AppSpec {
        AppSpec {
            integration_key: PRACTICE_INTEGRATION_KEY.into(),
            secret_key: PRACTICE_APP_SECRET_KEY.into(),
        }
    }
}

impl Default for AppSpec {
    fn default() -> AppSpec {
        AppSpec::practice()
    }
}

impl fmt::Debug for AppSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppSpec")
            .field("integration_key", &self.integration_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// The practice app's Integration Key (public practice data).
pub const PRACTICE_INTEGRATION_KEY: &str = "practice-integration-key";
/// The practice app's Secret Key. **Public**: it protects nothing but a practice server.
pub const PRACTICE_APP_SECRET_KEY: &str = "practice-app-secret-key";
/// The practice admin's sign-in password (public practice data).
pub const PRACTICE_ADMIN_PASSWORD: &str = "practice-password";
/// The base32 secret of the practice admin's own OTP token (TOTP, 30 s, 6 digits).
pub const PRACTICE_ADMIN_OTP_SECRET: &str = "KRXWWZLOIRSXG2ZAOBZGCY3UNFRWKIDB";
/// The practice admin's phone, where SMS codes "go" (shown under `/practice/admins`).
pub const PRACTICE_ADMIN_PHONE: &str = "+60120009001";

/// How an administrator signs in (`auth/authBasic` and a second factor): password, their own
/// OTP token (TOTP, 30 s steps, 6 digits) and phone. With neither `otp_secret` nor `phone`, the
/// password alone signs in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSpec {
    /// The administrator's username (need not be one of `admins`: those have fixed sessions).
    pub admin: String,
    /// The sign-in password.
    pub password: String,
    /// Base32 secret of the admin's TOTP token: offers the `OTP` second factor.
    #[serde(default)]
    pub otp_secret: Option<String>,
    /// The admin's phone: offers the `SMS` second factor.
    #[serde(default)]
    pub phone: Option<String>,
    /// Signing in answers `multiStepAuth` "blocked" (also a practice control).
    #[serde(default)]
    pub blocked: bool,
}

impl SignInSpec {
    /// The practice admin: password, OTP token and phone.
    pub fn practice() -> SignInSpec {
        SignInSpec {
            admin: "practice-admin".into(),
            password: PRACTICE_ADMIN_PASSWORD.into(),
            otp_secret: Some(PRACTICE_ADMIN_OTP_SECRET.into()),
            phone: Some(PRACTICE_ADMIN_PHONE.into()),
            blocked: false,
        }
    }

    /// The second factors offered, in the vendor's names (`OTP`, `SMS`).
    pub fn second_factors(&self) -> Vec<&'static str> {
        let mut methods = Vec::new();
        if self.otp_secret.is_some() {
            methods.push("OTP");
        }
        if self.phone.is_some() {
            methods.push("SMS");
        }
        methods
    }
}

impl fmt::Debug for SignInSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInSpec")
            .field("admin", &self.admin)
            .field("password", &"<redacted>")
            .field(
                "otp_secret",
                &self.otp_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("phone", &self.phone)
            .field("blocked", &self.blocked)
            .finish()
    }
}

/// Whether a user account is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    #[default]
    Active,
    Inactive,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Inactive => "inactive",
        }
    }

    pub fn parse(text: &str) -> Option<UserStatus> {
        match text {
            "active" => Some(UserStatus::Active),
            "inactive" => Some(UserStatus::Inactive),
            _ => None,
        }
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub username: String,
    #[serde(default)]
    pub status: UserStatus,
    /// The user's mobile device, reported as `device` by `user/auth/list`.
    #[serde(default)]
    pub device: Option<DeviceSpec>,
    /// Certificates, reported as `certList`.
    #[serde(default)]
    pub certs: Vec<CertSpec>,
    /// FIDO key serials, reported as type 3 entries of `tokenList` (status active).
    #[serde(default)]
    pub fido: Vec<String>,
    /// The user's identity on the practice RSA SecurID Cloud Access Service (none: the SecurID
    /// API does not know them).
    #[serde(default)]
    pub securid: Option<SecurIdSpec>,
    /// The account is locked (as too many failed sign-ins would): the practice login refuses
    /// it and `user/unlockUser` unlocks it.
    #[serde(default)]
    pub locked: bool,
}

/// A SecurID authentication method whose tokencodes can be locked and unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SecurIdMethod {
    /// Authenticate OTP (the tokencode of the SecurID app or a hardware token).
    Token,
    /// SMS tokencode.
    Sms,
    /// Voice tokencode.
    Voice,
}

impl SecurIdMethod {
    /// Every method, in the order the API reports them.
    pub const ALL: [SecurIdMethod; 3] = [
        SecurIdMethod::Token,
        SecurIdMethod::Sms,
        SecurIdMethod::Voice,
    ];

    /// The name on the wire: `TOKEN`, `SMS` or `VOICE`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurIdMethod::Token => "TOKEN",
            SecurIdMethod::Sms => "SMS",
            SecurIdMethod::Voice => "VOICE",
        }
    }

    /// Exactly `TOKEN`, `SMS` or `VOICE` (as the API takes them: case matters).
    pub fn parse(text: &str) -> Option<SecurIdMethod> {
        SecurIdMethod::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

impl fmt::Display for SecurIdMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SecurID user's `userStatus`: `Enabled` or `Disabled` (a fixture may write them in lower
/// case too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SecurIdStatus {
    #[default]
    #[serde(alias = "enabled")]
    Enabled,
    #[serde(alias = "disabled")]
    Disabled,
}

impl SecurIdStatus {
    /// As the API writes it: `Enabled` or `Disabled`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurIdStatus::Enabled => "Enabled",
            SecurIdStatus::Disabled => "Disabled",
        }
    }

    pub fn parse(text: &str) -> Option<SecurIdStatus> {
        match text {
            "Enabled" => Some(SecurIdStatus::Enabled),
            "Disabled" => Some(SecurIdStatus::Disabled),
            _ => None,
        }
    }
}

/// A user's identity on the practice SecurID Cloud Access Service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurIdSpec {
    /// The API's user id (uuid form); default: derived from the username, the same every time.
    #[serde(default)]
    pub id: Option<String>,
    /// `emailAddress`; lookups match it without regard to case.
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub status: SecurIdStatus,
    #[serde(default = "default_identity_source")]
    pub identity_source: String,
    #[serde(default)]
    pub mark_deleted: bool,
    #[serde(default)]
    pub high_risk: bool,
    /// SMS tokencode on, to this number (normalised like CENTAGATE phones); absent: off.
    #[serde(default)]
    pub sms: Option<String>,
    /// Voice tokencode on, to this number; absent: off.
    #[serde(default)]
    pub voice: Option<String>,
    /// Methods whose tokencodes are locked (SMS and VOICE only when that method is on).
    #[serde(default)]
    pub locked: Vec<SecurIdMethod>,
    /// Methods whose unlock fails while they are locked: the unlock call then answers HTTP 500
    /// with the lock states (practice for partial failures).
    #[serde(default)]
    pub stuck: Vec<SecurIdMethod>,
}

/// The `identitySource` a SecurID identity gets unless the fixture names one.
pub const DEFAULT_IDENTITY_SOURCE: &str = "Practice Directory";

fn default_identity_source() -> String {
    DEFAULT_IDENTITY_SOURCE.to_string()
}

impl SecurIdSpec {
    /// The user id: the fixture's, or one derived from `username` (uuid form, version 4 bits).
    pub fn user_id(&self, username: &str) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| derived_securid_id(username))
    }

    /// Whether the fixture turns `method` on (TOKEN always is).
    pub fn has(&self, method: SecurIdMethod) -> bool {
        match method {
            SecurIdMethod::Token => true,
            SecurIdMethod::Sms => self.sms.is_some(),
            SecurIdMethod::Voice => self.voice.is_some(),
        }
    }
}

/// A stable uuid-form id for `username`: SHA-256 of a fixed prefix and the name.
pub fn derived_securid_id(username: &str) -> String {
    use sha2::Digest;
    let mut bytes: [u8; 16] = sha2::Sha256::digest(format!("tokendesk-sim securid {username}"))
        [..16]
        .try_into()
        .unwrap_or([0; 16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Whether `text` has the form of a SecurID user id: 8-4-4-4-12 hexadecimal digits.
pub fn is_securid_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A mobile device as `user/auth/list` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    pub name: String,
    pub model: String,
    pub os: String,
    /// 0 inactive (deactivated), 1 active, 2 pending, 3 temporarily deactivated.
    pub status: u8,
}

/// A certificate as `user/auth/list` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertSpec {
    pub sn: String,
    /// SHA-1 fingerprint, hex.
    pub fingerprint: String,
    pub subject_dn: String,
    pub issuer_dn: String,
    #[serde(default)]
    pub revoked: bool,
    /// Epoch milliseconds.
    pub valid_from: i64,
    /// Epoch milliseconds.
    pub valid_to: i64,
}

/// Whether an SMS registration is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PhoneStatus {
    #[default]
    Active,
    Pending,
    /// Set by `token/update/token/status` 3.
    #[serde(rename = "temp_deactivated")]
    TempDeactivated,
    /// Set by `token/update/token/status` 4.
    Deactivated,
}

impl PhoneStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneStatus::Active => "active",
            PhoneStatus::Pending => "pending",
            PhoneStatus::TempDeactivated => "temp_deactivated",
            PhoneStatus::Deactivated => "deactivated",
        }
    }

    pub fn parse(text: &str) -> Option<PhoneStatus> {
        match text {
            "active" => Some(PhoneStatus::Active),
            "pending" => Some(PhoneStatus::Pending),
            "temp_deactivated" => Some(PhoneStatus::TempDeactivated),
            "deactivated" => Some(PhoneStatus::Deactivated),
            _ => None,
        }
    }

    /// The `status` number `user/auth/list` reports.
    pub fn list_status(self) -> u8 {
        match self {
            PhoneStatus::Active => 1,
            PhoneStatus::Pending => 3,
            PhoneStatus::TempDeactivated | PhoneStatus::Deactivated => 0,
        }
    }
}

/// A mobile number registered as a user's SMS token (one per user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneSpec {
    pub number: String,
    pub user: String,
    #[serde(default)]
    pub status: PhoneStatus,
}

/// A hardware OTP token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    pub serial: String,
    pub kind: OtpKind,
    /// The shared secret, base32 (RFC 4648; case and padding do not matter).
    pub secret: String,
    #[serde(default = "default_digits")]
    pub digits: u32,
    /// HOTP: the next counter the server expects.
    #[serde(default)]
    pub counter: u64,
    /// TOTP: step length in seconds.
    #[serde(default = "default_period")]
    pub period: u64,
    #[serde(default)]
    pub status: TokenStatus,
    #[serde(default)]
    pub fail_count: u32,
    /// How far the physical token has run away from the server: HOTP button presses the
    /// server has not seen (not negative), TOTP steps its clock is fast (negative: slow).
    #[serde(default)]
    pub device_offset: i64,
}

fn default_digits() -> u32 {
    6
}

fn default_period() -> u64 {
    30
}

/// A hardware token bound to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingSpec {
    pub user: String,
    pub token: String,
}

/// Everything a practice server starts with. Always holds at least one administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    #[serde(default)]
    pub admins: Vec<AdminCredentials>,
    #[serde(default)]
    pub users: Vec<UserSpec>,
    #[serde(default)]
    pub phones: Vec<PhoneSpec>,
    #[serde(default)]
    pub tokens: Vec<TokenSpec>,
    #[serde(default)]
    pub bindings: Vec<BindingSpec>,
    /// The app administrators sign in through (default: the practice app).
    #[serde(default)]
    pub app: AppSpec,
    /// Administrators who can sign in (`[[sign_in]]`); without `[[admins]]` the practice
    /// admin's sign-in is added.
    #[serde(default)]
    pub sign_in: Vec<SignInSpec>,
    /// SecurID 700 hardware tokens of the practice SecurID service (`[[sid_tokens]]`).
    #[serde(default)]
    pub sid_tokens: Vec<SidTokenSpec>,
}

/// A SecurID 700 hardware token, assigned to a user with a SecurID identity or in stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidTokenSpec {
    /// The number printed on the back (at most 36 characters).
    pub serial: String,
    /// The (practice) username it is assigned to; none: unassigned.
    #[serde(default)]
    pub user: Option<String>,
    /// Its name (default: the serial).
    #[serde(default)]
    pub name: Option<String>,
    /// `Enabled` (default) or `Disabled`.
    #[serde(default)]
    pub status: SecurIdStatus,
}

const DEMO_TOML: &str = include_str!("../fixtures/demo.toml");

impl Default for Fixture {
    /// No users or tokens; only the practice administrator.
    fn default() -> Fixture {
        Fixture {
            admins: vec![AdminCredentials::practice()],
            users: Vec::new(),
            phones: Vec::new(),
            tokens: Vec::new(),
            bindings: Vec::new(),
            app: AppSpec::practice(),
            sign_in: vec![SignInSpec::practice()],
            sid_tokens: Vec::new(),
        }
    }
}

impl Fixture {
    /// The built-in demo set: a dozen users in every interesting state and a stock of
    /// unbound hardware tokens (see crates/sim/README.md).
    /// Adds `n` plain active users, `user00001` … (a bulk job's or a load test's worth of
    /// people to register tokens to); a name the fixture already has is skipped.
    pub fn with_generated_users(mut self, n: usize) -> Fixture {
        let known: std::collections::HashSet<String> =
            self.users.iter().map(|u| u.username.clone()).collect();
        for i in 1..=n {
            let username = format!("user{i:05}");
            if known.contains(&username) {
                continue;
            }
            self.users.push(UserSpec {
                username,
                status: UserStatus::default(),
                device: None,
                certs: Vec::new(),
                fido: Vec::new(),
                securid: None,
                locked: false,
            });
        }
        self
    }

    pub fn demo() -> Fixture {
        Fixture::from_toml_str(DEMO_TOML).expect("the built-in demo fixture is valid")
    }

    /// Parse and check a TOML fixture. Without any `[[admins]]` the practice admin is added.
    pub fn from_toml_str(text: &str) -> Result<Fixture, SimError> {
        let mut fixture: Fixture = toml::from_str(text)?;
        if fixture.admins.is_empty() {
            fixture.admins.push(AdminCredentials::practice());
            if fixture.sign_in.is_empty() {
                fixture.sign_in.push(SignInSpec::practice());
            }
        }
        for spec in &mut fixture.sign_in {
            if let Some(phone) = spec.phone.as_mut() {
                *phone = normalize_phone(phone).ok_or_else(|| {
                    SimError::Fixture(format!(
                        "sign-in phone {phone:?} of {:?} is not a phone number",
                        spec.admin
                    ))
                })?;
            }
        }
        for phone in &mut fixture.phones {
            phone.number = normalize_phone(&phone.number).ok_or_else(|| {
                SimError::Fixture(format!("phone {:?} is not a phone number", phone.number))
            })?;
        }
        for user in &mut fixture.users {
            let Some(securid) = user.securid.as_mut() else {
                continue;
            };
            for number in [&mut securid.sms, &mut securid.voice].into_iter().flatten() {
                *number = normalize_phone(number).ok_or_else(|| {
                    SimError::Fixture(format!(
                        "SecurID number {number:?} of {:?} is not a phone number",
                        user.username
                    ))
                })?;
            }
        }
        fixture.validate()?;
        Ok(fixture)
    }

    /// Read a TOML fixture file.
    pub fn load(path: impl AsRef<Path>) -> Result<Fixture, SimError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SimError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Fixture::from_toml_str(&text)
    }

    /// The first administrator (the one a handle reports).
    pub fn first_admin(&self) -> &AdminCredentials {
        &self.admins[0]
    }

    /// Check references and uniqueness; every rule the store relies on.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |msg: String| Err(SimError::Fixture(msg));
        if self.admins.is_empty() {
            return bad("a fixture needs at least one admin".into());
        }
        let mut admins = HashSet::new();
        for admin in &self.admins {
            if admin.username.is_empty() || admin.auth_token.is_empty() {
                return bad("admin username and auth_token must not be empty".into());
            }
            if !admins.insert(admin.username.as_str()) {
                return bad(format!("admin {:?} listed twice", admin.username));
            }
        }
        if self.app.integration_key.is_empty() || self.app.secret_key.is_empty() {
            return bad("app integration_key and secret_key must not be empty".into());
        }
        let mut signing_in = HashSet::new();
        for spec in &self.sign_in {
            if spec.admin.is_empty() || spec.password.is_empty() {
                return bad("sign_in admin and password must not be empty".into());
            }
            if !signing_in.insert(spec.admin.as_str()) {
                return bad(format!("sign_in for {:?} listed twice", spec.admin));
            }
            if spec
                .otp_secret
                .as_deref()
                .is_some_and(|s| decode_secret(s).is_none())
            {
                return bad(format!(
                    "sign_in {:?}: otp_secret is not non-empty base32",
                    spec.admin
                ));
            }
        }
        let mut users = HashSet::new();
        for user in &self.users {
            if user.username.is_empty() {
                return bad("a user has an empty username".into());
            }
            if !users.insert(user.username.as_str()) {
                return bad(format!("user {:?} listed twice", user.username));
            }
            if let Some(device) = &user.device {
                if device.status > 3 {
                    return bad(format!(
                        "device status of {:?} must be 0..=3",
                        user.username
                    ));
                }
            }
        }
        let mut securid_ids = HashSet::new();
        let mut emails = HashSet::new();
        for user in &self.users {
            let Some(securid) = &user.securid else {
                continue;
            };
            let name = &user.username;
            let id = securid.user_id(name);
            if !is_securid_id(&id) {
                return bad(format!(
                    "SecurID id {id:?} of {name:?} is not 8-4-4-4-12 hex digits"
                ));
            }
            if !securid_ids.insert(id.to_ascii_lowercase()) {
                return bad(format!("SecurID id {id:?} listed twice"));
            }
            let email = securid.email.trim();
            if email.is_empty() || !email.contains('@') || email != securid.email {
                return bad(format!(
                    "SecurID email {:?} of {name:?} is not an email address",
                    securid.email
                ));
            }
            if !emails.insert(email.to_lowercase()) {
                return bad(format!("SecurID email {email:?} listed twice"));
            }
            for method in &securid.locked {
                if !securid.has(*method) {
                    return bad(format!(
                        "{name:?}: {method} is locked but that method is off"
                    ));
                }
            }
        }
        let mut numbers = HashSet::new();
        let mut phone_owners = HashSet::new();
        for phone in &self.phones {
            if !users.contains(phone.user.as_str()) {
                return bad(format!(
                    "phone {} names unknown user {:?}",
                    phone.number, phone.user
                ));
            }
            if !numbers.insert(phone.number.as_str()) {
                return bad(format!("phone {} listed twice", phone.number));
            }
            if !phone_owners.insert(phone.user.as_str()) {
                return bad(format!("user {:?} has more than one phone", phone.user));
            }
        }
        let mut serials = HashSet::new();
        for token in &self.tokens {
            if token.serial.is_empty() {
                return bad("a token has an empty serial".into());
            }
            if !serials.insert(token.serial.as_str()) {
                return bad(format!("token {:?} listed twice", token.serial));
            }
            if !(6..=8).contains(&token.digits) {
                return bad(format!("token {}: digits must be 6, 7 or 8", token.serial));
            }
            if !(1..=3600).contains(&token.period) {
                return bad(format!("token {}: period must be 1..=3600 s", token.serial));
            }
            let offset_ok = match token.kind {
                OtpKind::Hotp => token.device_offset.unsigned_abs() <= MAX_COUNTER,
                OtpKind::Totp => {
                    token.device_offset.unsigned_abs() <= MAX_DRIFT_STEPS.unsigned_abs()
                }
            };
            if token.counter > MAX_COUNTER || !offset_ok {
                return bad(format!(
                    "token {}: counter or offset too large",
                    token.serial
                ));
            }
            if token.kind == OtpKind::Hotp && token.device_offset < 0 {
                return bad(format!(
                    "token {}: an HOTP device cannot be behind the server",
                    token.serial
                ));
            }
            if decode_secret(&token.secret).is_none() {
                return bad(format!(
                    "token {}: secret is not non-empty base32",
                    token.serial
                ));
            }
        }
        let mut bound_tokens = HashSet::new();
        let mut token_owners = HashSet::new();
        for binding in &self.bindings {
            if !users.contains(binding.user.as_str()) {
                return bad(format!("binding names unknown user {:?}", binding.user));
            }
            if !serials.contains(binding.token.as_str()) {
                return bad(format!("binding names unknown token {:?}", binding.token));
            }
            if !bound_tokens.insert(binding.token.as_str()) {
                return bad(format!("token {:?} bound twice", binding.token));
            }
            if !token_owners.insert(binding.user.as_str()) {
                return bad(format!(
                    "user {:?} has more than one OTP token",
                    binding.user
                ));
            }
        }
        let mut sid_serials = HashSet::new();
        for token in &self.sid_tokens {
            let serial = token.serial.as_str();
            if serial.trim().is_empty() || serial.trim() != serial || serial.chars().count() > 36 {
                return bad(format!(
                    "SID700 serial {serial:?} must be 1 to 36 characters"
                ));
            }
            if !sid_serials.insert(serial) {
                return bad(format!("SID700 {serial:?} listed twice"));
            }
            if let Some(user) = &token.user {
                let has_identity = self
                    .users
                    .iter()
                    .any(|u| &u.username == user && u.securid.is_some());
                if !has_identity {
                    return bad(format!(
                        "SID700 {serial:?} names {user:?}, who has no SecurID identity"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Decode a base32 secret, ignoring case, spaces and padding.
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = data_encoding::BASE32_NOPAD
        .decode(cleaned.as_bytes())
        .ok()?;
    (!bytes.is_empty()).then_some(bytes)
}

/// A phone number in the one form the server stores: an optional leading `+` and 6 to 15
/// digits; spaces, dashes, dots and parentheses are dropped. `None` if it is not one.
pub fn normalize_phone(text: &str) -> Option<String> {
    let text = text.trim();
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", text),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (6..=15)
        .contains(&digits.len())
        .then(|| format!("{plus}{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_valid_and_rich() {
        let demo = Fixture::demo();
        assert_eq!(demo.first_admin().username, "practice-admin");
        assert!(demo.users.len() >= 12);
        let stock = demo
            .tokens
            .iter()
            .filter(|t| {
                t.status == TokenStatus::Deactivated
                    && !demo.bindings.iter().any(|b| b.token == t.serial)
            })
            .count();
        assert!(stock >= 10);
    }

    #[test]
    fn generated_users_are_added_once_and_stay_valid() {
        let f = Fixture::demo().with_generated_users(1000);
        assert!(f.users.iter().any(|u| u.username == "user01000"));
        let again = f.clone().with_generated_users(1000);
        assert_eq!(again.users.len(), f.users.len(), "no name twice");
        again.validate().unwrap();
    }

    #[test]
    fn empty_fixture_gets_the_practice_admin() {
        let f = Fixture::from_toml_str("").unwrap();
        assert_eq!(f.admins, vec![AdminCredentials::practice()]);
        assert_eq!(Fixture::default(), f);
    }

    #[test]
    fn rejects_inconsistent_data() {
        let cases = [
            "[[phones]]\nnumber = \"+601234567\"\nuser = \"nobody\"",
            "[[users]]\nusername = \"a\"\n[[users]]\nusername = \"a\"",
            "[[tokens]]\nserial = \"T\"\nkind = \"hotp\"\nsecret = \"not base32!\"",
            "[[tokens]]\nserial = \"T\"\nkind = \"hotp\"\nsecret = \"GEZDGNBV\"\ndigits = 5",
            "[[tokens]]\nserial = \"T\"\nkind = \"sha9\"\nsecret = \"GEZDGNBV\"",
            "[[bindings]]\nuser = \"a\"\ntoken = \"T\"",
            "surprise = 1",
            "[[tokens]]\nserial = \"T\"\nkind = \"hotp\"\nsecret = \"GEZDGNBV\"\ncounter = 18446744073709551615",
            "[[tokens]]\nserial = \"T\"\nkind = \"totp\"\nsecret = \"GEZDGNBV\"\nperiod = 0",
            "[[tokens]]\nserial = \"T\"\nkind = \"totp\"\nsecret = \"GEZDGNBV\"\ndevice_offset = -9223372036854775808",
            "[[sign_in]]\nadmin = \"a\"\npassword = \"\"",
            "[[sign_in]]\nadmin = \"a\"\npassword = \"p\"\n[[sign_in]]\nadmin = \"a\"\npassword = \"q\"",
            "[[sign_in]]\nadmin = \"a\"\npassword = \"p\"\notp_secret = \"not base32!\"",
            "[[sign_in]]\nadmin = \"a\"\npassword = \"p\"\nphone = \"call me\"",
            "[[sign_in]]\nadmin = \"a\"\npassword = \"p\"\nsurprise = 1",
            "[app]\nintegration_key = \"\"\nsecret_key = \"s\"",
        ];
        for case in cases {
            assert!(Fixture::from_toml_str(case).is_err(), "accepted: {case}");
        }
    }

    #[test]
    fn sign_in_data() {
        let demo = Fixture::demo();
        assert_eq!(demo.app, AppSpec::practice());
        assert_eq!(demo.sign_in[0], SignInSpec::practice());
        assert_eq!(demo.sign_in[0].second_factors(), ["OTP", "SMS"]);
        assert!(demo.sign_in[1].second_factors().is_empty());
        let f = Fixture::from_toml_str(
            "[[admins]]\nusername = \"a\"\nauth_token = \"t\"\nsecret_code = \"s\"\n\
             [app]\nintegration_key = \"ik\"\nsecret_key = \"sk\"\n\
             [[sign_in]]\nadmin = \"b\"\npassword = \"p\"\nphone = \"+60 12-000 9999\"\nblocked = true",
        )
        .unwrap();
        assert_eq!(f.app.secret_key, "sk");
        assert_eq!(f.sign_in[0].phone.as_deref(), Some("+60120009999"));
        assert_eq!(f.sign_in[0].second_factors(), ["SMS"]);
        // Admins listed without sign-ins: nobody signs in.
        let f = Fixture::from_toml_str(
            "[[admins]]\nusername = \"a\"\nauth_token = \"t\"\nsecret_code = \"s\"",
        )
        .unwrap();
        assert!(f.sign_in.is_empty());
        let debug = format!("{:?}", Fixture::default());
        assert!(!debug.contains(PRACTICE_ADMIN_PASSWORD), "{debug}");
        assert!(!debug.contains(PRACTICE_APP_SECRET_KEY), "{debug}");
    }

    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../README.md");
        let start = readme.find("```toml\n").expect("a TOML example") + "```toml\n".len();
        let len = readme[start..].find("```").expect("closed");
        let fixture = Fixture::from_toml_str(&readme[start..start + len]).unwrap();
        assert_eq!(fixture.phones[0].number, "+60120001012");
        assert_eq!(fixture.users[0].certs.len(), 1);
        let securid = fixture.users[0]
            .securid
            .as_ref()
            .expect("a SecurID identity");
        assert_eq!(securid.sms.as_deref(), Some("+60120001012"));
        assert_eq!(securid.locked, vec![SecurIdMethod::Token]);
        assert_eq!(securid.status, SecurIdStatus::Enabled);
        assert!(!fixture.users[0].locked);
        assert_eq!(fixture.sid_tokens[0].user.as_deref(), Some("oscar"));
    }

    #[test]
    fn sid700_tokens_and_account_locks_are_checked() {
        let user =
            "[[users]]\nusername = \"u\"\nlocked = true\n[users.securid]\nemail = \"u@x.y\"\n";
        let with = |tokens: &str| Fixture::from_toml_str(&format!("{user}{tokens}"));
        let f = with("[[sid_tokens]]\nserial = \"1\"\nuser = \"u\"\n[[sid_tokens]]\nserial = \"2\"\nstatus = \"Disabled\"").unwrap();
        assert!(f.users[0].locked);
        assert_eq!(f.sid_tokens[1].status, SecurIdStatus::Disabled);
        let long = "9".repeat(37);
        for bad in [
            "[[sid_tokens]]\nserial = \"1\"\n[[sid_tokens]]\nserial = \"1\"".to_string(),
            "[[sid_tokens]]\nserial = \"1\"\nuser = \"nobody\"".to_string(),
            "[[sid_tokens]]\nserial = \"\"".to_string(),
            format!("[[sid_tokens]]\nserial = \"{long}\""),
            "[[sid_tokens]]\nserial = \"1\"\ncolour = \"red\"".to_string(),
        ] {
            assert!(with(&bad).is_err(), "{bad}");
        }
        let no_identity =
            "[[users]]\nusername = \"v\"\n[[sid_tokens]]\nserial = \"1\"\nuser = \"v\"";
        assert!(Fixture::from_toml_str(no_identity).is_err());
    }

    #[test]
    fn securid_identities_are_checked() {
        let user =
            |securid: &str| format!("[[users]]\nusername = \"a\"\n[users.securid]\n{securid}");
        let ok = Fixture::from_toml_str(&user(
            "email = \"a@example.com\"\nstatus = \"disabled\"\nvoice = \"+60 1 2345 678\"\nlocked = [\"VOICE\", \"TOKEN\"]",
        ))
        .unwrap();
        let spec = ok.users[0].securid.as_ref().unwrap();
        assert_eq!(spec.status, SecurIdStatus::Disabled);
        assert_eq!(spec.voice.as_deref(), Some("+6012345678"));
        assert_eq!(spec.identity_source, DEFAULT_IDENTITY_SOURCE);
        assert_eq!(spec.user_id("a"), derived_securid_id("a"));
        assert!(is_securid_id(&derived_securid_id("a")));
        assert_ne!(derived_securid_id("a"), derived_securid_id("b"));
        for bad in [
            user(""),
            user("email = \"not an email\""),
            user("email = \"a@example.com\"\nlocked = [\"SMS\"]"),
            user("email = \"a@example.com\"\nlocked = [\"EMAIL\"]"),
            user("email = \"a@example.com\"\nsms = \"call me\""),
            user("email = \"a@example.com\"\nid = \"12345\""),
            user("email = \"a@example.com\"\nstatus = \"Locked\""),
            user("email = \"a@example.com\"\nsurprise = 1"),
            format!(
                "{}\n[[users]]\nusername = \"b\"\n[users.securid]\nemail = \"A@example.com\"",
                user("email = \"a@example.com\"")
            ),
            format!(
                "{}\n[[users]]\nusername = \"b\"\n[users.securid]\nemail = \"b@example.com\"\nid = \"{}\"",
                user("email = \"a@example.com\""),
                derived_securid_id("a").to_uppercase()
            ),
        ] {
            assert!(Fixture::from_toml_str(&bad).is_err(), "accepted: {bad}");
        }
    }

    #[test]
    fn securid_method_names() {
        for method in SecurIdMethod::ALL {
            assert_eq!(SecurIdMethod::parse(method.as_str()), Some(method));
        }
        assert_eq!(SecurIdMethod::parse("sms"), None);
        assert!(is_securid_id("F10D0514-7dd1-4a13-a30e-236d0e65b56a"));
        assert!(!is_securid_id("f10d0514-7dd1-4a13-a30e-236d0e65b56"));
        assert!(!is_securid_id("f10d0514-7dd1-4a13-a30e236d0e65b56a0"));
    }

    #[test]
    fn phone_normalisation() {
        assert_eq!(
            normalize_phone(" +60 12-000 1001 ").as_deref(),
            Some("+60120001001")
        );
        assert_eq!(normalize_phone("0120001001").as_deref(), Some("0120001001"));
        assert_eq!(normalize_phone("12345"), None);
        assert_eq!(normalize_phone("+60 12 abc"), None);
        assert_eq!(normalize_phone(""), None);
    }

    #[test]
    fn secrets_decode_leniently() {
        assert_eq!(decode_secret("gezd gnbv").unwrap(), b"12345");
        assert_eq!(decode_secret("GEZDGNBV").unwrap(), b"12345");
        assert!(decode_secret("").is_none());
    }
}
