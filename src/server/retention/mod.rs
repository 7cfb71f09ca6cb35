//! Retention: a closed case is purged once its embassy's retention has passed since it was
//! closed (`closed_at + days <= now`); the embassy's own number of days, or the server's
//! default `EMBASSY_DESK_RETENTION_DAYS`. The server purges at every multiple of its purge
//! interval (midnight UTC by default); `embassy-desk purge` does the same on demand.
//!
//! What a purge removes and keeps is `db::purge`'s. Here: which cases are due, and purging
//! them in batches, each batch one transaction with one `case.purge` audit row per case
//! (the case's random id; the audit log already names it for every act on the case).

use crate::domain::AuditAction;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{embassies, purge, Db, DbError},
};
use std::{sync::Arc, time::Duration};

/// Cases purged per transaction: short transactions, so the desk's writes wait little.
pub const BATCH: i64 = 100;

const DAY: i64 = 86_400;

/// One embassy's part of a purge: its code, the days it keeps a closed case, and how many
/// cases are due (a dry run) or were purged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbassyPurge {
    pub code: String,
    pub days: i64,
    pub cases: i64,
}

/// Each embassy with its retention in days and the closing time at or before which its
/// closed cases are due at `at`.
async fn embassies_due(db: &Db, default_days: u32, at: i64) -> Result<Vec<(embassies::Retention, i64, i64)>, DbError> {
    let all = embassies::retentions(&mut *db.acquire().await?).await?;
    Ok(all
        .into_iter()
        .map(|r| {
            let days = r.days.unwrap_or(i64::from(default_days));
            (r, days, at - days * DAY)
        })
        .collect())
}

/// How many closed cases each embassy would purge at `at`; changes nothing.
pub async fn due(db: &Db, default_days: u32, at: i64) -> Result<Vec<EmbassyPurge>, DbError> {
    let mut out = Vec::new();
    for (embassy, days, closed_by) in embassies_due(db, default_days, at).await? {
        let cases = purge::count_due(&mut *db.acquire().await?, &embassy.embassy_id, closed_by).await?;
        out.push(EmbassyPurge { code: embassy.code, days, cases });
    }
    Ok(out)
}

/// Purges every closed case whose retention has passed at `at`, in batches of [`BATCH`],
/// each batch in one transaction with its audit rows (by `actor`). Returns what each
/// embassy purged.
pub async fn purge_due(db: &Db, keyring: &Keyring, actor: &str, default_days: u32, at: i64) -> Result<Vec<EmbassyPurge>, DbError> {
    let mut out = Vec::new();
    for (embassy, days, closed_by) in embassies_due(db, default_days, at).await? {
        let mut cases = 0;
        loop {
            let mut tx = db.begin().await?;
            let batch = purge::due(&mut tx, &embassy.embassy_id, closed_by, BATCH).await?;
            for case_id in &batch {
                if purge::purge_case(&mut tx, keyring, case_id, false, at).await?.is_some() {
                    audit::append(&mut tx, keyring, &AuditEvent::new(actor, AuditAction::CasePurge, Some(case_id), Outcome::Ok)).await?;
                    cases += 1;
                }
            }
            tx.commit().await?;
            if (batch.len() as i64) < BATCH {
                break;
            }
        }
        out.push(EmbassyPurge { code: embassy.code, days, cases });
    }
    if out.iter().any(|e| e.cases > 0) {
        db.flush_deleted().await?;
    }
    Ok(out)
}

/// How long from `now_ms` (milliseconds since the Unix epoch) to the next multiple of `every`.
fn until_next(now_ms: u128, every: Duration) -> Duration {
    let period = every.as_millis().max(1);
    Duration::from_millis(((now_ms / period + 1) * period - now_ms) as u64)
}

/// Purges what is due at every multiple of `every` since the Unix epoch, for as long as it
/// runs (the server spawns it). A failed run is logged and the next one tries again.
pub async fn run_every(db: Db, keyring: Arc<Keyring>, default_days: u32, every: Duration) {
    loop {
        let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        tokio::time::sleep(until_next(now_ms, every)).await;
        match purge_due(&db, &keyring, "system", default_days, crate::server::db::now()).await {
            Ok(done) => {
                let cases: i64 = done.iter().map(|e| e.cases).sum();
                if cases > 0 {
                    tracing::info!(cases, "retention: purged closed cases past their embassy's retention");
                }
            }
            Err(e) => tracing::warn!(error = %e, "retention: the purge failed; the next run tries again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_fall_on_multiples_of_the_interval() {
        let day = Duration::from_secs(86_400);
        // 2026-12-07 03:45:00 UTC: the next run is at midnight.
        let now_ms = 1_796_615_100_000u128;
        assert_eq!(until_next(now_ms, day), Duration::from_secs(86_400 - 3 * 3_600 - 45 * 60));
        // Exactly on a boundary: the next one, not now again.
        assert_eq!(until_next(86_400_000, day), day);
        assert_eq!(until_next(1_500, Duration::from_secs(1)), Duration::from_millis(500));
    }
}
