use super::*;
use proptest::prelude::*;

fn place<'a>(case: &'a str, column: &'a str, row: &'a str) -> Place<'a> {
    Place { case, table: "case_fields", column, row }
}

const CASE: &str = "6f1c0a52-3b5e-4c1d-9f0e-2a7b8c9d0e1f";
const OTHER_CASE: &str = "0b7e9a10-1d2c-4e3f-8a9b-0c1d2e3f4a5b";

#[test]
fn sealed_value_opens_where_it_was_sealed() {
    let key = DataKey::generate();
    let p = place(CASE, "value", "narrative");
    let sealed = key.seal(&p, "Мой паспорт истёк".as_bytes());
    assert_eq!(sealed.len(), OVERHEAD + MIN_BUCKET);
    assert_eq!(&key.open(&p, &sealed).unwrap()[..], "Мой паспорт истёк".as_bytes());
}

#[test]
fn padding_hides_a_length_within_its_bucket() {
    let key = DataKey::generate();
    let p = place(CASE, "value", "narrative");
    let len_of = |n: usize| key.seal(&p, &vec![b'a'; n]).len();
    assert!((0..64).all(|n| len_of(n) == OVERHEAD + 64), "short values all take the smallest bucket");
    assert_eq!(len_of(64), OVERHEAD + 128);
    assert_eq!(len_of(100), len_of(127));
    assert_eq!(len_of(700), OVERHEAD + 1024);
    assert_ne!(len_of(1023), len_of(1024));
    assert_eq!(len_of(70_000), OVERHEAD + 128 * 1024);
    for n in [0, 1, 63, 64, 65, 1000, 70_000] {
        let plaintext: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
        assert_eq!(&key.open(&p, &key.seal(&p, &plaintext)).unwrap()[..], &plaintext[..], "{n} bytes round-trip");
    }
    // Trailing zero bytes of the value itself are kept.
    assert_eq!(&key.open(&p, &key.seal(&p, b"ab\0\0")).unwrap()[..], b"ab\0\0");
}

#[test]
fn same_plaintext_seals_differently_each_time() {
    let key = DataKey::generate();
    let p = place(CASE, "value", "narrative");
    assert_ne!(key.seal(&p, b"same"), key.seal(&p, b"same"));
}

#[test]
fn unknown_version_and_key_id_are_errors() {
    let key = DataKey::generate();
    let p = place(CASE, "value", "name");
    let mut sealed = key.seal(&p, b"x");
    sealed[0] = 9;
    assert_eq!(key.open(&p, &sealed).unwrap_err(), CryptoError::UnknownVersion(9));
    let mut sealed = key.seal(&p, b"x");
    sealed[1..5].copy_from_slice(&77u32.to_be_bytes());
    assert_eq!(key.open(&p, &sealed).unwrap_err(), CryptoError::UnknownKeyId(77));
    for len in 0..OVERHEAD {
        assert_eq!(key.open(&p, &vec![1u8; len]).unwrap_err(), CryptoError::Truncated);
    }
}

#[test]
fn wrapped_case_key_is_bound_to_its_case_and_opens_after_rotation() {
    let ring = Keyring::from_raw_keys([(1, [7u8; 32])]);
    let data_key = DataKey::generate();
    let wrapped = ring.wrap_case_key(CASE, &data_key);
    assert_eq!(key_id_of(&wrapped).unwrap(), 1);
    let p = place(CASE, "value", "name");
    let sealed = data_key.seal(&p, b"Alesia");
    let unwrapped = ring.unwrap_case_key(CASE, &wrapped).unwrap();
    assert_eq!(&unwrapped.open(&p, &sealed).unwrap()[..], b"Alesia");
    assert_eq!(ring.unwrap_case_key(OTHER_CASE, &wrapped).unwrap_err(), CryptoError::Forged);

    let rotated = Keyring::from_raw_keys([(1, [7u8; 32]), (2, [8u8; 32])]);
    assert_eq!(rotated.active_key_id(), 2);
    assert!(rotated.unwrap_case_key(CASE, &wrapped).is_ok(), "old wraps open after rotation");
    assert_eq!(key_id_of(&rotated.wrap_case_key(CASE, &data_key)).unwrap(), 2);
    let other = Keyring::from_raw_keys([(2, [8u8; 32])]);
    assert_eq!(other.unwrap_case_key(CASE, &wrapped).unwrap_err(), CryptoError::UnknownKeyId(1));
}

