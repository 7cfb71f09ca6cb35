//! The audit viewer: leads read their embassy's part of the log, admins all of it, newest
//! first, filtered by person, action, case reference and dates; and whether the chain
//! currently verifies. Rows carry ids, logins, references and action names only.

use super::{
    desk::{FormState, MeDto},
    AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The actions the log records, offered by the action filter.
pub const ACTIONS: [&str; 40] = [
    "case.open",
    "case.view",
    "case.list",
    "case.thread.view",
    "case.note.add",
    "case.reply.volunteer",
    "case.reply.requester",
    "case.information.add",
    "case.status",
    "case.priority",
    "case.route",
    "case.assign",
    "case.unassign",
    "case.take",
    "case.take_next",
    "case.hand_back",
    "case.deadline.add",
    "case.deadline.done",
    "case.delete.requester",
    "case.shred",
    "case.seed",
    "receipt.verify",
    "login.password",
    "login.totp",
    "totp.enrol",
    "session.end_all",
    "invitation.create.volunteer",
    "invitation.create.lead",
    "invitation.create.admin",
    "invitation.accept",
    "person.create",
    "person.deactivate",
    "person.role",
    "person.queues",
    "embassy.create",
    "embassy.settings",
    "dashboard.export",
    "audit.check",
    "key.add",
    "audit.view",
];

/// What the viewer lists, as the address gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub login: Option<String>,
    pub action: Option<String>,
    pub reference: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Keyset cursor: rows before this sequence number.
    pub before: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRowDto {
    pub seq: i64,
    pub at: i64,
    /// A login, or `cli`, `requester`, `system`.
    pub actor: String,
    pub action: String,
    /// A case reference, a login or another id.
    pub object: Option<String>,
    pub outcome: String,
}

/// The last check of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainDto {
    pub checked_at: Option<i64>,
    /// Rows verified when intact.
    pub intact_rows: Option<i64>,
    /// The first row that does not verify (changed, removed, reordered or inserted), when broken.
    pub broken_at: Option<i64>,
    pub running: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageDto {
    pub me: MeDto,
    pub query: AuditQuery,
    /// A bad date, kept as typed with its error.
    pub form: Option<FormState>,
    pub rows: Vec<AuditRowDto>,
    /// The cursor of the next (older) page.
    pub next: Option<String>,
    pub chain: ChainDto,
}

/// Leads and admins; volunteers `NotFound`. Viewing the log is itself audited.
#[server(endpoint = "desk/audit-page")]
pub async fn load_audit_page(query: AuditQuery) -> Result<AuditPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::desk_api::answered(crate::server::audit_api::audit_page(&state, query).await)
}
