//! Bounds on expensive work that answer "busy" when full instead of queueing without limit:
//! at most `running` at once, at most `waiting` more in line, and nobody waits longer than
//! `patience`. Behind Tor a flood cannot be told apart by its address, so what it can take
//! is bounded here and everything past the bound is turned away at once, for the price of
//! a counter.

use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// A bounded line in front of expensive work.
#[derive(Debug)]
pub struct Bound {
    admitted: Semaphore,
    running: Semaphore,
    patience: Duration,
}

/// A place in the running group; dropping it lets the next one in.
#[derive(Debug)]
pub struct Entered<'a> {
    _admitted: SemaphorePermit<'a>,
    _running: SemaphorePermit<'a>,
}

impl Bound {
    pub fn new(running: usize, waiting: usize, patience: Duration) -> Self {
        let running = running.max(1);
        Self { admitted: Semaphore::new(running + waiting), running: Semaphore::new(running), patience }
    }

    /// Places left in the line (running or waiting) before the next is turned away.
    pub fn free(&self) -> usize {
        self.admitted.available_permits()
    }

    /// A place to run, or `None` at once when the line is full, or after `patience` in it.
    pub async fn enter(&self) -> Option<Entered<'_>> {
        let admitted = self.admitted.try_acquire().ok()?;
        let running = tokio::time::timeout(self.patience, self.running.acquire()).await.ok()?.ok()?;
        Some(Entered { _admitted: admitted, _running: running })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_line_turns_the_next_away_at_once() {
        let bound = std::sync::Arc::new(Bound::new(1, 1, Duration::from_secs(60)));
        let held = bound.enter().await.expect("a free place");
        let waiting = tokio::spawn({
            let bound = bound.clone();
            async move { bound.enter().await.is_some() }
        });
        while bound.free() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(bound.enter().await.is_none(), "the third is turned away while one runs and one waits");
        drop(held);
        assert!(waiting.await.unwrap(), "the waiting one runs once the place is free");
        assert!(bound.enter().await.is_some(), "a freed place is taken again");
    }

    #[tokio::test]
    async fn nobody_waits_longer_than_the_patience() {
        let bound = Bound::new(1, 4, Duration::from_millis(50));
        let _held = bound.enter().await.unwrap();
        assert!(bound.enter().await.is_none(), "gave up once its patience was out");
        assert_eq!(bound.free(), 4, "and left the line");
    }
}
