//! Reading a case's documents: the list (names and kinds opened under each file's key) and
//! one document's bytes, opened chunk by chunk as they are sent. Opening a document for a
//! download or a preview is audited (`case.document.download`) before anything is sent; its
//! first chunk is opened first, so a damaged or moved chunk at the start is a clear error
//! (audited `failed`) rather than a broken file.

use super::{attach::open_meta, wrapped_key_place, Meta, Origin};
use crate::domain::{AuditAction, CaseId};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::{data_key, ReadError},
    crypto::{
        chunks::{ChunkOpener, FileKey},
        CryptoError, DataKey, Keyring,
    },
    db::{self, Conn, Db},
};
use axum::body::Bytes;
use zeroize::Zeroizing;

/// A document of a case, opened for listing.
#[derive(Clone, Debug)]
pub struct Listed {
    pub id: String,
    pub origin: Origin,
    pub person_id: Option<String>,
    /// The reply it was attached to, for a volunteer's document.
    pub message_id: Option<String>,
    pub created_at: i64,
    pub meta: Meta,
}

fn file_key(data_key: &DataKey, case_id: &str, row: &db::documents::DocumentRow) -> Result<FileKey, CryptoError> {
    FileKey::from_slice(&data_key.open(&wrapped_key_place(case_id, &row.id), &row.wrapped_key)?)
}

/// The documents of a case, oldest first, opened with the case's data key.
pub async fn list(conn: &mut Conn, data_key: &DataKey, case_id: &CaseId) -> Result<Vec<Listed>, ReadError> {
    let rows = db::documents::of_case(conn, case_id.as_str()).await?;
    rows.into_iter()
        .map(|row| {
            let key = file_key(data_key, case_id.as_str(), &row)?;
            Ok(Listed {
                meta: open_meta(&key, &row.id, &row.sealed_meta)?,
                origin: Origin::parse(&row.origin).unwrap_or(Origin::Requester),
                id: row.id,
                person_id: row.person_id,
                message_id: row.message_id,
                created_at: row.created_at,
            })
        })
        .collect()
}

/// A document opened for sending: what it is, and its bytes chunk by chunk.
pub struct Opened {
    pub meta: Meta,
    db: Db,
    id: String,
    chunks: i64,
    next: i64,
    opener: ChunkOpener,
    first: Option<Zeroizing<Vec<u8>>>,
}

/// Opens document `document_id` of `case_id` for `actor`, auditing it as a download (also
/// when the key or the first chunk does not open: `failed`). `Ok(None)` when the case has
/// no such document.
pub async fn open_document(db: &Db, keyring: &Keyring, case_id: &CaseId, document_id: &str, actor: &str) -> Result<Option<Opened>, ReadError> {
    let mut conn = db.acquire().await?;
    let Some(row) = db::documents::one(&mut conn, case_id.as_str(), document_id).await? else { return Ok(None) };
    let opened = async {
        let data_key = data_key(&mut conn, keyring, case_id).await?;
        let key = file_key(&data_key, case_id.as_str(), &row)?;
        let meta = open_meta(&key, &row.id, &row.sealed_meta)?;
        let mut opener = ChunkOpener::new(&key, &row.nonce_prefix, &row.id, meta.size)?;
        let sealed = db::documents::chunk(db, &row.id, 0).await?.ok_or(ReadError::Crypto(CryptoError::Truncated))?;
        let first = opener.open(&sealed, row.chunks <= 1)?;
        Ok::<_, ReadError>(Opened { meta, db: db.clone(), id: row.id.clone(), chunks: row.chunks, next: 1, opener, first: Some(first) })
    }
    .await;
    let outcome = match &opened {
        Ok(_) => Outcome::Ok,
        Err(ReadError::Db(_)) => return opened.map(Some),
        Err(_) => Outcome::Failed,
    };
    // Read first, then recorded in a write of its own, as a case view is: no write lock is
    // held while the key and the first chunk are read.
    audit::record(db, &mut conn, keyring, &AuditEvent::new(actor, AuditAction::CaseDocumentDownload, Some(case_id.as_str()), outcome)).await?;
    opened.map(Some)
}

impl Opened {
    /// The next piece of the file; `None` at its end. A chunk that is missing, damaged or
    /// out of place ends the file with an error.
    pub async fn next_piece(&mut self) -> Result<Option<Bytes>, ReadError> {
        if let Some(first) = self.first.take() {
            return Ok(Some(Bytes::copy_from_slice(&first)));
        }
        if self.next >= self.chunks {
            return Ok(None);
        }
        let sealed = db::documents::chunk(&self.db, &self.id, self.next).await?.ok_or(ReadError::Crypto(CryptoError::Truncated))?;
        let plain = self.opener.open(&sealed, self.next + 1 == self.chunks)?;
        self.next += 1;
        Ok(Some(Bytes::copy_from_slice(&plain)))
    }

    /// The file as a stream of pieces, for a response body.
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
        futures::stream::unfold(Some(self), |state| async move {
            let mut opened = state?;
            match opened.next_piece().await {
                Ok(Some(piece)) => Some((Ok(piece), Some(opened))),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "a document could not be read to its end");
                    Some((Err(std::io::Error::other("document damaged")), None))
                }
            }
        })
    }
}
