//! Typed indices into the matcher's and the catalog's tables, so that a subject can never be
//! used where an answer is meant, and no `as usize` cast is needed at the call sites.

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The index for position `index` of its table. Tables are bounded far below
            /// `u32::MAX` by the catalog's caps, so the conversion saturates rather than fails.
            pub fn new(index: usize) -> Self {
                Self(u32::try_from(index).unwrap_or(u32::MAX))
            }

            pub fn get(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// A reviewed answer: a position in the catalog's topic list.
    TopicIndex
);
index_type!(
    /// A subject: what a group of answers is about, found in a message by its terms.
    SubjectIndex
);
index_type!(
    /// A distinct word of the catalog's terms.
    VocabId
);
index_type!(
    /// A kind of question (definition, side effects, cost, ...), declared in the language file.
    KindId
);
index_type!(
    /// Who a subject is about (children, adults), declared in the language file.
    AudienceId
);
