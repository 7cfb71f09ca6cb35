//! A real SMTP server for a test: aiosmtpd (from PyPI, installed by `.ci/test`) writing each
//! message it accepts to a Maildir, read back and decoded by Python's own `email` package.

use std::{path::PathBuf, process::Child, time::Duration};

/// One e-mail as it arrived.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The message as the server stored it, headers included, before decoding.
    pub raw: String,
}

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// The Python that has aiosmtpd: `EMBASSY_DESK_TEST_PYTHON` (set by `.ci/test`), else the
/// virtual environment `.ci/test` makes.
fn python() -> PathBuf {
    std::env::var_os("EMBASSY_DESK_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/tools/python/bin/python")))
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    /// Starts a server on `port` and waits until it answers.
    pub async fn start_on(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let python = python();
        let child = std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd with {} ({e}); run .ci/test, which installs it", python.display()));
        let server = SmtpServer { port, dir, child: Some(child) };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not listen on port {port} ({} without aiosmtpd? run .ci/test)", python.display());
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every e-mail that arrived so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let new = self.dir.path().join("mail").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else { return Vec::new() };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> =
            entries.filter_map(Result::ok).map(|e| (e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), e.path())).collect();
        files.sort();
        files.into_iter().map(|(_, path)| decode(&path)).collect()
    }

    /// Waits (up to 30 s) until `n` e-mails have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..300 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} e-mails, got {:#?}", self.mails());
    }
}

fn decode(path: &std::path::Path) -> Mail {
    const SCRIPT: &str = "import email, email.header, sys, json\n\
        m = email.message_from_binary_file(open(sys.argv[1], 'rb'))\n\
        subject = str(email.header.make_header(email.header.decode_header(m['Subject'] or '')))\n\
        print(json.dumps({'to': m['To'], 'subject': subject, 'body': m.get_payload(decode=True).decode(m.get_content_charset() or 'utf-8')}))";
    let out = std::process::Command::new(python()).args(["-c", SCRIPT]).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Mail {
        to: v["to"].as_str().unwrap_or_default().to_owned(),
        subject: v["subject"].as_str().unwrap_or_default().to_owned(),
        body: v["body"].as_str().unwrap_or_default().to_owned(),
        raw: std::fs::read_to_string(path).unwrap_or_default(),
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
