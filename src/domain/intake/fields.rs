//! The vocabulary of the intake form: the choices it offers, its length limits, the names
//! of its fields and the rules a value can break.

use serde::{Deserialize, Serialize};

/// Host countries the form always offers (ISO 3166-1 alpha-2), in the order shown; after
/// them come the other countries an embassy takes (data: an admin routes them), then
/// "other". A country without an embassy goes to the default desk, and "other" lets a
/// requester type any place.
pub const HOST_COUNTRIES: &[&str] = &["PL", "LT", "LV", "EE", "DE", "CZ", "GE", "UA", "NL", "FR", "GB", "US", "SE", "NO", "FI", "SK", "AT", "IT", "ES", "CA"];
/// The choice for a country not in [`HOST_COUNTRIES`].
pub const OTHER_COUNTRY: &str = "other";

/// The kinds of help, as the form sends them (see [`crate::domain::Category::as_str`]).
pub const CATEGORY_NAMES: &[&str] = &["legal_status", "documents", "housing", "work", "medical", "urgent_money", "other"];

/// Languages a requester can read and be answered in.
pub const LANGUAGES: &[&str] = &["be", "ru", "en", "uk", "pl", "lt"];

/// The form field of an embassy's acknowledgement text in `language` (`ack_be`, …), one of
/// [`LANGUAGES`].
pub fn acknowledgement_field(language: &str) -> Option<&'static str> {
    Some(match language {
        "be" => "ack_be",
        "ru" => "ack_ru",
        "en" => "ack_en",
        "uk" => "ack_uk",
        "pl" => "ack_pl",
        "lt" => "ack_lt",
        _ => return None,
    })
}

/// Current residence status (legal status section).
pub const LEGAL_STATUSES: &[&str] =
    &["none", "visa_free", "visa", "temporary_residence", "permanent_residence", "asylum_pending", "international_protection", "humanitarian", "other"];
/// Which document is the problem (documents section).
pub const DOCUMENT_KINDS: &[&str] = &["passport_expired", "passport_lost", "certificate", "power_of_attorney", "apostille", "other"];
/// Whether they may work (work section).
pub const WORK_PERMITS: &[&str] = &["yes", "no", "not_sure"];
/// What kind of care (medical section).
pub const MEDICAL_KINDS: &[&str] = &["physical", "psychological", "both"];
/// Urgent circumstances; any of them raises the priority.
pub const URGENCIES: &[&str] = &["deadline_7_days", "detention_risk", "no_shelter"];
/// How they want to be contacted. `site` means only through this site's follow-up page.
pub const CONTACT_CHANNELS: &[&str] = &["site", "signal", "telegram", "email", "phone"];

/// Longest accepted value of each free-text field, in characters.
pub mod limits {
    pub const NAME: usize = 100;
    pub const CITY: usize = 100;
    pub const OTHER_COUNTRY: usize = 100;
    pub const HANDLE: usize = 100;
    pub const SHORT_TEXT: usize = 200;
    pub const DOCUMENT_NUMBER: usize = 40;
    pub const DESCRIPTION: usize = 5000;
    pub const MESSAGE: usize = 5000;
    pub const HOUSEHOLD_MAX: u8 = 20;
}

/// The form's fields. The names are the HTML `name` attributes and the keys of errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Categories,
    Country,
    OtherCountry,
    City,
    LegalStatus,
    PermitExpiry,
    LegalDeadline,
    DocumentKind,
    DocumentExpiry,
    DocumentNumber,
    HouseholdSize,
    Children,
    HousingUntil,
    WorkPermit,
    WorkField,
    MedicalKind,
    Urgency,
    Description,
    Name,
    Language,
    ContactChannel,
    ContactHandle,
    Consent,
    /// Files sent with a form (intake, the follow-up page, a volunteer's reply).
    Documents,
    /// A reply or added information on the follow-up page.
    Message,
    Reference,
    Code,
}

impl Field {
    /// The fields of the intake form, in the order the form shows them.
    pub const INTAKE: [Field; 24] = [
        Field::Categories,
        Field::Country,
        Field::OtherCountry,
        Field::City,
        Field::LegalStatus,
        Field::PermitExpiry,
        Field::LegalDeadline,
        Field::DocumentKind,
        Field::DocumentExpiry,
        Field::DocumentNumber,
        Field::HouseholdSize,
        Field::Children,
        Field::HousingUntil,
        Field::WorkPermit,
        Field::WorkField,
        Field::MedicalKind,
        Field::Urgency,
        Field::Description,
        Field::Documents,
        Field::Name,
        Field::Language,
        Field::ContactChannel,
        Field::ContactHandle,
        Field::Consent,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Field::Categories => "categories",
            Field::Country => "country",
            Field::OtherCountry => "other_country",
            Field::City => "city",
            Field::LegalStatus => "legal_status",
            Field::PermitExpiry => "permit_expiry",
            Field::LegalDeadline => "legal_deadline",
            Field::DocumentKind => "document_kind",
            Field::DocumentExpiry => "document_expiry",
            Field::DocumentNumber => "document_number",
            Field::HouseholdSize => "household_size",
            // Not `children`: a form control of that name hides the form element's own
            // `children`, which the islands' loader walks.
            Field::Children => "children_count",
            Field::HousingUntil => "housing_until",
            Field::WorkPermit => "work_permit",
            Field::WorkField => "work_field",
            Field::MedicalKind => "medical_kind",
            Field::Urgency => "urgency",
            Field::Description => "description",
            Field::Name => "name",
            Field::Language => "language",
            Field::ContactChannel => "contact_channel",
            Field::ContactHandle => "contact_handle",
            Field::Consent => "consent",
            Field::Documents => "documents",
            Field::Message => "message",
            Field::Reference => "reference",
            Field::Code => "code",
        }
    }
}

/// Which rule a value broke; the UI translates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    Required,
    ChooseOne,
    TooLong,
    InvalidChoice,
    InvalidDate,
    DateInPast,
    NotANumber,
    OutOfRange,
    ChildrenExceedHousehold,
    InvalidEmail,
    InvalidPhone,
    InvalidHandle,
    ConsentRequired,
    ControlCharacters,
    /// More files than one post may carry.
    TooManyFiles,
    /// A file above the size limit.
    FileTooLarge,
    /// A file of a kind the desk does not take (judged by its content, not its name).
    FileType,
    /// A file that could not be read as its kind, so its hidden data could not be removed.
    FileUnreadable,
    /// The case holds as many bytes of documents as it may.
    CaseFull,
    /// The server's disk is nearly full: documents cannot be taken now.
    DiskFull,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 20] = [
        Rule::Required,
        Rule::ChooseOne,
        Rule::TooLong,
        Rule::InvalidChoice,
        Rule::InvalidDate,
        Rule::DateInPast,
        Rule::NotANumber,
        Rule::OutOfRange,
        Rule::ChildrenExceedHousehold,
        Rule::InvalidEmail,
        Rule::InvalidPhone,
        Rule::InvalidHandle,
        Rule::ConsentRequired,
        Rule::ControlCharacters,
        Rule::TooManyFiles,
        Rule::FileTooLarge,
        Rule::FileType,
        Rule::FileUnreadable,
        Rule::CaseFull,
        Rule::DiskFull,
    ];
}

/// One broken rule on one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub rule: Rule,
}

/// Looks up the error of `field` in a list.
pub fn error_for(errors: &[FieldError], field: Field) -> Option<Rule> {
    errors.iter().find(|e| e.field == field).map(|e| e.rule)
}
