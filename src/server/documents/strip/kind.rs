//! The kinds of document the desk takes, and how one is recognised from its first bytes.
//!
//! Recognition is by content only: a requester's file name or the browser's declared type
//! says nothing we can trust, and a renamed file must be handled as what it really is.

/// The kinds of document the desk takes, recognised by content, never by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Heic,
    Pdf,
    Text,
}

/// ISOBMFF major brands that mean a HEIF image coded with HEVC (or the generic HEIF brands).
const HEIC_BRANDS: [&[u8; 4]; 8] = [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"];

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::Jpeg, Kind::Png, Kind::Webp, Kind::Heic, Kind::Pdf, Kind::Text];

    /// Recognises a kind from the first bytes of a file (`head` holds at least the first 64 bytes,
    /// or the whole file if shorter). Plain text = no other kind matches, and `head` is valid UTF-8
    /// (a multi-byte sequence cut at the end of `head` is fine) with no NUL and no control characters
    /// other than tab, CR, LF, form feed. None = not a kind we take.
    pub fn sniff(head: &[u8]) -> Option<Kind> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
            Some(Kind::Webp)
        } else if is_heic(head) {
            Some(Kind::Heic)
        } else if head.starts_with(b"%PDF-") {
            Some(Kind::Pdf)
        } else if is_plain_text(head) {
            Some(Kind::Text)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Heic => "image/heic",
            Kind::Pdf => "application/pdf",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    /// Whether a browser can show it in place (images and PDF; text is only downloaded, so
    /// that it is never taken for a page).
    pub fn previewable(self) -> bool {
        self != Kind::Text
    }

    /// The stable code stored with a document; never change one, stored rows depend on it.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpeg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Heic => "heic",
            Kind::Pdf => "pdf",
            Kind::Text => "text",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// An ISOBMFF file whose `ftyp` major brand is a HEIF/HEVC brand. AVIF shares the generic
/// `mif1`/`msf1` brands, so a file that also lists `avif`/`avis` is not taken as HEIC.
fn is_heic(head: &[u8]) -> bool {
    if head.get(4..8) != Some(b"ftyp") {
        return false;
    }
    let Some(major) = head.get(8..12) else {
        return false;
    };
    if !HEIC_BRANDS.iter().any(|brand| major == &brand[..]) {
        return false;
    }
    let size = head.get(0..4).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let compatible = head.get(16..size.min(head.len())).unwrap_or_default();
    !compatible.chunks_exact(4).any(|brand| brand == b"avif" || brand == b"avis")
}

fn is_plain_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A sequence cut by the end of `head` is fine; one broken in the middle is not.
        Err(error) if error.error_len().is_none() && head.len() - error.valid_up_to() < 4 => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\x0C'))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::fixture;
    use super::*;

    #[test]
    fn each_fixture_sniffs_as_its_kind() {
        for (name, kind) in [
            ("photo-gps.jpg", Kind::Jpeg),
            ("broken.jpg", Kind::Jpeg),
            ("scan.png", Kind::Png),
            ("photo.webp", Kind::Webp),
            ("photo.heic", Kind::Heic),
            ("letter.pdf", Kind::Pdf),
            ("note.txt", Kind::Text),
        ] {
            assert_eq!(Kind::sniff(&fixture(name)), Some(kind), "{name}");
        }
    }

    #[test]
    fn a_text_file_named_pdf_is_text() {
        assert_eq!(Kind::sniff(&fixture("fake.pdf")), Some(Kind::Text));
    }

    #[test]
    fn a_zip_is_not_taken() {
        assert_eq!(Kind::sniff(&fixture("not-allowed.zip")), None);
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let note = fixture("note.txt");
        // Byte 1 is inside the two-byte Cyrillic "Д".
        assert_eq!(Kind::sniff(&note[..1]), Some(Kind::Text));
        assert_eq!(Kind::sniff(&note[..63]), Some(Kind::Text));
    }

    #[test]
    fn text_with_nul_escape_or_broken_utf8_is_not_taken() {
        assert_eq!(Kind::sniff(b"hello\0world"), None);
        assert_eq!(Kind::sniff(b"hello \x1b[31m red"), None);
        assert_eq!(Kind::sniff(b"caf\xC3 latte"), None);
        assert_eq!(Kind::sniff(b""), None);
        assert_eq!(Kind::sniff(b"tab\tform\x0Cfeed\r\n"), Some(Kind::Text));
    }

    #[test]
    fn avif_is_not_taken_for_heic() {
        let avif = b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf";
        assert_eq!(Kind::sniff(avif), None);
        let heic = b"\0\0\0\x1cftypheic\0\0\0\0mif1heicmiaf";
        assert_eq!(Kind::sniff(heic), Some(Kind::Heic));
    }

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(Kind::from_code("zip"), None);
        let mut mimes: Vec<_> = Kind::ALL.iter().map(|k| k.mime()).collect();
        mimes.dedup();
        assert_eq!(mimes.len(), 6);
    }
}
