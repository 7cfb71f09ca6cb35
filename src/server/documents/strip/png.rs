//! Streams a PNG chunk by chunk, checking every CRC, keeping the chunks that draw the picture
//! (image data, palette, transparency, colour and pixel-size chunks, animation) and dropping
//! text, Exif, time stamps and every ancillary chunk we do not know: a private chunk could
//! hold anything.
//!
//! Kept chunks pass through as they arrive, however large; a dropped chunk is read only up to
//! `REPORT_CAP` bytes, for the report.

use std::collections::BTreeSet;

use super::{exif, fill, xmp, Removed, StripError};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
/// Chunks that are kept: the critical ones and those that change how pixels look.
const KEPT: [&[u8; 4]; 19] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"hIST", b"cICP", b"mDCv", b"cLLi", b"acTL",
    b"fcTL", b"fdAT",
];
/// How much of a dropped chunk is read to say what it held; text keywords and Exif fit.
const REPORT_CAP: usize = 64 * 1024;
const MAX_CHUNK: u32 = 0x7FFF_FFFF;

#[derive(Default)]
pub struct Png {
    state: State,
    /// A signature, chunk header or CRC being gathered (at most 8 bytes).
    small: Vec<u8>,
    chunk: [u8; 4],
    /// IHDR has been seen; it must come first and only once.
    started: bool,
    keep: bool,
    remaining: u32,
    crc: u32,
    /// The first `REPORT_CAP` bytes of a dropped chunk.
    dropped: Vec<u8>,
    removed: BTreeSet<Removed>,
}

#[derive(Default, PartialEq, Clone, Copy)]
enum State {
    #[default]
    Signature,
    Header,
    Body,
    Crc,
    Done,
}

