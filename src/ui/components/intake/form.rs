//! The intake form, the one island of the product: the server renders it in full, and the
//! browser, when it runs the WASM bundle, brings it to life. One page, every section
//! present: without JavaScript the sections of categories not chosen are simply ignored by
//! the server; with JavaScript they are hidden until their category is ticked, and the same
//! rules (`domain::intake`) run in the browser before sending.

use super::sections::{CategorySections, PrivacyNotice};
use crate::{
    api::intake::IntakeNotice,
    domain::intake::{Field, FieldError, IntakeForm, CATEGORY_NAMES, CONTACT_CHANNELS, HOST_COUNTRIES, LANGUAGES, OTHER_COUNTRY, URGENCIES},
    i18n::{t, use_i18n, I18nSubContextProvider},
    ui::{
        browser,
        components::{
            error_summary::ErrorSummary,
            inputs::{Choices, Select, TextArea, TextInput},
            lang_switch::{DefaultSubmit, LangSwitch},
        },
    },
};
use leptos_i18n::Locale as _;
use leptos::{ev::SubmitEvent, prelude::*};

/// Country choices: the host countries, then "another country".
fn country_options() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| HOST_COUNTRIES.iter().copied().chain([OTHER_COUNTRY]).collect())
}

/// The form as typed (empty on a first visit), the problems the server found, the one-time
/// form token, a notice, and the language (`be`, `ru`, `en`) the page is rendered in. These
/// are the island's props: the page carries them for the browser, so they hold nothing the
/// requester did not type or the form does not already show.
#[island]
pub fn IntakeFormIsland(form: IntakeForm, errors: Vec<FieldError>, token: String, notice: Option<IntakeNotice>, lang: String) -> impl IntoView {
    let locale = crate::locale::from_code(&lang).unwrap_or_default();
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(locale)>
            <Form form=form.clone() errors=errors.clone() token=token.clone() notice />
        </I18nSubContextProvider>
    }
}

