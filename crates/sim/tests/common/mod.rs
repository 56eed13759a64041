//! Helpers for driving a practice server over real HTTP.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tokendesk_sim::{spawn, DbLocation, Fixture, SimConfig, SimHandle, PRACTICE_KEY_PEM};

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client")
}

/// The demo data set, in memory, with the practice routes.
pub async fn demo() -> SimHandle {
    spawn(SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        ..SimConfig::default()
    })
    .await
    .expect("practice server starts")
}

pub async fn demo_at(db: DbLocation) -> SimHandle {
    spawn(SimConfig {
        fixture: Fixture::demo(),
        db,
        practice: true,
        ..SimConfig::default()
    })
    .await
    .expect("practice server starts")
}

/// A vendor call: PUT `{base}/{path}/{admin}` with `body` plus the admin's cenToken.
pub async fn call(sim: &SimHandle, path: &str, body: Value) -> Value {
    let mut body = body;
    body["cenToken"] = json!(sim.admin().cen_token());
    put_raw(sim, path, &sim.admin().username, body.to_string()).await
}

/// A vendor call with exactly this admin segment and body text.
pub async fn put_raw(sim: &SimHandle, path: &str, admin: &str, body: String) -> Value {
    let url = format!("{}/{path}/{admin}", sim.base_url());
    let response = http()
        .put(url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(body)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200, "vendor answers are always HTTP 200");
    let answer: Value = response.json().await.expect("a JSON answer");
    assert!(answer.get("code").is_some(), "no code in {answer}");
    assert!(answer.get("message").is_some(), "no message in {answer}");
    assert!(answer.get("object").is_some(), "no object in {answer}");
    answer
}

pub fn code(answer: &Value) -> u64 {
    answer["code"]
        .as_u64()
        .unwrap_or_else(|| panic!("numeric code in {answer}"))
}

pub async fn list(sim: &SimHandle, user: &str) -> Value {
    call(sim, "user/auth/list", json!({ "username": user })).await
}

/// The status `user/auth/list` reports for the user's entry `sn`.
pub async fn listed_status(sim: &SimHandle, user: &str, sn: &str) -> Option<u64> {
    let answer = list(sim, user).await;
    answer["object"]["tokenList"]
        .as_array()?
        .iter()
        .find(|t| t["sn"] == sn)
        .and_then(|t| t["status"].as_u64())
}

pub async fn register(sim: &SimHandle, user: &str, sn: &str, kind: Value) -> Value {
    call(
        sim,
        "token/registerActiveToken",
        json!({ "username": user, "tokenSn": sn, "tokenType": kind }),
    )
    .await
}

pub async fn sync(sim: &SimHandle, user: &str, otp1: &str, otp2: &str) -> Value {
    call(
        sim,
        "token/syncToken",
        json!({ "username": user, "otpStr1": otp1, "otpStr2": otp2 }),
    )
    .await
}

pub async fn unlock(sim: &SimHandle, user: &str) -> Value {
    call(sim, "token/unlockToken", json!({ "username": user })).await
}

fn practice_url(sim: &SimHandle, path: &str) -> String {
    format!("{}{path}", sim.practice_url().expect("practice routes on"))
}

pub async fn practice_get(sim: &SimHandle, path: &str) -> (u16, Value) {
    let response = http()
        .get(practice_url(sim, path))
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn practice_post(sim: &SimHandle, path: &str, body: Value) -> (u16, Value) {
    let response = http()
        .post(practice_url(sim, path))
        .json(&body)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What the device shows now: (current, next codes).
pub async fn device_codes(sim: &SimHandle, serial: &str, count: usize) -> (String, Vec<String>) {
    let (status, body) = practice_get(sim, &format!("/tokens/{serial}/codes?count={count}")).await;
    assert_eq!(status, 200, "{body}");
    let current = body["current"].as_str().expect("current").to_string();
    let next = body["next"]
        .as_array()
        .expect("next")
        .iter()
        .map(|c| c.as_str().expect("code").to_string())
        .collect();
    (current, next)
}

pub async fn login(sim: &SimHandle, user: &str, code: &str) -> Value {
    let (status, body) =
        practice_post(sim, "/login", json!({ "username": user, "code": code })).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The demo token with this serial, from the fixture.
pub fn demo_secret(serial: &str) -> Vec<u8> {
    let spec = Fixture::demo()
        .tokens
        .into_iter()
        .find(|t| t.serial == serial)
        .expect("demo token");
    data_encoding_decode(&spec.secret)
}

fn data_encoding_decode(text: &str) -> Vec<u8> {
    // RFC 4648 base32 without padding, decoded by hand to keep the test independent.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = alphabet
            .iter()
            .position(|a| *a == c.to_ascii_uppercase())
            .expect("base32") as u64;
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

// ---------------------------------------------------------------- SecurID

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Claims a good client sends: issued now, valid for five minutes.
pub fn claims(sim: &SimHandle) -> Value {
    let now = now();
    json!({
        "sub": sim.securid_access_id(),
        "aud": sim.securid_url(),
        "iat": now,
        "exp": now + 300,
    })
}

pub fn sign_with(claims: &Value, pem: &str) -> String {
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("an RSA key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("signed")
}

pub fn sign(claims: &Value) -> String {
    sign_with(claims, PRACTICE_KEY_PEM)
}

pub fn token(sim: &SimHandle) -> String {
    sign(&claims(sim))
}

pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Value,
}

pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"));
    Answer {
        status,
        retry_after,
        body,
    }
}

/// A SecurID call with a good token: `path` after `/AdminInterface/restapi/` (`v1/...`,
/// `v2/...`), a JSON body when given.
pub async fn securid(
    sim: &SimHandle,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut request = http()
        .request(
            method,
            format!("{}/AdminInterface/restapi/{path}", sim.origin()),
        )
        .header("Authorization", format!("Bearer {}", token(sim)));
    if let Some(body) = body {
        request = request.json(&body);
    }
    send(request).await
}
