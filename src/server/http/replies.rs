//! The canned replies page's posts: adding, changing and removing a canned reply, and the
//! automatic acknowledgement. Each renders the page again with what was typed when refused.

use super::forms::{form_state, internal, refuse, see_other, signed_in};
use crate::domain::intake::{acknowledgement_field, LANGUAGES};
use crate::domain::RepliesAction;
use crate::{
    api::AppError,
    server::{change::ChangeError, replies, AppState},
};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// Posts to the canned replies page; the field `action` names the change and `embassy` the
/// embassy whose texts it changes (leads: their own).
pub(super) async fn replies_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(action) = RepliesAction::parse(&posted.one("action")) else {
        return AppError::NotFound.into_response();
    };
    let (db, keyring) = (&state.db, &state.keyring);
    let embassy = posted.one("embassy");
    let embassy = Some(embassy.as_str()).filter(|e| !e.is_empty());
    let (language, title, body, canned) = (posted.one("language"), posted.one("title"), posted.one("body"), posted.one("canned"));
    let result = match action {
        RepliesAction::Add => replies::add(db, keyring, &staff, embassy, &language, &title, &body).await.map(|_| ()),
        RepliesAction::Change => replies::change(db, keyring, &staff, &canned, &language, &title, &body).await,
        RepliesAction::Remove => replies::remove(db, keyring, &staff, &canned).await,
        RepliesAction::Acknowledgement => {
            let texts: Vec<(String, String)> =
                LANGUAGES.iter().filter_map(|l| acknowledgement_field(l).map(|field| ((*l).to_owned(), posted.one(field)))).collect();
            replies::set_acknowledgement(db, keyring, &staff, embassy, posted.one("acknowledge") == "on", &texts).await
        }
    };
    let page = match embassy {
        Some(embassy) => format!("/desk/replies?embassy={}", crate::domain::percent_encode(embassy)),
        None => "/desk/replies".to_owned(),
    };
    match result {
        Ok(()) => see_other(&format!("{page}{}saved={action}", if embassy.is_some() { "&" } else { "?" })),
        Err(ChangeError::Invalid(field, code)) => {
            let form = form_state(action.as_str(), posted.0.clone(), vec![(field.to_owned(), code)], None);
            refuse(&state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(ChangeError::NotFound) => AppError::NotFound.into_response(),
        Err(ChangeError::Db(e)) => internal(e),
    }
}
