//! What the audit pages receive and send: data made for the client, nothing internal.

use crate::api::{form::FormState, staff::MeDto};
use serde::{Deserialize, Serialize};

/// The actions the log records, offered by the action filter.
pub use crate::domain::AuditAction;

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
