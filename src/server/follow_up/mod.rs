//! The requester's side after intake: short sessions opened with a reference and secret
//! code, the message thread of a case (sealed with its data key), replies and added
//! information, and deletion (the case purged at once) at the requester's request; and when
//! the desk opened the case ([`openings`]).

pub mod openings;

use crate::api::AppError;
use crate::domain::AuditAction;
use crate::domain::{CaseId, Status};
use crate::server::cookies::{cookie_value, host_cookie_name, session_cookie_value};
use crate::server::documents::attach::{attach, Attaching};
use crate::server::AppState;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::{data_key, ReadError},
    crypto::{random_token, CryptoError, DataKey, Keyring, Place},
    db::{self, arguments, now, placeholder_list, tag_args, Conn, Db, DbError, Tx},
};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use sqlx::Row;
use zeroize::Zeroizing;

/// A session ends after this long without a request…
pub const IDLE_SECS: i64 = 15 * 60;
/// …and this long after it opened, whatever happens.
pub const ABSOLUTE_SECS: i64 = 2 * 3600;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    Requester,
    Volunteer,
}

impl Author {
    pub const fn as_str(self) -> &'static str {
        match self {
            Author::Requester => "requester",
            Author::Volunteer => "volunteer",
        }
    }
}

/// A reply in the conversation, or information the requester adds to their request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Reply,
    Information,
}

impl MessageKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageKind::Reply => "reply",
            MessageKind::Information => "information",
        }
    }
}

/// One decrypted message.
pub struct Message {
    pub author: Author,
    pub kind: MessageKind,
    pub created_at: i64,
    /// The volunteer who wrote it (none for the requester or the command line).
    pub person_id: Option<String>,
    pub body: Zeroizing<String>,
}

/// What the requester's page shows: no personal data they submitted, only the status, the
/// conversation and when the desk opened the case.
pub struct Thread {
    pub status: Status,
    pub language: String,
    pub created_at: i64,
    pub messages: Vec<Message>,
    /// Newest first.
    pub openings: Vec<openings::Opening>,
    /// The case's documents, oldest first.
    pub documents: Vec<crate::server::documents::read::Listed>,
}

pub(crate) fn message_place<'a>(case_id: &'a str, message_id: &'a str) -> Place<'a> {
    Place { case: case_id, table: "case_messages", column: "sealed", row: message_id }
}

