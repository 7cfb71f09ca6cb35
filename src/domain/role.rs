//! Roles of the people who work the desk.

use serde::{Deserialize, Serialize};

/// What a person may do. Leads and volunteers belong to one embassy; admins run the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Volunteer,
    Lead,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Role::Volunteer, Role::Lead, Role::Admin].into_iter().find(|r| r.as_str() == s)
    }
}
