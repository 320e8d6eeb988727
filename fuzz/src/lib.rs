//! What the fuzz targets share: the shipped responses, loaded once per run.

use std::sync::OnceLock;

use immunobot::catalog::{Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;

/// The shipped responses, as built into the library, loaded once for the whole run.
pub fn shipped_catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::load(&ResponseSource::Embedded, &CONTENT_LIMITS)
            .expect("the built-in responses load")
    })
}
