//! Administrator sign-in through real HTTP: authBasic, the OTP and SMS second factors, the
//! checks (hmac, timestamp, password, codes, SMS resend), blocked admins, session expiry and
//! logout, both base paths, loose answers. The `hmac` is computed here with the `hmac` crate,
//! independently of the server's code, and pinned to vectors computed with Python.

mod common;

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokendesk_sim::{
    cen_token, spawn, AnswerStyle, Fixture, SimConfig, SimHandle, PRACTICE_APP_SECRET_KEY,
    PRACTICE_INTEGRATION_KEY,
};

use common::http;

const ADMIN: &str = "practice-admin";
const PASSWORD: &str = "practice-password";
/// Signs in with the password alone (demo fixture).
const PLAIN_ADMIN: &str = "helpdesk-2";
const PLAIN_PASSWORD: &str = "helpdesk-2-password";

/// Lowercase hex HMAC-SHA256 keyed with the practice app's Secret Key over `parts` joined.
fn sign_with(key: &str, parts: &[&str]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(parts.concat().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn sign(parts: &[&str]) -> String {
    sign_with(PRACTICE_APP_SECRET_KEY, parts)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn the_signature_matches_vectors_computed_outside_rust() {
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"practice-app-secret-key",
    //   b"practice-admin"+b"practice-password"+b"practice-integration-key"+b"1767225600",
    //   hashlib.sha256).hexdigest())'
    assert_eq!(
        sign(&[ADMIN, PASSWORD, PRACTICE_INTEGRATION_KEY, "1767225600"]),
        "8311903292dcc7cc97d4f458ea1eb6ed0e1543d5edf726756b8197caa460a391"
    );
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"practice-app-secret-key",
    //   b"practice-admin"+b"123456"+b"practice-integration-key"+b"1767225600"+b"step-one-token",
    //   hashlib.sha256).hexdigest())'
    assert_eq!(
        sign(&[
            ADMIN,
            "123456",
            PRACTICE_INTEGRATION_KEY,
            "1767225600",
            "step-one-token"
        ]),
        "2f633bd39721854f498cc02f5c3d90452ec6af0f5404501fde346c866a7797e7"
    );
}

/// `code` as a number and `object` as JSON, whether the answer was strict or loose.
fn normalise(mut answer: Value) -> (u64, Value) {
    let code = match &answer["code"] {
        Value::Number(n) => n.as_u64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("code {other}"),
    };
    let object = match answer["object"].take() {
        Value::String(text) => serde_json::from_str(&text).expect("JSON inside the string"),
        other => other,
    };
    (code, object)
}

async fn post(url: String, body: Value) -> (u64, Value) {
    let response = http()
        .post(url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    normalise(response.json().await.expect("a JSON answer"))
}

/// A sign-in client of one server under one auth base URL.
struct Client<'a> {
    sim: &'a SimHandle,
    base: String,
}

impl<'a> Client<'a> {
    fn new(sim: &'a SimHandle) -> Client<'a> {
        Client {
            sim,
            base: sim.base_url(),
        }
    }

    fn v2(sim: &'a SimHandle) -> Client<'a> {
        Client {
            sim,
            base: sim.v2_base_url(),
        }
    }

    async fn basic_at(&self, user: &str, password: &str, ts: u64, key: &str) -> (u64, Value) {
        let ts = ts.to_string();
        let hmac = sign_with(key, &[user, password, PRACTICE_INTEGRATION_KEY, &ts]);
        post(
            format!("{}/auth/authBasic", self.base),
            json!({"username": user, "password": password,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts, "hmac": hmac}),
        )
        .await
    }

    async fn basic(&self, user: &str, password: &str) -> (u64, Value) {
        self.basic_at(user, password, now(), PRACTICE_APP_SECRET_KEY)
            .await
    }

    async fn otp(&self, user: &str, code: &str, auth_token: &str) -> (u64, Value) {
        let ts = now().to_string();
        let hmac = sign(&[user, code, PRACTICE_INTEGRATION_KEY, &ts, auth_token]);
        post(
            format!("{}/auth/authOtp", self.base),
            json!({"username": user, "otp": code, "authToken": auth_token,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts, "hmac": hmac}),
        )
        .await
    }

    async fn request_sms(&self, user: &str, auth_token: &str) -> (u64, Value) {
        let ts = now().to_string();
        let hmac = sign(&[user, PRACTICE_INTEGRATION_KEY, &ts, auth_token]);
        let path = if self.base.contains("/v2/") {
            "req/requestSmsOtp"
        } else {
            "auth/requestSmsOtp"
        };
        post(
            format!("{}/{path}", self.base),
            json!({"username": user, "authToken": auth_token,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts, "hmac": hmac}),
        )
        .await
    }

    async fn sms(&self, user: &str, code: &str, auth_token: &str) -> (u64, Value) {
        let ts = now().to_string();
        let hmac = sign(&[user, code, PRACTICE_INTEGRATION_KEY, &ts, auth_token]);
        post(
            format!("{}/auth/authSmsOtp", self.base),
            json!({"username": user, "smsOtp": code, "authToken": auth_token,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts, "hmac": hmac}),
        )
        .await
    }

    async fn logout(&self, user: &str, auth_token: &str) -> (u64, Value) {
        let ts = now().to_string();
        let hmac = sign(&[user, PRACTICE_INTEGRATION_KEY, &ts, auth_token]);
        post(
            format!("{}/auth/logout", self.base),
            json!({"username": user, "authToken": auth_token,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts, "hmac": hmac}),
        )
        .await
    }

    /// An admin call (`user/auth/list` of alice) signed with this session: its code.
    async fn admin_call(&self, admin: &str, session: &Value) -> u64 {
        self.admin_put(
            admin,
            session,
            "user/auth/list",
            json!({"username": "alice"}),
        )
        .await
    }

    /// Any admin call signed with this session: its code.
    async fn admin_put(&self, admin: &str, session: &Value, path: &str, mut body: Value) -> u64 {
        body["cenToken"] = json!(cen_token(
            admin,
            session["authToken"].as_str().unwrap(),
            session["secretCode"].as_str().unwrap(),
        ));
        let response = http()
            .put(format!("{}/{path}/{admin}", self.sim.base_url()))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        normalise(response.json().await.unwrap()).0
    }

    async fn practice(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.sim.practice_url().unwrap());
        let response = http().get(url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }
}

async fn with_config(edit: impl FnOnce(&mut SimConfig)) -> SimHandle {
    let mut config = SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        ..SimConfig::default()
    };
    edit(&mut config);
    spawn(config).await.expect("practice server starts")
}

#[tokio::test]
async fn the_password_alone_signs_in_an_admin_without_a_second_factor() {
    let sim = common::demo().await;
    let c = Client::new(&sim);
    let (code, object) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
    assert_eq!(code, 0, "{object}");
    assert_eq!(object["multiStepAuth"], "false");
    assert_eq!(object["authMethods"], "PASS");
    assert_eq!(object["sessionTimeout"], 1_800_000);
    assert!(!object["secretCode"].as_str().unwrap().is_empty());
    assert!(!object["authToken"].as_str().unwrap().is_empty());
    assert_eq!(c.admin_call(PLAIN_ADMIN, &object).await, 0);
    // The help-desk calls take the session too; an admin cannot unlock its own account.
    let unlock = |who: &str| json!({ "lockedUsername": who });
    let path = "user/unlockUser";
    assert_eq!(
        c.admin_put(PLAIN_ADMIN, &object, path, unlock("rupert"))
            .await,
        0
    );
    assert_eq!(
        c.admin_put(PLAIN_ADMIN, &object, path, unlock(PLAIN_ADMIN))
            .await,
        22006
    );
    // Not another admin's session, and the fixed fixture admin still works.
    assert_eq!(c.admin_call(ADMIN, &object).await, 10001);
    let fixed = json!({"authToken": sim.admin().auth_token, "secretCode": sim.admin().secret_code});
    assert_eq!(c.admin_call(ADMIN, &fixed).await, 0);
}

#[tokio::test]
async fn the_otp_second_factor_completes_the_sign_in() {
    let sim = common::demo().await;
    let c = Client::new(&sim);
    let (code, step) = c.basic(ADMIN, PASSWORD).await;
    assert_eq!(code, 0);
    assert_eq!(step["multiStepAuth"], "true");
    assert_eq!(step["secretCode"], "");
    assert_eq!(step["authMethods"], "OTP,SMS");
    let step_token = step["authToken"].as_str().unwrap().to_string();
    // The first step's token is no session.
    assert_eq!(c.admin_call(ADMIN, &step).await, 10001);

    let codes = c.practice("/admins/practice-admin/codes").await;
    let current = codes["current"].as_str().unwrap().to_string();
    let next = codes["next"][0].as_str().unwrap().to_string();
    let wrong = ["111111", "222222", "333333"]
        .into_iter()
        .find(|w| *w != current && *w != next)
        .unwrap();
    assert_eq!(c.otp(ADMIN, wrong, &step_token).await.0, 23001);
    assert_eq!(c.otp(ADMIN, &current, "no-such-step").await.0, 23016);
    assert_eq!(c.otp(PLAIN_ADMIN, &current, &step_token).await.0, 23019);

    let (code, session) = c.otp(ADMIN, &current, &step_token).await;
    assert_eq!(code, 0, "{session}");
    assert_eq!(session["multiStepAuth"], "false");
    assert_ne!(session["authToken"], step_token.as_str());
    assert!(!session["secretCode"].as_str().unwrap().is_empty());
    assert_eq!(c.admin_call(ADMIN, &session).await, 0);
    // The step is used up, and so is the code.
    assert_eq!(c.otp(ADMIN, &current, &step_token).await.0, 23016);
    let (_, again) = c.basic(ADMIN, PASSWORD).await;
    let again = again["authToken"].as_str().unwrap().to_string();
    assert_eq!(c.otp(ADMIN, &current, &again).await.0, 23001);
}

#[tokio::test]
async fn the_sms_second_factor_under_both_base_paths() {
    let sim = common::demo().await;
    for c in [Client::new(&sim), Client::v2(&sim)] {
        sim.controls().reset().await.unwrap();
        let (_, step) = c.basic(ADMIN, PASSWORD).await;
        let step_token = step["authToken"].as_str().unwrap().to_string();
        // No code requested yet.
        assert_eq!(c.sms(ADMIN, "123456", &step_token).await.0, 23010);
        let (code, sent) = c.request_sms(ADMIN, &step_token).await;
        assert_eq!(code, 0, "{sent}");
        assert_eq!(sent["phone"], "+60120009001");
        assert_eq!(sent["timeout"], 300);
        let shown = c.practice("/admins/practice-admin/sms").await;
        let sms_code = shown["code"].as_str().unwrap().to_string();
        assert_eq!(
            sent["smsOtp"],
            sms_code.as_str(),
            "the vendor returns the code"
        );
        // Too soon for another.
        assert_eq!(c.request_sms(ADMIN, &step_token).await.0, 23002);
        let wrong = if sms_code == "000000" {
            "000001"
        } else {
            "000000"
        };
        assert_eq!(c.sms(ADMIN, wrong, &step_token).await.0, 23008);
        let (code, session) = c.sms(ADMIN, &sms_code, &step_token).await;
        assert_eq!(code, 0, "{session}");
        assert_eq!(session["multiStepAuth"], "false");
        assert_eq!(c.admin_call(ADMIN, &session).await, 0);
        // The code is used up.
        let (_, step) = c.basic(ADMIN, PASSWORD).await;
        let step_token = step["authToken"].as_str().unwrap();
        assert_eq!(c.sms(ADMIN, &sms_code, step_token).await.0, 23010);
    }
    // An admin without a phone, and an unknown one.
    let c = Client::new(&sim);
    assert_eq!(c.request_sms(PLAIN_ADMIN, "").await.0, 22005);
    assert_eq!(c.request_sms("nobody", "").await.0, 22002);
}

#[tokio::test]
async fn wrong_passwords_signatures_and_timestamps_are_refused() {
    let sim = common::demo().await;
    for c in [Client::new(&sim), Client::v2(&sim)] {
        assert_eq!(c.basic(ADMIN, "wrong").await.0, 23001);
        assert_eq!(c.basic("nobody", PASSWORD).await.0, 23001);
        let t = now();
        assert_eq!(c.basic_at(ADMIN, PASSWORD, t, "other-key").await.0, 23022);
        assert_eq!(
            c.basic_at(ADMIN, PASSWORD, t - 600, PRACTICE_APP_SECRET_KEY)
                .await
                .0,
            23023
        );
        assert_eq!(
            c.basic_at(ADMIN, PASSWORD, t + 600, PRACTICE_APP_SECRET_KEY)
                .await
                .0,
            23023
        );
        // Within the window either way.
        assert_eq!(
            c.basic_at(
                PLAIN_ADMIN,
                PLAIN_PASSWORD,
                t - 200,
                PRACTICE_APP_SECRET_KEY
            )
            .await
            .0,
            0
        );
    }
    let base = sim.base_url();
    let ts = now().to_string();
    let good = sign(&[ADMIN, PASSWORD, PRACTICE_INTEGRATION_KEY, &ts]);
    let body = |hmac: &str| {
        json!({"username": ADMIN, "password": PASSWORD, "integrationKey": PRACTICE_INTEGRATION_KEY,
               "unixTimestamp": ts, "hmac": hmac})
    };
    let url = format!("{base}/auth/authBasic");
    // Upper-case hex, another field order, the timestamp in milliseconds.
    assert_eq!(post(url.clone(), body(&good.to_uppercase())).await.0, 23022);
    let reordered = sign(&[PASSWORD, ADMIN, PRACTICE_INTEGRATION_KEY, &ts]);
    assert_eq!(post(url.clone(), body(&reordered)).await.0, 23022);
    let ms = (now() * 1000).to_string();
    let hmac = sign(&[ADMIN, PASSWORD, PRACTICE_INTEGRATION_KEY, &ms]);
    let mut in_ms = body(&hmac);
    in_ms["unixTimestamp"] = json!(ms);
    assert_eq!(post(url.clone(), in_ms).await.0, 23023);
    // Another integration key, a missing field, a number instead of a string.
    let mut other_app = body(&good);
    other_app["integrationKey"] = json!("other-app");
    assert_eq!(post(url.clone(), other_app).await.0, 23022);
    let mut missing = body(&good);
    missing.as_object_mut().unwrap().remove("password");
    assert_eq!(post(url.clone(), missing).await.0, 10002);
    let mut number = body(&good);
    number["unixTimestamp"] = json!(now());
    assert_eq!(post(url.clone(), number).await.0, 10002);
    // The optional fields, when sent, are signed in the PDF / demo order.
    let hmac = sign(&[
        ADMIN,
        PASSWORD,
        PRACTICE_INTEGRATION_KEY,
        &ts,
        "",
        "10.0.0.1",
        "TokenDesk",
        "",
    ]);
    let mut with_optional = body(&hmac);
    with_optional["ipAddress"] = json!("10.0.0.1");
    with_optional["userAgent"] = json!("TokenDesk");
    assert_eq!(post(url.clone(), with_optional).await.0, 0);
    // The unversioned base has no req/requestSmsOtp.
    let response = http()
        .post(format!("{base}/req/requestSmsOtp"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_blocked_admin_is_told_so() {
    let sim = common::demo().await;
    let c = Client::new(&sim);
    let url = format!(
        "{}/admins/practice-admin/blocked",
        sim.practice_url().unwrap()
    );
    let response = http()
        .post(&url)
        .body(r#"{"blocked":true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (code, object) = c.basic(ADMIN, PASSWORD).await;
    assert_eq!(code, 0);
    assert_eq!(object["multiStepAuth"], "blocked");
    assert_eq!(object["authToken"], "");
    assert_eq!(object["secretCode"], "");
    // A wrong password is still just wrong.
    assert_eq!(c.basic(ADMIN, "wrong").await.0, 23001);
    http()
        .post(&url)
        .body(r#"{"blocked":false}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(c.basic(ADMIN, PASSWORD).await.1["multiStepAuth"], "true");

    // Or blocked from the start, in the fixture.
    let sim = with_config(|config| {
        config
            .fixture
            .sign_in
            .iter_mut()
            .for_each(|s| s.blocked = true)
    })
    .await;
    let c = Client::new(&sim);
    let (_, object) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
    assert_eq!(object["multiStepAuth"], "blocked");
    let admins = c.practice("/admins").await;
    assert_eq!(admins[0]["blocked"], true);
}

#[tokio::test]
async fn sessions_expire_after_the_session_timeout() {
    // 3 s: long enough for the first call even on a loaded machine.
    let sim = with_config(|config| config.session_timeout = Duration::from_secs(3)).await;
    let c = Client::new(&sim);
    let (_, session) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
    assert_eq!(session["sessionTimeout"], 3000);
    assert_eq!(c.admin_call(PLAIN_ADMIN, &session).await, 0);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(c.admin_call(PLAIN_ADMIN, &session).await, 10001);
    // The fixture's fixed credentials never expire.
    let fixed = json!({"authToken": sim.admin().auth_token, "secretCode": sim.admin().secret_code});
    assert_eq!(c.admin_call(ADMIN, &fixed).await, 0);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let sim = common::demo().await;
    for c in [Client::new(&sim), Client::v2(&sim)] {
        let (_, first) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
        let (_, second) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
        let token = first["authToken"].as_str().unwrap();
        // Another admin cannot end it.
        assert_eq!(c.logout(ADMIN, token).await.0, 0);
        assert_eq!(c.admin_call(PLAIN_ADMIN, &first).await, 0);
        let (code, object) = c.logout(PLAIN_ADMIN, token).await;
        assert_eq!((code, object), (0, Value::Null));
        assert_eq!(c.admin_call(PLAIN_ADMIN, &first).await, 10001);
        // Other sessions live on; logging out twice is no error.
        assert_eq!(c.admin_call(PLAIN_ADMIN, &second).await, 0);
        assert_eq!(c.logout(PLAIN_ADMIN, token).await.0, 0);
        // A logout with a bad signature is refused and ends nothing.
        let ts = now().to_string();
        let second_token = second["authToken"].as_str().unwrap();
        let (code, _) = post(
            format!("{}/auth/logout", c.base),
            json!({"username": PLAIN_ADMIN, "authToken": second_token,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts,
                   "hmac": sign(&[PLAIN_ADMIN, second_token])}),
        )
        .await;
        assert_eq!(code, 23022);
        assert_eq!(c.admin_call(PLAIN_ADMIN, &second).await, 0);
    }
}

#[tokio::test]
async fn the_practice_panel_ends_an_admins_sessions() {
    let sim = common::demo().await;
    let c = Client::new(&sim);
    let (_, first) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
    let (_, second) = c.basic(PLAIN_ADMIN, PLAIN_PASSWORD).await;
    assert_eq!(c.admin_call(PLAIN_ADMIN, &first).await, 0);
    let end = |admin: &str| {
        http()
            .post(format!(
                "{}/admins/{admin}/end-sessions",
                sim.practice_url().unwrap()
            ))
            .send()
    };
    let response = end(PLAIN_ADMIN).await.unwrap();
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["sessions"], 0, "{view}");
    for session in [&first, &second] {
        assert_eq!(c.admin_call(PLAIN_ADMIN, session).await, 10001);
    }
    // The fixture's fixed credentials are no session: they still work.
    let fixed = json!({"authToken": sim.admin().auth_token, "secretCode": sim.admin().secret_code});
    assert_eq!(c.admin_call(ADMIN, &fixed).await, 0);
    assert_eq!(end("nobody").await.unwrap().status(), 404);
}

#[tokio::test]
async fn loose_answers_carry_the_object_as_json_in_a_string() {
    let sim = with_config(|config| config.answers = AnswerStyle::Loose).await;
    let ts = now().to_string();
    let hmac = sign(&[PLAIN_ADMIN, PLAIN_PASSWORD, PRACTICE_INTEGRATION_KEY, &ts]);
    let answer: Value = http()
        .post(format!("{}/auth/authBasic", sim.v2_base_url()))
        .body(
            json!({"username": PLAIN_ADMIN, "password": PLAIN_PASSWORD,
                   "integrationKey": PRACTICE_INTEGRATION_KEY, "unixTimestamp": ts, "hmac": hmac})
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], "0");
    let object: Value = serde_json::from_str(answer["object"].as_str().unwrap()).unwrap();
    assert_eq!(object["multiStepAuth"], "false");
    let c = Client::new(&sim);
    assert_eq!(c.admin_call(PLAIN_ADMIN, &object).await, 0);
    let (code, _) = c.basic(ADMIN, "wrong").await;
    assert_eq!(code, 23001);
}
