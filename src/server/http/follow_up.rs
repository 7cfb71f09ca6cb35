//! The requester's posts after intake: signing in with the reference and code, sending a
//! message, signing out, and deleting the request.

use super::{
    forms::{read_form, render, see_other, Posted},
    uploads::read_upload,
};
use crate::server::cookies::cookie_value;
use crate::{
    api::{
        follow_up::{Draft, DraftKind, LoginProblem, LoginView, PostedDocuments, PostedDraft, PostedLogin},
        AppError,
    },
    domain::{
        intake::{validate_message, Field, FieldError, Rule},
        CaseId, CaseRef, ReceiptCode,
    },
    locale::{self},
    server::{
        cases::receipts::{self, FollowUpError, Limits},
        documents::{self, attach::Attaching, stage::Destination, Origin},
        follow_up::{self, Author, MessageKind},
        AppState,
    },
};
use axum::{
    extract::{Path, Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;

pub(super) async fn login_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let lang = locale::from_code(&posted.one("ui_lang"));
    let typed_reference = posted.one("reference");
    if let Some(lang) = locale::from_code(&posted.one("switch_lang")) {
        let view = LoginView { reference: typed_reference, problem: None };
        return render(&state, parts, Some(lang), StatusCode::OK, move || provide_context(PostedLogin(view.clone()))).await;
    }
    let problem = match (CaseRef::parse(&typed_reference), ReceiptCode::parse(&posted.one("code"))) {
        (None, _) => LoginProblem::ReferenceShape,
        (_, None) => LoginProblem::CodeShape,
        (Some(reference), Some(code)) => match receipts::verify(&state.db, &state.keyring, &Limits::default(), &reference, &code).await {
            Ok(case_id) => {
                let token = match follow_up::open_session(&state.db, &state.keyring, &case_id).await {
                    Ok(t) => t,
                    Err(e) => return AppError::internal(e).into_response(),
                };
                let mut response = see_other("/follow-up/case");
                response.headers_mut().append(header::SET_COOKIE, follow_up::session_cookie(&state, &token, follow_up::ABSOLUTE_SECS));
                return response;
            }
            Err(FollowUpError::Refused) => LoginProblem::NotRecognised,
            Err(e) => return AppError::internal(e).into_response(),
        },
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let view = LoginView { reference: typed_reference, problem: Some(problem) };
    render(&state, parts, lang, status, move || provide_context(PostedLogin(view.clone()))).await
}

/// A posted form and the case of its session; without a live session, the answer is a
/// redirect to the sign-in page.
pub(super) async fn read_session_form(state: &AppState, request: Request) -> Result<(Parts, Posted, CaseId), Response> {
    let (parts, posted) = read_form(state, request).await?;
    let case_id = session_case(state, &parts.headers).await?;
    Ok((parts, posted, case_id))
}

/// The case of the request's live session; without one, the answer is a redirect to the
/// sign-in page.
async fn session_case(state: &AppState, headers: &HeaderMap) -> Result<CaseId, Response> {
    let case = match cookie_value(headers, follow_up::cookie_name(state)) {
        Some(token) => follow_up::resume(&state.db, &state.keyring, token).await.map_err(|e| AppError::internal(e).into_response())?,
        None => None,
    };
    case.ok_or_else(|| see_other("/follow-up?ended=1"))
}

pub(super) async fn message_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, case_id) = match read_session_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (kind, draft_kind) = match posted.one("kind").as_str() {
        "information" => (MessageKind::Information, DraftKind::Information),
        _ => (MessageKind::Reply, DraftKind::Reply),
    };
    let text = posted.one("message");
    match validate_message(&text) {
        Ok(body) => match follow_up::post(
            &state.db,
            &state.keyring,
            &case_id,
            follow_up::Sender { author: Author::Requester, person_id: None, actor: "requester" },
            kind,
            &body,
            Attaching::NONE,
        )
        .await
        {
            Ok(()) => see_other("/follow-up/case?sent=1"),
            Err(crate::server::cases::ReadError::Gone) => see_other("/follow-up?ended=1"),
            Err(e) => AppError::internal(e).into_response(),
        },
        Err(error) => {
            let draft = Draft { kind: draft_kind, text, error: error.rule };
            let lang = locale::from_code(&posted.one("ui_lang"));
            render(&state, parts, lang, StatusCode::UNPROCESSABLE_ENTITY, move || provide_context(PostedDraft(draft.clone()))).await
        }
    }
}

