//! Canned replies and the automatic acknowledgement of an embassy.
//!
//! A canned reply is one of an embassy's standard texts in one requester language, kept by
//! the embassy's leads (admins: any embassy's). The reply form of a case offers those of the
//! case's embassy in the case's language; choosing one puts its text into the reply box,
//! where the volunteer adapts it before sending. The acknowledgement is a text per language
//! that intake posts to a new case's thread while the embassy has it switched on; it is the
//! desk speaking, not a first response. These texts are the desk's own wording, never what
//! a requester wrote, and are stored clear (docs/decisions/0023-canned-replies-stored-clear.md).
//! Each change is one transaction with its audit row.

pub mod load;

use crate::domain::{
    intake::{acknowledgement_field as ack_field, validate_message, LANGUAGES},
    AuditAction, Role, RuleCode,
};
use crate::server::change::ChangeError;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{now, Conn, Db, DbError, Tx},
    staff::Staff,
};

/// Longest title of a canned reply, in characters.
pub const TITLE_MAX: usize = 100;

/// One canned reply.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Canned {
    pub id: String,
    pub embassy_id: String,
    pub language: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

/// The embassy whose texts `by` keeps: a lead their own (naming another is `None`); an
/// admin the one named, or without a name the first embassy (the default desk last);
/// volunteers none.
pub async fn embassy_kept_by(conn: &mut Conn, by: &Staff, named: Option<&str>) -> Result<Option<String>, DbError> {
    let named = named.filter(|n| !n.is_empty());
    match by.role {
        Role::Volunteer => Ok(None),
        Role::Lead => Ok(by.embassy_id.clone().filter(|own| named.is_none_or(|n| n == own))),
        Role::Admin => match named {
            Some(named) => Ok(sqlx::query_scalar("SELECT id FROM embassies WHERE id = $1").bind(named).fetch_optional(&mut *conn).await?),
            None => Ok(sqlx::query_scalar("SELECT id FROM embassies ORDER BY is_default, code LIMIT 1").fetch_optional(&mut *conn).await?),
        },
    }
}

/// A canned reply's fields as typed, checked: a requester language, a title of one line
/// and a body as long as a message may be.
struct Draft {
    language: String,
    title: String,
    body: String,
}

fn draft(language: &str, title: &str, body: &str) -> Result<Draft, ChangeError> {
    if !LANGUAGES.contains(&language) {
        return Err(ChangeError::Invalid("language", RuleCode::InvalidChoice));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err(ChangeError::Invalid("title", RuleCode::Required));
    }
    if title.chars().count() > TITLE_MAX {
        return Err(ChangeError::Invalid("title", RuleCode::TooLong));
    }
    if title.chars().any(char::is_control) {
        return Err(ChangeError::Invalid("title", RuleCode::ControlCharacters));
    }
    let body = validate_message(body).map_err(|e| ChangeError::Invalid("body", RuleCode::of_rule(e.rule)))?;
    Ok(Draft { language: language.to_owned(), title: title.to_owned(), body })
}

