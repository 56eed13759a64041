//! The practice server and the client each keep the vendor's texts (the sim is an independent
//! stand-in for the server and does not use the client's catalog); this pins the two together.

use tokendesk_core::centagate::catalog;
use tokendesk_sim::Code;

#[test]
fn every_code_the_practice_server_answers_has_the_catalogs_vendor_text() {
    for code in Code::ALL {
        let entry = catalog::CATALOG
            .entry(i64::from(code.number()))
            .unwrap_or_else(|| panic!("code {} is not in the catalog", code.number()));
        assert_eq!(
            code.message(),
            entry.vendor_text,
            "vendor text of {}",
            code.number()
        );
    }
}
