//! FNV-1a hashing for the matcher's maps.
//!
//! The keys are short words hashed once per message word, where std's DoS-resistant SipHash
//! costs more than the lookup itself. The keys come from the catalog and the language file, not
//! from members, so there is nothing to flood.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the vocabulary's keys are short words hashed once per message word, where std's
/// DoS-resistant SipHash costs more than the lookup itself. The keys come from the catalog, not
/// from members, so there is nothing to flood.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

pub(crate) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
