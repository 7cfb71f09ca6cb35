//! Translations of the desk's own codes: the rules a refused form broke, notices, deadline
//! kinds, intake answer keys, and how old a case is.

use crate::{
    domain::{DeadlineKind, NoticeCode, RuleCode},
    i18n::{t, td_string, Locale},
    ui::components::messages::Lang,
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

type I18n = I18nContext<Locale>;

/// What a field's rule code means.
pub fn error_text(i18n: I18n, code: RuleCode) -> AnyView {
    match code {
        RuleCode::Required => t!(i18n, desk.errors.required).into_any(),
        RuleCode::TooLong => t!(i18n, desk.errors.too_long).into_any(),
        RuleCode::TooShort => t!(i18n, desk.errors.too_short).into_any(),
        RuleCode::Common => t!(i18n, desk.errors.common).into_any(),
        RuleCode::ContainsLogin => t!(i18n, desk.errors.contains_login).into_any(),
        RuleCode::Mismatch => t!(i18n, desk.errors.mismatch).into_any(),
        RuleCode::LoginShape => t!(i18n, desk.errors.login_shape).into_any(),
        RuleCode::LoginTaken => t!(i18n, desk.errors.login_taken).into_any(),
        RuleCode::InvalidChoice => t!(i18n, desk.errors.invalid_choice).into_any(),
        RuleCode::InvalidDate => t!(i18n, desk.errors.invalid_date).into_any(),
        RuleCode::DateInPast => t!(i18n, desk.errors.date_in_past).into_any(),
        RuleCode::NotAllowed => t!(i18n, desk.errors.not_allowed).into_any(),
        RuleCode::OutOfRange => t!(i18n, desk.errors.out_of_range).into_any(),
        RuleCode::AfterEnd => t!(i18n, desk.errors.after_end).into_any(),
        RuleCode::RangeTooLong => t!(i18n, desk.errors.range_too_long).into_any(),
        RuleCode::NotANumber => t!(i18n, errors.not_a_number).into_any(),
        RuleCode::ControlCharacters => t!(i18n, errors.control_characters).into_any(),
        RuleCode::CodeWrong => t!(i18n, desk.notice.code_wrong).into_any(),
        RuleCode::TooManyAttempts => t!(i18n, desk.notice.too_many_attempts).into_any(),
        RuleCode::WrongPassword => t!(i18n, desk.errors.wrong_password).into_any(),
        RuleCode::LastAdmin => t!(i18n, desk.errors.last_admin).into_any(),
        RuleCode::TooManyFiles => t!(i18n, errors.too_many_files).into_any(),
        RuleCode::FileTooLarge => t!(i18n, errors.file_too_large).into_any(),
        RuleCode::FileType => t!(i18n, errors.file_type).into_any(),
        RuleCode::FileUnreadable => t!(i18n, errors.file_unreadable).into_any(),
        RuleCode::CaseFull => t!(i18n, errors.case_full).into_any(),
        RuleCode::DiskFull => t!(i18n, errors.disk_full).into_any(),
        RuleCode::UnknownReference => t!(i18n, desk.errors.unknown_reference).into_any(),
        RuleCode::ReferenceShape => t!(i18n, desk.errors.reference_shape).into_any(),
        RuleCode::CountryTaken => t!(i18n, desk.errors.country_taken).into_any(),
        RuleCode::CategoryTaken => t!(i18n, desk.errors.category_taken).into_any(),
        RuleCode::GeneralQueue => t!(i18n, desk.errors.general_queue).into_any(),
        RuleCode::TimeRange => t!(i18n, desk.errors.time_range).into_any(),
        RuleCode::NoHours => t!(i18n, desk.errors.no_hours).into_any(),
        RuleCode::EmailShape => t!(i18n, desk.errors.email_shape).into_any(),
    }
}

/// What a notice for a whole form means.
pub fn notice_text(i18n: I18n, code: NoticeCode) -> AnyView {
    match code {
        NoticeCode::NotRecognised => t!(i18n, desk.notice.not_recognised).into_any(),
        NoticeCode::TooManyAttempts => t!(i18n, desk.notice.too_many_attempts).into_any(),
        NoticeCode::CodeWrong => t!(i18n, desk.notice.code_wrong).into_any(),
        NoticeCode::SessionEnded => t!(i18n, desk.notice.session_ended).into_any(),
        NoticeCode::NothingToTake => t!(i18n, desk.notice.nothing_to_take).into_any(),
        NoticeCode::NotAllowed => t!(i18n, desk.errors.not_allowed).into_any(),
        NoticeCode::LastAdmin => t!(i18n, desk.errors.last_admin).into_any(),
        NoticeCode::Saved => t!(i18n, desk.notice.saved).into_any(),
        NoticeCode::CodeWithPassword => t!(i18n, desk.notice.code_with_password).into_any(),
        NoticeCode::Busy => t!(i18n, desk.notice.busy).into_any(),
        NoticeCode::NothingChosen => t!(i18n, desk.notice.nothing_chosen).into_any(),
        NoticeCode::TooManyChosen => t!(i18n, desk.notice.too_many_chosen).into_any(),
        NoticeCode::NotJunk => t!(i18n, desk.notice.not_junk).into_any(),
        NoticeCode::PasskeyRefused => t!(i18n, desk.notice.passkey_refused).into_any(),
        NoticeCode::LastFactor => t!(i18n, desk.notice.last_factor).into_any(),
    }
}

/// A kind of deadline.
pub fn deadline_kind_text(i18n: I18n, kind: DeadlineKind) -> AnyView {
    match kind {
        DeadlineKind::Appeal => t!(i18n, desk.deadline_kind.appeal).into_any(),
        DeadlineKind::PermitExpiry => t!(i18n, desk.deadline_kind.permit_expiry).into_any(),
        DeadlineKind::DocumentExpiry => t!(i18n, desk.deadline_kind.document_expiry).into_any(),
        DeadlineKind::HousingEnd => t!(i18n, desk.deadline_kind.housing_end).into_any(),
        DeadlineKind::Hearing => t!(i18n, desk.deadline_kind.hearing).into_any(),
        DeadlineKind::Other => t!(i18n, desk.deadline_kind.other).into_any(),
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
