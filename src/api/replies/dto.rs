//! What the canned replies page receives: an embassy's canned replies and its automatic
//! acknowledgement.

use crate::api::{form::FormState, staff::MeDto};
use serde::{Deserialize, Serialize};

/// The canned replies page of one embassy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepliesPageDto {
    pub me: MeDto,
    /// Admins: `(id, name)` of every embassy, to choose which one's texts to keep; empty for
    /// leads, who keep their own embassy's.
    pub embassies: Vec<(String, String)>,
    pub embassy_id: String,
    pub embassy_name: String,
    /// By language, then title.
    pub replies: Vec<CannedDto>,
    /// Whether intake posts the acknowledgement to new cases.
    pub acknowledge: bool,
    /// `(language, text)` of the acknowledgement, for the languages that have one.
    pub acknowledgements: Vec<(String, String)>,
    pub form: Option<FormState>,
}

/// One canned reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedDto {
    pub id: String,
    pub language: String,
    pub title: String,
    pub body: String,
    /// UTC seconds.
    pub updated_at: i64,
}

/// A canned reply the reply form of a case offers: `(id, title)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedOption {
    pub id: String,
    pub title: String,
}
