//! The requester's secret code: 25 decimal digits (83 bits from the OS generator), shown
//! and typed as five groups of five — easy to write on paper and to enter on a phone.

use std::fmt;

/// Digits in a code.
pub const CODE_DIGITS: usize = 25;

/// A receipt code. `Debug` hides it; `Display` shows it grouped, for the one page that
/// reveals it.
#[derive(Clone, PartialEq, Eq)]
pub struct ReceiptCode(String);

impl ReceiptCode {
    /// Builds a code from random bytes: each byte below 250 yields one digit (rejection
    /// sampling keeps the digits uniform). `None` if the bytes ran out first.
    pub fn from_random_bytes(bytes: &[u8]) -> Option<Self> {
        let digits: String = bytes.iter().filter(|b| **b < 250).take(CODE_DIGITS).map(|b| char::from(b'0' + b % 10)).collect();
        (digits.len() == CODE_DIGITS).then_some(Self(digits))
    }

    /// Reads what a person typed: spaces and dashes do not matter, anything else does.
    pub fn parse(input: &str) -> Option<Self> {
        let mut digits = String::with_capacity(CODE_DIGITS);
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '\u{a0}' => {}
                _ => return None,
            }
            if digits.len() > CODE_DIGITS {
                return None;
            }
        }
        (digits.len() == CODE_DIGITS).then_some(Self(digits))
    }

    /// The canonical digits, for hashing.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.as_bytes().chunks(5).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_grouped_and_read_back_from_what_people_type() {
        let bytes: Vec<u8> = (0..40).map(|i| (i * 7 % 256) as u8).collect();
        let code = ReceiptCode::from_random_bytes(&bytes).unwrap();
        let shown = code.to_string();
        assert_eq!(shown.len(), CODE_DIGITS + 4);
        assert_eq!(shown.matches('-').count(), 4);
        assert_eq!(ReceiptCode::parse(&shown), Some(code.clone()));
        assert_eq!(ReceiptCode::parse(&shown.replace('-', " ")), Some(code.clone()));
        assert_eq!(ReceiptCode::parse(&shown[1..]), None, "one digit short");
        assert_eq!(ReceiptCode::parse(&format!("{shown}1")), None, "one digit long");
        assert_eq!(ReceiptCode::parse(&shown.replace('-', "x")), None);
        assert_eq!(format!("{code:?}"), "ReceiptCode(..)");
    }

    #[test]
    fn high_bytes_are_skipped_so_digits_stay_uniform() {
        let mut bytes = vec![255u8; 10];
        bytes.extend(std::iter::repeat_n(13u8, 25));
        assert_eq!(ReceiptCode::from_random_bytes(&bytes).unwrap().digits(), "3".repeat(25));
        assert!(ReceiptCode::from_random_bytes(&[250; 64]).is_none());
    }

    #[test]
    fn code_carries_at_least_80_bits() {
        assert!(CODE_DIGITS as f64 * 10f64.log2() >= 80.0);
    }
}
