//! HTTPS to the servers, with the rules of DESIGN.md: rustls with verification always on, an
//! optional extra CA, plain `http://` only for this computer, connect and total timeouts, a cap
//! on answer size, and no redirects to another origin nor any that would change the method.
//!
//! Proxies: a server on this computer is always reached directly — never through
//! `HTTP_PROXY`/`ALL_PROXY`, which would carry the cenToken in clear text to the proxy — and
//! `localhost` is pinned to 127.0.0.1 and ::1, not resolved. Any other server goes through the
//! proxy the environment names (`HTTPS_PROXY` tunnels `https://` with CONNECT, so TLS and its
//! verification stay end to end), as reqwest reads it, `NO_PROXY` included.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::redirect;
use url::Url;

use crate::error::{ConfigError, Error, TransportError};
use crate::secret::Secret;
use crate::vocab::Field;

/// Largest answer accepted; a CENTAGATE answer is a few kilobytes.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// How to reach one server.
#[derive(Debug, Clone)]
pub struct TransportSettings {
    /// Extra CA certificate (PEM) trusted besides the system's roots.
    pub ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_answer_bytes: usize,
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            ca_file: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_answer_bytes: MAX_ANSWER_BYTES,
        }
    }
}

/// Where one server is and how to reach it: the address every call is built below, and the
/// transport settings. A profile gives one ([`crate::profile::Profile::endpoint`]); a backend
/// client needs nothing else of the profile, so the backends do not depend on profiles.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Scheme, host and port, e.g. `https://mfa.example.com:8443`.
    pub url: String,
    /// The path every call goes below, e.g. `/CentagateWS/webresources`.
    pub base_path: String,
    pub settings: TransportSettings,
}

impl Endpoint {
    /// The base of every call: URL + base path, checked with [`check_url`].
    pub fn base_url(&self) -> Result<Url, Error> {
        let url = Url::parse(&format!(
            "{}{}",
            self.url.trim_end_matches('/'),
            self.base_path
        ))
        .map_err(|_| {
            Error::input(
                Field::Url,
                "must be a full address such as https://mfa.example.com",
            )
        })?;
        check_url(&url)?;
        Ok(url)
    }
}

/// An answer as it came off the wire, size-capped.
#[derive(Debug)]
pub struct HttpAnswer {
    pub status: u16,
    pub body: Vec<u8>,
    /// The answer's `Retry-After` header, as sent, when there was one.
    pub retry_after: Option<String>,
}

/// A configured HTTP client for one server.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    settings: TransportSettings,
}

/// True for `localhost` and loopback addresses, the only hosts plain HTTP may reach.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Checks a server URL may be used: `https://`, or `http://` to this computer only.
pub fn check_url(url: &Url) -> Result<(), Error> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback_host(url) => Ok(()),
        "http" => Err(Error::input(
            Field::Url,
            "must use https:// — plain http:// is allowed only for this computer (localhost, 127.0.0.1, [::1])",
        )),
        _ => Err(Error::input(Field::Url, "must be an https:// address with a host name")),
    }
}

/// The CA certificates in the PEM file at `path` (read as [`crate::local_file::read_capped`]
/// reads a typed path), or None when it is not a readable PEM file holding at least one.
pub fn ca_certificates(path: &std::path::Path) -> Option<Vec<reqwest::Certificate>> {
    let pem = crate::local_file::read_capped(path, crate::local_file::MAX_PEM_FILE_BYTES)?;
    reqwest::Certificate::from_pem_bundle(&pem)
        .ok()
        .filter(|c| !c.is_empty())
}

impl HttpClient {
    /// A client for the server at `endpoint`: reached directly (no proxy, `localhost` pinned
    /// to the loopback addresses) when it is this computer, else as [`HttpClient::new`].
    pub fn for_endpoint(endpoint: &Endpoint) -> Result<Self, Error> {
        let url = endpoint.base_url()?;
        let local = is_loopback_host(&url).then(|| url.port_or_known_default().unwrap_or(80));
        Self::build(endpoint.settings.clone(), local)
    }