#[component]
fn Form(form: IntakeForm, errors: Vec<FieldError>, token: String, notice: Option<IntakeNotice>) -> impl IntoView {
    let i18n = use_i18n();
    let errors: RwSignal<Vec<FieldError>> = RwSignal::new(errors);
    let chosen = RwSignal::new(form.categories.clone());
    let country = RwSignal::new(form.country.clone());
    let channel = RwSignal::new(form.contact_channel.clone());
    // Sections are hidden only once the browser can show them again. On a slow connection
    // the requester may tick, choose and type before the page comes alive: the form as it
    // stands then, not as it was sent, decides what is shown.
    let js = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(get) = browser::form_values("intake") {
            let one = |name| get(name).into_iter().next().unwrap_or_default();
            chosen.set(get("categories"));
            country.set(one("country"));
            channel.set(one("contact_channel"));
        }
        js.set(true);
    });

    let language = if form.language.is_empty() { i18n.get_locale_untracked().as_str().to_owned() } else { form.language.clone() };
    let on_submit = move |ev: SubmitEvent| {
        if browser::is_language_switch(&ev) {
            return;
        }
        if let Some(typed) = browser::read_intake(&ev) {
            if let Err(found) = typed.validate(browser::today()) {
                ev.prevent_default();
                errors.set(found);
                browser::focus("error-summary");
            }
        }
    };
    let toggle_category = Callback::new(move |(value, on): (String, bool)| {
        chosen.update(|c| {
            c.retain(|x| *x != value);
            if on {
                c.push(value);
            }
        })
    });
    let pick_channel = Callback::new(move |(value, on): (String, bool)| {
        if on {
            channel.set(value)
        }
    });
    let on_country = move |ev| country.set(event_target_value(&ev));
    let hide_other_country = move || js.get() && country.get() != OTHER_COUNTRY;
    let hide_handle = move || js.get() && (channel.get().is_empty() || channel.get() == "site");

    view! {
        <form id="intake" method="post" action="/" novalidate on:submit=on_submit>
            <DefaultSubmit>{t!(i18n, intake.submit)}</DefaultSubmit>
            <LangSwitch form="intake" />
            <h1>{t!(i18n, intake.title)}</h1>
            <p class="lead">{t!(i18n, intake.lead)}</p>
            {match notice {
                Some(IntakeNotice::StaleForm) => Some(view! { <p class="notice" role="alert">{t!(i18n, intake.stale_form)}</p> }.into_any()),
                Some(IntakeNotice::Busy) => Some(view! { <p class="notice" role="alert">{t!(i18n, intake.busy)}</p> }.into_any()),
                Some(IntakeNotice::AlreadySent) => Some(view! {
                    <p class="notice" role="alert">
                        {t!(i18n, intake.already_sent)}" "<a href="/follow-up">{t!(i18n, intake.already_sent_link)}</a>
                    </p>
                }.into_any()),
                _ => None,
            }}
            <ErrorSummary errors />
            <input type="hidden" name="form_token" value=token />
            <input type="hidden" name="ui_lang" value=move || i18n.get_locale().as_str() />

            <Choices field=Field::Categories errors chosen=form.categories.clone() options=CATEGORY_NAMES on_toggle=toggle_category>
                {t!(i18n, intake.categories)}
            </Choices>

            <fieldset class="group">
                <legend>{t!(i18n, intake.where_now)}</legend>
                <div class="field">
                    <label for="country">{t!(i18n, intake.country)}</label>
                    <crate::ui::components::field::FieldErrorText field=Field::Country errors />
                    <select id="country" name="country" aria-required="true"
                        aria-invalid=crate::ui::components::field::invalid(errors, Field::Country)
                        aria-describedby=crate::ui::components::field::described_by(errors, Field::Country, None)
                        on:change=on_country>
                        <option value="" selected=form.country.is_empty()>{t!(i18n, common.choose)}</option>
                        {country_options().iter().map(|code| {
                            let selected = form.country == *code;
                            view! { <option value=*code selected=selected>{move || crate::ui::components::messages::choice_text(i18n, "country", code)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div hidden=hide_other_country>
                    <TextInput field=Field::OtherCountry errors value=form.other_country.clone()
                        hint=("other_country-hint", t!(i18n, intake.other_country_hint).into_any())>
                        {t!(i18n, intake.other_country)}
                    </TextInput>
                </div>
                <TextInput field=Field::City errors value=form.city.clone() required=true>
                    {t!(i18n, intake.city)}
                </TextInput>
            </fieldset>

            <CategorySections form=form.clone() errors chosen js />

            <Choices field=Field::Urgency errors chosen=form.urgency.clone() options=URGENCIES>
                {t!(i18n, intake.urgency)}
            </Choices>

            <TextArea field=Field::Description errors value=form.description.clone()
                hint=("description-hint", t!(i18n, intake.description_hint).into_any())>
                {t!(i18n, intake.description)}
            </TextArea>

            <fieldset class="group">
                <legend>{t!(i18n, intake.about_you)}</legend>
                <TextInput field=Field::Name errors value=form.name.clone() required=true
                    hint=("name-hint", t!(i18n, intake.name_hint).into_any())>
                    {t!(i18n, intake.name)}
                </TextInput>
                <Select field=Field::Language errors value=language options=LANGUAGES required=true>
                    {t!(i18n, intake.language)}
                </Select>
                <Choices field=Field::ContactChannel errors chosen=vec![form.contact_channel.clone()] options=CONTACT_CHANNELS kind="radio" on_toggle=pick_channel>
                    {t!(i18n, intake.contact_channel)}
                </Choices>
                <div hidden=hide_handle>
                    <TextInput field=Field::ContactHandle errors value=form.contact_handle.clone()
                        hint=("contact_handle-hint", t!(i18n, intake.contact_handle_hint).into_any())>
                        {t!(i18n, intake.contact_handle)}
                    </TextInput>
                </div>
            </fieldset>

            <PrivacyNotice />
            <div class="field consent">
                <crate::ui::components::field::FieldErrorText field=Field::Consent errors />
                <div class="choice">
                    <input type="checkbox" id="consent" name="consent" value="yes" checked=form.consent
                        aria-invalid=crate::ui::components::field::invalid(errors, Field::Consent)
                        aria-describedby=crate::ui::components::field::described_by(errors, Field::Consent, None) />
                    <label for="consent">{t!(i18n, intake.consent)}</label>
                </div>
            </div>
            <button type="submit" class="primary">{t!(i18n, intake.submit)}</button>
        </form>
    }
}
