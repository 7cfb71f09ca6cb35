//! Checkpoints of the audit chain, kept outside the database: the last row's sequence number
//! and chain MAC, when they were taken, and a MAC of the three under the keyring's checkpoint
//! key, as one line of text. The chain alone cannot tell rows cut from its end when its head
//! is rewritten to match; a checkpoint that names a row the log no longer holds, or holds
//! with another MAC, can. The lines go to an append-only file and to whoever the operator
//! hands them to.

use super::ChainBreak;
use crate::domain::Date;
use crate::server::{
    crypto::{hex, Keyring},
    db::{now, Db, DbError},
};
use sqlx::Row;
use std::{io::Write, path::Path, sync::Arc, time::Duration};

/// What every checkpoint line starts with (the format's version is part of it).
const PREFIX: &str = "embassy-desk audit checkpoint v1";

/// One checkpoint: row `seq` had chain MAC `mac` at `at`; `tag` is the MAC of those under
/// the checkpoint key of key `key_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub mac: Vec<u8>,
    pub at: i64,
    pub key_id: u32,
    pub tag: Vec<u8>,
}

/// Why a checkpoint was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the audit log is empty: nothing to checkpoint")]
    Empty,
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("cannot use the checkpoint file {path}: {source}")]
    File { path: String, source: std::io::Error },
    #[error("no new checkpoint is written while the last one does not match the log: {0}")]
    Previous(#[from] CheckpointError),
}

/// Why the log does not match a checkpoint, or the checkpoint is not one to trust.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("the checkpoint line is not one this desk writes ({0})")]
    Malformed(&'static str),
    #[error("the checkpoint names key {0}, which the key file does not hold")]
    UnknownKey(u32),
    #[error("the checkpoint line does not verify under the key file: it was forged or altered")]
    Forged,
    #[error("rows cut from the end: checkpoint at row {seq} (taken {at}) but the log ends at row {last}")]
    Cut { seq: i64, at: String, last: i64 },
    #[error("rows cut from the end and written again: audit row {seq} is not the row the checkpoint taken {at} names")]
    Rewritten { seq: i64, at: String },
}

/// What `audit verify` found wrong: the chain itself, or the chain against a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditProblem {
    #[error(transparent)]
    Chain(#[from] ChainBreak),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
}

impl Checkpoint {
    /// What the tag covers; the prefix keeps a future format's tags apart.
    fn tagged(keyring: &Keyring, key_id: u32, seq: i64, mac: &[u8], at: i64) -> Option<[u8; 32]> {
        keyring.checkpoint_mac(key_id, &[PREFIX.as_bytes(), &seq.to_be_bytes(), mac, &at.to_be_bytes()])
    }

    /// A checkpoint of row `seq` with chain MAC `mac`, taken at `at` under the active key.
    pub fn sign(keyring: &Keyring, seq: i64, mac: Vec<u8>, at: i64) -> Self {
        let key_id = keyring.active_key_id();
        let tag = Self::tagged(keyring, key_id, seq, &mac, at).expect("the active key is in the keyring").to_vec();
        Self { seq, mac, at, key_id, tag }
    }

    /// The line as it is written and printed.
    pub fn line(&self) -> String {
        format!("{PREFIX} row={} mac={} at={} key={} tag={}", self.seq, hex(&self.mac), utc_text(self.at), self.key_id, hex(&self.tag))
    }

    /// Reads a line written by [`Self::line`] (surrounding blanks ignored).
    pub fn parse(line: &str) -> Result<Self, CheckpointError> {
        let rest = line.trim().strip_prefix(PREFIX).ok_or(CheckpointError::Malformed("it does not start with the desk's prefix"))?;
        let mut fields = rest.split_ascii_whitespace();
        let mut field = |name: &'static str| fields.next().and_then(|f| f.strip_prefix(name)).ok_or(CheckpointError::Malformed(name));
        let seq = field("row=")?.parse::<i64>().ok().filter(|s| *s > 0).ok_or(CheckpointError::Malformed("row="))?;
        let mac = unhex(field("mac=")?).ok_or(CheckpointError::Malformed("mac="))?;
        let at = parse_utc(field("at=")?).ok_or(CheckpointError::Malformed("at="))?;
        let key_id = field("key=")?.parse::<u32>().map_err(|_| CheckpointError::Malformed("key="))?;
        let tag = unhex(field("tag=")?).ok_or(CheckpointError::Malformed("tag="))?;
        if fields.next().is_some() {
            return Err(CheckpointError::Malformed("it goes on after tag="));
        }
        Ok(Self { seq, mac, at, key_id, tag })
    }

