use super::*;

fn today() -> Option<Date> {
    Date::parse("2026-11-22")
}

fn filled() -> IntakeForm {
    IntakeForm {
        categories: vec!["legal_status".into(), "housing".into()],
        country: "PL".into(),
        city: "Białystok".into(),
        legal_status: "visa".into(),
        permit_expiry: "2026-12-31".into(),
        household_size: "3".into(),
        children: "1".into(),
        description: "Мне трэба дапамога з картай побыту.".into(),
        name: "Алеся".into(),
        language: "be".into(),
        contact_channel: "signal".into(),
        contact_handle: "+48 600 100 200".into(),
        consent: true,
        ..IntakeForm::default()
    }
}

fn rules(form: &IntakeForm) -> Vec<(Field, Rule)> {
    form.validate(today()).err().unwrap_or_default().into_iter().map(|e| (e.field, e.rule)).collect()
}

#[test]
fn a_complete_form_passes_and_keeps_only_chosen_sections() {
    let mut form = filled();
    form.document_kind = "passport_lost".into(); // documents not chosen: ignored
    let valid = form.validate(today()).unwrap();
    assert_eq!(valid.categories, vec![Category::LegalStatus, Category::Housing]);
    assert_eq!(valid.country.as_deref(), Some("PL"));
    assert_eq!(valid.answers.household_size, Some(3));
    assert_eq!(valid.answers.document_kind, None);
    assert_eq!(valid.priority, Priority::Normal);
}

#[test]
fn empty_form_names_every_required_field() {
    let got = rules(&IntakeForm::default());
    for expected in [
        (Field::Categories, Rule::ChooseOne),
        (Field::Country, Rule::ChooseOne),
        (Field::City, Rule::Required),
        (Field::Description, Rule::Required),
        (Field::Name, Rule::Required),
        (Field::Language, Rule::ChooseOne),
        (Field::ContactChannel, Rule::ChooseOne),
        (Field::Consent, Rule::ConsentRequired),
    ] {
        assert!(got.contains(&expected), "{expected:?} missing from {got:?}");
    }
}

#[test]
fn blank_is_empty() {
    let mut form = filled();
    form.name = "   \n ".into();
    assert_eq!(rules(&form), vec![(Field::Name, Rule::Required)]);
}

#[test]
fn oversized_fields_are_refused() {
    let mut form = filled();
    form.name = "я".repeat(limits::NAME + 1);
    form.description = "x".repeat(limits::DESCRIPTION + 1);
    assert_eq!(rules(&form), vec![(Field::Description, Rule::TooLong), (Field::Name, Rule::TooLong)]);
    form.name = "я".repeat(limits::NAME);
    form.description = "x".repeat(limits::DESCRIPTION);
    assert!(form.validate(today()).is_ok(), "limits count characters, not bytes");
}

#[test]
fn invalid_and_past_dates_are_refused() {
    let mut form = filled();
    form.permit_expiry = "2026-02-30".into();
    form.legal_deadline = "2026-11-21".into();
    assert_eq!(rules(&form), vec![(Field::PermitExpiry, Rule::InvalidDate), (Field::LegalDeadline, Rule::DateInPast)]);
    // An expired permit is a fact, not an error.
    form.permit_expiry = "2020-01-01".into();
    form.legal_deadline = "2026-11-22".into();
    assert!(form.validate(today()).is_ok());
}

#[test]
fn section_questions_apply_only_to_chosen_categories() {
    let mut form = filled();
    form.legal_status = String::new();
    form.household_size = "0".into();
    assert_eq!(rules(&form), vec![(Field::LegalStatus, Rule::ChooseOne), (Field::HouseholdSize, Rule::OutOfRange)]);
    form.categories = vec!["work".into()];
    assert!(form.validate(today()).is_ok());
    form.household_size = "three".into();
    form.categories = vec!["housing".into()];
    assert_eq!(rules(&form), vec![(Field::HouseholdSize, Rule::NotANumber)]);
    form.household_size = "2".into();
    form.children = "2".into();
    assert_eq!(rules(&form), vec![(Field::Children, Rule::ChildrenExceedHousehold)]);
}

#[test]
fn unknown_choices_are_refused() {
    let mut form = filled();
    form.categories.push("weapons".into());
    form.country = "BY".into();
    form.language = "de".into();
    form.urgency = vec!["bored".into()];
    let got = rules(&form);
    assert_eq!(
        got,
        vec![
            (Field::Categories, Rule::InvalidChoice),
            (Field::Country, Rule::InvalidChoice),
            (Field::Urgency, Rule::InvalidChoice),
            (Field::Language, Rule::InvalidChoice)
        ]
    );
}

#[test]
fn other_country_must_be_named() {
    let mut form = filled();
    form.country = OTHER_COUNTRY.into();
    assert_eq!(rules(&form), vec![(Field::OtherCountry, Rule::Required)]);
    form.other_country = "Portugal".into();
    let valid = form.validate(today()).unwrap();
    assert_eq!((valid.country, valid.other_country.as_deref()), (None, Some("Portugal")));
}

