//! A failed first connection to the credential store is not kept: the next call tries again
//! (the app keeps running while the Secret Service starts or the bus comes back). Its own test
//! binary, since the store is registered once per process.

mod common;

use tokendesk_core::credentials::SecretStore;
use tokendesk_core::{ConfigError, Error};

#[test]
fn a_failed_first_connection_is_tried_again_on_the_next_call() {
    if !common::store_available("a_failed_first_connection_is_tried_again") {
        return;
    }
    let real = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").expect("a session bus");
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/tokendesk-no-bus",
    );
    let first = SecretStore::open();
    assert!(
        matches!(
            first,
            Err(Error::Config(ConfigError::StoreUnavailable { .. }))
        ),
        "{first:?}"
    );
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &real);
    let store = SecretStore::open().expect("tried again, and the store is there now");
    assert!(!store.has_id("00000000000000000000000000000000").unwrap());
}
