//! Sending a document: streamed as it is opened, chunk by chunk, as an attachment (or, for a
//! preview on the desk, inline in a sandbox that runs nothing), with the type its content
//! was judged to be, `nosniff`, a CSP that allows no script, and no caching. Who may fetch it
//! was established by the caller; the opening is audited (`case.document.download`).

use super::forms::session_at;
use crate::{
    api::AppError,
    domain::CaseId,
    server::{
        cases::ReadError,
        desk::{self},
        documents::read::open_document,
        staff::Stage,
        AppState,
    },
};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// How the browser is to treat a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Saved as a file.
    Attachment,
    /// Shown in place (images and PDFs on the desk's preview), in a sandbox.
    Inline,
}

/// A CSP under which a document runs nothing and reaches nothing; the sandbox keeps even
/// a PDF viewer's scripts out.
const DOCUMENT_CSP: &str = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'none'; frame-ancestors 'self'";

/// `filename*` for Content-Disposition (RFC 6266 / 5987): the name percent-encoded, and an
/// ASCII fallback.
fn disposition_header(kind: Disposition, name: &str) -> String {
    let fallback: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String =
        name.bytes().map(|b| if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    let kind = match kind {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Opens and sends document `document_id` of `case_id` for `actor`.
pub(super) async fn send(state: &AppState, case_id: &CaseId, document_id: &str, actor: &str, disposition: Disposition) -> Response {
    let opened = match open_document(&state.db, &state.keyring, case_id, document_id, actor).await {
        Ok(Some(opened)) => opened,
        Ok(None) | Err(ReadError::Gone) => return AppError::NotFound.into_response(),
        Err(ReadError::Crypto(_)) => return damaged(),
        Err(e) => return AppError::internal(e).into_response(),
    };
    let kind = opened.meta.kind();
    let mime = kind.map_or("application/octet-stream", |k| k.mime());
    let disposition = match (disposition, kind) {
        (Disposition::Inline, Some(k)) if k.previewable() => Disposition::Inline,
        _ => Disposition::Attachment,
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
        (header::CONTENT_LENGTH, HeaderValue::from(opened.meta.size)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition_header(disposition, &opened.meta.name)).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCUMENT_CSP)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    (headers, Body::from_stream(opened.into_stream())).into_response()
}

/// A document that does not open: said plainly, never a broken file.
fn damaged() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "This document could not be opened: it is damaged. The attempt was recorded.\n",
    )
        .into_response()
}

/// The case `id` if the signed-in person may read it; otherwise the answer to give (the
/// sign-in page, or 404 — audited as a refused reach — for a case outside their scope).
async fn desk_case(state: &AppState, headers: &HeaderMap, id: &str) -> Result<(CaseId, String), Response> {
    let (session, _) = session_at(state, headers, Stage::Full).await?;
    let staff = session.staff;
    let mut conn = state.db.acquire().await.map_err(|e| AppError::internal(e).into_response())?;
    match desk::case_in_scope(&mut conn, &staff, id).await {
        Ok(Some(meta)) => Ok((CaseId::parse(&meta.id).ok_or_else(|| AppError::NotFound.into_response())?, staff.actor())),
        Ok(None) => {
            let refused = desk::refused(&state.db, &mut conn, &state.keyring, &staff, crate::domain::AuditAction::CaseDocumentDownload, id).await;
            Err(AppError::from(refused).into_response())
        }
        Err(e) => Err(AppError::internal(e).into_response()),
    }
}

pub(super) async fn desk_download_get(State(state): State<AppState>, Path((id, document)): Path<(String, String)>, headers: HeaderMap) -> Response {
    match desk_case(&state, &headers, &id).await {
        Ok((case_id, actor)) => send(&state, &case_id, &document, &actor, Disposition::Attachment).await,
        Err(response) => response,
    }
}

pub(super) async fn desk_preview_get(State(state): State<AppState>, Path((id, document)): Path<(String, String)>, headers: HeaderMap) -> Response {
    match desk_case(&state, &headers, &id).await {
        Ok((case_id, actor)) => send(&state, &case_id, &document, &actor, Disposition::Inline).await,
        Err(response) => response,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_encoded_for_the_header() {
        let h = super::disposition_header(super::Disposition::Attachment, "паспарт 1.jpg");
        assert!(h.starts_with("attachment; filename=\"________1.jpg\"; filename*=UTF-8''%D0%BF"), "{h}");
        assert!(!super::disposition_header(super::Disposition::Inline, "a\"b.pdf").contains("a\"b"));
    }
}
