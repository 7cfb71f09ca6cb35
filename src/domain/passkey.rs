//! The name a person gives a passkey ("work laptop", "blue key"), so that they can tell
//! their passkeys apart when they remove one.

use crate::domain::RuleCode;

/// A passkey's name: trimmed, 1–64 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    /// The longest name, in characters.
    pub const MAX_CHARS: usize = 64;

    pub fn parse(typed: &str) -> Result<Self, RuleCode> {
        let name = typed.trim();
        if name.is_empty() {
            Err(RuleCode::Required)
        } else if name.chars().count() > Self::MAX_CHARS {
            Err(RuleCode::TooLong)
        } else if name.chars().any(char::is_control) {
            Err(RuleCode::ControlCharacters)
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_short_and_printable() {
        assert_eq!(PasskeyName::parse("  work laptop ").unwrap().as_str(), "work laptop");
        assert_eq!(PasskeyName::parse(" \t "), Err(RuleCode::Required));
        assert_eq!(PasskeyName::parse(&"ключ".repeat(16)).unwrap().as_str().chars().count(), 64);
        assert_eq!(PasskeyName::parse(&"k".repeat(65)), Err(RuleCode::TooLong));
        assert_eq!(PasskeyName::parse("blue\u{0}key"), Err(RuleCode::ControlCharacters));
    }
}
