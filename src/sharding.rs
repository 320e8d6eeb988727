//! Which of the bot's gateway shards this process runs: the `[discord] shards` range, the
//! `[discord] total_shards` count (a number, or Discord's recommendation), the check that one
//! lies inside the other, and the shard a guild's events arrive on.
//!
//! Plain data and arithmetic: it never connects and never names serenity. A range outside the
//! total is refused with the config line of `shards`, once the total is known: when the config
//! is read for a fixed `total_shards`, when Discord has said how many for `"auto"`.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// A range of shard ids, both ends included, first never above last: `"0-3"` or `"2"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    first: u32,
    last: u32,
}

impl ShardRange {
    /// `first..=last`, or `None` when the range is inverted.
    pub fn new(first: u32, last: u32) -> Option<ShardRange> {
        (first <= last).then_some(ShardRange { first, last })
    }

    /// Every shard of a bot with `total` shards (at least one).
    pub fn all(total: u32) -> ShardRange {
        ShardRange {
            first: 0,
            last: total.max(1) - 1,
        }
    }

    pub fn first(&self) -> u32 {
        self.first
    }

    pub fn last(&self) -> u32 {
        self.last
    }

    /// How many shards the range holds.
    pub fn len(&self) -> u32 {
        self.last - self.first + 1
    }

    /// Never: a range holds at least one shard.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn ids(&self) -> RangeInclusive<u32> {
        self.first..=self.last
    }

    pub fn contains(&self, shard: u32) -> bool {
        self.ids().contains(&shard)
    }
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// Why a `shards` value is not a range, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("expected shard ids like \"0-3\" or \"2\", got \"{0}\"")]
    NotARange(String),
    #[error("\"{0}\" is backwards: write the lower shard id first, like \"{1}-{2}\"")]
    Inverted(String, u32, u32),
}

impl FromStr for ShardRange {
    type Err = RangeError;

    fn from_str(text: &str) -> Result<ShardRange, RangeError> {
        let id = |part: &str| part.trim().parse::<u32>().ok();
        let not_a_range = || RangeError::NotARange(text.to_string());
        let (first, last) = match text.split_once('-') {
            Some((first, last)) => (
                id(first).ok_or_else(not_a_range)?,
                id(last).ok_or_else(not_a_range)?,
            ),
            None => {
                let only = id(text).ok_or_else(not_a_range)?;
                (only, only)
            }
        };
        ShardRange::new(first, last)
            .ok_or_else(|| RangeError::Inverted(text.trim().to_string(), last, first))
    }
}

/// `[discord] total_shards`: how many shards the whole bot has, across all its processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardTotal {
    /// As many as Discord recommends (`GET /gateway/bot`), read at every start.
    Auto,
    /// This many, the same in every process (at least one).
    Fixed(u32),
}

/// What the config says about shards, before Discord was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharding {
    /// `None`: every shard of the total.
    pub range: Option<ShardRange>,
    pub total: ShardTotal,
    /// Where `shards` stands in the config file, as a `FILE:LINE: ` prefix (empty when it does
    /// not come from a file), for a refusal once the total is known.
    pub range_at: String,
}

impl Default for Sharding {
    /// Every shard, as many as Discord recommends: one process runs the whole bot.
    fn default() -> Sharding {
        Sharding {
            range: None,
            total: ShardTotal::Auto,
            range_at: String::new(),
        }
    }
}

/// The shards this process runs, checked against the bot's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardPlan {
    pub range: ShardRange,
    pub total: u32,
}

impl ShardPlan {
    /// Whether this process runs shard 0, the one Discord sends direct messages to.
    pub fn runs_shard_zero(&self) -> bool {
        self.range.contains(0)
    }
}

impl fmt::Display for ShardPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {}", self.range, self.total)
    }
}

/// A `shards` range that reaches past the bot's last shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideTotal {
    at: String,
    range: ShardRange,
    total: u32,
    /// Where the total came from, and what to do.
    why: &'static str,
    advice: &'static str,
}

impl fmt::Display for OutsideTotal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shards = if self.total == 1 { "shard" } else { "shards" };
        write!(
            f,
            "{}`[discord] shards` is \"{}\", but the bot has {} {shards} ({}) {}: {}",
            self.at,
            self.range,
            self.total,
            ShardRange::all(self.total),
            self.why,
            self.advice
        )
    }
}

impl std::error::Error for OutsideTotal {}

