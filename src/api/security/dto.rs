//! What the security page receives: the person's passkeys and second factors.

use crate::api::{form::FormState, staff::MeDto};
use serde::{Deserialize, Serialize};

/// A person's own second factors, and the options to add a passkey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPageDto {
    pub me: MeDto,
    /// A confirmed authenticator app.
    pub has_totp: bool,
    pub passkeys: Vec<PasskeyDto>,
    /// `navigator.credentials.create` options for a new passkey; `None` where the desk's
    /// address allows no passkeys (an IP address).
    pub register_options: Option<String>,
    pub form: Option<FormState>,
}

/// One passkey, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyDto {
    pub id: String,
    pub name: String,
    /// UTC seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}
