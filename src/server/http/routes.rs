//! The form posts and files the app serves besides its Leptos pages, as tables so that the
//! authorisation tests can enumerate them.

use super::{account, desk, documents, embassies, follow_up, intake, notify, passkeys, replies, staff, team};
use crate::server::AppState;
use axum::{
    routing::{get, post, MethodRouter},
    Router,
};

/// The POST routes of the requester pages (their GET pages are Leptos routes).
pub fn requester() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", post(intake::intake_post)),
        ("/follow-up", post(follow_up::login_post)),
        ("/follow-up/case", post(follow_up::message_post)),
        ("/follow-up/logout", post(follow_up::logout_post)),
        ("/follow-up/delete", post(follow_up::delete_post)),
        ("/follow-up/documents", post(follow_up::documents_post)),
        ("/follow-up/notify", post(follow_up::notify_post)),
    ]
}

/// The POST routes of the desk (its GET pages are Leptos routes).
pub fn desk() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/desk/login", post(staff::login_post)),
        ("/desk/second-factor", post(staff::second_factor_post)),
        ("/desk/second-factor/passkey", post(passkeys::second_factor_passkey_post)),
        ("/desk/logout", post(staff::logout_post)),
        ("/desk/logout-everywhere", post(staff::logout_everywhere_post)),
        ("/desk/join/{token}", post(staff::join_post)),
        ("/desk/reset/{token}", post(account::reset_post)),
        ("/desk/password", post(account::password_post)),
        ("/desk", post(desk::queue_post)),
        ("/desk/find", post(desk::find_post)),
        ("/desk/cases/{id}", post(desk::case_post)),
        ("/desk/cases/{id}/canned", post(desk::canned_post)),
        ("/desk/team", post(team::team_post)),
        ("/desk/audit", post(desk::audit_post)),
        ("/desk/security", post(passkeys::security_post)),
        ("/desk/replies", post(replies::replies_post)),
        ("/desk/embassies", post(embassies::embassies_post)),
        ("/desk/notifications", post(notify::notify_post)),
    ]
}

/// Files the desk serves besides its pages (GET).
pub fn downloads() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/desk/dashboard.csv", get(desk::dashboard_csv_get)),
        ("/desk/cases/{id}/documents/{document}", get(documents::desk_download_get)),
        ("/desk/cases/{id}/documents/{document}/preview", get(documents::desk_preview_get)),
    ]
}

/// Files a requester downloads inside their session (GET).
pub fn requester_downloads() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/follow-up/documents/{document}", get(follow_up::document_get))]
}

/// Every route of the tables above.
pub fn router() -> Router<AppState> {
    requester()
        .into_iter()
        .chain(desk())
        .chain(downloads())
        .chain(requester_downloads())
        .fold(Router::new(), |router, (path, handler)| router.route(path, handler))
}
