//! Abuse and noise guards: the answer cooldown per (channel, topic), the per-user response
//! limit, and the channels where passive answering is allowed.
//!
//! Plain, platform-neutral data structures, shared by the event handlers behind a short
//! `std::sync::Mutex` each. They never read the clock themselves (callers pass `now`, so tests
//! inject time and never sleep), never hold a lock across an `.await` (nothing here is async),
//! never import serenity, and never grow without bound: every map is swept of expired entries
//! once per window and capped, evicting its oldest entries when a raid fills it.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Most (channel, topic) pairs a [`Cooldown`] remembers at once.
pub const COOLDOWN_CAPACITY: usize = 10_000;
/// Most users a [`UserLimit`] remembers at once.
pub const USER_LIMIT_CAPACITY: usize = 10_000;

/// Locks `mutex` even if a panicking handler poisoned it: every update below leaves the maps
/// consistent at each step, and a guard that stopped working would silence the bot.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes about the oldest tenth of `map`'s evictable entries (`seen` is `None` for entries
/// that must stay), so that a full map is not rescanned on every insert during a raid.
fn evict_oldest<K: Eq + Hash, V>(map: &mut HashMap<K, V>, seen: impl Fn(&V) -> Option<Instant>) {
    let mut times: Vec<Instant> = map.values().filter_map(&seen).collect();
    if times.is_empty() {
        return;
    }
    let count = (times.len() / 10).max(1);
    let (_, threshold, _) = times.select_nth_unstable(count - 1);
    let threshold = *threshold;
    map.retain(|_, value| seen(value).is_none_or(|at| at > threshold));
}

/// Whether a sweep of a map with this window is due, and if so notes that it ran.
fn sweep_due(last_sweep: &mut Option<Instant>, window: Duration, now: Instant) -> bool {
    match *last_sweep {
        Some(last) if now.saturating_duration_since(last) < window => false,
        _ => {
            *last_sweep = Some(now);
            true
        }
    }
}

// =============================================================================================
// Cooldown
// =============================================================================================

/// Keeps the same answer from being repeated in the same channel within a window: the first
/// asker claims the (channel, topic) slot before sending, the slot starts cooling when the send
/// succeeded, and is released when it failed (or the sender went away), so a failed send never
/// silences the next asker and two simultaneous askers never both get the answer.
pub struct Cooldown {
    window: Duration,
    capacity: usize,
    state: Mutex<CooldownState>,
}

#[derive(Default)]
struct CooldownState {
    slots: HashMap<(u64, String), Slot>,
    next_claim: u64,
    last_sweep: Option<Instant>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    /// An answer is on its way, in reply to the message `question`; held by one live [`Ticket`].
    Sending { claim: u64, question: u64 },
    /// The answer went out as the message `answer` at `at`.
    Answered { at: Instant, answer: u64 },
}

/// What the cooldown says about answering a topic in a channel now.
pub enum Claim<'a> {
    /// Nobody answered it here lately: send, then report through the ticket.
    Granted(Ticket<'a>),
    /// It was answered here a moment ago (or is being answered right now).
    Cooling(Earlier),
}

/// The earlier answer that keeps a new one from being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// Being sent right now, in reply to this message.
    Sending { question: u64 },
    /// Sent as this message.
    Answered { answer: u64 },
}

impl Earlier {
    /// The message to point a member at: the answer, or while it is on its way, the question it
    /// answers (the answer appears right under it).
    pub fn message(self) -> u64 {
        match self {
            Earlier::Sending { question } => question,
            Earlier::Answered { answer } => answer,
        }
    }
}

/// The right to answer one (channel, topic). Dropping it without [`Ticket::answered`] (a failed
/// send, a panic) releases the slot, so the next asker is answered.
pub struct Ticket<'a> {
    cooldown: &'a Cooldown,
    key: (u64, String),
    claim: u64,
    answered: bool,
}

impl Ticket<'_> {
    /// The answer went out as message `answer` at `now`: the window starts now.
    pub fn answered(mut self, answer: u64, now: Instant) {
        let mut state = lock(&self.cooldown.state);
        let ours = match state.slots.get(&self.key) {
            Some(Slot::Sending { claim, .. }) => *claim == self.claim,
            // Evicted while sending (only possible when the map was full): remember it anyway.
            None => true,
            Some(Slot::Answered { .. }) => false,
        };
        if ours {
            state
                .slots
                .insert(self.key.clone(), Slot::Answered { at: now, answer });
        }
        // Nothing left to release when the ticket drops.
        self.answered = true;
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        let mut state = lock(&self.cooldown.state);
        if let Some(Slot::Sending { claim, .. }) = state.slots.get(&self.key) {
            if *claim == self.claim {
                state.slots.remove(&self.key);
            }
        }
    }
}

