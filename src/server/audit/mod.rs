//! The audit log: append-only, one row per event, each row's MAC chained to the previous
//! one under the keyring's audit key. Rows hold ids and action names, never personal data,
//! addresses or free text.

pub mod checkpoint;
pub mod load;
pub mod view;

use crate::domain::AuditAction;
use crate::server::{
    crypto::Keyring,
    db::{now, Conn, Db, DbError},
};
use sqlx::{Any, Row, Transaction};

/// How an audited action ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
    NotFound,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
            Outcome::NotFound => "not_found",
        }
    }
}

/// One event. `actor` is `person:<id>`, `requester`, `cli` or `system`; `action` is a
/// dotted name such as `case.open`.
#[derive(Debug)]
pub struct AuditEvent<'a> {
    pub actor: &'a str,
    pub action: AuditAction,
    pub object_id: Option<&'a str>,
    pub outcome: Outcome,
}

impl<'a> AuditEvent<'a> {
    pub fn new(actor: &'a str, action: AuditAction, object_id: Option<&'a str>, outcome: Outcome) -> Self {
        Self { actor, action, object_id, outcome }
    }
}

struct RowFields<'a> {
    seq: i64,
    at: i64,
    actor: &'a str,
    action: &'a str,
    object_id: Option<&'a str>,
    outcome: &'a str,
    key_id: u32,
}

type Query<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

impl<'a> RowFields<'a> {
    /// The row of `event` under sequence number `seq`, written now under the active key.
    fn of(event: &AuditEvent<'a>, seq: i64, keyring: &Keyring) -> Self {
        RowFields {
            seq,
            at: now(),
            actor: event.actor,
            action: event.action.as_str(),
            object_id: event.object_id,
            outcome: event.outcome.as_str(),
            key_id: keyring.active_key_id(),
        }
    }

    /// Binds the row and its MAC as `$1`–`$8` (the columns of `audit_log` in order).
    fn bind<'q>(&self, query: Query<'q>, mac: &[u8]) -> Query<'q>
    where
        'a: 'q,
    {
        query
            .bind(self.seq)
            .bind(self.at)
            .bind(self.actor)
            .bind(self.action)
            .bind(self.object_id)
            .bind(self.outcome)
            .bind(i64::from(self.key_id))
            .bind(mac.to_vec())
    }

    fn mac(&self, keyring: &Keyring, previous: &[u8]) -> Option<[u8; 32]> {
        let seq = self.seq.to_be_bytes();
        let at = self.at.to_be_bytes();
        // A leading marker tells "no object" apart from an empty object id.
        let object = match self.object_id {
            Some(o) => [b"1".as_slice(), o.as_bytes()].concat(),
            None => b"0".to_vec(),
        };
        keyring.audit_mac(self.key_id, previous, &[&seq, &at, self.actor.as_bytes(), self.action.as_bytes(), &object, self.outcome.as_bytes()])
    }
}

/// Appends an event inside the caller's transaction, so it commits or rolls back with the
/// change it records. Updating the head first serialises concurrent appends; the row's
/// insert moves the head's MAC with it (a trigger).
pub async fn append(tx: &mut Transaction<'_, Any>, keyring: &Keyring, event: &AuditEvent<'_>) -> Result<i64, DbError> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, mac").fetch_one(&mut **tx).await?;
    let seq: i64 = head.try_get(0)?;
    let previous: Vec<u8> = head.try_get(1)?;
    let row = RowFields::of(event, seq, keyring);
    let mac = row.mac(keyring, &previous).expect("the active key is in the keyring");
    row.bind(sqlx::query("INSERT INTO audit_log (seq, at, actor, action, object_id, outcome, key_id, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"), &mac)
        .execute(&mut **tx)
        .await?;
    // The head's MAC follows the row by trigger (`audit_head_follows`).
    Ok(seq)
}

/// Appends an event that goes with no other change (a case view, a list, an export), as
/// a transaction of its own on the request's connection.
pub async fn record(db: &Db, conn: &mut Conn, keyring: &Keyring, event: &AuditEvent<'_>) -> Result<i64, DbError> {
    let mut tx = db.begin_on(conn).await?;
    let seq = append(&mut tx, keyring, event).await?;
    tx.commit().await?;
    Ok(seq)
}

