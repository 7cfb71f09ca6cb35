//! Median times to first response and to resolution, exact, without sorting a whole window
//! on every page load.
//!
//! A window `[since, until)` is split at the start of today (an hour earlier in the first
//! hour of a day, so that a database clock a little off the app's cannot matter). The settled
//! days before the split change only when something rewrites the past — a reopened case, a
//! re-routed one, a back-dated import — and every such write moves `past_reach_version`
//! (migration 0006). For the settled days the cache keeps the size and the middle slice of
//! the sorted durations, `SLICE` on each side of the median. Each page load then reads the
//! version, today's durations (a day's worth of rows), and merges: with fewer than `SLICE`
//! of today's durations, the median of the whole window lies inside the kept slice or among
//! today's, and its rank is known exactly. Otherwise, or when ties at the slice's edge leave
//! a rank unknown, the window is sorted in the database as before.

use crate::server::{
    dashboard::sql::{self as sql, Reached},
    dashboard::{count, rows, Median, Scope},
    db::{Db, DbError},
};
use sqlx::Row;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

const DAY: i64 = 86_400;
/// Durations kept on each side of a settled window's median.
const SLICE: usize = 4096;
/// Settled windows kept; the cache starts over when it is full.
const KEPT: usize = 256;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    embassies: Vec<String>,
    queue: Option<String>,
    reached: Reached,
    since: i64,
    until: i64,
}

/// The settled days of a window: how many durations, and the sorted durations of ranks
/// `lo..lo + middle.len()`.
#[derive(Clone)]
struct Settled {
    version: i64,
    count: usize,
    lo: usize,
    middle: Arc<Vec<i64>>,
}

/// The middles of settled windows, shared by every page load of this app instance.
#[derive(Clone, Default)]
pub struct MedianCache(Arc<Mutex<HashMap<Key, Settled>>>);

impl MedianCache {
    /// How many settled windows are kept.
    pub fn kept(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn get(&self, key: &Key, version: i64) -> Option<Settled> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|s| s.version == version).cloned()
    }

    fn put(&self, key: Key, settled: Settled) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= KEPT && !map.contains_key(&key) {
            map.clear();
        }
        map.insert(key, settled);
    }
}

/// Where a window's settled days end, for a page computed at `at`.
pub fn settled_until(at: i64) -> i64 {
    (at - 3_600).div_euclid(DAY) * DAY
}

