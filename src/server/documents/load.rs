//! Documents as the pages show them: a case's list with its links, and a form's file field
//! (its limits and the files already received with it).

use super::{attach, read::Listed, Limits, Meta, Origin, MB};
use crate::{
    api::{
        documents::{DocumentDto, UploadDto},
        AppError,
    },
    server::AppState,
};

fn dto(id: &str, meta: &Meta, created_at: i64, from_desk: bool, href: String, preview: String) -> DocumentDto {
    DocumentDto { id: id.to_owned(), name: meta.name.clone(), kind: meta.kind.to_uppercase(), size: meta.size, created_at, from_desk, href, preview }
}

/// A document of a case in a list: downloaded at `href_base/<id>`, with a preview link
/// beside it when `previews` is set and its kind can be shown in place.
pub fn listed_dto(document: &Listed, href_base: &str, previews: bool) -> DocumentDto {
    let href = format!("{href_base}/{}", document.id);
    let preview = if previews && document.meta.kind().is_some_and(|k| k.previewable()) { format!("{href}/preview") } else { String::new() };
    dto(&document.id, &document.meta, document.created_at, document.origin == Origin::Desk, href, preview)
}

/// A form's file field with nothing received yet.
pub fn empty_upload(limits: &Limits) -> UploadDto {
    UploadDto { files: limits.files_per_post, mb: limits.bytes_per_file / MB, staged: Vec::new() }
}

/// A form's file field: the limits, and the files already received under upload token
/// `token` (a form coming back after a refusal).
pub async fn upload(state: &AppState, token: &str) -> Result<UploadDto, AppError> {
    let mut field = empty_upload(&state.config.documents);
    if token.is_empty() {
        return Ok(field);
    }
    let mut conn = state.db.acquire().await?;
    let staged = attach::staged(&mut conn, &state.keyring, token).await.map_err(AppError::internal)?;
    field.staged = staged.iter().map(|d| dto(&d.id, &d.meta, 0, false, String::new(), String::new())).collect();
    Ok(field)
}
