//! What the intake pages receive and send: data made for the client, nothing internal.

use crate::api::documents::{RemovedDto, UploadDto};
use crate::domain::intake::{FieldError, IntakeForm};
use serde::{Deserialize, Serialize};

/// Why the page shows a notice above the form instead of (or beside) field errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntakeNotice {
    /// The form was open too long (or its token was damaged): check and send again.
    StaleForm,
    /// This form was already sent; the request exists.
    AlreadySent,
    /// Fields need attention.
    FixErrors,
    /// Too many requests arrive right now: wait a minute and send again (nothing is lost).
    Busy,
}

/// Shown once, in the response to the submission that opened the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDto {
    pub reference: String,
    pub code: String,
    /// The documents that came with the request and what was removed from them.
    pub documents: RemovedDto,
}

/// Everything the intake page renders from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeView {
    pub form: IntakeForm,
    pub errors: Vec<FieldError>,
    pub token: String,
    pub notice: Option<IntakeNotice>,
    pub receipt: Option<ReceiptDto>,
    pub upload: UploadDto,
    /// The countries embassies take (ISO 3166-1 codes): the form lists them after the
    /// common host countries.
    pub countries: Vec<String>,
}

/// Set by the server's form handler when it renders the answer to a post.
#[derive(Clone, Debug)]
pub struct PostedIntake(pub IntakeView);
