//! Fuzzes button ids, which anyone can forge: parsing never panics, whatever parses is exactly
//! the id the bot would have written, and pressing a button with any id gets a reply.

#![no_main]

use immunobot::action::{Action, MAX_ID_LEN};
use immunobot::bot;
use immunobot::catalog::is_valid_topic_id;
use immunobot_fuzz::shipped_catalog;
use libfuzzer_sys::fuzz_target;

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
    let reply = bot::reply_to_button(shipped_catalog(), &text);
    assert!(reply
        .topic()
        .is_none_or(|id| shipped_catalog().find(id).is_some()));
});
