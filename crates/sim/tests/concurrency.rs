//! Many clients at once: no lost or doubled updates. Restart keeps state.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::json;
use tokendesk_sim::{spawn, DbLocation, Fixture, SimConfig, SimHandle};

const CLIENTS: usize = 32;

fn crowd_fixture() -> Fixture {
    let mut text = String::new();
    for i in 0..CLIENTS {
        text.push_str(&format!("[[users]]\nusername = \"u{i:02}\"\n"));
    }
    for i in 0..CLIENTS {
        text.push_str(&format!(
            "[[tokens]]\nserial = \"S-{i:02}\"\nkind = \"hotp\"\nsecret = \"GEZDGNBVGY3TQOJQ\"\n"
        ));
    }
    text.push_str(
        "[[users]]\nusername = \"target\"\n[[tokens]]\nserial = \"T-1\"\nkind = \"hotp\"\n\
         secret = \"GEZDGNBVGY3TQOJQ\"\nstatus = \"active\"\n\
         [[bindings]]\nuser = \"target\"\ntoken = \"T-1\"\n",
    );
    Fixture::from_toml_str(&text).unwrap()
}

async fn crowd(db: DbLocation) -> SimHandle {
    spawn(SimConfig {
        fixture: crowd_fixture(),
        db,
        practice: true,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// Run one request per client at once and count the answers' codes.
async fn all_at_once<F, Fut>(f: F) -> BTreeMap<u64, usize>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = serde_json::Value> + Send + 'static,
{
    let tasks: Vec<_> = (0..CLIENTS).map(|i| tokio::spawn(f(i))).collect();
    let mut counts = BTreeMap::new();
    for task in tasks {
        *counts.entry(code(&task.await.unwrap())).or_insert(0) += 1;
    }
    counts
}

async fn races(sim: SimHandle) {
    let sim = std::sync::Arc::new(sim);
    for round in 0..5 {
        // Everyone registers the same phone number: exactly one wins.
        let number = format!("+6012999{round:04}");
        let counts = all_at_once(|i| {
            let (sim, number) = (sim.clone(), number.clone());
            async move { register(&sim, &format!("u{i:02}"), &number, json!(1)).await }
        })
        .await;
        assert_eq!(
            counts,
            BTreeMap::from([(0, 1), (29004, CLIENTS - 1)]),
            "round {round}"
        );
    }
    // Everyone registers the same stock token: one binding, the rest see it taken.
    let counts = all_at_once(|i| {
        let sim = sim.clone();
        async move { register(&sim, &format!("u{i:02}"), "S-00", json!(2)).await }
    })
    .await;
    assert_eq!(counts, BTreeMap::from([(0, 1), (29017, CLIENTS - 1)]));
    // One user grabs every other stock token at once: exactly one OTP token each.
    let counts = all_at_once(|i| {
        let sim = sim.clone();
        async move { register(&sim, "u31", &format!("S-{:02}", i.max(1)), json!(2)).await }
    })
    .await;
    assert_eq!(counts.get(&0), Some(&1), "{counts:?}");
    assert_eq!(counts.values().sum::<usize>(), CLIENTS);
    assert!(
        counts.keys().all(|c| [0, 29008, 29017].contains(c)),
        "{counts:?}"
    );

    // Wrong codes from everyone at once: exactly five count, the fifth locks.
    let answers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let sim = sim.clone();
            tokio::spawn(async move { login(&sim, "target", "999999x").await })
        })
        .collect();
    let mut fail_counts = Vec::new();
    for answer in answers {
        let answer = answer.await.unwrap();
        if answer["outcome"] == "rejected" {
            fail_counts.push(answer["token"]["failCount"].as_u64().unwrap());
        } else {
            assert_eq!(answer["outcome"], "notUsable", "{answer}");
        }
    }
    fail_counts.sort();
    assert_eq!(fail_counts, vec![1, 2, 3, 4, 5]);
    assert_eq!(listed_status(&sim, "target", "T-1").await, Some(2));

    // Unlock from everyone at once: one unlock, the rest find nothing to unlock.
    let counts = all_at_once(|_| {
        let sim = sim.clone();
        async move { unlock(&sim, "target").await }
    })
    .await;
    assert_eq!(counts, BTreeMap::from([(0, 1), (29017, CLIENTS - 1)]));

    // The same valid code from everyone at once: accepted exactly once.
    let (current, _) = device_codes(&sim, "T-1", 0).await;
    let accepted: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (sim, current) = (sim.clone(), current.clone());
            tokio::spawn(async move { login(&sim, "target", &current).await["accepted"] == true })
        })
        .collect();
    let mut wins = 0;
    for task in accepted {
        wins += usize::from(task.await.unwrap());
    }
    assert_eq!(wins, 1);

    // The same resync from everyone at once: succeeds exactly once (codes are then used).
    let (a, next) = device_codes(&sim, "T-1", 1).await;
    let b = next[0].clone();
    let counts = all_at_once(|_| {
        let (sim, a, b) = (sim.clone(), a.clone(), b.clone());
        async move { sync(&sim, "target", &a, &b).await }
    })
    .await;
    assert_eq!(counts, BTreeMap::from([(0, 1), (54002, CLIENTS - 1)]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_on_a_file_database() {
    let dir = tempfile::tempdir().unwrap();
    races(crowd(DbLocation::Path(dir.path().join("sim.sqlite3"))).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_in_memory() {
    races(crowd(DbLocation::Memory).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_with_the_same_database_keeps_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("state.sqlite3");
    let sim = demo_at(DbLocation::Path(path.clone())).await;
    assert_eq!(code(&register(&sim, "grace", "HW-1001", json!(2)).await), 0);
    assert_eq!(
        code(&register(&sim, "grace", "+60125550199", json!(1)).await),
        0
    );
    assert_eq!(code(&unlock(&sim, "carol").await), 0);
    let (current, next) = device_codes(&sim, "HW-2005", 1).await;
    assert_eq!(code(&sync(&sim, "frank", &current, &next[0]).await), 0);
    for _ in 0..5 {
        login(&sim, "bob", "000000").await;
    }
    sim.shutdown().await;

    // Restart with a different fixture: the database is not new, so it is not re-seeded.
    let sim = spawn(SimConfig {
        fixture: Fixture::default(),
        db: DbLocation::Path(path),
        practice: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(listed_status(&sim, "grace", "HW-1001").await, Some(1));
    assert_eq!(listed_status(&sim, "grace", "+60125550199").await, Some(1));
    assert_eq!(listed_status(&sim, "carol", "HW-2002").await, Some(1));
    assert_eq!(listed_status(&sim, "bob", "HW-2001").await, Some(2));
    // frank's counter moved past the resync codes, and that is remembered.
    assert_eq!(code(&sync(&sim, "frank", &current, &next[0]).await), 54002);
    let (now, _) = device_codes(&sim, "HW-2005", 0).await;
    assert_eq!(login(&sim, "frank", &now).await["accepted"], true);
    sim.shutdown().await;
}
