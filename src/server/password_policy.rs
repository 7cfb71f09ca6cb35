//! Rules for a new password, after NIST SP 800-63B: a length in characters (long passphrases
//! and any script welcome), not one of the 10,000 most common passwords (nor one of them with
//! digits or punctuation tacked on), and not containing the login. No composition rules.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Fewest characters (Unicode scalar values, not bytes) in a password.
pub const MIN_CHARS: usize = 12;
/// Most characters in a password.
pub const MAX_CHARS: usize = 1024;

/// The rule a refused password breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordRule {
    TooShort,
    TooLong,
    Common,
    ContainsLogin,
}

impl PasswordRule {
    /// A stable machine-readable name, for forms and translations.
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::Common => "common",
            Self::ContainsLogin => "contains_login",
        }
    }
}

/// The common-password list shipped beside this file: one lower-case password a line,
/// `#` lines are comments.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt").lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')).collect()
});

/// A login shorter than this (in characters) is not looked for inside the password.
const MIN_LOGIN_CHARS: usize = 3;

/// Checks a new password for the account `login`. The password is taken as it is, without
/// trimming; the first rule it breaks is returned.
pub fn check(password: &str, login: &str) -> Result<(), PasswordRule> {
    // Counting stops past the maximum, so an enormous input costs no more than a long one.
    let chars = password.chars().take(MAX_CHARS + 1).count();
    if chars < MIN_CHARS {
        return Err(PasswordRule::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordRule::TooLong);
    }
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    if COMMON.contains(lower.as_str()) || COMMON.contains(stem) {
        return Err(PasswordRule::Common);
    }
    let login = login.trim().to_lowercase();
    if login.chars().count() >= MIN_LOGIN_CHARS && lower.contains(&login) {
        return Err(PasswordRule::ContainsLogin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_loads_ten_thousand_lower_case_entries() {
        assert_eq!(COMMON.len(), 10_000);
        assert!(COMMON.iter().all(|p| !p.starts_with('#') && *p == p.to_lowercase() && p.trim() == *p));
        for entry in ["123456", "password", "qwertyuiop", "1qaz2wsx3edc", "qazwsxedcrfv"] {
            assert!(COMMON.contains(entry), "{entry}");
        }
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(PasswordRule::TooShort.code(), "too_short");
        assert_eq!(PasswordRule::TooLong.code(), "too_long");
        assert_eq!(PasswordRule::Common.code(), "common");
        assert_eq!(PasswordRule::ContainsLogin.code(), "contains_login");
    }

    #[test]
    fn too_short_counts_characters_not_bytes() {
        assert_eq!(check("", "ales"), Err(PasswordRule::TooShort));
        assert_eq!(check("zq9-wx7-k4m", "ales"), Err(PasswordRule::TooShort));
        assert_eq!(check("zq9-wx7-k4mv", "ales"), Ok(()));
        // 11 Cyrillic letters are 22 bytes but still too short; 12 are enough.
        assert_eq!("жывебеларус".len(), 22);
        assert_eq!(check("жывебеларус", "ales"), Err(PasswordRule::TooShort));
        assert_eq!(check("жывебеларусь", "ales"), Ok(()));
        // Nothing is trimmed: the spaces count.
        assert_eq!(check("  zq9wx7k4  ", "ales"), Ok(()));
        assert_eq!(check("  zq9wx7k4", "ales"), Err(PasswordRule::TooShort));
    }

    #[test]
    fn too_long_is_over_1024_characters() {
        let max = "zq9 wx7 k4m ".repeat(80) + &"ü".repeat(MAX_CHARS - 960);
        assert_eq!(max.chars().count(), MAX_CHARS);
        assert_eq!(check(&max, "ales"), Ok(()));
        assert_eq!(check(&(max.clone() + "x"), "ales"), Err(PasswordRule::TooLong));
        assert_eq!(check(&"a".repeat(1_000_000), "ales"), Err(PasswordRule::TooLong));
    }

    #[test]
    fn common_passwords_are_refused_with_or_without_a_suffix() {
        for password in ["password1234", "qwertyuiop12", "PASSWORD1234", "Password!!!!", "QwertyUiop!2024", "1qaz2wsx3edc", "qazwsxedcrfv"]
        {
            assert_eq!(check(password, "ales"), Err(PasswordRule::Common), "{password}");
        }
        // A common word inside a longer phrase is fine; only a common password plus a suffix is not.
        assert_eq!(check("password manager tip", "ales"), Ok(()));
        assert_eq!(check("1234password", "ales"), Ok(()));
    }

    #[test]
    fn containing_the_login_is_refused_whatever_the_case() {
        assert_eq!(check("my Ales.Petrou is long", "ales.petrou"), Err(PasswordRule::ContainsLogin));
        assert_eq!(check("ALES.PETROU-2025", "Ales.Petrou"), Err(PasswordRule::ContainsLogin));
        assert_eq!(check("вялікі алесь сакавік", "Алесь"), Err(PasswordRule::ContainsLogin));
        assert_eq!(check("my Ales.Petrou is long", "bob"), Ok(()));
        // Logins under three characters are not looked for.
        assert_eq!(check("abracadabra-zq9", "ab"), Ok(()));
        assert_eq!(check("abracadabra-zq9", "abr"), Err(PasswordRule::ContainsLogin));
        assert_eq!(check("abracadabra-zq9", ""), Ok(()));
    }

    #[test]
    fn a_long_cyrillic_passphrase_is_welcome() {
        let phrase: String = "вецер гоніць хмары над полем ".chars().cycle().take(200).collect();
        assert_eq!(phrase.chars().count(), 200);
        assert!(phrase.len() > 200);
        assert_eq!(check(&phrase, "ales"), Ok(()));
    }
}
