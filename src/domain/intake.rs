//! The intake form: what a requester types, and the one set of rules that checks it — run
//! by the server on every submission and by the browser when JavaScript runs.
//!
//! [`IntakeForm`] holds the raw strings exactly as typed, so that a page re-rendered after
//! an error (or a language switch) gives everything back. [`IntakeForm::validate`] turns it
//! into a [`ValidIntake`] or a list of [`FieldError`]s naming the field and the rule.

mod fields;

pub use fields::*;

use super::{case::Category, date::Date, Priority};
use serde::{Deserialize, Serialize};

/// The intake form exactly as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeForm {
    pub categories: Vec<String>,
    pub country: String,
    pub other_country: String,
    pub city: String,
    pub legal_status: String,
    pub permit_expiry: String,
    pub legal_deadline: String,
    pub document_kind: String,
    pub document_expiry: String,
    pub document_number: String,
    pub household_size: String,
    pub children: String,
    pub housing_until: String,
    pub work_permit: String,
    pub work_field: String,
    pub medical_kind: String,
    pub urgency: Vec<String>,
    pub description: String,
    pub name: String,
    pub language: String,
    pub contact_channel: String,
    pub contact_handle: String,
    pub consent: bool,
}

/// Answers of the per-category sections; only the sections of chosen categories are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionAnswers {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permit_expiry: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_deadline: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_expiry: Option<Date>,
    /// The number of the passport or document, as typed (also a look-up for duplicates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household_size: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housing_until: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_permit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medical_kind: Option<String>,
    pub urgency: Vec<String>,
}

/// A form that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidIntake {
    /// Chosen categories, in the canonical order (the first one routes the case).
    pub categories: Vec<Category>,
    /// ISO 3166-1 code, or `None` for a typed "other" country.
    pub country: Option<String>,
    pub other_country: Option<String>,
    pub city: String,
    pub answers: SectionAnswers,
    pub priority: Priority,
    pub description: String,
    pub name: String,
    pub language: String,
    pub contact_channel: String,
    pub contact_handle: Option<String>,
}

/// Checks a free-text value: trimmed, within `max` characters, no control characters other
/// than line breaks and tabs.
fn text(errors: &mut Vec<FieldError>, field: Field, value: &str, max: usize, required: bool) -> Option<String> {
    let v = value.trim();
    let rule = if v.is_empty() {
        required.then_some(Rule::Required)
    } else if v.chars().count() > max {
        Some(Rule::TooLong)
    } else if v.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Some(Rule::ControlCharacters)
    } else {
        None
    };
    match rule {
        Some(rule) => {
            errors.push(FieldError { field, rule });
            None
        }
        None => (!v.is_empty()).then(|| v.to_owned()),
    }
}

fn choice(errors: &mut Vec<FieldError>, field: Field, value: &str, allowed: &[&str], required: bool) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(FieldError { field, rule: Rule::ChooseOne });
        }
        return None;
    }
    if allowed.contains(&v) {
        Some(v.to_owned())
    } else {
        errors.push(FieldError { field, rule: Rule::InvalidChoice });
        None
    }
}

fn date(errors: &mut Vec<FieldError>, field: Field, value: &str, not_before: Option<Date>) -> Option<Date> {
    if value.trim().is_empty() {
        return None;
    }
    match Date::parse(value) {
        None => {
            errors.push(FieldError { field, rule: Rule::InvalidDate });
            None
        }
        Some(d) if not_before.is_some_and(|t| d < t) => {
            errors.push(FieldError { field, rule: Rule::DateInPast });
            None
        }
        Some(d) => Some(d),
    }
}

fn small_number(errors: &mut Vec<FieldError>, field: Field, value: &str, min: u8, required: bool) -> Option<u8> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(FieldError { field, rule: Rule::Required });
        }
        return None;
    }
    match v.parse::<u8>() {
        Ok(n) if (min..=limits::HOUSEHOLD_MAX).contains(&n) => Some(n),
        Ok(_) => {
            errors.push(FieldError { field, rule: Rule::OutOfRange });
            None
        }
        Err(_) if v.len() <= 3 && v.bytes().all(|b| b.is_ascii_digit()) => {
            errors.push(FieldError { field, rule: Rule::OutOfRange });
            None
        }
        Err(_) => {
            errors.push(FieldError { field, rule: Rule::NotANumber });
            None
        }
    }
}

/// Whether `handle` is a plausible address for `channel`. The shapes are loose on purpose:
/// the point is to catch a handle typed into the wrong box, not to judge people's addresses.
pub fn handle_rule(channel: &str, handle: &str) -> Option<Rule> {
    let phone_like = |h: &str| {
        let digits = h.chars().filter(char::is_ascii_digit).count();
        h.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')')) && (7..=15).contains(&digits)
    };
    match channel {
        "email" => {
            let ok = handle.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@')
            }) && !handle.chars().any(char::is_whitespace);
            (!ok).then_some(Rule::InvalidEmail)
        }
        "phone" => (!phone_like(handle)).then_some(Rule::InvalidPhone),
        "telegram" | "signal" => {
            let name = handle.strip_prefix('@').unwrap_or(handle);
            let username = (3..=40).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'));
            (!(username || phone_like(handle))).then_some(Rule::InvalidHandle)
        }
        _ => None,
    }
}