/// For each of `kinds`, the medians over each window ending at `until` (`windows` in days),
/// as of `at`.
pub async fn medians<const K: usize, const N: usize>(
    db: &Db,
    cache: &MedianCache,
    scope: &Scope,
    kinds: [Reached; K],
    until: i64,
    windows: [i64; N],
    at: i64,
) -> Result<[[Median; N]; K], DbError> {
    // Read before anything it vouches for: a rewrite committed after this read moves the
    // version past the one the slices are kept under.
    let version = count(db, &sql::past_reach_version()).await?;
    let mut out = [[Median { window_days: 0, cases: 0, seconds: None }; N]; K];
    for (slot, reached) in out.iter_mut().zip(kinds) {
        *slot = windows_of(db, cache, version, scope, reached, until, windows, at).await?;
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn windows_of<const N: usize>(
    db: &Db,
    cache: &MedianCache,
    version: i64,
    scope: &Scope,
    reached: Reached,
    until: i64,
    windows: [i64; N],
    at: i64,
) -> Result<[Median; N], DbError> {
    let split = settled_until(at).min(until);
    let widest = windows.iter().copied().max().unwrap_or(0);
    let recent_from = split.max(until - widest * DAY);
    let mut recent: Vec<(i64, i64)> = Vec::new();
    if recent_from < until {
        for row in rows(db, &sql::reached_recent(scope, reached, recent_from, until)).await? {
            recent.push((row.try_get(0)?, row.try_get(1)?));
        }
    }
    let mut out = [Median { window_days: 0, cases: 0, seconds: None }; N];
    for (slot, days) in out.iter_mut().zip(windows) {
        let since = until - days * DAY;
        let split = split.max(since);
        let mut today: Vec<i64> = recent.iter().filter(|(reach, _)| *reach >= split).map(|(_, took)| *took).collect();
        today.sort_unstable();
        *slot = window(db, cache, version, scope, reached, since, split, until, &today, days).await?;
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn window(
    db: &Db,
    cache: &MedianCache,
    version: i64,
    scope: &Scope,
    reached: Reached,
    since: i64,
    split: i64,
    until: i64,
    today: &[i64],
    window_days: i64,
) -> Result<Median, DbError> {
    if today.len() < SLICE {
        let settled = settled(db, cache, version, scope, reached, since, split).await?;
        let cases = settled.count + today.len();
        if cases == 0 {
            return Ok(Median { window_days, cases: 0, seconds: None });
        }
        if let Some(seconds) = union_median(settled.count, settled.lo, &settled.middle, today) {
            return Ok(Median { window_days, cases: cases as i64, seconds: Some(seconds) });
        }
    }
    sorted_in_database(db, scope, reached, since, until, window_days).await
}

/// The settled part `[since, split)`: kept, or read and kept.
async fn settled(db: &Db, cache: &MedianCache, version: i64, scope: &Scope, reached: Reached, since: i64, split: i64) -> Result<Settled, DbError> {
    let key = Key { embassies: scope.embassy_ids.clone(), queue: scope.queue.clone(), reached, since, until: split };
    if let Some(s) = cache.get(&key, version) {
        return Ok(s);
    }
    let count = if since < split { count(db, &sql::reached_count(scope, reached, since, split)).await? as usize } else { 0 };
    let (lo, hi) = slice_bounds(count);
    let mut middle = Vec::with_capacity(hi - lo);
    if hi > lo {
        for row in rows(db, &sql::reached_middle(scope, reached, since, split, (hi - lo) as i64, lo as i64)).await? {
            middle.push(row.try_get(0)?);
        }
    }
    let settled = Settled { version, count, lo, middle: Arc::new(middle) };
    cache.put(key, settled.clone());
    Ok(settled)
}

/// The ranks kept of `count` sorted durations: `SLICE` on each side of the middle.
fn slice_bounds(count: usize) -> (usize, usize) {
    let mid = count.saturating_sub(1) / 2;
    (mid.saturating_sub(SLICE), (mid + SLICE + 1).min(count))
}

/// The whole window's median, sorted by the database.
async fn sorted_in_database(db: &Db, scope: &Scope, reached: Reached, since: i64, until: i64, window_days: i64) -> Result<Median, DbError> {
    let cases = count(db, &sql::reached_count(scope, reached, since, until)).await?;
    if cases == 0 {
        return Ok(Median { window_days, cases, seconds: None });
    }
    // The middle one, or the two middle ones of an even count.
    let take = if cases % 2 == 0 { 2 } else { 1 };
    let middle: Vec<i64> =
        rows(db, &sql::reached_middle(scope, reached, since, until, take, (cases - 1) / 2)).await?.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
    let seconds = (!middle.is_empty()).then(|| middle.iter().sum::<i64>() / middle.len() as i64);
    Ok(Median { window_days, cases, seconds })
}

/// The median (the mean of the two middle values of an even count, rounded down) of the
/// union of `count` sorted values, of which ranks `lo..lo + middle.len()` are `middle`,
/// and the sorted `extra`. `None` when a middle rank cannot be known from these.
pub fn union_median(count: usize, lo: usize, middle: &[i64], extra: &[i64]) -> Option<i64> {
    let total = count + extra.len();
    if total == 0 {
        return None;
    }
    let a = rank(count, lo, middle, extra, (total - 1) / 2)?;
    if total % 2 == 1 {
        return Some(a);
    }
    let b = rank(count, lo, middle, extra, total / 2)?;
    Some((a + b).div_euclid(2))
}

/// The value of rank `r` (from 0) of the union, when it can be known.
fn rank(count: usize, lo: usize, middle: &[i64], extra: &[i64], r: usize) -> Option<i64> {
    let hi = lo + middle.len();
    let cut_below = lo > 0;
    let cut_above = hi < count;
    if (cut_below || cut_above) && middle.is_empty() {
        return None;
    }
    // Below the slice's first value lie `lo` values and some of `extra`: the rank must be
    // beyond them all to be known.
    if cut_below && lo + extra.partition_point(|x| *x < middle[0]) > r {
        return None;
    }
    // A value `v` counts exactly when the unknown values above the slice are all above it,
    // which holds below the slice's last value.
    let known = |v: i64| (!cut_below || v >= middle[0]) && (!cut_above || v < middle[middle.len() - 1]);
    let at_most = |v: i64| lo + middle.partition_point(|x| *x <= v) + extra.partition_point(|x| *x <= v);
    let mut candidates: Vec<i64> = middle.iter().chain(extra).copied().filter(|v| known(*v)).collect();
    candidates.sort_unstable();
    candidates.dedup();
    let i = candidates.partition_point(|v| at_most(*v) <= r);
    candidates.get(i).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(values: &[i64]) -> Option<i64> {
        let mut v = values.to_vec();
        v.sort_unstable();
        match v.len() {
            0 => None,
            n if n % 2 == 1 => Some(v[n / 2]),
            n => Some((v[n / 2 - 1] + v[n / 2]).div_euclid(2)),
        }
    }

    /// A small deterministic generator (no test dependency on `rand`'s algorithms).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u64) -> i64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % below) as i64
        }
    }

    /// The settled values as the cache keeps them: count, lo and the slice, with a slice
    /// half-width of `half`.
    fn kept(settled: &[i64], half: usize) -> (usize, usize, Vec<i64>) {
        let mut v = settled.to_vec();
        v.sort_unstable();
        let mid = v.len().saturating_sub(1) / 2;
        let (lo, hi) = (mid.saturating_sub(half), (mid + half + 1).min(v.len()));
        (v.len(), lo, v[lo..hi].to_vec())
    }

    #[test]
    fn merged_median_matches_sorting_everything() {
        let mut rng = Lcg(7);
        for round in 0..3000 {
            let n = rng.next(60) as usize;
            let k = rng.next(12) as usize;
            // Narrow value ranges make ties, wide ones make none.
            let spread = if round % 3 == 0 { 5 } else { 1_000_000 };
            let settled: Vec<i64> = (0..n).map(|_| rng.next(spread)).collect();
            let mut extra: Vec<i64> = (0..k).map(|_| rng.next(spread) + if round % 5 == 0 { spread as i64 } else { 0 }).collect();
            extra.sort_unstable();
            let half = 1 + rng.next(16) as usize;
            let (count, lo, middle) = kept(&settled, half);
            let all: Vec<i64> = settled.iter().chain(&extra).copied().collect();
            match union_median(count, lo, &middle, &extra) {
                Some(m) => assert_eq!(Some(m), brute(&all), "round {round}: {settled:?} + {extra:?}, half {half}"),
                // Unknown only when today's values come near the slice's reach, or at ties.
                None => assert!(all.is_empty() || half < k + 3 || spread == 5, "round {round}: no answer for {settled:?} + {extra:?}, half {half}"),
            }
        }
    }

    #[test]
    fn whole_sets_always_answer() {
        assert_eq!(union_median(0, 0, &[], &[]), None);
        assert_eq!(union_median(0, 0, &[], &[5]), Some(5));
        assert_eq!(union_median(2, 0, &[7_200, 21_600], &[]), Some(14_400));
        assert_eq!(union_median(3, 0, &[1, 2, 3], &[10, 20]), Some(3));
    }

    #[test]
    fn slice_keeps_both_middles() {
        assert_eq!(slice_bounds(0), (0, 0));
        assert_eq!(slice_bounds(10), (0, 10));
        let (lo, hi) = slice_bounds(1_000_000);
        assert_eq!((lo, hi), (499_999 - SLICE, 499_999 + SLICE + 1));
    }
}
