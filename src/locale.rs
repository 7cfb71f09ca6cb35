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

/// The language with this code (`be`, `ru`, `en`).
pub fn from_code(code: &str) -> Option<Locale> {
    match code {
        "be" => Some(Locale::be),
        "ru" => Some(Locale::ru),
        "en" => Some(Locale::en),
        _ => None,
    }
}

/// Languages in the order the switch shows them, each named in itself.
pub const SWITCH: [(Locale, &str); 3] = [(Locale::be, "Беларуская"), (Locale::ru, "Русский"), (Locale::en, "English")];

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
