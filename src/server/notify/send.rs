//! The background sender: at every pass it finds deadlines within 48 hours and first
//! responses gone overdue, then sends what is due — one e-mail per person with everything
//! due for them, and one per requester waiting for "there is a new message". A failed
//! e-mail is tried again later (the wait doubles after each failure, up to an hour); what
//! could not be sent in three days is dropped with a warning. Nothing here ever blocks a
//! request: requests only queue.

use super::mail::{requester_text, staff_text, MailError, Mailer, Tally};
use super::TEST;
use crate::domain::{AuditAction, CaseId, NotifyKind, NotifyMode};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::{data_key, field_place, ReadError},
    config::MailConfig,
    crypto::Keyring,
    db::{cases::OPEN, now, Conn, Db, DbError},
};
use std::sync::Arc;

/// Deadlines due within this many seconds are told.
const DEADLINE_WITHIN: i64 = 48 * 3600;
/// First responses overdue for longer than this when the sender first sees them are not
/// told (they were overdue before anyone could have been told).
const OVERDUE_WINDOW: i64 = 7 * 86_400;
/// What could not be sent in this long is dropped.
const GIVE_UP_AFTER: i64 = 3 * 86_400;
/// The longest wait between two attempts.
const MAX_WAIT: i64 = 3600;
/// Requesters' e-mails per pass.
const REQUESTERS_PER_PASS: i64 = 200;

/// Runs the sender's passes every `config.interval` for as long as the server runs.
pub async fn run_every(db: Db, keyring: Arc<Keyring>, config: MailConfig, public_url: String) {
    let mailer = match Mailer::new(&config) {
        Ok(mailer) => Some(mailer),
        Err(MailError::NotConfigured) => None,
        Err(e) => {
            tracing::warn!(error = %e, "e-mail notifications are off");
            None
        }
    };
    if mailer.is_none() {
        tracing::info!("no SMTP server is configured: the desk sends no e-mail");
    }
    let mut tick = tokio::time::interval(config.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = pass(&db, &keyring, mailer.as_ref(), &config, &public_url, now()).await {
            tracing::warn!(error = %e, "the e-mail sender's pass failed; the next one tries again");
        }
    }
}

/// One pass at time `at`: what became due is queued, then what is due is sent. Without a
/// mailer nothing is sent, and what waits is dropped after three days as usual.
pub async fn pass(db: &Db, keyring: &Keyring, mailer: Option<&Mailer>, config: &MailConfig, desk: &str, at: i64) -> Result<(), DbError> {
    find_due_work(db, at).await?;
    drop_stale(db, at).await?;
    let Some(mailer) = mailer else { return Ok(()) };
    send_to_staff(db, keyring, mailer, config, desk, at).await?;
    send_to_requesters(db, keyring, mailer, config, desk, at).await
}

/// The wait before attempt `attempts + 1` after a failure.
fn wait_after(config: &MailConfig, attempts: i64) -> i64 {
    let base = i64::try_from(config.retry.as_secs()).unwrap_or(60);
    base.saturating_mul(1i64 << attempts.clamp(0, 20)).min(MAX_WAIT)
}

