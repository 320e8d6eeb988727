//! The shipped `responses/` folder, compiled into the binary so that `immunobot console` works
//! anywhere without a checkout. A test keeps this list equal to the folder's contents.

pub(crate) const FILES: &[(&str, &str)] = &[
    ("catalog.toml", include_str!("../../responses/catalog.toml")),
    ("language.toml", super::language::BUILT_IN),
    (
        "topics/cancer-vaccines.toml",
        include_str!("../../responses/topics/cancer-vaccines.toml"),
    ),
    (
        "topics/car-t.toml",
        include_str!("../../responses/topics/car-t.toml"),
    ),
    (
        "topics/checkpoint-inhibitors.toml",
        include_str!("../../responses/topics/checkpoint-inhibitors.toml"),
    ),
    (
        "topics/immunotherapy.toml",
        include_str!("../../responses/topics/immunotherapy.toml"),
    ),
    (
        "topics/monoclonal-antibodies.toml",
        include_str!("../../responses/topics/monoclonal-antibodies.toml"),
    ),
    ("examples.tsv", include_str!("../../responses/examples.tsv")),
    ("safety.toml", include_str!("../../responses/safety.toml")),
    (
        "safety-language.toml",
        include_str!("../../responses/safety-language.toml"),
    ),
];

/// The built-in copy of one file, by its path relative to the responses folder.
pub(crate) fn text_of(relative: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(name, _)| *name == relative)
        .map(|(_, text)| *text)
}
