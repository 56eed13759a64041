//! The practice controls as a library (what the desktop app's practice panel uses).

use tokendesk_sim::{spawn, Fixture, SimConfig, TokenStatus};

#[tokio::test]
async fn failing_logins_locks_a_token_and_codes_log_in() {
    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let controls = sim.controls();
    let bob = controls
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "bob")
        .unwrap();
    let serial = bob.token.expect("bob has an OTP token").serial;

    for n in 1..=5 {
        let attempt = controls.fail_login("bob").await.unwrap();
        assert!(!attempt.accepted, "attempt {n}: {}", attempt.message);
        assert_eq!(attempt.token.fail_count, n);
    }
    assert_eq!(
        controls.token(&serial).await.unwrap().status,
        TokenStatus::Locked
    );
    let refused = controls.fail_login("bob").await.unwrap();
    assert_eq!(refused.outcome, "notUsable");

    assert!(
        controls.fail_login("grace").await.is_err(),
        "grace has no token"
    );
    assert!(controls.fail_login("nobody").await.is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_shown_code_logs_in_and_drift_breaks_it() {
    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let controls = sim.controls();
    let users = controls.users().await.unwrap();
    let (user, serial) = users
        .iter()
        .find_map(|u| {
            let t = u.token.as_ref()?;
            (t.status == TokenStatus::Active && t.drift == Some(0) && t.device_drift == Some(0))
                .then(|| (u.username.clone(), t.serial.clone()))
        })
        .expect("a demo user with an in-step TOTP token");
    let shown = controls.codes(&serial, 2).await.unwrap();
    assert_eq!(shown.codes.next.len(), 2);
    assert!(
        controls
            .login(&user, &shown.codes.current)
            .await
            .unwrap()
            .accepted
    );

    controls.drift(&serial, 40).await.unwrap();
    let drifted = controls.codes(&serial, 0).await.unwrap();
    let attempt = controls.login(&user, &drifted.codes.current).await.unwrap();
    assert!(
        !attempt.accepted,
        "40 steps of drift is outside the login window"
    );
    sim.shutdown().await;
}
