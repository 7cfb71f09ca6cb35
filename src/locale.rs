//! Which language a page speaks. leptos_i18n picks it from the `lang` cookie, else from
//! `Accept-Language`; a language switch (a form button or a `?lang=` link) overrides both
//! and is remembered in the cookie. During hydration the browser takes the language the
//! server chose from `<html lang>`, so both sides always agree.

use crate::i18n::{use_i18n, Locale};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A language chosen by the request itself (a switch), provided by the server's handlers.
#[derive(Clone, Copy, Debug)]
pub struct ChosenLang(pub Locale);

/// The language with this code (`be`, `ru`, `en`, `uk`, `pl`, `lt`).
pub fn from_code(code: &str) -> Option<Locale> {
    match code {
        "be" => Some(Locale::be),
        "ru" => Some(Locale::ru),
        "en" => Some(Locale::en),
        "uk" => Some(Locale::uk),
        "pl" => Some(Locale::pl),
        "lt" => Some(Locale::lt),
        _ => None,
    }
}

/// Languages in the order the switch shows them, each named in itself.
pub const SWITCH: [(Locale, &str); 6] = [
    (Locale::be, "Беларуская"),
    (Locale::ru, "Русский"),
    (Locale::en, "English"),
    (Locale::uk, "Українська"),
    (Locale::pl, "Polski"),
    (Locale::lt, "Lietuvių"),
];

/// Applies a language chosen by the request (switch button or `?lang=`), on the server and
/// again during hydration, before anything is rendered in the old one.
#[component]
pub fn ApplyChosenLocale() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let chosen = use_context::<ChosenLang>().map(|c| c.0).or_else(|| query.with_untracked(|q| q.get("lang")).as_deref().and_then(from_code));
    if let Some(locale) = chosen {
        if i18n.get_locale_untracked() != locale {
            i18n.set_locale(locale);
        }
    }
}

/// `Set-Cookie` value that remembers a language for a year (not sensitive: a language).
pub fn remember_cookie(locale: Locale) -> String {
    format!("lang={}; Path=/; SameSite=Strict; Max-Age=31536000", <Locale as leptos_i18n::Locale>::as_str(locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::td_string;
    use std::collections::{BTreeMap, BTreeSet};

    /// Every string of a locale file by its dotted key.
    fn strings(code: &str) -> BTreeMap<String, String> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        walk(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out);
                    }
                }
                serde_json::Value::String(s) => {
                    out.insert(prefix.to_owned(), s.clone());
                }
                other => panic!("{prefix} is {other}, not a string"),
            }
        }
        let path = format!("{}/locales/{code}.json", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("the locale file")).expect("JSON");
        let mut out = BTreeMap::new();
        walk("", &value, &mut out);
        out
    }

    /// The plural forms of a language for whole numbers and fractions (CLDR).
    fn plural_forms(code: &str) -> &'static [&'static str] {
        match code {
            "en" => &["one", "other"],
            _ => &["one", "few", "many", "other"],
        }
    }

    /// The plural groups: the keys whose `_one` and `_other` forms both exist in English.
    fn plural_groups(en: &BTreeMap<String, String>) -> BTreeSet<String> {
        en.keys().filter_map(|k| k.strip_suffix("_other")).filter(|stem| en.contains_key(&format!("{stem}_one"))).map(str::to_owned).collect()
    }

    /// A key with its plural form taken off, when it has one of `forms`; keys of a plural
    /// group share their base.
    fn base<'a>(key: &'a str, groups: &BTreeSet<String>) -> &'a str {
        for form in ["_one", "_few", "_many", "_other"] {
            if let Some(stem) = key.strip_suffix(form) {
                if groups.contains(stem) {
                    return stem;
                }
            }
        }
        key
    }

    #[test]
    fn every_locale_has_every_key_another_has() {
        let codes: Vec<&str> = SWITCH.iter().map(|(l, _)| <Locale as leptos_i18n::Locale>::as_str(*l)).collect();
        assert_eq!(codes, ["be", "ru", "en", "uk", "pl", "lt"]);
        let all: BTreeMap<&str, BTreeMap<String, String>> = codes.iter().map(|c| (*c, strings(c))).collect();
        let groups = plural_groups(&all["en"]);
        let bases = |code: &str| -> BTreeSet<String> { all[code].keys().map(|k| base(k, &groups).to_owned()).collect() };
        let union: BTreeSet<String> = codes.iter().flat_map(|c| bases(c)).collect();
        let mut missing = Vec::new();
        for code in &codes {
            let have = bases(code);
            missing.extend(union.difference(&have).map(|k| format!("{code}: {k}")));
            for group in &groups {
                for form in plural_forms(code) {
                    if !all[code].contains_key(&format!("{group}_{form}")) {
                        missing.push(format!("{code}: {group}_{form}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing:\n{}", missing.join("\n"));
    }

    #[test]
    fn every_translation_keeps_the_placeholders_of_english() {
        let placeholders =
            |s: &str| -> BTreeSet<String> { s.split("{{").skip(1).filter_map(|rest| rest.split("}}").next()).map(|p| p.trim().to_owned()).collect() };
        let en = strings("en");
        let groups = plural_groups(&en);
        let mut wrong = Vec::new();
        for code in ["be", "ru", "uk", "pl", "lt"] {
            for (key, text) in strings(code) {
                let stem = base(&key, &groups);
                let fits = if stem == key {
                    en.get(&key).is_none_or(|english| placeholders(&text) == placeholders(english))
                } else {
                    // A plural form may leave out the count ("one day") but add nothing.
                    en.get(&format!("{stem}_other")).is_some_and(|english| placeholders(&text).is_subset(&placeholders(english)))
                };
                if !fits {
                    wrong.push(format!("{code}: {key}"));
                }
            }
        }
        assert!(wrong.is_empty(), "placeholders differ from English:\n{}", wrong.join("\n"));
    }

    #[test]
    fn counts_take_each_language_s_plural_form() {
        let days = |locale: Locale, count: u32| td_string!(locale, desk.queue.age_days, count).to_string();
        let open = |locale: Locale, count: u32| td_string!(locale, desk.queue.open_count, count).to_string();
        // Ukrainian: 1, 21 one; 2–4 few; 5–20, 25 many.
        assert_eq!([1, 3, 11, 21, 25].map(|n| days(Locale::uk, n)), ["1 день", "3 дні", "11 днів", "21 день", "25 днів"]);
        // Polish: 1 one; 2–4, 22–24 few (not 12–14); everything else many, 21 too.
        assert_eq!(
            [1, 2, 12, 21, 22, 25].map(|n| open(Locale::pl, n)),
            ["1 otwarta sprawa", "2 otwarte sprawy", "12 otwartych spraw", "21 otwartych spraw", "22 otwarte sprawy", "25 otwartych spraw"]
        );
        // Lithuanian: 1, 21 one; 2–9, 22 few; 10–20, 30 other.
        assert_eq!(
            [1, 2, 10, 12, 21, 22, 30].map(|n| days(Locale::lt, n)),
            ["1 diena", "2 dienos", "10 dienų", "12 dienų", "21 diena", "22 dienos", "30 dienų"]
        );
        // Belarusian and Russian keep theirs.
        assert_eq!([1, 2, 5].map(|n| days(Locale::ru, n)), ["1 день", "2 дня", "5 дней"]);
    }
}
