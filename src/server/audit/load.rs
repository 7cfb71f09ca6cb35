//! The audit viewer's page loader: the caller's session and scope, the query checked (a bad
//! date or cursor is reported next to its field), the rows and the chain's state as DTOs.
//! Reading the log is audited (`audit.view`).

use crate::domain::AuditAction;
use crate::domain::RuleCode;
use crate::server::{
    audit::view::AuditFilter,
    audit::{self, AuditEvent, Outcome},
    staff::load::me_with_embassy,
    staff::request::current_staff,
    AppState,
};
use crate::{
    api::{audit::*, form::FormState, AppError},
    domain::Date,
};

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// The filter of `query`, and the `(field, rule)` errors of the parts left out.
pub fn filter_of(query: &AuditQuery) -> (AuditFilter, Vec<(String, RuleCode)>) {
    let mut errors = Vec::new();
    let mut date = |field: &str, value: &Option<String>| {
        let value = text(value)?;
        let parsed = Date::parse(&value);
        if parsed.is_none() {
            errors.push((field.to_owned(), RuleCode::InvalidDate));
        }
        parsed
    };
    let from = date("from", &query.from);
    let to = date("to", &query.to);
    let action = text(&query.action);
    if action.as_deref().is_some_and(|a| AuditAction::parse(a).is_none()) {
        errors.push(("action".to_owned(), RuleCode::InvalidChoice));
    }
    let before = text(&query.before).and_then(|b| b.parse::<i64>().ok());
    let filter = AuditFilter {
        login: text(&query.login),
        action: action.and_then(|a| AuditAction::parse(&a)),
        reference: text(&query.reference).map(|r| r.to_uppercase()),
        from,
        to,
        before,
    };
    (filter, errors)
}

pub async fn audit_page(state: &AppState, query: AuditQuery) -> Result<AuditPageDto, AppError> {
    let staff = current_staff(state).await?;
    let (filter, errors) = filter_of(&query);
    let (rows, next) = audit::view::list(&state.db, &staff, &filter).await?;
    audit::record(
        &state.db,
        &mut *state.db.acquire().await?,
        &state.keyring,
        &AuditEvent::new(&staff.actor(), AuditAction::AuditView, staff.embassy_id.as_deref(), Outcome::Ok),
    )
    .await?;
    let (check, running) = state.chain.status(&state.db, &state.keyring);
    let chain = ChainDto {
        checked_at: check.as_ref().map(|c| c.checked_at),
        intact_rows: check.as_ref().and_then(|c| c.result.as_ref().ok().copied()),
        broken_at: check.and_then(|c| c.result.err()).map(|e| audit::view::first_bad_row(&e)),
        running,
    };
    let form = (!errors.is_empty()).then(|| FormState {
        form: "audit".to_owned(),
        values: [("from", &query.from), ("to", &query.to), ("action", &query.action)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.clone().unwrap_or_default()))
            .collect(),
        errors,
        notice: None,
    });
    Ok(AuditPageDto {
        me: me_with_embassy(&staff),
        query,
        form,
        rows: rows.into_iter().map(|r| AuditRowDto { seq: r.seq, at: r.at, actor: r.actor, action: r.action, object: r.object, outcome: r.outcome }).collect(),
        next: next.map(|n| n.to_string()),
        chain,
    })
}
