//! Giving memory back after a burst.
//!
//! Under a raid serenity parses and holds every event at once (one task each, before any of
//! our code runs), so the heap peaks; the bot frees all of it once the raid is over, but
//! glibc's allocator keeps freed memory in its arenas, and the process's resident memory stays
//! at the peak, creeping up raid after raid as the arenas fragment. [`spawn_trimmer`] asks the
//! allocator every [`TRIM_EVERY`] to return what is free (`malloc_trim`). Elsewhere (another
//! libc, another OS) it does nothing.
//!
//! It never frees or limits anything itself: what the bot holds is bounded where it is held
//! (`guard`'s maps, `delivery`'s admission).

use std::time::Duration;

/// How often free memory is handed back.
pub const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Hands free memory back to the system every [`TRIM_EVERY`], until the runtime stops.
pub fn spawn_trimmer() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tokio::spawn(async {
        let mut every = tokio::time::interval(TRIM_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            // It walks the allocator's arenas: off the threads that answer members.
            // SAFETY: malloc_trim only releases free memory; it has no preconditions.
            let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
        }
    });
}
