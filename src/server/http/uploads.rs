//! Reading a form posted as `multipart/form-data` with files: its fields as a [`Posted`], and
//! each file taken as it arrives (see `documents::stage`). What may receive files is decided
//! from the fields before them (the form puts its token first): without a right to upload,
//! files are not read at all. A form posted the plain way is read as before, with no files.

use super::forms::{read_form, Posted};
use crate::{
    api::AppError,
    domain::intake::{Field, FieldError},
    server::{
        documents::{
            stage::{Destination, Source, Staged, Upload},
            DocumentError, Refusal,
        },
        AppState,
    },
};
use axum::{
    body::Bytes,
    extract::{multipart::Field as Part, FromRequest, Multipart, Request},
    http::{header, request::Parts},
    response::{IntoResponse, Response},
};

/// A posted form with its files.
pub(super) struct Uploaded {
    pub parts: Parts,
    pub posted: Posted,
    pub staged: Vec<Staged>,
    /// The first refusal of a file in this post (the page shows it next to the file field).
    pub refused: Option<Refusal>,
}

impl Uploaded {
    /// The refusal as a field error, if a file was refused.
    pub fn file_errors(&self) -> Vec<FieldError> {
        self.refused.map(|r| FieldError { field: Field::Documents, rule: r.rule() }).into_iter().collect()
    }

    /// The documents to attach: those the form lists as kept, and those this post brought.
    pub fn keep(&self) -> Vec<String> {
        let mut keep = self.posted.all("keep_document");
        keep.extend(self.staged.iter().map(|s| s.id.clone()));
        keep
    }
}

struct PartSource<'p, 'r>(&'p mut Part<'r>);

impl Source for PartSource<'_, '_> {
    async fn next_piece(&mut self) -> Result<Option<Bytes>, DocumentError> {
        self.0.chunk().await.map_err(|_| DocumentError::CutOff)
    }
}

/// Reads a post that may carry files. `upload_to` is asked, when the first file arrives,
/// where files of this post may go, from the fields read so far.
pub(super) async fn read_upload(state: &AppState, request: Request, upload_to: impl AsyncFnOnce(&Posted) -> Option<Destination>) -> Result<Uploaded, Response> {
    if !is_multipart(&request) {
        let (parts, posted) = read_form(state, request).await?;
        return Ok(Uploaded { parts, posted, staged: Vec::new(), refused: None });
    }
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts.clone(), body);
    let mut form = Multipart::from_request(request, state).await.map_err(|_| AppError::BadRequest.into_response())?;
    let mut posted = Posted(Vec::new());
    let mut text_bytes = 0usize;
    let mut ask = Some(upload_to);
    let mut target: Option<Destination> = None;
    let mut staged = Vec::new();
    let mut refused = None;
    let mut upload: Option<Upload<'_>> = None;
    let cut_off = |_| AppError::BadRequest.into_response();
    while let Some(mut part) = form.next_field().await.map_err(cut_off)? {
        let name = part.name().unwrap_or_default().to_owned();
        if let Some(file_name) = part.file_name().map(str::to_owned) {
            if let Some(ask) = ask.take() {
                target = ask(&posted).await;
            }
            // A file input left empty still sends a part with no name and no bytes.
            if file_name.is_empty() || name != "documents" {
                continue;
            }
            let Some(to) = &target else { continue };
            if upload.is_none() {
                let begun = Upload::begin(&state.db, &state.keyring, state.config.documents, &state.config.data_dir, to).await;
                upload = Some(begun.map_err(|e| AppError::internal(e).into_response())?);
            }
            let Some(upload) = upload.as_mut() else { continue };
            match upload.file(&file_name, &mut PartSource(&mut part)).await {
                Ok(Ok(file)) => staged.push(file),
                Ok(Err(refusal)) => {
                    refused.get_or_insert(refusal);
                }
                Err(DocumentError::CutOff) => {
                    // A post cut off keeps nothing, not even the files that arrived whole.
                    for file in &staged {
                        let _ = crate::server::db::documents::discard(&state.db, &file.id).await;
                    }
                    return Err(AppError::BadRequest.into_response());
                }
                Err(e) => return Err(AppError::internal(e).into_response()),
            }
        } else {
            let value = part.text().await.map_err(cut_off)?;
            text_bytes += name.len() + value.len();
            if text_bytes > state.config.max_body_bytes {
                return Err(axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response());
            }
            posted.0.push((name, value));
        }
    }
    Ok(Uploaded { parts, posted, staged, refused })
}

/// The largest bodies taken: a form's, and a form's with files.
#[derive(Clone, Copy)]
pub(super) struct BodyLimits {
    pub form: usize,
    pub upload: usize,
}

/// The posts that take files: the intake form, the follow-up page's documents and a case
/// page's reply.
fn takes_files(request: &Request) -> bool {
    let path = request.uri().path();
    let case_page = path.strip_prefix("/desk/cases/").is_some_and(|id| !id.is_empty() && !id.contains('/'));
    is_multipart(request) && (path == "/" || path == "/follow-up/documents" || case_page)
}

fn is_multipart(request: &Request) -> bool {
    request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Refuses a body longer than its limit: at once when its length is declared, else when it
/// passes the limit while being read.
pub(super) async fn limit_body(axum::extract::State(limits): axum::extract::State<BodyLimits>, request: Request, next: axum::middleware::Next) -> Response {
    let limit = if takes_files(&request) { limits.upload } else { limits.form };
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = request.into_parts();
    next.run(Request::from_parts(parts, axum::body::Body::new(http_body_util::Limited::new(body, limit)))).await
}
