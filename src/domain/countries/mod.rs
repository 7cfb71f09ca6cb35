//! The countries of ISO 3166-1: which codes exist, their names in each requester language
//! (CLDR) and the time zone an embassy there starts with (the tz database's zone.tab).
//! Intake accepts any of them as where a requester is now; an admin may open an embassy in
//! any of them and route any of them to an embassy.

mod data;

use data::{CODES, HOME_ZONES, NAMES, ZONES};

/// Position of `code` in the table, for an upper-case ISO 3166-1 alpha-2 code.
fn index(code: &str) -> Option<usize> {
    let code = code.as_bytes();
    if code.len() != 2 {
        return None;
    }
    let codes = CODES.as_bytes();
    let (mut low, mut high) = (0, codes.len() / 2);
    while low < high {
        let middle = (low + high) / 2;
        match codes[2 * middle..2 * middle + 2].cmp(code) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return Some(middle),
        }
    }
    None
}

/// Whether `code` is a country of ISO 3166-1 (upper case, e.g. `BE`).
pub fn is_code(code: &str) -> bool {
    index(code).is_some()
}

/// Belarus: the country the desk's requesters have left, so never a host country.
pub const BELARUS: &str = "BY";

/// Whether `code` can be a host country: a country of ISO 3166-1 other than Belarus. Intake
/// takes any of them as where a requester is now, and an admin may open an embassy in or
/// route any of them.
pub fn is_host(code: &str) -> bool {
    code != BELARUS && is_code(code)
}

/// Every code, in alphabetical order.
pub fn codes() -> impl Iterator<Item = &'static str> {
    (0..CODES.len() / 2).map(|i| &CODES[2 * i..2 * i + 2])
}

/// The country's name in `language` (be, ru, en, uk, pl, lt; anything else: English).
pub fn name(code: &str, language: &str) -> Option<&'static str> {
    let column = match language {
        "be" => 0,
        "ru" => 1,
        "uk" => 3,
        "pl" => 4,
        "lt" => 5,
        _ => 2,
    };
    index(code).map(|i| NAMES[i][column])
}

/// The time zone an embassy in the country starts with: its capital's, `UTC` for a
/// country without a zone of its own.
pub fn home_zone(code: &str) -> Option<&'static str> {
    index(code).map(|i| HOME_ZONES[i])
}

/// Whether `zone` is one an embassy may be set to (a zone of zone.tab, or `UTC`).
pub fn is_zone(zone: &str) -> bool {
    ZONES.binary_search(&zone).is_ok()
}

/// Every zone an embassy may be set to, by name.
pub fn zones() -> &'static [&'static str] {
    &ZONES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_found_and_only_those() {
        assert_eq!(codes().count(), 249);
        for code in codes() {
            assert!(is_code(code), "{code}");
            assert!(home_zone(code).is_some_and(is_zone), "{code}");
            for language in ["be", "ru", "en", "uk", "pl", "lt"] {
                assert!(name(code, language).is_some_and(|n| !n.is_empty()), "{code} {language}");
            }
        }
        for not in ["", "B", "be", "BEL", "ZZ", "XX", "EU", "UK"] {
            assert!(!is_code(not), "{not}");
        }
        assert!(is_code("BY") && !is_host("BY") && is_host("BE"));
    }

    #[test]
    fn names_speak_the_reader_s_language() {
        assert_eq!(name("BE", "en"), Some("Belgium"));
        assert_eq!(name("BE", "be"), Some("Бельгія"));
        assert_eq!(name("BE", "ru"), Some("Бельгия"));
        assert_eq!(name("BE", "pl"), Some("Belgia"));
        assert_eq!(name("BE", "lt"), Some("Belgija"));
        assert_eq!(name("LU", "uk"), Some("Люксембург"));
        assert_eq!(name("BE", "fr"), Some("Belgium"));
    }

    #[test]
    fn an_embassy_starts_in_its_country_s_zone() {
        assert_eq!(home_zone("PL"), Some("Europe/Warsaw"));
        assert_eq!(home_zone("BE"), Some("Europe/Brussels"));
        assert_eq!(home_zone("UA"), Some("Europe/Kyiv"));
        assert!(ZONES.windows(2).all(|w| w[0] < w[1]), "ZONES is sorted");
        assert!(is_zone("UTC") && is_zone("America/New_York") && !is_zone("Mars/Olympus") && !is_zone("europe/warsaw"));
        assert!(zones().len() > 300);
    }
}
