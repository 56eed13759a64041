//! Server URL checks. Property: an accepted `http` URL is loopback (localhost, 127/8, ::1),
//! an accepted URL is `https` with a host or such an `http` one.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::net::IpAddr;
use tokendesk_core::transport::{check_url, is_loopback_host};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(url) = url::Url::parse(text) else {
        return;
    };
    if check_url(&url).is_ok() {
        match url.scheme() {
            "https" => assert!(url.host().is_some(), "https without a host: {url}"),
            "http" => {
                assert!(is_loopback_host(&url), "{url}");
                let loopback = match url.host() {
                    Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                    Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                    Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                    None => false,
                };
                assert!(loopback, "accepted a non-loopback http URL: {url}");
            }
            other => panic!("accepted scheme {other}: {url}"),
        }
    }
});
