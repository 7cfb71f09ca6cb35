//! What the notifications page receives: a person's own e-mail notification choices.

use crate::api::{form::FormState, staff::MeDto};
use crate::domain::{NotifyKind, NotifyMode};
use serde::{Deserialize, Serialize};

/// A person's own notification settings. Their address is never sent back whole: the page
/// shows its first letter and domain, enough to recognise it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyPageDto {
    pub me: MeDto,
    /// Whether this desk has an SMTP server to send with.
    pub sends: bool,
    /// The stored address, masked (`a•••@example.org`); `None` without one.
    pub email_hint: Option<String>,
    /// The language their e-mails are written in (`be`, `ru`, `en`).
    pub language: String,
    /// A mode for each kind the person may choose, in the page's order.
    pub modes: Vec<(NotifyKind, NotifyMode)>,
    /// E-mails queued for them and not yet sent.
    pub waiting: i64,
    pub form: Option<FormState>,
}
