//! The volunteer desk: who is signed in, the queues and the case list, one case with its
//! timeline, and the team. Every function first establishes the caller's desk session and
//! scope; anything outside the caller's scope answers `NotFound`, exactly like an unknown id.
//!
//! Changes are plain HTML form posts (see `server::http::desk`), so the desk works with
//! JavaScript off; a refused post renders its page again with the input and the error,
//! which reaches the page through the `Posted*` contexts below.

use super::AppError;
use crate::domain::{Category, Priority, Role, Status};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person, as the desk's frame shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeDto {
    pub login: String,
    pub role: Role,
    /// Name of their embassy (admins: none).
    pub embassy: Option<String>,
}

/// A form the server refused: the values as typed and the rule each field broke.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    /// Which form on the page (e.g. "note", "reply", "status", "login").
    pub form: String,
    /// Values as typed, never secrets (passwords and codes are not given back).
    pub values: Vec<(String, String)>,
    /// `(field, rule code)` pairs.
    pub errors: Vec<(String, String)>,
    /// A notice for the whole form (e.g. "not_recognised", "too_many_attempts").
    pub notice: Option<String>,
}

impl FormState {
    pub fn value(&self, name: &str) -> String {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn error(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}

/// Set by a desk form handler when it renders its page again after a refused post.
#[derive(Clone, Debug)]
pub struct PostedForm(pub FormState);

#[cfg(feature = "ssr")]
fn posted_form() -> Option<FormState> {
    use_context::<PostedForm>().map(|p| p.0)
}

/// The sign-in pages (password step, code step, enrolment) as the server answers them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPageDto {
    pub form: Option<FormState>,
}

/// Public. The desk sign-in form, with the answer to a refused attempt.
#[server(endpoint = "desk/login-page")]
pub async fn load_desk_login() -> Result<LoginPageDto, AppError> {
    Ok(LoginPageDto { form: posted_form() })
}

/// The second-factor page: either a code for an enrolled factor, or enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorDto {
    /// `Some` while enrolling: the QR code (inline SVG rendered on the server) and the
    /// secret in base32 for typing in by hand. Shown only to the person enrolling.
    pub enrolment: Option<EnrolmentDto>,
    pub form: Option<FormState>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentDto {
    pub qr_svg: String,
    pub secret_base32: String,
}

/// A session at the password stage only. What the second step asks for.
#[server(endpoint = "desk/second-factor")]
pub async fn load_second_factor() -> Result<SecondFactorDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::desk_api::answered(crate::server::desk_api::second_factor_page(&state, posted_form()).await)
}

/// An invitation as its link shows it: what the invitee is invited as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDto {
    pub role: Role,
    pub embassy: Option<String>,
    /// UTC seconds.
    pub expires_at: i64,
    pub form: Option<FormState>,
}

/// Public, with the invitation's token. `NotFound` for unknown, used or expired links.
#[server(endpoint = "desk/invitation")]
pub async fn load_invitation(token: String) -> Result<InvitationDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::desk_api::answered(crate::server::desk_api::invitation_page(&state, &token, posted_form()).await)
}

/// A queue with its open-case counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueDto {
    pub id: String,
    pub embassy: String,
    pub name: String,
    pub category: Option<Category>,
    pub open: i64,
    pub unassigned: i64,
    /// Open cases by status, in `Status::ALL` order (open statuses only).
    pub by_status: Vec<(Status, i64)>,
}

/// Which cases the list shows. Every field is optional: the default is the open cases of
/// all the caller's queues, any assignee.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    /// One embassy's cases (admins; for anyone else only their own embassy is found).
    pub embassy: Option<String>,
    pub queue: Option<String>,
    /// A status; `None` means every open status.
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub assignee: Assignee,
    /// The cases of one person (their id), as leads and admins pick from `people`.
    pub person: Option<String>,
    pub overdue: bool,
    /// Keyset cursor: the last row of the previous page (opaque to the client).
    pub after: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignee {
    #[default]
    Anyone,
    Me,
    Unassigned,
}

impl Assignee {
    pub const fn as_str(self) -> &'static str {
        match self {
            Assignee::Anyone => "anyone",
            Assignee::Me => "me",
            Assignee::Unassigned => "unassigned",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Assignee::Anyone, Assignee::Me, Assignee::Unassigned].into_iter().find(|a| a.as_str() == s)
    }
}

/// One row of the case list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRowDto {
    pub id: String,
    pub reference: String,
    pub categories: Vec<Category>,
    pub priority: Priority,
    pub status: Status,
    /// UTC seconds.
    pub created_at: i64,
    /// Whole days since it was opened, by the server's clock (so both renders agree).
    pub age_days: i64,
    pub due_at: Option<i64>,
    pub overdue: bool,
    pub assignee: Option<String>,
    /// The name or pseudonym the requester chose (decrypted for this row; empty when the
    /// request was deleted).
    pub requester_name: String,
}

/// A deadline shown on the queue page (within the next 7 days) or on its case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineDto {
    pub id: String,
    pub case_id: String,
    pub reference: String,
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    pub done: bool,
}