impl Png {
    pub fn push(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        while !input.is_empty() {
            match self.state {
                State::Signature => {
                    if !fill(&mut self.small, 8, &mut input) {
                        // Refuse a wrong signature as early as its first byte.
                        if !SIGNATURE.starts_with(&self.small) {
                            return Err(StripError::Unreadable);
                        }
                        continue;
                    }
                    if self.small != SIGNATURE {
                        return Err(StripError::Unreadable);
                    }
                    out.extend_from_slice(SIGNATURE);
                    self.small.clear();
                    self.state = State::Header;
                }
                State::Header => {
                    if fill(&mut self.small, 8, &mut input) {
                        self.start_chunk(out)?;
                    }
                }
                State::Body => {
                    let take = input.len().min(self.remaining as usize);
                    let (body, rest) = input.split_at(take);
                    self.crc = crc_update(self.crc, body);
                    if self.keep {
                        out.extend_from_slice(body);
                    } else {
                        let room = REPORT_CAP.saturating_sub(self.dropped.len());
                        self.dropped.extend_from_slice(&body[..room.min(body.len())]);
                    }
                    self.remaining -= take as u32;
                    input = rest;
                    if self.remaining == 0 {
                        self.state = State::Crc;
                    }
                }
                State::Crc => {
                    if fill(&mut self.small, 4, &mut input) {
                        self.end_chunk(out)?;
                    }
                }
                State::Done => {
                    // Bytes after IEND are not part of the picture: dropped, and told if not padding.
                    if input.iter().any(|&b| b != 0) {
                        self.removed.insert(Removed::Other);
                    }
                    break;
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<BTreeSet<Removed>, StripError> {
        match self.state {
            State::Done => Ok(self.removed),
            _ => Err(StripError::Unreadable),
        }
    }

    fn start_chunk(&mut self, out: &mut Vec<u8>) -> Result<(), StripError> {
        let header: [u8; 8] = self.small[..].try_into().map_err(|_| StripError::Unreadable)?;
        self.small.clear();
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let chunk = [header[4], header[5], header[6], header[7]];
        if length > MAX_CHUNK || !chunk.iter().all(u8::is_ascii_alphabetic) || self.started == (&chunk == b"IHDR") {
            return Err(StripError::Unreadable);
        }
        self.keep = KEPT.contains(&&chunk);
        // An unknown critical chunk changes how the picture decodes: we cannot judge it.
        if !self.keep && chunk[0].is_ascii_uppercase() {
            return Err(StripError::Unreadable);
        }
        if self.keep {
            out.extend_from_slice(&header);
        }
        self.started = true;
        self.chunk = chunk;
        self.remaining = length;
        self.crc = crc_update(CRC_START, &chunk);
        self.dropped.clear();
        self.state = if length == 0 { State::Crc } else { State::Body };
        Ok(())
    }

    fn end_chunk(&mut self, out: &mut Vec<u8>) -> Result<(), StripError> {
        let stored: [u8; 4] = self.small[..].try_into().map_err(|_| StripError::Unreadable)?;
        self.small.clear();
        if u32::from_be_bytes(stored) != !self.crc {
            return Err(StripError::Unreadable);
        }
        if self.keep {
            out.extend_from_slice(&stored);
        } else {
            report(&self.chunk, &self.dropped, &mut self.removed);
        }
        self.state = if &self.chunk == b"IEND" { State::Done } else { State::Header };
        Ok(())
    }
}

fn report(chunk: &[u8; 4], data: &[u8], removed: &mut BTreeSet<Removed>) {
    match chunk {
        b"eXIf" => exif::report_prefixed(data, removed),
        b"tIME" => {
            removed.insert(Removed::Times);
        }
        b"tEXt" | b"zTXt" | b"iTXt" => {
            let keyword = data.split(|&b| b == 0).next().unwrap_or_default();
            let what = match keyword {
                b"Author" | b"Copyright" => Removed::Author,
                b"Creation Time" => Removed::Times,
                b"Software" | b"Source" => Removed::Device,
                b"XML:com.adobe.xmp" => return xmp::report(data, removed),
                _ => Removed::Other,
            };
            removed.insert(what);
        }
        _ => {
            removed.insert(Removed::Other);
        }
    }
}

const CRC_START: u32 = 0xFFFF_FFFF;

/// The CRC-32 table PNG uses (polynomial 0xEDB88320), built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// Running CRC without the final inversion; start from `CRC_START` and invert at the end.
fn crc_update(mut crc: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::testkit::*;
    use super::super::{Kind, Removed, StripError};
    use super::*;

    #[test]
    fn crc_matches_the_png_specification_example() {
        // The IEND chunk's CRC is well known: AE 42 60 82.
        assert_eq!(!crc_update(CRC_START, b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn a_scan_loses_author_comment_and_gps_and_still_decodes() {
        let original = fixture("scan.png");
        assert!(contains(&original, b"PNG-SENTINEL-AUTHOR"));
        assert!(contains(&original, GPS_SECONDS));
        let (out, removed) = strip_fixture("scan.png");
        for sentinel in [GPS_SECONDS, &b"PNG-SENTINEL-AUTHOR"[..], b"tEXt", b"eXIf", b"kitchen"] {
            assert!(!contains(&out, sentinel), "{}", String::from_utf8_lossy(sentinel));
        }
        let expected = [Removed::Location, Removed::Author, Removed::Other];
        assert_eq!(removed, BTreeSet::from(expected));
        let before = image::load_from_memory(&original).unwrap().to_rgba8();
        assert_eq!(image::load_from_memory(&out).unwrap().to_rgba8(), before);
    }

    #[test]
    fn any_split_of_the_pushes_gives_the_same_output() {
        assert_any_split_gives_same_output("scan.png");
    }

    #[test]
    fn truncated_png_and_png_without_iend_are_unreadable() {
        assert_every_truncation_is_unreadable("scan.png");
    }

    #[test]
    fn a_changed_byte_fails_the_crc() {
        let mut file = fixture("scan.png");
        let idat = file.windows(4).position(|w| w == b"IDAT").unwrap();
        file[idat + 6] ^= 1;
        assert_eq!(strip_whole(Kind::Png, &file, 1 << 20), Err(StripError::Unreadable));
    }

    #[test]
    fn garbage_never_panics() {
        assert_garbage_never_panics("scan.png");
    }
}
