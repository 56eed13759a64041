//! The practice server keeps to this machine: loopback addresses only unless `--listen-any`,
//! `Host` headers naming loopback only (DNS rebinding), the key-file route only for the public
//! practice key, key files written owner-only.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use tokendesk_sim::{spawn, Fixture, SecurIdConfig, SecurIdKey, SimConfig, SimError, SimHandle};

async fn practice() -> SimHandle {
    spawn(SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        ..SimConfig::default()
    })
    .await
    .expect("practice server starts")
}

/// A raw HTTP/1.1 request with exactly this `Host` header (None: no header at all); the
/// status code of the answer.
fn status_with_host(sim: &SimHandle, method: &str, path: &str, host: Option<&str>) -> u16 {
    let addr = sim.addr();
    tokio::task::block_in_place(|| {
        let mut stream = TcpStream::connect(addr).unwrap();
        let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
        let body = if method == "GET" { "" } else { "{}" };
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\n{host}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_naming_another_host_are_refused() {
    let sim = practice().await;
    let port = sim.addr().port();
    let vendor = format!("{}/user/auth/list/practice-admin", tokendesk_sim::BASE_PATH);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".to_owned(),
    ] {
        assert_eq!(
            status_with_host(&sim, "GET", "/practice/users", Some(&host)),
            200,
            "{host}"
        );
    }
    for host in [
        format!("rebind.evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("192.168.1.10:{port}"),
    ] {
        assert_eq!(
            status_with_host(&sim, "GET", "/practice/users", Some(&host)),
            421,
            "practice route, {host}"
        );
        assert_eq!(
            status_with_host(&sim, "PUT", &vendor, Some(&host)),
            421,
            "vendor route, {host}"
        );
        assert_eq!(
            status_with_host(&sim, "GET", "/practice/securid/key-file", Some(&host)),
            421,
            "key file, {host}"
        );
    }
    assert_eq!(
        status_with_host(&sim, "GET", "/practice/users", None),
        421,
        "no Host header at all"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_non_loopback_address_is_refused_without_listen_any() {
    let refused = spawn(SimConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..SimConfig::default()
    })
    .await;
    assert!(
        matches!(refused, Err(SimError::NotLoopback { .. })),
        "{refused:?}"
    );
    let allowed = spawn(SimConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        listen_any: true,
        ..SimConfig::default()
    })
    .await
    .expect("--listen-any allows it");
    allowed.shutdown().await;

    let out = Command::new(env!("CARGO_BIN_EXE_tokendesk-sim"))
        .args(["--memory", "--listen", "0.0.0.0", "--port", "0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--listen-any"), "{err}");
}

#[tokio::test]
async fn the_key_file_route_serves_only_the_public_practice_key() {
    let sim = practice().await;
    let http = common::http();
    let url = format!("{}/securid/key-file", sim.practice_url().unwrap());
    let answer = http.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    sim.shutdown().await;

    let own = SecurIdKey::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/keys/not-the-practice-key.pem"
    ))
    .unwrap();
    assert!(!own.is_practice() && SecurIdKey::practice().is_practice());
    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        securid: SecurIdConfig {
            key: own,
            rate_limit: None,
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let url = format!("{}/securid/key-file", sim.practice_url().unwrap());
    let answer = http.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 404);
    let text = answer.text().await.unwrap();
    assert!(!text.contains("PRIVATE KEY"), "{text}");
    sim.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn key_files_are_written_owner_only_even_over_a_wider_file() {
    use std::os::unix::fs::PermissionsExt;
    let sim = practice().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    sim.write_securid_key_file(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let fresh = dir.path().join("fresh.json");
    sim.write_securid_key_file(&fresh).unwrap();
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    sim.shutdown().await;
}
