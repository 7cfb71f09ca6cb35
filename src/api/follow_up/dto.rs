//! What the follow-up pages receive and send: data made for the client, nothing internal.

use crate::api::documents::{DocumentDto, UploadDto};
use crate::domain::{
    intake::{FieldError, Rule},
    Role, Status,
};
use serde::{Deserialize, Serialize};

/// Why signing in did not work. Unknown references and wrong codes are the same answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginProblem {
    /// The reference is not in the shape references have.
    ReferenceShape,
    /// The code is not 25 digits.
    CodeShape,
    /// Reference or code not recognised.
    NotRecognised,
    /// The session ended (idle, expired, or logged out).
    SessionEnded,
}

/// The sign-in form as typed (never the code) and what went wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginView {
    pub reference: String,
    pub problem: Option<LoginProblem>,
}

/// Set by the server's form handler when it answers a failed sign-in.
#[derive(Clone, Debug)]
pub struct PostedLogin(pub LoginView);

/// Which form on the case page a draft belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftKind {
    Reply,
    Information,
}

/// A message that was not accepted, given back with its error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub kind: DraftKind,
    pub text: String,
    pub error: Rule,
}

/// Set by the server's form handler when it answers a refused message.
#[derive(Clone, Debug)]
pub struct PostedDraft(pub Draft);

/// One message as the requester sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDto {
    /// Written by the embassy (else by the requester).
    pub from_embassy: bool,
    /// Information the requester added to their request (else a reply).
    pub information: bool,
    /// UTC seconds.
    pub at: i64,
    pub body: String,
}

/// Where the person who opened the case works: never who they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpenedBy {
    /// The People's Embassy in this host country (ISO code).
    Embassy(String),
    /// The international desk (countries without an embassy).
    InternationalDesk,
    /// An administrator of the whole desk, who belongs to no embassy.
    Administration,
}

/// One time the desk opened the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningDto {
    /// UTC seconds.
    pub at: i64,
    pub role: Role,
    pub by: OpenedBy,
}

/// The case page: status, conversation, and when the desk opened the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    /// The time zone of the embassy that has the case: the page shows times in it.
    pub zone: String,
    pub status: Status,
    pub opened_at: i64,
    pub messages: Vec<MessageDto>,
    /// Newest first, at most twenty.
    pub openings: Vec<OpeningDto>,
    pub draft: Option<Draft>,
    /// The case's documents (the requester's and those the desk attached to replies).
    pub documents: Vec<DocumentDto>,
    /// The "send documents" form: its upload token, limits, files already received, error.
    pub upload_token: String,
    pub upload: UploadDto,
    pub document_errors: Vec<FieldError>,
    /// "Tell me by e-mail when there is a new message": `Some(on)` when the requester gave an
    /// e-mail address as their contact and the desk sends e-mail; `None` otherwise.
    pub notify: Option<bool>,
}

/// A "send documents" post being answered: the form's upload token and its error.
#[derive(Clone, Debug)]
pub struct PostedDocuments {
    pub token: String,
    pub errors: Vec<FieldError>,
}