    /// Builds a client; reads the CA file now so a bad one is reported before any call.
    pub fn new(settings: TransportSettings) -> Result<Self, Error> {
        Self::build(settings, None)
    }

    /// `local`: the port of a server on this computer, reached without any proxy.
    fn build(settings: TransportSettings, local: Option<u16>) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(false)
            .connect_timeout(settings.connect_timeout.min(settings.timeout))
            .timeout(settings.timeout)
            .redirect(redirect::Policy::custom(|attempt| {
                let first = attempt.previous().first().map(Url::origin);
                // 301, 302 and 303 turn a PUT, PATCH or POST into a GET without its body:
                // never followed (307 and 308 keep the method and body).
                let changes_method = matches!(attempt.status().as_u16(), 301..=303);
                if attempt.previous().len() > 5 || changes_method {
                    attempt.stop()
                } else if first.as_ref() == Some(&attempt.url().origin()) {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .user_agent(concat!("TokenDesk/", env!("CARGO_PKG_VERSION")));
        if let Some(port) = local {
            builder = builder.no_proxy().resolve_to_addrs(
                "localhost",
                &[
                    std::net::SocketAddr::from(([127, 0, 0, 1], port)),
                    std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
                ],
            );
        }
        if let Some(path) = &settings.ca_file {
            let certs = ca_certificates(path).ok_or_else(|| ConfigError::CaFile {
                path: path.display().to_string(),
                detail: crate::local_file::NOT_A_PEM_FILE.into(),
            })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let inner = builder.build().map_err(|e| ConfigError::CaFile {
            path: settings
                .ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            detail: e.to_string(),
        })?;
        Ok(HttpClient { inner, settings })
    }

    /// Sends `body` as JSON with `method` and returns the raw answer, refusing non-2xx
    /// statuses (as not an answer of `service`, e.g. "CENTAGATE"), cross-origin redirects and
    /// oversized bodies.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
        service: &str,
    ) -> Result<HttpAnswer, Error> {
        let answer = self.exchange(method, url, headers, None, body).await?;
        if !(200..300).contains(&answer.status) {
            return Err(TransportError::HttpStatus {
                status: answer.status,
                excerpt: excerpt(&answer.body),
                service: service.to_owned(),
            }
            .into());
        }
        Ok(answer)
    }

    /// Sends `body` as JSON (no body when it is `null`) with `method` (and `Authorization:
    /// Bearer`, marked sensitive so it is never printed, when `bearer` is given) and returns
    /// the answer whatever its status, for APIs whose error answers carry data (SecurID). Redirects and oversized
    /// bodies are still refused.
    pub async fn exchange(
        &self,
        method: reqwest::Method,
        url: &Url,
        headers: &[(&str, &str)],
        bearer: Option<&Secret>,
        body: &serde_json::Value,
    ) -> Result<HttpAnswer, Error> {
        check_url(url)?;
        let host = host_of(url);
        let mut req = self
            .inner
            .request(method, url.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        // `null` is no body (a GET); anything else goes as JSON.
        if !body.is_null() {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(body).expect("a JSON value always serialises"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(token) = bearer {
            req = req.bearer_auth(token.expose());
        }
        let mut resp = req.send().await.map_err(|e| self.classify(&host, &e))?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|| "an unknown address".into());
            return Err(TransportError::Redirected { location }.into());
        }
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let cap = self.settings.max_answer_bytes;
        if resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(TransportError::TooLarge { limit: cap }.into());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(&host, &e))? {
            if body.len() + chunk.len() > cap {
                return Err(TransportError::TooLarge { limit: cap }.into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpAnswer {
            status,
            body,
            retry_after,
        })
    }

    /// Turns a reqwest failure into words: timeout, TLS, unreachable or a broken answer.
    fn classify(&self, host: &str, e: &reqwest::Error) -> Error {
        // Only the causes: reqwest's own message quotes the URL, whose admin username or base
        // path (e.g. "ssl-helpdesk") must not decide the kind of failure.
        let chain = std::error::Error::source(e)
            .map(error_chain)
            .unwrap_or_default();
        let lower = chain.to_ascii_lowercase();
        let t = if e.is_timeout() || lower.contains("timed out") {
            TransportError::Timeout {
                host: host.to_owned(),
                seconds: self.settings.timeout.as_secs(),
            }
        } else if [
            "certificate",
            "tls",
            "handshake",
            "ssl",
            // rustls's words when the other end does not speak TLS (e.g. https:// to an
            // http port) or breaks off the handshake.
            "corrupt message",
            "fatal alert",
            "peer is incompatible",
            "peer misbehaved",
        ]
        .iter()
        .any(|w| lower.contains(w))
        {
            TransportError::Tls {
                host: host.to_owned(),
                detail: last_cause(e),
            }
        } else if e.is_connect() {
            TransportError::Unreachable {
                host: host.to_owned(),
                detail: last_cause(e),
            }
        } else {
            TransportError::Broken {
                detail: last_cause(e),
            }
        };
        t.into()
    }
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.to_string(),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// The innermost cause, which names the real problem ("Connection refused", "UnknownIssuer").
fn last_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    cur.to_string()
}

/// A short, printable excerpt of an answer for an error message: tags stripped, whitespace
/// collapsed, control characters and long hex runs (anything shaped like a signature)
/// removed, at most 160 characters.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut plain = String::new();
    let mut in_tag = false;
    for ch in text.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => plain.push(' '),
            c => plain.push(c),
        }
    }
    let words: Vec<String> = plain
        .split_whitespace()
        .map(|w| {
            let hex_run = w.chars().filter(char::is_ascii_hexdigit).count();
            if hex_run >= 32 {
                "[redacted]".to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect();
    let joined = crate::text::clean(&words.join(" "), crate::text::LONG);
    if joined.is_empty() {
        return "(empty)".to_owned();
    }
    let mut out: String = joined.chars().take(160).collect();
    if joined.chars().count() > 160 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "https://mfa.example.com",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
            "http://127.8.9.1",
        ] {
            assert!(check_url(&Url::parse(ok).unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "http://mfa.example.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x",
            "file:///etc/passwd",
        ] {
            let e = check_url(&Url::parse(bad).unwrap()).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::Input {
                        field: Field::Url,
                        ..
                    }
                ),
                "{bad}: {e:?}"
            );
        }
    }

    #[test]
    fn excerpts_are_short_plain_and_scrubbed() {
        let html = b"<html><head><title>502 Bad Gateway</title></head>\n<body>\t<h1>Bad\x07 Gateway</h1></body></html>";
        assert_eq!(excerpt(html), "502 Bad Gateway Bad Gateway");
        let long = "x ".repeat(500);
        assert!(excerpt(long.as_bytes()).chars().count() <= 161);
        let sig = format!("echo cenToken={}", "ab".repeat(32));
        assert_eq!(excerpt(sig.as_bytes()), "echo [redacted]");
        assert_eq!(excerpt(b""), "(empty)");
    }

    #[test]
    fn a_bad_ca_file_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.pem");
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'A'; 2 << 20]).unwrap();
        // Whatever is wrong (missing, junk, a folder, too big), the same words.
        for bad in [missing, junk, dir.path().to_owned(), big] {
            let e = HttpClient::new(TransportSettings {
                ca_file: Some(bad),
                ..Default::default()
            })
            .unwrap_err();
            match e {
                Error::Config(ConfigError::CaFile { detail, .. }) => {
                    assert_eq!(detail, crate::local_file::NOT_A_PEM_FILE)
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