/// Appends events in their order inside the caller's transaction, as [`append`] does one:
/// the head moves once for all of them, and their rows are one statement (the trigger
/// moves the head's MAC with the last).
pub async fn append_all(tx: &mut Transaction<'_, Any>, keyring: &Keyring, events: &[AuditEvent<'_>]) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(events.len()).expect("a page of events");
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, mac").bind(count).fetch_one(&mut **tx).await?;
    let last: i64 = head.try_get(0)?;
    let mut previous: Vec<u8> = head.try_get(1)?;
    let mut rows = Vec::with_capacity(events.len());
    for (seq, event) in (last - count + 1..).zip(events) {
        let row = RowFields::of(event, seq, keyring);
        let mac = row.mac(keyring, &previous).expect("the active key is in the keyring");
        previous = mac.to_vec();
        rows.push((row, mac));
    }
    let values: Vec<String> = (0..rows.len()).map(|i| format!("({})", (1..=8).map(|c| format!("${}", i * 8 + c)).collect::<Vec<_>>().join(", "))).collect();
    let sql = format!("INSERT INTO audit_log (seq, at, actor, action, object_id, outcome, key_id, mac) VALUES {}", values.join(", "));
    let mut query = sqlx::query(&sql);
    for (row, mac) in &rows {
        query = row.bind(query, mac);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit row {seq}: its MAC does not match (row changed, inserted, reordered, or an earlier row removed)")]
    BadMac { seq: i64 },
    #[error("audit row {expected} is missing (found {found} next)")]
    Gap { expected: i64, found: i64 },
    #[error("audit row {seq} names key {key_id}, which the key file does not hold")]
    UnknownKey { seq: i64, key_id: i64 },
    #[error("audit log ends at row {last} but its head records row {head} (rows removed from the end)")]
    Truncated { last: i64, head: i64 },
    #[error("audit log goes on to row {last} but its head records row {head} (rows added past the head)")]
    BeyondHead { last: i64, head: i64 },
}

type StoredRow = (i64, String, String, Option<String>, String, i64, Vec<u8>);

fn decode_row(row: &sqlx::any::AnyRow) -> Result<StoredRow, sqlx::Error> {
    Ok((row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?, row.try_get(6)?, row.try_get(7)?))
}

/// Checks the whole chain; returns the number of rows, or the first break.
///
/// The desk keeps appending while this runs. The head is read first, so rows removed from
/// the end show as a chain shorter than that head, and read again at the end, which every
/// append moves with its row, so rows added without it show as a chain longer than the head.
pub async fn verify(db: &Db, keyring: &Keyring) -> Result<Result<i64, ChainBreak>, DbError> {
    let (start_seq, start_mac) = head(&mut *db.acquire().await?).await?;
    let mut mac_at_start: Vec<u8> = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    let mut expected = 1i64;
    let mut after = i64::MIN;
    // A thousand rows at a time, each read a short statement of its own: on SQLite's shared
    // cache a read holds its table until it ends, and every view appends to this one.
    loop {
        let rows = sqlx::query("SELECT seq, at, actor, action, object_id, outcome, key_id, mac FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000")
            .bind(after)
            .fetch_all(db.pool())
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let seq: i64 = row.try_get(0)?;
            after = seq;
            if seq != expected {
                return Ok(Err(ChainBreak::Gap { expected, found: seq }));
            }
            // A value of the wrong type cannot have been written by `append`: report the row.
            let Ok((at, actor, action, object_id, outcome, key_id, stored)) = decode_row(&row) else {
                return Ok(Err(ChainBreak::BadMac { seq }));
            };
            let fields = RowFields {
                seq,
                at,
                actor: &actor,
                action: &action,
                object_id: object_id.as_deref(),
                outcome: &outcome,
                key_id: u32::try_from(key_id).unwrap_or(u32::MAX),
            };
            let Some(mac) = fields.mac(keyring, &previous) else {
                return Ok(Err(ChainBreak::UnknownKey { seq, key_id }));
            };
            if stored != mac {
                return Ok(Err(ChainBreak::BadMac { seq }));
            }
            if seq == start_seq {
                mac_at_start.clone_from(&stored);
            }
            previous = stored;
            expected += 1;
        }
    }
    let last = expected - 1;
    if last < start_seq || mac_at_start != start_mac {
        return Ok(Err(ChainBreak::Truncated { last, head: start_seq }));
    }
    let (end_seq, end_mac) = head(&mut *db.acquire().await?).await?;
    if end_seq < last || (end_seq == last && end_mac != previous) {
        return Ok(Err(ChainBreak::BeyondHead { last, head: end_seq }));
    }
    Ok(Ok(last))
}

/// The chain's head: the last sequence number and MAC appended.
async fn head(conn: &mut Conn) -> Result<(i64, Vec<u8>), DbError> {
    let head = sqlx::query("SELECT seq, mac FROM audit_head WHERE id = 1").fetch_one(&mut *conn).await?;
    Ok((head.try_get(0)?, head.try_get(1)?))
}
