//! Re-wrapping: every wrapped case key and every keyring-sealed secret that names an older
//! key is opened and sealed again under the active key, a batch per transaction (with its
//! audit row), so that an interrupted run loses nothing and the next run goes on with what
//! still names an older key.

use crate::domain::AuditAction;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{key_id_of, Keyring, Place, SERVER_HOLDER},
    db::{key_checks, Db, DbError, Tx},
};
use sqlx::Row;

/// Rows read and re-wrapped per transaction.
const BATCH: i64 = 500;

/// A column of values sealed under the keyring (not under a case key), and the place each
/// value is bound to: `{case: "", table, column, row: <id>}`.
pub struct KeyringSealedColumn {
    pub table: &'static str,
    pub id: &'static str,
    pub column: &'static str,
}

/// Every column sealed under the keyring. A new one is added here, or rotation would leave
/// it under a key that retirement then removes.
pub const KEYRING_SEALED: &[KeyringSealedColumn] = &[
    KeyringSealedColumn { table: "people", id: "id", column: "totp_secret" },
    KeyringSealedColumn { table: "people", id: "id", column: "email" },
    KeyringSealedColumn { table: "passkeys", id: "id", column: "name" },
    KeyringSealedColumn { table: "passkeys", id: "id", column: "credential" },
    KeyringSealedColumn { table: "documents", id: "id", column: "staged_key" },
];

/// How many values name each key, or were re-wrapped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub case_keys: u64,
    pub secrets: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.case_keys + self.secrets
    }
}

/// One stored value that names a keyring key.
struct Stored {
    /// Keyset position: the case id and holder of a case key, or a row's id (and "").
    after: (String, String),
    value: Vec<u8>,
}

/// Where values under the keyring are stored: the wrapped case keys, or a sealed column.
#[derive(Clone, Copy)]
enum Target {
    CaseKeys,
    Column(&'static KeyringSealedColumn),
}

impl Target {
    fn all() -> impl Iterator<Item = Target> {
        std::iter::once(Target::CaseKeys).chain(KEYRING_SEALED.iter().map(Target::Column))
    }

