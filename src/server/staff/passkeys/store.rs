//! A person's passkeys as stored: the credential id in clear (unique across accounts), the
//! name and the credential itself sealed under the keyring, bound to their row.

use crate::domain::passkey::PasskeyName;
use crate::server::{
    crypto::{Keyring, Place},
    db::{now, Conn, DbError, Tx},
};
use sqlx::Row;
use webauthn_rs::prelude::Passkey;

fn place<'a>(column: &'a str, id: &'a str) -> Place<'a> {
    Place { case: "", table: "passkeys", column, row: id }
}

/// A passkey as its owner's security page lists it.
#[derive(Clone, Debug)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A person's passkeys, oldest first. A row whose seal does not open is left out.
pub async fn list(conn: &mut Conn, keyring: &Keyring, person_id: &str) -> Result<Vec<Listed>, DbError> {
    let rows = sqlx::query("SELECT id, name, created_at, last_used_at FROM passkeys WHERE person_id = $1 ORDER BY created_at, id")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut listed = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        let sealed: Vec<u8> = row.try_get(1)?;
        let Some(name) = keyring.open_secret(&place("name", &id), &sealed).ok().and_then(|plain| String::from_utf8(plain.to_vec()).ok()) else {
            continue;
        };
        listed.push(Listed { id, name, created_at: row.try_get(2)?, last_used_at: row.try_get(3)? });
    }
    Ok(listed)
}

/// A person's credentials with their row ids, for a ceremony.
pub async fn credentials(conn: &mut Conn, keyring: &Keyring, person_id: &str) -> Result<Vec<(String, Passkey)>, DbError> {
    let rows = sqlx::query("SELECT id, credential FROM passkeys WHERE person_id = $1 ORDER BY created_at, id").bind(person_id).fetch_all(&mut *conn).await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        let sealed: Vec<u8> = row.try_get(1)?;
        let passkey = keyring.open_secret(&place("credential", &id), &sealed).ok().and_then(|plain| serde_json::from_slice::<Passkey>(&plain).ok());
        if let Some(passkey) = passkey {
            found.push((id, passkey));
        }
    }
    Ok(found)
}

/// Whether a credential with this id is registered to anyone.
pub async fn is_registered(tx: &mut Tx, credential_id: &[u8]) -> Result<bool, DbError> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM passkeys WHERE credential_id = $1").bind(credential_id).fetch_optional(&mut **tx).await?;
    Ok(found.is_some())
}

/// Stores a new passkey of a person.
pub async fn insert(tx: &mut Tx, keyring: &Keyring, person_id: &str, name: &PasskeyName, passkey: &Passkey) -> Result<String, DbError> {
    let id = uuid::Uuid::new_v4().to_string();
    let credential = serde_json::to_vec(passkey).map_err(|e| DbError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    sqlx::query("INSERT INTO passkeys (id, person_id, credential_id, name, credential, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(person_id)
        .bind(passkey.cred_id().to_vec())
        .bind(keyring.seal_secret(&place("name", &id), name.as_str().as_bytes()))
        .bind(keyring.seal_secret(&place("credential", &id), &credential))
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Writes a passkey back after a sign-in (its counter and backup state) with the time it
/// was used.
pub async fn update_used(tx: &mut Tx, keyring: &Keyring, id: &str, passkey: &Passkey, at: i64) -> Result<(), DbError> {
    let credential = serde_json::to_vec(passkey).map_err(|e| DbError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    sqlx::query("UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1")
        .bind(id)
        .bind(keyring.seal_secret(&place("credential", id), &credential))
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A person's second factors as the transaction sees them: whether they have a confirmed
/// TOTP app, and how many passkeys. Their row is written first, so that two changes of the
/// same person's factors run one after the other (neither may leave them without one).
pub async fn lock_factors(tx: &mut Tx, person_id: &str) -> Result<(bool, i64), DbError> {
    sqlx::query("UPDATE people SET active = active WHERE id = $1").bind(person_id).execute(&mut **tx).await?;
    let has_totp: i64 =
        sqlx::query_scalar("SELECT CASE WHEN totp_secret IS NOT NULL AND totp_last_step IS NOT NULL THEN 1 ELSE 0 END FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_one(&mut **tx)
            .await?;
    let passkeys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE person_id = $1").bind(person_id).fetch_one(&mut **tx).await?;
    Ok((has_totp != 0, passkeys))
}

/// Whether the passkey `id` is one of the person's.
pub async fn is_theirs(tx: &mut Tx, person_id: &str, id: &str) -> Result<bool, DbError> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM passkeys WHERE id = $1 AND person_id = $2").bind(id).bind(person_id).fetch_optional(&mut **tx).await?;
    Ok(found.is_some())
}

/// Deletes one passkey of a person.
pub async fn delete(tx: &mut Tx, person_id: &str, id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM passkeys WHERE id = $1 AND person_id = $2").bind(id).bind(person_id).execute(&mut **tx).await?;
    Ok(())
}

/// Forgets every passkey of a person, and every passkey ceremony their sessions have under
/// way: for a reset of their second factors, or before the person is removed.
pub async fn forget_all(tx: &mut Tx, person_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM passkey_ceremonies WHERE token_hash IN (SELECT token_hash FROM staff_sessions WHERE person_id = $1)")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM passkeys WHERE person_id = $1").bind(person_id).execute(&mut **tx).await?;
    Ok(())
}
