//! The key file: a small text file holding the master keys, one per line with its id and
//! a check code, so that a damaged file is told apart from a wrong one.
//!
//! ```text
//! embassy-desk-keyring v1
//! key 1 <base64 of 32 bytes> <8 hex digits>
//! ```
//! The highest id is the active key; older ones stay to open what they sealed.

use super::SecretKey;
use base64::{engine::general_purpose::STANDARD, Engine};
use sha2::{Digest, Sha256};
use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};
use zeroize::Zeroizing;

const MAGIC: &str = "embassy-desk-keyring v1";
const HEADER: &str = "# embassy-desk keyring. Secret: anyone with this file and a database copy can read every case.\n\
# Back it up apart from the database backups; without it no sealed value can be opened.\n";

/// Why the key file could not be used. Each message is one line an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("key file {path} does not exist; create it with `embassy-desk keygen`")]
    Missing { path: PathBuf },
    #[error("key file {path} could not be read: {source}")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("key file {path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("key file {path} is damaged at line {line}: {what}")]
    Damaged { path: PathBuf, line: usize, what: &'static str },
    #[error("key file {path} holds no key")]
    Empty { path: PathBuf },
    #[error("key file {path} already exists; use `embassy-desk keygen --rotate` to add a new key")]
    Exists { path: PathBuf },
    #[error("key file {path} has no key id left for a new key")]
    Full { path: PathBuf },
    #[error("key file {path} could not be written: {source}")]
    Unwritable { path: PathBuf, source: std::io::Error },
}

fn check_code(id: u32, key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"embassy-desk key file check");
    h.update(id.to_be_bytes());
    h.update(key);
    super::hex(&h.finalize()[..4])
}

/// Parses key file text. `path` only labels errors.
pub(super) fn parse(path: &Path, text: &str) -> Result<BTreeMap<u32, SecretKey>, KeyFileError> {
    let damaged = |line, what| KeyFileError::Damaged { path: path.to_owned(), line, what };
    let mut keys = BTreeMap::new();
    let mut seen_magic = false;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !seen_magic {
            if line != MAGIC {
                return Err(damaged(n, "first line is not `embassy-desk-keyring v1`"));
            }
            seen_magic = true;
            continue;
        }
        let parts: Vec<&str> = line.split_ascii_whitespace().collect();
        let [word, id, key, check] = parts[..] else {
            return Err(damaged(n, "expected `key <id> <base64> <check>`"));
        };
        if word != "key" {
            return Err(damaged(n, "expected `key <id> <base64> <check>`"));
        }
        let id: u32 = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| damaged(n, "key id is not a positive number"))?;
        let bytes = Zeroizing::new(STANDARD.decode(key).map_err(|_| damaged(n, "key is not valid base64"))?);
        let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| damaged(n, "key is not 32 bytes long"))?;
        if check_code(id, &bytes) != check {
            return Err(damaged(n, "check code does not match the key"));
        }
        if keys.insert(id, SecretKey::from_bytes(bytes)).is_some() {
            return Err(damaged(n, "key id appears twice"));
        }
    }
    if !seen_magic {
        return Err(damaged(1, "first line is not `embassy-desk-keyring v1`"));
    }
    if keys.is_empty() {
        return Err(KeyFileError::Empty { path: path.to_owned() });
    }
    Ok(keys)
}

/// Reads the key file, refusing one that other users can read.
pub(super) fn read(path: &Path) -> Result<BTreeMap<u32, SecretKey>, KeyFileError> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => KeyFileError::Missing { path: path.to_owned() },
        _ => KeyFileError::Unreadable { path: path.to_owned(), source },
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::TooOpen { path: path.to_owned(), mode });
        }
    }
    let _ = meta;
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| KeyFileError::Unreadable { path: path.to_owned(), source })?);
    parse(path, &text)
}

fn render(keys: &BTreeMap<u32, SecretKey>) -> Zeroizing<String> {
    let mut text = Zeroizing::new(format!("{HEADER}{MAGIC}\n"));
    for (id, key) in keys {
        text.push_str(&format!("key {id} {} {}\n", STANDARD.encode(key.expose()), check_code(*id, key.expose())));
    }
    text
}

/// Writes `keys` to a new file created with mode 0600, or replaces `path` atomically.
pub(super) fn write(path: &Path, keys: &BTreeMap<u32, SecretKey>, replace: bool) -> Result<(), KeyFileError> {
    let unwritable = |source| KeyFileError::Unwritable { path: path.to_owned(), source };
    if !replace && path.exists() {
        return Err(KeyFileError::Exists { path: path.to_owned() });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(unwritable)?;
    }
    let tmp = path.with_extension("new");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let _ = std::fs::remove_file(&tmp);
    let mut file = options.open(&tmp).map_err(unwritable)?;
    file.write_all(render(keys).as_bytes()).map_err(unwritable)?;
    file.sync_all().map_err(unwritable)?;
    if replace {
        std::fs::rename(&tmp, path).map_err(unwritable)
    } else {
        // hard_link fails if `path` appeared meanwhile, so an existing key is never overwritten.
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        linked.map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => KeyFileError::Exists { path: path.to_owned() },
            _ => unwritable(source),
        })
    }
}