/// Opens a session for a verified case; returns the token for the cookie (only its keyed
/// tag is stored).
pub async fn open_session(db: &Db, keyring: &Keyring, case_id: &CaseId) -> Result<String, DbError> {
    let token = random_token();
    let at = now();
    let mut tx = db.begin().await?;
    // Forget sessions that ended, so the table holds only live ones.
    sqlx::query("DELETE FROM requester_sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(at - IDLE_SECS)
        .bind(at - ABSOLUTE_SECS)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO requester_sessions (token_hash, case_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(keyring.token_tag(&token))
        .bind(case_id.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(token)
}

/// The case of a live session, refreshing its idle timer; `None` for an unknown, idle or
/// expired session (which is then removed). Looked up by the token's tags under each key of
/// the keyring, so a session opened before a rotation lasts until it expires.
pub async fn resume(db: &Db, keyring: &Keyring, token: &str) -> Result<Option<CaseId>, DbError> {
    let tags = tag_args(keyring.token_tags(token));
    let sql = format!("SELECT token_hash, case_id, created_at, last_seen_at FROM requester_sessions WHERE token_hash IN ({})", placeholder_list(1, tags.len()));
    let row = sqlx::query_with(&sql, arguments(&tags)).fetch_optional(db.pool()).await?;
    let Some(row) = row else { return Ok(None) };
    let (tag, case_id, created_at, last_seen_at): (Vec<u8>, String, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
    let at = now();
    if at - last_seen_at > IDLE_SECS || at - created_at > ABSOLUTE_SECS {
        sqlx::query("DELETE FROM requester_sessions WHERE token_hash = $1").bind(&tag).execute(db.pool()).await?;
        return Ok(None);
    }
    // One write a minute at most: reading a page should not always take the write lock.
    if at - last_seen_at >= 60 {
        sqlx::query("UPDATE requester_sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(at).bind(&tag).execute(db.pool()).await?;
    }
    Ok(CaseId::parse(&case_id))
}

/// Ends a session (log-out).
pub async fn end_session(db: &Db, keyring: &Keyring, token: &str) -> Result<(), DbError> {
    let tags = tag_args(keyring.token_tags(token));
    let sql = format!("DELETE FROM requester_sessions WHERE token_hash IN ({})", placeholder_list(1, tags.len()));
    sqlx::query_with(&sql, arguments(&tags)).execute(db.pool()).await?;
    Ok(())
}

/// The messages of a case, oldest first, opened with its data key.
pub(crate) async fn decrypt_messages(conn: &mut Conn, key: &DataKey, case_id: &CaseId) -> Result<Vec<Message>, ReadError> {
    let rows = sqlx::query("SELECT id, author, kind, created_at, sealed, person_id FROM case_messages WHERE case_id = $1 ORDER BY created_at, id")
        .bind(case_id.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(DbError::from)?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0).map_err(DbError::from)?;
        let author: String = row.try_get(1).map_err(DbError::from)?;
        let kind: String = row.try_get(2).map_err(DbError::from)?;
        let sealed: Vec<u8> = row.try_get(4).map_err(DbError::from)?;
        let plain = key.open(&message_place(case_id.as_str(), &id), &sealed)?;
        let body = String::from_utf8(plain.to_vec()).map_err(|_| CryptoError::Forged)?;
        messages.push(Message {
            author: if author == "volunteer" { Author::Volunteer } else { Author::Requester },
            kind: if kind == "information" { MessageKind::Information } else { MessageKind::Reply },
            created_at: row.try_get(3).map_err(DbError::from)?,
            person_id: row.try_get(5).map_err(DbError::from)?,
            body: Zeroizing::new(body),
        });
    }
    Ok(messages)
}

async fn decrypt_thread(tx: &mut Tx, keyring: &Keyring, case_id: &CaseId) -> Result<Thread, ReadError> {
    let key = data_key(tx, keyring, case_id).await?;
    let meta = sqlx::query("SELECT status, language, created_at FROM cases WHERE id = $1")
        .bind(case_id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(DbError::from)?;
    let Some(meta) = meta else { return Err(ReadError::Gone) };
    let status: String = meta.try_get(0).map_err(DbError::from)?;
    let messages = decrypt_messages(tx, &key, case_id).await?;
    let openings = openings::openings(tx, case_id.as_str()).await?;
    let documents = crate::server::documents::read::list(tx, &key, case_id).await?;
    Ok(Thread {
        openings,
        documents,
        status: Status::parse(&status).unwrap_or(Status::New),
        language: meta.try_get(1).map_err(DbError::from)?,
        created_at: meta.try_get(2).map_err(DbError::from)?,
        messages,
    })
}

/// The thread of a case, decrypted; audited (`case.thread.view`) in the same transaction.
pub async fn thread(db: &Db, keyring: &Keyring, case_id: &CaseId, actor: &str) -> Result<Thread, ReadError> {
    let mut tx = db.begin().await?;
    let result = decrypt_thread(&mut tx, keyring, case_id).await;
    crate::server::cases::audit_read(tx, keyring, case_id, actor, AuditAction::CaseThreadView, result).await
}

/// Who writes a message: the requester or the desk, the person (for the desk) and how the
/// audit log names them.
#[derive(Clone, Copy, Debug)]
pub struct Sender<'a> {
    pub author: Author,
    pub person_id: Option<&'a str>,
    pub actor: &'a str,
}

/// Adds a message to a case, sealed with its data key, with the audit row, and attaches to
/// it the documents `files` names (a volunteer's reply may carry some). A requester's
/// reply to a case waiting for them puts it back in progress; a volunteer's first message
/// is the case's first response.
pub async fn post(
    db: &Db,
    keyring: &Keyring,
    case_id: &CaseId,
    from: Sender<'_>,
    kind: MessageKind,
    body: &str,
    files: Attaching<'_>,
) -> Result<(), ReadError> {
    let Sender { author, person_id, actor } = from;
    let mut tx = db.begin().await?;
    let key = data_key(&mut tx, keyring, case_id).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    let sealed = key.seal(&message_place(case_id.as_str(), &id), body.as_bytes());
    sqlx::query("INSERT INTO case_messages (id, case_id, author, kind, person_id, created_at, sealed) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(case_id.as_str())
        .bind(author.as_str())
        .bind(kind.as_str())
        .bind(person_id)
        .bind(at)
        .bind(sealed)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    let update = match author {
        Author::Requester => "UPDATE cases SET updated_at = $2, status = CASE WHEN status = 'waiting' THEN 'in_progress' ELSE status END WHERE id = $1",
        Author::Volunteer => "UPDATE cases SET updated_at = $2, first_response_at = COALESCE(first_response_at, $2) WHERE id = $1",
    };
    sqlx::query(update).bind(case_id.as_str()).bind(at).execute(&mut *tx).await.map_err(DbError::from)?;
    match author {
        Author::Requester => crate::server::notify::answered(&mut tx, case_id.as_str(), at).await?,
        Author::Volunteer => crate::server::notify::requester_message(&mut tx, case_id.as_str(), at).await?,
    }
    attach(&mut tx, keyring, &key, case_id, files.token, Some(files.keep), Some(&id), actor).await?;
    let action = match (author, kind) {
        (Author::Requester, MessageKind::Information) => AuditAction::CaseInformationAdd,
        (Author::Requester, MessageKind::Reply) => AuditAction::CaseReplyRequester,
        (Author::Volunteer, _) => AuditAction::CaseReplyVolunteer,
    };
    audit::append(&mut tx, keyring, &AuditEvent::new(actor, action, Some(case_id.as_str()), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Posts the embassy's acknowledgement `body` to a new case's thread in the caller's
/// transaction (intake's), sealed with the case's data key: a message from the desk marked
/// automatic, which is not the case's first response. Audited as `case.acknowledge`.
pub async fn post_acknowledgement(tx: &mut Tx, keyring: &Keyring, key: &DataKey, case_id: &CaseId, body: &str, at: i64) -> Result<(), DbError> {
    let id = uuid::Uuid::new_v4().to_string();
    let sealed = key.seal(&message_place(case_id.as_str(), &id), body.as_bytes());
    sqlx::query("INSERT INTO case_messages (id, case_id, author, kind, person_id, created_at, sealed, automatic) VALUES ($1, $2, $3, $4, NULL, $5, $6, 1)")
        .bind(&id)
        .bind(case_id.as_str())
        .bind(Author::Volunteer.as_str())
        .bind(MessageKind::Reply.as_str())
        .bind(at)
        .bind(sealed)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, keyring, &AuditEvent::new("system", AuditAction::CaseAcknowledge, Some(case_id.as_str()), Outcome::Ok)).await?;
    Ok(())
}

/// Deletes a request at the requester's wish: the case is purged at once, as retention
/// would purge it (see `db::purge`), leaving only its anonymous row and its audit rows.
pub async fn delete_request(db: &Db, keyring: &Keyring, case_id: &CaseId) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    db::purge::purge_case(&mut tx, keyring, case_id.as_str(), true, now()).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::CaseDeleteRequester, Some(case_id.as_str()), Outcome::Ok)).await?;
    tx.commit().await?;
    db.flush_deleted().await?;
    Ok(())
}

/// The case with this reference, for operators (the `reply` command).
pub async fn case_by_reference(db: &Db, reference: &crate::domain::CaseRef) -> Result<Option<CaseId>, DbError> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1").bind(reference.as_str()).fetch_optional(db.pool()).await?;
    Ok(id.as_deref().and_then(CaseId::parse))
}

pub fn cookie_name(state: &AppState) -> &'static str {
    host_cookie_name(state, "__Host-followup", "followup")
}

pub fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    session_cookie_value(cookie_name(state), token, max_age)
}

/// The case of the current requester session, if any (for server functions and pages).
pub async fn session_case(state: &AppState) -> Result<Option<CaseId>, AppError> {
    let Some(parts) = leptos::prelude::use_context::<Parts>() else { return Ok(None) };
    match cookie_value(&parts.headers, cookie_name(state)) {
        Some(token) => Ok(resume(&state.db, &state.keyring, token).await?),
        None => Ok(None),
    }
}
