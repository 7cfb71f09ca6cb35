//! What the queue and case pages receive: data made for the client, nothing internal.

use crate::api::{form::FormState, staff::MeDto};
use crate::domain::{Category, DeadlineKind, Priority, Status};
use serde::{Deserialize, Serialize};

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
    /// Only cases opened within this many hours (one of `OPENED_WITHIN_HOURS`).
    pub opened_within: Option<i64>,
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
    pub kind: DeadlineKind,
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
    /// Leads and admins may mark listed cases as spam.
    pub can_mark_spam: bool,
    /// The spam form, refused: its notice and the cases that were chosen.
    pub spam_form: Option<FormState>,
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
        kind: DeadlineKind,
        due_on: String,
    },
    DeadlineDone {
        kind: DeadlineKind,
        due_on: String,
    },
    /// Linked with another case of the same person: its reference when the reader may open
    /// it, else `None`.
    Linked {
        reference: Option<String>,
        id: Option<String>,
    },
    /// Marked as spam and closed, from this status.
    Spam {
        from: Status,
    },
    /// Internal note: never shown to the requester.
    Note {
        body: String,
    },
    /// A message to or from the requester.
    Message {
        from_requester: bool,
        information: bool,
        /// The embassy's automatic acknowledgement (not a first response).
        automatic: bool,
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
    /// Cases in the reader's scope that share a contact or a document number with this one.
    pub duplicates: Vec<DuplicateDto>,
    /// Cases linked with this one, in the reader's scope.
    pub linked: Vec<LinkedDto>,
    /// The reader may link cases (leads and admins).
    pub may_link: bool,
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
    /// The case's documents, with their download and preview links.
    pub documents: Vec<crate::api::documents::DocumentDto>,
    /// The reply form's upload token (files are staged under it until the reply is sent).
    pub reply_upload_token: String,
    /// The reply form's file field: limits, and the files a refused reply already delivered.
    pub reply_upload: crate::api::documents::UploadDto,
    /// The canned replies of the case's embassy in the case's language, when the caller may
    /// reply.
    pub canned: Vec<crate::api::replies::CannedOption>,
}

/// A possible duplicate of a case: another request with the same contact or document number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateDto {
    pub id: String,
    pub reference: String,
    pub status: Status,
    pub created_at: i64,
    /// The contact handles match.
    pub contact: bool,
    /// The document numbers match.
    pub document: bool,
    /// Already linked with the case.
    pub linked: bool,
}

/// A case linked with another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedDto {
    pub id: String,
    pub reference: String,
}
