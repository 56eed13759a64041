//! Fault injection produces what it promises: 10004, HTTP 500 HTML, dropped connections.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tokendesk_sim::{spawn, FailMode, Faults, Fixture, SimConfig, SimHandle};

async fn faulty(faults: Faults) -> SimHandle {
    spawn(SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        faults,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

async fn owner(sim: &SimHandle, serial: &str) -> serde_json::Value {
    let (status, view) = practice_get(sim, &format!("/tokens/{serial}")).await;
    assert_eq!(status, 200, "practice routes are never faulted");
    view["owner"].clone()
}

fn register_request(sim: &SimHandle) -> reqwest::RequestBuilder {
    let body = json!({"username": "grace", "tokenSn": "HW-1001", "tokenType": 2,
                      "cenToken": sim.admin().cen_token()});
    http()
        .put(format!(
            "{}/token/registerActiveToken/{}",
            sim.base_url(),
            sim.admin().username
        ))
        .json(&body)
}

#[tokio::test]
async fn fail_rate_one_answers_db_error_and_changes_nothing() {
    let sim = faulty(Faults {
        fail_rate: 1.0,
        fail_mode: FailMode::DbError,
        ..Faults::default()
    })
    .await;
    for _ in 0..3 {
        let answer = register(&sim, "grace", "HW-1001", json!(2)).await;
        assert_eq!(code(&answer), 10004, "{answer}");
        assert_eq!(answer["message"], "DB error");
    }
    assert_eq!(code(&list(&sim, "bob").await), 10004);
    assert!(owner(&sim, "HW-1001").await.is_null());
    sim.shutdown().await;
}

#[tokio::test]
async fn fail_rate_one_answers_http_500_html() {
    let sim = faulty(Faults {
        fail_rate: 1.0,
        fail_mode: FailMode::Http500,
        ..Faults::default()
    })
    .await;
    let response = register_request(&sim).send().await.unwrap();
    assert_eq!(response.status(), 500);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = response.text().await.unwrap();
    assert!(body.contains("<html>") && body.contains("500"), "{body}");
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
    assert!(owner(&sim, "HW-1001").await.is_null());
    sim.shutdown().await;
}

#[tokio::test]
async fn mixed_failures_are_one_or_the_other() {
    let sim = faulty(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let (mut db_errors, mut pages) = (0, 0);
    for _ in 0..64 {
        let response = register_request(&sim).send().await.unwrap();
        match response.status().as_u16() {
            200 => {
                let answer: serde_json::Value = response.json().await.unwrap();
                assert_eq!(code(&answer), 10004);
                db_errors += 1;
            }
            500 => {
                assert!(response.text().await.unwrap().contains("<html>"));
                pages += 1;
            }
            other => panic!("unexpected HTTP {other}"),
        }
    }
    // Each kind has probability 1/2 per request: missing one in 64 tries is 2^-63.
    assert!(
        db_errors > 0 && pages > 0,
        "{db_errors} DB errors, {pages} pages"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn close_rate_one_drops_the_connection_after_the_change() {
    let sim = faulty(Faults {
        close_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let outcome = match register_request(&sim).send().await {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(outcome.is_err(), "the answer should be cut short");
    // The request was handled before the connection dropped.
    assert_eq!(owner(&sim, "HW-1001").await, "grace");
    sim.shutdown().await;
}

#[tokio::test]
async fn latency_and_jitter_keep_answers_intact() {
    let sim = faulty(Faults {
        latency: Duration::from_millis(5),
        jitter: Duration::from_millis(5),
        ..Faults::default()
    })
    .await;
    assert_eq!(code(&register(&sim, "grace", "HW-1001", json!(2)).await), 0);
    assert_eq!(listed_status(&sim, "grace", "HW-1001").await, Some(1));
    sim.shutdown().await;
}
