//! Blanks the Exif and XMP items of a HEIC (ISOBMFF/HEIF) file, gathered whole.
//!
//! The items are found through the `meta` box's item table (`iinf`) and their byte ranges
//! through the item locations (`iloc`), which may come anywhere in the file. Their bytes are
//! overwritten with zeros in place, so every offset in the file stays valid and the picture
//! decodes as before. A layout we cannot follow with certainty (data in `idat` or another
//! file, an unknown `iloc` version, ranges outside the file, movie tracks) is refused.

use std::collections::BTreeSet;

use super::bmff::{boxes, Bx, Reader};
use super::{exif, xmp, Removed, StripError};

const XMP_CONTENT_TYPE: &[u8] = b"application/rdf+xml";

#[derive(PartialEq)]
enum Metadata {
    Exif,
    Xmp,
}

pub fn strip(mut file: Vec<u8>, out: &mut Vec<u8>) -> Result<BTreeSet<Removed>, StripError> {
    let targets = metadata_extents(&file).ok_or(StripError::Unreadable)?;
    let mut removed = BTreeSet::new();
    for (what, extents) in targets {
        let content: Vec<u8> = extents.iter().flat_map(|r| file[r.clone()].iter().copied()).collect();
        match what {
            Metadata::Exif => {
                // The item starts with the offset of the TIFF header from after that field.
                let offset = content.get(..4).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                let tiff = content.get(4usize.saturating_add(offset as usize)..).unwrap_or_default();
                if content.iter().any(|&b| b != 0) {
                    exif::report(tiff, &mut removed);
                }
            }
            Metadata::Xmp => xmp::report(&content, &mut removed),
        }
        for range in extents {
            file[range].fill(0);
        }
    }
    out.extend_from_slice(&file);
    Ok(removed)
}

/// The byte ranges of every Exif and XMP item, or None if the file cannot be followed.
fn metadata_extents(file: &[u8]) -> Option<Vec<(Metadata, Vec<std::ops::Range<usize>>)>> {
    let top = boxes(file, 0, file.len())?;
    if top.first().map(|b| &b.kind) != Some(b"ftyp") || top.iter().any(|b| &b.kind == b"moov") {
        return None;
    }
    let mut metas = top.iter().filter(|b| &b.kind == b"meta");
    let meta = metas.next()?;
    if metas.next().is_some() {
        return None;
    }
    // `meta` is a full box: version and flags come before its children.
    let children = boxes(file, meta.start.checked_add(4)?, meta.end)?;
    let iinf = children.iter().find(|b| &b.kind == b"iinf")?;
    let items = item_infos(file, iinf)?;
    let wanted: Vec<_> = items.into_iter().filter_map(|(id, what)| Some((id, what?))).collect();
    if wanted.is_empty() {
        return Some(Vec::new());
    }
    let iloc = children.iter().find(|b| &b.kind == b"iloc")?;
    let locations = item_locations(file, iloc)?;
    wanted
        .into_iter()
        .map(|(id, what)| {
            let (_, extents) = locations.iter().find(|(item, _)| *item == id)?;
            Some((what, extents.clone()))
        })
        .collect()
}

/// Every item's ID, and whether it is Exif or XMP.
fn item_infos(file: &[u8], iinf: &Bx) -> Option<Vec<(u32, Option<Metadata>)>> {
    let mut r = Reader { data: file, at: iinf.start, end: iinf.end };
    let version = r.u8()?;
    r.bytes(3)?;
    if version == 0 {
        r.u16()?;
    } else {
        r.u32()?;
    }
    let mut items = Vec::new();
    for infe in boxes(file, r.at, iinf.end)?.iter().filter(|b| &b.kind == b"infe") {
        let mut r = Reader { data: file, at: infe.start, end: infe.end };
        let version = r.u8()?;
        r.bytes(3)?;
        let id = if version >= 3 { r.u32()? } else { u32::from(r.u16()?) };
        r.u16()?; // protection index
        let item_type: &[u8] = if version >= 2 { r.bytes(4)? } else { b"mime" };
        if version >= 2 {
            r.cstr(); // item name
        }
        let what = match item_type {
            b"Exif" => Some(Metadata::Exif),
            b"mime" => {
                if version < 2 {
                    r.cstr();
                }
                (r.cstr() == XMP_CONTENT_TYPE).then_some(Metadata::Xmp)
            }
            _ => None,
        };
        items.push((id, what));
    }
    Some(items)
}

type Extents = Vec<std::ops::Range<usize>>;