#[test]
fn wrong_keyring_is_told_apart_by_check_values() {
    let ring = Keyring::from_raw_keys([(1, [7u8; 32])]);
    let stored = vec![(1, ring.check_value(1).unwrap())];
    assert!(ring.verify_against(&stored).is_ok());
    let wrong = Keyring::from_raw_keys([(1, [9u8; 32])]);
    assert!(matches!(wrong.verify_against(&stored), Err(KeyringMismatch::Differs(1))));
    let newer = Keyring::from_raw_keys([(2, [7u8; 32])]);
    assert!(matches!(newer.verify_against(&stored), Err(KeyringMismatch::Missing(1))));
}

#[test]
fn subkeys_differ_by_purpose() {
    let ring = Keyring::from_raw_keys([(1, [7u8; 32])]);
    assert_ne!(ring.blind_index(1, "phone", b"+48123"), ring.blind_index(1, "document", b"+48123"));
    assert_ne!(ring.receipt_tag(1, b"code").unwrap()[..16], ring.blind_index(1, "", b"code").unwrap()[..]);
    assert_eq!(ring.blind_index(1, "phone", b"+48123").unwrap().len(), 16);
    assert_eq!(ring.receipt_tag(2, b"code"), None);
    let rotated = Keyring::from_raw_keys([(1, [7u8; 32]), (2, [8u8; 32])]);
    assert_eq!(rotated.receipt_tag(1, b"code"), ring.receipt_tag(1, b"code"), "old tags still match after rotation");
}

#[test]
fn token_tags_are_keyed_and_match_across_a_rotation() {
    use sha2::{Digest, Sha256};
    let ring = Keyring::from_raw_keys([(1, [7u8; 32])]);
    let stored = ring.token_tag("session token");
    assert_eq!(stored.len(), 32);
    assert_ne!(stored, Sha256::digest(b"session token").to_vec(), "not a plain hash");
    assert_ne!(Some(stored.clone()), ring.receipt_tag(1, b"session token"), "its own subkey");
    assert_eq!(ring.token_tags("session token"), vec![stored.clone()]);
    assert!(!Keyring::from_raw_keys([(1, [9u8; 32])]).token_tags("session token").contains(&stored), "another key file's tags differ");

    let rotated = Keyring::from_raw_keys([(1, [7u8; 32]), (2, [8u8; 32]), (3, [6u8; 32])]);
    let tags = rotated.token_tags("session token");
    assert_eq!(tags.len(), 3);
    assert_eq!(tags[0], rotated.token_tag("session token"), "the active key's tag first");
    assert_ne!(tags[0], stored, "new tokens are stored under the new key");
    assert!(tags.contains(&stored), "a token stored before the rotation still matches");
    assert!(!rotated.token_tags("another token").contains(&stored));
}

#[test]
fn debug_output_shows_no_key_material() {
    let ring = Keyring::from_raw_keys([(1, [0xAB; 32])]);
    let printed = format!("{ring:?} {:?} {:?}", DataKey::generate(), SecretKey::from_bytes([0xAB; 32]));
    assert!(!printed.contains("171") && !printed.to_lowercase().contains("abab"), "{printed}");
}

mod key_files {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn generated_file_is_private_loads_and_refuses_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/keyring");
        Keyring::generate_file(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let ring = Keyring::load(&path).unwrap();
        assert_eq!(ring.active_key_id(), 1);
        assert!(matches!(Keyring::generate_file(&path), Err(KeyFileError::Exists { .. })));
        assert_eq!(Keyring::rotate_file(&path).unwrap(), 2);
        let rotated = Keyring::load(&path).unwrap();
        assert_eq!(rotated.key_ids(), vec![1, 2]);
        assert_eq!(rotated.check_value(1), ring.check_value(1), "rotation keeps the old key");
    }