    /// When it was taken, as the line writes it.
    pub fn taken(&self) -> String {
        utc_text(self.at)
    }

    /// Whether the line's tag verifies under the key file.
    pub fn authenticate(&self, keyring: &Keyring) -> Result<(), CheckpointError> {
        let expected = Self::tagged(keyring, self.key_id, self.seq, &self.mac, self.at).ok_or(CheckpointError::UnknownKey(self.key_id))?;
        if subtle::ConstantTimeEq::ct_eq(expected.as_slice(), self.tag.as_slice()).into() {
            Ok(())
        } else {
            Err(CheckpointError::Forged)
        }
    }
}

/// `2026-12-07T03:45:05Z`.
fn utc_text(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", Date::from_unix(unix), secs / 3600, secs % 3600 / 60, secs % 60)
}

fn parse_utc(text: &str) -> Option<i64> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let day = Date::parse(date)?;
    let parts: Vec<i64> = time.split(':').map(|p| (p.len() == 2).then(|| p.parse().ok()).flatten()).collect::<Option<_>>()?;
    let [h, m, s] = parts[..] else { return None };
    (h < 24 && m < 60 && s < 60).then(|| day.unix_start() + h * 3600 + m * 60 + s)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

/// A checkpoint of the log's last row now; `None` while the log is empty.
pub async fn take(db: &Db, keyring: &Keyring) -> Result<Option<Checkpoint>, DbError> {
    let row = sqlx::query("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(db.pool()).await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Checkpoint::sign(keyring, row.try_get(0)?, row.try_get(1)?, now())))
}

/// Appends `line` to the file at `path` (created readable by its owner only) and waits until
/// it is on disk.
pub fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // One write of the whole line: with O_APPEND, two writers never interleave within it.
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_all()
}

/// The last line of the checkpoint file; `None` when the file holds none. A missing file is
/// the error `NotFound`.
pub fn latest_line(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    // A line is under 300 bytes; the file grows by one an hour, so read only its tail.
    let length = file.metadata()?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(4096)))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let tail = String::from_utf8_lossy(&tail);
    Ok(tail.lines().map(str::trim).rfind(|l| !l.is_empty()).map(str::to_owned))
}

/// Whether the log still holds the row `checkpoint` names, with the MAC it names (its tag
/// verified first).
pub async fn matches(db: &Db, keyring: &Keyring, checkpoint: &Checkpoint) -> Result<Result<(), CheckpointError>, DbError> {
    if let Err(e) = checkpoint.authenticate(keyring) {
        return Ok(Err(e));
    }
    let stored: Option<Vec<u8>> = sqlx::query_scalar("SELECT mac FROM audit_log WHERE seq = $1").bind(checkpoint.seq).fetch_optional(db.pool()).await?;
    let at = checkpoint.taken();
    Ok(match stored {
        Some(mac) if mac == checkpoint.mac => Ok(()),
        Some(_) => Err(CheckpointError::Rewritten { seq: checkpoint.seq, at }),
        None => {
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log").fetch_one(db.pool()).await?;
            Err(CheckpointError::Cut { seq: checkpoint.seq, at, last: last.unwrap_or(0) })
        }
    })
}

/// The last line of the file at `path`, read off the runtime's threads; `None` when the file
/// is missing or holds no line.
async fn previous_line(path: &Path) -> Result<Option<String>, WriteError> {
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || latest_line(&owned)).await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
    match read {
        Ok(line) => Ok(line),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::File { path: path.display().to_string(), source }),
    }
}

/// Takes a checkpoint and appends it to the file at `path` — unless the file's last
/// checkpoint no longer matches the log: a new one would cover the cut it shows, so that
/// one stays last for `audit verify` to report.
pub async fn write(db: &Db, keyring: &Keyring, path: &Path) -> Result<Checkpoint, WriteError> {
    if let Some(line) = previous_line(path).await? {
        let previous = Checkpoint::parse(&line)?;
        matches(db, keyring, &previous).await??;
    }
    let checkpoint = take(db, keyring).await?.ok_or(WriteError::Empty)?;
    let (line, owned) = (checkpoint.line(), path.to_owned());
    let written = tokio::task::spawn_blocking(move || append_line(&owned, &line)).await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
    written.map_err(|source| WriteError::File { path: path.display().to_string(), source })?;
    Ok(checkpoint)
}

