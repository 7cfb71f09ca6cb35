//! The canned replies page's loader.

use super::{acknowledgement_of, embassy_kept_by, list};
use crate::api::{
    form::FormState,
    replies::{CannedDto, RepliesPageDto},
    AppError,
};
use crate::domain::Role;
use crate::server::{staff::load::me_with_embassy, staff::request::current_staff, AppState};

/// The embassy's canned replies and acknowledgement, for whoever keeps them (`NotFound` for
/// anyone else, and for an admin naming an unknown embassy).
pub async fn replies_page(state: &AppState, embassy: Option<String>, form: Option<FormState>) -> Result<RepliesPageDto, AppError> {
    let staff = current_staff(state).await?;
    let conn = &mut *state.db.acquire().await?;
    let embassy_id = embassy_kept_by(conn, &staff, embassy.as_deref()).await?.ok_or(AppError::NotFound)?;
    let embassies: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM embassies ORDER BY is_default, code").fetch_all(&mut *conn).await?;
    let embassy_name = embassies.iter().find(|(id, _)| *id == embassy_id).map(|(_, name)| name.clone()).unwrap_or_default();
    let replies = list(conn, &embassy_id)
        .await?
        .into_iter()
        .map(|c| CannedDto { id: c.id, language: c.language, title: c.title, body: c.body, updated_at: c.updated_at })
        .collect();
    let acknowledgement = acknowledgement_of(conn, &embassy_id).await?;
    Ok(RepliesPageDto {
        me: me_with_embassy(&staff),
        embassies: if staff.role == Role::Admin { embassies } else { Vec::new() },
        embassy_id,
        embassy_name,
        replies,
        acknowledge: acknowledgement.on,
        acknowledgements: acknowledgement.texts,
        form,
    })
}
