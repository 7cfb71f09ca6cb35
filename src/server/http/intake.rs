//! The intake form's post: a valid form becomes a case and its receipt is shown once; a
//! refused one comes back with everything typed and each error next to its field.

use super::{
    forms::{render, Posted},
    uploads::{read_upload, Uploaded},
};
use crate::{
    api::{
        documents::RemovedDto,
        intake::{IntakeNotice, IntakeView, PostedIntake, ReceiptDto},
        AppError,
    },
    domain::intake::IntakeForm,
    locale::{self},
    server::{
        documents::{self, stage::Destination, Origin},
        intake::{self, Submission},
        AppState,
    },
};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;

pub(super) async fn intake_post(State(state): State<AppState>, request: Request) -> Response {
    // Files are taken only for a form whose token is good and unspent.
    let may_upload = async |posted: &Posted| {
        let token = posted.one("form_token");
        let good = intake::form_token::check(&state.keyring, &token, crate::server::db::now()).ok()?;
        if intake::form_token::is_spent(&state.db, &good).await.unwrap_or(true) {
            return None;
        }
        Some(Destination { token, origin: Origin::Requester, person_id: None, case_bytes: 0 })
    };
    let uploaded = match read_upload(&state, request, may_upload).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (refused, keep) = (uploaded.file_errors(), uploaded.keep());
    let Uploaded { parts, posted, .. } = uploaded;
    let form = intake_form(&posted);
    let token = posted.one("form_token");
    // A language switch re-renders the form in the new language with everything kept.
    if let Some(lang) = locale::from_code(&posted.one("switch_lang")) {
        let upload = match documents::load::upload(&state, &token).await {
            Ok(upload) => upload,
            Err(e) => return e.into_response(),
        };
        let view = IntakeView { form, token, upload, errors: refused, ..IntakeView::default() };
        return render(&state, parts, Some(lang), StatusCode::OK, move || provide_context(PostedIntake(view.clone()))).await;
    }
    let lang = locale::from_code(&posted.one("ui_lang"));
    let files = intake::Files { refused: &refused, keep: &keep };
    let outcome = match intake::submit(&state.db, &state.keyring, &state.intake_store, &form, &token, &files).await {
        Ok(outcome) => outcome,
        Err(e) => return AppError::internal(e).into_response(),
    };
    let fresh_token = || intake::form_token::issue(&state.keyring, crate::server::db::now());
    // A form that comes back lists the files already received with it.
    let kept_under = if matches!(outcome, Submission::Invalid(_) | Submission::Busy) { token.as_str() } else { "" };
    let upload = match documents::load::upload(&state, kept_under).await {
        Ok(upload) => upload,
        Err(e) => return e.into_response(),
    };
    let (view, status) = match outcome {
        Submission::Opened { reference, code, documents: sent } => {
            let documents = RemovedDto { documents: sent.len(), removed: documents::removed_union(&sent) };
            (
                IntakeView { receipt: Some(ReceiptDto { reference: reference.to_string(), code: code.to_string(), documents }), ..IntakeView::default() },
                StatusCode::CREATED,
            )
        }
        Submission::Invalid(errors) => {
            (IntakeView { form, errors, token, notice: Some(IntakeNotice::FixErrors), upload, ..IntakeView::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Submission::StaleForm => (
            IntakeView { form, token: fresh_token(), notice: Some(IntakeNotice::StaleForm), upload, ..IntakeView::default() },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Submission::Busy => (IntakeView { form, token, notice: Some(IntakeNotice::Busy), upload, ..IntakeView::default() }, StatusCode::TOO_MANY_REQUESTS),
        Submission::AlreadySent => (IntakeView { notice: Some(IntakeNotice::AlreadySent), ..IntakeView::default() }, StatusCode::CONFLICT),
    };
    render(&state, parts, lang, status, move || provide_context(PostedIntake(view.clone()))).await
}

/// The intake form as posted.
pub(super) fn intake_form(posted: &Posted) -> IntakeForm {
    IntakeForm {
        categories: posted.all("categories"),
        country: posted.one("country"),
        other_country: posted.one("other_country"),
        city: posted.one("city"),
        legal_status: posted.one("legal_status"),
        permit_expiry: posted.one("permit_expiry"),
        legal_deadline: posted.one("legal_deadline"),
        document_kind: posted.one("document_kind"),
        document_expiry: posted.one("document_expiry"),
        document_number: posted.one("document_number"),
        household_size: posted.one("household_size"),
        children: posted.one("children_count"),
        housing_until: posted.one("housing_until"),
        work_permit: posted.one("work_permit"),
        work_field: posted.one("work_field"),
        medical_kind: posted.one("medical_kind"),
        urgency: posted.all("urgency"),
        description: posted.one("description"),
        name: posted.one("name"),
        language: posted.one("language"),
        contact_channel: posted.one("contact_channel"),
        contact_handle: posted.one("contact_handle"),
        consent: !posted.one("consent").is_empty(),
    }
}
