//! Streams a WebP (RIFF) file chunk by chunk. The RIFF size sits in the first bytes, before
//! we know what will be removed, so instead of cutting chunks out we overwrite each EXIF, XMP
//! or unknown chunk in place with a `JUNK` chunk of the same size whose payload is zeros;
//! decoders skip unknown chunks. The VP8X flags announcing EXIF and XMP are cleared.

use std::collections::BTreeSet;

use super::{exif, fill, xmp, Removed, StripError};

/// Chunks that draw the picture (or its colour, alpha and animation); kept as they are.
const KEPT: [&[u8; 4]; 6] = [b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"];
const VP8X_LEN: u32 = 10;
/// VP8X flag bits for "has EXIF" and "has XMP".
const METADATA_FLAGS: u8 = 0x08 | 0x04;
/// How much of a blanked chunk is read to say what it held.
const REPORT_CAP: usize = 64 * 1024;

#[derive(Default)]
pub struct Webp {
    state: State,
    /// The file header, a chunk header or the VP8X payload being gathered (at most 12 bytes).
    small: Vec<u8>,
    /// Bytes of the RIFF body still expected, after the header.
    left_in_file: u64,
    chunk: [u8; 4],
    blank: bool,
    /// Payload plus padding byte still to pass or blank.
    left_in_chunk: u32,
    /// The first `REPORT_CAP` bytes of a blanked chunk.
    blanked: Vec<u8>,
    chunks: u32,
    seen_image: bool,
    removed: BTreeSet<Removed>,
}

#[derive(Default, PartialEq, Clone, Copy)]
enum State {
    #[default]
    FileHeader,
    ChunkHeader,
    Vp8x,
    Body,
    Done,
}

impl Webp {
    pub fn push(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        while !input.is_empty() {
            match self.state {
                State::FileHeader => {
                    if fill(&mut self.small, 12, &mut input) {
                        self.file_header(out)?;
                    }
                }
                State::ChunkHeader => {
                    if fill(&mut self.small, 8, &mut input) {
                        self.chunk_header(out)?;
                    }
                }
                State::Vp8x => {
                    if fill(&mut self.small, VP8X_LEN as usize, &mut input) {
                        self.small[0] &= !METADATA_FLAGS;
                        out.append(&mut self.small);
                        self.next_chunk();
                    }
                }
                State::Body => {
                    let take = input.len().min(self.left_in_chunk as usize);
                    let (body, rest) = input.split_at(take);
                    if self.blank {
                        let room = REPORT_CAP.saturating_sub(self.blanked.len());
                        self.blanked.extend_from_slice(&body[..room.min(body.len())]);
                        out.resize(out.len() + take, 0);
                    } else {
                        out.extend_from_slice(body);
                    }
                    self.left_in_chunk -= take as u32;
                    input = rest;
                    if self.left_in_chunk == 0 {
                        if self.blank {
                            report(&self.chunk, &self.blanked, &mut self.removed);
                        }
                        self.next_chunk();
                    }
                }
                State::Done => {
                    // Bytes past the RIFF size are not part of the file: dropped, told if not padding.
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
            State::Done if self.seen_image => Ok(self.removed),
            _ => Err(StripError::Unreadable),
        }
    }

    fn file_header(&mut self, out: &mut Vec<u8>) -> Result<(), StripError> {
        let h = &self.small;
        if &h[0..4] != b"RIFF" || &h[8..12] != b"WEBP" {
            return Err(StripError::Unreadable);
        }
        let size = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        // The size counts "WEBP" and then whole, even-padded chunks.
        if size < 4 || size % 2 == 1 {
            return Err(StripError::Unreadable);
        }
        self.left_in_file = u64::from(size) - 4;
        out.append(&mut self.small);
        self.next_chunk();
        Ok(())
    }

    fn chunk_header(&mut self, out: &mut Vec<u8>) -> Result<(), StripError> {
        let h = &self.small;
        let chunk = [h[0], h[1], h[2], h[3]];
        let size = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        let padded = u64::from(size) + u64::from(size % 2);
        self.left_in_file = self.left_in_file.checked_sub(8 + padded).ok_or(StripError::Unreadable)?;
        let first = self.chunks == 0;
        self.chunks += 1;
        // A WebP starts with its image chunk (simple format) or VP8X (extended), and only there.
        let in_place = if first { matches!(&chunk, b"VP8X" | b"VP8 " | b"VP8L") } else { &chunk != b"VP8X" };
        if !in_place {
            return Err(StripError::Unreadable);
        }
        self.chunk = chunk;
        self.small.clear();
        if &chunk == b"VP8X" {
            if size != VP8X_LEN {
                return Err(StripError::Unreadable);
            }
            out.extend_from_slice(&chunk);
            out.extend_from_slice(&size.to_le_bytes());
            self.state = State::Vp8x;
            return Ok(());
        }
        self.seen_image |= matches!(&chunk, b"VP8 " | b"VP8L" | b"ANMF");
        self.blank = !KEPT.contains(&&chunk);
        out.extend_from_slice(if self.blank { b"JUNK" } else { &chunk });
        out.extend_from_slice(&size.to_le_bytes());
        self.blanked.clear();
        // `padded` fits: it was just subtracted from a 32-bit RIFF size.
        self.left_in_chunk = padded as u32;
        if self.left_in_chunk == 0 {
            self.next_chunk();
        } else {
            self.state = State::Body;
        }
        Ok(())
    }

    fn next_chunk(&mut self) {
        self.state = if self.left_in_file == 0 { State::Done } else { State::ChunkHeader };
    }
}

/// Says what a blanked chunk held; an already blank `JUNK` chunk held nothing.
fn report(chunk: &[u8; 4], data: &[u8], removed: &mut BTreeSet<Removed>) {
    match chunk {
        b"EXIF" => exif::report_prefixed(data, removed),
        b"XMP " => xmp::report(data, removed),
        _ if data.iter().all(|&b| b == 0) => {}
        _ => {
            removed.insert(Removed::Other);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::testkit::*;
    use super::super::{Kind, Removed, StripError};

    #[test]
    fn a_webp_loses_exif_and_xmp_and_still_decodes() {
        let original = fixture("photo.webp");
        assert!(contains(&original, b"SentinelCam"));
        assert!(contains(&original, GPS_SECONDS));
        let (out, removed) = strip_fixture("photo.webp");
        assert_eq!(out.len(), original.len(), "chunks are blanked in place");
        for sentinel in [GPS_SECONDS, &b"SentinelCam"[..], b"EXIF", b"XMP ", b"XMP-SENTINEL"] {
            assert!(!contains(&out, sentinel), "{}", String::from_utf8_lossy(sentinel));
        }
        assert_eq!(out[20] & 0x0C, 0, "VP8X no longer announces EXIF or XMP");
        let expected = [Removed::Location, Removed::Device, Removed::Author, Removed::Other];
        assert_eq!(removed, BTreeSet::from(expected));
        let before = image::load_from_memory(&original).unwrap().to_rgba8();
        assert_eq!(image::load_from_memory(&out).unwrap().to_rgba8(), before);
    }

    #[test]
    fn any_split_of_the_pushes_gives_the_same_output() {
        assert_any_split_gives_same_output("photo.webp");
    }

    #[test]
    fn truncated_webp_is_unreadable() {
        assert_every_truncation_is_unreadable("photo.webp");
    }

    #[test]
    fn a_chunk_larger_than_the_riff_is_unreadable() {
        let mut file = fixture("photo.webp");
        file[4..8].copy_from_slice(&20u32.to_le_bytes());
        assert_eq!(strip_whole(Kind::Webp, &file, 1 << 20), Err(StripError::Unreadable));
    }

    #[test]
    fn garbage_never_panics() {
        assert_garbage_never_panics("photo.webp");
    }
}
