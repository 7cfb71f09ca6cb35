//! Passes plain text through unchanged while checking that the whole stream is UTF-8 without
//! NUL bytes; text carries no metadata, but a binary file passed off as text must not be kept.

use std::collections::BTreeSet;

use super::{Removed, StripError};

#[derive(Default)]
pub struct Text {
    /// The start of a character cut by the end of the previous push (at most 3 bytes).
    carry: Vec<u8>,
}

impl Text {
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        if input.contains(&0) {
            return Err(StripError::Unreadable);
        }
        // Complete the carried character first, so the rest can be checked without copying.
        let mut rest = input;
        while !self.carry.is_empty() {
            let Some((&byte, tail)) = rest.split_first() else {
                break;
            };
            self.carry.push(byte);
            rest = tail;
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(e) if e.error_len().is_none() => {}
                Err(_) => return Err(StripError::Unreadable),
            }
        }
        if let Err(e) = std::str::from_utf8(rest) {
            if e.error_len().is_some() {
                return Err(StripError::Unreadable);
            }
            self.carry.extend_from_slice(&rest[e.valid_up_to()..]);
        }
        out.extend_from_slice(input);
        Ok(())
    }

    pub fn finish(self) -> Result<BTreeSet<Removed>, StripError> {
        if self.carry.is_empty() {
            Ok(BTreeSet::new())
        } else {
            Err(StripError::Unreadable)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::testkit::*;
    use super::super::{Kind, StripError};

    #[test]
    fn a_note_comes_out_unchanged_with_nothing_removed() {
        let (out, removed) = strip_fixture("note.txt");
        assert_eq!(out, fixture("note.txt"));
        assert_eq!(removed, BTreeSet::new());
    }

    #[test]
    fn characters_split_across_pushes_are_fine() {
        assert_any_split_gives_same_output("note.txt");
    }

    #[test]
    fn text_ending_inside_a_character_is_unreadable() {
        let note = fixture("note.txt");
        // Byte 1 is inside the two-byte "Д".
        assert_eq!(strip_whole(Kind::Text, &note[..1], 1 << 20), Err(StripError::Unreadable));
    }

    #[test]
    fn broken_utf8_or_nul_anywhere_is_unreadable() {
        let mut note = fixture("note.txt");
        note.extend_from_slice(b"and then \xFF\xFE binary");
        assert_eq!(strip_whole(Kind::Text, &note, 1 << 20), Err(StripError::Unreadable));
        assert_eq!(strip_pieces(Kind::Text, [&b"ab"[..], b"\0"]), Err(StripError::Unreadable));
        // A lead byte followed, in the next push, by a byte that cannot continue it.
        assert_eq!(strip_pieces(Kind::Text, [&b"\xD0"[..], b"A"]), Err(StripError::Unreadable));
    }

    #[test]
    fn garbage_never_panics() {
        assert_garbage_never_panics("note.txt");
    }
}
