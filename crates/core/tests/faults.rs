//! The transport fault matrix: every way reaching the server can go wrong ends in a clear
//! failure of the right kind, with a title and a hint, without a credential in its text, and
//! never in a panic.

mod common;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Once};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use common::*;
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::ops::{Session, UserRequest};
use tokendesk_core::profile::Profile;
use tokendesk_core::transport::MAX_ANSWER_BYTES;
use tokendesk_core::vocab::Field;
use tokendesk_core::{Error, ErrorKind, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ADMIN: &str = "helpdesk01";

fn alice() -> UserRequest {
    UserRequest {
        username: "alice".into(),
    }
}

/// Unlocks alice's token, expecting a transport failure; checks it explains itself and leaks
/// nothing, and returns it.
async fn transport_failure(session: &Session) -> TransportError {
    let e = session
        .unlock_token(&alice())
        .await
        .expect_err("the call must fail");
    check_words(&e);
    match e {
        Error::Transport(t) => t,
        other => panic!("expected a transport failure, got {other:?}"),
    }
}

/// A failure has a title and a hint, the kind matches, and no credential is in any of its text.
fn check_words(e: &Error) {
    assert_explained(e);
    assert_no_secrets(e, &expected_cen_token(ADMIN));
    if let Error::Transport(_) = e {
        let info = e.info();
        assert_eq!(info.kind, ErrorKind::Transport);
        assert!(info.server_message.is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn connection_refused_is_unreachable() {
    let port = closed_port();
    let s = session(profile(&format!("http://127.0.0.1:{port}"), ADMIN));
    match transport_failure(&s).await {
        TransportError::Unreachable { host, detail } => {
            assert_eq!(host, format!("127.0.0.1:{port}"));
            assert!(!detail.is_empty());
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

/// The classification reads the error's causes, not the URL it quotes: an admin or base path
/// with "tls", "ssl" or "certificate" in it must not turn a refused connection into a TLS
/// failure.
#[tokio::test]
async fn words_in_the_url_do_not_change_the_kind_of_failure() {
    let port = closed_port();
    let mut d = draft(&format!("http://127.0.0.1:{port}"), "ssl-tls-helpdesk");
    d.base_path = Some("/certificate/handshake/timed out".replace(' ', "-"));
    let s = Session::with_secret(
        d.validate().unwrap(),
        ProfileSecret::Centagate(credentials()),
        recorder(),
    );
    let e = s.unlock_token(&alice()).await.unwrap_err();
    assert_explained(&e);
    assert!(
        matches!(e, Error::Transport(TransportError::Unreachable { .. })),
        "expected Unreachable, got {e:?}"
    );
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout() {
    let server = TestServer::start_slow(Duration::from_secs(30), |_| success()).await;
    let mut d = draft(&server.url(), ADMIN);
    d.timeout_secs = Some(1);
    let s = session(d.validate().unwrap());
    match transport_failure(&s).await {
        TransportError::Timeout { host, seconds } => {
            assert_eq!((host, seconds), (server.addr.to_string(), 1));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_eq!(server.count(), 1, "the request did reach the server");
}

/// A raw HTTP/1.1 server on 127.0.0.1:0 for answers axum will not give (a body cut short, a
/// body that stalls): reads one whole request, writes `head` and `body`, then either closes the
/// connection or holds it open for `hold`.
async fn raw_server(head: String, body: Vec<u8>, hold: Option<Duration>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        read_request(&mut sock).await;
        // The client may stop reading early (a body over the cap): write errors are expected.
        if sock.write_all(head.as_bytes()).await.is_err()
            || sock.write_all(&body).await.is_err()
            || sock.flush().await.is_err()
        {
            return;
        }
        if let Some(d) = hold {
            tokio::time::sleep(d).await;
        }
        let _ = sock.shutdown().await;
    });
    addr
}

/// Reads a request's head and its Content-Length body, so closing later is an orderly FIN.
async fn read_request(sock: &mut tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.unwrap();
        assert!(n > 0, "client closed before sending a request");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    assert!(head.starts_with("put "), "{head}");
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut chunk).await.unwrap();
        assert!(n > 0, "client closed mid-request");
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test]
async fn a_body_that_stalls_after_the_headers_is_a_timeout() {
    let addr = raw_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n".into(),
        b"{\"code\":0,".to_vec(),
        Some(Duration::from_secs(30)),
    )
    .await;
    let mut d = draft(&format!("http://{addr}"), ADMIN);
    d.timeout_secs = Some(1);
    let s = session(d.validate().unwrap());
    assert!(
        matches!(
            transport_failure(&s).await,
            TransportError::Timeout { seconds: 1, .. }
        ),
        "a stalled body must end in Timeout"
    );
}

/// A body shorter than its Content-Length, then the connection closes. What did arrive may
/// even parse as JSON, but the answer is incomplete: the connection broke — not "not
/// understood" — and the administrator is told the action may or may not have been applied.
#[tokio::test]
async fn a_truncated_body_is_a_broken_connection() {
    let partial = br#"{"code":0,"message":"Success"}"#.to_vec();
    let addr = raw_server(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            partial.len() + 100
        ),
        partial,
        None,
    )
    .await;
    let s = session(profile(&format!("http://{addr}"), ADMIN));
    let e = s.unlock_token(&alice()).await.unwrap_err();
    check_words(&e);
    match &e {
        Error::Transport(TransportError::Broken { detail }) => assert!(!detail.is_empty()),
        other => panic!("expected Broken, got {other:?}"),
    }
    assert!(
        e.info().hint.contains("may or may not have been applied"),
        "{:?}",
        e.info()
    );
}

#[tokio::test]
async fn an_http_502_html_page_is_an_http_status_with_a_plain_excerpt() {
    let server = TestServer::start(|_| {
        raw(
            502,
            "text/html",
            "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n",
        )
    })
    .await;
    let s = session(profile(&server.url(), ADMIN));
    let e = s.unlock_token(&alice()).await.unwrap_err();
    check_words(&e);
    match &e {
        Error::Transport(TransportError::HttpStatus {
            status,
            excerpt,
            service,
        }) => {
            assert_eq!((*status, service.as_str()), (502, "CENTAGATE"));
            assert_eq!(
                excerpt, "502 Bad Gateway 502 Bad Gateway nginx",
                "tags stripped, whitespace collapsed"
            );
        }
        other => panic!("expected HttpStatus 502, got {other:?}"),
    }
    let info = e.info();
    assert_eq!(info.code, Some(502));
    assert!(!info.server_message.unwrap().contains('<'));
    assert_eq!(server.count(), 1);
}

/// Any status other than 2xx is a transport failure quoting the status — even when the body
/// looks like a CENTAGATE success, and when there is no body at all (a wrong base path).
#[tokio::test]
async fn a_non_2xx_status_is_refused_whatever_the_body() {
    for (status, body, want) in [
        (
            500,
            r#"{"code":0,"message":"Success"}"#,
            r#"{"code":0,"message":"Success"}"#,
        ),
        (404, "", "(empty)"),
        (401, "Unauthorized", "Unauthorized"),
    ] {
        let server = TestServer::start(move |_| raw(status, "application/json", body)).await;
        let s = session(profile(&server.url(), ADMIN));
        match transport_failure(&s).await {
            TransportError::HttpStatus {
                status: got,
                excerpt,
                ..
            } => {
                assert_eq!((got, excerpt.as_str()), (status, want))
            }
            other => panic!("HTTP {status}: expected HttpStatus, got {other:?}"),
        }
    }
}

/// A proxy that echoes the request (with its cenToken) in an error page: the excerpt shown to
/// the administrator must not carry the signature.
#[tokio::test]
async fn an_error_page_echoing_the_request_does_not_leak_the_cen_token() {
    let server = TestServer::start(|r| {
        let echoed = String::from_utf8_lossy(&r.body).into_owned();
        raw(
            400,
            "text/html",
            format!("<html><body><h1>Bad Request</h1><pre>{echoed}</pre></body></html>"),
        )
    })
    .await;
    let s = session(profile(&server.url(), ADMIN));
    let t = transport_failure(&s).await; // checks no credential is in the error text
    assert!(
        matches!(t, TransportError::HttpStatus { status: 400, .. }),
        "{t:?}"
    );
    assert!(
        server.only().json()["cenToken"] == expected_cen_token(ADMIN),
        "the page really did echo the signed request"
    );
}

#[tokio::test]
async fn a_200_that_is_not_a_centagate_answer_is_not_understood() {
    for (content_type, body, why) in [
        ("text/plain", "Service Unavailable", "not valid JSON"),
        (
            "text/html",
            "<!DOCTYPE html><html><body><form>Please sign in</form></body></html>",
            "an HTML or XML page",
        ),
        ("application/json", r#"{"status":"ok"}"#, "no return code"),
        ("application/json", "", "empty answer"),
    ] {
        let server = TestServer::start(move |_| raw(200, content_type, body)).await;
        let s = session(profile(&server.url(), ADMIN));
        match transport_failure(&s).await {
            TransportError::NotUnderstood { reason, excerpt } => {
                assert_eq!(reason, why, "{body}");
                assert!(!excerpt.contains('<'), "{excerpt}");
            }
            other => panic!("{body}: expected NotUnderstood, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_oversized_answer_with_content_length_is_too_large() {
    let server = TestServer::start(|_| {
        let mut body = br#"{"code":0,"object":""#.to_vec();
        body.resize(MAX_ANSWER_BYTES + 1024, b'x');
        body.extend_from_slice(br#""}"#);
        raw(200, "application/json", body)
    })
    .await;
    let s = session(profile(&server.url(), ADMIN));
    assert!(
        matches!(
            transport_failure(&s).await,
            TransportError::TooLarge { limit } if limit == MAX_ANSWER_BYTES
        ),
        "a Content-Length over the cap must be refused"
    );
}

#[tokio::test]
async fn an_oversized_chunked_answer_is_too_large() {
    // 2 MiB in 64 KiB chunks, with no Content-Length (chunked transfer encoding).
    let mut body = Vec::new();
    for i in 0..32 {
        let mut piece = if i == 0 {
            br#"{"code":0,"object":""#.to_vec()
        } else {
            Vec::new()
        };
        piece.resize(64 * 1024, b' ');
        body.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        body.extend_from_slice(&piece);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let addr = raw_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .into(),
        body,
        None,
    )
    .await;
    let s = session(profile(&format!("http://{addr}"), ADMIN));
    assert!(
        matches!(
            transport_failure(&s).await,
            TransportError::TooLarge { limit } if limit == MAX_ANSWER_BYTES
        ),
        "a chunked body over the cap must be refused"
    );
}

#[tokio::test]
async fn an_answer_just_under_the_cap_is_accepted() {
    let server = TestServer::start(|_| {
        let mut body = br#"{"code":0,"message":"Success","object":null}"#.to_vec();
        body.resize(MAX_ANSWER_BYTES, b' ');
        raw(200, "application/json", body)
    })
    .await;
    let s = session(profile(&server.url(), ADMIN));
    let r = s
        .unlock_token(&alice())
        .await
        .expect("1 MiB exactly is fine");
    assert_eq!(r.code, 0);
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    for status in [307, 308, 302, 301] {
        let elsewhere = TestServer::start(|_| success()).await;
        let target = format!(
            "{}/CentagateWS/webresources/token/unlockToken/{ADMIN}",
            elsewhere.url()
        );
        let server = TestServer::start(move |_| {
            Response::builder()
                .status(status)
                .header("location", target.clone())
                .body(Body::empty())
                .unwrap()
        })
        .await;
        let s = session(profile(&server.url(), ADMIN));
        match transport_failure(&s).await {
            TransportError::Redirected { location } => {
                assert_eq!(location, elsewhere.url(), "HTTP {status}")
            }
            other => panic!("HTTP {status}: expected Redirected, got {other:?}"),
        }
        assert_eq!(server.count(), 1);
        assert_eq!(
            elsewhere.count(),
            0,
            "HTTP {status}: the other origin must receive nothing"
        );
    }
}

#[tokio::test]
async fn a_redirect_to_another_port_of_the_same_host_is_another_origin() {
    let elsewhere = TestServer::start(|_| success()).await;
    let target = format!("http://localhost:{}/x", elsewhere.addr.port());
    let server = TestServer::start(move |_| {
        Response::builder()
            .status(307)
            .header("location", target.clone())
            .body(Body::empty())
            .unwrap()
    })
    .await;
    let s = session(profile(&server.url(), ADMIN));
    assert!(matches!(
        transport_failure(&s).await,
        TransportError::Redirected { .. }
    ));
    assert_eq!(elsewhere.count(), 0);
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_same_request() {
    let server = TestServer::start(|r| {
        if r.path.starts_with("/moved/") {
            success()
        } else {
            let moved = format!("/moved{}", r.path);
            Response::builder()
                .status(307)
                .header("location", moved)
                .body(Body::empty())
                .unwrap()
        }
    })
    .await;
    let s = session(profile(&server.url(), ADMIN));
    let r = s.unlock_token(&alice()).await.expect("followed");
    assert_eq!(r.code, 0);
    let got = server.received();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(
        got[1].path,
        format!("/moved/CentagateWS/webresources/token/unlockToken/{ADMIN}")
    );
    assert_eq!(got[1].method, "PUT", "307 keeps the method");
    assert_eq!(got[1].body, got[0].body, "307 keeps the body");
    assert_eq!(got[1].json()["cenToken"], expected_cen_token(ADMIN));
}

/// A same-origin 303 (or 301/302) would turn the PUT into a bodiless GET: refused, not
/// followed.
#[tokio::test]
async fn a_redirect_that_changes_the_method_is_refused() {
    for status in [301, 302, 303] {
        let server = TestServer::start(move |r| {
            if r.path.starts_with("/moved/") {
                success()
            } else {
                Response::builder()
                    .status(status)
                    .header("location", format!("/moved{}", r.path))
                    .body(Body::empty())
                    .unwrap()
            }
        })
        .await;
        let e = session(profile(&server.url(), ADMIN))
            .unlock_token(&alice())
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Transport(TransportError::Redirected { .. })),
            "{status}: {e:?}"
        );
        assert_eq!(server.count(), 1, "{status}: not followed");
    }
}

/// This machine's address on its default route, when it has one that is not loopback.
fn non_loopback_address() -> Option<IpAddr> {
    let sock = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // Connecting a UDP socket sends nothing; it only picks the route and source address.
    sock.connect("203.0.113.1:9")
        .or_else(|_| sock.connect("8.8.8.8:53"))
        .ok()?;
    let ip = sock.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_host_is_refused_before_connecting() {
    // As a person would enter it: refused when the profile is made.
    for url in [
        "http://mfa.example.com",
        "http://10.0.0.1:8080",
        "http://localhost.example.com",
    ] {
        match draft(url, ADMIN).validate() {
            Err(
                e @ Error::Input {
                    field: Field::Url, ..
                },
            ) => check_words(&e),
            other => panic!("{url}: expected Error::Input(Url), got {other:?}"),
        }
    }

    // A profile that bypassed the form (an edited file): still refused at send time, and no
    // connection is even attempted — proven with a listener on this machine's own non-loopback
    // address, whose accept queue stays empty.
    let listener = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    // Without such an address (no network at all) a documentation address stands in; the
    // refusal is still checked, the empty accept queue then proves less.
    let host = non_loopback_address().map_or("198.51.100.7".to_owned(), |ip| ip.to_string());
    let mut p: Profile = profile("https://placeholder.example.com", ADMIN);
    p.url = format!("http://{host}:{port}");
    let s = session(p);
    for result in [
        s.unlock_token(&alice()).await.map(drop),
        s.test_connection().await.map(drop),
    ] {
        match result {
            Err(
                e @ Error::Input {
                    field: Field::Url, ..
                },
            ) => {
                check_words(&e);
                assert!(e.info().hint.contains("Nothing was sent"));
            }
            other => panic!("expected Error::Input(Url), got {other:?}"),
        }
    }
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("a connection was attempted to {host}:{port}: {other:?}"),
    }
}

/// TLS material made at test time: a CA, and a server certificate it signed for `names`.
struct Pki {
    ca_pem: String,
    server_cert_pem: String,
    server_key_pem: String,
    dir: tempfile::TempDir,
}

impl Pki {
    fn new(names: &[&str]) -> Self {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "TokenDesk test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);

        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut leaf = CertificateParams::new(names).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf.use_authority_key_identifier_extension = true;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server_cert_pem: leaf_cert.pem(),
            server_key_pem: leaf_key.serialize_pem(),
            dir,
        }
    }

    fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }
}

/// An HTTPS server (axum-server + rustls with the ring provider) answering `success()` and
/// counting requests; returns its port.
async fn tls_server(pki: &Pki) -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let config = axum_server::tls_rustls::RustlsConfig::from_pem(
        pki.server_cert_pem.clone().into_bytes(),
        pki.server_key_pem.clone().into_bytes(),
    )
    .await
    .unwrap();
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { success() }
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = axum_server::from_tcp_rustls(listener, config).unwrap();
    tokio::spawn(async move {
        server.serve(app.into_make_service()).await.unwrap();
    });
    (port, hits)
}

#[tokio::test]
async fn tls_with_an_untrusted_certificate_fails_and_with_its_ca_succeeds() {
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let (port, hits) = tls_server(&pki).await;
    let url = format!("https://localhost:{port}");

    // Not trusted: the CA is nobody's root.
    let s = session(profile(&url, ADMIN));
    match transport_failure(&s).await {
        TransportError::Tls { host, detail } => {
            assert_eq!(host, format!("localhost:{port}"));
            assert!(!detail.is_empty());
        }
        other => panic!("expected Tls, got {other:?}"),
    }
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no request may be sent over an unverified connection"
    );

    // The same server, with its CA in the profile.
    let mut d = draft(&url, ADMIN);
    d.ca_file = Some(pki.ca_file());
    let s = session(d.validate().unwrap());
    let r = s
        .unlock_token(&alice())
        .await
        .expect("trusted through the profile's CA file");
    assert_eq!(r.code, 0);
    let check = s.test_connection().await.expect("connection test over TLS");
    assert_eq!(check.code, 0);
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn tls_with_the_right_ca_but_another_name_fails() {
    // The certificate names only localhost; the profile says 127.0.0.1.
    let pki = Pki::new(&["localhost"]);
    let (port, hits) = tls_server(&pki).await;
    let mut d = draft(&format!("https://127.0.0.1:{port}"), ADMIN);
    d.ca_file = Some(pki.ca_file());
    let s = session(d.validate().unwrap());
    assert!(matches!(
        transport_failure(&s).await,
        TransportError::Tls { .. }
    ));
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// `https://` to a port that speaks plain HTTP (say Tomcat's 8080 instead of 8443): something
/// answered, so it is not "unreachable" — the secure connection failed.
#[tokio::test]
async fn https_to_a_plain_http_port_is_a_tls_failure() {
    let server = TestServer::start(|_| success()).await;
    let url = format!("https://localhost:{}", server.addr.port());
    let s = session(profile(&url, ADMIN));
    match transport_failure(&s).await {
        TransportError::Tls { host, .. } => {
            assert_eq!(host, format!("localhost:{}", server.addr.port()))
        }
        other => panic!("expected Tls, got {other:?}"),
    }
    assert_eq!(server.count(), 0, "no HTTP request was made");
}
