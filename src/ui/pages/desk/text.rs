//! Translations of the desk's own codes: the rules a refused form broke, notices, deadline
//! kinds, intake answer keys, and how old a case is.

use crate::{
    i18n::{t, td_string, Locale},
    ui::components::messages::Lang,
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

type I18n = I18nContext<Locale>;

/// What a field's rule code means.
pub fn error_text(i18n: I18n, code: &str) -> AnyView {
    match code {
        "required" => t!(i18n, desk.errors.required).into_any(),
        "too_long" => t!(i18n, desk.errors.too_long).into_any(),
        "too_short" => t!(i18n, desk.errors.too_short).into_any(),
        "common" => t!(i18n, desk.errors.common).into_any(),
        "contains_login" => t!(i18n, desk.errors.contains_login).into_any(),
        "mismatch" => t!(i18n, desk.errors.mismatch).into_any(),
        "login_shape" => t!(i18n, desk.errors.login_shape).into_any(),
        "login_taken" => t!(i18n, desk.errors.login_taken).into_any(),
        "invalid_choice" => t!(i18n, desk.errors.invalid_choice).into_any(),
        "invalid_date" => t!(i18n, desk.errors.invalid_date).into_any(),
        "date_in_past" => t!(i18n, desk.errors.date_in_past).into_any(),
        "not_allowed" => t!(i18n, desk.errors.not_allowed).into_any(),
        "out_of_range" => t!(i18n, desk.errors.out_of_range).into_any(),
        "after_end" => t!(i18n, desk.errors.after_end).into_any(),
        "range_too_long" => t!(i18n, desk.errors.range_too_long).into_any(),
        "not_a_number" => t!(i18n, errors.not_a_number).into_any(),
        "control_characters" => t!(i18n, errors.control_characters).into_any(),
        "code_wrong" => t!(i18n, desk.notice.code_wrong).into_any(),
        "too_many_attempts" => t!(i18n, desk.notice.too_many_attempts).into_any(),
        _ => t!(i18n, desk.errors.other).into_any(),
    }
}

/// What a notice code for a whole form means.
pub fn notice_text(i18n: I18n, code: &str) -> AnyView {
    match code {
        "not_recognised" => t!(i18n, desk.notice.not_recognised).into_any(),
        "too_many_attempts" => t!(i18n, desk.notice.too_many_attempts).into_any(),
        "code_wrong" => t!(i18n, desk.notice.code_wrong).into_any(),
        "session_ended" => t!(i18n, desk.notice.session_ended).into_any(),
        "nothing_to_take" => t!(i18n, desk.notice.nothing_to_take).into_any(),
        "saved" => t!(i18n, desk.notice.saved).into_any(),
        _ => t!(i18n, desk.notice.other).into_any(),
    }
}

/// Notices that report success rather than a problem.
pub fn notice_is_good(code: &str) -> bool {
    code == "saved"
}

/// The kinds of deadline a case may carry, in the order the form offers them.
pub const DEADLINE_KINDS: [&str; 6] = ["appeal", "permit_expiry", "document_expiry", "housing_end", "hearing", "other"];

/// A kind of deadline; an unknown kind is shown as stored.
pub fn deadline_kind_text(i18n: I18n, kind: &str) -> AnyView {
    match kind {
        "appeal" => t!(i18n, desk.deadline_kind.appeal).into_any(),
        "permit_expiry" => t!(i18n, desk.deadline_kind.permit_expiry).into_any(),
        "document_expiry" => t!(i18n, desk.deadline_kind.document_expiry).into_any(),
        "housing_end" => t!(i18n, desk.deadline_kind.housing_end).into_any(),
        "hearing" => t!(i18n, desk.deadline_kind.hearing).into_any(),
        "other" => t!(i18n, desk.deadline_kind.other).into_any(),
        other => other.to_owned().into_any(),
    }
}

/// The label of an intake answer; an unknown key is shown as stored.
pub fn answer_label(i18n: I18n, key: &str) -> AnyView {
    match key {
        "requester_name" => t!(i18n, desk.answer.requester_name).into_any(),
        "contact" => t!(i18n, desk.answer.contact).into_any(),
        "city" => t!(i18n, desk.answer.city).into_any(),
        "narrative" => t!(i18n, desk.answer.narrative).into_any(),
        "answers" => t!(i18n, desk.answer.answers).into_any(),
        other => other.to_owned().into_any(),
    }
}

/// How long ago a case was opened, in whole days (counted by the server), as plain text.
pub fn age_string(lang: impl Lang, days: i64) -> String {
    let locale = lang.locale();
    if days < 1 {
        return td_string!(locale, desk.queue.age_today).to_string();
    }
    let count = u32::try_from(days).unwrap_or(u32::MAX);
    td_string!(locale, desk.queue.age_days, count).to_string()
}

/// [`age_string`] as a view that follows the page's language.
pub fn age_text(i18n: I18n, days: i64) -> AnyView {
    (move || age_string(i18n, days)).into_any()
}
