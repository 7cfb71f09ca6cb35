//! The requester's follow-up pages: the sign-in form (reference and code) and, inside a
//! session, the status and the message thread. Nothing the requester submitted at intake is
//! ever sent back.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Public. The state of a sign-in being answered, or an empty form.
#[server(endpoint = "follow-up/login-view")]
pub async fn load_login() -> Result<LoginView, AppError> {
    Ok(use_context::<PostedLogin>().map(|p| p.0).unwrap_or_default())
}

/// Requester session required: the session cookie names the one case it may read. Without
/// a live session: `Unauthorized`. Who opened the case is given as role and embassy only.
#[server(endpoint = "follow-up/thread")]
pub async fn load_thread() -> Result<ThreadView, AppError> {
    let state = crate::server::AppState::from_context()?;
    let case_id = crate::server::follow_up::session_case(&state).await?.ok_or(AppError::Unauthorized)?;
    let thread = match crate::server::follow_up::thread(&state.db, &state.keyring, &case_id, "requester").await {
        Ok(t) => t,
        Err(crate::server::cases::ReadError::Gone) => return Err(AppError::Unauthorized),
        Err(e) => return Err(AppError::internal(e)),
    };
    let messages = thread
        .messages
        .iter()
        .map(|m| MessageDto {
            from_embassy: m.author == crate::server::follow_up::Author::Volunteer,
            information: m.kind == crate::server::follow_up::MessageKind::Information,
            at: m.created_at,
            body: m.body.to_string(),
        })
        .collect();
    use crate::server::follow_up::openings::Desk;
    let openings = thread
        .openings
        .into_iter()
        .map(|o| OpeningDto {
            at: o.at,
            role: o.role,
            by: match o.desk {
                Desk::Embassy(country) => OpenedBy::Embassy(country),
                Desk::International => OpenedBy::InternationalDesk,
                Desk::Everywhere => OpenedBy::Administration,
            },
        })
        .collect();
    use crate::server::documents::load;
    let documents = thread.documents.iter().map(|d| load::listed_dto(d, "/follow-up/documents", false)).collect();
    // A form coming back lists the files it already delivered; a fresh one has a new token.
    let posted = use_context::<PostedDocuments>();
    let (upload_token, upload) = match &posted {
        Some(p) => (p.token.clone(), load::upload(&state, &p.token).await?),
        None => (crate::server::crypto::random_token(), load::empty_upload(&state.config.documents)),
    };
    // Times are in the zone of the embassy that has the case.
    let zone: Option<String> = sqlx::query_scalar("SELECT e.time_zone FROM cases c JOIN embassies e ON e.id = c.embassy_id WHERE c.id = $1")
        .bind(case_id.as_str())
        .fetch_optional(state.db.pool())
        .await
        .map_err(AppError::internal)?;
    let notify = if state.config.mail.smtp_url.is_some() {
        let conn = &mut *state.db.acquire().await.map_err(AppError::internal)?;
        let by_email = crate::server::notify::send::requester_address(conn, &state.keyring, &case_id).await.map_err(AppError::internal)?.is_some();
        match by_email {
            true => Some(crate::server::notify::requester_wants(conn, case_id.as_str()).await.map_err(AppError::internal)?),
            false => None,
        }
    } else {
        None
    };
    Ok(ThreadView {
        notify,
        zone: zone.unwrap_or_else(|| "UTC".into()),
        status: thread.status,
        opened_at: thread.created_at,
        messages,
        openings,
        draft: use_context::<PostedDraft>().map(|d| d.0),
        documents,
        upload_token,
        upload,
        document_errors: posted.map(|p| p.errors).unwrap_or_default(),
    })
}
