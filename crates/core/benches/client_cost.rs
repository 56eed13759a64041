//! One operation's client-side cost, without the network: validate the input, sign (cenToken),
//! build the URL and the JSON body, encode it, then parse a realistic answer and decode it.
//!
//! `cargo bench -p tokendesk-core --bench client_cost`
//!
//! The signature is computed on every iteration here, although a session computes it once:
//! the figure is an upper bound of what TokenDesk adds to a call. `client_setup` shows the
//! one-off cost of a session's first call (HTTP client with its TLS roots, URL, cenToken).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tokendesk_core::centagate::answer;
use tokendesk_core::centagate::client::{Call, Client};
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::methods::AuthMethods;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::profile::Profile;
use tokendesk_core::sign::cen_token;
use tokendesk_core::validate;
use tokendesk_core::vocab::Field;
use tokendesk_core::Secret;

/// A `user/auth/list` answer of a user with an SMS, an OTP and a FIDO token, a certificate and
/// a device (about 1 KB), the way servers send it.
const LIST_ANSWER: &str = r#"{"code":0,"message":"Success","object":{"tokenList":[{"sn":"+60123456789","type":1,"status":1,"createdOn":1700000000000},{"sn":"HW-1001-A7","type":"2","status":"2","vendor":"Feitian","lastUsed":1712345678901},{"sn":"FIDO-9f8e7d","type":3,"status":3,"aaguid":"ee882879-721c-4913-9775-3dfcce97072a"}],"certList":[{"sn":"0A1B2C3D4E5F","fingerprint":"3f1c9a7e5b2d4e8f9a107c6d5e4f3a21b0c9d8e7","subjectDn":"CN=alice,OU=Staff,O=Example Corp,C=MY","issuerDn":"CN=Example Issuing CA,O=Example Corp,C=MY","revoked":"false","validFrom":1600000000000,"validTo":"1900000000000"}],"device":{"name":"Alice's Pixel","model":"Pixel 8","os":"Android 15","status":1,"pushId":"fcm:APA91bH-example"},"lastLogin":1712345000000}}"#;

/// A plain success answer.
const OK_ANSWER: &str = r#"{"code":0,"message":"Success","object":null}"#;

const ADMIN: &str = "helpdesk01";
const AUTH_TOKEN: &str = "3f1c9a7e-5b2d-4e8f-9a10-7c6d5e4f3a21";
const SECRET_CODE: &str = "Zx9!qP2#rT-bench";

fn profile() -> Profile {
    ProfileDraft {
        name: "bench".into(),
        url: "https://mfa.example.com".into(),
        admin: ADMIN.into(),
        ..Default::default()
    }
    .validate()
    .expect("valid profile")
}

fn credentials() -> CentagateCredentials {
    CentagateCredentials::new(Secret::new(AUTH_TOKEN), Secret::new(SECRET_CODE)).unwrap()
}

fn bench(c: &mut Criterion) {
    let profile = profile();
    let creds = credentials();
    let client = Client::new(&profile.endpoint(), &profile.admin, &creds).expect("client");

    // Sanity: the realistic answer decodes to what it says, so the benchmark measures real work.
    let a = answer::parse(LIST_ANSWER.as_bytes()).unwrap();
    let m = AuthMethods::from_object(&a.object);
    assert_eq!(
        (m.tokens.len(), m.certificates.len(), m.device.is_some()),
        (3, 1, true)
    );

    c.bench_function("list_methods/client_side", |b| {
        b.iter(|| {
            let username = validate::username(Field::Username, black_box("  alice ")).unwrap();
            let token = cen_token(
                black_box(&profile.admin),
                black_box(&creds.auth_token),
                black_box(&creds.secret_code),
            );
            let url = client.endpoint(Call::ListAuthMethods);
            let body = client.body(&[("username", &username)]);
            let bytes = serde_json::to_vec(&body).unwrap();
            let answer = answer::parse(black_box(LIST_ANSWER.as_bytes())).unwrap();
            let methods = AuthMethods::from_object(&answer.object);
            black_box((token, url, bytes, methods))
        })
    });

    c.bench_function("register_sms/client_side", |b| {
        b.iter(|| {
            let username = validate::username(Field::Username, black_box("alice")).unwrap();
            let phone = validate::phone(black_box("+60 12-345 6789")).unwrap();
            let token = cen_token(
                black_box(&profile.admin),
                black_box(&creds.auth_token),
                black_box(&creds.secret_code),
            );
            let url = client.endpoint(Call::RegisterActiveToken);
            let body = client.body(&[
                ("username", &username),
                ("tokenSn", &phone),
                ("tokenType", "1"),
            ]);
            let bytes = serde_json::to_vec(&body).unwrap();
            let answer = answer::parse(black_box(OK_ANSWER.as_bytes())).unwrap();
            black_box((token, url, bytes, answer))
        })
    });

    let mut parts = c.benchmark_group("parts");
    parts.bench_function("sign_cen_token", |b| {
        b.iter(|| {
            cen_token(
                black_box(&profile.admin),
                black_box(&creds.auth_token),
                black_box(&creds.secret_code),
            )
        })
    });
    parts.bench_function("parse_and_decode_list_answer", |b| {
        b.iter(|| {
            let a = answer::parse(black_box(LIST_ANSWER.as_bytes())).unwrap();
            AuthMethods::from_object(&a.object)
        })
    });
    parts.bench_function("url_and_body", |b| {
        b.iter(|| {
            let url = client.endpoint(black_box(Call::UnlockToken));
            let body = client.body(&[("username", black_box("alice"))]);
            (url, serde_json::to_vec(&body).unwrap())
        })
    });
    parts.finish();

    let mut setup = c.benchmark_group("setup");
    setup.sample_size(20);
    setup.bench_function("client_new_once_per_session", |b| {
        b.iter(|| {
            Client::new(
                black_box(&profile.endpoint()),
                black_box(&profile.admin),
                black_box(&creds),
            )
            .unwrap()
        })
    });
    setup.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