/// Queues, once each, the deadlines within 48 hours of cases with an assignee (told to the
/// assignee) and the first responses gone overdue (told to the embassy's leads).
async fn find_due_work(db: &Db, at: i64) -> Result<(), DbError> {
    let embassies: Vec<String> = sqlx::query_scalar("SELECT id FROM embassies ORDER BY id").fetch_all(db.pool()).await?;
    let until = crate::domain::Date::from_unix(at + DEADLINE_WITHIN).to_string();
    let today = crate::domain::Date::from_unix(at).to_string();
    for embassy in embassies {
        let deadlines: Vec<(String, String, String)> = sqlx::query_as(&format!(
            "SELECT d.id, d.case_id, c.assignee_id FROM case_deadlines d JOIN cases c ON c.id = d.case_id \
             WHERE d.embassy_id = $1 AND d.done_at IS NULL AND d.due_on <= $2 AND d.due_on >= $3 AND c.assignee_id IS NOT NULL AND c.{OPEN} \
             AND NOT EXISTS (SELECT 1 FROM notify_told t WHERE t.case_id = d.case_id AND t.what = 'deadline:' || d.id) LIMIT 500"
        ))
        .bind(&embassy)
        .bind(&until)
        .bind(&today)
        .fetch_all(db.pool())
        .await?;
        if !deadlines.is_empty() {
            let mut tx = db.begin().await?;
            for (id, case_id, assignee) in &deadlines {
                sqlx::query("INSERT INTO notify_told (case_id, what, told_at) VALUES ($1, $2, $3)")
                    .bind(case_id)
                    .bind(format!("deadline:{id}"))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                super::tell(&mut tx, std::slice::from_ref(assignee), NotifyKind::DeadlineNear, None, at).await?;
            }
            tx.commit().await?;
        }
        let overdue: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM cases WHERE embassy_id = $1 AND first_response_due_at >= $2 AND first_response_due_at < $3 \
             AND first_response_at IS NULL AND {OPEN} \
             AND NOT EXISTS (SELECT 1 FROM notify_told t WHERE t.case_id = cases.id AND t.what = 'overdue') LIMIT 500"
        ))
        .bind(&embassy)
        .bind(at - OVERDUE_WINDOW)
        .bind(at)
        .fetch_all(db.pool())
        .await?;
        if !overdue.is_empty() {
            let mut tx = db.begin().await?;
            let leads = super::wanting(&mut tx, "p.role = 'lead' AND p.embassy_id = $1", &embassy, NotifyKind::Overdue).await?;
            for case_id in &overdue {
                sqlx::query("INSERT INTO notify_told (case_id, what, told_at) VALUES ($1, 'overdue', $2)").bind(case_id).bind(at).execute(&mut *tx).await?;
                for lead in &leads {
                    super::insert(&mut tx, lead, NotifyKind::Overdue.as_str(), None, at).await?;
                }
            }
            tx.commit().await?;
        }
    }
    Ok(())
}

/// Drops what could not be sent in [`GIVE_UP_AFTER`], and what waits for people no longer active.
async fn drop_stale(db: &Db, at: i64) -> Result<(), DbError> {
    let dropped = sqlx::query("DELETE FROM notifications WHERE created_at < $1 OR person_id IN (SELECT id FROM people WHERE active = 0 OR email IS NULL)")
        .bind(at - GIVE_UP_AFTER)
        .execute(db.pool())
        .await?
        .rows_affected();
    let requesters = sqlx::query("UPDATE requester_notices SET pending_since = NULL, attempts = 0 WHERE pending_since < $1")
        .bind(at - GIVE_UP_AFTER)
        .execute(db.pool())
        .await?
        .rows_affected();
    if dropped + requesters > 0 {
        tracing::warn!(staff = dropped, requesters, "e-mails that could not be sent for three days were dropped");
    }
    Ok(())
}

/// The first time after `after` that it is `hour`:00 in `zone`.
fn next_digest(zone: &str, hour: u8, after: i64) -> i64 {
    use jiff::{civil::time, Timestamp};
    let zone = crate::domain::service_hours::zone(zone);
    let Ok(then) = Timestamp::from_second(after) else { return after };
    let local = then.to_zoned_datetime(zone.clone());
    let at_hour = |date: jiff::civil::Date| date.to_datetime(time(i8::try_from(hour).unwrap_or(8), 0, 0, 0)).to_zoned_datetime(zone.clone()).ok();
    let today = at_hour(local.date()).filter(|z| z.timestamp().as_second() > after);
    let next = today.or_else(|| local.date().tomorrow().ok().and_then(at_hour));
    next.map_or(after + 86_400, |z| z.timestamp().as_second())
}

