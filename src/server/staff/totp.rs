//! Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps and
//! 160-bit secrets, the settings every authenticator app understands. Also the enrolment
//! material: the `otpauth://` URI, the secret in base32 for manual entry, and a QR code of
//! the URI rendered on the server as inline SVG.

use qrcode::{Color, EcLevel, QrCode};
use rand::{rngs::OsRng, RngCore};
use std::fmt::{self, Write as _};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::Zeroizing;

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds in a time step.
pub const STEP_SECS: i64 = 30;
/// Bytes in a secret (160 bits, the size of an HMAC-SHA1 output, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// A shared TOTP secret, wiped from memory when dropped. Its `Debug` shows nothing of it.
pub struct TotpSecret(Zeroizing<[u8; SECRET_BYTES]>);

impl TotpSecret {
    /// A fresh random secret from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        OsRng.fill_bytes(bytes.as_mut_slice());
        Self(bytes)
    }

    /// A secret from its stored bytes; `None` unless there are exactly 20 of them.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != SECRET_BYTES {
            return None;
        }
        let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
        secret.copy_from_slice(bytes);
        Some(Self(secret))
    }

    /// The raw bytes, for sealed storage.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// RFC 4648 base32, upper-case, without padding: what a person types into an
    /// authenticator app that cannot scan the QR code.
    pub fn base32(&self) -> String {
        Secret::Raw(self.as_bytes().to_vec()).to_encoded().to_string()
    }

    /// The `totp-rs` generator of this secret, named for an authenticator app.
    fn totp(&self, issuer: &str, account: &str) -> TOTP {
        let issuer = (!issuer.is_empty()).then(|| issuer.to_owned());
        // Unchecked: the secret is always 160 bits, and names are percent-encoded in the URI.
        TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 1, STEP_SECS as u64, self.as_bytes().to_vec(), issuer, account.to_owned())
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

/// The time step a Unix time (in seconds) falls in.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The 6-digit code (zero-padded) of a time step.
pub fn code_at(secret: &TotpSecret, step: i64) -> String {
    // Steps before 1970 do not occur; such a step gives the code of step 0.
    secret.totp("", "").generate(step.max(0) as u64 * STEP_SECS as u64)
}

/// The 6 digits of a code as typed, with spaces (and other white space) anywhere ignored;
/// `None` for anything else.
fn parse_code(code: &str) -> Option<[u8; DIGITS]> {
    let mut digits = [0u8; DIGITS];
    let mut count = 0;
    for c in code.chars().filter(|c| !c.is_whitespace()) {
        if !c.is_ascii_digit() || count == DIGITS {
            return None;
        }
        digits[count] = c as u8;
        count += 1;
    }
    (count == DIGITS).then_some(digits)
}