impl Cooldown {
    /// A cooldown of `window` remembering at most [`COOLDOWN_CAPACITY`] pairs.
    pub fn new(window: Duration) -> Cooldown {
        Cooldown::with_capacity(window, COOLDOWN_CAPACITY)
    }

    pub fn with_capacity(window: Duration, capacity: usize) -> Cooldown {
        Cooldown {
            window,
            capacity: capacity.max(1),
            state: Mutex::new(CooldownState::default()),
        }
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    /// The earlier answer that would keep `topic` from being answered in `channel` at `now`, if
    /// any; claims nothing.
    pub fn earlier(&self, channel: u64, topic: &str, now: Instant) -> Option<Earlier> {
        let state = lock(&self.state);
        match *state.slots.get(&(channel, topic.to_string()))? {
            Slot::Sending { question, .. } => Some(Earlier::Sending { question }),
            Slot::Answered { at, answer } if now.saturating_duration_since(at) < self.window => {
                Some(Earlier::Answered { answer })
            }
            Slot::Answered { .. } => None,
        }
    }

    /// Asks to answer `topic` in `channel` with a reply to the message `question`, at `now`.
    pub fn claim(&self, channel: u64, topic: &str, question: u64, now: Instant) -> Claim<'_> {
        let mut state = lock(&self.state);
        let window = self.window;
        let cooling = move |slot: &Slot| match *slot {
            Slot::Sending { .. } => true,
            Slot::Answered { at, .. } => now.saturating_duration_since(at) < window,
        };
        if sweep_due(&mut state.last_sweep, window, now) {
            state.slots.retain(|_, slot| cooling(slot));
        }
        let key = (channel, topic.to_string());
        match state.slots.get(&key).copied() {
            Some(Slot::Sending { question, .. }) => {
                return Claim::Cooling(Earlier::Sending { question });
            }
            Some(slot @ Slot::Answered { answer, .. }) if cooling(&slot) => {
                return Claim::Cooling(Earlier::Answered { answer });
            }
            // Answered longer ago than the window: answer again.
            Some(Slot::Answered { .. }) => {}
            None => {
                if state.slots.len() >= self.capacity {
                    state.slots.retain(|_, slot| cooling(slot));
                }
                if state.slots.len() >= self.capacity {
                    // Slots being sent stay: each belongs to a live sender.
                    evict_oldest(&mut state.slots, |slot| match slot {
                        Slot::Sending { .. } => None,
                        Slot::Answered { at, .. } => Some(*at),
                    });
                }
            }
        }
        let claim = state.next_claim;
        state.next_claim = state.next_claim.wrapping_add(1);
        state
            .slots
            .insert(key.clone(), Slot::Sending { claim, question });
        Claim::Granted(Ticket {
            cooldown: self,
            key,
            claim,
            answered: false,
        })
    }

    /// Forgets the answer sent as message `answer` in `channel` (it was removed), so that the
    /// next asker gets an answer instead of silence or a link to a message that is gone.
    pub fn withdraw(&self, channel: u64, answer: u64) {
        lock(&self.state).slots.retain(|(slot_channel, _), slot| {
            *slot_channel != channel
                || !matches!(*slot, Slot::Answered { answer: sent, .. } if sent == answer)
        });
    }

    /// How many (channel, topic) pairs are remembered now.
    pub fn tracked(&self) -> usize {
        lock(&self.state).slots.len()
    }
}

// =============================================================================================
// Per-user limit
// =============================================================================================

/// At most `limit` bot responses per user within any `window`, so one member cannot make the
/// bot flood a channel. Keeps at most `limit` instants per user and [`USER_LIMIT_CAPACITY`]
/// users; under a raid that fills it, the least recently served users are forgotten (they get a
/// fresh allowance, which is still at most `limit` responses each).
pub struct UserLimit {
    limit: usize,
    window: Duration,
    capacity: usize,
    state: Mutex<UserState>,
}

#[derive(Default)]
struct UserState {
    users: HashMap<u64, VecDeque<Instant>>,
    last_sweep: Option<Instant>,
}