/// Checks the chain, then (given one) the chain against `checkpoint`. Returns the rows
/// verified.
///
/// Read the checkpoint before calling: one taken while this runs may name a row appended
/// after the chain was read.
pub async fn verify(db: &Db, keyring: &Keyring, checkpoint: Option<&Checkpoint>) -> Result<Result<i64, AuditProblem>, DbError> {
    let last = match super::verify(db, keyring).await? {
        Ok(last) => last,
        Err(e) => return Ok(Err(e.into())),
    };
    let Some(checkpoint) = checkpoint else { return Ok(Ok(last)) };
    Ok(matches(db, keyring, checkpoint).await?.map(|()| last).map_err(AuditProblem::from))
}

/// The server's own checkpoints: one now, then one every `every`, never holding up a
/// request. A checkpoint that cannot be written is logged and tried again at the next.
pub async fn keep_writing(db: Db, keyring: Arc<Keyring>, path: std::path::PathBuf, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match write(&db, &keyring, &path).await {
            Ok(checkpoint) => tracing::info!(row = checkpoint.seq, "audit checkpoint written"),
            Err(WriteError::Empty) => {}
            Err(e) => tracing::error!(error = %e, "audit checkpoint not written; trying again at the next interval"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::from_raw_keys([(1, [7u8; 32]), (2, [9u8; 32])])
    }

    #[test]
    fn a_checkpoint_line_reads_back_and_verifies() {
        let checkpoint = Checkpoint::sign(&ring(), 42, vec![0xab; 32], 1_796_615_105);
        let line = checkpoint.line();
        assert!(line.starts_with("embassy-desk audit checkpoint v1 row=42 mac=abab"), "{line}");
        assert!(line.contains(" at=2026-12-07T03:45:05Z key=2 tag="), "{line}");
        let read = Checkpoint::parse(&format!("  {line}\n")).unwrap();
        assert_eq!(read, checkpoint);
        assert_eq!(read.authenticate(&ring()), Ok(()));
    }

    #[test]
    fn an_altered_or_foreign_line_is_refused() {
        let line = Checkpoint::sign(&ring(), 42, vec![0xab; 32], 1_796_615_105).line();
        for (from, to) in [("row=42", "row=41"), ("at=2026-12-07T03:45:05Z", "at=2026-12-07T03:45:06Z"), ("mac=ab", "mac=ac")] {
            let altered = Checkpoint::parse(&line.replacen(from, to, 1)).unwrap();
            assert_eq!(altered.authenticate(&ring()), Err(CheckpointError::Forged), "{to}");
        }
        let other = Keyring::from_raw_keys([(1, [8u8; 32]), (2, [1u8; 32])]);
        assert_eq!(Checkpoint::parse(&line).unwrap().authenticate(&other), Err(CheckpointError::Forged));
        let unknown = Checkpoint::parse(&line.replacen("key=2", "key=5", 1)).unwrap();
        assert_eq!(unknown.authenticate(&ring()), Err(CheckpointError::UnknownKey(5)));
    }

    #[test]
    fn lines_of_another_shape_are_malformed() {
        let line = Checkpoint::sign(&ring(), 3, vec![1; 32], 0).line();
        for bad in [
            String::new(),
            line.replacen("v1", "v2", 1),
            line.replacen("row=3", "row=-3", 1),
            line.replacen("at=1970-01-01T00:00:00Z", "at=1970-01-01T24:00:00Z", 1),
            line.replacen("mac=01", "mac=1", 1),
            format!("{line} extra"),
            line[..line.len() - 2].to_owned(),
        ] {
            assert!(matches!(Checkpoint::parse(&bad), Err(CheckpointError::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn the_file_is_private_and_its_last_line_is_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit-checkpoints");
        assert_eq!(latest_line(&path).unwrap_err().kind(), std::io::ErrorKind::NotFound);
        append_line(&path, "first").unwrap();
        append_line(&path, "second").unwrap();
        assert_eq!(latest_line(&path).unwrap().as_deref(), Some("second"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\nsecond\n", "appended, never rewritten");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
