//! Streams a JPEG segment by segment, keeping what the picture needs to decode (tables,
//! frame, scans, JFIF, ICC colour profile, Adobe colour transform) and dropping every other
//! application segment and comment: Exif, XMP, Photoshop/IPTC, maker data, MPF previews.
//!
//! After a scan header the entropy-coded data passes through, but markers are still watched
//! for, because a progressive JPEG puts more tables, scans, and possibly metadata between its
//! scans. Anything after the end-of-image marker (phone makers append previews and depth maps
//! there) is dropped.

use std::collections::BTreeSet;

use super::{exif, xmp, Removed, StripError};

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;

const XMP_NS: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION_NS: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// JFIF header up to and including the thumbnail size, without any thumbnail pixels.
const JFIF_HEADER_LEN: usize = 14;

#[derive(Default)]
pub struct Jpeg {
    /// Bytes received but not yet decided on: at most one segment, or one byte of a marker.
    pending: Vec<u8>,
    state: State,
    seen_frame: bool,
    seen_scan: bool,
    removed: BTreeSet<Removed>,
}

#[derive(Default, PartialEq)]
enum State {
    #[default]
    Start,
    Markers,
    Entropy,
    Done,
}

enum Segment {
    Keep,
    Drop,
    Replace(Vec<u8>),
}

impl Jpeg {
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        if self.state == State::Done {
            self.trailing(input);
            return Ok(());
        }
        self.pending.extend_from_slice(input);
        let used = self.advance(out)?;
        if self.state == State::Done {
            let rest = self.pending.split_off(used);
            self.trailing(&rest);
            self.pending = Vec::new();
        } else {
            self.pending.drain(..used);
        }
        Ok(())
    }

    pub fn finish(self) -> Result<BTreeSet<Removed>, StripError> {
        match self.state {
            State::Done => Ok(self.removed),
            _ => Err(StripError::Unreadable),
        }
    }

    /// Data after end-of-image is never kept; only padding is not worth telling about.
    fn trailing(&mut self, bytes: &[u8]) {
        if bytes.iter().any(|&b| b != 0 && b != 0xFF) {
            self.removed.insert(Removed::Other);
        }
    }

    /// Consumes as much of `pending` as can be decided; returns how many bytes were used.
    fn advance(&mut self, out: &mut Vec<u8>) -> Result<usize, StripError> {
        let buf = &self.pending;
        let mut pos = 0;
        loop {
            match self.state {
                State::Start => {
                    let Some(head) = buf.get(..2) else { break };
                    if head != [0xFF, SOI] {
                        return Err(StripError::Unreadable);
                    }
                    out.extend_from_slice(head);
                    pos = 2;
                    self.state = State::Markers;
                }
                State::Markers => {
                    let Some(&first) = buf.get(pos) else { break };
                    if first != 0xFF {
                        return Err(StripError::Unreadable);
                    }
                    // Fill bytes (extra 0xFF) may precede a marker; they carry nothing.
                    while buf.get(pos + 1) == Some(&0xFF) {
                        pos += 1;
                    }
                    let Some(&marker) = buf.get(pos + 1) else {
                        break;
                    };
                    match marker {
                        0x00 | SOI => return Err(StripError::Unreadable),
                        EOI => {
                            if !self.seen_scan {
                                return Err(StripError::Unreadable);
                            }
                            out.extend_from_slice(&[0xFF, EOI]);
                            self.state = State::Done;
                            return Ok(pos + 2);
                        }
                        // Markers without a length: TEM and restart markers.
                        0x01 | 0xD0..=0xD7 => {
                            out.extend_from_slice(&[0xFF, marker]);
                            pos += 2;
                        }
                        _ => {
                            let Some(len) = buf.get(pos + 2..pos + 4) else {
                                break;
                            };
                            let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                            if len < 2 {
                                return Err(StripError::Unreadable);
                            }
                            let Some(segment) = buf.get(pos..pos + 2 + len) else {
                                break;
                            };
                            match decide(marker, &segment[4..], &mut self.removed) {
                                Segment::Keep => out.extend_from_slice(segment),
                                Segment::Drop => {}
                                Segment::Replace(bytes) => out.extend_from_slice(&bytes),
                            }
                            pos += 2 + len;
                            match marker {
                                // Frame headers: baseline, extended, progressive, lossless...
                                0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                                    self.seen_frame = true;
                                }
                                SOS if !self.seen_frame => return Err(StripError::Unreadable),
                                SOS => {
                                    self.seen_scan = true;
                                    self.state = State::Entropy;
                                }
                                _ => {}
                            }
                        }
                    }
                }
                State::Entropy => {
                    let rest = &buf[pos..];
                    let Some(at) = rest.iter().position(|&b| b == 0xFF) else {
                        out.extend_from_slice(rest);
                        pos = buf.len();
                        break;
                    };
                    out.extend_from_slice(&rest[..at]);
                    pos += at;
                    match buf.get(pos + 1) {
                        None => break,
                        // A stuffed zero or a restart marker belongs to the scan.
                        Some(&next @ (0x00 | 0xD0..=0xD7)) => {
                            out.extend_from_slice(&[0xFF, next]);
                            pos += 2;
                        }
                        Some(_) => self.state = State::Markers,
                    }
                }
                State::Done => break,
            }
        }
        Ok(pos)
    }
}