impl UserLimit {
    /// `limit` responses per `window`, remembering at most [`USER_LIMIT_CAPACITY`] users.
    pub fn new(limit: usize, window: Duration) -> UserLimit {
        UserLimit::with_capacity(limit, window, USER_LIMIT_CAPACITY)
    }

    pub fn with_capacity(limit: usize, window: Duration, capacity: usize) -> UserLimit {
        UserLimit {
            limit: limit.max(1),
            window,
            capacity: capacity.max(1),
            state: Mutex::new(UserState::default()),
        }
    }

    /// Whether the bot may respond to `user` at `now`; counts the response when it may.
    pub fn allow(&self, user: u64, now: Instant) -> bool {
        let mut state = lock(&self.state);
        let window = self.window;
        let recent = move |times: &VecDeque<Instant>| {
            times
                .back()
                .is_some_and(|last| now.saturating_duration_since(*last) < window)
        };
        if sweep_due(&mut state.last_sweep, window, now) {
            state.users.retain(|_, times| recent(times));
        }
        if let Some(times) = state.users.get_mut(&user) {
            while times
                .front()
                .is_some_and(|first| now.saturating_duration_since(*first) >= window)
            {
                times.pop_front();
            }
            if times.len() >= self.limit {
                return false;
            }
            times.push_back(now);
            return true;
        }
        if state.users.len() >= self.capacity {
            state.users.retain(|_, times| recent(times));
        }
        if state.users.len() >= self.capacity {
            evict_oldest(&mut state.users, |times| times.back().copied());
        }
        state.users.insert(user, VecDeque::from([now]));
        true
    }

    /// How many users are remembered now.
    pub fn tracked(&self) -> usize {
        lock(&self.state).users.len()
    }
}

// =============================================================================================
// Where passive answering happens
// =============================================================================================

/// The guilds and channels where the bot answers plain channel messages (mentions, DMs and
/// slash commands work everywhere). An empty allow list allows all; a deny list always wins.
/// A thread has its own channel id: listing a channel does not list its threads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassiveScope {
    allow_guilds: BTreeSet<u64>,
    deny_guilds: BTreeSet<u64>,
    allow_channels: BTreeSet<u64>,
    deny_channels: BTreeSet<u64>,
}

impl PassiveScope {
    /// Every channel of every guild.
    pub fn everywhere() -> PassiveScope {
        PassiveScope::default()
    }

    pub fn new(
        allow_guilds: impl IntoIterator<Item = u64>,
        deny_guilds: impl IntoIterator<Item = u64>,
        allow_channels: impl IntoIterator<Item = u64>,
        deny_channels: impl IntoIterator<Item = u64>,
    ) -> PassiveScope {
        PassiveScope {
            allow_guilds: allow_guilds.into_iter().collect(),
            deny_guilds: deny_guilds.into_iter().collect(),
            allow_channels: allow_channels.into_iter().collect(),
            deny_channels: deny_channels.into_iter().collect(),
        }
    }

    /// Whether a plain message in `channel` of `guild` may be answered.
    pub fn allows(&self, guild: u64, channel: u64) -> bool {
        let listed = |allow: &BTreeSet<u64>, id: u64| allow.is_empty() || allow.contains(&id);
        !self.deny_guilds.contains(&guild)
            && !self.deny_channels.contains(&channel)
            && listed(&self.allow_guilds, guild)
            && listed(&self.allow_channels, channel)
    }

