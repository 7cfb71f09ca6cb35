//! Helpers the strip tests share: reading fixtures, stripping with various splits, and
//! feeding damaged copies of a file.

use std::collections::BTreeSet;

use super::{Kind, Removed, StripError, Stripper};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/documents/");
    std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub type Stripped = Result<(Vec<u8>, BTreeSet<Removed>), StripError>;

/// Strips `file` pushed in the given pieces.
pub fn strip_pieces<'a>(kind: Kind, pieces: impl IntoIterator<Item = &'a [u8]>) -> Stripped {
    let mut stripper = Stripper::new(kind, 1 << 24);
    let mut out = Vec::new();
    for piece in pieces {
        stripper.push(piece, &mut out)?;
    }
    let removed = stripper.finish(&mut out)?;
    Ok((out, removed))
}

pub fn strip_whole(kind: Kind, file: &[u8], limit: u64) -> Stripped {
    let mut stripper = Stripper::new(kind, limit);
    let mut out = Vec::new();
    stripper.push(file, &mut out)?;
    let removed = stripper.finish(&mut out)?;
    Ok((out, removed))
}

/// Strips a fixture, checks the output strips again to itself with nothing removed, and
/// returns the output with what the first pass removed.
pub fn strip_fixture(name: &str) -> (Vec<u8>, BTreeSet<Removed>) {
    let file = fixture(name);
    let kind = Kind::sniff(&file).expect("fixture sniffs");
    let (out, removed) = strip_whole(kind, &file, 1 << 24).expect("fixture strips");
    let (again, removed_again) = strip_whole(kind, &out, 1 << 24).expect("output strips again");
    assert_eq!(removed_again, BTreeSet::new(), "{name}: second pass removed something");
    assert_eq!(again, out, "{name}: second pass changed the output");
    (out, removed)
}

/// Pushes split at every byte, and one byte at a time, give the same output as one push.
pub fn assert_any_split_gives_same_output(name: &str) {
    let file = fixture(name);
    let kind = Kind::sniff(&file).expect("fixture sniffs");
    let whole = strip_pieces(kind, [&file[..]]).expect("fixture strips");
    for at in 0..=file.len() {
        let (a, b) = file.split_at(at);
        assert_eq!(strip_pieces(kind, [a, b]), Ok(whole.clone()), "{name} split at {at}");
    }
    assert_eq!(strip_pieces(kind, file.chunks(1)), Ok(whole), "{name} byte by byte");
}

/// Every proper prefix of the file is refused.
pub fn assert_every_truncation_is_unreadable(name: &str) {
    let file = fixture(name);
    let kind = Kind::sniff(&file).expect("fixture sniffs");
    for at in 0..file.len() {
        assert_eq!(strip_pieces(kind, [&file[..at]]), Err(StripError::Unreadable), "{name} cut at {at}");
    }
}

/// Damaged copies (each byte flipped in turn, and pseudo-random noise after the first bytes)
/// never panic; whatever they return is fine.
pub fn assert_garbage_never_panics(name: &str) {
    let file = fixture(name);
    let kind = Kind::sniff(&file).expect("fixture sniffs");
    for at in 0..file.len() {
        let mut damaged = file.clone();
        damaged[at] ^= 0xFF;
        let _ = strip_pieces(kind, [&damaged[..]]);
        damaged[at] = 0;
        let _ = strip_pieces(kind, damaged.chunks(7));
    }
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    for keep in [0, 4, 8, 16, 32, 64, 128] {
        let mut noisy = file[..keep.min(file.len())].to_vec();
        for _ in 0..512 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            noisy.push(seed as u8);
        }
        let _ = strip_pieces(kind, [&noisy[..]]);
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The latitude seconds (1234/100) of the fixtures' GPS position, as piexif writes it
/// (big-endian rational): present in every fixture with a location, absent once stripped.
pub const GPS_SECONDS: &[u8] = &[0, 0, 0x04, 0xD2, 0, 0, 0, 0x64];