/// Every canned reply of an embassy, by language and title.
pub async fn list(conn: &mut Conn, embassy_id: &str) -> Result<Vec<Canned>, DbError> {
    Ok(sqlx::query_as("SELECT id, embassy_id, language, title, body, updated_at FROM canned_replies WHERE embassy_id = $1 ORDER BY language, title, id")
        .bind(embassy_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// `(id, title)` of the canned replies an embassy has in `language`, by title: what the
/// reply form of a case in that language offers.
pub async fn offered(conn: &mut Conn, embassy_id: &str, language: &str) -> Result<Vec<(String, String)>, DbError> {
    Ok(sqlx::query_as("SELECT id, title FROM canned_replies WHERE embassy_id = $1 AND language = $2 ORDER BY title, id")
        .bind(embassy_id)
        .bind(language)
        .fetch_all(&mut *conn)
        .await?)
}

/// The text of canned reply `id` when it belongs to `embassy_id`.
pub async fn text_of(conn: &mut Conn, embassy_id: &str, id: &str) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT body FROM canned_replies WHERE id = $1 AND embassy_id = $2").bind(id).bind(embassy_id).fetch_optional(&mut *conn).await?)
}

/// Adds a canned reply to the embassy `by` keeps (admins: the one named); returns its id.
pub async fn add(db: &Db, keyring: &Keyring, by: &Staff, embassy: Option<&str>, language: &str, title: &str, body: &str) -> Result<String, ChangeError> {
    let mut tx = db.begin().await?;
    let embassy_id = embassy_kept_by(&mut tx, by, embassy).await?.ok_or(ChangeError::NotFound)?;
    let draft = draft(language, title, body)?;
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO canned_replies (id, embassy_id, language, title, body, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(&embassy_id)
        .bind(&draft.language)
        .bind(&draft.title)
        .bind(&draft.body)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::CannedAdd, Some(&id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(id)
}

/// `NotFound` unless canned reply `id` exists and `by` keeps its embassy.
async fn kept(tx: &mut Tx, by: &Staff, id: &str) -> Result<(), ChangeError> {
    let embassy: Option<String> = sqlx::query_scalar("SELECT embassy_id FROM canned_replies WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    let embassy = embassy.ok_or(ChangeError::NotFound)?;
    embassy_kept_by(tx, by, Some(&embassy)).await?.map(|_| ()).ok_or(ChangeError::NotFound)
}

/// Changes a canned reply's language, title and text.
pub async fn change(db: &Db, keyring: &Keyring, by: &Staff, id: &str, language: &str, title: &str, body: &str) -> Result<(), ChangeError> {
    let mut tx = db.begin().await?;
    kept(&mut tx, by, id).await?;
    let draft = draft(language, title, body)?;
    sqlx::query("UPDATE canned_replies SET language = $2, title = $3, body = $4, updated_at = $5 WHERE id = $1")
        .bind(id)
        .bind(&draft.language)
        .bind(&draft.title)
        .bind(&draft.body)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::CannedChange, Some(id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a canned reply (replies already sent with its text keep it).
pub async fn remove(db: &Db, keyring: &Keyring, by: &Staff, id: &str) -> Result<(), ChangeError> {
    let mut tx = db.begin().await?;
    kept(&mut tx, by, id).await?;
    sqlx::query("DELETE FROM canned_replies WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::CannedRemove, Some(id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// An embassy's acknowledgement as its leads set it.
#[derive(Clone, Debug, Default)]
pub struct Acknowledgement {
    pub on: bool,
    /// `(language, text)` in the order of [`LANGUAGES`]; languages without a text left out.
    pub texts: Vec<(String, String)>,
}

/// The acknowledgement of an embassy.
pub async fn acknowledgement_of(conn: &mut Conn, embassy_id: &str) -> Result<Acknowledgement, DbError> {
    let on: Option<i64> = sqlx::query_scalar("SELECT acknowledge FROM embassies WHERE id = $1").bind(embassy_id).fetch_optional(&mut *conn).await?;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT language, body FROM acknowledgements WHERE embassy_id = $1").bind(embassy_id).fetch_all(&mut *conn).await?;
    let texts = LANGUAGES.iter().filter_map(|l| rows.iter().find(|(language, _)| language == l).cloned()).collect();
    Ok(Acknowledgement { on: on == Some(1), texts })
}

/// Switches the acknowledgement of the embassy `by` keeps (admins: the one named) on or
/// off and sets its text in each language (`texts`: `(language, text)`; an empty text
/// removes that language). Switched on, it needs a text in at least one language.
pub async fn set_acknowledgement(
    db: &Db,
    keyring: &Keyring,
    by: &Staff,
    embassy: Option<&str>,
    on: bool,
    texts: &[(String, String)],
) -> Result<(), ChangeError> {
    let mut tx = db.begin().await?;
    let embassy_id = embassy_kept_by(&mut tx, by, embassy).await?.ok_or(ChangeError::NotFound)?;
    let mut checked = Vec::new();
    for (language, text) in texts {
        let Some(field) = ack_field(language) else { return Err(ChangeError::Invalid("acknowledge", RuleCode::InvalidChoice)) };
        if text.trim().is_empty() {
            continue;
        }
        let text = validate_message(text).map_err(|e| ChangeError::Invalid(field, RuleCode::of_rule(e.rule)))?;
        checked.push((language.clone(), text));
    }
    if on && checked.is_empty() {
        return Err(ChangeError::Invalid("acknowledge", RuleCode::Required));
    }
    sqlx::query("UPDATE embassies SET acknowledge = $2 WHERE id = $1").bind(&embassy_id).bind(i64::from(on)).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM acknowledgements WHERE embassy_id = $1").bind(&embassy_id).execute(&mut *tx).await?;
    for (language, text) in &checked {
        sqlx::query("INSERT INTO acknowledgements (embassy_id, language, body) VALUES ($1, $2, $3)")
            .bind(&embassy_id)
            .bind(language)
            .bind(text)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::EmbassyAcknowledgement, Some(&embassy_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// The acknowledgement a new case of `embassy_id` in `language` receives, while the embassy
/// has it on: the text in that language, else in Russian (which nearly every requester
/// reads), else the first there is.
pub async fn acknowledgement_for(conn: &mut Conn, embassy_id: &str, language: &str) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT a.body FROM acknowledgements a JOIN embassies e ON e.id = a.embassy_id \
         WHERE a.embassy_id = $1 AND e.acknowledge = 1 \
         ORDER BY CASE WHEN a.language = $2 THEN 0 WHEN a.language = 'ru' THEN 1 ELSE 2 END, a.language LIMIT 1",
    )
    .bind(embassy_id)
    .bind(language)
    .fetch_optional(&mut *conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_acknowledgement_field() {
        for language in LANGUAGES {
            assert_eq!(ack_field(language), Some(format!("ack_{language}")).as_deref());
        }
        assert_eq!(ack_field("de"), None);
    }

    #[test]
    fn a_draft_needs_a_language_a_title_and_a_text() {
        assert!(draft("uk", "Documents list", "Please bring your passport.").is_ok());
        assert!(matches!(draft("de", "t", "b"), Err(ChangeError::Invalid("language", RuleCode::InvalidChoice))));
        assert!(matches!(draft("ru", "  ", "b"), Err(ChangeError::Invalid("title", RuleCode::Required))));
        assert!(matches!(draft("ru", &"t".repeat(TITLE_MAX + 1), "b"), Err(ChangeError::Invalid("title", RuleCode::TooLong))));
        assert!(matches!(draft("ru", "a\u{7}b", "b"), Err(ChangeError::Invalid("title", RuleCode::ControlCharacters))));
        assert!(matches!(draft("ru", "t", ""), Err(ChangeError::Invalid("body", RuleCode::Required))));
    }
}