    /// The next batch of stored values after `after`, in keyset order.
    async fn batch(self, db: &Db, after: &(String, String)) -> Result<Vec<Stored>, DbError> {
        // Sealed columns have no holder: '' stands for it, so both read in the same keyset order.
        let sql = match self {
            Target::CaseKeys => {
                "SELECT case_id, holder, wrapped FROM case_keys WHERE case_id > $1 OR (case_id = $1 AND holder > $2) ORDER BY case_id, holder LIMIT $3"
                    .to_owned()
            }
            Target::Column(KeyringSealedColumn { table, id, column }) => {
                format!("SELECT {id}, '' AS holder, {column} FROM {table} WHERE {column} IS NOT NULL AND ({id} > $1 OR ({id} = $1 AND '' > $2)) ORDER BY {id} LIMIT $3")
            }
        };
        let rows = sqlx::query(&sql).bind(after.0.clone()).bind(after.1.clone()).bind(BATCH).fetch_all(db.pool()).await?;
        rows.iter()
            .map(|r| Ok(Stored { after: (r.try_get(0)?, r.try_get(1)?), value: r.try_get(2)? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    }

    /// The value opened with whichever key sealed it and sealed again under the active key;
    /// `None` if no key of the keyring opens it (or it is not the server's case key).
    fn reseal(self, keyring: &Keyring, stored: &Stored) -> Option<Vec<u8>> {
        let (row, holder) = &stored.after;
        match self {
            Target::CaseKeys if holder == SERVER_HOLDER => keyring.unwrap_case_key(row, &stored.value).ok().map(|key| keyring.wrap_case_key(row, &key)),
            Target::CaseKeys => None,
            Target::Column(column) => {
                let place = Place { case: "", table: column.table, column: column.column, row };
                keyring.open_secret(&place, &stored.value).ok().map(|plain| keyring.seal_secret(&place, &plain))
            }
        }
    }

    /// Replaces the value read with `new`, compared with the value read: a row changed or
    /// deleted meanwhile (a case shredded) is left as it is.
    async fn replace(self, tx: &mut Tx, stored: &Stored, new: Vec<u8>) -> Result<u64, DbError> {
        let (row, holder) = &stored.after;
        let sql = match self {
            Target::CaseKeys => "UPDATE case_keys SET wrapped = $1 WHERE case_id = $2 AND holder = $3 AND wrapped = $4".to_owned(),
            Target::Column(KeyringSealedColumn { table, id, column }) => {
                format!("UPDATE {table} SET {column} = $1 WHERE {id} = $2 AND '' = $3 AND {column} = $4")
            }
        };
        let query = sqlx::query(&sql).bind(new).bind(row.clone()).bind(holder.clone());
        Ok(query.bind(stored.value.clone()).execute(&mut **tx).await?.rows_affected())
    }

    fn count(self, counts: &mut Counts, n: u64) {
        match self {
            Target::CaseKeys => counts.case_keys += n,
            Target::Column(_) => counts.secrets += n,
        }
    }
}

/// Counts the values that name key `key_id` (all keys when `None` but the active one).
pub async fn uses(db: &Db, keyring: &Keyring, key_id: Option<u32>) -> Result<Counts, DbError> {
    let names = |value: &[u8]| key_id_of(value).is_ok_and(|id| key_id.map_or(id != keyring.active_key_id(), |k| id == k));
    let mut counts = Counts::default();
    for target in Target::all() {
        let mut after = (String::new(), String::new());
        loop {
            let batch = target.batch(db, &after).await?;
            let Some(last) = batch.last() else { break };
            after = last.after.clone();
            target.count(&mut counts, batch.iter().filter(|s| names(&s.value)).count() as u64);
        }
    }
    Ok(counts)
}

/// Re-wraps under the active key everything that names an older key; logs its progress
/// and, when nothing older is left, records the end of the rotation. Values an older key
/// cannot open (damaged, or under a key the file no longer holds) are left and counted.
pub async fn run(db: &Db, keyring: &Keyring) -> Result<Counts, DbError> {
    let active = keyring.active_key_id();
    let active_id = active.to_string();
    let mut done = Counts::default();
    let mut unreadable = 0u64;
    for target in Target::all() {
        let mut after = (String::new(), String::new());
        loop {
            let batch = target.batch(db, &after).await?;
            let Some(last) = batch.last() else { break };
            after = last.after.clone();
            let mut tx = db.begin().await?;
            let mut changed = 0u64;
            for stored in batch.iter().filter(|s| key_id_of(&s.value).is_ok_and(|id| id != active)) {
                match target.reseal(keyring, stored) {
                    Some(new) => changed += target.replace(&mut tx, stored, new).await?,
                    None => unreadable += 1,
                }
            }
            if changed > 0 {
                audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyRewrap, Some(&active_id), Outcome::Ok)).await?;
                target.count(&mut done, changed);
                tracing::info!(key_id = active, case_keys = done.case_keys, secrets = done.secrets, "re-wrapping under the active key");
            }
            tx.commit().await?;
        }
    }
    if unreadable > 0 {
        tracing::warn!(unreadable, "values under a key this key file cannot open were left as they are");
    } else if uses(db, keyring, None).await?.total() == 0 {
        let mut tx = db.begin().await?;
        key_checks::mark_rewrapped(&mut tx, active).await?;
        tx.commit().await?;
    }
    // The look-ups of possible duplicates are indexes, not sealed values: cases indexed
    // under older keys only are indexed under the active one too.
    let reindexed = crate::server::cases::look_ups::reindex(db, keyring).await?;
    tracing::info!(key_id = active, case_keys = done.case_keys, secrets = done.secrets, reindexed, "re-wrap finished");
    Ok(done)
}
