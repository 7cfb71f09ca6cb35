//! Documents: scans and photos a requester sends (with the intake form or from the follow-up
//! page) and files a volunteer attaches to a reply.
//!
//! A file is taken as it arrives ([`stage`]): its kind is judged by its content, its hidden
//! metadata is removed ([`strip`]), and it is sealed in 64 KiB chunks under a key of its own,
//! staged under the upload's token until the form it came with is accepted. Then, in that
//! form's transaction, [`attach`] seals its key under the case key and makes it part of the
//! case. [`read`] lists a case's documents and opens one chunk by chunk. Name, kind, size and
//! what was removed are sealed under the file's key; the stored size is its padded bucket.

pub mod attach;
pub mod load;
pub mod read;
pub mod stage;
pub mod strip;

use crate::domain::intake::Rule;
use crate::server::crypto::Place;
use serde::{Deserialize, Serialize};

/// How much a post, a file and a case may carry, and how much disk must stay free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub files_per_post: usize,
    pub bytes_per_file: u64,
    pub bytes_per_case: u64,
    /// Documents are refused while the data directory's disk has less free than this.
    pub min_free_disk: u64,
}

pub const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self { files_per_post: 10, bytes_per_file: 20 * MB, bytes_per_case: 100 * MB, min_free_disk: 1024 * MB }
    }
}

impl Limits {
    /// The largest body a post with documents may have: every file at its limit, and the
    /// form's own fields.
    pub fn upload_body(&self, form_bytes: usize) -> usize {
        let files = self.bytes_per_file.saturating_mul(self.files_per_post as u64).saturating_add(64 * 1024 * self.files_per_post as u64);
        usize::try_from(files).unwrap_or(usize::MAX).saturating_add(form_bytes)
    }
}

/// Who brought a document to the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Requester,
    Desk,
}

impl Origin {
    pub const fn as_str(self) -> &'static str {
        match self {
            Origin::Requester => "requester",
            Origin::Desk => "desk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "requester" => Some(Origin::Requester),
            "desk" => Some(Origin::Desk),
            _ => None,
        }
    }
}

/// What is known of a document once opened: sealed under the file's own key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The file name as sent (only its last path part, at most 200 characters).
    pub name: String,
    /// [`strip::Kind::code`].
    pub kind: String,
    /// True size in bytes after metadata was removed.
    pub size: u64,
    /// What was removed ([`removed_code`] of each).
    pub removed: Vec<String>,
}

impl Meta {
    pub fn kind(&self) -> Option<strip::Kind> {
        strip::Kind::from_code(&self.kind)
    }
}

/// The stable name of what was removed, as stored and as the pages translate it.
pub fn removed_code(removed: strip::Removed) -> &'static str {
    match removed {
        strip::Removed::Location => "location",
        strip::Removed::Device => "device",
        strip::Removed::Times => "times",
        strip::Removed::Author => "author",
        strip::Removed::Other => "other",
    }
}

/// What was removed from `documents`, each kind once, in the order the pages list them.
pub fn removed_union<'m>(documents: impl IntoIterator<Item = &'m Meta>) -> Vec<String> {
    use strip::Removed::*;
    let found: Vec<&str> = documents.into_iter().flat_map(|d| d.removed.iter().map(String::as_str)).collect();
    [Location, Device, Times, Author, Other].into_iter().map(removed_code).filter(|code| found.contains(code)).map(str::to_owned).collect()
}

/// Why one file was not taken. Nothing of it is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooMany,
    TooLarge,
    WrongType,
    Unreadable,
    CaseFull,
    DiskFull,
}

impl Refusal {
    /// The rule the page shows next to the file field.
    pub const fn rule(self) -> Rule {
        match self {
            Refusal::TooMany => Rule::TooManyFiles,
            Refusal::TooLarge => Rule::FileTooLarge,
            Refusal::WrongType => Rule::FileType,
            Refusal::Unreadable => Rule::FileUnreadable,
            Refusal::CaseFull => Rule::CaseFull,
            Refusal::DiskFull => Rule::DiskFull,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Db(#[from] crate::server::db::DbError),
    #[error(transparent)]
    Crypto(#[from] crate::server::crypto::CryptoError),
    #[error("the upload was cut off")]
    CutOff,
}

/// A document that does not open is a read that failed like any other sealed value.
impl From<DocumentError> for crate::server::cases::ReadError {
    fn from(e: DocumentError) -> Self {
        match e {
            DocumentError::Crypto(e) => Self::Crypto(e),
            DocumentError::Db(e) => Self::Db(e),
            DocumentError::CutOff => Self::Crypto(crate::server::crypto::CryptoError::Truncated),
        }
    }
}

impl From<sqlx::Error> for DocumentError {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e.into())
    }
}

/// Where a staged document's key is sealed under the keyring.
pub(crate) fn staged_key_place(document_id: &str) -> Place<'_> {
    Place { case: "", table: "documents", column: "staged_key", row: document_id }
}

/// Where an attached document's key is sealed under its case's key.
pub(crate) fn wrapped_key_place<'a>(case_id: &'a str, document_id: &'a str) -> Place<'a> {
    Place { case: case_id, table: "documents", column: "wrapped_key", row: document_id }
}

/// Where a document's metadata is sealed under its own key.
pub(crate) fn meta_place(document_id: &str) -> Place<'_> {
    Place { case: "", table: "documents", column: "sealed_meta", row: document_id }
}

/// The part of a sent file name kept: its last path part, without control characters, at
/// most 200 characters; "document" when nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "document".into()
    } else {
        cleaned.into()
    }
}

/// Forgets documents staged over a day ago and never attached, now and every ten minutes.
pub async fn keep_staged_pruned(db: crate::server::db::Db) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        ticks.tick().await;
        match crate::server::db::documents::prune_staged(&db, crate::server::db::now() - 86_400).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(forgotten = n, "abandoned staged documents removed"),
            Err(e) => tracing::warn!(error = %e, "removing abandoned staged documents failed; trying again in ten minutes"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_keep_only_their_last_part_and_printable_characters() {
        assert_eq!(super::clean_name("C:\\Users\\ales\\pasport.jpg"), "pasport.jpg");
        assert_eq!(super::clean_name("../../etc/passwd"), "passwd");
        assert_eq!(super::clean_name("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(super::clean_name("  "), "document");
        assert_eq!(super::clean_name(&"я".repeat(300)).chars().count(), 200);
    }
}
