//! The key file: a small text file holding the master keys, one per line with its id and
//! a check code, so that a damaged file is told apart from a wrong one.
//!
//! ```text
//! embassy-desk-keyring v1
//! retired 1 <base64 of 32 bytes> <base64 of 32 bytes> <8 hex digits>
//! key 2 <base64 of 32 bytes> <8 hex digits>
//! ```
//! The highest key id is the active key; older ones stay to open what they sealed until
//! they are retired. A retired key keeps only its receipt look-up and audit MAC subkeys,
//! which open nothing.

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
    #[error("key {id} is the active key of {path}; rotate first (`embassy-desk keygen rotate`)")]
    ActiveKey { path: PathBuf, id: u32 },
    #[error("key file {path} holds no key {id}")]
    NoSuchKey { path: PathBuf, id: u32 },
    #[error("key file {path} could not be written: {source}")]
    Unwritable { path: PathBuf, source: std::io::Error },
}

/// The keys of a key file: full master keys, and what remains of retired ones (receipt
/// look-up subkey, audit MAC subkey).
pub(super) struct KeyFile {
    pub masters: BTreeMap<u32, SecretKey>,
    pub retired: BTreeMap<u32, (SecretKey, SecretKey)>,
}

fn check_code(id: u32, keys: &[&[u8; 32]]) -> String {
    let mut h = Sha256::new();
    h.update(b"embassy-desk key file check");
    h.update(id.to_be_bytes());
    for key in keys {
        h.update(key);
    }
    super::hex(&h.finalize()[..4])
}

fn decode_key(text: &str) -> Result<Zeroizing<[u8; 32]>, &'static str> {
    let bytes = Zeroizing::new(STANDARD.decode(text).map_err(|_| "key is not valid base64")?);
    bytes.as_slice().try_into().map(Zeroizing::new).map_err(|_| "key is not 32 bytes long")
}

/// Parses key file text. `path` only labels errors.
pub(super) fn parse(path: &Path, text: &str) -> Result<KeyFile, KeyFileError> {
    let damaged = |line, what| KeyFileError::Damaged { path: path.to_owned(), line, what };
    let (mut masters, mut retired) = (BTreeMap::new(), BTreeMap::new());
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
        let (id, keys, check) = match parts[..] {
            ["key", id, key, check] => (id, vec![key], check),
            ["retired", id, receipt, audit, check] => (id, vec![receipt, audit], check),
            _ => return Err(damaged(n, "expected `key <id> <base64> <check>` or `retired <id> <base64> <base64> <check>`")),
        };
        let id: u32 = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| damaged(n, "key id is not a positive number"))?;
        let keys: Vec<Zeroizing<[u8; 32]>> = keys.into_iter().map(|k| decode_key(k).map_err(|what| damaged(n, what))).collect::<Result<_, _>>()?;
        if check_code(id, &keys.iter().map(|k| &**k).collect::<Vec<_>>()) != check {
            return Err(damaged(n, "check code does not match the key"));
        }
        if masters.contains_key(&id) || retired.contains_key(&id) {
            return Err(damaged(n, "key id appears twice"));
        }
        match &keys[..] {
            [key] => masters.insert(id, SecretKey::from_bytes(**key)).map(drop),
            [receipt, audit] => retired.insert(id, (SecretKey::from_bytes(**receipt), SecretKey::from_bytes(**audit))).map(drop),
            _ => unreachable!("one or two keys per line, matched above"),
        };
    }
    if !seen_magic {
        return Err(damaged(1, "first line is not `embassy-desk-keyring v1`"));
    }
    if masters.is_empty() {
        return Err(KeyFileError::Empty { path: path.to_owned() });
    }
    Ok(KeyFile { masters, retired })
}

/// Reads the key file, refusing one that other users can read.
pub(super) fn read(path: &Path) -> Result<KeyFile, KeyFileError> {
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

fn render(file: &KeyFile) -> Zeroizing<String> {
    let mut text = Zeroizing::new(format!("{HEADER}{MAGIC}\n"));
    for (id, (receipt, audit)) in &file.retired {
        let (r, a) = (receipt.expose(), audit.expose());
        text.push_str(&format!("retired {id} {} {} {}\n", STANDARD.encode(r), STANDARD.encode(a), check_code(*id, &[r, a])));
    }
    for (id, key) in &file.masters {
        text.push_str(&format!("key {id} {} {}\n", STANDARD.encode(key.expose()), check_code(*id, &[key.expose()])));
    }
    text
}

/// Writes `keys` to a new file created with mode 0600, or replaces `path` atomically.
pub(super) fn write(path: &Path, keys: &KeyFile, replace: bool) -> Result<(), KeyFileError> {
    let unwritable = |source| KeyFileError::Unwritable { path: path.to_owned(), source };
    if !replace && path.exists() {
        return Err(KeyFileError::Exists { path: path.to_owned() });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(unwritable)?;
    }
    // A name of its own per writer: two writers never share a half-written file.
    let tmp = path.with_extension(format!("new.{}.{}", std::process::id(), rand::random::<u32>()));
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

/// Reads the key file, lets `change` alter it, and writes it back, holding an exclusive lock
/// on `<key file>.lock` throughout, so that two processes changing the key file at once (the
/// server's schedule and `keygen rotate`) each see the other's change.
pub(super) fn update<T>(path: &Path, change: impl FnOnce(&mut KeyFile) -> Result<T, KeyFileError>) -> Result<T, KeyFileError> {
    let unwritable = |source| KeyFileError::Unwritable { path: path.to_owned(), source };
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(path.with_extension("lock")).map_err(unwritable)?;
    lock.lock().map_err(unwritable)?;
    let mut file = read(path)?;
    let out = change(&mut file)?;
    write(path, &file, true)?;
    Ok(out)
}
