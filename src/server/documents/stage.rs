//! Taking files as they arrive. Each file is judged by its first bytes, stripped of its
//! metadata and sealed chunk by chunk, each chunk written as soon as it is sealed, so an
//! upload is never held whole in memory and no transaction stays open while a slow client
//! sends. Until the form it came with is accepted the file is *staged*: its key sealed under
//! the keyring and its row tagged with the upload's token. A refused or cut-off file leaves
//! nothing behind.

use super::{clean_name, meta_place, removed_code, staged_key_place, strip, DocumentError, Limits, Meta, Origin, Refusal};
use crate::server::{
    crypto::{
        chunks::{nonce_prefix, ChunkSealer, FileKey},
        seal, Keyring, DATA_KEY_ID,
    },
    db::{self, Db},
};
use axum::body::Bytes;
use std::path::Path;

/// Where a file's bytes come from, piece by piece: a multipart field, or bytes in a test.
pub trait Source {
    /// The next piece; `None` at the end; `Err(CutOff)` if the client stopped sending.
    fn next_piece(&mut self) -> impl std::future::Future<Output = Result<Option<Bytes>, DocumentError>> + Send;
}

/// Bytes to read before judging a file's kind.
const HEAD: usize = 64;

/// Where the files of a post go: decided by the form's handler from the fields before them.
pub struct Destination {
    /// The upload token the files are staged under.
    pub token: String,
    pub origin: Origin,
    /// The volunteer attaching them (none for a requester).
    pub person_id: Option<String>,
    /// Bytes of documents the case already holds (0 for a case not opened yet).
    pub case_bytes: u64,
}

/// A file taken and staged.
#[derive(Clone, Debug)]
pub struct Staged {
    pub id: String,
    pub meta: Meta,
}

/// The files of one post, staged under its upload token.
pub struct Upload<'a> {
    db: &'a Db,
    keyring: &'a Keyring,
    limits: Limits,
    data_dir: &'a Path,
    tag: Vec<u8>,
    origin: Origin,
    person_id: Option<String>,
    /// Files staged under this token so far (earlier posts of the same form included).
    files: usize,
    /// Bytes the case holds (if it exists) and the files staged under this token hold.
    bytes: u64,
}

impl<'a> Upload<'a> {
    /// Starts taking files for `to`, counting what its token already staged.
    pub async fn begin(db: &'a Db, keyring: &'a Keyring, limits: Limits, data_dir: &'a Path, to: &Destination) -> Result<Upload<'a>, DocumentError> {
        let mut conn = db.acquire().await?;
        let staged = db::documents::staged_sizes(&mut conn, &keyring.token_tags(&to.token)).await?;
        Ok(Self {
            db,
            keyring,
            limits,
            data_dir,
            tag: keyring.token_tag(&to.token),
            origin: to.origin,
            person_id: to.person_id.clone(),
            files: staged.len(),
            bytes: to.case_bytes + staged.iter().map(|s| *s as u64).sum::<u64>(),
        })
    }

    /// Takes one file named `name` from `source`: staged, or refused with nothing kept.
    pub async fn file(&mut self, name: &str, source: &mut impl Source) -> Result<Result<Staged, Refusal>, DocumentError> {
        if self.files >= self.limits.files_per_post {
            return Ok(Err(Refusal::TooMany));
        }
        if free_disk(self.data_dir).is_some_and(|free| free < self.limits.min_free_disk) {
            return Ok(Err(Refusal::DiskFull));
        }
        let mut head = Vec::with_capacity(HEAD);
        let mut rest = None;
        while head.len() < HEAD {
            match source.next_piece().await? {
                Some(piece) if head.is_empty() && piece.len() >= HEAD => {
                    rest = Some(piece);
                    break;
                }
                Some(piece) => head.extend_from_slice(&piece),
                None => break,
            }
        }
        let first = rest.unwrap_or_else(|| Bytes::from(head));
        if first.is_empty() {
            return Ok(Err(Refusal::Unreadable));
        }
        let Some(kind) = strip::Kind::sniff(&first[..first.len().min(4096)]) else { return Ok(Err(Refusal::WrongType)) };

        let id = uuid::Uuid::new_v4().to_string();
        let key = FileKey::generate();
        let prefix = nonce_prefix();
        db::documents::insert_staged(
            self.db,
            &db::documents::NewStaged {
                id: &id,
                origin: self.origin.as_str(),
                person_id: self.person_id.as_deref(),
                staged_by: &self.tag,
                staged_key: &self.keyring.seal_secret(&staged_key_place(&id), key.bytes()),
                nonce_prefix: &prefix,
            },
        )
        .await?;
        match self.take(&id, &key, &prefix, kind, name, first, source).await {
            Ok(Ok(staged)) => {
                self.files += 1;
                Ok(Ok(staged))
            }
            other => {
                db::documents::discard(self.db, &id).await?;
                other
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn take(
        &mut self,
        id: &str,
        key: &FileKey,
        prefix: &[u8; crate::server::crypto::chunks::NONCE_PREFIX_LEN],
        kind: strip::Kind,
        name: &str,
        first: Bytes,
        source: &mut impl Source,
    ) -> Result<Result<Staged, Refusal>, DocumentError> {
        let mut stripper = strip::Stripper::new(kind, self.limits.bytes_per_file);
        let mut sealer = ChunkSealer::new(key, prefix, id);
        let mut kept = Vec::new();
        let mut read: u64 = 0;
        let mut seq: i64 = 0;
        let mut piece = Some(first);
        while let Some(bytes) = piece {
            read += bytes.len() as u64;
            if read > self.limits.bytes_per_file {
                return Ok(Err(Refusal::TooLarge));
            }
            if self.bytes + read > self.limits.bytes_per_case {
                return Ok(Err(Refusal::CaseFull));
            }
            if stripper.push(&bytes, &mut kept).is_err() {
                return Ok(Err(Refusal::Unreadable));
            }
            for chunk in sealer.push(&kept) {
                db::documents::insert_chunk(self.db, id, seq, &chunk).await?;
                seq += 1;
            }
            kept.clear();
            piece = source.next_piece().await?;
        }
        let removed = match stripper.finish(&mut kept) {
            Ok(removed) => removed,
            Err(strip::StripError::TooLarge) => return Ok(Err(Refusal::TooLarge)),
            Err(strip::StripError::Unreadable) => return Ok(Err(Refusal::Unreadable)),
        };
        let mut last = sealer.push(&kept);
        let (tail, size) = sealer.finish();
        last.extend(tail);
        for chunk in last {
            db::documents::insert_chunk(self.db, id, seq, &chunk).await?;
            seq += 1;
        }
        let padded = crate::server::crypto::bucket(usize::try_from(size).unwrap_or(usize::MAX)) as u64;
        if self.bytes + padded > self.limits.bytes_per_case {
            return Ok(Err(Refusal::CaseFull));
        }
        let meta = Meta { name: clean_name(name), kind: kind.code().into(), size, removed: removed.into_iter().map(|r| removed_code(r).to_owned()).collect() };
        let json = serde_json::to_vec(&meta).expect("document metadata serialises");
        let sealed_meta = seal(key.secret(), DATA_KEY_ID, &meta_place(id), &json);
        db::documents::complete(self.db, id, &sealed_meta, padded as i64, seq).await?;
        self.bytes += padded;
        Ok(Ok(Staged { id: id.to_owned(), meta }))
    }
}

/// Bytes free for an unprivileged writer on the disk holding `dir`; `None` if unknown.
pub fn free_disk(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}
