//! Fuzzes what every chat message goes through: normalising, matching and choosing a reply.
//!
//! Any bytes, read as UTF-8 (lossily), are assessed in a channel and as a direct message.
//! Besides not panicking, the core must keep its promises: a score in 0..=1, an answer only at
//! the threshold, the same verdict for the same text however often it is asked (the matcher
//! reuses per-thread buffers), and every answer the reviewed body verbatim with its provenance
//! and the disclaimer.

#![no_main]

use immunobot::bot;
use immunobot::matching::{Addressing, Verdict, ANSWER_THRESHOLD};
use immunobot::reply::ReplyKind;
use immunobot_fuzz::shipped_catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let catalog = shipped_catalog();
    for addressing in [Addressing::Passive, Addressing::Direct] {
        let assessment = catalog.matcher().assess(&text, addressing);
        assert!(
            (0.0..=1.0).contains(&assessment.score),
            "score {} out of 0..=1",
            assessment.score
        );
        assert!(assessment.candidates.len() <= 3);
        if assessment.verdict == Verdict::Answer {
            assert!(assessment.topic.is_some());
            assert!(assessment.score >= ANSWER_THRESHOLD);
        }
        assert_eq!(catalog.matcher().assess(&text, addressing), assessment);

        let reply = bot::reply_to_message(catalog, &text, addressing);
        if addressing == Addressing::Direct {
            assert!(reply.is_some(), "a direct message always gets a reply");
        }
        let Some(reply) = reply else { continue };
        if addressing == Addressing::Passive {
            assert!(matches!(reply.kind, ReplyKind::Answer { .. }));
        }
        if let Some(id) = reply.topic() {
            let topic = catalog.find(id).expect("an answer names a catalog topic");
            assert_eq!(reply.body, topic.body);
            assert!(reply.provenance.as_deref().is_some_and(|p| !p.is_empty()));
            assert_eq!(reply.disclaimer.as_deref(), Some(catalog.disclaimer()));
        }
    }
});