/// Every item's extents as absolute ranges in the file; only data stored in this file
/// (construction method 0, data reference 0) is accepted.
fn item_locations(file: &[u8], iloc: &Bx) -> Option<Vec<(u32, Extents)>> {
    let mut r = Reader { data: file, at: iloc.start, end: iloc.end };
    let version = r.u8()?;
    r.bytes(3)?;
    if version > 2 {
        return None;
    }
    let sizes = r.u8()?;
    let (offset_size, length_size) = (sizes >> 4, sizes & 0xF);
    let sizes = r.u8()?;
    let base_offset_size = sizes >> 4;
    let index_size = if version >= 1 { sizes & 0xF } else { 0 };
    let count = if version < 2 { u32::from(r.u16()?) } else { r.u32()? };
    let mut locations = Vec::new();
    for _ in 0..count {
        let id = if version < 2 { u32::from(r.u16()?) } else { r.u32()? };
        if version >= 1 && r.u16()? & 0xF != 0 {
            return None;
        }
        if r.u16()? != 0 {
            return None;
        }
        let base = r.sized(base_offset_size)?;
        let extent_count = r.u16()?;
        let mut extents = Vec::new();
        for _ in 0..extent_count {
            r.sized(index_size)?;
            let start = base.checked_add(r.sized(offset_size)?)?;
            let length = r.sized(length_size)?;
            let start = usize::try_from(start).ok()?;
            // A length of zero means "to the end of the file".
            let end = if length == 0 { file.len() } else { start.checked_add(usize::try_from(length).ok()?)? };
            if start > end || end > file.len() {
                return None;
            }
            extents.push(start..end);
        }
        locations.push((id, extents));
    }
    Some(locations)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::testkit::*;
    use super::super::{Kind, Removed, StripError};

    #[test]
    fn a_heic_loses_its_exif_and_xmp_items_in_place() {
        let original = fixture("photo.heic");
        assert!(contains(&original, b"XMP-SENTINEL"));
        assert!(contains(&original, GPS_SECONDS));
        let (out, removed) = strip_fixture("photo.heic");
        assert_eq!(out.len(), original.len(), "offsets stay valid");
        for sentinel in [GPS_SECONDS, &b"XMP-SENTINEL"[..], b"2024:05:01", b"MM\0*"] {
            assert!(!contains(&out, sentinel), "{}", String::from_utf8_lossy(sentinel));
        }
        let expected = [Removed::Location, Removed::Times, Removed::Author, Removed::Other];
        assert_eq!(removed, BTreeSet::from(expected));
    }

    #[test]
    fn truncated_heic_is_unreadable() {
        assert_every_truncation_is_unreadable("photo.heic");
    }

    fn bx(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
        let mut b = ((content.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(content);
        b
    }

    /// A minimal HEIF with one Exif item stored as `iloc` says (version 1, 4-byte fields).
    fn heif_with_exif(iloc_version: u8, construction: u16, shift: u32) -> Vec<u8> {
        let exif = b"\0\0\0\0MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\0\0\0\0\0";
        let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        let infe = bx(b"infe", b"\x02\0\0\0\0\x01\0\0Exif\0");
        let iinf = bx(b"iinf", &[&[0, 0, 0, 0, 0, 1][..], &infe].concat());
        let meta_len = |iloc: &[u8]| 8 + 4 + iinf.len() + iloc.len();
        let iloc = |offset: u32| {
            let mut c = vec![iloc_version, 0, 0, 0, 0x44, 0x40, 0, 1, 0, 1];
            c.extend_from_slice(&construction.to_be_bytes());
            c.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
            c.extend_from_slice(&offset.to_be_bytes());
            c.extend_from_slice(&(exif.len() as u32).to_be_bytes());
            bx(b"iloc", &c)
        };
        let offset = (ftyp.len() + meta_len(&iloc(0)) + 8) as u32 + shift;
        let meta = bx(b"meta", &[&[0, 0, 0, 0][..], &iinf, &iloc(offset)].concat());
        [ftyp, meta, bx(b"mdat", exif)].concat()
    }

    #[test]
    fn a_minimal_heif_exif_item_is_found_and_blanked() {
        let file = heif_with_exif(1, 0, 0);
        let (out, removed) = strip_whole(Kind::Heic, &file, 1 << 20).unwrap();
        assert_eq!(removed, BTreeSet::from([Removed::Location]));
        assert!(!contains(&out, b"MM\0*"));
    }

    #[test]
    fn layouts_we_cannot_follow_are_unreadable() {
        let cases =
            [("data in idat", heif_with_exif(1, 1, 0)), ("extent past the end", heif_with_exif(1, 0, 4)), ("unknown iloc version", heif_with_exif(3, 0, 0))];
        for (what, file) in cases {
            assert_eq!(strip_whole(Kind::Heic, &file, 1 << 20), Err(StripError::Unreadable), "{what}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        assert_garbage_never_panics("photo.heic");
    }
}
