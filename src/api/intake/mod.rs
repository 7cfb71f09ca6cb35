//! The intake page's state: the form as typed, its errors, the one-time token, and — once,
//! right after a successful submission — the reference and secret code.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Public (a requester has no account). Returns the state of a post being answered, or a
/// blank form with a fresh token.
#[server(endpoint = "intake/view")]
pub async fn load_intake() -> Result<IntakeView, AppError> {
    let state = crate::server::AppState::from_context()?;
    let mut view = match use_context::<PostedIntake>() {
        Some(PostedIntake(view)) => view,
        None => {
            let token = crate::server::intake::form_token::issue(&state.keyring, crate::server::db::now());
            IntakeView { token, upload: crate::server::documents::load::empty_upload(&state.config.documents), ..IntakeView::default() }
        }
    };
    if view.receipt.is_none() {
        let conn = &mut *state.db.acquire().await?;
        view.countries = crate::server::db::embassies::routed_countries(conn).await?;
    }
    Ok(view)
}
