//! Possible duplicates and linked cases.
//!
//! Intake keeps a keyed blind index (a truncated HMAC, `Keyring::blind_index`) of a
//! request's normalised contact handle and document number — never the values, which stay
//! sealed with the case — under every key of the keyring, so that a request indexed after a
//! key rotation still meets one indexed before it. Key rotation indexes every older case
//! under the new key (reading the values back from its sealed fields), and retiring a key
//! drops its indexes. Two cases with an equal index are possible duplicates; a lead may link
//! them, which merges nothing: both stay, with their own requester and code.

use crate::domain::{
    intake::ValidIntake,
    look_ups::{normalise_contact, normalise_document_number, LookUpKind},
    CaseId,
};
use crate::server::{
    cases::{data_key, field_place, ReadError},
    crypto::Keyring,
    db::{Conn, Db, DbError, Tx},
};

/// The look-up values of a request as intake validated it, normalised.
pub fn values_of(valid: &ValidIntake) -> Vec<(LookUpKind, String)> {
    let contact = valid.contact_handle.as_deref().and_then(normalise_contact).map(|v| (LookUpKind::Contact, v));
    let document = valid.answers.document_number.as_deref().and_then(normalise_document_number).map(|v| (LookUpKind::DocumentNumber, v));
    contact.into_iter().chain(document).collect()
}

/// Stores the indexes of `values` for the case under each of `key_ids`.
async fn store_under(tx: &mut Tx, keyring: &Keyring, case_id: &str, values: &[(LookUpKind, String)], key_ids: &[u32]) -> Result<(), DbError> {
    for key_id in key_ids {
        for (kind, value) in values {
            let Some(tag) = keyring.blind_index(*key_id, kind.as_str(), value.as_bytes()) else { continue };
            sqlx::query("INSERT INTO case_look_ups (case_id, kind, key_id, tag) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, kind, key_id) DO NOTHING")
                .bind(case_id)
                .bind(kind.as_str())
                .bind(i64::from(*key_id))
                .bind(tag)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Stores the indexes of a new case's values under every key of the keyring.
pub async fn store(tx: &mut Tx, keyring: &Keyring, case_id: &str, values: &[(LookUpKind, String)]) -> Result<(), DbError> {
    store_under(tx, keyring, case_id, values, &keyring.key_ids()).await
}

/// A stored case's look-up values, read back from its sealed contact and answers.
async fn values_from_fields(conn: &mut Conn, keyring: &Keyring, case_id: &CaseId) -> Result<Vec<(LookUpKind, String)>, ReadError> {
    let key = data_key(conn, keyring, case_id).await?;
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT name, sealed FROM case_fields WHERE case_id = $1 AND name IN ('contact', 'answers')")
        .bind(case_id.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(DbError::from)?;
    let mut values = Vec::new();
    for (name, sealed) in rows {
        let plain = key.open(&field_place(case_id.as_str(), &name), &sealed)?;
        let text = String::from_utf8_lossy(&plain).into_owned();
        match name.as_str() {
            // "channel handle": the channel, a space, what the requester typed.
            "contact" => values.extend(text.split_once(' ').and_then(|(_, handle)| normalise_contact(handle)).map(|v| (LookUpKind::Contact, v))),
            _ => {
                let answers: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                values.extend(answers["document_number"].as_str().and_then(normalise_document_number).map(|v| (LookUpKind::DocumentNumber, v)));
            }
        }
    }
    Ok(values)
}

/// Indexes under the active key every case that has indexes under older keys only (after a
/// rotation); returns how many. A case whose fields cannot be read is left as it is.
pub async fn reindex(db: &Db, keyring: &Keyring) -> Result<u64, DbError> {
    let active = keyring.active_key_id();
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT l.case_id FROM case_look_ups l WHERE NOT EXISTS \
         (SELECT 1 FROM case_look_ups a WHERE a.case_id = l.case_id AND a.key_id = $1) ORDER BY l.case_id",
    )
    .bind(i64::from(active))
    .fetch_all(db.pool())
    .await?;
    let mut done = 0;
    for id in stale {
        let Some(case_id) = CaseId::parse(&id) else { continue };
        let values = match values_from_fields(&mut *db.acquire().await?, keyring, &case_id).await {
            Ok(values) => values,
            Err(ReadError::Db(e)) => return Err(e),
            Err(_) => continue,
        };
        let mut tx = db.begin().await?;
        store_under(&mut tx, keyring, &id, &values, &[active]).await?;
        tx.commit().await?;
        done += 1;
    }
    Ok(done)
}

/// Drops the indexes under a retired key.
pub async fn forget_key(tx: &mut Tx, key_id: u32) -> Result<(), DbError> {
    sqlx::query("DELETE FROM case_look_ups WHERE key_id = $1").bind(i64::from(key_id)).execute(&mut **tx).await?;
    Ok(())
}

/// The cases that share an index with `case_id`, each with what matched.
pub async fn matching(conn: &mut Conn, case_id: &str) -> Result<Vec<(String, Vec<LookUpKind>)>, DbError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT o.case_id, o.kind FROM case_look_ups m \
         JOIN case_look_ups o ON o.kind = m.kind AND o.key_id = m.key_id AND o.tag = m.tag AND o.case_id <> m.case_id \
         WHERE m.case_id = $1 ORDER BY o.case_id, o.kind",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(String, Vec<LookUpKind>)> = Vec::new();
    for (other, kind) in rows {
        let Some(kind) = LookUpKind::parse(&kind) else { continue };
        match out.last_mut() {
            Some((last, kinds)) if *last == other => kinds.push(kind),
            _ => out.push((other, vec![kind])),
        }
    }
    Ok(out)
}

/// The cases linked with `case_id`.
pub async fn linked(conn: &mut Conn, case_id: &str) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT other_id FROM case_links WHERE case_id = $1 AND kind = 'same' ORDER BY linked_at, other_id")
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// The cases a lead marked as another person's than `case_id`'s.
pub async fn not_duplicates(conn: &mut Conn, case_id: &str) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT other_id FROM case_links WHERE case_id = $1 AND kind = 'different'").bind(case_id).fetch_all(&mut *conn).await?)
}

/// Links two cases as the same person's, one row each way (a pair marked as different
/// persons before becomes linked); whether anything changed.
pub async fn link(tx: &mut Tx, a: &str, b: &str, by: &str, at: i64) -> Result<bool, DbError> {
    pair(tx, a, b, by, at, "same", "DO UPDATE SET kind = 'same', linked_by = $3, linked_at = $4 WHERE case_links.kind <> 'same'").await
}

/// Marks two cases as different persons', one row each way, unless they are linked as the
/// same person's; whether anything changed.
pub async fn mark_different(tx: &mut Tx, a: &str, b: &str, by: &str, at: i64) -> Result<bool, DbError> {
    pair(tx, a, b, by, at, "different", "DO NOTHING").await
}

/// Writes the pair `a`–`b` of `kind` both ways, `on_conflict` deciding over an existing row.
async fn pair(tx: &mut Tx, a: &str, b: &str, by: &str, at: i64, kind: &str, on_conflict: &str) -> Result<bool, DbError> {
    let sql = format!(
        "INSERT INTO case_links (case_id, other_id, linked_by, linked_at, kind) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, other_id) {on_conflict}"
    );
    let mut changed = 0;
    for (case_id, other_id) in [(a, b), (b, a)] {
        changed += sqlx::query(&sql).bind(case_id).bind(other_id).bind(by).bind(at).bind(kind).execute(&mut **tx).await?.rows_affected();
    }
    Ok(changed > 0)
}
