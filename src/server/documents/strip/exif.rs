//! Reads an Exif (TIFF) block only far enough to say what it held, so the requester can be
//! told what was removed. The block itself is always dropped, readable or not.

use std::collections::BTreeSet;

use super::Removed;

/// Sub-IFD pointers followed from IFD0.
const EXIF_IFD: u16 = 0x8769;
const GPS_IFD: u16 = 0x8825;
const INTEROP_IFD: u16 = 0xA005;

/// Enough for any real camera; a crafted block cannot make us walk forever.
const MAX_ENTRIES: usize = 4096;

/// Classifies a TIFF-structured Exif block (starting at its `II*\0` or `MM\0*` header). A block
/// that cannot be read still counts as `Other`: something was there and it is gone.
pub fn report(tiff: &[u8], removed: &mut BTreeSet<Removed>) {
    if tiff.iter().all(|&b| b == 0) {
        return;
    }
    let before = removed.len();
    if read(tiff, removed).is_none() || removed.len() == before {
        removed.insert(Removed::Other);
    }
}

/// Classifies an Exif block that may start with the `Exif\0\0` prefix JPEG and some WebP and
/// PNG writers put before the TIFF header.
pub fn report_prefixed(block: &[u8], removed: &mut BTreeSet<Removed>) {
    report(block.strip_prefix(b"Exif\0\0").unwrap_or(block), removed);
}

struct Tiff<'a> {
    data: &'a [u8],
    big_endian: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }

    /// The entries of the IFD at `offset` as (tag, value-or-offset), and the next IFD's offset.
    fn ifd(&self, offset: usize) -> Option<(Vec<(u16, u32)>, u32)> {
        let count = usize::from(self.u16(offset)?).min(MAX_ENTRIES);
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            let at = offset + 2 + i * 12;
            entries.push((self.u16(at)?, self.u32(at + 8)?));
        }
        let next = self.u32(offset + 2 + count * 12).unwrap_or(0);
        Some((entries, next))
    }
}

fn read(data: &[u8], removed: &mut BTreeSet<Removed>) -> Option<()> {
    let big_endian = match data.get(0..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let tiff = Tiff { data, big_endian };
    let ifd0 = tiff.u32(4)? as usize;
    let (entries, ifd1) = tiff.ifd(ifd0)?;
    for (tag, value) in entries {
        match tag {
            GPS_IFD => {
                removed.insert(Removed::Location);
                // GPS date and time stamps are times too; an unreadable GPS IFD is still a location.
                if let Some((gps, _)) = tiff.ifd(value as usize) {
                    if gps.iter().any(|&(t, _)| t == 0x0007 || t == 0x001D) {
                        removed.insert(Removed::Times);
                    }
                }
            }
            EXIF_IFD => {
                for (sub, _) in tiff.ifd(value as usize)?.0 {
                    classify(sub, removed);
                }
            }
            _ => classify(tag, removed),
        }
    }
    if ifd1 != 0 && ifd1 as usize != ifd0 {
        // IFD1 describes the embedded thumbnail, a small copy of the uncropped picture.
        removed.insert(Removed::Other);
    }
    Some(())
}

fn classify(tag: u16, removed: &mut BTreeSet<Removed>) {
    let what = match tag {
        // Make, Model, Software, HostComputer, MakerNote, lens and body details.
        0x010F | 0x0110 | 0x0131 | 0x013C | 0x927C | 0xA431..=0xA435 => Removed::Device,
        // DateTime, DateTimeOriginal/Digitized, their offsets and sub-seconds.
        0x0132 | 0x9003 | 0x9004 | 0x9010..=0x9012 | 0x9290..=0x9292 => Removed::Times,
        // Artist, Copyright, XPAuthor, CameraOwnerName.
        0x013B | 0x8298 | 0x9C9D | 0xA430 => Removed::Author,
        GPS_IFD => Removed::Location,
        // A pointer says nothing by itself.
        EXIF_IFD | INTEROP_IFD => return,
        _ => Removed::Other,
    };
    removed.insert(what);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF with the given IFD0 entries (tag, inline value) and optional GPS IFD.
    fn tiff(ifd0: &[(u16, u32)]) -> Vec<u8> {
        let mut data = b"II*\0\x08\0\0\0".to_vec();
        data.extend_from_slice(&(ifd0.len() as u16).to_le_bytes());
        for &(tag, value) in ifd0 {
            data.extend_from_slice(&tag.to_le_bytes());
            data.extend_from_slice(&[2, 0, 4, 0, 0, 0]);
            data.extend_from_slice(&value.to_le_bytes());
        }
        data.extend_from_slice(&[0; 4]);
        data
    }

    fn classified(data: &[u8]) -> BTreeSet<Removed> {
        let mut removed = BTreeSet::new();
        report(data, &mut removed);
        removed
    }

    #[test]
    fn make_and_artist_are_device_and_author() {
        let set = classified(&tiff(&[(0x010F, 0), (0x013B, 0)]));
        assert_eq!(set, BTreeSet::from([Removed::Device, Removed::Author]));
    }

    #[test]
    fn a_gps_pointer_is_a_location_even_if_it_points_nowhere() {
        let set = classified(&tiff(&[(GPS_IFD, 0xFFFF_FF00)]));
        assert_eq!(set, BTreeSet::from([Removed::Location]));
    }

    #[test]
    fn an_unreadable_block_is_other() {
        assert_eq!(classified(b"hello"), BTreeSet::from([Removed::Other]));
        assert_eq!(classified(b"MM\0*\xFF\xFF\xFF\xFF"), BTreeSet::from([Removed::Other]));
    }

    #[test]
    fn an_ifd_pointing_at_itself_ends() {
        let mut data = tiff(&[(0x0110, 0)]);
        let end = data.len();
        data[end - 4..].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(classified(&data), BTreeSet::from([Removed::Device]));
    }

    #[test]
    fn a_zeroed_block_reports_nothing() {
        assert_eq!(classified(&[0; 64]), BTreeSet::new());
    }
}
