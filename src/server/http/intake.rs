//! The intake form's post: a valid form becomes a case and its receipt is shown once; a
//! refused one comes back with everything typed and each error next to its field.

use super::forms::{read_form, render, Posted};
use crate::{
    api::{
        intake::{IntakeNotice, IntakeView, PostedIntake, ReceiptDto},
        AppError,
    },
    domain::intake::IntakeForm,
    locale::{self},
    server::{
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
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form = intake_form(&posted);
    let token = posted.one("form_token");

    // A language switch re-renders the form in the new language with everything kept.
    if let Some(lang) = locale::from_code(&posted.one("switch_lang")) {
        let view = IntakeView { form, token, ..IntakeView::default() };
        return render(&state, parts, Some(lang), StatusCode::OK, move || provide_context(PostedIntake(view.clone()))).await;
    }
    let lang = locale::from_code(&posted.one("ui_lang"));
    let outcome = match intake::submit(&state.db, &state.keyring, &state.intake_store, &form, &token).await {
        Ok(outcome) => outcome,
        Err(e) => return AppError::internal(e).into_response(),
    };
    let fresh_token = || intake::form_token::issue(&state.keyring, crate::server::db::now());
    let (view, status) = match outcome {
        Submission::Opened { reference, code } => (
            IntakeView { receipt: Some(ReceiptDto { reference: reference.to_string(), code: code.to_string() }), ..IntakeView::default() },
            StatusCode::CREATED,
        ),
        Submission::Invalid(errors) => {
            (IntakeView { form, errors, token, notice: Some(IntakeNotice::FixErrors), receipt: None }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Submission::StaleForm => {
            (IntakeView { form, token: fresh_token(), notice: Some(IntakeNotice::StaleForm), ..IntakeView::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Submission::Busy => (IntakeView { form, token, notice: Some(IntakeNotice::Busy), ..IntakeView::default() }, StatusCode::TOO_MANY_REQUESTS),
        Submission::AlreadySent => {
            (IntakeView { notice: Some(IntakeNotice::AlreadySent), token: fresh_token(), ..IntakeView::default() }, StatusCode::CONFLICT)
        }
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