pub(super) fn clear_session(state: &AppState, mut response: Response) -> Response {
    response.headers_mut().append(header::SET_COOKIE, follow_up::session_cookie(state, "", 0));
    response
}

pub(super) async fn logout_post(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, follow_up::cookie_name(&state)) {
        if let Err(e) = follow_up::end_session(&state.db, &state.keyring, token).await {
            return AppError::internal(e).into_response();
        }
    }
    clear_session(&state, see_other("/follow-up?ended=1"))
}

pub(super) async fn delete_post(State(state): State<AppState>, request: Request) -> Response {
    let (_, posted, case_id) = match read_session_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if posted.one("confirm") != "yes" {
        return see_other("/follow-up/case");
    }
    match follow_up::delete_request(&state.db, &state.keyring, &case_id).await {
        Ok(()) => clear_session(&state, see_other("/follow-up/deleted")),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// "Tell me by e-mail when there is a new message": on or off, for the session's case.
pub(super) async fn notify_post(State(state): State<AppState>, request: Request) -> Response {
    let (_, posted, case_id) = match read_session_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let on = posted.one("notify") == "on";
    match crate::server::notify::requester_choose(&state.db, &state.keyring, &case_id, on).await {
        Ok(()) | Err(crate::server::change::ChangeError::Invalid(..)) | Err(crate::server::change::ChangeError::NotFound) => {
            see_other("/follow-up/case#notify-choice")
        }
        Err(crate::server::change::ChangeError::Db(e)) => AppError::internal(e).into_response(),
    }
}

/// "Send documents": files taken only inside a live session, for its case.
pub(super) async fn documents_post(State(state): State<AppState>, request: Request) -> Response {
    let case_id = match session_case(&state, request.headers()).await {
        Ok(case_id) => case_id,
        Err(response) => return response,
    };
    let held = async { crate::server::db::documents::bytes_of_case(&mut *state.db.acquire().await?, case_id.as_str()).await };
    let case_bytes = match held.await {
        Ok(bytes) => u64::try_from(bytes).unwrap_or(0),
        Err(e) => return AppError::internal(e).into_response(),
    };
    let may_upload = async |posted: &Posted| {
        let token = posted.one("upload");
        (!token.is_empty()).then_some(Destination { token, origin: Origin::Requester, person_id: None, case_bytes })
    };
    let uploaded = match read_upload(&state, request, may_upload).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let token = uploaded.posted.one("upload");
    let mut errors = uploaded.file_errors();
    let keep = uploaded.keep();
    if errors.is_empty() && keep.is_empty() {
        errors.push(FieldError { field: Field::Documents, rule: Rule::Required });
    }
    if !errors.is_empty() {
        let lang = locale::from_code(&uploaded.posted.one("ui_lang"));
        let posted = PostedDocuments { token, errors };
        // The answer is the case page, with the form's error and the files it kept.
        let mut parts = uploaded.parts;
        parts.uri = axum::http::Uri::from_static("/follow-up/case");
        return render(&state, parts, lang, StatusCode::UNPROCESSABLE_ENTITY, move || provide_context(posted.clone())).await;
    }
    match documents::attach::add_to_case(&state.db, &state.keyring, &case_id, &token, &keep, "requester").await {
        Ok(attached) => {
            let removed = documents::removed_union(attached.iter().map(|d| &d.meta));
            see_other(&format!("/follow-up/case?documents={}&removed={}#case-documents", attached.len(), removed.join(",")))
        }
        Err(crate::server::cases::ReadError::Gone) => see_other("/follow-up?ended=1"),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// A document of the session's case, downloaded.
pub(super) async fn document_get(State(state): State<AppState>, Path(document_id): Path<String>, headers: HeaderMap) -> Response {
    let case_id = match session_case(&state, &headers).await {
        Ok(case_id) => case_id,
        Err(response) => return response,
    };
    super::documents::send(&state, &case_id, &document_id, "requester", super::documents::Disposition::Attachment).await
}
