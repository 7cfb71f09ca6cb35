//! The intake form, the one island of the product. The server renders the whole form, in
//! the page's language; the island is only the `<form>` element around it, so the browser's
//! bundle holds the behaviour and none of the form's markup or translations. Without
//! JavaScript the sections of categories not chosen are simply ignored by the server; with
//! JavaScript they are hidden until their category is ticked, and the same rules
//! (`domain::intake`) run in the browser before sending.

use super::sections::{CategorySections, PrivacyNotice};
use crate::{
    api::{documents::UploadDto, intake::IntakeNotice},
    domain::intake::{Field, FieldError, IntakeForm, Rule, CATEGORY_NAMES, CONTACT_CHANNELS, HOST_COUNTRIES, LANGUAGES, OTHER_COUNTRY, URGENCIES},
    i18n::{t, td_string, use_i18n},
    ui::{
        browser,
        components::{
            documents::DocumentsField,
            error_summary::ErrorSummary,
            field::{described_by, invalid, FieldErrorText},
            inputs::{Choices, Select, TextArea, TextInput},
            lang_switch::{DefaultSubmit, LangSwitch},
            messages::{choice_text, field_label_string, rule_string, Lang},
        },
    },
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_i18n::Locale as _;
use serde::{Deserialize, Serialize};

/// What the browser writes when its checks fail, in the page's language: the error
/// summary's title, the prefix read out before each error, each rule's message (in the
/// order of [`Rule::ALL`]) and each field's name (in the order of [`Field::INTAKE`]). The
/// page carries it as the island's props.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorTexts {
    pub title: String,
    pub prefix: String,
    pub rules: Vec<String>,
    pub labels: Vec<String>,
}

impl ErrorTexts {
    /// The texts in `lang`.
    pub fn new(lang: impl Lang) -> Self {
        ErrorTexts {
            title: td_string!(lang.locale(), errors.summary_title).to_string(),
            prefix: td_string!(lang.locale(), errors.prefix).to_string(),
            rules: Rule::ALL.iter().map(|&rule| rule_string(lang, rule)).collect(),
            labels: Field::INTAKE.iter().map(|&field| field_label_string(lang, field)).collect(),
        }
    }

    /// The message of `rule`.
    pub fn rule(&self, rule: Rule) -> &str {
        Rule::ALL.iter().position(|r| *r == rule).and_then(|i| self.rules.get(i)).map_or("", String::as_str)
    }

    /// The name of `field`.
    pub fn label(&self, field: Field) -> &str {
        Field::INTAKE.iter().position(|f| *f == field).and_then(|i| self.labels.get(i)).map_or("", String::as_str)
    }
}

/// The `<form>` element around the server-rendered form: shows the sections and questions
/// that apply to what is chosen, and checks the form before it is sent.
#[island]
pub fn IntakeFormIsland(texts: ErrorTexts, children: Children) -> impl IntoView {
    // Sections are hidden only once the browser can show them again. On a slow connection
    // the requester may tick, choose and type before the page comes alive: the form as it
    // stands then, not as it was sent, decides what is shown.
    Effect::new(|_| browser::show_what_applies(FORM_ID));
    let on_submit = move |ev: SubmitEvent| {
        if browser::is_language_switch(&ev) {
            return;
        }
        if let Some(typed) = browser::read_intake(&ev) {
            if let Err(found) = typed.validate(browser::today()) {
                ev.prevent_default();
                browser::show_errors(FORM_ID, &found, &texts);
            }
        }
    };
    view! {
        <form id=FORM_ID method="post" action="/" enctype="multipart/form-data" novalidate on:submit=on_submit on:change=|_| browser::show_what_applies(FORM_ID)>
            {children()}
        </form>
    }
}

const FORM_ID: &str = "intake";

/// Country choices: the common host countries, then the other countries an embassy takes
/// (`routed`) by name in `language`, then "another country".
fn country_options(routed: &[String], language: &str) -> Vec<String> {
    let mut more: Vec<&String> = routed.iter().filter(|c| !HOST_COUNTRIES.contains(&c.as_str())).collect();
    more.sort_by_key(|c| crate::domain::countries::name(c, language).unwrap_or_default());
    HOST_COUNTRIES.iter().map(|c| (*c).to_owned()).chain(more.into_iter().cloned()).chain([OTHER_COUNTRY.to_owned()]).collect()
}

