//! Identifiers. Case ids are random UUIDs; public references are short random strings
//! that a requester can write down. Neither reveals creation order or counts.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Internal identifier of a case (UUIDv4, hyphenated lower-case).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseId(String);

impl CaseId {
    /// Accepts a hyphenated UUID as stored in the database.
    pub fn parse(s: &str) -> Option<Self> {
        let ok = s.len() == 36
            && s.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit() && !c.is_ascii_uppercase(),
            });
        ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The alphabet of references: Crockford base32 without I, L, O, U — nothing to confuse
/// when read aloud or copied from paper.
pub const REF_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of randomness in a reference (50 bits).
pub const REF_LEN: usize = 10;

/// Public reference of a case, shown to the requester: `XXXXX-XXXXX`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseRef(String);

impl CaseRef {
    /// Builds a reference from `REF_LEN` random alphabet indexes (each taken modulo 32).
    pub fn from_random(indexes: &[u8; REF_LEN]) -> Self {
        let mut s = String::with_capacity(REF_LEN + 1);
        for (i, b) in indexes.iter().enumerate() {
            if i == REF_LEN / 2 {
                s.push('-');
            }
            s.push(REF_ALPHABET[(*b & 31) as usize] as char);
        }
        Self(s)
    }

    /// Reads what a person typed: case, spaces and the dash do not matter, and the
    /// look-alikes O, I and L are read as 0, 1 and 1.
    pub fn parse(input: &str) -> Option<Self> {
        let mut chars = Vec::with_capacity(REF_LEN);
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !REF_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return None;
            }
            chars.push(c);
        }
        if chars.len() != REF_LEN {
            return None;
        }
        let mut s: String = chars[..REF_LEN / 2].iter().collect();
        s.push('-');
        s.extend(&chars[REF_LEN / 2..]);
        Some(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_reads_back_what_a_person_types() {
        let r = CaseRef::from_random(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 31]);
        assert_eq!(r.as_str(), "01234-5678Z");
        assert_eq!(CaseRef::parse("o1234 5678z"), Some(r.clone()));
        assert_eq!(CaseRef::parse("0123456789Z"), None);
        assert_eq!(CaseRef::parse("01234-5678U"), None);
        assert_eq!(CaseRef::parse("ЁЁЁЁЁЁЁЁЁЁ"), None);
    }

    #[test]
    fn case_id_accepts_only_hyphenated_lower_uuid() {
        assert!(CaseId::parse("6f1c0a52-3b5e-4c1d-9f0e-2a7b8c9d0e1f").is_some());
        assert!(CaseId::parse("6F1C0A52-3B5E-4C1D-9F0E-2A7B8C9D0E1F").is_none());
        assert!(CaseId::parse("6f1c0a523b5e4c1d9f0e2a7b8c9d0e1f").is_none());
        assert!(CaseId::parse("'; drop table cases; --").is_none());
    }
}
