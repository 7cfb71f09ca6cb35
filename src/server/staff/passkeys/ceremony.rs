//! A passkey ceremony between the page that offers it and the post that answers it: its
//! state (the challenge, and for a sign-in the credentials that may answer it) is kept on
//! the server, sealed, one per session and kind, taken once, and gone with its session
//! (docs/decisions/0019-passkey-ceremony-state.md). The browser is trusted with nothing
//! but the options it shows the authenticator.

use crate::server::{
    crypto::{hex, Keyring, Place},
    db::{arguments, now, placeholder_list, tag_args, DbError, Tx},
};
use serde::{de::DeserializeOwned, Serialize};
use sqlx::Row;

/// A ceremony must be answered within this long of the page that offered it.
pub const CEREMONY_SECS: i64 = 10 * 60;

/// What a ceremony does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Adds a passkey.
    Register,
    /// Signs in with a passkey.
    Authenticate,
}

impl Kind {
    const fn as_str(self) -> &'static str {
        match self {
            Kind::Register => "register",
            Kind::Authenticate => "authenticate",
        }
    }
}

fn place<'a>(row: &'a str) -> Place<'a> {
    Place { case: "", table: "passkey_ceremonies", column: "state", row }
}

/// The stored tag of the session behind `token`, if it has one.
async fn session_tag(tx: &mut Tx, keyring: &Keyring, token: &str) -> Result<Option<Vec<u8>>, DbError> {
    let tags = tag_args(keyring.token_tags(token));
    let sql = format!("SELECT token_hash FROM staff_sessions WHERE token_hash IN ({})", placeholder_list(1, tags.len()));
    Ok(sqlx::query_scalar_with(&sql, arguments(&tags)).fetch_optional(&mut **tx).await?)
}

fn row_of(tag: &[u8], kind: Kind) -> String {
    format!("{}:{}", hex(tag), kind.as_str())
}

/// Keeps `state` as the session's ceremony of `kind`, in place of any earlier one.
pub async fn keep(tx: &mut Tx, keyring: &Keyring, token: &str, kind: Kind, state: &impl Serialize) -> Result<(), DbError> {
    let Some(tag) = session_tag(tx, keyring, token).await? else { return Ok(()) };
    let plain = serde_json::to_vec(state).map_err(|e| DbError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    let sealed = keyring.seal_secret(&place(&row_of(&tag, kind)), &plain);
    sqlx::query(
        "INSERT INTO passkey_ceremonies (token_hash, kind, state, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (token_hash, kind) DO UPDATE SET state = excluded.state, created_at = excluded.created_at",
    )
    .bind(&tag)
    .bind(kind.as_str())
    .bind(sealed)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes the session's ceremony of `kind` (it can be answered once): its state, unless
/// there is none, it is too old, or its seal does not open.
pub async fn take<T: DeserializeOwned>(tx: &mut Tx, keyring: &Keyring, token: &str, kind: Kind) -> Result<Option<T>, DbError> {
    let mut args = tag_args(keyring.token_tags(token));
    let tags = args.len();
    args.push(crate::server::db::Arg::Text(kind.as_str().to_owned()));
    let sql = format!(
        "DELETE FROM passkey_ceremonies WHERE token_hash IN ({}) AND kind = ${} RETURNING token_hash, state, created_at",
        placeholder_list(1, tags),
        tags + 1
    );
    let Some(row) = sqlx::query_with(&sql, arguments(&args)).fetch_optional(&mut **tx).await? else { return Ok(None) };
    let tag: Vec<u8> = row.try_get(0)?;
    let sealed: Vec<u8> = row.try_get(1)?;
    let created_at: i64 = row.try_get(2)?;
    if now() - created_at > CEREMONY_SECS {
        return Ok(None);
    }
    Ok(keyring.open_secret(&place(&row_of(&tag, kind)), &sealed).ok().and_then(|plain| serde_json::from_slice(&plain).ok()))
}
