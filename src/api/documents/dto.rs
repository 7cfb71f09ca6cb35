//! Documents as the pages show them: made for the client, never a key or a byte of content.

use serde::{Deserialize, Serialize};

/// One document in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDto {
    pub id: String,
    pub name: String,
    /// The kind's short name: JPEG, PNG, WEBP, HEIC, PDF, TEXT.
    pub kind: String,
    pub size: u64,
    /// Unix seconds.
    pub created_at: i64,
    /// Attached by the desk (else sent by the requester).
    pub from_desk: bool,
    /// Where it downloads from (empty for a staged document).
    pub href: String,
    /// Where it can be previewed (images and PDFs on the desk; empty otherwise).
    pub preview: String,
}

/// What a form that takes files shows: the limits, and the files already received with
/// this form (a post refused for another reason keeps them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDto {
    pub files: usize,
    pub mb: u64,
    pub staged: Vec<DocumentDto>,
}

/// What was removed from the documents just received, as codes the page translates
/// (location, device, times, author, other).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedDto {
    pub documents: usize,
    pub removed: Vec<String>,
}
