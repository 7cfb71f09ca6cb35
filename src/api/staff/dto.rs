//! What the sign-in, second-factor, invitation, password and reset pages receive, and the
//! signed-in person as the desk's frame shows them.

use crate::api::form::FormState;
use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// The signed-in person, as the desk's frame shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeDto {
    pub login: String,
    pub role: Role,
    /// Name of their embassy (admins: none).
    pub embassy: Option<String>,
    /// The same in Belarusian and Russian, for readers of those languages.
    pub embassy_be: Option<String>,
    pub embassy_ru: Option<String>,
    /// The time zone their pages show times in: their embassy's (admins: UTC; a case's
    /// page shows its embassy's).
    pub zone: String,
}

impl MeDto {
    /// Their embassy's name as a reader of `language` sees it (be and ru theirs, everyone
    /// else the English one).
    pub fn embassy_in(&self, language: &str) -> Option<&str> {
        let own = match language {
            "be" => self.embassy_be.as_deref(),
            "ru" => self.embassy_ru.as_deref(),
            _ => None,
        };
        own.or(self.embassy.as_deref())
    }
}

/// The sign-in pages (password step, code step, enrolment) as the server answers them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPageDto {
    pub form: Option<FormState>,
}

/// The second-factor page: either a code for an enrolled factor, or enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorDto {
    /// `Some` while enrolling: the QR code (inline SVG rendered on the server) and the
    /// secret in base32 for typing in by hand. Shown only to the person enrolling.
    pub enrolment: Option<EnrolmentDto>,
    /// Whether a TOTP code is asked for: an app is enrolled, or being enrolled.
    pub asks_code: bool,
    /// The passkey step the page offers, if any.
    pub passkey: Option<PasskeyStepDto>,
    pub form: Option<FormState>,
}

/// A passkey ceremony a page offers: the options for the browser's WebAuthn call, as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyStepDto {
    /// `true`: create a new passkey (enrolment); `false`: sign in with one.
    pub create: bool,
    /// `navigator.credentials.create` or `.get` options, binary values in base64url.
    pub options: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentDto {
    pub qr_svg: String,
    pub secret_base32: String,
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

/// The page where a signed-in person changes their password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPageDto {
    pub me: MeDto,
    pub form: Option<FormState>,
}

/// A reset link as its page shows it: whose account it opens and until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetDto {
    pub login: String,
    /// UTC seconds.
    pub expires_at: i64,
    pub form: Option<FormState>,
}
