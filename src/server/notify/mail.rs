//! The desk's e-mails: the SMTP connection (lettre) and the texts, in the reader's language.
//! A text holds counts, queue names and links, never a case's content or reference.

use crate::domain::NotifyKind;
use crate::i18n::{td_string, Locale};
use crate::server::config::MailConfig;
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

/// Why an e-mail was not sent. Its text never holds an address, nor what the SMTP server
/// said (which may quote one): the log gets the kind of failure only.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no SMTP server is configured (EMBASSY_DESK_SMTP_URL)")]
    NotConfigured,
    #[error("EMBASSY_DESK_SMTP_URL cannot be used")]
    BadUrl,
    #[error("the sender or recipient is not an e-mail address")]
    BadAddress,
    #[error("the SMTP server refused the e-mail for good")]
    Refused,
    #[error("the SMTP server could not take the e-mail now")]
    Transient,
    #[error("the SMTP server could not be reached or the connection failed")]
    Connection,
}

impl MailError {
    fn of(e: &lettre::transport::smtp::Error) -> Self {
        if e.is_permanent() {
            MailError::Refused
        } else if e.is_transient() {
            MailError::Transient
        } else {
            MailError::Connection
        }
    }
}

/// A connection to the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// How long one SMTP exchange may take before it counts as failed.
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl Mailer {
    /// The mailer of `config`, or `NotConfigured` without an SMTP URL.
    pub fn new(config: &MailConfig) -> Result<Self, MailError> {
        let url = config.smtp_url.as_deref().ok_or(MailError::NotConfigured)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|_| MailError::BadUrl)?.timeout(Some(SMTP_TIMEOUT)).build();
        let from = config.from.parse::<Mailbox>().map_err(|_| MailError::BadAddress)?;
        Ok(Self { transport, from })
    }

    /// Sends one plain-text e-mail; the error says only what kind of failure it was, and
    /// `detail` (for the command line, where the operator typed the address) the server's words.
    pub async fn send(&self, to: &str, text: &Text) -> Result<(), (MailError, String)> {
        let to = to.parse::<Mailbox>().map_err(|e| (MailError::BadAddress, e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(text.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(text.body.clone())
            .map_err(|e| (MailError::BadAddress, e.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| (MailError::of(&e), e.to_string()))
    }
}

/// An e-mail's subject and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// What one staff e-mail tells: counts by kind, new cases by queue name.
#[derive(Debug, Default)]
pub struct Tally {
    /// `(queue name, count)`, in the order first seen.
    pub new_cases: Vec<(String, u32)>,
    pub answered: u32,
    pub assigned: u32,
    pub deadlines: u32,
    pub overdue: u32,
    pub test: bool,
    /// Whether the e-mail carries a digest (part of what it tells waited for the day's).
    pub digest: bool,
}

impl Tally {
    pub fn add(&mut self, kind: NotifyKind, queue: Option<&str>) {
        match kind {
            NotifyKind::NewCase => {
                let queue = queue.unwrap_or_default();
                match self.new_cases.iter_mut().find(|(name, _)| name == queue) {
                    Some((_, n)) => *n += 1,
                    None => self.new_cases.push((queue.to_owned(), 1)),
                }
            }
            NotifyKind::Answered => self.answered += 1,
            NotifyKind::Assigned => self.assigned += 1,
            NotifyKind::DeadlineNear => self.deadlines += 1,
            NotifyKind::Overdue => self.overdue += 1,
        }
    }
}

/// The staff e-mail of `tally` in `locale`; `desk` is the desk's public address.
pub fn staff_text(locale: Locale, tally: &Tally, desk: &str) -> Text {
    let subject = if tally.test && tally.new_cases.is_empty() && tally.answered + tally.assigned + tally.deadlines + tally.overdue == 0 {
        td_string!(locale, notify.mail.test_subject).to_string()
    } else if tally.digest {
        td_string!(locale, notify.mail.digest_subject).to_string()
    } else {
        td_string!(locale, notify.mail.subject).to_string()
    };
    let mut lines = Vec::new();
    if tally.test {
        lines.push(td_string!(locale, notify.mail.test_body).to_string());
    }
    for (queue, count) in &tally.new_cases {
        lines.push(format!("- {}", td_string!(locale, notify.mail.new_case, count = *count, queue = queue.clone())));
    }
    let counted = [
        (tally.answered, NotifyKind::Answered),
        (tally.assigned, NotifyKind::Assigned),
        (tally.deadlines, NotifyKind::DeadlineNear),
        (tally.overdue, NotifyKind::Overdue),
    ];
    for (count, kind) in counted.into_iter().filter(|(n, _)| *n > 0) {
        let line = match kind {
            NotifyKind::Answered => td_string!(locale, notify.mail.answered, count).to_string(),
            NotifyKind::Assigned => td_string!(locale, notify.mail.assigned, count).to_string(),
            NotifyKind::DeadlineNear => td_string!(locale, notify.mail.deadline_near, count).to_string(),
            NotifyKind::Overdue | NotifyKind::NewCase => td_string!(locale, notify.mail.overdue, count).to_string(),
        };
        lines.push(format!("- {line}"));
    }
    lines.push(String::new());
    lines.push(td_string!(locale, notify.mail.open, url = format!("{desk}/desk")).to_string());
    lines.push(String::new());
    lines.push(td_string!(locale, notify.mail.why, url = format!("{desk}/desk/notifications")).to_string());
    Text { subject, body: lines.join("\n") + "\n" }
}

/// The requester's e-mail "there is a new message", in the case's language.
pub fn requester_text(locale: Locale, desk: &str) -> Text {
    let subject = td_string!(locale, notify.requester.subject).to_string();
    let body = format!("{}\n\n{}\n", td_string!(locale, notify.requester.body, url = format!("{desk}/follow-up")), td_string!(locale, notify.requester.stop));
    Text { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staff_e_mail_counts_and_links_and_says_nothing_else() {
        let mut tally = Tally::default();
        tally.add(NotifyKind::NewCase, Some("Poland · Housing"));
        tally.add(NotifyKind::NewCase, Some("Poland · Housing"));
        tally.add(NotifyKind::Assigned, None);
        let text = staff_text(Locale::en, &tally, "https://desk.example");
        assert!(text.body.contains("2 new requests in Poland · Housing"), "{}", text.body);
        assert!(text.body.contains("1 case assigned to you"), "{}", text.body);
        assert!(text.body.contains("https://desk.example/desk\n"), "{}", text.body);
        assert!(text.body.contains("https://desk.example/desk/notifications"), "{}", text.body);
        let ru = staff_text(Locale::ru, &tally, "https://desk.example");
        assert!(ru.body.contains("2 новых обращения"), "{}", ru.body);
    }

    #[test]
    fn the_requester_s_e_mail_speaks_their_language() {
        let text = requester_text(Locale::uk, "https://desk.example");
        assert!(text.body.contains("https://desk.example/follow-up"), "{}", text.body);
        assert_ne!(text.subject, requester_text(Locale::en, "https://desk.example").subject);
    }
}
