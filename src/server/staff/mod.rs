//! People who work the desk: who a signed-in person is and what they may reach. Sessions,
//! sign-in with a second factor (every role gives one), invitations, password changes and
//! resets, passwords and their rules live in the modules below; every sign-in attempt,
//! enrolment, invitation, change and reset is audited in the transaction that records it.

pub mod invitations;
pub mod load;
mod one_time;
pub mod passkeys;
pub mod password_change;
pub mod password_policy;
pub mod passwords;
pub mod request;
pub mod resets;
pub mod session;
pub mod sign_in;
pub mod totp;

pub use invitations::{accept, invitation, invite, operator_invitation, setup_invitation, AcceptError, Invitation, InviteError};
pub use session::{end, end_all, resume, resume_on, session_sql};
pub use sign_in::{enrolment_secret, second_factor, sign_in, SignIn};

use crate::domain::Role;
use crate::server::{config::Backend, db::throttle::Limit};

/// A desk session ends after this long without a request…
pub const IDLE_SECS: i64 = 30 * 60;
/// …and this long after sign-in, whatever happens.
pub const ABSOLUTE_SECS: i64 = 12 * 3600;
/// A session that has given its password but not yet its second factor lasts this long.
pub const HALF_SIGNED_SECS: i64 = 10 * 60;
/// Invitation links expire after this long.
pub const INVITATION_SECS: i64 = 72 * 3600;
/// Password reset links expire after this long.
pub const RESET_SECS: i64 = 24 * 3600;
/// Sign-in attempts per account (password and code steps each).
pub const PER_ACCOUNT: Limit = Limit { max: 5, window_secs: 15 * 60 };

/// Login names: 3–64 characters of a–z, 0–9, '.', '_' or '-' (a pseudonym is fine).
pub fn valid_login(login: &str) -> bool {
    (3..=64).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A signed-in person and what they may reach.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: String,
    pub login: String,
    pub role: Role,
    pub embassy_id: Option<String>,
    /// The name of their embassy (English; Belarusian and Russian beside it).
    pub embassy_name: Option<String>,
    pub embassy_name_be: Option<String>,
    pub embassy_name_ru: Option<String>,
    /// The time zone of their embassy (IANA name), the one their pages show times in.
    pub embassy_zone: Option<String>,
    /// Queues the person belongs to (what a volunteer sees).
    pub queue_ids: Vec<String>,
    /// A confirmed second factor (every role needs one: until it is enrolled, sign-in
    /// stops at the enrolment step).
    pub has_totp: bool,
    /// At least one passkey (a second factor too).
    pub has_passkey: bool,
}

impl Staff {
    /// How the audit log names this person.
    pub fn actor(&self) -> String {
        actor_of(&self.id)
    }
    /// Whether the person may change the settings of embassy `embassy_id`: an admin any, a
    /// lead their own.
    pub fn manages_embassy(&self, embassy_id: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Lead => self.embassy_id.as_deref() == Some(embassy_id),
            Role::Volunteer => false,
        }
    }
    pub fn is_lead_or_admin(&self) -> bool {
        matches!(self.role, Role::Lead | Role::Admin)
    }
}

/// How the audit log names the person with `person_id`.
pub fn actor_of(person_id: &str) -> String {
    format!("person:{person_id}")
}

/// How far a session has signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Password given; the second factor (or its enrolment) is still due.
    Password,
    Full,
}

impl Stage {
    const fn as_str(self) -> &'static str {
        match self {
            Stage::Password => "password",
            Stage::Full => "full",
        }
    }
}

/// A live desk session.
#[derive(Clone, Debug)]
pub struct Session {
    pub staff: Staff,
    pub stage: Stage,
}

/// The columns of a person as a [`StaffRow`], from `people p LEFT JOIN embassies e`, with
/// their memberships folded into one column.
fn staff_columns(backend: Backend) -> String {
    let memberships = match backend {
        Backend::Sqlite => "group_concat(m.queue_id, ',')",
        Backend::Postgres => "string_agg(m.queue_id, ',')",
    };
    format!(
        "p.id, p.login, p.role, p.embassy_id, \
         CASE WHEN p.totp_secret IS NOT NULL AND p.totp_last_step IS NOT NULL THEN 1 ELSE 0 END AS has_totp, \
         CASE WHEN EXISTS (SELECT 1 FROM passkeys k WHERE k.person_id = p.id) THEN 1 ELSE 0 END AS has_passkey, \
         e.name AS embassy_name, e.name_be AS embassy_name_be, e.name_ru AS embassy_name_ru, e.time_zone AS embassy_zone, \
         (SELECT {memberships} FROM queue_members m WHERE m.person_id = p.id) AS queue_ids"
    )
}

/// A person as [`staff_columns`] reads them.
#[derive(sqlx::FromRow)]
struct StaffRow {
    id: String,
    login: String,
    role: String,
    embassy_id: Option<String>,
    has_totp: i64,
    has_passkey: i64,
    embassy_name: Option<String>,
    embassy_name_be: Option<String>,
    embassy_name_ru: Option<String>,
    embassy_zone: Option<String>,
    queue_ids: Option<String>,
}

impl From<StaffRow> for Staff {
    fn from(row: StaffRow) -> Self {
        let role = Role::parse(&row.role).unwrap_or(Role::Volunteer);
        let mut queue_ids: Vec<String> = row.queue_ids.iter().flat_map(|m| m.split(',')).filter(|q| !q.is_empty()).map(str::to_owned).collect();
        queue_ids.sort();
        Staff {
            id: row.id,
            login: row.login,
            role,
            embassy_id: row.embassy_id,
            embassy_name: row.embassy_name,
            embassy_name_be: row.embassy_name_be,
            embassy_name_ru: row.embassy_name_ru,
            embassy_zone: row.embassy_zone,
            queue_ids,
            has_totp: row.has_totp != 0,
            has_passkey: row.has_passkey != 0,
        }
    }
}