/// The intake form: the form as typed (empty on a first visit), the problems the server
/// found, the one-time form token and a notice.
#[component]
pub fn IntakeFormView(
    form: IntakeForm,
    errors: Vec<FieldError>,
    token: String,
    notice: Option<IntakeNotice>,
    upload: UploadDto,
    countries: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let texts = ErrorTexts::new(locale);
    let errors: RwSignal<Vec<FieldError>> = RwSignal::new(errors);
    let language = if form.language.is_empty() { locale.as_str().to_owned() } else { form.language.clone() };

    view! {
        <IntakeFormIsland texts>
            <DefaultSubmit>{t!(i18n, intake.submit)}</DefaultSubmit>
            <LangSwitch form=FORM_ID />
            <h1>{t!(i18n, intake.title)}</h1>
            <p class="lead">{t!(i18n, intake.lead)}</p>
            {match notice {
                Some(IntakeNotice::StaleForm) => Some(view! { <p class="notice" role="alert">{t!(i18n, intake.stale_form)}</p> }.into_any()),
                Some(IntakeNotice::Busy) => Some(view! { <p class="notice" role="alert">{t!(i18n, intake.busy)}</p> }.into_any()),
                _ => None,
            }}
            <ErrorSummary errors />
            <input type="hidden" name="form_token" value=token />
            <input type="hidden" name="ui_lang" value=locale.as_str() />

            <Choices field=Field::Categories errors chosen=form.categories.clone() options=CATEGORY_NAMES>
                {t!(i18n, intake.categories)}
            </Choices>

            <fieldset class="group">
                <legend>{t!(i18n, intake.where_now)}</legend>
                <div class="field">
                    <label for="country">{t!(i18n, intake.country)}</label>
                    <FieldErrorText field=Field::Country errors />
                    <select id="country" name="country" aria-required="true"
                        aria-invalid=invalid(errors, Field::Country)
                        aria-describedby=described_by(errors, Field::Country, None)>
                        <option value="" selected=form.country.is_empty()>{t!(i18n, common.choose)}</option>
                        {country_options(&countries, locale.as_str()).into_iter().map(|code| {
                            let selected = form.country == code;
                            let name = choice_text(i18n, "country", &code);
                            view! { <option value=code selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div id=browser::OTHER_COUNTRY_GROUP>
                    <TextInput field=Field::OtherCountry errors value=form.other_country.clone()
                        hint=("other_country-hint", t!(i18n, intake.other_country_hint).into_any())>
                        {t!(i18n, intake.other_country)}
                    </TextInput>
                </div>
                <TextInput field=Field::City errors value=form.city.clone() required=true>
                    {t!(i18n, intake.city)}
                </TextInput>
            </fieldset>

            <CategorySections form=form.clone() errors />

            <Choices field=Field::Urgency errors chosen=form.urgency.clone() options=URGENCIES>
                {t!(i18n, intake.urgency)}
            </Choices>

            <TextArea field=Field::Description errors value=form.description.clone()
                hint=("description-hint", t!(i18n, intake.description_hint).into_any())>
                {t!(i18n, intake.description)}
            </TextArea>

            <DocumentsField upload errors />

            <fieldset class="group">
                <legend>{t!(i18n, intake.about_you)}</legend>
                <TextInput field=Field::Name errors value=form.name.clone() required=true
                    hint=("name-hint", t!(i18n, intake.name_hint).into_any())>
                    {t!(i18n, intake.name)}
                </TextInput>
                <Select field=Field::Language errors value=language options=LANGUAGES required=true>
                    {t!(i18n, intake.language)}
                </Select>
                <Choices field=Field::ContactChannel errors chosen=vec![form.contact_channel.clone()] options=CONTACT_CHANNELS kind="radio">
                    {t!(i18n, intake.contact_channel)}
                </Choices>
                <div id=browser::CONTACT_HANDLE_GROUP>
                    <TextInput field=Field::ContactHandle errors value=form.contact_handle.clone()
                        hint=("contact_handle-hint", t!(i18n, intake.contact_handle_hint).into_any())>
                        {t!(i18n, intake.contact_handle)}
                    </TextInput>
                </div>
            </fieldset>

            <PrivacyNotice />
            <div class="field consent">
                <FieldErrorText field=Field::Consent errors />
                <div class="choice">
                    <input type="checkbox" id="consent" name="consent" value="yes" checked=form.consent
                        aria-invalid=invalid(errors, Field::Consent)
                        aria-describedby=described_by(errors, Field::Consent, None) />
                    <label for="consent">{t!(i18n, intake.consent)}</label>
                </div>
            </div>
            <button type="submit" class="primary">{t!(i18n, intake.submit)}</button>
        </IntakeFormIsland>
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorTexts;
    use crate::{
        domain::intake::{Field, Rule},
        i18n::Locale,
    };

    #[test]
    fn the_browser_is_given_each_rule_and_field_in_the_pages_language() {
        let texts = ErrorTexts::new(Locale::en);
        assert_eq!(texts.rule(Rule::NotANumber), "Please give a number, for example 3.");
        assert_eq!(texts.rule(Rule::ControlCharacters), "This contains characters that cannot be stored. Please retype it.");
        assert_eq!(texts.label(Field::Categories), "What do you need help with? Choose one or more.");
        assert_eq!(texts.label(Field::Consent), "Consent");
        assert_eq!(texts.label(Field::Message), "", "not a field of this form");
        let be = ErrorTexts::new(Locale::be);
        assert_eq!(be.rule(Rule::Required), "Калі ласка, запоўніце гэтае поле.");
        assert_eq!(be.title, "Калі ласка, праверце гэтыя адказы");
        assert!(Rule::ALL.iter().all(|rule| !be.rule(*rule).is_empty()));
        assert!(Field::INTAKE.iter().all(|field| !be.label(*field).is_empty()));
    }
}
