//! One-time tokens for the intake form. Each rendered form carries one; a submission spends
//! it in the transaction that opens the case, so a replayed post (a reload, a resend, a copy
//! of the request) cannot open a second case. Tokens are MAC'd, so they cannot be invented,
//! and expire after a day.

use crate::server::{
    crypto::Keyring,
    db::{Db, DbError, Tx},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a rendered form can be sent.
pub const LIFETIME_SECS: i64 = 24 * 3600;
const PURPOSE: &str = "intake form token";

/// A token that checked out: spend it with [`spend`].
#[derive(Debug)]
pub struct GoodToken {
    hash: [u8; 32],
}

/// Why a token was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// Missing, malformed, forged, or older than a day.
    Invalid,
    /// Already spent by an earlier submission.
    Used,
}

/// A new token: `nonce (16) | issued at (8) | key id (4) | MAC (16)`, URL-safe base64.
pub fn issue(keyring: &Keyring, now: i64) -> String {
    let mut body = [0u8; 28];
    rand::rngs::OsRng.fill_bytes(&mut body[..16]);
    body[16..24].copy_from_slice(&now.to_be_bytes());
    let key_id = keyring.active_key_id();
    body[24..28].copy_from_slice(&key_id.to_be_bytes());
    let mac = keyring.blind_index(key_id, PURPOSE, &body).expect("the active key is in the keyring");
    URL_SAFE_NO_PAD.encode([body.as_slice(), &mac].concat())
}

/// Checks a token's MAC and age (not whether it was spent).
pub fn check(keyring: &Keyring, token: &str, now: i64) -> Result<GoodToken, TokenProblem> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| TokenProblem::Invalid)?;
    if bytes.len() != 44 {
        return Err(TokenProblem::Invalid);
    }
    let (body, mac) = bytes.split_at(28);
    let issued = i64::from_be_bytes(body[16..24].try_into().expect("8 bytes"));
    let key_id = u32::from_be_bytes(body[24..28].try_into().expect("4 bytes"));
    let expected = keyring.blind_index(key_id, PURPOSE, body).ok_or(TokenProblem::Invalid)?;
    let fresh = issued <= now + 60 && now - issued <= LIFETIME_SECS;
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&expected[..], mac)) || !fresh {
        return Err(TokenProblem::Invalid);
    }
    Ok(GoodToken { hash: Sha256::digest(&bytes).into() })
}

/// Whether the token was spent already (a cheap check before the expensive work).
pub async fn is_spent(db: &Db, token: &GoodToken) -> Result<bool, DbError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT used_at FROM used_form_tokens WHERE token_hash = $1").bind(token.hash.as_slice()).fetch_optional(db.pool()).await?;
    Ok(found.is_some())
}

/// Spends the token inside the caller's transaction. `Ok(false)` when it was spent already
/// (the caller rolls back). Spent tokens older than their lifetime are forgotten.
pub async fn spend(tx: &mut Tx, token: &GoodToken, now: i64) -> Result<bool, DbError> {
    sqlx::query("DELETE FROM used_form_tokens WHERE used_at < $1").bind(now - LIFETIME_SECS - 120).execute(&mut **tx).await?;
    let inserted = sqlx::query("INSERT INTO used_form_tokens (token_hash, used_at) VALUES ($1, $2) ON CONFLICT (token_hash) DO NOTHING")
        .bind(token.hash.as_slice())
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring() -> Keyring {
        Keyring::from_raw_keys([(1, [7u8; 32])])
    }

    #[test]
    fn issued_tokens_check_out_until_they_expire() {
        let k = keyring();
        let t = issue(&k, 1_000_000);
        assert!(check(&k, &t, 1_000_000).is_ok());
        assert!(check(&k, &t, 1_000_000 + LIFETIME_SECS).is_ok());
        assert_eq!(check(&k, &t, 1_000_000 + LIFETIME_SECS + 1).unwrap_err(), TokenProblem::Invalid);
        assert_eq!(check(&k, &t, 1_000_000 - 3_600).unwrap_err(), TokenProblem::Invalid, "issued in the future");
    }

    #[test]
    fn forged_or_damaged_tokens_fail() {
        let k = keyring();
        let t = issue(&k, 1_000_000);
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        bytes[17] ^= 1; // move the issue time
        assert!(check(&k, &URL_SAFE_NO_PAD.encode(&bytes), 1_000_000).is_err());
        assert!(check(&Keyring::from_raw_keys([(1, [8u8; 32])]), &t, 1_000_000).is_err(), "another server's key");
        for junk in ["", "abc", "!!!!", &"A".repeat(60)] {
            assert!(check(&k, junk, 1_000_000).is_err());
        }
    }
}
