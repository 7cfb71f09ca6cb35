//! Translated messages for the domain's codes: validation rules, statuses, choices.

use crate::{
    domain::{intake::Rule, Category, Priority, Role, Status},
    i18n::{t, t_string, td_string, Locale},
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

type I18n = I18nContext<Locale>;

/// Where a string's language comes from: the page's context, read (and followed) at each
/// call, or a [`Locale`] read once for many strings, as a table of fifty rows does.
pub trait Lang: Copy {
    fn locale(self) -> Locale;
}

impl Lang for I18n {
    fn locale(self) -> Locale {
        self.get_locale()
    }
}

impl Lang for Locale {
    fn locale(self) -> Locale {
        self
    }
}

/// What a broken rule means, in the page's language.
pub fn rule_text(i18n: I18n, rule: Rule) -> AnyView {
    (move || rule_string(i18n, rule)).into_any()
}

/// [`rule_text`] as plain text.
pub fn rule_string(lang: impl Lang, rule: Rule) -> String {
    let locale = lang.locale();
    match rule {
        Rule::Required => td_string!(locale, errors.required),
        Rule::ChooseOne => td_string!(locale, errors.choose_one),
        Rule::TooLong => td_string!(locale, errors.too_long),
        Rule::InvalidChoice => td_string!(locale, errors.invalid_choice),
        Rule::InvalidDate => td_string!(locale, errors.invalid_date),
        Rule::DateInPast => td_string!(locale, errors.date_in_past),
        Rule::NotANumber => td_string!(locale, errors.not_a_number),
        Rule::OutOfRange => td_string!(locale, errors.out_of_range),
        Rule::ChildrenExceedHousehold => td_string!(locale, errors.children_exceed_household),
        Rule::InvalidEmail => td_string!(locale, errors.invalid_email),
        Rule::InvalidPhone => td_string!(locale, errors.invalid_phone),
        Rule::InvalidHandle => td_string!(locale, errors.invalid_handle),
        Rule::ConsentRequired => td_string!(locale, errors.consent_required),
        Rule::ControlCharacters => td_string!(locale, errors.control_characters),
        Rule::TooManyFiles => td_string!(locale, errors.too_many_files),
        Rule::FileTooLarge => td_string!(locale, errors.file_too_large),
        Rule::FileType => td_string!(locale, errors.file_type),
        Rule::FileUnreadable => td_string!(locale, errors.file_unreadable),
        Rule::CaseFull => td_string!(locale, errors.case_full),
        Rule::DiskFull => td_string!(locale, errors.disk_full),
    }
    .to_string()
}

/// A case status as the requester reads it.
pub fn status_text(i18n: I18n, status: Status) -> AnyView {
    match status {
        Status::New => t!(i18n, status.new).into_any(),
        Status::Triaged => t!(i18n, status.triaged).into_any(),
        Status::InProgress => t!(i18n, status.in_progress).into_any(),
        Status::WaitingForRequester => t!(i18n, status.waiting).into_any(),
        Status::Resolved => t!(i18n, status.resolved).into_any(),
        Status::Closed => t!(i18n, status.closed).into_any(),
    }
}

/// A kind of help.
pub fn category_text(i18n: I18n, category: Category) -> AnyView {
    match category {
        Category::LegalStatus => t!(i18n, category.legal_status).into_any(),
        Category::Documents => t!(i18n, category.documents).into_any(),
        Category::Housing => t!(i18n, category.housing).into_any(),
        Category::Work => t!(i18n, category.work).into_any(),
        Category::Medical => t!(i18n, category.medical).into_any(),
        Category::UrgentMoney => t!(i18n, category.urgent_money).into_any(),
        Category::Other => t!(i18n, category.other).into_any(),
    }
}

/// An option of one of the form's lists (`list` is the field name, `value` the option).
pub fn choice_text(i18n: I18n, list: &str, value: &str) -> String {
    // Countries are named from CLDR in every requester language (domain::countries).
    if list == "country" {
        if let Some(name) = crate::domain::countries::name(value, leptos_i18n::Locale::as_str(i18n.get_locale_untracked())) {
            return name.to_owned();
        }
    }
    let s = match (list, value) {
        ("categories", "legal_status") => t_string!(i18n, category.legal_status),
        ("categories", "documents") => t_string!(i18n, category.documents),
        ("categories", "housing") => t_string!(i18n, category.housing),
        ("categories", "work") => t_string!(i18n, category.work),
        ("categories", "medical") => t_string!(i18n, category.medical),
        ("categories", "urgent_money") => t_string!(i18n, category.urgent_money),
        ("categories", "other") => t_string!(i18n, category.other),
        ("legal_status", "none") => t_string!(i18n, legal_status.none),
        ("legal_status", "visa_free") => t_string!(i18n, legal_status.visa_free),
        ("legal_status", "visa") => t_string!(i18n, legal_status.visa),
        ("legal_status", "temporary_residence") => t_string!(i18n, legal_status.temporary_residence),
        ("legal_status", "permanent_residence") => t_string!(i18n, legal_status.permanent_residence),
        ("legal_status", "asylum_pending") => t_string!(i18n, legal_status.asylum_pending),
        ("legal_status", "international_protection") => t_string!(i18n, legal_status.international_protection),
        ("legal_status", "humanitarian") => t_string!(i18n, legal_status.humanitarian),
        ("document_kind", "passport_expired") => t_string!(i18n, document_kind.passport_expired),
        ("document_kind", "passport_lost") => t_string!(i18n, document_kind.passport_lost),
        ("document_kind", "certificate") => t_string!(i18n, document_kind.certificate),
        ("document_kind", "power_of_attorney") => t_string!(i18n, document_kind.power_of_attorney),
        ("document_kind", "apostille") => t_string!(i18n, document_kind.apostille),
        ("work_permit", "yes") => t_string!(i18n, work_permit.yes),
        ("work_permit", "no") => t_string!(i18n, work_permit.no),
        ("work_permit", "not_sure") => t_string!(i18n, work_permit.not_sure),
        ("medical_kind", "physical") => t_string!(i18n, medical_kind.physical),
        ("medical_kind", "psychological") => t_string!(i18n, medical_kind.psychological),
        ("medical_kind", "both") => t_string!(i18n, medical_kind.both),
        ("urgency", "deadline_7_days") => t_string!(i18n, urgency.deadline_7_days),
        ("urgency", "detention_risk") => t_string!(i18n, urgency.detention_risk),
        ("urgency", "no_shelter") => t_string!(i18n, urgency.no_shelter),
        ("contact_channel", "site") => t_string!(i18n, contact_channel.site),
        ("contact_channel", "signal") => t_string!(i18n, contact_channel.signal),
        ("contact_channel", "telegram") => t_string!(i18n, contact_channel.telegram),
        ("contact_channel", "email") => t_string!(i18n, contact_channel.email),
        ("contact_channel", "phone") => t_string!(i18n, contact_channel.phone),
        ("language", "be") => t_string!(i18n, language.be),
        ("language", "ru") => t_string!(i18n, language.ru),
        ("language", "en") => t_string!(i18n, language.en),
        ("language", "uk") => t_string!(i18n, language.uk),
        ("language", "pl") => t_string!(i18n, language.pl),
        ("language", "lt") => t_string!(i18n, language.lt),
        ("country", "other") => t_string!(i18n, country.other),
        _ => t_string!(i18n, common.other),
    };
    s.to_string()
}

/// The name of month `month` (1–12) as a date in `locale` writes it (genitive in be and ru).
fn month_name(locale: Locale, month: u8) -> String {
    match month {
        1 => td_string!(locale, month.m1),
        2 => td_string!(locale, month.m2),
        3 => td_string!(locale, month.m3),
        4 => td_string!(locale, month.m4),
        5 => td_string!(locale, month.m5),
        6 => td_string!(locale, month.m6),
        7 => td_string!(locale, month.m7),
        8 => td_string!(locale, month.m8),
        9 => td_string!(locale, month.m9),
        10 => td_string!(locale, month.m10),
        11 => td_string!(locale, month.m11),
        _ => td_string!(locale, month.m12),
    }
    .to_string()
}

/// The time zone a page shows times in (an IANA name), provided by the frame of a page
/// from its data: a person's embassy's, a case's embassy's on its pages. UTC without one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownZone(pub String);

/// A date and time as people of the page's language write it, in the page's time zone and
/// naming it: "22 November 2026, 14:05 CET".
pub fn date_time_text(lang: impl Lang, unix: i64) -> String {
    use crate::domain::service_hours;
    let locale = lang.locale();
    let zone = use_context::<ShownZone>().map(|z| service_hours::zone(&z.0)).unwrap_or(jiff::tz::TimeZone::UTC);
    let (year, month, day, hour, minute) = service_hours::local(&zone, unix);
    let month = month_name(locale, month);
    let day = day.to_string();
    let year = year.to_string();
    let time = format!("{hour:02}:{minute:02}");
    let zone = service_hours::zone_label(&zone, unix);
    td_string!(locale, common.date_time, day, month, year, time, zone).to_string()
}

/// The label of a field, as the error summary names it.
pub fn field_label(i18n: I18n, field: crate::domain::intake::Field) -> AnyView {
    (move || field_label_string(i18n, field)).into_any()
}

/// [`field_label`] as plain text.
pub fn field_label_string(lang: impl Lang, field: crate::domain::intake::Field) -> String {
    use crate::domain::intake::Field as F;
    let locale = lang.locale();
    match field {
        F::Categories => td_string!(locale, intake.categories),
        F::Country => td_string!(locale, intake.country),
        F::OtherCountry => td_string!(locale, intake.other_country),
        F::City => td_string!(locale, intake.city),
        F::LegalStatus => td_string!(locale, intake.legal_status),
        F::PermitExpiry => td_string!(locale, intake.permit_expiry),
        F::LegalDeadline => td_string!(locale, intake.legal_deadline),
        F::DocumentKind => td_string!(locale, intake.document_kind),
        F::DocumentExpiry => td_string!(locale, intake.document_expiry),
        F::DocumentNumber => td_string!(locale, intake.document_number),
        F::HouseholdSize => td_string!(locale, intake.household_size),
        F::Children => td_string!(locale, intake.children),
        F::HousingUntil => td_string!(locale, intake.housing_until),
        F::WorkPermit => td_string!(locale, intake.work_permit),
        F::WorkField => td_string!(locale, intake.work_field),
        F::MedicalKind => td_string!(locale, intake.medical_kind),
        F::Urgency => td_string!(locale, intake.urgency),
        F::Description => td_string!(locale, intake.description),
        F::Name => td_string!(locale, intake.name),
        F::Language => td_string!(locale, intake.language),
        F::ContactChannel => td_string!(locale, intake.contact_channel),
        F::ContactHandle => td_string!(locale, intake.contact_handle),
        F::Consent => td_string!(locale, intake.consent_short),
        F::Documents => td_string!(locale, documents.label),
        F::Message => td_string!(locale, follow_up.message),
        F::Reference => td_string!(locale, follow_up.reference),
        F::Code => td_string!(locale, follow_up.code),
    }
    .to_string()
}

/// A case status as the desk names it (short; the requester's wording is [`status_text`]).
pub fn desk_status_text(i18n: I18n, status: Status) -> AnyView {
    (move || desk_status_string(i18n, status)).into_any()
}

/// [`desk_status_text`] as plain text, for rows that render once per load.
pub fn desk_status_string(lang: impl Lang, status: Status) -> String {
    let locale = lang.locale();
    match status {
        Status::New => td_string!(locale, desk.status.new_case),
        Status::Triaged => td_string!(locale, desk.status.triaged),
        Status::InProgress => td_string!(locale, desk.status.in_progress),
        Status::WaitingForRequester => td_string!(locale, desk.status.waiting),
        Status::Resolved => td_string!(locale, desk.status.resolved),
        Status::Closed => td_string!(locale, desk.status.closed),
    }
    .to_string()
}

/// A kind of help in a word or two, for tables (the full wording is [`category_text`]).
pub fn category_short_text(i18n: I18n, category: Category) -> AnyView {
    (move || category_short_string(i18n, category)).into_any()
}

/// [`category_short_text`] as plain text.
pub fn category_short_string(lang: impl Lang, category: Category) -> String {
    let locale = lang.locale();
    match category {
        Category::LegalStatus => td_string!(locale, desk.category.legal_status),
        Category::Documents => td_string!(locale, desk.category.documents),
        Category::Housing => td_string!(locale, desk.category.housing),
        Category::Work => td_string!(locale, desk.category.work),
        Category::Medical => td_string!(locale, desk.category.medical),
        Category::UrgentMoney => td_string!(locale, desk.category.urgent_money),
        Category::Other => td_string!(locale, desk.category.other),
    }
    .to_string()
}

/// How urgent a case is.
pub fn priority_text(i18n: I18n, priority: Priority) -> AnyView {
    (move || priority_string(i18n, priority)).into_any()
}

/// [`priority_text`] as plain text.
pub fn priority_string(lang: impl Lang, priority: Priority) -> String {
    let locale = lang.locale();
    match priority {
        Priority::Urgent => td_string!(locale, desk.priority.urgent),
        Priority::High => td_string!(locale, desk.priority.high),
        Priority::Normal => td_string!(locale, desk.priority.normal),
        Priority::Low => td_string!(locale, desk.priority.low),
    }
    .to_string()
}

/// What a person on the desk may do.
pub fn role_text(i18n: I18n, role: Role) -> AnyView {
    (move || role_string(i18n, role)).into_any()
}

/// [`role_text`] as plain text.
pub fn role_string(i18n: I18n, role: Role) -> String {
    match role {
        Role::Volunteer => t_string!(i18n, desk.role.volunteer),
        Role::Lead => t_string!(i18n, desk.role.lead),
        Role::Admin => t_string!(i18n, desk.role.admin),
    }
    .to_string()
}

/// A calendar day (`YYYY-MM-DD`) as people of the page's language write it: "22 November
/// 2026". Anything that is not a real date is shown as it came.
pub fn date_text(lang: impl Lang, day: &str) -> String {
    let locale = lang.locale();
    let Some(date) = crate::domain::Date::parse(day) else {
        return day.to_owned();
    };
    let month = month_name(locale, date.month);
    let day = date.day.to_string();
    let year = date.year.to_string();
    td_string!(locale, desk.date, day, month, year).to_string()
}
