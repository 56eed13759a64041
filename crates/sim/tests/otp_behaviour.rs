//! Resync windows, drift, logins, locks and the practice controls, over HTTP.

mod common;

use common::*;
use serde_json::json;
use tokendesk_sim::{hotp, spawn, Fixture, SimConfig};

async fn drift(
    sim: &tokendesk_sim::SimHandle,
    serial: &str,
    steps: i64,
) -> (u16, serde_json::Value) {
    practice_post(
        sim,
        &format!("/tokens/{serial}/drift"),
        json!({ "steps": steps }),
    )
    .await
}

#[tokio::test]
async fn hotp_resync_far_ahead_within_the_window() {
    let sim = demo().await;
    // frank's device is 150 presses ahead (counter 7); push it to 957, i.e. 950 ahead.
    assert_eq!(drift(&sim, "HW-2005", 800).await.0, 200);
    let (current, next) = device_codes(&sim, "HW-2005", 1).await;
    assert_eq!(login(&sim, "frank", &current).await["accepted"], false);
    assert_eq!(code(&sync(&sim, "frank", &current, &next[0]).await), 0);
    // The same two codes again are used up.
    assert_eq!(code(&sync(&sim, "frank", &current, &next[0]).await), 54002);
    // The device's next code logs in now.
    let (current, _) = device_codes(&sim, "HW-2005", 0).await;
    assert_eq!(login(&sim, "frank", &current).await["accepted"], true);
    sim.shutdown().await;
}

#[tokio::test]
async fn hotp_resync_window_edges_and_order() {
    let sim = demo().await;
    let secret = demo_secret("HW-2001");
    let at = |c: u64| hotp(&secret, c, 6);
    // bob's server counter is 12: the look-ahead covers counters 12..=1011 for otp1.
    assert_eq!(
        code(&sync(&sim, "bob", &at(12 + 1000), &at(12 + 1001)).await),
        54002
    );
    // otp2 must be the very next code.
    assert_eq!(code(&sync(&sim, "bob", &at(20), &at(22)).await), 54002);
    assert_eq!(code(&sync(&sim, "bob", &at(21), &at(20)).await), 54002);
    assert_eq!(
        code(&sync(&sim, "bob", &at(12 + 999), &at(12 + 1000)).await),
        0
    );
    // Everything at or below the used counter is refused now, by sync and login alike.
    assert_eq!(code(&sync(&sim, "bob", &at(500), &at(501)).await), 54002);
    assert_eq!(
        code(&sync(&sim, "bob", &at(12 + 999), &at(12 + 1000)).await),
        54002
    );
    assert_eq!(login(&sim, "bob", &at(12 + 1000)).await["accepted"], false);
    assert_eq!(login(&sim, "bob", &at(12 + 1001)).await["accepted"], true);
    sim.shutdown().await;
}

#[tokio::test]
async fn totp_drift_is_learned_by_resync_and_used_by_later_logins() {
    let sim = demo().await;
    // erin's token runs 20 steps fast: outside the ±1 step a login allows.
    let (current, next) = device_codes(&sim, "HW-2004", 3).await;
    let rejected = login(&sim, "erin", &current).await;
    assert_eq!(rejected["accepted"], false, "{rejected}");
    assert_eq!(rejected["token"]["failCount"], 1);
    assert_eq!(code(&sync(&sim, "erin", &current, &next[0]).await), 0);
    let (_, view) = practice_get(&sim, "/tokens/HW-2004").await;
    let learned = view["drift"].as_i64().unwrap();
    assert!((20..=22).contains(&learned), "learned drift {learned}");
    assert_eq!(view["failCount"], 0, "a resync resets the fail counter");
    // Replaying the resync codes fails; a later code from the device logs in.
    assert_eq!(code(&sync(&sim, "erin", &current, &next[0]).await), 54002);
    let accepted = login(&sim, "erin", &next[1]).await;
    assert_eq!(accepted["accepted"], true, "{accepted}");
    // ...and that code cannot be used twice.
    assert_eq!(login(&sim, "erin", &next[1]).await["accepted"], false);
    sim.shutdown().await;
}