impl IntakeForm {
    /// Applies every rule. `today` (UTC) rejects deadlines in the past; without it (a
    /// browser with a wrong clock) that one rule is left to the server.
    pub fn validate(&self, today: Option<Date>) -> Result<ValidIntake, Vec<FieldError>> {
        let mut errors = Vec::new();
        let e = &mut errors;

        let mut categories = Vec::new();
        for c in &self.categories {
            match Category::parse(c) {
                Some(c) if !categories.contains(&c) => categories.push(c),
                Some(_) => {}
                None => e.push(FieldError { field: Field::Categories, rule: Rule::InvalidChoice }),
            }
        }
        if self.categories.is_empty() {
            e.push(FieldError { field: Field::Categories, rule: Rule::ChooseOne });
        }
        categories.sort();
        let has = |c: Category| categories.contains(&c);

        // Any country of ISO 3166-1: the form lists the common ones and those an embassy
        // takes, and a country no embassy takes goes to the default desk.
        let country = match self.country.trim() {
            c if crate::domain::countries::is_host(c) => Some(c.to_owned()),
            _ => choice(e, Field::Country, &self.country, &[OTHER_COUNTRY], true),
        };
        let other_country =
            if country.as_deref() == Some(OTHER_COUNTRY) { text(e, Field::OtherCountry, &self.other_country, limits::OTHER_COUNTRY, true) } else { None };
        let city = text(e, Field::City, &self.city, limits::CITY, true);

        let mut answers = SectionAnswers::default();
        if has(Category::LegalStatus) {
            answers.legal_status = choice(e, Field::LegalStatus, &self.legal_status, LEGAL_STATUSES, true);
            answers.permit_expiry = date(e, Field::PermitExpiry, &self.permit_expiry, None);
            answers.legal_deadline = date(e, Field::LegalDeadline, &self.legal_deadline, today);
        }
        if has(Category::Documents) {
            answers.document_kind = choice(e, Field::DocumentKind, &self.document_kind, DOCUMENT_KINDS, true);
            answers.document_expiry = date(e, Field::DocumentExpiry, &self.document_expiry, None);
            answers.document_number = text(e, Field::DocumentNumber, &self.document_number, limits::DOCUMENT_NUMBER, false);
        }
        if has(Category::Housing) {
            answers.household_size = small_number(e, Field::HouseholdSize, &self.household_size, 1, true);
            answers.children = small_number(e, Field::Children, &self.children, 0, false);
            if let (Some(size), Some(children)) = (answers.household_size, answers.children) {
                if children >= size {
                    e.push(FieldError { field: Field::Children, rule: Rule::ChildrenExceedHousehold });
                }
            }
            answers.housing_until = date(e, Field::HousingUntil, &self.housing_until, None);
        }
        if has(Category::Work) {
            answers.work_permit = choice(e, Field::WorkPermit, &self.work_permit, WORK_PERMITS, false);
            answers.work_field = text(e, Field::WorkField, &self.work_field, limits::SHORT_TEXT, false);
        }
        if has(Category::Medical) {
            answers.medical_kind = choice(e, Field::MedicalKind, &self.medical_kind, MEDICAL_KINDS, true);
        }
        for u in &self.urgency {
            if URGENCIES.contains(&u.as_str()) {
                if !answers.urgency.contains(u) {
                    answers.urgency.push(u.clone());
                }
            } else {
                e.push(FieldError { field: Field::Urgency, rule: Rule::InvalidChoice });
            }
        }

        let description = text(e, Field::Description, &self.description, limits::DESCRIPTION, true);
        let name = text(e, Field::Name, &self.name, limits::NAME, true);
        let language = choice(e, Field::Language, &self.language, LANGUAGES, true);
        let contact_channel = choice(e, Field::ContactChannel, &self.contact_channel, CONTACT_CHANNELS, true);
        let contact_handle = match contact_channel.as_deref() {
            Some("site") | None => None,
            Some(channel) => text(e, Field::ContactHandle, &self.contact_handle, limits::HANDLE, true).and_then(|h| match handle_rule(channel, &h) {
                Some(rule) => {
                    e.push(FieldError { field: Field::ContactHandle, rule });
                    None
                }
                None => Some(h),
            }),
        };
        if !self.consent {
            e.push(FieldError { field: Field::Consent, rule: Rule::ConsentRequired });
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        let priority = priority_of(&answers, today);
        let country = country.expect("checked");
        Ok(ValidIntake {
            categories,
            country: (country != OTHER_COUNTRY).then_some(country),
            other_country,
            city: city.expect("checked"),
            answers,
            priority,
            description: description.expect("checked"),
            name: name.expect("checked"),
            language: language.expect("checked"),
            contact_channel: contact_channel.expect("checked"),
            contact_handle,
        })
    }
}

/// Urgent: risk of detention or deportation, or no place to sleep tonight. High: a deadline
/// within 7 days (ticked, or a legal deadline dated within 7 days of `today`). Else normal.
pub fn priority_of(answers: &SectionAnswers, today: Option<Date>) -> Priority {
    let ticked = |u: &str| answers.urgency.iter().any(|x| x == u);
    let dated_soon = match (answers.legal_deadline, today) {
        (Some(deadline), Some(today)) => deadline.days_since_epoch() - today.days_since_epoch() <= 7,
        _ => false,
    };
    if ticked("detention_risk") || ticked("no_shelter") {
        Priority::Urgent
    } else if ticked("deadline_7_days") || dated_soon {
        Priority::High
    } else {
        Priority::Normal
    }
}

/// Checks a follow-up message (a reply, or added information).
pub fn validate_message(value: &str) -> Result<String, FieldError> {
    let mut errors = Vec::new();
    match text(&mut errors, Field::Message, value, limits::MESSAGE, true) {
        Some(v) => Ok(v),
        None => Err(errors.into_iter().next().unwrap_or(FieldError { field: Field::Message, rule: Rule::Required })),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[test]
fn category_names_match_the_categories() {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names, CATEGORY_NAMES);
}
