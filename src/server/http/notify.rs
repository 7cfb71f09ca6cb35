//! The notifications page's posts: saving one's address and choices, a test e-mail, and
//! removing the address. A refused save renders the page again with what was typed.

use super::forms::{form_state, internal, refuse, see_other, signed_in};
use crate::domain::{NotifyAction, NotifyKind};
use crate::{
    api::AppError,
    server::{change::ChangeError, notify, AppState},
};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// Posts to the notifications page; the field `action` names the change.
pub(super) async fn notify_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(action) = NotifyAction::parse(&posted.one("action")) else {
        return AppError::NotFound.into_response();
    };
    let (db, keyring) = (&state.db, &state.keyring);
    let result = match action {
        NotifyAction::Save => {
            let (email, language) = (posted.one("email"), posted.one("email_language"));
            let typed: Vec<(NotifyKind, String)> = notify::kinds_for(staff.role).into_iter().map(|k| (k, posted.one(k.mode_field()))).collect();
            let choices = notify::Choices { email: &email, language: &language, modes: typed.iter().map(|(k, m)| (*k, m.as_str())).collect() };
            notify::save(db, keyring, &staff, &choices).await
        }
        NotifyAction::Test => notify::test(db, &staff).await,
        NotifyAction::Remove => notify::remove(db, keyring, &staff).await,
    };
    match result {
        Ok(()) => see_other(&format!("/desk/notifications?saved={action}")),
        Err(ChangeError::Invalid(field, code)) => {
            let form = form_state(NotifyAction::Save.as_str(), posted.0.clone(), vec![(field.to_owned(), code)], None);
            refuse(&state, parts, "/desk/notifications", StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(ChangeError::NotFound) => AppError::NotFound.into_response(),
        Err(ChangeError::Db(e)) => internal(e),
    }
}
