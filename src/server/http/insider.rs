//! The team page's insider threshold: how many distinct cases a person of an embassy may
//! open in an hour before the dashboard flags them. Its lead or an admin sets it.

use super::forms::{form_state, internal, refuse, see_other, Posted};
use crate::domain::{parse_insider_threshold, AuditAction, TeamAction};
use crate::{
    api::AppError,
    server::{
        audit::{self, AuditEvent, Outcome},
        db::DbError,
        staff::Staff,
        AppState,
    },
};
use axum::{
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
};

/// Sets the embassy's threshold (a whole number from 1 to 10 000), audited as the embassy's
/// settings; another embassy than a lead's own is `NotFound`.
pub(super) async fn insider_threshold(state: &AppState, parts: Parts, posted: Posted, staff: Staff) -> Response {
    let embassy = posted.one("embassy");
    if !staff.manages_embassy(&embassy) {
        return AppError::NotFound.into_response();
    }
    let threshold = match parse_insider_threshold(&posted.one("threshold")) {
        Ok(n) => n,
        Err(code) => {
            let form = form_state(TeamAction::Insider.as_str(), posted.0.clone(), vec![("threshold".to_owned(), code)], None);
            return refuse(state, parts, "/desk/team", StatusCode::UNPROCESSABLE_ENTITY, form).await;
        }
    };
    let result = async {
        let mut tx = state.db.begin().await?;
        let changed =
            sqlx::query("UPDATE embassies SET insider_threshold = $2 WHERE id = $1").bind(&embassy).bind(threshold).execute(&mut *tx).await?.rows_affected();
        let outcome = if changed == 1 { Outcome::Ok } else { Outcome::NotFound };
        audit::append(&mut tx, &state.keyring, &AuditEvent::new(&staff.actor(), AuditAction::EmbassySettings, Some(&embassy), outcome)).await?;
        tx.commit().await?;
        Ok::<_, DbError>(changed)
    }
    .await;
    match result {
        Ok(1) => see_other("/desk/team?saved=insider"),
        Ok(_) => AppError::NotFound.into_response(),
        Err(e) => internal(e),
    }
}
