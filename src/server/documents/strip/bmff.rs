//! Reads ISOBMFF (HEIF) boxes and big-endian fields with every bound checked, for the HEIC
//! stripper; nothing here trusts a size it reads.

/// A box: its four-character type and the byte range of its content (after the header).
pub struct Bx {
    pub kind: [u8; 4],
    pub start: usize,
    pub end: usize,
}

/// Splits `data[start..end]` into boxes that must cover it exactly.
pub fn boxes(data: &[u8], start: usize, end: usize) -> Option<Vec<Bx>> {
    let mut found = Vec::new();
    let mut at = start;
    while at < end {
        let mut r = Reader { data, at, end };
        let size = r.u32()?;
        let kind: [u8; 4] = r.bytes(4)?.try_into().ok()?;
        let box_end = match size {
            0 => end,
            1 => at.checked_add(usize::try_from(r.u64()?).ok()?)?,
            n => at.checked_add(n as usize)?,
        };
        if &kind == b"uuid" {
            r.bytes(16)?;
        }
        if box_end > end || box_end < r.at {
            return None;
        }
        found.push(Bx { kind, start: r.at, end: box_end });
        at = box_end;
    }
    Some(found)
}

/// Bounds-checked big-endian reads within `data[..end]`.
pub struct Reader<'a> {
    pub data: &'a [u8],
    pub at: usize,
    pub end: usize,
}

impl<'a> Reader<'a> {
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        if end > self.end {
            return None;
        }
        let bytes = self.data.get(self.at..end)?;
        self.at = end;
        Some(bytes)
    }
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }
    pub fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.bytes(2)?.try_into().ok()?))
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.bytes(4)?.try_into().ok()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.bytes(8)?.try_into().ok()?))
    }
    /// An unsigned integer of 0, 4 or 8 bytes, as `iloc` field sizes allow.
    pub fn sized(&mut self, size: u8) -> Option<u64> {
        match size {
            0 => Some(0),
            4 => self.u32().map(u64::from),
            8 => self.u64(),
            _ => None,
        }
    }
    /// A NUL-terminated string; one missing its NUL runs to the end of the box.
    pub fn cstr(&mut self) -> &'a [u8] {
        let rest = self.data.get(self.at..self.end).unwrap_or_default();
        let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        self.at = (self.at + len + 1).min(self.end);
        &rest[..len]
    }
}
