//! Says what an XMP packet held, by looking for the property names that matter to a
//! requester. The packet is always dropped whole; this only shapes the report.

use std::collections::BTreeSet;

use super::Removed;

/// Property names (without namespace prefix, since writers pick their own) and what they reveal.
const PROPERTIES: [(&str, Removed); 14] = [
    ("GPSLatitude", Removed::Location),
    ("GPSLongitude", Removed::Location),
    ("Make", Removed::Device),
    ("Model", Removed::Device),
    ("CreatorTool", Removed::Device),
    ("Producer", Removed::Device),
    ("SerialNumber", Removed::Device),
    ("creator", Removed::Author),
    ("rights", Removed::Author),
    ("Owner", Removed::Author),
    ("CreateDate", Removed::Times),
    ("ModifyDate", Removed::Times),
    ("DateTimeOriginal", Removed::Times),
    ("DateCreated", Removed::Times),
];

/// Classifies an XMP packet; it always counts as `Other` (packets carry document IDs and
/// edit history), plus whatever more precise kinds its property names show.
pub fn report(packet: &[u8], removed: &mut BTreeSet<Removed>) {
    if packet.iter().all(|&b| b == 0) {
        return;
    }
    removed.insert(Removed::Other);
    for (name, what) in PROPERTIES {
        if mentions(packet, name) {
            removed.insert(what);
        }
    }
}

/// True if `name` appears as a property after a namespace prefix (`:name`), as an element or
/// an attribute.
fn mentions(packet: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
    packet.windows(name.len() + 2).any(|w| w[0] == b':' && &w[1..=name.len()] == name && matches!(w[name.len() + 1], b'>' | b'=' | b' ' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dc_creator_element_is_an_author() {
        let mut removed = BTreeSet::new();
        report(b"<dc:creator><rdf:Seq><rdf:li>X</rdf:li></rdf:Seq></dc:creator>", &mut removed);
        assert_eq!(removed, BTreeSet::from([Removed::Author, Removed::Other]));
    }

    #[test]
    fn attribute_properties_count_and_lookalikes_do_not() {
        let mut removed = BTreeSet::new();
        report(br#"<rdf:Description xmp:CreateDate="2024" xmp:Makeup="x"/>"#, &mut removed);
        assert_eq!(removed, BTreeSet::from([Removed::Times, Removed::Other]));
    }
}