    /// Whether this scope allows every channel (no list set).
    pub fn is_everywhere(&self) -> bool {
        *self == PassiveScope::everywhere()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn granted(claim: Claim<'_>) -> Ticket<'_> {
        match claim {
            Claim::Granted(ticket) => ticket,
            Claim::Cooling(earlier) => panic!("expected a grant, got {earlier:?}"),
        }
    }

    fn cooling(claim: Claim<'_>) -> Earlier {
        match claim {
            Claim::Granted(_) => panic!("expected the cooldown to hold"),
            Claim::Cooling(earlier) => earlier,
        }
    }

    #[test]
    fn the_same_topic_in_the_same_channel_waits_for_the_window() {
        let t0 = Instant::now();
        let cooldown = Cooldown::new(5 * MINUTE);
        granted(cooldown.claim(1, "car-t", 100, t0)).answered(900, t0);

        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 101, t0 + secs(1))),
            Earlier::Answered { answer: 900 }
        );
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 102, t0 + 5 * MINUTE - secs(1))),
            Earlier::Answered { answer: 900 }
        );
        assert_eq!(
            cooldown.earlier(1, "car-t", t0 + secs(1)),
            Some(Earlier::Answered { answer: 900 })
        );
        assert_eq!(cooldown.earlier(1, "car-t", t0 + 5 * MINUTE), None);
        // Another topic, another channel: not affected.
        granted(cooldown.claim(1, "immunotherapy", 103, t0 + secs(1)));
        granted(cooldown.claim(2, "car-t", 104, t0 + secs(1)));
        // After the window, answered again; the window restarts from that answer.
        let later = t0 + 5 * MINUTE;
        granted(cooldown.claim(1, "car-t", 105, later)).answered(901, later);
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 106, later + secs(1))),
            Earlier::Answered { answer: 901 }
        );
    }

    #[test]
    fn the_window_counts_from_the_successful_send_not_the_claim() {
        let t0 = Instant::now();
        let cooldown = Cooldown::new(secs(10));
        let ticket = granted(cooldown.claim(1, "car-t", 100, t0));
        // The send took 8 s.
        ticket.answered(900, t0 + secs(8));
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 101, t0 + secs(17))),
            Earlier::Answered { answer: 900 }
        );
        granted(cooldown.claim(1, "car-t", 102, t0 + secs(18)));
    }

    #[test]
    fn a_claim_holds_the_slot_while_sending_and_a_failed_send_releases_it() {
        let t0 = Instant::now();
        let cooldown = Cooldown::new(5 * MINUTE);
        let first = granted(cooldown.claim(1, "car-t", 100, t0));
        // A second asker in the same instant: the answer is already on its way.
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 101, t0)),
            Earlier::Sending { question: 100 }
        );
        assert_eq!(
            cooldown.earlier(1, "car-t", t0 + MINUTE),
            Some(Earlier::Sending { question: 100 })
        );
        assert_eq!(Earlier::Sending { question: 100 }.message(), 100);
        // The send failed (or the sender panicked): the ticket is dropped, the next asker wins.
        drop(first);
        assert_eq!(cooldown.tracked(), 0);
        let second = granted(cooldown.claim(1, "car-t", 102, t0 + secs(1)));
        second.answered(900, t0 + secs(1));
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 103, t0 + secs(2))).message(),
            900
        );
    }

    #[test]
    fn a_slot_being_sent_does_not_expire() {
        let t0 = Instant::now();
        let cooldown = Cooldown::new(secs(1));
        let ticket = granted(cooldown.claim(1, "car-t", 100, t0));
        // A very slow send: still one answer at a time, even after many windows and sweeps.
        let late = t0 + MINUTE;
        granted(cooldown.claim(2, "car-t", 200, late)).answered(1, late);
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 101, late)),
            Earlier::Sending { question: 100 }
        );
        ticket.answered(900, late);
        assert_eq!(
            cooling(cooldown.claim(1, "car-t", 102, late)),
            Earlier::Answered { answer: 900 }
        );
    }

    #[test]
    fn the_cooldown_forgets_expired_answers_and_stays_within_its_capacity() {
        let t0 = Instant::now();
        let cooldown = Cooldown::with_capacity(secs(60), 1_000);
        // A raid across 5,000 channels within one window: never more than the capacity.
        for channel in 0..5_000u64 {
            let now = t0 + Duration::from_millis(channel);
            granted(cooldown.claim(channel, "car-t", channel, now)).answered(channel, now);
            assert!(cooldown.tracked() <= 1_000, "{}", cooldown.tracked());
        }
        // The most recent answers are still remembered; the oldest were evicted.
        let now = t0 + secs(6);
        cooling(cooldown.claim(4_999, "car-t", 1, now));
        granted(cooldown.claim(0, "car-t", 2, now));
        // After a quiet window, one access sweeps every expired answer away.
        let quiet = t0 + secs(200);
        granted(cooldown.claim(9_999_999, "car-t", 3, quiet)).answered(3, quiet);
        assert_eq!(cooldown.tracked(), 1);
    }

    #[test]
    fn slots_being_sent_are_never_evicted_to_make_room() {
        let t0 = Instant::now();
        let cooldown = Cooldown::with_capacity(secs(60), 10);
        let tickets: Vec<Ticket<'_>> = (0..10)
            .map(|channel| granted(cooldown.claim(channel, "car-t", channel, t0)))
            .collect();
        for channel in 10..50 {
            granted(cooldown.claim(channel, "car-t", channel, t0)).answered(channel, t0);
        }
        for channel in 0..10 {
            cooling(cooldown.claim(channel, "car-t", 99, t0));
        }
        drop(tickets);
        assert!(cooldown.tracked() <= 11, "{}", cooldown.tracked());
    }

    #[test]
    fn a_user_gets_at_most_the_limit_within_any_window() {
        let t0 = Instant::now();
        let limit = UserLimit::new(5, secs(30));
        for i in 0..5 {
            assert!(limit.allow(7, t0 + secs(i)), "response {i}");
        }
        assert!(!limit.allow(7, t0 + secs(5)));
        assert!(!limit.allow(7, t0 + secs(29)));
        // Another user is not affected.
        assert!(limit.allow(8, t0 + secs(29)));
        // A sliding window: the first response (t0) leaves it at t0 + 30 s, the second at 31 s.
        assert!(limit.allow(7, t0 + secs(30)));
        assert!(!limit.allow(7, t0 + secs(30)));
        assert!(limit.allow(7, t0 + secs(31)));
        // Refusals are not counted: a member who keeps trying is not locked out for longer.
        let limit = UserLimit::new(1, secs(10));
        assert!(limit.allow(7, t0));
        for i in 1..10 {
            assert!(!limit.allow(7, t0 + secs(i)));
        }
        assert!(limit.allow(7, t0 + secs(10)));
    }

    #[test]
    fn the_user_limit_stays_bounded_under_a_raid_of_thousands_of_users() {
        let t0 = Instant::now();
        let limit = UserLimit::with_capacity(5, secs(30), 1_000);
        for user in 0..20_000u64 {
            let now = t0 + Duration::from_micros(user);
            assert!(limit.allow(user, now), "a new user {user} is served");
            assert!(limit.tracked() <= 1_000, "{}", limit.tracked());
        }
        // The most recent users are still limited.
        let now = t0 + secs(1);
        for _ in 0..4 {
            assert!(limit.allow(19_999, now));
        }
        assert!(!limit.allow(19_999, now));
        // After a quiet window, the next access sweeps everyone who has gone quiet.
        assert!(limit.allow(1, t0 + secs(100)));
        assert_eq!(limit.tracked(), 1);
    }

    #[test]
    fn the_default_capacities_hold_a_real_raid() {
        let t0 = Instant::now();
        let limit = UserLimit::new(5, secs(30));
        let cooldown = Cooldown::new(5 * MINUTE);
        for n in 0..50_000u64 {
            let now = t0 + Duration::from_micros(n);
            limit.allow(n, now);
            if let Claim::Granted(ticket) = cooldown.claim(n, "car-t", n, now) {
                ticket.answered(n, now);
            }
        }
        assert!(limit.tracked() <= USER_LIMIT_CAPACITY);
        assert!(cooldown.tracked() <= COOLDOWN_CAPACITY);
    }

    #[test]
    fn passive_scope_allow_lists_narrow_and_deny_lists_win() {
        let everywhere = PassiveScope::everywhere();
        assert!(everywhere.is_everywhere());
        assert!(everywhere.allows(1, 10));

        // guild 1 has channels 10, 11, 12; guild 2 has channel 20.
        let cases: [(PassiveScope, [bool; 4]); 6] = [
            (
                PassiveScope::new([1], [], [], []),
                [true, true, true, false],
            ),
            (
                PassiveScope::new([], [1], [], []),
                [false, false, false, true],
            ),
            (
                PassiveScope::new([], [], [10, 20], []),
                [true, false, false, true],
            ),
            (
                PassiveScope::new([], [], [], [11]),
                [true, false, true, true],
            ),
            // Deny wins over allow, for guilds and channels alike.
            (
                PassiveScope::new([1, 2], [2], [10, 11], [11]),
                [true, false, false, false],
            ),
            // Both allow lists must let a channel through.
            (
                PassiveScope::new([2], [], [10, 20], []),
                [false, false, false, true],
            ),
        ];
        for (scope, expected) in cases {
            assert!(!scope.is_everywhere());
            let got = [
                scope.allows(1, 10),
                scope.allows(1, 11),
                scope.allows(1, 12),
                scope.allows(2, 20),
            ];
            assert_eq!(got, expected, "{scope:?}");
        }
    }
}
