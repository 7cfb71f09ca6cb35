//! Rules for a new password, after NIST SP 800-63B: a length in characters (long passphrases
//! and any script welcome), strong enough by the `zxcvbn` estimate (score 3 of 4: it knows
//! common passwords, words, names, keyboard walks, sequences, dates and l33t) with the login
//! and the commonest passwords of the requesters' and desks' languages as known words, and
//! not containing the login. No composition rules.

use crate::domain::RuleCode;

/// Fewest characters (Unicode scalar values, not bytes) in a password.
pub const MIN_CHARS: usize = 12;
/// Most characters in a password.
pub const MAX_CHARS: usize = 1024;
/// The lowest `zxcvbn` score accepted (0 to 4; 3 is "safely unguessable" offline with a slow hash).
pub const MIN_SCORE: u8 = 3;
/// How much of a password the estimate reads: its cost grows quickly with the length, and a
/// password this long is not weak for what follows.
const ESTIMATED_CHARS: usize = 100;

/// Words `zxcvbn`'s English lists do not hold but people here choose: "password", keyboard
/// walks of the Cyrillic layout, and the like, in Belarusian, Russian, Ukrainian, Polish and
/// Lithuanian.
const LOCAL_WORDS: [&str; 14] = [
    "пароль",
    "парол",
    "йцукен",
    "йцукенгшщз",
    "фывапролдж",
    "ячсмить",
    "любовь",
    "каханне",
    "беларусь",
    "belarus",
    "hasło",
    "haslo",
    "slaptazodis",
    "kochanie",
];

/// The rule a refused password breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordRule {
    TooShort,
    TooLong,
    /// Too easy to guess (`zxcvbn` score under [`MIN_SCORE`]).
    Common,
    ContainsLogin,
}

impl PasswordRule {
    /// A stable machine-readable name, for forms and translations.
    pub const fn code(self) -> RuleCode {
        match self {
            Self::TooShort => RuleCode::TooShort,
            Self::TooLong => RuleCode::TooLong,
            Self::Common => RuleCode::Common,
            Self::ContainsLogin => RuleCode::ContainsLogin,
        }
    }
}

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
    let login = login.trim().to_lowercase();
    if login.chars().count() >= MIN_LOGIN_CHARS && lower.contains(&login) {
        return Err(PasswordRule::ContainsLogin);
    }
    let estimated: String = password.chars().take(ESTIMATED_CHARS).collect();
    let mut known: Vec<&str> = LOCAL_WORDS.to_vec();
    known.push(&login);
    if u8::from(zxcvbn::zxcvbn(&estimated, &known).score()) < MIN_SCORE {
        return Err(PasswordRule::Common);
    }
    Ok(())
}

/// The fields of a new password as every form names them.
pub const NEW: &str = "password";
pub const AGAIN: &str = "password_again";

/// Checks a new password typed twice (joining, a reset link, a change): filled in, allowed
/// for `login`, the same both times. Returns the field and the rule it breaks.
pub fn check_new(new: &str, again: &str, login: &str) -> Result<(), (&'static str, RuleCode)> {
    if new.is_empty() {
        return Err((NEW, RuleCode::Required));
    }
    check(new, login).map_err(|rule| (NEW, rule.code()))?;
    if new != again {
        return Err((AGAIN, RuleCode::Mismatch));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_filled_allowed_and_typed_twice_alike() {
        let good = "a quiet river under old bridges";
        assert_eq!(check_new(good, good, "lena"), Ok(()));
        assert_eq!(check_new("", "", "lena"), Err((NEW, RuleCode::Required)));
        assert_eq!(check_new("short", "short", "lena"), Err((NEW, RuleCode::TooShort)));
        assert_eq!(check_new(good, "a quiet river under new bridges", "lena"), Err((AGAIN, RuleCode::Mismatch)));
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(PasswordRule::TooShort.code().as_str(), "too_short");
        assert_eq!(PasswordRule::TooLong.code().as_str(), "too_long");
        assert_eq!(PasswordRule::Common.code().as_str(), "common");
        assert_eq!(PasswordRule::ContainsLogin.code().as_str(), "contains_login");
    }

    #[test]
    fn too_short_counts_characters_not_bytes() {
        assert_eq!(check("", "ales"), Err(PasswordRule::TooShort));
        assert_eq!(check("zq9-wx7-k4m", "ales"), Err(PasswordRule::TooShort));
        assert_eq!(check("zq9-wx7-k4mv", "ales"), Ok(()));
        // 11 Cyrillic letters are 22 bytes but still too short; 12 are enough.
        assert_eq!("жывіцанадзе".len(), 22);
        assert_eq!(check("жывіцанадзе", "ales"), Err(PasswordRule::TooShort));
        assert_eq!(check("жывіцанадзея", "ales"), Ok(()));
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
    fn guessable_passwords_are_refused() {
        for password in [
            "111111111111",
            "123456789012",
            "Pa$$w0rd1234",
            "пароль123456",
            "password1234",
            "qwertyuiop12",
            "PASSWORD1234",
            "Password!!!!",
            "1qaz2wsx3edc",
            "qazwsxedcrfv",
            "йцукенгшщз12",
        ] {
            assert_eq!(check(password, "ales"), Err(PasswordRule::Common), "{password}");
        }
        // Words people pick are fine once there are enough of them, in any script.
        assert_eq!(check("violet tractor under seven lanterns", "ales"), Ok(()));
        assert_eq!(check("зялёны трактар пад сямю ліхтарамі", "ales"), Ok(()));
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