impl Sharding {
    /// The plan for a bot Discord recommends `recommended` shards for (used only when
    /// `total_shards = "auto"`).
    pub fn plan(&self, recommended: u32) -> Result<ShardPlan, OutsideTotal> {
        let (total, why, advice) = match self.total {
            ShardTotal::Fixed(total) => (
                total,
                "as `total_shards` says",
                "give each process a range inside it",
            ),
            ShardTotal::Auto => (
                recommended.max(1),
                "as Discord recommends for `total_shards = \"auto\"`",
                "set `total_shards` to the number every process shares",
            ),
        };
        let range = self.range.unwrap_or_else(|| ShardRange::all(total));
        if range.last() >= total {
            return Err(OutsideTotal {
                at: self.range_at.clone(),
                range,
                total,
                why,
                advice,
            });
        }
        Ok(ShardPlan { range, total })
    }

    /// The check that needs no answer from Discord: a fixed total.
    pub fn check(&self) -> Result<(), OutsideTotal> {
        match self.total {
            ShardTotal::Fixed(_) => self.plan(1).map(|_| ()),
            ShardTotal::Auto => Ok(()),
        }
    }
}

/// The shard that receives a guild's events in a bot of `total` shards (Discord's rule:
/// `(guild_id >> 22) % total`). Direct messages arrive on shard 0.
pub fn shard_of(guild_id: u64, total: u32) -> u32 {
    let total = u64::from(total.max(1));
    // The remainder is below `total`, itself a u32.
    u32::try_from((guild_id >> 22) % total).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_from_text() {
        for (text, first, last) in [("0-3", 0, 3), ("2", 2, 2), (" 4 - 7 ", 4, 7), ("5-5", 5, 5)] {
            let range: ShardRange = text.parse().unwrap();
            assert_eq!((range.first(), range.last()), (first, last), "{text}");
        }
        assert_eq!("0-3".parse::<ShardRange>().unwrap().to_string(), "0-3");
        assert_eq!("2".parse::<ShardRange>().unwrap().to_string(), "2");
        assert_eq!("2-5".parse::<ShardRange>().unwrap().len(), 4);
        for bad in ["", "-", "a-b", "1-", "-1", "1-2-3", "1.5", "0..3", "-1-2"] {
            assert_eq!(
                bad.parse::<ShardRange>(),
                Err(RangeError::NotARange(bad.to_string())),
                "{bad:?}"
            );
        }
        assert_eq!(
            "3-1".parse::<ShardRange>().unwrap_err().to_string(),
            "\"3-1\" is backwards: write the lower shard id first, like \"1-3\""
        );
    }

    #[test]
    fn a_range_must_lie_inside_the_total() {
        let sharding = |range: &str, total| Sharding {
            range: Some(range.parse().unwrap()),
            total,
            range_at: "config.toml:3: ".to_string(),
        };
        let plan = sharding("0-1", ShardTotal::Fixed(4)).plan(1).unwrap();
        assert_eq!(plan.to_string(), "0-1 of 4");
        assert!(plan.runs_shard_zero());
        assert!(!sharding("2-3", ShardTotal::Fixed(4))
            .plan(1)
            .unwrap()
            .runs_shard_zero());
        let err = sharding("2-3", ShardTotal::Fixed(2)).check().unwrap_err();
        assert_eq!(
            err.to_string(),
            "config.toml:3: `[discord] shards` is \"2-3\", but the bot has 2 shards (0-1) as `total_shards` says: give each process a range inside it"
        );
        // With "auto" the total is Discord's, and only known then.
        let auto = sharding("2-3", ShardTotal::Auto);
        assert_eq!(auto.check(), Ok(()));
        assert_eq!(auto.plan(4).unwrap().total, 4);
        let err = auto.plan(1).unwrap_err().to_string();
        assert!(
            err.starts_with("config.toml:3: `[discord] shards` is \"2-3\", but the bot has 1 shard (0) as Discord recommends"),
            "{err}"
        );
    }

    #[test]
    fn without_a_range_the_process_runs_every_shard() {
        let all = Sharding::default().plan(3).unwrap();
        assert_eq!(all.range.ids().collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(all.total, 3);
        // Discord never recommends none, but a zero must not make an empty plan.
        assert_eq!(Sharding::default().plan(0).unwrap().to_string(), "0 of 1");
        let fixed = Sharding {
            total: ShardTotal::Fixed(2),
            ..Sharding::default()
        };
        assert_eq!(fixed.plan(16).unwrap().to_string(), "0-1 of 2");
    }

    #[test]
    fn guilds_are_spread_over_shards_by_their_id() {
        // Discord's documented example: guild 41771983423143937, shard 0 of 1 and of 2.
        assert_eq!(shard_of(41_771_983_423_143_937, 1), 0);
        let a = 1 << 22;
        assert_eq!(shard_of(a, 2), 1);
        assert_eq!(shard_of(2 * a, 2), 0);
        assert_eq!(shard_of(7 * a + 12345, 4), 3);
        assert_eq!(shard_of(u64::MAX, 0), 0, "a zero total is one shard");
    }
}
