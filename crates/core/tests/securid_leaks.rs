//! No key material and no token in any Debug output, error text or log line of the
//! SecurID backend. Its own test binary: a tracing subscriber set for one thread is reliable
//! only when no other test runs beside it.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::securid::*;
use common::*;
use tokendesk_core::securid::jwt::{JwtSigner, SystemClock};
use tokendesk_core::securid::key::SecurIdKey;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::Secret;

/// A `MakeWriter` into a shared buffer, to read what was logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn key_material_and_tokens_never_reach_debug_errors_or_logs() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let answers = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(move |_| match answers.fetch_add(1, Ordering::SeqCst) {
        0 => json(200, ALICE),
        1 => too_many(),
        2 => json(
            500,
            r#"{"isTokenLocked":true,"isSmsLocked":true,"isVoiceLocked":true}"#,
        ),
        _ => json(403, r#"{"message":"denied"}"#),
    })
    .await;
    let r = rig(&server);
    let mut texts = vec![format!("{:?}", r.session)];
    texts.push(format!(
        "{:?}",
        r.session.lookup_user(&alice()).await.unwrap()
    ));
    let errors = [
        r.session.unlock_methods(&unlock_all()).await.unwrap_err(),
        r.session.lookup_user(&alice()).await.unwrap_err(),
        SecurIdKey::from_json(&key_file(VECTOR_AUD, &pem().replace("MII", "XYZ"))).unwrap_err(),
    ];
    for e in &errors {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
        texts.push(serde_json::to_string(e).unwrap());
    }
    let key = key_for(VECTOR_AUD);
    texts.push(format!("{key:?}"));
    texts.push(format!(
        "{:?}",
        JwtSigner::new(&key, Arc::new(SystemClock)).unwrap()
    ));
    texts.push(format!(
        "{:?}",
        SecurIdProfileDraft {
            key_json: Some(Secret::new(key_file(VECTOR_AUD, &pem()))),
            ..Default::default()
        }
    ));
    drop(_guard);
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("users/lookup"),
        "tracing was captured: {logged}"
    );
    texts.push(logged);

    let tokens: Vec<String> = server
        .received()
        .iter()
        .map(|r| {
            r.header("authorization")
                .unwrap()
                .trim_start_matches("Bearer ")
                .to_owned()
        })
        .collect();
    let signature_parts: Vec<String> = tokens
        .iter()
        .map(|t| t.rsplit('.').next().unwrap().to_owned())
        .collect();
    let canaries: Vec<String> = key_canaries()
        .into_iter()
        .chain(tokens)
        .chain(signature_parts)
        .collect();
    for text in &texts {
        for c in &canaries {
            assert!(!text.contains(c.as_str()), "secret material in: {text}");
        }
    }
}
