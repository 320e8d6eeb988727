//! Fuzzes button ids, which anyone can forge: parsing never panics, whatever parses is exactly
//! the id the bot would have written, and pressing a button with any id gets a reply.

#![no_main]

use std::sync::OnceLock;

use immunobot::action::{Action, MAX_ID_LEN};
use immunobot::bot;
use immunobot::catalog::{is_valid_topic_id, Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use libfuzzer_sys::fuzz_target;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::load(&ResponseSource::Embedded, &CONTENT_LIMITS)
            .expect("the built-in responses load")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(action) = Action::parse(&text) {
        assert_eq!(action.to_custom_id(), text);
        assert!(text.len() <= MAX_ID_LEN);
    }
    // The topic part is accepted exactly when it is a valid topic id.
    assert_eq!(
        Action::parse(&format!("ib1:topic:{text}")).is_ok(),
        is_valid_topic_id(&text)
    );
    let reply = bot::reply_to_button(catalog(), &text);
    assert!(reply.topic().is_none_or(|id| catalog().find(id).is_some()));
});
