//! Possible duplicates: the values of a request that point to the same person or document
//! however they were typed, normalised before the server takes a keyed blind index of them
//! (the values themselves stay sealed with the case). Two requests with an equal index are
//! shown to the desk as possible duplicates; nothing is merged.

/// What a look-up value is, which also keeps equal values of two kinds apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookUpKind {
    /// How the requester may be reached: a phone number, a Signal or Telegram name, an
    /// e-mail address.
    Contact,
    /// The number of a passport or another document.
    DocumentNumber,
}

impl LookUpKind {
    pub const ALL: [LookUpKind; 2] = [LookUpKind::Contact, LookUpKind::DocumentNumber];

    /// The name stored beside the index (and the blind index's purpose).
    pub fn as_str(self) -> &'static str {
        match self {
            LookUpKind::Contact => "contact",
            LookUpKind::DocumentNumber => "document_number",
        }
    }

    pub fn parse(s: &str) -> Option<LookUpKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A contact handle as compared: a phone number as its digits with the country code (`+48
/// 600-100-200`, `0048600100200` and `48 600 100 200` are one number), a Telegram or Signal
/// name without `@` and case, an e-mail address without case. `None` when nothing is left.
pub fn normalise_contact(handle: &str) -> Option<String> {
    let handle = handle.trim();
    let phone_like =
        !handle.is_empty() && handle.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) && handle.chars().filter(char::is_ascii_digit).count() >= 6;
    let normal = if phone_like {
        let digits: String = handle.chars().filter(char::is_ascii_digit).collect();
        digits.strip_prefix("00").map(str::to_owned).unwrap_or(digits)
    } else {
        handle.trim_start_matches('@').chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
    };
    (!normal.is_empty()).then_some(normal)
}

/// A document number as compared: its letters and digits, upper case (`AB 123-45-67` is
/// `AB1234567`). `None` for fewer than four of them.
pub fn normalise_document_number(number: &str) -> Option<String> {
    let normal: String = number.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    (normal.chars().count() >= 4).then_some(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_phone_number_however_it_is_written() {
        let n = normalise_contact("+48 600 100 200");
        assert_eq!(n.as_deref(), Some("48600100200"));
        for same in ["0048600100200", "48-600-100-200", "(+48) 600.100.200", " +48600100200 "] {
            assert_eq!(normalise_contact(same), n, "{same}");
        }
        assert_ne!(normalise_contact("+48 600 100 201"), n);
    }

    #[test]
    fn names_and_addresses_ignore_case_and_the_at_sign() {
        assert_eq!(normalise_contact("@Alesia_M"), normalise_contact("alesia_m"));
        assert_eq!(normalise_contact("Alesia@Example.org"), Some("alesia@example.org".into()));
        assert_eq!(normalise_contact("   "), None);
        assert_eq!(normalise_contact("@"), None);
    }

    #[test]
    fn document_numbers_keep_letters_and_digits() {
        assert_eq!(normalise_document_number("ab 123-45-67"), Some("AB1234567".into()));
        assert_eq!(normalise_document_number("AB1234567"), normalise_document_number("ab 1234567"));
        assert_eq!(normalise_document_number("a-1"), None);
        assert_eq!(normalise_document_number("МР 1234567"), Some("МР1234567".into()));
    }

    #[test]
    fn kinds_round_trip() {
        for kind in LookUpKind::ALL {
            assert_eq!(LookUpKind::parse(kind.as_str()), Some(kind));
        }
    }
}