/// A person e-mails are sent to: their sealed address, its language, their embassy's zone.
#[derive(sqlx::FromRow)]
struct Recipient {
    email: Option<Vec<u8>>,
    email_language: Option<String>,
    time_zone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Waiting {
    id: String,
    kind: String,
    queue_name: Option<String>,
    created_at: i64,
    attempts: i64,
}

/// One e-mail per person with what is due for them now: what they hear at once, and their
/// digest once its hour has come since the oldest thing it holds.
async fn send_to_staff(db: &Db, keyring: &Keyring, mailer: &Mailer, config: &MailConfig, desk: &str, at: i64) -> Result<(), DbError> {
    let people: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT person_id FROM notifications WHERE next_attempt_at <= $1 ORDER BY person_id").bind(at).fetch_all(db.pool()).await?;
    for person in people {
        let mut conn = db.acquire().await?;
        let recipient: Option<Recipient> = sqlx::query_as(
            "SELECT p.email, p.email_language, e.time_zone FROM people p LEFT JOIN embassies e ON e.id = p.embassy_id WHERE p.id = $1 AND p.active = 1",
        )
        .bind(&person)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(Recipient { email: sealed, email_language: language, time_zone: zone }) = recipient else { continue };
        let Some(address) = sealed.and_then(|s| keyring.open_secret(&super::email_place(&person), &s).ok()).and_then(|p| String::from_utf8(p.to_vec()).ok())
        else {
            continue;
        };
        let modes: Vec<(String, String)> =
            sqlx::query_as("SELECT kind, mode FROM notify_choices WHERE person_id = $1").bind(&person).fetch_all(&mut *conn).await?;
        let mode_of = |kind: NotifyKind| modes.iter().find(|(k, _)| k == kind.as_str()).and_then(|(_, m)| NotifyMode::parse(m)).unwrap_or(NotifyMode::Off);
        let waiting: Vec<Waiting> = sqlx::query_as(
            "SELECT n.id, n.kind, q.name AS queue_name, n.created_at, n.attempts FROM notifications n LEFT JOIN queues q ON q.id = n.queue_id \
             WHERE n.person_id = $1 AND n.next_attempt_at <= $2 ORDER BY n.created_at, n.id",
        )
        .bind(&person)
        .bind(at)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        let oldest_digest = waiting.iter().filter(|w| NotifyKind::parse(&w.kind).is_some_and(|k| mode_of(k) == NotifyMode::Digest)).map(|w| w.created_at).min();
        let digest_due = oldest_digest.is_some_and(|oldest| next_digest(zone.as_deref().unwrap_or("UTC"), config.digest_hour, oldest) <= at);
        let mut tally = Tally::default();
        let mut sent = Vec::new();
        let mut attempts = 0;
        for w in &waiting {
            let due = match NotifyKind::parse(&w.kind) {
                Some(kind) => match mode_of(kind) {
                    NotifyMode::Now => true,
                    NotifyMode::Digest => {
                        tally.digest |= digest_due;
                        digest_due
                    }
                    NotifyMode::Off => false,
                },
                None => w.kind == TEST,
            };
            if !due {
                continue;
            }
            match NotifyKind::parse(&w.kind) {
                Some(kind) => tally.add(kind, w.queue_name.as_deref()),
                None => tally.test = true,
            }
            attempts = attempts.max(w.attempts);
            sent.push(w.id.clone());
        }
        if sent.is_empty() {
            continue;
        }
        let locale = crate::locale::from_code(language.as_deref().unwrap_or("en")).unwrap_or(crate::i18n::Locale::en);
        let text = staff_text(locale, &tally, desk);
        let result = mailer.send(&address, &text).await;
        let mut tx = db.begin().await?;
        for id in &sent {
            match &result {
                Ok(()) => sqlx::query("DELETE FROM notifications WHERE id = $1").bind(id).execute(&mut *tx).await?,
                Err(_) => {
                    sqlx::query("UPDATE notifications SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = $1")
                        .bind(id)
                        .bind(at + wait_after(config, attempts))
                        .execute(&mut *tx)
                        .await?
                }
            };
        }
        tx.commit().await?;
        match result {
            Ok(()) => tracing::info!(items = sent.len(), digest = tally.digest, "notification e-mail sent"),
            Err((e, _)) => tracing::warn!(error = %e, attempts = attempts + 1, "a notification e-mail was not sent; it will be tried again"),
        }
    }
    Ok(())
}

/// The address of the requester of `case_id` when their contact is an e-mail address.
pub async fn requester_address(conn: &mut Conn, keyring: &Keyring, case_id: &CaseId) -> Result<Option<String>, ReadError> {
    let key = data_key(conn, keyring, case_id).await?;
    let sealed: Option<Vec<u8>> = sqlx::query_scalar("SELECT sealed FROM case_fields WHERE case_id = $1 AND name = 'contact'")
        .bind(case_id.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(DbError::from)?;
    let Some(sealed) = sealed else { return Ok(None) };
    let plain = key.open(&field_place(case_id.as_str(), "contact"), &sealed)?;
    // "channel handle": the channel, a space, what the requester typed.
    let text = String::from_utf8_lossy(&plain);
    Ok(text.split_once(' ').filter(|(channel, _)| *channel == "email").map(|(_, handle)| handle.trim().to_owned()))
}

/// Sends each waiting requester "there is a new message" in their case's language. Opening
/// their address is audited (`case.notify.requester`) with the e-mail that needed it.
async fn send_to_requesters(db: &Db, keyring: &Keyring, mailer: &Mailer, config: &MailConfig, desk: &str, at: i64) -> Result<(), DbError> {
    let waiting: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT r.case_id, r.attempts, c.language FROM requester_notices r JOIN cases c ON c.id = r.case_id \
         WHERE r.pending_since IS NOT NULL AND r.next_attempt_at <= $1 ORDER BY r.next_attempt_at LIMIT $2",
    )
    .bind(at)
    .bind(REQUESTERS_PER_PASS)
    .fetch_all(db.pool())
    .await?;
    for (id, attempts, language) in waiting {
        let Some(case_id) = CaseId::parse(&id) else { continue };
        let address = match requester_address(&mut *db.acquire().await?, keyring, &case_id).await {
            Ok(address) => address,
            Err(ReadError::Db(e)) => return Err(e),
            Err(_) => None,
        };
        let Some(address) = address else {
            // No longer an address to write to: nothing will be sent.
            sqlx::query("DELETE FROM requester_notices WHERE case_id = $1").bind(&id).execute(db.pool()).await?;
            continue;
        };
        let locale = crate::locale::from_code(&language).unwrap_or(crate::i18n::Locale::ru);
        let result = mailer.send(&address, &requester_text(locale, desk)).await;
        let mut tx = db.begin().await?;
        match &result {
            Ok(()) => {
                sqlx::query("UPDATE requester_notices SET pending_since = NULL, attempts = 0 WHERE case_id = $1").bind(&id).execute(&mut *tx).await?;
            }
            Err(_) => {
                sqlx::query("UPDATE requester_notices SET attempts = attempts + 1, next_attempt_at = $2 WHERE case_id = $1")
                    .bind(&id)
                    .bind(at + wait_after(config, attempts))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let outcome = if result.is_ok() { Outcome::Ok } else { Outcome::Failed };
        audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::CaseNotifyRequester, Some(&id), outcome)).await?;
        tx.commit().await?;
        if let Err((e, _)) = result {
            tracing::warn!(error = %e, attempts = attempts + 1, "a requester's e-mail was not sent; it will be tried again");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_goes_at_the_hour_in_the_embassy_s_zone() {
        // 2026-10-23 16:00 CEST (14:00 UTC): the next 08:00 in Warsaw is the 24th, 06:00 UTC.
        let friday = 1_792_764_000;
        assert_eq!(next_digest("Europe/Warsaw", 8, friday), friday + 16 * 3600);
        // Across the end of summer time: after the 24th 08:00 CEST, the 25th 08:00 CET (25 hours).
        let saturday = friday + 16 * 3600;
        assert_eq!(next_digest("Europe/Warsaw", 8, saturday), saturday + 25 * 3600);
        // Before the hour the same day.
        assert_eq!(next_digest("UTC", 8, 1_792_713_600), 1_792_713_600 + 8 * 3600);
    }

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let config = MailConfig {
            smtp_url: None,
            from: "d@x.org".into(),
            interval: std::time::Duration::from_secs(30),
            retry: std::time::Duration::from_secs(60),
            digest_hour: 8,
        };
        assert_eq!([0, 1, 2, 5, 6, 40].map(|n| wait_after(&config, n)), [60, 120, 240, 1920, 3600, 3600]);
    }
}