/// The queue page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePageDto {
    pub me: MeDto,
    pub queues: Vec<QueueDto>,
    pub filter: CaseFilter,
    pub cases: Vec<CaseRowDto>,
    /// Cursor of the next page, when there is one.
    pub next: Option<String>,
    pub deadlines_soon: Vec<DeadlineDto>,
    /// "Take next" found nothing to take.
    pub nothing_to_take: bool,
    /// Admins: the embassies to choose from.
    pub embassies: Vec<crate::api::dashboard::ChoiceDto>,
    /// Leads and admins: the people whose cases the list can show.
    pub people: Vec<PersonOption>,
}

/// Desk session required. The queues in scope with counts, one page of cases (audited as
/// `case.list`, with each listed case's name decrypted), and deadlines within 7 days.
#[server(endpoint = "desk/queue-page")]
pub async fn load_queue_page(filter: CaseFilter) -> Result<QueuePageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::desk_api::answered(crate::server::desk_api::queue_page(&state, filter).await)
}

/// One entry of a case's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    /// Login of the person who acted (none for the requester or the system).
    pub by: Option<String>,
    pub kind: TimelineKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineKind {
    Opened,
    Status {
        from: Status,
        to: Status,
    },
    Priority {
        from: Priority,
        to: Priority,
    },
    Queue {
        from: String,
        to: String,
    },
    Categories {
        to: Vec<Category>,
    },
    Assigned {
        to: Option<String>,
    },
    Deadline {
        kind: String,
        due_on: String,
    },
    DeadlineDone {
        kind: String,
        due_on: String,
    },
    /// Internal note: never shown to the requester.
    Note {
        body: String,
    },
    /// A message to or from the requester.
    Message {
        from_requester: bool,
        information: bool,
        body: String,
    },
}

/// One intake answer, decrypted, with its key (translated by the page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerDto {
    pub key: String,
    pub value: String,
}

/// An access to the case, from the audit log (leads and admins only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessDto {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub outcome: String,
}

/// Someone a case may be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonOption {
    pub id: String,
    pub login: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueOption {
    pub id: String,
    pub name: String,
}

/// The case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePageDto {
    pub me: MeDto,
    pub id: String,
    pub reference: String,
    pub status: Status,
    pub priority: Priority,
    pub categories: Vec<Category>,
    pub queue_id: String,
    pub queue: String,
    pub language: String,
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub overdue: bool,
    pub first_response_at: Option<i64>,
    pub assignee: Option<PersonOption>,
    pub assigned_to_me: bool,
    /// Empty when the requester deleted the request.
    pub answers: Vec<AnswerDto>,
    pub deleted: bool,
    pub timeline: Vec<TimelineEntry>,
    pub deadlines: Vec<DeadlineDto>,
    /// Statuses the case may move to now.
    pub next_statuses: Vec<Status>,
    /// Leads and admins: people of the embassy a case may be assigned to.
    pub assignable: Vec<PersonOption>,
    pub queues: Vec<QueueOption>,
    pub can_assign: bool,
    pub can_take: bool,
    pub can_hand_back: bool,
    /// Leads and admins: who opened, changed or listed this case.
    pub access: Option<Vec<AccessDto>>,
    pub form: Option<FormState>,
}

/// Desk session and the case in scope required (else `NotFound`). Decrypts the case; the
/// decryption is audited (`case.view`) in the same transaction.
#[server(endpoint = "desk/case-page")]
pub async fn load_case_page(id: String) -> Result<CasePageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::desk_api::answered(crate::server::desk_api::case_page(&state, &id, posted_form()).await)
}

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
    /// The queues of their embassy.
    pub queues: Vec<QueueOption>,
    /// The ids of the queues they work now.
    pub member_of: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbassyOption {
    pub id: String,
    pub code: String,
    pub name: String,
    pub sla_hours: [i64; 4],
    pub volunteers_need_totp: bool,
    /// Open cases per person above which the dashboard flags overload.
    pub overload_threshold: i64,
}

/// The team page (leads: their embassy; admins: everyone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamPageDto {
    pub me: MeDto,
    pub people: Vec<PersonDto>,
    /// Roles the caller may invite.
    pub roles: Vec<Role>,
    pub embassies: Vec<EmbassyOption>,
    pub queues: Vec<(String, QueueOption)>,
    /// The invitation link just created, shown once.
    pub new_link: Option<String>,
    /// The person chosen for a change of role or queues (`?person=…`).
    pub editing: Option<PersonEditDto>,
    pub form: Option<FormState>,
}

/// Set by the invitation handler: the link just created (shown once, never stored).
#[derive(Clone, Debug)]
pub struct NewInvitationLink(pub String);

/// Leads and admins. Volunteers: `NotFound`. With `person`, that person's role and queues
/// ready to change (`NotFound` when they are not the caller's to change).
#[server(endpoint = "desk/team-page")]
pub async fn load_team_page(person: Option<String>) -> Result<TeamPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    let link = use_context::<NewInvitationLink>().map(|l| l.0);
    crate::server::desk_api::answered(crate::server::desk_api::team_page(&state, link, person, posted_form()).await)
}