/// Whether a segment with a length is kept; application segments are reported as dropped.
fn decide(marker: u8, payload: &[u8], removed: &mut BTreeSet<Removed>) -> Segment {
    match marker {
        APP0 if payload.starts_with(b"JFIF\0") && payload.len() >= JFIF_HEADER_LEN => {
            if payload.len() == JFIF_HEADER_LEN && payload[12..14] == [0, 0] {
                return Segment::Keep;
            }
            // A JFIF thumbnail is a small copy of the uncropped picture: keep the header only.
            removed.insert(Removed::Other);
            let mut header = vec![0xFF, APP0, 0, JFIF_HEADER_LEN as u8 + 2];
            header.extend_from_slice(&payload[..12]);
            header.extend_from_slice(&[0, 0]);
            Segment::Replace(header)
        }
        APP1 => {
            if let Some(tiff) = payload.strip_prefix(b"Exif\0\0") {
                exif::report(tiff, removed);
            } else if let Some(packet) = payload.strip_prefix(XMP_NS) {
                xmp::report(packet, removed);
            } else if let Some(part) = payload.strip_prefix(XMP_EXTENSION_NS) {
                // GUID (32) + full length (4) + offset (4) come before the packet's part.
                xmp::report(part.get(40..).unwrap_or_default(), removed);
            } else {
                removed.insert(Removed::Other);
            }
            Segment::Drop
        }
        APP2 if payload.starts_with(b"ICC_PROFILE\0") => Segment::Keep,
        APP14 if payload.starts_with(b"Adobe") => Segment::Keep,
        // Every other APPn (JFXX thumbnails, MPF, Photoshop/IPTC, maker data) and comments.
        0xE0..=0xEF | 0xFE => {
            removed.insert(Removed::Other);
            Segment::Drop
        }
        _ => Segment::Keep,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::testkit::*;
    use super::super::{Kind, Removed, StripError};

    #[test]
    fn phone_photo_loses_gps_device_time_and_xmp_and_still_decodes() {
        let original = fixture("photo-gps.jpg");
        assert!(contains(&original, b"SentinelCam"));
        assert!(contains(&original, GPS_SECONDS));
        let (out, removed) = strip_fixture("photo-gps.jpg");
        for sentinel in [GPS_SECONDS, &b"SentinelCam"[..], b"Canary 7", b"2024:05:01", b"Exif\0\0", b"XMP-SENTINEL", b"http://ns.adobe.com"] {
            assert!(!contains(&out, sentinel), "{}", String::from_utf8_lossy(sentinel));
        }
        let expected = [Removed::Location, Removed::Device, Removed::Times, Removed::Author, Removed::Other];
        assert_eq!(removed, BTreeSet::from(expected));
        let before = image::load_from_memory(&original).unwrap().to_rgb8();
        let after = image::load_from_memory(&out).unwrap().to_rgb8();
        assert_eq!(before, after, "the pixels are untouched");
    }

    #[test]
    fn a_comment_between_progressive_scans_is_removed() {
        let (out, removed) = strip_fixture("progressive-comment.jpg");
        assert!(contains(&fixture("progressive-comment.jpg"), b"COM-SENTINEL"));
        assert!(!contains(&out, b"COM-SENTINEL"));
        assert_eq!(removed, BTreeSet::from([Removed::Other]));
        let before = image::load_from_memory(&fixture("progressive-comment.jpg")).unwrap();
        assert_eq!(image::load_from_memory(&out).unwrap().to_rgb8(), before.to_rgb8());
    }

    #[test]
    fn any_split_of_the_pushes_gives_the_same_output() {
        assert_any_split_gives_same_output("photo-gps.jpg");
        assert_any_split_gives_same_output("progressive-comment.jpg");
    }

    #[test]
    fn a_jpeg_cut_mid_segment_is_unreadable() {
        let file = fixture("broken.jpg");
        assert_eq!(strip_whole(Kind::Jpeg, &file, 1 << 20), Err(StripError::Unreadable));
        assert_every_truncation_is_unreadable("photo-gps.jpg");
    }

    #[test]
    fn data_after_the_end_of_image_is_dropped() {
        let mut file = fixture("progressive-comment.jpg");
        let (clean, _) = strip_whole(Kind::Jpeg, &file, 1 << 20).unwrap();
        file.extend_from_slice(b"\xFF\xD8 appended preview with its own Exif");
        let (out, removed) = strip_whole(Kind::Jpeg, &file, 1 << 20).unwrap();
        assert_eq!(out, clean);
        assert!(removed.contains(&Removed::Other));
    }

    #[test]
    fn a_jfif_thumbnail_is_removed_but_the_header_kept() {
        let file = fixture("progressive-comment.jpg");
        let app0 = 2;
        assert_eq!(&file[app0..app0 + 2], &[0xFF, 0xE0]);
        let len = usize::from(u16::from_be_bytes([file[app0 + 2], file[app0 + 3]]));
        let mut with_thumb = file[..app0 + 2].to_vec();
        with_thumb.extend_from_slice(&((len + 3) as u16).to_be_bytes());
        with_thumb.extend_from_slice(&file[app0 + 4..app0 + 16]);
        with_thumb.extend_from_slice(&[1, 1, 0xAB, 0xCD, 0xEF]);
        with_thumb.extend_from_slice(&file[app0 + 2 + len..]);
        let (out, _) = strip_whole(Kind::Jpeg, &with_thumb, 1 << 20).unwrap();
        assert!(!contains(&out, &[0xAB, 0xCD, 0xEF]));
        let (plain, _) = strip_whole(Kind::Jpeg, &file, 1 << 20).unwrap();
        assert_eq!(out, plain);
    }

    #[test]
    fn garbage_never_panics() {
        assert_garbage_never_panics("photo-gps.jpg");
        assert_garbage_never_panics("progressive-comment.jpg");
    }
}
