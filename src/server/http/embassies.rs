//! The embassies page's posts: opening an embassy, its names and zone, the countries routed
//! to it, and its queues. Each renders the page again with what was typed when refused.

use super::forms::{form_state, internal, refuse, see_other, signed_in};
use crate::domain::EmbassiesAction;
use crate::{
    api::AppError,
    server::{change::ChangeError, embassies, AppState},
};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// Posts to the embassies page; the field `action` names the change, `embassy` or `queue`
/// what it changes.
pub(super) async fn embassies_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(action) = EmbassiesAction::parse(&posted.one("action")) else {
        return AppError::NotFound.into_response();
    };
    let (db, keyring) = (&state.db, &state.keyring);
    let (embassy, queue) = (posted.one("embassy"), posted.one("queue"));
    let (be, ru, en, zone) = (posted.one("name_be"), posted.one("name_ru"), posted.one("name_en"), posted.one("zone"));
    let typed = embassies::Typed { be: &be, ru: &ru, en: &en, zone: &zone };
    let result = match action {
        EmbassiesAction::Create => embassies::create(db, keyring, &staff, &posted.one("country"), typed).await.map(|_| ()),
        EmbassiesAction::Change => embassies::change(db, keyring, &staff, &embassy, typed).await,
        EmbassiesAction::CountryAdd => embassies::route(db, keyring, &staff, &embassy, &posted.one("country")).await,
        EmbassiesAction::CountryRemove => embassies::unroute(db, keyring, &staff, &embassy, &posted.one("country")).await,
        EmbassiesAction::QueueAdd => embassies::add_queue(db, keyring, &staff, &embassy, &posted.one("name"), &posted.one("category")).await.map(|_| ()),
        EmbassiesAction::QueueRename => embassies::rename_queue(db, keyring, &staff, &queue, &posted.one("name")).await,
        EmbassiesAction::QueueRetire => embassies::retire_queue(db, keyring, &staff, &queue, &posted.one("into")).await.map(|_| ()),
    };
    match result {
        Ok(()) => see_other(&format!("/desk/embassies?saved={action}")),
        Err(ChangeError::Invalid(field, code)) => {
            let form = form_state(action.as_str(), posted.0.clone(), vec![(field.to_owned(), code)], None);
            refuse(&state, parts, "/desk/embassies", StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(ChangeError::NotFound) => AppError::NotFound.into_response(),
        Err(ChangeError::Db(e)) => internal(e),
    }
}
