//! Making staged documents part of a case, inside the transaction of the change that
//! brought them (the intake, a requester's post, a volunteer's reply), with one
//! `case.document.add` audit row each; and listing what is staged when a form comes back.

use super::{meta_place, staged_key_place, wrapped_key_place, DocumentError, Meta};
use crate::domain::{AuditAction, CaseId};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{chunks::FileKey, open, DataKey, Keyring, DATA_KEY_ID},
    db::{self, Conn, Tx},
};

/// The staged documents a change attaches: those under upload token `token` whose ids are
/// in `keep`.
#[derive(Clone, Copy, Debug)]
pub struct Attaching<'a> {
    pub token: &'a str,
    pub keep: &'a [String],
}

impl Attaching<'static> {
    /// A change that attaches nothing.
    pub const NONE: Self = Attaching { token: "", keep: &[] };
}

/// A staged document opened: its id and what it is.
#[derive(Clone, Debug)]
pub struct StagedDocument {
    pub id: String,
    pub meta: Meta,
}

/// The complete documents staged under the upload token `token`, oldest first.
pub async fn staged(conn: &mut Conn, keyring: &Keyring, token: &str) -> Result<Vec<StagedDocument>, DocumentError> {
    if token.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db::documents::staged(conn, &keyring.token_tags(token)).await?;
    rows.into_iter()
        .map(|row| {
            let key = FileKey::from_slice(&keyring.open_secret(&staged_key_place(&row.id), &row.staged_key)?)?;
            Ok(StagedDocument { meta: open_meta(&key, &row.id, &row.sealed_meta)?, id: row.id })
        })
        .collect()
}

pub(crate) fn open_meta(key: &FileKey, id: &str, sealed: &[u8]) -> Result<Meta, DocumentError> {
    let json = open(&meta_place(id), sealed, |kid| (kid == DATA_KEY_ID).then_some(key.secret()))?;
    serde_json::from_slice(&json).map_err(|_| DocumentError::Crypto(crate::server::crypto::CryptoError::Forged))
}

/// Attaches to `case_id`, in `tx`, the documents staged under `token` whose ids are in
/// `keep` (all of them when `keep` is `None`), and drops the others; each attached one gets
/// a `case.document.add` row for `actor`. Returns what was attached, oldest first.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    tx: &mut Tx,
    keyring: &Keyring,
    data_key: &DataKey,
    case_id: &CaseId,
    token: &str,
    keep: Option<&[String]>,
    message_id: Option<&str>,
    actor: &str,
) -> Result<Vec<StagedDocument>, DocumentError> {
    let mut attached = Vec::new();
    if token.is_empty() {
        return Ok(attached);
    }
    for row in db::documents::staged(tx, &keyring.token_tags(token)).await? {
        if keep.is_some_and(|keep| !keep.contains(&row.id)) {
            db::documents::drop_staged(tx, &row.id).await?;
            continue;
        }
        let key = keyring.open_secret(&staged_key_place(&row.id), &row.staged_key)?;
        let meta = open_meta(&FileKey::from_slice(&key)?, &row.id, &row.sealed_meta)?;
        let wrapped = data_key.seal(&wrapped_key_place(case_id.as_str(), &row.id), &key);
        if db::documents::attach(tx, &row.id, case_id.as_str(), &wrapped, message_id).await? {
            audit::append(tx, keyring, &AuditEvent::new(actor, AuditAction::CaseDocumentAdd, Some(case_id.as_str()), Outcome::Ok)).await?;
            attached.push(StagedDocument { id: row.id, meta });
        }
    }
    Ok(attached)
}

/// Attaches the documents staged under `token` (those in `keep`) to an existing case in a
/// transaction of their own: what the follow-up page's "send documents" does. A requester's
/// documents on a case waiting for them put it back in progress, as a reply does.
pub async fn add_to_case(
    db: &db::Db,
    keyring: &Keyring,
    case_id: &CaseId,
    token: &str,
    keep: &[String],
    actor: &str,
) -> Result<Vec<StagedDocument>, crate::server::cases::ReadError> {
    let mut tx = db.begin().await?;
    let data_key = crate::server::cases::data_key(&mut tx, keyring, case_id).await?;
    let attached = attach(&mut tx, keyring, &data_key, case_id, token, Some(keep), None, actor).await?;
    if !attached.is_empty() {
        sqlx::query("UPDATE cases SET updated_at = $2, status = CASE WHEN status = 'waiting' THEN 'in_progress' ELSE status END WHERE id = $1")
            .bind(case_id.as_str())
            .bind(db::now())
            .execute(&mut *tx)
            .await
            .map_err(db::DbError::from)?;
    }
    tx.commit().await.map_err(db::DbError::from)?;
    Ok(attached)
}
