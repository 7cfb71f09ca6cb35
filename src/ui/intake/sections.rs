//! The follow-up questions of each category, and the privacy notice.

use crate::{
    domain::{
        intake::{Field, FieldError, IntakeForm, DOCUMENT_KINDS, LEGAL_STATUSES, MEDICAL_KINDS, WORK_PERMITS},
        Category,
    },
    i18n::{t, use_i18n},
    ui::{
        browser,
        components::inputs::{Select, TextInput},
    },
};
use leptos::prelude::*;

/// One category's questions: shown without JavaScript always (with a note that they apply
/// only to that category), with JavaScript only when the category is ticked (the island
/// hides the section and the note: [`browser::show_what_applies`]).
#[component]
fn Section(category: Category, title: AnyView, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="group section" id=browser::section_id(category.as_str())>
            <legend>{title}</legend>
            <p class="hint" id=browser::section_note_id(category.as_str())>{t!(i18n, intake.section_only_if)}</p>
            {children()}
        </fieldset>
    }
}

#[component]
pub fn CategorySections(form: IntakeForm, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Section category=Category::LegalStatus title=t!(i18n, category.legal_status).into_any()>
            <Select field=Field::LegalStatus errors value=form.legal_status.clone() options=LEGAL_STATUSES>
                {t!(i18n, intake.legal_status)}
            </Select>
            <TextInput field=Field::PermitExpiry errors value=form.permit_expiry.clone() kind="date"
                hint=("permit_expiry-hint", t!(i18n, intake.date_hint).into_any())>
                {t!(i18n, intake.permit_expiry)}
            </TextInput>
            <TextInput field=Field::LegalDeadline errors value=form.legal_deadline.clone() kind="date"
                hint=("legal_deadline-hint", t!(i18n, intake.legal_deadline_hint).into_any())>
                {t!(i18n, intake.legal_deadline)}
            </TextInput>
        </Section>
        <Section category=Category::Documents title=t!(i18n, category.documents).into_any()>
            <Select field=Field::DocumentKind errors value=form.document_kind.clone() options=DOCUMENT_KINDS>
                {t!(i18n, intake.document_kind)}
            </Select>
            <TextInput field=Field::DocumentExpiry errors value=form.document_expiry.clone() kind="date"
                hint=("document_expiry-hint", t!(i18n, intake.date_hint).into_any())>
                {t!(i18n, intake.document_expiry)}
            </TextInput>
            <TextInput field=Field::DocumentNumber errors value=form.document_number.clone()
                hint=("document_number-hint", t!(i18n, intake.document_number_hint).into_any())>
                {t!(i18n, intake.document_number)}
            </TextInput>
        </Section>
        <Section category=Category::Housing title=t!(i18n, category.housing).into_any()>
            <TextInput field=Field::HouseholdSize errors value=form.household_size.clone() inputmode="numeric">
                {t!(i18n, intake.household_size)}
            </TextInput>
            <TextInput field=Field::Children errors value=form.children.clone() inputmode="numeric">
                {t!(i18n, intake.children)}
            </TextInput>
            <TextInput field=Field::HousingUntil errors value=form.housing_until.clone() kind="date"
                hint=("housing_until-hint", t!(i18n, intake.date_hint).into_any())>
                {t!(i18n, intake.housing_until)}
            </TextInput>
        </Section>
        <Section category=Category::Work title=t!(i18n, category.work).into_any()>
            <Select field=Field::WorkPermit errors value=form.work_permit.clone() options=WORK_PERMITS>
                {t!(i18n, intake.work_permit)}
            </Select>
            <TextInput field=Field::WorkField errors value=form.work_field.clone()>
                {t!(i18n, intake.work_field)}
            </TextInput>
        </Section>
        <Section category=Category::Medical title=t!(i18n, category.medical).into_any()>
            <Select field=Field::MedicalKind errors value=form.medical_kind.clone() options=MEDICAL_KINDS>
                {t!(i18n, intake.medical_kind)}
            </Select>
        </Section>
    }
}

/// What is stored, that it is encrypted, who reads it, when it is deleted — in plain words.
#[component]
pub fn PrivacyNotice() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="privacy" aria-labelledby="privacy-title">
            <h2 id="privacy-title">{t!(i18n, privacy.title)}</h2>
            <ul>
                <li>{t!(i18n, privacy.stored)}</li>
                <li>{t!(i18n, privacy.encrypted)}</li>
                <li>{t!(i18n, privacy.readers)}</li>
                <li>{t!(i18n, privacy.deleted)}</li>
                <li>{t!(i18n, privacy.no_tracking)}</li>
            </ul>
        </section>
    }
}