    #[test]
    fn a_retired_key_opens_nothing_but_still_checks_tags_and_audit_macs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring");
        Keyring::generate_file(&path).unwrap();
        let old = Keyring::load(&path).unwrap();
        let data_key = DataKey::generate();
        let wrapped = old.wrap_case_key(CASE, &data_key);
        let secret_place = Place { case: "", table: "people", column: "totp_secret", row: "p1" };
        let secret = old.seal_secret(&secret_place, b"JBSWY3DPEHPK3PXP");
        let tag = old.receipt_tag(1, b"123").unwrap();
        let mac = old.audit_mac(1, b"prev", &[b"row"]).unwrap();

        assert!(matches!(Keyring::retire_in_file(&path, 1), Err(KeyFileError::ActiveKey { id: 1, .. })), "the active key stays");
        assert_eq!(Keyring::rotate_file(&path).unwrap(), 2);
        Keyring::retire_in_file(&path, 1).unwrap();
        assert!(matches!(Keyring::retire_in_file(&path, 9), Err(KeyFileError::NoSuchKey { id: 9, .. })));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().any(|l| l.starts_with("retired 1 ")) && !text.lines().any(|l| l.starts_with("key 1 ")), "{text}");

        let retired = Keyring::load(&path).unwrap();
        assert_eq!((retired.key_ids(), retired.retired_key_ids(), retired.active_key_id()), (vec![2], vec![1], 2));
        assert_eq!(retired.unwrap_case_key(CASE, &wrapped).unwrap_err(), CryptoError::UnknownKeyId(1));
        assert_eq!(retired.open_secret(&secret_place, &secret).unwrap_err(), CryptoError::UnknownKeyId(1));
        assert_eq!(retired.check_value(1), None);
        assert_eq!(retired.receipt_tag(1, b"123").unwrap(), tag, "codes issued under key 1 still match");
        assert_eq!(retired.audit_mac(1, b"prev", &[b"row"]).unwrap(), mac, "the audit chain stays verifiable");
        assert_eq!(Keyring::rotate_file(&path).unwrap(), 3, "a retired id is never reused");
    }

    #[test]
    fn rotations_at_once_each_add_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring");
        Keyring::generate_file(&path).unwrap();
        let mut ids: Vec<u32> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| Keyring::rotate_file(&path).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        ids.sort();
        assert_eq!(ids, (2..=9).collect::<Vec<_>>(), "no rotation lost another's key");
        assert_eq!(Keyring::load(&path).unwrap().key_ids(), (1..=9).collect::<Vec<_>>());
    }

    #[test]
    fn reload_takes_a_rotated_file_and_keeps_the_keys_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring");
        Keyring::generate_file(&path).unwrap();
        let ring = Keyring::load(&path).unwrap();
        assert!(!ring.reload(&path).unwrap(), "an unchanged file changes nothing");
        Keyring::rotate_file(&path).unwrap();
        assert!(ring.reload(&path).unwrap());
        assert_eq!(ring.active_key_id(), 2);
        std::fs::write(&path, "damaged").unwrap();
        assert!(ring.reload(&path).is_err());
        assert_eq!(ring.key_ids(), vec![1, 2], "a damaged file leaves the loaded keys in use");
    }

    #[test]
    fn damaged_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring");
        Keyring::generate_file(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let key_line = text.lines().find(|l| l.starts_with("key ")).unwrap();
        let b64 = key_line.split(' ').nth(2).unwrap();
        let flipped = format!("{}{}", if b64.starts_with('A') { 'B' } else { 'A' }, &b64[1..]);
        let cases = [
            (text.replace(b64, &flipped), "check code does not match"),
            (text.replace(b64, "not-base64!"), "not valid base64"),
            (text.replace(b64, "AAAA"), "not 32 bytes"),
            (text.replace("embassy-desk-keyring v1", "something else"), "first line"),
            (text[..text.len() - 20].to_string(), "expected `key"),
            (String::new(), "first line"),
        ];
        for (content, expected) in cases {
            std::fs::write(&path, &content).unwrap();
            let err = Keyring::load(&path).unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should mention {expected:?}");
            assert!(err.contains("damaged") && !err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring");
        Keyring::generate_file(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Keyring::load(&path).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
        assert!(matches!(Keyring::load(&dir.path().join("nope")), Err(KeyFileError::Missing { .. })));
    }
}

proptest! {
    #[test]
    fn any_plaintext_round_trips(plaintext in proptest::collection::vec(any::<u8>(), 0..2048), row in "[a-z_]{1,20}") {
        let key = DataKey::generate();
        let p = place(CASE, "value", &row);
        let sealed = key.seal(&p, &plaintext);
        prop_assert_eq!(&key.open(&p, &sealed).unwrap()[..], &plaintext[..]);
    }

    #[test]
    fn every_flipped_bit_fails(plaintext in proptest::collection::vec(any::<u8>(), 0..64), bit in any::<proptest::sample::Index>()) {
        let key = DataKey::generate();
        let p = place(CASE, "value", "narrative");
        let sealed = key.seal(&p, &plaintext);
        let bit = bit.index(sealed.len() * 8);
        let mut tampered = sealed.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(key.open(&p, &tampered).is_err());
    }

    #[test]
    fn value_moved_to_another_place_fails(
        plaintext in proptest::collection::vec(any::<u8>(), 0..64),
        which in 0usize..4,
        other in "[a-z0-9-]{1,36}",
    ) {
        let key = DataKey::generate();
        let home = Place { case: CASE, table: "case_fields", column: "value", row: "narrative" };
        let sealed = key.seal(&home, &plaintext);
        let mut moved = home;
        match which {
            0 => moved.case = &other,
            1 => moved.table = &other,
            2 => moved.column = &other,
            _ => moved.row = &other,
        }
        prop_assume!(format!("{moved:?}") != format!("{home:?}"));
        prop_assert_eq!(key.open(&moved, &sealed).unwrap_err(), CryptoError::Forged);
    }

    #[test]
    fn every_flipped_bit_of_a_wrapped_key_fails(bit in any::<proptest::sample::Index>()) {
        let ring = Keyring::from_raw_keys([(1, [3u8; 32])]);
        let wrapped = ring.wrap_case_key(CASE, &DataKey::generate());
        let bit = bit.index(wrapped.len() * 8);
        let mut tampered = wrapped.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(ring.unwrap_case_key(CASE, &tampered).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        let key = DataKey::generate();
        let p = place(CASE, "value", "x");
        prop_assert!(key.open(&p, &bytes).is_err());
        let ring = Keyring::from_raw_keys([(1, [3u8; 32])]);
        prop_assert!(ring.unwrap_case_key(CASE, &bytes).is_err());
    }
}

#[test]
fn hex_is_lower_case_two_digits_a_byte() {
    assert_eq!(hex(&[0x00, 0xab, 0x10, 0xff]), "00ab10ff");
    assert_eq!(hex(&[]), "");
}

/// `.cargo/config.toml` builds Poly1305 portable on x86, where most of what the desk opens
/// is short; a `RUSTFLAGS` of one's own replaces that file's flags and lands here.
#[test]
#[allow(clippy::assertions_on_constants)] // The constant is the build's configuration, which is what is checked.
fn poly1305_is_built_portable_on_x86() {
    assert!(
        cfg!(poly1305_force_soft) || !cfg!(any(target_arch = "x86_64", target_arch = "x86")),
        "build with --cfg poly1305_force_soft (.cargo/config.toml; a RUSTFLAGS variable replaces it)"
    );
}

#[test]
fn checkpoint_macs_are_not_row_macs() {
    let ring = Keyring::from_raw_keys([(1, [5u8; 32])]);
    let checkpoint = ring.checkpoint_mac(1, &[b"previous", b"row"]).unwrap();
    assert_eq!(ring.checkpoint_mac(1, &[b"previous", b"row"]), Some(checkpoint));
    // The same bytes framed the same way under the row MAC's key give another value.
    assert_ne!(ring.audit_mac(1, b"previous", &[b"row"]), Some(checkpoint));
    assert_eq!(ring.checkpoint_mac(2, &[b"previous", b"row"]), None);
}
