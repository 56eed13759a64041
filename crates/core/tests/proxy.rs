//! Proxies from the environment: a server on this computer is reached directly, never through
//! `HTTP_PROXY`/`ALL_PROXY` (which would see the cenToken in clear text); another server's
//! `https://` goes through `HTTPS_PROXY` as a CONNECT tunnel, so TLS stays end to end. Its own
//! test binary: it sets the proxy variables before any client exists.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::*;
use tokendesk_core::ops::UserRequest;

/// A "proxy" that records the first line of each connection and closes it.
fn trap() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = lines.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut first = String::new();
            let _ = BufReader::new(&stream).read_line(&mut first);
            seen.lock().unwrap().push(first.trim().to_owned());
        }
    });
    (port, lines)
}

#[tokio::test]
async fn loopback_is_never_proxied_and_https_is_tunnelled() {
    let (port, lines) = trap();
    let proxy = format!("http://127.0.0.1:{port}");
    // SAFETY: set before any thread of this test binary reads the environment.
    unsafe {
        for k in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            std::env::set_var(k, &proxy);
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }

    let server = TestServer::start(|_| success()).await;
    let user = UserRequest {
        username: "alice".into(),
    };
    session(profile(&server.url(), "helpdesk01"))
        .unlock_token(&user)
        .await
        .unwrap();
    let local = format!("http://localhost:{}", server.addr.port());
    session(profile(&local, "helpdesk01"))
        .unlock_token(&user)
        .await
        .unwrap();
    assert_eq!(server.count(), 2, "both reached the server directly");
    assert!(
        lines.lock().unwrap().is_empty(),
        "{:?}",
        lines.lock().unwrap()
    );

    // Another server: through the proxy, as a tunnel — the proxy never sees the request.
    let e = session(profile("https://mfa.example.invalid", "helpdesk01"))
        .unlock_token(&user)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), tokendesk_core::ErrorKind::Transport, "{e:?}");
    let seen = lines.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("CONNECT mfa.example.invalid:443"),
        "{seen:?}"
    );
}