#[test]
fn contact_handle_matches_the_channel() {
    let mut form = filled();
    for (channel, handle, rule) in [
        ("email", "not-an-address", Some(Rule::InvalidEmail)),
        ("email", "a@b", Some(Rule::InvalidEmail)),
        ("email", "ales@example.org", None),
        ("phone", "call me", Some(Rule::InvalidPhone)),
        ("phone", "+370 612 34567", None),
        ("telegram", "@ok_name", None),
        ("telegram", "<script>", Some(Rule::InvalidHandle)),
        ("signal", "", Some(Rule::Required)),
        ("site", "", None),
    ] {
        form.contact_channel = channel.into();
        form.contact_handle = handle.into();
        let got = rules(&form);
        assert_eq!(got.first().map(|e| e.1), rule, "{channel} {handle}");
    }
}

#[test]
fn control_characters_are_refused_but_line_breaks_kept() {
    let mut form = filled();
    form.description = "line one\nline two\ttab".into();
    assert!(form.validate(today()).is_ok());
    form.description = "nul\u{0}byte".into();
    assert_eq!(rules(&form), vec![(Field::Description, Rule::ControlCharacters)]);
}

#[test]
fn urgency_sets_priority() {
    let mut form = filled();
    form.urgency = vec!["deadline_7_days".into()];
    assert_eq!(form.validate(today()).unwrap().priority, Priority::High);
    form.urgency = vec!["deadline_7_days".into(), "no_shelter".into()];
    assert_eq!(form.validate(today()).unwrap().priority, Priority::Urgent);
    form.urgency = vec!["detention_risk".into()];
    assert_eq!(form.validate(today()).unwrap().priority, Priority::Urgent);
    form.urgency.clear();
    form.legal_deadline = "2026-11-29".into();
    assert_eq!(form.validate(today()).unwrap().priority, Priority::High, "a dated deadline within 7 days");
    form.legal_deadline = "2026-12-30".into();
    assert_eq!(form.validate(today()).unwrap().priority, Priority::Normal);
}

#[test]
fn consent_is_required() {
    let mut form = filled();
    form.consent = false;
    assert_eq!(rules(&form), vec![(Field::Consent, Rule::ConsentRequired)]);
}

#[test]
fn messages_are_checked() {
    assert_eq!(validate_message("  thanks  ").unwrap(), "thanks");
    assert_eq!(validate_message("").unwrap_err().rule, Rule::Required);
    assert_eq!(validate_message(&"a".repeat(limits::MESSAGE + 1)).unwrap_err().rule, Rule::TooLong);
}

#[test]
fn the_lists_of_rules_and_intake_fields_are_whole() {
    // A rule added to the enum must be added to `Rule::ALL` (the browser is given a message
    // for each rule in it): this match stops compiling until it is.
    let position = |rule: Rule| match rule {
        Rule::Required => 0,
        Rule::ChooseOne => 1,
        Rule::TooLong => 2,
        Rule::InvalidChoice => 3,
        Rule::InvalidDate => 4,
        Rule::DateInPast => 5,
        Rule::NotANumber => 6,
        Rule::OutOfRange => 7,
        Rule::ChildrenExceedHousehold => 8,
        Rule::InvalidEmail => 9,
        Rule::InvalidPhone => 10,
        Rule::InvalidHandle => 11,
        Rule::ConsentRequired => 12,
        Rule::ControlCharacters => 13,
        Rule::TooManyFiles => 14,
        Rule::FileTooLarge => 15,
        Rule::FileType => 16,
        Rule::FileUnreadable => 17,
        Rule::CaseFull => 18,
        Rule::DiskFull => 19,
    };
    for (i, rule) in Rule::ALL.iter().enumerate() {
        assert_eq!(position(*rule), i, "{rule:?}");
    }
    // Every field the intake rules can name is an intake field (the browser writes errors
    // for those), and each is listed once.
    let mut wrong = filled();
    wrong.categories = CATEGORY_NAMES.iter().map(|c| c.to_string()).chain(["nonsense".into()]).collect();
    wrong.country = "other".into();
    wrong.other_country = "x".repeat(limits::OTHER_COUNTRY + 1);
    wrong.city = "\u{7}".into();
    wrong.legal_status = "nonsense".into();
    wrong.permit_expiry = "nonsense".into();
    wrong.legal_deadline = "nonsense".into();
    wrong.document_kind = "nonsense".into();
    wrong.document_expiry = "nonsense".into();
    wrong.household_size = "many".into();
    wrong.children = "many".into();
    wrong.housing_until = "nonsense".into();
    wrong.work_permit = "nonsense".into();
    wrong.work_field = "\u{7}".into();
    wrong.document_number = "\u{7}".into();
    wrong.medical_kind = "nonsense".into();
    wrong.urgency = vec!["nonsense".into()];
    wrong.description = String::new();
    wrong.name = String::new();
    wrong.language = "nonsense".into();
    wrong.contact_handle = "not a handle".into();
    wrong.consent = false;
    let named: Vec<Field> = rules(&wrong).into_iter().chain(rules(&IntakeForm::default())).map(|(field, _)| field).collect();
    // Files are judged by the server as they arrive, not by these rules.
    for field in Field::INTAKE.into_iter().filter(|f| *f != Field::Documents) {
        assert!(named.contains(&field), "{field:?} not reached");
        assert_eq!(Field::INTAKE.iter().filter(|f| **f == field).count(), 1, "{field:?}");
    }
    assert!(named.iter().all(|field| Field::INTAKE.contains(field)), "{named:?}");
}
