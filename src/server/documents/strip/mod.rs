//! Strips identifying metadata (location, device, times, author) from a requester's upload
//! before anything is stored.
//!
//! A requester at risk may send a phone photo or a scan without knowing it carries where and
//! when it was taken and by which device. Every upload goes through a [`Stripper`]: what it
//! cannot read as its [`Kind`] is refused rather than stored with its metadata. JPEG, PNG,
//! WebP and text stream through with at most one segment or chunk header held at a time;
//! HEIC and PDF are gathered whole (up to the limit), because their metadata can sit anywhere
//! in the file and is found only through tables that may come last.

mod bmff;
mod exif;
mod heic;
mod jpeg;
mod kind;
mod pdf;
mod png;
#[cfg(test)]
mod testkit;
mod text;
mod webp;
mod xmp;

use std::collections::BTreeSet;

pub use kind::Kind;

/// What kind of metadata was found and removed, to tell the requester in their language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Removed {
    Location,
    Device,
    Times,
    Author,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripError {
    /// The file is not a well-formed file of its kind (or uses a structure we cannot strip
    /// safely): refused, never stored with its metadata.
    #[error("the file could not be read as its kind")]
    Unreadable,
    /// More bytes than `limit` were pushed.
    #[error("the file is larger than allowed")]
    TooLarge,
}

/// Removes metadata from a file as its bytes arrive, so that an upload is never held whole in
/// memory where the format allows it (JPEG, PNG, WebP, text stream; PDF and HEIC are gathered
/// whole up to `limit` and rewritten at the end, because their metadata can sit anywhere).
///
/// Bytes appended to `out` before an error are not safe to keep: on any error the caller
/// drops everything written so far.
pub struct Stripper {
    limit: u64,
    seen: u64,
    /// The first error, returned again by every later call so a caller cannot carry on past it.
    failed: Option<StripError>,
    format: Format,
}

enum Format {
    Jpeg(jpeg::Jpeg),
    Png(png::Png),
    Webp(webp::Webp),
    Text(text::Text),
    /// HEIC or PDF, held whole until `finish`.
    Whole(Kind, Vec<u8>),
}

impl Stripper {
    pub fn new(kind: Kind, limit: u64) -> Self {
        let format = match kind {
            Kind::Jpeg => Format::Jpeg(jpeg::Jpeg::default()),
            Kind::Png => Format::Png(png::Png::default()),
            Kind::Webp => Format::Webp(webp::Webp::default()),
            Kind::Text => Format::Text(text::Text::default()),
            Kind::Heic | Kind::Pdf => Format::Whole(kind, Vec::new()),
        };
        Stripper { limit, seen: 0, failed: None, format }
    }

    /// Feeds the next bytes of the file (any split, even one byte at a time); appends what is
    /// safe to keep to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        self.seen = self.seen.saturating_add(input.len() as u64);
        let result = if self.seen > self.limit {
            Err(StripError::TooLarge)
        } else {
            match &mut self.format {
                Format::Jpeg(jpeg) => jpeg.push(input, out),
                Format::Png(png) => png.push(input, out),
                Format::Webp(webp) => webp.push(input, out),
                Format::Text(text) => text.push(input, out),
                Format::Whole(_, whole) => {
                    whole.extend_from_slice(input);
                    Ok(())
                }
            }
        };
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    /// End of the file: appends the rest to `out` and says what was removed. Errors if the file
    /// ended mid-structure.
    pub fn finish(self, out: &mut Vec<u8>) -> Result<BTreeSet<Removed>, StripError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        match self.format {
            Format::Jpeg(jpeg) => jpeg.finish(),
            Format::Png(png) => png.finish(),
            Format::Webp(webp) => webp.finish(),
            Format::Text(text) => text.finish(),
            Format::Whole(Kind::Pdf, whole) => pdf::strip(&whole, out),
            Format::Whole(_, whole) => heic::strip(whole, out),
        }
    }
}

/// Moves bytes from `input` into `small` until it holds `want`; true once it does. The
/// streaming kinds gather their fixed-size headers with it, whatever the split of the pushes.
fn fill(small: &mut Vec<u8>, want: usize, input: &mut &[u8]) -> bool {
    let take = want.saturating_sub(small.len()).min(input.len());
    small.extend_from_slice(&input[..take]);
    *input = &input[take..];
    small.len() == want
}

#[cfg(test)]
mod tests {
    use super::testkit::{fixture, strip_whole};
    use super::*;

    #[test]
    fn more_bytes_than_the_limit_is_too_large_for_every_kind() {
        for (name, kind) in [
            ("photo-gps.jpg", Kind::Jpeg),
            ("scan.png", Kind::Png),
            ("photo.webp", Kind::Webp),
            ("photo.heic", Kind::Heic),
            ("letter.pdf", Kind::Pdf),
            ("note.txt", Kind::Text),
        ] {
            let file = fixture(name);
            let limit = file.len() as u64 - 1;
            let mut stripper = Stripper::new(kind, limit);
            let mut out = Vec::new();
            let (first, rest) = file.split_at(10);
            assert_eq!(stripper.push(first, &mut out), Ok(()), "{name}");
            assert_eq!(stripper.push(rest, &mut out), Err(StripError::TooLarge), "{name}");
            assert_eq!(stripper.finish(&mut out), Err(StripError::TooLarge), "{name}");
            // Exactly at the limit is allowed.
            assert!(strip_whole(kind, &file, file.len() as u64).is_ok(), "{name}");
        }
    }

    #[test]
    fn an_error_sticks_for_later_pushes() {
        let mut stripper = Stripper::new(Kind::Png, 1 << 20);
        let mut out = Vec::new();
        assert_eq!(stripper.push(b"not a png at all", &mut out), Err(StripError::Unreadable));
        let png = fixture("scan.png");
        assert_eq!(stripper.push(&png, &mut out), Err(StripError::Unreadable));
    }
}