#[tokio::test]
async fn totp_resync_searches_about_a_day() {
    let sim = demo().await;
    // oscar's 8-digit token, period 30: a day is 2880 steps.
    assert_eq!(drift(&sim, "HW-2009", 2900).await.0, 200);
    let (current, next) = device_codes(&sim, "HW-2009", 1).await;
    assert_eq!(current.len(), 8);
    assert_eq!(code(&sync(&sim, "oscar", &current, &next[0]).await), 54002);
    assert_eq!(drift(&sim, "HW-2009", -100).await.0, 200);
    let (current, next) = device_codes(&sim, "HW-2009", 1).await;
    assert_eq!(code(&sync(&sim, "oscar", &current, &next[0]).await), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn totp_resync_of_a_slow_clock() {
    let sim = demo().await;
    // dave's token is suspended: unsuspend it, then let its clock fall 2000 steps behind.
    assert_eq!(code(&unlock(&sim, "dave").await), 0);
    assert_eq!(drift(&sim, "HW-2003", -2000).await.0, 200);
    let (current, next) = device_codes(&sim, "HW-2003", 2).await;
    assert_eq!(login(&sim, "dave", &current).await["accepted"], false);
    assert_eq!(code(&sync(&sim, "dave", &current, &next[0]).await), 0);
    let (_, view) = practice_get(&sim, "/tokens/HW-2003").await;
    let learned = view["drift"].as_i64().unwrap();
    assert!(
        (-2000..=-1998).contains(&learned),
        "learned drift {learned}"
    );
    assert_eq!(login(&sim, "dave", &next[1]).await["accepted"], true);
    sim.shutdown().await;
}

#[tokio::test]
async fn five_failed_logins_lock_then_unlock_restores() {
    let sim = demo().await;
    for attempt in 1..=4 {
        let answer = login(&sim, "bob", "000000").await;
        assert_eq!(answer["accepted"], false);
        assert_eq!(answer["token"]["failCount"], attempt);
        assert_eq!(answer["token"]["status"], "active");
    }
    let fifth = login(&sim, "bob", "000000").await;
    assert_eq!(fifth["token"]["status"], "locked", "{fifth}");
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(2));
    // The right code does not get through a lock.
    let (current, _) = device_codes(&sim, "HW-2001", 0).await;
    let refused = login(&sim, "bob", &current).await;
    assert_eq!(refused["outcome"], "notUsable", "{refused}");
    // The administrator unlocks: active, fail counter back to zero, the code works.
    assert_eq!(code(&unlock(&sim, "bob").await), 0);
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(1));
    let ok = login(&sim, "bob", &current).await;
    assert_eq!(ok["accepted"], true, "{ok}");
    assert_eq!(ok["token"]["failCount"], 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_good_login_resets_the_fail_counter() {
    let sim = demo().await;
    for _ in 0..4 {
        login(&sim, "bob", "000000").await;
    }
    let (current, _) = device_codes(&sim, "HW-2001", 0).await;
    assert_eq!(login(&sim, "bob", &current).await["token"]["failCount"], 0);
    for _ in 0..4 {
        login(&sim, "bob", "000000").await;
    }
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(1));
    sim.shutdown().await;
}

#[tokio::test]
async fn resync_of_a_locked_token_keeps_the_lock() {
    let sim = demo().await;
    let (current, next) = device_codes(&sim, "HW-2002", 1).await;
    assert_eq!(code(&sync(&sim, "carol", &current, &next[0]).await), 0);
    assert_eq!(listed_status(&sim, "carol", "HW-2002").await, Some(2));
    let (_, view) = practice_get(&sim, "/tokens/HW-2002").await;
    assert_eq!(view["failCount"], 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn practice_lock_suspend_and_errors() {
    let sim = demo().await;
    let (status, view) = practice_post(&sim, "/tokens/HW-2001/lock", json!({})).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("locked")));
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(2));
    assert_eq!(code(&unlock(&sim, "bob").await), 0);
    let (status, view) = practice_post(&sim, "/tokens/HW-2001/suspend", json!({})).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("suspended")));
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(2));
    assert_eq!(code(&sync(&sim, "bob", "123456", "123456").await), 29002);
    assert_eq!(code(&unlock(&sim, "bob").await), 0);
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(1));
    // Pending tokens lock to pending+locked.
    practice_post(&sim, "/tokens/HW-2006/lock", json!({})).await;
    assert_eq!(listed_status(&sim, "ivan", "HW-2006").await, Some(4));

    assert_eq!(
        practice_post(&sim, "/tokens/HW-1001/lock", json!({}))
            .await
            .0,
        409
    );
    assert_eq!(
        practice_post(&sim, "/tokens/HW-1001/suspend", json!({}))
            .await
            .0,
        409
    );
    assert_eq!(
        practice_post(&sim, "/tokens/HW-0000/lock", json!({}))
            .await
            .0,
        404
    );
    assert_eq!(
        drift(&sim, "HW-2001", -1).await.0,
        409,
        "HOTP devices do not go back"
    );
    assert_eq!(
        drift(&sim, "HW-2004", i64::MAX).await.0,
        409,
        "absurd drift refused"
    );
    assert_eq!(
        drift(&sim, "HW-2004", i64::MIN).await.0,
        409,
        "absurd drift refused"
    );
    assert_eq!(practice_get(&sim, "/tokens/HW-2004/codes").await.0, 200);
    assert_eq!(
        practice_post(&sim, "/tokens/HW-2001/drift", json!({"steps": "x"}))
            .await
            .0,
        400
    );
    assert_eq!(practice_get(&sim, "/tokens/HW-0000/codes").await.0, 404);
    let (status, _) =
        practice_post(&sim, "/login", json!({"username": "grace", "code": "1"})).await;
    assert_eq!(status, 409, "grace has no OTP token");
    let (status, _) =
        practice_post(&sim, "/login", json!({"username": "ghost", "code": "1"})).await;
    assert_eq!(status, 404);
    let (status, _) = practice_post(&sim, "/login", json!({"user": "bob"})).await;
    assert_eq!(status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn practice_codes_are_the_devices_codes() {
    let sim = demo().await;
    // HOTP: bob's device shows counter 12 next; check against the RFC algorithm directly.
    let secret = demo_secret("HW-2001");
    let (status, body) = practice_get(&sim, "/tokens/HW-2001/codes?count=2").await;
    assert_eq!(status, 200);
    assert_eq!(body["current"], hotp(&secret, 12, 6));
    assert_eq!(
        body["next"],
        json!([hotp(&secret, 13, 6), hotp(&secret, 14, 6)])
    );
    assert_eq!(body["movingFactor"], 12);
    assert!(body["secondsRemaining"].is_null());
    // TOTP: a step counter and the seconds left in it.
    let (_, body) = practice_get(&sim, "/tokens/HW-1009/codes").await;
    assert_eq!(body["period"], 60);
    let left = body["secondsRemaining"].as_u64().unwrap();
    assert!((1..=60).contains(&left), "{left}");
    assert_eq!(
        body["next"].as_array().unwrap().len(),
        3,
        "three next codes by default"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn practice_lists_users_and_stock() {
    let sim = demo().await;
    let (status, users) = practice_get(&sim, "/users").await;
    assert_eq!(status, 200);
    let users = users.as_array().unwrap();
    assert!(users.len() >= 12);
    let bob = users.iter().find(|u| u["username"] == "bob").unwrap();
    assert_eq!(bob["token"]["serial"], "HW-2001");
    assert_eq!(bob["phone"]["number"], "+60120001002");
    let (_, tokens) = practice_get(&sim, "/tokens").await;
    let stock: Vec<&str> = tokens
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["owner"].is_null() && t["status"] == "deactivated")
        .map(|t| t["serial"].as_str().unwrap())
        .collect();
    for n in 1001..=1010 {
        assert!(
            stock.contains(&format!("HW-{n}").as_str()),
            "HW-{n} in stock: {stock:?}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn practice_reset_restores_the_fixture() {
    let sim = demo().await;
    assert_eq!(code(&register(&sim, "grace", "HW-1001", json!(2)).await), 0);
    assert_eq!(code(&unlock(&sim, "carol").await), 0);
    assert_eq!(practice_post(&sim, "/reset", json!({})).await.0, 204);
    assert_eq!(listed_status(&sim, "grace", "HW-1001").await, None);
    assert_eq!(listed_status(&sim, "carol", "HW-2002").await, Some(2));
    sim.shutdown().await;
}

#[tokio::test]
async fn practice_routes_only_when_asked_for() {
    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    assert!(sim.practice_url().is_none());
    let response = http()
        .get(format!("{}/practice/users", sim.origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    sim.shutdown().await;
}