/// Checks a typed code against the steps before, at and after `now_unix` (to allow for clock
/// drift), refusing any step at or before `last_used_step` so that a code cannot be used twice.
/// Returns the step that matched, which the caller stores as the new `last_used_step`.
pub fn verify(secret: &TotpSecret, code: &str, now_unix: i64, last_used_step: Option<i64>) -> Option<i64> {
    let given = parse_code(code)?;
    let now = step_of(now_unix);
    let mut matched = None;
    // All three candidates are computed and compared whatever the outcome.
    for step in [now - 1, now, now + 1] {
        let expected = code_at(secret, step);
        let equal: bool = expected.as_bytes().ct_eq(&given).into();
        let fresh = last_used_step.is_none_or(|last| step > last);
        if equal && fresh && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` URI of Google's Key Uri Format, which authenticator apps read from the
/// QR code: `otpauth://totp/Issuer:account?secret=…&issuer=…` (6 digits, SHA1 and 30-second
/// steps, the defaults every app assumes).
pub fn otpauth_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    secret.totp(issuer, account).get_url()
}

/// Light modules around the code, as the QR specification asks.
const QUIET_ZONE: usize = 4;
/// Default rendered size of one module in CSS pixels; CSS may scale the image freely.
const MODULE_PX: usize = 4;

/// A QR code of `data` as an SVG element, safe to inline into HTML: black modules on white
/// with a quiet zone, sized by its `viewBox` (the `width`/`height` attributes are only a
/// default), no scripts, no links and nothing from `data` except the modules themselves.
/// Error correction is level M, or L when the data does not fit at M; data too long for any
/// QR code (about 2,900 bytes) gives a blank white square.
pub fn qr_svg(data: &str) -> String {
    let code = QrCode::with_error_correction_level(data, EcLevel::M).or_else(|_| QrCode::with_error_correction_level(data, EcLevel::L)).ok();
    let (width, colors) = code.map_or((0, Vec::new()), |code| (code.width(), code.to_colors()));
    let size = width + 2 * QUIET_ZONE;
    let px = size * MODULE_PX;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" \
         role=\"img\" aria-label=\"QR code\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    // One sub-path per horizontal run of dark modules.
    for (y, row) in colors.chunks(width.max(1)).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row[x] == Color::Dark {
                let run = row[x..].iter().take_while(|&&c| c == Color::Dark).count();
                let _ = write!(svg, "M{} {}h{run}v1h-{run}z", x + QUIET_ZONE, y + QUIET_ZONE);
                x += run;
            } else {
                x += 1;
            }
        }
    }
    svg.push_str("\"/></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 SHA1 test secret, ASCII "12345678901234567890".
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn rfc6238_sha1_test_vectors() {
        let secret = rfc_secret();
        let vectors: [(i64, &str); 6] =
            [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"), (2000000000, "279037"), (20000000000, "353130")];
        for (time, six_digits) in vectors {
            let step = step_of(time);
            assert_eq!(code_at(&secret, step), six_digits, "T = {time}");
            assert_eq!(verify(&secret, six_digits, time, None), Some(step), "T = {time}");
        }
    }

    #[test]
    fn steps_are_thirty_seconds() {
        assert_eq!(step_of(0), 0);
        assert_eq!(step_of(29), 0);
        assert_eq!(step_of(30), 1);
        assert_eq!(step_of(59), 1);
        assert_eq!(step_of(1111111109), 37037036);
        assert_eq!(step_of(-1), -1);
    }

    #[test]
    fn one_step_of_drift_either_way_is_accepted_and_no_more() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_000;
        let step = step_of(now);
        for offset in -1..=1 {
            assert_eq!(verify(&secret, &code_at(&secret, step + offset), now, None), Some(step + offset), "{offset}");
        }
        for offset in [-3, -2, 2, 3] {
            let code = code_at(&secret, step + offset);
            // A different step may by chance share the code; then it is not this test's case.
            if (-1..=1).all(|near| code_at(&secret, step + near) != code) {
                assert_eq!(verify(&secret, &code, now, None), None, "{offset}");
            }
        }
    }

    #[test]
    fn a_used_step_and_those_before_it_are_refused() {
        let secret = rfc_secret();
        let now = 1111111111;
        let step = step_of(now);
        let code = code_at(&secret, step);
        assert_eq!(verify(&secret, &code, now, None), Some(step));
        assert_eq!(verify(&secret, &code, now, Some(step)), None, "replay of the same code");
        assert_eq!(verify(&secret, &code, now + 20, Some(step)), None, "replay a step later");
        assert_eq!(verify(&secret, &code_at(&secret, step - 1), now, Some(step)), None, "an older code");
        assert_eq!(verify(&secret, &code, now, Some(step - 1)), Some(step));
        let next = code_at(&secret, step + 1);
        assert_eq!(verify(&secret, &next, now, Some(step)), Some(step + 1), "the following step still works");
    }

    #[test]
    fn spaces_inside_the_code_are_ignored() {
        let secret = rfc_secret();
        assert_eq!(verify(&secret, "287 082", 59, None), Some(1));
        assert_eq!(verify(&secret, " 28 70 82 ", 59, None), Some(1));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = rfc_secret();
        for code in ["", "      ", "28708", "2870822", "0287082", "28708a", "287-082", "+87082", "287082\0", "٢٨٧٠٨٢", "２８７０８２", "94287082"] {
            assert_eq!(verify(&secret, code, 59, None), None, "{code:?}");
        }
        assert_eq!(verify(&secret, "000000", 59, None), None);
        assert_eq!(verify(&secret, &"2".repeat(10_000), 59, None), None);
    }

    #[test]
    fn secrets_are_160_bits_random_and_never_shown() {
        let (a, b) = (TotpSecret::generate(), TotpSecret::generate());
        assert_eq!(a.as_bytes().len(), 20);
        assert_ne!(a.as_bytes(), b.as_bytes());
        assert!(TotpSecret::from_bytes(&[7; 19]).is_none());
        assert!(TotpSecret::from_bytes(&[7; 21]).is_none());
        assert_eq!(TotpSecret::from_bytes(a.as_bytes()).unwrap().as_bytes(), a.as_bytes());
        let shown = format!("{a:?} {b:#?}");
        assert_eq!(shown, "TotpSecret(..) TotpSecret(..)");
    }

    #[test]
    fn secrets_are_shown_as_base32_without_padding() {
        assert_eq!(rfc_secret().base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(TotpSecret::from_bytes(&[0xff; 20]).unwrap().base32(), "7".repeat(32));
        assert_eq!(TotpSecret::generate().base32().len(), 32);
    }

    /// The URI's parts, as an authenticator app reads them.
    fn uri_parts(uri: &str) -> (String, Vec<(String, String)>) {
        let rest = uri.strip_prefix("otpauth://totp/").expect(uri);
        let (label, query) = rest.split_once('?').expect(uri);
        let label = form_urlencoded::parse(format!("l={label}").as_bytes()).next().unwrap().1.into_owned();
        (label, form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    #[test]
    fn otpauth_uri_names_issuer_account_and_parameters() {
        let (label, params) = uri_parts(&otpauth_uri(&rfc_secret(), "Embassy Desk", "ales.petrou"));
        assert_eq!(label, "Embassy Desk:ales.petrou");
        let param = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(param("secret"), Some("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        assert_eq!(param("issuer"), Some("Embassy Desk"));
        // Parameters left out mean the defaults apps assume: 6 digits, SHA1, 30 seconds.
        assert_eq!(param("digits").unwrap_or("6"), "6");
        assert_eq!(param("algorithm").unwrap_or("SHA1"), "SHA1");
        assert_eq!(param("period").unwrap_or("30"), "30");
        let (label, params) = uri_parts(&otpauth_uri(&rfc_secret(), "", "ales"));
        assert_eq!(label, "ales");
        assert!(!params.iter().any(|(k, _)| k == "issuer"));
    }

    #[test]
    fn qr_svg_is_a_plain_scalable_image() {
        let data = otpauth_uri(&TotpSecret::generate(), "Embassy Desk <\"&'>", "ales.petrou");
        let svg = qr_svg(&data);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        let lower = svg.to_lowercase();
        for forbidden in ["<script", "href", "url(", "<foreignobject", "<image", "<style", " on", "embassy", "&"] {
            assert!(!lower.contains(forbidden), "{forbidden} in {svg}");
        }
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-label=\""));
        assert!(svg.contains("fill=\"#fff\"") && svg.contains("fill=\"#000\""));

        // The path covers exactly the dark modules, offset by the quiet zone.
        let code = QrCode::with_error_correction_level(&data, EcLevel::M).unwrap();
        let size = code.width() + 2 * QUIET_ZONE;
        assert!(svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")), "{svg}");
        let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut covered = vec![false; code.width() * code.width()];
        for segment in path.split('M').skip(1) {
            let (x, rest) = segment.split_once(' ').unwrap();
            let (y, rest) = rest.split_once('h').unwrap();
            let run = rest.split_once('v').unwrap().0;
            let (x, y, run): (usize, usize, usize) = (x.parse().unwrap(), y.parse().unwrap(), run.parse().unwrap());
            assert!(x >= QUIET_ZONE && y >= QUIET_ZONE && x + run <= size - QUIET_ZONE && y < size - QUIET_ZONE);
            for dx in 0..run {
                covered[(y - QUIET_ZONE) * code.width() + x - QUIET_ZONE + dx] = true;
            }
        }
        let dark: Vec<bool> = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        assert_eq!(covered, dark);
    }

    #[test]
    fn qr_svg_of_oversized_data_is_still_well_formed() {
        let svg = qr_svg(&"x".repeat(10_000));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && !svg.contains('M'), "{svg}");
    }
}
