//! Rewrites a PDF, gathered whole, without its document information, XMP metadata streams,
//! application private data (`/PieceInfo`) and file identifiers.
//!
//! The file is loaded and saved again with `lopdf`: the saved file holds only the latest
//! revision's objects that are still reachable, so metadata left behind by incremental
//! updates goes too. Encrypted files are refused: their metadata cannot be checked.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Dictionary, Document, LoadOptions, Object};

use super::{xmp, Removed, StripError};

/// Object and cross-reference streams are inflated while loading; a small file must not be
/// able to claim more memory than this.
const MAX_INFLATED: usize = 64 * 1024 * 1024;
/// Deeper nesting than any real PDF uses; deeper input is refused rather than walked.
const MAX_DEPTH: usize = 64;
/// Readers look for the end-of-file marker within the last 1024 bytes.
const EOF_WINDOW: usize = 1024;

pub fn strip(file: &[u8], out: &mut Vec<u8>) -> Result<BTreeSet<Removed>, StripError> {
    let tail = &file[file.len().saturating_sub(EOF_WINDOW)..];
    if !file.starts_with(b"%PDF-") || !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(StripError::Unreadable);
    }
    // lopdf is a large parser of untrusted input; a panic in it must refuse the file, not
    // take down the request.
    let stripped = catch_unwind(AssertUnwindSafe(|| rewrite(file)));
    let (bytes, removed) = stripped.map_err(|_| StripError::Unreadable)??;
    out.extend_from_slice(&bytes);
    Ok(removed)
}

fn rewrite(file: &[u8]) -> Result<(Vec<u8>, BTreeSet<Removed>), StripError> {
    let options = LoadOptions::with_max_decompressed_size(MAX_INFLATED);
    let mut doc = Document::load_mem_with_options(file, options).map_err(|_| StripError::Unreadable)?;
    if doc.was_encrypted() || doc.is_encrypted() {
        return Err(StripError::Unreadable);
    }
    let mut removed = BTreeSet::new();

    if let Some(info) = doc.trailer.remove(b"Info") {
        if let Ok((_, Object::Dictionary(info))) = doc.dereference(&info) {
            report_info(info, &mut removed);
        }
    }
    // The identifiers are often a hash over the author, time and path of the original.
    if doc.trailer.remove(b"ID").is_some() {
        removed.insert(Removed::Other);
    }

    let mut metadata_streams = BTreeSet::new();
    for (&id, object) in doc.objects.iter_mut() {
        if let Object::Stream(stream) = object {
            if is_metadata(&stream.dict) {
                metadata_streams.insert(id);
            }
        }
        scrub(object, &mut removed, 0)?;
    }
    for id in metadata_streams {
        if let Some(Object::Stream(stream)) = doc.objects.remove(&id) {
            let packet = stream.decompressed_content().unwrap_or(stream.content);
            xmp::report(&packet, &mut removed);
            removed.insert(Removed::Other);
        }
    }
    // The Info dictionary and anything only the metadata pointed to are unreachable now.
    doc.prune_objects();
    // The trailer's /Size follows the highest object number still present.
    doc.max_id = doc.objects.keys().map(|&(number, _)| number).max().unwrap_or(0);

    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|_| StripError::Unreadable)?;
    Ok((bytes, removed))
}

fn is_metadata(dict: &Dictionary) -> bool {
    let is = |key: &[u8], value: &[u8]| matches!(dict.get(key), Ok(Object::Name(n)) if n == value);
    is(b"Type", b"Metadata") || is(b"Subtype", b"XML")
}

fn report_info(info: &Dictionary, removed: &mut BTreeSet<Removed>) {
    for (key, _) in info.iter() {
        removed.insert(match key.as_slice() {
            b"Author" => Removed::Author,
            b"Creator" | b"Producer" => Removed::Device,
            b"CreationDate" | b"ModDate" => Removed::Times,
            _ => Removed::Other,
        });
    }
}

/// Removes metadata keys from a dictionary or stream and from every dictionary nested in it.
/// The XMP streams a `/Metadata` key pointed to are deleted as objects of their own.
fn scrub(object: &mut Object, removed: &mut BTreeSet<Removed>, depth: usize) -> Result<(), StripError> {
    if depth > MAX_DEPTH {
        return Err(StripError::Unreadable);
    }
    let dict = match object {
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &mut stream.dict,
        Object::Array(items) => {
            for item in items {
                scrub(item, removed, depth + 1)?;
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    for (key, what) in [(&b"Metadata"[..], Removed::Other), (b"PieceInfo", Removed::Other), (b"LastModified", Removed::Times)] {
        if dict.remove(key).is_some() {
            removed.insert(what);
        }
    }
    for (_, value) in dict.iter_mut() {
        scrub(value, removed, depth + 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use lopdf::{Document, Object, ObjectId};

    use super::super::testkit::*;
    use super::super::{Kind, Removed, StripError};
    use super::is_metadata;

    /// The IDs of streams that are XMP metadata; used by tests to check none is left.
    fn metadata_ids(doc: &Document) -> Vec<ObjectId> {
        doc.objects.iter().filter(|(_, o)| matches!(o, Object::Stream(s) if is_metadata(&s.dict))).map(|(&id, _)| id).collect()
    }

    /// Every stream's content, inflated where it is compressed, and every string.
    fn all_text(doc: &Document) -> Vec<u8> {
        let mut text = Vec::new();
        for object in doc.objects.values() {
            match object {
                Object::Stream(s) => text.extend(s.decompressed_content().unwrap_or_else(|_| s.content.clone())),
                other => text.extend(format!("{other:?}").into_bytes()),
            }
        }
        text
    }

    #[test]
    fn a_letter_loses_info_and_xmp_but_keeps_its_page_text() {
        let (out, removed) = strip_fixture("letter.pdf");
        let expected = [Removed::Device, Removed::Times, Removed::Author, Removed::Other];
        assert_eq!(removed, BTreeSet::from(expected));
        assert!(!contains(&out, b"PDF-SENTINEL-AUTHOR"));
        let doc = Document::load_mem(&out).unwrap();
        assert!(doc.trailer.get(b"Info").is_err());
        assert!(doc.catalog().unwrap().get(b"Metadata").is_err());
        assert_eq!(metadata_ids(&doc), vec![]);
        let everything = all_text(&doc);
        assert!(!contains(&everything, b"PDF-SENTINEL-AUTHOR"));
        assert!(!contains(&everything, b"SentinelWriter"));
        let page = *doc.get_pages().get(&1).unwrap();
        assert!(contains(&doc.get_page_content(page), b"(PDF-SENTINEL-BODY) Tj"));
    }

    #[test]
    fn an_encrypted_pdf_is_refused_even_with_an_empty_password() {
        let file = fixture("encrypted.pdf");
        assert_eq!(Kind::sniff(&file), Some(Kind::Pdf));
        assert_eq!(strip_whole(Kind::Pdf, &file, 1 << 20), Err(StripError::Unreadable));
    }

    #[test]
    fn a_pdf_cut_before_its_end_marker_is_unreadable() {
        let file = fixture("letter.pdf");
        let end = file.windows(5).rposition(|w| w == b"%%EOF").unwrap() + 5;
        for at in 0..end {
            let cut = strip_whole(Kind::Pdf, &file[..at], 1 << 20);
            assert_eq!(cut, Err(StripError::Unreadable), "cut at {at}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        assert_garbage_never_panics("letter.pdf");
    }
}
