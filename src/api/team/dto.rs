//! What the team page receives: the people with their state, the person being changed,
//! the embassies, and an invitation or reset link just made.

use crate::api::desk::QueueOption;
use crate::api::{form::FormState, staff::MeDto};
use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// A person on the team page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDto {
    pub id: String,
    pub login: String,
    pub role: Role,
    pub embassy: Option<String>,
    pub queues: Vec<String>,
    pub totp: bool,
    pub active: bool,
    pub last_login_at: Option<i64>,
    /// The caller may change their role or queues.
    pub changeable: bool,
}

/// The person whose role and queues are being changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonEditDto {
    pub id: String,
    pub login: String,
    pub role: Role,
    /// Roles the caller may give them.
    pub roles: Vec<Role>,
    /// The embassies an admin given another role may join (id, name); empty for people
    /// who have one.
    pub embassies: Vec<(String, String)>,
    /// The queues they may work, with the id of the embassy of each: of their embassy, or
    /// (for an admin) of every embassy.
    pub queues: Vec<(String, QueueOption)>,
    /// The ids of the queues they work now.
    pub member_of: Vec<String>,
    /// The caller may issue a reset link for them.
    pub resettable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbassyOption {
    pub id: String,
    pub code: String,
    pub name: String,
    pub sla_hours: [i64; 4],
    /// Open cases per person above which the dashboard flags overload.
    pub overload_threshold: i64,
    /// Days a closed case is kept before it is purged; `None`: the server's default.
    pub retention_days: Option<i64>,
    /// Distinct cases a person may open in an hour before the dashboard flags them.
    pub insider_threshold: i64,
    /// The embassy's time zone (IANA name): its business hours and holidays are in it.
    pub time_zone: String,
    /// Its service levels of normal and low priority count business hours.
    pub business: bool,
    /// Opening hours per day, Monday first, as the form shows them (`09:00-17:00`; blank:
    /// closed).
    pub hours: Vec<String>,
    /// Holidays, one per line: `YYYY-MM-DD` and a name.
    pub holidays: String,
}

/// The team page (leads: their embassy; admins: everyone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamPageDto {
    pub me: MeDto,
    pub people: Vec<PersonDto>,
    /// Roles the caller may invite.
    pub roles: Vec<Role>,
    pub embassies: Vec<EmbassyOption>,
    /// Days a closed case is kept where an embassy sets none (`EMBASSY_DESK_RETENTION_DAYS`).
    pub default_retention_days: i64,
    pub queues: Vec<(String, QueueOption)>,
    /// The invitation link just created, shown once.
    pub new_link: Option<String>,
    /// The reset link just issued, shown once.
    pub new_reset: Option<NewResetLink>,
    /// The person chosen for a change of role or queues (`?person=…`).
    pub editing: Option<PersonEditDto>,
    pub form: Option<FormState>,
}

/// Set by the invitation handler: the link just created (shown once, never stored).
#[derive(Clone, Debug)]
pub struct NewInvitationLink(pub String);

/// Set by the reset handler: the reset link just issued and whose account it opens (shown
/// once, never stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewResetLink {
    pub login: String,
    pub link: String,
}
