//! Discord's hard limits: the only place in the crate that knows them.
//! <https://discord.com/developers/docs/resources/message#embed-object-embed-limits>

use crate::catalog::ContentLimits;

pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const EMBED_FOOTER: usize = 2048;
pub const EMBED_FIELD_NAME: usize = 256;
pub const EMBED_FIELD_VALUE: usize = 1024;
pub const EMBED_TOTAL: usize = 6000;
pub const MESSAGE_CONTENT: usize = 2000;
pub const BUTTON_LABEL: usize = 80;
pub const BUTTONS_PER_ROW: usize = 5;
pub const ROWS: usize = 5;
pub const CUSTOM_ID: usize = 100;
pub const CHOICE_NAME: usize = 100;
pub const CHOICES: usize = 25;

/// The heading of the embed field that holds the disclaimer.
pub const DISCLAIMER_HEADING: &str = "Please note";

/// What response files must respect so every reply can be sent to Discord.
pub const CONTENT_LIMITS: ContentLimits = ContentLimits {
    title: EMBED_TITLE,
    body: EMBED_DESCRIPTION,
    provenance: EMBED_FOOTER,
    provenance_wording: crate::reply::PROVENANCE_WORDING_LEN,
    page_wording: crate::reply::PAGE_WORDING_LEN,
    disclaimer: EMBED_FIELD_VALUE,
    reply_total: EMBED_TOTAL - DISCLAIMER_HEADING.len(),
    button_label: BUTTON_LABEL,
    // One place stays free for the way back from an excerpt to its source, one for Dismiss.
    buttons: BUTTONS_PER_ROW * ROWS - 2,
    choice_label: CHOICE_NAME,
};

const _: () = assert!(crate::action::MAX_ID_LEN <= CUSTOM_ID);
